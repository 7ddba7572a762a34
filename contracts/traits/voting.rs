//! The e-voting contract's types: polls, proposals, ballots, tallies and errors, shared so
//! that the harness (and any client) decodes its answers without linking the contract.

use ink::prelude::{vec, vec::Vec};

use crate::{AccountId, Balance, BlockNumber, IdentityKind, Timestamp};

/// A poll's (or proposal's) number, counted from zero.
pub type PollId = u32;

/// The most options a poll may offer (abstaining is always possible besides).
pub const MAX_OPTIONS: u8 = 8;
/// The most calls a proposal may carry.
pub const MAX_CALLS: usize = 8;
/// The longest input (arguments, without the selector) of one proposed call, in bytes.
pub const MAX_CALL_INPUT: usize = 512;
/// The longest question or proposal description, in bytes of UTF-8.
pub const MAX_QUESTION_BYTES: usize = 256;
/// The longest option label, in bytes of UTF-8.
pub const MAX_LABEL_BYTES: usize = 64;
/// A proposal's first option: carry it out.
pub const FOR: u8 = 0;
/// A proposal's second option: do not.
pub const AGAINST: u8 = 1;
/// The choice that counts towards quorum but for no option.
pub const ABSTAIN: u8 = u8::MAX;
/// Quorum is a fraction of the electorate in basis points: 10,000 is everyone.
pub const BASIS_POINTS: u16 = 10_000;

/// Who may vote and with what weight, fixed when the poll opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum Electorate {
    /// One vote per live identity of the given kinds (bits of [`IdentityKind::bit`], see
    /// [`crate::kinds`]) in the citizen registry at the snapshot block.
    People { kinds: u8 },
    /// The voting power each account held in the city token at the snapshot block.
    Tokens,
}

impl Electorate {
    /// One person one vote among the given kinds.
    pub fn people(of: &[IdentityKind]) -> Self {
        Self::People {
            kinds: crate::kinds(of),
        }
    }

    /// Whether anyone can be in it: token holders, or a set of kinds naming at least one
    /// kind of identity.
    pub fn names_someone(&self) -> bool {
        match self {
            Self::People { kinds } => kinds & crate::kinds(&IdentityKind::ALL) != 0,
            Self::Tokens => true,
        }
    }

    /// The same electorate with the bits that name no kind cleared.
    pub fn normalised(self) -> Self {
        match self {
            Self::People { kinds } => Self::People {
                kinds: kinds & crate::kinds(&IdentityKind::ALL),
            },
            Self::Tokens => Self::Tokens,
        }
    }
}

/// A call a proposal makes when it is executed: the message `selector` of `callee` with
/// SCALE-encoded `input`, sending `value` of the chain's native currency from e-voting.
///
/// E-voting cannot know the message's return type: the call counts as failed if it traps,
/// the selector is unknown, or the answer starts with byte 1, ink!'s encoding of
/// `Result::Err`. Propose messages that return `()` or a `Result` (every admin message of
/// the suite does): a `bool` answering `true` would read as a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Call {
    pub callee: AccountId,
    pub selector: [u8; 4],
    pub input: Vec<u8>,
    pub value: Balance,
}

