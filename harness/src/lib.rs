//! The ink-city harness: builds the suite's real Wasm bundles, deploys them into drink's
//! embedded pallet-contracts sandbox and drives them like a city would.
//!
//! - [`bundles`]: build once (`contract-build`, release, wasm-opt), reuse while sources are
//!   unchanged, load with `ContractBundle::load`.
//! - [`City`]: the deployed suite (token, citizen registry, reward rules, e-voting,
//!   project escrow), named actors, typed calls, block and time control, snapshots.
//! - [`scenarios`]: the six seed cities that `city simulate <city>|all` runs: each tells
//!   its story, then lives at scale with [`sim`] (the token's own story is [`demo`]).
//! - [`sim`]: a city's population over simulated days, its checks, report and charts.
//! - [`deploy`]: `city deploy` / `city verify`, from the plans in `deployments/networks/`.
//! - [`bench`]: deterministic figures (Wasm size, weight) for `city bench`.
//! - [`fuzz`]: the invariant fuzzer, a proptest state machine with a reference model, for
//!   `city fuzz`.

pub mod bench;
pub mod bundles;
pub mod call;
pub mod city;
pub mod demo;
pub mod deploy;
pub mod escrow;
pub mod fuzz;
pub mod registry;
pub mod rewards;
pub mod scenarios;
pub mod sim;
pub mod token;
pub mod voting;

pub use call::{ContractEvent, Outcome};
pub use city::{Actor, City, CitySnapshot, TokenConfig};
