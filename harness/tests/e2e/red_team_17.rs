//! The seventeenth attacker's review: the leases contract (#20) on the real Wasm, given
//! the diff and the crate docs by a fresh-context helper before the leases landed. Each
//! finding's test asserts the safe behaviour; each failed on the build reviewed and passes
//! with its fix, but F3 and F4, whose tests pin what was decided.
//!
//! - F1 (high, fixed): an offer of a city flat the deployer made before the handover
//!   survived it (offers named no offerer and could not be withdrawn), so the deployer's
//!   accomplice signed a 1,000-year lease at no rent after the seats moved. An offer now
//!   records who made it and binds only while that account acts for the property (the
//!   admin seat's holder now; a live landlord), and the owner may withdraw it.
//! - F2 (medium, fixed): `tenant_of` answered nobody while a tenant held its flat: after a
//!   lease cut to zero length, notice on the lease before it moved the property's
//!   `booked_until` back, and the next lease started out of order for the binary search.
//!   Notice frees the property only on its last lease.
//! - F3 (medium, mitigated): the secret's holder could grind a secret before opening the
//!   round to favour an account, and choose after the close between revealing it and
//!   letting the commitment stand. The seed now hashes the secret with the applications
//!   (folded as they come), so no secret chosen before them fixes a ticket; the choice
//!   between two outcomes remains, by decision (README, "The leases in brief").
//! - F4 (low, documented): the 256-application cap is first come, first served, so a
//!   round filled by a higher band refuses a lower one (`RoundFull`). A city sizes the band
//!   maximum and the window to its flats.
//! - F5 (low, fixed): a claim governance never ruled on held the deposit forever. It now
//!   lapses 60 days after the claim window (`RULING_WINDOW`); then anyone returns the
//!   deposit whole.
//! - F6 (low, fixed): the payee "paid" rent to itself (a transfer to oneself moves
//!   nothing), booking rent nobody paid and blocking the tenant's notice. The payee may not
//!   pay (`ThirdPartyRent`).
//! - F7 (low, fixed): a tenant signed the offer of a landlord whose identity was revoked.
//!   Such an offer binds no more (`NoOffer`).
//!
//! Held (passing): the deployer keeps no admin power over the city's flats after the
//! handover (rounds, offers, claims, rulings); a flat held by a round cannot be
//! let by an offer, nor after its winner signed; a winner signs once, a loser never, and
//! no one after `accept_by`; `tenant_of` is exact at every start and end over many
//! back-to-back leases (and nobody at a lease's end); a ruling is made once and a deposit
//! returned once, `deposit == deducted + returned + held`; `collect_rent` moves only the
//! arrears, from the tenant's allowance, never beyond the term; terms whose rent or end
//! overflows are refused; a round of 128 flats and 256 applicants allocates well within
//! `CALL_GAS_LIMIT` and its queries answer within the output buffer.

use city_traits::{LeaseError, PropertyId, RoundPlan, Terms, MAX_APPLICANTS};
use harness::{
    city::{contract_account, ADMIN, ALICE, CALL_GAS_LIMIT, COIN, MALLORY},
    AdminCalls, City,
};
use ink::primitives::AccountId;
use sp_core::hashing::blake2_256;

use super::leases::*;

const YEAR_MS: u64 = 365 * DAY_MS;

/// The landlord offers its flat to `tenant` from `start` on `terms`, and the tenant signs.
fn let_private(city: &mut City, tenant: AccountId, start: u64, terms: Terms) -> u32 {
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, tenant, start, terms)
        .expect_accepted();
    allow(city, tenant, 5_000 * COIN);
    city.leases(tenant)
        .accept_lease(PRIVATE_FLAT)
        .expect_accepted()
}

/// What the contract allocated, by the published rule from its stored seed and
/// applications (the `winners` query's shape is being changed concurrently).
fn winners(city: &mut City, round: u32) -> Vec<AccountId> {
    recompute(city, round)
}