/// The rules of governance. Voting is counted in blocks (the snapshot is a block); the
/// timelock and grace period in milliseconds, like a timelock controller.
///
/// `electorate` decides every proposal: the proposer never chooses who decides. It
/// changes, like every figure here, only by an executed proposal (`set_config`), and only
/// for proposals opened afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct GovernanceConfig {
    /// Who decides proposals: the city's governance electorate (say its citizens, one
    /// person one vote, or the token's voting power).
    pub electorate: Electorate,
    /// Blocks from opening to the snapshot; voting starts the block after it.
    pub voting_delay: BlockNumber,
    /// Blocks of voting after the snapshot.
    pub voting_period: BlockNumber,
    /// Blocks after the voting period in which secret ballots are revealed.
    pub reveal_period: BlockNumber,
    /// Votes (abstentions included) needed, as basis points of the electorate at the
    /// snapshot: its live identities, or the token's total supply.
    pub quorum_bps: u16,
    /// Voting power in the token (at the previous block) needed to open a poll or
    /// proposal; `0`: anyone may. The guardian always may, and so does a member of a
    /// one-person-one-vote governance electorate: the threshold keeps outsiders' spam
    /// out, never the electorate.
    pub proposal_threshold: Balance,
    /// Milliseconds a queued proposal waits before it may be executed: at least
    /// [`MIN_TIMELOCK_MS`], the time the guardian and the city have to see a passed
    /// proposal and answer it.
    pub timelock_ms: Timestamp,
    /// Milliseconds after the timelock in which a queued proposal may be executed.
    pub grace_ms: Timestamp,
}

/// The longest voting delay: a week of six-second blocks.
pub const MAX_VOTING_DELAY: BlockNumber = 100_800;
/// The longest voting or reveal period: four weeks of six-second blocks.
pub const MAX_VOTING_PERIOD: BlockNumber = 403_200;
/// The smallest quorum: 5% of the electorate. Below it a handful of accounts decide for
/// the city.
pub const MIN_QUORUM_BPS: u16 = 500;
/// The largest quorum: half the electorate. Above it those who stay away decide, and one
/// proposal raising the quorum could block every later one.
pub const MAX_QUORUM_BPS: u16 = 5_000;
/// The shortest timelock: a day, for the guardian and the city to see a passed proposal
/// before it takes effect.
pub const MIN_TIMELOCK_MS: Timestamp = 86_400_000;
/// The longest timelock: thirty days.
pub const MAX_TIMELOCK_MS: Timestamp = 30 * 86_400_000;
/// The shortest grace period: an hour.
pub const MIN_GRACE_MS: Timestamp = 3_600_000;
/// The longest grace period: ninety days.
pub const MAX_GRACE_MS: Timestamp = 90 * 86_400_000;

impl GovernanceConfig {
    /// Whether every figure is within its bounds: an electorate that names some kind of
    /// identity, periods of at least one block, a quorum of [`MIN_QUORUM_BPS`] to
    /// [`MAX_QUORUM_BPS`], a timelock of at least [`MIN_TIMELOCK_MS`].
    pub fn is_valid(&self) -> bool {
        self.electorate.names_someone()
            && self.voting_delay <= MAX_VOTING_DELAY
            && (1..=MAX_VOTING_PERIOD).contains(&self.voting_period)
            && (1..=MAX_VOTING_PERIOD).contains(&self.reveal_period)
            && (MIN_QUORUM_BPS..=MAX_QUORUM_BPS).contains(&self.quorum_bps)
            && (MIN_TIMELOCK_MS..=MAX_TIMELOCK_MS).contains(&self.timelock_ms)
            && (MIN_GRACE_MS..=MAX_GRACE_MS).contains(&self.grace_ms)
    }
}

/// Where a poll stands, apart from what the clock says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum Status {
    /// Opened; pending, voting, revealing or decided, by the block number.
    Open,
    /// A succeeded proposal waiting out its timelock until `eta`, executable before
    /// `expires`.
    Queued {
        eta: Timestamp,
        expires: Timestamp,
    },
    Executed,
    Canceled,
}

/// What a poll decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum PollKind {
    /// A question with 2 to [`MAX_OPTIONS`] labelled options, put to the electorate it
    /// names; it executes nothing. Carried by one option ahead of all others.
    Consultation,
    /// For or Against a list of calls, decided by the governance electorate; carried by
    /// more For than Against, then queued and executed.
    Proposal,
}

/// How ballots are cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Secrecy {
    /// Votes are cast in the open and counted as they come.
    Public,
    /// Ballots are committed as hashes while voting (see [`commitment`]) and revealed
    /// in the reveal period after it; a commitment never revealed is reported, not
    /// counted.
    Secret,
}

