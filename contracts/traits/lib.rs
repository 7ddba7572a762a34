//! Interfaces and shared types through which ink-city contracts reach each other.
//!
//! Contracts never depend on each other's crates. A caller holds a
//! `contract_ref!(CivicToken)` (or `contract_ref!(PSP22)`) built from an `AccountId` and
//! talks through the traits defined here; the error and role types it needs to read the
//! answers live here too, so the harness can decode them without linking any contract.
//!
//! The city token, the citizen registry, the reward rules and the project escrow share one
//! admin seat component, [`AdminSeat`], behind the [`Admin`] messages: it moves in two
//! steps, `offer_admin(to)` by the holder, then `accept_admin()` by `to`. Callers use the
//! selectors `Admin::admin`, `Admin::offered_admin`, `Admin::offer_admin` and
//! `Admin::accept_admin` (inputs of `ink::selector_bytes!`); see the `admin` module.
#![cfg_attr(not(feature = "std"), no_std)]

pub use admin::{Admin, AdminError, AdminOffered, AdminSeat, AdminTransferred};
pub use charity::*;
pub use escrow::*;
pub use events::emit;
pub use intents::*;
pub use leases::*;
pub use math::mul_div_floor;
pub use psp22::{PSP22Error, PSP22};
pub use raw::{RawInput, RawOutput};
pub use records::*;
pub use text::{PSP22Metadata, Text};
pub use upgrade::{CodeUpgraded, Layout, Upgradable, UpgradeError};
pub use voting::*;

pub mod admin;
mod charity;
mod escrow;
mod events;
#[cfg(feature = "fakes")]
pub mod fakes;
mod intents;
mod leases;
mod math;
mod peers;
mod raw;
mod records;
pub mod remote;
mod text;
pub mod upgrade;
mod voting;

/// Checks a hand-written error encoding against the derived one: `errors` lists every
/// variant of `E` in declaration order (its metadata says how many there are, so a
/// variant added without an arm of its own cannot pass unseen), each encodes with its
/// index first and decodes back to itself with the derived `Decode`.
#[cfg(test)]
fn encodes_as_derived<E>(errors: &[E])
where
    E: ink::scale::Encode
        + ink::scale::Decode
        + ink::scale_info::TypeInfo
        + core::fmt::Debug
        + PartialEq
        + 'static,
{
    let ink::scale_info::TypeDef::Variant(variants) = E::type_info().type_def else {
        panic!("an enum's metadata lists its variants");
    };
    assert_eq!(
        errors.len(),
        variants.variants.len(),
        "every variant is listed"
    );
    for (index, error) in errors.iter().enumerate() {
        let encoded = error.encode();
        assert_eq!(usize::from(encoded[0]), index, "{error:?}");
        assert_eq!(E::decode(&mut &encoded[..]).as_ref(), Ok(error));
    }
}

use ink::{prelude::vec::Vec, primitives::AccountId};

/// Token amounts, in the token's smallest unit.
pub type Balance = u128;
/// Block numbers, as the contracts pallet counts them.
pub type BlockNumber = u32;
/// Milliseconds since the Unix epoch, as the timestamp pallet counts them.
pub type Timestamp = u64;
/// The BLAKE2-256 hash of an off-chain identity document.
pub type DocumentHash = [u8; 32];
/// A citizen card's public key: a compressed secp256k1 point, `0x02` or `0x03` and the
/// point's x coordinate (33 bytes), as ink!'s `ecdsa_recover` returns it.
pub type CardKey = [u8; 33];

