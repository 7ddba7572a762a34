//! The housing city of the tests, the fuzzer and the stories of the leases: a land office,
//! a landlord with one flat, five residents who apply for the city's three flats with
//! attested income bands, a round's plan and terms, and the published allocation rule
//! recomputed from the chain's public data with an independent blake2; and deeds recorded
//! in civic records by the land office.

use city_traits::{
    Application, Chain, CivicRole, IdentityKind, Lease, LeaseId, PropertyId, RecordId, RentStatus,
    RoundId, RoundPlan, Schema, SchemaId, Standing, Subject, Terms,
};
use ink::primitives::AccountId;
use scale::Encode;
use sp_core::hashing::blake2_256;

use crate::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    fixture::document,
    City, Fixture,
};

/// The city's land office (the registry's `LandOffice` role).
pub const LAND_OFFICE: Actor = Actor("land-office");
/// A registered landlord with one flat.
pub const LANDLORD: Actor = Actor("landlord");
/// Residents who apply for the city's flats, with no identity yet in a plain fixture.
pub const APPLICANTS: [Actor; 5] = [
    Actor("applicant-1"),
    Actor("applicant-2"),
    Actor("applicant-3"),
    Actor("applicant-4"),
    Actor("applicant-5"),
];
/// The income band a registrar attests for each of [`APPLICANTS`].
pub const BANDS: [u8; 5] = [1, 0, 2, 0, 1];
pub const DAY_MS: u64 = 86_400_000;
pub const MONTH_MS: u64 = 30 * DAY_MS;
/// The city's lottery secret, and the three flats of its round.
pub const SECRET: [u8; 32] = [0x5a; 32];
pub const FLATS: [PropertyId; 3] = [[1; 32], [2; 32], [3; 32]];
/// The landlord's flat.
pub const PRIVATE_FLAT: PropertyId = [9; 32];

/// Rent of 100 coins a month for a year, a deposit of 300 and a month's notice; only the
/// tenant pays.
pub fn terms() -> Terms {
    terms_in(COIN)
}

/// [`terms`], in `unit`s.
pub fn terms_in(unit: u128) -> Terms {
    Terms {
        rent: 100 * unit,
        period: MONTH_MS,
        periods: 12,
        deposit: 300 * unit,
        notice: MONTH_MS,
        third_party_rent: false,
    }
}

/// Registers the land office, the landlord and the applicants (residents, each paid `each`
/// by the treasury), gives the land office its role, attests the applicants' bands and
/// registers the city's three flats and the landlord's, in a city whose `ADMIN` is a
/// registrar.
pub fn settle_in(city: &mut City, each: u128) {
    let expiry = city.now_ms() + 3 * 365 * DAY_MS;
    let people = [LAND_OFFICE, LANDLORD].into_iter().chain(APPLICANTS);
    for who in people {
        city.registry(ADMIN)
            .register(who, IdentityKind::Resident, document(who.account()), expiry)
            .expect_accepted();
    }
    city.grant_civic_role(city_traits::CivicRole::LandOffice, [LAND_OFFICE.account()])
        .expect("the admin grants civic roles");
    for (who, band) in APPLICANTS.into_iter().zip(BANDS) {
        city.token(ADMIN).transfer(who, each).expect_accepted();
        city.leases(ADMIN).attest_band(who, band).expect_accepted();
    }
    for flat in FLATS {
        city.leases(LAND_OFFICE)
            .register_property(flat, None)
            .expect_accepted();
    }
    city.leases(LAND_OFFICE)
        .register_property(PRIVATE_FLAT, Some(LANDLORD.account()))
        .expect_accepted();
}

/// A city with [`settle_in`] done, alice, bob and carol citizens, dave a visitor, and
/// mallory 100 coins and no identity; the deployer (`ADMIN`) still holds every seat.
pub fn housing_city() -> City {
    let mut city = Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .identity(DAVE, IdentityKind::Visitor)
        .holder(MALLORY, 100 * COIN)
        .build()
        .expect("the city is set up");
    settle_in(&mut city, 5_000 * COIN);
    city
}

/// A round of the three flats for residents and citizens up to band 1, closing in ten
/// days, revealed by day 12, signed by day 20, the leases starting on day 30, on
/// [`terms`].
pub fn round_plan(city: &mut City) -> RoundPlan {
    round_plan_in(city, COIN)
}

/// [`round_plan`], in `unit`s.
pub fn round_plan_in(city: &mut City, unit: u128) -> RoundPlan {
    let now = city.now_ms();
    RoundPlan {
        flats: FLATS.to_vec(),
        kinds: IdentityKind::Resident.bit() | IdentityKind::Citizen.bit(),
        max_band: 1,
        closes: now + 10 * DAY_MS,
        commitment: blake2_256(&SECRET),
        reveal_by: now + 12 * DAY_MS,
        accept_by: now + 20 * DAY_MS,
        lease_start: now + 30 * DAY_MS,
        terms: terms_in(unit),
    }
}

/// `n` residents registered by `ADMIN` (a registrar) with an attested income `band`, each
/// the account blake2-256(`"{prefix}/{i}"`): a crowd of applicants.
pub fn crowd(city: &mut City, prefix: &str, n: u32, band: u8) -> Vec<AccountId> {
    let expiry = city.now_ms() + 3 * 365 * DAY_MS;
    (0..n)
        .map(|i| {
            let who = AccountId::from(blake2_256(format!("{prefix}/{i}").as_bytes()));
            city.registry(ADMIN)
                .register(who, IdentityKind::Resident, document(who), expiry)
                .expect_accepted();
            city.leases(ADMIN).attest_band(who, band).expect_accepted();
            who
        })
        .collect()
}