/// What a voter's second vote does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Revoting {
    /// The first vote (or commitment) is the voter's only one: another is refused.
    Refused,
    /// A re-vote replaces the earlier vote (or commitment), which is taken off the tally
    /// first: the last one counts, as in Estonia's i-voting.
    Replaces,
}

/// A poll or proposal. Its snapshot and deadlines are fixed when it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Poll {
    pub proposer: AccountId,
    pub electorate: Electorate,
    /// The number of options; a proposal has two, [`FOR`] and [`AGAINST`].
    pub options: u8,
    pub kind: PollKind,
    pub secrecy: Secrecy,
    pub revoting: Revoting,
    /// The block whose end fixes who may vote and with what weight.
    pub snapshot: BlockNumber,
    /// The last block of voting; voting starts at `snapshot + 1`.
    pub deadline: BlockNumber,
    /// The last block of revealing (the deadline for public ballots).
    pub reveal_end: BlockNumber,
    pub quorum_bps: u16,
    /// The time the poll opened: a voter's card must not have expired by then (see
    /// `IdentityRegistry::kind_valid_at`).
    pub opened_at: Timestamp,
    /// The timelock and grace period a proposal was opened under: queuing uses these,
    /// whatever the configuration says by then.
    pub timelock_ms: Timestamp,
    pub grace_ms: Timestamp,
    pub status: Status,
}

impl Poll {
    /// Whether `choice` is one of the options or [`ABSTAIN`].
    pub fn offers(&self, choice: u8) -> bool {
        choice < self.options || choice == ABSTAIN
    }

    /// Whether the votes in `tally` decide the poll: at least `quorum` votes counted and,
    /// for a proposal, more For than Against; for a consultation, one option ahead of
    /// all others.
    pub fn carried(&self, tally: &Tally, quorum: Balance) -> bool {
        if tally.counted() < quorum {
            return false;
        }
        match self.kind {
            PollKind::Proposal => tally.votes_for(FOR) > tally.votes_for(AGAINST),
            PollKind::Consultation => tally.leader().is_some(),
        }
    }
}

/// Where a poll stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum PollState {
    /// Opened; voting starts after the snapshot block.
    Pending,
    /// Votes (or commitments) are taken.
    Active,
    /// Secret ballots are being revealed.
    Revealing,
    /// Closed without quorum, or without a majority For (a proposal) or a single leading
    /// option (a poll).
    Defeated,
    /// Closed with quorum and a majority For, or a leading option.
    Succeeded,
    /// Waiting out the timelock, or executable.
    Queued,
    Executed,
    /// Queued but not executed within the grace period.
    Expired,
    Canceled,
}

/// A voter's ballot in one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Ballot {
    /// The voter's weight at the snapshot.
    pub weight: Balance,
    pub vote: Vote,
}

/// What a ballot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum Vote {
    /// A public vote for a choice, counted.
    Cast(u8),
    /// A secret ballot's commitment (see [`commitment`]), not counted until revealed.
    Committed([u8; 32]),
    /// A secret ballot revealed for a choice, counted.
    Revealed(u8),
}

/// The running count of a poll, kept up to date by every vote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Tally {
    /// Weight per option, then the weight of abstentions last.
    pub votes: Vec<Balance>,
    /// Ballots counted (cast or revealed).
    pub voters: u32,
    /// Secret ballots committed and not (yet) revealed: never counted.
    pub unrevealed: u32,
}

impl Tally {
    /// An empty tally for `options` options.
    pub fn new(options: u8) -> Self {
        Self {
            votes: vec![0; usize::from(options).saturating_add(1)],
            voters: 0,
            unrevealed: 0,
        }
    }

    /// The weight counted for `choice` (an option or [`ABSTAIN`]).
    pub fn votes_for(&self, choice: u8) -> Balance {
        self.votes
            .get(self.slot(choice))
            .copied()
            .unwrap_or_default()
    }

