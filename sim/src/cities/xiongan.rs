//! Xiong'an: smart bins reward sorted garbage by category and weight and the points buy
//! daily goods; the city treasury and a bank fund public works in escrow; governance approves
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

use super::*;
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
        city.voting(citizen(n))
            .cast_vote(proposal, FOR)
            .accepted()?;
    }
    city.advance_blocks(GOVERNANCE.voting_period);
    city.voting(ADMIN)
        .queue(proposal)
        .accepted()
        .with_context(|| description.to_string())?;
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(ADMIN)
        .execute(proposal)
        .accepted()
        .with_context(|| description.to_string())
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

fn flood_control(out: &mut dyn Write) -> Result<()> {
    let mut city = City::new()?;
    writeln!(out, "\n== Xiong'an: flood control funds in escrow ==")?;
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])?;
    city.grant_civic_role(CivicRole::Worker, (0..WORKERS).map(worker))?;
    enrol(
        &mut city,
        "xiongan-citizen",
        CITIZENS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    )?;
    city.token(ADMIN)
        .transfer(BANK, 200_000 * COIN)
        .accepted()?;
    city.token(ADMIN)
        .transfer(NURSERY, 5_000 * COIN)
        .accepted()?;
    city.hand_over_to_governance()?;

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

/// Xiong'an: smart bins reward sorted garbage by category and weight; the points buy
/// daily goods at the corner shop.
fn garbage(out: &mut dyn Write) -> Result<()> {
    const NEIGHBOURS: u32 = 24;
    let mut city = civic_city()?;
    writeln!(out, "\n== Xiong'an: smart bins reward sorted garbage ==")?;
    enrol(
        &mut city,
        "xiongan",
        NEIGHBOURS,
        IdentityKind::Resident,
        365 * DAY_MS,
    )?;
    let bin = Actor("xiongan-smart-bin");
    city.install_device(
        bin,
        &[
            Action::Recyclables,
            Action::KitchenWaste,
            Action::HazardousWaste,
        ],
    )?;
    // Coins per kilogram: recyclables 2, kitchen waste 0.5, hazardous 5.
    let residents = [IdentityKind::Citizen, IdentityKind::Resident];
    city.set_reward(Action::Recyclables, (2 * COIN, 1_000), &residents)?;
    city.set_reward(Action::KitchenWaste, (COIN / 2, 1_000), &residents)?;
    city.set_reward(Action::HazardousWaste, (5 * COIN, 1_000), &residents)?;

    // A day of drops, uploaded by the bin in batches: every neighbour drops each kind of
    // waste; neighbour 0 is a champion sorter and drops 40 kg of recyclables.
    let categories = [
        Action::Recyclables,
        Action::KitchenWaste,
        Action::HazardousWaste,
    ];
    let drops: Vec<Attestation> = (0..NEIGHBOURS)
        .flat_map(|n| {
            categories.into_iter().enumerate().map(move |(c, action)| {
                let grams = match (n, action) {
                    (0, Action::Recyclables) => 40_000,
                    _ => 300 + u128::from(n * 97 + c as u32 * 31) % 1_700,
                };
                Attestation {
                    receipt: id("xiongan-bin", n * 3 + c as u32),
                    beneficiary: crowd_member("xiongan", n),
                    action,
                    quantity: grams,
                }
            })
        })
        .collect();
    let mut paid = 0;
    for batch in drops.chunks(50) {
        paid += city.rewards(bin).attest_batch(batch).accepted()?;
    }
    writeln!(
        out,
        "the bin uploads {} drops for {NEIGHBOURS} neighbours: {} coins paid",
        drops.len(),
        coins(paid)
    )?;
    let champion = crowd_member("xiongan", 0);
    ensure!(
        city.balance(champion) == REWARD_CAP_PER_EPOCH,
        "the champion sorter should stop at the daily cap, has {}",
        coins(city.balance(champion))
    );
    writeln!(
        out,
        "the champion sorter's 40 kg stop at the daily cap: {} coins",
        coins(REWARD_CAP_PER_EPOCH)
    )?;

    let replay = city.rewards(bin).attest_batch(&drops[3..4]);
    ensure!(
        replay
            .value
            .as_ref()
            .is_err_and(|e| e.error == RewardError::ReceiptSeen),
        "a replayed bin receipt was paid: {:?}",
        replay.value
    );
    writeln!(out, "a replayed bin receipt is refused")?;

    // Neighbours buy daily goods with their points.
    let spent = spend(
        &mut city,
        ("xiongan", NEIGHBOURS),
        SHOP,
        b"daily goods",
        |held| held / 2,
    )?;
    ensure!(
        city.balance(SHOP) == spent,
        "the shop got {}",
        city.balance(SHOP)
    );
    let minted = city.rewards(ADMIN).minted_total().value;
    ensure!(minted == paid, "minted {minted}, paid {paid}");
    writeln!(
        out,
        "they spend {} coins at the corner shop; {} coins minted in all",
        coins(spent),
        coins(minted)
    )?;
    Ok(())
}

fn story(out: &mut dyn Write) -> Result<()> {
    garbage(out)?;
    flood_control(out)
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: XIONGAN,
};

/// Xiong'an: smart bins pay for sorted garbage by category and weight; the points buy
/// daily goods; the treasury escrows a levee whose workers are paid directly.
const XIONGAN: Profile = Profile {
    city: "xiongan",
    title: "Xiong'an: garbage points and flood-control works",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("xiongan-resident", Resident, 85),
        group("xiongan-citizen", Citizen, 15),
    ],
    activities: &[
        Activity {
            action: Action::Recyclables,
            device: "xiongan-smart-bin",
            reward: 2 * COIN,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 40,
            quantity: (200, 3_000),
        },
        Activity {
            action: Action::KitchenWaste,
            device: "xiongan-smart-bin",
            reward: COIN / 2,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 50,
            quantity: (300, 2_500),
        },
        Activity {
            action: Action::HazardousWaste,
            device: "xiongan-smart-bin",
            reward: 5 * COIN,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 5,
            quantity: (50, 500),
        },
    ],
    spending: Spending {
        venues: &[
            ("xiongan-corner-shop", "daily goods"),
            ("xiongan-supermarket", "rice and oil"),
        ],
        daily_pct: 20,
        share_pct: 50,
        fee: 0,
    },
    polls: &[poll(
        4,
        "Where should the next smart bins go?",
        &["old town", "new district", "riverside"],
        PEOPLE,
        45,
        &[5, 3, 2, 1],
    )],
    works: Some(Works {
        day: 0,
        services_fund_pct: 0,
        canceled_after: None,
        milestones: 3,
        contractor_amount: 20_000 * COIN,
        workers: 50,
        wage: 60 * COIN,
        every_days: 7,
    }),
    batteries: None,
};
