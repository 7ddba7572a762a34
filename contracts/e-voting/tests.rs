//! Off-chain unit tests of what runs without other contracts: opening polls, the
//! lifecycle by block number, the refusals that come before the registry or token is
//! asked, cancellation, the guardian and governance seats, tallies and quorum arithmetic.
//! Voting with weights, quorum over a real electorate and execution are tested on the
//! real Wasm in the harness.

use crate::e_voting::*;
use city_traits::{
    commitment, Call, Electorate, GovernanceConfig, IdentityKind, PollState, Tally, VotingError,
    ABSTAIN, AGAINST, FOR, MAX_CALLS, MAX_CALL_INPUT, MAX_OPTIONS,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

fn advance(blocks: u32) {
    for _ in 0..blocks {
        test::advance_block::<E>();
    }
}

/// Two blocks of delay, ten of voting, five of revealing, a quarter for quorum, anyone
/// may propose, a day of timelock and a week of grace.
fn config() -> GovernanceConfig {
    GovernanceConfig {
        voting_delay: 2,
        voting_period: 10,
        reveal_period: 5,
        quorum_bps: 2_500,
        proposal_threshold: 0,
        timelock_ms: 86_400_000,
        grace_ms: 7 * 86_400_000,
    }
}

/// Governance at django's address with alice as guardian, over eve's registry and
/// frank's token.
fn voting() -> EVoting {
    act_as(accounts().alice);
    let a = accounts();
    test::set_callee::<E>(a.django);
    EVoting::new(a.eve, a.frank, config()).expect("a valid configuration")
}

fn citizens() -> Electorate {
    Electorate::people(&[IdentityKind::Citizen])
}

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("option {i}")).collect()
}

/// Bob (no guardian) opens a public poll with three options.
fn bobs_poll(voting: &mut EVoting) -> u32 {
    act_as(accounts().bob);
    voting
        .create_poll(
            "Which park first?".into(),
            labels(3),
            citizens(),
            false,
            false,
        )
        .unwrap()
}

#[ink::test]
fn a_config_out_of_bounds_is_refused_at_construction() {
    let a = accounts();
    for broken in [
        GovernanceConfig {
            voting_period: 0,
            ..config()
        },
        GovernanceConfig {
            quorum_bps: 10_001,
            ..config()
        },
        GovernanceConfig {
            grace_ms: 0,
            ..config()
        },
    ] {
        assert!(matches!(
            EVoting::new(a.eve, a.frank, broken),
            Err(VotingError::InvalidConfig)
        ));
    }
}

#[ink::test]
fn opening_fixes_snapshot_and_deadlines() {
    let mut voting = voting();
    advance(7);
    let id = bobs_poll(&mut voting);
    let poll = voting.poll(id).unwrap();
    assert_eq!(id, 0);
    assert_eq!(voting.poll_count(), 1);
    assert_eq!(poll.proposer, accounts().bob);
    assert_eq!((poll.snapshot, poll.deadline, poll.reveal_end), (9, 19, 19));
    assert!(!poll.proposal);
    assert_eq!(poll.options, 3);
    assert_eq!(voting.tally(id).unwrap(), Tally::new(3));
    assert_eq!(voting.texts(id).unwrap().1, labels(3));
    assert_eq!(test::recorded_events().count(), 1, "PollOpened");

    act_as(accounts().alice);
    let secret = voting
        .create_poll("Secret?".into(), labels(2), citizens(), true, false)
        .unwrap();
    assert_eq!(voting.poll(secret).unwrap().reveal_end, 24);
}

#[ink::test]
fn polls_need_two_to_max_options_and_short_texts() {
    let mut voting = voting();
    let mut open = |question: &str, options| {
        voting.create_poll(question.into(), options, citizens(), false, false)
    };
    assert_eq!(open("?", labels(1)), Err(VotingError::BadOptionCount));
    assert_eq!(
        open("?", labels(usize::from(MAX_OPTIONS) + 1)),
        Err(VotingError::BadOptionCount)
    );
    assert_eq!(
        open("?", vec!["x".repeat(65), "y".into()]),
        Err(VotingError::TextTooLong)
    );
    assert_eq!(
        open(&"?".repeat(257), labels(2)),
        Err(VotingError::TextTooLong)
    );
    assert_eq!(open("?", labels(usize::from(MAX_OPTIONS))), Ok(0));
    // Texts of exactly the largest sizes are fine.
    assert_eq!(
        open(&"?".repeat(256), vec!["x".repeat(64), "y".into()]),
        Ok(1)
    );
    assert_eq!(
        voting.create_poll(
            "?".into(),
            labels(2),
            Electorate::People { kinds: 0 },
            false,
            false
        ),
        Err(VotingError::EmptyElectorate)
    );
    assert_eq!(voting.poll_count(), 2, "refusals open nothing");
}

