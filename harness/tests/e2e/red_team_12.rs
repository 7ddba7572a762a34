//! The twelfth attacker's review: card-signed intents after the eleventh review's fixes
//! (the token's `Forwarder` role and the registry's foreign card bindings lapse when the
//! admin seat that granted or bound them moves). Each test asserts the safe behaviour. All
//! five findings are fixed: the token grants `Forwarder` only from a contract's seat to a
//! contract again, so the deployer never holds it (H1, H2); a revoke removes a lapsed
//! grant too (H3); a key bound to another account may still go to its own account (H4);
//! `card_key` answers only a key `card_holder` answers for (H5). Residual, documented in
//! the threat model: a deployer that moves the token's seat to a contract of its own
//! before the handover can use a forwarder of its own until it hands the seat on.
//!
//! - H1 (medium): the lapse stops the deployer's forwarder from *acting* after the
//!   handover, not what it did before it. Before the handover the deployer grants itself
//!   `Forwarder` (the token still takes it from any seat, to any account, though e-voting's
//!   `vote_for`, the intents crate and `VotingError::NotForwarder` document "only from a
//!   contract's seat, only to a contract") and, with `act_for`, approves an account of its
//!   own for every citizen's coins. Allowances do not lapse: after the handover it spends
//!   whatever the citizens hold and earn, which is G2 again without a card key
//!   (`allowances_the_deployers_forwarder_planted_before_the_handover_spend_nothing_after_it`).
//! - H2 (medium): likewise ballots. Before the handover the deployer's forwarder casts, in
//!   every citizen's name (`vote_for`), the ballots of a proposal that grants `Forwarder`
//!   to an account of its own (re-votes refused, so citizens cannot undo them); it is
//!   executed after the handover by e-voting, whose grant never lapses. The electorate
//!   never voted, yet governance holds a deployer's forwarder for good
//!   (`ballots_the_deployers_forwarder_cast_before_the_handover_grant_no_forwarder_after_it`).
//! - H3 (low): `revoke_role(Forwarder, x)` of a lapsed forwarder is a silent no-op
//!   (`Ok`, no `RoleRevoked`): the entry keeps its granting admin, and the role comes back,
//!   without a `RoleGranted`, as soon as the seat returns to that admin, though the admin
//!   in between revoked it (the checklist's step 5 has governance revoke the deployer's
//!   roles) (`a_forwarder_revoked_while_lapsed_stays_revoked_when_the_seat_comes_back`).
//! - H4 (low): a key the lapsed admin bound to another account stays in `card_holders`
//!   forever: the card's own account can never be given its own card (`CardKeyInUse`),
//!   and the new admin cannot confirm the binding either, so whatever card key the
//!   deployer knew before the handover it can burn for good
//!   (`a_card_key_bound_away_by_a_lapsed_admin_can_still_go_to_its_own_account`).
//! - H5 (low): after the lapse `card_key(account)` still answers the key, which
//!   `card_holder` answers nobody for: a relayer or wallet reading `card_key` is told the
//!   card works (`card_key_and_card_holder_agree_after_a_binding_lapses`).

use city_traits::{BallotAct, IdentityKind, Revoting, Role, Secrecy, TokenAct, TokenError, FOR};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, CAROL, GOVERNANCE, MALLORY},
    intents::Card,
    voting::proposed_call,
    AdminCalls,
};
use ink::selector_bytes;

use crate::{
    red_team_11::young_city,
    voting::{end_voting, start_voting},
};

const DAY_MS: u64 = 86_400_000;

#[test]
fn allowances_the_deployers_forwarder_planted_before_the_handover_spend_nothing_after_it() {
    let mut city = young_city();
    // Before the handover: the deployer grants itself the role (an EOA seat, an EOA
    // grantee: accepted) and permits an account of its own to spend alice's coins.
    let _ = city.token(ADMIN).grant_role(Role::Forwarder, ADMIN);
    let _ = city.token(ADMIN).act_for(
        ALICE,
        TokenAct::Approve {
            spender: MALLORY.account(),
            value: u128::MAX,
        },
    );
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    // The role lapsed, as the eleventh review's fix promises.
    assert!(!city.token(BOB).has_role(ADMIN, Role::Forwarder).value);

    // After the handover alice is paid 500 more (a wage, a refund, a reward).
    city.token(ADMIN).transfer(ALICE, 500).expect_accepted();
    let _ = city.token(MALLORY).transfer_from(ALICE, MALLORY, 1_500);

    assert_eq!(
        (
            city.balance(ALICE),
            city.balance(MALLORY),
            city.token(BOB).allowance(ALICE, MALLORY).value
        ),
        (1_500, 0, 0),
        "H1 (medium): an allowance the deployer's forwarder gave itself from a citizen's \
         account before the handover spent her coins, those paid after it included"
    );
}

