//! Typed calls to e-voting: `city.voting(ALICE).cast_vote(poll, 2)`. Each method sends the
//! message of the same name; the contract documents what it does and refuses.

use city_traits::{
    Ballot, BallotAct, Call, Electorate, GovernanceConfig, Poll, PollId, PollState, Revoting,
    Secrecy, Tally, VotingError,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use crate::{
    call::Outcome,
    city::{contract_account, City, Deployed},
};

/// E-voting, called by one actor.
pub struct VotingCalls<'a> {
    city: &'a mut City,
    caller: AccountId,
}

impl City {
    /// Calls e-voting as `caller` (an actor or any account).
    pub fn voting(&mut self, caller: impl Into<AccountId>) -> VotingCalls<'_> {
        VotingCalls {
            city: self,
            caller: caller.into(),
        }
    }
}

type VotingResult<T = ()> = Result<T, VotingError>;

/// A poll's question (or a proposal's description) and option labels.
pub type Texts = (String, Vec<String>);

/// A call for a proposal: `selector` of `contract` with `args`.
pub fn proposed_call(contract: &Deployed, selector: [u8; 4], args: impl Encode) -> Call {
    Call {
        callee: contract_account(contract),
        selector,
        input: args.encode(),
        value: 0,
    }
}

impl crate::upgrade::UpgradeCalls for VotingCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl VotingCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        let voting = self.city.voting.address.clone();
        self.city.send(&voting, self.caller, selector, args)
    }

    /// E-voting's `settings`: the rules, the guardian and the number of polls.
    pub fn settings(self) -> Outcome<(GovernanceConfig, AccountId, PollId)> {
        self.send(selector_bytes!("settings"), ())
    }

    pub fn config(self) -> Outcome<GovernanceConfig> {
        self.settings().map(|(config, _, _)| config)
    }

    pub fn guardian(self) -> Outcome<AccountId> {
        self.settings().map(|(_, guardian, _)| guardian)
    }

    pub fn poll_count(self) -> Outcome<PollId> {
        self.settings().map(|(_, _, polls)| polls)
    }

    /// E-voting's `poll`: the poll and its tally.
    pub fn poll_and_tally(self, poll: PollId) -> Outcome<Option<(Poll, Tally)>> {
        self.send(selector_bytes!("poll"), poll)
    }

    pub fn poll(self, poll: PollId) -> Outcome<Option<Poll>> {
        self.poll_and_tally(poll)
            .map(|found| found.map(|(poll, _)| poll))
    }

    pub fn tally(self, poll: PollId) -> Outcome<Option<Tally>> {
        self.poll_and_tally(poll)
            .map(|found| found.map(|(_, tally)| tally))
    }

    /// E-voting's `texts`: the question (or description), the option labels and a
    /// proposal's calls.
    pub fn texts_and_calls(self, poll: PollId) -> Outcome<Option<(Texts, Vec<Call>)>> {
        self.send(selector_bytes!("texts"), poll)
    }

    /// The question (or description) and the option labels.
    pub fn texts(self, poll: PollId) -> Outcome<Option<Texts>> {
        self.texts_and_calls(poll)
            .map(|found| found.map(|(texts, _)| texts))
    }

    pub fn proposal_calls(self, poll: PollId) -> Outcome<Vec<Call>> {
        self.texts_and_calls(poll)
            .map(|found| found.map(|(_, calls)| calls).unwrap_or_default())
    }

    pub fn ballot(self, poll: PollId, voter: impl Into<AccountId>) -> Outcome<Option<Ballot>> {
        self.send(selector_bytes!("ballot"), (poll, voter.into()))
    }

    pub fn state(self, poll: PollId) -> Outcome<VotingResult<PollState>> {
        self.send(selector_bytes!("state"), poll)
    }

    pub fn quorum(self, poll: PollId) -> Outcome<VotingResult<u128>> {
        self.send(selector_bytes!("quorum"), poll)
    }

    /// Opens a consultation; returns its number.
    pub fn create_poll(
        self,
        question: &str,
        options: &[&str],
        electorate: Electorate,
        secrecy: Secrecy,
        revoting: Revoting,
    ) -> Outcome<VotingResult<PollId>> {
        let options: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        let args = (question.to_string(), options, electorate, secrecy, revoting);
        self.send(selector_bytes!("create_poll"), args)
    }

    /// Proposes calls to make if the governance electorate votes For; returns its number.
    pub fn propose(
        self,
        description: &str,
        calls: &[Call],
        secrecy: Secrecy,
        revoting: Revoting,
    ) -> Outcome<VotingResult<PollId>> {
        let args = (description.to_string(), calls.to_vec(), secrecy, revoting);
        self.send(selector_bytes!("propose"), args)
    }

    pub fn cast_vote(self, poll: PollId, choice: u8) -> Outcome<VotingResult> {
        self.send(selector_bytes!("cast_vote"), (poll, choice))
    }

    pub fn commit_vote(self, poll: PollId, commitment: [u8; 32]) -> Outcome<VotingResult> {
        self.send(selector_bytes!("commit_vote"), (poll, commitment))
    }

    pub fn reveal_vote(self, poll: PollId, choice: u8, salt: [u8; 32]) -> Outcome<VotingResult> {
        self.send(selector_bytes!("reveal_vote"), (poll, choice, salt))
    }

    /// `voter`'s ballot, sent by the holder of the token's `Forwarder` role.
    pub fn vote_for(
        self,
        voter: impl Into<AccountId>,
        poll: PollId,
        act: BallotAct,
    ) -> Outcome<VotingResult> {
        self.send(selector_bytes!("vote_for"), (voter.into(), poll, act))
    }

    /// Queues a succeeded proposal; returns when it may be executed.
    pub fn queue(self, poll: PollId) -> Outcome<VotingResult<u64>> {
        self.send(selector_bytes!("queue"), poll)
    }

    pub fn execute(self, poll: PollId) -> Outcome<VotingResult> {
        self.send(selector_bytes!("execute"), poll)
    }

    pub fn cancel(self, poll: PollId) -> Outcome<VotingResult> {
        self.send(selector_bytes!("cancel"), poll)
    }

    pub fn set_config(self, config: GovernanceConfig) -> Outcome<VotingResult> {
        self.send(selector_bytes!("set_config"), config)
    }

    pub fn set_guardian(self, guardian: AccountId) -> Outcome<VotingResult> {
        self.send(selector_bytes!("set_guardian"), guardian)
    }
}

/// Every e-voting message the harness calls, by metadata label, for checking that the
/// typed calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "settings",
    "poll",
    "texts",
    "ballot",
    "state",
    "quorum",
    "create_poll",
    "propose",
    "cast_vote",
    "commit_vote",
    "reveal_vote",
    "vote_for",
    "queue",
    "execute",
    "cancel",
    "set_config",
    "set_guardian",
    "Upgradable::upgrade",
    "Upgradable::migrate",
];
