//! Xiong'an: the city treasury and a bank fund public works in escrow; governance approves
//! them; inspectors approve milestones; wages reach the workers before the contractor is
//! paid; a rejected milestone is disputed and governance settles it; a second project is
//! canceled and its funders claim their refunds.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    Call, CivicRole, EscrowError, IdentityKind, MilestonePlan, ProjectId, ProjectState, Revoting,
    Secrecy, Wage, FOR,
};
use ink::{primitives::AccountId, selector_bytes};

use super::{coins, enrol, opened, DAY_MS};
use harness::{
    city::{crowd_member, Actor, City, ADMIN, COIN, GOVERNANCE},
    escrow::ProjectPlan,
    voting::proposed_call,
};

const WORKERS: u32 = 50;
const CITIZENS: u32 = 20;
/// Each worker's wage per milestone.
const WAGE: u128 = 60 * COIN;
const INSPECTOR: Actor = Actor("xiongan-water-bureau");
const CONTRACTOR: Actor = Actor("xiongan-river-works");
const BANK: Actor = Actor("xiongan-development-bank");
const NURSERY: Actor = Actor("xiongan-tree-nursery");

fn worker(n: u32) -> AccountId {
    crowd_member("xiongan-worker", n)
}

fn citizen(n: u32) -> AccountId {
    crowd_member("xiongan-citizen", n)
}

/// A milestone paying the contractor `contractor` coins and every worker [`WAGE`].
fn milestone(contractor: u128, workers: u32) -> MilestonePlan {
    MilestonePlan {
        contractor_amount: contractor * COIN,
        wages: (0..workers)
            .map(|n| Wage {
                worker: worker(n),
                amount: WAGE,
            })
            .collect(),
        due: 0,
    }
}

fn escrow_error(what: &str) -> impl Fn(EscrowError) -> anyhow::Error + '_ {
    move |error| anyhow!("{what}: {error:?}")
}

/// The citizens pass `calls` by proposal, wait out the timelock and execute them.
fn govern(city: &mut City, description: &str, calls: &[Call]) -> Result<()> {
    let proposal =
        opened(
            city.voting(ADMIN)
                .propose(description, calls, Secrecy::Public, Revoting::Refused),
        )?;
    city.advance_blocks(GOVERNANCE.voting_delay + 1);
    for n in 0..CITIZENS {
        city.voting(citizen(n)).cast_vote(proposal, FOR).ok();
    }
    city.advance_blocks(GOVERNANCE.voting_period);
    city.voting(ADMIN)
        .queue(proposal)
        .value
        .map_err(|error| anyhow!("{description}: not queued: {error:?}"))?;
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(ADMIN)
        .execute(proposal)
        .value
        .map_err(|error| anyhow!("{description}: not executed: {error:?}"))
}

/// `funder` approves the escrow and funds `project` with `amount`.
fn fund(city: &mut City, project: ProjectId, funder: Actor, amount: u128) -> Result<()> {
    city.escrow(funder)
        .approve_and_fund(project, amount)
        .value
        .map_err(escrow_error("funding"))
}

/// Pays an approved milestone, calling `release` until the contractor is paid; returns
/// the number of calls.
fn release(city: &mut City, project: ProjectId, index: u8) -> Result<u32> {
    let mut calls = 0;
    loop {
        calls += 1;
        city.escrow(INSPECTOR)
            .release(project, index)
            .value
            .map_err(escrow_error("release"))?;
        let milestone = city
            .escrow(ADMIN)
            .milestone(project, index)
            .value
            .ok_or_else(|| anyhow!("no milestone {index}"))?;
        if milestone.state == city_traits::MilestoneState::Released {
            return Ok(calls);
        }
    }
}

