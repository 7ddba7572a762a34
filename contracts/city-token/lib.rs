//! # City token
//!
//! The ink-city currency: a PSP22 token (with PSP22Metadata) that citizens earn for civic
//! actions and spend at city services and shops.
//!
//! On top of PSP22 it has:
//! - **roles**: one admin, who grants and revokes minter, burner, pauser and service
//!   provider, and hands the admin seat over in two steps (to governance, after
//!   deployment): `offer_admin(to)`, then `accept_admin()` by `to` (city-traits'
//!   [`Admin`](city_traits::Admin), selectors `Admin::offer_admin` and so on);
//! - **pause**: stops transfers, mint, burn and redemption;
//! - **cap**: the supply ceiling, fixed at construction;
//! - **voting power at a past block**: holders who opt in with `track_votes` have their
//!   balance checkpointed, and `votes_at(account, block)` reads it for any finished block;
//!   `total_supply_at(block)` always works. E-voting weighs token votes at a snapshot;
//! - **redemption**: `redeem(provider, amount, memo)` pays a registered service provider
//!   and emits a `Redeemed` event the provider indexes;
//! - **transfer policy**: `Open`, or `Civic`, where every transfer needs a service provider
//!   on one side, so points cannot be traded between citizens but remain spendable.
//!
//! ## Why voting power is opt-in
//! Recording a balance's history costs every transfer of that balance storage writes, and
//! the city token has to stay cheap for the many holders who never vote with it (votes of
//! one citizen, one voice come from the citizen registry). So, like ERC20Votes, where
//! holders delegate before their tokens count, a holder opts in once with `track_votes`
//! (there is no delegation to others): from that block on its balance is voting power.
//! A plain holder's transfer costs what the PSP22 reference's does, plus the size of the
//! extra features; a voter's transfer also keeps the latest checkpoint in the balance's
//! cell and, every second block in which the balance changes, archives a page of two.
//!
//! ## Why the ledger is not `psp22::PSP22Data`
//! The `psp22` crate gives us the standard's trait (and thus its selectors), its error type
//! and its `Transfer`/`Approval` events, and its conformance suite runs against this
//! contract. Its `PSP22Data` ledger keeps balances in a private `Mapping<AccountId, u128>`,
//! though, and a voter's history has to change in the same step as the balance, and roles
//! are checked on the same accounts a civic transfer touches. Built on top of it, a
//! transfer would read and write a second cell per side; here balance, roles and history
//! share one cell.
//!
//! ## Semantics worth knowing
//! - Zero-amount and self transfers are no-ops (no event), as PSP22 says; so are
//!   zero-amount mint and burn, and granting a role already held.
//! - `transfer_from` checks the allowance before the balance, and emits `Approval` with the
//!   allowance left.
//! - Errors are typed ([`TokenError`], and [`AdminError`](city_traits::AdminError) for
//!   the admin seat's messages); PSP22 messages report them as [`PSP22Error`]
//!   (`Custom("Paused")`, `Custom("PolicyForbidsTransfer")`). Every check comes before any
//!   write, so a refused call changes nothing.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

mod checkpoints;
#[cfg(test)]
mod tests;