/// Checks `tenant_of` at every start and end of the property's leases (and a day in):
/// at most one lease covers each moment, and `tenant_of` answers its tenant, or nobody.
fn assert_tenant_of_is_exact(city: &mut City, property: PropertyId) {
    let count = city
        .leases(ADMIN)
        .property(property)
        .value
        .expect("registered")
        .leases;
    let leases: Vec<_> = (0..count)
        .map(|index| {
            let id = city
                .leases(ADMIN)
                .lease_of(property, index)
                .value
                .expect("numbered");
            lease(city, id).0
        })
        .collect();
    let probes: Vec<u64> = leases
        .iter()
        .flat_map(|l| [l.start, l.start + DAY_MS, l.end.saturating_sub(1), l.end])
        .collect();
    for time in probes {
        let holders: Vec<AccountId> = leases
            .iter()
            .filter(|l| l.start <= time && time < l.end)
            .map(|l| l.tenant)
            .collect();
        assert!(holders.len() <= 1, "two tenants at {time}: {holders:?}");
        assert_eq!(
            city.leases(MALLORY).tenant_of(property, time).value,
            holders.first().copied(),
            "tenant_of at {time}"
        );
    }
}

#[test]
fn an_offer_the_deployer_made_lapses_with_its_seat() {
    // Given the deployer, still admin, offering a city flat to an accomplice for a
    // thousand years at no rent and no deposit (nothing on chain lists offers).
    let mut city = housing_city();
    let accomplice = APPLICANTS[0];
    let start = city.now_ms() + DAY_MS;
    let forever = Terms {
        rent: 0,
        period: YEAR_MS,
        periods: 1_000,
        deposit: 0,
        notice: 0,
        third_party_rent: false,
    };
    city.leases(ADMIN)
        .offer_lease(FLATS[0], accomplice, start, forever)
        .expect_accepted();
    // When the seats move to governance.
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    assert_ne!(city.leases(ADMIN).admin().value, ADMIN.account());
    // Then the deployer's offer is no longer the city's to sign.
    let signed = city.leases(accomplice).accept_lease(FLATS[0]).value;
    assert!(
        signed.is_err(),
        "the deployer let the city's flat after the handover: {signed:?}, booked until {:?}",
        city.leases(ADMIN)
            .property(FLATS[0])
            .value
            .map(|p| p.booked_until)
    );
}

#[test]
fn tenant_of_finds_the_tenant_after_notices_and_a_zero_length_lease() {
    // Given the landlord's flat let to A for a year and then to B for the next.
    let mut city = housing_city();
    let [a, b, c] = [APPLICANTS[0], APPLICANTS[1], APPLICANTS[2]].map(|who| who.account());
    let now = city.now_ms();
    let first = let_private(&mut city, a, now + DAY_MS, terms());
    let a_end = lease(&mut city, first).0.end;
    let second = let_private(&mut city, b, a_end, terms());
    // When B ends its lease at its start (zero length, a month's notice given), and A
    // then gives a month's notice.
    city.leases(b).give_notice(second, a_end).expect_accepted();
    let early = city.now_ms() + MONTH_MS;
    city.leases(a).give_notice(first, early).expect_accepted();
    // And the landlord lets the flat to C from A's new end (if it may).
    let now = city.now_ms();
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, c, early, terms())
        .expect_accepted();
    allow(&mut city, c, 5_000 * COIN);
    let third = city.leases(c).accept_lease(PRIVATE_FLAT).value;
    assert!(now < early);
    // Then whoever holds the flat at each moment, tenant_of names them.
    assert_tenant_of_is_exact(&mut city, PRIVATE_FLAT);
    if let Ok(third) = third {
        advance_to(&mut city, early + DAY_MS);
        let now = city.now_ms();
        assert_eq!(
            city.leases(MALLORY).tenant_of(PRIVATE_FLAT, now).value,
            Some(c),
            "C (lease {third}) holds the flat, but tenant_of says nobody"
        );
    }
}

