//! The citizen registry on the real Wasm: identities, roles, history and refusals.

use city_traits::{CivicRole, IdentityKind, RegistryError};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, MALLORY},
    AdminCalls, City,
};

const DAY_MS: u64 = 86_400_000;

/// A city whose admin is also a registrar.
fn city() -> City {
    let mut city = City::new().expect("the suite deploys");
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, ADMIN)
        .ok();
    city
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
    registered.ok();
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
            .err(),
        RegistryError::DocumentInUse
    );
    assert_eq!(
        city.registry(ADMIN)
            .register(ALICE, IdentityKind::Resident, [2; 32], expiry)
            .err(),
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
            .err(),
        RegistryError::NotRegistrar
    );
    assert_eq!(
        city.registry(MALLORY)
            .grant_role(CivicRole::Registrar, MALLORY)
            .err(),
        RegistryError::NotAdmin
    );
    assert_eq!(
        city.registry(MALLORY)
            .grant_role(CivicRole::Attester, MALLORY)
            .err(),
        RegistryError::NotRegistrar
    );
    city.registry(ADMIN)
        .grant_role(CivicRole::Attester, CAROL)
        .ok();
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
        .ok();
    assert_eq!(
        city.registry(MALLORY).expire(ALICE).err(),
        RegistryError::NotExpired
    );
    // A day later the card has lapsed: not eligible now, still counted until
    // someone marks it.
    city.advance_time(DAY_MS);
    assert_eq!(city.registry(BOB).kind_of(ALICE).value, None);
    assert_eq!(city.registry(BOB).eligible_counts().value, [0, 1, 0, 0]);
    city.registry(MALLORY).expire(ALICE).ok();
    assert_eq!(city.registry(BOB).eligible_counts().value, [0, 0, 0, 0]);
    assert_eq!(
        city.registry(ADMIN)
            .renew(ALICE, expiry + 400 * DAY_MS)
            .err(),
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
        .ok();
    city.advance_blocks(1);
    city.registry(ADMIN)
        .change_kind(ALICE, IdentityKind::Citizen)
        .ok();
    city.registry(ADMIN)
        .register(BOB, IdentityKind::EResident, [2; 32], expiry)
        .ok();
    city.advance_blocks(1);
    city.registry(ADMIN).revoke(BOB).ok();
    city.advance_blocks(1);

    let kinds = |city: &mut City, who| {
        (first..first + 3)
            .map(|block| city.registry(CAROL).kind_at(who, block).ok())
            .collect::<Vec<_>>()
    };
    use IdentityKind::*;
    assert_eq!(
        kinds(&mut city, ALICE),
        vec![Some(Resident), Some(Citizen), Some(Citizen)]
    );
    assert_eq!(kinds(&mut city, BOB), vec![None, Some(EResident), None]);
    assert!(city.registry(CAROL).was_eligible_at(BOB, first + 1).ok());
    let counts: Vec<_> = (first..first + 3)
        .map(|block| city.registry(CAROL).eligible_counts_at(block).ok())
        .collect();
    assert_eq!(counts, vec![[0, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]]);
    let now = city.block();
    assert_eq!(
        city.registry(CAROL).kind_at(ALICE, now).err(),
        RegistryError::BlockNotYetFinished
    );
}

#[test]
fn the_registry_admin_seat_moves_to_governance() {
    let mut city = city();
    city.registry(ADMIN).offer_admin(CAROL).ok();
    assert_eq!(
        city.registry(BOB).admin().value,
        ADMIN.account(),
        "offered only"
    );
    city.registry(CAROL).accept_admin().ok();
    assert_eq!(city.registry(BOB).admin().value, CAROL.account());
    assert_eq!(
        city.registry(ADMIN)
            .grant_role(CivicRole::Registrar, BOB)
            .err(),
        RegistryError::NotAdmin
    );
    // The only registrar cannot renounce until the new admin names another.
    assert_eq!(
        city.registry(ADMIN)
            .renounce_role(CivicRole::Registrar)
            .err(),
        RegistryError::LastRegistrar
    );
    city.registry(CAROL)
        .grant_role(CivicRole::Registrar, BOB)
        .ok();
    city.registry(ADMIN)
        .renounce_role(CivicRole::Registrar)
        .ok();
    assert!(
        !city
            .registry(BOB)
            .has_civic_role(ADMIN, CivicRole::Registrar)
            .value
    );
}
