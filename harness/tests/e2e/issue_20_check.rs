//! Issue 20's bar, checked independently on the real Wasm: double leases, out-of-round
//! applications, disbursements outside an earmark or to unregistered accounts, and a
//! donor tracing a gift. Written from the issue's wording and the README's "The charity in
//! brief" and "The leases in brief" only: each refusal must be a typed error and leave
//! every coin and every answer the contracts give as it was.

use city_traits::{
    AtEnd, CampaignId, CharityError, IdentityKind, LeaseError, LeaseId, PotAccount, PropertyId,
    RoundId, RoundPlan, Terms, WHOLE,
};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY},
    housing::{
        self, APPLICANTS, BANDS, DAY_MS, FLATS, LANDLORD, LAND_OFFICE, MONTH_MS, PRIVATE_FLAT,
        SECRET,
    },
    leases::RoundAnswer,
    relief::{self, FOOD, FOOD_BANK, HEATING, RELIEF, ROGUE, SHELTER},
    City, Outcome,
};
use ink::primitives::AccountId;

const COIN: u128 = harness::city::COIN;

// ---------------------------------------------------------------------------------------
// Leases: what the contract answers, to compare before and after a refusal.
// ---------------------------------------------------------------------------------------

/// Everything the leases contract answers about `properties` and `rounds`, every lease,
/// and the coins of `people` and of the contract itself.
#[derive(Debug, PartialEq)]
struct LeasesState {
    counts: (AccountId, RoundId, LeaseId),
    properties: Vec<Option<city_traits::Property>>,
    rounds: Vec<Option<RoundAnswer>>,
    leases: Vec<Option<(city_traits::Lease, city_traits::RentStatus)>>,
    coins: Vec<u128>,
    allowances: Vec<u128>,
}

fn leases_state(city: &mut City, properties: &[PropertyId], people: &[AccountId]) -> LeasesState {
    let counts = city.leases(ADMIN).counts().value;
    let leases_account = contract_account(&city.leases);
    let properties = properties
        .iter()
        .map(|p| city.leases(ADMIN).property(*p).value)
        .collect();
    let rounds = (0..counts.1 + 1)
        .map(|r| city.leases(ADMIN).round(r).value)
        .collect();
    let leases = (0..counts.2 + 1)
        .map(|l| city.leases(ADMIN).lease(l).value)
        .collect();
    let mut who: Vec<AccountId> = people.to_vec();
    who.push(leases_account);
    who.push(counts.0);
    let coins = who.iter().map(|a| housing::balance(city, *a)).collect();
    let allowances = people
        .iter()
        .map(|a| city.token(ADMIN).allowance(*a, leases_account).value)
        .collect();
    LeasesState {
        counts,
        properties,
        rounds,
        leases,
        coins,
        allowances,
    }
}

/// Asserts a leases call was refused with a typed error, reverted, and changed nothing.
#[track_caller]
fn refused_leaving_all<T: std::fmt::Debug>(
    outcome: Outcome<Result<T, LeaseError>>,
    before: &LeasesState,
    after: &LeasesState,
) -> LeaseError {
    assert!(
        outcome.reverted,
        "{} refused without reverting",
        outcome.call
    );
    let error = outcome.expect_refused();
    assert_eq!(
        before, after,
        "a refusal ({error:?}) changed the leases' state"
    );
    error
}

/// The leases of `property`, by the contract's own answers.
fn leases_of(city: &mut City, property: PropertyId) -> Vec<city_traits::Lease> {
    let count = city.leases(ADMIN).counts().value.2;
    (0..count)
        .filter_map(|id| city.leases(ADMIN).lease(id).value)
        .map(|(lease, _)| lease)
        .filter(|lease| lease.property == property)
        .collect()
}

/// At each of `times`, at most one lease of `property` covers it, and `tenant_of` names
/// exactly its tenant (nobody when none does, and nobody from a lease's end on).
fn one_tenant_at_a_time(city: &mut City, property: PropertyId, times: &[u64]) {
    let leases = leases_of(city, property);
    for &t in times {
        let covering: Vec<_> = leases
            .iter()
            .filter(|lease| lease.start <= t && t < lease.end)
            .collect();
        assert!(
            covering.len() <= 1,
            "two leases of {property:?} cover {t}: {covering:?}"
        );
        let answered = city.leases(ADMIN).tenant_of(property, t).value;
        assert_eq!(
            answered,
            covering.first().map(|lease| lease.tenant),
            "tenant_of({property:?}, {t})"
        );
    }
}

fn sample_times(from: u64, to: u64, step: u64) -> Vec<u64> {
    let mut times: Vec<u64> = (from..to).step_by(step as usize).collect();
    times.push(to);
    times
}

