//! The six seed cities on the real Wasm. Each city tells its story through the contracts
//! (scripted steps that check their own outcome and fail loudly when one does not hold),
//! then lives at scale: a [`Profile`] of `--citizens` people over `--days` days, run by
//! [`crate::life`]. `city simulate <city>|all` runs them, one city per core.

use std::{
    io::Write,
    panic::AssertUnwindSafe,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex, PoisonError,
    },
};

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    kinds, Action, Attestation, CivicRole, IdentityKind, PollId, RewardError, Role, Rule,
    TransferPolicy, VotingError,
};

use harness::{
    call::Outcome,
    city::{crowd_member, numbered_id, Actor, City, ADMIN, BUS, COIN, REWARD_CAP_PER_EPOCH, SHOP},
};

use crate::{
    life::{self as sim, coins, Options, Profile},
    report::{CityReport, Report},
};

mod estonia;
mod flood_control;
mod hangzhou;
mod profiles;
mod zug;

/// The six cities, in the order of the report.
pub const CITIES: [&str; 6] = [
    "xiongan",
    "seoul",
    "san-marino",
    "zug",
    "estonia",
    "hangzhou",
];

const DAY_MS: u64 = 86_400_000;

/// Tells the story of city `name`, narrating to `out`.
///
/// # Errors
/// If there is no such city, or a step of its story does not hold.
pub fn story(name: &str, out: &mut impl Write) -> Result<()> {
    match name {
        "xiongan" => {
            xiongan_garbage(out)?;
            flood_control::xiongan_flood_control(out)
        }
        "seoul" => seoul_scoin(out),
        "san-marino" => san_marino_eco(out),
        "zug" => zug::zug_poll(out),
        "estonia" => estonia::estonia_ivote(out),
        "hangzhou" => hangzhou::hangzhou_stakeholders(out),
        _ => anyhow::bail!("no city {name}; there are: all, {}", CITIES.join(", ")),
    }
}

/// How city `name` lives at scale.
pub fn profile(name: &str) -> Option<&'static Profile> {
    profiles::ALL.iter().find(|profile| profile.city == name)
}

/// The cities a `city simulate` argument names: one city, or `all`.
///
/// # Errors
/// If there is no such city.
pub fn cities(name: &str) -> Result<Vec<&'static str>> {
    match name {
        "all" => Ok(CITIES.to_vec()),
        _ => CITIES
            .iter()
            .find(|city| **city == name)
            .map(|city| vec![*city])
            .ok_or_else(|| anyhow!("no city {name}; there are: all, {}", CITIES.join(", "))),
    }
}

/// Tells each city's story and lives it at scale with `options`, one city per core;
/// `progress` hears of every simulated day. The report lists the cities in the given
/// order, whatever order they finish in.
///
/// # Errors
/// The first city that fails, with its name.
pub fn simulate(
    names: &[&'static str],
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Report> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<CityReport>>>> =
        Mutex::new(names.iter().map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(names.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(name) = names.get(index) else {
                    return;
                };
                // A panic (a harness-level failure: a trap, a call that could not be
                // made) is this city's error, not the whole run's.
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    simulate_city(name, options, progress)
                }))
                .unwrap_or_else(|panic| Err(anyhow!("it panicked: {}", panic_message(&*panic))));
                results.lock().unwrap_or_else(PoisonError::into_inner)[index] = Some(result);
            });
        }
    });
    let cities = results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .zip(names)
        .map(|(result, name)| {
            result
                .unwrap_or_else(|| Err(anyhow!("not run")))
                .map_err(|error| error.context(name.to_string()))
        })
        .collect::<Result<_>>()?;
    Ok(Report { cities })
}

/// What a panic said, if it said it in words.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

fn simulate_city(name: &str, options: Options, progress: &(dyn Fn() + Sync)) -> Result<CityReport> {
    let mut narration = Vec::new();
    // The stories run on the real suite of their own; a self-test is about life at scale.
    if options.broken.is_none() {
        story(name, &mut narration)?;
    }
    let profile = profile(name).ok_or_else(|| anyhow!("no profile for {name}"))?;
    let mut report = sim::live(profile, options, progress)?;
    report.story = String::from_utf8(narration)?;
    Ok(report)
}

/// A document hash for the `n`th identity of a scenario.
fn document(scenario: u8, n: u32) -> [u8; 32] {
    numbered_id(scenario, n)
}

/// A receipt id, unique per device tag and number.
fn receipt(device: u8, n: u32) -> [u8; 32] {
    numbered_id(device, n)
}

/// The city with the admin as registrar, service providers registered and civic points.
fn civic_city() -> Result<City> {
    let mut city = City::new()?;
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, ADMIN)
        .ok();
    for provider in [SHOP, BUS] {
        city.token(ADMIN)
            .grant_role(Role::ServiceProvider, provider)
            .ok();
    }
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .ok();
    Ok(city)
}