#[test]
fn the_city_cannot_fix_the_seed_before_anyone_applies() {
    // F3, mitigated: the seed hashes the secret with the applications, so a secret ground
    // before the round opened fixes no ticket. Given one round, closed twice from one
    // snapshot with different applicants.
    let mut city = housing_city();
    let plan = RoundPlan {
        flats: vec![FLATS[0]],
        commitment: blake2_256(&SECRET),
        ..round_plan(&mut city)
    };
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    let opened = city.snapshot();
    let mut seeds = Vec::new();
    for applicants in [
        [APPLICANTS[1], APPLICANTS[3]],
        [APPLICANTS[3], APPLICANTS[1]],
    ] {
        city.restore(&opened);
        for who in applicants {
            city.leases(who).apply(round).expect_accepted();
        }
        advance_to(&mut city, plan.closes);
        city.leases(MALLORY)
            .allocate(round, Some(SECRET))
            .expect_accepted();
        // The rule, recomputed from the public data, agrees (recompute checks the seed).
        assert_eq!(
            winners(&mut city, round),
            city.leases(MALLORY).winners(round).value.unwrap()
        );
        seeds.push(city.leases(ADMIN).round(round).value.unwrap().0.seed);
    }
    // Then the same secret gave two seeds: the applications, which came after the
    // commitment, decide it with the secret. (What remains, by decision: the secret's
    // holder may still choose between two outcomes, revealing or letting the commitment
    // stand; README, "The leases in brief".)
    assert_ne!(seeds[0], seeds[1]);
}

#[test]
fn a_full_round_refuses_the_next_applicant_with_a_typed_error() {
    // F4, documented: the cap is first come, first served. Given a round filled by 256
    // residents of band 1.
    let mut city = housing_city();
    let crowd = crowd(&mut city, "red-team-17/1", MAX_APPLICANTS, 1);
    let plan = round_plan(&mut city);
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    for who in &crowd {
        city.leases(*who).apply(round).expect_accepted();
    }
    let before = city.leases(ADMIN).round(round).value;
    // Then an applicant of band 0 is refused, and nothing changes.
    assert_eq!(
        city.leases(APPLICANTS[1]).apply(round).expect_refused(),
        LeaseError::RoundFull
    );
    assert_eq!(city.leases(ADMIN).round(round).value, before);
}

#[test]
fn a_deposit_comes_back_even_if_governance_never_rules_on_the_claim() {
    // Given a lease of the landlord's flat that ended, and the landlord's claim of the
    // whole deposit.
    let mut city = housing_city();
    let tenant = APPLICANTS[0].account();
    let now = city.now_ms();
    let id = let_private(&mut city, tenant, now + DAY_MS, terms());
    let end = lease(&mut city, id).0.end;
    advance_to(&mut city, end);
    city.leases(LANDLORD)
        .claim_deduction(id, 300 * COIN, [1; 32])
        .expect_accepted();
    // When governance does not rule, for years.
    advance_to(&mut city, end + 5 * YEAR_MS);
    // Then the deposit still comes back to the tenant.
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).value,
        Ok(300 * COIN),
        "the deposit waits for a ruling that never comes"
    );
}

#[test]
fn the_payee_cannot_book_rent_it_paid_to_itself() {
    // Given a lease of the landlord's flat whose terms let third parties pay.
    let mut city = housing_city();
    let tenant = APPLICANTS[0];
    let open = Terms {
        third_party_rent: true,
        ..terms()
    };
    let now = city.now_ms();
    let id = let_private(&mut city, tenant.account(), now + DAY_MS, open);
    let before = balance(&mut city, LANDLORD);
    // When the landlord "pays" the whole term to itself, approving nothing.
    let paid = city.leases(LANDLORD).pay_rent(id, 1_200 * COIN).value;
    // Then it is refused: no coin moved (and the tenant may still give notice).
    let (data, _) = lease(&mut city, id);
    assert_eq!(balance(&mut city, LANDLORD), before);
    let now = city.now_ms();
    let notice = city
        .leases(tenant)
        .give_notice(id, now + 2 * MONTH_MS)
        .value;
    assert!(
        paid.is_err() && data.rent_paid == 0,
        "the lease books {} of rent nobody paid; the tenant's notice: {notice:?}",
        data.rent_paid
    );
}

