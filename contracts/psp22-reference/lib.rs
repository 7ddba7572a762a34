//! # PSP22 reference: a yardstick, never deployed on a chain
//!
//! The psp22 2.0 crate's `lib.rs` is itself the reference token contract (`mod token`).
//! Linking the crate without `ink-as-dependency` links its entry points (`deploy`, `call`)
//! and its metadata into this bundle, so the code measured is the crate's, byte for byte,
//! compiled by the same toolchain, profile and wasm-opt as the suite's contracts.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

extern crate psp22;
