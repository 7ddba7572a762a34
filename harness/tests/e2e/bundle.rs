//! The bundles themselves: size bar, and typed calls matching the metadata.

use harness::{bundles, escrow, registry, rewards, token, voting};

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

/// Every message label of `contract`, checking that each selector is the default one
/// (the hash of the label), which the typed calls compute.
fn message_labels(contract: &'static str) -> Vec<String> {
    let bundle = bundles::load(contract).unwrap();
    let metadata = bundle.transcoder.metadata();
    let mut labels: Vec<String> = metadata
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
                "{contract}: {label} has a custom selector the typed calls do not know"
            );
            label.to_string()
        })
        .collect();
    labels.sort_unstable();
    labels
}

fn sorted(messages: &[&str]) -> Vec<String> {
    let mut messages: Vec<String> = messages.iter().map(|m| m.to_string()).collect();
    messages.sort_unstable();
    messages
}

#[test]
fn typed_token_calls_cover_exactly_the_token_messages() {
    assert_eq!(message_labels("city-token"), sorted(token::MESSAGES));
}

#[test]
fn typed_registry_calls_cover_exactly_the_registry_messages() {
    assert_eq!(
        message_labels("citizen-registry"),
        sorted(registry::MESSAGES)
    );
}

#[test]
fn typed_reward_calls_cover_exactly_the_reward_messages() {
    assert_eq!(message_labels("reward-rules"), sorted(rewards::MESSAGES));
}

#[test]
fn typed_voting_calls_cover_exactly_the_voting_messages() {
    assert_eq!(message_labels("e-voting"), sorted(voting::MESSAGES));
}

#[test]
fn typed_escrow_calls_cover_exactly_the_escrow_messages() {
    assert_eq!(message_labels("project-escrow"), sorted(escrow::MESSAGES));
}

#[test]
fn cargo_contracts_output_folder_holds_the_real_bundles_not_a_broken_variant() {
    harness::bundles::ensure_built().unwrap();
    for contract in harness::bundles::CONTRACTS {
        let ours = std::fs::read(harness::bundles::bundle_path(contract).unwrap()).unwrap();
        let theirs =
            std::fs::read(harness::bundles::cargo_contract_bundle(contract).unwrap()).unwrap();
        assert!(ours == theirs, "{contract}: target/ink holds another build");
    }
}
