//! The city's relayer (`city relay`): citizens who hold none of the chain's coin send
//! card-signed intents to it over HTTP, and it submits them to the intents contract,
//! paying for them.
//!
//! ```text
//!  client ──POST /intents──▶ checks ──▶ SQLite queue ──▶ submitter ──submit──▶ intents
//!         ◀─GET /intents/id─ (offline,    (durable)      (one thread,          contract
//!                             queue,                      the chain's
//!                             dry run)                    only user)
//! ```
//!
//! - **Checks before acceptance**, so that the city never pays for a call that would
//!   fail: the bytes decode as the README lays them out; the payload names this intents
//!   contract and this chain; the signature recovers a key; the queue holds no intent of
//!   this signer with this nonce (`409 Duplicate`, with its id) and none still waiting
//!   (`429 SignerBusy`: a signer's next intent takes the next nonce, which only the one
//!   waiting can free); the signer sent fewer than [`Limits::per_minute`] in the last
//!   minute (`429 RateLimited`); fewer than [`Limits::queue`] wait (`503 QueueFull`); and
//!   a dry run of `submit` on the chain now passes (its deadline, nonce, card, and what
//!   e-voting or the token would answer; `422` with the contract's `IntentError`).
//! - **Durable.** An intent is on the disk before the client hears `202`, and the queue
//!   records each batch as `submitting` before it is sent. An embedded chain's state is
//!   written in the same transaction as a batch's outcomes, so a relayer killed at any
//!   moment starts again from a chain and a queue that agree and sends again what it had
//!   not settled. The intents contract runs a signer's nonce once, so nothing runs twice.
//!   On a node, an intent left `submitting` whose signer's nonce has moved on is `used`.
//! - **On a node**, the submitter's calls are the deployments crate's: a dry run, then a
//!   transaction it waits for. An intent the chain refuses between its acceptance and its
//!   turn (a poll that closed meanwhile) is `failed` with the refusal, and costs nothing.
//!   One that could not be sent (the node out of reach) stays queued and is tried again.

mod chain;
mod http;
pub mod load;
pub mod store;

use std::{
    net::TcpListener,
    path::PathBuf,
    sync::{mpsc, Arc, Mutex},
};

use anyhow::{anyhow, Context, Result};

pub use self::chain::{decode, Chain, Save, BATCH};
use self::store::Store;

/// The most questions (dry runs, nonces, blocks) waiting for the submitter; a request
/// beyond them is told the relayer is busy (`503 Busy`).
const QUESTIONS_WAITING: usize = 256;

/// What the relayer takes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most intents waiting at once.
    pub queue: u64,
    /// The most intents of one signer accepted in a minute.
    pub per_minute: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            queue: 4_096,
            per_minute: 20,
        }
    }
}

/// A relayer to run.
pub struct Service {
    /// The network's name, as `GET /health` reports it.
    pub network: String,
    /// The queue's SQLite file.
    pub database: PathBuf,
    pub limits: Limits,
}

/// Serves `service` on `listener` until `stop` resolves or the submitter ends, with the
/// chain `open` makes: it runs on the submitter's thread, which alone uses the chain. For
/// an embedded chain, `open` is given the state the relayer saved in its queue with the
/// last batch it settled, if any: the chain to start from, whatever the chain's file says.
///
/// # Errors
/// If the queue or the chain cannot be opened, the intents contract does not answer its
/// domain, or the submitter stops on an error (a queue it cannot write).
pub fn serve(
    listener: TcpListener,
    service: Service,
    open: impl FnOnce(Option<Vec<u8>>) -> Result<Chain> + Send + 'static,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (jobs, waiting) = mpsc::sync_channel::<chain::Job>(QUESTIONS_WAITING);
    let (ready, started) = mpsc::channel::<Result<([u8; 32], [u8; 32])>>();
    // The submitter's end, which ends the service: a relayer that cannot write down what
    // it did stops, and whoever supervises it starts it again (it then recovers).
    let (ended, submitter_ended) = tokio::sync::oneshot::channel::<()>();
    let database = service.database.clone();
    let submitter = std::thread::spawn(move || -> Result<()> {
        let _ended = ended;
        let opened = (|| {
            let store = Store::open(&database)?;
            let mut chain = open(store.chain_state()?)?;
            let domain = chain.domain().context("asking the intents contract")?;
            Ok((chain, store, domain))
        })();
        let (mut chain, mut store, domain) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                let _ = ready.send(Err(error));
                return Ok(());
            }
        };
        let forwarder: [u8; 32] = *chain.forwarder.as_ref();
        let _ = ready.send(Ok((forwarder, domain)));
        chain::run(&mut chain, &mut store, &waiting)
    });
    let (forwarder, domain) = started
        .recv()
        .map_err(|_| anyhow!("the submitter stopped while starting"))??;
    let shared = Arc::new(http::Shared {
        network: service.network,
        forwarder,
        domain,
        limits: service.limits,
        store: Mutex::new(Store::open(&service.database)?),
        jobs,
    });
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stop = async move {
            tokio::select! {
                () = stop => {}
                _ = submitter_ended => {}
            }
        };
        axum::serve(listener, http::router(shared))
            .with_graceful_shutdown(stop)
            .await
    });
    // The router, and with it the jobs' sender, is gone: the submitter ends its batch.
    drop(runtime);
    let submitted = submitter
        .join()
        .map_err(|_| anyhow!("the submitter panicked"))?;
    served?;
    submitted
}

/// `bytes` as `0x`-prefixed hex, as the relayer reads and writes them.
pub fn hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Resolves when the process is told to stop: Ctrl-C (`SIGINT`), or `SIGTERM` from a
/// supervisor. The relayer then finishes the batch it is in.
pub async fn interrupted() {
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
    }
}
