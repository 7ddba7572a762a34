//! The leases' figures: properties registered (the city's flat, a landlord's), an income
//! band attested, a round of 10 flats opened, applied to by 50 residents, allocated and a
//! flat accepted; a landlord's offer signed, its rent paid and collected, notice given,
//! a deduction claimed and ruled on and the deposit returned; and `tenant_of` on a
//! property with 12 leases.

use anyhow::{ensure, Context, Result};
use city_traits::{CivicRole, IdentityKind, RoundPlan, Terms};
use harness::{
    city::{contract_account, crowd_member, numbered_id, Actor, City, ADMIN, ALICE, BOB, COIN},
    fixture::document,
};
use ink::primitives::AccountId;

use super::Measurement;

const LAND_OFFICE: Actor = Actor("bench-land-office");
const LANDLORD: Actor = Actor("bench-landlord");
const DAY_MS: u64 = 86_400_000;
const MONTH_MS: u64 = 30 * DAY_MS;
/// The city's flats the measured round allocates.
const FLATS: u32 = 10;
/// The residents who apply to it.
const APPLICANTS: u32 = 50;
/// The leases of the property `tenant_of` searches.
const ROW_LEASES: u32 = 12;
/// The city's secret for the round's lottery.
const SECRET: [u8; 32] = [0x5e; 32];

/// The `n`th applicant to the round.
fn applicant(n: u32) -> AccountId {
    crowd_member("bench-applicant", n)
}

/// The city's `n`th flat.
fn flat(n: u32) -> [u8; 32] {
    numbered_id(0xf1, n)
}

/// The commitment to a secret: its blake2-256 hash, as the contract checks it.
fn commitment(secret: &[u8; 32]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(secret, &mut hash);
    hash
}

/// The `n`th applicant's income band: 0 to 3 in turn.
fn band(n: u32) -> u8 {
    (n % 4) as u8
}

/// An applicant's lottery ticket: blake2-256 of the seed followed by its account.
fn ticket(seed: &[u8; 32], applicant: &AccountId) -> [u8; 32] {
    let mut input = [0u8; 64];
    input[..32].copy_from_slice(seed);
    input[32..].copy_from_slice(applicant.as_ref());
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&input, &mut hash);
    hash
}

