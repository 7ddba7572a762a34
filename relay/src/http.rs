//! The relayer's HTTP JSON interface (axum): `POST /intents`, `GET /intents/<id>`,
//! `GET /signers/<account>` and `GET /health`. Every refusal is a 4xx (or a 503 when the
//! relayer cannot take more) with `{"error": <text>, "code": <name>}`, and changes nothing.

use std::{
    sync::{
        mpsc::{SyncSender, TrySendError},
        Arc, Mutex,
    },
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, DefaultBodyLimit, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use city_traits::{CardSignature, IntentPayload};
use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::{
    chain::{decode, Chain, Job},
    hex,
    store::{Report, Store},
    Limits,
};

/// What every handler shares.
pub struct Shared {
    pub network: String,
    pub forwarder: [u8; 32],
    pub domain: [u8; 32],
    pub limits: Limits,
    pub store: Mutex<Store>,
    pub jobs: SyncSender<Job>,
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/intents", post(accept))
        .route("/intents/{id}", get(intent))
        .route("/signers/{account}", get(signer))
        .layer(DefaultBodyLimit::max(MAX_READ))
        .with_state(shared)
}

/// The largest payload the relayer takes, in bytes: the largest intent the contracts
/// accept is about 230 (a redemption with a 64-byte memo).
pub const MAX_PAYLOAD: usize = 1_024;

/// The largest request body, in bytes: a payload of [`MAX_PAYLOAD`] and a signature, in
/// hex and JSON, fit with room to spare.
const MAX_BODY: usize = 8 * 1_024;

/// The most of a body the relayer reads: a body over [`MAX_BODY`] is read to its end up to
/// this bound and refused (`413 TooLarge`), so that a client still writing it receives
/// the answer instead of a connection closed under it; beyond, the connection is cut.
const MAX_READ: usize = 64 * 1_024;

/// A refusal: its status, its code and what it says.
struct Refusal(StatusCode, String, String, Option<i64>);

impl Refusal {
    fn new(status: StatusCode, code: &str, error: impl Into<String>) -> Self {
        Self(status, code.into(), error.into(), None)
    }

    fn malformed(error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Malformed", error)
    }

    fn internal(error: &anyhow::Error) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Unavailable",
            format!("{error:#}"),
        )
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let Self(status, code, error, id) = self;
        let mut body = json!({ "error": error, "code": code });
        if let Some(id) = id {
            body["id"] = id.into();
        }
        (status, Json(body)).into_response()
    }
}

type Answer = Result<(StatusCode, Json<Value>), Refusal>;

/// Asks the submitter thread, which holds the chain.
async fn ask<T: Send + 'static>(
    shared: &Shared,
    question: impl FnOnce(&mut Chain) -> anyhow::Result<T> + Send + 'static,
) -> Result<T, Refusal> {
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move |chain| {
        let _ = reply.send(question(chain));
    });
    let stopped = || anyhow::anyhow!("the relayer's submitter has stopped");
    match shared.jobs.try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            return Err(Refusal::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "the relayer has too many requests to check: try again shortly",
            ))
        }
        Err(TrySendError::Disconnected(_)) => return Err(Refusal::internal(&stopped())),
    }
    let answered = answer.await.map_err(|_| Refusal::internal(&stopped()))?;
    answered.map_err(|error| Refusal::internal(&error))
}

fn now_ms() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.map_or(0, |since| {
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    })
}

fn unhex(field: &str, text: &str) -> Result<Vec<u8>, Refusal> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|error| Refusal::malformed(format!("{field}: {error}")))
}

async fn health(State(shared): State<Arc<Shared>>) -> Answer {
    let block = ask(&shared, Chain::block).await?;
    let counts = shared
        .store
        .lock()
        .expect("no handler panics")
        .counts()
        .map_err(|error| Refusal::internal(&error))?;
    Ok((
        StatusCode::OK,
        Json(json!({
            "status": "ok",
            "network": shared.network,
            "forwarder": hex(&shared.forwarder),
            "domain": hex(&shared.domain),
            "block": block,
            "queued": counts.queued,
            "executed": counts.executed,
            "failed": counts.failed,
        })),
    ))
}