pub(super) fn xiongan_flood_control(out: &mut impl Write) -> Result<()> {
    let mut city = City::new()?;
    writeln!(out, "\n== Xiong'an: flood control funds in escrow ==")?;
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()]);
    city.grant_civic_role(CivicRole::Worker, (0..WORKERS).map(worker));
    enrol(
        &mut city,
        "xiongan-citizen",
        30,
        CITIZENS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    );
    city.token(ADMIN).transfer(BANK, 200_000 * COIN).ok();
    city.token(ADMIN).transfer(NURSERY, 5_000 * COIN).ok();
    city.hand_over_to_governance();

    let deadline = city.now_ms() + 30 * DAY_MS;
    let plan = |title: u8, milestones: Vec<MilestonePlan>| ProjectPlan {
        title: [title; 32],
        contractor: CONTRACTOR.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones,
        funding_deadline: deadline,
        needs_approval: true,
    };
    let levee = plan(
        1,
        vec![
            milestone(20_000, WORKERS),
            milestone(40_000, WORKERS),
            milestone(30_000, WORKERS),
        ],
    );
    let trees = plan(2, vec![milestone(2_000, 10), milestone(3_000, 10)]);
    let levee = city
        .escrow(ADMIN)
        .create_project(&levee)
        .value
        .map_err(escrow_error("the levee"))?;
    let trees = city
        .escrow(ADMIN)
        .create_project(&trees)
        .value
        .map_err(escrow_error("the trees"))?;
    let levee_target = city
        .escrow(ADMIN)
        .project(levee)
        .value
        .map(|project| project.target)
        .unwrap_or_default();
    // The treasury funds 60%, the bank the rest.
    let from_treasury = levee_target * 6 / 10;
    fund(&mut city, levee, ADMIN, from_treasury)?;
    fund(&mut city, levee, BANK, levee_target - from_treasury)?;
    fund(&mut city, trees, ADMIN, 3_000 * COIN)?;
    fund(&mut city, trees, BANK, 2_000 * COIN)?;
    fund(&mut city, trees, NURSERY, 1_200 * COIN)?;
    writeln!(
        out,
        "the treasury and a bank escrow {} coins for a levee (3 milestones, {WORKERS} \
         workers); a tree-planting project is funded by three",
        coins(levee_target)
    )?;

    let early = city
        .escrow(INSPECTOR)
        .approve_milestone(levee, 0, [0xe0; 32])
        .value;
    ensure!(
        early == Err(EscrowError::NotApproved),
        "inspected before governance approved: {early:?}"
    );
    let approve = |project: ProjectId| {
        proposed_call(&city.escrow, selector_bytes!("approve_project"), project)
    };
    let approvals = [approve(levee), approve(trees)];
    govern(&mut city, "Approve the levee and the trees", &approvals)?;
    writeln!(
        out,
        "{CITIZENS} citizens approve both projects by proposal; the timelock runs out and \
         e-voting approves them in escrow"
    )?;

    city.escrow(INSPECTOR)
        .approve_milestone(levee, 0, [0xe0; 32])
        .value
        .map_err(escrow_error("inspection"))?;
    let calls = release(&mut city, levee, 0)?;
    ensure!(calls == 2, "the first milestone took {calls} release calls");
    ensure!(
        city.balance(worker(WORKERS - 1)) == WAGE && city.balance(CONTRACTOR) == 20_000 * COIN,
        "the first release paid the wrong amounts"
    );
    writeln!(
        out,
        "milestone 1: the inspector approves; {WORKERS} wages of {} coins are paid, then \
         the contractor ({calls} release calls of at most 50 transfers)",
        coins(WAGE)
    )?;

    city.escrow(INSPECTOR)
        .reject_milestone(levee, 1, [0xba; 32])
        .value
        .map_err(escrow_error("rejection"))?;
    city.escrow(CONTRACTOR)
        .open_dispute(levee, 1)
        .value
        .map_err(escrow_error("dispute"))?;
    let settle = proposed_call(
        &city.escrow,
        selector_bytes!("resolve_dispute"),
        (levee, 1u8, true),
    );
    let cancel = proposed_call(&city.escrow, selector_bytes!("cancel_project"), trees);
    city.escrow(INSPECTOR)
        .approve_milestone(trees, 0, [0xe2; 32])
        .value
        .map_err(escrow_error("tree inspection"))?;
    release(&mut city, trees, 0)?;
    govern(
        &mut city,
        "Release the disputed levee milestone; stop the tree planting",
        &[settle, cancel],
    )?;
    release(&mut city, levee, 1)?;
    city.escrow(INSPECTOR)
        .approve_milestone(levee, 2, [0xe3; 32])
        .value
        .map_err(escrow_error("the last inspection"))?;
    release(&mut city, levee, 2)?;
    let done = city
        .escrow(ADMIN)
        .project(levee)
        .value
        .ok_or_else(|| anyhow!("no levee"))?;
    ensure!(
        done.state == ProjectState::Completed && done.released == done.funded,
        "the levee ended {done:?}"
    );
    for n in [0, WORKERS - 1] {
        let paid = city.escrow(ADMIN).paid_to_worker(levee, worker(n)).value;
        ensure!(paid == 3 * WAGE, "worker {n} was paid {paid}");
    }
    writeln!(
        out,
        "milestone 2 is rejected, disputed by the contractor and released by governance; \
         milestone 3 passes: the levee is complete, {} coins to the contractor and {} to \
         each worker",
        coins(city.balance(CONTRACTOR) - 2_000 * COIN),
        coins(3 * WAGE)
    )?;

    let canceled = city
        .escrow(ADMIN)
        .project(trees)
        .value
        .ok_or_else(|| anyhow!("no trees"))?;
    ensure!(
        canceled.state == ProjectState::Canceled,
        "the trees ended {:?}",
        canceled.state
    );
    let unreleased = canceled.held();
    let mut refunded = 0;
    for funder in [ADMIN, BANK, NURSERY] {
        refunded += city
            .escrow(funder)
            .claim_refund(trees)
            .value
            .map_err(escrow_error("refund"))?;
    }
    ensure!(
        refunded == unreleased,
        "refunded {refunded} of {unreleased}"
    );
    writeln!(
        out,
        "the tree planting is canceled after its first milestone; its three funders claim \
         back {} coins, pro rata, to the cent",
        coins(refunded)
    )?;
    Ok(())
}
