//! Typed calls to the citizen registry: `city.registry(ADMIN).register(ALICE, ..)`. Each
//! method sends the message of the same name; the contract documents what it does and
//! refuses.

use city_traits::{
    CardKey, CivicRole, DocumentHash, Identity, IdentityKind, KindCounts, RegistryError, Timestamp,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use crate::{
    admin::AdminCalls,
    call::Outcome,
    city::{City, ADMIN},
};

/// The citizen registry, called by one actor.
pub struct RegistryCalls<'a> {
    city: &'a mut City,
    caller: AccountId,
}

impl City {
    /// Makes `who` a registrar in the registry's two steps, unless it is one: `ADMIN` (the
    /// registry's admin) offers the role and `who` accepts it.
    ///
    /// # Errors
    /// If `ADMIN` may not offer the role or `who` may not accept it (the error names the
    /// call).
    pub fn appoint_registrar(&mut self, who: impl Into<AccountId>) -> anyhow::Result<()> {
        let who = who.into();
        if self
            .registry(ADMIN)
            .has_civic_role(who, CivicRole::Registrar)
            .value
        {
            return Ok(());
        }
        self.registry(ADMIN)
            .grant_role(CivicRole::Registrar, who)
            .accepted()?;
        self.registry(who).accept_registrar().accepted()
    }

    /// Makes `ADMIN` a registrar (if it is not, [`City::appoint_registrar`]) and grants
    /// `role` to each of `accounts`. For `CivicRole::Registrar` the grants are offers,
    /// which each account accepts with `accept_registrar`.
    ///
    /// # Errors
    /// If `ADMIN` may not grant roles (the error names the call).
    pub fn grant_civic_role(
        &mut self,
        role: CivicRole,
        accounts: impl IntoIterator<Item = AccountId>,
    ) -> anyhow::Result<()> {
        self.appoint_registrar(ADMIN)?;
        for account in accounts {
            self.registry(ADMIN).grant_role(role, account).accepted()?;
        }
        Ok(())
    }

    /// Calls the registry as `caller` (an actor or any account).
    pub fn registry(&mut self, caller: impl Into<AccountId>) -> RegistryCalls<'_> {
        RegistryCalls {
            city: self,
            caller: caller.into(),
        }
    }
}

type RegistryResult<T = ()> = Result<T, RegistryError>;

