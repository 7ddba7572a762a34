//! Opening polls, and where they stand: what a consultation and a proposal each ask and
//! carry ([`Motion`]), the checks on them, the electorate, snapshot, deadlines and rules
//! fixed when one opens, and a poll's state by the block, the clock and its tally.

use city_traits::{
    Balance, BlockNumber, Call, Electorate, GovernanceConfig, Poll, PollKind, PollState, Revoting,
    Secrecy, Status, Tally, Timestamp, VotingError, AGAINST, MAX_CALLS, MAX_CALL_INPUT,
    MAX_LABEL_BYTES, MAX_OPTIONS, MAX_QUESTION_BYTES,
};
use ink::{
    prelude::{string::String, vec::Vec},
    primitives::AccountId,
};

use crate::{
    electorate::{self, Census},
    timelock,
};

type Result<T> = core::result::Result<T, VotingError>;

/// What a new poll asks, and of whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Motion {
    /// A question with `labels` for its options, put to the `electorate` it names.
    Consultation {
        labels: Vec<String>,
        electorate: Electorate,
    },
    /// `calls` to make if the governance electorate votes For; the proposer never chooses
    /// who decides.
    Proposal { calls: Vec<Call> },
}

impl Motion {
    pub fn kind(&self) -> PollKind {
        match self {
            Self::Consultation { .. } => PollKind::Consultation,
            Self::Proposal { .. } => PollKind::Proposal,
        }
    }
}

/// Who opens a poll, when, and under which rules.
#[derive(Debug, Clone, Copy)]
pub struct Opening {
    pub proposer: AccountId,
    pub guardian: AccountId,
    /// E-voting itself: a proposal calling its `set_guardian` replaces the guardian.
    pub own: AccountId,
    pub config: GovernanceConfig,
    pub block: BlockNumber,
    pub now: Timestamp,
}

/// Checks what `motion` carries: 2 to [`MAX_OPTIONS`] labels of at most
/// [`MAX_LABEL_BYTES`], or at most [`MAX_CALLS`] calls with inputs of at most
/// [`MAX_CALL_INPUT`] bytes, a guardian's replacement alone. Returns the number of options.
fn check(motion: &Motion, own: &AccountId) -> Result<u8> {
    match motion {
        Motion::Consultation { labels, .. } => {
            let count = u8::try_from(labels.len())
                .ok()
                .filter(|count| (2..=MAX_OPTIONS).contains(count))
                .ok_or(VotingError::BadOptionCount)?;
            if labels.iter().any(|label| label.len() > MAX_LABEL_BYTES) {
                return Err(VotingError::TextTooLong);
            }
            Ok(count)
        }
        Motion::Proposal { calls } => {
            if calls.len() > MAX_CALLS || calls.iter().any(|call| call.input.len() > MAX_CALL_INPUT)
            {
                return Err(VotingError::TooManyCalls);
            }
            if calls.len() > 1 && timelock::replaces_guardian(calls, own) {
                return Err(VotingError::GuardianChangeNotAlone);
            }
            // AGAINST is the last of a proposal's options.
            Ok(AGAINST.saturating_add(1))
        }
    }
}

/// The poll `at.proposer` opens on `question` for `motion`: its electorate (a
/// consultation's own, a proposal's the governance electorate of `at.config`), its
/// snapshot after the voting delay, its deadlines, and the quorum, timelock and grace
/// period it keeps whatever governance changes later.
///
/// # Errors
/// `BadOptionCount`, `TextTooLong`, `TooManyCalls`, `GuardianChangeNotAlone`,
/// `EmptyElectorate`, `BelowThreshold` (see [`electorate::ensure_may_open`]), `Overflow`.
pub fn open(
    question: &str,
    motion: &Motion,
    (secrecy, revoting): (Secrecy, Revoting),
    at: &Opening,
    census: &impl Census,
) -> Result<Poll> {
    let options = check(motion, &at.own)?;
    if question.len() > MAX_QUESTION_BYTES {
        return Err(VotingError::TextTooLong);
    }
    let config = &at.config;
    let electorate = match motion {
        Motion::Consultation { electorate, .. } => *electorate,
        // The deliberately broken variant of the fuzzer's self-test.
        Motion::Proposal { .. } if cfg!(feature = "broken-electorate") => Electorate::People {
            kinds: city_traits::kinds(&city_traits::IdentityKind::ALL),
        },
        Motion::Proposal { .. } => config.electorate,
    };
    if !electorate.names_someone() {
        return Err(VotingError::EmptyElectorate);
    }
    electorate::ensure_may_open(
        config,
        (&at.proposer, &at.guardian),
        (at.block, at.now),
        census,
    )?;
    let snapshot = at
        .block
        .checked_add(config.voting_delay)
        .ok_or(VotingError::Overflow)?;
    let deadline = snapshot
        .checked_add(config.voting_period)
        .ok_or(VotingError::Overflow)?;
    let reveal_end = match secrecy {
        Secrecy::Secret => deadline
            .checked_add(config.reveal_period)
            .ok_or(VotingError::Overflow)?,
        Secrecy::Public => deadline,
    };
    Ok(Poll {
        proposer: at.proposer,
        electorate: electorate.normalised(),
        options,
        kind: motion.kind(),
        secrecy,
        revoting,
        snapshot,
        deadline,
        reveal_end,
        quorum_bps: config.quorum_bps,
        opened_at: at.now,
        timelock_ms: config.timelock_ms,
        grace_ms: config.grace_ms,
        status: Status::Open,
    })
}