    /// The weight of every counted ballot, abstentions included.
    pub fn counted(&self) -> Balance {
        self.votes
            .iter()
            .fold(0, |sum: Balance, votes| sum.saturating_add(*votes))
    }

    /// The option with strictly more weight than every other, if there is one.
    pub fn leader(&self) -> Option<u8> {
        let options = self.votes.len().saturating_sub(1);
        let (best, top) = self.votes[..options]
            .iter()
            .enumerate()
            .max_by_key(|(_, votes)| **votes)?;
        let tied = self.votes[..options].iter().filter(|v| *v == top).count() > 1;
        if *top == 0 || tied {
            return None;
        }
        u8::try_from(best).ok()
    }

    /// Adds `weight` to `choice`; the weight of all ballots stays within the electorate,
    /// which is a Balance.
    #[inline(never)]
    pub fn add(&mut self, choice: u8, weight: Balance) {
        let slot = self.slot(choice);
        if let Some(votes) = self.votes.get_mut(slot) {
            *votes = votes.saturating_add(weight);
        }
    }

    /// Takes back `weight` counted for `choice` (a vote replaced).
    #[inline(never)]
    pub fn remove(&mut self, choice: u8, weight: Balance) {
        let slot = self.slot(choice);
        if let Some(votes) = self.votes.get_mut(slot) {
            *votes = votes.saturating_sub(weight);
        }
    }

    fn slot(&self, choice: u8) -> usize {
        if choice == ABSTAIN {
            self.votes.len().saturating_sub(1)
        } else {
            usize::from(choice)
        }
    }
}

/// The commitment of a secret ballot: the BLAKE2-256 hash of the SCALE encoding of
/// `(poll, voter, choice, salt)`. Binding the poll and the voter stops a commitment being
/// copied into another poll or revealed by another account.
pub fn commitment(poll: PollId, voter: AccountId, choice: u8, salt: [u8; 32]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(
        &(poll, voter, choice, salt),
        &mut hash,
    );
    hash
}

/// Everything e-voting can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum VotingError {
    /// A governance figure is out of its bounds (see [`GovernanceConfig::is_valid`]): an
    /// empty electorate, a quorum below [`MIN_QUORUM_BPS`], a timelock below
    /// [`MIN_TIMELOCK_MS`], and so on.
    InvalidConfig,
    /// Only governance itself (an executed proposal) may do this.
    NotGovernance,
    /// The proposer's voting power is below the proposal threshold.
    BelowThreshold,
    /// A poll needs at least two options and at most [`MAX_OPTIONS`].
    BadOptionCount,
    /// The question, description or an option label is too long.
    TextTooLong,
    /// A proposal carries more than [`MAX_CALLS`] calls or a call's input is longer than
    /// [`MAX_CALL_INPUT`].
    TooManyCalls,
    /// A one-person-one-vote electorate names no kind of identity; or, for the governance
    /// electorate, nobody belongs to it now (no identity of its kinds, or no supply).
    EmptyElectorate,
    /// No poll has this number.
    UnknownPoll,
    /// Voting has not started: the snapshot block is not over.
    NotStarted,
    /// Voting is over, or the poll was canceled.
    VotingClosed,
    /// The choice is neither an option nor [`ABSTAIN`].
    InvalidChoice,
    /// The voter had no live identity of an allowed kind (or its card had expired by the
    /// poll's opening), or no voting power, at the snapshot.
    NotEligible,
    /// The voter already voted (or committed) and the poll's re-votes are
    /// [`Revoting::Refused`].
    AlreadyVoted,
    /// This poll takes [`Secrecy::Secret`] ballots: commit, then reveal.
    SecretBallot,
    /// This poll takes [`Secrecy::Public`] votes.
    NotSecret,
    /// Secret ballots are revealed only after voting and before the reveal period ends.
    NotRevealing,
    /// The voter has no unrevealed commitment in this poll.
    NothingToReveal,
    /// The choice and salt do not hash to the commitment.
    BadReveal,
    /// Only proposals are queued and executed.
    NotAProposal,
    /// The proposal has not succeeded (or was already queued).
    NotSucceeded,
    /// The proposal is not queued.
    NotQueued,
    /// The proposal's timelock has not run out.
    TimelockPending,
    /// The proposal was not executed within its grace period.
    Expired,
    /// Only the guardian, or the proposer while the poll is pending, may cancel.
    NotAllowed,
    /// The guardian seat cannot go to the zero account or to a contract (e-voting itself
    /// included), which could never cancel or propose: it is never empty.
    InvalidGuardian,
    /// A proposal that replaces the guardian carries that call alone, so that the
    /// guardian, who may not cancel its own replacement, cannot be kept from cancelling
    /// anything bundled with it.
    GuardianChangeNotAlone,
    /// The poll is executed, canceled or expired.
    NotCancelable,
    /// A block number or time does not fit.
    Overflow,
    /// The call at `index` of the proposal failed (trapped, refused or returned `Err`);
    /// nothing of the execution was kept.
    CallFailed { index: u32 },
    /// Only the holder of the city token's `Forwarder` role (the intents contract, which
    /// the token grants it only from a contract's admin seat) votes for citizens.
    NotForwarder,
}

