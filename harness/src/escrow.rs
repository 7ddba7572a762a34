//! Typed calls to the project escrow: `city.escrow(INSPECTOR).approve_milestone(project,
//! 0, evidence)`. Each method sends the message of the same name, but `approve_milestone`
//! and `reject_milestone`, which send `inspect_milestone` with its verdict, and
//! `paid_to_worker`, `contribution`, `refundable` and `refunded`, which read one figure of
//! the answer of `account`; the contract documents what it does and refuses.

use city_traits::{
    EscrowError, Milestone, MilestoneIndex, MilestonePlan, Project, ProjectAccount, ProjectId, Wage,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use drink::AccountId32;

use crate::{
    admin::AdminCalls,
    call::Outcome,
    city::{City, Deployed},
};

/// The project escrow, called by one actor.
pub struct EscrowCalls<'a> {
    city: &'a mut City,
    address: AccountId32,
    caller: AccountId,
}

impl City {
    /// Calls the project escrow as `caller` (an actor or any account).
    pub fn escrow(&mut self, caller: impl Into<AccountId>) -> EscrowCalls<'_> {
        let address = self.escrow.address.clone();
        EscrowCalls {
            city: self,
            address,
            caller: caller.into(),
        }
    }

    /// Calls another instance (an adversarial test's) as `caller`.
    pub fn escrow_at(
        &mut self,
        instance: &Deployed,
        caller: impl Into<AccountId>,
    ) -> EscrowCalls<'_> {
        EscrowCalls {
            city: self,
            address: instance.address.clone(),
            caller: caller.into(),
        }
    }
}

type EscrowResult<T = ()> = Result<T, EscrowError>;

/// How a project is created: everything `create_project` takes.
#[derive(Debug, Clone)]
pub struct ProjectPlan {
    pub title: [u8; 32],
    pub contractor: AccountId,
    pub inspectors: Vec<AccountId>,
    pub milestones: Vec<MilestonePlan>,
    pub funding_deadline: u64,
    pub needs_approval: bool,
}

impl AdminCalls for EscrowCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for EscrowCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl EscrowCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.city.send(&self.address, self.caller, selector, args)
    }

    pub fn project_count(self) -> Outcome<ProjectId> {
        self.send(selector_bytes!("project_count"), ())
    }

    pub fn project(self, project: ProjectId) -> Outcome<Option<Project>> {
        self.send(selector_bytes!("project"), project)
    }

    /// A milestone, with its wage roll.
    pub fn milestone(
        self,
        project: ProjectId,
        index: MilestoneIndex,
    ) -> Outcome<Option<(Milestone, Vec<Wage>)>> {
        self.send(selector_bytes!("milestone"), (project, index))
    }

    /// Where `account` stands in a project.
    pub fn account(
        self,
        project: ProjectId,
        account: impl Into<AccountId>,
    ) -> Outcome<ProjectAccount> {
        self.send(selector_bytes!("account"), (project, account.into()))
    }

    /// The wages `worker` was paid, as `account` answers them.
    pub fn paid_to_worker(self, project: ProjectId, worker: impl Into<AccountId>) -> Outcome<u128> {
        self.account(project, worker).map(|account| account.paid)
    }

    /// What `funder` put in, as `account` answers it.
    pub fn contribution(self, project: ProjectId, funder: impl Into<AccountId>) -> Outcome<u128> {
        self.account(project, funder)
            .map(|account| account.contributed)
    }

    /// What `funder` may claim back now, as `account` answers it.
    pub fn refundable(self, project: ProjectId, funder: impl Into<AccountId>) -> Outcome<u128> {
        self.account(project, funder)
            .map(|account| account.refundable)
    }

    /// What `funder` was refunded, as `account` answers it.
    pub fn refunded(self, project: ProjectId, funder: impl Into<AccountId>) -> Outcome<u128> {
        self.account(project, funder)
            .map(|account| account.refunded)
    }

    /// Creates a project; returns its number.
    pub fn create_project(self, plan: &ProjectPlan) -> Outcome<EscrowResult<ProjectId>> {
        let args = (
            plan.title,
            plan.contractor,
            plan.inspectors.clone(),
            plan.milestones.clone(),
            plan.funding_deadline,
            plan.needs_approval,
        );
        self.send(selector_bytes!("create_project"), args)
    }

    pub fn fund(self, project: ProjectId, amount: u128) -> Outcome<EscrowResult> {
        self.send(selector_bytes!("fund"), (project, amount))
    }

    /// Lets the escrow take `amount` of the caller's tokens, then funds `project` with them.
    pub fn approve_and_fund(self, project: ProjectId, amount: u128) -> Outcome<EscrowResult> {
        let escrow = AccountId::from(*AsRef::<[u8; 32]>::as_ref(&self.address));
        self.city
            .token(self.caller)
            .approve(escrow, amount)
            .expect_accepted();
        self.fund(project, amount)
    }

    pub fn approve_project(self, project: ProjectId) -> Outcome<EscrowResult> {
        self.send(selector_bytes!("approve_project"), project)
    }

    /// An inspector's verdict on a milestone: approved on `report`, its evidence, or
    /// rejected for `report`, its reason.
    pub fn inspect_milestone(
        self,
        project: ProjectId,
        index: MilestoneIndex,
        approved: bool,
        report: [u8; 32],
    ) -> Outcome<EscrowResult> {
        self.send(
            selector_bytes!("inspect_milestone"),
            (project, index, approved, report),
        )
    }

    /// Approves a milestone on `evidence` (`inspect_milestone`, approved).
    pub fn approve_milestone(
        self,
        project: ProjectId,
        index: MilestoneIndex,
        evidence: [u8; 32],
    ) -> Outcome<EscrowResult> {
        self.inspect_milestone(project, index, true, evidence)
    }

    /// Rejects a milestone for `reason` (`inspect_milestone`, not approved).
    pub fn reject_milestone(
        self,
        project: ProjectId,
        index: MilestoneIndex,
        reason: [u8; 32],
    ) -> Outcome<EscrowResult> {
        self.inspect_milestone(project, index, false, reason)
    }

    pub fn open_dispute(self, project: ProjectId, index: MilestoneIndex) -> Outcome<EscrowResult> {
        self.send(selector_bytes!("open_dispute"), (project, index))
    }

    pub fn resolve_dispute(
        self,
        project: ProjectId,
        index: MilestoneIndex,
        release: bool,
    ) -> Outcome<EscrowResult> {
        self.send(
            selector_bytes!("resolve_dispute"),
            (project, index, release),
        )
    }

    /// Pays an approved milestone, in batches; returns the transfers made.
    pub fn release(self, project: ProjectId, index: MilestoneIndex) -> Outcome<EscrowResult<u32>> {
        self.send(selector_bytes!("release"), (project, index))
    }

    pub fn cancel_project(self, project: ProjectId) -> Outcome<EscrowResult> {
        self.send(selector_bytes!("cancel_project"), project)
    }

    /// Claims the caller's refund; returns the amount.
    pub fn claim_refund(self, project: ProjectId) -> Outcome<EscrowResult<u128>> {
        self.send(selector_bytes!("claim_refund"), project)
    }
}

/// Every escrow message the harness calls, by metadata label, for checking that the typed
/// calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "project_count",
    "project",
    "milestone",
    "account",
    "create_project",
    "fund",
    "approve_project",
    "inspect_milestone",
    "open_dispute",
    "resolve_dispute",
    "release",
    "cancel_project",
    "claim_refund",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
    "Upgradable::upgrade",
    "Upgradable::migrate",
];