/// The account a card key controls on the chain: the BLAKE2-256 hash of the compressed
/// key, as Substrate derives an ECDSA signer's `AccountId32`. A registrar binds a card
/// only to this account (`set_card_key`).
pub fn card_account(key: &CardKey) -> AccountId {
    let mut account = [0; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(key, &mut account);
    AccountId::from(account)
}

/// A power the city token's admin can grant to an account.
///
/// The admin itself is not a role: there is exactly one admin account, the holder of the
/// token's [`AdminSeat`] (moved with `offer_admin` and `accept_admin`), which grants and
/// revokes every role below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Role {
    /// May create tokens up to the cap (reward rules hold it).
    Minter,
    /// May destroy tokens it holds or is allowed to spend.
    Burner,
    /// May pause and unpause the token.
    Pauser,
    /// A city service or merchant: citizens redeem tokens here, and in civic mode it is
    /// the only kind of account citizens may pay.
    ServiceProvider,
    /// The city's intents contract: redeems and approves for a citizen whose card signed
    /// the intent (`act_for`), and casts the ballots citizens signed (e-voting's
    /// `vote_for`). It acts for every holder and voter, so it is granted only by an
    /// admin seat held by a contract and only to a contract, and it lapses when the seat
    /// moves: the deployer never grants it, and after the handover only a proposal the
    /// electorate passed does.
    Forwarder,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 5] = [
        Role::Minter,
        Role::Burner,
        Role::Pauser,
        Role::ServiceProvider,
        Role::Forwarder,
    ];

    /// The role's bit in an account's role set.
    pub const fn bit(self) -> u8 {
        match self {
            Role::Minter => 1,
            Role::Burner => 1 << 1,
            Role::Pauser => 1 << 2,
            Role::ServiceProvider => 1 << 3,
            Role::Forwarder => 1 << 4,
        }
    }
}

/// Who may receive tokens from whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum TransferPolicy {
    /// Any holder may pay any account.
    #[default]
    Open,
    /// Civic points: every transfer must have a service provider on one side. Citizens
    /// cannot trade points with each other, yet can spend them at (and be refunded by)
    /// registered providers.
    Civic,
}

/// Everything the city token can refuse, outside the PSP22 messages (which report the
/// same conditions as [`PSP22Error`], see `From<TokenError> for PSP22Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum TokenError {
    /// The caller is not the admin.
    NotAdmin,
    /// The caller lacks the role the message needs.
    MissingRole(Role),
    /// The token is paused: no transfer, mint, burn or redemption.
    Paused,
    /// `unpause` was called while the token was not paused.
    NotPaused,
    /// The account holds fewer tokens than the operation needs.
    InsufficientBalance,
    /// The spender may spend fewer of the owner's tokens than the operation needs.
    InsufficientAllowance,
    /// Minting would lift the total supply above the cap set at construction.
    CapExceeded,
    /// The initial supply given to the constructor is above the cap.
    InitialSupplyAboveCap,
    /// The civic transfer policy refuses a transfer with no service provider on either side.
    PolicyForbidsTransfer,
    /// The redemption's provider does not hold the service provider role.
    NotServiceProvider,
    /// A provider cannot redeem tokens at itself.
    SelfRedemption,
    /// Redemptions must move a positive amount.
    ZeroAmount,
    /// The redemption memo is longer than the token accepts.
    MemoTooLong,
    /// History is only known for blocks that have ended: the block asked for is the
    /// current block or a later one.
    BlockNotYetFinished,
    /// A bulk payment lists more than [`MAX_PAYMENTS`] payments.
    TooManyPayments,
    /// The [`Role::Forwarder`] is granted only by an admin seat held by a contract
    /// (governance, after the handover) and only to a contract (the intents contract):
    /// never by the deployer, never to a person.
    ForwarderNotGoverned,
}

/// The most payments one `mint_many` or `transfer_many` makes: a release's wages and
/// contractor, or a reward batch's beneficiaries, with room to spare.
pub const MAX_PAYMENTS: usize = 100;
// A release pays in one `transfer_many`: a longer release would never go through.
const _: () = assert!(MAX_PAYMENTS_PER_RELEASE as usize <= MAX_PAYMENTS);

