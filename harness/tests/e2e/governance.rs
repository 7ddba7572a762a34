//! Governance on the real Wasm: e-voting holds the suite's admin seats and carries out
//! passed proposals through the timelock, all calls or none.

use city_traits::{
    Action, AdminError, Call, Electorate, GovernanceConfig, PollId, PollState, Revoting,
    RewardError, Role, Rule, Secrecy, TokenError, VotingError, AGAINST, FOR,
};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, GOVERNANCE, MALLORY, TOKEN_GOVERNANCE},
    voting::proposed_call,
    AdminCalls, City,
};
use ink::selector_bytes;

use super::voting::{city, end_voting, start_voting};

/// [`city`] after the admin handed the suite's admin seats to e-voting.
pub fn governed_city() -> City {
    let mut city = city();
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city
}

/// Proposes `calls` as Alice, to be decided by token holders.
fn propose(city: &mut City, calls: &[Call]) -> PollId {
    city.voting(ALICE)
        .propose("A proposal", calls, Secrecy::Public, Revoting::Refused)
        .expect_accepted()
}

/// Proposes `calls`, has Alice and Bob vote For and queues the proposal.
pub fn pass(city: &mut City, calls: &[Call]) -> PollId {
    let proposal = propose(city, calls);
    start_voting(city);
    city.voting(ALICE)
        .cast_vote(proposal, FOR)
        .expect_accepted();
    city.voting(BOB).cast_vote(proposal, FOR).expect_accepted();
    end_voting(city);
    city.voting(MALLORY).queue(proposal).expect_accepted();
    proposal
}

/// Pausing the token: e-voting, its admin, grants itself the pauser role, then pauses.
fn pause_token(city: &City) -> Vec<Call> {
    let voting = contract_account(&city.voting);
    vec![
        proposed_call(
            &city.token,
            selector_bytes!("grant_role"),
            (Role::Pauser, voting),
        ),
        proposed_call(&city.token, selector_bytes!("pause"), ()),
    ]
}

#[test]
fn the_seats_move_to_governance_only_when_a_passed_proposal_accepts_them() {
    // Given a city whose admin offered the seven seats to e-voting.
    let mut city = city();
    let voting = contract_account(&city.voting);
    city.token(ADMIN).offer_admin(voting).expect_accepted();
    city.registry(ADMIN).offer_admin(voting).expect_accepted();
    city.rewards(ADMIN).offer_admin(voting).expect_accepted();
    city.escrow(ADMIN).offer_admin(voting).expect_accepted();
    city.records(ADMIN).offer_admin(voting).expect_accepted();
    city.charity(ADMIN).offer_admin(voting).expect_accepted();
    city.leases(ADMIN).offer_admin(voting).expect_accepted();
    // Then an offer moves nothing: the admin still holds every seat and still acts.
    assert_eq!(city.token(ADMIN).admin().value, ADMIN.account());
    assert_eq!(city.escrow(ADMIN).offered_admin().value, Some(voting));
    assert_eq!(
        city.token(MALLORY).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();

    // When the holders pass the proposal that accepts them, and it is executed.
    let accept = city.accept_the_seats();
    let proposal = pass(&mut city, &accept);
    assert_eq!(
        city.token(ADMIN).admin().value,
        ADMIN.account(),
        "queued only"
    );
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();

    // Then e-voting holds all seven, no offer is left, and the old admin has no power.
    assert_eq!(city.token(ADMIN).admin().value, voting);
    assert_eq!(city.registry(ADMIN).admin().value, voting);
    assert_eq!(city.rewards(ADMIN).admin().value, voting);
    assert_eq!(city.escrow(ADMIN).admin().value, voting);
    assert_eq!(city.records(ADMIN).admin().value, voting);
    assert_eq!(city.charity(ADMIN).admin().value, voting);
    assert_eq!(city.leases(ADMIN).admin().value, voting);
    assert_eq!(city.token(ADMIN).offered_admin().value, None);
    assert_eq!(
        city.token(ADMIN).offer_admin(MALLORY).expect_refused(),
        AdminError::NotAdmin
    );
    assert_eq!(
        city.rewards(ADMIN).set_limits(1, 1).expect_refused(),
        RewardError::NotAdmin
    );
}

#[test]
fn accepting_a_seat_not_offered_reverts_the_whole_acceptance() {
    // Given three of the seven seats offered to e-voting: the escrow's, civic records',
    // the charity's and the leases' were forgotten.
    let mut city = city();
    let voting = contract_account(&city.voting);
    city.token(ADMIN).offer_admin(voting).expect_accepted();
    city.registry(ADMIN).offer_admin(voting).expect_accepted();
    city.rewards(ADMIN).offer_admin(voting).expect_accepted();
    let accept = city.accept_the_seats();
    let proposal = pass(&mut city, &accept);
    city.advance_time(GOVERNANCE.timelock_ms);
    // When it is executed, the fourth call is refused, and with it the three before.
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::CallFailed { index: 3 }
    );
    assert_eq!(city.token(ADMIN).admin().value, ADMIN.account());
    assert_eq!(city.token(ADMIN).offered_admin().value, Some(voting));
    assert_eq!(city.escrow(ADMIN).admin().value, ADMIN.account());
}

