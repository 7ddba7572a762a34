//! # Citizen registry
//!
//! Who belongs to the city, in the spirit of Estonia's e-ID and e-residency, Seoul's
//! citizen card and Zug's digital ID.
//!
//! - **Identities**: registrars register, renew, re-kind and revoke them. An identity has
//!   a kind (citizen, resident, e-resident, visitor), an expiry and the hash of its
//!   off-chain document; no personal data is stored. A document hash backs one account
//!   forever: it cannot be reused for another.
//! - **Card keys**: a registrar binds the public key of an identity's citizen card (a
//!   compressed secp256k1 key, as Seoul's card and Estonia's e-ID sign) with
//!   `set_card_key(account, Some(key))`, after registering it or later, rotates it the
//!   same way and revokes it with `None`; an identity that ends loses its key. A key is bound
//!   once, ever, so a rotated or revoked card never comes back. `card_holder(key)` answers
//!   whose card a key is now: what a contract accepting a card-signed intent asks.
//! - **Roles**: registrars grant inspector, worker, attester (trusted devices), service
//!   provider and issuer (keepers of civic records) at once. The registrar role moves in
//!   two steps, like the admin seat: the
//!   admin offers it (`grant_role(Registrar, account)`, event `RegistrarOffered`), and the
//!   account offered takes it by calling `accept_registrar()` itself (`CivicRoleGranted`).
//!   Until then the account holds nothing and is not counted; `registrar_offered(account)`
//!   shows the offer, and `revoke_role(Registrar, account)` by the admin (or
//!   `renounce_role(Registrar)` by the account) withdraws it (`RegistrarOfferWithdrawn`).
//!   A contract cannot accept. Anyone may renounce a role, except the last registrar. The
//!   admin seat moves in two steps: `offer_admin(to)`, then `accept_admin()` by `to`
//!   (city-traits' [`Admin`](city_traits::Admin), selectors `Admin::offer_admin` and so on).
//! - **History**: `kind_at(account, block)`, `was_eligible_at(account, block)` and
//!   `eligible_counts_at(block)` answer for any finished block, so votes can use a
//!   snapshot and a quorum. Identity changes are rare, so each one writes its checkpoint
//!   directly; reads are a binary search.
//!
//! ## Registrars
//! Registrars issue and renew the cards that make up the electorate, so the registry keeps
//! one that someone can act as: the last registrar cannot lose its role
//! (`LastRegistrar`), and only an account that accepted the role counts. A role offered to
//! an account whose key nobody holds is never accepted, so it never lets the real
//! registrar go (the attacker's review's R-10). The acceptance must be the account's own
//! call, not a contract's: a contract (e-voting included) could act as registrar only
//! through governance, whose electorate lapses without one (`ContractRegistrar`). The
//! other roles move in one step: none of them keeps the city able to recover, a registrar
//! revokes a mistaken grant in one call, and a worker or a device need not send a
//! transaction before it can be listed.
//!
//! ## Expiry
//! `kind_of` (now) checks the expiry against the block time. History records each
//! identity's expiry with its kind (a renewal writes a checkpoint), but a past block's
//! time is not known to the contract, so `kind_at` and the counts keep a lapsed identity
//! until it is revoked or marked with `expire`, which anyone may call once the expiry has
//! passed (the city runs it for lapsed cards). A caller that knows a time asks
//! `kind_valid_at(account, block, time)`, which also refuses an identity whose expiry at
//! that block was not after `time`: e-voting asks it with the poll's snapshot and opening
//! time, so a lapsed card never votes. The counts behind a quorum still include lapsed
//! cards nobody marked, which only makes a quorum harder to reach.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[cfg(test)]
mod tests;

#[ink::contract]
mod citizen_registry {
    use city_traits::{
        card_account,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, CardKey, CivicRole, DocumentHash, Identity, IdentityKind,
        IdentityRegistry, KindCounts, RegistryError,
    };
    use ink::{prelude::vec::Vec, storage::Mapping};