/// PSP22 messages report balance and allowance shortfalls with the standard variants, and
/// the city token's own refusals as `Custom` with the variant's name. Only `Paused` and
/// `PolicyForbidsTransfer` can reach a PSP22 message; naming just those keeps the other
/// names' strings out of the Wasm.
impl From<TokenError> for PSP22Error {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::InsufficientBalance => PSP22Error::InsufficientBalance,
            TokenError::InsufficientAllowance => PSP22Error::InsufficientAllowance,
            TokenError::Paused => PSP22Error::Custom("Paused".into()),
            TokenError::PolicyForbidsTransfer => PSP22Error::Custom("PolicyForbidsTransfer".into()),
            _ => PSP22Error::Custom("TokenError".into()),
        }
    }
}

/// What other contracts may ask of the city token beyond PSP22: the civic powers.
///
/// Reward rules mint through it (`mint_many` for a batch), project escrow pays wage rolls
/// with `transfer_many` and treasuries move tokens through [`PSP22`], e-voting reads
/// voting power and supply at a snapshot block.
#[ink::trait_definition]
pub trait CivicToken {
    /// Creates `amount` new tokens for `to`. A zero amount changes nothing.
    ///
    /// # Errors
    /// `MissingRole(Minter)`, `Paused`, `CapExceeded`.
    ///
    /// # Events
    /// `Transfer { from: None, to: Some(to), value: amount }`.
    #[ink(message)]
    fn mint_to(&mut self, to: AccountId, amount: Balance) -> Result<(), TokenError>;

    /// Mints each of `payments` (account, amount) as that many `mint_to`s would, in one
    /// call: the cap is checked against their sum, before anything is minted. Zero
    /// amounts are skipped. A reward batch's mints to many beneficiaries.
    ///
    /// # Errors
    /// `MissingRole(Minter)`, `TooManyPayments` above [`MAX_PAYMENTS`], `Paused`,
    /// `CapExceeded`.
    ///
    /// # Events
    /// `Transfer { from: None, to: Some(account), value: amount }` per payment, in order.
    #[ink(message)]
    fn mint_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError>;

    /// Pays each of `payments` (account, amount) from the caller's balance as that many
    /// `PSP22::transfer`s would, in one call: the pause and the transfer policy are checked
    /// for every payment and the balance against their sum, before anything moves. Zero
    /// amounts and payments to the caller are skipped. A wage roll's payments.
    ///
    /// # Errors
    /// `TooManyPayments` above [`MAX_PAYMENTS`], `Paused`, `PolicyForbidsTransfer`,
    /// `InsufficientBalance`.
    ///
    /// # Events
    /// `Transfer { from: Some(caller), to: Some(account), value: amount }` per payment, in
    /// order.
    #[ink(message)]
    fn transfer_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError>;

    /// Destroys `amount` of `from`'s tokens. The caller needs the burner role and, unless
    /// it burns its own tokens, an allowance from `from`, which the burn spends.
    /// A zero amount changes nothing.
    ///
    /// # Errors
    /// `MissingRole(Burner)`, `Paused`, `InsufficientAllowance`, `InsufficientBalance`.
    ///
    /// # Events
    /// `Approval` (when an allowance was spent), then
    /// `Transfer { from: Some(from), to: None, value: amount }`.
    #[ink(message)]
    fn burn_from(&mut self, from: AccountId, amount: Balance) -> Result<(), TokenError>;

    /// The voting power of `account` at the end of block `block`: the balance it held
    /// then if it had opted in to voting with it (`track_votes`) by that block, else zero.
    ///
    /// # Errors
    /// `BlockNotYetFinished` if `block` is the current block or later.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn votes_at(&self, account: AccountId, block: BlockNumber) -> Result<Balance, TokenError>;

    /// The total supply at the end of block `block`.
    ///
    /// # Errors
    /// `BlockNotYetFinished` if `block` is the current block or later.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn total_supply_at(&self, block: BlockNumber) -> Result<Balance, TokenError>;

