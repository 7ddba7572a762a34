//! # Leases
//!
//! Xiong'an's rental housing on the chain, "from land to house leasing".
//!
//! - **Properties.** A property is the hash of its deed. A holder of the registry's
//!   land-office role registers it with its owner: the city (`None`; the admin seat acts
//!   for it, and its rent goes to the city's treasury) or a registered landlord (a live
//!   identity of the registry, not a contract).
//! - **Income bands.** A registrar of the registry attests each applicant's income band
//!   (0 is the lowest).
//! - **Allocation of public housing.** The city (the admin seat: governance, whose
//!   proposal carries eight calls of about a dozen flats each) opens a round of its flats
//!   for the identity kinds it names and bands up to a maximum, with the hash of a secret
//!   (the commitment), the time applications close, the time by which it reveals the
//!   secret, the time by which winners sign, and the leases' start and terms. Eligible
//!   residents apply before the close; each application is folded into the round's
//!   entropy (`entropy = blake2-256(entropy ‖ account)`, from zero). After the close,
//!   anyone allocates the round with the secret; from `reveal_by` on, anyone allocates it
//!   without, the commitment standing in for the secret. The seed is blake2-256(secret ‖
//!   entropy): fixed by neither the city (whose secret was committed before anyone
//!   applied) nor the applicants (who do not know the secret; if the city does not
//!   reveal it, the last applicant with several identities of one band could have chosen
//!   among them: the city reveals). **The rule**, which anyone
//!   can recompute from the round's applications, its secret and its commitment:
//!   applicants are ordered by their band, lowest first, then by their ticket,
//!   blake2-256(seed ‖ account), lowest first as bytes; the first as many as there are
//!   flats win, the first winner the round's first flat, and so on. A winner signs its
//!   lease before `accept_by`; a flat nobody signed for is free after it.
//! - **Offers.** A property's owner offers a lease to one tenant (a start and terms); the
//!   tenant signs it while its offerer still acts for the property (the landlord, live;
//!   the admin seat's holder for the city's flats: the deployer's offers lapse with its
//!   seat). An offer stands unchanged until it is signed or its start passes; a
//!   withdrawn offer binds no more, and still bars another offer to the tenant until then.
//! - **A lease** names the property, the tenant, the start, the end, the rent per period
//!   and the deposit. Signing pays the deposit to this contract, which holds it (per
//!   lease, `deposit == deducted + returned + held`). Leases of one property never
//!   overlap: a lease starts at or after the end of the property's last one.
//!   `tenant_of(property, time)` answers the tenant from the start until the end, and
//!   nobody from the end on (as ERC-4907's `userOf` after `expires`).
//! - **Rent** is due at the start of each period. The tenant pays it, or anyone pulls what
//!   is in arrears from the tenant's allowance to this contract (`collect_rent`); someone
//!   else pays it only where the lease's terms allow third parties, and the payee never.
//!   Coins go straight from the payer to the payee; nobody pays beyond the whole lease's
//!   rent. `lease` answers what is due, paid and in arrears.
//! - **Notice.** The tenant ends a lease early by naming an end at least the agreed
//!   notice away, and not so soon that fewer periods start before it than the tenant paid for.
//! - **The deposit.** After the end, the owner may claim a deduction once, within
//!   [`CLAIM_WINDOW`](city_traits::CLAIM_WINDOW), with the hash of its evidence; only
//!   governance (the admin seat) rules on it, within
//!   [`RULING_WINDOW`](city_traits::RULING_WINDOW) of the window's close, allowing up to
//!   the claim, which goes to the payee. Then, or after the window with no claim, or once
//!   an unruled claim lapsed, anyone returns the rest to the tenant (the owner may return
//!   it before the window closes).
//!
//! Every message checks before it writes and writes before it calls the token
//! (checks-effects-interactions); the token is called without permission to re-enter.
//! The admin seat moves in two steps (city-traits' [`Admin`](city_traits::Admin)), and
//! upgrades go through it. After the handover governance holds it.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod ledger;
#[cfg(test)]
mod tests;

#[ink::contract]
mod leases {
    use city_traits::{
        emit,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, Application, Band, CivicRole, Lease, LeaseError, LeaseId,
        Offer, Property, PropertyId, RentStatus, Round, RoundId, RoundPlan, Terms, MAX_APPLICANTS,
    };
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    use crate::ledger;