#[test]
fn after_the_handover_only_governance_administers_the_suite() {
    let mut city = governed_city();
    let voting = contract_account(&city.voting);
    assert_eq!(city.token(ADMIN).admin().value, voting);
    assert_eq!(city.registry(ADMIN).admin().value, voting);
    assert_eq!(city.rewards(ADMIN).admin().value, voting);
    assert_eq!(
        city.token(ADMIN).pause().expect_refused(),
        TokenError::MissingRole(Role::Pauser)
    );
    assert_eq!(
        city.rewards(ADMIN).set_limits(1, 1).expect_refused(),
        RewardError::NotAdmin
    );
}

#[test]
fn a_passed_proposal_waits_out_the_timelock_then_executes_once() {
    let mut city = governed_city();
    let calls = pause_token(&city);
    let proposal = pass(&mut city, &calls);
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Queued
    );
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::TimelockPending
    );
    city.advance_time(GOVERNANCE.timelock_ms - 6_000);
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::TimelockPending,
        "six seconds early"
    );
    city.advance_time(6_000);
    let executed = city.voting(MALLORY).execute(proposal);
    assert_eq!(executed.events.len(), 1, "ProposalExecuted");
    executed.expect_accepted();
    assert!(city.token(ADMIN).paused().value);
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Executed
    );
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::NotQueued
    );
    assert_eq!(
        city.voting(ADMIN).cancel(proposal).expect_refused(),
        VotingError::NotCancelable
    );
}

#[test]
fn a_queued_proposal_not_executed_within_the_grace_period_expires() {
    let mut city = governed_city();
    let calls = pause_token(&city);
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms + GOVERNANCE.grace_ms);
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Expired
    );
    assert_eq!(
        city.voting(ALICE).execute(proposal).expect_refused(),
        VotingError::Expired
    );
    assert!(!city.token(ADMIN).paused().value);
}

#[test]
fn a_failing_call_reverts_every_call_made_before_it() {
    let mut city = governed_city();
    let zero_per = Rule {
        reward: 1,
        per: 0,
        kinds: 1,
    };
    let mut calls = pause_token(&city);
    calls.push(proposed_call(
        &city.rewards,
        selector_bytes!("set_rule"),
        (Action::TaxPaid, Some(zero_per), 0u64),
    ));
    let unknown_message = proposed_call(&city.token, [0xde, 0xad, 0xbe, 0xef], ());
    let not_a_contract = Call {
        callee: MALLORY.account(),
        ..proposed_call(&city.token, selector_bytes!("pause"), ())
    };
    let refused = pass(&mut city, &calls);
    let unknown = pass(&mut city, &[unknown_message]);
    let nobody = pass(&mut city, &[not_a_contract]);
    city.advance_time(GOVERNANCE.timelock_ms);
    for (proposal, index) in [(refused, 2), (unknown, 0), (nobody, 0)] {
        let failed = city.voting(ALICE).execute(proposal);
        assert!(failed.reverted);
        assert!(failed.events.is_empty());
        assert_eq!(failed.expect_refused(), VotingError::CallFailed { index });
        assert_eq!(
            city.voting(ADMIN).state(proposal).expect_accepted(),
            PollState::Queued
        );
    }
    assert!(!city.token(ADMIN).paused().value, "the pause was reverted");
    let voting = contract_account(&city.voting);
    assert!(!city.token(ADMIN).has_role(voting, Role::Pauser).value);
}

