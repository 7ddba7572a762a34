//! The fifth attacker's review, played: a fresh-context helper's attacks on governed
//! upgrades (`Upgradable::upgrade`, `Upgradable::migrate`).
//! Each asserts what the threat model's "Upgrades: an attack surface" and the README's
//! "Upgrades in brief" say; a test that fails is a finding.
//!
//! Three failed on the first design (findings, fixed): e-voting's code installed on the
//! escrow and the escrow's on e-voting (their root cells are both two `AccountId`s and both
//! held storage version 1, so the new code's `migrate` answered `Ok` with nothing to
//! migrate), and a proposal made e-voting emit `CodeUpgraded` without any code being
//! replaced. The old code now hands over the layout it leaves (which contract, which
//! version) in a cell that only an upgrade fills and `migrate` empties. The others rule
//! attacks out.

use city_traits::{CodeUpgraded, PollState, Revoting, Role, Secrecy, UpgradeError, VotingError};
use harness::{
    city::{contract_account, ADMIN, ALICE, CAROL, GOVERNANCE, MALLORY},
    upgrade::upgrade_call,
    voting::proposed_call,
    AdminCalls, City, UpgradeCalls,
};
use ink::selector_bytes;

use super::{
    governance::{governed_city, pass},
    upgrades::{seat_upgrades_refused, token_code, upgraded_at},
};

// ---------------------------------------------------------------------------------------
// Another contract's code
// ---------------------------------------------------------------------------------------

/// The threat model: "another contract's code ... [is] refused". The escrow's root cell
/// (`token`, `registry`) and e-voting's (`registry`, `token`) are both 64 bytes, so
/// e-voting's code decodes the escrow's root; the escrow's version cell holds 1, e-voting's
/// code is version 1, so its `migrate` has nothing to migrate and answers `Ok`. The escrow
/// would then run e-voting's code: its `upgrade` admits only e-voting's own account (here:
/// the escrow itself, which never calls itself), so nobody could ever put the escrow's
/// code back, and every coin it holds would be frozen.
#[test]
fn e_voting_code_cannot_be_installed_on_the_escrow() {
    let mut city = City::new().unwrap();
    let escrow = city.escrow.address.clone();
    let voting = city.voting.address.clone();
    let escrow_code = city.code_hash_at(&escrow).expect("the escrow lives");
    let voting_code = city.code_hash_at(&voting).expect("e-voting lives");

    let answer = city.escrow(ADMIN).upgrade(voting_code).value;
    let installed = city.code_hash_at(&escrow);
    if installed != Some(escrow_code) {
        // The finding: show that it cannot be undone.
        let undo = city.escrow(ADMIN).upgrade(escrow_code).value;
        panic!(
            "the escrow's admin installed e-voting's code on the escrow (upgrade answered \
             {answer:?}, the escrow runs {installed:?}); putting the escrow's code back \
             answers {undo:?}: the escrow is bricked"
        );
    }
    assert_eq!(answer, Err(UpgradeError::MigrationFailed));
}

/// The same pair the other way, through governance: a proposal (a wrong hash pasted, say)
/// installs the escrow's code on e-voting. E-voting holds every admin seat after the
/// handover; running the escrow's code, whose `settings` cell is empty there, it would
/// trap on nearly every message, and no proposal could ever run again: the whole city
/// frozen. The threat model says the migration check refuses another contract's code.
#[test]
fn a_proposal_cannot_install_the_escrows_code_on_e_voting() {
    let mut city = governed_city();
    let own = city.voting.address.clone();
    let escrow = city.escrow.address.clone();
    let v1 = city.code_hash_at(&own).expect("e-voting lives");
    let escrow_code = city.code_hash_at(&escrow).expect("the escrow lives");
    let calls = [upgrade_call(&city.voting, escrow_code)];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);

    let answer = city.voting(MALLORY).execute(proposal).value;
    let installed = city.code_hash_at(&own);
    assert_eq!(
        installed,
        Some(v1),
        "e-voting now runs the escrow's code (execute answered {answer:?}): governance, and \
         every admin seat it holds, is frozen"
    );
    assert_eq!(answer, Err(VotingError::CallFailed { index: 0 }));
}