    /// The admin seat, the city's treasury and the counts of rounds and leases.
    #[derive(Debug, Clone)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Settings {
        pub admin: AdminSeat,
        pub treasury: AccountId,
        pub rounds: RoundId,
        pub leases: LeaseId,
    }

    /// A round's application, by its number.
    type ApplicationKey = (RoundId, u32);
    /// A property's lease, by its number among the property's.
    type PropertyLeaseKey = (PropertyId, u32);

    /// The version of the storage layout this code reads and writes.
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("leases"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct Leases {
        token: AccountId,
        registry: AccountId,
        settings: Lazy<Settings>,
        properties: Mapping<PropertyId, Property>,
        bands: Mapping<AccountId, Band>,
        rounds: Mapping<RoundId, Round>,
        round_flats: Mapping<RoundId, Vec<PropertyId>>,
        applications: Mapping<ApplicationKey, Application>,
        applied: Mapping<(RoundId, AccountId), ()>,
        /// A round's winners in order, once allocated.
        winners: Mapping<RoundId, Vec<AccountId>>,
        /// The winners (by their place) who signed.
        signed: Mapping<ApplicationKey, LeaseId>,
        offers: Mapping<(PropertyId, AccountId), Offer>,
        leases: Mapping<LeaseId, Lease>,
        property_leases: Mapping<PropertyLeaseKey, LeaseId>,
    }

    /// A land office registered a property and its owner (`None`: the city).
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct PropertyRegistered {
        #[ink(topic)]
        pub property: PropertyId,
        pub owner: Option<AccountId>,
        pub land_office: AccountId,
    }

    /// A registrar attested an account's income band.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct BandAttested {
        #[ink(topic)]
        pub account: AccountId,
        pub band: Band,
        pub registrar: AccountId,
    }

    /// The city opened a round of flats.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RoundOpened {
        #[ink(topic)]
        pub round: RoundId,
        pub flats: u32,
        pub closes: Timestamp,
    }

    /// An account applied to a round.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct Applied {
        #[ink(topic)]
        pub round: RoundId,
        #[ink(topic)]
        pub applicant: AccountId,
        pub band: Band,
        /// The application's number in the round.
        pub index: u32,
    }

    /// A round was allocated by the rule with `seed`; `revealed` is false when the city
    /// did not reveal its secret in time and the commitment was the seed.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct Allocated {
        #[ink(topic)]
        pub round: RoundId,
        pub seed: [u8; 32],
        pub revealed: bool,
        pub winners: u32,
    }

    /// The owner withdrew its offer of a lease to a tenant.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct OfferWithdrawn {
        #[ink(topic)]
        pub property: PropertyId,
        #[ink(topic)]
        pub tenant: AccountId,
    }

    /// A property's owner offered a lease to a tenant.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct LeaseOffered {
        #[ink(topic)]
        pub property: PropertyId,
        #[ink(topic)]
        pub tenant: AccountId,
        pub start: Timestamp,
        pub terms: Terms,
    }

    /// A tenant signed a lease and paid its deposit.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct LeaseSigned {
        #[ink(topic)]
        pub lease: LeaseId,
        #[ink(topic)]
        pub property: PropertyId,
        #[ink(topic)]
        pub tenant: AccountId,
        pub start: Timestamp,
        pub end: Timestamp,
    }

    /// `amount` of a lease's rent was paid by `payer`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RentPaid {
        #[ink(topic)]
        pub lease: LeaseId,
        #[ink(topic)]
        pub payer: AccountId,
        pub amount: Balance,
    }

    /// The tenant gave notice: the lease ends at `end`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct NoticeGiven {
        #[ink(topic)]
        pub lease: LeaseId,
        pub end: Timestamp,
    }

    /// A lease's deposit moved: the owner `claimed` a deduction against `evidence`,
    /// governance `allowed` part of a claim (it went to the payee), or the rest was
    /// `returned` to the tenant. Zero where nothing of the kind happened.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct DepositChanged {
        #[ink(topic)]
        pub lease: LeaseId,
        pub claimed: Balance,
        pub evidence: [u8; 32],
        pub allowed: Balance,
        pub returned: Balance,
    }

    type Result<T> = core::result::Result<T, LeaseError>;

    impl Leases {
        /// Creates the leases of `token` coins, whose land offices, registrars, landlords
        /// and tenants are in `registry`, with the rent of the city's flats going to
        /// `treasury`. The caller is admin (offer the seat to governance).
        #[ink(constructor)]
        pub fn new(token: AccountId, registry: AccountId, treasury: AccountId) -> Self {
            let mut settings = Lazy::new();
            settings.set(&Settings {
                admin: AdminSeat::new(Self::env().caller()),
                treasury,
                rounds: 0,
                leases: 0,
            });
            Self {
                token,
                registry,
                settings,
                properties: Mapping::new(),
                bands: Mapping::new(),
                rounds: Mapping::new(),
                round_flats: Mapping::new(),
                applications: Mapping::new(),
                applied: Mapping::new(),
                winners: Mapping::new(),
                signed: Mapping::new(),
                offers: Mapping::new(),
                leases: Mapping::new(),
                property_leases: Mapping::new(),
            }
        }

        /// The city's treasury, and how many rounds and leases there are (each numbered
        /// from zero).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn counts(&self) -> (AccountId, RoundId, LeaseId) {
            let settings = self.settings();
            (settings.treasury, settings.rounds, settings.leases)
        }

        /// A property, if registered.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn property(&self, property: PropertyId) -> Option<Property> {
            self.properties.get(property)
        }

        /// A round, its flats in order, and its winners in order once allocated (the
        /// first takes the first flat; none before), if it exists.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn round(&self, round: RoundId) -> Option<(Round, Vec<PropertyId>, Vec<AccountId>)> {
            Some((
                self.rounds.get(round)?,
                self.round_flats.get(round)?,
                self.winners.get(round).unwrap_or_default(),
            ))
        }

        /// The round's application numbered `index`, if made.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn application(&self, round: RoundId, index: u32) -> Option<Application> {
            self.applications.get((round, index))
        }

        /// A lease, if it exists, and its rent now: what is due, paid and in arrears, and
        /// the whole lease's.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn lease(&self, lease: LeaseId) -> Option<(Lease, RentStatus)> {
            let data = self.leases.get(lease)?;
            let rent = ledger::rent(&data, self.env().block_timestamp());
            Some((data, rent))
        }

        /// Who holds the property at `time`: the tenant of the lease that started at or
        /// before it and ends after it; nobody from a lease's end on.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn tenant_of(&self, property: PropertyId, time: Timestamp) -> Option<AccountId> {
            let count = self.properties.get(property)?.leases;
            // Leases start in the order of their numbers: find the last started by `time`.
            let (mut low, mut high) = (0u32, count);
            let mut found = None;
            while low < high {
                let middle = low.saturating_add(high.saturating_sub(low) / 2);
                let lease = self.property_lease(property, middle)?;
                if lease.start <= time {
                    found = Some(lease);
                    low = middle.saturating_add(1);
                } else {
                    high = middle;
                }
            }
            found
                .filter(|lease| time < lease.end)
                .map(|lease| lease.tenant)
        }

        /// Registers the property whose deed hashes to `property`, owned by `owner` (a
        /// live identity of the registry, not a contract) or by the city (`None`). A
        /// holder of the registry's land-office role alone.
        ///
        /// # Errors
        /// `NotLandOffice`, `PropertyExists`, `NotEligible` (the landlord).
        ///
        /// # Events
        /// `PropertyRegistered`.
        #[ink(message)]
        pub fn register_property(
            &mut self,
            property: PropertyId,
            owner: Option<AccountId>,
        ) -> Result<()> {
            let caller = self.env().caller();
            if !self
                .registry()
                .has_civic_role(caller, CivicRole::LandOffice)
            {
                return Err(LeaseError::NotLandOffice);
            }
            if self.properties.contains(property) {
                return Err(LeaseError::PropertyExists);
            }
            if let Some(landlord) = owner {
                self.ensure_person(&landlord)?;
            }
            self.properties.insert(
                property,
                &Property {
                    owner,
                    leases: 0,
                    booked_until: 0,
                    held_until: 0,
                },
            );
            emit(&PropertyRegistered {
                property,
                owner,
                land_office: caller,
            });
            Ok(())
        }

        /// Attests `account`'s income band (0 is the lowest). A registrar of the registry
        /// alone; a new attestation replaces the last (applications keep theirs).
        ///
        /// # Errors
        /// `NotRegistrar`.
        ///
        /// # Events
        /// `BandAttested`.
        #[ink(message)]
        pub fn attest_band(&mut self, account: AccountId, band: Band) -> Result<()> {
            let registrar = self.env().caller();
            if !self
                .registry()
                .has_civic_role(registrar, CivicRole::Registrar)
            {
                return Err(LeaseError::NotRegistrar);
            }
            self.bands.insert(account, &band);
            emit(&BandAttested {
                account,
                band,
                registrar,
            });
            Ok(())
        }

        /// Opens a round of the city's flats (see the crate docs for the rule). Each flat
        /// is the city's, held by no other round until its signing time, and free when the
        /// round's leases start; the round holds them until `accept_by`. The admin's
        /// (governance's) alone: a proposal's call carries about a dozen flats, and a
        /// proposal eight calls. Returns the round's number.
        ///
        /// # Errors
        /// `NotAdmin`, `BadRound`, `BadTerms`, `UnknownProperty`, `FlatUnavailable`,
        /// `Overflow`.
        ///
        /// # Events
        /// `RoundOpened`.
        #[ink(message)]
        pub fn open_round(&mut self, plan: RoundPlan) -> Result<RoundId> {
            let mut settings = self.settings();
            if settings.admin.holder() != self.env().caller() {
                return Err(LeaseError::NotAdmin);
            }
            let now = self.env().block_timestamp();
            ledger::check_round(&plan, now)?;
            let id = settings.rounds;
            settings.rounds = id.checked_add(1).ok_or(LeaseError::Overflow)?;
            // Each flat is held as it is checked: one listed twice finds itself held, and
            // the refusal reverts every write of the call.
            for flat in &plan.flats {
                let Some(mut property) = self.properties.get(flat) else {
                    return Err(LeaseError::UnknownProperty);
                };
                if property.owner.is_some()
                    || property.held_until > now
                    || property.booked_until > plan.lease_start
                {
                    return Err(LeaseError::FlatUnavailable);
                }
                property.held_until = plan.accept_by;
                self.properties.insert(flat, &property);
            }
            // At most MAX_FLATS (128).
            let count = u32::try_from(plan.flats.len()).unwrap_or(u32::MAX);
            self.settings.set(&settings);
            self.rounds.insert(
                id,
                &Round {
                    kinds: plan.kinds,
                    max_band: plan.max_band,
                    closes: plan.closes,
                    commitment: plan.commitment,
                    reveal_by: plan.reveal_by,
                    accept_by: plan.accept_by,
                    lease_start: plan.lease_start,
                    terms: plan.terms,
                    flats: count,
                    applicants: 0,
                    entropy: [0; 32],
                    secret: None,
                    seed: None,
                },
            );
            self.round_flats.insert(id, &plan.flats);
            emit(&RoundOpened {
                round: id,
                flats: count,
                closes: plan.closes,
            });
            Ok(id)
        }

        /// Applies to a round before it closes: the caller holds a live identity of a kind
        /// the round admits (not a contract) and an attested band no higher than the
        /// round's maximum, and applies once. Returns the application's number.
        ///
        /// # Errors
        /// `UnknownRound`, `RoundClosed`, `AlreadyApplied`, `RoundFull`, `NotEligible`.
        ///
        /// # Events
        /// `Applied`.
        #[ink(message)]
        pub fn apply(&mut self, round: RoundId) -> Result<u32> {
            let applicant = self.env().caller();
            let mut data = self.rounds.get(round).ok_or(LeaseError::UnknownRound)?;
            if self.env().block_timestamp() >= data.closes {
                return Err(LeaseError::RoundClosed);
            }
            if self.applied.contains((round, applicant)) {
                return Err(LeaseError::AlreadyApplied);
            }
            if data.applicants >= MAX_APPLICANTS {
                return Err(LeaseError::RoundFull);
            }
            let band = self
                .bands
                .get(applicant)
                .filter(|band| *band <= data.max_band)
                .ok_or(LeaseError::NotEligible)?;
            self.ensure_admitted(&data, &applicant)?;
            let index = data.applicants;
            data.applicants = index.saturating_add(1);
            data.entropy = ledger::hash_pair(&data.entropy, applicant.as_ref());
            self.rounds.insert(round, &data);
            self.applied.insert((round, applicant), &());
            self.applications
                .insert((round, index), &Application { applicant, band });
            emit(&Applied {
                round,
                applicant,
                band,
                index,
            });
            Ok(index)
        }

        /// Allocates a closed round by the rule of the crate docs, with the city's secret
        /// (which must hash to the round's commitment) or, from `reveal_by` on, without it
        /// (the commitment stands in for it); either is hashed with the round's entropy
        /// into the seed. Anyone may call it. Returns the number of winners.
        ///
        /// # Errors
        /// `UnknownRound`, `RoundOpen`, `AlreadyAllocated`, `BadSecret`, `NotRevealed`.
        ///
        /// # Events
        /// `Allocated`.
        #[ink(message)]
        pub fn allocate(&mut self, round: RoundId, secret: Option<[u8; 32]>) -> Result<u32> {
            let mut data = self.rounds.get(round).ok_or(LeaseError::UnknownRound)?;
            let now = self.env().block_timestamp();
            if now < data.closes {
                return Err(LeaseError::RoundOpen);
            }
            if data.seed.is_some() {
                return Err(LeaseError::AlreadyAllocated);
            }
            let revealed = match secret {
                Some(secret) => {
                    if ledger::commitment(&secret) != data.commitment {
                        return Err(LeaseError::BadSecret);
                    }
                    secret
                }
                None if now >= data.reveal_by => data.commitment,
                None => return Err(LeaseError::NotRevealed),
            };
            let seed = ledger::hash_pair(&revealed, &data.entropy);
            let applications = (0..data.applicants)
                .filter_map(|index| self.applications.get((round, index)))
                .collect();
            let flats = usize::try_from(data.flats).unwrap_or(usize::MAX);
            let winners = ledger::winners(applications, &seed, flats);
            // At most the round's flats.
            let count = u32::try_from(winners.len()).unwrap_or(u32::MAX);
            data.seed = Some(seed);
            data.secret = secret;
            self.rounds.insert(round, &data);
            self.winners.insert(round, &winners);
            emit(&Allocated {
                round,
                seed,
                revealed: secret.is_some(),
                winners: count,
            });
            Ok(count)
        }

        /// Signs the lease of the flat the caller won in a round, before the round's
        /// `accept_by`, paying the deposit (approve this contract first). The caller's
        /// identity must still be live and of a kind the round admits. Returns the lease's
        /// number.
        ///
        /// # Errors
        /// `UnknownRound`, `NotAllocated`, `OfferLapsed`, `NotAWinner` (or signed already),
        /// `NotEligible`, `Overlap`, `Overflow`, `TokenRefused` (the deposit).
        ///
        /// # Events
        /// `LeaseSigned`, and the token's `Approval` and `Transfer`.
        #[ink(message)]
        pub fn accept_flat(&mut self, round: RoundId) -> Result<LeaseId> {
            let tenant = self.env().caller();
            let data = self.rounds.get(round).ok_or(LeaseError::UnknownRound)?;
            let winners = self.winners.get(round).ok_or(LeaseError::NotAllocated)?;
            if self.env().block_timestamp() >= data.accept_by {
                return Err(LeaseError::OfferLapsed);
            }
            let index = (0u32..)
                .zip(&winners)
                .find(|(index, winner)| {
                    **winner == tenant && !self.signed.contains((round, *index))
                })
                .map(|(index, _)| index)
                .ok_or(LeaseError::NotAWinner)?;
            self.ensure_admitted(&data, &tenant)?;
            let flat = self
                .round_flats
                .get(round)
                .and_then(|flats| flats.get(usize::try_from(index).ok()?).copied())
                .ok_or(LeaseError::UnknownProperty)?;
            let payee = self.settings().treasury;
            let lease = self.sign(flat, tenant, payee, data.lease_start, data.terms)?;
            self.signed.insert((round, index), &lease);
            Ok(lease)
        }

        /// Offers a lease of a property to `tenant` (a live identity of the registry, not a
        /// contract, not the owner), from `start` on the given terms. The property's owner
        /// alone: its landlord, while a live identity, or the admin for the city's. The
        /// tenant signs it with `accept_lease`. An offer stands unchanged until it is
        /// signed or its start passes: terms changed under the tenant's feet could be
        /// slipped in ahead of its signature.
        ///
        /// # Errors
        /// `UnknownProperty`, `NotOwner`, `NotEligible` (the landlord or the tenant),
        /// `BadTerms`, `Overlap` (a start in the past), `OfferStands` (withdraw it first).
        ///
        /// # Events
        /// `LeaseOffered`.
        #[ink(message)]
        pub fn offer_lease(
            &mut self,
            property: PropertyId,
            tenant: AccountId,
            start: Timestamp,
            terms: Terms,
        ) -> Result<()> {
            let data = self.owned(property)?;
            if data.owner == Some(tenant) {
                return Err(LeaseError::NotEligible);
            }
            self.ensure_person(&tenant)?;
            ledger::end_of(start, &terms)?;
            let now = self.env().block_timestamp();
            if start < now {
                return Err(LeaseError::Overlap);
            }
            if self
                .offers
                .get((property, tenant))
                .is_some_and(|offer| offer.start >= now)
            {
                return Err(LeaseError::OfferStands);
            }
            self.offers.insert(
                (property, tenant),
                &Offer {
                    by: self.env().caller(),
                    start,
                    terms,
                },
            );
            emit(&LeaseOffered {
                property,
                tenant,
                start,
                terms,
            });
            Ok(())
        }

        /// Withdraws the owner's offer of a lease of `property` to `tenant`: it binds no
        /// more, and still stands in the way of another offer to the tenant until its start
        /// (a withdrawal followed by a new offer would be the swap `OfferStands` refuses).
        /// The property's owner alone (its landlord, or the admin for the city's).
        ///
        /// # Errors
        /// `UnknownProperty`, `NotOwner`, `NotEligible` (the landlord's identity lapsed),
        /// `NoOffer`.
        ///
        /// # Events
        /// `OfferWithdrawn`.
        #[ink(message)]
        pub fn withdraw_offer(&mut self, property: PropertyId, tenant: AccountId) -> Result<()> {
            self.owned(property)?;
            let Some(mut offer) = self.offers.get((property, tenant)) else {
                return Err(LeaseError::NoOffer);
            };
            // The zero account acts for no property: the offer binds no more.
            offer.by = AccountId::from([0; 32]);
            self.offers.insert((property, tenant), &offer);
            emit(&OfferWithdrawn { property, tenant });
            Ok(())
        }

        /// Signs the lease of `property` its owner offered the caller, paying the deposit
        /// (approve this contract first): the offerer must still act for the property (the
        /// landlord, still a live identity; for the city's, the admin seat's holder now),
        /// the start must not have passed, the property must be free of any round's hold,
        /// and the lease must start at or after the end of the property's last one. Returns
        /// the lease's number.
        ///
        /// # Errors
        /// `NoOffer` (none, or its offerer no longer acts for the property),
        /// `UnknownProperty`, `OfferLapsed` (the start passed), `NotEligible` (the caller's
        /// identity lapsed), `FlatUnavailable` (a round holds it), `Overlap`, `Overflow`,
        /// `TokenRefused`.
        ///
        /// # Events
        /// `LeaseSigned`, and the token's `Approval` and `Transfer`.
        #[ink(message)]
        pub fn accept_lease(&mut self, property: PropertyId) -> Result<LeaseId> {
            let tenant = self.env().caller();
            let offer = self
                .offers
                .get((property, tenant))
                .ok_or(LeaseError::NoOffer)?;
            let data = self
                .properties
                .get(property)
                .ok_or(LeaseError::UnknownProperty)?;
            let binds = match data.owner {
                Some(landlord) => offer.by == landlord && self.ensure_person(&landlord).is_ok(),
                None => self.is_admin(&offer.by),
            };
            if !binds {
                return Err(LeaseError::NoOffer);
            }
            let now = self.env().block_timestamp();
            if offer.start < now {
                return Err(LeaseError::OfferLapsed);
            }
            self.ensure_person(&tenant)?;
            if data.held_until > now {
                return Err(LeaseError::FlatUnavailable);
            }
            let payee = match data.owner {
                Some(landlord) => landlord,
                None => self.settings().treasury,
            };
            self.offers.remove((property, tenant));
            self.sign(property, tenant, payee, offer.start, offer.terms)
        }

        /// Pays `amount` of a lease's rent from the caller to the payee (approve this
        /// contract first): the tenant, or anyone where the terms allow third parties, but
        /// never the payee itself (a transfer to oneself moves nothing); never beyond the
        /// whole lease's rent. Arrears may be paid after the end.
        ///
        /// # Errors
        /// `UnknownLease`, `ThirdPartyRent`, `ZeroAmount`, `Overpaid`, `TokenRefused`.
        ///
        /// # Events
        /// `RentPaid`, and the token's `Approval` and `Transfer`.
        #[ink(message)]
        pub fn pay_rent(&mut self, lease: LeaseId, amount: Balance) -> Result<()> {
            let payer = self.env().caller();
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            if payer == data.payee || (payer != data.tenant && !data.terms.third_party_rent) {
                return Err(LeaseError::ThirdPartyRent);
            }
            ledger::pay(&mut data, amount)?;
            self.paid(lease, &data, payer, amount)
        }

        /// Pulls what a lease's rent is in arrears from the tenant's allowance to this
        /// contract, to the payee. Anyone may call it: it moves only rent already due.
        /// Returns the amount.
        ///
        /// # Errors
        /// `UnknownLease`, `NoArrears`, `TokenRefused` (the allowance or the balance).
        ///
        /// # Events
        /// `RentPaid`, and the token's `Approval` and `Transfer`.
        #[ink(message)]
        pub fn collect_rent(&mut self, lease: LeaseId) -> Result<Balance> {
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            let arrears = ledger::rent(&data, self.env().block_timestamp()).arrears;
            if arrears == 0 {
                return Err(LeaseError::NoArrears);
            }
            ledger::pay(&mut data, arrears)?;
            self.paid(lease, &data, data.tenant, arrears)?;
            Ok(arrears)
        }

        /// Ends a lease early at `end`, on the tenant's notice: at least the agreed notice
        /// from now, before the lease's end, not before its start, and after the start of
        /// the last period already paid for. The tenant alone.
        ///
        /// # Errors
        /// `UnknownLease`, `NotTenant`, `LeaseEnded`, `NoticeTooShort`.
        ///
        /// # Events
        /// `NoticeGiven`.
        #[ink(message)]
        pub fn give_notice(&mut self, lease: LeaseId, end: Timestamp) -> Result<()> {
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            if data.tenant != self.env().caller() {
                return Err(LeaseError::NotTenant);
            }
            ledger::notice(&mut data, end, self.env().block_timestamp())?;
            let mut property = self
                .properties
                .get(data.property)
                .ok_or(LeaseError::UnknownProperty)?;
            // Later leases start at or after the old end; the property is free from the
            // new end only if this is its last lease (a later one may have ended at its
            // start, at the old end).
            let last = property
                .leases
                .checked_sub(1)
                .and_then(|index| self.property_leases.get((data.property, index)));
            if last == Some(lease) {
                property.booked_until = end;
                self.properties.insert(data.property, &property);
            }
            self.leases.insert(lease, &data);
            emit(&NoticeGiven { lease, end });
            Ok(())
        }

        /// Claims `amount` of a lease's deposit against the hash of the evidence, once,
        /// after the lease's end and within the claim window; governance rules on it. The
        /// property's owner alone (its landlord, or the admin for the city's).
        ///
        /// # Errors
        /// `UnknownLease`, `UnknownProperty`, `NotOwner`, `NotEligible` (the landlord's
        /// identity lapsed), `LeaseNotEnded`, `ClaimClosed`, `ZeroAmount`, `OverDeposit`.
        ///
        /// # Events
        /// `DepositChanged` (`claimed`).
        #[ink(message)]
        pub fn claim_deduction(
            &mut self,
            lease: LeaseId,
            amount: Balance,
            evidence: [u8; 32],
        ) -> Result<()> {
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            self.owned(data.property)?;
            ledger::claim(&mut data, amount, evidence, self.env().block_timestamp())?;
            self.leases.insert(lease, &data);
            emit(&DepositChanged {
                lease,
                claimed: amount,
                evidence,
                allowed: 0,
                returned: 0,
            });
            Ok(())
        }

        /// Rules on the claim against a lease's deposit: `allowed` (at most the claim) goes
        /// to the payee. The admin's (governance's) alone, within
        /// [`RULING_WINDOW`](city_traits::RULING_WINDOW) of the claim window's close;
        /// after it the claim lapses.
        ///
        /// # Errors
        /// `NotAdmin`, `UnknownLease`, `NoClaim`, `OverClaim`, `TokenRefused`.
        ///
        /// # Events
        /// `DepositChanged` (`allowed`), and the token's `Transfer`.
        #[ink(message)]
        pub fn rule_on_claim(&mut self, lease: LeaseId, allowed: Balance) -> Result<()> {
            if !self.is_admin(&self.env().caller()) {
                return Err(LeaseError::NotAdmin);
            }
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            ledger::rule(&mut data, allowed, self.env().block_timestamp())?;
            self.leases.insert(lease, &data);
            self.pay(&data.payee, allowed)?;
            emit(&DepositChanged {
                lease,
                claimed: 0,
                evidence: [0; 32],
                allowed,
                returned: 0,
            });
            Ok(())
        }

        /// Returns what a lease's deposit holds to the tenant, after the end, once any
        /// claim was ruled on, or the claim window closed with no claim. Anyone may call
        /// it; the owner may before the window closes (waiving its claim). Returns the
        /// amount.
        ///
        /// # Errors
        /// `UnknownLease`, `DepositSettled`, `LeaseNotEnded`, `DepositWaits`,
        /// `TokenRefused`.
        ///
        /// # Events
        /// `DepositChanged` (`returned`), and the token's `Transfer`.
        #[ink(message)]
        pub fn return_deposit(&mut self, lease: LeaseId) -> Result<Balance> {
            let mut data = self.leases.get(lease).ok_or(LeaseError::UnknownLease)?;
            let by_owner = self.owned(data.property).is_ok();
            let amount = ledger::settle(&mut data, by_owner, self.env().block_timestamp())?;
            self.leases.insert(lease, &data);
            self.pay(&data.tenant, amount)?;
            emit(&DepositChanged {
                lease,
                claimed: 0,
                evidence: [0; 32],
                allowed: 0,
                returned: amount,
            });
            Ok(amount)
        }

        fn settings(&self) -> Settings {
            // Set by the constructor, never removed.
            self.settings.get().unwrap_or_else(|| unreachable!())
        }

        fn is_admin(&self, account: &AccountId) -> bool {
            self.settings().admin.holder() == *account
        }

        /// A property the caller owns: its landlord (while a live identity), or the admin
        /// for the city's.
        fn owned(&self, property: PropertyId) -> Result<Property> {
            let caller = self.env().caller();
            let data = self
                .properties
                .get(property)
                .ok_or(LeaseError::UnknownProperty)?;
            match data.owner {
                None if self.is_admin(&caller) => Ok(data),
                Some(landlord) if landlord == caller => {
                    self.ensure_person(&caller)?;
                    Ok(data)
                }
                _ => Err(LeaseError::NotOwner),
            }
        }

        /// A live identity of the registry, not a contract.
        fn ensure_person(&self, account: &AccountId) -> Result<()> {
            if self.env().is_contract(account) || self.registry().kind_of(*account).is_none() {
                return Err(LeaseError::NotEligible);
            }
            Ok(())
        }

        /// A live identity of a kind the round admits, not a contract.
        fn ensure_admitted(&self, round: &Round, account: &AccountId) -> Result<()> {
            let admitted = !self.env().is_contract(account)
                && self
                    .registry()
                    .kind_of(*account)
                    .is_some_and(|kind| round.kinds & kind.bit() != 0);
            if !admitted {
                return Err(LeaseError::NotEligible);
            }
            Ok(())
        }

        /// The property's lease numbered `index`.
        fn property_lease(&self, property: PropertyId, index: u32) -> Option<Lease> {
            self.leases
                .get(self.property_leases.get((property, index))?)
        }

        /// Signs a lease of `property` to `tenant` from `start` on `terms`, whose rent goes
        /// to `payee`, and takes the deposit.
        fn sign(
            &mut self,
            property: PropertyId,
            tenant: AccountId,
            payee: AccountId,
            start: Timestamp,
            terms: Terms,
        ) -> Result<LeaseId> {
            let mut data = self
                .properties
                .get(property)
                .ok_or(LeaseError::UnknownProperty)?;
            if start < data.booked_until {
                return Err(LeaseError::Overlap);
            }
            let end = ledger::end_of(start, &terms)?;
            let mut settings = self.settings();
            let id = settings.leases;
            settings.leases = id.checked_add(1).ok_or(LeaseError::Overflow)?;
            let index = data.leases;
            data.leases = index.checked_add(1).ok_or(LeaseError::Overflow)?;
            data.booked_until = end;
            self.settings.set(&settings);
            self.properties.insert(property, &data);
            self.property_leases.insert((property, index), &id);
            self.leases.insert(
                id,
                &Lease {
                    property,
                    tenant,
                    payee,
                    start,
                    end,
                    terms,
                    rent_paid: 0,
                    deducted: 0,
                    returned: 0,
                    claim: None,
                },
            );
            if terms.deposit > 0 {
                let leases = self.env().account_id();
                self.token()
                    .transfer_from(tenant, leases, terms.deposit, Vec::new())
                    .map_err(LeaseError::TokenRefused)?;
            }
            emit(&LeaseSigned {
                lease: id,
                property,
                tenant,
                start,
                end,
            });
            Ok(id)
        }

        /// Writes a rent payment and moves it from `payer` to the payee.
        fn paid(
            &mut self,
            lease: LeaseId,
            data: &Lease,
            payer: AccountId,
            amount: Balance,
        ) -> Result<()> {
            self.leases.insert(lease, data);
            self.token()
                .transfer_from(payer, data.payee, amount, Vec::new())
                .map_err(LeaseError::TokenRefused)?;
            emit(&RentPaid {
                lease,
                payer,
                amount,
            });
            Ok(())
        }

        /// Transfers `amount` of this contract's coins to `to` (nothing for zero); a
        /// refusal reverts the call.
        fn pay(&self, to: &AccountId, amount: Balance) -> Result<()> {
            if amount == 0 {
                return Ok(());
            }
            self.token()
                .transfer(*to, amount, Vec::new())
                .map_err(LeaseError::TokenRefused)
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl Leases {
            fn token() -> remote::PSP22 { token }
            fn registry() -> remote::IdentityRegistry { registry }
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for Leases {
        /// Replaces the leases' code with the uploaded `code_hash`, whose migration runs in
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
            upgrade::upgrade(self.is_admin(&self.env().caller()), code_hash, LAYOUT)
        }

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the leases
        /// contract itself calls it, inside an upgrade.
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
    impl Admin for Leases {
        /// The account holding the admin seat.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn admin(&self) -> AccountId {
            self.settings().admin.holder()
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
            self.settings().admin.offered()
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
            let mut settings = self.settings();
            let offered = settings.admin.offer(self.env().caller(), to)?;
            self.settings.set(&settings);
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
        fn accept_admin(&mut self) -> core::result::Result<(), AdminError> {
            let mut settings = self.settings();
            let transferred = settings.admin.accept(self.env().caller())?;
            self.settings.set(&settings);
            emit(&transferred);
            Ok(())
        }
    }
}
