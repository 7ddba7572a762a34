//! Roles and the admin seat on the real Wasm.

use city_traits::{AdminError, AdminTransferred, Role, TokenError};
use harness::{
    city::{ADMIN, ALICE, BOB, MALLORY},
    AdminCalls,
};
use ink::primitives::AccountId;

use crate::city_with_holders;

#[test]
fn admin_grants_revokes_and_holders_renounce() {
    let mut city = city_with_holders();
    let granted = city.token(ADMIN).grant_role(Role::Minter, BOB);
    assert_eq!(granted.events.len(), 1);
    granted.expect_accepted();
    assert!(city.token(ALICE).has_role(BOB, Role::Minter).value);

    let again = city.token(ADMIN).grant_role(Role::Minter, BOB);
    assert!(
        again.events.is_empty(),
        "granting a held role is a silent no-op"
    );
    again.expect_accepted();

    city.token(ADMIN)
        .revoke_role(Role::Minter, BOB)
        .expect_accepted();
    assert!(!city.token(ALICE).has_role(BOB, Role::Minter).value);

    city.token(ADMIN)
        .grant_role(Role::Pauser, ALICE)
        .expect_accepted();
    city.token(ALICE)
        .renounce_role(Role::Pauser)
        .expect_accepted();
    assert!(!city.token(ALICE).has_role(ALICE, Role::Pauser).value);
}

#[test]
fn strangers_cannot_grant_or_revoke() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::Minter, BOB)
        .expect_accepted();
    assert_eq!(
        city.token(MALLORY)
            .grant_role(Role::Minter, MALLORY)
            .expect_refused(),
        TokenError::NotAdmin
    );
    assert_eq!(
        city.token(MALLORY)
            .revoke_role(Role::Minter, BOB)
            .expect_refused(),
        TokenError::NotAdmin
    );
    assert!(!city.token(ALICE).has_role(MALLORY, Role::Minter).value);
    assert!(city.token(ALICE).has_role(BOB, Role::Minter).value);
}

#[test]
fn every_role_gated_message_refuses_outsiders() {
    let mut city = city_with_holders();
    assert_eq!(
        city.token(MALLORY).mint_to(MALLORY, 1).expect_refused(),
        TokenError::MissingRole(Role::Minter)
    );
    assert_eq!(
        city.token(MALLORY).burn_from(ALICE, 1).expect_refused(),
        TokenError::MissingRole(Role::Burner)
    );
    assert_eq!(
        city.token(MALLORY).pause().expect_refused(),
        TokenError::MissingRole(Role::Pauser)
    );
    assert_eq!(
        city.token(MALLORY).unpause().expect_refused(),
        TokenError::MissingRole(Role::Pauser)
    );
    assert_eq!(city.balance(MALLORY), 0);
}

#[test]
fn the_admin_seat_moves_only_when_the_account_offered_accepts_it() {
    let mut city = city_with_holders();
    assert_eq!(
        city.token(ADMIN)
            .offer_admin(AccountId::from([0; 32]))
            .expect_refused(),
        AdminError::ZeroAdmin
    );
    assert_eq!(
        city.token(BOB).offer_admin(BOB).expect_refused(),
        AdminError::NotAdmin
    );
    // A typo: the seat is offered to an account nobody holds, and stays where it was.
    city.token(ADMIN).offer_admin(MALLORY).expect_accepted();
    assert_eq!(city.token(ALICE).admin().value, ADMIN.account());
    assert_eq!(
        city.token(BOB).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
    city.token(ADMIN)
        .grant_role(Role::Minter, ADMIN)
        .expect_accepted();
    // The admin offers again, replacing the first offer: only the new one can accept.
    city.token(ADMIN).offer_admin(BOB).expect_accepted();
    assert_eq!(
        city.token(MALLORY).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
    let accepted = city.token(BOB).accept_admin();
    assert_eq!(
        accepted.events_of::<AdminTransferred>(),
        vec![AdminTransferred {
            previous: ADMIN.account(),
            new: BOB.account()
        }]
    );
    accepted.expect_accepted();
    assert_eq!(city.token(ALICE).admin().value, BOB.account());
    assert_eq!(city.token(ALICE).offered_admin().value, None);
    assert_eq!(
        city.token(ADMIN)
            .grant_role(Role::Minter, ADMIN)
            .expect_refused(),
        TokenError::NotAdmin
    );
    assert_eq!(
        city.token(BOB).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
    city.token(BOB)
        .grant_role(Role::Minter, BOB)
        .expect_accepted();
}

#[test]
fn an_offer_to_the_holder_itself_withdraws_the_offer() {
    let mut city = city_with_holders();
    city.token(ADMIN).offer_admin(BOB).expect_accepted();
    city.token(ADMIN).offer_admin(ADMIN).expect_accepted();
    assert_eq!(city.token(ALICE).offered_admin().value, None);
    assert_eq!(
        city.token(BOB).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
    assert_eq!(city.token(ALICE).admin().value, ADMIN.account());
}
