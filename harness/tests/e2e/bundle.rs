//! The bundles themselves: size bar, and typed calls matching the metadata.

use harness::{bundles, token::MESSAGES};

/// The size bar for every contract of the suite.
const MAX_WASM_BYTES: usize = 48 * 1024;

#[test]
fn every_bundle_fits_the_size_bar() {
    for contract in bundles::CONTRACTS {
        let wasm = bundles::load(contract).unwrap().wasm;
        assert!(
            wasm.len() <= MAX_WASM_BYTES,
            "{contract} is {} bytes, over {MAX_WASM_BYTES}",
            wasm.len()
        );
    }
}

#[test]
fn typed_token_calls_cover_exactly_the_token_messages() {
    let bundle = bundles::load("city-token").unwrap();
    let metadata = bundle.transcoder.metadata();
    let mut labels: Vec<&str> = metadata
        .spec()
        .messages()
        .iter()
        .map(|message| {
            let label = message.label().as_str();
            let mut hash = [0u8; 32];
            ink::env::hash_bytes::<ink::env::hash::Blake2x256>(label.as_bytes(), &mut hash);
            assert_eq!(
                message.selector().to_bytes(),
                &hash[..4],
                "{label} has a custom selector the typed calls do not know"
            );
            label
        })
        .collect();
    labels.sort_unstable();
    let mut typed = MESSAGES.to_vec();
    typed.sort_unstable();
    assert_eq!(labels, typed);
}
