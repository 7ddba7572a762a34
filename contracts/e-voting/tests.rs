//! Off-chain unit tests of the messages: opening polls, the lifecycle by block number,
//! cancellation, the guardian and governance seats, tallies, and votes weighed by
//! stand-ins for the registry and the token (city-traits' `fakes`: ink! 5's off-chain
//! environment cannot call another contract). The plain modules' rules are tested in
//! each module, without an ink! environment. Proposed calls, and everything between the
//! real contracts, are tested on the Wasm in the harness.

use crate::e_voting::*;
use city_traits::{
    commitment, fakes::world, Ballot, Call, Electorate, GovernanceConfig, IdentityKind, PollKind,
    PollState, Revoting, Secrecy, Tally, Vote, VotingError, ABSTAIN, AGAINST, FOR, MAX_CALLS,
    MAX_CALL_INPUT, MAX_OPTIONS, MAX_QUORUM_BPS, MIN_QUORUM_BPS, MIN_TIMELOCK_MS,
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

/// The citizens decide proposals; two blocks of delay, ten of voting, five of revealing, a
/// quarter for quorum, anyone may propose, a day of timelock and a week of grace.
fn config() -> GovernanceConfig {
    GovernanceConfig {
        electorate: citizens(),
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
            Secrecy::Public,
            Revoting::Refused,
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
            quorum_bps: MAX_QUORUM_BPS + 1,
            ..config()
        },
        GovernanceConfig {
            grace_ms: 0,
            ..config()
        },
        GovernanceConfig {
            quorum_bps: MIN_QUORUM_BPS - 1,
            ..config()
        },
        GovernanceConfig {
            timelock_ms: MIN_TIMELOCK_MS - 1,
            ..config()
        },
        GovernanceConfig {
            electorate: Electorate::People { kinds: 1 << 4 },
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
    let poll = voting.poll(id).unwrap().0;
    assert_eq!(id, 0);
    assert_eq!(voting.settings().polls, 1);
    assert_eq!(poll.proposer, accounts().bob);
    assert_eq!((poll.snapshot, poll.deadline, poll.reveal_end), (9, 19, 19));
    assert_eq!(poll.kind, PollKind::Consultation);
    assert_eq!(poll.options, 3);
    assert_eq!(voting.poll(id).unwrap().1, Tally::new(3));
    assert_eq!(voting.texts(id).unwrap().0 .1, labels(3));
    assert_eq!(test::recorded_events().count(), 1, "PollOpened");

    act_as(accounts().alice);
    let secret = voting
        .create_poll(
            "Secret?".into(),
            labels(2),
            citizens(),
            Secrecy::Secret,
            Revoting::Refused,
        )
        .unwrap();
    assert_eq!(voting.poll(secret).unwrap().0.reveal_end, 24);
}

#[ink::test]
fn polls_need_two_to_max_options_and_short_texts() {
    let mut voting = voting();
    let mut open = |question: &str, options| {
        voting.create_poll(
            question.into(),
            options,
            citizens(),
            Secrecy::Public,
            Revoting::Refused,
        )
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
            Secrecy::Public,
            Revoting::Refused
        ),
        Err(VotingError::EmptyElectorate)
    );
    assert_eq!(voting.settings().polls, 2, "refusals open nothing");
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
        |calls| voting.propose("Pause".into(), calls, Secrecy::Public, Revoting::Refused);
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
    assert_eq!(voting.poll(id).unwrap().0.kind, PollKind::Proposal);
    assert_eq!(voting.poll(id).unwrap().0.options, 2);
    assert_eq!(voting.texts(id).unwrap().1, vec![call(MAX_CALL_INPUT); 2]);
}

#[ink::test]
fn the_state_follows_the_block_number() {
    let mut voting = voting();
    let id = voting
        .create_poll(
            "?".into(),
            labels(2),
            citizens(),
            Secrecy::Secret,
            Revoting::Refused,
        )
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
        .create_poll(
            "?".into(),
            labels(2),
            citizens(),
            Secrecy::Secret,
            Revoting::Refused,
        )
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
        .propose(
            "Nothing".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
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
fn only_governance_changes_the_rules_and_the_guardian_seat_moves_but_never_empties() {
    let mut voting = voting();
    let a = accounts();
    let slower = GovernanceConfig {
        voting_period: 20,
        ..config()
    };
    assert_eq!(voting.set_config(slower), Err(VotingError::NotGovernance));
    act_as(a.bob);
    assert_eq!(voting.set_guardian(a.bob), Err(VotingError::NotGovernance));
    act_as(a.alice);
    assert_eq!(voting.set_guardian(a.bob), Ok(()));
    assert_eq!(voting.settings().guardian, a.bob);
    assert_eq!(
        voting.set_guardian(a.alice),
        Err(VotingError::NotGovernance)
    );
    act_as(a.bob);
    let nobody = AccountId::from([0; 32]);
    assert_eq!(
        voting.set_guardian(nobody),
        Err(VotingError::InvalidGuardian)
    );
    act_as(a.django); // e-voting itself: an executed proposal
    assert_eq!(
        voting.set_guardian(nobody),
        Err(VotingError::InvalidGuardian)
    );
    assert_eq!(voting.set_guardian(a.charlie), Ok(()));
    assert_eq!(voting.settings().guardian, a.charlie);
    assert_eq!(voting.settings().config, config());
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

/// Bob and charlie citizens, django a resident, eve unregistered; the registry counts
/// 4 citizens, 8 residents, 16 e-residents and 32 visitors at every ended block.
fn electorate() {
    let a = accounts();
    world(|w| {
        w.kinds.insert(a.bob, IdentityKind::Citizen);
        w.kinds.insert(a.charlie, IdentityKind::Citizen);
        w.kinds.insert(a.django, IdentityKind::Resident);
        w.counts = [4, 8, 16, 32];
    });
}

/// Alice (the guardian) opens a poll for citizens, two options, at block 0: voting from
/// block 3 to 12, revealing (if secret) until 17.
fn citizens_poll(voting: &mut EVoting, secrecy: Secrecy, revoting: Revoting) -> u32 {
    electorate();
    act_as(accounts().alice);
    voting
        .create_poll("Trees?".into(), labels(2), citizens(), secrecy, revoting)
        .unwrap()
}

#[ink::test]
fn one_person_one_vote_among_the_kinds_at_the_snapshot() {
    let mut voting = voting();
    let a = accounts();
    let poll = citizens_poll(&mut voting, Secrecy::Public, Revoting::Refused);
    advance(3);
    act_as(a.bob);
    assert_eq!(voting.cast_vote(poll, 1), Ok(()));
    assert_eq!(
        voting.ballot(poll, a.bob),
        Some(Ballot {
            weight: 1,
            vote: Vote::Cast(1)
        })
    );
    assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::AlreadyVoted));
    for outsider in [a.django, a.eve] {
        act_as(outsider);
        assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::NotEligible));
    }
    let tally = voting.poll(poll).unwrap().1;
    assert_eq!((tally.votes, tally.voters), (vec![0, 1, 0], 1));
    // A quarter of the 4 citizens (not of all 60 identities).
    assert_eq!(voting.quorum(poll), Ok(1));
}

