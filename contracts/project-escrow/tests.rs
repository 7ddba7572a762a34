//! Off-chain unit tests of what runs without other contracts: the admin seat, the checks
//! on a project's plan that come before the registry is asked, and queries of unknown
//! projects. Funding, inspection, release and refunds (token and registry calls) are
//! tested on the real Wasm in the harness.

use crate::project_escrow::*;
use city_traits::{
    EscrowError, MilestonePlan, MilestoneState, Wage, MAX_INSPECTORS, MAX_MILESTONES, MAX_WAGE_ROLL,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const DAY_MS: u64 = 86_400_000;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

/// An escrow made by alice, of frank's token for eve's registry, on day 10.
fn escrow() -> ProjectEscrow {
    test::set_block_timestamp::<E>(10 * DAY_MS);
    act_as(accounts().alice);
    let a = accounts();
    ProjectEscrow::new(a.frank, a.eve)
}

fn worker(n: u8) -> AccountId {
    AccountId::from([100 + n; 32])
}

fn plan(contractor_amount: u128, workers: u8) -> MilestonePlan {
    MilestonePlan {
        contractor_amount,
        wages: (1..=workers)
            .map(|n| Wage {
                worker: worker(n),
                amount: 100,
            })
            .collect(),
        due: 20 * DAY_MS,
    }
}

/// Creates a project of charlie's with bob inspecting, due to be funded by day 11.
fn create(
    escrow: &mut ProjectEscrow,
    inspectors: Vec<AccountId>,
    milestones: Vec<MilestonePlan>,
    deadline: u64,
) -> Result<u32, EscrowError> {
    let a = accounts();
    escrow.create_project([7; 32], a.charlie, inspectors, milestones, deadline, false)
}

#[ink::test]
fn a_plan_is_checked_before_anything_is_asked() {
    let mut escrow = escrow();
    let a = accounts();
    let day_11 = 11 * DAY_MS;
    let bob = vec![a.bob];
    let cases = [
        (bob.clone(), vec![], day_11, EscrowError::BadMilestones),
        (
            bob.clone(),
            vec![plan(1, 0); MAX_MILESTONES + 1],
            day_11,
            EscrowError::BadMilestones,
        ),
        (
            bob.clone(),
            vec![plan(0, 0)],
            day_11,
            EscrowError::BadMilestones,
        ),
        (vec![], vec![plan(1, 0)], day_11, EscrowError::BadInspectors),
        (
            vec![a.bob; MAX_INSPECTORS + 1],
            vec![plan(1, 0)],
            day_11,
            EscrowError::BadInspectors,
        ),
        (
            bob.clone(),
            vec![plan(1, 0)],
            10 * DAY_MS,
            EscrowError::DeadlinePassed,
        ),
        (
            bob.clone(),
            vec![plan(1, (MAX_WAGE_ROLL + 1) as u8)],
            day_11,
            EscrowError::BadWageRoll,
        ),
        (
            bob.clone(),
            vec![plan(u128::MAX, 1)],
            day_11,
            EscrowError::Overflow,
        ),
        (
            bob,
            vec![plan(u128::MAX / 2 + 1, 0), plan(u128::MAX / 2 + 1, 0)],
            day_11,
            EscrowError::Overflow,
        ),
    ];
    for (inspectors, milestones, deadline, error) in cases {
        assert_eq!(
            create(&mut escrow, inspectors, milestones, deadline),
            Err(error)
        );
    }
    assert_eq!(escrow.project_count(), 0);
    assert_eq!(test::recorded_events().count(), 0);
}

#[ink::test]
fn a_wage_roll_pays_each_registered_worker_once_and_never_the_contractor() {
    let a = accounts();
    let milestone = plan_milestone(&plan(500, 3), a.charlie).unwrap();
    assert_eq!(
        (milestone.wages, milestone.workers, milestone.workers_paid),
        (300, 3, 0)
    );
    assert_eq!(milestone.cost(), Some(800));
    assert_eq!(milestone.state, MilestoneState::Pending);

    let mut twice = plan(500, 2);
    twice.wages.push(twice.wages[0]);
    let mut contractor = plan(500, 1);
    contractor.wages[0].worker = a.charlie;
    let mut unpaid = plan(500, 1);
    unpaid.wages[0].amount = 0;
    for broken in [twice, contractor, unpaid] {
        assert_eq!(
            plan_milestone(&broken, a.charlie),
            Err(EscrowError::BadWageRoll)
        );
    }
}

#[ink::test]
fn unknown_projects_are_refused_and_answer_nothing() {
    let mut escrow = escrow();
    let a = accounts();
    assert_eq!(escrow.fund(3, 10), Err(EscrowError::UnknownProject));
    assert_eq!(escrow.release(3, 0), Err(EscrowError::UnknownProject));
    assert_eq!(escrow.cancel_project(3), Err(EscrowError::UnknownProject));
    assert_eq!(escrow.claim_refund(3), Err(EscrowError::UnknownProject));
    assert_eq!(escrow.open_dispute(3, 0), Err(EscrowError::UnknownProject));
    assert_eq!(
        escrow.approve_milestone(3, 0, [1; 32]),
        Err(EscrowError::UnknownProject)
    );
    assert_eq!(escrow.approve_project(3), Err(EscrowError::UnknownProject));
    assert_eq!(escrow.project(3), None);
    assert_eq!(escrow.milestone(3, 0), None);
    assert_eq!(escrow.wage_roll(3, 0), vec![]);
    assert_eq!(escrow.refundable(3, a.bob), 0);
    assert_eq!(escrow.contribution(3, a.bob), 0);
    assert_eq!(escrow.paid_to_worker(3, a.bob), 0);
}

#[ink::test]
fn only_the_admin_approves_resolves_and_moves_its_seat() {
    let mut escrow = escrow();
    let a = accounts();
    act_as(a.bob);
    assert_eq!(escrow.approve_project(0), Err(EscrowError::NotAdmin));
    assert_eq!(
        escrow.resolve_dispute(0, 0, true),
        Err(EscrowError::NotAdmin)
    );
    assert_eq!(escrow.transfer_admin(a.bob), Err(EscrowError::NotAdmin));
    act_as(a.alice);
    assert_eq!(
        escrow.transfer_admin(AccountId::from([0; 32])),
        Err(EscrowError::ZeroAdmin)
    );
    assert_eq!(escrow.transfer_admin(a.django), Ok(()));
    assert_eq!(escrow.admin(), a.django);
    assert_eq!(escrow.approve_project(0), Err(EscrowError::NotAdmin));
}
