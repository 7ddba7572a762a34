//! The citizen registry on the real Wasm: identities, roles, history and refusals.

use city_traits::{CivicRole, IdentityKind, RegistryError};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, MALLORY},
    AdminCalls, City, Fixture,
};
use ink::{primitives::AccountId, selector_bytes};

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
fn kinds_of_answers_as_kind_of_does_for_each_account_in_order() {
    let mut city = city();
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Resident, [1; 32], expiry)
        .expect_accepted();
    city.registry(ADMIN)
        .register(CAROL, IdentityKind::Visitor, [2; 32], expiry + DAY_MS)
        .expect_accepted();
    // A day later alice's card has lapsed, carol's has not; mallory never had one.
    city.advance_time(DAY_MS);
    let asked = [CAROL, ALICE, MALLORY, CAROL].map(|actor| actor.account());
    let kinds = city.registry(BOB).kinds_of(&asked).value;
    let one_by_one: Vec<_> = asked
        .iter()
        .map(|account| city.registry(BOB).kind_of(*account).value)
        .collect();
    assert_eq!(kinds, one_by_one);
    let visitor = Some(IdentityKind::Visitor);
    assert_eq!(kinds, [visitor, None, None, visitor]);
    assert_eq!(city.registry(BOB).kinds_of(&[]).value, []);
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
    assert_eq!(
        city.registry(ADMIN)
            .renounce_role(CivicRole::Registrar)
            .expect_refused(),
        RegistryError::LastRegistrar,
        "bob was only offered the role"
    );
    city.registry(BOB).accept_registrar().expect_accepted();
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

// ---------------------------------------------------------------------------------------
// The registrar role in two steps: the admin offers, the account offered accepts
// ---------------------------------------------------------------------------------------