async fn intent(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Answer {
    let id: i64 = id
        .parse()
        .map_err(|_| Refusal::malformed(format!("{id} is not an intent's number")))?;
    let found = shared.store.lock().expect("no handler panics").get(id);
    match found.map_err(|error| Refusal::internal(&error))? {
        Some(entry) => Ok((StatusCode::OK, Json(json!(Report::from(entry))))),
        None => Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "UnknownIntent",
            format!("no intent {id}"),
        )),
    }
}

async fn signer(State(shared): State<Arc<Shared>>, Path(account): Path<String>) -> Answer {
    let account: [u8; 32] = unhex("account", &account)?
        .try_into()
        .map_err(|_| Refusal::malformed("an account is 32 bytes"))?;
    let nonce = ask(&shared, move |chain| chain.nonce(&account)).await?;
    let pending = shared
        .store
        .lock()
        .expect("no handler panics")
        .pending_of(&account)
        .map_err(|error| Refusal::internal(&error))?;
    Ok((
        StatusCode::OK,
        Json(json!({ "signer": hex(&account), "nonce": nonce, "pending": pending })),
    ))
}

/// `POST /intents`: checks the intent offline (its bytes, its forwarder and domain, its
/// signature), then against the queue (a duplicate, the signer's intent still waiting,
/// the signer's rate, the queue's bound), then by a dry run on the chain (its deadline,
/// nonce, card, and what e-voting or the token would answer); writes it down only if all
/// pass.
async fn accept(State(shared): State<Arc<Shared>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let too_large = |status: StatusCode, what: String| {
        Refusal::new(
            status,
            "TooLarge",
            format!("{what}: a request is at most {MAX_BODY} bytes"),
        )
    };
    let body = body.map_err(|rejection| too_large(rejection.status(), rejection.to_string()))?;
    if body.len() > MAX_BODY {
        let what = format!("a body of {} bytes", body.len());
        return Err(too_large(StatusCode::PAYLOAD_TOO_LARGE, what));
    }
    let (payload, signature, bytes) = parse(&body)?;
    check_offline(&shared, &payload, &signature)?;
    let signer: [u8; 32] = *payload.signer.as_ref();
    check_queue(&shared, &signer, payload.nonce)?;
    let (asked, signed) = (payload.clone(), signature);
    let dry_run = ask(&shared, move |chain| chain.dry_run(&asked, &signed)).await?;
    if let Err(refusal) = dry_run {
        let code = format!("{refusal:?}");
        let error = format!("the intents contract would refuse it: {code}");
        return Err(Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, &code, error));
    }
    let store = shared.store.lock().expect("no handler panics");
    // Checked again under the lock: another request may have taken the nonce meanwhile.
    check_queue_locked(&shared, &store, &signer, payload.nonce)?;
    let id = store
        .accept(&signer, payload.nonce, &bytes, &signature, now_ms())
        .map_err(|error| Refusal::internal(&error))?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": id, "status": "queued" })),
    ))
}

/// The payload, the signature and the payload's bytes from a request's body.
fn parse(body: &[u8]) -> Result<(IntentPayload, CardSignature, Vec<u8>), Refusal> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request {
        payload: String,
        signature: String,
    }
    let request: Request = serde_json::from_slice(body).map_err(|error| {
        Refusal::malformed(format!(
            "expected {{\"payload\": \"0x…\", \"signature\": \"0x…\"}}: {error}"
        ))
    })?;
    let bytes = unhex("payload", &request.payload)?;
    if bytes.len() > MAX_PAYLOAD {
        return Err(Refusal::malformed(format!(
            "the payload is {} bytes, more than any intent the contracts take \
             (at most {MAX_PAYLOAD})",
            bytes.len()
        )));
    }
    let signature = unhex("signature", &request.signature)?;
    let (payload, signature) =
        decode(&bytes, &signature).map_err(|error| Refusal::malformed(error.to_string()))?;
    Ok((payload, signature, bytes))
}

