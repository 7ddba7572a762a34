//! # E-voting
//!
//! Citizen consultations and on-chain governance for the city: Zug's poll of ID-verified
//! residents, Estonia's i-voting where a re-vote replaces the earlier vote, and proposals
//! that carry out what the city decides.
//!
//! - **Polls** ask a question with 2 to [`MAX_OPTIONS`] options; **proposals** ask For or
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
//! - **Ballots** are public, or secret (commit a hash, reveal after voting; commitments
//!   never revealed are reported, not counted). In re-vote mode the last vote counts: the
//!   earlier one is taken off the tally first.
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
//! The root storage cell holds only what never changes after construction. Everything
//! else lives in `Lazy` and `Mapping` cells, written when they change: a proposal may call
//! e-voting itself (to change its configuration), and the outer `execute`, which writes
//! the root cell when it returns, must not overwrite what the inner call changed.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[cfg(test)]
mod tests;

#[ink::contract]
mod e_voting {
    use city_traits::{
        commitment, Ballot, Call, Electorate, GovernanceConfig, IdentityKind, Poll, PollId,
        PollState, RawInput, RawOutput, Status, Tally, Vote, VotingError, AGAINST, MAX_CALLS,
        MAX_CALL_INPUT, MAX_LABEL_BYTES, MAX_OPTIONS, MAX_QUESTION_BYTES,
    };
    use ink::{
        env::{
            call::{build_call, ExecutionInput, Selector},
            CallFlags,
        },
        prelude::{string::String, vec::Vec},
        storage::{Lazy, Mapping},
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

    /// A poll's question (or a proposal's description) and option labels.
    pub type Texts = (String, Vec<String>);

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

    /// A poll or proposal opened.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct PollOpened {
        #[ink(topic)]
        pub poll: PollId,
        #[ink(topic)]
        pub proposer: AccountId,
        pub electorate: Electorate,
        pub options: u8,
        pub proposal: bool,
        pub secret: bool,
        pub revote: bool,
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

        /// The rules of governance for polls opened now.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn config(&self) -> GovernanceConfig {
            self.settings().config
        }

