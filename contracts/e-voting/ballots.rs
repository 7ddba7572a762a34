//! Ballots and tallies: when a poll takes votes, commitments and reveals, and what each
//! does to the voter's ballot and the poll's running tally. A first ballot is weighed by
//! the electorate ([`electorate::weight`]); a re-vote keeps the weight of the ballot it
//! replaces, so it asks nobody anything. Each function checks everything before it
//! changes the tally: on an error the tally is as it was.

use city_traits::{
    commitment, Balance, Ballot, BlockNumber, Poll, PollId, Revoting, Secrecy, Status, Tally, Vote,
    VotingError,
};
use ink::primitives::AccountId;

use crate::electorate::{self, Census};

type Result<T> = core::result::Result<T, VotingError>;

/// A voter at a poll: its account and its ballot so far.
#[derive(Debug, Clone, Copy)]
pub struct Voter {
    pub account: AccountId,
    pub ballot: Option<Ballot>,
}

/// Refuses a vote or commitment at `block` outside the voting period of an open poll.
///
/// # Errors
/// `VotingClosed` (after the deadline, or canceled), `NotStarted` (until the snapshot
/// block is over).
pub fn ensure_voting(poll: &Poll, block: BlockNumber) -> Result<()> {
    if poll.status != Status::Open || block > poll.deadline {
        return Err(VotingError::VotingClosed);
    }
    if block <= poll.snapshot {
        return Err(VotingError::NotStarted);
    }
    Ok(())
}

/// The weight of `voter`'s new ballot and the vote it replaces: for a re-vote, the earlier
/// ballot's weight; for a first ballot, its weight at the snapshot.
fn weigh(poll: &Poll, voter: &Voter, census: &impl Census) -> Result<(Balance, Option<Vote>)> {
    match (voter.ballot, poll.revoting) {
        (Some(_), Revoting::Refused) => Err(VotingError::AlreadyVoted),
        (Some(earlier), Revoting::Replaces) => Ok((earlier.weight, Some(earlier.vote))),
        (None, _) => Ok((electorate::weight(poll, &voter.account, census)?, None)),
    }
}

/// `voter`'s public vote for `choice` (an option, or `ABSTAIN`) at `block`, counted in
/// `tally`: a re-vote takes the earlier vote off first. Returns the voter's new ballot and
/// the choice of the vote it replaced.
///
/// # Errors
/// `NotStarted`, `VotingClosed`, `SecretBallot`, `InvalidChoice`, `AlreadyVoted`,
/// `NotEligible`.
pub fn cast(
    poll: &Poll,
    block: BlockNumber,
    voter: &Voter,
    choice: u8,
    tally: &mut Tally,
    census: &impl Census,
) -> Result<(Ballot, Option<u8>)> {
    ensure_voting(poll, block)?;
    if poll.secrecy == Secrecy::Secret {
        return Err(VotingError::SecretBallot);
    }
    if !poll.offers(choice) {
        return Err(VotingError::InvalidChoice);
    }
    let (weight, earlier) = weigh(poll, voter, census)?;
    let replaced = match earlier {
        Some(Vote::Cast(earlier)) => {
            tally.remove(earlier, weight);
            Some(earlier)
        }
        _ => {
            // One ballot per voter: at most the number of accounts, far below u32::MAX
            // for any electorate this contract can weigh.
            tally.voters = tally.voters.saturating_add(1);
            None
        }
    };
    tally.add(choice, weight);
    let ballot = Ballot {
        weight,
        vote: Vote::Cast(choice),
    };
    Ok((ballot, replaced))
}

/// `voter`'s secret ballot, `sealed` (see `city_traits::commitment`), committed at
/// `block`: counted in `tally` as unrevealed, unless it replaces an earlier commitment.
/// Returns the voter's new ballot and whether it replaced one.
///
/// # Errors
/// `NotStarted`, `VotingClosed`, `NotSecret`, `AlreadyVoted`, `NotEligible`.
pub fn commit(
    poll: &Poll,
    block: BlockNumber,
    voter: &Voter,
    sealed: [u8; 32],
    tally: &mut Tally,
    census: &impl Census,
) -> Result<(Ballot, bool)> {
    ensure_voting(poll, block)?;
    if poll.secrecy == Secrecy::Public {
        return Err(VotingError::NotSecret);
    }
    let (weight, earlier) = weigh(poll, voter, census)?;
    let replaced = earlier.is_some();
    if !replaced {
        // As in `cast`: one commitment per voter.
        tally.unrevealed = tally.unrevealed.saturating_add(1);
    }
    let ballot = Ballot {
        weight,
        vote: Vote::Committed(sealed),
    };
    Ok((ballot, replaced))
}

