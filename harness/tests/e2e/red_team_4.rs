//! The fourth attacker's review, played: a fresh-context helper's attacks on the performance
//! work of #19 (the batch's one `kinds_of` question, the derived `account().paid`, the
//! trimmed topics and the token's `emit` path). Each asserts what the README says.

use city_traits::{
    kinds, Action, Attestation, CivicRole, EscrowError, IdentityKind, MilestonePlan, ProjectState,
    RewardError, Rule, Wage, MAX_PAYMENTS_PER_RELEASE,
};
use harness::{
    city::{contract_account, crowd_member, Actor, ADMIN, ALICE, BOB, CAROL, COIN, MALLORY},
    escrow::ProjectPlan,
    City, Fixture,
};
use ink::primitives::AccountId;

const BIN: Actor = Actor("red-team-4-bin");
const INSPECTOR: Actor = Actor("red-team-4-inspector");
const CONTRACTOR: Actor = Actor("red-team-4-contractor");
const DAY_MS: u64 = 86_400_000;

fn receipt(n: u8) -> [u8; 32] {
    [n; 32]
}

fn drop(n: u8, who: impl Into<AccountId>, action: Action, quantity: u128) -> Attestation {
    Attestation {
        receipt: receipt(n),
        beneficiary: who.into(),
        action,
        quantity,
    }
}

/// Alice citizen, Bob resident, Carol visitor, plus a crowd of 20 alternating kinds.
/// Recyclables reward citizens and residents; TaxPaid rewards visitors only.
fn city() -> City {
    let mut city = Fixture::new()
        .identity(ALICE, IdentityKind::Citizen)
        .identity(BOB, IdentityKind::Resident)
        .identity(CAROL, IdentityKind::Visitor)
        .crowd("atk-cit", 10, IdentityKind::Citizen)
        .crowd("atk-vis", 10, IdentityKind::Visitor)
        .civic_role(CivicRole::Attester, BIN)
        .build()
        .expect("the city is set up");
    city.rewards(ADMIN)
        .authorise_attester(BIN, &[Action::Recyclables, Action::TaxPaid])
        .expect_accepted();
    let citizens = Rule {
        reward: 200,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Citizen, IdentityKind::Resident]),
    };
    let visitors = Rule {
        reward: 100,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Visitor]),
    };
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(citizens), 0)
        .expect_accepted();
    city.rewards(ADMIN)
        .set_rule(Action::TaxPaid, Some(visitors), 0)
        .expect_accepted();
    city
}

/// Kinds must not slide: for each rule, the one ineligible beneficiary is refused at its
/// own index, whatever the order, duplicates and mix of actions.
#[test]
fn kinds_do_not_slide_across_a_mixed_batch() {
    let mut city = city();
    let r = Action::Recyclables;
    let t = Action::TaxPaid;
    // Carol (visitor) duplicated ahead; then Carol on recyclables: refused at 4.
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, CAROL, t, 1_000),
            drop(2, ALICE, r, 1_000),
            drop(3, CAROL, t, 1_000),
            drop(4, BOB, r, 1_000),
            drop(5, CAROL, r, 1_000),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (4, RewardError::NotEligible)
    );
    // Alice (citizen) on the visitors' rule: refused at 2.
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, CAROL, t, 1_000),
            drop(2, BOB, r, 1_000),
            drop(3, ALICE, t, 1_000),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (2, RewardError::NotEligible)
    );
    // Unregistered mallory in the middle of eligible ones.
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, ALICE, r, 1_000),
            drop(2, MALLORY, t, 1_000),
            drop(3, CAROL, t, 1_000),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (1, RewardError::NotEligible)
    );
    assert_eq!(
        city.balance(ALICE) + city.balance(BOB) + city.balance(CAROL),
        0
    );
    // A full batch of 40 over 20 distinct crowd members, interleaved, each on its rule.
    let mut batch = Vec::new();
    for n in 0..20u32 {
        let (who, action) = if n % 2 == 0 {
            (crowd_member("atk-cit", n / 2), r)
        } else {
            (crowd_member("atk-vis", n / 2), t)
        };
        batch.push(drop(10 + n as u8, who, action, 1_000));
        batch.push(drop(40 + n as u8, who, action, 1_000));
    }
    let paid = city.rewards(BIN).attest_batch(&batch).expect_accepted();
    assert_eq!(paid, 10 * 400 + 10 * 200);
    for n in 0..10 {
        assert_eq!(city.balance(crowd_member("atk-cit", n)), 400);
        assert_eq!(city.balance(crowd_member("atk-vis", n)), 200);
    }
    // Swap one crowd member onto the other rule at the end: refused at its index.
    let mut batch: Vec<_> = (0..10u32)
        .map(|n| drop(100 + n as u8, crowd_member("atk-cit", n), r, 1_000))
        .collect();
    batch.push(drop(120, crowd_member("atk-cit", 3), t, 1_000));
    let refused = city.rewards(BIN).attest_batch(&batch).expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (10, RewardError::NotEligible)
    );
}