#[test]
fn an_offer_lapses_with_its_landlords_identity() {
    let mut city = housing_city();
    let tenant = APPLICANTS[0];
    let now = city.now_ms();
    city.leases(LANDLORD)
        .offer_lease(PRIVATE_FLAT, tenant, now + DAY_MS, terms())
        .expect_accepted();
    city.registry(ADMIN).revoke(LANDLORD).expect_accepted();
    allow(&mut city, tenant, 5_000 * COIN);
    assert_eq!(
        city.leases(tenant).accept_lease(PRIVATE_FLAT).value,
        Err(LeaseError::NoOffer),
        "a new lease of a landlord the registry revoked"
    );
}

// ---------------------------------------------------------------- held (regression)

#[test]
fn the_deployer_keeps_no_power_over_the_city_flats_after_the_handover() {
    let mut city = housing_city();
    let plan = round_plan(&mut city);
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    assert_eq!(
        city.leases(ADMIN).open_round(&plan).expect_refused(),
        LeaseError::NotAdmin
    );
    let now = city.now_ms();
    assert_eq!(
        city.leases(ADMIN)
            .offer_lease(FLATS[0], ALICE, now + DAY_MS, terms())
            .expect_refused(),
        LeaseError::NotOwner
    );
    assert_eq!(
        city.leases(ADMIN).rule_on_claim(0, 0).expect_refused(),
        LeaseError::NotAdmin
    );
    assert_eq!(
        city.leases(ADMIN)
            .claim_deduction(0, 1, [0; 32])
            .expect_refused(),
        LeaseError::UnknownLease
    );
}

#[test]
fn a_winners_flat_cannot_be_let_to_anyone_else() {
    // Given an allocated round, and the city's offer of the first flat to a loser-to-be.
    let mut city = housing_city();
    let start = city.now_ms() + 40 * DAY_MS;
    let round = allocated_round(&mut city);
    let winners = recompute(&mut city, round);
    city.leases(ADMIN)
        .offer_lease(FLATS[0], ALICE, start, terms())
        .expect_accepted();
    allow(&mut city, ALICE, 5_000 * COIN);
    // The round holds the flat: the offer cannot be signed.
    assert_eq!(
        city.leases(ALICE).accept_lease(FLATS[0]).expect_refused(),
        LeaseError::FlatUnavailable
    );
    // Only the winner signs, once; another round cannot take the flat.
    let id = sign(&mut city, round, winners[0]);
    assert_eq!(
        city.leases(winners[0]).accept_flat(round).expect_refused(),
        LeaseError::NotAWinner
    );
    let again = round_plan(&mut city);
    assert_eq!(
        city.leases(ADMIN).open_round(&again).expect_refused(),
        LeaseError::FlatUnavailable
    );
    // After the signing time, the unsigned winners are out, and the offer overlaps.
    let accept_by = city.leases(ADMIN).round(round).value.unwrap().0.accept_by;
    advance_to(&mut city, accept_by);
    allow(&mut city, winners[1], 5_000 * COIN);
    assert_eq!(
        city.leases(winners[1]).accept_flat(round).expect_refused(),
        LeaseError::OfferLapsed
    );
    assert_eq!(
        city.leases(ALICE).accept_lease(FLATS[0]).expect_refused(),
        LeaseError::Overlap
    );
    let (data, _) = lease(&mut city, id);
    assert_eq!(
        city.leases(MALLORY).tenant_of(FLATS[0], start).value,
        Some(data.tenant)
    );
}

