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
    granted.ok();
    assert!(city.token(ALICE).has_role(BOB, Role::Minter).value);

    let again = city.token(ADMIN).grant_role(Role::Minter, BOB);
    assert!(
        again.events.is_empty(),
        "granting a held role is a silent no-op"
    );
    again.ok();

    city.token(ADMIN).revoke_role(Role::Minter, BOB).ok();
    assert!(!city.token(ALICE).has_role(BOB, Role::Minter).value);

    city.token(ADMIN).grant_role(Role::Pauser, ALICE).ok();
    city.token(ALICE).renounce_role(Role::Pauser).ok();
    assert!(!city.token(ALICE).has_role(ALICE, Role::Pauser).value);
}

#[test]
fn strangers_cannot_grant_or_revoke() {
    let mut city = city_with_holders();
    city.token(ADMIN).grant_role(Role::Minter, BOB).ok();
    assert_eq!(
        city.token(MALLORY).grant_role(Role::Minter, MALLORY).err(),
        TokenError::NotAdmin
    );
    assert_eq!(
        city.token(MALLORY).revoke_role(Role::Minter, BOB).err(),
        TokenError::NotAdmin
    );
    assert!(!city.token(ALICE).has_role(MALLORY, Role::Minter).value);
    assert!(city.token(ALICE).has_role(BOB, Role::Minter).value);
}

#[test]
fn every_role_gated_message_refuses_outsiders() {
    let mut city = city_with_holders();
    assert_eq!(
        city.token(MALLORY).mint_to(MALLORY, 1).err(),
        TokenError::MissingRole(Role::Minter)
    );
    assert_eq!(
        city.token(MALLORY).burn_from(ALICE, 1).err(),
        TokenError::MissingRole(Role::Burner)
    );
    assert_eq!(
        city.token(MALLORY).pause().err(),
        TokenError::MissingRole(Role::Pauser)
    );
    assert_eq!(
        city.token(MALLORY).unpause().err(),
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
            .err(),
        AdminError::ZeroAdmin
    );
    assert_eq!(city.token(BOB).offer_admin(BOB).err(), AdminError::NotAdmin);
    // A typo: the seat is offered to an account nobody holds, and stays where it was.
    city.token(ADMIN).offer_admin(MALLORY).ok();
    assert_eq!(city.token(ALICE).admin().value, ADMIN.account());
    assert_eq!(city.token(BOB).accept_admin().err(), AdminError::NotOffered);
    city.token(ADMIN).grant_role(Role::Minter, ADMIN).ok();
    // The admin offers again, replacing the first offer: only the new one can accept.
    city.token(ADMIN).offer_admin(BOB).ok();
    assert_eq!(
        city.token(MALLORY).accept_admin().err(),
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
    accepted.ok();
    assert_eq!(city.token(ALICE).admin().value, BOB.account());
    assert_eq!(city.token(ALICE).offered_admin().value, None);
    assert_eq!(
        city.token(ADMIN).grant_role(Role::Minter, ADMIN).err(),
        TokenError::NotAdmin
    );
    assert_eq!(city.token(BOB).accept_admin().err(), AdminError::NotOffered);
    city.token(BOB).grant_role(Role::Minter, BOB).ok();
}

#[test]
fn an_offer_to_the_holder_itself_withdraws_the_offer() {
    let mut city = city_with_holders();
    city.token(ADMIN).offer_admin(BOB).ok();
    city.token(ADMIN).offer_admin(ADMIN).ok();
    assert_eq!(city.token(ALICE).offered_admin().value, None);
    assert_eq!(city.token(BOB).accept_admin().err(), AdminError::NotOffered);
    assert_eq!(city.token(ALICE).admin().value, ADMIN.account());
}
