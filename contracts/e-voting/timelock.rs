//! Timelock and execution: a succeeded proposal queued behind the timelock it was opened
//! under, the window in which it may be executed, who may cancel a poll and until when,
//! and which calls replace the guardian. Making the calls is the contract's.

use city_traits::{Call, Poll, PollKind, PollState, Status, Timestamp, VotingError};
use ink::primitives::AccountId;

type Result<T> = core::result::Result<T, VotingError>;

/// Queues `poll` at `now` if it is a proposal whose state (asked of `state` only then) is
/// Succeeded: executable from the returned time until before the second, by the timelock
/// and grace period it was opened under.
///
/// # Errors
/// `NotAProposal`, `NotSucceeded` (also once queued), `Overflow`.
pub fn queue(
    poll: &mut Poll,
    now: Timestamp,
    state: impl FnOnce(&Poll) -> PollState,
) -> Result<(Timestamp, Timestamp)> {
    if poll.kind != PollKind::Proposal {
        return Err(VotingError::NotAProposal);
    }
    if state(poll) != PollState::Succeeded {
        return Err(VotingError::NotSucceeded);
    }
    let eta = now
        .checked_add(poll.timelock_ms)
        .ok_or(VotingError::Overflow)?;
    let expires = eta
        .checked_add(poll.grace_ms)
        .ok_or(VotingError::Overflow)?;
    poll.status = Status::Queued { eta, expires };
    Ok((eta, expires))
}

/// Marks `poll` executed at `now`, if it is queued and within its window: its calls are
/// to be made next.
///
/// # Errors
/// `NotQueued`, `TimelockPending`, `Expired`.
pub fn execute(poll: &mut Poll, now: Timestamp) -> Result<()> {
    let Status::Queued { eta, expires } = poll.status else {
        return Err(VotingError::NotQueued);
    };
    if now < eta {
        return Err(VotingError::TimelockPending);
    }
    if now >= expires {
        return Err(VotingError::Expired);
    }
    poll.status = Status::Executed;
    Ok(())
}

/// Cancels `poll` for `by`: its proposer while it is pending, or, if `by_guardian` (the
/// guardian, and the poll does not replace it), until it is executed. `state` is asked
/// only of someone who may cancel.
///
/// # Errors
/// `NotAllowed` (neither proposer nor guardian), `NotCancelable` once executed, canceled
/// or expired (or, for the proposer, once voting started).
pub fn cancel(
    poll: &mut Poll,
    by: &AccountId,
    by_guardian: bool,
    state: impl FnOnce(&Poll) -> PollState,
) -> Result<()> {
    if !by_guardian && *by != poll.proposer {
        return Err(VotingError::NotAllowed);
    }
    let cancelable = match state(poll) {
        PollState::Executed | PollState::Canceled | PollState::Expired => false,
        PollState::Pending => true,
        _ => by_guardian,
    };
    if !cancelable {
        return Err(VotingError::NotCancelable);
    }
    poll.status = Status::Canceled;
    Ok(())
}

/// Whether `call` is e-voting's own `set_guardian`, e-voting being `own`.
pub fn is_guardian_change(call: &Call, own: &AccountId) -> bool {
    call.callee == *own && call.selector == ink::selector_bytes!("set_guardian")
}

/// Whether a proposal making `calls` replaces the guardian.
pub fn replaces_guardian(calls: &[Call], own: &AccountId) -> bool {
    calls.iter().any(|call| is_guardian_change(call, own))
}

#[cfg(test)]
mod tests {
    use ink::prelude::vec::Vec;

    use super::*;
    use crate::electorate::tests::{account, citizens, poll};

    fn proposal() -> Poll {
        Poll {
            kind: PollKind::Proposal,
            ..poll(citizens())
        }
    }

    const DAY: Timestamp = 86_400_000;
    const HOUR: Timestamp = 3_600_000;

