//! Hostile input on the real Wasm: native value sent to non-payable messages, unknown
//! selectors, malformed arguments.

use harness::{
    call::input,
    city::{ALICE, BOB, MALLORY},
};
use ink::selector_bytes;

use crate::city_with_holders;

#[test]
fn native_value_sent_to_a_message_is_refused() {
    let mut city = city_with_holders();
    let token = city.token.address.clone();
    let transfer = input(
        selector_bytes!("PSP22::transfer"),
        (BOB.account(), 10u128, Vec::<u8>::new()),
    );
    let paid = city.call_paying::<Result<(), city_traits::PSP22Error>>(&token, ALICE, transfer, 1);
    let error = paid.expect_err("a non-payable message accepted native value");
    assert!(error.to_string().contains("ContractTrapped"), "{error:#}");
    assert_eq!(city.balance(ALICE), 1_000);
}

#[test]
fn unknown_selectors_and_malformed_arguments_are_refused() {
    let mut city = city_with_holders();
    let token = city.token.address.clone();
    let unknown = input([0xde, 0xad, 0xbe, 0xef], ());
    let error = city.call::<()>(&token, MALLORY, unknown).unwrap_err();
    assert!(error.to_string().contains("refused the input"), "{error:#}");

    // A transfer whose amount is cut short.
    let mut truncated = input(selector_bytes!("PSP22::transfer"), BOB.account());
    truncated.extend_from_slice(&[1, 2, 3]);
    let outcome = city.call::<Result<(), city_traits::PSP22Error>>(&token, ALICE, truncated);
    let error = outcome.expect_err("a malformed call was accepted");
    assert!(error.to_string().contains("refused the input"), "{error:#}");
    assert_eq!(city.balance(BOB), 1_000);
}
