//! The reference model: the token and the reward rules in plain Rust, predicting each
//! step's outcome (success, or the exact error) and the state after it.

use std::collections::{BTreeMap, BTreeSet};

use city_traits::{Action, IdentityKind, Role};
use ink::primitives::AccountId;

use super::{
    polls::Polls, projects::ProjectModel, Step, ACTORS, BIN, CAP, REWARD_BUDGET, REWARD_CAP,
};
use crate::city::{ADMIN, BLOCK_TIME_MS, REWARD_EPOCH_MS, SHOP};

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
    pub receipts: BTreeSet<u8>,
    pub earned: BTreeMap<(AccountId, u64), u128>,
    pub minted_in_epoch: BTreeMap<u64, u128>,
    /// The sum of every reward paid by an attestation.
    pub attested: u128,
    pub now_ms: u64,
    pub block: u32,
    pub polls: Polls,
    /// The escrow's account, which holds the project's funds.
    pub escrow: AccountId,
    pub project: ProjectModel,
}

/// The identity kind of each actor in the fuzzed city's registry.
pub fn kind_of(account: AccountId) -> Option<IdentityKind> {
    ACTORS
        .iter()
        .find(|(actor, _)| actor.account() == account)
        .and_then(|(_, kind)| *kind)
}

/// The token roles the fuzzed city grants: the admin mints, burns and pauses; the shop is
/// a service provider.
pub fn holds(account: AccountId, role: Role) -> bool {
    match role {
        Role::Minter | Role::Burner | Role::Pauser => account == ADMIN.account(),
        Role::ServiceProvider => account == SHOP.account(),
    }
}

/// The reward rule per action: recyclables 2 coins per kg for citizens and residents, tax
/// a 1% rebate for citizens, nothing for volunteering (no rule).
pub fn rule(action: Action) -> Option<(u128, u128, &'static [IdentityKind])> {
    match action {
        Action::Recyclables => Some((200, 1_000, &[IdentityKind::Citizen, IdentityKind::Resident])),
        Action::TaxPaid => Some((1, 100, &[IdentityKind::Citizen])),
        _ => None,
    }
}

/// What the bin may report.
pub fn authorised(attester: AccountId, action: Action) -> bool {
    attester == BIN.account() && matches!(action, Action::Recyclables | Action::Volunteering)
}