#[ink::test]
fn proposals_carry_a_bounded_list_of_calls() {
    let mut voting = voting();
    let call = |input: usize| Call {
        callee: accounts().frank,
        selector: [1, 2, 3, 4],
        input: vec![0; input],
        value: 0,
    };
    let mut propose =
        |calls| voting.propose("Pause".into(), calls, Electorate::Tokens, false, false);
    assert_eq!(
        propose(vec![call(0); MAX_CALLS + 1]),
        Err(VotingError::TooManyCalls)
    );
    assert_eq!(
        propose(vec![call(MAX_CALL_INPUT + 1)]),
        Err(VotingError::TooManyCalls)
    );
    assert_eq!(propose(vec![call(0); MAX_CALLS]), Ok(0));
    let id = propose(vec![call(MAX_CALL_INPUT); 2]).unwrap();
    assert!(voting.poll(id).unwrap().proposal);
    assert_eq!(voting.poll(id).unwrap().options, 2);
    assert_eq!(voting.proposal_calls(id), vec![call(MAX_CALL_INPUT); 2]);
}

#[ink::test]
fn the_state_follows_the_block_number() {
    let mut voting = voting();
    let id = voting
        .create_poll("?".into(), labels(2), citizens(), true, false)
        .unwrap();
    assert_eq!(voting.state(id), Ok(PollState::Pending));
    advance(2);
    assert_eq!(
        voting.state(id),
        Ok(PollState::Pending),
        "the snapshot block"
    );
    advance(1);
    assert_eq!(voting.state(id), Ok(PollState::Active));
    advance(9);
    assert_eq!(
        voting.state(id),
        Ok(PollState::Active),
        "the deadline block"
    );
    advance(1);
    assert_eq!(voting.state(id), Ok(PollState::Revealing));
    assert_eq!(voting.state(7), Err(VotingError::UnknownPoll));
}

#[ink::test]
fn votes_outside_the_voting_period_are_refused_before_anything_is_asked() {
    let mut voting = voting();
    let id = bobs_poll(&mut voting);
    assert_eq!(voting.cast_vote(id, 0), Err(VotingError::NotStarted));
    assert_eq!(voting.quorum(id), Err(VotingError::NotStarted));
    advance(13);
    assert_eq!(voting.cast_vote(id, 0), Err(VotingError::VotingClosed));
    assert_eq!(voting.cast_vote(9, 0), Err(VotingError::UnknownPoll));
}

#[ink::test]
fn choices_and_ballot_kinds_are_checked() {
    let mut voting = voting();
    let public = bobs_poll(&mut voting);
    let secret = voting
        .create_poll("?".into(), labels(2), citizens(), true, false)
        .unwrap();
    advance(3);
    assert_eq!(voting.cast_vote(public, 3), Err(VotingError::InvalidChoice));
    assert_eq!(voting.cast_vote(secret, 0), Err(VotingError::SecretBallot));
    assert_eq!(
        voting.commit_vote(public, [0; 32]),
        Err(VotingError::NotSecret)
    );
    assert_eq!(
        voting.reveal_vote(public, 0, [0; 32]),
        Err(VotingError::NotSecret)
    );
    assert_eq!(
        voting.reveal_vote(secret, 0, [0; 32]),
        Err(VotingError::NotRevealing)
    );
    advance(10);
    assert_eq!(
        voting.reveal_vote(secret, 0, [0; 32]),
        Err(VotingError::NothingToReveal)
    );
    advance(5);
    assert_eq!(
        voting.reveal_vote(secret, 0, [0; 32]),
        Err(VotingError::NotRevealing)
    );
}

