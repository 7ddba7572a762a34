//! Typed calls to the leases: `city.leases(TENANT).pay_rent(lease, 100)`. Each method sends
//! the message of the same name; the contract documents what it does and refuses.

use city_traits::{
    Application, Band, Lease, LeaseError, LeaseId, Property, PropertyId, RentStatus, Round,
    RoundId, RoundPlan, Terms,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use drink::AccountId32;

use crate::{admin::AdminCalls, call::Outcome, city::City};

/// The leases, called by one actor.
pub struct LeasesCalls<'a> {
    city: &'a mut City,
    address: AccountId32,
    caller: AccountId,
}

impl City {
    /// Calls the leases as `caller` (an actor or any account).
    pub fn leases(&mut self, caller: impl Into<AccountId>) -> LeasesCalls<'_> {
        let address = self.leases.address.clone();
        LeasesCalls {
            city: self,
            address,
            caller: caller.into(),
        }
    }
}

type LeaseResult<T = ()> = Result<T, LeaseError>;
/// A round, its flats in order, and its winners in order (none before the allocation).
pub type RoundAnswer = (Round, Vec<PropertyId>, Vec<AccountId>);

impl AdminCalls for LeasesCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for LeasesCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl LeasesCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.city.send(&self.address, self.caller, selector, args)
    }

    /// The city's treasury, the number of rounds and the number of leases.
    pub fn counts(self) -> Outcome<(AccountId, RoundId, LeaseId)> {
        self.send(selector_bytes!("counts"), ())
    }

    pub fn property(self, property: PropertyId) -> Outcome<Option<Property>> {
        self.send(selector_bytes!("property"), property)
    }

    /// The round, its flats and its winners (none before the allocation).
    pub fn round(self, round: RoundId) -> Outcome<Option<RoundAnswer>> {
        self.send(selector_bytes!("round"), round)
    }

    pub fn application(self, round: RoundId, index: u32) -> Outcome<Option<Application>> {
        self.send(selector_bytes!("application"), (round, index))
    }

    /// A round's winners in order, once allocated: from `round`'s answer.
    pub fn winners(self, round: RoundId) -> Outcome<Option<Vec<AccountId>>> {
        self.round(round)
            .map(|answer| answer.and_then(|(data, _, winners)| data.seed.map(|_| winners)))
    }

    /// The lease, and its rent now.
    pub fn lease(self, lease: LeaseId) -> Outcome<Option<(Lease, RentStatus)>> {
        self.send(selector_bytes!("lease"), lease)
    }

    /// The property's lease numbered `index` among its own, in the order of their start:
    /// the `index`-th of all leases (by number) of the property, as the contract numbers
    /// both in the order they are signed. Read from `counts` and `lease`.
    pub fn lease_of(self, property: PropertyId, index: u32) -> Outcome<Option<LeaseId>> {
        let calls = self.city.leases(self.caller);
        let counts = calls.counts();
        let mut found = None;
        let mut seen = 0;
        for id in 0..counts.value.2 {
            let lease = self.city.leases(self.caller).lease(id).value;
            if lease.is_some_and(|(data, _)| data.property == property) {
                if seen == index {
                    found = Some(id);
                    break;
                }
                seen += 1;
            }
        }
        counts.map(|_| found)
    }

    pub fn tenant_of(self, property: PropertyId, time: u64) -> Outcome<Option<AccountId>> {
        self.send(selector_bytes!("tenant_of"), (property, time))
    }

    /// Registers a property owned by the city (`None`) or a landlord.
    pub fn register_property(
        self,
        property: PropertyId,
        owner: Option<AccountId>,
    ) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("register_property"), (property, owner))
    }

    pub fn attest_band(self, account: impl Into<AccountId>, band: Band) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("attest_band"), (account.into(), band))
    }

    pub fn open_round(self, plan: &RoundPlan) -> Outcome<LeaseResult<RoundId>> {
        self.send(selector_bytes!("open_round"), plan)
    }

    pub fn apply(self, round: RoundId) -> Outcome<LeaseResult<u32>> {
        self.send(selector_bytes!("apply"), round)
    }

    pub fn allocate(self, round: RoundId, secret: Option<[u8; 32]>) -> Outcome<LeaseResult<u32>> {
        self.send(selector_bytes!("allocate"), (round, secret))
    }

    pub fn accept_flat(self, round: RoundId) -> Outcome<LeaseResult<LeaseId>> {
        self.send(selector_bytes!("accept_flat"), round)
    }

    pub fn offer_lease(
        self,
        property: PropertyId,
        tenant: impl Into<AccountId>,
        start: u64,
        terms: Terms,
    ) -> Outcome<LeaseResult> {
        self.send(
            selector_bytes!("offer_lease"),
            (property, tenant.into(), start, terms),
        )
    }

    pub fn withdraw_offer(
        self,
        property: PropertyId,
        tenant: impl Into<AccountId>,
    ) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("withdraw_offer"), (property, tenant.into()))
    }

    pub fn accept_lease(self, property: PropertyId) -> Outcome<LeaseResult<LeaseId>> {
        self.send(selector_bytes!("accept_lease"), property)
    }

    pub fn pay_rent(self, lease: LeaseId, amount: u128) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("pay_rent"), (lease, amount))
    }

    pub fn collect_rent(self, lease: LeaseId) -> Outcome<LeaseResult<u128>> {
        self.send(selector_bytes!("collect_rent"), lease)
    }

    pub fn give_notice(self, lease: LeaseId, end: u64) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("give_notice"), (lease, end))
    }

    pub fn claim_deduction(
        self,
        lease: LeaseId,
        amount: u128,
        evidence: [u8; 32],
    ) -> Outcome<LeaseResult> {
        self.send(
            selector_bytes!("claim_deduction"),
            (lease, amount, evidence),
        )
    }

    pub fn rule_on_claim(self, lease: LeaseId, allowed: u128) -> Outcome<LeaseResult> {
        self.send(selector_bytes!("rule_on_claim"), (lease, allowed))
    }

    pub fn return_deposit(self, lease: LeaseId) -> Outcome<LeaseResult<u128>> {
        self.send(selector_bytes!("return_deposit"), lease)
    }
}

/// Every leases message the harness calls, by metadata label, for checking that the typed
/// calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "counts",
    "property",
    "round",
    "application",
    "lease",
    "tenant_of",
    "register_property",
    "attest_band",
    "open_round",
    "apply",
    "allocate",
    "accept_flat",
    "offer_lease",
    "withdraw_offer",
    "accept_lease",
    "pay_rent",
    "collect_rent",
    "give_notice",
    "claim_deduction",
    "rule_on_claim",
    "return_deposit",
    "Upgradable::upgrade",
    "Upgradable::migrate",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
];