/// Registers `count` identities of `kind` from crowd `crowd`, valid for `valid_ms`.
fn enrol(
    city: &mut City,
    crowd: &str,
    scenario: u8,
    count: u32,
    kind: IdentityKind,
    valid_ms: u64,
) {
    let expires = city.now_ms() + valid_ms;
    for n in 0..count {
        city.registry(ADMIN)
            .register(crowd_member(crowd, n), kind, document(scenario, n), expires)
            .ok();
    }
}

/// A device with the registry's attester role, authorised for `actions`.
fn install_device(city: &mut City, device: Actor, actions: &[Action]) {
    city.registry(ADMIN)
        .grant_role(CivicRole::Attester, device)
        .ok();
    city.rewards(ADMIN).authorise_attester(device, actions).ok();
}

fn set_rule(city: &mut City, action: Action, reward: u128, per: u128, who: &[IdentityKind]) {
    let rule = Rule {
        reward,
        per,
        kinds: kinds(who),
    };
    city.rewards(ADMIN).set_rule(action, Some(rule), 0).ok();
}

/// Every member of a crowd of `count` redeems `amount(what it holds)` at `provider`;
/// returns the total spent.
fn spend(
    city: &mut City,
    (crowd, count): (&str, u32),
    provider: Actor,
    memo: &[u8],
    amount: impl Fn(u128) -> u128,
) -> u128 {
    let mut spent = 0;
    for n in 0..count {
        let member = crowd_member(crowd, n);
        let price = amount(city.balance(member));
        if price > 0 {
            city.token(member).redeem(provider, price, memo).ok();
            spent += price;
        }
    }
    spent
}

/// The number of a poll that opened, or why it did not.
fn opened(outcome: Outcome<Result<PollId, VotingError>>) -> Result<PollId> {
    outcome
        .value
        .map_err(|error| anyhow::anyhow!("the poll did not open: {error:?}"))
}

/// Xiong'an: smart bins reward sorted garbage by category and weight; the points buy
/// daily goods at the corner shop.
fn xiongan_garbage(out: &mut impl Write) -> Result<()> {
    const NEIGHBOURS: u32 = 24;
    let mut city = civic_city()?;
    writeln!(out, "\n== Xiong'an: smart bins reward sorted garbage ==")?;
    enrol(
        &mut city,
        "xiongan",
        1,
        NEIGHBOURS,
        IdentityKind::Resident,
        365 * DAY_MS,
    );
    let bin = Actor("xiongan-smart-bin");
    install_device(
        &mut city,
        bin,
        &[
            Action::Recyclables,
            Action::KitchenWaste,
            Action::HazardousWaste,
        ],
    );
    // Coins per kilogram: recyclables 2, kitchen waste 0.5, hazardous 5.
    let residents = [IdentityKind::Citizen, IdentityKind::Resident];
    set_rule(&mut city, Action::Recyclables, 2 * COIN, 1_000, &residents);
    set_rule(&mut city, Action::KitchenWaste, COIN / 2, 1_000, &residents);
    set_rule(
        &mut city,
        Action::HazardousWaste,
        5 * COIN,
        1_000,
        &residents,
    );

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
                    receipt: receipt(1, n * 3 + c as u32),
                    beneficiary: crowd_member("xiongan", n),
                    action,
                    quantity: grams,
                }
            })
        })
        .collect();
    let mut paid = 0;
    for batch in drops.chunks(50) {
        paid += city.rewards(bin).attest_batch(batch).ok();
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
    );
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

