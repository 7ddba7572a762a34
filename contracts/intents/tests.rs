//! The checks `submit` makes before it asks the registry, on ink!'s off-chain environment
//! (which has no other contract: every key is nobody's card here). The e2e tests
//! (`harness/tests/e2e/intents.rs`) run the rest on the real Wasm.

use city_traits::{BallotAct, Intent, IntentError, IntentPayload};
use ink::{env::DefaultEnvironment, primitives::AccountId};

use crate::intents::Intents;

const DOMAIN: [u8; 32] = [7; 32];

fn accounts() -> ink::env::test::DefaultAccounts<DefaultEnvironment> {
    ink::env::test::default_accounts::<DefaultEnvironment>()
}

fn forwarder() -> (Intents, AccountId) {
    let a = accounts();
    let intents = Intents::new(a.bob, a.charlie, a.django, DOMAIN);
    (intents, ink::env::account_id::<DefaultEnvironment>())
}

fn payload(forwarder: AccountId) -> IntentPayload {
    IntentPayload {
        domain: DOMAIN,
        forwarder,
        signer: accounts().eve,
        nonce: 0,
        deadline: 10,
        intent: Intent::Ballot {
            poll: 0,
            act: BallotAct::Cast { choice: 1 },
        },
    }
}

/// A signature whose `r` and `s` are 1: it recovers some key, nobody's card.
const SOME_SIGNATURE: [u8; 65] = {
    let mut signature = [0; 65];
    signature[31] = 1;
    signature[63] = 1;
    signature
};

#[ink::test]
fn the_payload_must_name_this_contract_and_this_chain() {
    let (mut intents, own) = forwarder();
    let mut other = payload(accounts().frank);
    assert_eq!(
        intents.submit(other.clone(), SOME_SIGNATURE),
        Err(IntentError::WrongForwarder)
    );
    other.forwarder = own;
    other.domain = [8; 32];
    assert_eq!(
        intents.submit(other, SOME_SIGNATURE),
        Err(IntentError::WrongDomain)
    );
}

#[ink::test]
fn a_payload_past_its_deadline_is_refused() {
    let (mut intents, own) = forwarder();
    let mut late = payload(own);
    late.deadline = 0;
    ink::env::test::advance_block::<DefaultEnvironment>();
    assert_eq!(
        intents.submit(late, SOME_SIGNATURE),
        Err(IntentError::Expired)
    );
}

#[ink::test]
fn only_the_signers_next_nonce_runs() {
    let (mut intents, own) = forwarder();
    let mut ahead = payload(own);
    ahead.nonce = 1;
    assert_eq!(intents.nonce(ahead.signer), 0);
    assert_eq!(
        intents.submit(ahead, SOME_SIGNATURE),
        Err(IntentError::BadNonce)
    );
}

#[ink::test]
fn a_signature_must_recover_the_signers_card() {
    let (mut intents, own) = forwarder();
    // No point on the curve has x = 0.
    let mut malformed = [0; 65];
    malformed[63] = 1;
    assert_eq!(
        intents.submit(payload(own), malformed),
        Err(IntentError::BadSignature)
    );
    assert_eq!(
        intents.submit(payload(own), SOME_SIGNATURE),
        Err(IntentError::NotTheCard)
    );
    assert_eq!(intents.nonce(accounts().eve), 0);
    assert_eq!(intents.domain(), DOMAIN);
}
