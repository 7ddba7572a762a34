//! The project escrow on the real Wasm, with the token and the registry: funding, inspection
//! in order, wages before the contractor, batches, disputes, cancellation and refunds.

use city_traits::{
    CivicRole, EscrowError, MilestonePlan, MilestoneState, PSP22Error, ProjectId, ProjectState,
    Role, Wage, MAX_WAGE_ROLL,
};
use harness::{
    city::{contract_account, crowd_member, Actor, ADMIN, COIN, MALLORY},
    escrow::ProjectPlan,
    City,
};
use ink::primitives::AccountId;

pub const INSPECTOR: Actor = Actor("site-inspector");
pub const CONTRACTOR: Actor = Actor("river-works-ltd");
/// A bank that co-funds public works.
pub const BANK: Actor = Actor("city-bank");
const DAY_MS: u64 = 86_400_000;

pub fn worker(n: u32) -> AccountId {
    crowd_member("worker", n)
}

/// A city with an inspector, `workers` registered workers, and a bank holding 100,000
/// coins; the treasury (the admin) holds the rest.
pub fn city(workers: u32) -> City {
    let mut city = City::new().expect("the suite deploys");
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])
        .expect("the admin grants civic roles");
    city.grant_civic_role(CivicRole::Worker, (0..workers).map(worker))
        .expect("the admin grants civic roles");
    city.token(ADMIN)
        .transfer(BANK, 100_000 * COIN)
        .expect_accepted();
    city
}

/// A milestone paying the contractor `contractor` coins and workers `0..workers` a coin
/// each per `wage`.
pub fn milestone(contractor: u128, workers: u32, wage: u128) -> MilestonePlan {
    MilestonePlan {
        contractor_amount: contractor * COIN,
        wages: (0..workers)
            .map(|n| Wage {
                worker: worker(n),
                amount: wage * COIN,
            })
            .collect(),
        due: 0,
    }
}

/// A project of the contractor's with the inspector, funded within a week.
pub fn plan(city: &mut City, milestones: Vec<MilestonePlan>) -> ProjectPlan {
    ProjectPlan {
        title: [0xf1; 32],
        contractor: CONTRACTOR.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones,
        funding_deadline: city.now_ms() + 7 * DAY_MS,
        needs_approval: false,
    }
}

/// `funder` approves the escrow for `amount` and funds `project` with it.
pub fn fund(city: &mut City, project: ProjectId, funder: impl Into<AccountId>, amount: u128) {
    city.escrow(funder)
        .approve_and_fund(project, amount)
        .expect_accepted();
}

/// Milestones of 1,000 and 2,000 coins to the contractor and 100 coins to each of three
/// workers, funded 1,000 coins by the treasury and 2,600 by the bank.
fn funded_project(city: &mut City) -> ProjectId {
    let milestones = vec![milestone(1_000, 3, 100), milestone(2_000, 3, 100)];
    let plan = plan(city, milestones);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(city, project, ADMIN, 1_000 * COIN);
    fund(city, project, BANK, 2_600 * COIN);
    project
}

/// Checks the ledger of a project against itself and the escrow's token balance.
fn assert_accounts_balance(city: &mut City, project: ProjectId) {
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.funded, data.released + data.refunded + data.held());
    assert_eq!(city.balance(contract_account(&city.escrow)), data.held());
}