#[test]
fn a_proposal_cannot_re_enter_its_own_execution() {
    let mut city = governed_city();
    let next: PollId = city.voting(ADMIN).poll_count().value;
    let again = proposed_call(&city.voting, selector_bytes!("execute"), next);
    let proposal = pass(&mut city, &[again]);
    assert_eq!(proposal, next);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(ALICE).execute(proposal).expect_refused(),
        VotingError::CallFailed { index: 0 }
    );
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Queued
    );
}

#[test]
fn governance_changes_its_own_rules_only_through_a_proposal() {
    let mut city = governed_city();
    let stricter = GovernanceConfig {
        proposal_threshold: 2_000,
        ..TOKEN_GOVERNANCE
    };
    assert_eq!(
        city.voting(ADMIN).set_config(stricter).expect_refused(),
        VotingError::NotGovernance
    );
    let change = proposed_call(&city.voting, selector_bytes!("set_config"), stricter);
    let proposal = pass(&mut city, &[change]);
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(BOB).execute(proposal).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, stricter);
    // Bob votes with 1,000, below the new threshold; Alice with 3,000.
    for outsider in [BOB, MALLORY] {
        let refused =
            city.voting(outsider)
                .propose("More", &[], Secrecy::Public, Revoting::Refused);
        assert_eq!(
            refused.expect_refused(),
            VotingError::BelowThreshold,
            "{outsider:?}"
        );
    }
    propose(&mut city, &[]);
    city.voting(ADMIN)
        .create_poll(
            "The guardian consults",
            &["yes", "no"],
            Electorate::Tokens,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
}

#[test]
fn defeated_proposals_are_not_queued_and_queued_ones_not_twice() {
    let mut city = governed_city();
    let defeated = propose(&mut city, &[]);
    let passed = propose(&mut city, &[]);
    start_voting(&mut city);
    city.voting(ALICE)
        .cast_vote(defeated, AGAINST)
        .expect_accepted();
    city.voting(BOB).cast_vote(defeated, FOR).expect_accepted();
    city.voting(ALICE).cast_vote(passed, FOR).expect_accepted();
    assert_eq!(
        city.voting(ALICE).queue(passed).expect_refused(),
        VotingError::NotSucceeded,
        "still voting"
    );
    end_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).state(defeated).expect_accepted(),
        PollState::Defeated
    );
    assert_eq!(
        city.voting(ALICE).queue(defeated).expect_refused(),
        VotingError::NotSucceeded
    );
    let eta = city.voting(ALICE).queue(passed).expect_accepted();
    assert_eq!(eta, city.now_ms() + GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(ALICE).queue(passed).expect_refused(),
        VotingError::NotSucceeded,
        "a second queue would push the timelock back"
    );
}

#[test]
fn the_proposer_cancels_while_pending_and_the_guardian_until_execution() {
    let mut city = governed_city();
    let withdrawn = propose(&mut city, &[]);
    city.voting(ALICE).cancel(withdrawn).expect_accepted();
    assert_eq!(
        city.voting(ADMIN).state(withdrawn).expect_accepted(),
        PollState::Canceled
    );
    let calls = pause_token(&city);
    let passed = pass(&mut city, &calls);
    assert_eq!(
        city.voting(ALICE).cancel(passed).expect_refused(),
        VotingError::NotCancelable
    );
    assert_eq!(
        city.voting(MALLORY).cancel(passed).expect_refused(),
        VotingError::NotAllowed
    );
    city.voting(ADMIN).cancel(passed).expect_accepted();
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(ALICE).execute(passed).expect_refused(),
        VotingError::NotQueued
    );
    assert!(!city.token(ADMIN).paused().value);
}