// ---------------------------------------------------------------------------------------
// A spoofed CodeUpgraded
// ---------------------------------------------------------------------------------------

/// `CodeUpgraded` says "the contract's code was replaced". E-voting's proposals call
/// e-voting as e-voting, so a proposal calling `Upgradable::migrate` passes a check of the
/// caller alone; on the first design it then emitted `CodeUpgraded` for an upgrade that
/// never happened (and a code with migrations would have run one again). No upgrade left a
/// handover, so it is refused (`NotUpgrading`) and the proposal with it.
#[test]
fn a_proposal_cannot_make_e_voting_announce_an_upgrade_that_never_happened() {
    let mut city = governed_city();
    let own = city.voting.address.clone();
    let v1 = city.code_hash_at(&own).expect("e-voting lives");
    let calls = [proposed_call(
        &city.voting,
        selector_bytes!("Upgradable::migrate"),
        (),
    )];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);

    let executed = city.voting(MALLORY).execute(proposal);
    let announced = executed.events_of::<CodeUpgraded>();
    assert_eq!(city.code_hash_at(&own), Some(v1), "no code was replaced");
    assert!(
        announced.is_empty(),
        "e-voting announced an upgrade that never happened: {announced:?} (execute answered \
         {:?})",
        executed.value
    );
}

// ---------------------------------------------------------------------------------------
// Who may install code (ruled out)
// ---------------------------------------------------------------------------------------

/// An offered seat is no seat: the account offered it cannot upgrade before it accepts.
#[test]
fn an_offered_admin_seat_installs_no_code() {
    let mut city = City::new().unwrap();
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    city.token(ADMIN).offer_admin(MALLORY).expect_accepted();
    city.registry(ADMIN).offer_admin(MALLORY).expect_accepted();
    city.rewards(ADMIN).offer_admin(MALLORY).expect_accepted();
    city.escrow(ADMIN).offer_admin(MALLORY).expect_accepted();
    assert_eq!(
        seat_upgrades_refused(&mut city, MALLORY, v2),
        [UpgradeError::NotAdmin; 4]
    );
    assert_eq!(token_code(&mut city), v1);
}

/// After the handover the deployer (also e-voting's guardian) upgrades nothing, and
/// nobody else does either.
#[test]
fn after_the_handover_only_a_proposal_upgrades() {
    let mut city = governed_city();
    let v2 = city.upload("city-token-v2").unwrap();
    for caller in [ADMIN, MALLORY, ALICE] {
        assert_eq!(
            seat_upgrades_refused(&mut city, caller, v2),
            [UpgradeError::NotAdmin; 4]
        );
        assert_eq!(
            city.voting(caller).upgrade(v2).expect_refused(),
            UpgradeError::NotAdmin
        );
    }
}

/// E-voting's proposals act as e-voting, never as the token: a proposal that calls the
/// token's `migrate` is refused (`NotUpgrading`) and the whole proposal with it.
#[test]
fn a_proposal_cannot_start_another_contracts_migration() {
    let mut city = governed_city();
    let calls = [proposed_call(
        &city.token,
        selector_bytes!("Upgradable::migrate"),
        (),
    )];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::CallFailed { index: 0 }
    );
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Queued
    );
}

/// An upgrade cannot travel with the guardian's replacement, the one proposal the
/// guardian may not cancel.
#[test]
fn an_upgrade_cannot_hide_behind_a_guardian_change() {
    let mut city = governed_city();
    let v2 = city.upload("city-token-v2").unwrap();
    let calls = [
        proposed_call(
            &city.voting,
            selector_bytes!("set_guardian"),
            CAROL.account(),
        ),
        upgrade_call(&city.token, v2),
    ];
    assert_eq!(
        city.voting(ALICE)
            .propose("New guardian", &calls, Secrecy::Public, Revoting::Refused)
            .expect_refused(),
        VotingError::GuardianChangeNotAlone
    );
}

/// A passed, queued upgrade is still the guardian's to cancel.
#[test]
fn the_guardian_cancels_a_passed_upgrade() {
    let mut city = governed_city();
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    let calls = [upgrade_call(&city.token, v2)];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(city.voting(ADMIN).cancel(proposal).value, Ok(()));
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::NotQueued
    );
    assert_eq!(token_code(&mut city), v1);
}