/// A revoked identity is asked about up front like any other: not eligible.
#[test]
fn a_revoked_beneficiary_in_a_batch_is_refused() {
    let mut city = city();
    city.registry(ADMIN).revoke(BOB).expect_accepted();
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, ALICE, Action::Recyclables, 1_000),
            drop(2, BOB, Action::Recyclables, 1_000),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (1, RewardError::NotEligible)
    );
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(3), BOB, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotEligible
    );
    assert_eq!(city.balance(ALICE) + city.balance(BOB), 0);
}

/// Unauthorised callers and actions: refused before anything, whatever the beneficiaries.
#[test]
fn unauthorised_batches_pay_nothing() {
    let mut city = city();
    let refused = city
        .rewards(MALLORY)
        .attest_batch(&[drop(1, ALICE, Action::Recyclables, 1_000)])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (0, RewardError::NotAuthorised)
    );
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, ALICE, Action::Recyclables, 1_000),
            drop(2, ALICE, Action::Volunteering, 1_000),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (1, RewardError::NotAuthorised)
    );
    assert!(!city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
    assert_eq!(city.balance(ALICE), 0);
}

/// Duplicated receipts, caps and budgets still bind across one batch.
#[test]
fn cap_budget_and_receipts_hold_within_a_batch() {
    let mut city = city();
    city.rewards(ADMIN).set_limits(500, 700).expect_accepted();
    let r = Action::Recyclables;
    let refused = city
        .rewards(BIN)
        .attest_batch(&[drop(1, ALICE, r, 1_000), drop(1, BOB, r, 1_000)])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (1, RewardError::ReceiptSeen)
    );
    let batch: Vec<_> = (0..10u8)
        .map(|n| drop(10 + n, if n % 2 == 0 { ALICE } else { BOB }, r, 1_000_000))
        .collect();
    let paid = city.rewards(BIN).attest_batch(&batch).expect_accepted();
    assert_eq!(paid, 700, "the budget");
    assert_eq!((city.balance(ALICE), city.balance(BOB)), (500, 200));
    assert_eq!(city.rewards(ALICE).remaining_budget().value, 0);
}