/// Where `poll` stands at `block` and `now`. Only once it is decided are its `tally`
/// and, for its quorum, the census asked.
pub fn state(
    poll: &Poll,
    (block, now): (BlockNumber, Timestamp),
    tally: impl FnOnce() -> Tally,
    census: &impl Census,
) -> PollState {
    match poll.status {
        Status::Canceled => PollState::Canceled,
        Status::Executed => PollState::Executed,
        Status::Queued { expires, .. } if now >= expires => PollState::Expired,
        Status::Queued { .. } => PollState::Queued,
        Status::Open if block <= poll.snapshot => PollState::Pending,
        Status::Open if block <= poll.deadline => PollState::Active,
        Status::Open if block <= poll.reveal_end => PollState::Revealing,
        Status::Open => {
            let quorum: Balance = electorate::quorum(poll, census);
            if poll.carried(&tally(), quorum) {
                PollState::Succeeded
            } else {
                PollState::Defeated
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use city_traits::MIN_TIMELOCK_MS;
    use ink::prelude::{string::ToString, vec};

    use super::*;
    use crate::electorate::tests::{account, citizens, table, Table};

    const GUARDIAN: u8 = 9;
    const OWN: u8 = 7;

    /// Opened at block 5, time 1,000, under a voting delay of 2, 10 blocks of voting and 5
    /// of revealing, citizens deciding proposals, a threshold of 100.
    fn at(proposer: u8) -> Opening {
        Opening {
            proposer: account(proposer),
            guardian: account(GUARDIAN),
            own: account(OWN),
            config: GovernanceConfig {
                electorate: citizens(),
                voting_delay: 2,
                voting_period: 10,
                reveal_period: 5,
                quorum_bps: 2_500,
                proposal_threshold: 100,
                timelock_ms: MIN_TIMELOCK_MS,
                grace_ms: 3_600_000,
            },
            block: 5,
            now: 1_000,
        }
    }

    fn consultation(options: usize, electorate: Electorate) -> Motion {
        Motion::Consultation {
            labels: (0..options).map(|n| n.to_string()).collect(),
            electorate,
        }
    }

    fn call(callee: u8, selector: [u8; 4], input: usize) -> Call {
        Call {
            callee: account(callee),
            selector,
            input: vec![0; input],
            value: 0,
        }
    }

    const PUBLIC: (Secrecy, Revoting) = (Secrecy::Public, Revoting::Refused);

    #[test]
    fn a_consultation_fixes_its_electorate_snapshot_and_deadlines() {
        let poll = open(
            "Which park?",
            &consultation(3, citizens()),
            PUBLIC,
            &at(GUARDIAN),
            &table(),
        )
        .unwrap();
        assert_eq!(poll.kind, PollKind::Consultation);
        assert_eq!((poll.proposer, poll.options), (account(GUARDIAN), 3));
        assert_eq!((poll.snapshot, poll.deadline, poll.reveal_end), (7, 17, 17));
        assert_eq!((poll.electorate, poll.opened_at), (citizens(), 1_000));
        assert_eq!(poll.status, Status::Open);
    }

    #[test]
    fn a_secret_poll_adds_the_reveal_period_and_keeps_its_revoting_rule() {
        let poll = open(
            "Who?",
            &consultation(2, citizens()),
            (Secrecy::Secret, Revoting::Replaces),
            &at(GUARDIAN),
            &table(),
        )
        .unwrap();
        assert_eq!(
            (poll.secrecy, poll.revoting),
            (Secrecy::Secret, Revoting::Replaces)
        );
        assert_eq!(poll.reveal_end, 22);
    }

    #[test]
    fn a_proposal_is_for_or_against_and_decided_by_the_governance_electorate() {
        let motion = Motion::Proposal {
            calls: vec![call(1, [1, 2, 3, 4], 0)],
        };
        // A citizen (account 1) may propose below the threshold.
        let poll = open("Pause", &motion, PUBLIC, &at(1), &table()).unwrap();
        assert_eq!(poll.kind, PollKind::Proposal);
        assert_eq!(poll.options, 2);
        assert_eq!(poll.electorate, at(1).config.electorate);
        assert_eq!(
            (poll.quorum_bps, poll.timelock_ms, poll.grace_ms),
            (2_500, MIN_TIMELOCK_MS, 3_600_000)
        );
    }

    #[test]
    fn options_texts_and_calls_are_bounded() {
        let table = table();
        let try_open =
            |question: &str, motion: Motion| open(question, &motion, PUBLIC, &at(GUARDIAN), &table);
        let max = usize::from(MAX_OPTIONS);
        for options in [0, 1, max + 1, 256] {
            assert_eq!(
                try_open("?", consultation(options, citizens())),
                Err(VotingError::BadOptionCount),
                "{options} options"
            );
        }
        assert_eq!(
            try_open("?", consultation(max, citizens()))
                .unwrap()
                .options,
            MAX_OPTIONS
        );
        let long_label = Motion::Consultation {
            labels: vec!["x".repeat(MAX_LABEL_BYTES + 1), "y".into()],
            electorate: citizens(),
        };
        assert_eq!(try_open("?", long_label), Err(VotingError::TextTooLong));
        let longest = Motion::Consultation {
            labels: vec!["x".repeat(MAX_LABEL_BYTES), "y".into()],
            electorate: citizens(),
        };
        assert!(try_open(&"?".repeat(MAX_QUESTION_BYTES), longest).is_ok());
        assert_eq!(
            try_open(
                &"?".repeat(MAX_QUESTION_BYTES + 1),
                consultation(2, citizens())
            ),
            Err(VotingError::TextTooLong)
        );
        let calls = |calls| Motion::Proposal { calls };
        let ordinary = call(1, [1, 2, 3, 4], 0);
        assert_eq!(
            try_open("!", calls(vec![ordinary.clone(); MAX_CALLS + 1])),
            Err(VotingError::TooManyCalls)
        );
        assert_eq!(
            try_open("!", calls(vec![call(1, [1, 2, 3, 4], MAX_CALL_INPUT + 1)])),
            Err(VotingError::TooManyCalls)
        );
        assert!(try_open(
            "!",
            calls(vec![call(1, [1, 2, 3, 4], MAX_CALL_INPUT); MAX_CALLS])
        )
        .is_ok());
        let replace = call(OWN, ink::selector_bytes!("set_guardian"), 32);
        assert_eq!(
            try_open("!", calls(vec![replace.clone(), ordinary])),
            Err(VotingError::GuardianChangeNotAlone)
        );
        assert!(try_open("!", calls(vec![replace])).is_ok());
    }

    #[test]
    fn a_consultation_must_name_someone_and_keeps_only_known_kinds() {
        let table = table();
        assert_eq!(
            open(
                "?",
                &consultation(2, Electorate::People { kinds: 0b1111_0000 }),
                PUBLIC,
                &at(GUARDIAN),
                &table
            ),
            Err(VotingError::EmptyElectorate)
        );
        let poll = open(
            "?",
            &consultation(2, Electorate::People { kinds: 0b1111_0001 }),
            PUBLIC,
            &at(GUARDIAN),
            &table,
        )
        .unwrap();
        assert_eq!(poll.electorate, citizens());
    }

    #[test]
    fn outsiders_below_the_threshold_open_nothing() {
        let table = table();
        // Account 2 is a resident, account 4 holds 300.
        assert_eq!(
            open("?", &consultation(2, citizens()), PUBLIC, &at(2), &table),
            Err(VotingError::BelowThreshold)
        );
        assert!(open("?", &consultation(2, citizens()), PUBLIC, &at(4), &table).is_ok());
    }

    #[test]
    fn a_snapshot_or_deadline_beyond_the_last_block_is_refused() {
        let late = Opening {
            block: BlockNumber::MAX - 12,
            ..at(GUARDIAN)
        };
        let motion = consultation(2, citizens());
        assert!(open("?", &motion, PUBLIC, &late, &table()).is_ok());
        assert_eq!(
            open(
                "?",
                &motion,
                (Secrecy::Secret, Revoting::Refused),
                &late,
                &table()
            ),
            Err(VotingError::Overflow)
        );
        let later = Opening {
            block: BlockNumber::MAX - 1,
            ..late
        };
        assert_eq!(
            open("?", &motion, PUBLIC, &later, &table()),
            Err(VotingError::Overflow)
        );
    }

    fn opened(kind: PollKind, secrecy: Secrecy) -> Poll {
        let motion = match kind {
            PollKind::Consultation => consultation(2, citizens()),
            PollKind::Proposal => Motion::Proposal { calls: Vec::new() },
        };
        let at = Opening {
            block: 0,
            ..at(GUARDIAN)
        };
        open("?", &motion, (secrecy, Revoting::Refused), &at, &table()).unwrap()
    }

    fn tally(votes: [Balance; 3]) -> Tally {
        Tally {
            votes: votes.to_vec(),
            voters: 0,
            unrevealed: 0,
        }
    }

    #[test]
    fn the_state_follows_the_block_until_the_poll_is_decided() {
        // Snapshot at block 2, voting until 12, revealing until 17.
        let poll = opened(PollKind::Consultation, Secrecy::Secret);
        let state_at = |block| {
            state(
                &poll,
                (block, 0),
                || unreachable!("not decided"),
                &Table::default(),
            )
        };
        assert_eq!(state_at(2), PollState::Pending);
        assert_eq!(state_at(3), PollState::Active);
        assert_eq!(state_at(12), PollState::Active);
        assert_eq!(state_at(13), PollState::Revealing);
        assert_eq!(state_at(17), PollState::Revealing);
    }

    #[test]
    fn a_decided_poll_succeeds_with_quorum_and_a_single_leader_or_more_for() {
        // Four citizens: a quorum of one vote.
        let table = table();
        let decided = |poll: &Poll, votes| state(poll, (18, 0), || tally(votes), &table);
        let consultation = opened(PollKind::Consultation, Secrecy::Public);
        assert_eq!(decided(&consultation, [0, 1, 0]), PollState::Succeeded);
        assert_eq!(
            decided(&consultation, [1, 1, 0]),
            PollState::Defeated,
            "a tie"
        );
        assert_eq!(
            decided(&consultation, [0, 0, 1]),
            PollState::Defeated,
            "abstentions lead nothing"
        );
        assert_eq!(
            decided(&consultation, [0, 0, 0]),
            PollState::Defeated,
            "no quorum"
        );
        let proposal = opened(PollKind::Proposal, Secrecy::Public);
        assert_eq!(decided(&proposal, [2, 1, 0]), PollState::Succeeded);
        assert_eq!(decided(&proposal, [1, 1, 5]), PollState::Defeated);
        assert_eq!(decided(&proposal, [0, 1, 0]), PollState::Defeated);
        let silent = Table {
            silent: true,
            ..Table::default()
        };
        assert_eq!(
            state(&proposal, (18, 0), || tally([9, 0, 0]), &silent),
            PollState::Defeated,
            "quorum fails closed"
        );
    }

    #[test]
    fn a_queued_proposal_expires_at_the_end_of_its_grace() {
        let queued = Poll {
            status: Status::Queued {
                eta: 100,
                expires: 200,
            },
            ..opened(PollKind::Proposal, Secrecy::Public)
        };
        let at = |now| state(&queued, (50, now), || unreachable!(), &Table::default());
        assert_eq!(at(199), PollState::Queued);
        assert_eq!(at(200), PollState::Expired);
        for (status, expected) in [
            (Status::Executed, PollState::Executed),
            (Status::Canceled, PollState::Canceled),
        ] {
            let poll = Poll {
                status,
                ..queued.clone()
            };
            assert_eq!(
                state(&poll, (0, 0), || unreachable!(), &Table::default()),
                expected
            );
        }
    }
}