#[test]
fn funders_fill_the_target_and_the_escrow_keeps_its_own_ledger() {
    let mut city = city(3);
    let milestones = vec![milestone(1_000, 3, 100), milestone(2_000, 3, 100)];
    let plan = plan(&mut city, milestones);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    assert_eq!(
        city.escrow(ADMIN).project(project).value.unwrap().target,
        3_600 * COIN
    );
    let escrow = contract_account(&city.escrow);

    assert_eq!(
        city.escrow(BANK).fund(project, 0).expect_refused(),
        EscrowError::ZeroAmount
    );
    assert_eq!(
        city.escrow(BANK).fund(project, 100 * COIN).expect_refused(),
        EscrowError::TokenRefused(PSP22Error::InsufficientAllowance),
        "no allowance"
    );
    fund(&mut city, project, ADMIN, 1_000 * COIN);
    city.token(BANK)
        .approve(escrow, 10_000 * COIN)
        .expect_accepted();
    assert_eq!(
        city.escrow(BANK)
            .fund(project, 2_601 * COIN)
            .expect_refused(),
        EscrowError::OverFunding
    );
    let filled = city.escrow(BANK).fund(project, 2_600 * COIN);
    assert_eq!(
        filled.events.len(),
        1,
        "ProjectFunded (the token emits its own)"
    );
    filled.expect_accepted();
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.state, ProjectState::Funded);
    assert_eq!((data.funded, data.funders), (3_600 * COIN, 2));
    assert_eq!(
        city.escrow(ADMIN).contribution(project, BANK).value,
        2_600 * COIN
    );
    assert_eq!(
        city.escrow(BANK).fund(project, COIN).expect_refused(),
        EscrowError::FundingClosed
    );
    // Tokens sent to the escrow directly are not funding.
    city.token(BANK).transfer(escrow, COIN).expect_accepted();
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.funded, 3_600 * COIN);
}

#[test]
fn a_project_needs_registered_inspectors_and_workers() {
    let mut city = city(2);
    let unregistered = vec![milestone(10, 2, 1), milestone(10, 3, 1)];
    let plan_with_stranger = plan(&mut city, unregistered);
    assert_eq!(
        city.escrow(ADMIN)
            .create_project(&plan_with_stranger)
            .expect_refused(),
        EscrowError::NotAWorker {
            milestone: 1,
            index: 2
        }
    );
    let mut no_inspector = plan(&mut city, vec![milestone(10, 2, 1)]);
    no_inspector.inspectors = vec![INSPECTOR.account(), MALLORY.account()];
    assert_eq!(
        city.escrow(ADMIN)
            .create_project(&no_inspector)
            .expect_refused(),
        EscrowError::NotAnInspectorRole { index: 1 }
    );
    let mut too_long = plan(&mut city, vec![milestone(10, 0, 1)]);
    too_long.milestones[0].wages = (0..=MAX_WAGE_ROLL as u32)
        .map(|n| Wage {
            worker: worker(n),
            amount: 1,
        })
        .collect();
    assert_eq!(
        city.escrow(ADMIN)
            .create_project(&too_long)
            .expect_refused(),
        EscrowError::BadWageRoll
    );
    assert_eq!(city.escrow(ADMIN).project_count().value, 0);
}

#[test]
fn release_pays_every_worker_before_the_contractor_and_only_once() {
    let mut city = city(3);
    let project = funded_project(&mut city);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [0xe0; 32])
        .expect_accepted();
    let release = city.escrow(MALLORY).release(project, 0);
    let described: Vec<String> = release
        .events
        .iter()
        .map(|event| city.describe(&city.escrow, event))
        .collect();
    assert_eq!(described.len(), 2, "{described:?}");
    assert!(described[0].contains("WagesPaid"), "{described:?}");
    assert!(described[0].contains("first: 0") && described[0].contains("workers: 3"));
    assert!(described[1].contains("MilestoneReleased"));
    assert_eq!(release.expect_accepted(), 4);
    for n in 0..3 {
        assert_eq!(city.balance(worker(n)), 100 * COIN);
        assert_eq!(
            city.escrow(ADMIN).paid_to_worker(project, worker(n)).value,
            100 * COIN
        );
    }
    assert_eq!(city.balance(CONTRACTOR), 1_000 * COIN);
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_refused(),
        EscrowError::NotCurrentMilestone,
        "released once"
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 1).expect_refused(),
        EscrowError::WrongMilestoneState,
        "not inspected"
    );
    assert_accounts_balance(&mut city, project);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 1, [0xe1; 32])
        .expect_accepted();
    city.escrow(CONTRACTOR)
        .release(project, 1)
        .expect_accepted();
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.state, ProjectState::Completed);
    assert_eq!(data.released, data.funded);
    assert_eq!(city.balance(worker(0)), 200 * COIN);
    assert_accounts_balance(&mut city, project);
}

