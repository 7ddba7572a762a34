//! The project escrow's types: projects, milestones, wage rolls, their accounts and
//! errors, shared so that the harness (and any client) decodes its answers without linking
//! the contract.

use ink::prelude::vec::Vec;

use crate::{AccountId, Balance, PSP22Error, Timestamp};

/// A project's number, counted from zero.
pub type ProjectId = u32;
/// A milestone's position in its project, from zero.
pub type MilestoneIndex = u8;

/// The most milestones a project may have.
pub const MAX_MILESTONES: usize = 8;
/// The most workers on one milestone's wage roll.
pub const MAX_WAGE_ROLL: usize = 100;
/// The most inspectors a project may name.
pub const MAX_INSPECTORS: usize = 4;
/// The most token transfers one `release` makes (workers, then the contractor); a longer
/// wage roll is paid over several calls, each resuming where the last stopped.
pub const MAX_PAYMENTS_PER_RELEASE: u32 = 50;

/// What one worker earns on one milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Wage {
    pub worker: AccountId,
    pub amount: Balance,
}

/// A milestone as a project is created with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct MilestonePlan {
    /// What the contractor is paid when the milestone is released.
    pub contractor_amount: Balance,
    /// The wage roll, paid before the contractor: registered workers, each once.
    pub wages: Vec<Wage>,
    /// When the work is due (informative: inspection decides).
    pub due: Timestamp,
}

/// Where a milestone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum MilestoneState {
    /// Waiting for inspection.
    Pending,
    /// An inspector found the work lacking; an inspector may still approve it later, or
    /// the contractor may dispute.
    Rejected,
    /// The contractor disputes a rejection; governance decides.
    Disputed,
    /// Approved: `release` pays the wage roll, then the contractor.
    Approved,
    /// Everything paid.
    Released,
}

/// A milestone of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Milestone {
    pub contractor_amount: Balance,
    /// The sum of the wage roll.
    pub wages: Balance,
    /// The number of workers on the wage roll.
    pub workers: u32,
    /// Workers paid so far: the wage roll is paid in order.
    pub workers_paid: u32,
    pub due: Timestamp,
    pub state: MilestoneState,
    /// The inspector's evidence (approval) or reason (rejection).
    pub report: Option<[u8; 32]>,
}

impl Milestone {
    /// What the milestone costs: the contractor's amount and the wages.
    pub fn cost(&self) -> Option<Balance> {
        self.contractor_amount.checked_add(self.wages)
    }
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum ProjectState {
    /// Taking funds until the target is reached or the funding deadline passes.
    Funding,
    /// Fully funded: milestones are inspected and released in order (once approved by
    /// governance, if the project needs it).
    Funded,
    /// Every milestone released.
    Completed,
    /// Canceled: funders claim the unreleased funds back, pro rata.
    Canceled,
}

/// A public project whose funds the escrow holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Project {
    /// The hash of the project's documents (title, plans, contract).
    pub title: [u8; 32],
    pub creator: AccountId,
    pub contractor: AccountId,
    /// Accounts with the registry's inspector role who may inspect its milestones.
    pub inspectors: Vec<AccountId>,
    /// The sum of every milestone's cost.
    pub target: Balance,
    pub funding_deadline: Timestamp,
    /// Whether governance must approve the project before funds can be released.
    pub needs_approval: bool,
    pub approved: bool,
    pub state: ProjectState,
    pub milestones: MilestoneIndex,
    /// The next milestone to inspect and release.
    pub current: MilestoneIndex,
    /// The project's own ledger (never read off the token balance).
    pub funded: Balance,
    pub released: Balance,
    pub refunded: Balance,
    /// Distinct funders, and how many claimed a refund.
    pub funders: u32,
    pub refunds_claimed: u32,
}

impl Project {
    /// What the escrow holds for the project: funded, less released and refunded. Not
    /// inlined: two saturating `u128` subtractions, measured as bytes of Wasm at each use.
    #[inline(never)]
    pub fn held(&self) -> Balance {
        self.funded
            .saturating_sub(self.released)
            .saturating_sub(self.refunded)
    }
}

/// Where one account stands in a project (the escrow's `account`): as a funder, what it put
/// in, may claim back now and was refunded; as a worker, the wages it was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct ProjectAccount {
    /// What it put into the project.
    pub contributed: Balance,
    /// What it may claim back now: zero unless the project was canceled, and once claimed.
    pub refundable: Balance,
    /// What it was refunded.
    pub refunded: Balance,
    /// Every wage it was paid.
    pub paid: Balance,
}

