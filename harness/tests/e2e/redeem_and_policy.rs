//! Redemption at service providers and the civic transfer policy on the real Wasm.

use city_traits::{PSP22Error, Role, TokenError, TransferPolicy};
use harness::city::{ADMIN, ALICE, BOB, BUS, CAROL, MALLORY, SHOP};

use crate::city_with_holders;

#[test]
fn a_citizen_redeems_at_a_provider_who_sees_the_memo() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    let outcome = city.token(ALICE).redeem(SHOP, 250, b"groceries #7");
    assert_eq!(outcome.events.len(), 2, "Transfer, then Redeemed");
    let redeemed = city.describe(&city.token, &outcome.events[1]);
    outcome.expect_accepted();
    assert!(redeemed.starts_with("Redeemed"), "{redeemed}");
    assert_eq!(city.balance(ALICE), 750);
    assert_eq!(city.balance(SHOP), 250);
}

#[test]
fn bad_redemptions_are_refused() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    let long_memo = [b'x'; 65];
    let refusals = [
        (
            city.token(ALICE).redeem(SHOP, 0, b""),
            TokenError::ZeroAmount,
        ),
        (
            city.token(ALICE).redeem(SHOP, 1, &long_memo),
            TokenError::MemoTooLong,
        ),
        (
            city.token(ALICE).redeem(MALLORY, 1, b""),
            TokenError::NotServiceProvider,
        ),
        (
            city.token(SHOP).redeem(SHOP, 1, b""),
            TokenError::SelfRedemption,
        ),
        (
            city.token(ALICE).redeem(SHOP, 1_001, b""),
            TokenError::InsufficientBalance,
        ),
    ];
    for (outcome, expected) in refusals {
        assert_eq!(outcome.expect_refused(), expected);
    }
    assert_eq!(city.balance(ALICE), 1_000);
    assert_eq!(city.balance(SHOP), 0);
}

#[test]
fn civic_points_go_to_providers_but_not_between_citizens() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, BUS)
        .expect_accepted();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    assert_eq!(
        city.token(ALICE).transfer_policy().value,
        TransferPolicy::Civic
    );

    let refused = PSP22Error::Custom("PolicyForbidsTransfer".into());
    assert_eq!(
        city.token(ALICE).transfer(BOB, 10).expect_refused(),
        refused
    );
    city.token(ALICE).approve(CAROL, 10).expect_accepted();
    assert_eq!(
        city.token(CAROL)
            .transfer_from(ALICE, CAROL, 10)
            .expect_refused(),
        refused
    );

    city.token(ALICE).transfer(SHOP, 10).expect_accepted();
    city.token(SHOP).transfer(BOB, 4).expect_accepted(); // a refund
    city.token(SHOP).transfer(BUS, 1).expect_accepted();
    city.token(BOB).redeem(BUS, 4, b"ticket").expect_accepted();
    assert_eq!(city.balance(BUS), 5);

    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Open)
        .expect_accepted();
    city.token(ALICE).transfer(BOB, 10).expect_accepted();
}

#[test]
fn only_the_admin_sets_the_policy() {
    let mut city = city_with_holders();
    assert_eq!(
        city.token(MALLORY)
            .set_transfer_policy(TransferPolicy::Civic)
            .expect_refused(),
        TokenError::NotAdmin
    );
    assert_eq!(
        city.token(ALICE).transfer_policy().value,
        TransferPolicy::Open
    );
}