    /// Whether `account` holds `role`.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn has_role(&self, account: AccountId, role: Role) -> bool;

    /// Who may pay whom now.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn transfer_policy(&self) -> TransferPolicy;
}

/// What kind of member of the city an identity makes its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum IdentityKind {
    /// A citizen of the city.
    Citizen,
    /// A resident who is not a citizen.
    Resident,
    /// An e-resident: a digital identity without residence (Estonia's e-residency).
    EResident,
    /// A registered visitor.
    Visitor,
}

impl IdentityKind {
    /// Every kind, in declaration order (the order of [`KindCounts`]).
    pub const ALL: [IdentityKind; 4] = [
        IdentityKind::Citizen,
        IdentityKind::Resident,
        IdentityKind::EResident,
        IdentityKind::Visitor,
    ];

    /// The kind's bit in a set of kinds (see [`Rule::kinds`]).
    pub const fn bit(self) -> u8 {
        match self {
            IdentityKind::Citizen => 1,
            IdentityKind::Resident => 1 << 1,
            IdentityKind::EResident => 1 << 2,
            IdentityKind::Visitor => 1 << 3,
        }
    }

    /// The kind's position in [`IdentityKind::ALL`].
    pub const fn index(self) -> usize {
        match self {
            IdentityKind::Citizen => 0,
            IdentityKind::Resident => 1,
            IdentityKind::EResident => 2,
            IdentityKind::Visitor => 3,
        }
    }
}

/// One account's identity in the citizen registry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Identity {
    pub kind: IdentityKind,
    /// The hash of the off-chain identity document.
    pub document: DocumentHash,
    pub expires_at: Timestamp,
    /// False once revoked or marked expired.
    pub live: bool,
}

/// How many eligible identities of each kind, in the order of [`IdentityKind::ALL`].
pub type KindCounts = [u32; 4];

/// A duty the citizen registry records for an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum CivicRole {
    /// Registers, renews and revokes identities, and grants the roles below. The
    /// registry's admin offers it, and the account offered holds it once it accepts
    /// (`accept_registrar`); the other roles are held as soon as they are granted.
    Registrar,
    /// Inspects public works (project escrow).
    Inspector,
    /// Works on public projects and is paid wages directly (project escrow).
    Worker,
    /// A trusted device (a smart bin, a water meter) that attests civic actions.
    Attester,
    /// A city service or merchant.
    ServiceProvider,
    /// Keeps civic records (the civic-records contract): issues certificates of the
    /// schemas governance authorised it for, writes asset histories, anchors logs. A
    /// ministry, a clinic, a garage, an insurer, a carmaker, a recycling station.
    Issuer,
    /// Registers properties by the hash of their deeds, with their owners (the leases
    /// contract): the city's land office.
    LandOffice,
}

impl CivicRole {
    /// The role's bit in an account's role set.
    pub const fn bit(self) -> u8 {
        match self {
            CivicRole::Registrar => 1,
            CivicRole::Inspector => 1 << 1,
            CivicRole::Worker => 1 << 2,
            CivicRole::Attester => 1 << 3,
            CivicRole::ServiceProvider => 1 << 4,
            CivicRole::Issuer => 1 << 5,
            CivicRole::LandOffice => 1 << 6,
        }
    }
}

