//! The project escrow's figures: creating, funding, inspecting, releasing wage rolls of
//! [`WAGE_ROLLS`] workers (per worker), and claiming a refund.

use anyhow::Result;
use city_traits::{CivicRole, MilestonePlan, Wage};
use ink::primitives::AccountId;

use super::Measurement;
use harness::{
    city::{contract_account, crowd_member, Actor, City, ADMIN, BOB, COIN},
    escrow::ProjectPlan,
};

/// Wage roll lengths whose release is measured.
const WAGE_ROLLS: [u32; 3] = [1, 10, LONGEST_ROLL];

/// The longest release measured, the "release of 50".
pub(super) const LONGEST_ROLL: u32 = 50;

const INSPECTOR: Actor = Actor("bench-inspector");
const CONTRACTOR: Actor = Actor("bench-contractor");

fn worker(n: u32) -> AccountId {
    crowd_member("bench-worker", n)
}

/// A one-milestone project paying `workers` workers 10 coins each and the contractor 100.
fn project(city: &mut City, workers: u32) -> ProjectPlan {
    ProjectPlan {
        title: [workers as u8; 32],
        contractor: CONTRACTOR.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![MilestonePlan {
            contractor_amount: 100 * COIN,
            wages: (0..workers)
                .map(|n| Wage {
                    worker: worker(n),
                    amount: 10 * COIN,
                })
                .collect(),
            due: 0,
        }],
        funding_deadline: city.now_ms() + 86_400_000,
        needs_approval: false,
    }
}

/// Measures the escrow on a fresh city: the treasury funds every project.
pub(super) fn escrow_weights() -> Result<Vec<Measurement>> {
    let mut city = City::new()?;
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])?;
    let max_roll = WAGE_ROLLS.iter().copied().max().unwrap_or_default();
    city.grant_civic_role(CivicRole::Worker, (0..max_roll).map(worker))?;
    let escrow = contract_account(&city.escrow);
    city.token(ADMIN)
        .approve(escrow, u128::MAX)
        .expect_accepted();
    city.token(ADMIN)
        .transfer(BOB, 1_000 * COIN)
        .expect_accepted();
    city.token(BOB).approve(escrow, u128::MAX).expect_accepted();
    city.advance_blocks(1);

    let mut weights = Vec::new();
    for workers in WAGE_ROLLS {
        let plan = project(&mut city, workers);
        let create = city.escrow(ADMIN).create_project(&plan);
        if workers == 1 {
            weights.push(Measurement::of("create_project (1 worker)", &create));
        }
        let id = create.value.expect("measured as a success");
        let target = 100 * COIN + 10 * COIN * u128::from(workers);
        let fund = city.escrow(ADMIN).fund(id, target);
        let approve = city
            .escrow(INSPECTOR)
            .inspect_milestone(id, 0, true, [1; 32]);
        if workers == 1 {
            weights.push(Measurement::of("fund (the whole target)", &fund));
            weights.push(Measurement::of("inspect_milestone (approved)", &approve));
        }
        city.advance_blocks(1);
        // The whole release (the contractor's payment too) over its workers.
        let release = city.escrow(ADMIN).release(id, 0);
        let label = format!("release of {workers} wages, per worker");
        let mut per_worker = Measurement::of(&label, &release);
        per_worker.ref_time /= u64::from(workers);
        per_worker.proof_size /= u64::from(workers);
        weights.push(per_worker);
    }

    // A project funded by two, canceled: Bob claims his share.
    let plan = project(&mut city, 1);
    let id = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ADMIN).fund(id, 50 * COIN).expect_accepted();
    city.escrow(BOB).fund(id, 10 * COIN).expect_accepted();
    city.escrow(ADMIN).cancel_project(id).expect_accepted();
    city.advance_blocks(1);
    let claim = city.escrow(BOB).claim_refund(id);
    weights.push(Measurement::of("claim_refund", &claim));
    Ok(weights)
}
