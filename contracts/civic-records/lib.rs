//! # Civic records
//!
//! The records layer of the city: Seoul's e-certificates and vehicle histories, Hangzhou's
//! traction batteries traced through their second life, Estonia's stamped logs and X-Road
//! consent, Xiong'an's traceable public works. Only hashes and accounts are stored, never
//! personal data.
//!
//! - **Schemas.** Governance (the admin seat) registers a schema: a name, the registry's
//!   civic role its issuers hold (usually `Issuer`), whether records are revocable,
//!   whether they expire, and how they chain ([`Chain`](city_traits::Chain)). Governance
//!   also gives each issuer a [`Standing`](city_traits::Standing) per schema (`Issuer`,
//!   `Maker`, `Closer`): the role alone is city-wide, so a garage with the `Issuer` role
//!   cannot write youth-allowance certificates. Losing the role in the registry, or the
//!   standing, stops an issuer at once, revocations included.
//! - **Records.** `issue(schema, subject, data_hash, expires_at, extends)` returns the
//!   record's number and emits `RecordIssued` with the schema, the subject and the issuer
//!   as topics. The issuer revokes a record with the hash of a reason. `status(record)`
//!   answers valid, revoked or expired now; `valid_at(record, block)` answers for a
//!   finished block. **Expiries are block numbers**, so that the answer for a past block is
//!   exact: a record with `expires_at = b` is valid in the blocks before `b`.
//! - **Asset histories.** A schema of `History` or `Custody` keeps an asset's life under
//!   the hash of its serial number or VIN, in that schema (one schema's asset never blocks
//!   another's). Only a `Maker` of the schema opens an asset. Each step extends the
//!   asset's latest record, so a fork or a step out of order is refused (`NotLatest`);
//!   steps are final (asset schemas neither expire nor revoke). In a custody chain only
//!   the custodian writes: it hands the asset over (`hand_over`), the receiver takes it
//!   over (`take_over`, the receiver's record, naming the document it was shown; a step
//!   written meanwhile voids the offer), and a `Closer` that holds it closes its life
//!   (`close_asset`); a closer never hands an asset on. `history(schema, asset, from,
//!   limit)` pages through the records.
//! - **Return rewards.** A custody schema may name a reward rules' action
//!   (`TractionBatteryReturned`). Once an asset's life is closed, the custodian that
//!   handed it to its closer (unless it made the asset) calls `reward_return(schema,
//!   asset)`: civic records, the rules' attester of that action, attests it under a
//!   receipt of the schema and the asset (`return_receipt`). The asset is paid once in
//!   its life, whichever station closed it (civic records marks it, and the rules refuse a
//!   receipt twice). A city authorises civic records alone for that action in the rules;
//!   devices attest household batteries under `BatteryReturned`.
//! - **Anchored logs** (KSI-like). An `Issuer` of the registry anchors the Merkle root of
//!   a batch of log entries with its size and a label. Anyone checks with
//!   `verify_entry(batch, anchorer, digest, index, proof)` that an entry belongs to a
//!   batch that anchorer anchored, from a proof of at most 32 levels: at most 33 hashes, a
//!   bounded weight. The hashing is RFC 9162 §2.1 with BLAKE2-256 (the `proof` module):
//!   digest `H(entry)`, leaf `H(0x00 ‖ digest)`, node `H(0x01 ‖ left ‖ right)`. The
//!   harness's `merkle` module builds batches and proofs.
//! - **Consent** (X-Road-like). A citizen with a live identity grants a named consumer
//!   access to a kind of their data from a named provider, for a purpose, until a time,
//!   and revokes it whenever they like; the kind and the purpose are hashes of their
//!   names. A provider asks `consent_in_force(consent, citizen, consumer, provider, kind)`
//!   before serving (a consent lapses with its citizen's identity), and records each
//!   access as an entry of an anchored log. `consents_of(citizen, from, limit)` pages
//!   through the consents in force: who holds the citizen's consent today.
//!
//! The admin seat moves in two steps: `offer_admin(to)`, then `accept_admin()` by `to`
//! (city-traits' [`Admin`](city_traits::Admin)). Every refusal is a typed
//! [`RecordsError`](city_traits::RecordsError) and, since a message returning `Err`
//! reverts, changes nothing.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

mod proof;
#[cfg(test)]
mod tests;

#[ink::contract]
mod civic_records {
    use city_traits::{
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, Asset, Batch, BatchId, Chain, CivicRole, Consent, ConsentId,
        Hash32, Record, RecordId, RecordStatus, RecordsError, Revocation, Schema, SchemaId,
        Standing, Subject, MAX_NAME_BYTES, MAX_PAGE, MAX_PROOF_LEVELS,
    };
    use ink::{
        prelude::{string::String, vec::Vec},
        storage::Mapping,
    };

