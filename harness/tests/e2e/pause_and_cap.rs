//! Pause, supply cap, mint and burn on the real Wasm.

use city_traits::{PSP22Error, Role, TokenError};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, SHOP},
    City, TokenConfig,
};

use crate::city_with_holders;

#[test]
fn a_paused_token_moves_nothing_until_unpaused() {
    let mut city = city_with_holders();
    for role in [Role::Pauser, Role::Minter, Role::Burner] {
        city.token(ADMIN).grant_role(role, ADMIN).expect_accepted();
    }
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    city.token(ALICE).approve(CAROL, 100).expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    assert!(city.token(ALICE).paused().value);

    let paused = PSP22Error::Custom("Paused".into());
    assert_eq!(city.token(ALICE).transfer(BOB, 1).expect_refused(), paused);
    assert_eq!(
        city.token(CAROL)
            .transfer_from(ALICE, BOB, 1)
            .expect_refused(),
        paused
    );
    assert_eq!(
        city.token(ADMIN).mint_to(ALICE, 1).expect_refused(),
        TokenError::Paused
    );
    assert_eq!(
        city.token(ADMIN).burn_from(ADMIN, 1).expect_refused(),
        TokenError::Paused
    );
    assert_eq!(
        city.token(ALICE).redeem(SHOP, 1, b"").expect_refused(),
        TokenError::Paused
    );
    assert_eq!(
        city.token(ADMIN).pause().expect_refused(),
        TokenError::Paused
    );
    assert_eq!(city.balance(ALICE), 1_000);

    city.token(ADMIN).unpause().expect_accepted();
    assert_eq!(
        city.token(ADMIN).unpause().expect_refused(),
        TokenError::NotPaused
    );
    city.token(ALICE).transfer(BOB, 1).expect_accepted();
}

#[test]
fn minting_stops_at_the_cap() {
    let config = TokenConfig {
        cap: 10_000,
        initial_supply: 9_000,
        ..TokenConfig::default()
    };
    let mut city = City::with_token(config).unwrap();
    city.token(ADMIN)
        .grant_role(Role::Minter, ADMIN)
        .expect_accepted();
    assert_eq!(city.token(ALICE).cap().value, 10_000);
    city.token(ADMIN).mint_to(ALICE, 1_000).expect_accepted();
    assert_eq!(city.token(ADMIN).total_supply().value, 10_000);
    assert_eq!(
        city.token(ADMIN).mint_to(ALICE, 1).expect_refused(),
        TokenError::CapExceeded
    );
    assert_eq!(
        city.token(ADMIN).mint_to(ALICE, u128::MAX).expect_refused(),
        TokenError::CapExceeded
    );
    assert_eq!(city.balance(ALICE), 1_000);
}

#[test]
fn a_constructor_above_the_cap_is_refused() {
    let config = TokenConfig {
        cap: 10,
        initial_supply: 11,
        ..TokenConfig::default()
    };
    let error = City::with_token(config).err().expect("deployment refused");
    assert!(
        error
            .to_string()
            .contains("constructor of city-token refused"),
        "{error:#}"
    );
}

#[test]
fn burning_needs_the_role_and_an_allowance_for_others_tokens() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::Burner, BOB)
        .expect_accepted();
    assert_eq!(
        city.token(BOB).burn_from(ALICE, 10).expect_refused(),
        TokenError::InsufficientAllowance
    );
    city.token(ALICE).approve(BOB, 10).expect_accepted();
    city.token(BOB).burn_from(ALICE, 10).expect_accepted();
    city.token(BOB).burn_from(BOB, 990).expect_accepted();
    assert_eq!(city.balance(ALICE), 990);
    assert_eq!(city.balance(BOB), 10);
    assert_eq!(
        city.token(BOB).burn_from(BOB, 11).expect_refused(),
        TokenError::InsufficientBalance
    );
}