/// Seoul: S-coin for paying taxes, answering polls and volunteering, spent on public
/// services; an expired citizen card earns nothing.
fn seoul_scoin(out: &mut impl Write) -> Result<()> {
    const CITIZENS: u32 = 12;
    let mut city = civic_city()?;
    writeln!(out, "\n== Seoul: S-coin for civic life ==")?;
    enrol(
        &mut city,
        "seoul",
        2,
        CITIZENS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    );
    // One card that lapses tomorrow.
    let lapsing = crowd_member("seoul-lapsing", 0);
    let tomorrow = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::Citizen, document(2, 999), tomorrow)
        .ok();

    let tax_office = Actor("seoul-tax-office");
    let poll_app = Actor("seoul-poll-app");
    let volunteer_centre = Actor("seoul-volunteer-centre");
    install_device(&mut city, tax_office, &[Action::TaxPaid]);
    install_device(&mut city, poll_app, &[Action::PollAnswered]);
    install_device(&mut city, volunteer_centre, &[Action::Volunteering]);
    let citizens = [IdentityKind::Citizen];
    set_rule(&mut city, Action::TaxPaid, 1, 100, &citizens); // a 1% rebate
    set_rule(&mut city, Action::PollAnswered, COIN, 1, &citizens); // a coin per answer
    set_rule(&mut city, Action::Volunteering, 10 * COIN, 60, &citizens); // 10 per hour

    let mut counter = 0;
    let mut next = || {
        counter += 1;
        counter
    };
    for n in 0..CITIZENS {
        let citizen = crowd_member("seoul", n);
        let tax = 50_000 + u128::from(n) * 10_000; // 500 to 1,600 KRW-cents of tax
        city.rewards(tax_office)
            .attest(receipt(2, next()), citizen, Action::TaxPaid, tax)
            .ok();
        city.rewards(poll_app)
            .attest(receipt(3, next()), citizen, Action::PollAnswered, 1)
            .ok();
        if n % 3 == 0 {
            city.rewards(volunteer_centre)
                .attest(receipt(4, next()), citizen, Action::Volunteering, 240)
                .ok();
        }
    }
    writeln!(
        out,
        "{CITIZENS} citizens get tax rebates and answer a poll; a third volunteer 4 hours"
    )?;
    // Citizen 0 has earned 46 coins today (5 of rebate, 1 for the poll, 40 for four
    // hours); four more hours pay the 4 coins left under the cap, and then nothing.
    let volunteer = crowd_member("seoul", 0);
    let mut volunteer_more = |city: &mut City| {
        city.rewards(volunteer_centre)
            .attest(receipt(4, next()), volunteer, Action::Volunteering, 240)
            .value
    };
    let topped_up = volunteer_more(&mut city);
    let capped = volunteer_more(&mut city);
    ensure!(
        topped_up == Ok(4 * COIN) && capped == Ok(0),
        "the daily cap did not hold: {topped_up:?}, then {capped:?}"
    );
    ensure!(
        city.balance(volunteer) == REWARD_CAP_PER_EPOCH,
        "the volunteer holds {}",
        coins(city.balance(volunteer))
    );
    writeln!(
        out,
        "a busy volunteer reaches the daily cap of {} coins; more hours earn nothing today",
        coins(REWARD_CAP_PER_EPOCH)
    )?;

    city.advance_time(DAY_MS);
    let lapsed =
        city.rewards(poll_app)
            .attest(receipt(3, next()), lapsing, Action::PollAnswered, 1);
    ensure!(
        lapsed.value == Err(RewardError::NotEligible),
        "an expired card earned: {:?}",
        lapsed.value
    );
    writeln!(out, "an expired citizen card earns nothing")?;

    let fares = spend(&mut city, ("seoul", CITIZENS), BUS, b"bus fare", |held| {
        held.min(12 * COIN)
    });
    ensure!(
        city.balance(BUS) == fares,
        "the bus got {}",
        city.balance(BUS)
    );
    writeln!(
        out,
        "citizens ride the city bus for {} coins of S-coin",
        coins(fares)
    )?;
    Ok(())
}

/// San Marino: eco rewards for water saved and waste disposed of properly, spent at a
/// public service.
fn san_marino_eco(out: &mut impl Write) -> Result<()> {
    const HOUSEHOLDS: u32 = 10;
    let mut city = civic_city()?;
    writeln!(out, "\n== San Marino: eco rewards ==")?;
    enrol(
        &mut city,
        "san-marino",
        3,
        HOUSEHOLDS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    );
    let water_meter = Actor("san-marino-water-meters");
    let waste_station = Actor("san-marino-waste-station");
    install_device(&mut city, water_meter, &[Action::WaterSaved]);
    install_device(
        &mut city,
        waste_station,
        &[Action::OtherWaste, Action::BatteryReturned],
    );
    let citizens = [IdentityKind::Citizen, IdentityKind::Resident];
    set_rule(&mut city, Action::WaterSaved, COIN, 100, &citizens); // a coin per 100 l
    set_rule(&mut city, Action::OtherWaste, COIN, 1_000, &citizens); // a coin per kg
    set_rule(&mut city, Action::BatteryReturned, COIN / 2, 1, &citizens);

    let mut saved_litres = 0;
    for n in 0..HOUSEHOLDS {
        let household = crowd_member("san-marino", n);
        let litres = 200 + u128::from(n) * 150;
        saved_litres += litres;
        city.rewards(water_meter)
            .attest(receipt(5, n), household, Action::WaterSaved, litres)
            .ok();
        city.rewards(waste_station)
            .attest(receipt(6, n), household, Action::OtherWaste, 3_000)
            .ok();
        city.rewards(waste_station)
            .attest(receipt(7, n), household, Action::BatteryReturned, 4)
            .ok();
    }
    let minted = city.rewards(ADMIN).minted_total().value;
    // Per household: litres / 100 coins, 3 coins of waste, 2 coins of batteries.
    let expected: u128 = (0..HOUSEHOLDS)
        .map(|n| (200 + u128::from(n) * 150) * COIN / 100 + 3 * COIN + 2 * COIN)
        .sum();
    ensure!(minted == expected, "minted {minted}, expected {expected}");
    writeln!(
        out,
        "{HOUSEHOLDS} households save {saved_litres} litres and dispose of waste: {} coins",
        coins(minted)
    )?;

    // Households spend their eco coins on the city bus (a public service).
    let spent = spend(
        &mut city,
        ("san-marino", HOUSEHOLDS),
        BUS,
        b"bus pass",
        |held| held,
    );
    ensure!(spent == minted, "spent {spent} of {minted}");
    writeln!(
        out,
        "and spend all {} coins on public services",
        coins(spent)
    )?;
    Ok(())
}