impl AdminCalls for RegistryCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for RegistryCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl RegistryCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        let registry = self.city.registry.address.clone();
        self.city.send(&registry, self.caller, selector, args)
    }

    pub fn identity(self, account: impl Into<AccountId>) -> Outcome<Option<Identity>> {
        self.send(selector_bytes!("identity"), account.into())
    }

    pub fn document_holder(self, document: DocumentHash) -> Outcome<Option<AccountId>> {
        self.send(selector_bytes!("document_holder"), document)
    }

    pub fn eligible_counts(self) -> Outcome<KindCounts> {
        self.send(selector_bytes!("eligible_counts"), ())
    }

    pub fn register(
        self,
        account: impl Into<AccountId>,
        kind: IdentityKind,
        document: DocumentHash,
        expires_at: Timestamp,
    ) -> Outcome<RegistryResult> {
        let args = (account.into(), kind, document, expires_at);
        self.send(selector_bytes!("register"), args)
    }

    pub fn renew(
        self,
        account: impl Into<AccountId>,
        expires_at: Timestamp,
    ) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("renew"), (account.into(), expires_at))
    }

    pub fn change_kind(
        self,
        account: impl Into<AccountId>,
        kind: IdentityKind,
    ) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("change_kind"), (account.into(), kind))
    }

    pub fn revoke(self, account: impl Into<AccountId>) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("revoke"), account.into())
    }

    pub fn expire(self, account: impl Into<AccountId>) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("expire"), account.into())
    }

    /// Grants `role`; for `CivicRole::Registrar`, the admin offers it.
    pub fn grant_role(
        self,
        role: CivicRole,
        account: impl Into<AccountId>,
    ) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("grant_role"), (role, account.into()))
    }

    /// The caller takes the registrar role offered to it.
    pub fn accept_registrar(self) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("accept_registrar"), ())
    }

    /// Whether the registrar role is offered to `account`, not yet accepted.
    pub fn registrar_offered(self, account: impl Into<AccountId>) -> Outcome<bool> {
        self.send(selector_bytes!("registrar_offered"), account.into())
    }

    /// How many accounts hold the registrar role (accepted).
    pub fn registrars(self) -> Outcome<u32> {
        self.send(selector_bytes!("registrars"), ())
    }

    pub fn revoke_role(
        self,
        role: CivicRole,
        account: impl Into<AccountId>,
    ) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("revoke_role"), (role, account.into()))
    }

    pub fn renounce_role(self, role: CivicRole) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("renounce_role"), role)
    }

    // IdentityRegistry (the cross-contract interface)

    pub fn kind_of(self, account: impl Into<AccountId>) -> Outcome<Option<IdentityKind>> {
        self.send(selector_bytes!("IdentityRegistry::kind_of"), account.into())
    }

    pub fn kinds_of(self, accounts: &[AccountId]) -> Outcome<Vec<Option<IdentityKind>>> {
        self.send(selector_bytes!("IdentityRegistry::kinds_of"), accounts)
    }

    pub fn kind_at(
        self,
        account: impl Into<AccountId>,
        block: u32,
    ) -> Outcome<RegistryResult<Option<IdentityKind>>> {
        self.send(
            selector_bytes!("IdentityRegistry::kind_at"),
            (account.into(), block),
        )
    }

    /// The kind at the end of `block` if the card's expiry then was after `time`.
    pub fn kind_valid_at(
        self,
        account: impl Into<AccountId>,
        block: u32,
        time: u64,
    ) -> Outcome<RegistryResult<Option<IdentityKind>>> {
        let args = (account.into(), block, time);
        self.send(selector_bytes!("IdentityRegistry::kind_valid_at"), args)
    }

    pub fn was_eligible_at(
        self,
        account: impl Into<AccountId>,
        block: u32,
    ) -> Outcome<RegistryResult<bool>> {
        let args = (account.into(), block);
        self.send(selector_bytes!("IdentityRegistry::was_eligible_at"), args)
    }

    pub fn eligible_counts_at(self, block: u32) -> Outcome<RegistryResult<KindCounts>> {
        self.send(
            selector_bytes!("IdentityRegistry::eligible_counts_at"),
            block,
        )
    }

    pub fn has_civic_role(self, account: impl Into<AccountId>, role: CivicRole) -> Outcome<bool> {
        let args = (account.into(), role);
        self.send(selector_bytes!("IdentityRegistry::has_civic_role"), args)
    }

    /// The position of the first account without `role`, if any.
    pub fn first_without_civic_role(
        self,
        accounts: &[AccountId],
        role: CivicRole,
    ) -> Outcome<Option<u32>> {
        let args = (accounts.to_vec(), role);
        let selector = selector_bytes!("IdentityRegistry::first_without_civic_role");
        self.send(selector, args)
    }

    /// Binds `key` as the card key of `account`'s identity (rotating any it had), or with
    /// `None` revokes it.
    pub fn set_card_key(
        self,
        account: impl Into<AccountId>,
        key: Option<CardKey>,
    ) -> Outcome<RegistryResult> {
        self.send(selector_bytes!("set_card_key"), (account.into(), key))
    }

    pub fn card_key(self, account: impl Into<AccountId>) -> Outcome<Option<CardKey>> {
        self.send(selector_bytes!("card_key"), account.into())
    }

    /// Whose card holds `key` now.
    pub fn card_holder(self, key: CardKey) -> Outcome<Option<AccountId>> {
        self.send(selector_bytes!("IdentityRegistry::card_holder"), key)
    }
}

/// Every registry message the harness calls, by metadata label, for checking that the
/// typed calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "identity",
    "document_holder",
    "eligible_counts",
    "register",
    "renew",
    "change_kind",
    "revoke",
    "expire",
    "grant_role",
    "accept_registrar",
    "registrar_offered",
    "registrars",
    "revoke_role",
    "renounce_role",
    "set_card_key",
    "card_key",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
    "IdentityRegistry::kind_of",
    "IdentityRegistry::kinds_of",
    "IdentityRegistry::kind_at",
    "IdentityRegistry::kind_valid_at",
    "IdentityRegistry::was_eligible_at",
    "IdentityRegistry::eligible_counts_at",
    "IdentityRegistry::has_civic_role",
    "IdentityRegistry::first_without_civic_role",
    "IdentityRegistry::card_holder",
    "Upgradable::upgrade",
    "Upgradable::migrate",
];
