//! PSP22 conformance on the real Wasm: semantics, events and refusals.

use city_traits::PSP22Error;
use harness::city::{ALICE, BOB, CAROL, MALLORY};
use ink::primitives::AccountId;
use psp22::{Approval, Transfer};

use crate::city_with_holders;

#[test]
fn transfer_moves_tokens_and_emits_transfer() {
    let mut city = city_with_holders();
    let outcome = city.token(ALICE).transfer(BOB, 300);
    let events = outcome.events_of::<Transfer>();
    outcome.expect_accepted();
    assert_eq!(city.balance(ALICE), 700);
    assert_eq!(city.balance(BOB), 1_300);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        (event.from, event.to, event.value),
        (Some(ALICE.account()), Some(BOB.account()), 300)
    );
}

#[test]
fn zero_and_self_transfers_are_silent_no_ops() {
    let mut city = city_with_holders();
    for outcome in [
        city.token(ALICE).transfer(BOB, 0),
        city.token(ALICE).transfer(ALICE, 10),
        city.token(CAROL).transfer_from(ALICE, ALICE, 10),
        city.token(CAROL).transfer_from(ALICE, BOB, 0),
    ] {
        assert!(outcome.events.is_empty());
        outcome.expect_accepted();
    }
    assert_eq!(city.balance(ALICE), 1_000);
}

#[test]
fn overspending_is_refused_and_reverted() {
    let mut city = city_with_holders();
    for value in [1_001, u128::MAX] {
        let outcome = city.token(ALICE).transfer(BOB, value);
        assert!(outcome.reverted);
        assert!(outcome.events.is_empty());
        assert_eq!(outcome.expect_refused(), PSP22Error::InsufficientBalance);
    }
    let stranger = AccountId::from([0xee; 32]);
    assert_eq!(
        city.token(stranger).transfer(BOB, 1).expect_refused(),
        PSP22Error::InsufficientBalance
    );
    assert_eq!(city.balance(ALICE), 1_000);
    assert_eq!(city.balance(BOB), 1_000);
}

#[test]
fn approve_sets_and_replaces_the_allowance() {
    let mut city = city_with_holders();
    city.token(ALICE).approve(CAROL, 500).expect_accepted();
    let outcome = city.token(ALICE).approve(CAROL, 200);
    let approval = &outcome.events_of::<Approval>()[0];
    assert_eq!(
        (approval.owner, approval.spender, approval.amount),
        (ALICE.account(), CAROL.account(), 200)
    );
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, 200);
    city.token(ALICE)
        .increase_allowance(CAROL, 50)
        .expect_accepted();
    city.token(ALICE)
        .decrease_allowance(CAROL, 100)
        .expect_accepted();
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, 150);
    assert_eq!(
        city.token(ALICE)
            .decrease_allowance(CAROL, 151)
            .expect_refused(),
        PSP22Error::InsufficientAllowance
    );
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, 150);
}

#[test]
fn transfer_from_spends_the_allowance_and_emits_approval_then_transfer() {
    let mut city = city_with_holders();
    city.token(ALICE).approve(CAROL, 500).expect_accepted();
    let outcome = city.token(CAROL).transfer_from(ALICE, BOB, 200);
    let approval = outcome.events[0]
        .decode::<Approval>()
        .expect("Approval first");
    let transfer = outcome.events[1]
        .decode::<Transfer>()
        .expect("then Transfer");
    outcome.expect_accepted();
    assert_eq!(approval.amount, 300);
    assert_eq!(transfer.value, 200);
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, 300);
    assert_eq!(city.balance(BOB), 1_200);
}

#[test]
fn transfer_from_checks_the_allowance_before_the_balance() {
    let mut city = city_with_holders();
    city.token(ALICE).approve(CAROL, 5_000).expect_accepted();
    assert_eq!(
        city.token(MALLORY)
            .transfer_from(ALICE, MALLORY, 1)
            .expect_refused(),
        PSP22Error::InsufficientAllowance
    );
    assert_eq!(
        city.token(CAROL)
            .transfer_from(ALICE, CAROL, 5_001)
            .expect_refused(),
        PSP22Error::InsufficientAllowance
    );
    assert_eq!(
        city.token(CAROL)
            .transfer_from(ALICE, CAROL, 5_000)
            .expect_refused(),
        PSP22Error::InsufficientBalance
    );
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, 5_000);
}

#[test]
fn an_unlimited_allowance_saturates() {
    let mut city = city_with_holders();
    city.token(ALICE)
        .approve(CAROL, u128::MAX)
        .expect_accepted();
    city.token(ALICE)
        .increase_allowance(CAROL, u128::MAX)
        .expect_accepted();
    assert_eq!(city.token(ALICE).allowance(ALICE, CAROL).value, u128::MAX);
}

#[test]
fn metadata_is_served() {
    let mut city = city_with_holders();
    assert_eq!(
        city.token(ALICE).token_name().value,
        Some("City Coin".into())
    );
    assert_eq!(city.token(ALICE).token_symbol().value, Some("CITY".into()));
    assert_eq!(city.token(ALICE).token_decimals().value, 2);
}