// ---------------------------------------------------------------------------------------
// Failed and out-of-order upgrades (ruled out)
// ---------------------------------------------------------------------------------------

/// A proposal whose upgrade's migration traps reverts the calls made before it: the
/// role granted first is not kept, the old code stays, and the proposal stays queued.
#[test]
fn a_failed_upgrade_in_a_proposal_reverts_the_calls_before_it() {
    let mut city = governed_city();
    let v1 = token_code(&mut city);
    let trapping = city.upload("city-token-v2-trapping").unwrap();
    let voting = contract_account(&city.voting);
    let calls = [
        proposed_call(
            &city.token,
            selector_bytes!("grant_role"),
            (Role::Pauser, voting),
        ),
        upgrade_call(&city.token, trapping),
    ];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::CallFailed { index: 1 }
    );
    assert_eq!(token_code(&mut city), v1);
    assert!(!city.token(ADMIN).has_role(voting, Role::Pauser).value);
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Queued
    );
}

/// Two upgrades in one proposal, the second a downgrade: the older code refuses the
/// newer version, and the first upgrade is reverted with it.
#[test]
fn an_upgrade_and_a_downgrade_in_one_proposal_change_nothing() {
    let mut city = governed_city();
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    let calls = [upgrade_call(&city.token, v2), upgrade_call(&city.token, v1)];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::CallFailed { index: 1 }
    );
    assert_eq!(token_code(&mut city), v1);
}

/// The migration cannot be replayed: once version 2 runs, naming it again is `SameCode`,
/// and its `upgraded_at` stays the block of the first migration.
#[test]
fn a_migration_cannot_be_replayed() {
    let mut city = City::new().unwrap();
    let v2 = city.upload("city-token-v2").unwrap();
    city.token(ADMIN).upgrade(v2).expect_accepted();
    let first = upgraded_at(&mut city);
    city.advance_blocks(3);
    assert_eq!(
        city.token(ADMIN).upgrade(v2).expect_refused(),
        UpgradeError::SameCode
    );
    assert_eq!(
        city.token(ADMIN).migrate().expect_refused(),
        UpgradeError::NotUpgrading
    );
    assert_eq!(upgraded_at(&mut city), first);
}

// ---------------------------------------------------------------------------------------
// A same-layout upgrade of e-voting keeps everything (ruled out)
// ---------------------------------------------------------------------------------------

/// Everything e-voting keeps: its config, guardian, and every poll with its texts, tally
/// and calls.
fn voting_state(city: &mut City) -> Vec<String> {
    let mut seen = vec![
        format!("config {:?}", city.voting(ADMIN).config().value),
        format!("guardian {:?}", city.voting(ADMIN).guardian().value),
    ];
    let count = city.voting(ADMIN).poll_count().value;
    seen.push(format!("polls {count}"));
    for poll in 0..count {
        seen.push(format!(
            "poll {poll} {:?}",
            city.voting(ADMIN).poll(poll).value
        ));
        seen.push(format!(
            "texts {poll} {:?}",
            city.voting(ADMIN).texts(poll).value
        ));
        seen.push(format!(
            "tally {poll} {:?}",
            city.voting(ADMIN).tally(poll).value
        ));
        seen.push(format!(
            "calls {poll} {:?}",
            city.voting(ADMIN).proposal_calls(poll).value
        ));
    }
    seen
}

/// E-voting upgrades itself in the middle of `execute` (its old code still running the
/// rest of it, and writing its root cell back afterwards): every poll, tally and setting
/// is as it was, apart from the executing proposal's status.
#[test]
fn e_voting_upgrading_itself_keeps_every_poll() {
    let mut city = governed_city();
    let own = city.voting.address.clone();
    let next = city.upload("e-voting-broken-electorate").unwrap();
    let calls = [upgrade_call(&city.voting, next)];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    let before: Vec<String> = voting_state(&mut city)
        .into_iter()
        .filter(|line| !line.starts_with(&format!("poll {proposal} ")))
        .collect();
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(city.code_hash_at(&own), Some(next));
    let after: Vec<String> = voting_state(&mut city)
        .into_iter()
        .filter(|line| !line.starts_with(&format!("poll {proposal} ")))
        .collect();
    assert_eq!(after, before);
}
