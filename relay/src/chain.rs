//! The submitter: the one thread that talks to the chain. It answers the HTTP side's
//! questions (a signer's nonce, the newest block, a dry run) between intents, and runs
//! the queue in batches: claim a batch, submit each intent, keep an embedded chain's
//! state, then write down how each ended.

use std::{
    sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError},
    time::Duration,
};

use anyhow::{anyhow, Result};
use city_traits::{CardSignature, Hash32, IntentError, IntentPayload};
use deployments::{AccountId32, Answer, Network};
use scale::Decode;

use crate::{
    hex,
    store::{Entry, Outcome, Status, Store},
};

/// The chain as the relayer sees it: a network ([`deployments::open`]), the intents
/// contract on it, and the account that signs the relayer's transactions.
pub struct Chain {
    pub network: Box<dyn Network>,
    /// The intents contract's account.
    pub forwarder: AccountId32,
    /// The relayer's signer, as the network names it (a secret URI on a node, an actor
    /// name on the embedded chain): it pays for every intent.
    pub relayer: String,
    /// For an embedded chain, which lives in the relayer: after each batch, writes its
    /// state where the other commands find it (`Places::save_state`). `None` for a node.
    pub publish: Option<Save>,
}

/// What publishes an embedded chain's state.
pub type Save = Box<dyn FnMut(&[u8]) -> Result<()>>;

/// A question for the submitter, with where to send its answer.
pub type Job = Box<dyn FnOnce(&mut Chain) + Send>;

impl Chain {
    fn query(&mut self, message: &str, args: &[String]) -> Result<Answer> {
        let forwarder = self.forwarder.clone();
        self.network
            .query(&self.relayer, "intents", &forwarder, message, args)
    }

    /// The domain the intents contract holds (`domain()`).
    ///
    /// # Errors
    /// If the chain cannot be asked.
    pub fn domain(&mut self) -> Result<Hash32> {
        self.query("domain", &[])?.value()
    }

    /// `signer`'s next nonce.
    ///
    /// # Errors
    /// If the chain cannot be asked.
    pub fn nonce(&mut self, signer: &[u8; 32]) -> Result<u64> {
        self.query("nonce", &[hex(signer)])?.value()
    }

    /// The newest block's number.
    ///
    /// # Errors
    /// If the chain cannot be reached.
    pub fn block(&mut self) -> Result<u32> {
        Ok(self.network.head()?.0)
    }

    /// What `submit` would answer now, changing nothing.
    ///
    /// # Errors
    /// If the chain cannot be asked.
    pub fn dry_run(
        &mut self,
        payload: &IntentPayload,
        signature: &CardSignature,
    ) -> Result<Result<(), IntentError>> {
        self.query("submit", &submit_args(payload, signature))?
            .value()
    }

    /// Whether the chain lives in the relayer (embedded).
    fn is_own(&self) -> bool {
        self.publish.is_some()
    }

    /// Submits `entry` and tells how it ended: `Executed` (with the block it ran in on
    /// an embedded chain; on a node, the newest block once it ran), `Failed` with the
    /// contract's typed refusal, `Used` when on a node it was not seen to run and its
    /// nonce has been used, or `Queued` again when the chain could not be reached.
    fn execute(&mut self, entry: &Entry) -> Outcome {
        let outcome = |status, detail: String, block| Outcome {
            id: entry.id,
            status,
            detail,
            block,
        };
        let (payload, signature) = match decode(&entry.payload, &entry.signature) {
            Ok(decoded) => decoded,
            Err(error) => return outcome(Status::Failed, error.to_string(), None),
        };
        let forwarder = self.forwarder.clone();
        let args = submit_args(&payload, &signature);
        // An embedded chain runs the call in its current block, then seals it.
        let current = self.block().ok();
        let submitted = self
            .network
            .call(&self.relayer, "intents", &forwarder, "submit", &args);
        if submitted.is_ok() {
            let block = if self.is_own() {
                current
            } else {
                self.block().ok()
            };
            return outcome(Status::Executed, String::new(), block);
        }
        // Refused, or not seen to run (a node out of reach, a confirmation lost): a node
        // that ran it has used its nonce; otherwise the dry run tells a refusal, which is
        // never paid for (a node's call is a dry run first), from a chain out of reach.
        let error = submitted
            .err()
            .map(|error| format!("{error:#}"))
            .unwrap_or_default();
        if !self.is_own() && self.nonce(&entry.signer).is_ok_and(|now| now > entry.nonce) {
            return outcome(Status::Used, USED.into(), None);
        }
        match self.dry_run(&payload, &signature) {
            Ok(Err(refusal)) => outcome(Status::Failed, format!("{refusal:?}"), None),
            _ => outcome(Status::Queued, format!("will retry: {error}"), None),
        }
    }
}

