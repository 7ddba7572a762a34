//! The reference model of e-voting in the fuzzed city: public and secret polls and
//! proposals (without calls) for citizens and residents, one person one vote, under the
//! city's `GOVERNANCE`.

use std::collections::BTreeMap;

use city_traits::{
    Electorate, GovernanceConfig, IdentityKind, PollKind, PollState, Revoting, Secrecy, ABSTAIN,
    AGAINST, FOR, MAX_OPTIONS,
};
use ink::primitives::AccountId;
use num_bigint::BigUint;

use super::identities::Identities;
use harness::city::{ADMIN, GOVERNANCE};

/// Who may vote in the fuzzed polls, and who decides its proposals.
pub const ELECTORATE: [IdentityKind; 2] = [IdentityKind::Citizen, IdentityKind::Resident];

/// The fuzzed city's rules: the city's [`GOVERNANCE`], decided by [`ELECTORATE`].
pub fn governance() -> GovernanceConfig {
    GovernanceConfig {
        electorate: Electorate::people(&ELECTORATE),
        ..GOVERNANCE
    }
}

/// What the model knows of one poll.
#[derive(Debug, Clone)]
pub struct PollModel {
    pub proposer: AccountId,
    pub options: u8,
    pub kind: PollKind,
    pub revoting: Revoting,
    pub secrecy: Secrecy,
    pub snapshot: u32,
    pub deadline: u32,
    /// The last block of the reveal period (the deadline for a public poll).
    pub reveal_end: u32,
    pub status: Status,
    /// Each counted voter's current choice (for a secret poll: revealed).
    pub ballots: BTreeMap<AccountId, u8>,
    /// Secret ballots committed and not revealed: the choice and salt committed to.
    pub sealed: BTreeMap<AccountId, (u8, u8)>,
    /// A proposal whose first call accepts the token's admin seat for e-voting.
    pub accept: bool,
    /// A proposal whose last call offers the token's admin seat to its proposer.
    pub seize: bool,
    /// Weighed by the coins held at the snapshot instead of one person, one vote.
    pub tokens: bool,
    /// When it opened: a card must be valid then to vote.
    pub opened_ms: u64,
    /// Each voter's weight, fixed by its first ballot.
    pub weights: BTreeMap<AccountId, u128>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Queued { eta: u64, expires: u64 },
    Executed,
    Canceled,
}

impl PollModel {
    /// Votes and commitments are taken after the snapshot until the deadline.
    fn ensure_voting(&self, block: u32) -> Result<(), String> {
        if self.status != Status::Open || block > self.deadline {
            return Err("VotingClosed".into());
        }
        if block <= self.snapshot {
            return Err("NotStarted".into());
        }
        Ok(())
    }

    /// A first ballot needs power at the snapshot: an identity of the electorate, live
    /// then with a card valid when the poll opened (one vote), or coins held then by an
    /// account tracking its votes (one vote per unit); a later one, re-voting.
    fn weigh(&mut self, voter: AccountId, ids: &Identities) -> Result<(), String> {
        if self.ballots.contains_key(&voter) || self.sealed.contains_key(&voter) {
            if self.revoting == Revoting::Refused {
                return Err("AlreadyVoted".into());
            }
            return Ok(());
        }
        let weight = if self.tokens {
            ids.power_at(voter, self.snapshot)
        } else {
            let kind = ids.kind_valid_at(voter, self.snapshot, self.opened_ms);
            u128::from(kind.is_some_and(|kind| ELECTORATE.contains(&kind)))
        };
        if weight == 0 {
            return Err("NotEligible".into());
        }
        self.weights.insert(voter, weight);
        Ok(())
    }

    /// The tally: the weights of the ballots per option, then abstentions.
    pub fn tally(&self) -> Vec<u128> {
        let mut votes = vec![0; usize::from(self.options) + 1];
        for (voter, choice) in &self.ballots {
            let slot = if *choice == ABSTAIN {
                usize::from(self.options)
            } else {
                usize::from(*choice)
            };
            votes[slot] += self.weights.get(voter).copied().unwrap_or_default();
        }
        votes
    }

    /// Where the poll stands at `block` and `now_ms`, the registry being `ids`.
    pub fn state(&self, block: u32, now_ms: u64, ids: &Identities) -> PollState {
        match self.status {
            Status::Canceled => PollState::Canceled,
            Status::Executed => PollState::Executed,
            Status::Queued { expires, .. } if now_ms >= expires => PollState::Expired,
            Status::Queued { .. } => PollState::Queued,
            Status::Open if block <= self.snapshot => PollState::Pending,
            Status::Open if block <= self.deadline => PollState::Active,
            Status::Open if block <= self.reveal_end => PollState::Revealing,
            Status::Open if self.carried(ids) => PollState::Succeeded,
            Status::Open => PollState::Defeated,
        }
    }

    /// Quorum: a fifth of the identities eligible at the snapshot, rounded up. Then a
    /// proposal needs more For than Against, a poll one option ahead of all others.
    fn carried(&self, ids: &Identities) -> bool {
        let votes = self.tally();
        let counted: u128 = votes.iter().sum();
        let electorate = if self.tokens {
            ids.supply_at(self.snapshot)
        } else {
            ids.electorate_at(self.snapshot)
        };
        // In 256 bits: a token electorate at the edge of a u128 times the quorum overflows.
        let basis = u32::from(city_traits::BASIS_POINTS);
        let quorum = (BigUint::from(electorate) * GOVERNANCE.quorum_bps + basis - 1u32) / basis;
        if BigUint::from(counted) < quorum {
            return false;
        }
        let options = &votes[..usize::from(self.options)];
        if self.kind == PollKind::Proposal {
            return options[usize::from(FOR)] > options[usize::from(AGAINST)];
        }
        let top = options.iter().max().copied().unwrap_or_default();
        top > 0 && options.iter().filter(|votes| **votes == top).count() == 1
    }
}

