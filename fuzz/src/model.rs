//! The reference model: the token, the registry's identities, the reward rules, e-voting
//! and the escrow in plain Rust, predicting each step's outcome (success, or the exact
//! error) and the state after it.

use std::collections::{BTreeMap, BTreeSet};

use city_traits::Role;
use ink::primitives::AccountId;

use super::{
    identities::Identities, polls::Polls, projects::ProjectModel, Money, Step, CAP, REWARD_BUDGET,
    REWARD_CAP, TREASURY,
};
use harness::city::{Actor, ADMIN, ALICE, REWARD_EPOCH_MS, SHOP};

/// A step's outcome, as both sides report it: `Ok`, or the error's debug form.
pub type Verdict = Result<u128, String>;

/// What the model knows of the suite.
#[derive(Debug, Clone)]
pub struct Model {
    pub balances: BTreeMap<AccountId, u128>,
    pub allowances: BTreeMap<(AccountId, AccountId), u128>,
    pub supply: u128,
    pub paused: bool,
    pub civic: bool,
    /// Receipts paid, per attester (a device's ids are its own).
    pub receipts: BTreeSet<(AccountId, u8)>,
    pub earned: BTreeMap<(AccountId, u64), u128>,
    pub minted_in_epoch: BTreeMap<u64, u128>,
    /// The sum of every reward paid by an attestation.
    pub attested: u128,
    pub now_ms: u64,
    pub block: u32,
    pub polls: Polls,
    /// The escrow's account, which holds the project's funds.
    pub escrow: AccountId,
    /// E-voting's account, which may come to hold the token's admin seat.
    pub voting: AccountId,
    pub project: ProjectModel,
    pub identities: Identities,
    pub token_admin: AccountId,
    /// The account the token's admin seat is offered to, if any.
    pub token_offered: Option<AccountId>,
    /// Token roles held: (account, role bit).
    pub roles: BTreeSet<(AccountId, u8)>,
    /// Accounts that opted in to voting power.
    pub tracking: BTreeSet<AccountId>,
    pub rewards_admin: AccountId,
    pub reward_cap: u128,
    pub reward_budget: u128,
    /// How the city counts money, and its cap in the token's smallest units.
    pub money: Money,
    pub cap: u128,
}

impl Model {
    /// The fuzzed city as `World::new` sets it up: the admin mints, burns and pauses, the
    /// shop is a service provider, the cast is registered at `registered_ms`, alice tracks
    /// her votes.
    pub fn new(
        money: Money,
        (registered_ms, now_ms, block): (u64, u64, u32),
        (escrow, voting): (AccountId, AccountId),
    ) -> Self {
        let treasury = money.of(TREASURY);
        let admin = ADMIN.account();
        let roles = [
            (admin, Role::Minter),
            (admin, Role::Burner),
            (admin, Role::Pauser),
            (SHOP.account(), Role::ServiceProvider),
        ];
        Self {
            balances: BTreeMap::from([(ADMIN.account(), treasury)]),
            allowances: BTreeMap::new(),
            supply: treasury,
            paused: false,
            civic: false,
            receipts: BTreeSet::new(),
            earned: BTreeMap::new(),
            minted_in_epoch: BTreeMap::new(),
            attested: 0,
            now_ms,
            block,
            polls: Polls::default(),
            escrow,
            voting,
            project: ProjectModel::new(0, money),
            identities: Identities::of_the_cast(0, registered_ms),
            token_admin: admin,
            token_offered: None,
            roles: roles.map(|(account, role)| (account, role.bit())).into(),
            tracking: BTreeSet::from([ALICE.account()]),
            rewards_admin: admin,
            reward_cap: money.of(REWARD_CAP),
            reward_budget: money.of(REWARD_BUDGET),
            money,
            cap: money.of(CAP),
        }
    }

    /// Whether `account` holds the token's `role`.
    pub fn holds(&self, account: AccountId, role: Role) -> bool {
        self.roles.contains(&(account, role.bit()))
    }

    /// What `beneficiary` may still earn this epoch, and all together.
    pub fn rewards_left(&self, beneficiary: AccountId) -> (u128, u128) {
        let epoch = self.epoch();
        let earned = self
            .earned
            .get(&(beneficiary, epoch))
            .copied()
            .unwrap_or_default();
        let minted = self
            .minted_in_epoch
            .get(&epoch)
            .copied()
            .unwrap_or_default();
        (
            self.reward_cap.saturating_sub(earned),
            self.reward_budget.saturating_sub(minted),
        )
    }

    pub fn balance(&self, account: AccountId) -> u128 {
        self.balances.get(&account).copied().unwrap_or_default()
    }

