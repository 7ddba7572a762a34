//! E-voting on the real Wasm, with the registry and the token: the voting window,
//! electorates at the snapshot, double votes and re-votes, secret ballots and quorum.

use city_traits::{
    commitment, Electorate, GovernanceConfig, IdentityKind, PollId, PollState, Revoting, Secrecy,
    Tally, VotingError, ABSTAIN,
};
use harness::{
    city::{Actor, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE, MALLORY, TOKEN_GOVERNANCE},
    City, Fixture, TokenConfig,
};

/// A tourist with a visitor's identity.
pub const VISITOR: Actor = Actor("visitor");
const YEAR_MS: u64 = 365 * 86_400_000;

/// Alice, Bob and Carol are citizens voting with 3,000, 1,000 and 500 of the 10,000
/// tokens; Dave is a resident holding 1,000 without voting with them; a visitor; Mallory
/// is nobody. The admin keeps the other 4,500. Token holders decide proposals.
pub fn city() -> City {
    city_governed_by(TOKEN_GOVERNANCE)
}

/// [`city`], with `governance` as its rules of governance.
pub fn city_governed_by(governance: GovernanceConfig) -> City {
    let config = TokenConfig {
        initial_supply: 10_000,
        ..TokenConfig::default()
    };
    Fixture::new()
        .token(config)
        .governance(governance)
        .citizens([ALICE, BOB, CAROL])
        .identity(DAVE, IdentityKind::Resident)
        .identity(VISITOR, IdentityKind::Visitor)
        .holder(ALICE, 3_000)
        .holder(BOB, 1_000)
        .holder(CAROL, 500)
        .holder(DAVE, 1_000)
        .voter(ALICE)
        .voter(BOB)
        .voter(CAROL)
        .next_block()
        .build()
        .expect("the city is set up")
}

pub fn citizens() -> Electorate {
    Electorate::people(&[IdentityKind::Citizen])
}

/// Opens a three-option poll as the admin (the guardian), without advancing.
pub fn open_poll(
    city: &mut City,
    electorate: Electorate,
    secrecy: Secrecy,
    revoting: Revoting,
) -> PollId {
    city.voting(ADMIN)
        .create_poll(
            "Where should the new park go?",
            &["north", "riverside", "old mill"],
            electorate,
            secrecy,
            revoting,
        )
        .expect_accepted()
}

/// Moves to the first block of voting of a poll opened in the current block.
pub fn start_voting(city: &mut City) {
    city.advance_blocks(GOVERNANCE.voting_delay + 1);
}

/// Moves from the first block of voting to the first block after it.
pub fn end_voting(city: &mut City) {
    city.advance_blocks(GOVERNANCE.voting_period);
}

fn tally(city: &mut City, poll: PollId) -> Tally {
    city.voting(ADMIN)
        .tally(poll)
        .value
        .expect("the poll exists")
}

#[test]
fn votes_are_taken_only_after_the_snapshot_and_until_the_deadline() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    assert_eq!(
        city.voting(ALICE).cast_vote(poll, 0).expect_refused(),
        VotingError::NotStarted
    );
    city.advance_blocks(GOVERNANCE.voting_delay);
    assert_eq!(
        city.voting(ALICE).cast_vote(poll, 0).expect_refused(),
        VotingError::NotStarted,
        "the snapshot block"
    );
    city.advance_blocks(1);
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Active
    );
    let cast = city.voting(ALICE).cast_vote(poll, 0);
    assert_eq!(cast.events.len(), 1, "VoteCast");
    cast.expect_accepted();
    city.advance_blocks(GOVERNANCE.voting_period - 1);
    city.voting(BOB).cast_vote(poll, 0).expect_accepted();
    city.advance_blocks(1);
    let late = city.voting(CAROL).cast_vote(poll, 0);
    assert_eq!(late.expect_refused(), VotingError::VotingClosed);
    assert_eq!(tally(&mut city, poll).voters, 2);
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Succeeded
    );
}

#[test]
fn a_second_vote_is_refused_unless_the_poll_allows_revotes() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    let again = city.voting(ALICE).cast_vote(poll, 1);
    assert!(again.reverted);
    assert_eq!(again.expect_refused(), VotingError::AlreadyVoted);
    assert_eq!(tally(&mut city, poll).votes, vec![1, 0, 0, 0]);
    assert_eq!(
        city.voting(ALICE).cast_vote(poll, 3).expect_refused(),
        VotingError::InvalidChoice
    );
}