/// Every poll the model knows, with the block and time it is at.
#[derive(Debug, Clone, Default)]
pub struct Polls {
    pub polls: Vec<PollModel>,
}

type Verdict = Result<u128, String>;

impl Polls {
    pub fn open(
        &mut self,
        proposer: AccountId,
        options: u8,
        (kind, secrecy, revoting, tokens): (PollKind, Secrecy, Revoting, bool),
        (block, now_ms): (u32, u64),
    ) -> Verdict {
        let proposal = kind == PollKind::Proposal;
        if !proposal && !(2..=MAX_OPTIONS).contains(&options) {
            return Err("BadOptionCount".into());
        }
        let snapshot = block + GOVERNANCE.voting_delay;
        let deadline = snapshot + GOVERNANCE.voting_period;
        self.polls.push(PollModel {
            proposer,
            options: if proposal { 2 } else { options },
            kind,
            revoting,
            secrecy,
            snapshot,
            deadline,
            reveal_end: deadline
                + match secrecy {
                    Secrecy::Secret => GOVERNANCE.reveal_period,
                    Secrecy::Public => 0,
                },
            status: Status::Open,
            ballots: BTreeMap::new(),
            sealed: BTreeMap::new(),
            accept: false,
            seize: false,
            tokens,
            opened_ms: now_ms,
            weights: BTreeMap::new(),
        });
        Ok(0)
    }

    fn find(&mut self, poll: u8) -> Result<&mut PollModel, String> {
        self.polls
            .get_mut(usize::from(poll))
            .ok_or_else(|| "UnknownPoll".to_string())
    }

    pub fn vote(
        &mut self,
        voter: AccountId,
        (poll, choice): (u8, u8),
        block: u32,
        ids: &Identities,
    ) -> Verdict {
        let poll = self.find(poll)?;
        poll.ensure_voting(block)?;
        if poll.secrecy == Secrecy::Secret {
            return Err("SecretBallot".into());
        }
        if choice >= poll.options && choice != ABSTAIN {
            return Err("InvalidChoice".into());
        }
        poll.weigh(voter, ids)?;
        poll.ballots.insert(voter, choice);
        Ok(0)
    }

    /// `commit_vote` of a commitment to `choice` with salt `[salt; 32]`.
    pub fn commit(
        &mut self,
        voter: AccountId,
        (poll, choice, salt): (u8, u8, u8),
        block: u32,
        ids: &Identities,
    ) -> Verdict {
        let poll = self.find(poll)?;
        poll.ensure_voting(block)?;
        if poll.secrecy == Secrecy::Public {
            return Err("NotSecret".into());
        }
        poll.weigh(voter, ids)?;
        poll.sealed.insert(voter, (choice, salt));
        Ok(0)
    }

    /// `reveal_vote` of `choice` with salt `[salt; 32]`.
    pub fn reveal(
        &mut self,
        voter: AccountId,
        (poll, choice, salt): (u8, u8, u8),
        block: u32,
    ) -> Verdict {
        let poll = self.find(poll)?;
        if poll.secrecy == Secrecy::Public {
            return Err("NotSecret".into());
        }
        if poll.status != Status::Open || block <= poll.deadline || block > poll.reveal_end {
            return Err("NotRevealing".into());
        }
        let Some(&committed) = poll.sealed.get(&voter) else {
            return Err("NothingToReveal".into());
        };
        if choice >= poll.options && choice != ABSTAIN {
            return Err("InvalidChoice".into());
        }
        if committed != (choice, salt) {
            return Err("BadReveal".into());
        }
        poll.sealed.remove(&voter);
        poll.ballots.insert(voter, choice);
        Ok(0)
    }

    pub fn cancel(
        &mut self,
        by: AccountId,
        poll: u8,
        (block, now_ms): (u32, u64),
        ids: &Identities,
    ) -> Verdict {
        let poll = self.find(poll)?;
        let guardian = by == ADMIN.account();
        if !guardian && by != poll.proposer {
            return Err("NotAllowed".into());
        }
        let cancelable = match poll.state(block, now_ms, ids) {
            PollState::Executed | PollState::Canceled | PollState::Expired => false,
            PollState::Pending => true,
            _ => guardian,
        };
        if !cancelable {
            return Err("NotCancelable".into());
        }
        poll.status = Status::Canceled;
        Ok(0)
    }

    pub fn queue(&mut self, poll: u8, (block, now_ms): (u32, u64), ids: &Identities) -> Verdict {
        let poll = self.find(poll)?;
        if poll.kind != PollKind::Proposal {
            return Err("NotAProposal".into());
        }
        if poll.state(block, now_ms, ids) != PollState::Succeeded {
            return Err("NotSucceeded".into());
        }
        let eta = now_ms + GOVERNANCE.timelock_ms;
        poll.status = Status::Queued {
            eta,
            expires: eta + GOVERNANCE.grace_ms,
        };
        Ok(0)
    }

    /// Executes a queued proposal within its window; returns its calls: whether it
    /// accepts the token's admin seat for e-voting, and whom it offers the seat to.
    pub fn execute(&mut self, poll: u8, now_ms: u64) -> Result<(bool, Option<AccountId>), String> {
        let poll = self.find(poll)?;
        let Status::Queued { eta, expires } = poll.status else {
            return Err("NotQueued".into());
        };
        if now_ms < eta {
            return Err("TimelockPending".into());
        }
        if now_ms >= expires {
            return Err("Expired".into());
        }
        poll.status = Status::Executed;
        Ok((poll.accept, poll.seize.then_some(poll.proposer)))
    }
}