/// Offers `property` to `tenant` from `start` on `terms` as `owner`, and, if the offer
/// is taken, has the tenant approve the deposit and try to sign. Returns the first
/// refusal (at the offer or at the signing), each checked to be typed, reverted and to
/// change nothing (the tenant's approval included), or the lease signed.
fn offer_and_sign(
    city: &mut City,
    owner: Actor,
    property: PropertyId,
    tenant: Actor,
    start: u64,
    terms: Terms,
) -> Result<LeaseId, (&'static str, LeaseError)> {
    let people: Vec<AccountId> = [owner, tenant].map(Actor::account).to_vec();
    let before = leases_state(city, &[property], &people);
    let offer = city
        .leases(owner)
        .offer_lease(property, tenant, start, terms);
    if offer.value.is_err() {
        let after = leases_state(city, &[property], &people);
        return Err(("offer", refused_leaving_all(offer, &before, &after)));
    }
    housing::allow(city, tenant, terms.deposit);
    let before = leases_state(city, &[property], &people);
    let sign = city.leases(tenant).accept_lease(property);
    if sign.value.is_err() {
        let after = leases_state(city, &[property], &people);
        return Err(("accept_lease", refused_leaving_all(sign, &before, &after)));
    }
    Ok(sign.value.expect("checked"))
}

