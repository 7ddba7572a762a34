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
    time::Instant,
};

use anyhow::{anyhow, Context, Result};
use city_traits::{
    receipt_hash, Action, AtEnd, Attestation, CampaignPlan, Chain, CharityError, CivicRole,
    EarmarkPlan, IdentityKind, PollId, RecordStatus, RecordsError, RewardError, Role, Standing,
    Subject, TransferPolicy, VotingError, WHOLE,
};

use harness::{
    call::Outcome,
    city::{
        crowd_member, Actor, City, ADMIN, BLOCK_TIME_MS, BUS, CHARITY_MAX_THRESHOLD, COIN,
        REWARD_CAP_PER_EPOCH, SHOP,
    },
    merkle::{entry_digest, LogBatch},
    records::{schema, BatteryChain},
    yardstick, Fixture,
};

use IdentityKind::{Citizen, EResident, Resident, Visitor};

use crate::{
    life::{
        self as sim, coins, Activity, Batteries, Charity, Earmark, Group, Housing, Options,
        PollPlan, Profile, Provider, Spending, Works,
    },
    pace::Pace,
    report::{CityReport, Report},
};

mod estonia;
mod hangzhou;
mod san_marino;
mod seoul;
mod xiongan;
mod zug;

/// A seed city: the story it tells on the real suite and how it lives at scale.
pub struct SeedCity {
    /// Tells the story, narrating to the writer; an error names the step that did not
    /// hold.
    pub story: fn(&mut dyn Write) -> Result<()>,
    /// How the city lives at scale; its `city` is the city's name.
    pub profile: Profile,
}

impl SeedCity {
    /// The city's short name (`xiongan`).
    pub fn name(&self) -> &'static str {
        self.profile.city
    }
}

/// The six cities, in the order of the report. Adding a city is a file in `cities/` with
/// its `CITY`, a `mod` line and a line here.
pub static CITIES: [SeedCity; 6] = [
    xiongan::CITY,
    seoul::CITY,
    san_marino::CITY,
    zug::CITY,
    estonia::CITY,
    hangzhou::CITY,
];

const DAY_MS: u64 = 86_400_000;
/// Blocks in a day: record expiries are block numbers.
const BLOCKS_PER_DAY: u32 = (DAY_MS / BLOCK_TIME_MS) as u32;

/// The city called `name`.
///
/// # Errors
/// If there is no such city.
pub fn city(name: &str) -> Result<&'static SeedCity> {
    CITIES
        .iter()
        .find(|city| city.name() == name)
        .ok_or_else(|| anyhow!("no city {name}; there are: all, {}", names().join(", ")))
}

/// The cities' names, in the order of the report.
pub fn names() -> Vec<&'static str> {
    CITIES.iter().map(SeedCity::name).collect()
}

/// Tells the story of city `name`, narrating to `out`.
///
/// # Errors
/// If there is no such city, or a step of its story does not hold.
pub fn story(name: &str, out: &mut dyn Write) -> Result<()> {
    (city(name)?.story)(out)
}

/// The cities a `city simulate` argument names: one city, or `all`.
///
/// # Errors
/// If there is no such city.
pub fn cities(name: &str) -> Result<Vec<&'static SeedCity>> {
    match name {
        "all" => Ok(CITIES.iter().collect()),
        _ => Ok(vec![city(name)?]),
    }
}

/// Tells each city's story and lives it at scale with `options`, one city per core;
/// `progress` hears of every simulated day. The report lists the cities in the given
/// order, whatever order they finish in.
///
/// # Errors
/// The first city that fails, with its name.
pub fn simulate(
    cities: &[&SeedCity],
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<Report> {
    run(cities, options, progress).map(|(report, _)| report)
}

/// [`simulate`], timed: the bundles are loaded before the clock starts, so the pace is the
/// simulation's alone, and the floor's call rate is measured before and after it
/// ([`harness::yardstick::around`]), so that its rate is quoted as a ratio to the floor's
/// in the same run.
///
/// # Errors
/// If a bundle does not build or load, the floor cannot be measured, or a city fails (as
/// [`simulate`]).
pub fn simulate_timed(
    cities: &[&SeedCity],
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<(Report, Pace)> {
    harness::bundles::load_suite(options.broken)?;
    let ((report, cpu_seconds, seconds), floor_calls_per_cpu_second) = yardstick::around(|| {
        let started = Instant::now();
        let (report, cpu_seconds) = run(cities, options, progress)?;
        Ok((report, cpu_seconds, started.elapsed().as_secs_f64()))
    })?;
    let pace = Pace {
        calls: report.calls(),
        seconds,
        cpu_seconds: cpu_seconds.iter().sum(),
        workers: workers(cities),
        floor_calls_per_cpu_second,
    };
    Ok((report, pace))
}

/// What a thread made, and the seconds of CPU time it took.
type Timed<T> = (Result<T>, f64);

/// The cities that run at once: one per core, at most one per city.
fn workers(cities: &[&SeedCity]) -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(cities.len())
}

/// Runs the cities, one per core; returns the report and each city's seconds of CPU time.
fn run(
    cities: &[&SeedCity],
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<(Report, Vec<f64>)> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Timed<CityReport>>>> =
        Mutex::new(cities.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers(cities) {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(city) = cities.get(index) else {
                    return;
                };
                let cpu = yardstick::thread_cpu_time();
                // A panic (a harness-level failure: a trap, a call that could not be
                // made) is this city's error, not the whole run's.
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    simulate_city(city, options, progress)
                }))
                .unwrap_or_else(|panic| Err(anyhow!("it panicked: {}", panic_message(&*panic))));
                let cpu_seconds = (yardstick::thread_cpu_time() - cpu).as_secs_f64();
                results.lock().unwrap_or_else(PoisonError::into_inner)[index] =
                    Some((result, cpu_seconds));
            });
        }
    });
    let mut seconds = Vec::new();
    let cities = results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .zip(cities)
        .map(|(result, city)| {
            let (result, took) = result.unwrap_or_else(|| (Err(anyhow!("not run")), 0.0));
            seconds.push(took);
            result.map_err(|error| error.context(city.name()))
        })
        .collect::<Result<_>>()?;
    Ok((Report { cities }, seconds))
}

