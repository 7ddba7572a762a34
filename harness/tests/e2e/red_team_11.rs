//! The eleventh attacker's review: card-signed intents after the tenth review's fixes (the
//! registry's derived-account rule for card keys, and the token's contract-only
//! `Forwarder` grants). Each test asserts the safe behaviour; a test that fails today
//! carries the finding's name and severity:
//!
//! - G1 (high), F2 is not fixed: "both the admin seat and the grantee are contracts" does
//!   not mean "governance". Before the handover the deployer offers the token's seat to a
//!   contract of its own (a second e-voting, whose only citizen it registers in a registry
//!   of its own), passes one proposal there that accepts the seat, grants `Forwarder` to a
//!   second intents contract wired to that private registry, and offers the seat on to the
//!   city's e-voting; the handover then completes as usual. After it, the deployer binds
//!   its own key to any citizen in its private registry and spends her coins and casts
//!   her ballot through its own forwarder
//!   (`a_forwarder_granted_through_the_deployers_own_contract_moves_nothing_after_the_handover`).
//! - G2 (medium), a foreign card key bound by the registry's admin before the handover
//!   outlives it: the deployer (the registry's admin seat until the handover) binds a key
//!   it holds to a citizen's account, or to the escrow it registers, and after the
//!   handover, once the city's intents contract is deployed, that key spends the
//!   citizen's coins and empties the escrow's projects
//!   (`a_card_key_the_deployer_bound_to_a_citizen_before_the_handover_spends_nothing_after_it`,
//!   `a_card_key_the_deployer_gave_the_escrow_before_the_handover_drains_nothing_after_it`).
//!
//! Both are fixed since: the `Forwarder` role, and a card key bound to an account other
//! than its own, hold only while the admin seat that granted or bound them is where it
//! was, so nothing the deployer did before the handover survives it. The tests after
//! them confirm the fixes that hold (a registrar binds only a card's own account).

use city_traits::{
    BallotAct, IdentityKind, Intent, RegistryError, Revoting, Role, Secrecy, TokenAct, TokenError,
    FOR,
};
use harness::{
    call::input,
    city::{contract_account, Deployed, ADMIN, ALICE, BOB, CAROL, COIN, GOVERNANCE, MALLORY},
    intents::Card,
    voting::proposed_call,
    AdminCalls, City, Fixture,
};
use ink::selector_bytes;

use crate::{
    intents::{permit, submit},
    voting::{citizens, end_voting, open_poll, start_voting},
};

const DAY_MS: u64 = 86_400_000;

/// Alice, Bob and Carol are citizens, Alice holds 1,000 coins; nothing handed over yet.
pub fn young_city() -> City {
    Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .holder(ALICE, 1_000)
        .next_block()
        .build()
        .expect("the city is set up")
}

/// Offers the seats still `ADMIN`'s to e-voting, and accepts all seven as e-voting (the
/// harness signs e-voting's acceptance, as `City::hand_over_to_governance` does).
fn finish_handover(city: &mut City) {
    let voting = contract_account(&city.voting);
    city.registry(ADMIN).offer_admin(voting).expect_accepted();
    city.rewards(ADMIN).offer_admin(voting).expect_accepted();
    city.escrow(ADMIN).offer_admin(voting).expect_accepted();
    city.records(ADMIN).offer_admin(voting).expect_accepted();
    city.charity(ADMIN).offer_admin(voting).expect_accepted();
    city.leases(ADMIN).offer_admin(voting).expect_accepted();
    city.token(voting).accept_admin().expect_accepted();
    city.registry(voting).accept_admin().expect_accepted();
    city.rewards(voting).accept_admin().expect_accepted();
    city.escrow(voting).accept_admin().expect_accepted();
    city.records(voting).accept_admin().expect_accepted();
    city.charity(voting).accept_admin().expect_accepted();
    city.leases(voting).accept_admin().expect_accepted();
}

/// Runs `f` with `city.registry` and `city.voting` pointing at `registry` and `voting`.
fn with_private<R>(
    city: &mut City,
    registry: &mut Deployed,
    voting: &mut Deployed,
    f: impl FnOnce(&mut City) -> R,
) -> R {
    std::mem::swap(&mut city.registry, registry);
    std::mem::swap(&mut city.voting, voting);
    let result = f(city);
    std::mem::swap(&mut city.registry, registry);
    std::mem::swap(&mut city.voting, voting);
    result
}