#[test]
fn double_leases_of_one_property_are_refused() {
    let mut city = housing::housing_city();
    // Alice and carol (citizens) get coins for deposits: fresh tenants, with no offer
    // standing.
    for who in [ALICE, CAROL] {
        city.token(ADMIN)
            .transfer(who, 1_000 * COIN)
            .expect_accepted();
    }
    let terms = housing::terms();
    let [a1, a2, a3, a4, a5] = APPLICANTS;
    let t0 = city.now_ms();
    let start = t0 + DAY_MS;
    let end = start + terms.period * u64::from(terms.periods);

    // --- Offers: the landlord offers its flat to two tenants for overlapping times. ---
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, a1, start, terms)
        .expect_accepted();
    // A second offer, for a start inside the first's time, may be refused at once; if it
    // stands, the signing must be refused once the first lease is signed.
    let second_offer = city
        .leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, a2, start + MONTH_MS, terms);
    let second_offered = second_offer.value.is_ok();
    println!(
        "second overlapping offer before any signing: {:?}",
        second_offer.value
    );

    housing::allow(&mut city, a1, terms.deposit);
    let tenant_coins = housing::balance(&mut city, a1);
    let first = city.leases(a1).accept_lease(PRIVATE_FLAT).expect_accepted();
    assert_eq!(
        housing::balance(&mut city, a1),
        tenant_coins - terms.deposit,
        "signing pays the deposit"
    );
    let (first_lease, _) = housing::lease(&mut city, first);
    assert_eq!(first_lease.tenant, a1.account());
    assert_eq!((first_lease.start, first_lease.end), (start, end));

    let people = [LANDLORD, a1, a2].map(Actor::account);
    if second_offered {
        housing::allow(&mut city, a2, terms.deposit);
        let before = leases_state(&mut city, &[PRIVATE_FLAT], &people);
        let sign = city.leases(a2).accept_lease(PRIVATE_FLAT);
        let after = leases_state(&mut city, &[PRIVATE_FLAT], &people);
        let error = refused_leaving_all(sign, &before, &after);
        assert_eq!(error, LeaseError::Overlap, "signing an overlapping offer");
    } else {
        assert_eq!(
            second_offer.value,
            Err(LeaseError::Overlap),
            "an overlapping offer is refused as an overlap"
        );
    }

    // Every other way to overlap the first lease: starting inside it, one unit before its
    // end, before it and running into it. Each is refused, at the offer or the signing,
    // with `Overlap`, and nothing changes.
    let attempts = [
        (a3, start + 3 * MONTH_MS),
        (a4, end - 1),
        (a5, t0 + DAY_MS / 2),
    ];
    for (tenant, at) in attempts {
        let refusal = offer_and_sign(&mut city, LANDLORD, PRIVATE_FLAT, tenant, at, terms)
            .expect_err("an overlapping lease is refused");
        println!(
            "overlap from {at} refused at {}: {:?}",
            refusal.0, refusal.1
        );
        assert_eq!(refusal.1, LeaseError::Overlap, "{refusal:?}");
    }
    assert_eq!(
        housing::lease(&mut city, first).0,
        first_lease,
        "the first lease is unchanged"
    );

    // A lease that starts at the first's end is no overlap: the property changes hands at
    // that instant, and never has two tenants.
    let next = offer_and_sign(&mut city, LANDLORD, PRIVATE_FLAT, ALICE, end, terms)
        .unwrap_or_else(|e| panic!("a lease from the end of the last is taken: {e:?}"));
    let (next_lease, _) = housing::lease(&mut city, next);
    assert!(next_lease.start >= end);
    assert_eq!(housing::lease(&mut city, first).0, first_lease);
    let mut times = sample_times(t0, next_lease.end + MONTH_MS, 5 * DAY_MS);
    times.extend([
        start - 1,
        start,
        end - 1,
        end,
        next_lease.start,
        next_lease.end - 1,
        next_lease.end,
    ]);
    one_tenant_at_a_time(&mut city, PRIVATE_FLAT, &times);
    assert_eq!(
        city.leases(ADMIN).tenant_of(PRIVATE_FLAT, end).value,
        Some(ALICE.account()),
        "from the first lease's end on, the next tenant alone"
    );
    assert_eq!(
        city.leases(ADMIN).tenant_of(PRIVATE_FLAT, end - 1).value,
        Some(a1.account())
    );

    // --- A round of the city's flats against leases of the same flats. ---
    // The city lets its third flat by an offer from tomorrow for a year...
    let let_flat = FLATS[2];
    let city_lease = offer_and_sign(&mut city, ADMIN, let_flat, CAROL, start, terms)
        .unwrap_or_else(|e| panic!("the city lets a flat: {e:?}"));
    let (city_lease_data, _) = housing::lease(&mut city, city_lease);
    // ... so a round whose leases start within that year cannot take it.
    let plan = housing::round_plan(&mut city);
    let before = leases_state(&mut city, &FLATS, &[ADMIN.account()]);
    let outcome = city.leases(ADMIN).open_round(&plan);
    let after = leases_state(&mut city, &FLATS, &[ADMIN.account()]);
    let error = refused_leaving_all(outcome, &before, &after);
    assert_eq!(error, LeaseError::FlatUnavailable, "a round of a let flat");

    // A round of the two free flats, allocated and signed.
    let plan = RoundPlan {
        flats: FLATS[..2].to_vec(),
        ..plan
    };
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    for (who, band) in APPLICANTS.into_iter().zip(BANDS) {
        if band <= plan.max_band {
            city.leases(who).apply(round).expect_accepted();
        }
    }
    housing::advance_to(&mut city, plan.closes);
    assert_eq!(
        city.leases(MALLORY)
            .allocate(round, Some(SECRET))
            .expect_accepted(),
        2
    );
    let winners = city.leases(ADMIN).winners(round).value.expect("allocated");
    assert_eq!(
        winners,
        housing::recompute(&mut city, round),
        "the published rule"
    );
    let mut round_leases = Vec::new();
    for winner in &winners {
        let id = housing::sign(&mut city, round, *winner);
        round_leases.push((id, housing::lease(&mut city, id).0));
    }
    // A winner cannot sign twice.
    let everyone: Vec<AccountId> = APPLICANTS.map(Actor::account).to_vec();
    housing::allow(&mut city, winners[0], plan.terms.deposit);
    let before = leases_state(&mut city, &FLATS, &everyone);
    let outcome = city.leases(winners[0]).accept_flat(round);
    let after = leases_state(&mut city, &FLATS, &everyone);
    assert_eq!(
        refused_leaving_all(outcome, &before, &after),
        LeaseError::NotAWinner,
        "a winner signing twice"
    );
    // While the round holds its flats, and after, the city cannot let them again for a
    // time its winners hold them: neither by an offer...
    let losers: Vec<Actor> = APPLICANTS
        .into_iter()
        .zip(BANDS)
        .filter(|(who, band)| *band <= plan.max_band && !winners.contains(&who.account()))
        .map(|(who, _)| who)
        .collect();
    assert_eq!(losers.len(), 2, "four applied for two flats");
    let loser = losers[0];
    let flat = FLATS[0];
    let refusal = offer_and_sign(
        &mut city,
        ADMIN,
        flat,
        loser,
        plan.lease_start + MONTH_MS,
        terms,
    )
    .expect_err("an offer into a winner's lease, during the hold");
    println!(
        "offer during the hold refused at {}: {:?}",
        refusal.0, refusal.1
    );
    assert!(
        matches!(refusal.1, LeaseError::Overlap | LeaseError::FlatUnavailable),
        "{refusal:?}"
    );
    // ... nor by another round.
    let now = city.now_ms();
    let again = RoundPlan {
        flats: vec![flat],
        closes: now + DAY_MS,
        reveal_by: now + 2 * DAY_MS,
        accept_by: now + 3 * DAY_MS,
        lease_start: plan.lease_start + 2 * MONTH_MS,
        ..plan.clone()
    };
    let before = leases_state(&mut city, &FLATS, &[ADMIN.account()]);
    let outcome = city.leases(ADMIN).open_round(&again);
    let after = leases_state(&mut city, &FLATS, &[ADMIN.account()]);
    assert_eq!(
        refused_leaving_all(outcome, &before, &after),
        LeaseError::FlatUnavailable,
        "a second round of a let flat"
    );
    // After the hold, an overlapping offer is still refused as an overlap.
    housing::advance_to(&mut city, plan.accept_by + 1);
    let other_loser = losers[1];
    let refusal = offer_and_sign(
        &mut city,
        ADMIN,
        flat,
        other_loser,
        plan.lease_start + MONTH_MS,
        terms,
    )
    .expect_err("an offer into a winner's lease, after the hold");
    println!(
        "offer after the hold refused at {}: {:?}",
        refusal.0, refusal.1
    );
    assert_eq!(refusal.1, LeaseError::Overlap, "{refusal:?}");

    // Nothing of all this changed the leases signed; each flat has one tenant at a time.
    for (id, data) in &round_leases {
        assert_eq!(&housing::lease(&mut city, *id).0, data);
    }
    assert_eq!(housing::lease(&mut city, city_lease).0, city_lease_data);
    assert_eq!(housing::lease(&mut city, first).0, first_lease);
    let horizon = plan.lease_start + 14 * MONTH_MS;
    for flat in FLATS.into_iter().chain([PRIVATE_FLAT]) {
        let mut times = sample_times(t0, horizon, 3 * DAY_MS);
        for lease in leases_of(&mut city, flat) {
            times.extend([lease.start, lease.end - 1, lease.end]);
        }
        one_tenant_at_a_time(&mut city, flat, &times);
    }
}

