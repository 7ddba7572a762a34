//! The leases on the real Wasm, with the token, the registry and governance: a round of
//! public flats allocated by the published rule (recomputed here from the chain's public
//! data with an independent blake2), a year of rent with arrears, a deposit returned less
//! what governance allowed, and every refusal leaving the state as it was.

use city_traits::{
    Lease, LeaseError, LeaseId, Property, PropertyId, RecordsError, RentStatus, Subject,
    CLAIM_WINDOW,
};
use harness::{
    city::{contract_account, Actor, ADMIN, COIN, DAVE, MALLORY},
    voting::proposed_call,
    City,
};
use ink::{primitives::AccountId, selector_bytes};

use super::governance::{governed_city, pass};

pub use harness::housing::*;

/// The actor of `account`, among the applicants.
fn applicant(account: AccountId) -> Actor {
    APPLICANTS
        .into_iter()
        .find(|who| who.account() == account)
        .expect("an applicant")
}

/// What the leases hold about a property and a lease, and the coins of those involved.
fn state(
    city: &mut City,
    flat: PropertyId,
    id: LeaseId,
) -> (Option<Property>, Option<(Lease, RentStatus)>, Vec<u128>) {
    let property = city.leases(ADMIN).property(flat).value;
    let data = city.leases(ADMIN).lease(id).value;
    let leases = contract_account(&city.leases);
    let voting = contract_account(&city.voting);
    let coins = [leases, voting, LANDLORD.account(), MALLORY.account()]
        .into_iter()
        .chain(APPLICANTS.map(Actor::account))
        .map(|who| balance(city, who))
        .collect();
    (property, data, coins)
}

#[test]
fn a_round_is_allocated_by_the_published_rule_and_anyone_can_recompute_it() {
    // Given a round of three flats with four admitted applicants.
    let mut city = housing_city();
    let round = allocated_round(&mut city);
    // Then the winners are the rule's, as recomputed from the chain with another blake2,
    // band 0 first (applicants 2 and 4), then one of band 1 by the lottery.
    let winners: Vec<AccountId> = city.leases(ADMIN).winners(round).value.expect("allocated");
    assert_eq!(winners, recompute(&mut city, round));
    let band_zero = [APPLICANTS[1].account(), APPLICANTS[3].account()];
    assert!(band_zero.iter().all(|who| winners[..2].contains(who)));
    assert_eq!(
        city.leases(ADMIN).round(round).value.unwrap().0.secret,
        Some(SECRET)
    );

    // When each winner signs, it holds its flat (the i-th winner the i-th flat) from the
    // start until the end, and nobody holds it at the end.
    let start = city.leases(ADMIN).round(round).value.unwrap().0.lease_start;
    for (place, winner) in winners.iter().enumerate() {
        let id = sign(&mut city, round, *winner);
        let (data, _) = lease(&mut city, id);
        assert_eq!((data.property, data.tenant), (FLATS[place], *winner));
        assert_eq!(data.start, start);
        assert_eq!(
            city.leases(ADMIN).tenant_of(FLATS[place], start - 1).value,
            None
        );
        assert_eq!(
            city.leases(ADMIN).tenant_of(FLATS[place], start).value,
            Some(*winner)
        );
        assert_eq!(
            city.leases(ADMIN)
                .tenant_of(FLATS[place], data.end - 1)
                .value,
            Some(*winner)
        );
        assert_eq!(
            city.leases(ADMIN).tenant_of(FLATS[place], data.end).value,
            None
        );
    }
    // The loser has no flat; the deposits are the leases' coins.
    let loser = APPLICANTS
        .into_iter()
        .zip(BANDS)
        .find(|(who, band)| *band <= 1 && !winners.contains(&who.account()))
        .map(|(who, _)| who)
        .expect("four applied for three flats");
    assert_eq!(
        city.leases(loser).accept_flat(round).expect_refused(),
        LeaseError::NotAWinner
    );
    let leases = contract_account(&city.leases);
    assert_eq!(balance(&mut city, leases), 900 * COIN);
}

