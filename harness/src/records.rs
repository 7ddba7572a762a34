//! Typed calls to civic records: `city.records(GARAGE).issue(cars, Subject::Asset(vin), ..)`.
//! Each method sends the message of the same name; the contract documents what it does
//! and refuses. [`crate::merkle`] builds the log batches and proofs `anchor` and
//! `verify_entry` take.

use city_traits::{
    Action, Asset, Batch, BatchId, Chain, CivicRole, Consent, ConsentId, Hash32, IdentityKind,
    Record, RecordId, RecordStatus, RecordsError, Schema, SchemaId, Standing, Subject,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use drink::AccountId32;

use crate::{
    admin::AdminCalls,
    call::Outcome,
    city::{contract_account, City, ADMIN},
};

/// Civic records, called by one actor.
pub struct RecordCalls<'a> {
    city: &'a mut City,
    address: AccountId32,
    caller: AccountId,
}

impl City {
    /// Calls civic records as `caller` (an actor or any account).
    pub fn records(&mut self, caller: impl Into<AccountId>) -> RecordCalls<'_> {
        let address = self.records.address.clone();
        RecordCalls {
            city: self,
            address,
            caller: caller.into(),
        }
    }

    /// `ADMIN` registers a schema named `name` whose issuers hold the registry's `Issuer`
    /// role, and gives each of `issuers` its standing; returns the schema's number.
    ///
    /// # Errors
    /// If `ADMIN` may not, or the schema is refused (the error names the call).
    pub fn register_schema(
        &mut self,
        definition: Schema,
        issuers: &[(AccountId, Standing)],
    ) -> anyhow::Result<SchemaId> {
        let schema = self
            .records(ADMIN)
            .register_schema(&definition)
            .accepted()?;
        for (issuer, standing) in issuers {
            self.records(ADMIN)
                .authorise_issuer(schema, *issuer, Some(*standing))
                .accepted()?;
        }
        Ok(schema)
    }
}

/// The stakeholders of a traction battery's custody chain: the maker who opens it, the
/// carriers who pass it on (the last hands it in), the closers who recycle it.
pub struct BatteryChain<'a> {
    pub makers: &'a [AccountId],
    pub carriers: &'a [AccountId],
    pub closers: &'a [AccountId],
}

impl City {
    /// `ADMIN` registers a custody schema of traction batteries among `chain`, whose
    /// return pays `reward` a battery to identities of `kinds`, and makes civic records the
    /// reward rules' attester of `TractionBatteryReturned`; returns the schema's number.
    ///
    /// # Errors
    /// If `ADMIN` may not (the error names the call).
    pub fn register_batteries(
        &mut self,
        chain: BatteryChain<'_>,
        reward: u128,
        kinds: &[IdentityKind],
    ) -> anyhow::Result<SchemaId> {
        let traction = Action::TractionBatteryReturned;
        let standings: Vec<(AccountId, Standing)> = [
            (chain.makers, Standing::Maker),
            (chain.carriers, Standing::Issuer),
            (chain.closers, Standing::Closer),
        ]
        .into_iter()
        .flat_map(|(accounts, standing)| accounts.iter().map(move |a| (*a, standing)))
        .collect();
        let batteries = self.register_schema(
            Schema {
                reward: Some(traction),
                ..schema("traction-battery", Chain::Custody, false, false)
            },
            &standings,
        )?;
        let records = contract_account(&self.records);
        self.install_device(records, &[traction])?;
        self.set_reward(traction, (reward, 1), kinds)?;
        Ok(batteries)
    }
}

/// A schema whose issuers hold the registry's `Issuer` role, with no reward.
pub fn schema(name: &str, chain: Chain, revocable: bool, expires: bool) -> Schema {
    Schema {
        name: name.into(),
        issuer: CivicRole::Issuer,
        revocable,
        expires,
        chain,
        reward: None,
    }
}

type RecordsResult<T = ()> = Result<T, RecordsError>;

/// The hash a consent's kind of data or purpose is written as: BLAKE2-256 of its name.
pub fn name_hash(name: &str) -> Hash32 {
    crate::merkle::entry_digest(name.as_bytes())
}

