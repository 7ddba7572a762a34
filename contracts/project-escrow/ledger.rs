//! The escrow's ledger: a project's plan checked and summed into its target, funding up to
//! the target, the order of inspection and disputes, what a release pays and books,
//! cancellation, and each funder's refund. Plain values in, new values or an error out,
//! every check before any change: on an error the values are as they were. The messages
//! ask the registry, the token and the chain what only they know, write what the ledger
//! returns, emit the events and move the coins.
//!
//! Accounts are passed by reference and errors returned with `let ... else`, not `ok_or`:
//! an `EscrowError` may hold a `String`, so one built eagerly is also dropped, and both
//! copies and drops measured as bytes of Wasm, which every call pays.

use city_traits::{
    mul_div_floor, Balance, EscrowError, Milestone, MilestoneIndex, MilestonePlan, MilestoneState,
    Project, ProjectState, Timestamp, Wage, MAX_INSPECTORS, MAX_MILESTONES,
    MAX_PAYMENTS_PER_RELEASE, MAX_WAGE_ROLL,
};
use ink::{prelude::vec::Vec, primitives::AccountId};

type Result<T> = core::result::Result<T, EscrowError>;

/// The milestones of a project paying `contractor` by `plans`, inspected by `inspectors`,
/// funded until `funding_deadline`, created at `now`, and its funding target, their sum:
/// 1 to [`MAX_MILESTONES`] milestones, each costing something, with wage rolls
/// [`plan_milestone`] accepts; 1 to [`MAX_INSPECTORS`] inspectors, none of them paid by
/// the project; a funding deadline after `now`.
///
/// # Errors
/// `BadMilestones`, `BadInspectors`, `DeadlinePassed`, `BadWageRoll`, `Overflow`.
pub fn plan(
    (contractor, inspectors): (&AccountId, &[AccountId]),
    plans: &[MilestonePlan],
    (funding_deadline, now): (Timestamp, Timestamp),
) -> Result<(Balance, Vec<Milestone>)> {
    if plans.is_empty() || plans.len() > MAX_MILESTONES {
        return Err(EscrowError::BadMilestones);
    }
    if inspectors.is_empty() || inspectors.len() > MAX_INSPECTORS {
        return Err(EscrowError::BadInspectors);
    }
    if funding_deadline <= now {
        return Err(EscrowError::DeadlinePassed);
    }
    let mut target: Balance = 0;
    let mut milestones = Vec::new();
    for plan in plans {
        let milestone = plan_milestone(plan, contractor)?;
        let Some(cost) = milestone.cost() else {
            return Err(EscrowError::Overflow);
        };
        if cost == 0 {
            return Err(EscrowError::BadMilestones);
        }
        let Some(sum) = target.checked_add(cost) else {
            return Err(EscrowError::Overflow);
        };
        target = sum;
        milestones.push(milestone);
    }
    // No inspector is paid by the project: neither the contractor nor a worker.
    if inspectors.contains(contractor) || workers(plans).any(|worker| inspectors.contains(&worker))
    {
        return Err(EscrowError::BadInspectors);
    }
    Ok((target, milestones))
}

/// Every worker on the wage rolls of `plans`, in order.
pub fn workers(plans: &[MilestonePlan]) -> impl Iterator<Item = AccountId> + '_ {
    plans
        .iter()
        .flat_map(|plan| &plan.wages)
        .map(|wage| wage.worker)
}

/// Checks a milestone's plan (the wage roll: bounded, positive wages, each worker once,
/// not the contractor) and sums it.
///
/// # Errors
/// `BadWageRoll`, `Overflow`.
pub fn plan_milestone(plan: &MilestonePlan, contractor: &AccountId) -> Result<Milestone> {
    let wages = &plan.wages;
    if wages.len() > MAX_WAGE_ROLL {
        return Err(EscrowError::BadWageRoll);
    }
    let mut total: Balance = 0;
    for (index, wage) in wages.iter().enumerate() {
        let repeated = wages[..index].iter().any(|w| w.worker == wage.worker);
        if wage.amount == 0 || wage.worker == *contractor || repeated {
            return Err(EscrowError::BadWageRoll);
        }
        let Some(sum) = total.checked_add(wage.amount) else {
            return Err(EscrowError::Overflow);
        };
        total = sum;
    }
    Ok(Milestone {
        contractor_amount: plan.contractor_amount,
        wages: total,
        // At most MAX_WAGE_ROLL workers.
        workers: u32::try_from(wages.len()).unwrap_or(u32::MAX),
        workers_paid: 0,
        due: plan.due,
        state: MilestoneState::Pending,
        report: None,
    })
}