/// `Encode` as `#[derive(Encode)]` writes it: the variant's index in declaration order,
/// then its fields. The derive writes the index with a push of its own in each of the
/// 30 arms; here it comes from one `match`, a table, measured as bytes of Wasm in
/// e-voting. The unit tests decode every variant back with the derived `Decode`.
impl ink::scale::Encode for VotingError {
    fn encode_to<O: ink::scale::Output + ?Sized>(&self, dest: &mut O) {
        let index: u8 = match self {
            Self::InvalidConfig => 0,
            Self::NotGovernance => 1,
            Self::BelowThreshold => 2,
            Self::BadOptionCount => 3,
            Self::TextTooLong => 4,
            Self::TooManyCalls => 5,
            Self::EmptyElectorate => 6,
            Self::UnknownPoll => 7,
            Self::NotStarted => 8,
            Self::VotingClosed => 9,
            Self::InvalidChoice => 10,
            Self::NotEligible => 11,
            Self::AlreadyVoted => 12,
            Self::SecretBallot => 13,
            Self::NotSecret => 14,
            Self::NotRevealing => 15,
            Self::NothingToReveal => 16,
            Self::BadReveal => 17,
            Self::NotAProposal => 18,
            Self::NotSucceeded => 19,
            Self::NotQueued => 20,
            Self::TimelockPending => 21,
            Self::Expired => 22,
            Self::NotAllowed => 23,
            Self::InvalidGuardian => 24,
            Self::GuardianChangeNotAlone => 25,
            Self::NotCancelable => 26,
            Self::Overflow => 27,
            Self::CallFailed { .. } => 28,
            Self::NotForwarder => 29,
        };
        dest.push_byte(index);
        if let Self::CallFailed { index } = self {
            index.encode_to(dest);
        }
    }
}

impl ink::scale::EncodeLike for VotingError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_decodes_back_to_itself_with_the_derived_decode() {
        use VotingError::*;
        let errors = [
            InvalidConfig,
            NotGovernance,
            BelowThreshold,
            BadOptionCount,
            TextTooLong,
            TooManyCalls,
            EmptyElectorate,
            UnknownPoll,
            NotStarted,
            VotingClosed,
            InvalidChoice,
            NotEligible,
            AlreadyVoted,
            SecretBallot,
            NotSecret,
            NotRevealing,
            NothingToReveal,
            BadReveal,
            NotAProposal,
            NotSucceeded,
            NotQueued,
            TimelockPending,
            Expired,
            NotAllowed,
            InvalidGuardian,
            GuardianChangeNotAlone,
            NotCancelable,
            Overflow,
            CallFailed { index: 70_000 },
            NotForwarder,
        ];
        crate::encodes_as_derived(&errors);
    }
}