    #[test]
    fn a_succeeded_proposal_is_queued_behind_the_timelock_it_was_opened_under() {
        let mut proposal = proposal();
        assert_eq!(
            queue(&mut proposal, 10, |_| PollState::Succeeded),
            Ok((10 + DAY, 10 + DAY + HOUR))
        );
        assert_eq!(
            proposal.status,
            Status::Queued {
                eta: 10 + DAY,
                expires: 10 + DAY + HOUR
            }
        );
    }

    #[test]
    fn only_a_proposal_that_succeeded_is_queued_and_a_consultation_is_never_asked() {
        let mut consultation = poll(citizens());
        assert_eq!(
            queue(&mut consultation, 10, |_| unreachable!("not asked")),
            Err(VotingError::NotAProposal)
        );
        for state in [PollState::Active, PollState::Defeated, PollState::Queued] {
            let mut proposal = proposal();
            assert_eq!(
                queue(&mut proposal, 10, |_| state),
                Err(VotingError::NotSucceeded)
            );
            assert_eq!(proposal.status, Status::Open, "refused: unchanged");
        }
        let mut late = proposal();
        assert_eq!(
            queue(&mut late, Timestamp::MAX - DAY, |_| PollState::Succeeded),
            Err(VotingError::Overflow)
        );
        assert_eq!(late.status, Status::Open);
    }

    #[test]
    fn a_queued_proposal_executes_from_its_eta_until_before_it_expires() {
        let queued = Poll {
            status: Status::Queued {
                eta: 100,
                expires: 200,
            },
            ..proposal()
        };
        for (now, answer) in [
            (99, Err(VotingError::TimelockPending)),
            (200, Err(VotingError::Expired)),
        ] {
            let mut poll = queued.clone();
            assert_eq!(execute(&mut poll, now), answer);
            assert_eq!(poll.status, queued.status);
        }
        for now in [100, 199] {
            let mut poll = queued.clone();
            assert_eq!(execute(&mut poll, now), Ok(()));
            assert_eq!(poll.status, Status::Executed);
            assert_eq!(execute(&mut poll, now), Err(VotingError::NotQueued));
        }
        assert_eq!(execute(&mut proposal(), 100), Err(VotingError::NotQueued));
    }

    #[test]
    fn the_proposer_cancels_while_pending_and_the_guardian_until_execution() {
        let proposer = account(9);
        let cancel_in = |state, by, by_guardian| {
            let mut poll = proposal();
            let answer = cancel(&mut poll, &by, by_guardian, |_| state);
            (answer, poll.status)
        };
        assert_eq!(
            cancel_in(PollState::Pending, proposer, false),
            (Ok(()), Status::Canceled)
        );
        for state in [PollState::Active, PollState::Succeeded, PollState::Queued] {
            assert_eq!(
                cancel_in(state, proposer, false),
                (Err(VotingError::NotCancelable), Status::Open)
            );
            assert_eq!(
                cancel_in(state, account(1), true),
                (Ok(()), Status::Canceled)
            );
        }
        for state in [PollState::Executed, PollState::Canceled, PollState::Expired] {
            assert_eq!(
                cancel_in(state, account(1), true),
                (Err(VotingError::NotCancelable), Status::Open)
            );
        }
        let mut poll = proposal();
        assert_eq!(
            cancel(&mut poll, &account(1), false, |_| unreachable!("not asked")),
            Err(VotingError::NotAllowed)
        );
    }

    #[test]
    fn only_a_call_to_e_votings_own_set_guardian_replaces_the_guardian() {
        let own = account(7);
        let call = |callee, selector| Call {
            callee,
            selector,
            input: Vec::new(),
            value: 0,
        };
        let replace = call(own, ink::selector_bytes!("set_guardian"));
        assert!(is_guardian_change(&replace, &own));
        assert!(!is_guardian_change(
            &call(account(8), ink::selector_bytes!("set_guardian")),
            &own
        ));
        assert!(!is_guardian_change(
            &call(own, ink::selector_bytes!("set_config")),
            &own
        ));
        let other = call(own, [1, 2, 3, 4]);
        assert!(replaces_guardian(&[other.clone(), replace], &own));
        assert!(!replaces_guardian(&[other], &own));
        assert!(!replaces_guardian(&[], &own));
    }
}