#[test]
fn a_revote_replaces_the_earlier_vote_and_counts_once() {
    let mut city = city();
    let poll = open_poll(
        &mut city,
        Electorate::Tokens,
        Secrecy::Public,
        Revoting::Replaces,
    );
    start_voting(&mut city);
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    city.voting(BOB).cast_vote(poll, 0).expect_accepted();
    city.advance_blocks(1);
    city.voting(ALICE).cast_vote(poll, 2).expect_accepted();
    assert_eq!(tally(&mut city, poll).votes, vec![1_000, 0, 3_000, 0]);
    city.voting(ALICE)
        .cast_vote(poll, ABSTAIN)
        .expect_accepted();
    let tally = tally(&mut city, poll);
    assert_eq!(tally.votes, vec![1_000, 0, 0, 3_000]);
    assert_eq!(tally.voters, 2, "each voter counted once");
    assert_eq!(tally.counted(), 4_000);
}

#[test]
fn one_person_one_vote_among_the_kinds_listed() {
    let mut city = city();
    let citizens_only = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    let residents_too = open_poll(
        &mut city,
        Electorate::people(&[IdentityKind::Citizen, IdentityKind::Resident]),
        Secrecy::Public,
        Revoting::Refused,
    );
    start_voting(&mut city);
    city.voting(ALICE)
        .cast_vote(citizens_only, 1)
        .expect_accepted();
    for outsider in [DAVE, VISITOR, MALLORY] {
        let refused = city.voting(outsider).cast_vote(citizens_only, 1);
        assert_eq!(
            refused.expect_refused(),
            VotingError::NotEligible,
            "{outsider:?}"
        );
    }
    city.voting(DAVE)
        .cast_vote(residents_too, 1)
        .expect_accepted();
    assert_eq!(tally(&mut city, citizens_only).votes, vec![0, 1, 0, 0]);
    assert_eq!(tally(&mut city, residents_too).votes, vec![0, 1, 0, 0]);
}

#[test]
fn who_may_vote_is_fixed_at_the_snapshot() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    // After the snapshot: Mallory becomes a citizen, Carol loses her identity.
    let year = city.now_ms() + YEAR_MS;
    city.registry(ADMIN)
        .register(MALLORY, IdentityKind::Citizen, [9; 32], year)
        .expect_accepted();
    city.registry(ADMIN).revoke(CAROL).expect_accepted();
    city.advance_blocks(1);
    assert_eq!(
        city.voting(MALLORY).cast_vote(poll, 0).expect_refused(),
        VotingError::NotEligible
    );
    city.voting(CAROL).cast_vote(poll, 0).expect_accepted();
    // In a poll opened now, the other way round.
    let next = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    city.voting(MALLORY).cast_vote(next, 0).expect_accepted();
    assert_eq!(
        city.voting(CAROL).cast_vote(next, 0).expect_refused(),
        VotingError::NotEligible
    );
}

#[test]
fn tokens_moved_after_the_snapshot_bring_no_extra_power() {
    let mut city = city();
    let poll = open_poll(
        &mut city,
        Electorate::Tokens,
        Secrecy::Public,
        Revoting::Refused,
    );
    start_voting(&mut city);
    city.token(ALICE).transfer(BOB, 3_000).expect_accepted();
    city.voting(BOB).cast_vote(poll, 1).expect_accepted();
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    assert_eq!(tally(&mut city, poll).votes, vec![3_000, 1_000, 0, 0]);
    let ballot = city.voting(BOB).ballot(poll, BOB).value.unwrap();
    assert_eq!(ballot.weight, 1_000);
    // Dave holds tokens but never opted in to voting with them.
    assert_eq!(
        city.voting(DAVE).cast_vote(poll, 0).expect_refused(),
        VotingError::NotEligible
    );
}