#[test]
fn tenant_of_is_exact_over_many_back_to_back_leases() {
    // Given seven one-month leases of the landlord's flat, back to back (one cut short by
    // notice before it starts, and a gap).
    let mut city = housing_city();
    let month = Terms {
        periods: 1,
        notice: 0,
        deposit: COIN,
        ..terms()
    };
    let mut start = city.now_ms() + DAY_MS;
    let mut ids = Vec::new();
    for i in 0..7usize {
        let tenant = APPLICANTS[i % APPLICANTS.len()].account();
        let id = let_private(&mut city, tenant, start, month);
        if i == 3 {
            city.leases(tenant)
                .give_notice(id, start + DAY_MS)
                .expect_accepted();
        }
        start = lease(&mut city, id).0.end + if i == 4 { DAY_MS } else { 0 };
        ids.push(id);
    }
    // Then at each start the tenant, just before it and at each end the previous or
    // nobody.
    for (index, id) in ids.iter().enumerate() {
        let (data, _) = lease(&mut city, *id);
        assert_eq!(
            city.leases(ADMIN)
                .lease_of(PRIVATE_FLAT, u32::try_from(index).unwrap())
                .value,
            Some(*id)
        );
        let ask = |city: &mut City, t| city.leases(MALLORY).tenant_of(PRIVATE_FLAT, t).value;
        assert_eq!(ask(&mut city, data.start), Some(data.tenant));
        assert_eq!(ask(&mut city, data.end - 1), Some(data.tenant));
        let next = ids
            .get(index + 1)
            .map(|next| lease(&mut city, *next).0)
            .filter(|next| next.start == data.end)
            .map(|next| next.tenant);
        assert_eq!(ask(&mut city, data.end), next);
    }
    assert_eq!(city.leases(MALLORY).tenant_of(PRIVATE_FLAT, 0).value, None);
    assert_tenant_of_is_exact(&mut city, PRIVATE_FLAT);
}

#[test]
fn a_ruling_is_made_once_and_a_deposit_returned_once() {
    // Given a city flat's ended lease (the deployer, still admin, acting for the city).
    let mut city = housing_city();
    let round = allocated_round(&mut city);
    let tenant = recompute(&mut city, round)[0];
    let id = sign(&mut city, round, tenant);
    let end = lease(&mut city, id).0.end;
    advance_to(&mut city, end);
    assert_eq!(
        city.leases(ADMIN)
            .claim_deduction(id, 301 * COIN, [2; 32])
            .expect_refused(),
        LeaseError::OverDeposit
    );
    city.leases(ADMIN)
        .claim_deduction(id, 100 * COIN, [2; 32])
        .expect_accepted();
    assert_eq!(
        city.leases(ADMIN)
            .claim_deduction(id, 100 * COIN, [3; 32])
            .expect_refused(),
        LeaseError::ClaimClosed
    );
    assert_eq!(
        city.leases(ADMIN)
            .rule_on_claim(id, 101 * COIN)
            .expect_refused(),
        LeaseError::OverClaim
    );
    city.leases(ADMIN)
        .rule_on_claim(id, 60 * COIN)
        .expect_accepted();
    assert_eq!(
        city.leases(ADMIN)
            .rule_on_claim(id, 40 * COIN)
            .expect_refused(),
        LeaseError::NoClaim
    );
    let before = balance(&mut city, tenant);
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_accepted(),
        240 * COIN
    );
    assert_eq!(
        city.leases(MALLORY).return_deposit(id).expect_refused(),
        LeaseError::DepositSettled
    );
    let (data, _) = lease(&mut city, id);
    assert_eq!(balance(&mut city, tenant), before + 240 * COIN);
    assert_eq!(data.terms.deposit, data.deducted + data.returned);
    let leases = contract_account(&city.leases);
    assert_eq!(balance(&mut city, leases), 0);
}