#[ink::test]
fn a_revote_replaces_the_earlier_one() {
    let mut voting = voting();
    let bob = accounts().bob;
    let poll = citizens_poll(&mut voting, Secrecy::Public, Revoting::Replaces);
    advance(3);
    act_as(bob);
    voting.cast_vote(poll, 0).unwrap();
    voting.cast_vote(poll, 1).unwrap();
    let tally = voting.poll(poll).unwrap().1;
    assert_eq!((tally.votes, tally.voters), (vec![0, 1, 0], 1));
}

#[ink::test]
fn voting_runs_until_the_deadline_block_inclusive() {
    let mut voting = voting();
    let poll = citizens_poll(&mut voting, Secrecy::Public, Revoting::Refused);
    advance(12);
    act_as(accounts().bob);
    assert_eq!(voting.cast_vote(poll, 0), Ok(()));
    advance(1);
    act_as(accounts().charlie);
    assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::VotingClosed));
}

#[ink::test]
fn the_electorate_keeps_only_known_kinds() {
    let mut voting = voting();
    electorate();
    act_as(accounts().alice);
    let poll = voting
        .create_poll(
            "Trees?".into(),
            labels(2),
            Electorate::People { kinds: 0b1111_0001 },
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    assert_eq!(voting.poll(poll).unwrap().0.electorate, citizens());
    advance(3);
    act_as(accounts().django);
    assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::NotEligible));
}

