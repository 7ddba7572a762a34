//! # Project escrow
//!
//! Public construction funds held until inspected milestones release them, with wages paid
//! straight to the workers: Xiong'an's fund platform for flood control and tree planting.
//!
//! - **A project** names a contractor, 1 to [`MAX_INSPECTORS`] inspectors (holding the
//!   registry's inspector role) and 1 to [`MAX_MILESTONES`] milestones, each with an amount
//!   for the contractor, a wage roll of registered workers (at most [`MAX_WAGE_ROLL`],
//!   each once) and a due time. Its funding target is the sum of the milestones.
//! - **Funding**: anyone funds in city tokens (`transfer_from`, after `approve`) until the
//!   target is reached; the escrow keeps its own ledger per project and funder and never
//!   reads its token balance. A project may need governance's approval (`approve_project`,
//!   called by an executed proposal) before any milestone is released.
//! - **Milestones**, in order: an inspector approves (with an evidence hash) or rejects
//!   (with a reason); the contractor may dispute a rejection and the admin (governance)
//!   resolves it, releasing or canceling. `release` pays the wage roll first, then the
//!   contractor, at most [`MAX_PAYMENTS_PER_RELEASE`] transfers per call: a long roll is
//!   paid over several calls, each resuming where the last stopped. A transfer the token
//!   refuses reverts the whole call: nobody of that call is paid.
//! - **Cancellation** by the admin, or by anyone once the funding deadline passed without
//!   the target: funders then claim back the unreleased funds pro rata of what they gave,
//!   rounded down; the last funder to claim receives what is left, so no dust stays behind.
//!   Refunds are computed in 256 bits ([`city_traits::mul_div_floor`]), so no amount a
//!   `u128` supply allows can make a claim overflow, and every funder can always claim.
//! - **Accounts**: per project, `funded == released + refunded + held` at every moment;
//!   each wage roll entry and each contractor amount is paid once.
//! - **Payees are people**: the contractor, the inspectors and the workers are accounts,
//!   never contracts (the escrow itself, the token or any other code account would lock
//!   the coins or make a payment a no-op), and no inspector is paid by the project.
//!   A payee that became a contract after the project was created (code deployed at an
//!   address known in advance) is refused at payment, so the admin can cancel.
//! - **The civic transfer policy** (the token's `Civic`, where every transfer needs a
//!   service provider on one side) holds through the escrow too: while it is in force,
//!   only service providers (the treasury, a bank, a sponsor with the token's role) fund
//!   projects, so no call made under it moves a plain holder's coins to another plain
//!   holder. What a holder gave under the open policy was a gift the policy then allowed
//!   (a direct transfer would have been allowed too) and is paid out as planned: holding
//!   it back would let one cent given before the switch freeze a whole project. Refunds
//!   always return coins to whoever gave them.
//!
//! The admin seat moves in two steps: `offer_admin(to)`, then `accept_admin()` by `to`
//! (city-traits' [`Admin`](city_traits::Admin), selectors `Admin::offer_admin` and so on).
//!
//! The accounts live in a plain module, [`ledger`], unit-tested without an ink!
//! environment: the plan, funding, inspection and disputes, releases, cancellation and
//! refunds, as values in and values or an error out. The messages check the caller, ask
//! the registry, the token and the chain what only they know (roles, the transfer
//! policy, which accounts are contracts), write what the ledger returns, emit the events
//! and move the coins.
//!
//! Every message checks before it writes and writes before it calls the token
//! (checks-effects-interactions); the token is called without permission to re-enter, so a
//! token that calls back traps and the whole call reverts.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod ledger;
#[cfg(test)]
mod tests;

#[ink::contract]
mod project_escrow {
    use city_traits::{
        emit,
        upgrade::{self, Layout, Upgradable, UpgradeError},
        Admin, AdminError, AdminSeat, CivicRole, EscrowError, Milestone, MilestoneIndex,
        MilestonePlan, Project, ProjectAccount, ProjectId, ProjectState, Role, TransferPolicy,
        Wage,
    };
    use ink::{
        prelude::vec::Vec,
        storage::{Lazy, Mapping},
    };