#[ink::contract]
mod city_token {
    use crate::checkpoints::{History, Page, Tracked};
    use city_traits::{
        emit,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, CivicToken, PSP22Error, PSP22Metadata, Role, Text, TokenAct,
        TokenError, TransferPolicy, MAX_PAYMENTS, PSP22,
    };
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };
    use psp22::{Approval, Transfer};

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    #[cfg(not(feature = "upgrade-fixture"))]
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    #[cfg(not(feature = "upgrade-fixture"))]
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The upgrade fixture (`contracts/city-token-v2`): version 2 appends the
    /// `upgraded_at` cell, which its migration from version 1 fills.
    #[cfg(feature = "upgrade-fixture")]
    pub const STORAGE_VERSION: u16 = 2;
    #[cfg(feature = "upgrade-fixture")]
    pub const MIGRATES_FROM: &[u16] = &[1];
    /// The storage this code reads and writes: the token's, at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("city-token"),
        version: STORAGE_VERSION,
    };

    /// The longest memo a redemption may carry, in bytes (an order or ticket reference).
    pub const MAX_MEMO_LEN: usize = 64;

    /// Name, symbol and decimals, read rarely and so kept out of the root cell that every
    /// call loads.
    #[derive(Debug, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Metadata {
        name: Option<Text>,
        symbol: Option<Text>,
        decimals: u8,
    }

    /// What the token knows of one account.
    #[derive(Debug, Default)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Account {
        balance: Balance,
        /// The balance's history, once the holder opted in to voting with it.
        votes: Option<History>,
        /// One bit per [`Role`].
        roles: u8,
    }

    /// An archived page's owner (`None` for the total supply) and index.
    type PageKey = (Option<AccountId>, u32);

    #[ink(storage)]
    pub struct CityToken {
        admin: AdminSeat,
        paused: bool,
        policy: TransferPolicy,
        cap: Balance,
        supply: Tracked,
        /// Each account's balance, roles and (for voters) balance history, in one cell.
        accounts: Mapping<AccountId, Account>,
        /// Archived checkpoint pages by owner and index: `None` for the total supply,
        /// `Some(account)` for a voter's balance.
        archive: Mapping<PageKey, Page>,
        allowances: Mapping<(AccountId, AccountId), Balance>,
        metadata: Lazy<Metadata>,
        /// Each holder of the `Forwarder` role and the admin that named it: it holds the
        /// role only while that admin holds the seat.
        forwarders: Mapping<AccountId, AccountId>,
        /// The block of the migration to version 2 (the upgrade fixture only).
        #[cfg(feature = "upgrade-fixture")]
        upgraded_at: Lazy<BlockNumber>,
    }

    /// `role` was granted to `account` by the admin.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RoleGranted {
        pub role: Role,
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// `account` lost `role`, revoked by the admin or renounced (`by == account`).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RoleRevoked {
        pub role: Role,
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// A pauser stopped the token.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct TokenPaused {
        #[ink(topic)]
        pub by: AccountId,
    }

    /// A pauser restarted the token.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct TokenUnpaused {
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The admin changed who may pay whom.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct TransferPolicyChanged {
        pub policy: TransferPolicy,
    }

    /// `account` opted in: its balance counts as voting power from this block on.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct VotesTracked {
        #[ink(topic)]
        pub account: AccountId,
    }

    /// `citizen` spent `amount` at `provider`; `memo` is the provider's order reference.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct Redeemed {
        #[ink(topic)]
        pub citizen: AccountId,
        #[ink(topic)]
        pub provider: AccountId,
        pub amount: Balance,
        pub memo: Vec<u8>,
    }

    impl CityToken {
        /// Creates the token; the caller becomes admin and receives `initial_supply`.
        ///
        /// # Errors
        /// `InitialSupplyAboveCap` if `initial_supply > cap`.
        ///
        /// # Events
        /// `Transfer { from: None, to: Some(caller) }` if `initial_supply > 0`.
        #[ink(constructor)]
        pub fn new(
            name: Option<Text>,
            symbol: Option<Text>,
            decimals: u8,
            cap: Balance,
            initial_supply: Balance,
        ) -> Result<Self, TokenError> {
            if initial_supply > cap {
                return Err(TokenError::InitialSupplyAboveCap);
            }
            let mut metadata = Lazy::new();
            metadata.set(&Metadata {
                name,
                symbol,
                decimals,
            });
            let mut token = Self {
                admin: AdminSeat::new(Self::env().caller()),
                paused: false,
                policy: TransferPolicy::Open,
                cap,
                supply: Tracked::default(),
                accounts: Mapping::new(),
                archive: Mapping::new(),
                allowances: Mapping::new(),
                metadata,
                forwarders: Mapping::new(),
                #[cfg(feature = "upgrade-fixture")]
                upgraded_at: Lazy::new(),
            };
            token.update(None, Some(Self::env().caller()), initial_supply)?;
            Ok(token)
        }

        /// The supply ceiling fixed at construction.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn cap(&self) -> Balance {
            self.cap
        }

        /// Whether transfers, mint, burn and redemption are stopped.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn paused(&self) -> bool {
            self.paused
        }

        /// Grants `role` to `account`. Granting a role already held changes nothing.
        ///
        /// The `Forwarder` role is granted only by an admin seat held by a contract
        /// (governance) and only to a contract, and it lapses when the seat moves: what an
        /// earlier admin granted (a contract of the deployer's own that held the seat for
        /// a moment) acts for nobody once governance holds the seat.
        ///
        /// # Errors
        /// `NotAdmin` if the caller is not the admin; `ForwarderNotGoverned` for the
        /// `Forwarder` role unless both the admin seat and `account` are contracts.
        ///
        /// # Events
        /// `RoleGranted` when the account did not hold the role.
        #[ink(message)]
        pub fn grant_role(&mut self, role: Role, account: AccountId) -> Result<(), TokenError> {
            let by = self.ensure_admin()?;
            if role == Role::Forwarder {
                if !(self.env().is_contract(&by) && self.env().is_contract(&account)) {
                    return Err(TokenError::ForwarderNotGoverned);
                }
                if !self.has_role(account, role) {
                    self.forwarders.insert(account, &by);
                    emit(&RoleGranted { role, account, by });
                }
                return Ok(());
            }
            let mut record = self.account(account);
            if record.roles & role.bit() == 0 {
                record.roles |= role.bit();
                self.accounts.insert(account, &record);
                emit(&RoleGranted { role, account, by });
            }
            Ok(())
        }

        /// Takes `role` from `account`. Revoking a role not held changes nothing.
        ///
        /// # Errors
        /// `NotAdmin` if the caller is not the admin.
        ///
        /// # Events
        /// `RoleRevoked` when the account held the role.
        #[ink(message)]
        pub fn revoke_role(&mut self, role: Role, account: AccountId) -> Result<(), TokenError> {
            let by = self.ensure_admin()?;
            self.remove_role(role, account, by);
            Ok(())
        }

        /// Gives up one of the caller's own roles. Renouncing a role not held changes
        /// nothing.
        ///
        /// # Errors
        /// None: anyone may renounce.
        ///
        /// # Events
        /// `RoleRevoked { by: caller }` when the caller held the role.
        #[ink(message)]
        pub fn renounce_role(&mut self, role: Role) -> Result<(), TokenError> {
            let caller = self.env().caller();
            self.remove_role(role, caller, caller);
            Ok(())
        }

        /// Stops transfers, mint, burn and redemption.
        ///
        /// # Errors
        /// `MissingRole(Pauser)`, or `Paused` if already paused.
        ///
        /// # Events
        /// `TokenPaused`.
        #[ink(message)]
        pub fn pause(&mut self) -> Result<(), TokenError> {
            self.set_paused(true)
        }

        /// Restarts a paused token.
        ///
        /// # Errors
        /// `MissingRole(Pauser)`, or `NotPaused` if the token runs.
        ///
        /// # Events
        /// `TokenUnpaused`.
        #[ink(message)]
        pub fn unpause(&mut self) -> Result<(), TokenError> {
            self.set_paused(false)
        }

        /// Pauses or restarts the token for a pauser: the body of `pause` and `unpause`,
        /// kept out of the dispatcher.
        #[inline(never)]
        fn set_paused(&mut self, paused: bool) -> Result<(), TokenError> {
            let by = self.ensure_role(Role::Pauser)?;
            if self.paused == paused {
                return Err(if paused {
                    TokenError::Paused
                } else {
                    TokenError::NotPaused
                });
            }
            self.paused = paused;
            if paused {
                emit(&TokenPaused { by });
            } else {
                emit(&TokenUnpaused { by });
            }
            Ok(())
        }

        /// Chooses who may pay whom. Setting the policy in force changes nothing.
        ///
        /// # Errors
        /// `NotAdmin` if the caller is not the admin.
        ///
        /// # Events
        /// `TransferPolicyChanged` when the policy changes.
        #[ink(message)]
        pub fn set_transfer_policy(&mut self, policy: TransferPolicy) -> Result<(), TokenError> {
            self.ensure_admin()?;
            if self.policy != policy {
                self.policy = policy;
                emit(&TransferPolicyChanged { policy });
            }
            Ok(())
        }

        /// Makes the caller's balance count as voting power from this block on: from now on
        /// its history is recorded, which costs the caller's transfers a little more.
        /// Opting in again changes nothing; there is no opting out.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// `VotesTracked` the first time.
        #[ink(message)]
        pub fn track_votes(&mut self) -> Result<(), TokenError> {
            let account = self.env().caller();
            let mut record = self.account(account);
            if record.votes.is_none() {
                record.votes = Some(History::starting(self.env().block_number()));
                self.accounts.insert(account, &record);
                emit(&VotesTracked { account });
            }
            Ok(())
        }

        /// Whether `account` opted in to voting with its balance.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn tracks_votes(&self, account: AccountId) -> bool {
            self.account(account).votes.is_some()
        }

        /// Spends `amount` of the caller's tokens at `provider`, a registered city service
        /// or merchant. Allowed under every transfer policy.
        ///
        /// # Errors
        /// `Paused`, `ZeroAmount`, `MemoTooLong` (over [`MAX_MEMO_LEN`] bytes),
        /// `SelfRedemption`, `NotServiceProvider`, `InsufficientBalance`.
        ///
        /// # Events
        /// `Transfer { from: caller, to: provider }`, then `Redeemed`.
        #[ink(message)]
        pub fn redeem(
            &mut self,
            provider: AccountId,
            amount: Balance,
            memo: Vec<u8>,
        ) -> Result<(), TokenError> {
            self.redeem_as(self.env().caller(), provider, amount, memo)
        }

        /// Redeems or approves for `holder`, as the holder's own `redeem` or `approve`
        /// would, for the city's intents contract once the holder's card signed it.
        ///
        /// # Errors
        /// `MissingRole(Forwarder)` unless the caller holds the `Forwarder` role; then
        /// those of `redeem` (an approval refuses nothing).
        ///
        /// # Events
        /// Those of `redeem` or `approve`.
        #[ink(message)]
        pub fn act_for(&mut self, holder: AccountId, act: TokenAct) -> Result<(), TokenError> {
            self.ensure_role(Role::Forwarder)?;
            match act {
                TokenAct::Redeem {
                    provider,
                    amount,
                    memo,
                } => self.redeem_as(holder, provider, amount, memo),
                TokenAct::Approve { spender, value } => {
                    if holder != spender {
                        self.set_allowance(holder, spender, value);
                    }
                    Ok(())
                }
            }
        }

        fn redeem_as(
            &mut self,
            citizen: AccountId,
            provider: AccountId,
            amount: Balance,
            memo: Vec<u8>,
        ) -> Result<(), TokenError> {
            self.ensure_not_paused()?;
            if amount == 0 {
                return Err(TokenError::ZeroAmount);
            }
            if memo.len() > MAX_MEMO_LEN {
                return Err(TokenError::MemoTooLong);
            }
            if provider == citizen {
                return Err(TokenError::SelfRedemption);
            }
            if !self.has_role(provider, Role::ServiceProvider) {
                return Err(TokenError::NotServiceProvider);
            }
            self.update(Some(citizen), Some(provider), amount)?;
            emit(&Redeemed {
                citizen,
                provider,
                amount,
                memo,
            });
            Ok(())
        }

        /// Returns the caller if it holds the admin seat.
        fn ensure_admin(&self) -> Result<AccountId, TokenError> {
            self.admin
                .ensure(self.env().caller())
                .map_err(|_| TokenError::NotAdmin)
        }

        /// Returns the caller if it holds `role`.
        fn ensure_role(&self, role: Role) -> Result<AccountId, TokenError> {
            let caller = self.env().caller();
            if !self.has_role(caller, role) {
                return Err(TokenError::MissingRole(role));
            }
            Ok(caller)
        }

        fn ensure_not_paused(&self) -> Result<(), TokenError> {
            if self.paused {
                return Err(TokenError::Paused);
            }
            Ok(())
        }

        fn remove_role(&mut self, role: Role, account: AccountId, by: AccountId) {
            if role == Role::Forwarder {
                // A lapsed grant is revoked too, so that it never comes back with the seat.
                let none = AccountId::from([0; 32]);
                if self
                    .forwarders
                    .get(account)
                    .is_some_and(|granter| granter != none)
                {
                    // The zero account never holds the seat.
                    self.forwarders.insert(account, &none);
                    emit(&RoleRevoked { role, account, by });
                }
                return;
            }
            let mut record = self.account(account);
            if record.roles & role.bit() != 0 {
                record.roles &= !role.bit();
                self.accounts.insert(account, &record);
                emit(&RoleRevoked { role, account, by });
            }
        }

        /// Under the civic policy, refuses a transfer with no service provider on either side.
        fn ensure_policy_allows(&self, from: AccountId, to: AccountId) -> Result<(), TokenError> {
            if self.policy == TransferPolicy::Civic
                && !self.has_role(to, Role::ServiceProvider)
                && !self.has_role(from, Role::ServiceProvider)
            {
                return Err(TokenError::PolicyForbidsTransfer);
            }
            Ok(())
        }

        /// Sets an allowance and announces it.
        fn set_allowance(&mut self, owner: AccountId, spender: AccountId, amount: Balance) {
            if amount == 0 {
                self.allowances.remove((owner, spender));
            } else {
                self.allowances.insert((owner, spender), &amount);
            }
            emit(&Approval {
                owner,
                spender,
                amount,
            });
        }

        /// Checks that `spender` may move `value` of `owner`'s tokens: the allowance first,
        /// then the balance. Returns the allowance that will be left, or `None` when the
        /// owner spends its own tokens and needs no allowance.
        fn check_spend(
            &self,
            owner: AccountId,
            spender: AccountId,
            value: Balance,
        ) -> Result<Option<Balance>, TokenError> {
            if owner == spender {
                return Ok(None);
            }
            let left = self
                .allowance(owner, spender)
                .checked_sub(value)
                .ok_or(TokenError::InsufficientAllowance)?;
            if self.balance_of(owner) < value {
                return Err(TokenError::InsufficientBalance);
            }
            Ok(Some(left))
        }

        /// Every balance change goes through here: a transfer (`from` and `to`), a mint
        /// (`from: None`) or a burn (`to: None`). Checks the balance or the cap, then
        /// updates balances, supply and their checkpoints, and emits `Transfer`.
        fn update(
            &mut self,
            from: Option<AccountId>,
            to: Option<AccountId>,
            value: Balance,
        ) -> Result<(), TokenError> {
            if value == 0 {
                return Ok(());
            }
            let now = self.env().block_number();
            let debit = match from {
                Some(account) => {
                    let record = self.account(account);
                    let left = record
                        .balance
                        .checked_sub(value)
                        .ok_or(TokenError::InsufficientBalance)?;
                    Some((account, record, left))
                }
                None => None,
            };
            let supply = match (from, to) {
                (None, _) => Some(self.minted_supply(value)?),
                // A burn removes tokens that the debit above found in the balance.
                (Some(_), None) => Some(self.supply.value.saturating_sub(value)),
                (Some(_), Some(_)) => None,
            };

            if let Some((account, record, left)) = debit {
                self.store_balance(account, record, left, now);
            }
            if let Some(account) = to {
                self.credit(account, value, now);
            }
            if let Some(supply) = supply {
                self.set_supply(supply, now);
            }
            emit(&Transfer { from, to, value });
            Ok(())
        }

        /// `mint_many` (`from: None`) and `transfer_many`: checks every payment, the cap or
        /// the balance against their sum, then credits each payment with its `Transfer`.
        fn pay_many(
            &mut self,
            from: Option<AccountId>,
            payments: &[(AccountId, Balance)],
        ) -> Result<(), TokenError> {
            if payments.len() > MAX_PAYMENTS {
                return Err(TokenError::TooManyPayments);
            }
            self.ensure_not_paused()?;
            let paid = |&&(to, value): &&(AccountId, Balance)| value != 0 && Some(to) != from;
            let mut total: Balance = 0;
            for &(to, value) in payments.iter().filter(paid) {
                if let Some(from) = from {
                    self.ensure_policy_allows(from, to)?;
                }
                // A sum above a u128 is more than any balance, and than the cap.
                total = total.checked_add(value).ok_or(match from {
                    Some(_) => TokenError::InsufficientBalance,
                    None => TokenError::CapExceeded,
                })?;
            }
            if total == 0 {
                return Ok(());
            }
            let now = self.env().block_number();
            match from {
                Some(account) => {
                    let record = self.account(account);
                    let left = record
                        .balance
                        .checked_sub(total)
                        .ok_or(TokenError::InsufficientBalance)?;
                    self.store_balance(account, record, left, now);
                }
                None => {
                    let supply = self.minted_supply(total)?;
                    self.set_supply(supply, now);
                }
            }
            for &(to, value) in payments.iter().filter(paid) {
                self.credit(to, value, now);
                emit(&Transfer {
                    from,
                    to: Some(to),
                    value,
                });
            }
            Ok(())
        }

        /// The supply after minting `value`, if the cap allows it.
        fn minted_supply(&self, value: Balance) -> Result<Balance, TokenError> {
            self.supply
                .value
                .checked_add(value)
                .filter(|supply| *supply <= self.cap)
                .ok_or(TokenError::CapExceeded)
        }

        /// Adds `value` to `account`'s balance in block `now`.
        fn credit(&mut self, account: AccountId, value: Balance, now: BlockNumber) {
            let record = self.account(account);
            // Balances sum to the supply, which the cap keeps within u128.
            let credited = record.balance.saturating_add(value);
            self.store_balance(account, record, credited, now);
        }

        /// Sets the total supply in block `now`, archiving a page of its checkpoints when
        /// one is full.
        fn set_supply(&mut self, supply: Balance, now: BlockNumber) {
            if let Some((index, page)) = self.supply.set(supply, now) {
                self.archive.insert((None::<AccountId>, index), &page);
            }
        }

        fn account(&self, account: AccountId) -> Account {
            self.accounts.get(account).unwrap_or_default()
        }

        /// Sets an account's balance in block `now`; for a voter, records the balance's
        /// history and archives a page of checkpoints when one is full.
        fn store_balance(
            &mut self,
            account: AccountId,
            mut record: Account,
            value: Balance,
            now: BlockNumber,
        ) {
            if let Some(history) = record.votes.as_mut() {
                if let Some((index, page)) = history.record(record.balance, now) {
                    self.archive.insert((Some(account), index), &page);
                }
            }
            record.balance = value;
            self.accounts.insert(account, &record);
        }

        /// One page of the archive (see the `archive` field).
        fn archived_page(&self, owner: Option<AccountId>, index: u32) -> Page {
            self.archive.get((owner, index)).unwrap_or_default()
        }

        /// Refuses blocks that have not ended yet: their balances can still change.
        fn ensure_finished(&self, block: BlockNumber) -> Result<(), TokenError> {
            if block >= self.env().block_number() {
                return Err(TokenError::BlockNotYetFinished);
            }
            Ok(())
        }
    }

    /// The admin seat, in two steps (city-traits' `admin` module documents it in full).
    impl Admin for CityToken {
        /// The account holding the admin seat.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn admin(&self) -> AccountId {
            self.admin.holder()
        }

        /// The account the admin seat is offered to, if an offer is pending.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn offered_admin(&self) -> Option<AccountId> {
            self.admin.offered()
        }

        /// Offers the admin seat to `to` (e.g. the governance contract), replacing any
        /// pending offer; the caller keeps the seat until `to` accepts. An offer to the
        /// admin itself withdraws the pending offer.
        ///
        /// # Errors
        /// `NotAdmin` if the caller is not the admin, `ZeroAdmin` for the zero account.
        ///
        /// # Events
        /// `AdminOffered`.
        #[ink(message)]
        fn offer_admin(&mut self, to: AccountId) -> Result<(), AdminError> {
            let offered = self.admin.offer(self.env().caller(), to)?;
            emit(&offered);
            Ok(())
        }

        /// The caller, to whom the seat is offered, becomes admin; the old admin keeps no
        /// power.
        ///
        /// # Errors
        /// `NotOffered` if the seat is not offered to the caller.
        ///
        /// # Events
        /// `AdminTransferred`.
        #[ink(message)]
        fn accept_admin(&mut self) -> Result<(), AdminError> {
            let transferred = self.admin.accept(self.env().caller())?;
            emit(&transferred);
            Ok(())
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for CityToken {
        /// Replaces the token's code with the uploaded `code_hash`, whose migration runs in
        /// the same call.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller holds the admin seat, `SameCode`, `CodeNotFound`,
        /// `MigrationFailed` (the old code stays).
        ///
        /// # Events
        /// `CodeUpgraded`, emitted by the new code.
        #[ink(message)]
        fn upgrade(&self, code_hash: Hash) -> Result<(), UpgradeError> {
            upgrade::upgrade(
                self.admin.holder() == self.env().caller(),
                code_hash,
                LAYOUT,
            )
        }

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the token itself
        /// calls it, inside an upgrade.
        ///
        /// # Errors
        /// `NotUpgrading` outside an upgrade, `NoMigration` from another contract's storage
        /// or a version this code does not migrate from.
        ///
        /// # Events
        /// `CodeUpgraded`.
        #[ink(message)]
        fn migrate(&mut self) -> Result<(), UpgradeError> {
            if let Some(from) = upgrade::migration(LAYOUT, MIGRATES_FROM)? {
                self.migrate_from(from);
            }
            Ok(())
        }
    }

    /// The migrations, and the cell the upgrade fixture appends.
    impl CityToken {
        /// Runs the migration from storage version `from`, one of [`MIGRATES_FROM`]. The
        /// token itself has none; the upgrade fixture (version 2) migrates from version 1
        /// by filling `upgraded_at`.
        fn migrate_from(&mut self, from: u16) {
            #[cfg(feature = "upgrade-fixture")]
            if from == 1 {
                assert!(
                    cfg!(not(feature = "upgrade-fixture-trap")),
                    "the trapping fixture's migration traps"
                );
                self.upgraded_at.set(&self.env().block_number());
            }
            let _ = from;
        }

        /// The block in which the migration to version 2 ran.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[cfg(feature = "upgrade-fixture")]
        #[ink(message)]
        pub fn upgraded_at(&self) -> Option<BlockNumber> {
            self.upgraded_at.get()
        }
    }

    impl PSP22 for CityToken {
        /// The number of tokens in existence.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn total_supply(&self) -> Balance {
            self.supply.value
        }

        /// The tokens `owner` holds.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> Balance {
            self.account(owner).balance
        }

        /// How many of `owner`'s tokens `spender` may still move.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> Balance {
            self.allowances.get((owner, spender)).unwrap_or_default()
        }

        /// Moves `value` tokens from the caller to `to`. Zero and self transfers are no-ops.
        ///
        /// # Errors
        /// `Custom("Paused")`, `Custom("PolicyForbidsTransfer")` (civic policy and no
        /// service provider on either side), `InsufficientBalance`.
        ///
        /// # Events
        /// `Transfer`.
        #[ink(message)]
        fn transfer(
            &mut self,
            to: AccountId,
            value: Balance,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            self.ensure_not_paused()?;
            let from = self.env().caller();
            if from == to || value == 0 {
                return Ok(());
            }
            self.ensure_policy_allows(from, to)?;
            Ok(self.update(Some(from), Some(to), value)?)
        }

        /// Moves `value` of `from`'s tokens to `to`, spending the caller's allowance unless
        /// the caller is `from`. Zero and self transfers are no-ops.
        ///
        /// # Errors
        /// `Custom("Paused")`, `Custom("PolicyForbidsTransfer")`, `InsufficientAllowance`
        /// (checked before the balance), `InsufficientBalance`.
        ///
        /// # Events
        /// `Approval` with the allowance left (unless the caller is `from`), then `Transfer`.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: Balance,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            self.ensure_not_paused()?;
            if from == to || value == 0 {
                return Ok(());
            }
            let spender = self.env().caller();
            let allowance_left = self.check_spend(from, spender, value)?;
            self.ensure_policy_allows(from, to)?;
            if let Some(left) = allowance_left {
                self.set_allowance(from, spender, left);
            }
            Ok(self.update(Some(from), Some(to), value)?)
        }

        /// Lets `spender` move up to `value` of the caller's tokens, replacing any earlier
        /// allowance. Approving oneself is a no-op. Allowed while paused.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// `Approval`.
        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: Balance) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner != spender {
                self.set_allowance(owner, spender, value);
            }
            Ok(())
        }

        /// Raises the allowance of `spender` by `delta_value` (saturating at `u128::MAX`).
        /// A zero delta or oneself as spender is a no-op.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// `Approval` with the new allowance.
        #[ink(message)]
        fn increase_allowance(
            &mut self,
            spender: AccountId,
            delta_value: Balance,
        ) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner != spender && delta_value != 0 {
                let amount = self.allowance(owner, spender).saturating_add(delta_value);
                self.set_allowance(owner, spender, amount);
            }
            Ok(())
        }

        /// Lowers the allowance of `spender` by `delta_value`. A zero delta or oneself as
        /// spender is a no-op.
        ///
        /// # Errors
        /// `InsufficientAllowance` if the allowance is below `delta_value`.
        ///
        /// # Events
        /// `Approval` with the new allowance.
        #[ink(message)]
        fn decrease_allowance(
            &mut self,
            spender: AccountId,
            delta_value: Balance,
        ) -> Result<(), PSP22Error> {
            let owner = self.env().caller();
            if owner != spender && delta_value != 0 {
                let left = self
                    .allowance(owner, spender)
                    .checked_sub(delta_value)
                    .ok_or(PSP22Error::InsufficientAllowance)?;
                self.set_allowance(owner, spender, left);
            }
            Ok(())
        }
    }

    impl PSP22Metadata for CityToken {
        /// The token's name, if it has one.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn token_name(&self) -> Option<Text> {
            self.metadata.get().unwrap_or_default().name
        }

        /// The token's ticker symbol, if it has one.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn token_symbol(&self) -> Option<Text> {
            self.metadata.get().unwrap_or_default().symbol
        }

        /// How many decimals a display divides amounts by.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            self.metadata.get().unwrap_or_default().decimals
        }
    }

    impl CivicToken for CityToken {
        /// Creates `amount` new tokens for `to`. A zero amount changes nothing.
        ///
        /// # Errors
        /// `MissingRole(Minter)`, `Paused`, `CapExceeded`.
        ///
        /// # Events
        /// `Transfer { from: None, to: Some(to) }`.
        #[ink(message)]
        fn mint_to(&mut self, to: AccountId, amount: Balance) -> Result<(), TokenError> {
            self.ensure_role(Role::Minter)?;
            self.ensure_not_paused()?;
            self.update(None, Some(to), amount)
        }

        /// Mints each of `payments` as that many `mint_to`s would, in one call, the cap
        /// checked against their sum first. Zero amounts are skipped.
        ///
        /// # Errors
        /// `MissingRole(Minter)`, `TooManyPayments`, `Paused`, `CapExceeded`.
        ///
        /// # Events
        /// `Transfer { from: None, to: Some(account) }` per payment, in order.
        #[ink(message)]
        fn mint_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError> {
            self.ensure_role(Role::Minter)?;
            self.pay_many(None, &payments)
        }

        /// Pays each of `payments` from the caller's balance as that many transfers would,
        /// in one call: the policy checked for each, the balance against their sum, first.
        /// Zero amounts and payments to the caller are skipped.
        ///
        /// # Errors
        /// `TooManyPayments`, `Paused`, `PolicyForbidsTransfer`, `InsufficientBalance`.
        ///
        /// # Events
        /// `Transfer { from: Some(caller), to: Some(account) }` per payment, in order.
        #[ink(message)]
        fn transfer_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError> {
            self.pay_many(Some(self.env().caller()), &payments)
        }

        /// Destroys `amount` of `from`'s tokens, spending the caller's allowance unless it
        /// burns its own. A zero amount changes nothing.
        ///
        /// # Errors
        /// `MissingRole(Burner)`, `Paused`, `InsufficientAllowance`, `InsufficientBalance`.
        ///
        /// # Events
        /// `Approval` (when an allowance was spent), then `Transfer { to: None }`.
        #[ink(message)]
        fn burn_from(&mut self, from: AccountId, amount: Balance) -> Result<(), TokenError> {
            let burner = self.ensure_role(Role::Burner)?;
            self.ensure_not_paused()?;
            if amount == 0 {
                return Ok(());
            }
            if let Some(left) = self.check_spend(from, burner, amount)? {
                self.set_allowance(from, burner, left);
            }
            self.update(Some(from), None, amount)
        }

        /// The voting power of `account` at the end of `block`: its balance then, if it
        /// had opted in with `track_votes` by that block, else zero.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn votes_at(&self, account: AccountId, block: BlockNumber) -> Result<Balance, TokenError> {
            self.ensure_finished(block)?;
            let record = self.account(account);
            Ok(record.votes.map_or(0, |history| {
                history.value_at(record.balance, block, |index| {
                    self.archived_page(Some(account), index)
                })
            }))
        }

        /// The total supply at the end of `block`.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn total_supply_at(&self, block: BlockNumber) -> Result<Balance, TokenError> {
            self.ensure_finished(block)?;
            Ok(self
                .supply
                .at(block, |index| self.archived_page(None, index)))
        }

        /// Whether `account` holds `role`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn has_role(&self, account: AccountId, role: Role) -> bool {
            if role == Role::Forwarder {
                return self.forwarders.get(account) == Some(self.admin.holder());
            }
            self.account(account).roles & role.bit() != 0
        }

        /// Who may pay whom.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn transfer_policy(&self) -> TransferPolicy {
            self.policy
        }
    }
}
