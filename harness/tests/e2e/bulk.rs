//! The token's bulk payments (`mint_many`, `transfer_many`) on the real Wasm: the same
//! rules as the single calls, all or nothing, and the same ledger and history.

use city_traits::{PSP22Error, Role, TokenError, TransferPolicy, MAX_PAYMENTS};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY, SHOP},
    City,
};
use ink::primitives::AccountId;

use crate::city_with_holders;

/// Every balance, allowance-free, of the accounts these tests touch, and the supply.
fn ledger(city: &mut City) -> Vec<u128> {
    let mut seen: Vec<u128> = [ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY, SHOP]
        .into_iter()
        .map(|who| city.balance(who))
        .collect();
    seen.push(city.token(ADMIN).total_supply().value);
    seen
}

fn pay(to: &[(harness::Actor, u128)]) -> Vec<(AccountId, u128)> {
    to.iter()
        .map(|(who, amount)| (who.account(), *amount))
        .collect()
}

#[test]
fn each_payment_is_a_psp22_transfer_in_order() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::Minter, ADMIN)
        .expect_accepted();
    let paid =
        city.token(ALICE)
            .transfer_many(&pay(&[(BOB, 10), (CAROL, 0), (DAVE, 20), (ALICE, 5)]));
    let moves: Vec<_> = paid
        .events_of::<psp22::Transfer>()
        .into_iter()
        .map(|t| (t.from, t.to, t.value))
        .collect();
    paid.expect_accepted();
    let alice = Some(ALICE.account());
    assert_eq!(
        moves,
        vec![
            (alice, Some(BOB.account()), 10),
            (alice, Some(DAVE.account()), 20)
        ]
    );
    let minted = city.token(ADMIN).mint_many(&pay(&[(CAROL, 3), (BOB, 4)]));
    assert_eq!(minted.events_of::<psp22::Transfer>().len(), 2);
    minted.expect_accepted();
    assert_eq!(
        [ALICE, BOB, CAROL, DAVE].map(|who| city.balance(who)),
        [970, 1_014, 3, 20]
    );
}

#[test]
fn nobody_without_the_minter_role_mints_in_bulk() {
    let mut city = city_with_holders();
    let before = ledger(&mut city);
    assert_eq!(
        city.token(MALLORY)
            .mint_many(&pay(&[(MALLORY, 1_000)]))
            .expect_refused(),
        TokenError::MissingRole(Role::Minter)
    );
    assert_eq!(ledger(&mut city), before);
}

#[test]
fn a_bulk_transfer_spends_only_the_callers_own_balance_and_all_or_nothing() {
    let mut city = city_with_holders();
    let before = ledger(&mut city);
    // Mallory has nothing: nobody else's balance pays for her list.
    assert_eq!(
        city.token(MALLORY)
            .transfer_many(&pay(&[(MALLORY, 0), (DAVE, 1)]))
            .expect_refused(),
        TokenError::InsufficientBalance
    );
    // Alice has 1,000: a list of 1,001 moves nothing, not even its first 600.
    assert_eq!(
        city.token(ALICE)
            .transfer_many(&pay(&[(BOB, 600), (CAROL, 401)]))
            .expect_refused(),
        TokenError::InsufficientBalance
    );
    // Amounts that overflow a u128 together are refused, not wrapped.
    assert_eq!(
        city.token(ALICE)
            .transfer_many(&pay(&[(BOB, u128::MAX), (CAROL, 2)]))
            .expect_refused(),
        TokenError::InsufficientBalance
    );
    let too_many = vec![(BOB.account(), 1); MAX_PAYMENTS + 1];
    assert_eq!(
        city.token(ALICE).transfer_many(&too_many).expect_refused(),
        TokenError::TooManyPayments
    );
    assert_eq!(ledger(&mut city), before);
}

#[test]
fn the_pause_the_cap_and_the_civic_policy_hold_for_bulk_payments() {
    let mut city = city_with_holders();
    for role in [Role::Minter, Role::Pauser] {
        city.token(ADMIN).grant_role(role, ADMIN).expect_accepted();
    }
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHOP)
        .expect_accepted();
    let before = ledger(&mut city);

    // The cap is checked against the sum: two mints that fit one by one do not together.
    let cap = city.token(ADMIN).cap().value;
    let room = cap - city.token(ADMIN).total_supply().value;
    assert_eq!(
        city.token(ADMIN)
            .mint_many(&pay(&[(BOB, room), (CAROL, 1)]))
            .expect_refused(),
        TokenError::CapExceeded
    );

    // Under the civic policy a citizen pays a shop but not another citizen, in one list.
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    assert_eq!(
        city.token(ALICE)
            .transfer_many(&pay(&[(SHOP, 1), (BOB, 1)]))
            .expect_refused(),
        TokenError::PolicyForbidsTransfer
    );
    assert_eq!(ledger(&mut city), before);
    city.token(ALICE)
        .transfer_many(&pay(&[(SHOP, 1)]))
        .expect_accepted();
    city.token(SHOP)
        .transfer_many(&pay(&[(BOB, 1)]))
        .expect_accepted();

    city.token(ADMIN).pause().expect_accepted();
    let paused = ledger(&mut city);
    assert_eq!(
        city.token(ADMIN)
            .mint_many(&pay(&[(BOB, 1)]))
            .expect_refused(),
        TokenError::Paused
    );
    assert_eq!(
        city.token(ALICE)
            .transfer_many(&pay(&[(SHOP, 1)]))
            .expect_refused(),
        TokenError::Paused
    );
    assert_eq!(
        city.token(ALICE).transfer(SHOP, 1).expect_refused(),
        PSP22Error::Custom("Paused".into()),
        "as for a single transfer"
    );
    assert_eq!(ledger(&mut city), paused);
}

#[test]
fn bulk_payments_leave_the_ledger_and_history_single_calls_leave() {
    // Two cities, the same payments: one in bulk, one a call each, in the same blocks.
    let mut bulk = city_with_holders();
    let mut single = city_with_holders();
    let payments = [(BOB, 30), (CAROL, 5), (BOB, 10), (DAVE, 0)];
    let mints = [(ALICE, 7), (CAROL, 2)];
    for city in [&mut bulk, &mut single] {
        city.token(ADMIN)
            .grant_role(Role::Minter, ADMIN)
            .expect_accepted();
        for voter in [ALICE, BOB] {
            city.token(voter).track_votes().expect_accepted();
        }
        city.advance_blocks(1);
    }
    bulk.token(ALICE)
        .transfer_many(&pay(&payments))
        .expect_accepted();
    bulk.token(ADMIN).mint_many(&pay(&mints)).expect_accepted();
    for (to, amount) in payments {
        single.token(ALICE).transfer(to, amount).expect_accepted();
    }
    for (to, amount) in mints {
        single.token(ADMIN).mint_to(to, amount).expect_accepted();
    }
    for city in [&mut bulk, &mut single] {
        city.advance_blocks(1);
    }
    let history = |city: &mut City| {
        let block = city.block();
        let mut seen = ledger(city);
        for past in block - 3..block {
            for voter in [ALICE, BOB, CAROL] {
                seen.push(city.token(ADMIN).votes_at(voter, past).expect_accepted());
            }
            seen.push(city.token(ADMIN).total_supply_at(past).expect_accepted());
        }
        seen
    };
    assert_eq!(history(&mut bulk), history(&mut single));
}
