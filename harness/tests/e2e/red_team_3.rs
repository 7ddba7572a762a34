//! The third red team's attacks on the fixes of R-4 to R-6 (commit 3bb8bc7), each played
//! on the real Wasm. Every test asserts the SAFE outcome: a passing test is an attack that
//! was refused. Three worked when they were written (R-7 to R-9 in audits/2026-12-01-
//! attacker-review.md: an electorate whose cards lapsed with no registrar left, and the
//! guardian seat given to a contract-to-be or to an account nobody holds, with a
//! threshold nobody reaches) and were fixed: the last registrar keeps its role, and
//! members of the governance electorate may always propose. A fourth helper's R-10 (a
//! registrar seat given to an account nobody holds) is fixed by the registrar role's two
//! steps, offer and accept, and its R-11 is open (its test ignored).

use city_traits::{
    AdminError, Call, CivicRole, Electorate, GovernanceConfig, IdentityKind, PollState, Revoting,
    Role, Secrecy, VotingError, FOR,
};
use harness::{
    city::{
        contract_account, crowd_member, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE, MALLORY,
        TOKEN_GOVERNANCE,
    },
    voting::proposed_call,
    AdminCalls, City,
};
use ink::{primitives::AccountId, selector_bytes};

use super::red_team::{citizens_city, future_contract, pass_and_wait, CROWD};
use super::voting::{end_voting, start_voting};

const HOUR_MS: u64 = 3_600_000;
const ERESIDENT: &str = "red-team-3-e-resident";

fn citizens() -> Vec<AccountId> {
    [ALICE.account(), BOB.account(), CAROL.account()]
        .into_iter()
        .chain((0..7).map(|n| crowd_member(CROWD, n)))
        .collect()
}

/// Whether a person of the city (the guardian included) can still open a proposal.
fn someone_can_propose(city: &mut City) -> bool {
    [ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY]
        .into_iter()
        .any(|who| {
            city.voting(who)
                .propose("Anyone?", &[], Secrecy::Public, Revoting::Refused)
                .value
                .is_ok()
        })
}

// ---------------------------------------------------------------------------------------
// Shielding other calls from the guardian's veto
// ---------------------------------------------------------------------------------------

#[test]
fn a_seizure_bundled_with_a_rule_change_is_still_vetoed_by_the_guardian() {
    let mut city = citizens_city();
    let calls = [
        proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE),
        proposed_call(
            &city.token,
            selector_bytes!("Admin::offer_admin"),
            MALLORY.account(),
        ),
    ];
    let proposal = city
        .voting(MALLORY)
        .propose("Tidy up", &calls, Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.voting(ADMIN).cancel(proposal).expect_accepted();
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::NotQueued
    );
}