/// `voter`'s reveal, at `block`, of its secret ballot in poll number `id` for `choice` with
/// `salt`: counted in `tally` if it matches the commitment. Returns the voter's new ballot.
///
/// # Errors
/// `NotSecret`, `NotRevealing` (before the voting deadline, after the reveal period or
/// once canceled), `NothingToReveal`, `InvalidChoice`, `BadReveal`.
pub fn reveal(
    (id, poll): (PollId, &Poll),
    block: BlockNumber,
    voter: &Voter,
    choice: u8,
    salt: [u8; 32],
    tally: &mut Tally,
) -> Result<Ballot> {
    if poll.secrecy == Secrecy::Public {
        return Err(VotingError::NotSecret);
    }
    if poll.status != Status::Open || block <= poll.deadline || block > poll.reveal_end {
        return Err(VotingError::NotRevealing);
    }
    let Some(Ballot {
        weight,
        vote: Vote::Committed(sealed),
    }) = voter.ballot
    else {
        return Err(VotingError::NothingToReveal);
    };
    if !poll.offers(choice) {
        return Err(VotingError::InvalidChoice);
    }
    if commitment(id, voter.account, choice, salt) != sealed {
        return Err(VotingError::BadReveal);
    }
    tally.add(choice, weight);
    tally.unrevealed = tally.unrevealed.saturating_sub(1);
    tally.voters = tally.voters.saturating_add(1);
    Ok(Ballot {
        weight,
        vote: Vote::Revealed(choice),
    })
}

#[cfg(test)]
mod tests {
    use city_traits::ABSTAIN;

    use super::*;
    use crate::electorate::tests::{account, citizens, poll, table};

    fn first(n: u8) -> Voter {
        Voter {
            account: account(n),
            ballot: None,
        }
    }

    fn again(n: u8, ballot: Ballot) -> Voter {
        Voter {
            account: account(n),
            ballot: Some(ballot),
        }
    }

    fn secret(revoting: Revoting) -> Poll {
        Poll {
            secrecy: Secrecy::Secret,
            revoting,
            reveal_end: 17,
            ..poll(citizens())
        }
    }

    #[test]
    fn votes_are_taken_after_the_snapshot_until_the_deadline_of_an_open_poll() {
        let open = poll(citizens());
        assert_eq!(ensure_voting(&open, 2), Err(VotingError::NotStarted));
        assert_eq!(ensure_voting(&open, 3), Ok(()));
        assert_eq!(ensure_voting(&open, 12), Ok(()));
        assert_eq!(ensure_voting(&open, 13), Err(VotingError::VotingClosed));
        let canceled = Poll {
            status: Status::Canceled,
            ..open
        };
        assert_eq!(ensure_voting(&canceled, 5), Err(VotingError::VotingClosed));
    }

    #[test]
    fn a_first_vote_counts_its_weight_and_one_voter() {
        let poll = poll(citizens());
        let mut tally = Tally::new(2);
        let (ballot, replaced) = cast(&poll, 3, &first(1), 1, &mut tally, &table()).unwrap();
        assert_eq!(ballot.vote, Vote::Cast(1));
        assert_eq!(ballot.weight, 1);
        assert_eq!(replaced, None);
        assert_eq!((tally.votes, tally.voters), (vec![0, 1, 0], 1));
    }

    #[test]
    fn a_second_vote_is_refused_unless_re_votes_replace_and_then_it_moves_the_weight() {
        let table = table();
        let earlier = Ballot {
            weight: 1,
            vote: Vote::Cast(0),
        };
        let mut tally = Tally::new(2);
        tally.add(0, 1);
        tally.voters = 1;
        let refused = poll(citizens());
        let before = tally.clone();
        assert_eq!(
            cast(&refused, 3, &again(1, earlier), 1, &mut tally, &table),
            Err(VotingError::AlreadyVoted)
        );
        assert_eq!(tally, before, "a refusal counts nothing");
        let replaces = Poll {
            revoting: Revoting::Replaces,
            ..refused
        };
        let (ballot, replaced) =
            cast(&replaces, 3, &again(1, earlier), 1, &mut tally, &table).unwrap();
        assert_eq!((ballot.vote, replaced), (Vote::Cast(1), Some(0)));
        assert_eq!((tally.votes, tally.voters), (vec![0, 1, 0], 1));
    }

