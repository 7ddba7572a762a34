//! End-to-end tests on the real Wasm bundles in the drink sandbox. Each test deploys a
//! fresh city (cheap: the bundles are built once per machine and loaded once per process)
//! and reads given / when / then.

mod adversarial;
mod attacks;
mod bundle;
mod checkpoints;
mod escrow;
mod governance;
mod pause_and_cap;
mod properties;
mod psp22;
mod red_team;
mod red_team_2;
mod red_team_3;
mod redeem_and_policy;
mod reentrancy;
mod registry;
mod rewards;
mod roles;
mod voting;

use harness::{
    city::{ADMIN, ALICE, BOB},
    City,
};

/// A city whose treasury (the admin) gave alice and bob 1,000 each, in an earlier block.
pub fn city_with_holders() -> City {
    let mut city = City::new().expect("the suite deploys");
    city.token(ADMIN).transfer(ALICE, 1_000).ok();
    city.token(ADMIN).transfer(BOB, 1_000).ok();
    city.advance_blocks(1);
    city
}