/// Refuses `amount` for `project` at `now`: nothing, after the funding deadline or once
/// funded, or more than it still needs.
///
/// # Errors
/// `ZeroAmount`, `FundingClosed`, `OverFunding`.
pub fn ensure_fundable(project: &Project, amount: Balance, now: Timestamp) -> Result<()> {
    if amount == 0 {
        return Err(EscrowError::ZeroAmount);
    }
    if project.state != ProjectState::Funding || now >= project.funding_deadline {
        return Err(EscrowError::FundingClosed);
    }
    if amount > project.target.saturating_sub(project.funded) {
        return Err(EscrowError::OverFunding);
    }
    Ok(())
}

/// Books `amount` from a funder who had `given` so far ([`ensure_fundable`] allowed it):
/// returns the funder's new contribution and whether the project is now funded.
///
/// # Errors
/// `Overflow` (the number of funders).
pub fn fund(project: &mut Project, given: Balance, amount: Balance) -> Result<(Balance, bool)> {
    if given == 0 {
        let Some(funders) = project.funders.checked_add(1) else {
            return Err(EscrowError::Overflow);
        };
        project.funders = funders;
    }
    // Both stay within the target, which is a Balance.
    project.funded = project.funded.saturating_add(amount);
    let complete = project.funded == project.target;
    if complete {
        project.state = ProjectState::Funded;
    }
    Ok((given.saturating_add(amount), complete))
}

/// Approves a project that needs governance's approval.
///
/// # Errors
/// `ApprovalNotNeeded` (not needed, already approved, or the project was canceled).
pub fn approve(project: &mut Project) -> Result<()> {
    if !project.needs_approval || project.approved || project.state == ProjectState::Canceled {
        return Err(EscrowError::ApprovalNotNeeded);
    }
    project.approved = true;
    Ok(())
}

/// Refuses work on milestone `index` of a project not funded, not approved (if it needs
/// approval), or not at that milestone.
///
/// # Errors
/// `NotFunded`, `NotApproved`, `NotCurrentMilestone`.
pub fn ensure_open_for_work(project: &Project, index: MilestoneIndex) -> Result<()> {
    if project.state != ProjectState::Funded {
        return Err(EscrowError::NotFunded);
    }
    if project.needs_approval && !project.approved {
        return Err(EscrowError::NotApproved);
    }
    if index != project.current {
        return Err(EscrowError::NotCurrentMilestone);
    }
    Ok(())
}

/// An inspection of a milestone open for work: `approved` makes a pending or rejected
/// milestone releasable, otherwise a pending one is rejected; `report` is the evidence or
/// the reason.
///
/// # Errors
/// `WrongMilestoneState`.
pub fn inspect(milestone: &mut Milestone, approved: bool, report: [u8; 32]) -> Result<()> {
    let allowed = match milestone.state {
        MilestoneState::Pending => true,
        MilestoneState::Rejected => approved,
        _ => false,
    };
    if !allowed {
        return Err(EscrowError::WrongMilestoneState);
    }
    milestone.state = if approved {
        MilestoneState::Approved
    } else {
        MilestoneState::Rejected
    };
    milestone.report = Some(report);
    Ok(())
}

/// The contractor's dispute of a rejected milestone of a funded project.
///
/// # Errors
/// `NotFunded`, `WrongMilestoneState` unless it was rejected.
pub fn dispute(project: &Project, milestone: &mut Milestone) -> Result<()> {
    if project.state != ProjectState::Funded {
        return Err(EscrowError::NotFunded);
    }
    if milestone.state != MilestoneState::Rejected {
        return Err(EscrowError::WrongMilestoneState);
    }
    milestone.state = MilestoneState::Disputed;
    Ok(())
}

/// Governance's resolution of a disputed milestone: `release` approves it, otherwise the
/// project is canceled.
///
/// # Errors
/// `NotFunded` (canceled or completed meanwhile), `WrongMilestoneState` unless disputed.
pub fn resolve(project: &mut Project, milestone: &mut Milestone, release: bool) -> Result<()> {
    if project.state != ProjectState::Funded {
        return Err(EscrowError::NotFunded);
    }
    if milestone.state != MilestoneState::Disputed {
        return Err(EscrowError::WrongMilestoneState);
    }
    if release {
        milestone.state = MilestoneState::Approved;
    } else {
        project.state = ProjectState::Canceled;
    }
    Ok(())
}