    use crate::ledger;

    /// The admin seat and the number of projects.
    #[derive(Debug, Clone)]
    #[ink::scale_derive(Encode, Decode, TypeInfo)]
    #[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
    pub struct Settings {
        pub admin: AdminSeat,
        pub projects: ProjectId,
    }

    /// A milestone of a project.
    type MilestoneKey = (ProjectId, MilestoneIndex);

    /// The version of the storage layout this code reads and writes, and so the storage
    /// holds (`Cargo.toml` declares the same, `[package.metadata.contract.user.storage]`).
    pub const STORAGE_VERSION: u16 = 1;
    /// The storage versions this code migrates from: none yet.
    pub const MIGRATES_FROM: &[u16] = &[];
    /// The storage this code reads and writes: the escrow's, at [`STORAGE_VERSION`].
    const LAYOUT: Layout = Layout {
        contract: ink::selector_bytes!("project-escrow"),
        version: STORAGE_VERSION,
    };

    #[ink(storage)]
    pub struct ProjectEscrow {
        token: AccountId,
        registry: AccountId,
        settings: Lazy<Settings>,
        projects: Mapping<ProjectId, Project>,
        milestones: Mapping<MilestoneKey, Milestone>,
        wage_rolls: Mapping<MilestoneKey, Vec<Wage>>,
        contributions: Mapping<(ProjectId, AccountId), Balance>,
        refunds: Mapping<(ProjectId, AccountId), Balance>,
    }