/// The names of the events an outcome of the registry emitted, from the bundle's metadata.
fn event_names<T>(city: &City, outcome: &harness::Outcome<T>) -> Vec<String> {
    outcome
        .events
        .iter()
        .map(|event| {
            let described = city.describe(&city.registry, event);
            described
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// What the registry says of registrars: how many hold the role, and for each of `who`
/// whether it holds it and whether it is offered to it.
fn registrars(city: &mut City, who: &[AccountId]) -> (u32, Vec<(bool, bool)>) {
    let count = city.registry(CAROL).registrars().value;
    let each = who
        .iter()
        .map(|&account| {
            (
                city.registry(CAROL)
                    .has_civic_role(account, CivicRole::Registrar)
                    .value,
                city.registry(CAROL).registrar_offered(account).value,
            )
        })
        .collect();
    (count, each)
}

/// The city of [`city`] (the admin its only registrar), the registrar role offered to bob.
fn offered_to_bob() -> City {
    let mut city = city();
    let offered = city.registry(ADMIN).grant_role(CivicRole::Registrar, BOB);
    assert_eq!(event_names(&city, &offered), ["RegistrarOffered"]);
    offered.expect_accepted();
    city
}

#[test]
fn an_offered_registrar_cannot_register_anyone_until_it_accepts() {
    let mut city = offered_to_bob();
    let expiry = in_a_year(&mut city);
    assert!(city.registry(CAROL).registrar_offered(BOB).value);
    assert_eq!(
        city.registry(BOB)
            .register(ALICE, IdentityKind::Citizen, [1; 32], expiry)
            .expect_refused(),
        RegistryError::NotRegistrar
    );
    assert_eq!(
        city.registry(BOB)
            .grant_role(CivicRole::Inspector, ALICE)
            .expect_refused(),
        RegistryError::NotRegistrar
    );
    assert_eq!(city.registry(CAROL).identity(ALICE).value, None);

    let accepted = city.registry(BOB).accept_registrar();
    assert_eq!(event_names(&city, &accepted), ["CivicRoleGranted"]);
    accepted.expect_accepted();
    assert_eq!(
        registrars(&mut city, &[BOB.account()]),
        (2, vec![(true, false)])
    );
    city.registry(BOB)
        .register(ALICE, IdentityKind::Citizen, [1; 32], expiry)
        .expect_accepted();
    assert_eq!(
        city.registry(CAROL).kind_of(ALICE).value,
        Some(IdentityKind::Citizen)
    );
}

#[test]
fn only_the_account_offered_accepts_the_registrar_role() {
    let mut city = offered_to_bob();
    let everyone = [ADMIN, ALICE, BOB, CAROL, MALLORY].map(AccountId::from);
    let before = registrars(&mut city, &everyone);
    // The admin that offered, and two strangers: none of them is bob.
    for who in [ADMIN, ALICE, MALLORY] {
        assert_eq!(
            city.registry(who).accept_registrar().expect_refused(),
            RegistryError::NotOffered
        );
    }
    assert_eq!(registrars(&mut city, &everyone), before);
    city.registry(BOB).accept_registrar().expect_accepted();
    assert_eq!(
        city.registry(BOB).accept_registrar().expect_refused(),
        RegistryError::NotOffered,
        "accepted once"
    );
    assert_eq!(
        registrars(&mut city, &everyone),
        (
            2,
            vec![
                (true, false),
                (false, false),
                (true, false),
                (false, false),
                (false, false)
            ]
        )
    );
}

#[test]
fn revoking_a_registrar_offer_withdraws_it() {
    let mut city = offered_to_bob();
    assert_eq!(
        city.registry(MALLORY)
            .revoke_role(CivicRole::Registrar, BOB)
            .expect_refused(),
        RegistryError::NotAdmin
    );
    let withdrawn = city.registry(ADMIN).revoke_role(CivicRole::Registrar, BOB);
    assert_eq!(event_names(&city, &withdrawn), ["RegistrarOfferWithdrawn"]);
    withdrawn.expect_accepted();
    assert_eq!(
        registrars(&mut city, &[BOB.account()]),
        (1, vec![(false, false)])
    );
    assert_eq!(
        city.registry(BOB).accept_registrar().expect_refused(),
        RegistryError::NotOffered
    );
    // The account offered may decline too.
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, CAROL)
        .expect_accepted();
    let declined = city.registry(CAROL).renounce_role(CivicRole::Registrar);
    assert_eq!(event_names(&city, &declined), ["RegistrarOfferWithdrawn"]);
    declined.expect_accepted();
    assert!(!city.registry(CAROL).registrar_offered(CAROL).value);
}

#[test]
fn the_last_accepted_registrar_cannot_be_revoked_while_an_offer_is_pending() {
    let mut city = offered_to_bob();
    assert_eq!(
        city.registry(ADMIN)
            .revoke_role(CivicRole::Registrar, ADMIN)
            .expect_refused(),
        RegistryError::LastRegistrar
    );
    assert_eq!(
        city.registry(ADMIN)
            .renounce_role(CivicRole::Registrar)
            .expect_refused(),
        RegistryError::LastRegistrar
    );
    assert_eq!(
        registrars(&mut city, &[ADMIN.account(), BOB.account()]),
        (1, vec![(true, false), (false, true)])
    );
    // Once bob accepts, the admin may go, and bob is the last.
    city.registry(BOB).accept_registrar().expect_accepted();
    city.registry(ADMIN)
        .revoke_role(CivicRole::Registrar, ADMIN)
        .expect_accepted();
    assert_eq!(
        city.registry(ADMIN)
            .revoke_role(CivicRole::Registrar, BOB)
            .expect_refused(),
        RegistryError::LastRegistrar
    );
}

#[test]
fn a_strangers_accept_is_refused_and_changes_nothing() {
    let mut city = city();
    let everyone = [ADMIN, ALICE, BOB, CAROL, MALLORY].map(AccountId::from);
    let before = registrars(&mut city, &everyone);
    let refused = city.registry(MALLORY).accept_registrar();
    assert!(refused.reverted && refused.events.is_empty());
    assert_eq!(refused.expect_refused(), RegistryError::NotOffered);
    assert_eq!(registrars(&mut city, &everyone), before);
    assert_eq!(
        before,
        (
            1,
            [(true, false)]
                .into_iter()
                .chain([(false, false); 4])
                .collect()
        )
    );
    let expiry = in_a_year(&mut city);
    assert_eq!(
        city.registry(MALLORY)
            .register(MALLORY, IdentityKind::Citizen, [9; 32], expiry)
            .expect_refused(),
        RegistryError::NotRegistrar
    );
}

#[test]
fn a_contract_cannot_accept_the_registrar_role() {
    // A contract could act as registrar only through whoever governs it: e-voting, say,
    // whose electorate needs a registrar (see red_team_3.rs for the lockout it would be).
    let mut city = offered_to_bob();
    let voting = harness::city::contract_account(&city.voting);
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, voting)
        .expect_accepted();
    assert_eq!(
        city.registry(voting).accept_registrar().expect_refused(),
        RegistryError::ContractRegistrar
    );
    assert_eq!(
        registrars(&mut city, &[voting]),
        (1, vec![(false, true)]),
        "the offer stays, for the admin to withdraw"
    );
}

#[test]
fn a_contract_cannot_accept_the_registrar_role_from_its_constructor() {
    // F-1 (the fresh review of the two-step role): while a constructor runs, the chain has
    // not yet recorded its account as a contract's, so `is_contract` alone answered false
    // and a contract-to-be, offered the role at its precomputed address, took it.
    let mut city = city();
    let registry = harness::city::contract_account(&city.registry);
    let constructor = harness::call::input(
        selector_bytes!("calling"),
        (
            registry,
            selector_bytes!("accept_registrar"),
            Vec::<u8>::new(),
        ),
    );
    // The address the attacker's contract will have, found by a probe deployment undone.
    let before = city.snapshot();
    let probe = city
        .deploy("reentrant-token", constructor.clone())
        .expect("the probe deploys");
    let future = harness::city::contract_account(&probe);
    city.restore(&before);
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, future)
        .expect_accepted();
    let attacker = city
        .deploy("reentrant-token", constructor)
        .expect("the attacker's contract deploys");
    assert_eq!(harness::city::contract_account(&attacker), future);
    assert_eq!(
        registrars(&mut city, &[future]),
        (1, vec![(false, true)]),
        "a contract took the registrar role from its constructor"
    );
    assert_eq!(
        city.registry(ADMIN)
            .revoke_role(CivicRole::Registrar, ADMIN)
            .expect_refused(),
        RegistryError::LastRegistrar
    );
}