#[test]
fn without_the_secret_by_reveal_by_anyone_allocates_with_the_commitment() {
    let mut city = housing_city();
    let plan = round_plan(&mut city);
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    city.leases(APPLICANTS[0]).apply(round).expect_accepted();
    city.advance_time(10 * DAY_MS);
    assert_eq!(
        city.leases(MALLORY).allocate(round, None).expect_refused(),
        LeaseError::NotRevealed
    );
    assert_eq!(
        city.leases(MALLORY)
            .allocate(round, Some([1; 32]))
            .expect_refused(),
        LeaseError::BadSecret
    );
    city.advance_time(2 * DAY_MS);
    city.leases(MALLORY).allocate(round, None).expect_accepted();
    let secret = city.leases(ADMIN).round(round).value.unwrap().0.secret;
    assert_eq!(secret, None, "the commitment stood in for it");
    assert_eq!(recompute(&mut city, round), vec![APPLICANTS[0].account()]);
}

#[test]
fn a_year_of_rent_with_arrears_that_are_paid_and_collected() {
    // Given the round's first winner, whose lease started.
    let mut city = housing_city();
    let round = allocated_round(&mut city);
    let tenant = recompute(&mut city, round)[0];
    let id = sign(&mut city, round, tenant);
    city.advance_time(20 * DAY_MS);
    let voting = contract_account(&city.voting);
    let leases = contract_account(&city.leases);
    // When it pays the first two months, and then nothing for two more.
    city.token(tenant)
        .approve(leases, 200 * COIN)
        .expect_accepted();
    city.leases(tenant)
        .pay_rent(id, 100 * COIN)
        .expect_accepted();
    city.advance_time(MONTH_MS);
    city.leases(tenant)
        .pay_rent(id, 100 * COIN)
        .expect_accepted();
    city.advance_time(2 * MONTH_MS);
    // Then its arrears are visible: four months due, two paid.
    let (_, rent) = lease(&mut city, id);
    assert_eq!(
        (rent.due, rent.paid, rent.arrears),
        (400 * COIN, 200 * COIN, 200 * COIN)
    );
    assert_eq!(
        balance(&mut city, voting),
        200 * COIN,
        "the city's rent is the treasury's"
    );
    // A neighbour may not pay for it (the terms forbid third parties).
    let neighbour = applicant(recompute(&mut city, round)[1]);
    assert_eq!(
        city.leases(neighbour)
            .pay_rent(id, 100 * COIN)
            .expect_refused(),
        LeaseError::ThirdPartyRent
    );
    // When it allows the leases a year's rent, anyone collects what is due, no more.
    city.token(tenant)
        .approve(leases, 1_200 * COIN)
        .expect_accepted();
    assert_eq!(
        city.leases(MALLORY).collect_rent(id).expect_accepted(),
        200 * COIN
    );
    assert_eq!(
        city.leases(MALLORY).collect_rent(id).expect_refused(),
        LeaseError::NoArrears
    );
    for _ in 4..12 {
        city.advance_time(MONTH_MS);
        city.leases(MALLORY).collect_rent(id).expect_accepted();
    }
    // Then the year is paid, and nobody pays beyond it.
    let (data, rent) = lease(&mut city, id);
    assert_eq!(
        (rent.paid, rent.arrears, rent.total),
        (1_200 * COIN, 0, 1_200 * COIN)
    );
    assert_eq!(balance(&mut city, voting), 1_200 * COIN);
    assert_eq!(
        city.leases(tenant).pay_rent(id, 1).expect_refused(),
        LeaseError::Overpaid
    );
    advance_to(&mut city, data.end);
    assert_eq!(
        city.leases(ADMIN).tenant_of(data.property, data.end).value,
        None
    );
}

