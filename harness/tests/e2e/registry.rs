//! The citizen registry on the real Wasm: identities, roles, history and refusals.

use city_traits::{CivicRole, IdentityKind, RegistryError};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, MALLORY},
    AdminCalls, City, Fixture,
};

const DAY_MS: u64 = 86_400_000;

/// A city whose admin is also a registrar.
fn city() -> City {
    Fixture::new()
        .registrar()
        .build()
        .expect("the city is set up")
}

fn in_a_year(city: &mut City) -> u64 {
    city.now_ms() + 365 * DAY_MS
}

#[test]
fn a_registered_citizen_is_eligible_with_one_document() {
    let mut city = city();
    let expiry = in_a_year(&mut city);
    let registered = city
        .registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], expiry);
    assert_eq!(registered.events.len(), 1);
    registered.expect_accepted();
    assert_eq!(
        city.registry(BOB).kind_of(ALICE).value,
        Some(IdentityKind::Citizen)
    );
    assert_eq!(
        city.registry(BOB).document_holder([1; 32]).value,
        Some(ALICE.account())
    );
    assert_eq!(
        city.registry(ADMIN)
            .register(BOB, IdentityKind::Citizen, [1; 32], expiry)
            .expect_refused(),
        RegistryError::DocumentInUse
    );
    assert_eq!(
        city.registry(ADMIN)
            .register(ALICE, IdentityKind::Resident, [2; 32], expiry)
            .expect_refused(),
        RegistryError::AlreadyRegistered
    );
    assert_eq!(city.registry(BOB).eligible_counts().value, [1, 0, 0, 0]);
}

#[test]
fn only_registrars_change_identities_and_only_the_admin_makes_registrars() {
    let mut city = city();
    let expiry = in_a_year(&mut city);
    assert_eq!(
        city.registry(MALLORY)
            .register(MALLORY, IdentityKind::Citizen, [9; 32], expiry)
            .expect_refused(),
        RegistryError::NotRegistrar
    );
    assert_eq!(
        city.registry(MALLORY)
            .grant_role(CivicRole::Registrar, MALLORY)
            .expect_refused(),
        RegistryError::NotAdmin
    );
    assert_eq!(
        city.registry(MALLORY)
            .grant_role(CivicRole::Attester, MALLORY)
            .expect_refused(),
        RegistryError::NotRegistrar
    );
    city.registry(ADMIN)
        .grant_role(CivicRole::Attester, CAROL)
        .expect_accepted();
    assert!(
        city.registry(BOB)
            .has_civic_role(CAROL, CivicRole::Attester)
            .value
    );
    let team = [CAROL.account(), MALLORY.account()];
    let first_without = city
        .registry(BOB)
        .first_without_civic_role(&team, CivicRole::Attester);
    assert_eq!(first_without.value, Some(1));
    assert!(city.registry(BOB).identity(MALLORY).value.is_none());
}

#[test]
fn an_expired_card_stops_counting_once_marked() {
    let mut city = city();
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Resident, [1; 32], expiry)
        .expect_accepted();
    assert_eq!(
        city.registry(MALLORY).expire(ALICE).expect_refused(),
        RegistryError::NotExpired
    );
    // A day later the card has lapsed: not eligible now, still counted until
    // someone marks it.
    city.advance_time(DAY_MS);
    assert_eq!(city.registry(BOB).kind_of(ALICE).value, None);
    assert_eq!(city.registry(BOB).eligible_counts().value, [0, 1, 0, 0]);
    city.registry(MALLORY).expire(ALICE).expect_accepted();
    assert_eq!(city.registry(BOB).eligible_counts().value, [0, 0, 0, 0]);
    assert_eq!(
        city.registry(ADMIN)
            .renew(ALICE, expiry + 400 * DAY_MS)
            .expect_refused(),
        RegistryError::NotRegistered
    );
}

#[test]
fn history_answers_for_snapshots() {
    let mut city = city();
    let expiry = in_a_year(&mut city);
    let first = city.block();
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Resident, [1; 32], expiry)
        .expect_accepted();
    city.advance_blocks(1);
    city.registry(ADMIN)
        .change_kind(ALICE, IdentityKind::Citizen)
        .expect_accepted();
    city.registry(ADMIN)
        .register(BOB, IdentityKind::EResident, [2; 32], expiry)
        .expect_accepted();
    city.advance_blocks(1);
    city.registry(ADMIN).revoke(BOB).expect_accepted();
    city.advance_blocks(1);

    let kinds = |city: &mut City, who| {
        (first..first + 3)
            .map(|block| city.registry(CAROL).kind_at(who, block).expect_accepted())
            .collect::<Vec<_>>()
    };
    use IdentityKind::*;
    assert_eq!(
        kinds(&mut city, ALICE),
        vec![Some(Resident), Some(Citizen), Some(Citizen)]
    );
    assert_eq!(kinds(&mut city, BOB), vec![None, Some(EResident), None]);
    assert!(city
        .registry(CAROL)
        .was_eligible_at(BOB, first + 1)
        .expect_accepted());
    let counts: Vec<_> = (first..first + 3)
        .map(|block| {
            city.registry(CAROL)
                .eligible_counts_at(block)
                .expect_accepted()
        })
        .collect();
    assert_eq!(counts, vec![[0, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]]);
    let now = city.block();
    assert_eq!(
        city.registry(CAROL).kind_at(ALICE, now).expect_refused(),
        RegistryError::BlockNotYetFinished
    );
}

#[test]
fn the_registry_admin_seat_moves_to_governance() {
    let mut city = city();
    city.registry(ADMIN).offer_admin(CAROL).expect_accepted();
    assert_eq!(
        city.registry(BOB).admin().value,
        ADMIN.account(),
        "offered only"
    );
    city.registry(CAROL).accept_admin().expect_accepted();
    assert_eq!(city.registry(BOB).admin().value, CAROL.account());
    assert_eq!(
        city.registry(ADMIN)
            .grant_role(CivicRole::Registrar, BOB)
            .expect_refused(),
        RegistryError::NotAdmin
    );
    // The only registrar cannot renounce until the new admin names another.
    assert_eq!(
        city.registry(ADMIN)
            .renounce_role(CivicRole::Registrar)
            .expect_refused(),
        RegistryError::LastRegistrar
    );
    city.registry(CAROL)
        .grant_role(CivicRole::Registrar, BOB)
        .expect_accepted();
    city.registry(ADMIN)
        .renounce_role(CivicRole::Registrar)
        .expect_accepted();
    assert!(
        !city
            .registry(BOB)
            .has_civic_role(ADMIN, CivicRole::Registrar)
            .value
    );
}

#[test]
fn a_refused_call_is_an_error_naming_the_contract_and_the_message() {
    let mut city = city();
    let refusal = city
        .registry(MALLORY)
        .grant_role(CivicRole::Registrar, MALLORY)
        .expect_refused();
    let error = city
        .registry(MALLORY)
        .grant_role(CivicRole::Registrar, MALLORY)
        .accepted()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("citizen-registry.grant_role was refused: {refusal:?}")
    );
}

#[test]
fn a_fixture_whose_step_is_refused_says_which_step() {
    let error = Fixture::new()
        .citizens([ALICE, ALICE])
        .build()
        .err()
        .expect("alice cannot be registered twice");
    assert_eq!(
        error.to_string(),
        format!(
            "citizen-registry.register was refused: {:?}",
            RegistryError::AlreadyRegistered
        )
    );
}