#[test]
fn applications_outside_a_round_are_refused() {
    let mut city = housing::housing_city();
    let [a1, a2, a3, a4, a5] = APPLICANTS;
    let people: Vec<AccountId> = APPLICANTS
        .into_iter()
        .chain([ALICE, DAVE, MALLORY])
        .map(Actor::account)
        .collect();
    let try_apply = |city: &mut City, who: Actor, round: RoundId| -> LeaseError {
        let before = leases_state(city, &FLATS, &people);
        let outcome = city.leases(who).apply(round);
        let after = leases_state(city, &FLATS, &people);
        refused_leaving_all(outcome, &before, &after)
    };

    // Before any round opened: no round to apply to.
    assert_eq!(city.leases(ADMIN).counts().value.1, 0);
    assert_eq!(try_apply(&mut city, a2, 0), LeaseError::UnknownRound);

    let plan = housing::round_plan(&mut city);
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    // An unknown round.
    assert_eq!(
        try_apply(&mut city, a2, round + 1),
        LeaseError::UnknownRound
    );
    assert_eq!(try_apply(&mut city, a2, u32::MAX), LeaseError::UnknownRound);

    // Ineligible: a kind the round does not name (a visitor, band attested 0)...
    city.leases(ADMIN).attest_band(DAVE, 0).expect_accepted();
    assert_eq!(
        city.registry(ADMIN).kind_of(DAVE).value,
        Some(IdentityKind::Visitor)
    );
    assert_eq!(
        try_apply(&mut city, DAVE, round),
        LeaseError::NotEligible,
        "a visitor"
    );
    // ... a band above the round's (applicant 3 is band 2, the round takes up to 1) ...
    assert!(BANDS[2] > plan.max_band);
    assert_eq!(
        try_apply(&mut city, a3, round),
        LeaseError::NotEligible,
        "band 2"
    );
    // ... no identity at all ...
    assert_eq!(
        try_apply(&mut city, MALLORY, round),
        LeaseError::NotEligible,
        "no identity"
    );
    // ... a citizen whose band nobody attested ...
    assert_eq!(
        try_apply(&mut city, ALICE, round),
        LeaseError::NotEligible,
        "no attested band"
    );
    // ... a resident whose identity was revoked.
    city.registry(ADMIN).revoke(a5).expect_accepted();
    assert_eq!(
        try_apply(&mut city, a5, round),
        LeaseError::NotEligible,
        "revoked"
    );

    // In the window, the eligible apply once.
    assert_eq!(city.leases(a1).apply(round).expect_accepted(), 0);
    assert_eq!(city.leases(a2).apply(round).expect_accepted(), 1);
    assert_eq!(try_apply(&mut city, a1, round), LeaseError::AlreadyApplied);

    // At the close and after it, no more.
    housing::advance_to(&mut city, plan.closes);
    assert_eq!(
        try_apply(&mut city, a4, round),
        LeaseError::RoundClosed,
        "at the close"
    );
    housing::advance_to(&mut city, plan.closes + DAY_MS);
    assert_eq!(
        try_apply(&mut city, a4, round),
        LeaseError::RoundClosed,
        "after the close"
    );
    city.leases(MALLORY)
        .allocate(round, Some(SECRET))
        .expect_accepted();
    assert_eq!(
        try_apply(&mut city, a4, round),
        LeaseError::RoundClosed,
        "after allocation"
    );

    // The round knows exactly the two applications taken in its window, and its winners
    // are those two only.
    let (data, _, winners) = city.leases(ADMIN).round(round).value.expect("the round");
    assert_eq!(data.applicants, 2);
    assert_eq!(city.leases(ADMIN).application(round, 2).value, None);
    let mut winners = winners;
    winners.sort();
    let mut expected = vec![a1.account(), a2.account()];
    expected.sort();
    assert_eq!(winners, expected);

    // A round for citizens only refuses a resident of band 0, and takes a citizen.
    let flat: PropertyId = [4; 32];
    city.leases(LAND_OFFICE)
        .register_property(flat, None)
        .expect_accepted();
    let now = city.now_ms();
    let citizens_only = RoundPlan {
        flats: vec![flat],
        kinds: IdentityKind::Citizen.bit(),
        max_band: 0,
        closes: now + DAY_MS,
        reveal_by: now + 2 * DAY_MS,
        accept_by: now + 3 * DAY_MS,
        lease_start: now + 4 * DAY_MS,
        ..plan
    };
    let second = city
        .leases(ADMIN)
        .open_round(&citizens_only)
        .expect_accepted();
    assert_eq!(BANDS[1], 0);
    assert_eq!(
        try_apply(&mut city, a2, second),
        LeaseError::NotEligible,
        "a resident"
    );
    city.leases(ADMIN).attest_band(ALICE, 0).expect_accepted();
    city.leases(ALICE).apply(second).expect_accepted();
    city.leases(ADMIN).attest_band(BOB, 1).expect_accepted();
    assert_eq!(
        try_apply(&mut city, BOB, second),
        LeaseError::NotEligible,
        "band 1 > 0"
    );
}