/// Everything the citizen registry can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum RegistryError {
    /// The caller is not the admin.
    NotAdmin,
    /// The caller is not a registrar.
    NotRegistrar,
    /// The account already holds a live identity.
    AlreadyRegistered,
    /// The account holds no live identity (never registered, revoked or expired).
    NotRegistered,
    /// The document already backs another account's identity.
    DocumentInUse,
    /// The expiry is not after the current block's time.
    ExpiryNotInFuture,
    /// `expire` was called on an identity that has not expired.
    NotExpired,
    /// The only registrar cannot lose its role: have another accept it first (an offer
    /// not yet accepted does not count). Without one no card could be issued or renewed,
    /// and the electorate would lapse away.
    LastRegistrar,
    /// History is only known for blocks that have ended.
    BlockNotYetFinished,
    /// The registrar role is not offered to the caller (never offered, withdrawn, or
    /// already accepted).
    NotOffered,
    /// A contract cannot accept the registrar role: it could act only through whoever
    /// governs it, e-voting's governance included, whose electorate needs a registrar.
    ContractRegistrar,
    /// A card key is a compressed secp256k1 point: its first byte is `0x02` or `0x03`.
    MalformedCardKey,
    /// The card key was bound before (to this account or another): a key is bound once,
    /// so a revoked or rotated card never comes back.
    CardKeyInUse,
    /// The account has no card key bound.
    NoCardKey,
}

/// What other contracts may ask of the citizen registry.
///
/// Reward rules check beneficiaries and attesters, project escrow inspectors and workers,
/// e-voting the electorate at a snapshot block.
#[ink::trait_definition]
pub trait IdentityRegistry {
    /// The kind of `account`'s identity, if it is live now (registered, not revoked, not
    /// past its expiry).
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn kind_of(&self, account: AccountId) -> Option<IdentityKind>;

    /// The kind of each of `accounts`' identities, as `kind_of` answers, in order: one
    /// question for a batch of attestations' beneficiaries.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn kinds_of(&self, accounts: Vec<AccountId>) -> Vec<Option<IdentityKind>>;

    /// The kind of `account`'s identity at the end of `block`, if it was live then.
    /// An identity counts as live in history until it is revoked or marked expired with
    /// `expire` (which anyone may call once its expiry has passed).
    ///
    /// # Errors
    /// `BlockNotYetFinished` if `block` is the current block or later.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn kind_at(
        &self,
        account: AccountId,
        block: BlockNumber,
    ) -> Result<Option<IdentityKind>, RegistryError>;

    /// The kind of `account`'s identity at the end of `block`, if it was live then and
    /// the expiry it had then was after `time`: what e-voting asks of a voter, with the
    /// poll's snapshot block and opening time, so that a card that had lapsed neither
    /// votes nor needs anyone to have called `expire` on it.
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
    ) -> Result<Option<IdentityKind>, RegistryError>;

    /// Whether `account` held a live identity at the end of `block` (see `kind_at`).
    ///
    /// # Errors
    /// `BlockNotYetFinished` if `block` is the current block or later.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn was_eligible_at(
        &self,
        account: AccountId,
        block: BlockNumber,
    ) -> Result<bool, RegistryError>;

    /// How many live identities of each kind there were at the end of `block`.
    ///
    /// # Errors
    /// `BlockNotYetFinished` if `block` is the current block or later.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn eligible_counts_at(&self, block: BlockNumber) -> Result<KindCounts, RegistryError>;

    /// Whether `account` holds `role`.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn has_civic_role(&self, account: AccountId, role: CivicRole) -> bool;

    /// The position of the first of `accounts` that does not hold `role`, if any: one
    /// question for a whole wage roll or inspection team.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn first_without_civic_role(&self, accounts: Vec<AccountId>, role: CivicRole) -> Option<u32>;

    /// The account whose citizen card holds `key` now: bound by a registrar, neither
    /// rotated nor revoked since, its identity live and not past its expiry. A contract
    /// that accepts a
    /// card-signed intent asks it who signed.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn card_holder(&self, key: CardKey) -> Option<AccountId>;
}

