//! The six seed cities on the real Wasm, above the driver (`ink-city-harness`).
//!
//! - [`cities`]: the cities' table, each city's story (scripted steps that check their own
//!   outcome) and its [`Profile`]; `city simulate <city>|all` runs them.
//! - [`life`]: a city's population over simulated days, with its named checks
//!   ([`CHECKS`]).
//! - [`report`] and [`charts`]: the terminal table, the JSON, the SVG charts and the HTML
//!   page of a run. The charts are hand-written SVG: a few dozen lines of paths and text,
//!   simpler than a plotting library and byte-for-byte deterministic.
//! - [`pace`]: how fast a run went, against the floor's rate, and the README's table of
//!   runs.
//! - [`demo`]: the token's own story (`city demo`).

pub mod charts;
pub mod cities;
pub mod demo;
pub mod life;
pub mod pace;
pub mod report;

pub use life::{coins, live, live_moving, Mover, Options, Profile, CHECKS};
pub use pace::Pace;
pub use report::{CityReport, Report};