// ---------------------------------------------------------------------------------------
// Charity: what the contract answers, to compare before and after a refusal.
// ---------------------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct CharityState {
    campaign: Option<city_traits::Campaign>,
    pots: Vec<PotAccount>,
    recipients: Vec<Option<city_traits::Recipient>>,
    coins: Vec<u128>,
}

fn charity_state(city: &mut City, campaign: CampaignId, people: &[AccountId]) -> CharityState {
    let charity = contract_account(&city.charity);
    let mut who = people.to_vec();
    who.push(charity);
    CharityState {
        campaign: city.charity(ADMIN).campaign(campaign).value,
        pots: relief::pots(city, campaign),
        recipients: people
            .iter()
            .map(|a| city.charity(ADMIN).recipient(campaign, *a).value)
            .collect(),
        coins: who.iter().map(|a| relief::balance(city, *a)).collect(),
    }
}

/// Sends `disburse` and asserts it was refused with a typed error, reverted, and
/// changed nothing; returns the error.
#[allow(clippy::too_many_arguments)]
fn disburse_refused(
    city: &mut City,
    payer: Actor,
    campaign: CampaignId,
    pot: u8,
    to: AccountId,
    amount: u128,
    evidence: [u8; 32],
    people: &[AccountId],
) -> CharityError {
    let before = charity_state(city, campaign, people);
    let outcome = city
        .charity(payer)
        .disburse(campaign, pot, to, amount, evidence);
    let after = charity_state(city, campaign, people);
    assert!(
        outcome.reverted,
        "{} refused without reverting",
        outcome.call
    );
    let error = outcome.expect_refused();
    assert_eq!(
        before, after,
        "the refusal {error:?} changed the charity's state"
    );
    error
}

fn pot(city: &mut City, campaign: CampaignId, pot: u8) -> PotAccount {
    city.charity(ADMIN)
        .pot(campaign, pot)
        .value
        .expect("the pot exists")
}

#[test]
fn disbursements_outside_an_earmark_are_refused() {
    let mut city = relief::relief_city();
    let plan = relief::plan(&mut city, AtEnd::Refund);
    let campaign = relief::open(&mut city, &plan);
    relief::give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    relief::give(&mut city, BOB, campaign, FOOD, 200 * COIN);
    relief::give(&mut city, CAROL, campaign, HEATING, 600 * COIN);
    let people: Vec<AccountId> = [RELIEF, FOOD_BANK, SHELTER, ALICE, BOB, CAROL, ADMIN]
        .map(Actor::account)
        .to_vec();
    let invoice = [0xf0; 32];

    // Food holds 200 while the whole holds 500 and heating 600: 250 from food is refused,
    // though within the threshold and with plenty in the campaign.
    assert!(250 * COIN <= plan.approval_threshold);
    let error = disburse_refused(
        &mut city,
        RELIEF,
        campaign,
        FOOD,
        FOOD_BANK.account(),
        250 * COIN,
        invoice,
        &people,
    );
    assert_eq!(error, CharityError::NotEnoughInPot);
    // Even governance (the admin seat, before the handover) does not pay heating's 600
    // with 700 from heating.
    let error = disburse_refused(
        &mut city,
        ADMIN,
        campaign,
        HEATING,
        SHELTER.account(),
        700 * COIN,
        [0xf1; 32],
        &people,
    );
    println!("governance paying beyond an earmark: {error:?}");
    assert_eq!(error, CharityError::NotEnoughInPot);
    // A pot the campaign does not have.
    let error = disburse_refused(
        &mut city,
        RELIEF,
        campaign,
        3,
        FOOD_BANK.account(),
        COIN,
        [0xf2; 32],
        &people,
    );
    assert_eq!(error, CharityError::UnknownPot);

    // The refused invoice was not burnt: food pays 150 against it, then the 50 it has
    // left, and not one unit more.
    city.charity(RELIEF)
        .disburse(campaign, FOOD, FOOD_BANK, 150 * COIN, invoice)
        .expect_accepted();
    city.charity(RELIEF)
        .disburse(campaign, FOOD, SHELTER, 50 * COIN, [0xf3; 32])
        .expect_accepted();
    let food = pot(&mut city, campaign, FOOD);
    assert_eq!(
        (food.given, food.disbursed, food.held()),
        (200 * COIN, 200 * COIN, 0)
    );
    let error = disburse_refused(
        &mut city,
        RELIEF,
        campaign,
        FOOD,
        FOOD_BANK.account(),
        1,
        [0xf4; 32],
        &people,
    );
    assert_eq!(
        error,
        CharityError::NotEnoughInPot,
        "an empty earmark pays nothing"
    );

    // Heating's coins paid none of food's costs, and the whole none either.
    let heating = pot(&mut city, campaign, HEATING);
    assert_eq!((heating.disbursed, heating.held()), (0, 600 * COIN));
    let whole = pot(&mut city, campaign, WHOLE);
    assert_eq!((whole.disbursed, whole.held()), (0, 500 * COIN));
    assert_eq!(relief::balance(&mut city, FOOD_BANK), 150 * COIN);
    assert_eq!(relief::balance(&mut city, SHELTER), 50 * COIN);
    // A heating payment up to what it holds comes out of heating only.
    city.charity(RELIEF)
        .disburse(campaign, HEATING, SHELTER, 250 * COIN, [0xf5; 32])
        .expect_accepted();
    assert_eq!(pot(&mut city, campaign, HEATING).held(), 350 * COIN);
    assert_eq!(pot(&mut city, campaign, FOOD).held(), 0);
    assert_eq!(pot(&mut city, campaign, WHOLE).held(), 500 * COIN);
    relief::assert_books_balance(&mut city, &[campaign]);
}

