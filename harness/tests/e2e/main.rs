//! End-to-end tests on the real Wasm bundles in the drink sandbox. Each test deploys a
//! fresh city (cheap: the bundles are built once per machine and loaded once per process)
//! and reads given / when / then.

mod adversarial;
mod attacks;
mod bulk;
mod bundle;
mod charity;
mod checkpoints;
mod escrow;
mod governance;
mod intents;
mod issue_20_check;
mod leases;
mod pause_and_cap;
mod prices;
mod properties;
mod psp22;
mod records;
mod red_team;
mod red_team_10;
mod red_team_11;
mod red_team_12;
mod red_team_13;
mod red_team_14;
mod red_team_15;
mod red_team_16;
mod red_team_17;
mod red_team_18;
mod red_team_19;
mod red_team_2;
mod red_team_20;
mod red_team_21;
mod red_team_3;
mod red_team_4;
mod red_team_5;
mod red_team_6;
mod red_team_7;
mod red_team_8;
mod red_team_9;
mod redeem_and_policy;
mod reentrancy;
mod registry;
mod rewards;
mod roles;
mod upgrades;
mod voting;

use city_traits::{CivicRole, Role};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL},
    City, Fixture,
};

/// A city whose treasury (the admin) gave alice and bob 1,000 each, in an earlier block.
pub fn city_with_holders() -> City {
    Fixture::new()
        .holder(ALICE, 1_000)
        .holder(BOB, 1_000)
        .next_block()
        .build()
        .expect("the city is set up")
}

/// A city whose treasury (the admin) and escrow are service providers (so that they move
/// coins under the civic policy too), with `inspectors`, carol a worker, and 1,000 coins
/// for each of `holders`.
pub fn escrow_city(inspectors: &[Actor], holders: &[Actor]) -> City {
    let fixture = Fixture::new()
        .token_role(Role::ServiceProvider, ADMIN)
        .civic_role(CivicRole::Worker, CAROL);
    let fixture = inspectors.iter().fold(fixture, |fixture, inspector| {
        fixture.civic_role(CivicRole::Inspector, *inspector)
    });
    let fixture = holders
        .iter()
        .fold(fixture, |fixture, holder| fixture.holder(*holder, 1_000));
    let mut city = fixture.build().expect("the city is set up");
    let escrow = contract_account(&city.escrow);
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, escrow)
        .expect_accepted();
    city
}