/// What a panic said, if it said it in words.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

fn simulate_city(
    city: &SeedCity,
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<CityReport> {
    let mut narration = Vec::new();
    // The stories run on the real suite of their own; a self-test is about life at scale.
    if options.broken.is_none() {
        (city.story)(&mut narration).context("its story")?;
    }
    let mut report = sim::live(&city.profile, options, progress)?;
    report.story = String::from_utf8(narration)?;
    Ok(report)
}

/// The `n`th id (a document hash, a receipt, a salt) of a series named `series`: the
/// BLAKE2-256 hash of both, so that ids of different series or numbers never meet and no
/// story has to pick free tag bytes.
fn id(series: &str, n: u32) -> [u8; 32] {
    let mut hash = [0; 32];
    ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(&(series, n), &mut hash);
    hash
}

/// The city with the admin as registrar, service providers registered and civic points.
fn civic_city() -> Result<City> {
    let mut city = Fixture::new()
        .registrar()
        .token_role(Role::ServiceProvider, SHOP)
        .token_role(Role::ServiceProvider, BUS)
        .build()?;
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .accepted()?;
    Ok(city)
}

/// A suite of its own for a city's records chapter: the admin is registrar, and each of
/// `keepers` holds the registry's `Issuer` role.
fn keepers_city(keepers: &[Actor]) -> Result<City> {
    keepers
        .iter()
        .fold(Fixture::new().registrar(), |fixture, keeper| {
            fixture.civic_role(CivicRole::Issuer, *keeper)
        })
        .build()
}

/// Registers `count` identities of `kind` from crowd `crowd`, valid for `valid_ms`; the
/// `n`th shows document `id(crowd, n)`.
fn enrol(
    city: &mut City,
    crowd: &str,
    count: u32,
    kind: IdentityKind,
    valid_ms: u64,
) -> Result<()> {
    let expires = city.now_ms() + valid_ms;
    for n in 0..count {
        city.registry(ADMIN)
            .register(crowd_member(crowd, n), kind, id(crowd, n), expires)
            .accepted()?;
    }
    Ok(())
}

/// Every member of a crowd of `count` redeems `amount(what it holds)` at `provider`;
/// returns the total spent.
fn spend(
    city: &mut City,
    (crowd, count): (&str, u32),
    provider: Actor,
    memo: &[u8],
    amount: impl Fn(u128) -> u128,
) -> Result<u128> {
    let mut spent = 0;
    for n in 0..count {
        let member = crowd_member(crowd, n);
        let price = amount(city.balance(member));
        if price > 0 {
            city.token(member)
                .redeem(provider, price, memo)
                .accepted()?;
            spent += price;
        }
    }
    Ok(spent)
}

/// The number of a poll that opened, or why it did not.
fn opened(outcome: Outcome<Result<PollId, VotingError>>) -> Result<PollId> {
    outcome.accepted().context("opening the poll")
}

const YEAR: u32 = 365;
const TREASURY: u128 = 1_000_000 * COIN;
const PEOPLE: &[IdentityKind] = &[Citizen, Resident];

/// A group valid for a year, without token voting power.
const fn group(crowd: &'static str, kind: IdentityKind, share: u32) -> Group {
    Group {
        crowd,
        kind,
        share,
        valid_days: YEAR,
        track_votes: false,
    }
}

/// A one-person-one-vote poll without re-voting.
const fn poll(
    day: u32,
    question: &'static str,
    options: &'static [&'static str],
    kinds: &'static [IdentityKind],
    turnout_pct: u32,
    weights: &'static [u32],
) -> PollPlan {
    PollPlan {
        day,
        question,
        options,
        kinds,
        turnout_pct,
        weights,
        revote_pct: 0,
        change: None,
        by_tokens: false,
    }
}