/// A duplicated worker, several milestones and a cancellation in the middle of a long
/// roll: `account().paid` is what the token moved, and the funders get the rest.
#[test]
fn paid_follows_the_released_lines_through_a_cancellation() {
    let mut city = City::new().expect("the suite deploys");
    let w = |n: u32| crowd_member("atk-worker", n);
    let count = MAX_PAYMENTS_PER_RELEASE + 5;
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])
        .expect("roles");
    city.grant_civic_role(CivicRole::Worker, (0..count).map(w))
        .expect("roles");
    // Milestone 0: worker 0 paid 1 coin, then workers 1.. 2 coins each (the last five
    // beyond the first batch). Milestone 1: worker 0 again (each worker once per roll).
    let mut wages: Vec<Wage> = vec![Wage {
        worker: w(0),
        amount: COIN,
    }];
    wages.extend((1..count).map(|n| Wage {
        worker: w(n),
        amount: 2 * COIN,
    }));
    let lines = wages.len() as u128;
    let first_total: u128 = wages.iter().map(|wage| wage.amount).sum();
    let plan = ProjectPlan {
        title: [0xa7; 32],
        contractor: CONTRACTOR.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![
            MilestonePlan {
                contractor_amount: 10 * COIN,
                wages,
                due: 0,
            },
            MilestonePlan {
                contractor_amount: 10 * COIN,
                wages: vec![Wage {
                    worker: w(0),
                    amount: 3 * COIN,
                }],
                due: 0,
            },
        ],
        funding_deadline: city.now_ms() + 7 * DAY_MS,
        needs_approval: false,
    };
    assert!(lines > u128::from(MAX_PAYMENTS_PER_RELEASE));
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    let target = first_total + 10 * COIN + 13 * COIN;
    assert_eq!(
        city.escrow(ADMIN).project(project).value.unwrap().target,
        target
    );
    city.escrow(ADMIN)
        .approve_and_fund(project, target)
        .expect_accepted();
    assert_eq!(city.escrow(ADMIN).paid_to_worker(project, w(0)).value, 0);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    // Mallory may release; the first batch pays 50 lines.
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_accepted(),
        MAX_PAYMENTS_PER_RELEASE
    );
    for n in 0..count {
        assert_eq!(
            city.escrow(MALLORY).paid_to_worker(project, w(n)).value,
            city.balance(w(n)),
            "worker {n} after the first batch"
        );
    }
    assert_eq!(city.balance(w(0)), COIN);
    // The admin cancels in the middle: nothing more is paid, paid stays put.
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_refused(),
        EscrowError::NotFunded
    );
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.state, ProjectState::Canceled);
    let released: u128 = (0..count).map(|n| city.balance(w(n))).sum();
    assert_eq!(data.released, released);
    assert_eq!(city.escrow(ADMIN).paid_to_worker(project, w(0)).value, COIN);
    assert_eq!(
        city.escrow(ADMIN)
            .paid_to_worker(project, w(count - 1))
            .value,
        0,
        "the last lines were never released"
    );
    assert_eq!(
        city.escrow(ADMIN).paid_to_worker(project, CONTRACTOR).value,
        0
    );
    assert_eq!(city.escrow(ADMIN).paid_to_worker(project, ADMIN).value, 0);
    // The funder gets back exactly the rest.
    let before = city.balance(ADMIN);
    let refund = city.escrow(ADMIN).claim_refund(project).expect_accepted();
    assert_eq!(refund, target - released);
    assert_eq!(city.balance(ADMIN), before + refund);
    assert_eq!(city.balance(contract_account(&city.escrow)), 0);
    assert_eq!(
        city.escrow(ADMIN).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
}