    pub fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
        self.allowances
            .get(&(owner, spender))
            .copied()
            .unwrap_or_default()
    }

    pub fn epoch(&self) -> u64 {
        self.now_ms / REWARD_EPOCH_MS
    }

    /// Applies `step` to the model and returns its predicted outcome. A refused step
    /// leaves the model unchanged.
    pub fn apply(&mut self, step: &Step) -> Verdict {
        let mut next = self.clone();
        let verdict = next.try_apply(step);
        if verdict.is_ok() {
            *self = next;
            self.record_power();
        }
        verdict
    }

    /// Notes the voting power and the supply as they stand, for later snapshots.
    pub fn record_power(&mut self) {
        let tracked: Vec<(AccountId, u128)> = self
            .tracking
            .iter()
            .map(|account| (*account, self.balance(*account)))
            .collect();
        self.identities
            .record_power(self.block, self.supply, tracked.into_iter());
    }

    fn try_apply(&mut self, step: &Step) -> Verdict {
        match *step {
            Step::Token(step) => self.predict_token(step),
            Step::Registry(step) => self.predict_registry(step),
            Step::Rewards(step) => self.predict_rewards(step),
            Step::Voting(step) => self.predict_voting(step),
            Step::Escrow(step) => self.predict_escrow(step),
            Step::Clock(step) => {
                self.pass(step);
                Ok(0)
            }
        }
    }

    pub(crate) fn ensure_token_admin(&self, caller: Actor) -> Result<(), String> {
        if caller.account() != self.token_admin {
            return Err("NotAdmin".into());
        }
        Ok(())
    }

    /// Only the admin is a registrar in the fuzzed city.
    pub(crate) fn ensure_registrar(&self, caller: Actor) -> Result<(), String> {
        if caller != ADMIN {
            return Err("NotRegistrar".into());
        }
        Ok(())
    }

    /// The escrow takes `amount` from `from` with `transfer_from` (it holds an allowance).
    pub(crate) fn escrow_takes(&mut self, from: AccountId, amount: u128) -> Result<(), String> {
        let refused = |error: String| format!("TokenRefused({error})");
        if self.paused {
            return Err(refused(r#"Custom("Paused")"#.into()));
        }
        let escrow = self.escrow;
        let left = self
            .check_spend(from, escrow, amount)
            .map_err(|error| refused(psp22(error)))?;
        self.ensure_policy(from, escrow).map_err(refused)?;
        if let Some(left) = left {
            self.set_allowance(from, escrow, left);
        }
        self.move_tokens(from, escrow, amount)
            .map_err(|error| refused(psp22(error)))
    }

    /// The escrow pays `amount` to `to` with `transfer` (nothing for a zero amount).
    pub(crate) fn escrow_pays(&mut self, to: AccountId, amount: u128) -> Result<(), String> {
        let refused = |error: String| format!("TokenRefused({error})");
        if amount == 0 {
            return Ok(());
        }
        if self.paused {
            return Err(refused(r#"Custom("Paused")"#.into()));
        }
        let escrow = self.escrow;
        self.ensure_policy(escrow, to).map_err(refused)?;
        self.move_tokens(escrow, to, amount)
            .map_err(|error| refused(psp22(error)))
    }

    pub(crate) fn ensure_policy(&self, from: AccountId, to: AccountId) -> Result<(), String> {
        let provider = |account| self.holds(account, Role::ServiceProvider);
        if self.civic && !provider(from) && !provider(to) {
            return psp22_custom("PolicyForbidsTransfer").map(|_| ());
        }
        Ok(())
    }

    pub(crate) fn check_spend(
        &self,
        owner: AccountId,
        spender: AccountId,
        amount: u128,
    ) -> Result<Option<u128>, String> {
        if owner == spender {
            return Ok(None);
        }
        let left = self
            .allowance(owner, spender)
            .checked_sub(amount)
            .ok_or("InsufficientAllowance")?;
        if self.balance(owner) < amount {
            return Err("InsufficientBalance".into());
        }
        Ok(Some(left))
    }

    pub(crate) fn set_allowance(&mut self, owner: AccountId, spender: AccountId, amount: u128) {
        self.allowances.insert((owner, spender), amount);
    }

    pub(crate) fn move_tokens(
        &mut self,
        from: AccountId,
        to: AccountId,
        amount: u128,
    ) -> Result<(), String> {
        let left = self
            .balance(from)
            .checked_sub(amount)
            .ok_or("InsufficientBalance")?;
        self.balances.insert(from, left);
        let credited = self.balance(to) + amount;
        self.balances.insert(to, credited);
        Ok(())
    }

    pub(crate) fn mint(&mut self, to: AccountId, amount: u128) -> Result<(), String> {
        if self.paused {
            return Err("Paused".into());
        }
        if amount == 0 {
            return Ok(());
        }
        let supply = self
            .supply
            .checked_add(amount)
            .filter(|supply| *supply <= self.cap)
            .ok_or("CapExceeded")?;
        self.supply = supply;
        let credited = self.balance(to) + amount;
        self.balances.insert(to, credited);
        Ok(())
    }
}

/// A token error as a PSP22 message reports it.
pub(crate) fn psp22(error: String) -> String {
    match error.as_str() {
        "InsufficientBalance" | "InsufficientAllowance" => error,
        other => format!("Custom({other:?})"),
    }
}

pub(crate) fn psp22_custom(name: &str) -> Verdict {
    Err(format!("Custom({name:?})"))
}
