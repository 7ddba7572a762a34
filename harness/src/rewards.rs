//! Typed calls to the reward rules: `city.rewards(BIN).attest(receipt, ALICE, Recyclables,
//! 2_500)`. Each method sends the message of the same name; the contract documents what it
//! does and refuses.

use city_traits::{
    kinds, Action, Attestation, BatchError, CivicRole, IdentityKind, RewardError, Rule, Timestamp,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use drink::AccountId32;

use crate::{
    admin::AdminCalls,
    call::Outcome,
    city::{City, Deployed, ADMIN},
};

/// The reward rules, called by one actor.
pub struct RewardCalls<'a> {
    city: &'a mut City,
    address: AccountId32,
    caller: AccountId,
}

impl City {
    /// Calls the reward rules as `caller` (an actor or any account).
    pub fn rewards(&mut self, caller: impl Into<AccountId>) -> RewardCalls<'_> {
        let address = self.rewards.address.clone();
        RewardCalls {
            city: self,
            address,
            caller: caller.into(),
        }
    }

    /// Installs a device: `ADMIN` makes it an attester in the registry and authorises it
    /// for `actions` in the reward rules.
    ///
    /// # Errors
    /// If `ADMIN` may not (the error names the call).
    pub fn install_device(
        &mut self,
        device: impl Into<AccountId>,
        actions: &[Action],
    ) -> anyhow::Result<()> {
        let device = device.into();
        self.grant_civic_role(CivicRole::Attester, [device])?;
        self.rewards(ADMIN)
            .authorise_attester(device, actions)
            .accepted()
    }

    /// `ADMIN` sets the rule of `action`, effective now: `reward` per `per` units, for
    /// identities of `who`.
    ///
    /// # Errors
    /// If `ADMIN` may not, or the rule is refused (the error names the call).
    pub fn set_reward(
        &mut self,
        action: Action,
        (reward, per): (u128, u128),
        who: &[IdentityKind],
    ) -> anyhow::Result<()> {
        let rule = Rule {
            reward,
            per,
            kinds: kinds(who),
        };
        self.rewards(ADMIN)
            .set_rule(action, Some(rule), 0)
            .accepted()
    }

    /// Calls another instance (an adversarial test's) as `caller`.
    pub fn rewards_at(
        &mut self,
        instance: &Deployed,
        caller: impl Into<AccountId>,
    ) -> RewardCalls<'_> {
        RewardCalls {
            city: self,
            address: instance.address.clone(),
            caller: caller.into(),
        }
    }
}

type RewardResult<T = ()> = Result<T, RewardError>;

/// A rule schedule as the contract encodes it: the rule in force, and its successor with
/// the time it applies from (`None` retires the rule).
pub type Schedule = (Option<Rule>, Option<(Timestamp, Option<Rule>)>);

impl AdminCalls for RewardCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for RewardCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl RewardCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.city.send(&self.address, self.caller, selector, args)
    }

    pub fn rule(self, action: Action) -> Outcome<Option<Rule>> {
        self.send(selector_bytes!("rule"), action)
    }

    /// The rule in force for `action` and its scheduled successor.
    pub fn schedule(self, action: Action) -> Outcome<Schedule> {
        self.send(selector_bytes!("schedule"), action)
    }

    pub fn epoch(self) -> Outcome<u64> {
        self.send(selector_bytes!("epoch"), ())
    }

    pub fn remaining_cap(self, beneficiary: impl Into<AccountId>) -> Outcome<u128> {
        self.send(selector_bytes!("remaining_cap"), beneficiary.into())
    }

    pub fn remaining_budget(self) -> Outcome<u128> {
        self.send(selector_bytes!("remaining_budget"), ())
    }

    /// Everything the beneficiary earned, and what it earned for `action`.
    pub fn earned(
        self,
        beneficiary: impl Into<AccountId>,
        action: Action,
    ) -> Outcome<(u128, u128)> {
        self.send(selector_bytes!("earned"), (beneficiary.into(), action))
    }

    pub fn minted_total(self) -> Outcome<u128> {
        self.send(selector_bytes!("minted_total"), ())
    }

    /// Whether `attester` already reported `receipt` (receipts are scoped by attester).
    pub fn receipt_seen(self, attester: impl Into<AccountId>, receipt: [u8; 32]) -> Outcome<bool> {
        self.send(selector_bytes!("receipt_seen"), (attester.into(), receipt))
    }

    pub fn attester_actions(self, attester: impl Into<AccountId>) -> Outcome<Vec<Action>> {
        self.send(selector_bytes!("attester_actions"), attester.into())
    }

    pub fn set_rule(
        self,
        action: Action,
        rule: Option<Rule>,
        from: Timestamp,
    ) -> Outcome<RewardResult> {
        self.send(selector_bytes!("set_rule"), (action, rule, from))
    }

    pub fn authorise_attester(
        self,
        attester: impl Into<AccountId>,
        actions: &[Action],
    ) -> Outcome<RewardResult> {
        let args = (attester.into(), actions.to_vec());
        self.send(selector_bytes!("authorise_attester"), args)
    }

    pub fn set_limits(self, cap_per_epoch: u128, budget_per_epoch: u128) -> Outcome<RewardResult> {
        let args = (cap_per_epoch, budget_per_epoch);
        self.send(selector_bytes!("set_limits"), args)
    }

    /// Reports a civic action; returns the reward paid.
    pub fn attest(
        self,
        receipt: [u8; 32],
        beneficiary: impl Into<AccountId>,
        action: Action,
        quantity: u128,
    ) -> Outcome<RewardResult<u128>> {
        let args = (receipt, beneficiary.into(), action, quantity);
        self.send(selector_bytes!("attest"), args)
    }

    /// Reports a batch, all or none; returns the total paid.
    pub fn attest_batch(self, batch: &[Attestation]) -> Outcome<Result<u128, BatchError>> {
        self.send(selector_bytes!("attest_batch"), batch.to_vec())
    }
}

/// Every reward-rules message the harness calls, by metadata label, for checking that the
/// typed calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "rule",
    "schedule",
    "epoch",
    "remaining_cap",
    "remaining_budget",
    "earned",
    "minted_total",
    "receipt_seen",
    "attester_actions",
    "set_rule",
    "authorise_attester",
    "set_limits",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
    "attest",
    "attest_batch",
    "Upgradable::upgrade",
    "Upgradable::migrate",
];
