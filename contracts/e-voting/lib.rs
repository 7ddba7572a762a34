//! # E-voting
//!
//! Citizen consultations and on-chain governance for the city: Zug's poll of ID-verified
//! residents, Estonia's i-voting where a re-vote replaces the earlier vote, and proposals
//! that carry out what the city decides.
//!
//! - **Polls** are of two kinds ([`PollKind`](city_traits::PollKind)): **consultations**
//!   ask a question with 2 to [`MAX_OPTIONS`] labelled options; **proposals** ask For or
//!   Against a bounded list of [`Call`]s to make if they pass. Abstaining counts towards
//!   quorum for neither.
//! - **Electorate**: one person one vote among the registry's live identities of the
//!   kinds listed (whose cards had not expired when the poll opened), or the city token's
//!   voting power, both at the snapshot block. A consultation names its electorate; a
//!   proposal is always decided by the governance electorate of the configuration, so
//!   whoever proposes never chooses who decides.
//! - **Lifecycle**: Pending until the snapshot block ends, Active for the voting period,
//!   Revealing (secret ballots only), then Succeeded or Defeated. A succeeded proposal is
//!   Queued behind the timelock, then Executed, or Expired after the grace period.
//!   Canceled by its proposer while pending, or by the guardian before execution. The
//!   snapshot, the deadlines, the quorum, the timelock and the grace period are fixed
//!   when a poll opens: a proposal keeps the rules it was opened under.
//! - **Ballots** ([`Secrecy`](city_traits::Secrecy)) are public, or secret (commit a
//!   hash, reveal after voting; commitments never revealed are reported, not counted).
//!   A second vote ([`Revoting`](city_traits::Revoting)) is refused, or replaces the
//!   earlier one (Estonia's rule): the earlier vote is taken off the tally first, so the
//!   last one counts.
//! - **Cost**: a vote reads and writes the poll's tally and the voter's ballot, and asks
//!   the registry or the token one question; it never loops over voters.
//! - **Execution** makes the calls in order and fails as a whole, reverting every call
//!   already made, if any one traps or returns `Err`.
//!
//! After deployment the city hands e-voting the admin seats of the other contracts (see
//! `deployments/README.md`), in two steps: the deployer offers each seat to e-voting
//! (`offer_admin(<e-voting>)` on the token, the registry, the reward rules and the
//! escrow), then a proposal whose calls are `accept_admin()` on each of them (selector
//! `Admin::accept_admin`, no input, no value) is voted and executed: e-voting, the caller
//! of those calls, takes the seats. Until then the deployer keeps them, and a seat offered
//! to a wrong account never moves. From then on they change only by executed proposals:
//! a proposal offers a seat, and the account offered accepts it itself. The
//! guardian (the deployer, until governance moves the seat; it is never empty and never a
//! contract) may cancel proposals, e.g. a malicious one that passed, but not its own
//! replacement, and may open polls and proposals whatever its voting power; so may a
//! member of a one-person-one-vote governance electorate. No threshold, and no lost
//! guardian, can keep the electorate from proposing.
//!
//! The logic lives in plain modules, unit-tested without an ink! environment:
//! [`polls`] (opening a consultation or a proposal, and where a poll stands),
//! [`ballots`] (votes, commitments, reveals and the tally), [`electorate`] (weights,
//! quorum, the proposal threshold and the governance rules, with the registry and the
//! token answering through its [`Census`](electorate::Census)) and [`timelock`] (queuing,
//! the execution window, cancellation, the guardian's replacement). The messages check
//! the caller, hand the logic what storage and the peers hold, write what it returns and
//! emit the events; `execute` makes the calls. Accounts go to the modules by reference:
//! copies of an `AccountId` measured as bytes of Wasm, which every call pays.
//!
//! The root storage cell holds only what never changes after construction. Everything
//! else lives in `Lazy` and `Mapping` cells, written when they change: a proposal may call
//! e-voting itself (to change its configuration), and the outer `execute`, which writes
//! the root cell when it returns, must not overwrite what the inner call changed.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod ballots;
pub mod electorate;
pub mod polls;
#[cfg(test)]
mod tests;
pub mod timelock;

#[ink::contract]
mod e_voting {
    use city_traits::{
        emit, remote,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Ballot, BallotAct, Call, Electorate, GovernanceConfig, IdentityKind, KindCounts, Poll,
        PollId, PollKind, PollState, RawOutput, Revoting, Role, Secrecy, Tally, VotingError,
    };
    use ink::{
        env::CallFlags,
        prelude::{string::String, vec::Vec},
        storage::{Lazy, Mapping},
    };

