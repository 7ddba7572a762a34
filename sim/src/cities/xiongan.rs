//! Xiong'an: smart bins reward sorted garbage by category and weight and the points buy
//! daily goods; the city treasury and a bank fund public works in escrow; governance approves
//! them; inspectors approve milestones; wages reach the workers before the contractor is
//! paid; a rejected milestone is disputed and governance settles it; a second project is
//! canceled and its funders claim their refunds. The city's public flats are allocated by
//! a published lottery, let for a year of rent to its treasury, and a deposit comes back
//! less what governance allowed.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    Application, Band, Call, CivicRole, EscrowError, IdentityKind, LeaseError, LeaseId,
    MilestonePlan, ProjectId, ProjectState, PropertyId, Revoting, RoundPlan, Secrecy, Terms, Wage,
    FOR, MAX_CALL_INPUT, MAX_PAYMENTS,
};
use ink::{primitives::AccountId, selector_bytes};

use super::*;
use harness::{
    city::{contract_account, crowd_member, Actor, City, ADMIN, COIN, GOVERNANCE},
    escrow::ProjectPlan,
    housing::{deed_hash, deed_schema, ranking, record_deed, rule_seed},
    voting::proposed_call,
    AdminCalls,
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
        let (milestone, _) = city
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

const LAND_OFFICE: Actor = Actor("xiongan-land-office");
const HOUSING_BUREAU: Actor = Actor("xiongan-housing-bureau");
const RENT_OFFICE: Actor = Actor("xiongan-rent-office");
const LANDLORD: Actor = Actor("xiongan-landlord");
/// Anyone reading the chain: it recomputes the lottery.
const JOURNALIST: Actor = Actor("xiongan-journalist");
const MONTH_MS: u64 = 30 * DAY_MS;

fn newcomer(n: u32) -> AccountId {
    crowd_member("xiongan-newcomer", n)
}

fn blake2_256(input: &[u8]) -> [u8; 32] {
    let mut output = [0; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(input, &mut output);
    output
}

/// Starts the block at `at`, unless the chain is there already.
fn advance_to(city: &mut City, at: u64) -> Result<()> {
    let now = city.now_ms();
    ensure!(at >= now, "the story asked to go back in time");
    if at > now {
        city.advance_time(at - now);
    }
    Ok(())
}

/// Xiong'an's public rental housing (issue #20), on a suite of its own: a land office
/// registers 100 flats of the city; the city opens one round of them by lottery for
/// citizens and residents of low incomes, then hands its seats to governance; 126 apply;
/// the round is allocated by the published rule, which the story recomputes; the winners
/// sign and pay a year of rent to the city's treasury, one falling behind for two months;
/// one leaves early and gets its deposit back less what governance allowed the city.
fn housing(out: &mut dyn Write) -> Result<()> {
    const FLATS: u32 = 100;
    const HOUSED_CITIZENS: u32 = 40;
    const NEWCOMERS: u32 = 86;
    const MAX_BAND: Band = 3;
    const RENT: u128 = 300 * COIN;
    const DEPOSIT: u128 = 600 * COIN;
    const CLAIMED: u128 = 250 * COIN;
    const ALLOWED: u128 = 150 * COIN;
    /// The winners' places of the tenant who falls behind and of the one who leaves.
    const BEHIND: usize = 7;
    const LEAVING: usize = 42;
    /// The months the leaving tenant stays.
    const STAYS: u64 = 8;
    let mut city = City::new()?;
    writeln!(
        out,
        "\n-- Xiong'an: public rental flats, allocated by a published rule --"
    )?;
    city.grant_civic_role(CivicRole::LandOffice, [LAND_OFFICE.account()])?;
    city.appoint_registrar(HOUSING_BUREAU)?;
    let two_years = 2 * 365 * DAY_MS;
    enrol(
        &mut city,
        "xiongan-citizen",
        HOUSED_CITIZENS,
        IdentityKind::Citizen,
        two_years,
    )?;
    // The newcomers who apply, one earning too much and one who applies too late.
    enrol(
        &mut city,
        "xiongan-newcomer",
        NEWCOMERS + 2,
        IdentityKind::Resident,
        two_years,
    )?;
    let expires = city.now_ms() + two_years;
    city.registry(ADMIN)
        .register(
            LANDLORD,
            IdentityKind::Resident,
            id("xiongan-landlord", 0),
            expires,
        )
        .accepted()?;
    let applicants: Vec<AccountId> = (0..HOUSED_CITIZENS)
        .map(citizen)
        .chain((0..NEWCOMERS).map(newcomer))
        .collect();
    let band = |place: usize| (place % 4) as Band;
    let over_limit = newcomer(NEWCOMERS);
    let latecomer = newcomer(NEWCOMERS + 1);
    // Each applicant has 5,000 coins: a deposit and a year of rent is 4,200.
    let savings: Vec<(AccountId, u128)> = applicants.iter().map(|a| (*a, 5_000 * COIN)).collect();
    for payments in savings.chunks(MAX_PAYMENTS) {
        city.token(ADMIN).transfer_many(payments).accepted()?;
    }
    for (place, applicant) in applicants.iter().enumerate() {
        city.leases(HOUSING_BUREAU)
            .attest_band(*applicant, band(place))
            .accepted()?;
    }
    city.leases(HOUSING_BUREAU)
        .attest_band(over_limit, MAX_BAND + 1)
        .accepted()?;
    city.leases(HOUSING_BUREAU)
        .attest_band(latecomer, 0)
        .accepted()?;
    // Each deed is recorded in civic records, then registered in the leases.
    let deeds = (LAND_OFFICE, deed_schema(&mut city, LAND_OFFICE));
    let flats: Vec<PropertyId> = (0..FLATS).map(|n| id("xiongan-deed", n)).collect();
    let private = id("xiongan-deed", FLATS);
    let owned = flats
        .iter()
        .map(|flat| (*flat, None))
        .chain([(private, Some(LANDLORD.account()))]);
    for (property, owner) in owned {
        record_deed(&mut city, deeds, property, owner, None);
        city.leases(LAND_OFFICE)
            .register_property(property, owner)
            .accepted()?;
        let asset = city.records(LANDLORD).asset(deeds.1, property).value;
        let latest = asset.and_then(|asset| city.records(LANDLORD).record(asset.latest).value);
        let registered = city.leases(LANDLORD).property(property).value;
        ensure!(
            latest.map(|record| record.data_hash)
                == registered.map(|registered| deed_hash(registered.owner)),
            "the register of {property:?} differs from its deed"
        );
    }
    writeln!(
        out,
        "the land office records the deeds of {FLATS} public flats of the city and a \
         landlord's flat in civic records and registers them by the hashes of their deeds; \
         each entry of the register agrees with its deed; the housing bureau attests the \
         income bands of {} people",
        applicants.len() + 2
    )?;

    // The round: applications for two weeks, the secret revealed within three days after,
    // the winners sign within a week, and the leases start after a month.
    let now = city.now_ms();
    let secret = id("xiongan-lottery-secret", 0);
    let terms = Terms {
        rent: RENT,
        period: MONTH_MS,
        periods: 12,
        deposit: DEPOSIT,
        notice: MONTH_MS,
        third_party_rent: false,
    };
    let plan = RoundPlan {
        flats: flats.clone(),
        kinds: IdentityKind::Citizen.bit() | IdentityKind::Resident.bit(),
        max_band: MAX_BAND,
        closes: now + 14 * DAY_MS,
        commitment: blake2_256(&secret),
        reveal_by: now + 17 * DAY_MS,
        accept_by: now + 24 * DAY_MS,
        lease_start: now + 30 * DAY_MS,
        terms,
    };
    let start = plan.lease_start;
    // A proposal's call carries at most MAX_CALL_INPUT bytes, a round of about a dozen
    // flats: the city opens its round of a hundred while it still holds its seats.
    let bytes = proposed_call(&city.leases, selector_bytes!("open_round"), &plan)
        .input
        .len();
    ensure!(
        bytes > MAX_CALL_INPUT,
        "the round's {bytes} bytes fit in a proposal: open it by proposal"
    );
    let landlords = RoundPlan {
        flats: vec![private],
        ..plan.clone()
    };
    let refused = city.leases(ADMIN).open_round(&landlords).value;
    ensure!(
        refused == Err(LeaseError::FlatUnavailable),
        "a round took the landlord's flat: {refused:?}"
    );
    let round = city
        .leases(ADMIN)
        .open_round(&plan)
        .accepted()
        .context("opening the round")?;
    city.hand_over_to_governance()?;
    let voting = contract_account(&city.voting);
    ensure!(
        city.leases(ADMIN).admin().value == voting,
        "the leases' seat did not move to governance"
    );
    let deployer = city.leases(ADMIN).open_round(&plan).value;
    ensure!(
        deployer == Err(LeaseError::NotAdmin),
        "the deployer opened a round after the handover: {deployer:?}"
    );
    writeln!(
        out,
        "the city opens one round of the {FLATS} flats for citizens and residents up to \
         band {MAX_BAND}, committed to its lottery's secret by its blake2-256 hash (the \
         plan's {bytes} bytes are more than a proposal's call carries, {MAX_CALL_INPUT}, so \
         the city opens it before it hands its seats to governance, and the deployer opens \
         no more after); the landlord's flat cannot join the round"
    )?;

    for (place, applicant) in applicants.iter().enumerate() {
        let index = city.leases(*applicant).apply(round).accepted()?;
        ensure!(
            index as usize == place,
            "application {place} is number {index}"
        );
    }
    let rich = city.leases(over_limit).apply(round).value;
    ensure!(
        rich == Err(LeaseError::NotEligible),
        "an applicant above band {MAX_BAND} applied: {rich:?}"
    );
    advance_to(&mut city, plan.closes)?;
    let late = city.leases(latecomer).apply(round).value;
    ensure!(
        late == Err(LeaseError::RoundClosed),
        "a late application: {late:?}"
    );
    writeln!(
        out,
        "{} citizens and residents apply for the {FLATS} flats; one above the income limit \
         is refused (NotEligible), and after the close a latecomer too (RoundClosed)",
        applicants.len()
    )?;

    let allocated = city
        .leases(HOUSING_BUREAU)
        .allocate(round, Some(secret))
        .accepted()
        .context("allocating the round")?;
    ensure!(allocated == FLATS, "{allocated} winners");
    // Anyone recomputes the allocation from what the chain shows.
    let (data, round_flats, _) = city
        .leases(JOURNALIST)
        .round(round)
        .value
        .context("the round")?;
    let applications: Vec<Application> = (0..data.applicants)
        .map(|index| {
            city.leases(JOURNALIST)
                .application(round, index)
                .value
                .with_context(|| format!("application {index}"))
        })
        .collect::<Result<_>>()?;
    // The seed: the revealed secret (which hashes to the commitment published before
    // anyone applied) hashed with the applications, folded in their order.
    let seed = data.seed.context("the round's seed")?;
    ensure!(
        data.secret == Some(secret)
            && blake2_256(&secret) == data.commitment
            && seed == rule_seed(secret, &applications)
            && round_flats == flats,
        "the round's seed or flats are not the city's"
    );
    let ranking = ranking(&seed, &applications);
    let winners: Vec<AccountId> = city
        .leases(JOURNALIST)
        .winners(round)
        .value
        .context("the winners")?;
    ensure!(
        winners == ranking[..round_flats.len()],
        "the chain's winners are not the rule's"
    );
    let mut by_band = Vec::new();
    for b in 0..=MAX_BAND {
        let of_band = |who: &&AccountId| {
            applications
                .iter()
                .any(|a| a.applicant == **who && a.band == b)
        };
        let applied = ranking.iter().filter(of_band).count();
        let housed = winners.iter().filter(of_band).count();
        by_band.push(format!("{housed} of {applied} in band {b}"));
    }
    writeln!(
        out,
        "after the close the city reveals its secret and the round is allocated, lowest \
         bands first and by lottery within a band: {} housed; recomputed here from the {} public applications and the seed, the rule \
         gives the chain's {} winners in the same order",
        by_band.join(", "),
        applications.len(),
        winners.len()
    )?;

    // The winners sign: each allows the leases its deposit and, but one who pays by hand,
    // a year of rent the rent office collects each month.
    let leases = contract_account(&city.leases);
    let mut signed: Vec<LeaseId> = Vec::new();
    for (place, winner) in winners.iter().enumerate() {
        let allowance = match place {
            BEHIND => DEPOSIT,
            _ => DEPOSIT + 12 * RENT,
        };
        city.token(*winner).approve(leases, allowance).accepted()?;
        signed.push(city.leases(*winner).accept_flat(round).accepted()?);
    }
    for (place, lease) in signed.iter().enumerate() {
        let (data, _) = city
            .leases(JOURNALIST)
            .lease(*lease)
            .value
            .context("a lease")?;
        ensure!(
            data.property == flats[place]
                && data.tenant == winners[place]
                && data.payee == voting
                && data.start == start
                && data.end == start + 12 * MONTH_MS
                && data.terms == terms,
            "winner {place} signed {data:?}"
        );
    }
    let first_waiting = ranking[winners.len()];
    let loser = city.leases(first_waiting).accept_flat(round).value;
    ensure!(
        loser == Err(LeaseError::NotAWinner),
        "a loser signed: {loser:?}"
    );
    ensure!(
        city.balance(leases) == u128::from(FLATS) * DEPOSIT,
        "the leases hold {}",
        coins(city.balance(leases))
    );
    // The first on the waiting list rents the landlord's flat instead, and pays its year.
    let private_terms = Terms {
        rent: 350 * COIN,
        deposit: 700 * COIN,
        ..terms
    };
    city.leases(LANDLORD)
        .offer_lease(private, first_waiting, start, private_terms)
        .accepted()?;
    let private_year = 12 * private_terms.rent;
    city.token(first_waiting)
        .approve(leases, private_terms.deposit + private_year)
        .accepted()?;
    let private_lease = city
        .leases(first_waiting)
        .accept_lease(private)
        .accepted()?;
    writeln!(
        out,
        "the {} winners sign, each the flat of its place, and pay deposits of {} coins ({} \
         held by the leases); a loser cannot sign; the first on the waiting list rents the \
         landlord's flat instead",
        winners.len(),
        coins(DEPOSIT),
        coins(u128::from(FLATS) * DEPOSIT)
    )?;

    // A year of rent, month by month.
    let behind = winners[BEHIND];
    let leaving = winners[LEAVING];
    let treasury_start = city.balance(voting);
    let mut months = harness::table(&["month", "leases", "due", "collected", "arrears"], 1);
    let (mut due, mut collected) = (0, 0);
    for month in 0..12u64 {
        advance_to(&mut city, start + month * MONTH_MS)?;
        if month == 0 {
            city.leases(first_waiting)
                .pay_rent(private_lease, private_year)
                .accepted()?;
            ensure!(
                city.balance(LANDLORD) == private_year,
                "the landlord got {}",
                coins(city.balance(LANDLORD))
            );
        }
        let treasury = city.balance(voting);
        let live = if month < STAYS { FLATS } else { FLATS - 1 };
        let mut this_month = 0;
        for (place, lease) in signed.iter().enumerate() {
            if place == BEHIND || (place == LEAVING && month >= STAYS) {
                continue;
            }
            let pulled = city
                .leases(RENT_OFFICE)
                .collect_rent(*lease)
                .accepted()
                .with_context(|| format!("month {}", month + 1))?;
            ensure!(
                pulled == RENT,
                "collected {} from lease {lease}",
                coins(pulled)
            );
            this_month += pulled;
        }
        // The tenant who pays by hand misses months 3 and 4, and catches up in month 5.
        let by_hand = match month {
            2 | 3 => 0,
            4 => 3 * RENT,
            _ => RENT,
        };
        if by_hand > 0 {
            city.token(behind).approve(leases, by_hand).accepted()?;
            city.leases(behind)
                .pay_rent(signed[BEHIND], by_hand)
                .accepted()?;
            this_month += by_hand;
        }
        ensure!(
            city.balance(voting) - treasury == this_month,
            "the treasury got {} in month {}, not {}",
            coins(city.balance(voting) - treasury),
            month + 1,
            coins(this_month)
        );
        due += u128::from(live) * RENT;
        collected += this_month;
        let (_, status) = city
            .leases(JOURNALIST)
            .lease(signed[BEHIND])
            .value
            .context("the lease behind")?;
        ensure!(
            status.arrears == due - collected,
            "month {}: the lease shows {} in arrears, the treasury is short of {}",
            month + 1,
            coins(status.arrears),
            coins(due - collected)
        );
        months.add_row([
            (month + 1).to_string(),
            live.to_string(),
            coins(u128::from(live) * RENT),
            coins(this_month),
            coins(status.arrears),
        ]);
        if month == 3 {
            ensure!(
                (status.due, status.paid, status.arrears) == (4 * RENT, 2 * RENT, 2 * RENT),
                "the lease behind: {status:?}"
            );
        }
        if month == 5 {
            // Six months in, a tenant gives notice to leave after its eighth.
            city.leases(leaving)
                .give_notice(signed[LEAVING], start + STAYS * MONTH_MS)
                .accepted()
                .context("giving notice")?;
        }
        if month == STAYS {
            let deposit = leave(&mut city, signed[LEAVING], leaving, (CLAIMED, ALLOWED))?;
            ensure!(
                deposit == DEPOSIT - ALLOWED,
                "{} of the deposit returned",
                coins(deposit)
            );
        }
    }
    writeln!(
        out,
        "a year of rent to the city's treasury (e-voting): the rent office collects each \
         month from the tenants' allowances, and one tenant pays by hand; it misses months \
         3 and 4 (its lease shows {} in arrears) and pays them in month 5:\n{months}",
        coins(2 * RENT)
    )?;
    writeln!(
        out,
        "a tenant gives notice in month 6 and leaves after month {STAYS}: the city claims {} \
         coins of its deposit for damage, by proposal; until governance rules the deposit \
         waits; governance allows {} (to the treasury) and the tenant gets {} back; \
         tenant_of answers it until its lease's end and nobody from then on",
        coins(CLAIMED),
        coins(ALLOWED),
        coins(DEPOSIT - ALLOWED)
    )?;

    // The year is over.
    let end = start + 12 * MONTH_MS;
    advance_to(&mut city, end)?;
    let during = city.leases(JOURNALIST).tenant_of(flats[0], end - 1).value;
    let after = city.leases(JOURNALIST).tenant_of(flats[0], end).value;
    let before = city.leases(JOURNALIST).tenant_of(flats[0], start - 1).value;
    ensure!(
        during == Some(winners[0]) && after.is_none() && before.is_none(),
        "the first flat's tenant: {before:?} before, {during:?} during, {after:?} after"
    );
    let (_, _, count) = city.leases(JOURNALIST).counts().value;
    let mut held = 0;
    let mut settled = 0;
    for lease in 0..count {
        let (data, status) = city
            .leases(JOURNALIST)
            .lease(lease)
            .value
            .context("a lease")?;
        ensure!(
            status.arrears == 0 && status.paid == status.total,
            "lease {lease} ends with {status:?}"
        );
        let holds = data.terms.deposit - data.deducted - data.returned;
        held += holds;
        settled += u32::from(holds == 0);
    }
    let expected = u128::from(FLATS - 1) * DEPOSIT + private_terms.deposit;
    ensure!(
        city.balance(leases) == held && held == expected && settled == 1,
        "the leases hold {}, their deposits {} ({settled} settled)",
        coins(city.balance(leases)),
        coins(held)
    );
    let treasury = city.balance(voting) - treasury_start;
    ensure!(
        treasury == collected + ALLOWED && collected == due,
        "the treasury got {} of {} rent due and {} deducted",
        coins(treasury),
        coins(due),
        coins(ALLOWED)
    );
    writeln!(
        out,
        "at the year's end every lease is paid in full ({} coins of rent and {} of \
         deduction in the treasury) and nobody holds the flats; the leases hold {} coins, \
         exactly the deposits of the {} leases not settled",
        coins(collected),
        coins(ALLOWED),
        coins(held),
        count - settled
    )?;
    Ok(())
}

/// The tenant of `lease` left at its end, now: the city claims `claimed` of its deposit
/// and governance allows `allowed`, each by proposal; the tenant takes back the rest.
/// Returns what came back.
fn leave(
    city: &mut City,
    lease: LeaseId,
    tenant: AccountId,
    (claimed, allowed): (u128, u128),
) -> Result<u128> {
    let now = city.now_ms();
    let (data, _) = city
        .leases(JOURNALIST)
        .lease(lease)
        .value
        .context("the lease ending")?;
    ensure!(data.end == now, "the lease ends at {}, not now", data.end);
    let nothing_due = city.leases(RENT_OFFICE).collect_rent(lease).value;
    let during = city
        .leases(JOURNALIST)
        .tenant_of(data.property, now - 1)
        .value;
    let after = city.leases(JOURNALIST).tenant_of(data.property, now).value;
    ensure!(
        nothing_due == Err(LeaseError::NoArrears) && during == Some(tenant) && after.is_none(),
        "at the notice's end: {nothing_due:?}, the tenant {during:?} then {after:?}"
    );
    let evidence = id("xiongan-inspection", lease);
    let by_deployer = city
        .leases(ADMIN)
        .claim_deduction(lease, claimed, evidence)
        .value;
    ensure!(
        by_deployer == Err(LeaseError::NotOwner),
        "the deployer claimed for the city: {by_deployer:?}"
    );
    let claim = proposed_call(
        &city.leases,
        selector_bytes!("claim_deduction"),
        (lease, claimed, evidence),
    );
    govern(city, "Claim for the damage to a public flat", &[claim])?;
    let waits = city.leases(tenant).return_deposit(lease).value;
    ensure!(
        waits == Err(LeaseError::DepositWaits),
        "the deposit did not wait for the ruling: {waits:?}"
    );
    let voting = contract_account(&city.voting);
    let treasury = city.balance(voting);
    let rule = proposed_call(
        &city.leases,
        selector_bytes!("rule_on_claim"),
        (lease, allowed),
    );
    govern(city, "Rule on the claim for the damage", &[rule])?;
    ensure!(
        city.balance(voting) - treasury == allowed,
        "the ruling paid the treasury {}",
        coins(city.balance(voting) - treasury)
    );
    let savings = city.balance(tenant);
    let returned = city
        .leases(tenant)
        .return_deposit(lease)
        .accepted()
        .context("returning the deposit")?;
    let (data, _) = city
        .leases(JOURNALIST)
        .lease(lease)
        .value
        .context("the lease ended")?;
    ensure!(
        city.balance(tenant) - savings == returned
            && (data.deducted, data.returned) == (allowed, returned),
        "the deposit's ledger: {data:?}"
    );
    Ok(returned)
}

fn story(out: &mut dyn Write) -> Result<()> {
    garbage(out)?;
    flood_control(out)?;
    housing(out)
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: XIONGAN,
};

/// Xiong'an: smart bins pay for sorted garbage by category and weight; the points buy
/// daily goods; the treasury escrows a levee whose workers are paid directly; a round of
/// the city's flats is allocated by lottery, and their tenants pay rent each period.
const XIONGAN: Profile = Profile {
    city: "xiongan",
    title: "Xiong'an: garbage points, flood-control works and public flats",
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
    charity: None,
    housing: Some(Housing {
        people_per_flat: 10,
        flats: (5, 96),
        kinds: PEOPLE,
        max_band: 3,
        apply_pct: 30,
        apply_days: 3,
        monthly_rent: 150 * COIN,
        deposit: 300 * COIN,
        by_hand_pct: 20,
        behind_pct: 10,
    }),
};