#[test]
fn only_listed_inspectors_holding_the_role_inspect_in_order_once_funded() {
    let mut city = city(3);
    let milestones = vec![milestone(1_000, 3, 100), milestone(2_000, 3, 100)];
    let plan = plan(&mut city, milestones);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotFunded
    );
    fund(&mut city, project, ADMIN, 3_600 * COIN);
    // Mallory holds the registry's role but is not this project's inspector.
    city.registry(ADMIN)
        .grant_role(CivicRole::Inspector, MALLORY)
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotInspector
    );
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 1, [1; 32])
            .expect_refused(),
        EscrowError::NotCurrentMilestone
    );
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 9, [1; 32])
            .expect_refused(),
        EscrowError::NotCurrentMilestone
    );
    city.registry(ADMIN)
        .revoke_role(CivicRole::Inspector, INSPECTOR)
        .expect_accepted();
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotInspector,
        "the registry's role was revoked"
    );
    let (milestone, _) = city.escrow(ADMIN).milestone(project, 0).value.unwrap();
    assert_eq!(milestone.state, MilestoneState::Pending);
}

#[test]
fn a_rejected_milestone_is_disputed_and_governance_releases_it() {
    let mut city = city(3);
    let project = funded_project(&mut city);
    city.escrow(INSPECTOR)
        .reject_milestone(project, 0, [0xba; 32])
        .expect_accepted();
    assert_eq!(
        city.escrow(INSPECTOR)
            .reject_milestone(project, 0, [2; 32])
            .expect_refused(),
        EscrowError::WrongMilestoneState,
        "already rejected"
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_refused(),
        EscrowError::WrongMilestoneState
    );
    assert_eq!(
        city.escrow(MALLORY)
            .open_dispute(project, 0)
            .expect_refused(),
        EscrowError::NotContractor
    );
    city.escrow(CONTRACTOR)
        .open_dispute(project, 0)
        .expect_accepted();
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [3; 32])
            .expect_refused(),
        EscrowError::WrongMilestoneState,
        "governance decides now"
    );
    assert_eq!(
        city.escrow(MALLORY)
            .resolve_dispute(project, 0, true)
            .expect_refused(),
        EscrowError::NotAdmin
    );
    city.escrow(ADMIN)
        .resolve_dispute(project, 0, true)
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!(city.balance(CONTRACTOR), 1_000 * COIN);
}

