//! # Reward rules
//!
//! The rules that turn attested civic actions into city tokens: Xiong'an's smart bins,
//! Seoul's S-coin, San Marino's eco rewards, Hangzhou's battery recycling.
//!
//! - **Rules**: one per [`Action`], `reward` tokens per `per` units (grams, cents, litres,
//!   minutes, answers, units), for the identity kinds listed. The admin (later
//!   governance) sets a rule, or retires it, effective from a given time; the change waits
//!   until then, and the rule in force before keeps applying.
//! - **Attesters**: devices that hold the registry's attester role *and* are authorised
//!   here for the actions they may report.
//! - **`attest`** checks the attester, that the receipt is new for that attester
//!   (receipts are scoped by device, so a device cannot squat another's ids), the rule in
//!   force, the
//!   beneficiary's live identity and kind (in the registry), then pays the reward within
//!   the beneficiary's cap and the rules' budget for the epoch, and mints it through the
//!   city token, where the rules hold the minter role. A reward above what is left of the
//!   cap or the budget is paid up to what is left, possibly nothing: the action still
//!   happened, so its receipt is recorded (and cannot be paid again tomorrow), and a device
//!   uploading a day of drops is not refused because one citizen reached the cap.
//! - **`attest_batch`** (at most [`MAX_BATCH`] attestations, for a bin uploading a day of
//!   drops) is atomic: the first attestation that fails refuses the whole batch with its
//!   index and error, and nothing of the batch is applied.
//!
//! The admin seat moves in two steps: `offer_admin(to)`, then `accept_admin()` by `to`
//! (city-traits' [`Admin`](city_traits::Admin), selectors `Admin::offer_admin` and so on).
//!
//! Every refusal is a typed error and, since a message returning `Err` reverts, changes
//! nothing; a refusal by the token (paused, cap reached) reverts the attestation too.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[cfg(test)]
mod tests;

#[ink::contract]
mod reward_rules {
    use city_traits::{
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Action, Admin, AdminError, AdminSeat, Attestation, BatchError, CivicRole, IdentityKind,
        RewardError, Rule,
    };
    use ink::{prelude::vec::Vec, storage::Mapping};

    /// The most attestations one batch may carry.
    pub const MAX_BATCH: usize = 50;
    // A batch mints in one `mint_many`, at most one payment per attestation.
    const _: () = assert!(MAX_BATCH <= city_traits::MAX_PAYMENTS);

