//! The ink-city driver: builds the suite's real Wasm bundles, deploys them into drink's
//! embedded pallet-contracts sandbox and drives them like a city would.
//!
//! - [`bundles`]: build once (`contract-build`, release, wasm-opt), reuse while sources are
//!   unchanged, load with `ContractBundle::load`.
//! - [`City`]: the deployed suite (token, citizen registry, reward rules, e-voting,
//!   project escrow, civic records, charity, leases), named actors, block and time control, snapshots.
//! - [`token`], [`registry`], [`rewards`], [`voting`], [`escrow`], [`records`], [`charity`], [`leases`]:
//!   the typed calls of each contract, and [`admin`] the admin seat's that seven of them share; [`call`]: what a
//!   call returns ([`Outcome`]) and the events it emitted; [`upgrade`] the upgrade
//!   messages every contract has, and uploading new code.
//! - [`Fixture`]: the usual cities of the tests (registrar, citizens, holders, voters,
//!   governance), described and then built.
//! - [`merkle`]: anchored logs, KSI-like: a batch of log entries' Merkle root (RFC 9162
//!   §2.1's tree with BLAKE2-256) to anchor on chain, and inclusion proofs and their check.
//! - [`readme`]: the README's measured sections, which commands write.
//! - [`yardstick`]: the floor contract's call rate, which the simulator's and the fuzzer's
//!   rates are quoted against.
//!
//! The layers above this crate drive it: `ink-city-sim` (the cities), `ink-city-fuzz`,
//! `ink-city-bench` and `ink-city-deployments`, and `ink-city-cli` on top. Nothing here
//! talks to a live chain.

pub mod admin;
pub mod bundles;
pub mod call;
pub mod charity;
pub mod city;
pub mod escrow;
pub mod fixture;
pub mod housing;
pub mod intents;
pub mod leases;
pub mod merkle;
pub mod readme;
pub mod records;
pub mod registry;
pub mod relief;
pub mod rewards;
pub mod sandbox;
pub mod token;
pub mod upgrade;
pub mod voting;
pub mod yardstick;

pub use admin::AdminCalls;
pub use call::{ContractEvent, Outcome};
pub use city::{Actor, City, CitySnapshot, TokenConfig};
pub use fixture::Fixture;
pub use upgrade::UpgradeCalls;

/// A borderless terminal table with `header`, its first `names` columns (the names) aligned
/// left and the figures after them right.
pub fn table(header: &[&str], names: usize) -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_header(header);
    for column in table.column_iter_mut().skip(names) {
        column.set_cell_alignment(comfy_table::CellAlignment::Right);
    }
    table
}
