//! Property tests on the real Wasm: random sequences of token calls, with the token's
//! invariants checked after every step. (The suite-wide state machine with a reference
//! model grows out of this as the other contracts land.)

use city_traits::Role;
use harness::{
    city::{Actor, ADMIN, ALICE, BOB, CAROL, SHOP},
    City, Fixture, TokenConfig,
};
use proptest::prelude::*;

const CAP: u128 = 1_000_000;
const HOLDERS: [Actor; 5] = [ADMIN, ALICE, BOB, CAROL, SHOP];

#[derive(Debug, Clone)]
enum Step {
    Transfer {
        from: usize,
        to: usize,
        amount: u128,
    },
    Mint {
        to: usize,
        amount: u128,
    },
    Burn {
        amount: u128,
    },
    Redeem {
        from: usize,
        amount: u128,
    },
    TrackVotes {
        who: usize,
    },
    NextBlock,
}

fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![Just(0), Just(1), 0..=CAP, Just(u128::MAX)]
}

fn step() -> impl Strategy<Value = Step> {
    let who = 0..HOLDERS.len();
    prop_oneof![
        (who.clone(), who.clone(), amount()).prop_map(|(from, to, amount)| Step::Transfer {
            from,
            to,
            amount
        }),
        (who.clone(), amount()).prop_map(|(to, amount)| Step::Mint { to, amount }),
        amount().prop_map(|amount| Step::Burn { amount }),
        (who.clone(), amount()).prop_map(|(from, amount)| Step::Redeem { from, amount }),
        who.prop_map(|who| Step::TrackVotes { who }),
        Just(Step::NextBlock),
    ]
}

/// A city with a small cap; the admin mints, burns and opts in to voting.
fn city() -> City {
    let config = TokenConfig {
        cap: CAP,
        initial_supply: CAP / 4,
        ..TokenConfig::default()
    };
    Fixture::new()
        .token(config)
        .token_role(Role::Minter, ADMIN)
        .token_role(Role::Burner, ADMIN)
        .token_role(Role::ServiceProvider, SHOP)
        .build()
        .expect("the city is set up")
}

fn apply(city: &mut City, step: &Step) {
    // Refusals are part of the game: the invariants must hold whatever the outcome.
    match *step {
        Step::Transfer { from, to, amount } => {
            city.token(HOLDERS[from]).transfer(HOLDERS[to], amount);
        }
        Step::Mint { to, amount } => {
            city.token(ADMIN).mint_to(HOLDERS[to], amount);
        }
        Step::Burn { amount } => {
            city.token(ADMIN).burn_from(ADMIN, amount);
        }
        Step::Redeem { from, amount } => {
            city.token(HOLDERS[from]).redeem(SHOP, amount, b"");
        }
        Step::TrackVotes { who } => {
            city.token(HOLDERS[who]).track_votes().expect_accepted();
        }
        Step::NextBlock => city.advance_blocks(1),
    }
}

/// The total supply equals the sum of all balances.
fn supply_equals_sum_of_balances(city: &mut City) {
    let sum: u128 = HOLDERS.iter().map(|&holder| city.balance(holder)).sum();
    assert_eq!(city.token(ADMIN).total_supply().value, sum);
}

/// The supply never exceeds the cap.
fn supply_within_cap(city: &mut City) {
    assert!(city.token(ADMIN).total_supply().value <= CAP);
}

/// What was read for a finished block reads the same forever after.
fn the_past_never_changes(city: &mut City, seen: &mut Vec<(Option<Actor>, u32, u128)>) {
    for &(holder, block, value) in seen.iter() {
        let now = match holder {
            Some(holder) => city.token(ADMIN).votes_at(holder, block).expect_accepted(),
            None => city.token(ADMIN).total_supply_at(block).expect_accepted(),
        };
        assert_eq!(now, value, "{holder:?} at block {block} changed");
    }
    let last_finished = city.block() - 1;
    seen.push((
        None,
        last_finished,
        city.token(ADMIN)
            .total_supply_at(last_finished)
            .expect_accepted(),
    ));
    for holder in HOLDERS {
        let votes = city
            .token(ADMIN)
            .votes_at(holder, last_finished)
            .expect_accepted();
        seen.push((Some(holder), last_finished, votes));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn token_invariants_hold_after_every_step(steps in prop::collection::vec(step(), 1..40)) {
        let mut city = city();
        let mut seen = Vec::new();
        city.advance_blocks(1);
        for step in &steps {
            apply(&mut city, step);
            supply_equals_sum_of_balances(&mut city);
            supply_within_cap(&mut city);
            if matches!(step, Step::NextBlock) {
                the_past_never_changes(&mut city, &mut seen);
            }
        }
    }
}