        /// The guardian, who may cancel proposals and always may open them.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn guardian(&self) -> AccountId {
            self.settings().guardian
        }

        /// How many polls and proposals were opened; they are numbered from zero.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn poll_count(&self) -> PollId {
            self.settings().polls
        }

        /// A poll or proposal.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn poll(&self, poll: PollId) -> Option<Poll> {
            self.polls.get(poll)
        }

        /// A poll's question and option labels, or a proposal's description (and no
        /// labels: its options are For and Against).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn texts(&self, poll: PollId) -> Option<Texts> {
            self.texts.get(poll)
        }

        /// The calls a proposal makes when executed.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn proposal_calls(&self, poll: PollId) -> Vec<Call> {
            self.calls.get(poll).unwrap_or_default()
        }

        /// A poll's running tally.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn tally(&self, poll: PollId) -> Option<Tally> {
            self.tallies.get(poll)
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
            let poll_data = self.poll_or_refuse(poll)?;
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
            let poll = self.poll_or_refuse(poll)?;
            if self.env().block_number() <= poll.snapshot {
                return Err(VotingError::NotStarted);
            }
            Ok(self.quorum_of(&poll))
        }

        /// Opens a consultation: `question` with `options` (2 to [`MAX_OPTIONS`] labels) for
        /// `electorate`, with `secret` ballots or not, allowing re-votes or not. Returns
        /// its number.
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
            secret: bool,
            revote: bool,
        ) -> Result<PollId> {
            let count = u8::try_from(options.len())
                .ok()
                .filter(|count| (2..=MAX_OPTIONS).contains(count))
                .ok_or(VotingError::BadOptionCount)?;
            if options.iter().any(|label| label.len() > MAX_LABEL_BYTES) {
                return Err(VotingError::TextTooLong);
            }
            self.open(
                (question, options),
                count,
                Vec::new(),
                Some(electorate),
                secret,
                revote,
            )
        }

        /// Proposes `calls` (at most [`MAX_CALLS`]) to be made if the governance electorate
        /// (`config().electorate`) votes For them, described by `description`. Returns its
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
            secret: bool,
            revote: bool,
        ) -> Result<PollId> {
            if calls.len() > MAX_CALLS || calls.iter().any(|call| call.input.len() > MAX_CALL_INPUT)
            {
                return Err(VotingError::TooManyCalls);
            }
            if calls.len() > 1 && calls.iter().any(|call| self.is_guardian_change(call)) {
                return Err(VotingError::GuardianChangeNotAlone);
            }
            // AGAINST is the last of a proposal's options.
            let options = AGAINST.saturating_add(1);
            self.open(
                (description, Vec::new()),
                options,
                calls,
                None,
                secret,
                revote,
            )
        }

        /// Casts the caller's public vote for `choice` (an option, or `ABSTAIN`), with its
        /// weight at the snapshot. In re-vote mode a later vote replaces the earlier one.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotStarted`, `VotingClosed`, `SecretBallot`, `InvalidChoice`,
        /// `AlreadyVoted`, `NotEligible`.
        ///
        /// # Events
        /// `VoteCast`.
        #[ink(message)]
        pub fn cast_vote(&mut self, poll: PollId, choice: u8) -> Result<()> {
            let voter = self.env().caller();
            let poll_data = self.poll_or_refuse(poll)?;
            self.ensure_voting(&poll_data)?;
            if poll_data.secret {
                return Err(VotingError::SecretBallot);
            }
            if !poll_data.offers(choice) {
                return Err(VotingError::InvalidChoice);
            }
            let (weight, earlier) = self.weigh(poll, &poll_data, voter)?;
            let mut tally = self.tally_of(poll, &poll_data);
            let replaced = match earlier {
                Some(Vote::Cast(earlier)) => {
                    tally.remove(earlier, weight);
                    Some(earlier)
                }
                _ => {
                    // One ballot per voter: at most the number of accounts, far below
                    // u32::MAX for any electorate this contract can weigh.
                    tally.voters = tally.voters.saturating_add(1);
                    None
                }
            };
            tally.add(choice, weight);
            self.tallies.insert(poll, &tally);
            self.ballots.insert(
                (poll, voter),
                &Ballot {
                    weight,
                    vote: Vote::Cast(choice),
                },
            );
            self.env().emit_event(VoteCast {
                poll,
                voter,
                choice,
                weight,
                replaced,
            });
            Ok(())
        }

        /// Commits the caller's secret ballot: `commitment(poll, voter, choice, salt)` (see
        /// `city_traits::commitment`), to be revealed after voting. In re-vote mode a later
        /// commitment replaces the earlier one.
        ///
        /// # Errors
        /// `UnknownPoll`, `NotStarted`, `VotingClosed`, `NotSecret`, `AlreadyVoted`,
        /// `NotEligible`.
        ///
        /// # Events
        /// `VoteCommitted`.
        #[ink(message)]
        pub fn commit_vote(&mut self, poll: PollId, commitment: [u8; 32]) -> Result<()> {
            let voter = self.env().caller();
            let poll_data = self.poll_or_refuse(poll)?;
            self.ensure_voting(&poll_data)?;
            if !poll_data.secret {
                return Err(VotingError::NotSecret);
            }
            let (weight, earlier) = self.weigh(poll, &poll_data, voter)?;
            let replaced = earlier.is_some();
            if !replaced {
                let mut tally = self.tally_of(poll, &poll_data);
                // As in `cast_vote`: one commitment per voter.
                tally.unrevealed = tally.unrevealed.saturating_add(1);
                self.tallies.insert(poll, &tally);
            }
            self.ballots.insert(
                (poll, voter),
                &Ballot {
                    weight,
                    vote: Vote::Committed(commitment),
                },
            );
            self.env().emit_event(VoteCommitted {
                poll,
                voter,
                weight,
                replaced,
            });
            Ok(())
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
            let voter = self.env().caller();
            let poll_data = self.poll_or_refuse(poll)?;
            if !poll_data.secret {
                return Err(VotingError::NotSecret);
            }
            let block = self.env().block_number();
            if poll_data.status != Status::Open
                || block <= poll_data.deadline
                || block > poll_data.reveal_end
            {
                return Err(VotingError::NotRevealing);
            }
            let Some(Ballot {
                weight,
                vote: Vote::Committed(committed),
            }) = self.ballots.get((poll, voter))
            else {
                return Err(VotingError::NothingToReveal);
            };
            if !poll_data.offers(choice) {
                return Err(VotingError::InvalidChoice);
            }
            if commitment(poll, voter, choice, salt) != committed {
                return Err(VotingError::BadReveal);
            }
            let mut tally = self.tally_of(poll, &poll_data);
            tally.add(choice, weight);
            tally.unrevealed = tally.unrevealed.saturating_sub(1);
            tally.voters = tally.voters.saturating_add(1);
            self.tallies.insert(poll, &tally);
            self.ballots.insert(
                (poll, voter),
                &Ballot {
                    weight,
                    vote: Vote::Revealed(choice),
                },
            );
            self.env().emit_event(VoteRevealed {
                poll,
                voter,
                choice,
                weight,
            });
            Ok(())
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
            let mut poll_data = self.poll_or_refuse(poll)?;
            if !poll_data.proposal {
                return Err(VotingError::NotAProposal);
            }
            if self.state_of(poll, &poll_data) != PollState::Succeeded {
                return Err(VotingError::NotSucceeded);
            }
            let eta = self
                .env()
                .block_timestamp()
                .checked_add(poll_data.timelock_ms)
                .ok_or(VotingError::Overflow)?;
            let expires = eta
                .checked_add(poll_data.grace_ms)
                .ok_or(VotingError::Overflow)?;
            poll_data.status = Status::Queued { eta, expires };
            self.polls.insert(poll, &poll_data);
            self.env().emit_event(ProposalQueued { poll, eta, expires });
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
            let mut poll_data = self.poll_or_refuse(poll)?;
            let Status::Queued { eta, expires } = poll_data.status else {
                return Err(VotingError::NotQueued);
            };
            let now = self.env().block_timestamp();
            if now < eta {
                return Err(VotingError::TimelockPending);
            }
            if now >= expires {
                return Err(VotingError::Expired);
            }
            // Effects before interactions: a call that comes back finds it executed.
            poll_data.status = Status::Executed;
            self.polls.insert(poll, &poll_data);
            let calls = self.calls.get(poll).unwrap_or_default();
            for (index, call) in calls.iter().enumerate() {
                if !self.make(call) {
                    // At most MAX_CALLS calls.
                    let index = u32::try_from(index).unwrap_or(u32::MAX);
                    return Err(VotingError::CallFailed { index });
                }
            }
            self.env().emit_event(ProposalExecuted {
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
            let mut poll_data = self.poll_or_refuse(poll)?;
            // The guardian may cancel anything but its own replacement.
            let guardian = self.settings().guardian == by && !self.replaces_guardian(poll);
            if !guardian && by != poll_data.proposer {
                return Err(VotingError::NotAllowed);
            }
            let state = self.state_of(poll, &poll_data);
            let cancelable = match state {
                PollState::Executed | PollState::Canceled | PollState::Expired => false,
                PollState::Pending => true,
                _ => guardian,
            };
            if !cancelable {
                return Err(VotingError::NotCancelable);
            }
            poll_data.status = Status::Canceled;
            self.polls.insert(poll, &poll_data);
            self.env().emit_event(PollCanceled { poll, by });
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
            if !config.is_valid() {
                return Err(VotingError::InvalidConfig);
            }
            let last_block = self.env().block_number().saturating_sub(1);
            let members = match config.electorate {
                Electorate::People { kinds } => {
                    let counts = self
                        .registry()
                        .eligible_counts_at(last_block)
                        .unwrap_or_default();
                    IdentityKind::ALL
                        .iter()
                        .any(|kind| kinds & kind.bit() != 0 && counts[kind.index()] > 0)
                }
                Electorate::Tokens => {
                    let supply = self.token().total_supply_at(last_block).unwrap_or_default();
                    if config.proposal_threshold > supply {
                        // Nobody could ever hold it: no proposal would open again.
                        return Err(VotingError::InvalidConfig);
                    }
                    supply > 0
                }
            };
            if !members {
                return Err(VotingError::EmptyElectorate);
            }
            let mut settings = self.settings();
            settings.config = config;
            self.settings.set(&settings);
            self.env().emit_event(ConfigChanged { config });
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
            self.env().emit_event(GuardianChanged {
                previous,
                new: guardian,
            });
            Ok(())
        }

        fn settings(&self) -> Settings {
            // Set by the constructor, never removed.
            self.settings.get().unwrap_or_else(|| unreachable!())
        }

        /// Whether `call` is e-voting's own `set_guardian`.
        fn is_guardian_change(&self, call: &Call) -> bool {
            call.callee == self.env().account_id()
                && call.selector == ink::selector_bytes!("set_guardian")
        }

        /// Whether proposal `poll` replaces the guardian.
        fn replaces_guardian(&self, poll: PollId) -> bool {
            self.calls
                .get(poll)
                .unwrap_or_default()
                .iter()
                .any(|call| self.is_guardian_change(call))
        }

        fn ensure_governance(&self) -> Result<()> {
            if self.env().caller() != self.env().account_id() {
                return Err(VotingError::NotGovernance);
            }
            Ok(())
        }

        fn poll_or_refuse(&self, poll: PollId) -> Result<Poll> {
            self.polls.get(poll).ok_or(VotingError::UnknownPoll)
        }

        fn tally_of(&self, poll: PollId, poll_data: &Poll) -> Tally {
            self.tallies
                .get(poll)
                .unwrap_or_else(|| Tally::new(poll_data.options))
        }

        /// Opens a poll (no calls, the `electorate` it names) or a proposal (the
        /// governance electorate: `None`) after checking what both share.
        fn open(
            &mut self,
            (question, labels): Texts,
            options: u8,
            calls: Vec<Call>,
            electorate: Option<Electorate>,
            secret: bool,
            revote: bool,
        ) -> Result<PollId> {
            if question.len() > MAX_QUESTION_BYTES {
                return Err(VotingError::TextTooLong);
            }
            let mut settings = self.settings();
            let config = settings.config;
            let governance = if cfg!(feature = "broken-electorate") {
                // The deliberately broken variant of the fuzzer's self-test.
                Electorate::People {
                    kinds: city_traits::kinds(&IdentityKind::ALL),
                }
            } else {
                config.electorate
            };
            let electorate = electorate.unwrap_or(governance);
            if !electorate.names_someone() {
                return Err(VotingError::EmptyElectorate);
            }
            let proposer = self.env().caller();
            if settings.guardian != proposer {
                self.ensure_threshold(proposer, &config)?;
            }
            let id = settings.polls;
            settings.polls = id.checked_add(1).ok_or(VotingError::Overflow)?;
            let snapshot = self
                .env()
                .block_number()
                .checked_add(config.voting_delay)
                .ok_or(VotingError::Overflow)?;
            let deadline = snapshot
                .checked_add(config.voting_period)
                .ok_or(VotingError::Overflow)?;
            let reveal_end = if secret {
                deadline
                    .checked_add(config.reveal_period)
                    .ok_or(VotingError::Overflow)?
            } else {
                deadline
            };
            let electorate = electorate.normalised();
            // A poll has at least two labels; a proposal none (For and Against).
            let proposal = labels.is_empty();
            let poll = Poll {
                proposer,
                electorate,
                options,
                proposal,
                secret,
                revote,
                snapshot,
                deadline,
                reveal_end,
                quorum_bps: config.quorum_bps,
                opened_at: self.env().block_timestamp(),
                timelock_ms: config.timelock_ms,
                grace_ms: config.grace_ms,
                status: Status::Open,
            };
            self.settings.set(&settings);
            self.polls.insert(id, &poll);
            self.texts.insert(id, &(question, labels));
            self.tallies.insert(id, &Tally::new(options));
            if !calls.is_empty() {
                self.calls.insert(id, &calls);
            }
            self.env().emit_event(PollOpened {
                poll: id,
                proposer,
                electorate,
                options,
                proposal,
                secret,
                revote,
                snapshot,
                deadline,
                reveal_end,
                // At most MAX_CALLS calls.
                calls: u32::try_from(calls.len()).unwrap_or(u32::MAX),
            });
            Ok(id)
        }

        /// Refuses a proposer whose voting power at the previous block is below
        /// `threshold`.
        /// A member of a one-person-one-vote governance electorate (a live identity of
        /// its kinds at the previous block, with a valid card) may always open: so no
        /// threshold, and no guardian lost, ever keeps the electorate from proposing.
        fn ensure_threshold(&self, proposer: AccountId, config: &GovernanceConfig) -> Result<()> {
            if config.proposal_threshold == 0 {
                return Ok(());
            }
            let Some(block) = self.env().block_number().checked_sub(1) else {
                return Err(VotingError::BelowThreshold);
            };
            if let Electorate::People { kinds } = config.electorate {
                let now = self.env().block_timestamp();
                let kind = self.registry().kind_valid_at(proposer, block, now);
                if matches!(kind, Ok(Some(kind)) if kinds & kind.bit() != 0) {
                    return Ok(());
                }
            }
            let power = self.token().votes_at(proposer, block).unwrap_or_default();
            if power < config.proposal_threshold {
                return Err(VotingError::BelowThreshold);
            }
            Ok(())
        }

        /// Refuses a vote outside the voting period of an open poll.
        fn ensure_voting(&self, poll: &Poll) -> Result<()> {
            let block = self.env().block_number();
            if poll.status != Status::Open || block > poll.deadline {
                return Err(VotingError::VotingClosed);
            }
            if block <= poll.snapshot {
                return Err(VotingError::NotStarted);
            }
            Ok(())
        }

        /// The voter's weight and earlier vote: the stored weight for a re-vote, else the
        /// weight at the snapshot, asked of the registry or the token.
        fn weigh(
            &self,
            poll: PollId,
            poll_data: &Poll,
            voter: AccountId,
        ) -> Result<(Balance, Option<Vote>)> {
            if let Some(ballot) = self.ballots.get((poll, voter)) {
                if !poll_data.revote {
                    return Err(VotingError::AlreadyVoted);
                }
                return Ok((ballot.weight, Some(ballot.vote)));
            }
            let weight = match poll_data.electorate {
                Electorate::People { kinds } => {
                    let kind = self.registry().kind_valid_at(
                        voter,
                        poll_data.snapshot,
                        poll_data.opened_at,
                    );
                    match kind {
                        Ok(Some(kind)) if kinds & kind.bit() != 0 => 1,
                        _ => 0,
                    }
                }
                Electorate::Tokens => {
                    let power = self
                        .token()
                        .votes_at(voter, poll_data.snapshot)
                        .unwrap_or_default();
                    if cfg!(feature = "broken-vote-weights") {
                        // The broken variant: one vote per holder, whatever it holds.
                        power.min(1)
                    } else {
                        power
                    }
                }
            };
            if weight == 0 {
                return Err(VotingError::NotEligible);
            }
            Ok((weight, None))
        }

        /// The votes needed: `quorum_bps` of the electorate at the snapshot, rounded up.
        /// The snapshot block must be over. If the registry or the token cannot say how
        /// large the electorate was, no number of votes is enough: quorum fails closed.
        fn quorum_of(&self, poll: &Poll) -> Balance {
            let electorate = match poll.electorate {
                Electorate::People { kinds } => {
                    let Ok(counts) = self.registry().eligible_counts_at(poll.snapshot) else {
                        return Balance::MAX;
                    };
                    IdentityKind::ALL
                        .iter()
                        .filter(|kind| kinds & kind.bit() != 0)
                        .map(|kind| Balance::from(counts[kind.index()]))
                        // Four counts of u32 fit in a u128.
                        .fold(0, Balance::saturating_add)
                }
                Electorate::Tokens => match self.token().total_supply_at(poll.snapshot) {
                    Ok(supply) => supply,
                    Err(_) => return Balance::MAX,
                },
            };
            share_rounded_up(electorate, poll.quorum_bps)
        }

        fn state_of(&self, poll: PollId, poll_data: &Poll) -> PollState {
            match poll_data.status {
                Status::Canceled => PollState::Canceled,
                Status::Executed => PollState::Executed,
                Status::Queued { expires, .. } => {
                    if self.env().block_timestamp() >= expires {
                        PollState::Expired
                    } else {
                        PollState::Queued
                    }
                }
                Status::Open => {
                    let block = self.env().block_number();
                    if block <= poll_data.snapshot {
                        PollState::Pending
                    } else if block <= poll_data.deadline {
                        PollState::Active
                    } else if block <= poll_data.reveal_end {
                        PollState::Revealing
                    } else if poll_data
                        .carried(&self.tally_of(poll, poll_data), self.quorum_of(poll_data))
                    {
                        PollState::Succeeded
                    } else {
                        PollState::Defeated
                    }
                }
            }
        }

        /// Makes one proposed call and tells whether it succeeded: it did not trap, the
        /// callee knew the selector, and its answer is not an ink! `Err`. Only e-voting
        /// itself may be re-entered (a proposal changing governance's own rules).
        fn make(&self, call: &Call) -> bool {
            let flags = if call.callee == self.env().account_id() {
                CallFlags::ALLOW_REENTRY
            } else {
                CallFlags::empty()
            };
            let answer = build_call::<Environment>()
                .call(call.callee)
                .call_flags(flags)
                .transferred_value(call.value)
                .exec_input(
                    ExecutionInput::new(Selector::new(call.selector))
                        .push_arg(RawInput(&call.input)),
                )
                .returns::<RawOutput>()
                .try_invoke();
            matches!(answer, Ok(Ok(output)) if output.is_not_err())
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl EVoting {
            fn registry() -> IdentityRegistry { registry }
            fn token() -> CivicToken { token }
        }
    }

    /// `bps` basis points of `amount`, rounded up, without overflow.
    pub fn share_rounded_up(amount: Balance, bps: u16) -> Balance {
        const WHOLE: Balance = city_traits::BASIS_POINTS as Balance;
        let bps = Balance::from(bps);
        // amount = whole * WHOLE + part, so amount * bps / WHOLE is
        // whole * bps + part * bps / WHOLE; neither product overflows for bps <= WHOLE.
        let whole = amount / WHOLE;
        let part = amount % WHOLE;
        let exact = whole.saturating_mul(bps);
        let fraction = part.saturating_mul(bps);
        let round_up = Balance::from(fraction % WHOLE != 0);
        exact
            .saturating_add(fraction / WHOLE)
            .saturating_add(round_up)
    }
}