/// Both milestones released in full: a worker on several lines and milestones is paid,
/// and shown, the sum of its lines; another project's rolls do not leak in.
#[test]
fn paid_sums_every_line_of_every_milestone_and_no_other_project() {
    let mut city = City::new().expect("the suite deploys");
    let w = |n: u32| crowd_member("atk-worker", n);
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])
        .expect("roles");
    city.grant_civic_role(CivicRole::Worker, (0..2).map(w))
        .expect("roles");
    let milestones = vec![
        MilestonePlan {
            contractor_amount: COIN,
            wages: vec![
                Wage {
                    worker: w(0),
                    amount: 5 * COIN,
                },
                Wage {
                    worker: w(1),
                    amount: 4 * COIN,
                },
            ],
            due: 0,
        },
        MilestonePlan {
            contractor_amount: COIN,
            wages: vec![Wage {
                worker: w(0),
                amount: 8 * COIN,
            }],
            due: 0,
        },
    ];
    let make = |city: &mut City| ProjectPlan {
        title: [0xa8; 32],
        contractor: CONTRACTOR.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: milestones.clone(),
        funding_deadline: city.now_ms() + 7 * DAY_MS,
        needs_approval: false,
    };
    let plan = make(&mut city);
    let first = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    let plan = make(&mut city);
    let second = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ADMIN)
        .approve_and_fund(first, 19 * COIN)
        .expect_accepted();
    city.escrow(ADMIN)
        .approve_and_fund(second, 19 * COIN)
        .expect_accepted();
    // Out of order: milestone 1 before 0 is refused and pays nothing.
    city.escrow(INSPECTOR)
        .approve_milestone(first, 0, [1; 32])
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).release(first, 1).expect_refused(),
        EscrowError::NotCurrentMilestone
    );
    assert_eq!(city.escrow(ADMIN).paid_to_worker(first, w(0)).value, 0);
    city.escrow(MALLORY).release(first, 0).expect_accepted();
    assert_eq!(
        city.escrow(ADMIN).paid_to_worker(first, w(0)).value,
        5 * COIN
    );
    // Releasing again pays nobody twice.
    assert!(city.escrow(MALLORY).release(first, 0).value.is_err());
    city.escrow(INSPECTOR)
        .approve_milestone(first, 1, [2; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(first, 1).expect_accepted();
    assert_eq!(
        city.escrow(ADMIN).paid_to_worker(first, w(0)).value,
        13 * COIN
    );
    assert_eq!(
        city.escrow(ADMIN).paid_to_worker(first, w(1)).value,
        4 * COIN
    );
    assert_eq!(
        (city.balance(w(0)), city.balance(w(1))),
        (13 * COIN, 4 * COIN)
    );
    assert_eq!(city.escrow(ADMIN).paid_to_worker(second, w(0)).value, 0);
    assert_eq!(city.escrow(ADMIN).paid_to_worker(999, w(0)).value, 0);
    assert_eq!(
        city.escrow(ADMIN).project(first).value.unwrap().state,
        ProjectState::Completed
    );
}

/// The token's events through `emit`: a redemption with the longest memo still works.
#[test]
fn redeem_with_the_longest_memo_does_not_trap() {
    use city_traits::Role;
    const SHOP: Actor = Actor("red-team-4-shop");
    let mut city = Fixture::new()
        .holder(ALICE, 1_000)
        .token_role(Role::ServiceProvider, SHOP)
        .next_block()
        .build()
        .expect("the city is set up");
    let outcome = city.token(ALICE).redeem(SHOP, 10, &[0xee; 64]);
    outcome.expect_accepted();
    assert_eq!((city.balance(ALICE), city.balance(SHOP)), (990, 10));
}

/// The largest batch, fifty distinct beneficiaries, in one `kinds_of` question: each
/// answer lands on its own beneficiary, and the one stranger is refused at its index.
#[test]
fn a_full_batch_of_distinct_beneficiaries() {
    let mut city = Fixture::new()
        .crowd("atk-many", 49, IdentityKind::Resident)
        .identity(CAROL, IdentityKind::Visitor)
        .civic_role(CivicRole::Attester, BIN)
        .build()
        .expect("the city is set up");
    city.rewards(ADMIN)
        .authorise_attester(BIN, &[Action::Recyclables])
        .expect_accepted();
    let rule = Rule {
        reward: 200,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Resident]),
    };
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(rule), 0)
        .expect_accepted();
    for stranger_at in [0usize, 17, 49] {
        let mut batch: Vec<_> = (0..49u32)
            .map(|n| {
                drop(
                    n as u8,
                    crowd_member("atk-many", n),
                    Action::Recyclables,
                    1_000,
                )
            })
            .collect();
        batch.insert(stranger_at, drop(200, CAROL, Action::Recyclables, 1_000));
        assert_eq!(batch.len(), 50);
        let refused = city.rewards(BIN).attest_batch(&batch).expect_refused();
        assert_eq!(
            (refused.index as usize, refused.error),
            (stranger_at, RewardError::NotEligible)
        );
    }
    let batch: Vec<_> = (0..49u32)
        .map(|n| {
            drop(
                n as u8,
                crowd_member("atk-many", n),
                Action::Recyclables,
                1_000,
            )
        })
        .collect();
    assert_eq!(
        city.rewards(BIN).attest_batch(&batch).expect_accepted(),
        49 * 200
    );
    for n in 0..49 {
        assert_eq!(city.balance(crowd_member("atk-many", n)), 200);
    }
    assert_eq!(city.balance(CAROL), 0);
}