#[test]
fn disbursements_to_unregistered_accounts_are_refused() {
    let mut city = relief::relief_city();
    let plan = relief::plan(&mut city, AtEnd::Refund);
    let campaign = relief::open(&mut city, &plan);
    relief::give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    relief::give(&mut city, BOB, campaign, FOOD, 400 * COIN);
    let token = contract_account(&city.token);
    let people: Vec<AccountId> = [RELIEF, FOOD_BANK, SHELTER, ROGUE, ALICE, BOB, DAVE, MALLORY]
        .map(Actor::account)
        .into_iter()
        .chain([token])
        .collect();
    let mut evidence = 0u8;
    let mut refuse = |city: &mut City, payer: Actor, to: AccountId, pot: u8| {
        evidence += 1;
        disburse_refused(
            city,
            payer,
            campaign,
            pot,
            to,
            10 * COIN,
            [evidence; 32],
            &people,
        )
    };

    // No identity, never named: mallory.
    assert_eq!(
        refuse(&mut city, RELIEF, MALLORY.account(), FOOD),
        CharityError::NotARecipient
    );
    // Registered but not named for this campaign: a resident, a citizen, another charity.
    for who in [DAVE, ALICE, ROGUE] {
        assert_eq!(
            refuse(&mut city, RELIEF, who.account(), WHOLE),
            CharityError::NotARecipient,
            "{who:?}"
        );
    }
    // The organiser itself, and a contract.
    assert_eq!(
        refuse(&mut city, RELIEF, RELIEF.account(), FOOD),
        CharityError::NotARecipient
    );
    assert_eq!(
        refuse(&mut city, RELIEF, token, FOOD),
        CharityError::NotARecipient
    );

    // Naming them is refused too: no identity, the organiser, a contract.
    for who in [MALLORY.account(), RELIEF.account(), token] {
        let before = charity_state(&mut city, campaign, &people);
        let outcome = city.charity(RELIEF).add_recipient(campaign, who);
        let after = charity_state(&mut city, campaign, &people);
        assert!(outcome.reverted);
        assert_eq!(
            outcome.expect_refused(),
            CharityError::NotEligible,
            "{who:?}"
        );
        assert_eq!(before, after);
    }

    // Another charity cannot pay from this campaign, even to a named recipient.
    let error = refuse(&mut city, ROGUE, FOOD_BANK.account(), FOOD);
    assert_eq!(error, CharityError::NotOrganiser);

    // A recipient whose identity was revoked after it was named is paid no more.
    city.registry(ADMIN).revoke(SHELTER).expect_accepted();
    let error = refuse(&mut city, RELIEF, SHELTER.account(), FOOD);
    println!("paying a revoked recipient: {error:?}");
    assert!(
        matches!(
            error,
            CharityError::NotEligible | CharityError::NotARecipient
        ),
        "{error:?}"
    );
    // A recipient removed from the campaign is paid no more.
    city.charity(RELIEF)
        .remove_recipient(campaign, FOOD_BANK)
        .expect_accepted();
    assert_eq!(
        refuse(&mut city, RELIEF, FOOD_BANK.account(), FOOD),
        CharityError::NotARecipient
    );

    // Nothing moved: the charity still holds every gift, nobody was paid.
    let charity = contract_account(&city.charity);
    assert_eq!(relief::balance(&mut city, charity), 900 * COIN);
    for who in [MALLORY, DAVE, SHELTER, FOOD_BANK, RELIEF, ROGUE] {
        let paid = city.charity(ADMIN).recipient(campaign, who).value;
        assert!(paid.is_none_or(|r| r.paid == 0), "{who:?}: {paid:?}");
    }
    assert_eq!(relief::balance(&mut city, MALLORY), 100 * COIN);
    for p in [WHOLE, FOOD] {
        assert_eq!(pot(&mut city, campaign, p).disbursed, 0);
        assert_eq!(pot(&mut city, campaign, p).disbursements, 0);
    }
    relief::assert_books_balance(&mut city, &[campaign]);
}