    /// The deliberately broken variant of the harness's self-tests: identities never lapse.
    const FORGETS_EXPIRIES: bool = cfg!(feature = "broken-expiries");

    /// The bit of an account's role set that marks a pending offer of the registrar role
    /// (kept with the roles: one storage cell per account). No [`CivicRole`] uses it.
    const REGISTRAR_OFFERED: u8 = 1 << 7;
    const _: () = assert!(
        REGISTRAR_OFFERED
            & (CivicRole::Registrar.bit()
                | CivicRole::Inspector.bit()
                | CivicRole::Worker.bit()
                | CivicRole::Attester.bit()
                | CivicRole::ServiceProvider.bit()
                | CivicRole::Issuer.bit()
                | CivicRole::LandOffice.bit())
            == 0
    );

    /// From `block` on, the account's identity was live with `kind` (or not, for `None`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct StatusCheckpoint {
        pub block: BlockNumber,
        pub kind: Option<IdentityKind>,
        /// The identity's expiry from `block` on (0 when it is not live).
        pub expires_at: Timestamp,
    }

    /// From `block` on, there were `counts` live identities of each kind.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct CountCheckpoint {
        pub block: BlockNumber,
        pub counts: KindCounts,
    }

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The storage this code reads and writes: the registry's, at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("citizen-registry"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct CitizenRegistry {
        admin: AdminSeat,
        /// Live identities of each kind now.
        counts: KindCounts,
        count_checkpoints: u32,
        count_history: Mapping<u32, CountCheckpoint>,
        identities: Mapping<AccountId, Identity>,
        /// Which account each document backs.
        documents: Mapping<DocumentHash, AccountId>,
        /// Each account's roles, one bit per [`CivicRole`] (`Registrar` only once the
        /// account accepted it), and [`REGISTRAR_OFFERED`] while the registrar role is
        /// offered to it.
        roles: Mapping<AccountId, u8>,
        /// How many accounts hold the registrar role (accepted; offers do not count): once
        /// there is one, there is always one, or no card could be issued or renewed again
        /// and governance, whose electorate lapses card by card, would end with it.
        registrars: u32,
        status_checkpoints: Mapping<AccountId, u32>,
        status_history: Mapping<(AccountId, u32), StatusCheckpoint>,
        /// Each identity's card key now.
        card_keys: Mapping<AccountId, CardKey>,
        /// Every card key ever bound, and to whom: a key is bound once.
        card_holders: Mapping<CardKey, AccountId>,
        /// For a key bound to an account other than its own (`card_account`), the admin
        /// that bound it: the binding holds only while that admin holds the seat.
        bound_by_admin: Mapping<CardKey, AccountId>,
    }

    /// `account`'s card key is `key` from now on: bound or rotated by a registrar, or, for
    /// `None`, revoked by a registrar or lost with its identity (`by` ended it).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct CardKeyChanged {
        #[ink(topic)]
        pub account: AccountId,
        pub key: Option<CardKey>,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// A registrar registered `account`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IdentityRegistered {
        #[ink(topic)]
        pub account: AccountId,
        pub kind: IdentityKind,
        pub expires_at: Timestamp,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// A registrar moved `account`'s expiry.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IdentityRenewed {
        #[ink(topic)]
        pub account: AccountId,
        pub expires_at: Timestamp,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// A registrar changed `account`'s kind (a resident naturalised, say).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IdentityKindChanged {
        #[ink(topic)]
        pub account: AccountId,
        pub kind: IdentityKind,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// `account`'s identity ended: revoked by a registrar, or marked expired by anyone.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IdentityEnded {
        #[ink(topic)]
        pub account: AccountId,
        /// True when it ended by expiry, false when revoked.
        pub expired: bool,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// `account` holds `role` from now on: granted by the registrar `by`, or, for
    /// `Registrar`, accepted by `account` itself (`by == account`; `RegistrarOffered`
    /// named the admin who offered it).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct CivicRoleGranted {
        pub role: CivicRole,
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The admin `by` offered the registrar role to `account`, which holds it only once it
    /// calls `accept_registrar`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RegistrarOffered {
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// The pending offer of the registrar role to `account` was withdrawn by the admin
    /// `by`, or declined by `account` itself (`by == account`).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RegistrarOfferWithdrawn {
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    /// `account` lost `role` (revoked, or renounced when `by == account`).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct CivicRoleRevoked {
        pub role: CivicRole,
        #[ink(topic)]
        pub account: AccountId,
        #[ink(topic)]
        pub by: AccountId,
    }

    type Result<T> = core::result::Result<T, RegistryError>;

    impl CitizenRegistry {
        /// Creates an empty registry; the caller becomes admin.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self {
                admin: AdminSeat::new(Self::env().caller()),
                counts: KindCounts::default(),
                count_checkpoints: 0,
                count_history: Mapping::new(),
                identities: Mapping::new(),
                documents: Mapping::new(),
                roles: Mapping::new(),
                registrars: 0,
                status_checkpoints: Mapping::new(),
                status_history: Mapping::new(),
                card_keys: Mapping::new(),
                card_holders: Mapping::new(),
                bound_by_admin: Mapping::new(),
            }
        }

        /// `account`'s identity, live or ended, if it ever had one.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn identity(&self, account: AccountId) -> Option<Identity> {
            self.identities.get(account)
        }

        /// The account a document backs, if any.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn document_holder(&self, document: DocumentHash) -> Option<AccountId> {
            self.documents.get(document)
        }

        /// How many live identities of each kind there are now (expiries not yet marked
        /// included).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn eligible_counts(&self) -> KindCounts {
            self.counts
        }

        /// Registers `account` with a `kind`, the hash of its identity `document`, and an
        /// expiry. An account whose identity ended may be registered again.
        ///
        /// # Errors
        /// `NotRegistrar`, `AlreadyRegistered` (a live identity), `DocumentInUse` (the
        /// document backs another account), `ExpiryNotInFuture`.
        ///
        /// # Events
        /// `IdentityRegistered`.
        #[ink(message)]
        pub fn register(
            &mut self,
            account: AccountId,
            kind: IdentityKind,
            document: DocumentHash,
            expires_at: Timestamp,
        ) -> Result<()> {
            let by = self.ensure_registrar()?;
            if self.identities.get(account).is_some_and(|id| id.live) {
                return Err(RegistryError::AlreadyRegistered);
            }
            if self
                .documents
                .get(document)
                .is_some_and(|holder| holder != account)
            {
                return Err(RegistryError::DocumentInUse);
            }
            self.ensure_future(expires_at)?;
            self.documents.insert(document, &account);
            self.identities.insert(
                account,
                &Identity {
                    kind,
                    document,
                    expires_at,
                    live: true,
                },
            );
            self.record_status(account, None, Some((kind, expires_at)));
            self.env().emit_event(IdentityRegistered {
                account,
                kind,
                expires_at,
                by,
            });
            Ok(())
        }

        /// Moves a live identity's expiry (a renewed card).
        ///
        /// # Errors
        /// `NotRegistrar`, `NotRegistered`, `ExpiryNotInFuture`.
        ///
        /// # Events
        /// `IdentityRenewed`.
        #[ink(message)]
        pub fn renew(&mut self, account: AccountId, expires_at: Timestamp) -> Result<()> {
            let by = self.ensure_registrar()?;
            let mut identity = self.live_identity(account)?;
            self.ensure_future(expires_at)?;
            identity.expires_at = expires_at;
            self.identities.insert(account, &identity);
            let kind = Some(identity.kind);
            self.record_status(account, kind, Some((identity.kind, expires_at)));
            self.env().emit_event(IdentityRenewed {
                account,
                expires_at,
                by,
            });
            Ok(())
        }

        /// Changes a live identity's kind. Setting the kind it has changes nothing.
        ///
        /// # Errors
        /// `NotRegistrar`, `NotRegistered`.
        ///
        /// # Events
        /// `IdentityKindChanged` when the kind changes.
        #[ink(message)]
        pub fn change_kind(&mut self, account: AccountId, kind: IdentityKind) -> Result<()> {
            let by = self.ensure_registrar()?;
            let mut identity = self.live_identity(account)?;
            if identity.kind != kind {
                let old = identity.kind;
                identity.kind = kind;
                self.identities.insert(account, &identity);
                self.record_status(account, Some(old), Some((kind, identity.expires_at)));
                self.env()
                    .emit_event(IdentityKindChanged { account, kind, by });
            }
            Ok(())
        }

        /// Ends a live identity. Its document stays bound to the account.
        ///
        /// # Errors
        /// `NotRegistrar`, `NotRegistered`.
        ///
        /// # Events
        /// `IdentityEnded { expired: false }`.
        #[ink(message)]
        pub fn revoke(&mut self, account: AccountId) -> Result<()> {
            let by = self.ensure_registrar()?;
            let identity = self.live_identity(account)?;
            self.end(account, identity, false, by);
            Ok(())
        }

        /// Binds `key` as the card key of `account`'s live identity, in place of the key it
        /// had (a rotated card: the old key signs no more); `None` revokes the key (a lost
        /// card).
        ///
        /// A card key spends and votes for the account it is bound to (card-signed
        /// intents), so who may bind it depends on whose key it is. A registrar binds a
        /// card to **its own account**, the one the key controls on the chain
        /// (`AccountId = BLAKE2-256(key)`, Substrate's ECDSA accounts): that binds the
        /// card to nobody else. Only the admin seat (governance, after the handover: a
        /// vote and a timelock) binds a key to any other account, to move a citizen to a
        /// new card while the old account keeps its identity and coins; such a binding
        /// lapses when the admin seat moves (`card_holder`). A registrar revokes any card
        /// key.
        ///
        /// # Errors
        /// `NotRegistrar`, or `NotAdmin` for a key of another account; binding:
        /// `NotRegistered`, `MalformedCardKey` (not a compressed point's encoding),
        /// `CardKeyInUse` (bound before, to anyone; only a key once bound to another
        /// account may still go to its own); revoking: `NoCardKey`.
        ///
        /// # Events
        /// `CardKeyChanged`.
        #[ink(message)]
        pub fn set_card_key(&mut self, account: AccountId, key: Option<CardKey>) -> Result<()> {
            let by = match key {
                Some(key) if account != card_account(&key) => self.ensure_admin()?,
                _ => self.ensure_registrar()?,
            };
            match key {
                Some(key) => {
                    self.live_identity(account)?;
                    if !matches!(key[0], 2 | 3) {
                        return Err(RegistryError::MalformedCardKey);
                    }
                    // Bound once, ever; but a key the admin bound to another account
                    // may still go to its own account (a binding that lapsed must not
                    // spoil the card).
                    if let Some(holder) = self.card_holders.get(key) {
                        if holder == account || account != card_account(&key) {
                            return Err(RegistryError::CardKeyInUse);
                        }
                    }
                    self.card_holders.insert(key, &account);
                    self.card_keys.insert(account, &key);
                    if account != card_account(&key) {
                        self.bound_by_admin.insert(key, &by);
                    }
                }
                None if self.card_keys.contains(account) => self.card_keys.remove(account),
                None => return Err(RegistryError::NoCardKey),
            }
            self.env().emit_event(CardKeyChanged { account, key, by });
            Ok(())
        }

        /// `account`'s card key now, if it has one that signs for it (`card_holder` of the
        /// key answers `account`: not a lapsed card, nor a binding that lapsed).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn card_key(&self, account: AccountId) -> Option<CardKey> {
            self.card_keys
                .get(account)
                .filter(|key| self.card_holder(*key) == Some(account))
        }

        /// Marks a live identity whose expiry has passed as ended, so history and counts
        /// stop including it. Anyone may call it.
        ///
        /// # Errors
        /// `NotRegistered`, `NotExpired`.
        ///
        /// # Events
        /// `IdentityEnded { expired: true }`.
        #[ink(message)]
        pub fn expire(&mut self, account: AccountId) -> Result<()> {
            let identity = self.live_identity(account)?;
            if self.env().block_timestamp() < identity.expires_at {
                return Err(RegistryError::NotExpired);
            }
            let by = self.env().caller();
            self.end(account, identity, true, by);
            Ok(())
        }

        /// Grants `role` to `account`. Registrars grant inspector, worker, attester and
        /// service provider, which `account` holds at once. The admin grants `Registrar`
        /// as an offer: `account` holds it, and counts as a registrar, only once it calls
        /// `accept_registrar` itself. Granting a role already held, or offering the
        /// registrar role again to an account it is offered to, changes nothing.
        ///
        /// # Errors
        /// `NotAdmin` (for `Registrar`), `NotRegistrar` (for the others).
        ///
        /// # Events
        /// `RegistrarOffered` for a new offer of `Registrar`; `CivicRoleGranted` for another
        /// role the account did not hold.
        #[ink(message)]
        pub fn grant_role(&mut self, role: CivicRole, account: AccountId) -> Result<()> {
            let by = self.ensure_may_manage(role)?;
            let roles = self.roles.get(account).unwrap_or_default();
            if roles & role.bit() != 0 {
                return Ok(());
            }
            if role == CivicRole::Registrar {
                if roles & REGISTRAR_OFFERED == 0 {
                    self.roles.insert(account, &(roles | REGISTRAR_OFFERED));
                    self.env().emit_event(RegistrarOffered { account, by });
                }
            } else {
                self.roles.insert(account, &(roles | role.bit()));
                self.env()
                    .emit_event(CivicRoleGranted { role, account, by });
            }
            Ok(())
        }

        /// The caller, to whom the registrar role is offered, takes it: it registers,
        /// renews and grants roles from now on, and counts for the last-registrar rule.
        /// Only the account offered accepts, by a call of its own: a contract cannot (see
        /// the crate docs, Registrars).
        ///
        /// # Errors
        /// `NotOffered` if the role is not offered to the caller (never offered, withdrawn,
        /// or already accepted); `ContractRegistrar` if the caller is a contract.
        ///
        /// # Events
        /// `CivicRoleGranted { role: Registrar, account: caller, by: caller }`.
        #[ink(message)]
        pub fn accept_registrar(&mut self) -> Result<()> {
            let caller = self.env().caller();
            let roles = self.roles.get(caller).unwrap_or_default();
            if roles & REGISTRAR_OFFERED == 0 {
                return Err(RegistryError::NotOffered);
            }
            if !self.signed_by(&caller) {
                return Err(RegistryError::ContractRegistrar);
            }
            let role = CivicRole::Registrar;
            self.roles
                .insert(caller, &((roles & !REGISTRAR_OFFERED) | role.bit()));
            // One per account at most: far below u32::MAX.
            self.registrars = self.registrars.saturating_add(1);
            self.env().emit_event(CivicRoleGranted {
                role,
                account: caller,
                by: caller,
            });
            Ok(())
        }

        /// Whether `caller` signed the transaction it calls in: no contract, and no
        /// contract still being built either, whose constructor calls in before the chain
        /// records its account as a contract's (`is_contract` alone answers false then).
        fn signed_by(&self, caller: &AccountId) -> bool {
            !self.env().is_contract(caller) && self.caller_is_origin()
        }

        #[cfg(not(test))]
        fn caller_is_origin(&self) -> bool {
            self.env().caller_is_origin()
        }

        /// The off-chain test environment has no call stack (ink! 5 leaves
        /// `caller_is_origin` unimplemented there): every caller is the origin. The e2e
        /// tests play the real check on the Wasm.
        #[cfg(test)]
        fn caller_is_origin(&self) -> bool {
            true
        }

        /// Whether the registrar role is offered to `account` and not yet accepted (an
        /// account holding the role has no offer: see `has_civic_role`).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn registrar_offered(&self, account: AccountId) -> bool {
            self.roles.get(account).unwrap_or_default() & REGISTRAR_OFFERED != 0
        }

        /// How many accounts hold the registrar role (accepted; pending offers do not
        /// count).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn registrars(&self) -> u32 {
            self.registrars
        }

        /// Takes `role` from `account`; who may do so is as for `grant_role`. For
        /// `Registrar`, a pending offer to `account` is withdrawn. Revoking a role neither
        /// held nor offered changes nothing.
        ///
        /// # Errors
        /// `NotAdmin` (for `Registrar`), `NotRegistrar` (for the others), `LastRegistrar`
        /// for the only registrar that accepted the role (offers do not count: have
        /// another accept first).
        ///
        /// # Events
        /// `CivicRoleRevoked` when the account held the role; `RegistrarOfferWithdrawn`
        /// when the registrar role was offered to it.
        #[ink(message)]
        pub fn revoke_role(&mut self, role: CivicRole, account: AccountId) -> Result<()> {
            let by = self.ensure_may_manage(role)?;
            self.remove_role(role, account, by)
        }

        /// Gives up one of the caller's own roles, or declines the registrar role offered
        /// to it. Renouncing a role neither held nor offered changes nothing.
        ///
        /// # Errors
        /// `LastRegistrar` for the only registrar that accepted the role; anyone else may
        /// renounce.
        ///
        /// # Events
        /// `CivicRoleRevoked { by: caller }` when the caller held the role;
        /// `RegistrarOfferWithdrawn { by: caller }` when it declined an offer.
        #[ink(message)]
        pub fn renounce_role(&mut self, role: CivicRole) -> Result<()> {
            let caller = self.env().caller();
            self.remove_role(role, caller, caller)
        }

        /// Returns the caller if it holds the admin seat.
        fn ensure_admin(&self) -> Result<AccountId> {
            self.admin
                .ensure(self.env().caller())
                .map_err(|_| RegistryError::NotAdmin)
        }

        fn ensure_registrar(&self) -> Result<AccountId> {
            let caller = self.env().caller();
            if !self.has_civic_role(caller, CivicRole::Registrar) {
                return Err(RegistryError::NotRegistrar);
            }
            Ok(caller)
        }

        /// The admin manages registrars; registrars manage every other role.
        fn ensure_may_manage(&self, role: CivicRole) -> Result<AccountId> {
            match role {
                CivicRole::Registrar => self.ensure_admin(),
                _ => self.ensure_registrar(),
            }
        }

        fn remove_role(
            &mut self,
            role: CivicRole,
            account: AccountId,
            by: AccountId,
        ) -> Result<()> {
            let roles = self.roles.get(account).unwrap_or_default();
            if roles & role.bit() != 0 {
                if role == CivicRole::Registrar {
                    if self.registrars <= 1 {
                        return Err(RegistryError::LastRegistrar);
                    }
                    self.registrars = self.registrars.saturating_sub(1);
                }
                self.roles.insert(account, &(roles & !role.bit()));
                self.env()
                    .emit_event(CivicRoleRevoked { role, account, by });
            } else if role == CivicRole::Registrar && roles & REGISTRAR_OFFERED != 0 {
                self.roles.insert(account, &(roles & !REGISTRAR_OFFERED));
                self.env()
                    .emit_event(RegistrarOfferWithdrawn { account, by });
            }
            Ok(())
        }

        fn ensure_future(&self, expires_at: Timestamp) -> Result<()> {
            if expires_at <= self.env().block_timestamp() {
                return Err(RegistryError::ExpiryNotInFuture);
            }
            Ok(())
        }

        fn live_identity(&self, account: AccountId) -> Result<Identity> {
            self.identities
                .get(account)
                .filter(|identity| identity.live)
                .ok_or(RegistryError::NotRegistered)
        }

        fn end(
            &mut self,
            account: AccountId,
            mut identity: Identity,
            expired: bool,
            by: AccountId,
        ) {
            identity.live = false;
            self.identities.insert(account, &identity);
            self.record_status(account, Some(identity.kind), None);
            if self.card_keys.contains(account) {
                self.card_keys.remove(account);
                self.env().emit_event(CardKeyChanged {
                    account,
                    key: None,
                    by,
                });
            }
            self.env().emit_event(IdentityEnded {
                account,
                expired,
                by,
            });
        }

        /// Records that `account`'s live kind changes from `old` to `new` (with its
        /// expiry) in this block, in its history and, if the kind changed, in the counts.
        fn record_status(
            &mut self,
            account: AccountId,
            old: Option<IdentityKind>,
            new: Option<(IdentityKind, Timestamp)>,
        ) {
            let now = self.env().block_number();
            let checkpoint = StatusCheckpoint {
                block: now,
                kind: new.map(|(kind, _)| kind),
                expires_at: new.map(|(_, expires_at)| expires_at).unwrap_or_default(),
            };
            let len = self.status_checkpoints.get(account).unwrap_or_default();
            let key = |index| (account, index);
            let next = append(len, now, |index| {
                self.status_history.get(key(index)).map(|c| c.block)
            });
            self.status_history.insert(key(next.index), &checkpoint);
            self.status_checkpoints.insert(account, &next.len);

            let new = checkpoint.kind;
            if old == new {
                return;
            }
            if let Some(old) = old {
                // A live identity of kind `old` was counted when it became live.
                let count = &mut self.counts[old.index()];
                *count = count.saturating_sub(1);
            }
            if let Some(new) = new {
                // At most one live identity per account, and accounts fit no u32 anyway.
                let count = &mut self.counts[new.index()];
                *count = count.saturating_add(1);
            }
            let counts = CountCheckpoint {
                block: now,
                counts: self.counts,
            };
            let next = append(self.count_checkpoints, now, |index| {
                self.count_history.get(index).map(|c| c.block)
            });
            self.count_history.insert(next.index, &counts);
            self.count_checkpoints = next.len;
        }

        /// `account`'s last status checkpoint at or before the end of `block`.
        fn status_at(
            &self,
            account: AccountId,
            block: BlockNumber,
        ) -> Result<Option<StatusCheckpoint>> {
            self.ensure_finished(block)?;
            let len = self.status_checkpoints.get(account).unwrap_or_default();
            Ok(last_at_or_before(len, block, |index| {
                self.status_history
                    .get((account, index))
                    .map(|checkpoint| (checkpoint.block, checkpoint))
            }))
        }

        fn ensure_finished(&self, block: BlockNumber) -> Result<()> {
            if block >= self.env().block_number() {
                return Err(RegistryError::BlockNotYetFinished);
            }
            Ok(())
        }
    }

    impl Default for CitizenRegistry {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Where a checkpoint for block `now` goes in a history of `len` checkpoints: over the
    /// last one if it is for the same block, else after it.
    struct Slot {
        index: u32,
        len: u32,
    }

    fn append(len: u32, now: BlockNumber, block_of: impl Fn(u32) -> Option<BlockNumber>) -> Slot {
        match len.checked_sub(1) {
            Some(last) if block_of(last) == Some(now) => Slot { index: last, len },
            // One checkpoint per block at most, and block numbers are u32 too.
            _ => Slot {
                index: len,
                len: len.saturating_add(1),
            },
        }
    }

    /// The last checkpoint at or before `block` in a history of `len` checkpoints ordered
    /// by block, read with `get`, or `None` if all are later.
    fn last_at_or_before<T>(
        len: u32,
        block: BlockNumber,
        get: impl Fn(u32) -> Option<(BlockNumber, T)>,
    ) -> Option<T> {
        let (mut low, mut high) = (0u32, len);
        while low < high {
            let middle = low.midpoint(high);
            if get(middle).is_some_and(|(at, _)| at <= block) {
                // `middle < high <= u32::MAX`, so this cannot saturate.
                low = middle.saturating_add(1);
            } else {
                high = middle;
            }
        }
        get(low.checked_sub(1)?).map(|(_, value)| value)
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for CitizenRegistry {
        /// Replaces the registry's code with the uploaded `code_hash`, whose migration runs in
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

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the registry itself
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

    /// The admin seat, in two steps (city-traits' `admin` module documents it in full).
    impl Admin for CitizenRegistry {
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

    /// The cross-contract interface; `contracts/traits` documents each message in full.
    impl IdentityRegistry for CitizenRegistry {
        /// The kind of `account`'s identity, if it is live now and not past its expiry.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn kind_of(&self, account: AccountId) -> Option<IdentityKind> {
            let identity = self.live_identity(account).ok()?;
            (self.env().block_timestamp() < identity.expires_at || FORGETS_EXPIRIES)
                .then_some(identity.kind)
        }

        /// The kind of each of `accounts`' identities, as `kind_of` answers, in order.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn kinds_of(&self, accounts: Vec<AccountId>) -> Vec<Option<IdentityKind>> {
            accounts
                .into_iter()
                .map(|account| self.kind_of(account))
                .collect()
        }

        /// The kind of `account`'s identity at the end of `block`, if it was live then.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn kind_at(&self, account: AccountId, block: BlockNumber) -> Result<Option<IdentityKind>> {
            Ok(self
                .status_at(account, block)?
                .and_then(|checkpoint| checkpoint.kind))
        }

        /// The kind of `account`'s identity at the end of `block`, if it was live then
        /// with an expiry after `time`.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn kind_valid_at(
            &self,
            account: AccountId,
            block: BlockNumber,
            time: Timestamp,
        ) -> Result<Option<IdentityKind>> {
            Ok(self
                .status_at(account, block)?
                .filter(|checkpoint| time < checkpoint.expires_at || FORGETS_EXPIRIES)
                .and_then(|checkpoint| checkpoint.kind))
        }

        /// Whether `account` held a live identity at the end of `block`.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn was_eligible_at(&self, account: AccountId, block: BlockNumber) -> Result<bool> {
            Ok(self.kind_at(account, block)?.is_some())
        }

        /// How many live identities of each kind there were at the end of `block`.
        ///
        /// # Errors
        /// `BlockNotYetFinished` if `block` is the current block or later.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn eligible_counts_at(&self, block: BlockNumber) -> Result<KindCounts> {
            self.ensure_finished(block)?;
            Ok(last_at_or_before(self.count_checkpoints, block, |index| {
                self.count_history
                    .get(index)
                    .map(|checkpoint| (checkpoint.block, checkpoint.counts))
            })
            .unwrap_or_default())
        }

        /// Whether `account` holds `role`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn has_civic_role(&self, account: AccountId, role: CivicRole) -> bool {
            self.roles.get(account).unwrap_or_default() & role.bit() != 0
        }

        /// The position of the first of `accounts` that does not hold `role`, if any.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn first_without_civic_role(
            &self,
            accounts: Vec<AccountId>,
            role: CivicRole,
        ) -> Option<u32> {
            let position = accounts
                .iter()
                .position(|account| !self.has_civic_role(*account, role))?;
            // A message's input is far shorter than u32::MAX accounts.
            u32::try_from(position).ok()
        }

        /// The account whose card holds `key` now, if any: the key is its current one, and
        /// its identity is live and not past its expiry (as `kind_of` answers), so a lapsed
        /// card signs for nobody even before anyone calls `expire`. A key bound to an
        /// account other than its own answers only while the admin that bound it holds
        /// the seat: what the deployer bound before the handover answers nobody after it.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn card_holder(&self, key: CardKey) -> Option<AccountId> {
            let holder = self.card_holders.get(key)?;
            let bound = holder == card_account(&key)
                || self.bound_by_admin.get(key) == Some(self.admin.holder());
            (bound && self.card_keys.get(holder) == Some(key) && self.kind_of(holder).is_some())
                .then_some(holder)
        }
    }
}