    /// The version of the storage layout this code reads and writes (`Cargo.toml`
    /// declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("civic-records"),
        version: STORAGE_VERSION,
    };

    /// An asset's step: its schema, its key and the step's number.
    type StepKey = (SchemaId, Hash32, u32);

    #[ink(storage)]
    pub struct CivicRecords {
        admin: AdminSeat,
        registry: AccountId,
        rewards: AccountId,
        schemas: Mapping<SchemaId, Schema>,
        schema_count: SchemaId,
        /// Who governance authorised to issue (or also close) each schema.
        issuers: Mapping<(SchemaId, AccountId), Standing>,
        records: Mapping<RecordId, Record>,
        record_count: RecordId,
        /// Each asset's history, by schema and key: one schema's asset never blocks
        /// another's.
        assets: Mapping<(SchemaId, Hash32), Asset>,
        /// The records of each asset's history, in order.
        steps: Mapping<StepKey, RecordId>,
        batches: Mapping<BatchId, Batch>,
        batch_count: BatchId,
        consents: Mapping<ConsentId, Consent>,
        consent_count: ConsentId,
        /// Each citizen's consents, in the order given, and how many.
        consents_given: Mapping<(AccountId, u32), ConsentId>,
        consents_given_count: Mapping<AccountId, u32>,
    }

    /// Governance registered a schema.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct SchemaRegistered {
        #[ink(topic)]
        pub schema: SchemaId,
        pub definition: Schema,
    }

    /// Governance gave `issuer` a standing for `schema`, or withdrew it (`None`).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IssuerAuthorised {
        #[ink(topic)]
        pub schema: SchemaId,
        #[ink(topic)]
        pub issuer: AccountId,
        pub standing: Option<Standing>,
    }

    /// A record was written (a certificate, an asset's step).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RecordIssued {
        pub record: RecordId,
        #[ink(topic)]
        pub schema: SchemaId,
        #[ink(topic)]
        pub subject: Subject,
        #[ink(topic)]
        pub issuer: AccountId,
        pub data_hash: Hash32,
        pub extends: Option<RecordId>,
    }

    /// A record's issuer revoked it.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RecordRevoked {
        #[ink(topic)]
        pub record: RecordId,
        pub reason: Hash32,
    }

    /// An asset's custodian offered it to `to`, with the handover's document (`to` the
    /// custodian itself: the waiting offer was withdrawn).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct CustodyOffered {
        pub schema: SchemaId,
        #[ink(topic)]
        pub asset: Hash32,
        #[ink(topic)]
        pub from: AccountId,
        #[ink(topic)]
        pub to: AccountId,
        pub document: Hash32,
    }

    /// An asset's life was closed with `record`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct AssetClosed {
        pub schema: SchemaId,
        #[ink(topic)]
        pub asset: Hash32,
        pub record: RecordId,
    }

    /// An asset's return was rewarded to `beneficiary`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ReturnRewarded {
        pub schema: SchemaId,
        #[ink(topic)]
        pub asset: Hash32,
        #[ink(topic)]
        pub beneficiary: AccountId,
        pub reward: Balance,
    }

    /// A stakeholder anchored a batch of log entries.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct LogAnchored {
        pub batch: BatchId,
        #[ink(topic)]
        pub anchorer: AccountId,
        #[ink(topic)]
        pub label: String,
        pub root: Hash32,
        pub size: u32,
    }

    /// A citizen gave a consent.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ConsentGranted {
        pub consent: ConsentId,
        #[ink(topic)]
        pub citizen: AccountId,
        #[ink(topic)]
        pub consumer: AccountId,
        #[ink(topic)]
        pub provider: AccountId,
        pub kind: Hash32,
        pub purpose: Hash32,
        pub expires_at: Timestamp,
    }

    /// A citizen revoked a consent.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ConsentRevoked {
        pub consent: ConsentId,
        #[ink(topic)]
        pub citizen: AccountId,
        #[ink(topic)]
        pub consumer: AccountId,
    }

    type Result<T> = core::result::Result<T, RecordsError>;

    /// The receipt civic records attests an asset's return under: the BLAKE2-256 hash of
    /// `"ink-city/return"`, the schema and the asset key. Assets are keyed per schema in
    /// civic records, so their receipts are too: another reward schema opening the same
    /// key can never spend this one's receipt in the reward rules.
    fn return_receipt(schema: SchemaId, asset: Hash32) -> Hash32 {
        let mut receipt = [0u8; 32];
        ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(
            &("ink-city/return", schema, asset),
            &mut receipt,
        );
        receipt
    }

    /// Refuses a name, label, kind or purpose longer than [`MAX_NAME_BYTES`].
    fn short(name: &str) -> Result<()> {
        if name.len() > MAX_NAME_BYTES {
            return Err(RecordsError::NameTooLong);
        }
        Ok(())
    }

    impl CivicRecords {
        /// Creates civic records that ask `registry` about identities and roles, and pay
        /// return rewards through the reward rules at `rewards`. The caller is admin.
        #[ink(constructor)]
        pub fn new(registry: AccountId, rewards: AccountId) -> Self {
            Self {
                admin: AdminSeat::new(Self::env().caller()),
                registry,
                rewards,
                schemas: Mapping::new(),
                schema_count: 0,
                issuers: Mapping::new(),
                records: Mapping::new(),
                record_count: 0,
                assets: Mapping::new(),
                steps: Mapping::new(),
                batches: Mapping::new(),
                batch_count: 0,
                consents: Mapping::new(),
                consent_count: 0,
                consents_given: Mapping::new(),
                consents_given_count: Mapping::new(),
            }
        }

        // ---- Schemas ----

        /// Registers a schema and returns its number.
        ///
        /// # Errors
        /// `NotAdmin`, `NameTooLong`, `RewardNeedsCustody` for a reward outside a custody
        /// chain, `AssetStepsAreFinal` for an asset chain whose records expire or may be
        /// revoked.
        ///
        /// # Events
        /// `SchemaRegistered`.
        #[ink(message)]
        pub fn register_schema(&mut self, definition: Schema) -> Result<SchemaId> {
            self.ensure_admin()?;
            short(&definition.name)?;
            if definition.reward.is_some() && definition.chain != Chain::Custody {
                return Err(RecordsError::RewardNeedsCustody);
            }
            if (definition.expires || definition.revocable)
                && matches!(definition.chain, Chain::History | Chain::Custody)
            {
                return Err(RecordsError::AssetStepsAreFinal);
            }
            let schema = self.schema_count;
            self.schemas.insert(schema, &definition);
            self.schema_count = schema.saturating_add(1);
            self.env()
                .emit_event(SchemaRegistered { schema, definition });
            Ok(schema)
        }

        /// Gives `issuer` a standing for `schema`: it may issue the schema's records, as a
        /// `Maker` also open its assets' histories, as a `Closer` also close their lives;
        /// `None` withdraws it. The issuer also needs the schema's role in the registry.
        ///
        /// # Errors
        /// `NotAdmin`, `UnknownSchema`.
        ///
        /// # Events
        /// `IssuerAuthorised`.
        #[ink(message)]
        pub fn authorise_issuer(
            &mut self,
            schema: SchemaId,
            issuer: AccountId,
            standing: Option<Standing>,
        ) -> Result<()> {
            self.ensure_admin()?;
            self.schema(schema).ok_or(RecordsError::UnknownSchema)?;
            match standing {
                Some(standing) => self.issuers.insert((schema, issuer), &standing),
                None => {
                    self.issuers.remove((schema, issuer));
                    None
                }
            };
            self.env().emit_event(IssuerAuthorised {
                schema,
                issuer,
                standing,
            });
            Ok(())
        }

        /// The schema numbered `schema`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn schema(&self, schema: SchemaId) -> Option<Schema> {
            self.schemas.get(schema)
        }

        /// Whether `account` may issue `schema` now: governance authorised it and it holds
        /// the schema's role in the registry.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn may_issue(&self, schema: SchemaId, account: AccountId) -> bool {
            self.schema(schema)
                .is_some_and(|definition| self.authorised(schema, &definition, account))
        }

        // ---- Records ----

        /// Writes a record of `schema` about `subject`, and returns its number. For an
        /// asset schema, the first record (by a maker) opens the asset's history and every
        /// later one extends its latest record (in a custody chain only the custodian
        /// writes).
        ///
        /// # Errors
        /// - `UnknownSchema`; `NotAuthorised` unless the caller may issue the schema.
        /// - `ExpiryRequired`, `ExpiryNotAllowed`, `ExpiryPassed` (an expiry block that
        ///   is not after the current one).
        /// - `ExtendsRequired`, `UnknownRecord`, `ExtendsInvalid` (revoked or expired;
        ///   for an `Extends` schema also about another subject).
        /// - Asset schemas: `NotAnAsset`, `NotMaker` (opening), `NotLatest` (a fork or a
        ///   step out of order), `AssetClosed`, `NotCustodian`.
        ///
        /// # Events
        /// `RecordIssued`.
        #[ink(message)]
        pub fn issue(
            &mut self,
            schema: SchemaId,
            subject: Subject,
            data_hash: Hash32,
            expires_at: Option<BlockNumber>,
            extends: Option<RecordId>,
        ) -> Result<RecordId> {
            let caller = self.env().caller();
            let definition = self.schema(schema).ok_or(RecordsError::UnknownSchema)?;
            if !self.authorised(schema, &definition, caller) {
                return Err(RecordsError::NotAuthorised);
            }
            match (definition.expires, expires_at) {
                (true, None) => return Err(RecordsError::ExpiryRequired),
                (false, Some(_)) => return Err(RecordsError::ExpiryNotAllowed),
                (true, Some(at)) if at <= self.env().block_number() => {
                    return Err(RecordsError::ExpiryPassed)
                }
                _ => {}
            }
            match definition.chain {
                Chain::Standalone | Chain::Extends => {
                    match extends {
                        Some(earlier) => {
                            let cited = self.record(earlier).ok_or(RecordsError::UnknownRecord)?;
                            if self.status_of(&cited) != RecordStatus::Valid
                                || (definition.chain == Chain::Extends && cited.subject != subject)
                            {
                                return Err(RecordsError::ExtendsInvalid);
                            }
                        }
                        None if definition.chain == Chain::Extends => {
                            return Err(RecordsError::ExtendsRequired)
                        }
                        None => {}
                    }
                    self.write(schema, subject, caller, data_hash, expires_at, extends)
                }
                Chain::History | Chain::Custody => {
                    let Subject::Asset(key) = subject else {
                        return Err(RecordsError::NotAnAsset);
                    };
                    match self.assets.get((schema, key)) {
                        None if extends.is_none() => {
                            if self.standing(schema, caller) != Some(Standing::Maker) {
                                return Err(RecordsError::NotMaker);
                            }
                            self.open_asset(schema, key, caller, data_hash)
                        }
                        None => Err(RecordsError::NotLatest),
                        Some(asset) => {
                            self.ensure_next_step(&definition, &asset, caller)?;
                            if extends != Some(asset.latest) {
                                return Err(RecordsError::NotLatest);
                            }
                            self.step(schema, key, asset, caller, data_hash)
                                .map(|(record, _)| record)
                        }
                    }
                }
            }
        }

        /// Revokes the caller's record `record`, for the reason whose document hashes to
        /// `reason`.
        ///
        /// # Errors
        /// `UnknownRecord`, `NotIssuer`, `NotAuthorised` (the issuer's standing or role
        /// was withdrawn: it stopped), `NotRevocable`, `AlreadyRevoked`.
        ///
        /// # Events
        /// `RecordRevoked`.
        #[ink(message)]
        pub fn revoke(&mut self, record: RecordId, reason: Hash32) -> Result<()> {
            let mut written = self.record(record).ok_or(RecordsError::UnknownRecord)?;
            if written.issuer != self.env().caller() {
                return Err(RecordsError::NotIssuer);
            }
            let definition = self
                .schema(written.schema)
                .ok_or(RecordsError::UnknownSchema)?;
            if !self.authorised(written.schema, &definition, written.issuer) {
                return Err(RecordsError::NotAuthorised);
            }
            if !definition.revocable {
                return Err(RecordsError::NotRevocable);
            }
            if written.revoked.is_some() {
                return Err(RecordsError::AlreadyRevoked);
            }
            written.revoked = Some(Revocation {
                at: self.env().block_number(),
                reason,
            });
            self.records.insert(record, &written);
            self.env().emit_event(RecordRevoked { record, reason });
            Ok(())
        }

        /// The record numbered `record`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn record(&self, record: RecordId) -> Option<Record> {
            self.records.get(record)
        }

        /// Whether `record` is valid, revoked or expired now (revoked wins).
        ///
        /// # Errors
        /// `UnknownRecord`.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn status(&self, record: RecordId) -> Result<RecordStatus> {
            let written = self.record(record).ok_or(RecordsError::UnknownRecord)?;
            Ok(self.status_of(&written))
        }

        /// Whether `record` was valid at the end of `block`: written by then, not revoked
        /// by then, and `block` before its expiry.
        ///
        /// # Errors
        /// `BlockNotYetFinished` for the current block or a later one, `UnknownRecord`.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn valid_at(&self, record: RecordId, block: BlockNumber) -> Result<bool> {
            if block >= self.env().block_number() {
                return Err(RecordsError::BlockNotYetFinished);
            }
            let written = self.record(record).ok_or(RecordsError::UnknownRecord)?;
            Ok(written.issued_at <= block
                && written.revoked.is_none_or(|revoked| block < revoked.at)
                && written.expires_at.is_none_or(|at| block < at))
        }

        // ---- Asset histories ----

        /// Offers the asset `asset` of custody schema `schema` that the caller holds to
        /// `to`, an issuer of the schema, with the hash of the handover's document. A new
        /// offer replaces a waiting one; an offer to the custodian itself withdraws it.
        ///
        /// # Errors
        /// `UnknownSchema`, `NotCustody`, `UnknownAsset`, `AssetClosed`, `NotCustodian`,
        /// `NotAuthorised` if the caller or `to` may not issue the schema,
        /// `CloserOnlyCloses` if the caller is a closer of the schema.
        ///
        /// # Events
        /// `CustodyOffered`.
        #[ink(message)]
        pub fn hand_over(
            &mut self,
            schema: SchemaId,
            asset: Hash32,
            to: AccountId,
            document: Hash32,
        ) -> Result<()> {
            let caller = self.env().caller();
            let (mut held, definition) = self.custody(schema, asset)?;
            self.ensure_next_step(&definition, &held, caller)?;
            if !self.authorised(schema, &definition, caller) {
                return Err(RecordsError::NotAuthorised);
            }
            if self.standing(schema, caller) == Some(Standing::Closer) {
                return Err(RecordsError::CloserOnlyCloses);
            }
            held.offered = if to == caller {
                None
            } else if self.authorised(schema, &definition, to) {
                Some((to, document))
            } else {
                return Err(RecordsError::NotAuthorised);
            };
            self.assets.insert((schema, asset), &held);
            self.env().emit_event(CustodyOffered {
                schema,
                asset,
                from: caller,
                to,
                document,
            });
            Ok(())
        }

        /// Takes over the asset handed to the caller, whose handover document hashes to
        /// `document` (what the caller was shown): writes the step (the caller's record,
        /// with that document) and makes the caller its custodian.
        ///
        /// # Errors
        /// `UnknownSchema`, `NotCustody`, `UnknownAsset`, `AssetClosed`, `NoHandover`
        /// unless a handover to the caller is waiting, `DocumentMismatch` if it carries
        /// another document, `NotAuthorised` if the caller may no longer issue the schema.
        ///
        /// # Events
        /// `RecordIssued`.
        #[ink(message)]
        pub fn take_over(
            &mut self,
            schema: SchemaId,
            asset: Hash32,
            document: Hash32,
        ) -> Result<RecordId> {
            let caller = self.env().caller();
            let (mut held, definition) = self.custody(schema, asset)?;
            let Some((_, offered)) = held.offered.filter(|(to, _)| *to == caller) else {
                return Err(RecordsError::NoHandover);
            };
            if offered != document {
                return Err(RecordsError::DocumentMismatch);
            }
            if !self.authorised(schema, &definition, caller) {
                return Err(RecordsError::NotAuthorised);
            }
            held.handed_by = Some(held.custodian);
            held.custodian = caller;
            self.step(schema, asset, held, caller, document)
                .map(|(record, _)| record)
        }

        /// Closes the life of an asset (a battery recycled, a car scrapped) with a last
        /// step. The caller may write the asset's next step (in a custody chain: holds
        /// it) and governance made it a closer of the schema.
        ///
        /// # Errors
        /// `UnknownSchema`, `UnknownAsset`, `AssetClosed`, `NotAuthorised`, `NotCustodian`
        /// (custody chains), `NotCloser`.
        ///
        /// # Events
        /// `RecordIssued`, `AssetClosed`.
        #[ink(message)]
        pub fn close_asset(
            &mut self,
            schema: SchemaId,
            asset: Hash32,
            data_hash: Hash32,
        ) -> Result<RecordId> {
            let caller = self.env().caller();
            let definition = self.schema(schema).ok_or(RecordsError::UnknownSchema)?;
            let held = self
                .asset(schema, asset)
                .ok_or(RecordsError::UnknownAsset)?;
            self.ensure_next_step(&definition, &held, caller)?;
            if !self.authorised(schema, &definition, caller) {
                return Err(RecordsError::NotAuthorised);
            }
            if self.standing(schema, caller) != Some(Standing::Closer) {
                return Err(RecordsError::NotCloser);
            }
            let (record, mut held) = self.step(schema, asset, held, caller, data_hash)?;
            held.closed = true;
            self.assets.insert((schema, asset), &held);
            self.env().emit_event(AssetClosed {
                schema,
                asset,
                record,
            });
            Ok(record)
        }

        /// Pays the return reward of the closed asset `asset` of `schema`, once in its
        /// life, to the caller: the custodian that handed it to the one who closed it, if
        /// it is not the asset's maker and still an issuer of the schema. It chooses when
        /// to ask, since the reward rules pay at most what is left of its daily cap and of
        /// the day's budget, and the asset is paid once whatever they pay. Returns the
        /// reward paid.
        ///
        /// # Errors
        /// `UnknownSchema`, `UnknownAsset`, `NotClosed`, `NoReward` (no reward in the
        /// schema, or nobody but the maker handed the asset in), `NotBeneficiary`,
        /// `NotAuthorised`, `AlreadyRewarded`, `RewardRefused` with the rules' error.
        ///
        /// # Events
        /// `ReturnRewarded`, and the reward rules' `Attested`.
        #[ink(message)]
        pub fn reward_return(&mut self, schema: SchemaId, asset: Hash32) -> Result<Balance> {
            let caller = self.env().caller();
            let definition = self.schema(schema).ok_or(RecordsError::UnknownSchema)?;
            let mut held = self
                .asset(schema, asset)
                .ok_or(RecordsError::UnknownAsset)?;
            if !held.closed {
                return Err(RecordsError::NotClosed);
            }
            let beneficiary = held.handed_by.filter(|by| *by != held.maker);
            let (Some(action), Some(beneficiary)) = (definition.reward, beneficiary) else {
                return Err(RecordsError::NoReward);
            };
            if caller != beneficiary {
                return Err(RecordsError::NotBeneficiary);
            }
            if !self.authorised(schema, &definition, caller) {
                return Err(RecordsError::NotAuthorised);
            }
            if held.rewarded {
                return Err(RecordsError::AlreadyRewarded);
            }
            held.rewarded = true;
            self.assets.insert((schema, asset), &held);
            let reward = self
                .rewards()
                .attest(return_receipt(schema, asset), beneficiary, action, 1)
                .map_err(RecordsError::RewardRefused)?;
            self.env().emit_event(ReturnRewarded {
                schema,
                asset,
                beneficiary,
                reward,
            });
            Ok(reward)
        }

        /// Where the history of `asset` in `schema` stands.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn asset(&self, schema: SchemaId, asset: Hash32) -> Option<Asset> {
            self.assets.get((schema, asset))
        }

        /// Up to `limit` (at most [`MAX_PAGE`]) records of the history of `asset` in
        /// `schema`, from its step `from` (0 is the first), with their numbers.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn history(
            &self,
            schema: SchemaId,
            asset: Hash32,
            from: u32,
            limit: u32,
        ) -> Vec<(RecordId, Record)> {
            let steps = self.asset(schema, asset).map_or(0, |held| held.steps);
            let end = from.saturating_add(limit.min(MAX_PAGE)).min(steps);
            (from..end)
                .filter_map(|n| self.steps.get((schema, asset, n)))
                .filter_map(|id| self.record(id).map(|record| (id, record)))
                .collect()
        }

        // ---- Anchored logs ----

        /// Anchors the Merkle root of a batch of `size` log entries under `label`, and
        /// returns the batch's number. The caller holds the registry's `Issuer` role.
        ///
        /// # Errors
        /// `NotAuthorised`, `NameTooLong`, `EmptyBatch`.
        ///
        /// # Events
        /// `LogAnchored`.
        #[ink(message)]
        pub fn anchor(&mut self, label: String, root: Hash32, size: u32) -> Result<BatchId> {
            let anchorer = self.env().caller();
            if !self.registry().has_civic_role(anchorer, CivicRole::Issuer) {
                return Err(RecordsError::NotAuthorised);
            }
            short(&label)?;
            if size == 0 {
                return Err(RecordsError::EmptyBatch);
            }
            let batch = self.batch_count;
            self.batches.insert(
                batch,
                &Batch {
                    anchorer,
                    label: label.clone(),
                    root,
                    size,
                    anchored_at: self.env().block_number(),
                    time: self.env().block_timestamp(),
                },
            );
            self.batch_count = batch.saturating_add(1);
            self.env().emit_event(LogAnchored {
                batch,
                anchorer,
                label,
                root,
                size,
            });
            Ok(batch)
        }

        /// The anchored batch numbered `batch`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn batch(&self, batch: BatchId) -> Option<Batch> {
            self.batches.get(batch)
        }

        /// Whether `proof` shows that the entry whose BLAKE2-256 digest is `digest` is
        /// entry `index` of the batch `batch` that `anchorer` anchored (the crate docs give
        /// the hashing): a batch anchored by anyone else proves nothing, whatever its label.
        ///
        /// # Errors
        /// `UnknownBatch`, `ProofTooLong` for more than [`MAX_PROOF_LEVELS`] hashes.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn verify_entry(
            &self,
            batch: BatchId,
            anchorer: AccountId,
            digest: Hash32,
            index: u32,
            proof: Vec<Hash32>,
        ) -> Result<bool> {
            let anchored = self.batch(batch).ok_or(RecordsError::UnknownBatch)?;
            if proof.len() > MAX_PROOF_LEVELS {
                return Err(RecordsError::ProofTooLong);
            }
            Ok(anchored.anchorer == anchorer
                && crate::proof::proves(&anchored.root, anchored.size, index, &digest, &proof))
        }

        // ---- Consent ----

        /// Grants `consumer` access to the caller's data of `kind` held by `provider`, for
        /// `purpose`, until `expires_at`, and returns the consent's number. The kind and
        /// the purpose are the hashes of their names. The caller holds a live identity.
        ///
        /// # Errors
        /// `NotRegistered`, `ExpiryPassed`.
        ///
        /// # Events
        /// `ConsentGranted`.
        #[ink(message)]
        pub fn grant_consent(
            &mut self,
            consumer: AccountId,
            provider: AccountId,
            kind: Hash32,
            purpose: Hash32,
            expires_at: Timestamp,
        ) -> Result<ConsentId> {
            let citizen = self.env().caller();
            if !self.live(citizen) {
                return Err(RecordsError::NotRegistered);
            }
            let now = self.env().block_timestamp();
            if expires_at <= now {
                return Err(RecordsError::ExpiryPassed);
            }
            let consent = self.consent_count;
            self.consent_count = consent.saturating_add(1);
            let given = self.consents_given_count.get(citizen).unwrap_or_default();
            self.consents_given.insert((citizen, given), &consent);
            self.consents_given_count
                .insert(citizen, &given.saturating_add(1));
            self.consents.insert(
                consent,
                &Consent {
                    citizen,
                    consumer,
                    provider,
                    kind,
                    purpose,
                    granted_at: now,
                    expires_at,
                    revoked_at: None,
                },
            );
            self.env().emit_event(ConsentGranted {
                consent,
                citizen,
                consumer,
                provider,
                kind,
                purpose,
                expires_at,
            });
            Ok(consent)
        }

        /// Revokes the caller's consent `consent` from now on.
        ///
        /// # Errors
        /// `UnknownConsent`, `NotYourConsent`, `AlreadyRevoked`.
        ///
        /// # Events
        /// `ConsentRevoked`.
        #[ink(message)]
        pub fn revoke_consent(&mut self, consent: ConsentId) -> Result<()> {
            let mut given = self.consent(consent).ok_or(RecordsError::UnknownConsent)?;
            if given.citizen != self.env().caller() {
                return Err(RecordsError::NotYourConsent);
            }
            if given.revoked_at.is_some() {
                return Err(RecordsError::AlreadyRevoked);
            }
            given.revoked_at = Some(self.env().block_timestamp());
            self.consents.insert(consent, &given);
            self.env().emit_event(ConsentRevoked {
                consent,
                citizen: given.citizen,
                consumer: given.consumer,
            });
            Ok(())
        }

        /// The consent numbered `consent`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn consent(&self, consent: ConsentId) -> Option<Consent> {
            self.consents.get(consent)
        }

        /// Whether the consent `consent` lets `consumer` have `citizen`'s data of `kind`
        /// from `provider` now: it is `citizen`'s, names all three, is in force (given, not
        /// revoked, not expired), and `citizen`'s identity is live. What a provider asks
        /// before serving: a consent of another citizen, to someone else, for another
        /// provider or another kind of data answers `false`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn consent_in_force(
            &self,
            consent: ConsentId,
            citizen: AccountId,
            consumer: AccountId,
            provider: AccountId,
            kind: Hash32,
        ) -> bool {
            let now = self.env().block_timestamp();
            self.consent(consent).is_some_and(|given| {
                given.citizen == citizen
                    && given.consumer == consumer
                    && given.provider == provider
                    && given.kind == kind
                    && given.in_force(now)
            }) && self.live(citizen)
        }

        /// How many consents `citizen` has given, in force or not: the length of the list
        /// `consents_of` pages through.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn consents_given(&self, citizen: AccountId) -> u32 {
            self.consents_given_count.get(citizen).unwrap_or_default()
        }

        /// Of `citizen`'s consents numbered `from` to `from + limit` in the order given
        /// (`limit` at most [`MAX_PAGE`]), those in force now, with their numbers: who
        /// holds the citizen's consent today. None while the citizen's identity is not
        /// live: a consent lapses with its citizen's card.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn consents_of(
            &self,
            citizen: AccountId,
            from: u32,
            limit: u32,
        ) -> Vec<(ConsentId, Consent)> {
            if !self.live(citizen) {
                return Vec::new();
            }
            let now = self.env().block_timestamp();
            let end = from
                .saturating_add(limit.min(MAX_PAGE))
                .min(self.consents_given(citizen));
            (from..end)
                .filter_map(|n| self.consents_given.get((citizen, n)))
                .filter_map(|id| self.consent(id).map(|given| (id, given)))
                .filter(|(_, given)| given.in_force(now))
                .collect()
        }

        // ---- Inside ----

        /// Whether `written` is valid, revoked or expired now (revoked wins).
        fn status_of(&self, written: &Record) -> RecordStatus {
            if written.revoked.is_some() {
                RecordStatus::Revoked
            } else if written
                .expires_at
                .is_some_and(|at| at <= self.env().block_number())
            {
                RecordStatus::Expired
            } else {
                RecordStatus::Valid
            }
        }

        /// Whether `account` holds a live identity now.
        fn live(&self, account: AccountId) -> bool {
            let kinds = self.registry().kinds_of(&[account]);
            kinds.first().copied().flatten().is_some()
        }

        fn ensure_admin(&self) -> Result<AccountId> {
            self.admin
                .ensure(self.env().caller())
                .map_err(|_| RecordsError::NotAdmin)
        }

        /// Whether `account` may issue `schema`: governance's authorisation and the role.
        fn authorised(&self, schema: SchemaId, definition: &Schema, account: AccountId) -> bool {
            self.issuers.contains((schema, account))
                && self.registry().has_civic_role(account, definition.issuer)
        }

        /// The standing governance gave `account` for `schema`, if any.
        fn standing(&self, schema: SchemaId, account: AccountId) -> Option<Standing> {
            self.issuers.get((schema, account))
        }

        /// Refuses `caller` the next step of `asset` unless it may write it: not closed,
        /// an authorised issuer, and in a custody chain its custodian.
        fn ensure_next_step(
            &self,
            definition: &Schema,
            asset: &Asset,
            caller: AccountId,
        ) -> Result<()> {
            if asset.closed {
                return Err(RecordsError::AssetClosed);
            }
            if definition.chain == Chain::Custody && asset.custodian != caller {
                return Err(RecordsError::NotCustodian);
            }
            Ok(())
        }

        /// The asset `key` of the custody chain `schema`, open, and the schema.
        fn custody(&self, schema: SchemaId, key: Hash32) -> Result<(Asset, Schema)> {
            let definition = self.schema(schema).ok_or(RecordsError::UnknownSchema)?;
            if definition.chain != Chain::Custody {
                return Err(RecordsError::NotCustody);
            }
            let held = self.asset(schema, key).ok_or(RecordsError::UnknownAsset)?;
            if held.closed {
                return Err(RecordsError::AssetClosed);
            }
            Ok((held, definition))
        }

        /// Opens the history of asset `key` with its first record, by its maker.
        fn open_asset(
            &mut self,
            schema: SchemaId,
            key: Hash32,
            maker: AccountId,
            data_hash: Hash32,
        ) -> Result<RecordId> {
            let record = self.write(schema, Subject::Asset(key), maker, data_hash, None, None)?;
            self.steps.insert((schema, key, 0), &record);
            self.assets.insert(
                (schema, key),
                &Asset {
                    maker,
                    steps: 1,
                    latest: record,
                    custodian: maker,
                    handed_by: None,
                    offered: None,
                    closed: false,
                    rewarded: false,
                },
            );
            Ok(record)
        }

        /// Appends a step to the history of asset `key` (its state `held`, otherwise
        /// updated by the caller), and returns the record and the state written. A
        /// handover waiting is void: its receiver was shown the history before this step.
        fn step(
            &mut self,
            schema: SchemaId,
            key: Hash32,
            mut held: Asset,
            issuer: AccountId,
            data_hash: Hash32,
        ) -> Result<(RecordId, Asset)> {
            let record = self.write(
                schema,
                Subject::Asset(key),
                issuer,
                data_hash,
                None,
                Some(held.latest),
            )?;
            self.steps.insert((schema, key, held.steps), &record);
            held.steps = held.steps.saturating_add(1);
            held.latest = record;
            held.offered = None;
            self.assets.insert((schema, key), &held);
            Ok((record, held))
        }

        /// Writes a record and emits `RecordIssued`.
        fn write(
            &mut self,
            schema: SchemaId,
            subject: Subject,
            issuer: AccountId,
            data_hash: Hash32,
            expires_at: Option<BlockNumber>,
            extends: Option<RecordId>,
        ) -> Result<RecordId> {
            let record = self.record_count;
            self.records.insert(
                record,
                &Record {
                    schema,
                    subject,
                    issuer,
                    data_hash,
                    issued_at: self.env().block_number(),
                    expires_at,
                    extends,
                    revoked: None,
                },
            );
            self.record_count = record.saturating_add(1);
            self.env().emit_event(RecordIssued {
                record,
                schema,
                subject,
                issuer,
                data_hash,
                extends,
            });
            Ok(record)
        }

        /// The reward rules, for return rewards (unit tests reach a stand-in).
        #[cfg(not(test))]
        fn rewards(&self) -> city_traits::remote::RewardRules {
            self.rewards.into()
        }

        #[cfg(test)]
        fn rewards(&self) -> city_traits::fakes::Rewards {
            city_traits::fakes::Rewards
        }
    }

    // The registry, through its trait (unit tests reach a stand-in instead).
    city_traits::peers! {
        impl CivicRecords {
            fn registry() -> remote::IdentityRegistry { registry }
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for CivicRecords {
        /// Replaces the code with the uploaded `code_hash`, whose migration runs in the
        /// same call.
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

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the contract
        /// itself calls it, inside an upgrade.
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
    impl Admin for CivicRecords {
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