#[test]
fn abstentions_count_for_quorum_and_a_proposal_without_quorum_is_defeated() {
    let mut city = city();
    let nobody = city
        .voting(ADMIN)
        .propose("Nothing", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    let bob_alone = city
        .voting(ADMIN)
        .propose("Nothing", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    let with_alice = city
        .voting(ADMIN)
        .propose("Nothing", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    // A fifth of the 10,000 tokens at the snapshot.
    assert_eq!(city.voting(ADMIN).quorum(nobody).expect_accepted(), 2_000);
    city.voting(BOB).cast_vote(bob_alone, 0).expect_accepted();
    city.voting(BOB).cast_vote(with_alice, 0).expect_accepted();
    city.voting(ALICE)
        .cast_vote(with_alice, ABSTAIN)
        .expect_accepted();
    end_voting(&mut city);
    let state = |city: &mut City, poll| city.voting(ADMIN).state(poll).expect_accepted();
    assert_eq!(state(&mut city, nobody), PollState::Defeated);
    assert_eq!(state(&mut city, bob_alone), PollState::Defeated);
    assert_eq!(state(&mut city, with_alice), PollState::Succeeded);
}

#[test]
fn a_poll_with_a_tie_for_first_place_is_defeated() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    city.voting(BOB).cast_vote(poll, 2).expect_accepted();
    end_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Defeated
    );
}

#[test]
fn secret_ballots_are_counted_only_when_revealed_by_their_voter() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Secret, Revoting::Refused);
    start_voting(&mut city);
    let salt = |who: Actor| [who.0.len() as u8; 32];
    for who in [ALICE, BOB, CAROL] {
        let committed = commitment(poll, who.account(), 0, salt(who));
        city.voting(who)
            .commit_vote(poll, committed)
            .expect_accepted();
    }
    assert_eq!(
        city.voting(DAVE)
            .commit_vote(poll, [0; 32])
            .expect_refused(),
        VotingError::NotEligible
    );
    assert_eq!(
        city.voting(ALICE).cast_vote(poll, 0).expect_refused(),
        VotingError::SecretBallot
    );
    assert_eq!(
        city.voting(ALICE)
            .reveal_vote(poll, 0, salt(ALICE))
            .expect_refused(),
        VotingError::NotRevealing,
        "not while voting"
    );
    end_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Revealing
    );
    assert_eq!(
        city.voting(MALLORY)
            .commit_vote(poll, [0; 32])
            .expect_refused(),
        VotingError::VotingClosed
    );
    let tricks = [
        (ALICE, 0, [0; 32], VotingError::BadReveal),
        (ALICE, 1, salt(ALICE), VotingError::BadReveal),
        (ALICE, 9, salt(ALICE), VotingError::InvalidChoice),
        // Bob cannot reveal with Alice's salt: a commitment binds its voter.
        (BOB, 0, salt(ALICE), VotingError::BadReveal),
        (MALLORY, 0, salt(ALICE), VotingError::NothingToReveal),
    ];
    for (who, choice, salt, error) in tricks {
        let refused = city.voting(who).reveal_vote(poll, choice, salt);
        assert_eq!(
            refused.expect_refused(),
            error,
            "{who:?} revealing {choice}"
        );
    }
    assert_eq!(tally(&mut city, poll).counted(), 0);
    city.voting(ALICE)
        .reveal_vote(poll, 0, salt(ALICE))
        .expect_accepted();
    assert_eq!(
        city.voting(ALICE)
            .reveal_vote(poll, 0, salt(ALICE))
            .expect_refused(),
        VotingError::NothingToReveal,
        "revealed once"
    );
    city.voting(BOB)
        .reveal_vote(poll, 0, salt(BOB))
        .expect_accepted();
    city.advance_blocks(GOVERNANCE.reveal_period);
    assert_eq!(
        city.voting(CAROL)
            .reveal_vote(poll, 0, salt(CAROL))
            .expect_refused(),
        VotingError::NotRevealing,
        "too late"
    );
    let tally = tally(&mut city, poll);
    assert_eq!(tally.votes, vec![2, 0, 0, 0]);
    assert_eq!((tally.voters, tally.unrevealed), (2, 1));
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Succeeded
    );
}

#[test]
fn a_secret_revote_replaces_the_commitment() {
    let mut city = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Secret, Revoting::Replaces);
    start_voting(&mut city);
    let salt = [7; 32];
    for choice in [0, 2] {
        let committed = commitment(poll, ALICE.account(), choice, salt);
        city.voting(ALICE)
            .commit_vote(poll, committed)
            .expect_accepted();
    }
    assert_eq!(tally(&mut city, poll).unrevealed, 1);
    end_voting(&mut city);
    assert_eq!(
        city.voting(ALICE)
            .reveal_vote(poll, 0, salt)
            .expect_refused(),
        VotingError::BadReveal,
        "the replaced commitment"
    );
    city.voting(ALICE)
        .reveal_vote(poll, 2, salt)
        .expect_accepted();
    let tally = tally(&mut city, poll);
    assert_eq!(tally.votes, vec![0, 0, 1, 0]);
    assert_eq!((tally.voters, tally.unrevealed), (1, 0));
}