    #[test]
    fn a_re_vote_keeps_the_weight_it_had_and_asks_nobody() {
        let poll = Poll {
            revoting: Revoting::Replaces,
            ..poll(citizens())
        };
        let earlier = Ballot {
            weight: 7,
            vote: Vote::Cast(ABSTAIN),
        };
        let mut tally = Tally::new(2);
        tally.add(ABSTAIN, 7);
        // Account 5 is nobody in the census: only a first ballot would be weighed.
        let (ballot, _) = cast(&poll, 3, &again(5, earlier), 0, &mut tally, &table()).unwrap();
        assert_eq!(ballot.weight, 7);
        assert_eq!(tally.votes, vec![7, 0, 0]);
    }

    #[test]
    fn a_public_vote_is_refused_in_a_secret_poll_and_for_an_option_not_offered() {
        let mut tally = Tally::new(2);
        let table = table();
        assert_eq!(
            cast(
                &secret(Revoting::Refused),
                3,
                &first(1),
                0,
                &mut tally,
                &table
            ),
            Err(VotingError::SecretBallot)
        );
        assert_eq!(
            cast(&poll(citizens()), 3, &first(1), 2, &mut tally, &table),
            Err(VotingError::InvalidChoice)
        );
        assert_eq!(
            cast(&poll(citizens()), 3, &first(2), 0, &mut tally, &table),
            Err(VotingError::NotEligible)
        );
        assert_eq!(tally, Tally::new(2));
    }

    #[test]
    fn a_commitment_counts_as_unrevealed_once_however_often_it_is_replaced() {
        let poll = secret(Revoting::Replaces);
        let table = table();
        let mut tally = Tally::new(2);
        let (ballot, replaced) = commit(&poll, 3, &first(1), [1; 32], &mut tally, &table).unwrap();
        assert!(!replaced);
        assert_eq!(tally.unrevealed, 1);
        let (ballot, replaced) =
            commit(&poll, 4, &again(1, ballot), [2; 32], &mut tally, &table).unwrap();
        assert!(replaced);
        assert_eq!(ballot.vote, Vote::Committed([2; 32]));
        assert_eq!((tally.unrevealed, tally.voters), (1, 0));
        assert_eq!(
            commit(
                &secret(Revoting::Refused),
                4,
                &again(1, ballot),
                [3; 32],
                &mut tally,
                &table
            ),
            Err(VotingError::AlreadyVoted)
        );
        assert_eq!(
            commit(&public(), 3, &first(1), [1; 32], &mut tally, &table),
            Err(VotingError::NotSecret)
        );
    }

    fn public() -> Poll {
        poll(citizens())
    }

    #[test]
    fn a_reveal_counts_the_committed_choice_of_its_own_voter_in_the_reveal_period() {
        let poll = secret(Revoting::Refused);
        let salt = [7; 32];
        let sealed = commitment(4, account(1), 1, salt);
        let committed = again(
            1,
            Ballot {
                weight: 1,
                vote: Vote::Committed(sealed),
            },
        );
        let mut tally = Tally::new(2);
        tally.unrevealed = 1;
        let before = tally.clone();
        let try_reveal = |block, voter, choice, salt, tally: &mut Tally| {
            reveal((4, &poll), block, &voter, choice, salt, tally)
        };
        assert_eq!(
            try_reveal(12, committed, 1, salt, &mut tally),
            Err(VotingError::NotRevealing),
            "the deadline block"
        );
        assert_eq!(
            try_reveal(18, committed, 1, salt, &mut tally),
            Err(VotingError::NotRevealing),
            "after the reveal end"
        );
        assert_eq!(
            try_reveal(13, first(1), 1, salt, &mut tally),
            Err(VotingError::NothingToReveal)
        );
        assert_eq!(
            try_reveal(13, committed, 5, salt, &mut tally),
            Err(VotingError::InvalidChoice)
        );
        assert_eq!(
            try_reveal(13, committed, 0, salt, &mut tally),
            Err(VotingError::BadReveal)
        );
        let stolen = Voter {
            account: account(2),
            ..committed
        };
        assert_eq!(
            try_reveal(13, stolen, 1, salt, &mut tally),
            Err(VotingError::BadReveal),
            "another voter's commitment"
        );
        assert_eq!(tally, before, "refusals count nothing");
        let ballot = try_reveal(17, committed, 1, salt, &mut tally).unwrap();
        assert_eq!(ballot.vote, Vote::Revealed(1));
        assert_eq!(
            (tally.votes, tally.voters, tally.unrevealed),
            (vec![0, 1, 0], 1, 0)
        );
        assert_eq!(
            try_reveal(13, again(1, ballot), 1, salt, &mut Tally::new(2)),
            Err(VotingError::NothingToReveal),
            "revealed once"
        );
        assert_eq!(
            reveal((4, &public()), 13, &committed, 1, salt, &mut Tally::new(2)),
            Err(VotingError::NotSecret)
        );
    }
}