/// G1 (high): the deployer makes its own contract the token's admin for one proposal,
/// grants `Forwarder` from it to a forwarder of its own, and hands the seat on. Every
/// step runs real suite code; the only call the harness signs as a contract is the city
/// e-voting's acceptance of the seats, as in every handover.
#[test]
fn a_forwarder_granted_through_the_deployers_own_contract_moves_nothing_after_the_handover() {
    let mut city = young_city();
    let token = contract_account(&city.token);
    let real_voting = contract_account(&city.voting);
    let domain = city.genesis_hash();

    // The deployer's private registry (it is the admin, a registrar and the only citizen)
    // and private e-voting over it (it is the guardian).
    // One trailing byte the constructor ignores: another address than the city's registry.
    let mut constructor = input(selector_bytes!("new"), ());
    constructor.push(0x11);
    let mut registry = city
        .deploy("citizen-registry", constructor)
        .expect("a private registry");
    let private_registry = contract_account(&registry);
    let expiry = city.now_ms() + 365 * DAY_MS;
    std::mem::swap(&mut city.registry, &mut registry);
    city.appoint_registrar(ADMIN)
        .expect("the deployer registers");
    for (n, who) in [ADMIN, ALICE, BOB, CAROL].into_iter().enumerate() {
        city.registry(ADMIN)
            .register(who, IdentityKind::Citizen, [n as u8 + 1; 32], expiry)
            .expect_accepted();
    }
    std::mem::swap(&mut city.registry, &mut registry);
    city.advance_blocks(1);
    let mut voting = city
        .deploy(
            "e-voting",
            input(
                selector_bytes!("new"),
                (private_registry, token, GOVERNANCE),
            ),
        )
        .expect("a private e-voting");
    let private_voting = contract_account(&voting);
    // A forwarder of its own: the suite's intents code, asking the private registry whose
    // card a key is, acting on the city's e-voting and token.
    let rogue = city
        .deploy(
            "intents",
            input(
                selector_bytes!("new"),
                (private_registry, real_voting, token, domain),
            ),
        )
        .expect("a private forwarder");
    let rogue_forwarder = contract_account(&rogue);
    let deployer_key = Card::new("the deployer's own key");

    // Before the handover: the token's seat goes to the private e-voting for one proposal.
    city.token(ADMIN)
        .offer_admin(private_voting)
        .expect_accepted();
    let calls = [
        proposed_call(&city.token, selector_bytes!("Admin::accept_admin"), ()),
        proposed_call(
            &city.token,
            selector_bytes!("grant_role"),
            (Role::Forwarder, rogue_forwarder),
        ),
        proposed_call(
            &city.token,
            selector_bytes!("Admin::offer_admin"),
            real_voting,
        ),
    ];
    with_private(&mut city, &mut registry, &mut voting, |city| {
        let proposal = city
            .voting(ADMIN)
            .propose("Wire the token", &calls, Secrecy::Public, Revoting::Refused)
            .expect_accepted();
        start_voting(city);
        city.voting(ADMIN)
            .cast_vote(proposal, FOR)
            .expect_accepted();
        end_voting(city);
        city.voting(ADMIN).queue(proposal).expect_accepted();
        city.advance_time(GOVERNANCE.timelock_ms + 1);
        city.voting(ADMIN).execute(proposal).expect_accepted();
    });
    // The grant went through from a contract seat to a contract.
    assert!(
        city.token(ADMIN)
            .has_role(rogue_forwarder, Role::Forwarder)
            .value
    );

    // The handover completes as usual: e-voting holds every seat.
    finish_handover(&mut city);
    assert_eq!(city.token(ADMIN).admin().value, real_voting);

    // After it: the deployer binds its key to alice in its private registry (its admin
    // seat binds any key to any account) and signs for her.
    with_private(&mut city, &mut registry, &mut voting, |city| {
        city.registry(ADMIN)
            .set_card_key(ALICE, Some(deployer_key.key()))
            .expect_accepted();
    });
    city.intents = Some(rogue);
    let approve = city.payload(ALICE, permit(MALLORY, 1_000), 10);
    let _ = submit(&mut city, &approve, &deployer_key);
    let _ = city.token(MALLORY).transfer_from(ALICE, MALLORY, 1_000);
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    let ballot = city.payload(
        ALICE,
        Intent::Ballot {
            poll,
            act: BallotAct::Cast { choice: 2 },
        },
        10,
    );
    let _ = submit(&mut city, &ballot, &deployer_key);

    let voted = city.voting(ADMIN).ballot(poll, ALICE).value.is_some();
    assert_eq!(
        (city.balance(ALICE), city.balance(MALLORY), voted),
        (1_000, 0, false),
        "G1 (high): the deployer's own forwarder, granted from its own contract seat, spent a \
         citizen's coins and cast her ballot after the handover"
    );
}