impl Model {
    pub fn new(treasury: u128, now_ms: u64, block: u32, escrow: AccountId) -> Self {
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
            project: ProjectModel::new(0),
        }
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
        }
        verdict
    }

    fn try_apply(&mut self, step: &Step) -> Verdict {
        match *step {
            Step::Transfer { from, to, amount } => {
                let (from, to) = (from.account(), to.account());
                if self.paused {
                    return psp22_custom("Paused");
                }
                if from == to || amount == 0 {
                    return Ok(0);
                }
                self.ensure_policy(from, to)?;
                self.move_tokens(from, to, amount).map_err(psp22)?;
                Ok(0)
            }
            Step::Approve {
                owner,
                spender,
                amount,
            } => {
                if owner != spender {
                    self.set_allowance(owner.account(), spender.account(), amount);
                }
                Ok(0)
            }
            Step::TransferFrom {
                spender,
                from,
                to,
                amount,
            } => {
                let (spender, from, to) = (spender.account(), from.account(), to.account());
                if self.paused {
                    return psp22_custom("Paused");
                }
                if from == to || amount == 0 {
                    return Ok(0);
                }
                let left = self.check_spend(from, spender, amount).map_err(psp22)?;
                self.ensure_policy(from, to)?;
                if let Some(left) = left {
                    self.set_allowance(from, spender, left);
                }
                self.move_tokens(from, to, amount).map_err(psp22)?;
                Ok(0)
            }
            Step::Mint { caller, to, amount } => {
                if !holds(caller.account(), Role::Minter) {
                    return Err("MissingRole(Minter)".into());
                }
                self.mint(to.account(), amount)?;
                Ok(0)
            }
            Step::Burn {
                caller,
                from,
                amount,
            } => {
                let (burner, from) = (caller.account(), from.account());
                if !holds(burner, Role::Burner) {
                    return Err("MissingRole(Burner)".into());
                }
                if self.paused {
                    return Err("Paused".into());
                }
                if amount == 0 {
                    return Ok(0);
                }
                if let Some(left) = self.check_spend(from, burner, amount)? {
                    self.set_allowance(from, burner, left);
                }
                let left = self
                    .balance(from)
                    .checked_sub(amount)
                    .ok_or("InsufficientBalance")?;
                self.balances.insert(from, left);
                self.supply -= amount;
                Ok(0)
            }
            Step::Pause { caller } => {
                if !holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if self.paused {
                    return Err("Paused".into());
                }
                self.paused = true;
                Ok(0)
            }
            Step::Unpause { caller } => {
                if !holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if !self.paused {
                    return Err("NotPaused".into());
                }
                self.paused = false;
                Ok(0)
            }
            Step::SetCivicPolicy { caller, civic } => {
                if caller.account() != ADMIN.account() {
                    return Err("NotAdmin".into());
                }
                self.civic = civic;
                Ok(0)
            }
            Step::Redeem {
                citizen,
                provider,
                amount,
                memo,
            } => {
                let (citizen, provider) = (citizen.account(), provider.account());
                if self.paused {
                    return Err("Paused".into());
                }
                if amount == 0 {
                    return Err("ZeroAmount".into());
                }
                if usize::from(memo) > 64 {
                    return Err("MemoTooLong".into());
                }
                if provider == citizen {
                    return Err("SelfRedemption".into());
                }
                if !holds(provider, Role::ServiceProvider) {
                    return Err("NotServiceProvider".into());
                }
                self.move_tokens(citizen, provider, amount)?;
                Ok(0)
            }
            Step::Attest {
                attester,
                receipt,
                beneficiary,
                action,
                quantity,
            } => {
                let beneficiary = beneficiary.account();
                if !authorised(attester.account(), action) {
                    return Err("NotAuthorised".into());
                }
                if self.receipts.contains(&receipt) {
                    return Err("ReceiptSeen".into());
                }
                let (reward, per, kinds) = rule(action).ok_or("NoRule")?;
                if !kind_of(beneficiary).is_some_and(|kind| kinds.contains(&kind)) {
                    return Err("NotEligible".into());
                }
                let reward = quantity
                    .checked_mul(reward)
                    .map(|product| product / per)
                    .ok_or("Overflow")?;
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
                let paid = reward
                    .min(REWARD_CAP.saturating_sub(earned))
                    .min(REWARD_BUDGET.saturating_sub(minted));
                if paid > 0 {
                    self.mint(beneficiary, paid)
                        .map_err(|error| format!("TokenRefused({error})"))?;
                }
                self.receipts.insert(receipt);
                self.earned.insert((beneficiary, epoch), earned + paid);
                self.minted_in_epoch.insert(epoch, minted + paid);
                self.attested += paid;
                Ok(paid)
            }
            Step::OpenPoll {
                caller,
                options,
                revote,
            } => self
                .polls
                .open(caller.account(), options, false, revote, self.block),
            Step::Propose { caller, revote } => {
                self.polls
                    .open(caller.account(), 2, true, revote, self.block)
            }
            Step::Vote {
                voter,
                poll,
                choice,
            } => self.polls.vote(voter.account(), poll, choice, self.block),
            Step::CancelPoll { caller, poll } => {
                self.polls
                    .cancel(caller.account(), poll, self.block, self.now_ms)
            }
            Step::Queue { poll, .. } => self.polls.queue(poll, self.block, self.now_ms),
            Step::Execute { poll, .. } => self.polls.execute(poll, self.now_ms),
            Step::Fund { funder, amount } => {
                let funder = funder.account();
                self.project.fund(funder, amount, self.now_ms)?;
                self.escrow_takes(funder, amount)?;
                Ok(0)
            }
            Step::Inspect {
                inspector,
                milestone,
                approve,
            } => self
                .project
                .inspect(inspector.account(), milestone, approve),
            Step::Dispute { caller, milestone } => {
                self.project.dispute(caller.account(), milestone)
            }
            Step::Resolve {
                caller,
                milestone,
                release,
            } => self.project.resolve(caller.account(), milestone, release),
            Step::Release { milestone, .. } => {
                for (to, amount) in self.project.release(milestone)? {
                    self.escrow_pays(to, amount)?;
                }
                Ok(0)
            }
            Step::CancelProject { caller } => self.project.cancel(caller.account(), self.now_ms),
            Step::ClaimRefund { funder } => {
                let funder = funder.account();
                let amount = self.project.claim(funder)?;
                self.escrow_pays(funder, amount)?;
                Ok(0)
            }
            Step::NextBlocks { blocks } => {
                self.block += u32::from(blocks);
                self.now_ms += u64::from(blocks) * BLOCK_TIME_MS;
                Ok(0)
            }
            Step::NextDay => {
                self.block += 1;
                self.now_ms += REWARD_EPOCH_MS;
                Ok(0)
            }
        }
    }

    /// The escrow takes `amount` from `from` with `transfer_from` (it holds an allowance).
    fn escrow_takes(&mut self, from: AccountId, amount: u128) -> Result<(), String> {
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
    fn escrow_pays(&mut self, to: AccountId, amount: u128) -> Result<(), String> {
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

    fn ensure_policy(&self, from: AccountId, to: AccountId) -> Result<(), String> {
        let provider = |account| holds(account, Role::ServiceProvider);
        if self.civic && !provider(from) && !provider(to) {
            return psp22_custom("PolicyForbidsTransfer").map(|_| ());
        }
        Ok(())
    }

    fn check_spend(
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

    fn set_allowance(&mut self, owner: AccountId, spender: AccountId, amount: u128) {
        self.allowances.insert((owner, spender), amount);
    }

    fn move_tokens(&mut self, from: AccountId, to: AccountId, amount: u128) -> Result<(), String> {
        let left = self
            .balance(from)
            .checked_sub(amount)
            .ok_or("InsufficientBalance")?;
        self.balances.insert(from, left);
        let credited = self.balance(to) + amount;
        self.balances.insert(to, credited);
        Ok(())
    }

    fn mint(&mut self, to: AccountId, amount: u128) -> Result<(), String> {
        if self.paused {
            return Err("Paused".into());
        }
        if amount == 0 {
            return Ok(());
        }
        let supply = self
            .supply
            .checked_add(amount)
            .filter(|supply| *supply <= CAP)
            .ok_or("CapExceeded")?;
        self.supply = supply;
        let credited = self.balance(to) + amount;
        self.balances.insert(to, credited);
        Ok(())
    }
}

/// A token error as a PSP22 message reports it.
fn psp22(error: String) -> String {
    match error.as_str() {
        "InsufficientBalance" | "InsufficientAllowance" => error,
        other => format!("Custom({other:?})"),
    }
}

fn psp22_custom(name: &str) -> Verdict {
    Err(format!("Custom({name:?})"))
}