/// What a node's intent left `Used` says.
const USED: &str = "sent, not seen to run, and the signer's nonce has been used since: by \
                    this intent, or by another with the same nonce sent elsewhere";

/// The payload and signature of an intent, from their bytes.
///
/// # Errors
/// If the payload is not exactly one SCALE `IntentPayload` or the signature is not 65
/// bytes.
pub fn decode(payload: &[u8], signature: &[u8]) -> Result<(IntentPayload, CardSignature)> {
    let payload = IntentPayload::decode(&mut &payload[..])
        .ok()
        .filter(|decoded| scale::Encode::encoded_size(decoded) == payload.len())
        .ok_or_else(|| anyhow!("the payload is not one SCALE IntentPayload (README)"))?;
    let signature: CardSignature = signature
        .try_into()
        .map_err(|_| anyhow!("the signature is {} bytes, not 65", signature.len()))?;
    Ok((payload, signature))
}

/// `submit`'s arguments as cargo-contract writes them.
fn submit_args(payload: &IntentPayload, signature: &CardSignature) -> Vec<String> {
    vec![payload_text(payload), hex(signature)]
}

/// An `IntentPayload` as cargo-contract's transcoder reads one.
fn payload_text(payload: &IntentPayload) -> String {
    use city_traits::{BallotAct, Intent, TokenAct};
    let account = |account: &ink::primitives::AccountId| hex(account.as_ref());
    let intent = match &payload.intent {
        Intent::Ballot { poll, act } => {
            let act = match act {
                BallotAct::Cast { choice } => format!("Cast {{ choice: {choice} }}"),
                BallotAct::Commit { commitment } => {
                    format!("Commit {{ commitment: {} }}", hex(commitment))
                }
                BallotAct::Reveal { choice, salt } => {
                    format!("Reveal {{ choice: {choice}, salt: {} }}", hex(salt))
                }
            };
            format!("Ballot {{ poll: {poll}, act: {act} }}")
        }
        Intent::Token(TokenAct::Redeem {
            provider,
            amount,
            memo,
        }) => format!(
            "Token(Redeem {{ provider: {}, amount: {amount}, memo: {} }})",
            account(provider),
            hex(memo)
        ),
        Intent::Token(TokenAct::Approve { spender, value }) => format!(
            "Token(Approve {{ spender: {}, value: {value} }})",
            account(spender)
        ),
    };
    format!(
        "IntentPayload {{ domain: {}, forwarder: {}, signer: {}, nonce: {}, deadline: {}, intent: {intent} }}",
        hex(&payload.domain),
        account(&payload.forwarder),
        account(&payload.signer),
        payload.nonce,
        payload.deadline,
    )
}

/// Intents submitted per batch: the queue is written to once per batch, and an embedded
/// chain saved once.
pub const BATCH: usize = 64;

/// The most questions answered between two intents of a batch: requests, refused or not,
/// slow the queue down but never stop it.
const QUESTIONS_BETWEEN_INTENTS: usize = 4;
/// The most questions answered between two batches.
const QUESTIONS_BETWEEN_BATCHES: usize = 64;

