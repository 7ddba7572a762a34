//! The charity's types: campaigns, their pots (the campaign as a whole and its earmarks),
//! gifts, disbursements, a donor's trace and the errors, shared so that the harness (and
//! any client) decodes the charity's answers without linking the contract.

use ink::prelude::vec::Vec;

use crate::{AccountId, Balance, PSP22Error, RecordsError, SchemaId, Timestamp};

/// A campaign's number, counted from zero.
pub type CampaignId = u32;
/// A pot of a campaign: [`WHOLE`] is the campaign as a whole, 1 to the number of its
/// earmarks are its earmarks, in the order the campaign declared them.
pub type Pot = u8;
/// The pot of gifts to the campaign as a whole, which any of its disbursements may use.
pub const WHOLE: Pot = 0;

/// The most earmarks a campaign may declare.
pub const MAX_EARMARKS: usize = 8;
/// The most disbursements from one pot, so that a donor's trace (which reads them all) is
/// bounded.
pub const MAX_DISBURSEMENTS: u32 = 100;
/// The most rollovers a donor's trace follows (campaign to campaign), so that it is
/// bounded; a longer chain is followed by tracing from the last campaign it names.
pub const MAX_TRACE_HOPS: usize = 4;

/// An earmark as a campaign declares it: what it is for, and how much it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct EarmarkPlan {
    /// The hash of its description ("heating for 200 households", say).
    pub purpose: [u8; 32],
    /// The most it takes in gifts: a gift over it is refused (give to the whole instead).
    pub target: Balance,
}

/// What becomes of a campaign's unspent coins after its deadline, declared when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum AtEnd {
    /// Each donor claims back their share of each pot's unspent coins, pro rata.
    Refund,
    /// Governance rolls the unspent coins of every pot into another open campaign of the
    /// same kind (one that rolls over too), as a gift to its whole: they never go back to
    /// donors, only to recipients.
    RollOver,
}

/// A campaign as its organiser opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct CampaignPlan {
    /// The hash of the cause's description.
    pub cause: [u8; 32],
    /// 0 to [`MAX_EARMARKS`] earmarks, each with a target above zero.
    pub earmarks: Vec<EarmarkPlan>,
    /// Gifts and disbursements stop at this time (in the future when the campaign opens).
    pub deadline: Timestamp,
    /// What the organiser may pay one recipient in all; beyond it, only governance pays.
    /// A charity's campaign may not set it above the charity's `max_threshold`, which
    /// governance sets.
    pub approval_threshold: Balance,
    pub at_end: AtEnd,
}

/// A campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Campaign {
    pub cause: [u8; 32],
    /// The registered charity (a service provider of the registry) that opened it, or
    /// `None` for a campaign governance opened: only the admin seat runs it, whoever
    /// holds the seat now.
    pub organiser: Option<AccountId>,
    pub deadline: Timestamp,
    pub approval_threshold: Balance,
    pub at_end: AtEnd,
    /// How many earmarks it has: its pots are [`WHOLE`] and `1..=earmarks`.
    pub earmarks: u8,
    /// The campaign its unspent coins were rolled into, once they were.
    pub rolled_into: Option<CampaignId>,
    /// How many gifts it received (each gift's receipt number is the count before it).
    pub gifts: u64,
}

/// A pot's ledger: `given + rolled_in == disbursed + refunded + rolled_out + held`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct PotAccount {
    /// The hash of the earmark's purpose (zero for the whole).
    pub purpose: [u8; 32],
    /// The most gifts it takes (zero: no limit, the whole).
    pub target: Balance,
    /// Everything donors gave to it.
    pub given: Balance,
    /// What another campaign rolled into it (the whole only).
    pub rolled_in: Balance,
    /// Everything paid from it to recipients.
    pub disbursed: Balance,
    /// Everything refunded from it to donors.
    pub refunded: Balance,
    /// What was rolled from it into another campaign.
    pub rolled_out: Balance,
    /// The sum of the gifts of the donors who claimed their refund: when it reaches
    /// `given`, the pot is empty.
    pub refunded_gifts: Balance,
    /// How many disbursements were paid from it.
    pub disbursements: u32,
}

impl PotAccount {
    /// What the pot holds: what came in, less what went out.
    pub fn held(&self) -> Balance {
        self.given
            .saturating_add(self.rolled_in)
            .saturating_sub(self.disbursed)
            .saturating_sub(self.refunded)
            .saturating_sub(self.rolled_out)
    }
}

/// A payment from a pot to a recipient, against evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Disbursement {
    pub recipient: AccountId,
    pub amount: Balance,
    /// The hash of the evidence (invoices, delivery notes, photographs).
    pub evidence: [u8; 32],
    /// When it was paid.
    pub at: Timestamp,
}

/// A recipient of a campaign: whether it holds the role now, and what the campaign paid it
/// in all (which counts against the approval threshold, role or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Recipient {
    pub active: bool,
    pub paid: Balance,
}

/// A donor's share of the coins a rollover took into `campaign`'s whole. Where they went
/// there is the charity's `shares(campaign, WHOLE, amount)`: a trace answers only the
/// hops, so that its answer stays within the bytes a contract may return (a hop's
/// payments are up to [`MAX_DISBURSEMENTS`] entries of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Rolled {
    pub campaign: CampaignId,
    /// The donor's share of what was rolled in: its gift to that whole, by the rule.
    pub amount: Balance,
}