/// G2 (medium): before the handover the deployer, as the registry's admin, binds a key it
/// holds to alice's account (not the account the key controls: only the admin may). The
/// binding survives the handover, and once governance deploys the intents contract the
/// deployer spends alice's coins with it. F2's own reasoning (a pre-handover grant must not
/// outlive the handover) applies to card keys as it does to the `Forwarder` role.
#[test]
fn a_card_key_the_deployer_bound_to_a_citizen_before_the_handover_spends_nothing_after_it() {
    let mut city = young_city();
    let deployer_key = Card::new("the deployer's own key");
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(deployer_key.key()))
        .expect_accepted();
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.deploy_intents().expect("the intents contract");

    let approve = city.payload(ALICE, permit(MALLORY, 1_000), 10);
    let _ = submit(&mut city, &approve, &deployer_key);
    let _ = city.token(MALLORY).transfer_from(ALICE, MALLORY, 1_000);

    assert_eq!(
        (city.balance(ALICE), city.balance(MALLORY)),
        (1_000, 0),
        "G2 (medium): a card key the deployer bound to a citizen before the handover spent \
         her coins after it"
    );
}

/// G2 (medium), the escrow: the deployer registers the escrow (as a registrar) and gives
/// it a key it holds (as the registry's admin) before the handover. Projects are funded
/// after the handover; the key approves the deployer for everything the escrow holds.
#[test]
fn a_card_key_the_deployer_gave_the_escrow_before_the_handover_drains_nothing_after_it() {
    let mut city = crate::escrow::city(1);
    let escrow = contract_account(&city.escrow);
    let deployer_key = Card::new("the deployer's own key");
    let expiry = city.now_ms() + 365 * DAY_MS;
    city.appoint_registrar(ADMIN)
        .expect("the deployer registers");
    city.registry(ADMIN)
        .register(escrow, IdentityKind::EResident, [0xee; 32], expiry)
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(escrow, Some(deployer_key.key()))
        .expect_accepted();
    let plan = crate::escrow::plan(&mut city, vec![crate::escrow::milestone(1_000, 1, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.deploy_intents().expect("the intents contract");

    // After the handover, a bank funds the project.
    crate::escrow::fund(&mut city, project, crate::escrow::BANK, 1_100 * COIN);
    assert_eq!(city.balance(escrow), 1_100 * COIN);

    let approve = city.payload(escrow, permit(MALLORY, 1_100 * COIN), 10);
    let _ = submit(&mut city, &approve, &deployer_key);
    let _ = city
        .token(MALLORY)
        .transfer_from(escrow, MALLORY, 1_100 * COIN);

    assert_eq!(
        (city.balance(escrow), city.balance(MALLORY)),
        (1_100 * COIN, 0),
        "G2 (medium): a card key the deployer gave the escrow before the handover drained \
         it after"
    );
}

/// Holds: a registrar binds a key only to the account that key controls; another
/// account's binding is the admin seat's (`NotAdmin`), and after the handover a registrar
/// that registers the treasury cannot give it its own key.
#[test]
fn a_registrar_binds_a_card_only_to_the_account_the_card_controls() {
    let mut city = young_city();
    city.appoint_registrar(MALLORY).expect("a second registrar");
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    let rogue = Card::new("a key the rogue registrar holds");
    assert_eq!(
        city.registry(MALLORY)
            .set_card_key(ALICE, Some(rogue.key()))
            .expect_refused(),
        RegistryError::NotAdmin
    );
    let expiry = city.now_ms() + DAY_MS;
    let _ = city
        .registry(MALLORY)
        .register(ADMIN, IdentityKind::EResident, [0xad; 32], expiry);
    assert_eq!(
        city.registry(MALLORY)
            .set_card_key(ADMIN, Some(rogue.key()))
            .expect_refused(),
        RegistryError::NotAdmin
    );
    // Its own card's account it may register and bind: that account is the key's anyway.
    city.registry(MALLORY)
        .register(rogue.account(), IdentityKind::Citizen, [0x5e; 32], expiry)
        .expect_accepted();
    city.registry(MALLORY)
        .set_card_key(rogue.account(), Some(rogue.key()))
        .expect_accepted();
}

/// Holds: the deployer, a person holding the token's seat, grants `Forwarder` neither to
/// itself nor to a contract, and governance grants it to no person.
#[test]
fn a_person_neither_grants_nor_receives_the_forwarder_role() {
    let mut city = young_city();
    let escrow = contract_account(&city.escrow);
    for grantee in [ADMIN.account(), escrow] {
        assert_eq!(
            city.token(ADMIN)
                .grant_role(Role::Forwarder, grantee)
                .expect_refused(),
            TokenError::ForwarderNotGoverned
        );
    }
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    let voting = contract_account(&city.voting);
    assert_eq!(
        city.token(voting)
            .grant_role(Role::Forwarder, MALLORY)
            .expect_refused(),
        TokenError::ForwarderNotGoverned
    );
    let permit = TokenAct::Approve {
        spender: ADMIN.account(),
        value: 1,
    };
    assert_eq!(
        city.token(ADMIN).act_for(ALICE, permit).expect_refused(),
        TokenError::MissingRole(Role::Forwarder)
    );
}