/// Runs the submitter until the HTTP side hangs up: first settles what a relayer that
/// stopped left `submitting`, then answers `jobs` and runs the queue.
///
/// # Errors
/// If the queue or an embedded chain's file cannot be written: the relayer stops rather
/// than lose track of an intent.
pub fn run(chain: &mut Chain, store: &mut Store, jobs: &Receiver<Job>) -> Result<()> {
    recover(chain, store)?;
    loop {
        if answer(chain, jobs, QUESTIONS_BETWEEN_BATCHES) {
            return Ok(());
        }
        let batch = store.claim(BATCH)?;
        if batch.is_empty() {
            match jobs.recv_timeout(Duration::from_millis(50)) {
                Ok(job) => job(chain),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            continue;
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        for entry in &batch {
            answer(chain, jobs, QUESTIONS_BETWEEN_INTENTS);
            outcomes.push(chain.execute(entry));
        }
        // An embedded chain's state goes into the queue with the batch's outcomes, in one
        // transaction: a relayer killed at any moment starts again from a chain and a
        // queue that agree. Then the other commands get it.
        let state = if chain.is_own() {
            chain.network.state()
        } else {
            None
        };
        store.settle(&outcomes, state.as_deref())?;
        if let (Some(publish), Some(state)) = (&mut chain.publish, &state) {
            publish(state)?;
        }
        if outcomes
            .iter()
            .any(|outcome| outcome.status == Status::Queued)
        {
            // The chain is out of reach: wait before trying again.
            std::thread::sleep(Duration::from_secs(1));
        }
    }
}

/// Answers at most `most` waiting jobs; true when the HTTP side has hung up.
fn answer(chain: &mut Chain, jobs: &Receiver<Job>, most: usize) -> bool {
    for _ in 0..most {
        match jobs.try_recv() {
            Ok(job) => job(chain),
            Err(TryRecvError::Empty) => return false,
            Err(TryRecvError::Disconnected) => return true,
        }
    }
    false
}

/// Settles the intents a stopped relayer left `submitting`. On an embedded chain, which
/// the relayer saved with the outcomes of every batch it settled, they did not run on
/// the chain it starts from: they go back to the queue. On a node, one whose signer's
/// nonce has moved past it is `Used` (it ran, or another intent with that nonce did);
/// any other goes back to the queue.
fn recover(chain: &mut Chain, store: &mut Store) -> Result<()> {
    let mut outcomes = Vec::new();
    for entry in store.submitting()? {
        let used = !chain.is_own() && chain.nonce(&entry.signer)? > entry.nonce;
        outcomes.push(Outcome {
            id: entry.id,
            status: if used { Status::Used } else { Status::Queued },
            detail: if used { USED.into() } else { String::new() },
            block: None,
        });
    }
    store.settle(&outcomes, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use city_traits::{BallotAct, Intent, TokenAct};
    use ink::primitives::AccountId;
    use scale::Encode;

    /// The submitter writes `submit`'s arguments as text for the transcoder (the
    /// deployments crate's calls): every kind of intent must reach the contract as the
    /// very bytes the card signed.
    #[test]
    fn every_kind_of_intent_reaches_the_contract_as_the_bytes_the_card_signed() {
        let transcoder = harness::bundles::load("intents").unwrap().transcoder;
        let ballot = |act| Intent::Ballot { poll: 7, act };
        for intent in [
            ballot(BallotAct::Cast { choice: 2 }),
            ballot(BallotAct::Commit {
                commitment: [3; 32],
            }),
            ballot(BallotAct::Reveal {
                choice: 1,
                salt: [4; 32],
            }),
            Intent::Token(TokenAct::Redeem {
                provider: AccountId::from([5; 32]),
                amount: u128::MAX - 1,
                memo: b"line 7".to_vec(),
            }),
            Intent::Token(TokenAct::Approve {
                spender: AccountId::from([6; 32]),
                value: 12_345,
            }),
        ] {
            let payload = IntentPayload {
                domain: [1; 32],
                forwarder: AccountId::from([2; 32]),
                signer: AccountId::from([8; 32]),
                nonce: u64::MAX,
                deadline: u32::MAX,
                intent,
            };
            let signature = [9; 65];
            let mut signed = ink::selector_bytes!("submit").to_vec();
            (&payload, signature).encode_to(&mut signed);
            let written = transcoder
                .encode("submit", submit_args(&payload, &signature))
                .unwrap();
            assert_eq!(written, signed, "{:?}", payload.intent);
        }
    }
}