/// What needs no chain: the forwarder, the domain, and a signature that recovers a key.
/// (Whether that key is the signer's card now, the dry run tells.)
fn check_offline(
    shared: &Shared,
    payload: &IntentPayload,
    signature: &CardSignature,
) -> Result<(), Refusal> {
    let refuse =
        |code: &str, error: &str| Err(Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, code, error));
    if AsRef::<[u8; 32]>::as_ref(&payload.forwarder) != &shared.forwarder {
        return refuse(
            "WrongForwarder",
            "the payload names another intents contract",
        );
    }
    if payload.domain != shared.domain {
        return refuse("WrongDomain", "the payload names another chain");
    }
    let digest = sp_core::blake2_256(&payload.message());
    let recovered = sp_core::ecdsa::Signature::from_raw(*signature).recover_prehashed(&digest);
    if recovered.is_none() {
        return refuse("BadSignature", "the signature recovers no key");
    }
    Ok(())
}

fn check_queue(shared: &Shared, signer: &[u8; 32], nonce: u64) -> Result<(), Refusal> {
    let store = shared.store.lock().expect("no handler panics");
    check_queue_locked(shared, &store, signer, nonce)
}

fn check_queue_locked(
    shared: &Shared,
    store: &Store,
    signer: &[u8; 32],
    nonce: u64,
) -> Result<(), Refusal> {
    let internal = |error: anyhow::Error| Refusal::internal(&error);
    if let Some(id) = store.find(signer, nonce).map_err(internal)? {
        let mut refusal = Refusal::new(
            StatusCode::CONFLICT,
            "Duplicate",
            format!("this signer's intent with nonce {nonce} was accepted already: intent {id}"),
        );
        refusal.3 = Some(id);
        return Err(refusal);
    }
    if let Some(id) = store.pending_of(signer).map_err(internal)? {
        let mut refusal = Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "SignerBusy",
            format!("this signer's intent {id} has not run yet: send the next one after it"),
        );
        refusal.3 = Some(id);
        return Err(refusal);
    }
    let window = now_ms().saturating_sub(60_000);
    if store.accepted_since(signer, window).map_err(internal)? >= shared.limits.per_minute {
        return Err(Refusal::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RateLimited",
            format!(
                "this signer sent {} intents in the last minute, the most the relayer takes",
                shared.limits.per_minute
            ),
        ));
    }
    if store.waiting().map_err(internal)? >= shared.limits.queue {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "QueueFull",
            format!(
                "{} intents are waiting, the most the relayer holds: try again later",
                shared.limits.queue
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signer_with_an_intent_waiting_is_told_to_wait_and_a_repeat_gets_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("queue.sqlite")).unwrap();
        let id = store.accept(&[1; 32], 4, b"p", &[0; 65], now_ms()).unwrap();
        let shared = Shared {
            network: "test".into(),
            forwarder: [0; 32],
            domain: [0; 32],
            limits: Limits::default(),
            store: Mutex::new(store),
            jobs: std::sync::mpsc::sync_channel(1).0,
        };
        let Err(Refusal(status, code, _, waiting)) = check_queue(&shared, &[1; 32], 5) else {
            panic!("the next nonce was taken while the last one waits");
        };
        assert_eq!(
            (status, code.as_str(), waiting),
            (StatusCode::TOO_MANY_REQUESTS, "SignerBusy", Some(id))
        );
        let Err(Refusal(status, code, _, repeated)) = check_queue(&shared, &[1; 32], 4) else {
            panic!("a repeat was taken");
        };
        assert_eq!(
            (status, code.as_str(), repeated),
            (StatusCode::CONFLICT, "Duplicate", Some(id))
        );
        assert!(check_queue(&shared, &[2; 32], 0).is_ok());
    }
}