#[ink::test]
fn coins_weigh_by_voting_power_and_quorum_by_supply() {
    let mut voting = voting();
    let a = accounts();
    world(|w| {
        w.votes.insert(a.bob, 300);
        w.supply = 1_000;
    });
    act_as(a.alice);
    let poll = voting
        .create_poll(
            "Budget?".into(),
            labels(2),
            Electorate::Tokens,
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    advance(3);
    act_as(a.bob);
    voting.cast_vote(poll, 0).unwrap();
    assert_eq!(voting.poll(poll).unwrap().1.votes, vec![300, 0, 0]);
    act_as(a.charlie);
    assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::NotEligible));
    assert_eq!(voting.quorum(poll), Ok(250));
}

#[ink::test]
fn proposers_need_the_threshold_of_voting_power_unless_guardian() {
    act_as(accounts().alice);
    let a = accounts();
    test::set_callee::<E>(a.django);
    let mut voting = EVoting::new(
        a.eve,
        a.frank,
        GovernanceConfig {
            proposal_threshold: 100,
            ..config()
        },
    )
    .unwrap();
    advance(1);
    let open = |voting: &mut EVoting| {
        voting.create_poll(
            "Q".into(),
            labels(2),
            Electorate::Tokens,
            Secrecy::Public,
            Revoting::Refused,
        )
    };
    act_as(a.bob);
    for (power, answer) in [
        (99, Err(VotingError::BelowThreshold)),
        (100, Ok(0)),
        (150, Ok(1)),
    ] {
        world(|w| w.votes.insert(a.bob, power));
        assert_eq!(open(&mut voting), answer);
    }
    act_as(a.alice);
    assert_eq!(open(&mut voting), Ok(2));
}

#[ink::test]
fn a_secret_ballot_is_committed_then_revealed_until_the_reveal_end() {
    let mut voting = voting();
    let a = accounts();
    let public = citizens_poll(&mut voting, Secrecy::Public, Revoting::Refused);
    let secret = citizens_poll(&mut voting, Secrecy::Secret, Revoting::Refused);
    advance(3);
    act_as(a.bob);
    let salt = [7; 32];
    assert_eq!(
        voting.commit_vote(public, commitment(public, a.bob, 1, salt)),
        Err(VotingError::NotSecret)
    );
    voting
        .commit_vote(secret, commitment(secret, a.bob, 1, salt))
        .unwrap();
    assert_eq!(voting.poll(secret).unwrap().1.unrevealed, 1);
    advance(14); // block 17: the last of the reveal period
    assert_eq!(
        voting.reveal_vote(secret, 5, salt),
        Err(VotingError::InvalidChoice)
    );
    assert_eq!(
        voting.reveal_vote(secret, 0, salt),
        Err(VotingError::BadReveal)
    );
    assert_eq!(voting.reveal_vote(secret, 1, salt), Ok(()));
    let tally = voting.poll(secret).unwrap().1;
    assert_eq!(
        (tally.votes, tally.voters, tally.unrevealed),
        (vec![0, 1, 0], 1, 0)
    );
}