    /// A project was created.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProjectCreated {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub contractor: AccountId,
        pub creator: AccountId,
        pub target: Balance,
        pub milestones: MilestoneIndex,
        pub funding_deadline: Timestamp,
        pub needs_approval: bool,
    }

    /// A funder put `amount` into a project; `funded` is its new total.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProjectFunded {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub funder: AccountId,
        pub amount: Balance,
        pub funded: Balance,
        pub complete: bool,
    }

    /// Governance approved a project.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProjectApproved {
        #[ink(topic)]
        pub project: ProjectId,
    }

    /// An inspector approved (`approved`) or rejected a milestone, with evidence or a
    /// reason.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct MilestoneInspected {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub milestone: MilestoneIndex,
        #[ink(topic)]
        pub inspector: AccountId,
        pub approved: bool,
        pub report: [u8; 32],
    }

    /// The contractor disputed a rejection.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct DisputeOpened {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub milestone: MilestoneIndex,
    }

    /// Governance resolved a dispute: the milestone approved (`release`), or the project
    /// canceled.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct DisputeResolved {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub milestone: MilestoneIndex,
        pub release: bool,
    }

    /// Wages were paid: lines `first` to `first + workers - 1` of the milestone's wage
    /// roll (the `milestone` query answers it), `amount` in all, each wage by the token's
    /// `Transfer` from the escrow to its worker in the same call. One event per release,
    /// not one per worker: each topic costs the chain a read and a write of its topic
    /// index, about a storage write's weight, and the token's `Transfer`s already name
    /// every worker and wage.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct WagesPaid {
        #[ink(topic)]
        pub project: ProjectId,
        pub milestone: MilestoneIndex,
        pub first: u32,
        pub workers: u32,
        pub amount: Balance,
    }

    /// The contractor was paid: the milestone is released.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct MilestoneReleased {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub milestone: MilestoneIndex,
        #[ink(topic)]
        pub contractor: AccountId,
        pub amount: Balance,
    }

    /// A project was canceled; `unreleased` goes back to its funders.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct ProjectCanceled {
        #[ink(topic)]
        pub project: ProjectId,
        pub by: AccountId,
        pub unreleased: Balance,
    }

    /// A funder claimed back `amount`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct RefundClaimed {
        #[ink(topic)]
        pub project: ProjectId,
        #[ink(topic)]
        pub funder: AccountId,
        pub amount: Balance,
    }

    type Result<T> = core::result::Result<T, EscrowError>;

    impl ProjectEscrow {
        /// Creates an escrow of `token` funds for projects whose inspectors and workers are
        /// in `registry`. The caller is admin (offer the seat to governance).
        #[ink(constructor)]
        pub fn new(token: AccountId, registry: AccountId) -> Self {
            let mut settings = Lazy::new();
            settings.set(&Settings {
                admin: AdminSeat::new(Self::env().caller()),
                projects: 0,
            });
            Self {
                token,
                registry,
                settings,
                projects: Mapping::new(),
                milestones: Mapping::new(),
                wage_rolls: Mapping::new(),
                contributions: Mapping::new(),
                refunds: Mapping::new(),
            }
        }

        /// How many projects were created; they are numbered from zero.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn project_count(&self) -> ProjectId {
            self.settings().projects
        }

        /// A project, with its ledger.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn project(&self, project: ProjectId) -> Option<Project> {
            self.projects.get(project)
        }

        /// A milestone of a project, with its wage roll (whose lines `WagesPaid` names).
        /// One question for a milestone's view: the roll is no message of its own.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn milestone(
            &self,
            project: ProjectId,
            index: MilestoneIndex,
        ) -> Option<(Milestone, Vec<Wage>)> {
            let milestone = self.milestones.get((project, index))?;
            Some((milestone, self.roll(project, index)))
        }

        /// Where `account` stands in a project: what it put in, what it may claim back now
        /// (zero unless the project was canceled, or once claimed), what it was refunded,
        /// and the wages it was paid. One question for a funder's or a worker's view.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn account(&self, project: ProjectId, account: AccountId) -> ProjectAccount {
            ProjectAccount {
                contributed: self.contribution(project, account),
                refundable: self.refundable(project, account),
                refunded: self.refunded(project, account),
                paid: self.paid_to_worker(project, account),
            }
        }

        /// Everything `worker` was paid by a project (`account` answers it): its wages on
        /// the first `workers_paid` lines of each milestone's roll, which `release` pays in
        /// order. Worked out here rather than booked at each wage, so a release writes no
        /// cell per worker.
        pub fn paid_to_worker(&self, project: ProjectId, worker: AccountId) -> Balance {
            let milestones = self.projects.get(project).map_or(0, |data| data.milestones);
            let mut paid: Balance = 0;
            for index in 0..milestones {
                let Some(milestone) = self.milestones.get((project, index)) else {
                    continue;
                };
                if milestone.workers_paid == 0 {
                    continue;
                }
                let roll = self.roll(project, index);
                let released = usize::try_from(milestone.workers_paid).unwrap_or(usize::MAX);
                for wage in roll.iter().take(released) {
                    if wage.worker == worker {
                        // Within what the project released, a Balance.
                        paid = paid.saturating_add(wage.amount);
                    }
                }
            }
            paid
        }

        /// What `funder` put into a project (`account` answers it).
        pub fn contribution(&self, project: ProjectId, funder: AccountId) -> Balance {
            self.contributions
                .get((project, funder))
                .unwrap_or_default()
        }

        /// What `funder` may claim back from a canceled project now, zero otherwise or once
        /// claimed (`account` answers it).
        pub fn refundable(&self, project: ProjectId, funder: AccountId) -> Balance {
            self.projects
                .get(project)
                .and_then(|data| {
                    let (given, claimed) = self.funder(project, funder);
                    ledger::refund_due(&data, given, claimed).ok()
                })
                .unwrap_or_default()
        }

        /// What `funder` was refunded by a project (`account` answers it).
        pub fn refunded(&self, project: ProjectId, funder: AccountId) -> Balance {
            self.refunds.get((project, funder)).unwrap_or_default()
        }

        /// Creates a project paying `contractor` by `milestones`, inspected by
        /// `inspectors`, funded until `funding_deadline`, and, if `needs_approval`,
        /// released only once governance approves it. Returns its number.
        ///
        /// # Errors
        /// `BadMilestones`, `BadWageRoll`, `BadInspectors` (also when an inspector is the
        /// contractor or on a wage roll), `ContractPayee` (the contractor, an inspector or
        /// a worker is a contract), `DeadlinePassed`, `Overflow`,
        /// `NotAnInspectorRole { index }`, `NotAWorker { milestone, index }`.
        ///
        /// # Events
        /// `ProjectCreated`.
        #[ink(message)]
        pub fn create_project(
            &mut self,
            title: [u8; 32],
            contractor: AccountId,
            inspectors: Vec<AccountId>,
            milestones: Vec<MilestonePlan>,
            funding_deadline: Timestamp,
            needs_approval: bool,
        ) -> Result<ProjectId> {
            // ink!'s bump allocator frees nothing: dropping the plans, each with its wage
            // roll, would only walk them, in bytes of Wasm on every way out.
            let milestones = core::mem::ManuallyDrop::new(milestones);
            let now = self.env().block_timestamp();
            let (target, planned) = ledger::plan(
                (&contractor, &inspectors),
                &milestones,
                (funding_deadline, now),
            )?;
            let is_contract = |account: &AccountId| self.env().is_contract(account);
            if is_contract(&contractor)
                || inspectors.iter().any(is_contract)
                || ledger::workers(&milestones).any(|worker| is_contract(&worker))
            {
                return Err(EscrowError::ContractPayee);
            }
            let registry = self.registry();
            if let Some(index) =
                registry.first_without_civic_role(&inspectors, CivicRole::Inspector)
            {
                return Err(EscrowError::NotAnInspectorRole { index });
            }
            for (milestone, plan) in milestones.iter().enumerate() {
                let workers: Vec<AccountId> = plan.wages.iter().map(|wage| wage.worker).collect();
                if let Some(index) = registry.first_without_civic_role(&workers, CivicRole::Worker)
                {
                    // At most MAX_MILESTONES milestones.
                    let milestone = MilestoneIndex::try_from(milestone).unwrap_or(u8::MAX);
                    return Err(EscrowError::NotAWorker { milestone, index });
                }
            }

            let creator = self.env().caller();
            let mut settings = self.settings();
            let id = settings.projects;
            let Some(next) = id.checked_add(1) else {
                return Err(EscrowError::Overflow);
            };
            settings.projects = next;
            self.settings.set(&settings);
            // At most MAX_MILESTONES milestones.
            let count = MilestoneIndex::try_from(planned.len()).unwrap_or(u8::MAX);
            for ((index, milestone), plan) in (0..count).zip(planned).zip(milestones.iter()) {
                self.milestones.insert((id, index), &milestone);
                self.wage_rolls.insert((id, index), &plan.wages);
            }
            self.projects.insert(
                id,
                &Project {
                    title,
                    creator,
                    contractor,
                    inspectors,
                    target,
                    funding_deadline,
                    needs_approval,
                    approved: false,
                    state: ProjectState::Funding,
                    milestones: count,
                    current: 0,
                    funded: 0,
                    released: 0,
                    refunded: 0,
                    funders: 0,
                    refunds_claimed: 0,
                },
            );
            emit(&ProjectCreated {
                project: id,
                contractor,
                creator,
                target,
                milestones: count,
                funding_deadline,
                needs_approval,
            });
            Ok(id)
        }

        /// Funds a project with `amount` city tokens taken from the caller with
        /// `transfer_from` (approve the escrow first). The project is funded once its
        /// target is reached.
        ///
        /// # Errors
        /// `UnknownProject`, `ZeroAmount`, `FundingClosed`, `OverFunding` (more than the
        /// project still needs), `PolicyForbidsFunding` (the civic policy is in force and
        /// the caller is no service provider), `Overflow`, `TokenRefused` (allowance,
        /// balance, pause).
        ///
        /// # Events
        /// `ProjectFunded`, and the token's `Approval` and `Transfer`.
        #[ink(message)]
        pub fn fund(&mut self, project: ProjectId, amount: Balance) -> Result<()> {
            let funder = self.env().caller();
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            ledger::ensure_fundable(&data, amount, self.env().block_timestamp())?;
            let token = self.civic_token();
            if token.transfer_policy() == TransferPolicy::Civic
                && !token.has_role(funder, Role::ServiceProvider)
            {
                return Err(EscrowError::PolicyForbidsFunding);
            }
            let given = self.contribution(project, funder);
            let (contribution, complete) = ledger::fund(&mut data, given, amount)?;
            self.contributions.insert((project, funder), &contribution);
            self.projects.insert(project, &data);
            let escrow = self.env().account_id();
            self.token()
                .transfer_from(funder, escrow, amount, Vec::new())
                .map_err(EscrowError::TokenRefused)?;
            emit(&ProjectFunded {
                project,
                funder,
                amount,
                funded: data.funded,
                complete,
            });
            Ok(())
        }

        /// Approves a project that needs governance's approval.
        ///
        /// # Errors
        /// `NotAdmin`, `UnknownProject`, `ApprovalNotNeeded` (not needed, already
        /// approved, or the project was canceled).
        ///
        /// # Events
        /// `ProjectApproved`.
        #[ink(message)]
        pub fn approve_project(&mut self, project: ProjectId) -> Result<()> {
            if !self.is_admin(&self.env().caller()) {
                return Err(EscrowError::NotAdmin);
            }
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            ledger::approve(&mut data)?;
            self.projects.insert(project, &data);
            emit(&ProjectApproved { project });
            Ok(())
        }

        /// An inspector's verdict on the current milestone of a funded (and approved)
        /// project: `approved`, a pending or rejected milestone becomes releasable on the
        /// evidence `report`; otherwise a pending milestone is rejected for the reason
        /// `report`. One message for both verdicts.
        ///
        /// # Errors
        /// `UnknownProject`, `NotInspector`, `NotFunded`, `NotApproved`,
        /// `NotCurrentMilestone`, `UnknownMilestone`, `WrongMilestoneState`.
        ///
        /// # Events
        /// `MilestoneInspected`.
        #[ink(message)]
        pub fn inspect_milestone(
            &mut self,
            project: ProjectId,
            index: MilestoneIndex,
            approved: bool,
            report: [u8; 32],
        ) -> Result<()> {
            self.inspect(project, index, report, approved)
        }

        /// Approves the current milestone on the inspector's `evidence`
        /// (`inspect_milestone`, approved).
        pub fn approve_milestone(
            &mut self,
            project: ProjectId,
            index: MilestoneIndex,
            evidence: [u8; 32],
        ) -> Result<()> {
            self.inspect_milestone(project, index, true, evidence)
        }

        /// Rejects the current milestone, pending, for `reason` (`inspect_milestone`, not
        /// approved).
        pub fn reject_milestone(
            &mut self,
            project: ProjectId,
            index: MilestoneIndex,
            reason: [u8; 32],
        ) -> Result<()> {
            self.inspect_milestone(project, index, false, reason)
        }

        /// The contractor disputes the rejection of a milestone; governance decides.
        ///
        /// # Errors
        /// `UnknownProject`, `UnknownMilestone`, `NotContractor`, `NotFunded`,
        /// `WrongMilestoneState` unless it was rejected.
        ///
        /// # Events
        /// `DisputeOpened`.
        #[ink(message)]
        pub fn open_dispute(&mut self, project: ProjectId, index: MilestoneIndex) -> Result<()> {
            let Some(data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            let Some(mut milestone) = self.milestones.get((project, index)) else {
                return Err(EscrowError::UnknownMilestone);
            };
            if self.env().caller() != data.contractor {
                return Err(EscrowError::NotContractor);
            }
            ledger::dispute(&data, &mut milestone)?;
            self.milestones.insert((project, index), &milestone);
            emit(&DisputeOpened {
                project,
                milestone: index,
            });
            Ok(())
        }

        /// Resolves a dispute: `release` approves the milestone, otherwise the project is
        /// canceled and its funders refunded.
        ///
        /// # Errors
        /// `NotAdmin`, `UnknownProject`, `UnknownMilestone`, `NotFunded` (canceled or
        /// completed meanwhile), `WrongMilestoneState` unless disputed.
        ///
        /// # Events
        /// `DisputeResolved`, and `ProjectCanceled` when not released.
        #[ink(message)]
        pub fn resolve_dispute(
            &mut self,
            project: ProjectId,
            index: MilestoneIndex,
            release: bool,
        ) -> Result<()> {
            let by = self.env().caller();
            if !self.is_admin(&by) {
                return Err(EscrowError::NotAdmin);
            }
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            let Some(mut milestone) = self.milestones.get((project, index)) else {
                return Err(EscrowError::UnknownMilestone);
            };
            ledger::resolve(&mut data, &mut milestone, release)?;
            if release {
                self.milestones.insert((project, index), &milestone);
            } else {
                self.canceled(project, &data, by);
            }
            emit(&DisputeResolved {
                project,
                milestone: index,
                release,
            });
            Ok(())
        }

        /// Pays an approved milestone: the wage roll in order, then the contractor, at
        /// most [`MAX_PAYMENTS_PER_RELEASE`] payments per call (call again to resume), all
        /// in one call into the token (`transfer_many`). Anyone may. Returns the number of
        /// payments made.
        ///
        /// # Errors
        /// `UnknownProject`, `UnknownMilestone`, `NotFunded`, `NotApproved`,
        /// `NotCurrentMilestone`, `WrongMilestoneState` unless approved, `ContractPayee`
        /// (a payee of this call is a contract by now), `TokenRefused` (nobody of this call
        /// is paid).
        ///
        /// # Events
        /// `WagesPaid` when wages are paid, `MilestoneReleased` with the contractor's
        /// payment, and the token's `Transfer` per payee.
        #[ink(message)]
        pub fn release(&mut self, project: ProjectId, index: MilestoneIndex) -> Result<u32> {
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            let Some(mut milestone) = self.milestones.get((project, index)) else {
                return Err(EscrowError::UnknownMilestone);
            };
            let roll = self.roll(project, index);
            let first = milestone.workers_paid;
            let payout = ledger::release(&mut data, (index, &mut milestone), &roll)?;
            let is_contract = |account: &AccountId| self.env().is_contract(account);
            if payout.wages.iter().any(|wage| is_contract(&wage.worker))
                || (payout.contractor.is_some() && is_contract(&data.contractor))
            {
                return Err(EscrowError::ContractPayee);
            }
            // Effects: the ledger, for every payment of this call, before any transfer (the
            // milestone's `workers_paid` books the wages).
            self.milestones.insert((project, index), &milestone);
            self.projects.insert(project, &data);

            // Interactions: one bulk transfer; a refusal reverts everything above.
            let transfers = payout.transfers();
            let mut payments = Vec::new();
            let mut wages: Balance = 0;
            for wage in &payout.wages {
                if !cfg!(feature = "broken-unpaid-wages") {
                    payments.push((wage.worker, wage.amount));
                }
                // Within the milestone's cost, part of the funded amount: a Balance.
                wages = wages.saturating_add(wage.amount);
            }
            let workers = milestone.workers_paid.saturating_sub(first);
            if workers != 0 {
                emit(&WagesPaid {
                    project,
                    milestone: index,
                    first,
                    workers,
                    amount: wages,
                });
            }
            if let Some(amount) = payout.contractor {
                payments.push((data.contractor, amount));
                emit(&MilestoneReleased {
                    project,
                    milestone: index,
                    contractor: data.contractor,
                    amount,
                });
            }
            self.pay(payments)?;
            Ok(transfers)
        }

        /// Cancels a project: the admin may until it is completed; anyone may once the
        /// funding deadline passed without the target reached. Funders then claim back
        /// what was not released.
        ///
        /// # Errors
        /// `UnknownProject`, `NotCancelable`.
        ///
        /// # Events
        /// `ProjectCanceled`.
        #[ink(message)]
        pub fn cancel_project(&mut self, project: ProjectId) -> Result<()> {
            let by = self.env().caller();
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            let by_admin = self.is_admin(&by);
            ledger::cancel(&mut data, by_admin, self.env().block_timestamp())?;
            self.canceled(project, &data, by);
            Ok(())
        }

        /// Pays the caller its share of a canceled project's unreleased funds: its
        /// contribution times unreleased over funded, rounded down (computed in 256 bits:
        /// it cannot overflow); the last funder to claim gets what is left. Returns the
        /// amount.
        ///
        /// # Errors
        /// `UnknownProject`, `NotCanceled`, `NothingToRefund` (never funded, or claimed),
        /// `TokenRefused` (paused, say: the claim can be made again later).
        ///
        /// # Events
        /// `RefundClaimed`, and the token's `Transfer`.
        #[ink(message)]
        pub fn claim_refund(&mut self, project: ProjectId) -> Result<Balance> {
            let funder = self.env().caller();
            let Some(mut data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            let (given, claimed) = self.funder(project, funder);
            let amount = ledger::refund(&mut data, given, claimed)?;
            self.refunds.insert((project, funder), &amount);
            self.projects.insert(project, &data);
            self.pay(ink::prelude::vec![(funder, amount)])?;
            emit(&RefundClaimed {
                project,
                funder,
                amount,
            });
            Ok(amount)
        }

        fn settings(&self) -> Settings {
            // Set by the constructor, never removed.
            self.settings.get().unwrap_or_else(|| unreachable!())
        }

        /// A milestone's wage roll (none for a milestone that does not exist).
        fn roll(&self, project: ProjectId, index: MilestoneIndex) -> Vec<Wage> {
            self.wage_rolls.get((project, index)).unwrap_or_default()
        }

        /// Whether `account` holds the admin seat.
        fn is_admin(&self, account: &AccountId) -> bool {
            self.settings().admin.holder() == *account
        }

        /// What `funder` gave to a project, and whether it claimed its refund.
        fn funder(&self, project: ProjectId, funder: AccountId) -> (Balance, bool) {
            (
                self.contribution(project, funder),
                self.refunds.contains((project, funder)),
            )
        }

        fn inspect(
            &mut self,
            project: ProjectId,
            index: MilestoneIndex,
            report: [u8; 32],
            approved: bool,
        ) -> Result<()> {
            let inspector = self.env().caller();
            let Some(data) = self.projects.get(project) else {
                return Err(EscrowError::UnknownProject);
            };
            // The question `create_project` asks of all inspectors, of this one (one way
            // to ask the registry, linked once).
            if !data.inspectors.contains(&inspector)
                || self
                    .registry()
                    .first_without_civic_role(&[inspector], CivicRole::Inspector)
                    .is_some()
            {
                return Err(EscrowError::NotInspector);
            }
            ledger::ensure_open_for_work(&data, index)?;
            let Some(mut milestone) = self.milestones.get((project, index)) else {
                return Err(EscrowError::UnknownMilestone);
            };
            ledger::inspect(&mut milestone, approved, report)?;
            self.milestones.insert((project, index), &milestone);
            emit(&MilestoneInspected {
                project,
                milestone: index,
                inspector,
                approved,
                report,
            });
            Ok(())
        }

        /// Writes a project just canceled by `by`.
        fn canceled(&mut self, project: ProjectId, data: &Project, by: AccountId) {
            self.projects.insert(project, data);
            emit(&ProjectCanceled {
                project,
                by,
                unreleased: data.held(),
            });
        }

        /// Transfers the escrow's tokens to each payee, in one call into the token
        /// (`transfer_many`, also for one payee: one way to pay, linked once); a refusal
        /// reverts the call.
        fn pay(&self, mut payments: Vec<(AccountId, Balance)>) -> Result<()> {
            payments.retain(|(_, amount)| *amount != 0);
            if payments.is_empty() {
                return Ok(());
            }
            self.civic_token()
                .transfer_many(payments)
                .map_err(|error| EscrowError::TokenRefused(error.into()))
        }
    }

    // The other contracts, through their traits (unit tests reach stand-ins instead).
    city_traits::peers! {
        impl ProjectEscrow {
            fn token() -> remote::PSP22 { token }
            /// The token's civic side: its roles and transfer policy.
            fn civic_token() -> remote::CivicToken { token }
            fn registry() -> remote::IdentityRegistry { registry }
        }
    }

    /// Governed upgrades (city-traits' `upgrade` module documents them in full).
    impl Upgradable for ProjectEscrow {
        /// Replaces the escrow's code with the uploaded `code_hash`, whose migration runs in
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

        /// Brings the storage the replaced code left to [`LAYOUT`]; only the escrow itself
        /// calls it, inside an upgrade.
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
    impl Admin for ProjectEscrow {
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