    /// A rule in force and, possibly, its scheduled successor (`None` retires the rule).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Schedule {
        pub current: Option<Rule>,
        pub next: Option<(Timestamp, Option<Rule>)>,
    }

    impl Schedule {
        /// The rule in force at `now`.
        pub fn at(&self, now: Timestamp) -> Option<Rule> {
            match self.next {
                Some((from, next)) if from <= now => next,
                _ => self.current,
            }
        }

        /// Schedules `rule` from `from`, first applying a successor already due.
        pub fn schedule(&mut self, rule: Option<Rule>, from: Timestamp, now: Timestamp) {
            self.current = self.at(now);
            self.next = Some((from, rule));
        }
    }

    /// A receipt as the attester that reported it numbered it.
    type ReceiptKey = (AccountId, [u8; 32]);

    /// What one call books for its beneficiaries: their kinds (one `kinds_of` for a batch's
    /// beneficiaries, asked before its attestations are applied) and their earnings, read
    /// from storage once per beneficiary and written back once when the call is done, so
    /// that a batch of 50 attestations of one action for 10 citizens reads and writes 10
    /// cells of each kind, not 50 (receipts stay one per attestation). Sound because
    /// nothing re-enters the rules during a call (the pallet refuses it: `remote` calls
    /// forbid re-entry), so no cell changes behind the books' back.
    #[derive(Default)]
    struct Books {
        people: Vec<Booked>,
        /// Each (beneficiary, action): what it earned in all, and what this call paid.
        by_action: Vec<((AccountId, Action), Balance, Balance)>,
        /// What the rules minted in this epoch, once read.
        minted: Option<Balance>,
    }

    /// One beneficiary in [`Books`].
    struct Booked {
        account: AccountId,
        /// Its kind now, as the registry answered.
        kind: Option<IdentityKind>,
        /// What it earned in this epoch, and in all, this call's payments included.
        in_epoch: Balance,
        total: Balance,
        /// What this call paid it.
        paid: Balance,
    }

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The storage this code reads and writes: the rules', at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("reward-rules"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct RewardRules {
        admin: AdminSeat,
        token: AccountId,
        registry: AccountId,
        /// The length of an epoch, over which caps and budgets run.
        epoch_ms: Timestamp,
        /// The most one beneficiary may earn in an epoch.
        cap_per_epoch: Balance,
        /// The most all beneficiaries together may earn in an epoch.
        budget_per_epoch: Balance,
        minted_total: Balance,
        rules: Mapping<Action, Schedule>,
        /// Each attester's authorised actions, one bit per [`Action`].
        attesters: Mapping<AccountId, u16>,
        /// Receipts paid, scoped by the attester that reported them: one device can
        /// neither replay its own receipt nor take (and so void) another device's.
        receipts: Mapping<ReceiptKey, ()>,
        earned_in_epoch: Mapping<(AccountId, u64), Balance>,
        minted_in_epoch: Mapping<u64, Balance>,
        earned_total: Mapping<AccountId, Balance>,
        earned_by_action: Mapping<(AccountId, Action), Balance>,
    }

    /// An attester reported a civic action and the beneficiary was paid `reward`.
    /// Topic: the beneficiary (each topic costs the chain a read and a write of its topic
    /// index, about a storage write's weight, once per attestation; the action and the
    /// attester, the caller, are in the data).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct Attested {
        pub receipt: [u8; 32],
        #[ink(topic)]
        pub beneficiary: AccountId,
        pub action: Action,
        pub attester: AccountId,
        pub quantity: u128,
        pub reward: Balance,
    }

    /// The admin scheduled `rule` (`None`: retired) for `action` from `from`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RuleScheduled {
        #[ink(topic)]
        pub action: Action,
        pub rule: Option<Rule>,
        pub from: Timestamp,
    }

    /// The admin set which actions `attester` may report (none: deauthorised).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct AttesterAuthorised {
        #[ink(topic)]
        pub attester: AccountId,
        pub actions: Vec<Action>,
    }

    /// The admin changed the cap per beneficiary and the budget per epoch.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct LimitsChanged {
        pub cap_per_epoch: Balance,
        pub budget_per_epoch: Balance,
    }

    type Result<T> = core::result::Result<T, RewardError>;

    impl RewardRules {
        /// Creates rules that mint through `token` for identities in `registry`, with
        /// epochs of `epoch_ms` milliseconds (`0` is taken as one day). The caller is admin.
        #[ink(constructor)]
        pub fn new(
            token: AccountId,
            registry: AccountId,
            epoch_ms: Timestamp,
            cap_per_epoch: Balance,
            budget_per_epoch: Balance,
        ) -> Self {
            const DAY_MS: Timestamp = 86_400_000;
            Self {
                admin: AdminSeat::new(Self::env().caller()),
                token,
                registry,
                epoch_ms: if epoch_ms == 0 { DAY_MS } else { epoch_ms },
                cap_per_epoch,
                budget_per_epoch,
                minted_total: 0,
                rules: Mapping::new(),
                attesters: Mapping::new(),
                receipts: Mapping::new(),
                earned_in_epoch: Mapping::new(),
                minted_in_epoch: Mapping::new(),
                earned_total: Mapping::new(),
                earned_by_action: Mapping::new(),
            }
        }

        /// The rule for `action` in force now.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn rule(&self, action: Action) -> Option<Rule> {
            self.rules
                .get(action)
                .unwrap_or_default()
                .at(self.env().block_timestamp())
        }

        /// The rule for `action` in force now and its scheduled successor.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn schedule(&self, action: Action) -> Schedule {
            self.rules.get(action).unwrap_or_default()
        }

        /// The number of the current epoch.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn epoch(&self) -> u64 {
            self.current_epoch()
        }

        /// What `beneficiary` may still earn in this epoch.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn remaining_cap(&self, beneficiary: AccountId) -> Balance {
            let earned = self
                .earned_in_epoch
                .get((beneficiary, self.current_epoch()))
                .unwrap_or_default();
            self.cap_per_epoch.saturating_sub(earned)
        }

        /// What all beneficiaries together may still earn in this epoch.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn remaining_budget(&self) -> Balance {
            let minted = self
                .minted_in_epoch
                .get(self.current_epoch())
                .unwrap_or_default();
            self.budget_per_epoch.saturating_sub(minted)
        }

        /// Everything `beneficiary` earned, and what it earned for `action`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn earned(&self, beneficiary: AccountId, action: Action) -> (Balance, Balance) {
            (
                self.earned_total.get(beneficiary).unwrap_or_default(),
                self.earned_by_action
                    .get((beneficiary, action))
                    .unwrap_or_default(),
            )
        }

        /// Everything the rules minted.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn minted_total(&self) -> Balance {
            self.minted_total
        }

        /// Whether `attester` already reported `receipt`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn receipt_seen(&self, attester: AccountId, receipt: [u8; 32]) -> bool {
            self.receipts.contains((attester, receipt))
        }

        /// The actions `attester` may report here (it also needs the registry's role).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn attester_actions(&self, attester: AccountId) -> Vec<Action> {
            let actions = self.attesters.get(attester).unwrap_or_default();
            Action::ALL
                .into_iter()
                .filter(|action| actions & action.bit() != 0)
                .collect()
        }

        /// Schedules `rule` for `action` from `from` (a time in the past means now);
        /// `None` retires the rule from then. It replaces any successor not yet in force.
        ///
        /// # Errors
        /// `NotAdmin`, `ZeroPer` for a rule rewarding per zero units.
        ///
        /// # Events
        /// `RuleScheduled`.
        #[ink(message)]
        pub fn set_rule(
            &mut self,
            action: Action,
            rule: Option<Rule>,
            from: Timestamp,
        ) -> Result<()> {
            self.ensure_admin()?;
            if rule.is_some_and(|rule| rule.per == 0) {
                return Err(RewardError::ZeroPer);
            }
            let mut schedule = self.rules.get(action).unwrap_or_default();
            schedule.schedule(rule, from, self.env().block_timestamp());
            self.rules.insert(action, &schedule);
            self.env().emit_event(RuleScheduled { action, rule, from });
            Ok(())
        }

        /// Sets the actions `attester` may report, replacing the earlier set (empty:
        /// deauthorised).
        ///
        /// # Errors
        /// `NotAdmin`.
        ///
        /// # Events
        /// `AttesterAuthorised`.
        #[ink(message)]
        pub fn authorise_attester(
            &mut self,
            attester: AccountId,
            actions: Vec<Action>,
        ) -> Result<()> {
            self.ensure_admin()?;
            let bits = actions.iter().fold(0, |bits, action| bits | action.bit());
            if bits == 0 {
                self.attesters.remove(attester);
            } else {
                self.attesters.insert(attester, &bits);
            }
            self.env()
                .emit_event(AttesterAuthorised { attester, actions });
            Ok(())
        }

        /// Sets the cap per beneficiary and the budget, per epoch, from this epoch on.
        ///
        /// # Errors
        /// `NotAdmin`.
        ///
        /// # Events
        /// `LimitsChanged`.
        #[ink(message)]
        pub fn set_limits(
            &mut self,
            cap_per_epoch: Balance,
            budget_per_epoch: Balance,
        ) -> Result<()> {
            self.ensure_admin()?;
            self.cap_per_epoch = cap_per_epoch;
            self.budget_per_epoch = budget_per_epoch;
            self.env().emit_event(LimitsChanged {
                cap_per_epoch,
                budget_per_epoch,
            });
            Ok(())
        }

        /// Pays `beneficiary` for a civic action the caller (an attester device) reports
        /// under a new `receipt`, and returns the reward paid.
        ///
        /// # Errors
        /// `NotAuthorised`, `ReceiptSeen`, `NoRule`, `NotEligible`, `Overflow`,
        /// `TokenRefused`. A beneficiary at its cap, or an exhausted budget, is no error:
        /// the attestation is recorded and pays what is left, which may be nothing.
        ///
        /// # Events
        /// `Attested`, and the token's `Transfer` from nobody when the reward is positive.
        #[ink(message)]
        pub fn attest(
            &mut self,
            receipt: [u8; 32],
            beneficiary: AccountId,
            action: Action,
            quantity: u128,
        ) -> Result<Balance> {
            let attestation = Attestation {
                receipt,
                beneficiary,
                action,
                quantity,
            };
            let attester = self.env().caller();
            let rights = self.attester_rights(attester);
            let mut books = Books::default();
            let reward = self.apply(attester, rights, &attestation, &mut books)?;
            self.write_back(&books);
            self.mint(beneficiary, reward)?;
            Ok(reward)
        }

        /// Applies up to [`MAX_BATCH`] attestations at once, all or none, and returns the
        /// total paid. Rewards to the same beneficiary are minted together, and all of them in
        /// one call into the token (`mint_many`).
        ///
        /// # Errors
        /// `BatchError { index, error }` for the first attestation refused (with the errors
        /// of `attest`), `BatchTooLarge` at index 0, or `TokenRefused` at index
        /// `batch.len()` when the token refuses a mint.
        ///
        /// # Events
        /// `Attested` for each attestation, and the token's `Transfer` per beneficiary.
        #[ink(message)]
        pub fn attest_batch(
            &mut self,
            batch: Vec<Attestation>,
        ) -> core::result::Result<Balance, BatchError> {
            let refuse = |index: usize, error| BatchError {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                error,
            };
            if batch.len() > MAX_BATCH {
                return Err(refuse(0, RewardError::BatchTooLarge));
            }
            let attester = self.env().caller();
            // Asked once per batch: the attester and its rights do not change within it,
            // nor do the beneficiaries' kinds (one question to the registry for all).
            let rights = self.attester_rights(attester);
            let mut books = Books::default();
            if rights != 0 {
                let beneficiaries: Vec<AccountId> = batch
                    .iter()
                    .map(|attestation| attestation.beneficiary)
                    .collect();
                self.know(&mut books, &beneficiaries);
            }
            let mut total: Balance = 0;
            for (index, attestation) in batch.iter().enumerate() {
                let reward = self
                    .apply(attester, rights, attestation, &mut books)
                    .map_err(|error| refuse(index, error))?;
                // Rewards stay within the budget, which is a Balance.
                total = total.saturating_add(reward);
            }
            self.write_back(&books);
            let mut payouts: Vec<(AccountId, Balance)> = books
                .people
                .iter()
                .map(|person| (person.account, person.paid))
                .collect();
            payouts.retain(|(_, amount)| *amount != 0);
            if !payouts.is_empty() {
                self.token()
                    .mint_many(payouts)
                    .map_err(|error| refuse(batch.len(), RewardError::TokenRefused(error)))?;
            }
            Ok(total)
        }

        /// Returns the caller if it holds the admin seat.
        fn ensure_admin(&self) -> Result<AccountId> {
            self.admin
                .ensure(self.env().caller())
                .map_err(|_| RewardError::NotAdmin)
        }

        fn current_epoch(&self) -> u64 {
            // `epoch_ms` is never zero (see the constructor).
            self.env()
                .block_timestamp()
                .checked_div(self.epoch_ms)
                .unwrap_or_default()
        }

        /// Checks one attestation and books its reward in `books`; the caller writes the
        /// books back ([`Self::write_back`]) and mints.
        ///
        /// `rights` are the attester's authorised actions (see [`Self::attester_rights`]).
        fn apply(
            &mut self,
            attester: AccountId,
            rights: u16,
            attestation: &Attestation,
            books: &mut Books,
        ) -> Result<Balance> {
            let Attestation {
                receipt,
                beneficiary,
                action,
                quantity,
            } = *attestation;
            if rights & action.bit() == 0 {
                return Err(RewardError::NotAuthorised);
            }
            if self.receipts.contains((attester, receipt)) {
                return Err(RewardError::ReceiptSeen);
            }
            let rule = self.rule(action).ok_or(RewardError::NoRule)?;
            let epoch = self.current_epoch();
            let Some(person) = self.person(books, beneficiary).filter(|at| {
                books.people[*at]
                    .kind
                    .is_some_and(|kind| rule.rewards(kind))
            }) else {
                return Err(RewardError::NotEligible);
            };
            let reward = rule.reward_for(quantity).ok_or(RewardError::Overflow)?;

            let minted = match books.minted {
                Some(minted) => minted,
                None => self.minted_in_epoch.get(epoch).unwrap_or_default(),
            };
            let booked = &mut books.people[person];
            let cap_left = if cfg!(feature = "broken-cap-check") {
                // The deliberately broken variant of the fuzzer's self-test.
                Balance::MAX
            } else {
                self.cap_per_epoch.saturating_sub(booked.in_epoch)
            };
            let budget_left = self.budget_per_epoch.saturating_sub(minted);
            let paid = reward.min(cap_left).min(budget_left);

            self.receipts.insert((attester, receipt), &());
            // Each sum below stays within the cap or the budget, which are Balances.
            booked.in_epoch = booked.in_epoch.saturating_add(paid);
            booked.total = booked.total.saturating_add(paid);
            booked.paid = booked.paid.saturating_add(paid);
            books.minted = Some(minted.saturating_add(paid));
            let key = (beneficiary, action);
            match books
                .by_action
                .iter_mut()
                .find(|(booked, ..)| *booked == key)
            {
                Some((_, earned, paid_now)) => {
                    *earned = earned.saturating_add(paid);
                    *paid_now = paid_now.saturating_add(paid);
                }
                None => {
                    let earned = self.earned_by_action.get(key).unwrap_or_default();
                    books
                        .by_action
                        .push((key, earned.saturating_add(paid), paid));
                }
            }
            self.minted_total = self.minted_total.saturating_add(paid);
            self.env().emit_event(Attested {
                receipt,
                beneficiary,
                action,
                attester,
                quantity,
                reward: paid,
            });
            Ok(paid)
        }

        /// Books every one of `beneficiaries` not booked yet, in order of first
        /// appearance: its kind, from one question to the registry for all of them, and
        /// its earnings from storage. Asked before any attestation is applied (none is
        /// applied when the attester may report nothing): nothing can change a kind
        /// during the call.
        fn know(&self, books: &mut Books, beneficiaries: &[AccountId]) {
            let mut new: Vec<AccountId> = Vec::new();
            for account in beneficiaries {
                if !new.contains(account)
                    && !books.people.iter().any(|person| person.account == *account)
                {
                    new.push(*account);
                }
            }
            if new.is_empty() {
                return;
            }
            let epoch = self.current_epoch();
            let kinds = self.registry().kinds_of(&new);
            // An answer for each account asked, in order, as the registry's message says:
            // anything else is a broken registry, and pairing it would misplace kinds.
            if kinds.len() != new.len() {
                panic!("the registry answered kinds_of with another number of kinds");
            }
            for (account, kind) in new.into_iter().zip(kinds) {
                books.people.push(Booked {
                    account,
                    kind,
                    in_epoch: self
                        .earned_in_epoch
                        .get((account, epoch))
                        .unwrap_or_default(),
                    total: self.earned_total.get(account).unwrap_or_default(),
                    paid: 0,
                });
            }
        }

        /// The position of `beneficiary` in `books`, booking it first if [`Self::know`]
        /// has not (`know` books every account it asks about, or traps, so the answer is
        /// always `Some`: the `Option` keeps indexing out of the code).
        fn person(&self, books: &mut Books, beneficiary: AccountId) -> Option<usize> {
            let find = |books: &Books| {
                books
                    .people
                    .iter()
                    .position(|person| person.account == beneficiary)
            };
            if let Some(at) = find(books) {
                return Some(at);
            }
            self.know(books, &[beneficiary]);
            find(books)
        }

        /// Writes back what `books` paid: each cell once, however many attestations of
        /// the call touched it, and none that nothing was paid into.
        fn write_back(&mut self, books: &Books) {
            let epoch = self.current_epoch();
            for person in books.people.iter().filter(|person| person.paid != 0) {
                self.earned_in_epoch
                    .insert((person.account, epoch), &person.in_epoch);
                self.earned_total.insert(person.account, &person.total);
            }
            for (key, earned, _) in books.by_action.iter().filter(|(.., paid)| *paid != 0) {
                self.earned_by_action.insert(*key, earned);
            }
            if books.people.iter().any(|person| person.paid != 0) {
                if let Some(minted) = books.minted {
                    self.minted_in_epoch.insert(epoch, &minted);
                }
            }
        }

        /// The actions `attester` may report: those authorised here, if it also holds the
        /// registry's attester role (asked only when some are authorised).
        fn attester_rights(&self, attester: AccountId) -> u16 {
            let actions = self.attesters.get(attester).unwrap_or_default();
            if actions != 0
                && self
                    .registry()
                    .has_civic_role(attester, CivicRole::Attester)
            {
                actions
            } else {
                0
            }
        }

        /// Mints through the token; a refusal reverts the whole call.
        fn mint(&self, to: AccountId, amount: Balance) -> Result<()> {
            if amount == 0 {
                return Ok(());
            }
            self.token()
                .mint_to(to, amount)
                .map_err(RewardError::TokenRefused)
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl RewardRules {
            fn registry() -> remote::IdentityRegistry { registry }
            fn token() -> remote::CivicToken { token }
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for RewardRules {
        /// Replaces the rules' code with the uploaded `code_hash`, whose migration runs in
        /// the same call.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller is the admin seat, `SameCode`, `CodeNotFound`,
        /// `MigrationFailed` (the old code stays).
        ///
        /// # Events
        /// `CodeUpgraded`, emitted by the new code.
        #[ink(message)]
        fn upgrade(&self, code_hash: Hash) -> core::result::Result<(), UpgradeError> {
            upgrade::upgrade(
                self.admin.holder() == self.env().caller(),
                code_hash,
                LAYOUT,
            )
        }

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the rules themselves
        /// call it, inside an upgrade.
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

    /// The admin seat, in two steps (city-traits' `admin` module documents it in full).
    impl Admin for RewardRules {
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
        fn offer_admin(&mut self, to: AccountId) -> core::result::Result<(), AdminError> {
            let offered = self.admin.offer(self.env().caller(), to)?;
            self.env().emit_event(offered);
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
        fn accept_admin(&mut self) -> core::result::Result<(), AdminError> {
            let transferred = self.admin.accept(self.env().caller())?;
            self.env().emit_event(transferred);
            Ok(())
        }
    }
}