/// A civic action the reward rules pay for, with the unit its quantity counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Action {
    /// Sorted recyclables (paper, plastic, glass, metal), in grams.
    Recyclables,
    /// Sorted kitchen waste, in grams.
    KitchenWaste,
    /// Hazardous waste brought to a bin (batteries aside), in grams.
    HazardousWaste,
    /// Other sorted waste, in grams.
    OtherWaste,
    /// Tax paid on time, in cents.
    TaxPaid,
    /// A city poll answered, in answers.
    PollAnswered,
    /// Volunteering for the city, in minutes.
    Volunteering,
    /// Water saved against the household's baseline, in litres.
    WaterSaved,
    /// Batteries returned for recycling, in units.
    BatteryReturned,
    /// A traction battery returned for recycling at the end of its custody chain, in
    /// units: civic records alone attests it, once per battery.
    TractionBatteryReturned,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 10] = [
        Action::Recyclables,
        Action::KitchenWaste,
        Action::HazardousWaste,
        Action::OtherWaste,
        Action::TaxPaid,
        Action::PollAnswered,
        Action::Volunteering,
        Action::WaterSaved,
        Action::BatteryReturned,
        Action::TractionBatteryReturned,
    ];

    /// The action's bit in an attester's set of authorised actions.
    pub const fn bit(self) -> u16 {
        match self {
            Action::Recyclables => 1,
            Action::KitchenWaste => 1 << 1,
            Action::HazardousWaste => 1 << 2,
            Action::OtherWaste => 1 << 3,
            Action::TaxPaid => 1 << 4,
            Action::PollAnswered => 1 << 5,
            Action::Volunteering => 1 << 6,
            Action::WaterSaved => 1 << 7,
            Action::BatteryReturned => 1 << 8,
            Action::TractionBatteryReturned => 1 << 9,
        }
    }
}

/// How an action is rewarded: `reward` tokens per `per` units of quantity, pro rata and
/// rounded down, for beneficiaries whose identity kind is in `kinds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Rule {
    pub reward: Balance,
    /// Units of quantity per `reward`; never zero.
    pub per: u128,
    /// The identity kinds rewarded, one bit per [`IdentityKind::bit`].
    pub kinds: u8,
}

impl Rule {
    /// Whether beneficiaries of `kind` are rewarded.
    pub const fn rewards(&self, kind: IdentityKind) -> bool {
        self.kinds & kind.bit() != 0
    }

    /// The reward for `quantity` units, rounded down; `None` if it does not fit in a
    /// balance or if `per` is 0. The product is taken in 256 bits, so large quantities of
    /// an 18-decimal token are paid exactly.
    pub fn reward_for(&self, quantity: u128) -> Option<Balance> {
        crate::mul_div_floor(quantity, self.reward, self.per)
    }
}

/// The set of identity kinds given, as [`Rule::kinds`] wants it.
pub fn kinds(of: &[IdentityKind]) -> u8 {
    of.iter().fold(0, |set, kind| set | kind.bit())
}

/// One civic action reported by an attester device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Attestation {
    /// The device's id for this report. Receipts are scoped by attester: a device's
    /// receipt is paid at most once, and no other device can take (or spend) its ids.
    pub receipt: [u8; 32],
    pub beneficiary: AccountId,
    pub action: Action,
    /// In the action's unit.
    pub quantity: u128,
}

/// Everything the reward rules can refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum RewardError {
    /// The caller is not the admin.
    NotAdmin,
    /// The caller is not an attester authorised for this action (in the reward rules and
    /// in the registry).
    NotAuthorised,
    /// No rule for this action is in force.
    NoRule,
    /// A rule must reward per a positive number of units.
    ZeroPer,
    /// The receipt was already paid.
    ReceiptSeen,
    /// The beneficiary has no live identity of a kind this rule rewards.
    NotEligible,
    /// The reward does not fit in a balance.
    Overflow,
    /// A batch holds more than the maximum number of attestations.
    BatchTooLarge,
    /// The token refused to mint.
    TokenRefused(TokenError),
}

/// Why a batch was refused: the first attestation that failed and its error. A refused
/// batch changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct BatchError {
    pub index: u32,
    pub error: RewardError,
}