#[test]
fn a_canceled_project_refunds_its_funders_pro_rata_and_leaves_no_dust() {
    let mut city = city(3);
    // 100 coins released, then canceled: 233 coins unreleased.
    let plan = plan(&mut city, vec![milestone(100, 0, 0), milestone(233, 0, 0)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    let funders = [
        (Actor("funder-a"), 10_000),
        (Actor("funder-b"), 20_000),
        (Actor("funder-c"), 3_300),
    ];
    for (funder, cents) in funders {
        city.token(ADMIN).transfer(funder, cents).expect_accepted();
        fund(&mut city, project, funder, cents);
    }
    assert_eq!(
        city.escrow(funders[0].0)
            .claim_refund(project)
            .expect_refused(),
        EscrowError::NotCanceled
    );
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(ADMIN).release(project, 0).expect_accepted();
    assert_eq!(
        city.escrow(MALLORY)
            .cancel_project(project)
            .expect_refused(),
        EscrowError::NotCancelable
    );
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    // Unreleased: 33,300 - 10,000 = 23,300 cents.
    let a = city.escrow(ADMIN).refundable(project, funders[0].0).value;
    assert_eq!(a, 10_000 * 23_300 / 33_300);
    assert_eq!(
        city.escrow(funders[0].0)
            .claim_refund(project)
            .expect_accepted(),
        a
    );
    assert_eq!(
        city.escrow(funders[0].0)
            .claim_refund(project)
            .expect_refused(),
        EscrowError::NothingToRefund
    );
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
    let b = city
        .escrow(funders[1].0)
        .claim_refund(project)
        .expect_accepted();
    assert_eq!(b, 20_000 * 23_300 / 33_300);
    let c = city
        .escrow(funders[2].0)
        .claim_refund(project)
        .expect_accepted();
    assert_eq!(a + b + c, 23_300, "the last claim takes the rounding dust");
    assert_eq!(c, 3_300 * 23_300 / 33_300 + 2);
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.held(), 0);
    assert_accounts_balance(&mut city, project);
}

#[test]
fn a_project_not_funded_by_its_deadline_is_canceled_by_anyone_and_refunded() {
    let mut city = city(1);
    let plan = plan(&mut city, vec![milestone(1_000, 1, 10)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(&mut city, project, BANK, 500 * COIN);
    assert_eq!(
        city.escrow(MALLORY)
            .cancel_project(project)
            .expect_refused(),
        EscrowError::NotCancelable,
        "still within the deadline"
    );
    city.advance_time(7 * DAY_MS);
    assert_eq!(
        city.escrow(BANK).fund(project, COIN).expect_refused(),
        EscrowError::FundingClosed
    );
    city.escrow(MALLORY)
        .cancel_project(project)
        .expect_accepted();
    let before = city.balance(BANK);
    assert_eq!(
        city.escrow(BANK).claim_refund(project).expect_accepted(),
        500 * COIN
    );
    assert_eq!(city.balance(BANK), before + 500 * COIN);
    assert_eq!(
        city.escrow(ADMIN).cancel_project(project).expect_refused(),
        EscrowError::NotCancelable,
        "already canceled"
    );
}

#[test]
fn a_long_wage_roll_is_paid_in_batches_that_resume() {
    let workers = MAX_WAGE_ROLL as u32;
    let mut city = city(workers);
    let plan = plan(&mut city, vec![milestone(500, workers, 10)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(
        &mut city,
        project,
        ADMIN,
        (500 + 10 * u128::from(workers)) * COIN,
    );
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_accepted(),
        50
    );
    assert_eq!(city.balance(worker(49)), 10 * COIN);
    assert_eq!(city.balance(worker(50)), 0);
    assert_eq!(city.balance(CONTRACTOR), 0, "workers first");
    assert_accounts_balance(&mut city, project);
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_accepted(),
        50
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_accepted(),
        1
    );
    assert_eq!(city.balance(worker(99)), 10 * COIN);
    assert_eq!(city.balance(CONTRACTOR), 500 * COIN);
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.state, ProjectState::Completed);
    assert_accounts_balance(&mut city, project);
}

#[test]
fn a_paused_token_stops_a_release_without_paying_anyone() {
    let mut city = city(3);
    let project = funded_project(&mut city);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    let refused = city.escrow(MALLORY).release(project, 0);
    assert!(refused.reverted);
    assert_eq!(
        refused.expect_refused(),
        EscrowError::TokenRefused(PSP22Error::Custom("Paused".into()))
    );
    assert_eq!(city.balance(worker(0)), 0);
    let (milestone, _) = city.escrow(ADMIN).milestone(project, 0).value.unwrap();
    assert_eq!(
        (milestone.state, milestone.workers_paid),
        (MilestoneState::Approved, 0)
    );
    city.token(ADMIN).unpause().expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!(city.balance(worker(0)), 100 * COIN);
    assert_accounts_balance(&mut city, project);
}

#[test]
fn a_project_needing_approval_releases_nothing_until_the_admin_approves_it() {
    let mut city = city(3);
    let mut needing = plan(&mut city, vec![milestone(1_000, 3, 100)]);
    needing.needs_approval = true;
    let project = city
        .escrow(ADMIN)
        .create_project(&needing)
        .expect_accepted();
    let free = funded_project(&mut city);
    fund(&mut city, project, BANK, 1_300 * COIN);
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotApproved
    );
    assert_eq!(
        city.escrow(MALLORY)
            .approve_project(project)
            .expect_refused(),
        EscrowError::NotAdmin
    );
    assert_eq!(
        city.escrow(ADMIN).approve_project(free).expect_refused(),
        EscrowError::ApprovalNotNeeded
    );
    city.escrow(ADMIN)
        .approve_project(project)
        .expect_accepted();
    assert_eq!(
        city.escrow(ADMIN).approve_project(project).expect_refused(),
        EscrowError::ApprovalNotNeeded,
        "approved once"
    );
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    assert_eq!(
        city.escrow(CONTRACTOR)
            .open_dispute(project, 7)
            .expect_refused(),
        EscrowError::UnknownMilestone
    );
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!(city.balance(CONTRACTOR), 1_000 * COIN);
}