#[test]
fn a_seizure_bundled_with_executing_a_guardian_change_is_still_vetoed() {
    // The guardian change G travels alone, but a second proposal runs `execute(G)` (a call
    // to e-voting with another selector) beside a seizure: is it shielded like G?
    let mut city = citizens_city();
    let replace = proposed_call(
        &city.voting,
        selector_bytes!("set_guardian"),
        CAROL.account(),
    );
    let guardian_change = city
        .voting(ALICE)
        .propose(
            "New guardian",
            &[replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    let calls = [
        proposed_call(&city.voting, selector_bytes!("execute"), guardian_change),
        proposed_call(
            &city.token,
            selector_bytes!("Admin::offer_admin"),
            MALLORY.account(),
        ),
    ];
    let bundle = city
        .voting(MALLORY)
        .propose("Shield", &calls, Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, bundle);
    assert_eq!(city.voting(ADMIN).cancel(bundle).value, Ok(()));
    assert_eq!(
        city.voting(ADMIN).cancel(guardian_change).expect_refused(),
        VotingError::NotAllowed
    );
    assert_eq!(
        city.token(ADMIN).admin().value,
        contract_account(&city.voting)
    );
    assert_eq!(city.token(ADMIN).offered_admin().value, None);
    assert_eq!(
        city.token(MALLORY).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
}

// ---------------------------------------------------------------------------------------
// The guardian vetoing its replacement another way
// ---------------------------------------------------------------------------------------

#[test]
fn the_guardian_cannot_veto_its_replacement_through_a_stooge() {
    // The guardian hands its seat to a stooge, who is not the one being replaced: may the
    // stooge cancel the replacement?
    let mut city = citizens_city();
    let replace = proposed_call(
        &city.voting,
        selector_bytes!("set_guardian"),
        CAROL.account(),
    );
    let proposal = city
        .voting(ALICE)
        .propose(
            "New guardian",
            &[replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.voting(ADMIN)
        .set_guardian(DAVE.account())
        .expect_accepted();
    let canceled = city.voting(DAVE).cancel(proposal).value;
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(
        city.voting(ADMIN).guardian().value,
        CAROL.account(),
        "a stooge vetoed the replacement: {canceled:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Governance locked out after
// ---------------------------------------------------------------------------------------

/// Plays a lockout by the e-residents: one e-resident whose card lapses in an hour; one
/// proposal makes `registrar_calls` (given the city and an account nobody holds), then
/// makes the e-residents the governance electorate; by execution (two days on) the card
/// has lapsed. Then the guardian proposes the way back and every citizen and the
/// e-resident vote For. Returns what the lock's execution answered, the votes refused,
/// and the way back's state.
fn lock_out_by_lapsed_eresidents(
    registrar_calls: impl Fn(&City, AccountId) -> Vec<Call>,
) -> (
    Result<(), VotingError>,
    Vec<VotingError>,
    Result<PollState, VotingError>,
) {
    let mut city = citizens_city();
    let lapsing = crowd_member(ERESIDENT, 0);
    let soon = city.now_ms() + HOUR_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::EResident, [0x99; 32], soon)
        .expect_accepted();
    city.advance_blocks(1);
    let eresidents = GovernanceConfig {
        electorate: Electorate::people(&[IdentityKind::EResident]),
        ..GOVERNANCE
    };
    let mut calls = registrar_calls(&city, AccountId::from([0xee; 32]));
    calls.push(proposed_call(
        &city.voting,
        selector_bytes!("set_config"),
        eresidents,
    ));
    let lock = city
        .voting(ALICE)
        .propose(
            "E-residents decide",
            &calls,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let executed = city.voting(MALLORY).execute(lock).value;
    city.advance_blocks(1);
    let undo = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    let back = city
        .voting(ADMIN)
        .propose("Undo", &[undo], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    let refused = citizens()
        .into_iter()
        .chain([lapsing])
        .filter_map(|voter| city.voting(voter).cast_vote(back, FOR).value.err())
        .collect();
    end_voting(&mut city);
    (executed, refused, city.voting(ADMIN).state(back).value)
}

/// The registry's call that revokes the admin's (the only real) registrar role.
fn revoke_the_registrar(city: &City) -> Call {
    proposed_call(
        &city.registry,
        selector_bytes!("revoke_role"),
        (CivicRole::Registrar, ADMIN.account()),
    )
}

#[test]
fn an_electorate_whose_only_cards_have_lapsed_cannot_lock_governance_out() {
    // R-5 bis: `set_config` counts live identities at the last block, and a card that
    // lapsed without `expire` is still counted (I-4); the lock revokes the only registrar.
    let (executed, refused, state) =
        lock_out_by_lapsed_eresidents(|city, _| vec![revoke_the_registrar(city)]);
    assert_eq!(
        state,
        Ok(PollState::Succeeded),
        "governance locked out for good: execute answered {executed:?} (set_config took an \
         electorate whose only member's card had lapsed); every vote For the way back was \
         refused {refused:?}"
    );
}

#[test]
fn a_registrar_seat_given_to_an_account_nobody_holds_cannot_lock_governance_out() {
    // R-10 (the fourth helper, on the R-7 fix): the last-registrar rule counted seats, not
    // people who can act. The lock first gives the registrar role to an account whose key
    // nobody holds, then revokes the real registrar. Fixed: the grant is only an offer,
    // which nobody accepts, so the real registrar is still the last one and its
    // revocation fails the whole execution (`LastRegistrar`); the guardian's way back
    // carries.
    let (executed, refused, state) = lock_out_by_lapsed_eresidents(|city, nobody| {
        let grant = proposed_call(
            &city.registry,
            selector_bytes!("grant_role"),
            (CivicRole::Registrar, nobody),
        );
        vec![grant, revoke_the_registrar(city)]
    });
    assert_eq!(
        state,
        Ok(PollState::Succeeded),
        "governance locked out: the lock executed ({executed:?}); every vote For the way \
         back was refused {refused:?}"
    );
}

#[test]
fn a_registrar_seat_taken_by_governance_itself_cannot_lock_governance_out() {
    // R-10 bis: the two-step registrar role, offered to e-voting and accepted in the same
    // proposal (e-voting calls `accept_registrar`), would leave governance the only
    // registrar: it could renew a card only by a proposal, which the e-residents, their
    // cards lapsed, can no longer pass. A contract cannot accept the role
    // (`ContractRegistrar`), so the lock fails whole and the way back carries.
    let (executed, refused, state) = lock_out_by_lapsed_eresidents(|city, _| {
        let voting = contract_account(&city.voting);
        let offer = proposed_call(
            &city.registry,
            selector_bytes!("grant_role"),
            (CivicRole::Registrar, voting),
        );
        let accept = proposed_call(&city.registry, selector_bytes!("accept_registrar"), ());
        vec![offer, accept, revoke_the_registrar(city)]
    });
    assert_eq!(
        state,
        Ok(PollState::Succeeded),
        "governance locked out: the lock executed ({executed:?}) and left e-voting the only \
         registrar; every vote For the way back was refused {refused:?}"
    );
}

#[test]
#[ignore = "R-11, open: the guardian seat needs the two-step offer and accept of #15"]
fn a_token_threshold_nobody_can_gather_cannot_lock_governance_out() {
    // R-11 (the fourth helper, on the R-9 fix): "a token electorate's threshold is at most
    // the supply" does not mean one account can gather it. A coin sits at a lost key; the
    // guardian seat goes to an account nobody holds (alone in its proposal, as it must);
    // then minting stops and the holders govern with a threshold of the whole supply. This
    // test states the outcome the fix must give (someone can still propose); today it
    // fails.
    let mut city = citizens_city();
    let nobody = AccountId::from([0xee; 32]);
    city.token(ADMIN).transfer(nobody, 1).expect_accepted();
    let seat = proposed_call(&city.voting, selector_bytes!("set_guardian"), nobody);
    let given = city
        .voting(ALICE)
        .propose(
            "A new guardian",
            &[seat],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, given);
    city.voting(MALLORY).execute(given).expect_accepted();
    let supply = city.token(ADMIN).total_supply().value;
    let calls = [
        proposed_call(
            &city.token,
            selector_bytes!("revoke_role"),
            (Role::Minter, contract_account(&city.rewards)),
        ),
        proposed_call(
            &city.voting,
            selector_bytes!("set_config"),
            GovernanceConfig {
                proposal_threshold: supply,
                ..TOKEN_GOVERNANCE
            },
        ),
    ];
    let lock = city
        .voting(ALICE)
        .propose(
            "Holders decide, by the whole supply",
            &calls,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let executed = city.voting(MALLORY).execute(lock).value;
    city.token(ADMIN).track_votes().expect_accepted();
    city.advance_blocks(1);
    assert!(
        someone_can_propose(&mut city),
        "governance locked out: the lock executed ({executed:?}) and nobody holds the supply"
    );
}

#[test]
fn the_guardian_seat_cannot_go_to_a_contract_to_be_and_lock_governance_out() {
    // R-4 bis: `set_guardian` refuses an account that is a contract now, not one that
    // becomes a contract later at an address named in advance. The guardian cannot cancel
    // its replacement; once the contract is deployed, a threshold nobody reaches locks
    // governance out.
    let mut city = citizens_city();
    let (future, constructor) = future_contract(&mut city);
    let replace = proposed_call(&city.voting, selector_bytes!("set_guardian"), future);
    let seat = city
        .voting(ALICE)
        .propose(
            "New guardian",
            &[replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, seat);
    assert_eq!(
        city.voting(ADMIN).cancel(seat).expect_refused(),
        VotingError::NotAllowed
    );
    let moved = city.voting(MALLORY).execute(seat).value;
    city.deploy("project-escrow", constructor)
        .expect("the contract deploys at the named address");
    city.advance_blocks(1);
    let unreachable = GovernanceConfig {
        proposal_threshold: u128::MAX,
        ..GOVERNANCE
    };
    let set = proposed_call(&city.voting, selector_bytes!("set_config"), unreachable);
    let lock = city
        .voting(ALICE)
        .propose("Lock", &[set], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let locked = city.voting(MALLORY).execute(lock).value;
    city.advance_blocks(1);
    let guardian = city.voting(ADMIN).guardian().value;
    assert!(
        someone_can_propose(&mut city),
        "governance locked out for good: the seat moved ({moved:?}) to {guardian:?}, now an \
         escrow contract (the future address: {}), and the threshold u128::MAX ({locked:?})",
        guardian == future
    );
}

#[test]
fn the_guardian_seat_cannot_go_to_an_account_nobody_holds_and_lock_governance_out() {
    // R-4 ter: the zero account is refused, but any other account whose key nobody holds
    // (a hash, a typo) is as empty a seat. The honest guardian cannot cancel the move.
    let mut city = citizens_city();
    let nobody = AccountId::from([0xEE; 32]);
    let replace = proposed_call(&city.voting, selector_bytes!("set_guardian"), nobody);
    let seat = city
        .voting(ALICE)
        .propose(
            "New guardian",
            &[replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, seat);
    let vetoed = city.voting(ADMIN).cancel(seat).value;
    let moved = city.voting(MALLORY).execute(seat).value;
    city.advance_blocks(1);
    let unreachable = GovernanceConfig {
        proposal_threshold: u128::MAX,
        ..GOVERNANCE
    };
    let set = proposed_call(&city.voting, selector_bytes!("set_config"), unreachable);
    let lock = city
        .voting(ALICE)
        .propose("Lock", &[set], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let locked = city.voting(MALLORY).execute(lock).value;
    city.advance_blocks(1);
    assert!(
        someone_can_propose(&mut city),
        "governance locked out for good: the honest guardian's veto answered {vetoed:?}, the \
         seat moved ({moved:?}) to an account nobody holds, the threshold u128::MAX \
         ({locked:?})"
    );
}

#[test]
fn a_token_electorate_nobody_tracks_recovers_once_a_holder_opts_in() {
    // `set_config` checks the token's supply, not its tracked votes: with nobody opted in
    // to `track_votes`, nobody can vote. Recoverable only if holders of a quorum opt in.
    let mut city = citizens_city();
    let set = proposed_call(
        &city.voting,
        selector_bytes!("set_config"),
        TOKEN_GOVERNANCE,
    );
    let proposal = city
        .voting(ALICE)
        .propose("Holders decide", &[set], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, TOKEN_GOVERNANCE);
    // Nobody tracks: a vote is NotEligible.
    city.advance_blocks(1);
    let undo = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    let first = city
        .voting(ADMIN)
        .propose(
            "Undo",
            std::slice::from_ref(&undo),
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).cast_vote(first, FOR).expect_refused(),
        VotingError::NotEligible
    );
    // The treasury (holding the supply) opts in; the next attempt passes.
    city.token(ADMIN).track_votes().expect_accepted();
    city.advance_blocks(1);
    let back = city
        .voting(ADMIN)
        .propose("Undo", &[undo], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    city.voting(ADMIN).cast_vote(back, FOR).expect_accepted();
    end_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).state(back).expect_accepted(),
        PollState::Succeeded
    );
}

// ---------------------------------------------------------------------------------------
// The new checks used against legitimate governance
// ---------------------------------------------------------------------------------------

#[test]
fn expiring_lapsed_cards_cannot_make_a_legitimate_rule_change_fail() {
    // A griefer `expire`s every lapsed card it can before a queued rule change runs: the
    // change keeps the citizens, some of whom are live, so it still succeeds.
    let mut city = citizens_city();
    let lapsing = crowd_member(ERESIDENT, 1);
    let soon = city.now_ms() + HOUR_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::Citizen, [0x98; 32], soon)
        .expect_accepted();
    city.advance_blocks(1);
    let lower = GovernanceConfig {
        quorum_bps: 1_000,
        ..GOVERNANCE
    };
    let set = proposed_call(&city.voting, selector_bytes!("set_config"), lower);
    let proposal = city
        .voting(ALICE)
        .propose("Lower quorum", &[set], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.registry(MALLORY).expire(lapsing).expect_accepted();
    city.advance_blocks(1);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, lower);
}

#[test]
fn a_guardian_change_cannot_be_smuggled_in_with_a_second_copy_or_another_callee_order() {
    // Two guardian changes, or the change second behind an innocuous call: refused as not
    // alone either way.
    let mut city = citizens_city();
    let replace = proposed_call(
        &city.voting,
        selector_bytes!("set_guardian"),
        MALLORY.account(),
    );
    let innocuous = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    for calls in [
        vec![replace.clone(), replace.clone()],
        vec![innocuous, replace],
    ] {
        assert_eq!(
            city.voting(MALLORY)
                .propose("Smuggle", &calls, Secrecy::Public, Revoting::Refused)
                .expect_refused(),
            VotingError::GuardianChangeNotAlone
        );
    }
}