/// The README's rule: a donor's share of a payment is amount × gift ÷ everything that
/// came into the pot, rounded down.
fn share(amount: u128, gift: u128, came_in: u128) -> u128 {
    amount * gift / came_in
}

#[test]
fn a_donor_traces_a_gift() {
    let mut city = relief::relief_city();
    let plan = relief::plan(&mut city, AtEnd::Refund);
    let campaign = relief::open(&mut city, &plan);

    // Gifts to food: alice once, bob twice, mallory (no identity) after the first payment.
    relief::give(&mut city, ALICE, campaign, FOOD, 33_333);
    relief::give(&mut city, BOB, campaign, FOOD, 12_345);
    relief::give(&mut city, BOB, campaign, FOOD, 7_000);
    // Elsewhere: alice to the whole, carol to heating.
    relief::give(&mut city, ALICE, campaign, WHOLE, 10_000);
    relief::give(&mut city, CAROL, campaign, HEATING, 20_000);

    let payments: [(Actor, u128, [u8; 32]); 3] = [
        (FOOD_BANK, 17_777, [0xe1; 32]),
        (SHELTER, 9_999, [0xe2; 32]),
        (FOOD_BANK, 4_321, [0xe3; 32]),
    ];
    let (to, amount, evidence) = payments[0];
    city.charity(RELIEF)
        .disburse(campaign, FOOD, to, amount, evidence)
        .expect_accepted();
    city.advance_time(DAY_MS);
    relief::give(&mut city, MALLORY, campaign, FOOD, 5_001);
    for (to, amount, evidence) in &payments[1..] {
        city.advance_time(DAY_MS);
        city.charity(RELIEF)
            .disburse(campaign, FOOD, *to, *amount, *evidence)
            .expect_accepted();
    }
    // A payment from the whole, which food's donors have no share in.
    city.charity(RELIEF)
        .disburse(campaign, WHOLE, SHELTER, 3_000, [0xe4; 32])
        .expect_accepted();

    let gifts: [(Actor, u128); 3] = [(ALICE, 33_333), (BOB, 19_345), (MALLORY, 5_001)];
    let came_in: u128 = gifts.iter().map(|(_, g)| g).sum();
    let food = pot(&mut city, campaign, FOOD);
    assert_eq!((food.given, food.rolled_in), (came_in, 0));
    let spent: u128 = payments.iter().map(|(_, a, _)| a).sum();
    assert_eq!(food.disbursed, spent);
    let paid_at: Vec<u64> = (0..3)
        .map(|i| {
            city.charity(ADMIN)
                .disbursement(campaign, FOOD, i)
                .value
                .expect("the payment")
                .at
        })
        .collect();

    let check_shares = |city: &mut City, donor: Actor, gift: u128| {
        let trace = city
            .charity(ADMIN)
            .trace(campaign, FOOD, donor)
            .value
            .expect("the donor's trace");
        assert_eq!(trace.given, gift, "{donor:?}'s gift");
        assert_eq!(
            trace.disbursed.len(),
            payments.len(),
            "{donor:?}: {trace:?}"
        );
        for (i, ((to, amount, evidence), got)) in payments.iter().zip(&trace.disbursed).enumerate()
        {
            assert_eq!(got.recipient, to.account(), "{donor:?} payment {i}");
            assert_eq!(got.evidence, *evidence, "{donor:?} payment {i}");
            assert_eq!(got.at, paid_at[i], "{donor:?} payment {i}");
            assert_eq!(
                got.amount,
                share(*amount, gift, came_in),
                "{donor:?}'s share of payment {i} ({amount} × {gift} ÷ {came_in})"
            );
        }
        assert!(trace.rolled.is_empty());
        // The same shares by `shares(campaign, pot, gift)`.
        let shares = city
            .charity(ADMIN)
            .shares(campaign, FOOD, gift)
            .value
            .expect("the pot");
        assert_eq!(shares, trace.disbursed, "{donor:?}: shares and trace agree");
        trace
    };
    for (donor, gift) in gifts {
        let trace = check_shares(&mut city, donor, gift);
        assert_eq!(
            (trace.refunded, trace.refundable),
            (0, 0),
            "before the deadline"
        );
    }
    // Alice's gift to the whole is the whole's only gift: all of its payment is hers, and
    // none of food's.
    let whole = city
        .charity(ADMIN)
        .trace(campaign, WHOLE, ALICE)
        .value
        .expect("alice's trace of the whole");
    assert_eq!(whole.given, 10_000);
    assert_eq!(
        whole
            .disbursed
            .iter()
            .map(|d| (d.recipient, d.amount, d.evidence))
            .collect::<Vec<_>>(),
        vec![(SHELTER.account(), 3_000, [0xe4; 32])]
    );
    // Carol's heating gift went nowhere yet.
    let heating = city
        .charity(ADMIN)
        .trace(campaign, HEATING, CAROL)
        .value
        .expect("carol's trace");
    assert_eq!((heating.given, heating.disbursed.len()), (20_000, 0));

    // Refunds wait for the deadline.
    let before = charity_state(&mut city, campaign, &[BOB.account()]);
    let early = city.charity(BOB).claim_refund(campaign, FOOD);
    assert!(early.reverted);
    assert_eq!(early.expect_refused(), CharityError::CampaignOpen);
    assert_eq!(before, charity_state(&mut city, campaign, &[BOB.account()]));

    // After the deadline: no gift and no payment, and the shares are final.
    housing::advance_to(&mut city, plan.deadline);
    let charity = contract_account(&city.charity);
    city.token(CAROL).approve(charity, 1_000).expect_accepted();
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, FOOD, 1_000)
            .expect_refused(),
        CharityError::CampaignClosed
    );
    let people: Vec<AccountId> = [FOOD_BANK, RELIEF].map(Actor::account).to_vec();
    assert_eq!(
        disburse_refused(
            &mut city,
            RELIEF,
            campaign,
            FOOD,
            FOOD_BANK.account(),
            1,
            [0xe9; 32],
            &people
        ),
        CharityError::CampaignClosed
    );
    for (donor, gift) in gifts {
        check_shares(&mut city, donor, gift);
    }

    // The refund: gift × (given − disbursed) ÷ given, rounded down; the last donor of the
    // pot to claim takes what is left.
    let unspent = came_in - spent;
    let floor = |gift: u128| gift * unspent / came_in;
    for (donor, gift) in gifts {
        let trace = city
            .charity(ADMIN)
            .trace(campaign, FOOD, donor)
            .value
            .expect("trace");
        assert_eq!(
            trace.refundable,
            floor(gift),
            "{donor:?} may claim, before anyone did"
        );
    }
    let order = [BOB, MALLORY, ALICE];
    let mut refunded = 0;
    for (n, donor) in order.into_iter().enumerate() {
        let gift = gifts.iter().find(|(d, _)| *d == donor).expect("a donor").1;
        let last = n == order.len() - 1;
        let expected = if last {
            unspent - refunded
        } else {
            floor(gift)
        };
        let trace = city
            .charity(ADMIN)
            .trace(campaign, FOOD, donor)
            .value
            .expect("trace");
        assert_eq!(
            trace.refundable,
            expected,
            "{donor:?} may claim now (last: {last}; the floor is {})",
            floor(gift)
        );
        let coins = relief::balance(&mut city, donor);
        let claimed = city
            .charity(donor)
            .claim_refund(campaign, FOOD)
            .expect_accepted();
        assert_eq!(claimed, expected, "{donor:?}'s refund (last: {last})");
        assert_eq!(relief::balance(&mut city, donor), coins + expected);
        refunded += claimed;
        let trace = city
            .charity(ADMIN)
            .trace(campaign, FOOD, donor)
            .value
            .expect("trace");
        assert_eq!(
            (trace.refunded, trace.refundable),
            (expected, 0),
            "{donor:?}"
        );
        // A second claim is refused and moves nothing.
        let before = charity_state(&mut city, campaign, &[donor.account()]);
        let again = city.charity(donor).claim_refund(campaign, FOOD);
        assert!(again.reverted);
        assert_eq!(again.expect_refused(), CharityError::NothingToRefund);
        assert_eq!(
            before,
            charity_state(&mut city, campaign, &[donor.account()])
        );
    }
    assert!(unspent - refunded == 0 && pot(&mut city, campaign, FOOD).held() == 0);
    // The rule's last-donor remainder differs from alice's floor here, so the rule was
    // checked and not a coincidence.
    assert_ne!(floor(33_333), unspent - floor(19_345) - floor(5_001));

    // Carol gets heating back whole; alice the whole's unspent 7,000.
    assert_eq!(
        city.charity(CAROL)
            .claim_refund(campaign, HEATING)
            .expect_accepted(),
        20_000
    );
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_accepted(),
        7_000
    );
    // A non-donor has nothing to claim.
    assert_eq!(
        city.charity(DAVE)
            .claim_refund(campaign, FOOD)
            .expect_refused(),
        CharityError::NothingToRefund
    );
    relief::assert_books_balance(&mut city, &[campaign]);
    assert_eq!(relief::balance(&mut city, charity), 0);
}