/// What one `release` pays: the next wages of the roll, in order, and the contractor's
/// amount once the whole roll is paid and a transfer is left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub wages: Vec<Wage>,
    pub contractor: Option<Balance>,
}

impl Payout {
    /// The number of transfers: at most [`MAX_PAYMENTS_PER_RELEASE`].
    pub fn transfers(&self) -> u32 {
        // At most MAX_PAYMENTS_PER_RELEASE wages.
        let wages = u32::try_from(self.wages.len()).unwrap_or(u32::MAX);
        wages.saturating_add(u32::from(self.contractor.is_some()))
    }
}

/// Pays milestone `index` of `project`, approved, from its wage `roll`: at most
/// [`MAX_PAYMENTS_PER_RELEASE`] transfers, resuming where the last release stopped; the
/// contractor last, which releases the milestone and moves the project on (completed
/// after its last milestone). Books every payment as released.
///
/// # Errors
/// `NotFunded`, `NotApproved`, `NotCurrentMilestone`, `WrongMilestoneState` unless
/// approved.
pub fn release(
    project: &mut Project,
    (index, milestone): (MilestoneIndex, &mut Milestone),
    roll: &[Wage],
) -> Result<Payout> {
    ensure_open_for_work(project, index)?;
    if milestone.state != MilestoneState::Approved {
        return Err(EscrowError::WrongMilestoneState);
    }
    let first = usize::try_from(milestone.workers_paid).unwrap_or(usize::MAX);
    let wages: Vec<Wage> = roll
        .iter()
        .skip(first)
        .take(MAX_PAYMENTS_PER_RELEASE as usize)
        .copied()
        .collect();
    // At most MAX_PAYMENTS_PER_RELEASE; the sums below stay within the milestone's cost,
    // part of the funded amount, which is a Balance.
    let paid = u32::try_from(wages.len()).unwrap_or(u32::MAX);
    milestone.workers_paid = milestone.workers_paid.saturating_add(paid);
    for wage in &wages {
        project.released = project.released.saturating_add(wage.amount);
    }
    let contractor = (milestone.workers_paid == milestone.workers
        && paid < MAX_PAYMENTS_PER_RELEASE)
        .then_some(milestone.contractor_amount);
    if let Some(amount) = contractor {
        milestone.state = MilestoneState::Released;
        project.released = project.released.saturating_add(amount);
        project.current = project.current.saturating_add(1);
        if project.current == project.milestones {
            project.state = ProjectState::Completed;
        }
    }
    Ok(Payout { wages, contractor })
}

/// Cancels `project` at `now`: the admin (`by_admin`) may until it is completed; anyone
/// may once the funding deadline passed without the target reached. Returns what is left
/// to refund.
///
/// # Errors
/// `NotCancelable`.
pub fn cancel(project: &mut Project, by_admin: bool, now: Timestamp) -> Result<Balance> {
    let open = matches!(project.state, ProjectState::Funding | ProjectState::Funded);
    let funding_failed = project.state == ProjectState::Funding && now >= project.funding_deadline;
    if !open || (!by_admin && !funding_failed) {
        return Err(EscrowError::NotCancelable);
    }
    project.state = ProjectState::Canceled;
    Ok(project.held())
}

/// What a funder who gave `given` may claim back from `project` now, unless it `claimed`
/// already: its share of the unreleased funds, rounded down (in 256 bits: it cannot
/// overflow); the last funder to claim gets what is left, so no dust stays behind.
///
/// # Errors
/// `NotCanceled`, `NothingToRefund` (never funded, or claimed).
pub fn refund_due(project: &Project, given: Balance, claimed: bool) -> Result<Balance> {
    if project.state != ProjectState::Canceled {
        return Err(EscrowError::NotCanceled);
    }
    if given == 0 || claimed {
        return Err(EscrowError::NothingToRefund);
    }
    let last = project.refunds_claimed.saturating_add(1) == project.funders;
    // The broken variant pays the last funder its share too, leaving the dust.
    if last && !cfg!(feature = "broken-refund-dust") {
        return Ok(project.held());
    }
    let unreleased = project.funded.saturating_sub(project.released);
    if cfg!(feature = "broken-refund-arithmetic") {
        // The deliberately broken variant of the fuzzer's self-test.
        return given
            .checked_mul(unreleased)
            .and_then(|product| product.checked_div(project.funded))
            .ok_or(EscrowError::Overflow);
    }
    // `given <= funded`, so the share is at most `unreleased` and always fits.
    Ok(mul_div_floor(given, unreleased, project.funded).unwrap_or_default())
}