/// H2 (medium): ballots the deployer's forwarder cast for every citizen before the
/// handover pass a proposal executed after it, and e-voting's grant does not lapse.
#[test]
fn ballots_the_deployers_forwarder_cast_before_the_handover_grant_no_forwarder_after_it() {
    let mut city = young_city();
    let _ = city.token(ADMIN).grant_role(Role::Forwarder, ADMIN);
    // The deployer (the guardian, who may always open one) proposes a forwarder of its
    // own, with re-votes refused.
    let calls = [proposed_call(
        &city.token,
        selector_bytes!("grant_role"),
        (Role::Forwarder, MALLORY.account()),
    )];
    let proposal = city
        .voting(ADMIN)
        .propose("Maintenance", &calls, Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    for citizen in [ALICE, BOB, CAROL] {
        let _ = city
            .voting(ADMIN)
            .vote_for(citizen, proposal, BallotAct::Cast { choice: FOR });
    }
    // The handover: from now on the deployer's forwarder acts for nobody.
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    assert!(!city.token(BOB).has_role(ADMIN, Role::Forwarder).value);
    end_voting(&mut city);
    let _ = city.voting(BOB).queue(proposal);
    city.advance_time(GOVERNANCE.timelock_ms + 1);
    let _ = city.voting(BOB).execute(proposal);

    let permit = TokenAct::Approve {
        spender: MALLORY.account(),
        value: 1_000,
    };
    let acted = city.token(MALLORY).act_for(ALICE, permit).value.is_ok();
    assert_eq!(
        (
            city.token(BOB).has_role(MALLORY, Role::Forwarder).value,
            acted
        ),
        (false, false),
        "H2 (medium): ballots the deployer's forwarder cast in every citizen's name before \
         the handover passed a proposal after it that made the deployer a forwarder for good"
    );
}

/// H3 (low): a forwarder revoked while lapsed comes back with the seat.
#[test]
fn a_forwarder_revoked_while_lapsed_stays_revoked_when_the_seat_comes_back() {
    let mut city = young_city();
    // (Refused now: no person grants the role; the token's unit test
    // `the_forwarder_role_lapses_when_the_admin_seat_moves_and_a_revoke_holds` plays this
    // with contract seats.)
    let _ = city.token(ADMIN).grant_role(Role::Forwarder, MALLORY);
    // The seat moves to bob (a council, governance: any other holder) ...
    city.token(ADMIN).offer_admin(BOB).expect_accepted();
    city.token(BOB).accept_admin().expect_accepted();
    assert!(!city.token(BOB).has_role(MALLORY, Role::Forwarder).value);
    // ... who revokes the deployer's forwarder, as the checklist asks: accepted.
    city.token(BOB)
        .revoke_role(Role::Forwarder, MALLORY)
        .expect_accepted();
    // Later the seat goes back to the account that granted it.
    city.token(BOB).offer_admin(ADMIN).expect_accepted();
    city.token(ADMIN).accept_admin().expect_accepted();

    let permit = TokenAct::Approve {
        spender: MALLORY.account(),
        value: 1_000,
    };
    let refused = city.token(MALLORY).act_for(ALICE, permit).value;
    assert_eq!(
        (
            city.token(BOB).has_role(MALLORY, Role::Forwarder).value,
            refused
        ),
        (false, Err(TokenError::MissingRole(Role::Forwarder))),
        "H3 (low): a forwarder revoked while it had lapsed came back, silently, with the \
         seat"
    );
}

/// H4 (low): a key a lapsed admin bound to another account is burnt for good.
#[test]
fn a_card_key_bound_away_by_a_lapsed_admin_can_still_go_to_its_own_account() {
    let mut city = young_city();
    city.appoint_registrar(BOB).expect("a second registrar");
    // Dora's card, whose key the deployer knows before she is registered (a card batch).
    let dora = Card::new("dora's card");
    city.registry(ADMIN)
        .set_card_key(CAROL, Some(dora.key()))
        .expect_accepted();
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    assert_eq!(city.registry(BOB).card_holder(dora.key()).value, None);

    // Dora registers; her card's own account is hers, which a registrar may bind.
    let expiry = city.now_ms() + 365 * DAY_MS;
    city.registry(BOB)
        .register(dora.account(), IdentityKind::Citizen, [0xd0; 32], expiry)
        .expect_accepted();
    let bound = city
        .registry(BOB)
        .set_card_key(dora.account(), Some(dora.key()))
        .value;
    assert_eq!(
        bound,
        Ok(()),
        "H4 (low): a key the deployer bound to another account before the handover, which \
         signs for nobody after it, still keeps the card from its own account \
         (CardKeyInUse)"
    );
}

/// H5 (low): `card_key` and `card_holder` disagree once a binding lapsed.
#[test]
fn card_key_and_card_holder_agree_after_a_binding_lapses() {
    let mut city = young_city();
    let card = Card::new("alice's second card");
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card.key()))
        .expect_accepted();
    assert_eq!(
        city.registry(BOB).card_holder(card.key()).value,
        Some(ALICE.account())
    );
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    assert_eq!(city.registry(BOB).card_holder(card.key()).value, None);
    assert_eq!(
        city.registry(BOB).card_key(ALICE).value,
        None,
        "H5 (low): card_key still answers a key that signs for nobody since the admin that \
         bound it left the seat"
    );
}

/// Holds: the lapse is keyed on the token's own seat, so a forwarder governance granted
/// keeps working while the registry's seat is elsewhere, and the deployer's stays lapsed.
#[test]
fn governances_forwarder_holds_while_only_the_registry_seat_moves() {
    let mut city = young_city();
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.deploy_intents().expect("the intents contract");
    let forwarder = contract_account(city.intents_contract());
    let voting = contract_account(&city.voting);
    city.registry(voting).offer_admin(BOB).expect_accepted();
    city.registry(BOB).accept_admin().expect_accepted();
    assert!(city.token(BOB).has_role(forwarder, Role::Forwarder).value);
    // The deployer's forwarder, granted by nobody now holding the seat, stays refused.
    assert!(!city.token(BOB).has_role(ADMIN, Role::Forwarder).value);
    assert_eq!(
        city.token(ADMIN)
            .revoke_role(Role::Forwarder, forwarder)
            .expect_refused(),
        TokenError::NotAdmin
    );
}
