//! Civic records: the types the civic-records contract and its callers (the harness, the
//! simulator, wallets) share. The contract's crate docs explain the rules.

use ink::prelude::string::String;
use ink::primitives::AccountId;

use crate::{Action, BlockNumber, CivicRole, RewardError, Timestamp};

/// A schema's number, from 0 in the order governance registered them.
pub type SchemaId = u32;
/// A record's number, from 0 in the order records were written.
pub type RecordId = u64;
/// An anchored batch's number, from 0.
pub type BatchId = u64;
/// A consent's number, from 0.
pub type ConsentId = u64;
/// A BLAKE2-256 hash: of a document, of an asset's serial number or VIN, of a log batch.
pub type Hash32 = [u8; 32];

/// The longest name, label, kind of data or purpose, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// The most sibling hashes an inclusion proof may hold: a batch of up to 2^32 entries.
pub const MAX_PROOF_LEVELS: usize = 32;
/// The most items one page of `history` or `consents_of` returns.
pub const MAX_PAGE: u32 = 50;

/// Whom or what a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum Subject {
    /// A person or an organisation, by account.
    Person(AccountId),
    /// A thing, by the BLAKE2-256 hash of its serial number or VIN (a traction battery, a
    /// car, a property): its history is kept under this key.
    Asset(Hash32),
}

/// How a schema's records link to earlier ones, and so who may write the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Chain {
    /// Records stand alone (a certificate). One may cite an earlier record that is valid.
    Standalone,
    /// Every record extends an earlier valid record about the same subject (a renewal, an
    /// amendment), of any schema.
    Extends,
    /// An asset's history (a car's): the subject is an asset, its first record (by a
    /// maker) opens the history, and each later one extends the asset's latest record. Any
    /// authorised issuer of the schema writes the next step. An asset's key is its own in
    /// each schema: one schema's history never blocks another's.
    History,
    /// An asset's custody chain (a battery's): as `History`, but only the current
    /// custodian writes a step; it hands the asset over to another authorised issuer of
    /// the schema, who takes it over (that step is the receiver's record). Only a closer
    /// of the schema closes an asset's life, and it must hold the asset.
    Custody,
}

/// What governance authorised an account to do with one schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum Standing {
    /// Writes records (and in an asset chain, steps).
    Issuer,
    /// Also opens an asset's history (a carmaker, a vehicle registration office): only a
    /// maker brings an asset into being.
    Maker,
    /// Also closes an asset's life (a recycling station, a scrapyard); a closer holding an
    /// asset of a custody chain only closes it, it never hands it on.
    Closer,
}

/// A kind of record, registered by governance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Schema {
    /// At most [`MAX_NAME_BYTES`] bytes.
    pub name: String,
    /// The registry's role an issuer must hold, besides governance's authorisation for
    /// this schema.
    pub issuer: CivicRole,
    /// Whether an issuer may revoke its records (never for asset chains: their steps are
    /// final).
    pub revocable: bool,
    /// Whether records carry an expiry block (then they must; never for asset chains).
    pub expires: bool,
    pub chain: Chain,
    /// For a custody chain: the reward rules' action paid once per asset, to the
    /// custodian that handed it over to the one who closed its life (a traction battery
    /// returned for recycling), if that custodian did not make it. Civic records must be
    /// the only attester of this action in the rules.
    pub reward: Option<Action>,
}

/// Why a record was revoked, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Revocation {
    /// The block the revocation was written in.
    pub at: BlockNumber,
    /// The hash of the decision's document.
    pub reason: Hash32,
}

/// One record: hashes and accounts, never personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Record {
    pub schema: SchemaId,
    pub subject: Subject,
    /// Who wrote it (in a custody chain: the custodian from this step on).
    pub issuer: AccountId,
    /// The hash of the off-chain document.
    pub data_hash: Hash32,
    /// The block it was written in.
    pub issued_at: BlockNumber,
    /// The first block at which it is no longer valid.
    pub expires_at: Option<BlockNumber>,
    pub extends: Option<RecordId>,
    pub revoked: Option<Revocation>,
}

/// What `status` answers of a record now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum RecordStatus {
    Valid,
    Revoked,
    Expired,
}

/// Where an asset's history stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Asset {
    /// Who opened its history.
    pub maker: AccountId,
    /// How many records its history holds.
    pub steps: u32,
    pub latest: RecordId,
    /// Who holds it (custody chains): the issuer of its latest custody step.
    pub custodian: AccountId,
    /// Who handed it to the custodian, if anyone did: the beneficiary of a return reward.
    pub handed_by: Option<AccountId>,
    /// A handover waiting for its receiver, with the hash of its document.
    pub offered: Option<(AccountId, Hash32)>,
    /// Its life is over (a battery recycled, a car scrapped): no step follows.
    pub closed: bool,
    /// Its schema's reward was paid.
    pub rewarded: bool,
}

