//! Off-chain unit tests of the messages: the admin seat, the checks on a project's plan,
//! queries, and funding, inspection, disputes, release and refunds against stand-ins for
//! the registry and the token (city-traits' `fakes`: ink! 5's off-chain environment cannot
//! call another contract). The ledger's rules are tested in `ledger.rs`, without an ink!
//! environment. The escrow between the real contracts is tested on the Wasm in the
//! harness.

use crate::project_escrow::*;
use city_traits::{
    fakes::world, Admin as _, AdminError, AdminOffered, AdminTransferred, CivicRole, EscrowError,
    MilestonePlan, MilestoneState, PSP22Error, ProjectState, Role, TransferPolicy, Wage,
    MAX_INSPECTORS, MAX_MILESTONES, MAX_PAYMENTS_PER_RELEASE, MAX_WAGE_ROLL,
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

pub(crate) fn worker(n: u8) -> AccountId {
    AccountId::from([100 + n; 32])
}

pub(crate) fn plan(contractor_amount: u128, workers: u8) -> MilestonePlan {
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
    assert_eq!(escrow.refundable(3, a.bob), 0);
    assert_eq!(escrow.contribution(3, a.bob), 0);
    assert_eq!(escrow.paid_to_worker(3, a.bob), 0);
}

#[ink::test]
fn only_the_admin_approves_and_resolves() {
    let mut escrow = escrow();
    let a = accounts();
    act_as(a.bob);
    assert_eq!(escrow.approve_project(0), Err(EscrowError::NotAdmin));
    assert_eq!(
        escrow.resolve_dispute(0, 0, true),
        Err(EscrowError::NotAdmin)
    );
    assert_eq!(escrow.offer_admin(a.bob), Err(AdminError::NotAdmin));
    assert_eq!(test::recorded_events().count(), 0);
}

mod admin_seat {
    use super::*;
    use city_traits::fakes::{assert_seat_refused, recorded};

    /// The escrow, its seat offered by alice to django.
    fn offered_to_django() -> ProjectEscrow {
        let mut escrow = escrow();
        escrow.offer_admin(accounts().django).unwrap();
        escrow
    }

    #[ink::test]
    fn an_offer_does_not_move_the_seat() {
        let mut escrow = offered_to_django();
        let a = accounts();
        assert_eq!(
            (escrow.admin(), escrow.offered_admin()),
            (a.alice, Some(a.django))
        );
        assert_eq!(
            recorded::<AdminOffered>(),
            vec![AdminOffered {
                admin: a.alice,
                to: a.django
            }]
        );
        // Alice is still the admin (the project is unknown, not refused to her); django
        // is not yet.
        assert_eq!(escrow.approve_project(0), Err(EscrowError::UnknownProject));
        act_as(a.django);
        assert_eq!(escrow.approve_project(0), Err(EscrowError::NotAdmin));
    }

    #[ink::test]
    fn only_the_offered_account_accepts() {
        let mut escrow = offered_to_django();
        let a = accounts();
        for stranger in [a.alice, a.bob] {
            act_as(stranger);
            assert_seat_refused(&mut escrow, AdminError::NotOffered, |e| e.accept_admin());
        }
        act_as(a.django);
        escrow.accept_admin().unwrap();
        assert_eq!((escrow.admin(), escrow.offered_admin()), (a.django, None));
        assert_eq!(
            recorded::<AdminTransferred>(),
            vec![AdminTransferred {
                previous: a.alice,
                new: a.django
            }]
        );
        // The projects counter shares the seat's cell and is untouched.
        assert_eq!(escrow.project_count(), 0);
    }

    #[ink::test]
    fn a_strangers_accept_and_a_non_holders_offer_are_refused() {
        let mut escrow = offered_to_django();
        let a = accounts();
        act_as(a.bob);
        assert_seat_refused(&mut escrow, AdminError::NotOffered, |e| e.accept_admin());
        assert_seat_refused(&mut escrow, AdminError::NotAdmin, |e| e.offer_admin(a.bob));
        act_as(a.django);
        assert_seat_refused(&mut escrow, AdminError::NotAdmin, |e| e.offer_admin(a.bob));
    }

    #[ink::test]
    fn a_new_offer_replaces_the_old() {
        let mut escrow = offered_to_django();
        let a = accounts();
        escrow.offer_admin(a.bob).unwrap();
        act_as(a.django);
        assert_seat_refused(&mut escrow, AdminError::NotOffered, |e| e.accept_admin());
        act_as(a.bob);
        escrow.accept_admin().unwrap();
        assert_eq!(escrow.admin(), a.bob);
    }

    #[ink::test]
    fn an_offer_to_the_admin_itself_withdraws_the_offer() {
        let mut escrow = offered_to_django();
        let a = accounts();
        escrow.offer_admin(a.alice).unwrap();
        assert_eq!(escrow.offered_admin(), None);
        act_as(a.django);
        assert_seat_refused(&mut escrow, AdminError::NotOffered, |e| e.accept_admin());
    }

    #[ink::test]
    fn the_old_admin_has_no_power_after_acceptance() {
        let mut escrow = offered_to_django();
        let a = accounts();
        act_as(a.django);
        escrow.accept_admin().unwrap();
        act_as(a.alice);
        assert_eq!(escrow.approve_project(0), Err(EscrowError::NotAdmin));
        assert_eq!(
            escrow.resolve_dispute(0, 0, true),
            Err(EscrowError::NotAdmin)
        );
        assert_seat_refused(&mut escrow, AdminError::NotAdmin, |e| {
            e.offer_admin(a.alice)
        });
        act_as(a.django);
        assert_eq!(escrow.approve_project(0), Err(EscrowError::UnknownProject));
    }

    #[ink::test]
    fn the_zero_account_is_refused() {
        let mut escrow = offered_to_django();
        assert_seat_refused(&mut escrow, AdminError::ZeroAdmin, |e| {
            e.offer_admin(AccountId::from([0; 32]))
        });
    }
}

/// The escrow's own account (the off-chain callee).
fn escrow_account() -> AccountId {
    AccountId::from([0xee; 32])
}

/// An escrow (alice admin) whose registry knows bob as inspector and workers 1 to 100,
/// and whose token gave django, eve and `funder(3)` 2,000 coins each, all allowed to
/// the escrow.
fn registered() -> ProjectEscrow {
    // The callee first: the contract's storage belongs to it.
    test::set_callee::<E>(escrow_account());
    let escrow = escrow();
    let a = accounts();
    world(|w| {
        w.roles.push((a.bob, CivicRole::Inspector));
        for n in 1..=100 {
            w.roles.push((worker(n), CivicRole::Worker));
        }
        for funder in [a.django, a.eve, funder(3)] {
            w.balances.insert(funder, 2_000);
            w.allowances.insert((funder, escrow_account()), 2_000);
        }
    });
    escrow
}

fn funder(n: u8) -> AccountId {
    AccountId::from([200 + n; 32])
}

fn balance(of: AccountId) -> u128 {
    world(|w| w.balances.get(&of).copied().unwrap_or_default())
}

/// Charlie's project inspected by bob, funded by day 11: `milestones` of 1,000 to the
/// contractor and two wages of 100 each (target 1,200 per milestone).
fn project(escrow: &mut ProjectEscrow, milestones: usize, needs_approval: bool) -> u32 {
    let a = accounts();
    act_as(a.alice);
    escrow
        .create_project(
            [7; 32],
            a.charlie,
            vec![a.bob],
            vec![plan(1_000, 2); milestones],
            11 * DAY_MS,
            needs_approval,
        )
        .unwrap()
}

/// Funds `project` fully: django 700, then eve the rest.
fn fund_fully(escrow: &mut ProjectEscrow, project: u32) {
    let a = accounts();
    let target = escrow.project(project).unwrap().target;
    act_as(a.django);
    escrow.fund(project, 700).unwrap();
    act_as(a.eve);
    escrow.fund(project, target - 700).unwrap();
}

#[ink::test]
fn the_largest_plan_is_accepted() {
    let mut escrow = registered();
    let a = accounts();
    // Inspectors who are on no wage roll.
    let inspectors: Vec<AccountId> = (1..=MAX_INSPECTORS as u8)
        .map(|n| AccountId::from([50 + n; 32]))
        .collect();
    world(|w| {
        for inspector in &inspectors {
            w.roles.push((*inspector, CivicRole::Inspector));
        }
    });
    let full_roll = plan(1, MAX_WAGE_ROLL as u8);
    let mut milestones = vec![plan(1, 1); MAX_MILESTONES - 1];
    milestones.push(full_roll.clone());
    let project = create(&mut escrow, inspectors, milestones, 11 * DAY_MS).unwrap();
    assert_eq!(escrow.project_count(), 1);
    let created = escrow.project(project).unwrap();
    assert_eq!(
        (created.contractor, created.milestones, created.state),
        (a.charlie, MAX_MILESTONES as u8, ProjectState::Funding)
    );
    assert_eq!(
        escrow
            .milestone(project, MAX_MILESTONES as u8 - 1)
            .unwrap()
            .1,
        full_roll.wages
    );
    assert_eq!(
        escrow.milestone(project, 0).unwrap().0.state,
        MilestoneState::Pending
    );
}

#[ink::test]
fn inspectors_and_workers_must_hold_their_registry_roles() {
    let mut escrow = registered();
    let a = accounts();
    assert_eq!(
        create(
            &mut escrow,
            vec![a.bob, a.django],
            vec![plan(1, 1)],
            11 * DAY_MS
        ),
        Err(EscrowError::NotAnInspectorRole { index: 1 })
    );
    let stranger = MilestonePlan {
        wages: vec![Wage {
            worker: a.frank,
            amount: 5,
        }],
        ..plan(1, 0)
    };
    assert_eq!(
        create(
            &mut escrow,
            vec![a.bob],
            vec![plan(1, 1), stranger],
            11 * DAY_MS
        ),
        Err(EscrowError::NotAWorker {
            milestone: 1,
            index: 0
        })
    );
    assert_eq!(escrow.project_count(), 0);
}

#[ink::test]
fn funding_is_taken_until_the_target_and_the_deadline() {
    let mut escrow = registered();
    let a = accounts();
    let project = project(&mut escrow, 1, false);
    act_as(a.django);
    assert_eq!(escrow.fund(project, 0), Err(EscrowError::ZeroAmount));
    escrow.fund(project, 300).unwrap();
    escrow.fund(project, 400).unwrap();
    assert_eq!(escrow.contribution(project, a.django), 700);
    assert_eq!(balance(escrow_account()), 700);
    act_as(a.eve);
    assert_eq!(escrow.fund(project, 501), Err(EscrowError::OverFunding));
    escrow.fund(project, 500).unwrap();
    let funded = escrow.project(project).unwrap();
    assert_eq!(
        (funded.funded, funded.funders, funded.state),
        (1_200, 2, ProjectState::Funded)
    );
    assert_eq!(escrow.fund(project, 1), Err(EscrowError::FundingClosed));
    // A second project closes at its deadline, to the millisecond.
    let late = self::project(&mut escrow, 1, false);
    test::set_block_timestamp::<E>(11 * DAY_MS);
    act_as(a.eve);
    assert_eq!(escrow.fund(late, 1), Err(EscrowError::FundingClosed));
}

#[ink::test]
fn a_token_refusal_is_the_funders_error() {
    let mut escrow = registered();
    let project = project(&mut escrow, 1, false);
    act_as(funder(9)); // holds nothing, allowed nothing
    assert_eq!(
        escrow.fund(project, 10),
        Err(EscrowError::TokenRefused(PSP22Error::InsufficientAllowance))
    );
}

#[ink::test]
fn only_a_listed_inspector_with_the_role_inspects_the_current_milestone_of_open_work() {
    let mut escrow = registered();
    let a = accounts();
    let project = project(&mut escrow, 2, false);
    act_as(a.bob);
    assert_eq!(
        escrow.approve_milestone(project, 0, [1; 32]),
        Err(EscrowError::NotFunded)
    );
    fund_fully(&mut escrow, project);
    act_as(a.charlie);
    assert_eq!(
        escrow.approve_milestone(project, 0, [1; 32]),
        Err(EscrowError::NotInspector)
    );
    world(|w| w.roles.retain(|(who, _)| *who != a.bob));
    act_as(a.bob);
    assert_eq!(
        escrow.approve_milestone(project, 0, [1; 32]),
        Err(EscrowError::NotInspector)
    );
    world(|w| w.roles.push((a.bob, CivicRole::Inspector)));
    assert_eq!(
        escrow.approve_milestone(project, 1, [1; 32]),
        Err(EscrowError::NotCurrentMilestone)
    );
    assert_eq!(escrow.reject_milestone(project, 0, [2; 32]), Ok(()));
    let (rejected, _) = escrow.milestone(project, 0).unwrap();
    assert_eq!(
        (rejected.state, rejected.report),
        (MilestoneState::Rejected, Some([2; 32]))
    );
    assert_eq!(
        escrow.reject_milestone(project, 0, [2; 32]),
        Err(EscrowError::WrongMilestoneState)
    );
    assert_eq!(escrow.approve_milestone(project, 0, [3; 32]), Ok(()));
    assert_eq!(
        escrow.approve_milestone(project, 0, [3; 32]),
        Err(EscrowError::WrongMilestoneState)
    );
}

#[ink::test]
fn work_that_needs_approval_waits_for_it() {
    let mut escrow = registered();
    let a = accounts();
    let plain = project(&mut escrow, 1, false);
    let project = project(&mut escrow, 1, true);
    assert_eq!(
        escrow.approve_project(plain),
        Err(EscrowError::ApprovalNotNeeded)
    );
    fund_fully(&mut escrow, project);
    act_as(a.bob);
    assert_eq!(
        escrow.approve_milestone(project, 0, [1; 32]),
        Err(EscrowError::NotApproved)
    );
    act_as(a.alice);
    assert_eq!(escrow.approve_project(project), Ok(()));
    assert_eq!(
        escrow.approve_project(project),
        Err(EscrowError::ApprovalNotNeeded)
    );
    act_as(a.bob);
    assert_eq!(escrow.approve_milestone(project, 0, [1; 32]), Ok(()));
    // A canceled project needs no approval.
    let canceled = self::project(&mut escrow, 1, true);
    escrow.cancel_project(canceled).unwrap();
    assert_eq!(
        escrow.approve_project(canceled),
        Err(EscrowError::ApprovalNotNeeded)
    );
}

#[ink::test]
fn release_pays_the_wage_roll_then_the_contractor_milestone_by_milestone() {
    let mut escrow = registered();
    let a = accounts();
    let project = project(&mut escrow, 2, false);
    fund_fully(&mut escrow, project);
    act_as(a.bob);
    assert_eq!(
        escrow.release(project, 0),
        Err(EscrowError::WrongMilestoneState)
    );
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    assert_eq!(escrow.release(project, 0), Ok(3));
    assert_eq!(
        (balance(worker(1)), balance(worker(2)), balance(a.charlie)),
        (100, 100, 1_000)
    );
    assert_eq!(escrow.paid_to_worker(project, worker(1)), 100);
    let after_one = escrow.project(project).unwrap();
    assert_eq!(
        (after_one.state, after_one.current, after_one.released),
        (ProjectState::Funded, 1, 1_200)
    );
    assert_eq!(
        escrow.milestone(project, 0).unwrap().0.state,
        MilestoneState::Released
    );
    escrow.approve_milestone(project, 1, [1; 32]).unwrap();
    assert_eq!(escrow.release(project, 1), Ok(3));
    assert_eq!(
        escrow.project(project).unwrap().state,
        ProjectState::Completed
    );
    assert_eq!(escrow.paid_to_worker(project, worker(1)), 200);
    assert_eq!(balance(escrow_account()), 0);
}

/// A project of charlie's with one milestone paying `roll` workers 100 each and the
/// contractor 1, inspected by bob, funded in full by django.
fn funded_roll(roll: u8) -> (ProjectEscrow, u32) {
    let mut escrow = registered();
    let a = accounts();
    let wages: u128 = 100 * u128::from(roll);
    world(|w| {
        w.balances.insert(a.django, wages + 1);
        w.allowances.insert((a.django, escrow_account()), wages + 1);
    });
    act_as(a.alice);
    let project = escrow
        .create_project(
            [7; 32],
            a.charlie,
            vec![a.bob],
            vec![plan(1, roll)],
            11 * DAY_MS,
            false,
        )
        .unwrap();
    act_as(a.django);
    escrow.fund(project, wages + 1).unwrap();
    (escrow, project)
}

#[ink::test]
fn a_long_wage_roll_is_paid_in_batches_and_the_contractor_last() {
    let roll = MAX_PAYMENTS_PER_RELEASE as u8;
    let (mut escrow, project) = funded_roll(roll);
    let a = accounts();
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    assert_eq!(escrow.release(project, 0), Ok(MAX_PAYMENTS_PER_RELEASE));
    assert_eq!(balance(a.charlie), 0);
    assert_eq!(escrow.release(project, 0), Ok(1));
    assert_eq!(balance(a.charlie), 1);
}

#[ink::test]
fn a_worker_is_paid_what_the_released_lines_of_the_rolls_say() {
    let roll = MAX_PAYMENTS_PER_RELEASE as u8 + 2;
    let (mut escrow, project) = funded_roll(roll);
    let a = accounts();
    let (first, last) = (worker(1), worker(roll));
    assert_eq!(escrow.paid_to_worker(project, first), 0, "nothing released");
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    escrow.release(project, 0).unwrap();
    assert_eq!(
        (
            escrow.paid_to_worker(project, first),
            escrow.paid_to_worker(project, last)
        ),
        (100, 0),
        "the first release pays the first lines of the roll"
    );
    escrow.release(project, 0).unwrap();
    assert_eq!(escrow.account(project, last).paid, 100);
    // One event per release names the lines of the roll it paid (each topic costs the
    // chain a storage read and write: the token's `Transfer`s name the workers).
    let signature = <WagesPaid as ink::env::Event>::SIGNATURE_TOPIC.map(|topic| topic.to_vec());
    let releases: Vec<_> = test::recorded_events()
        .filter(|event| event.topics.first().cloned() == signature)
        .collect();
    let mut project_topic = [0; 32];
    project_topic[..4].copy_from_slice(&project.to_le_bytes());
    let lines = [(0, MAX_PAYMENTS_PER_RELEASE), (MAX_PAYMENTS_PER_RELEASE, 2)];
    assert_eq!(releases.len(), lines.len());
    for ((first, workers), event) in lines.into_iter().zip(&releases) {
        assert_eq!(event.topics[1..], [&project_topic[..]]);
        let paid: WagesPaid = ink::scale::Decode::decode(&mut &event.data[..]).unwrap();
        let amount = u128::from(workers) * 100;
        assert_eq!(
            paid,
            WagesPaid {
                project,
                milestone: 0,
                first,
                workers,
                amount
            }
        );
    }
    assert_eq!(balance(last), 100, "the books agree with the token");
    assert_eq!(
        escrow.paid_to_worker(project + 1, first),
        0,
        "no such project"
    );
}

#[ink::test]
fn a_dispute_is_the_contractors_and_governance_resolves_it() {
    let mut escrow = registered();
    let a = accounts();
    let project = project(&mut escrow, 2, false);
    fund_fully(&mut escrow, project);
    act_as(a.charlie);
    assert_eq!(
        escrow.open_dispute(project, 0),
        Err(EscrowError::WrongMilestoneState)
    );
    act_as(a.bob);
    escrow.reject_milestone(project, 0, [2; 32]).unwrap();
    assert_eq!(
        escrow.open_dispute(project, 0),
        Err(EscrowError::NotContractor)
    );
    act_as(a.alice);
    assert_eq!(
        escrow.resolve_dispute(project, 0, true),
        Err(EscrowError::WrongMilestoneState)
    );
    act_as(a.charlie);
    assert_eq!(escrow.open_dispute(project, 0), Ok(()));
    act_as(a.alice);
    assert_eq!(escrow.resolve_dispute(project, 0, true), Ok(()));
    assert_eq!(escrow.release(project, 0), Ok(3));
    // The second milestone's dispute is resolved against the contractor: canceled.
    act_as(a.bob);
    escrow.reject_milestone(project, 1, [2; 32]).unwrap();
    act_as(a.charlie);
    escrow.open_dispute(project, 1).unwrap();
    act_as(a.alice);
    assert_eq!(escrow.resolve_dispute(project, 1, false), Ok(()));
    assert_eq!(
        escrow.project(project).unwrap().state,
        ProjectState::Canceled
    );
    assert_eq!(
        escrow.resolve_dispute(project, 1, true),
        Err(EscrowError::NotFunded)
    );
    act_as(a.charlie);
    assert_eq!(escrow.open_dispute(project, 1), Err(EscrowError::NotFunded));
}

#[ink::test]
fn the_admin_cancels_open_projects_and_anyone_a_failed_funding() {
    let mut escrow = registered();
    let a = accounts();
    let failing = project(&mut escrow, 1, false);
    let funded = project(&mut escrow, 1, false);
    fund_fully(&mut escrow, funded);
    act_as(a.bob);
    assert_eq!(
        escrow.cancel_project(failing),
        Err(EscrowError::NotCancelable)
    );
    test::set_block_timestamp::<E>(11 * DAY_MS);
    assert_eq!(
        escrow.cancel_project(funded),
        Err(EscrowError::NotCancelable)
    );
    assert_eq!(escrow.cancel_project(failing), Ok(()));
    assert_eq!(
        escrow.project(failing).unwrap().state,
        ProjectState::Canceled
    );
    assert_eq!(
        escrow.cancel_project(failing),
        Err(EscrowError::NotCancelable)
    );
    act_as(a.alice);
    assert_eq!(escrow.cancel_project(funded), Ok(()));
    assert_eq!(
        escrow.cancel_project(funded),
        Err(EscrowError::NotCancelable)
    );
}

#[ink::test]
fn refunds_are_pro_rata_and_the_last_funder_takes_the_dust() {
    let mut escrow = registered();
    let a = accounts();
    // Two milestones of 1,200: 2,400, given 800 + 800 + 800 by three funders.
    let project = project(&mut escrow, 2, false);
    for funder in [a.django, a.eve, funder(3)] {
        act_as(funder);
        escrow.fund(project, 800).unwrap();
    }
    act_as(a.django);
    assert_eq!(escrow.claim_refund(project), Err(EscrowError::NotCanceled));
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    escrow.release(project, 0).unwrap();
    act_as(a.alice);
    escrow.cancel_project(project).unwrap();
    // 1,200 unreleased of 2,400: each funder is owed half of 800.
    assert_eq!(escrow.refundable(project, a.django), 400);
    act_as(a.django);
    assert_eq!(escrow.claim_refund(project), Ok(400));
    assert_eq!(escrow.refunded(project, a.django), 400);
    assert_eq!(balance(a.django), 2_000 - 800 + 400);
    assert_eq!(
        escrow.claim_refund(project),
        Err(EscrowError::NothingToRefund)
    );
    act_as(a.bob);
    assert_eq!(
        escrow.claim_refund(project),
        Err(EscrowError::NothingToRefund)
    );
    act_as(a.eve);
    assert_eq!(escrow.claim_refund(project), Ok(400));
    // The last claimant takes whatever is held.
    world(|w| w.balances.insert(escrow_account(), 400));
    act_as(funder(3));
    assert_eq!(escrow.claim_refund(project), Ok(400));
    assert_eq!(balance(escrow_account()), 0);
}

#[ink::test]
fn the_last_refund_takes_the_rounding_dust() {
    let mut escrow = registered();
    let a = accounts();
    // 2,400 given as 1,001 + 1,399; half released, then canceled: 1,200 to share.
    let project = project(&mut escrow, 2, false);
    act_as(a.django);
    escrow.fund(project, 1_001).unwrap();
    act_as(a.eve);
    escrow.fund(project, 1_399).unwrap();
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    escrow.release(project, 0).unwrap();
    act_as(a.alice);
    escrow.cancel_project(project).unwrap();
    // 1,001 x 1,200 / 2,400 = 500.5: 500; eve is last and takes 700 (not 699).
    act_as(a.django);
    assert_eq!(escrow.claim_refund(project), Ok(500));
    act_as(a.eve);
    assert_eq!(escrow.claim_refund(project), Ok(700));
    assert_eq!(escrow.project(project).unwrap().held(), 0);
    assert_eq!(balance(escrow_account()), 0);
}

#[ink::test]
fn refunds_of_18_decimal_amounts_do_not_overflow() {
    let mut escrow = registered();
    let a = accounts();
    let ether: u128 = 10u128.pow(18);
    for funder in [a.django, a.eve] {
        world(|w| {
            w.balances.insert(funder, 20 * ether);
            w.allowances.insert((funder, escrow_account()), 20 * ether);
        });
    }
    act_as(a.alice);
    let milestone = |amount| MilestonePlan {
        contractor_amount: amount,
        wages: Vec::new(),
        due: 0,
    };
    let project = escrow
        .create_project(
            [8; 32],
            a.charlie,
            vec![a.bob],
            vec![milestone(20 * ether), milestone(20 * ether)],
            11 * DAY_MS,
            false,
        )
        .unwrap();
    for funder in [a.django, a.eve] {
        act_as(funder);
        escrow.fund(project, 20 * ether).unwrap();
    }
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    escrow.release(project, 0).unwrap();
    act_as(a.alice);
    escrow.cancel_project(project).unwrap();
    // 20e18 x 20e18 does not fit in a u128; the share does.
    assert_eq!(escrow.refundable(project, a.django), 10 * ether);
    act_as(a.django);
    assert_eq!(escrow.claim_refund(project), Ok(10 * ether));
    act_as(a.eve);
    assert_eq!(escrow.claim_refund(project), Ok(10 * ether));
    assert_eq!(escrow.project(project).unwrap().held(), 0);
}

#[ink::test]
fn an_inspector_paid_by_the_project_is_refused() {
    let mut escrow = registered();
    let a = accounts();
    world(|w| w.roles.push((worker(1), CivicRole::Inspector)));
    act_as(a.alice);
    let deadline = 11 * DAY_MS;
    // Workers 1 and 2 are on the roll.
    for (contractor, inspector) in [(a.bob, a.bob), (a.charlie, worker(1))] {
        let created = escrow.create_project(
            [7; 32],
            contractor,
            vec![inspector],
            vec![plan(1_000, 2)],
            deadline,
            false,
        );
        assert_eq!(created, Err(EscrowError::BadInspectors));
    }
}

#[ink::test]
fn under_the_civic_policy_only_service_providers_fund() {
    let mut escrow = registered();
    let a = accounts();
    let project = project(&mut escrow, 1, false);
    world(|w| w.policy = TransferPolicy::Civic);
    act_as(a.django);
    assert_eq!(
        escrow.fund(project, 700),
        Err(EscrowError::PolicyForbidsFunding)
    );
    world(|w| w.token_roles.push((a.django, Role::ServiceProvider)));
    escrow.fund(project, 700).unwrap();
    // Eve, a plain holder, gives the rest under the open policy: a gift it allowed, paid
    // out as planned once the civic policy is back.
    world(|w| w.policy = TransferPolicy::Open);
    act_as(a.eve);
    escrow.fund(project, 500).unwrap();
    act_as(a.bob);
    escrow.approve_milestone(project, 0, [1; 32]).unwrap();
    world(|w| w.policy = TransferPolicy::Civic);
    // The escrow pays as a service provider, the role its deployment grants it: the
    // token's policy would refuse its wages to plain workers otherwise.
    world(|w| {
        w.token_roles
            .push((escrow_account(), Role::ServiceProvider))
    });
    assert_eq!(escrow.release(project, 0), Ok(3));
}

#[test]
fn the_code_holds_the_storage_version_and_migrations_its_manifest_declares() {
    assert_eq!(
        city_traits::upgrade::declared(include_str!("Cargo.toml")),
        Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
    );
}