impl AdminCalls for RecordCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for RecordCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl RecordCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.city.send(&self.address, self.caller, selector, args)
    }

    pub fn register_schema(self, definition: &Schema) -> Outcome<RecordsResult<SchemaId>> {
        self.send(selector_bytes!("register_schema"), definition)
    }

    pub fn authorise_issuer(
        self,
        schema: SchemaId,
        issuer: impl Into<AccountId>,
        standing: Option<Standing>,
    ) -> Outcome<RecordsResult> {
        let args = (schema, issuer.into(), standing);
        self.send(selector_bytes!("authorise_issuer"), args)
    }

    pub fn schema(self, schema: SchemaId) -> Outcome<Option<Schema>> {
        self.send(selector_bytes!("schema"), schema)
    }

    pub fn may_issue(self, schema: SchemaId, account: impl Into<AccountId>) -> Outcome<bool> {
        self.send(selector_bytes!("may_issue"), (schema, account.into()))
    }

    pub fn issue(
        self,
        schema: SchemaId,
        subject: Subject,
        data_hash: Hash32,
        expires_at: Option<u32>,
        extends: Option<RecordId>,
    ) -> Outcome<RecordsResult<RecordId>> {
        let args = (schema, subject, data_hash, expires_at, extends);
        self.send(selector_bytes!("issue"), args)
    }

    pub fn revoke(self, record: RecordId, reason: Hash32) -> Outcome<RecordsResult> {
        self.send(selector_bytes!("revoke"), (record, reason))
    }

    pub fn record(self, record: RecordId) -> Outcome<Option<Record>> {
        self.send(selector_bytes!("record"), record)
    }

    pub fn status(self, record: RecordId) -> Outcome<RecordsResult<RecordStatus>> {
        self.send(selector_bytes!("status"), record)
    }

    pub fn valid_at(self, record: RecordId, block: u32) -> Outcome<RecordsResult<bool>> {
        self.send(selector_bytes!("valid_at"), (record, block))
    }

    pub fn hand_over(
        self,
        schema: SchemaId,
        asset: Hash32,
        to: impl Into<AccountId>,
        document: Hash32,
    ) -> Outcome<RecordsResult> {
        let args = (schema, asset, to.into(), document);
        self.send(selector_bytes!("hand_over"), args)
    }

    /// Takes over the asset handed to the caller, whose handover shows `document`.
    pub fn take_over(
        self,
        schema: SchemaId,
        asset: Hash32,
        document: Hash32,
    ) -> Outcome<RecordsResult<RecordId>> {
        self.send(selector_bytes!("take_over"), (schema, asset, document))
    }

    pub fn close_asset(
        self,
        schema: SchemaId,
        asset: Hash32,
        data_hash: Hash32,
    ) -> Outcome<RecordsResult<RecordId>> {
        self.send(selector_bytes!("close_asset"), (schema, asset, data_hash))
    }

    /// The custodian that handed a closed asset in asks for its return reward; returns
    /// the reward paid.
    pub fn reward_return(self, schema: SchemaId, asset: Hash32) -> Outcome<RecordsResult<u128>> {
        self.send(selector_bytes!("reward_return"), (schema, asset))
    }

    pub fn asset(self, schema: SchemaId, asset: Hash32) -> Outcome<Option<Asset>> {
        self.send(selector_bytes!("asset"), (schema, asset))
    }

    pub fn history(
        self,
        schema: SchemaId,
        asset: Hash32,
        from: u32,
        limit: u32,
    ) -> Outcome<Vec<(RecordId, Record)>> {
        self.send(selector_bytes!("history"), (schema, asset, from, limit))
    }

    pub fn anchor(self, label: &str, root: Hash32, size: u32) -> Outcome<RecordsResult<BatchId>> {
        self.send(selector_bytes!("anchor"), (label, root, size))
    }

    pub fn batch(self, batch: BatchId) -> Outcome<Option<Batch>> {
        self.send(selector_bytes!("batch"), batch)
    }

    /// Whether `proof` shows `digest` at `index` of batch `batch`, anchored by `anchorer`.
    pub fn verify_entry(
        self,
        batch: BatchId,
        anchorer: impl Into<AccountId>,
        digest: Hash32,
        index: u32,
        proof: &[Hash32],
    ) -> Outcome<RecordsResult<bool>> {
        let args = (batch, anchorer.into(), digest, index, proof.to_vec());
        self.send(selector_bytes!("verify_entry"), args)
    }

    /// Grants a consent; `kind` and `purpose` are names, sent as their hashes
    /// ([`name_hash`]).
    pub fn grant_consent(
        self,
        consumer: impl Into<AccountId>,
        provider: impl Into<AccountId>,
        kind: &str,
        purpose: &str,
        expires_at: u64,
    ) -> Outcome<RecordsResult<ConsentId>> {
        let (kind, purpose) = (name_hash(kind), name_hash(purpose));
        let args = (consumer.into(), provider.into(), kind, purpose, expires_at);
        self.send(selector_bytes!("grant_consent"), args)
    }

    pub fn revoke_consent(self, consent: ConsentId) -> Outcome<RecordsResult> {
        self.send(selector_bytes!("revoke_consent"), consent)
    }

    pub fn consent(self, consent: ConsentId) -> Outcome<Option<Consent>> {
        self.send(selector_bytes!("consent"), consent)
    }

    /// Whether `consent` lets `consumer` have `citizen`'s data of the kind named `kind`
    /// from `provider` now.
    pub fn consent_in_force(
        self,
        consent: ConsentId,
        citizen: impl Into<AccountId>,
        consumer: impl Into<AccountId>,
        provider: impl Into<AccountId>,
        kind: &str,
    ) -> Outcome<bool> {
        let args = (
            consent,
            citizen.into(),
            consumer.into(),
            provider.into(),
            name_hash(kind),
        );
        self.send(selector_bytes!("consent_in_force"), args)
    }

    pub fn consents_given(self, citizen: impl Into<AccountId>) -> Outcome<u32> {
        self.send(selector_bytes!("consents_given"), citizen.into())
    }

    pub fn consents_of(
        self,
        citizen: impl Into<AccountId>,
        from: u32,
        limit: u32,
    ) -> Outcome<Vec<(ConsentId, Consent)>> {
        self.send(
            selector_bytes!("consents_of"),
            (citizen.into(), from, limit),
        )
    }
}

/// Every civic-records message the harness calls, by metadata label, for checking that the
/// typed calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "register_schema",
    "authorise_issuer",
    "schema",
    "may_issue",
    "issue",
    "revoke",
    "record",
    "status",
    "valid_at",
    "hand_over",
    "take_over",
    "close_asset",
    "reward_return",
    "asset",
    "history",
    "anchor",
    "batch",
    "verify_entry",
    "grant_consent",
    "revoke_consent",
    "consent",
    "consent_in_force",
    "consents_given",
    "consents_of",
    "Upgradable::upgrade",
    "Upgradable::migrate",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
];
