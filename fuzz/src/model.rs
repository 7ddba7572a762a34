//! The reference model: the token, the registry's identities, the reward rules, e-voting
//! and the escrow in plain Rust, predicting each step's outcome (success, or the exact
//! error) and the state after it.

use std::collections::{BTreeMap, BTreeSet};

use city_traits::{Action, IdentityKind, PollKind, Role};
use ink::primitives::AccountId;
use num_bigint::BigUint;

use super::{
    identities::Identities, polls::Polls, projects::ProjectModel, Money, Step, BIN, CAP,
    REWARD_BUDGET, REWARD_CAP, ROGUE_BIN, TREASURY,
};
use harness::city::{Actor, ADMIN, ALICE, BLOCK_TIME_MS, REWARD_EPOCH_MS, SHOP};

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

/// The reward rule per action: recyclables 2 coins per kg for citizens and residents, tax
/// a 1% rebate for citizens (a reward in `money` per cent of tax), nothing for
/// volunteering (no rule).
pub fn rule(action: Action, money: Money) -> Option<(u128, u128, &'static [IdentityKind])> {
    match action {
        Action::Recyclables => Some((
            money.of(200),
            1_000,
            &[IdentityKind::Citizen, IdentityKind::Resident],
        )),
        Action::TaxPaid => Some((money.of(1), 100, &[IdentityKind::Citizen])),
        _ => None,
    }
}