#[test]
fn the_deposit_comes_back_less_the_deduction_governance_approved() {
    // Given a governed city whose tenant's lease of a city flat has ended.
    // Token holders govern; amounts here are in cents (the holders hold a few coins).
    let mut city = governed_city();
    settle_in(&mut city, 500);
    let plan = round_plan_in(&mut city, 1);
    let open = proposed_call(&city.leases, selector_bytes!("open_round"), &plan);
    let proposal = pass(&mut city, &[open]);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    let round = city.leases(ADMIN).counts().value.1 - 1;
    city.leases(APPLICANTS[1]).apply(round).expect_accepted();
    let closes = city.leases(ADMIN).round(round).value.unwrap().0.closes;
    advance_to(&mut city, closes);
    city.leases(MALLORY)
        .allocate(round, Some(SECRET))
        .expect_accepted();
    let tenant = APPLICANTS[1];
    let id = sign(&mut city, round, tenant.account());
    let (data, _) = lease(&mut city, id);
    advance_to(&mut city, data.end);

    // When the city claims 120 of the deposit of 300 (by proposal, as its owner) and the
    // electorate allows 80.
    assert_eq!(
        city.leases(ADMIN)
            .claim_deduction(id, 120, [7; 32])
            .expect_refused(),
        LeaseError::NotOwner,
        "the deployer is no longer the city"
    );
    let claim = proposed_call(
        &city.leases,
        selector_bytes!("claim_deduction"),
        (id, 120u128, [7u8; 32]),
    );
    let proposal = pass(&mut city, &[claim]);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_refused(),
        LeaseError::DepositWaits,
        "the deposit waits for the ruling"
    );
    let rule = proposed_call(&city.leases, selector_bytes!("rule_on_claim"), (id, 80u128));
    let proposal = pass(&mut city, &[rule]);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();

    // Then anyone returns the rest to the tenant, once.
    let before = balance(&mut city, tenant);
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_accepted(),
        220
    );
    assert_eq!(balance(&mut city, tenant), before + 220);
    let (data, _) = lease(&mut city, id);
    assert_eq!((data.deducted, data.returned), (80, 220));
    let voting = contract_account(&city.voting);
    assert_eq!(
        balance(&mut city, voting),
        80,
        "the deduction is the city's"
    );
    let leases = contract_account(&city.leases);
    assert_eq!(balance(&mut city, leases), 0);
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_refused(),
        LeaseError::DepositSettled
    );
}