/// The published rule's seed: blake2-256(revealed ‖ entropy), where `revealed` is the
/// round's secret (or, unrevealed, its commitment) and the entropy is what the
/// applications folded in their order from zero, blake2-256(entropy ‖ account).
pub fn rule_seed(revealed: [u8; 32], applications: &[Application]) -> [u8; 32] {
    let entropy = applications.iter().fold([0u8; 32], |entropy, application| {
        blake2_256(&[&entropy[..], application.applicant.as_ref()].concat())
    });
    blake2_256(&[revealed, entropy].concat())
}

/// The published rule's ranking, written from its words and not from the contract's
/// code: applicants by their band, lowest first, then by their ticket blake2-256(seed ‖
/// account), lowest first as bytes. The first as many as there are flats win, the first
/// winner the round's first flat; the rest is the waiting list.
pub fn ranking(seed: &[u8; 32], applications: &[Application]) -> Vec<AccountId> {
    let mut ranked: Vec<(u8, [u8; 32], AccountId)> = applications
        .iter()
        .map(|application| {
            let ticket = blake2_256(&[&seed[..], application.applicant.as_ref()].concat());
            (application.band, ticket, application.applicant)
        })
        .collect();
    ranked.sort_unstable();
    ranked.into_iter().map(|(_, _, who)| who).collect()
}

/// The allocation by the published rule, computed here from a round's public data
/// ([`rule_seed`], [`ranking`]): the winners. Checks the round's secret against its
/// commitment and its seed on the way.
pub fn recompute(city: &mut City, round: RoundId) -> Vec<AccountId> {
    let (data, flats, _) = city.leases(ADMIN).round(round).value.expect("the round");
    let applications: Vec<_> = (0..data.applicants)
        .map(|index| {
            city.leases(ADMIN)
                .application(round, index)
                .value
                .expect("each application is public")
        })
        .collect();
    let revealed = match data.secret {
        Some(secret) => {
            assert_eq!(blake2_256(&secret), data.commitment);
            secret
        }
        None => data.commitment,
    };
    let seed = rule_seed(revealed, &applications);
    assert_eq!(data.seed, Some(seed), "the seed is the rule's");
    let mut winners = ranking(&seed, &applications);
    winners.truncate(flats.len());
    winners
}

/// The three flats' round, with every applicant of band 0 or 1 applied (applicants 1, 2,
/// 4 and 5) and allocated with the city's secret after the close.
pub fn allocated_round(city: &mut City) -> RoundId {
    let plan = round_plan(city);
    let round = city.leases(ADMIN).open_round(&plan).expect_accepted();
    for (who, band) in APPLICANTS.into_iter().zip(BANDS) {
        if band <= plan.max_band {
            city.leases(who).apply(round).expect_accepted();
        }
    }
    city.advance_time(10 * DAY_MS);
    assert_eq!(
        city.leases(MALLORY)
            .allocate(round, Some(SECRET))
            .expect_accepted(),
        3
    );
    round
}

/// A winner of a round signs its lease, after approving the deposit.
pub fn sign(city: &mut City, round: RoundId, winner: AccountId) -> LeaseId {
    let deposit = city
        .leases(ADMIN)
        .round(round)
        .value
        .expect("the round")
        .0
        .terms
        .deposit;
    allow(city, winner, deposit);
    city.leases(winner).accept_flat(round).expect_accepted()
}

/// `who` approves the leases contract for `amount` of its coins.
pub fn allow(city: &mut City, who: impl Into<AccountId>, amount: u128) {
    let leases = contract_account(&city.leases);
    city.token(who.into())
        .approve(leases, amount)
        .expect_accepted();
}

/// Moves the city's clock on to `time`.
pub fn advance_to(city: &mut City, time: u64) {
    let now = city.now_ms();
    city.advance_time(time - now);
}

pub fn balance(city: &mut City, who: impl Into<AccountId>) -> u128 {
    city.token(ADMIN).balance_of(who).value
}

pub fn lease(city: &mut City, lease: LeaseId) -> (Lease, RentStatus) {
    city.leases(ADMIN).lease(lease).value.expect("the lease")
}

/// `ADMIN` registers the city's deed schema in civic records: each property's deed is an
/// asset history under the property's hash, written only by land offices (the registry's
/// `LandOffice` role, and governance's standing: `land_office` may open and extend
/// histories), whose records neither expire nor are revoked (a deed changes by a new
/// step). Returns the schema's number.
pub fn deed_schema(city: &mut City, land_office: Actor) -> SchemaId {
    let schema = Schema {
        name: "deed".into(),
        issuer: CivicRole::LandOffice,
        revocable: false,
        expires: false,
        chain: Chain::History,
        reward: None,
    };
    city.register_schema(schema, &[(land_office.account(), Standing::Maker)])
        .expect("the admin registers the deed schema")
}

/// The data hash of a deed record: BLAKE2-256 of the SCALE encoding of its owner
/// (`None`: the city; else `Some` and the landlord's account).
pub fn deed_hash(owner: Option<AccountId>) -> [u8; 32] {
    blake2_256(&owner.encode())
}

/// `land_office` writes `property`'s deed with `owner` in civic records: the history's
/// first record, or its next step after `latest`. Returns the record's number.
pub fn record_deed(
    city: &mut City,
    (land_office, schema): (Actor, SchemaId),
    property: PropertyId,
    owner: Option<AccountId>,
    latest: Option<RecordId>,
) -> RecordId {
    city.records(land_office)
        .issue(
            schema,
            Subject::Asset(property),
            deed_hash(owner),
            None,
            latest,
        )
        .expect_accepted()
}