/// What the bin and the rogue bin may report.
pub fn authorised(attester: AccountId, action: Action) -> bool {
    (attester == BIN.account() && matches!(action, Action::Recyclables | Action::Volunteering))
        || (attester == ROGUE_BIN.account() && action == Action::Recyclables)
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
                if !self.holds(caller.account(), Role::Minter) {
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
                if !self.holds(burner, Role::Burner) {
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
                if !self.holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if self.paused {
                    return Err("Paused".into());
                }
                self.paused = true;
                Ok(0)
            }
            Step::Unpause { caller } => {
                if !self.holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if !self.paused {
                    return Err("NotPaused".into());
                }
                self.paused = false;
                Ok(0)
            }
            Step::SetCivicPolicy { caller, civic } => {
                if caller.account() != self.token_admin {
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
                if !self.holds(provider, Role::ServiceProvider) {
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
                let (attester, beneficiary) = (attester.account(), beneficiary.account());
                if !authorised(attester, action) {
                    return Err("NotAuthorised".into());
                }
                if self.receipts.contains(&(attester, receipt)) {
                    return Err("ReceiptSeen".into());
                }
                let (reward, per, kinds) = rule(action, self.money).ok_or("NoRule")?;
                if !self
                    .identities
                    .kind_of(beneficiary, self.now_ms)
                    .is_some_and(|kind| kinds.contains(&kind))
                {
                    return Err("NotEligible".into());
                }
                // Pro rata, rounded down, exactly (README: the reward rules in brief).
                let reward = u128::try_from(
                    BigUint::from(quantity) * BigUint::from(reward) / BigUint::from(per),
                )
                .map_err(|_| "Overflow")?;
                let epoch = self.epoch();
                let (cap_left, budget_left) = self.rewards_left(beneficiary);
                let paid = reward.min(cap_left).min(budget_left);
                if paid > 0 {
                    self.mint(beneficiary, paid)
                        .map_err(|error| format!("TokenRefused({error})"))?;
                }
                self.receipts.insert((attester, receipt));
                *self.earned.entry((beneficiary, epoch)).or_default() += paid;
                *self.minted_in_epoch.entry(epoch).or_default() += paid;
                self.attested += paid;
                Ok(paid)
            }
            Step::OpenPoll {
                caller,
                options,
                secrecy,
                revoting,
                tokens,
            } => self.polls.open(
                caller.account(),
                options,
                (PollKind::Consultation, secrecy, revoting, tokens),
                (self.block, self.now_ms),
            ),
            Step::Propose {
                caller,
                secrecy,
                revoting,
                seize,
                accept,
            } => {
                self.polls.open(
                    caller.account(),
                    2,
                    (PollKind::Proposal, secrecy, revoting, false),
                    (self.block, self.now_ms),
                )?;
                let opened = self.polls.polls.last_mut().expect("just opened");
                (opened.seize, opened.accept) = (seize, accept);
                Ok(0)
            }
            Step::Vote {
                voter,
                poll,
                choice,
            } => self.polls.vote(
                voter.account(),
                (poll, choice),
                self.block,
                &self.identities,
            ),
            Step::Commit {
                voter,
                poll,
                choice,
                salt,
            } => self.polls.commit(
                voter.account(),
                (poll, choice, salt),
                self.block,
                &self.identities,
            ),
            Step::Reveal {
                voter,
                poll,
                choice,
                salt,
            } => self
                .polls
                .reveal(voter.account(), (poll, choice, salt), self.block),
            Step::CancelPoll { caller, poll } => self.polls.cancel(
                caller.account(),
                poll,
                (self.block, self.now_ms),
                &self.identities,
            ),
            Step::Queue { poll, .. } => {
                self.polls
                    .queue(poll, (self.block, self.now_ms), &self.identities)
            }
            Step::Execute { poll, .. } => {
                let (accept, seize) = self.polls.execute(poll, self.now_ms)?;
                // The calls run in order, e-voting their caller; if one is refused, the
                // whole execution reverts.
                let mut index = 0;
                if accept {
                    if self.token_offered != Some(self.voting) {
                        return Err(format!("CallFailed {{ index: {index} }}"));
                    }
                    (self.token_admin, self.token_offered) = (self.voting, None);
                    index += 1;
                }
                if let Some(proposer) = seize {
                    if self.token_admin != self.voting {
                        return Err(format!("CallFailed {{ index: {index} }}"));
                    }
                    self.token_offered = Some(proposer);
                }
                Ok(0)
            }
            Step::Fund { funder, amount } => {
                let funder = funder.account();
                let policy = (self.civic, self.holds(funder, Role::ServiceProvider));
                self.project.fund(funder, amount, self.now_ms, policy)?;
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
            Step::IncreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let (owner, spender) = (owner.account(), spender.account());
                if owner != spender && amount != 0 {
                    let raised = self.allowance(owner, spender).saturating_add(amount);
                    self.set_allowance(owner, spender, raised);
                }
                Ok(0)
            }
            Step::DecreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let (owner, spender) = (owner.account(), spender.account());
                if owner != spender && amount != 0 {
                    let left = self
                        .allowance(owner, spender)
                        .checked_sub(amount)
                        .ok_or("InsufficientAllowance")?;
                    self.set_allowance(owner, spender, left);
                }
                Ok(0)
            }
            Step::TrackVotes { caller } => {
                self.tracking.insert(caller.account());
                Ok(0)
            }
            Step::GrantRole { caller, role, to } => {
                self.ensure_token_admin(caller)?;
                self.roles.insert((to.account(), role.bit()));
                Ok(0)
            }
            Step::RevokeRole { caller, role, from } => {
                self.ensure_token_admin(caller)?;
                self.roles.remove(&(from.account(), role.bit()));
                Ok(0)
            }
            Step::OfferTokenAdmin { caller, to } => {
                self.ensure_token_admin(caller)?;
                // An offer to the holder itself withdraws the offer.
                self.token_offered = (to.account() != self.token_admin).then(|| to.account());
                Ok(0)
            }
            Step::AcceptTokenAdmin { caller } => {
                if self.token_offered != Some(caller.account()) {
                    return Err("NotOffered".into());
                }
                (self.token_admin, self.token_offered) = (caller.account(), None);
                Ok(0)
            }
            Step::HandOverToken { caller } => {
                self.ensure_token_admin(caller)?;
                self.token_offered = Some(self.voting);
                Ok(0)
            }
            Step::SetLimits {
                caller,
                cap,
                budget,
            } => {
                if caller.account() != self.rewards_admin {
                    return Err("NotAdmin".into());
                }
                self.reward_cap = cap;
                self.reward_budget = budget;
                Ok(0)
            }
            Step::Register {
                caller,
                account,
                kind,
                document,
            } => {
                self.ensure_registrar(caller)?;
                self.identities.register(
                    account.account(),
                    kind,
                    super::identities::document(usize::from(document)),
                    (self.block, self.now_ms + 365 * REWARD_EPOCH_MS),
                )
            }
            Step::RevokeIdentity { caller, account } => {
                self.ensure_registrar(caller)?;
                self.identities.revoke(account.account(), self.block)
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

    fn ensure_token_admin(&self, caller: Actor) -> Result<(), String> {
        if caller.account() != self.token_admin {
            return Err("NotAdmin".into());
        }
        Ok(())
    }

    /// Only the admin is a registrar in the fuzzed city.
    fn ensure_registrar(&self, caller: Actor) -> Result<(), String> {
        if caller != ADMIN {
            return Err("NotRegistrar".into());
        }
        Ok(())
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
        let provider = |account| self.holds(account, Role::ServiceProvider);
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
            .filter(|supply| *supply <= self.cap)
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