    use crate::{
        ballots::{self, Voter},
        electorate::{self, Census},
        polls::{self, Motion, Opening},
        timelock,
    };

    /// What governance may change: its rules, its guardian and the number of polls.
    #[derive(Debug, Clone)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Settings {
        pub config: GovernanceConfig,
        pub guardian: AccountId,
        pub polls: PollId,
    }

    /// A poll's question (or a proposal's description) and option labels (none for a
    /// proposal, whose options are For and Against).
    pub type Texts = (String, Vec<String>);

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The storage this code reads and writes: e-voting's, at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("e-voting"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct EVoting {
        registry: AccountId,
        token: AccountId,
        settings: Lazy<Settings>,
        polls: Mapping<PollId, Poll>,
        texts: Mapping<PollId, Texts>,
        calls: Mapping<PollId, Vec<Call>>,
        tallies: Mapping<PollId, Tally>,
        ballots: Mapping<(PollId, AccountId), Ballot>,
    }

    /// A consultation or a proposal opened.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct PollOpened {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub proposer: AccountId,
        pub electorate: Electorate,
        pub options: u8,
        pub kind: PollKind,
        pub secrecy: Secrecy,
        pub revoting: Revoting,
        pub snapshot: BlockNumber,
        pub deadline: BlockNumber,
        pub reveal_end: BlockNumber,
        pub calls: u32,
    }
    /// A public vote was counted; `replaced` is the choice of the earlier vote it replaced.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct VoteCast {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub voter: AccountId,
        pub choice: u8,
        pub weight: Balance,
        pub replaced: Option<u8>,
    }

    /// A secret ballot was committed (`replaced`: over an earlier commitment).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct VoteCommitted {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub voter: AccountId,
        pub weight: Balance,
        pub replaced: bool,
    }

    /// A secret ballot was revealed and counted.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct VoteRevealed {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub voter: AccountId,
        pub choice: u8,
        pub weight: Balance,
    }

    /// A succeeded proposal was queued: executable from `eta` until before `expires`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProposalQueued {
        #[ink(topic)]
        pub poll: PollId,
        pub eta: Timestamp,
        pub expires: Timestamp,
    }

    /// A proposal's calls were all made.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProposalExecuted {
        #[ink(topic)]
        pub poll: PollId,
        pub calls: u32,
    }

    /// A poll or proposal was canceled.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct PollCanceled {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// Governance changed its rules (for polls opened from now on).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ConfigChanged {
        pub config: GovernanceConfig,
    }

    /// The guardian seat moved.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct GuardianChanged {
        pub previous: AccountId,
        pub new: AccountId,
    }

    type Result<T> = core::result::Result<T, VotingError>;

    impl EVoting {
        /// Creates governance over the identities of `registry` and the voting power of
        /// `token`, with the caller as guardian.
        ///
        /// # Errors
        /// `InvalidConfig` if a figure of `config` is out of bounds.
        #[ink(constructor)]
        pub fn new(
            registry: AccountId,
            token: AccountId,
            config: GovernanceConfig,
        ) -> Result<Self> {
            if !config.is_valid() {
                return Err(VotingError::InvalidConfig);
            }
            let mut settings = Lazy::new();
            settings.set(&Settings {
                config,
                guardian: Self::env().caller(),
                polls: 0,
            });
            Ok(Self {
                registry,
                token,
                settings,
                polls: Mapping::new(),
                texts: Mapping::new(),
                calls: Mapping::new(),
                tallies: Mapping::new(),
                ballots: Mapping::new(),
            })
        }

        /// What governance may change: the rules of governance for polls opened now, the
        /// guardian (who may cancel proposals and always may open them), and how many
        /// polls and proposals were opened (they are numbered from zero).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn settings(&self) -> Settings {
            self.settings.get().unwrap_or_else(|| unreachable!())
        }

        /// A poll or proposal, with its running tally.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn poll(&self, poll: PollId) -> Option<(Poll, Tally)> {
            let poll_data = self.polls.get(poll)?;
            let tally = self.tally_of(poll, &poll_data);
            Some((poll_data, tally))
        }

        /// A consultation's question and option labels, or a proposal's description (and
        /// no labels: its options are For and Against) with the calls it makes when
        /// executed.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn texts(&self, poll: PollId) -> Option<(Texts, Vec<Call>)> {
            let texts = self.texts.get(poll)?;
            Some((texts, self.calls_of(poll)))
        }

        /// `voter`'s ballot in a poll.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn ballot(&self, poll: PollId, voter: AccountId) -> Option<Ballot> {
            self.ballots.get((poll, voter))
        }

        /// Where a poll stands now. Once voting is over, this asks the registry or the
        /// token for the size of the electorate at the snapshot.
        ///
        /// # Errors
        /// `UnknownPoll`.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn state(&self, poll: PollId) -> Result<PollState> {
            let Some(poll_data) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            Ok(self.state_of(poll, &poll_data))
        }

        /// The votes a poll needs to be decided: its quorum of the electorate at the
        /// snapshot, rounded up.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotStarted` while the snapshot block is not over.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn quorum(&self, poll: PollId) -> Result<Balance> {
            let Some(poll) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            if self.env().block_number() <= poll.snapshot {
                return Err(VotingError::NotStarted);
            }
            Ok(electorate::quorum(&poll, self))
        }

        /// Opens a consultation: `question` with `options` (2 to
        /// [`MAX_OPTIONS`](city_traits::MAX_OPTIONS) labels) for
        /// `electorate`, its ballots of `secrecy`, a second vote `revoting` (refused, or
        /// replacing the first). Returns its number.
        ///
        /// # Errors
        /// `BadOptionCount`, `TextTooLong`, `EmptyElectorate`, `BelowThreshold` (unless
        /// the caller is the guardian), `Overflow`.
        ///
        /// # Events
        /// `PollOpened`.
        #[ink(message)]
        pub fn create_poll(
            &mut self,
            question: String,
            options: Vec<String>,
            electorate: Electorate,
            secrecy: Secrecy,
            revoting: Revoting,
        ) -> Result<PollId> {
            let motion = Motion::Consultation {
                labels: options,
                electorate,
            };
            self.open(question, motion, (secrecy, revoting))
        }

        /// Proposes `calls` (at most [`MAX_CALLS`](city_traits::MAX_CALLS)) to be made if
        /// the governance electorate (`config().electorate`) votes For them, described by
        /// `description`, its ballots of `secrecy`, a second vote `revoting`. Returns its
        /// number.
        ///
        /// # Errors
        /// `TooManyCalls`, `GuardianChangeNotAlone` (a call replacing the guardian with
        /// others), `TextTooLong`, `BelowThreshold` (unless the caller is the guardian),
        /// `Overflow`.
        ///
        /// # Events
        /// `PollOpened`.
        #[ink(message)]
        pub fn propose(
            &mut self,
            description: String,
            calls: Vec<Call>,
            secrecy: Secrecy,
            revoting: Revoting,
        ) -> Result<PollId> {
            self.open(description, Motion::Proposal { calls }, (secrecy, revoting))
        }

        /// Casts the caller's public vote for `choice` (an option, or `ABSTAIN`), with its
        /// weight at the snapshot. Where re-votes replace, a later vote replaces the
        /// earlier one.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotStarted`, `VotingClosed`, `SecretBallot`, `InvalidChoice`,
        /// `AlreadyVoted`, `NotEligible`.
        ///
        /// # Events
        /// `VoteCast`.
        #[ink(message)]
        pub fn cast_vote(&mut self, poll: PollId, choice: u8) -> Result<()> {
            self.act(self.env().caller(), poll, BallotAct::Cast { choice })
        }

        /// Commits the caller's secret ballot: `commitment(poll, voter, choice, salt)` (see
        /// `city_traits::commitment`), to be revealed after voting. Where re-votes
        /// replace, a later commitment replaces the earlier one.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotStarted`, `VotingClosed`, `NotSecret`, `AlreadyVoted`,
        /// `NotEligible`.
        ///
        /// # Events
        /// `VoteCommitted`.
        #[ink(message)]
        pub fn commit_vote(&mut self, poll: PollId, commitment: [u8; 32]) -> Result<()> {
            self.act(self.env().caller(), poll, BallotAct::Commit { commitment })
        }

        /// Reveals the caller's secret ballot for `choice` with the `salt` it was committed
        /// with, and counts it.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotSecret`, `NotRevealing` (before the voting deadline, after
        /// the reveal period or once canceled), `NothingToReveal`, `InvalidChoice`,
        /// `BadReveal`.
        ///
        /// # Events
        /// `VoteRevealed`.
        #[ink(message)]
        pub fn reveal_vote(&mut self, poll: PollId, choice: u8, salt: [u8; 32]) -> Result<()> {
            self.act(
                self.env().caller(),
                poll,
                BallotAct::Reveal { choice, salt },
            )
        }

        /// Casts, commits or reveals `voter`'s ballot in `poll` for the city's intents
        /// contract, once the voter's card signed it: exactly what `cast_vote`,
        /// `commit_vote` or `reveal_vote` do when the voter calls. The intents contract is
        /// the holder of the city token's `Forwarder` role, which the token grants only
        /// from an admin seat held by a contract (governance, after the handover) and only
        /// to a contract.
        ///
        /// # Errors
        /// `NotForwarder` unless the caller holds that role; then the errors of the
        /// message `act` stands for.
        ///
        /// # Events
        /// `VoteCast`, `VoteCommitted` or `VoteRevealed`.
        #[ink(message)]
        pub fn vote_for(&mut self, voter: AccountId, poll: PollId, act: BallotAct) -> Result<()> {
            self.ensure_forwarder()?;
            self.act(voter, poll, act)
        }

        /// Queues a succeeded proposal behind the timelock it was opened under; anyone may.
        /// Returns the time from which it may be executed, until its grace period ends.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotAProposal`, `NotSucceeded`, `Overflow`.
        ///
        /// # Events
        /// `ProposalQueued`.
        #[ink(message)]
        pub fn queue(&mut self, poll: PollId) -> Result<Timestamp> {
            let Some(mut poll_data) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            let now = self.env().block_timestamp();
            let (eta, expires) =
                timelock::queue(&mut poll_data, now, |data| self.state_of(poll, data))?;
            self.polls.insert(poll, &poll_data);
            emit(&ProposalQueued { poll, eta, expires });
            Ok(eta)
        }

        /// Executes a queued proposal whose timelock has run out: makes its calls in
        /// order, all or none. Anyone may; any value sent along stays with e-voting to
        /// pay the calls' `value`.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotQueued`, `TimelockPending`, `Expired`, `CallFailed { index }`
        /// when a call traps or returns `Err` (every call made is reverted).
        ///
        /// # Events
        /// `ProposalExecuted`, and the events of the calls.
        #[ink(message, payable)]
        pub fn execute(&mut self, poll: PollId) -> Result<()> {
            let Some(mut poll_data) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            timelock::execute(&mut poll_data, self.env().block_timestamp())?;
            // Effects before interactions: a call that comes back finds it executed.
            self.polls.insert(poll, &poll_data);
            let calls = self.calls_of(poll);
            for (index, call) in calls.iter().enumerate() {
                if !self.make(call) {
                    // At most MAX_CALLS calls.
                    let index = u32::try_from(index).unwrap_or(u32::MAX);
                    return Err(VotingError::CallFailed { index });
                }
            }
            emit(&ProposalExecuted {
                poll,
                // At most MAX_CALLS calls.
                calls: u32::try_from(calls.len()).unwrap_or(u32::MAX),
            });
            Ok(())
        }

        /// Cancels a poll or proposal: its proposer may while it is pending, the guardian
        /// until it is executed, unless it replaces the guardian.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotAllowed` (neither proposer nor guardian, or the guardian and
        /// a proposal replacing it), `NotCancelable` once executed, canceled or expired
        /// (or, for the proposer, once voting started).
        ///
        /// # Events
        /// `PollCanceled`.
        #[ink(message)]
        pub fn cancel(&mut self, poll: PollId) -> Result<()> {
            let by = self.env().caller();
            let Some(mut poll_data) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            // The guardian may cancel anything but its own replacement.
            let by_guardian = self.settings().guardian == by
                && !timelock::replaces_guardian(&self.calls_of(poll), &self.own());
            timelock::cancel(&mut poll_data, &by, by_guardian, |data| {
                self.state_of(poll, data)
            })?;
            self.polls.insert(poll, &poll_data);
            emit(&PollCanceled { poll, by });
            Ok(())
        }

        /// Changes the rules of governance, the governance electorate included, for polls
        /// opened from now on; polls already open keep theirs (their electorate, quorum,
        /// timelock and grace period).
        ///
        /// # Errors
        /// `NotGovernance` unless called by an executed proposal, `InvalidConfig` (also a
        /// token electorate with a threshold above the supply), `EmptyElectorate` if nobody
        /// belongs to the new governance electorate now (no live identity of its kinds at
        /// the last block, or no token supply): nobody could ever pass the proposal that
        /// undoes it.
        ///
        /// # Events
        /// `ConfigChanged`.
        #[ink(message)]
        pub fn set_config(&mut self, config: GovernanceConfig) -> Result<()> {
            self.ensure_governance()?;
            let last_block = self.env().block_number().saturating_sub(1);
            electorate::check_config(&config, last_block, self)?;
            let mut settings = self.settings();
            settings.config = config;
            self.settings.set(&settings);
            emit(&ConfigChanged { config });
            Ok(())
        }

        /// Moves the guardian seat. The seat is never empty: the guardian is the city's line
        /// of defence against a passed proposal that is an attack, and, since it may always
        /// propose, the way back if governance ever set a threshold nobody reaches.
        ///
        /// # Errors
        /// `NotGovernance` unless called by an executed proposal or the guardian itself,
        /// `InvalidGuardian` for the zero account or a contract (e-voting itself included).
        ///
        /// # Events
        /// `GuardianChanged`.
        #[ink(message)]
        pub fn set_guardian(&mut self, guardian: AccountId) -> Result<()> {
            let mut settings = self.settings();
            let previous = settings.guardian;
            if previous != self.env().caller() {
                self.ensure_governance()?;
            }
            if guardian == AccountId::from([0; 32]) || self.env().is_contract(&guardian) {
                return Err(VotingError::InvalidGuardian);
            }
            settings.guardian = guardian;
            self.settings.set(&settings);
            emit(&GuardianChanged {
                previous,
                new: guardian,
            });
            Ok(())
        }

        /// The calls of proposal `poll` (none for a consultation).
        fn calls_of(&self, poll: PollId) -> Vec<Call> {
            self.calls.get(poll).unwrap_or_default()
        }

        /// E-voting's own account.
        fn own(&self) -> AccountId {
            self.env().account_id()
        }

        #[inline(never)]
        fn ensure_forwarder(&self) -> Result<()> {
            if !self.token().has_role(self.env().caller(), Role::Forwarder) {
                return Err(VotingError::NotForwarder);
            }
            Ok(())
        }

        fn ensure_governance(&self) -> Result<()> {
            if self.env().caller() != self.own() {
                return Err(VotingError::NotGovernance);
            }
            Ok(())
        }

        fn tally_of(&self, poll: PollId, poll_data: &Poll) -> Tally {
            self.tallies
                .get(poll)
                .unwrap_or_else(|| Tally::new(poll_data.options))
        }

        /// `account`'s ballot in `poll`: a public vote, a commitment or a reveal.
        #[inline(never)]
        fn act(&mut self, account: AccountId, poll: PollId, act: BallotAct) -> Result<()> {
            let voter = Voter {
                account,
                ballot: self.ballots.get((poll, account)),
            };
            let Some(poll_data) = self.polls.get(poll) else {
                return Err(VotingError::UnknownPoll);
            };
            let mut tally = self.tally_of(poll, &poll_data);
            let block = self.env().block_number();
            let ballot = match act {
                BallotAct::Cast { choice } => {
                    let (ballot, replaced) =
                        ballots::cast(&poll_data, block, &voter, choice, &mut tally, self)?;
                    emit(&VoteCast {
                        poll,
                        voter: account,
                        choice,
                        weight: ballot.weight,
                        replaced,
                    });
                    ballot
                }
                BallotAct::Commit { commitment } => {
                    let (ballot, replaced) =
                        ballots::commit(&poll_data, block, &voter, commitment, &mut tally, self)?;
                    emit(&VoteCommitted {
                        poll,
                        voter: account,
                        weight: ballot.weight,
                        replaced,
                    });
                    ballot
                }
                BallotAct::Reveal { choice, salt } => {
                    let ballot = ballots::reveal(
                        (poll, &poll_data),
                        block,
                        &voter,
                        choice,
                        salt,
                        &mut tally,
                    )?;
                    emit(&VoteRevealed {
                        poll,
                        voter: account,
                        choice,
                        weight: ballot.weight,
                    });
                    ballot
                }
            };
            self.tallies.insert(poll, &tally);
            self.ballots.insert((poll, account), &ballot);
            Ok(())
        }

        fn state_of(&self, poll: PollId, poll_data: &Poll) -> PollState {
            let clock = (self.env().block_number(), self.env().block_timestamp());
            polls::state(poll_data, clock, || self.tally_of(poll, poll_data), self)
        }

        /// Opens `motion` on `question` for the caller: the poll, its tally, its texts and
        /// its calls.
        fn open(
            &mut self,
            question: String,
            motion: Motion,
            rules: (Secrecy, Revoting),
        ) -> Result<PollId> {
            let mut settings = self.settings();
            let at = Opening {
                proposer: self.env().caller(),
                guardian: settings.guardian,
                own: self.own(),
                config: settings.config,
                block: self.env().block_number(),
                now: self.env().block_timestamp(),
            };
            let poll = polls::open(&question, &motion, rules, &at, self)?;
            let id = settings.polls;
            settings.polls = id.checked_add(1).ok_or(VotingError::Overflow)?;
            self.settings.set(&settings);
            self.polls.insert(id, &poll);
            self.tallies.insert(id, &Tally::new(poll.options));
            let calls = match motion {
                Motion::Consultation { labels, .. } => {
                    self.texts.insert(id, &(question, labels));
                    0
                }
                Motion::Proposal { calls } => {
                    self.texts.insert(id, &(question, Vec::<String>::new()));
                    if !calls.is_empty() {
                        self.calls.insert(id, &calls);
                    }
                    // At most MAX_CALLS calls.
                    u32::try_from(calls.len()).unwrap_or(u32::MAX)
                }
            };
            emit(&PollOpened {
                poll: id,
                proposer: poll.proposer,
                electorate: poll.electorate,
                options: poll.options,
                kind: poll.kind,
                secrecy: poll.secrecy,
                revoting: poll.revoting,
                snapshot: poll.snapshot,
                deadline: poll.deadline,
                reveal_end: poll.reveal_end,
                calls,
            });
            Ok(id)
        }

        /// Makes one proposed call and tells whether it succeeded: it did not trap, the
        /// callee knew the selector, and its answer is not an ink! `Err`. Only e-voting
        /// itself may be re-entered (a proposal changing governance's own rules).
        fn make(&self, call: &Call) -> bool {
            let flags = if call.callee == self.own() {
                CallFlags::ALLOW_REENTRY
            } else {
                CallFlags::empty()
            };
            let answer =
                remote::try_call(&call.callee, flags, call.value, call.selector, &call.input);
            answer.is_some_and(|output| RawOutput(output).is_not_err())
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for EVoting {
        /// Replaces e-voting's code with the uploaded `code_hash`, whose migration runs in
        /// the same call.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller is an executed proposal, `SameCode`, `CodeNotFound`,
        /// `MigrationFailed` (the old code stays).
        ///
        /// # Events
        /// `CodeUpgraded`, emitted by the new code.
        #[ink(message)]
        fn upgrade(&self, code_hash: Hash) -> core::result::Result<(), UpgradeError> {
            upgrade::upgrade(self.env().caller() == self.own(), code_hash, LAYOUT)
        }

        /// Brings the storage the replaced code left to [`LAYOUT`]; only e-voting itself
        /// calls it, inside an upgrade.
        ///
        /// # Errors
        /// `NotUpgrading` outside an upgrade, `NoMigration` from another contract's storage
        /// or a version this code does not migrate from.
        ///
        /// # Events
        /// `CodeUpgraded`.
        #[ink(message)]
        fn migrate(&mut self) -> core::result::Result<(), UpgradeError> {
            upgrade::migration(LAYOUT, MIGRATES_FROM)?;
            Ok(())
        }
    }

    /// The registry and the token, as the electorate's rules ask them: an answer refused
    /// is no answer.
    impl Census for EVoting {
        fn kind_valid_at(
            &self,
            account: AccountId,
            block: BlockNumber,
            time: Timestamp,
        ) -> Option<IdentityKind> {
            self.registry()
                .kind_valid_at(account, block, time)
                .ok()
                .flatten()
        }

        fn counts_at(&self, block: BlockNumber) -> Option<KindCounts> {
            self.registry().eligible_counts_at(block).ok()
        }

        fn votes_at(&self, account: AccountId, block: BlockNumber) -> Option<Balance> {
            self.token().votes_at(account, block).ok()
        }

        fn supply_at(&self, block: BlockNumber) -> Option<Balance> {
            self.token().total_supply_at(block).ok()
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl EVoting {
            fn registry() -> remote::IdentityRegistry { registry }
            fn token() -> remote::CivicToken { token }
        }
    }
}