/// Everything the project escrow can refuse.
#[derive(Debug, PartialEq, Eq)]
#[ink::scale_derive(Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum EscrowError {
    /// Only the admin (governance) may do this.
    NotAdmin,
    /// A project needs 1 to [`MAX_MILESTONES`] milestones, each costing something.
    BadMilestones,
    /// A wage roll is longer than [`MAX_WAGE_ROLL`], names a worker twice or pays nothing.
    BadWageRoll,
    /// A project needs 1 to [`MAX_INSPECTORS`] inspectors, none of them paid by it (the
    /// contractor or a worker).
    BadInspectors,
    /// The contractor, an inspector or a worker is a contract: the escrow itself, another
    /// of the suite's contracts or any other code account, which could not use the coins
    /// (or would lock them) and cannot be held to account. Checked when a project is
    /// created and again before each payment (code can be deployed at an address named
    /// in advance): the admin then cancels and the funders are refunded.
    ContractPayee,
    /// The worker at `index` of milestone `milestone`'s wage roll lacks the registry's
    /// worker role.
    NotAWorker {
        milestone: MilestoneIndex,
        index: u32,
    },
    /// The inspector at `index` lacks the registry's inspector role.
    NotAnInspectorRole {
        index: u32,
    },
    /// The funding deadline is not in the future.
    DeadlinePassed,
    UnknownProject,
    UnknownMilestone,
    /// A zero amount.
    ZeroAmount,
    /// The project is not taking funds (funded, canceled or past its deadline).
    FundingClosed,
    /// The amount is more than the project still needs.
    OverFunding,
    /// The project is not fully funded (or was canceled or completed).
    NotFunded,
    /// The project awaits governance's approval.
    NotApproved,
    /// The project does not need approval, or already has it.
    ApprovalNotNeeded,
    /// The caller is not one of the project's inspectors holding the registry's role.
    NotInspector,
    /// The caller is not the project's contractor.
    NotContractor,
    /// Milestones are inspected and released in order: this is not the current one.
    NotCurrentMilestone,
    /// The milestone is not in a state that allows this.
    WrongMilestoneState,
    /// The project cannot be canceled: completed, already canceled, or (for anyone but
    /// the admin) still within its funding deadline.
    NotCancelable,
    /// The project is not canceled.
    NotCanceled,
    /// The caller has nothing to claim back.
    NothingToRefund,
    /// Under the civic transfer policy, only service providers (the treasury, a bank, a
    /// sponsor with the token's role) fund projects.
    PolicyForbidsFunding,
    /// An amount does not fit in a balance.
    Overflow,
    /// The token refused a transfer; nothing of the call was kept.
    TokenRefused(PSP22Error),
}

/// `Encode` as `#[derive(Encode)]` writes it: the variant's index in declaration order,
/// then its fields. The derive writes the index with a push of its own in each of the
/// 26 arms; here it comes from one `match`, a table, measured as bytes of Wasm in
/// the escrow. The unit tests decode every variant back with the derived `Decode`.
impl ink::scale::Encode for EscrowError {
    fn encode_to<O: ink::scale::Output + ?Sized>(&self, dest: &mut O) {
        let index: u8 = match self {
            Self::NotAdmin => 0,
            Self::BadMilestones => 1,
            Self::BadWageRoll => 2,
            Self::BadInspectors => 3,
            Self::ContractPayee => 4,
            Self::NotAWorker { .. } => 5,
            Self::NotAnInspectorRole { .. } => 6,
            Self::DeadlinePassed => 7,
            Self::UnknownProject => 8,
            Self::UnknownMilestone => 9,
            Self::ZeroAmount => 10,
            Self::FundingClosed => 11,
            Self::OverFunding => 12,
            Self::NotFunded => 13,
            Self::NotApproved => 14,
            Self::ApprovalNotNeeded => 15,
            Self::NotInspector => 16,
            Self::NotContractor => 17,
            Self::NotCurrentMilestone => 18,
            Self::WrongMilestoneState => 19,
            Self::NotCancelable => 20,
            Self::NotCanceled => 21,
            Self::NothingToRefund => 22,
            Self::PolicyForbidsFunding => 23,
            Self::Overflow => 24,
            Self::TokenRefused(_) => 25,
        };
        dest.push_byte(index);
        match self {
            Self::NotAWorker { milestone, index } => {
                milestone.encode_to(dest);
                index.encode_to(dest);
            }
            Self::NotAnInspectorRole { index } => {
                index.encode_to(dest);
            }
            Self::TokenRefused(error) => error.encode_to(dest),
            _ => {}
        }
    }
}

impl ink::scale::EncodeLike for EscrowError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_decodes_back_to_itself_with_the_derived_decode() {
        use EscrowError::*;
        let errors = [
            NotAdmin,
            BadMilestones,
            BadWageRoll,
            BadInspectors,
            ContractPayee,
            NotAWorker {
                milestone: 3,
                index: 70_000,
            },
            NotAnInspectorRole { index: 2 },
            DeadlinePassed,
            UnknownProject,
            UnknownMilestone,
            ZeroAmount,
            FundingClosed,
            OverFunding,
            NotFunded,
            NotApproved,
            ApprovalNotNeeded,
            NotInspector,
            NotContractor,
            NotCurrentMilestone,
            WrongMilestoneState,
            NotCancelable,
            NotCanceled,
            NothingToRefund,
            PolicyForbidsFunding,
            Overflow,
            TokenRefused(PSP22Error::Custom("Paused".into())),
        ];
        crate::encodes_as_derived(&errors);
    }
}