/// A well-formed card key: a compressed point's encoding (`0x02` or `0x03` first).
fn card(seed: u8) -> city_traits::CardKey {
    let mut key = [seed; 33];
    key[0] = 2 + seed % 2;
    key
}

/// A city whose admin is a registrar, with alice and bob citizens.
fn citizens_city() -> City {
    Fixture::new()
        .registrar()
        .citizens([ALICE, BOB])
        .build()
        .expect("the city is set up")
}

#[test]
fn a_citizens_card_key_is_bound_rotated_and_revoked_by_a_registrar_only() {
    let mut city = citizens_city();
    let key = card(1);
    // Strangers and the citizen itself bind nothing: a key that is not the account's
    // own (`card_account`) is the admin's to bind, the account's own a registrar's.
    for intruder in [MALLORY, ALICE] {
        assert_eq!(
            city.registry(intruder)
                .set_card_key(ALICE, Some(key))
                .expect_refused(),
            RegistryError::NotAdmin
        );
        let own = city_traits::card_account(&key);
        assert_eq!(
            city.registry(intruder)
                .set_card_key(own, Some(key))
                .expect_refused(),
            RegistryError::NotRegistrar
        );
    }
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(key))
        .expect_accepted();
    assert_eq!(
        city.registry(BOB).card_holder(key).value,
        Some(ALICE.account())
    );
    // Nobody else's card may carry it, and it is never bound twice.
    assert_eq!(
        city.registry(ADMIN)
            .set_card_key(BOB, Some(key))
            .expect_refused(),
        RegistryError::CardKeyInUse
    );
    // A rotated card: the old key signs for nobody any more.
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card(2)))
        .expect_accepted();
    assert_eq!(city.registry(BOB).card_holder(key).value, None);
    assert_eq!(
        city.registry(BOB).card_holder(card(2)).value,
        Some(ALICE.account())
    );
    // A lost card revoked; a malformed key refused.
    city.registry(ADMIN)
        .set_card_key(ALICE, None)
        .expect_accepted();
    assert_eq!(city.registry(BOB).card_holder(card(2)).value, None);
    let mut malformed = card(3);
    malformed[0] = 4;
    assert_eq!(
        city.registry(ADMIN)
            .set_card_key(ALICE, Some(malformed))
            .expect_refused(),
        RegistryError::MalformedCardKey
    );
    assert_eq!(city.registry(BOB).card_key(ALICE).value, None);
}

#[test]
fn an_ended_identity_loses_its_card_key() {
    let mut city = citizens_city();
    city.registry(ADMIN)
        .set_card_key(BOB, Some(card(5)))
        .expect_accepted();
    city.registry(ADMIN).revoke(BOB).expect_accepted();
    assert_eq!(city.registry(ALICE).card_holder(card(5)).value, None);
    assert_eq!(
        city.registry(ADMIN)
            .set_card_key(BOB, Some(card(6)))
            .expect_refused(),
        RegistryError::NotRegistered
    );
}