/// Books the refund [`refund_due`] allows and returns it.
///
/// # Errors
/// As [`refund_due`].
pub fn refund(project: &mut Project, given: Balance, claimed: bool) -> Result<Balance> {
    let amount = refund_due(project, given, claimed)?;
    // Within the unreleased funds, which are a Balance.
    project.refunded = project.refunded.saturating_add(amount);
    project.refunds_claimed = project.refunds_claimed.saturating_add(1);
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use ink::prelude::vec;

    use super::*;

    const DAY: Timestamp = 86_400_000;

    fn account(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    const CONTRACTOR: u8 = 3;
    const INSPECTOR: u8 = 2;

    // The messages' tests' plans: `contractor_amount` for the contractor and 100 for
    // each of `workers` workers, due on day 20.
    use crate::tests::{plan as plan_of, worker};

    /// A project taking funds until day 11, as `create_project` makes it from `plans` on
    /// day 10, and its milestones.
    fn project_of(plans: &[MilestonePlan]) -> (Project, Vec<Milestone>) {
        let inspectors = vec![account(INSPECTOR)];
        let contractor = account(CONTRACTOR);
        let (target, milestones) =
            plan((&contractor, &inspectors), plans, (11 * DAY, 10 * DAY)).unwrap();
        let project = Project {
            title: [7; 32],
            creator: account(1),
            contractor,
            inspectors,
            target,
            funding_deadline: 11 * DAY,
            needs_approval: false,
            approved: false,
            state: ProjectState::Funding,
            milestones: MilestoneIndex::try_from(milestones.len()).unwrap(),
            current: 0,
            funded: 0,
            released: 0,
            refunded: 0,
            funders: 0,
            refunds_claimed: 0,
        };
        (project, milestones)
    }

    /// A project of `milestones` milestones of 500 for the contractor and two workers.
    fn planned(milestones: usize) -> (Project, Vec<Milestone>) {
        project_of(&vec![plan_of(500, 2); milestones])
    }

    fn funded(milestones: usize) -> (Project, Vec<Milestone>) {
        let (mut project, milestones) = planned(milestones);
        let target = project.target;
        fund(&mut project, 0, target).unwrap();
        (project, milestones)
    }

    #[test]
    fn a_plan_sums_its_milestones_into_the_target() {
        let inspectors = [account(INSPECTOR)];
        let (target, milestones) = plan(
            (&account(CONTRACTOR), &inspectors),
            &[plan_of(500, 2), plan_of(1, 0)],
            (1, 0),
        )
        .unwrap();
        assert_eq!(target, 701);
        assert_eq!(milestones.len(), 2);
        assert_eq!(milestones[0].cost(), Some(700));
        assert_eq!(milestones[1].cost(), Some(1));
    }

    #[test]
    fn a_plan_is_bounded_and_pays_no_inspector() {
        let (now, deadline) = (10 * DAY, 11 * DAY);
        let contractor = account(CONTRACTOR);
        let refused = |inspectors: &[AccountId], plans: Vec<MilestonePlan>, deadline| {
            plan((&contractor, inspectors), &plans, (deadline, now)).err()
        };
        let one = || vec![plan_of(1, 0)];
        let inspector = [account(INSPECTOR)];
        assert_eq!(
            refused(&inspector, vec![], deadline),
            Some(EscrowError::BadMilestones)
        );
        assert_eq!(
            refused(
                &inspector,
                vec![plan_of(1, 0); MAX_MILESTONES + 1],
                deadline
            ),
            Some(EscrowError::BadMilestones)
        );
        assert_eq!(
            refused(&inspector, vec![plan_of(0, 0)], deadline),
            Some(EscrowError::BadMilestones),
            "a milestone costing nothing"
        );
        for inspectors in [vec![], vec![account(INSPECTOR); MAX_INSPECTORS + 1]] {
            assert_eq!(
                refused(&inspectors, one(), deadline),
                Some(EscrowError::BadInspectors)
            );
        }
        for paid in [contractor, worker(1)] {
            assert_eq!(
                refused(&[account(INSPECTOR), paid], vec![plan_of(1, 1)], deadline),
                Some(EscrowError::BadInspectors)
            );
        }
        assert_eq!(
            refused(&inspector, one(), now),
            Some(EscrowError::DeadlinePassed)
        );
        assert_eq!(
            refused(&inspector, vec![plan_of(Balance::MAX, 1)], deadline),
            Some(EscrowError::Overflow)
        );
        let half = Balance::MAX / 2 + 1;
        assert_eq!(
            refused(
                &inspector,
                vec![plan_of(half, 0), plan_of(half, 0)],
                deadline
            ),
            Some(EscrowError::Overflow)
        );
        assert_eq!(
            refused(&[], vec![], now),
            Some(EscrowError::BadMilestones),
            "the milestones are checked first"
        );
    }

    #[test]
    fn a_wage_roll_pays_each_registered_worker_once_and_never_the_contractor() {
        let contractor = account(CONTRACTOR);
        let milestone = plan_milestone(&plan_of(500, 3), &contractor).unwrap();
        assert_eq!(
            (milestone.wages, milestone.workers, milestone.workers_paid),
            (300, 3, 0)
        );
        assert_eq!(milestone.cost(), Some(800));
        assert_eq!(milestone.state, MilestoneState::Pending);

        let mut twice = plan_of(500, 2);
        twice.wages.push(twice.wages[0]);
        let mut paid_to_the_contractor = plan_of(500, 1);
        paid_to_the_contractor.wages[0].worker = contractor;
        let mut unpaid = plan_of(500, 1);
        unpaid.wages[0].amount = 0;
        let too_long = MilestonePlan {
            wages: (0..=MAX_WAGE_ROLL)
                .map(|n| Wage {
                    worker: AccountId::from([n as u8; 32]),
                    amount: 1,
                })
                .collect(),
            ..plan_of(500, 0)
        };
        for broken in [twice, paid_to_the_contractor, unpaid, too_long] {
            assert_eq!(
                plan_milestone(&broken, &contractor),
                Err(EscrowError::BadWageRoll)
            );
        }
    }

    #[test]
    fn funding_counts_each_funder_once_and_closes_at_the_target() {
        let (mut project, _) = planned(1);
        assert_eq!(project.target, 700);
        let now = 10 * DAY;
        assert_eq!(
            ensure_fundable(&project, 0, now),
            Err(EscrowError::ZeroAmount)
        );
        assert_eq!(
            ensure_fundable(&project, 701, now),
            Err(EscrowError::OverFunding)
        );
        assert_eq!(
            ensure_fundable(&project, 1, 11 * DAY),
            Err(EscrowError::FundingClosed),
            "at the deadline"
        );
        assert_eq!(fund(&mut project, 0, 300), Ok((300, false)));
        assert_eq!(fund(&mut project, 300, 100), Ok((400, false)));
        assert_eq!(project.funders, 1, "the same funder again");
        assert_eq!(
            ensure_fundable(&project, 301, now),
            Err(EscrowError::OverFunding)
        );
        assert_eq!(fund(&mut project, 0, 300), Ok((300, true)));
        assert_eq!((project.funders, project.funded), (2, 700));
        assert_eq!(project.state, ProjectState::Funded);
        assert_eq!(
            ensure_fundable(&project, 1, now),
            Err(EscrowError::FundingClosed)
        );
    }

    #[test]
    fn work_waits_for_funding_approval_and_its_turn() {
        let (project, _) = planned(2);
        assert_eq!(
            ensure_open_for_work(&project, 0),
            Err(EscrowError::NotFunded)
        );
        let (mut project, _) = funded(2);
        assert_eq!(ensure_open_for_work(&project, 0), Ok(()));
        assert_eq!(
            ensure_open_for_work(&project, 1),
            Err(EscrowError::NotCurrentMilestone)
        );
        project.needs_approval = true;
        assert_eq!(
            ensure_open_for_work(&project, 0),
            Err(EscrowError::NotApproved)
        );
        assert_eq!(approve(&mut project), Ok(()));
        assert_eq!(ensure_open_for_work(&project, 0), Ok(()));
        assert_eq!(approve(&mut project), Err(EscrowError::ApprovalNotNeeded));
        let (mut unneeded, _) = funded(1);
        assert_eq!(approve(&mut unneeded), Err(EscrowError::ApprovalNotNeeded));
        let (mut canceled, _) = planned(1);
        canceled.needs_approval = true;
        canceled.state = ProjectState::Canceled;
        assert_eq!(approve(&mut canceled), Err(EscrowError::ApprovalNotNeeded));
    }

    #[test]
    fn an_inspection_rejects_a_pending_milestone_and_approves_a_pending_or_rejected_one() {
        let (_, milestones) = planned(1);
        let mut milestone = milestones[0];
        assert_eq!(inspect(&mut milestone, false, [1; 32]), Ok(()));
        assert_eq!(
            (milestone.state, milestone.report),
            (MilestoneState::Rejected, Some([1; 32]))
        );
        assert_eq!(
            inspect(&mut milestone, false, [2; 32]),
            Err(EscrowError::WrongMilestoneState),
            "rejected twice"
        );
        assert_eq!(milestone.report, Some([1; 32]));
        assert_eq!(inspect(&mut milestone, true, [3; 32]), Ok(()));
        assert_eq!(milestone.state, MilestoneState::Approved);
        for approved in [true, false] {
            assert_eq!(
                inspect(&mut milestone, approved, [4; 32]),
                Err(EscrowError::WrongMilestoneState)
            );
        }
    }

    #[test]
    fn a_dispute_of_a_rejection_is_released_or_cancels_the_project() {
        let (mut project, milestones) = funded(1);
        let mut milestone = milestones[0];
        assert_eq!(
            dispute(&project, &mut milestone),
            Err(EscrowError::WrongMilestoneState),
            "nothing rejected"
        );
        inspect(&mut milestone, false, [1; 32]).unwrap();
        assert_eq!(dispute(&project, &mut milestone), Ok(()));
        assert_eq!(milestone.state, MilestoneState::Disputed);
        let disputed = milestone;
        assert_eq!(resolve(&mut project, &mut milestone, true), Ok(()));
        assert_eq!(milestone.state, MilestoneState::Approved);
        assert_eq!(
            resolve(&mut project, &mut milestone, true),
            Err(EscrowError::WrongMilestoneState)
        );
        let mut milestone = disputed;
        assert_eq!(resolve(&mut project, &mut milestone, false), Ok(()));
        assert_eq!(project.state, ProjectState::Canceled);
        assert_eq!(milestone.state, MilestoneState::Disputed);
        assert_eq!(
            resolve(&mut project, &mut milestone, true),
            Err(EscrowError::NotFunded)
        );
        assert_eq!(
            dispute(&project, &mut milestone),
            Err(EscrowError::NotFunded)
        );
    }

    fn roll(workers: u8) -> Vec<Wage> {
        plan_of(0, workers).wages
    }

    #[test]
    fn a_release_pays_the_roll_then_the_contractor_and_moves_to_the_next_milestone() {
        let (mut project, milestones) = funded(2);
        let mut milestone = milestones[0];
        assert_eq!(
            release(&mut project, (0, &mut milestone), &roll(2)),
            Err(EscrowError::WrongMilestoneState),
            "not approved"
        );
        inspect(&mut milestone, true, [1; 32]).unwrap();
        let payout = release(&mut project, (0, &mut milestone), &roll(2)).unwrap();
        assert_eq!(payout.wages, roll(2));
        assert_eq!(payout.contractor, Some(500));
        assert_eq!(payout.transfers(), 3);
        assert_eq!(milestone.state, MilestoneState::Released);
        assert_eq!(milestone.workers_paid, 2);
        assert_eq!((project.released, project.current), (700, 1));
        assert_eq!(project.state, ProjectState::Funded);
        assert_eq!(
            release(&mut project, (0, &mut milestone), &roll(2)),
            Err(EscrowError::NotCurrentMilestone)
        );
        let mut last = milestones[1];
        inspect(&mut last, true, [2; 32]).unwrap();
        release(&mut project, (1, &mut last), &roll(2)).unwrap();
        assert_eq!(
            (project.released, project.state),
            (1_400, ProjectState::Completed)
        );
    }

    #[test]
    fn a_long_roll_is_paid_in_batches_and_the_contractor_only_with_room_left() {
        let workers = 2 * MAX_PAYMENTS_PER_RELEASE as u8;
        let (mut project, _) = project_of(&[plan_of(500, workers)]);
        let target = project.target;
        fund(&mut project, 0, target).unwrap();
        let mut milestone = plan_milestone(&plan_of(500, workers), &account(CONTRACTOR)).unwrap();
        milestone.state = MilestoneState::Approved;
        let roll = roll(workers);
        let batch = MAX_PAYMENTS_PER_RELEASE as usize;
        for n in 0..2 {
            let payout = release(&mut project, (0, &mut milestone), &roll).unwrap();
            assert_eq!(payout.wages, roll[n * batch..(n + 1) * batch]);
            assert_eq!(
                payout.contractor, None,
                "no transfer left for the contractor"
            );
            assert_eq!(payout.transfers(), MAX_PAYMENTS_PER_RELEASE);
        }
        assert_eq!(milestone.state, MilestoneState::Approved);
        let payout = release(&mut project, (0, &mut milestone), &roll).unwrap();
        assert_eq!((payout.wages.len(), payout.contractor), (0, Some(500)));
        assert_eq!(project.released, project.target);
        assert_eq!(project.state, ProjectState::Completed);
    }

    #[test]
    fn the_admin_cancels_open_work_and_anyone_a_failed_funding() {
        let deadline = 11 * DAY;
        let (mut funding, _) = planned(1);
        assert_eq!(
            cancel(&mut funding, false, deadline - 1),
            Err(EscrowError::NotCancelable)
        );
        assert_eq!(funding.state, ProjectState::Funding);
        fund(&mut funding, 0, 100).unwrap();
        assert_eq!(
            cancel(&mut funding, false, deadline),
            Ok(100),
            "after the deadline"
        );
        assert_eq!(funding.state, ProjectState::Canceled);
        assert_eq!(
            cancel(&mut funding, true, deadline),
            Err(EscrowError::NotCancelable)
        );
        let (mut work, _) = funded(1);
        assert_eq!(
            cancel(&mut work.clone(), false, deadline),
            Err(EscrowError::NotCancelable)
        );
        work.released = 300;
        assert_eq!(cancel(&mut work, true, 0), Ok(400));
        let (mut completed, _) = funded(1);
        completed.state = ProjectState::Completed;
        assert_eq!(
            cancel(&mut completed, true, 0),
            Err(EscrowError::NotCancelable)
        );
    }

    /// A canceled project funded by three funders with 100, 100 and 500, of which 100 was
    /// released: 600 to refund.
    fn canceled() -> Project {
        let (mut project, _) = planned(1);
        for amount in [100, 100, 500] {
            fund(&mut project, 0, amount).unwrap();
        }
        project.released = 100;
        cancel(&mut project, true, 0).unwrap();
        project
    }

    #[test]
    fn refunds_are_pro_rata_rounded_down_and_the_last_funder_takes_the_dust() {
        let mut project = canceled();
        assert_eq!(
            refund_due(&project, 100, false),
            Ok(85),
            "100 * 600 / 700, rounded down"
        );
        assert_eq!(refund(&mut project, 100, false), Ok(85));
        assert_eq!(refund(&mut project, 500, false), Ok(428));
        assert_eq!((project.refunded, project.refunds_claimed), (513, 2));
        assert_eq!(
            refund(&mut project, 100, false),
            Ok(87),
            "the last: what is left"
        );
        assert_eq!(project.held(), 0);
    }

    #[test]
    fn only_a_canceled_project_refunds_and_each_funder_once() {
        let (open, _) = funded(1);
        assert_eq!(refund_due(&open, 100, false), Err(EscrowError::NotCanceled));
        let mut project = canceled();
        assert_eq!(
            refund(&mut project, 0, false),
            Err(EscrowError::NothingToRefund)
        );
        assert_eq!(
            refund(&mut project, 100, true),
            Err(EscrowError::NothingToRefund)
        );
        assert_eq!(project.refunds_claimed, 0, "refusals book nothing");
    }

    #[test]
    fn refunds_of_the_largest_amounts_do_not_overflow() {
        let (mut project, _) = project_of(&[plan_of(Balance::MAX - 1, 0)]);
        fund(&mut project, 0, Balance::MAX / 2).unwrap();
        fund(&mut project, 0, Balance::MAX / 4).unwrap();
        project.released = 1;
        cancel(&mut project, true, 0).unwrap();
        let share = refund(&mut project, Balance::MAX / 2, false).unwrap();
        assert!(share < Balance::MAX / 2 && share > Balance::MAX / 3);
        let last = refund(&mut project, Balance::MAX / 4, false).unwrap();
        assert_eq!(share + last + 1, project.funded);
    }
}