/// Measures the leases on a fresh city.
pub fn leases_weights() -> Result<Vec<Measurement>> {
    let mut city = City::new()?;
    let expiry = city.now_ms() + 2 * 365 * DAY_MS;
    city.appoint_registrar(ADMIN)?;
    city.grant_civic_role(CivicRole::LandOffice, [LAND_OFFICE.account()])?;
    let people = [LANDLORD.account(), ALICE.account()]
        .into_iter()
        .chain((0..APPLICANTS).map(applicant));
    for who in people {
        city.registry(ADMIN)
            .register(who, IdentityKind::Resident, document(who), expiry)
            .accepted()?;
    }
    let leases = contract_account(&city.leases);
    city.token(ADMIN)
        .transfer(ALICE, 10_000 * COIN)
        .accepted()?;
    city.token(ALICE)
        .approve(leases, 10_000 * COIN)
        .accepted()?;
    city.advance_blocks(1);
    let mut weights = Vec::new();

    // Properties: the city's flats, and a landlord's home and row of lets.
    let register = city.leases(LAND_OFFICE).register_property(flat(0), None);
    weights.push(Measurement::of("register_property (the city's)", &register));
    for n in 1..FLATS {
        city.leases(LAND_OFFICE)
            .register_property(flat(n), None)
            .accepted()?;
    }
    let (home, row) = ([0xa1; 32], [0xa2; 32]);
    let landlords = city
        .leases(LAND_OFFICE)
        .register_property(home, Some(LANDLORD.account()));
    weights.push(Measurement::of(
        "register_property (a landlord's)",
        &landlords,
    ));
    city.leases(LAND_OFFICE)
        .register_property(row, Some(LANDLORD.account()))
        .accepted()?;

    let attest = city.leases(ADMIN).attest_band(applicant(0), band(0));
    weights.push(Measurement::of("attest_band", &attest));
    for n in 1..APPLICANTS {
        city.leases(ADMIN)
            .attest_band(applicant(n), band(n))
            .accepted()?;
    }
    city.advance_blocks(1);

    // A round of the city's flats: applications for a week, leases from three weeks on.
    let closes = city.now_ms() + 7 * DAY_MS;
    let accept_by = closes + 14 * DAY_MS;
    let plan = RoundPlan {
        flats: (0..FLATS).map(flat).collect(),
        kinds: IdentityKind::Citizen.bit() | IdentityKind::Resident.bit(),
        max_band: 3,
        closes,
        commitment: commitment(&SECRET),
        reveal_by: closes + DAY_MS,
        accept_by,
        lease_start: accept_by,
        terms: Terms {
            rent: 300 * COIN,
            period: MONTH_MS,
            periods: 24,
            deposit: 600 * COIN,
            notice: MONTH_MS,
            third_party_rent: true,
        },
    };
    let open = city.leases(ADMIN).open_round(&plan);
    weights.push(Measurement::of(
        &format!("open_round ({FLATS} flats)"),
        &open,
    ));
    let round = open.accepted()?;
    let apply = city.leases(applicant(0)).apply(round);
    weights.push(Measurement::of("apply", &apply));
    apply.accepted()?;
    for n in 1..APPLICANTS {
        city.leases(applicant(n)).apply(round).accepted()?;
    }
    city.advance_time(7 * DAY_MS);
    let allocate = city.leases(BOB).allocate(round, Some(SECRET));
    weights.push(Measurement::of(
        &format!("allocate ({FLATS} flats, {APPLICANTS} applicants)"),
        &allocate,
    ));
    ensure!(
        allocate.accepted()? == FLATS,
        "every flat of the round has a winner"
    );
    // The first winner by the published rule (the lowest band, then the lowest ticket),
    // recomputed here rather than read, as anyone may.
    let winner = (0..APPLICANTS)
        .min_by_key(|&n| (band(n), ticket(&SECRET, &applicant(n))))
        .map(applicant)
        .context("the round has applicants")?;
    city.token(ADMIN)
        .transfer(winner, 1_000 * COIN)
        .accepted()?;
    city.token(winner)
        .approve(leases, 1_000 * COIN)
        .accepted()?;
    city.advance_blocks(1);
    let accept_flat = city.leases(winner).accept_flat(round);
    weights.push(Measurement::of("accept_flat", &accept_flat));
    accept_flat.accepted()?;

    // A landlord's offer for a year from tomorrow, signed with its deposit.
    let start = city.now_ms() + DAY_MS;
    let rent = 100 * COIN;
    let terms = Terms {
        rent,
        period: MONTH_MS,
        periods: 12,
        deposit: 300 * COIN,
        notice: MONTH_MS,
        third_party_rent: false,
    };
    city.leases(LANDLORD)
        .offer_lease(home, ALICE, start, terms)
        .accepted()?;
    city.advance_blocks(1);
    let accept_lease = city.leases(ALICE).accept_lease(home);
    weights.push(Measurement::of("accept_lease", &accept_lease));
    let lease = accept_lease.accepted()?;
    city.advance_time(DAY_MS);
    let pay = city.leases(ALICE).pay_rent(lease, rent);
    weights.push(Measurement::of("pay_rent", &pay));
    city.advance_time(MONTH_MS);
    let collect = city.leases(BOB).collect_rent(lease);
    weights.push(Measurement::of("collect_rent", &collect));
    ensure!(collect.accepted()? == rent, "a month's rent was in arrears");
    let end = city.now_ms() + MONTH_MS;
    let notice = city.leases(ALICE).give_notice(lease, end);
    weights.push(Measurement::of("give_notice", &notice));
    city.advance_time(MONTH_MS + DAY_MS);
    let claim = city
        .leases(LANDLORD)
        .claim_deduction(lease, 100 * COIN, [0xc1; 32]);
    weights.push(Measurement::of("claim_deduction", &claim));
    city.advance_blocks(1);
    let rule = city.leases(ADMIN).rule_on_claim(lease, 50 * COIN);
    weights.push(Measurement::of("rule_on_claim", &rule));
    city.advance_blocks(1);
    let returned = city.leases(BOB).return_deposit(lease);
    weights.push(Measurement::of("return_deposit", &returned));
    ensure!(
        returned.accepted()? == 250 * COIN,
        "the deposit less the allowed deduction goes back"
    );

    // A row of monthly lets back to back, then who holds it in the eighth.
    let first = city.now_ms() + DAY_MS;
    let monthly = Terms {
        rent: COIN,
        periods: 1,
        deposit: 0,
        ..terms
    };
    for n in 0..u64::from(ROW_LEASES) {
        city.leases(LANDLORD)
            .offer_lease(row, ALICE, first + n * MONTH_MS, monthly)
            .accepted()?;
        city.leases(ALICE).accept_lease(row).accepted()?;
    }
    city.advance_blocks(1);
    let tenant = city
        .leases(BOB)
        .tenant_of(row, first + 7 * MONTH_MS + DAY_MS);
    ensure!(
        tenant.value == Some(ALICE.account()),
        "the row's eighth lease is alice's"
    );
    weights.push(Measurement::of_query(
        &format!("tenant_of ({ROW_LEASES} leases)"),
        &tenant,
    ));
    Ok(weights)
}