/// Where a donor's gift to one pot went, by the published rule: the donor's share of
/// each disbursement is its amount × the donor's gift ÷ everything that came into the pot
/// (rolled-in coins count), rounded down; so is its share of a rollover, which the trace
/// follows into the next campaign's whole, where the donor's share of the rolled coins is
/// its gift there (the charity's `shares` answers its payments).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Trace {
    /// What the donor gave to the pot.
    pub given: Balance,
    /// The donor's share of each disbursement, in the order they were paid.
    pub disbursed: Vec<Disbursement>,
    /// The rollovers the gift went through, in order (at most [`MAX_TRACE_HOPS`]).
    pub rolled: Vec<Rolled>,
    /// What the donor was refunded.
    pub refunded: Balance,
    /// What the donor may claim back now (zero unless the campaign refunds and the
    /// donor has not claimed).
    pub refundable: Balance,
}

/// Everything the charity can refuse.
#[derive(Debug, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum CharityError {
    /// Only the admin (governance) may do this.
    NotAdmin,
    /// Only the campaign's organiser or governance may do this.
    NotOrganiser,
    /// Only a registered service provider of the registry (a charity: a live identity
    /// with the role) or governance opens a campaign, names its recipients and pays them.
    NotACharity,
    /// A charity's campaign may not set an approval threshold above the charity's
    /// `max_threshold`.
    ThresholdTooHigh,
    /// More than [`MAX_EARMARKS`] earmarks, or one with a zero target.
    BadEarmarks,
    /// The deadline is not in the future.
    DeadlinePassed,
    UnknownCampaign,
    /// The campaign has no such pot.
    UnknownPot,
    /// A zero amount.
    ZeroAmount,
    /// The deadline passed: the campaign takes no gifts and pays no recipient.
    CampaignClosed,
    /// The deadline has not passed yet.
    CampaignOpen,
    /// The gift would take the earmark over its target.
    OverTarget,
    /// The account has no live identity in the registry (or is the organiser, or a
    /// contract): it cannot be a recipient.
    NotEligible,
    /// The account is not a recipient of the campaign.
    NotARecipient,
    /// Disbursements need the hash of their evidence.
    NoEvidence,
    /// The evidence justified a disbursement already, in a campaign of the same organiser
    /// (or, for governance's campaigns, of governance): one invoice is paid once.
    EvidenceUsed,
    /// The pot holds less than that.
    NotEnoughInPot,
    /// The pot paid [`MAX_DISBURSEMENTS`] disbursements already.
    TooManyDisbursements,
    /// This would pay the recipient more than the campaign's approval threshold in all:
    /// only governance may.
    NeedsApproval,
    /// Under the token's civic transfer policy, coins go only to service providers.
    PolicyForbidsPayment,
    /// The campaign does not refund (it rolls over).
    NotRefunding,
    /// The campaign does not roll over, or was rolled over already.
    NotRollingOver,
    /// The campaign to roll into is not open, does not roll over, or is the same.
    BadRollover,
    /// The caller gave nothing to the pot, or claimed its refund already.
    NothingToRefund,
    /// An amount does not fit in a balance.
    Overflow,
    /// The token refused a transfer; nothing of the call was kept.
    TokenRefused(PSP22Error),
    /// Civic records refused the gift's (or the refund's) record; nothing of the call was
    /// kept.
    ReceiptRefused(RecordsError),
    /// The account named as civic records is no contract.
    NotAContract,
}

/// Where the charity writes a receipt record of each gift: the civic records contract
/// and the schema (a standalone one that does not expire) the charity issues under.
pub type Receipts = (AccountId, SchemaId);

/// The data hash of a gift's receipt record: BLAKE2-256 of the 13 ASCII bytes
/// `ink-city/gift` followed by the SCALE encoding of `(campaign, pot, receipt, amount)`
/// (little-endian `u32`, `u8`, `u64`, `u128`), the receipt being the gift's number in the
/// campaign, as `GiftReceived` reports it.
pub fn receipt_hash(campaign: CampaignId, pot: Pot, receipt: u64, amount: Balance) -> [u8; 32] {
    tagged_hash(b"ink-city/gift", (campaign, pot, receipt, amount))
}

/// The data hash of a refund's record: BLAKE2-256 of the 15 ASCII bytes
/// `ink-city/refund` followed by the SCALE encoding of `(campaign, pot, amount)`
/// (little-endian `u32`, `u8`, `u128`). A donor claims each pot's refund once.
pub fn refund_hash(campaign: CampaignId, pot: Pot, amount: Balance) -> [u8; 32] {
    tagged_hash(b"ink-city/refund", (campaign, pot, amount))
}

/// BLAKE2-256 of `tag` followed by the SCALE encoding of `fields`.
fn tagged_hash(tag: &[u8], fields: impl ink::scale::Encode) -> [u8; 32] {
    let mut input = Vec::from(tag);
    fields.encode_to(&mut input);
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&input, &mut hash);
    hash
}