/// The Merkle root of a batch of log entries, anchored by a stakeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Batch {
    pub anchorer: AccountId,
    /// At most [`MAX_NAME_BYTES`] bytes ("ministry-of-health/2026-12-06").
    pub label: String,
    pub root: Hash32,
    /// How many entries it holds, at least one.
    pub size: u32,
    pub anchored_at: BlockNumber,
    pub time: Timestamp,
}

/// A citizen's consent that `consumer` may have one kind of their data from `provider`,
/// for a purpose, until `expires_at`. The kind and the purpose are hashes of their names
/// (`BLAKE2-256("health-record")`), so nothing about the citizen is written in words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Consent {
    pub citizen: AccountId,
    pub consumer: AccountId,
    pub provider: AccountId,
    /// The kind of data: the hash of its name.
    pub kind: Hash32,
    /// Why: the hash of the purpose's name.
    pub purpose: Hash32,
    pub granted_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl Consent {
    /// Whether the consent holds at `time`: granted, not revoked, not expired.
    pub fn in_force(&self, time: Timestamp) -> bool {
        self.granted_at <= time
            && time < self.expires_at
            && self.revoked_at.is_none_or(|revoked| time < revoked)
    }
}

/// Everything civic records can refuse. A refused call changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum RecordsError {
    /// The caller is not the admin.
    NotAdmin,
    /// A name, label, kind or purpose is longer than [`MAX_NAME_BYTES`].
    NameTooLong,
    /// A reward needs a custody chain: only there does someone hand an asset in.
    RewardNeedsCustody,
    /// An asset's steps are final: an asset schema's records neither expire nor are
    /// revoked.
    AssetStepsAreFinal,
    /// No schema has that number.
    UnknownSchema,
    /// The caller (or the receiver of a handover) is not an issuer of the schema: it
    /// lacks governance's authorisation for it, or the registry's role.
    NotAuthorised,
    /// The schema keeps asset histories: the subject must be an asset.
    NotAnAsset,
    /// The schema's records expire: an expiry is required.
    ExpiryRequired,
    /// The schema's records do not expire: no expiry may be given.
    ExpiryNotAllowed,
    /// The expiry given has passed.
    ExpiryPassed,
    /// The schema's records extend an earlier one: none was given.
    ExtendsRequired,
    /// No record has that number.
    UnknownRecord,
    /// The record extended is revoked or expired, or (for a schema whose records extend)
    /// about another subject.
    ExtendsInvalid,
    /// The step does not extend the asset's latest record (a fork, or a step out of order).
    NotLatest,
    /// No history is kept under that asset key.
    UnknownAsset,
    /// The asset's life is over: no step follows.
    AssetClosed,
    /// The caller is not the asset's custodian.
    NotCustodian,
    /// Governance did not authorise the caller to close the schema's assets.
    NotCloser,
    /// Governance did not authorise the caller to open the schema's assets.
    NotMaker,
    /// A closer holding an asset only closes it.
    CloserOnlyCloses,
    /// The handover waiting is not the one the receiver was shown (its document differs).
    DocumentMismatch,
    /// Only the custodian that handed the asset in may ask for its return reward.
    NotBeneficiary,
    /// The schema keeps no custody chain.
    NotCustody,
    /// No handover to the caller is waiting.
    NoHandover,
    /// The schema's records cannot be revoked.
    NotRevocable,
    /// Only the record's issuer may revoke it.
    NotIssuer,
    /// The record or consent is already revoked.
    AlreadyRevoked,
    /// The block asked about has not finished.
    BlockNotYetFinished,
    /// A batch holds at least one entry.
    EmptyBatch,
    /// No batch has that number.
    UnknownBatch,
    /// An inclusion proof holds more than [`MAX_PROOF_LEVELS`] hashes.
    ProofTooLong,
    /// The caller holds no live identity.
    NotRegistered,
    /// No consent has that number.
    UnknownConsent,
    /// Only the citizen who gave a consent may revoke it.
    NotYourConsent,
    /// The asset's life is not over yet.
    NotClosed,
    /// The asset's schema pays no reward, or nobody but its maker handed it in.
    NoReward,
    /// The asset's reward was paid already.
    AlreadyRewarded,
    /// The reward rules refused to pay.
    RewardRefused(RewardError),
}