#[test]
fn collect_rent_moves_only_the_arrears_from_the_tenant() {
    let mut city = housing_city();
    let tenant = APPLICANTS[0].account();
    let start = city.now_ms() + DAY_MS;
    let id = let_private(&mut city, tenant, start, terms());
    // Mallory's allowance is never used, and nothing is due before the start.
    allow(&mut city, MALLORY, 100 * COIN);
    assert_eq!(
        city.leases(MALLORY).collect_rent(id).expect_refused(),
        LeaseError::NoArrears
    );
    advance_to(&mut city, start + 2 * MONTH_MS);
    let (tenant_before, mallory_before, landlord_before) = (
        balance(&mut city, tenant),
        balance(&mut city, MALLORY),
        balance(&mut city, LANDLORD),
    );
    assert_eq!(
        city.leases(MALLORY).collect_rent(id).expect_accepted(),
        300 * COIN
    );
    assert_eq!(balance(&mut city, tenant), tenant_before - 300 * COIN);
    assert_eq!(balance(&mut city, MALLORY), mallory_before);
    assert_eq!(balance(&mut city, LANDLORD), landlord_before + 300 * COIN);
    // Third parties may not pay; nobody pays beyond the term; notice keeps paid periods.
    assert_eq!(
        city.leases(MALLORY).pay_rent(id, COIN).expect_refused(),
        LeaseError::ThirdPartyRent
    );
    assert_eq!(
        city.leases(tenant)
            .pay_rent(id, 900 * COIN + 1)
            .expect_refused(),
        LeaseError::Overpaid
    );
    city.leases(tenant)
        .pay_rent(id, 300 * COIN)
        .expect_accepted();
    let now = city.now_ms();
    assert_eq!(
        city.leases(tenant)
            .give_notice(id, now + MONTH_MS)
            .expect_refused(),
        LeaseError::NoticeTooShort
    );
}

#[test]
fn terms_that_overflow_are_refused() {
    let mut city = housing_city();
    let start = city.now_ms() + DAY_MS;
    for bad in [
        Terms {
            rent: u128::MAX / 2,
            periods: 3,
            ..terms()
        },
        Terms {
            period: u64::MAX / 2,
            periods: 3,
            ..terms()
        },
        Terms {
            period: 0,
            ..terms()
        },
        Terms {
            periods: 0,
            ..terms()
        },
    ] {
        assert_eq!(
            city.leases(LANDLORD)
                .offer_lease(PRIVATE_FLAT, APPLICANTS[0], start, bad)
                .expect_refused(),
            LeaseError::BadTerms
        );
    }
    assert_eq!(
        city.leases(LANDLORD)
            .offer_lease(PRIVATE_FLAT, APPLICANTS[0], u64::MAX - MONTH_MS, terms())
            .expect_refused(),
        LeaseError::BadTerms
    );
}

#[test]
fn the_largest_round_allocates_within_the_call_limit_and_answers() {
    // Given a round of 128 city flats and 256 applicants.
    let mut city = housing_city();
    let flats: Vec<PropertyId> = (0u8..128)
        .map(|i| {
            let mut flat = [17u8; 32];
            flat[0] = i;
            flat
        })
        .collect();
    for flat in &flats {
        city.leases(LAND_OFFICE)
            .register_property(*flat, None)
            .expect_accepted();
    }
    let crowd = crowd(&mut city, "red-team-17/1", MAX_APPLICANTS, 1);
    let plan = RoundPlan {
        flats: flats.clone(),
        ..round_plan(&mut city)
    };
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    for who in &crowd {
        city.leases(*who).apply(round).expect_accepted();
    }
    advance_to(&mut city, plan.closes);
    let allocated = city.leases(MALLORY).allocate(round, Some(SECRET));
    let weight = allocated.weight;
    assert_eq!(allocated.expect_accepted(), 128);
    eprintln!("allocate(128 flats, 256 applicants): {weight:?}, limit {CALL_GAS_LIMIT:?}");
    assert!(weight.ref_time() < CALL_GAS_LIMIT.ref_time() / 4);
    assert!(weight.proof_size() < CALL_GAS_LIMIT.proof_size() / 4);
    // The rule, recomputed; the queries answer; the last winner signs its flat.
    let winners = winners(&mut city, round);
    assert_eq!(winners.len(), 128);
    assert_eq!(
        city.leases(MALLORY).round(round).value.map(|r| r.1),
        Some(flats.clone())
    );
    let last = winners[127];
    city.token(ADMIN)
        .transfer(last, 300 * COIN)
        .expect_accepted();
    let id = sign(&mut city, round, last);
    assert_eq!(lease(&mut city, id).0.property, flats[127]);
}