#[ink::test]
fn only_proposals_that_succeeded_are_queued_and_only_queued_ones_executed() {
    let mut voting = voting();
    let poll = bobs_poll(&mut voting);
    let proposal = voting
        .propose("Nothing".into(), Vec::new(), citizens(), false, false)
        .unwrap();
    assert_eq!(voting.queue(poll), Err(VotingError::NotAProposal));
    assert_eq!(voting.queue(proposal), Err(VotingError::NotSucceeded));
    assert_eq!(voting.execute(proposal), Err(VotingError::NotQueued));
    assert_eq!(voting.execute(poll), Err(VotingError::NotQueued));
}

#[ink::test]
fn the_proposer_cancels_while_pending_and_the_guardian_until_execution() {
    let mut voting = voting();
    let a = accounts();
    let early = bobs_poll(&mut voting);
    let late = bobs_poll(&mut voting);
    act_as(a.charlie);
    assert_eq!(voting.cancel(early), Err(VotingError::NotAllowed));
    act_as(a.bob);
    assert_eq!(voting.cancel(early), Ok(()));
    assert_eq!(voting.state(early), Ok(PollState::Canceled));
    assert_eq!(voting.cancel(early), Err(VotingError::NotCancelable));
    advance(3);
    assert_eq!(voting.cancel(late), Err(VotingError::NotCancelable));
    assert_eq!(voting.cast_vote(early, 0), Err(VotingError::VotingClosed));
    act_as(a.alice);
    assert_eq!(voting.cancel(late), Ok(()));
    assert_eq!(voting.state(late), Ok(PollState::Canceled));
}

#[ink::test]
fn only_governance_changes_the_rules_and_the_guardian_may_step_aside() {
    let mut voting = voting();
    let a = accounts();
    let slower = GovernanceConfig {
        voting_period: 20,
        ..config()
    };
    assert_eq!(voting.set_config(slower), Err(VotingError::NotGovernance));
    act_as(a.bob);
    assert_eq!(
        voting.set_guardian(Some(a.bob)),
        Err(VotingError::NotGovernance)
    );
    act_as(a.alice);
    assert_eq!(voting.set_guardian(Some(a.bob)), Ok(()));
    assert_eq!(voting.guardian(), Some(a.bob));
    assert_eq!(voting.set_guardian(None), Err(VotingError::NotGovernance));
    act_as(a.bob);
    assert_eq!(voting.set_guardian(None), Ok(()));
    assert_eq!(voting.guardian(), None);
    assert_eq!(voting.config(), config());
}

#[ink::test]
fn a_tally_counts_abstentions_for_quorum_and_names_a_single_leader() {
    let mut tally = Tally::new(3);
    tally.add(0, 5);
    tally.add(2, 5);
    tally.add(ABSTAIN, 7);
    assert_eq!(tally.counted(), 17);
    assert_eq!(tally.leader(), None, "a tie");
    tally.remove(2, 1);
    assert_eq!(tally.leader(), Some(0));
    assert_eq!(tally.votes_for(ABSTAIN), 7);
    let mut empty = Tally::new(2);
    assert_eq!(empty.leader(), None);
    empty.add(ABSTAIN, 3);
    assert_eq!(empty.leader(), None, "abstentions lead nothing");
    assert_eq!((FOR, AGAINST), (0, 1));
}

#[ink::test]
fn quorum_is_rounded_up_without_overflow() {
    assert_eq!(share_rounded_up(200, 2_500), 50);
    assert_eq!(share_rounded_up(201, 2_500), 51);
    assert_eq!(share_rounded_up(0, 2_500), 0);
    assert_eq!(share_rounded_up(7, 0), 0);
    assert_eq!(share_rounded_up(u128::MAX, 10_000), u128::MAX);
    assert_eq!(share_rounded_up(u128::MAX, 5_000), u128::MAX / 2 + 1);
}

#[ink::test]
fn a_commitment_binds_poll_voter_choice_and_salt() {
    let a = accounts();
    let base = commitment(1, a.bob, 0, [7; 32]);
    assert_eq!(base, commitment(1, a.bob, 0, [7; 32]));
    for other in [
        commitment(2, a.bob, 0, [7; 32]),
        commitment(1, a.charlie, 0, [7; 32]),
        commitment(1, a.bob, 1, [7; 32]),
        commitment(1, a.bob, 0, [8; 32]),
    ] {
        assert_ne!(base, other);
    }
}