#[ink::test]
fn a_proposal_executes_between_its_timelock_and_its_expiry() {
    let mut voting = voting();
    electorate();
    let day = config().timelock_ms;
    act_as(accounts().alice);
    let proposal = voting
        .propose(
            "Nothing to do".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    let again = voting
        .propose(
            "Nothing either".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    advance(3);
    act_as(accounts().bob);
    voting.cast_vote(proposal, FOR).unwrap();
    voting.cast_vote(again, FOR).unwrap();
    advance(10);
    act_as(accounts().alice);
    let start = ink::env::block_timestamp::<E>();
    let eta = voting.queue(proposal).unwrap();
    assert_eq!(eta, start + day);
    voting.queue(again).unwrap();
    test::set_block_timestamp::<E>(eta - 1);
    assert_eq!(voting.execute(proposal), Err(VotingError::TimelockPending));
    test::set_block_timestamp::<E>(eta);
    assert_eq!(voting.execute(proposal), Ok(()));
    assert_eq!(voting.state(proposal), Ok(PollState::Executed));
    assert_eq!(voting.cancel(proposal), Err(VotingError::NotCancelable));
    // The other one waits out its grace: at its expiry it is too late.
    test::set_block_timestamp::<E>(eta + config().grace_ms - 1);
    assert_eq!(voting.state(again), Ok(PollState::Queued));
    test::set_block_timestamp::<E>(eta + config().grace_ms);
    assert_eq!(voting.state(again), Ok(PollState::Expired));
    assert_eq!(voting.execute(again), Err(VotingError::Expired));
    assert_eq!(voting.cancel(again), Err(VotingError::NotCancelable));
}

#[ink::test]
fn governance_refuses_an_invalid_config() {
    let mut voting = voting();
    act_as(accounts().django); // e-voting itself
    let broken = GovernanceConfig {
        voting_period: 0,
        ..config()
    };
    assert_eq!(voting.set_config(broken), Err(VotingError::InvalidConfig));
    assert_eq!(voting.settings().config, config());
}

#[ink::test]
fn a_proposal_is_decided_by_the_governance_electorate_whoever_proposes() {
    let mut voting = voting();
    electorate();
    let a = accounts();
    act_as(a.django); // a resident (and e-voting's address), not of the electorate
    let proposal = voting
        .propose(
            "Mine".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    assert_eq!(voting.poll(proposal).unwrap().0.electorate, citizens());
    advance(3);
    assert_eq!(
        voting.cast_vote(proposal, FOR),
        Err(VotingError::NotEligible)
    );
    act_as(a.bob);
    assert_eq!(voting.cast_vote(proposal, FOR), Ok(()));
    // Governance itself may name another electorate, for proposals opened afterwards.
    world(|w| w.supply = 1_000);
    act_as(a.django);
    let by_tokens = GovernanceConfig {
        electorate: Electorate::Tokens,
        ..config()
    };
    voting.set_config(by_tokens).unwrap();
    let later = voting
        .propose(
            "Later".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    assert_eq!(voting.poll(later).unwrap().0.electorate, Electorate::Tokens);
    assert_eq!(voting.poll(proposal).unwrap().0.electorate, citizens());
}

#[ink::test]
fn a_proposal_keeps_the_timelock_and_grace_it_was_opened_under() {
    let mut voting = voting();
    electorate();
    let a = accounts();
    act_as(a.alice);
    let proposal = voting
        .propose(
            "Nothing".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    // Governance lengthens the timelock and shortens the grace while it is open.
    advance(1);
    act_as(a.django);
    let changed = GovernanceConfig {
        timelock_ms: 3 * config().timelock_ms,
        grace_ms: MIN_TIMELOCK_MS,
        ..config()
    };
    voting.set_config(changed).unwrap();
    advance(3);
    act_as(a.bob);
    voting.cast_vote(proposal, FOR).unwrap();
    advance(10);
    let now = ink::env::block_timestamp::<E>();
    assert_eq!(voting.queue(proposal), Ok(now + config().timelock_ms));
    let poll = voting.poll(proposal).unwrap().0;
    assert_eq!(
        (poll.timelock_ms, poll.grace_ms),
        (config().timelock_ms, config().grace_ms)
    );
}

#[ink::test]
fn a_card_that_expired_by_the_opening_does_not_vote() {
    let mut voting = voting();
    let a = accounts();
    let opening = ink::env::block_timestamp::<E>();
    world(|w| {
        w.expiries.insert(a.bob, opening);
        w.expiries.insert(a.charlie, opening + 1);
    });
    let poll = citizens_poll(&mut voting, Secrecy::Public, Revoting::Refused);
    advance(3);
    act_as(a.bob);
    assert_eq!(voting.cast_vote(poll, 0), Err(VotingError::NotEligible));
    act_as(a.charlie);
    assert_eq!(voting.cast_vote(poll, 0), Ok(()));
}

#[ink::test]
fn governance_cannot_name_an_electorate_nobody_belongs_to() {
    let mut voting = voting();
    electorate(); // citizens and a resident, no visitor, no e-resident
    advance(1);
    act_as(accounts().django); // e-voting itself: an executed proposal
    let visitors = GovernanceConfig {
        electorate: Electorate::people(&[IdentityKind::Visitor]),
        ..config()
    };
    world(|w| w.counts = [4, 8, 0, 0]);
    assert_eq!(
        voting.set_config(visitors),
        Err(VotingError::EmptyElectorate)
    );
    let by_tokens = GovernanceConfig {
        electorate: Electorate::Tokens,
        ..config()
    };
    assert_eq!(
        voting.set_config(by_tokens),
        Err(VotingError::EmptyElectorate)
    );
    world(|w| w.supply = 1);
    assert_eq!(voting.set_config(by_tokens), Ok(()));
}

#[ink::test]
fn the_guardian_cannot_cancel_its_own_replacement_which_comes_alone() {
    let mut voting = voting();
    let a = accounts();
    let replace = Call {
        callee: a.django, // e-voting itself
        selector: ink::selector_bytes!("set_guardian"),
        input: Vec::new(),
        value: 0,
    };
    let other = Call {
        selector: [1, 2, 3, 4],
        ..replace.clone()
    };
    act_as(a.bob);
    assert_eq!(
        voting.propose(
            "Shielded".into(),
            vec![replace.clone(), other],
            Secrecy::Public,
            Revoting::Refused
        ),
        Err(VotingError::GuardianChangeNotAlone)
    );
    let proposal = voting
        .propose(
            "New guardian".into(),
            vec![replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    let ordinary = voting
        .propose(
            "Other".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .unwrap();
    act_as(a.alice); // the guardian
    assert_eq!(voting.cancel(proposal), Err(VotingError::NotAllowed));
    assert_eq!(voting.cancel(ordinary), Ok(()));
    act_as(a.bob); // its proposer may, while it is pending
    assert_eq!(voting.cancel(proposal), Ok(()));
}

#[ink::test]
fn members_of_the_governance_electorate_may_always_propose() {
    act_as(accounts().alice);
    let a = accounts();
    test::set_callee::<E>(a.django);
    let strict = GovernanceConfig {
        proposal_threshold: u128::MAX,
        ..config()
    };
    let mut voting = EVoting::new(a.eve, a.frank, strict).unwrap();
    electorate(); // bob a citizen, django a resident
    advance(1);
    act_as(a.bob);
    assert_eq!(
        voting.propose(
            "Mine".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused
        ),
        Ok(0)
    );
    act_as(a.django);
    assert_eq!(
        voting.propose(
            "Not a citizen".into(),
            Vec::new(),
            Secrecy::Public,
            Revoting::Refused
        ),
        Err(VotingError::BelowThreshold)
    );
    // Under a token electorate, a threshold above the supply is refused.
    world(|w| w.supply = 1_000);
    let by_tokens = GovernanceConfig {
        electorate: Electorate::Tokens,
        proposal_threshold: 1_001,
        ..config()
    };
    assert_eq!(
        voting.set_config(by_tokens),
        Err(VotingError::InvalidConfig)
    );
}

#[test]
fn the_code_holds_the_storage_version_and_migrations_its_manifest_declares() {
    assert_eq!(
        city_traits::upgrade::declared(include_str!("Cargo.toml")),
        Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
    );
}
