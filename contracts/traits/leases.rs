//! The leases' types: properties, allocation rounds of public housing, offers, leases
//! with their rent and deposit, and the errors, shared so that the harness (and any
//! client) decodes the leases contract's answers without linking it.

use ink::prelude::vec::Vec;

use crate::{AccountId, Balance, PSP22Error, Timestamp};

/// A property: the hash of its deed.
pub type PropertyId = [u8; 32];
/// An allocation round's number, counted from zero.
pub type RoundId = u32;
/// A lease's number, counted from zero.
pub type LeaseId = u32;
/// An income band the city attests: 0 is the lowest income. A round admits bands up to
/// its `max_band`, and allocates the lower bands first.
pub type Band = u8;

/// The most flats one round allocates.
pub const MAX_FLATS: usize = 128;
/// The most applications one round takes (its allocation reads them all).
pub const MAX_APPLICANTS: u32 = 256;
/// How long after a lease's end its owner may claim a deduction from the deposit (30
/// days, in milliseconds); after it, anyone may return the deposit whole.
pub const CLAIM_WINDOW: Timestamp = 30 * 24 * 60 * 60 * 1000;
/// How long after the claim window governance may rule on a claim (60 days); after it
/// the claim lapses, and anyone may return the deposit whole.
pub const RULING_WINDOW: Timestamp = 60 * 24 * 60 * 60 * 1000;

/// A registered property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Property {
    /// A registered landlord (a live identity when it was registered), or `None`: the
    /// city, whose rent goes to the city's treasury and whose admin seat acts for it.
    pub owner: Option<AccountId>,
    /// How many leases it had: its leases are numbered `0..leases` in the order of their
    /// start (they never overlap).
    pub leases: u32,
    /// The end of its last lease: a new lease starts at it or later.
    pub booked_until: Timestamp,
    /// A round holds it for its winners until this time: no other round or offer takes
    /// it before.
    pub held_until: Timestamp,
}

/// What a lease costs and how it ends, as a round or a landlord's offer sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Terms {
    /// Rent per period, in city coins' smallest units, due at the start of each period.
    pub rent: Balance,
    /// A period's length, in milliseconds (above zero).
    pub period: Timestamp,
    /// How many periods the lease lasts (above zero).
    pub periods: u32,
    /// The deposit the tenant pays when it signs, held by the leases contract.
    pub deposit: Balance,
    /// How long before the date it names the tenant must give notice to end early, in
    /// milliseconds.
    pub notice: Timestamp,
    /// Whether someone other than the tenant may pay its rent (a relative, a welfare
    /// office). When false only the tenant pays, directly or by allowance.
    pub third_party_rent: bool,
}

/// A round of public flats as the city opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RoundPlan {
    /// The city's flats it allocates (1 to [`MAX_FLATS`]), in the order winners take
    /// them: the first winner the first flat.
    pub flats: Vec<PropertyId>,
    /// The identity kinds that may apply, as a set of [`IdentityKind::bit`](crate::IdentityKind::bit)s.
    pub kinds: u8,
    /// The highest income band that may apply.
    pub max_band: Band,
    /// Applications close at this time.
    pub closes: Timestamp,
    /// The hash (blake2-256) of the lottery's secret, which the city reveals after the
    /// close; if it does not by `reveal_by`, the lottery uses this hash itself.
    pub commitment: [u8; 32],
    pub reveal_by: Timestamp,
    /// Winners sign their leases before this time; a flat not taken by then is free.
    pub accept_by: Timestamp,
    /// When the leases start.
    pub lease_start: Timestamp,
    pub terms: Terms,
}

/// A round of public flats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Round {
    pub kinds: u8,
    pub max_band: Band,
    pub closes: Timestamp,
    pub commitment: [u8; 32],
    pub reveal_by: Timestamp,
    pub accept_by: Timestamp,
    pub lease_start: Timestamp,
    pub terms: Terms,
    /// How many flats it allocates.
    pub flats: u32,
    /// How many applied.
    pub applicants: u32,
    /// The applications so far, folded: zero at the opening, then blake2-256(entropy ‖
    /// applicant) at each application, in order.
    pub entropy: [u8; 32],
    /// The secret, once revealed.
    pub secret: Option<[u8; 32]>,
    /// The lottery's seed, once allocated: blake2-256(secret ‖ entropy), or
    /// blake2-256(commitment ‖ entropy) if the city did not reveal its secret in time.
    /// The secret was fixed before anyone applied and the entropy after: neither the city
    /// nor an applicant chose the seed alone.
    pub seed: Option<[u8; 32]>,
}

/// An application to a round: who applied, with the band attested then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Application {
    pub applicant: AccountId,
    pub band: Band,
}