#[test]
fn every_refusal_leaves_the_leases_and_the_coins_as_they_were() {
    // Given a signed lease of the landlord's flat (a month's notice, tenant pays only)
    // and an open round of the city's flats.
    let mut city = housing_city();
    let tenant = APPLICANTS[0];
    let start = city.now_ms() + DAY_MS;
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, tenant, start, terms())
        .expect_accepted();
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, APPLICANTS[2], start + MONTH_MS, terms())
        .expect_accepted();
    let leases = contract_account(&city.leases);
    for who in [tenant, APPLICANTS[2]] {
        city.token(who)
            .approve(leases, 5_000 * COIN)
            .expect_accepted();
    }
    let id = city
        .leases(tenant)
        .accept_lease(PRIVATE_FLAT)
        .expect_accepted();
    let plan = round_plan(&mut city);
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    city.advance_time(2 * DAY_MS);
    let before = state(&mut city, PRIVATE_FLAT, id);

    // An overlapping lease of the same flat.
    assert_eq!(
        city.leases(APPLICANTS[2])
            .accept_lease(PRIVATE_FLAT)
            .expect_refused(),
        LeaseError::Overlap
    );
    // Rent from a third party, where the terms forbid it.
    assert_eq!(
        city.leases(APPLICANTS[2])
            .pay_rent(id, 100 * COIN)
            .expect_refused(),
        LeaseError::ThirdPartyRent
    );
    // Ending early without the agreed notice.
    let too_soon = city.now_ms() + MONTH_MS - 1;
    assert_eq!(
        city.leases(tenant)
            .give_notice(id, too_soon)
            .expect_refused(),
        LeaseError::NoticeTooShort
    );
    // Ineligible applicants: a visitor, a band too high, no identity.
    for who in [DAVE, APPLICANTS[2]] {
        assert_eq!(
            city.leases(who).apply(round).expect_refused(),
            LeaseError::NotEligible
        );
    }
    assert_eq!(
        city.leases(MALLORY).apply(round).expect_refused(),
        LeaseError::NotEligible
    );
    // Another round of the same flats, a property registered twice, by a stranger.
    assert_eq!(
        city.leases(ADMIN).open_round(&plan).expect_refused(),
        LeaseError::FlatUnavailable
    );
    assert_eq!(
        city.leases(LAND_OFFICE)
            .register_property(PRIVATE_FLAT, None)
            .expect_refused(),
        LeaseError::PropertyExists
    );
    assert_eq!(
        city.leases(MALLORY)
            .register_property([7; 32], None)
            .expect_refused(),
        LeaseError::NotLandOffice
    );
    // Deposit moves before the end.
    assert_eq!(
        city.leases(LANDLORD)
            .claim_deduction(id, COIN, [1; 32])
            .expect_refused(),
        LeaseError::LeaseNotEnded
    );
    assert_eq!(
        city.leases(LANDLORD).return_deposit(id).expect_refused(),
        LeaseError::LeaseNotEnded
    );
    assert_eq!(state(&mut city, PRIVATE_FLAT, id), before);

    // An application after the close.
    city.advance_time(10 * DAY_MS);
    assert_eq!(
        city.leases(APPLICANTS[1]).apply(round).expect_refused(),
        LeaseError::RoundClosed
    );
    assert_eq!(
        city.leases(ADMIN).round(round).value.unwrap().0.applicants,
        0
    );
    // The landlord's claim window: after it, the deposit goes back whole.
    let (data, _) = lease(&mut city, id);
    advance_to(&mut city, data.end + CLAIM_WINDOW);
    assert_eq!(
        city.leases(LANDLORD)
            .claim_deduction(id, COIN, [1; 32])
            .expect_refused(),
        LeaseError::ClaimClosed
    );
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_accepted(),
        300 * COIN
    );
}

#[test]
fn the_land_office_records_each_deed_in_civic_records_and_anyone_checks_the_register_against_it() {
    let mut city = housing_city();
    let schema = deed_schema(&mut city, LAND_OFFICE);
    let flat: PropertyId = [7; 32];
    let deed = record_deed(
        &mut city,
        (LAND_OFFICE, schema),
        flat,
        Some(LANDLORD.account()),
        None,
    );
    city.leases(LAND_OFFICE)
        .register_property(flat, Some(LANDLORD.account()))
        .expect_accepted();
    // Anyone compares the leases' register with the deed's latest record.
    let owner = city
        .leases(MALLORY)
        .property(flat)
        .value
        .expect("registered")
        .owner;
    let asset = city
        .records(MALLORY)
        .asset(schema, flat)
        .value
        .expect("the deed's history");
    let latest = city
        .records(MALLORY)
        .record(asset.latest)
        .value
        .expect("its latest record");
    assert_eq!(
        (asset.maker, asset.latest, latest.data_hash),
        (LAND_OFFICE.account(), deed, deed_hash(owner))
    );
    // Nobody but a land office writes a deed, and a deed changes only by its next step:
    // the landlord sells the flat to the city.
    for who in [LANDLORD, ADMIN, MALLORY] {
        assert_eq!(
            city.records(who)
                .issue(
                    schema,
                    Subject::Asset(flat),
                    deed_hash(None),
                    None,
                    Some(deed)
                )
                .expect_refused(),
            RecordsError::NotAuthorised
        );
    }
    let sold = record_deed(&mut city, (LAND_OFFICE, schema), flat, None, Some(deed));
    assert_eq!(
        city.records(LAND_OFFICE)
            .issue(
                schema,
                Subject::Asset(flat),
                deed_hash(None),
                None,
                Some(deed)
            )
            .expect_refused(),
        RecordsError::NotLatest,
        "no fork from the old deed"
    );
    let history = city.records(MALLORY).history(schema, flat, 0, 10).value;
    assert_eq!(
        history.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        [deed, sold]
    );
}
