//! The ninth attacker's review: the final contract diff (card keys and the `Issuer` role in
//! the registry, civic records, the state restorer, e-voting's limb division). Each test
//! asserts the safe behaviour. F1 is fixed (`card_holder` asks `kind_of` too) and its test
//! passes; F2 is fixed since card-signed intents (issue 18): a registrar binds a card only
//! to the account the card itself controls, and only the admin seat binds any other:
//!
//! - F1 (low), a lapsed card still answers `card_holder`: the registry drops a card key
//!   when its identity *ends*, but a card whose expiry passed stays bound until somebody
//!   calls `expire`, so `card_holder` answers its account while `kind_of` already answers
//!   `None`: `a_lapsed_card_answers_for_nobody`.
//! - F2 (low, design), a card key is bound without the card: `set_card_key` takes any
//!   well-formed public key (citizen cards' keys are public: Estonia publishes every e-ID
//!   certificate), so a mistaken or rogue registrar makes another citizen's card sign for
//!   the account it names, and since a key is bound once, ever, the card's holder can never
//!   bind it, even after the binding is revoked:
//!   `a_card_key_binds_only_to_the_identity_whose_card_proves_it`.
//!
//! The tests after them confirm attacks refused.

use city_traits::{CardKey, CivicRole, IdentityKind, RegistryError};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, MALLORY},
    City, Fixture,
};

const DAY_MS: u64 = 86_400_000;

/// A well-formed card key (`0x02` or `0x03` first).
fn card(seed: u8) -> CardKey {
    let mut key = [seed; 33];
    key[0] = 2 + seed % 2;
    key
}

/// A city whose admin is a registrar, with alice, bob and mallory citizens for a year.
fn citizens_city() -> City {
    Fixture::new()
        .registrar()
        .citizens([ALICE, BOB, MALLORY])
        .build()
        .expect("the city is set up")
}

/// F1: a card lapsed (its expiry passed, nobody called `expire` yet) answers for nobody,
/// as `kind_of` already does: a contract accepting card-signed intents asks `card_holder`.
#[test]
fn a_lapsed_card_answers_for_nobody() {
    let mut city = Fixture::new()
        .registrar()
        .build()
        .expect("the city is set up");
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], expiry)
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card(1)))
        .expect_accepted();
    city.advance_time(DAY_MS);
    assert_eq!(city.registry(BOB).kind_of(ALICE).value, None);
    assert_eq!(
        city.registry(BOB).card_holder(card(1)).value,
        None,
        "a card whose identity lapsed still signs for it"
    );
}

/// F2, fixed by the rule card-signed intents brought (the tenth review's F1): a
/// registrar binds a card only to the account the card itself controls, so binding bob's
/// (public) card key to mallory's identity is refused to anyone but the admin seat
/// (governance, after the handover), and the key stays free for bob's own account.
#[test]
fn a_card_key_binds_only_to_the_identity_whose_card_proves_it() {
    let mut city = citizens_city();
    city.appoint_registrar(CAROL).expect("a second registrar");
    let bobs_card = card(9);
    assert_eq!(
        city.registry(CAROL)
            .set_card_key(MALLORY, Some(bobs_card))
            .expect_refused(),
        RegistryError::NotAdmin
    );
    assert_eq!(city.registry(CAROL).card_holder(bobs_card).value, None);
}

/// A key, rotated away or lost with its identity, never comes back: not to its account
/// registered again, not to anyone else; `card_holder` answers only the current key.
#[test]
fn a_card_key_never_comes_back_not_even_to_its_account_registered_again() {
    let mut city = citizens_city();
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card(1)))
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card(2)))
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(BOB, Some(card(3)))
        .expect_accepted();
    assert_eq!(city.registry(CAROL).card_holder(card(1)).value, None);
    assert_eq!(
        city.registry(CAROL).card_holder(card(2)).value,
        Some(ALICE.account())
    );
    assert_eq!(
        city.registry(CAROL).card_holder(card(3)).value,
        Some(BOB.account())
    );
    // Alice's identity ends; she is registered again with another document.
    city.registry(ADMIN).revoke(ALICE).expect_accepted();
    assert_eq!(city.registry(CAROL).card_holder(card(2)).value, None);
    let expiry = city.now_ms() + 365 * DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [77; 32], expiry)
        .expect_accepted();
    assert_eq!(city.registry(CAROL).card_key(ALICE).value, None);
    for old in [card(1), card(2), card(3)] {
        for account in [ALICE, BOB, MALLORY] {
            assert_eq!(
                city.registry(ADMIN)
                    .set_card_key(account, Some(old))
                    .expect_refused(),
                RegistryError::CardKeyInUse
            );
        }
    }
    assert_eq!(city.registry(CAROL).card_holder(card(1)).value, None);
    assert_eq!(city.registry(CAROL).card_holder(card(2)).value, None);
    assert_eq!(
        city.registry(CAROL).card_holder(card(3)).value,
        Some(BOB.account())
    );
    // Revoking a key bob's card no longer has is refused; his key is revoked once.
    city.registry(ADMIN)
        .set_card_key(BOB, None)
        .expect_accepted();
    assert_eq!(
        city.registry(ADMIN)
            .set_card_key(BOB, None)
            .expect_refused(),
        RegistryError::NoCardKey
    );
    assert_eq!(city.registry(CAROL).card_holder(card(3)).value, None);
}

/// Marked as lapsed by a stranger, an identity loses its key, and the key is not bound to
/// it again while it is not live.
#[test]
fn a_card_lapsed_and_marked_by_a_stranger_loses_its_key() {
    let mut city = Fixture::new()
        .registrar()
        .build()
        .expect("the city is set up");
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], expiry)
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(ALICE, Some(card(4)))
        .expect_accepted();
    city.advance_time(DAY_MS);
    city.registry(MALLORY).expire(ALICE).expect_accepted();
    assert_eq!(city.registry(BOB).card_holder(card(4)).value, None);
    assert_eq!(city.registry(BOB).card_key(ALICE).value, None);
    assert_eq!(
        city.registry(ADMIN)
            .set_card_key(ALICE, Some(card(5)))
            .expect_refused(),
        RegistryError::NotRegistered
    );
}

/// Neither an account the registrar role is only offered to (bit 7), nor an issuer of
/// civic records (bit 5), nor the citizen itself binds or revokes a card key.
#[test]
fn offered_registrars_issuers_and_citizens_touch_no_card_key() {
    let mut city = citizens_city();
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, MALLORY)
        .expect_accepted();
    city.registry(ADMIN)
        .grant_role(CivicRole::Issuer, CAROL)
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(BOB, Some(card(6)))
        .expect_accepted();
    for intruder in [MALLORY, CAROL, BOB] {
        assert_eq!(
            city.registry(intruder)
                .set_card_key(intruder, Some(card(8)))
                .expect_refused(),
            RegistryError::NotAdmin
        );
        assert_eq!(
            city.registry(intruder)
                .set_card_key(BOB, None)
                .expect_refused(),
            RegistryError::NotRegistrar
        );
    }
    // The offer still pending, and nobody holds a key but bob.
    assert!(city.registry(BOB).registrar_offered(MALLORY).value);
    assert!(
        !city
            .registry(BOB)
            .has_civic_role(MALLORY, CivicRole::Registrar)
            .value
    );
    assert_eq!(
        city.registry(BOB).card_holder(card(6)).value,
        Some(BOB.account())
    );
    assert_eq!(city.registry(BOB).card_holder(card(8)).value, None);
}