/// A lease a property's owner offers to one tenant, who signs it by paying the deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Offer {
    /// Who offered it: the landlord, or the admin seat's holder then. It binds only while
    /// that account still acts for the property (a live landlord; the seat's holder).
    pub by: AccountId,
    pub start: Timestamp,
    pub terms: Terms,
}

/// A deduction the owner claimed from a deposit, and what governance allowed of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Claim {
    pub amount: Balance,
    /// The hash of the evidence (an inspection report, the unpaid rent's statement).
    pub evidence: [u8; 32],
    /// What governance allowed, once it ruled (at most `amount`).
    pub allowed: Option<Balance>,
}

/// A lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Lease {
    pub property: PropertyId,
    pub tenant: AccountId,
    /// Who the rent and allowed deductions go to: the landlord, or the city's treasury.
    pub payee: AccountId,
    pub start: Timestamp,
    /// The lease ends at this time: from it on `tenant_of` answers nobody. Notice moves it
    /// earlier.
    pub end: Timestamp,
    pub terms: Terms,
    /// The rent paid so far.
    pub rent_paid: Balance,
    /// The deposit's ledger: `terms.deposit == deducted + returned + held`.
    pub deducted: Balance,
    pub returned: Balance,
    pub claim: Option<Claim>,
}

/// A lease's rent at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct RentStatus {
    /// The rent of every period that has started (before the lease's end).
    pub due: Balance,
    pub paid: Balance,
    /// What is due and not paid.
    pub arrears: Balance,
    /// The rent of the whole lease: no one pays beyond it.
    pub total: Balance,
}

/// Everything the leases contract can refuse.
#[derive(Debug, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum LeaseError {
    /// Only the admin (the city's governance) may do this.
    NotAdmin,
    /// Only a holder of the registry's land-office role registers properties.
    NotLandOffice,
    /// Only a registrar of the registry attests income bands.
    NotRegistrar,
    /// A landlord, tenant or applicant must hold a live identity of the registry and not
    /// be a contract; an applicant also of a kind the round admits, with an attested band
    /// no higher than its `max_band`.
    NotEligible,
    /// The deed is registered already.
    PropertyExists,
    UnknownProperty,
    /// Only the property's owner (its landlord, or the admin for the city's) may do this.
    NotOwner,
    /// The flat is not the city's, is held by another round, appears twice, or is let
    /// when the round's leases start.
    FlatUnavailable,
    /// A round of no flats or more than [`MAX_FLATS`], open to no identity kind, or whose
    /// times are out of order (now < closes ≤ reveal_by ≤ accept_by ≤ lease_start).
    BadRound,
    /// Terms with a zero period or zero periods, or whose total rent or end overflows.
    BadTerms,
    UnknownRound,
    /// Applications to the round have closed.
    RoundClosed,
    /// The round still takes applications.
    RoundOpen,
    AlreadyApplied,
    /// The round took [`MAX_APPLICANTS`] applications.
    RoundFull,
    /// The secret does not hash to the round's commitment.
    BadSecret,
    /// Before `reveal_by` only the revealed secret allocates.
    NotRevealed,
    AlreadyAllocated,
    NotAllocated,
    /// The caller won no flat of the round, or signed its lease already.
    NotAWinner,
    /// The time to sign has passed.
    OfferLapsed,
    /// No offer of this property to the caller.
    NoOffer,
    /// An offer to this tenant (withdrawn or not) stands until it is signed or its start
    /// passes.
    OfferStands,
    /// The lease would overlap another lease of the property (or start in the past).
    Overlap,
    UnknownLease,
    /// Only the tenant may do this.
    NotTenant,
    /// Only the tenant pays this lease's rent (and never the payee itself).
    ThirdPartyRent,
    ZeroAmount,
    /// More than the lease's whole remaining rent.
    Overpaid,
    /// Nothing is in arrears.
    NoArrears,
    /// The end named is sooner than the agreed notice allows, or not before the lease's
    /// end.
    NoticeTooShort,
    /// The lease has ended.
    LeaseEnded,
    /// The lease has not ended yet.
    LeaseNotEnded,
    /// The owner claimed from this deposit already, or the claim window closed.
    ClaimClosed,
    /// More than the deposit holds.
    OverDeposit,
    /// No claim awaits a ruling (or the ruling window closed, and the claim lapsed).
    NoClaim,
    /// Governance allows at most what was claimed.
    OverClaim,
    /// A claim awaits governance's ruling, or may still be made: the deposit waits.
    DepositWaits,
    /// The deposit was settled already.
    DepositSettled,
    /// An amount or a count does not fit.
    Overflow,
    /// The token refused a transfer; nothing of the call was kept.
    TokenRefused(PSP22Error),
}
