//! A red team's review of `city relay` (the relayer), on the real Wasm, with the relayer
//! as a child process (`relay::load::Loopback`). Each test asserts what the relayer
//! should do; each failed before its fix, and all are fixed. The fixes: a failed intent
//! leaves its nonce free; the submitter's transactions are immediate, and a submitter
//! that stops ends the service; questions for the submitter are bounded (`503 Busy`) and
//! at most four are answered between two intents; an embedded chain's state is kept in
//! the queue with each batch's outcomes, so recovery is exact (on a node, an intent not
//! seen to run whose nonce was used is `used`, not `executed`); bodies and payloads are
//! bounded before the chain is asked; the block reported is the one the intent ran in.
//!
//! Findings, by severity:
//! - high: [`a_citizen_whose_intent_failed_can_use_her_nonce_again`]: an intent that passed
//!   the dry run and failed on the chain keeps the signer's nonce, yet the queue refuses
//!   that nonce for ever (`409 Duplicate`): the citizen can never use the relayer again.
//! - high: [`a_burst_of_good_ballots_does_not_stop_the_submitter`] and
//!   [`claiming_a_batch_survives_a_concurrent_acceptance`]: `Store::claim` reads then
//!   writes in a deferred SQLite transaction; an acceptance committed in between makes it
//!   fail (`SQLITE_BUSY`, no busy wait in WAL), the submitter thread ends, and the process
//!   stays up answering `503` to everything while nothing more runs.
//! - medium: [`refused_dry_runs_from_anyone_do_not_starve_the_queue`]: dry runs, which
//!   anyone can ask for without a card and without a rate limit, take precedence over
//!   every intent in the queue: a flood of refused requests stops all execution.
//! - medium: [`an_intent_left_submitting_is_not_reported_executed_when_another_took_its_nonce`]:
//!   recovery after `kill -9` reports `executed` for an intent that never ran when the
//!   signer's nonce moved through another intent (the README's way to withdraw one).
//! - low: [`a_payload_too_large_for_the_contract_is_refused_not_unavailable`]: a memo the
//!   contract cannot take in traps the dry run, answered `503 Unavailable` (retry), not a
//!   typed 4xx; a 1 MB memo costs the submitter tens of milliseconds, for anyone. (Fixed:
//!   bodies over 8 KiB get `413 TooLarge`, payloads over 1 KiB `400 Malformed`, before
//!   the chain is asked.)
//! - low: [`a_body_over_the_limit_is_refused_with_the_typed_json`]: a body over axum's
//!   2 MB limit gets a plain-text `413`, not the README's `{"error", "code"}`. (Fixed:
//!   `413 TooLarge` over 8 KiB.)
//! - low: [`the_block_reported_for_an_executed_intent_is_the_block_it_ran_in`]: `block` is
//!   the block after the one the intent ran in (an intent reported run after its deadline).

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use city_traits::{Intent, IntentPayload, TokenAct};
use harness::{
    city::{ADMIN, BUS},
    intents::Card,
    City,
};
use relay::{
    hex,
    load::{ballot, city, request, Loopback},
    store::Store,
};
use scale::Encode;
use serde_json::{json, Value};

/// The tests of this file run one at a time: the machine has two cores, and the flood and
/// the burst measure what the relayer does under load.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn relayer(city: &mut City) -> Loopback {
    Loopback::started(Path::new(env!("CARGO_BIN_EXE_city")), city).unwrap()
}

fn post(relayer: &Loopback, body: &Value) -> (u16, Value) {
    relayer.post(body).unwrap()
}

fn get(relayer: &Loopback, path: &str) -> (u16, Value) {
    relayer.ask(path).unwrap()
}

fn wait_until_run(relayer: &Loopback, id: i64, within: Duration) -> Value {
    relayer.wait_until_run(id, within).unwrap()
}

/// A queue file of this test's own, for `city relay --database`.
fn queue_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ink-city-red-team-relay-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("queue.sqlite")
}

fn now_ms() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(since.as_millis()).unwrap()
}

/// Finding (high): a failed intent locks its citizen out of the relayer for good.
///
/// The contract keeps a refused intent's nonce ("A refused intent keeps its nonce, so a
/// ballot sent before voting opens runs once it has"), but the queue holds one row per
/// `(signer, nonce)` whatever its status and `POST /intents` answers `409 Duplicate` for
/// any of them. An intent that passed the dry run and then failed on the chain (its
/// deadline passed in a backlog, a poll closed meanwhile, a card rotated: the README's
/// own "failed with the refusal") leaves the signer's next nonce taken in the queue: every
/// later intent of hers must carry that nonce and is refused as a duplicate of the failed
/// one (whose id the answer carries, so a client takes it for accepted). A citizen who
/// holds no coin cannot vote or pay through the city again. Anyone who can delay the
/// queue (a backlog, or the flood of the medium finding below) can do this to her.
///
/// Here a backlog of other citizens' ballots (written to the queue as a relayer restarted
/// with a full queue finds it) is ahead of her ballot, whose deadline is a few blocks
/// away: the dry run passes, the chain refuses it `Expired`. Then she signs her ballot
/// again with the nonce the relayer itself says is her next one.
#[test]
fn a_citizen_whose_intent_failed_can_use_her_nonce_again() {
    let _serial = serial();
    let voter = Card::new("red team relay: the voter in the backlog");
    let others: Vec<Card> = (0..200)
        .map(|n| Card::new(&format!("red team relay: backlog {n}")))
        .collect();
    let mut cards: Vec<_> = others.iter().map(|c| (c.account(), c.key())).collect();
    cards.push((voter.account(), voter.key()));
    let (mut city, poll) = city(&cards).unwrap();
    let far = city.block() + 1_000_000;
    let database = queue_file("locked-out");
    {
        let store = Store::open(&database).unwrap();
        for card in &others {
            let payload = ballot(&mut city, card, poll, 0, 0, far);
            store
                .accept(
                    AsRef::<[u8; 32]>::as_ref(&card.account()),
                    0,
                    &payload.encode(),
                    &card.sign(&payload),
                    now_ms(),
                )
                .unwrap();
        }
    }
    let mut relayer = Loopback::new(Path::new(env!("CARGO_BIN_EXE_city")), &mut city).unwrap();
    relayer
        .start_with(&["--database", database.to_str().unwrap()])
        .unwrap();

    // Her ballot, due within three blocks, accepted behind the backlog.
    let id = loop {
        let (_, health) = get(&relayer, "/health");
        let block = u32::try_from(health["block"].as_u64().unwrap()).unwrap();
        assert!(
            health["queued"].as_u64().unwrap() > 10,
            "the backlog ran out: {health}"
        );
        let soon = ballot(&mut city, &voter, poll, 2, 0, block + 3);
        match post(&relayer, &request(&soon, &voter)) {
            (202, accepted) => break accepted["id"].as_i64().unwrap(),
            (422, refused) if refused["code"] == "Expired" => continue,
            (status, answer) => panic!("{status} {answer}"),
        }
    };
    let failed = wait_until_run(&relayer, id, Duration::from_secs(120));
    assert_eq!(
        (&failed["status"], &failed["detail"]),
        (&json!("failed"), &json!("Expired")),
        "{failed}"
    );
    let (_, signer) = get(
        &relayer,
        &format!("/signers/{}", hex(voter.account().as_ref())),
    );
    assert_eq!(
        (&signer["nonce"], &signer["pending"]),
        (&json!(0), &Value::Null),
        "{signer}"
    );

    // She signs her ballot again, with nonce 0, as the relayer says; the chain would run it.
    let again = ballot(&mut city, &voter, poll, 2, 0, far);
    let (status, answer) = post(&relayer, &request(&again, &voter));
    assert_eq!(
        status, 202,
        "a citizen whose intent failed is refused her own next nonce for good: {answer}"
    );
    let ran = wait_until_run(
        &relayer,
        answer["id"].as_i64().unwrap(),
        Duration::from_secs(120),
    );
    assert_eq!(ran["status"], "executed", "{ran}");
}

/// Finding (high): an ordinary burst of good ballots stops the relayer for good.
///
/// `Store::claim` opens a deferred transaction, `SELECT`s the batch, then `UPDATE`s it.
/// When the HTTP side's connection commits an acceptance between the two, SQLite (WAL)
/// answers the upgrade to a write `SQLITE_BUSY` at once (the busy timeout does not wait
/// for a stale snapshot), `chain::run` returns the error, and the submitter thread ends.
/// `serve` joins it only when the HTTP server stops, so the process keeps listening:
/// every `POST` and `GET /health` answers `503 "the relayer's submitter has stopped"`, the
/// queue is frozen, and nothing restarts it (the process did not exit). Here 4 clients
/// post the ballots of 4,500 citizens, each valid for a million blocks, as `city load`
/// does with more; with 1,500 citizens the submitter died in about two runs of three on
/// this machine (with 32 clients, in one of three).
#[test]
fn a_burst_of_good_ballots_does_not_stop_the_submitter() {
    let _serial = serial();
    let (citizens, clients) = (4_500, 4);
    let cards: Vec<Card> = (0..citizens)
        .map(|n| Card::new(&format!("red team relay: burst {n}")))
        .collect();
    let keys: Vec<_> = cards.iter().map(|c| (c.account(), c.key())).collect();
    let (mut city, poll) = city(&keys).unwrap();
    let relayer = relayer(&mut city);
    let far = city.block() + 1_000_000;
    let bodies: Vec<Value> = cards
        .iter()
        .map(|card| request(&ballot(&mut city, card, poll, 1, 0, far), card))
        .collect();
    let next = AtomicUsize::new(0);
    let stopped = std::sync::Mutex::new(None::<Value>);
    std::thread::scope(|scope| {
        for _ in 0..clients {
            scope.spawn(|| {
                while let Some(body) = bodies.get(next.fetch_add(1, Ordering::SeqCst)) {
                    loop {
                        match post(&relayer, body) {
                            (202 | 409, _) => break,
                            (503, answer) if answer["code"] == "QueueFull" => {
                                std::thread::sleep(Duration::from_millis(50));
                            }
                            (503, answer) if answer["code"] == "Unavailable" => {
                                *stopped.lock().unwrap() = Some(answer);
                                return;
                            }
                            (status, answer) => panic!("a good ballot refused: {status} {answer}"),
                        }
                    }
                }
            });
        }
    });
    let stopped = stopped.into_inner().unwrap();
    assert_eq!(
        stopped, None,
        "the relayer stopped taking intents mid-burst"
    );
    let started = Instant::now();
    loop {
        let (status, health) = get(&relayer, "/health");
        assert_eq!(status, 200, "the relayer's submitter stopped: {health}");
        if health["queued"] == 0 {
            assert_eq!(health["executed"], citizens, "{health}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "still queued: {health}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Finding (high), the cause of the one above, shown on the queue alone: the submitter's
/// `claim` fails while the HTTP side's connection accepts intents.
#[test]
fn claiming_a_batch_survives_a_concurrent_acceptance() {
    let _serial = serial();
    let database = queue_file("claim-race");
    let mut submitter = Store::open(&database).unwrap();
    let stop = AtomicBool::new(false);
    let failure = std::thread::scope(|scope| {
        scope.spawn(|| {
            let http = Store::open(&database).unwrap();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let mut signer = [0u8; 32];
                signer[..8].copy_from_slice(&n.to_le_bytes());
                http.accept(&signer, 0, b"intent", &[0; 65], now_ms())
                    .unwrap();
                n += 1;
            }
        });
        let started = Instant::now();
        let mut failure = None;
        while failure.is_none() && started.elapsed() < Duration::from_secs(5) {
            if let Err(error) = submitter.claim(relay::BATCH) {
                failure = Some(format!("{error:#}"));
            }
        }
        stop.store(true, Ordering::Relaxed);
        failure
    });
    assert_eq!(
        failure, None,
        "the submitter's claim failed beside an acceptance (the submitter then stops)"
    );
}

/// Finding (medium): anyone, with no card, stops every intent from running.
///
/// Each `POST /intents` that passes the offline checks (any key signing any payload for
/// its own account does) costs the submitter a dry run, and the submitter answers every
/// waiting question before each intent it runs (`chain::answer` drains the channel,
/// which has no bound). The rate limit counts only accepted intents, so refused ones are
/// free. Eight clients posting a stranger's payload (refused `NotTheCard`, 422) keep the
/// channel full: a citizen's good ballot is accepted, then stays `queued` for as long as
/// the flood lasts (on a node its deadline then passes, and the high finding above locks
/// her out). A 1 MB memo (finding below) makes each request cost the submitter ~50 ms.
#[test]
fn refused_dry_runs_from_anyone_do_not_starve_the_queue() {
    let _serial = serial();
    let card = Card::new("red team relay: the starved voter");
    let stranger = Card::new("red team relay: a card nobody bound");
    let (mut city, poll) = city(&[(card.account(), card.key())]).unwrap();
    let relayer = relayer(&mut city);
    let deadline = city.block() + 1_000;
    let good = ballot(&mut city, &card, poll, 1, 0, deadline);
    let bogus = IntentPayload {
        signer: stranger.account(),
        ..good.clone()
    };
    let bogus = request(&bogus, &stranger);
    let stop = AtomicBool::new(false);
    let intent = std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let (status, answer) = post(&relayer, &bogus);
                    assert_eq!((status, &answer["code"]), (422, &json!("NotTheCard")));
                }
            });
        }
        std::thread::sleep(Duration::from_secs(1));
        let (status, accepted) = post(&relayer, &request(&good, &card));
        let intent = if status == 202 {
            wait_until_run(
                &relayer,
                accepted["id"].as_i64().unwrap(),
                Duration::from_secs(20),
            )
        } else {
            accepted
        };
        stop.store(true, Ordering::Relaxed);
        intent
    });
    assert_eq!(
        intent["status"], "executed",
        "a good ballot still not run 20 s after its acceptance, under a flood of refused \
         requests: {intent}"
    );
}

/// Finding (medium): after `kill -9`, an intent that never ran is reported `executed`.
///
/// `recover` settles an intent left `submitting` as executed when the signer's nonce on
/// chain has moved past it. But the nonce also moves when another intent with that
/// nonce runs: the README's own way to withdraw an intent ("the citizen uses its nonce
/// for another one"), sent through anyone else (the contract takes intents from anyone;
/// on a node, any account). Here the relayer accepted her ballot X (choice 0) and was
/// killed after claiming it, before the chain was saved (the queue is written as such a
/// relayer leaves it); meanwhile her ballot Y (choice 2, same nonce) ran, sent by the
/// bus company. Started again, the relayer tells her X was executed; the tally shows Y.
#[test]
fn an_intent_left_submitting_is_not_reported_executed_when_another_took_its_nonce() {
    let _serial = serial();
    let card = Card::new("red team relay: the voter who changed her mind");
    let (mut city, poll) = city(&[(card.account(), card.key())]).unwrap();
    let deadline = city.block() + 1_000;
    let x = ballot(&mut city, &card, poll, 0, 0, deadline);
    let y = ballot(&mut city, &card, poll, 2, 0, deadline);
    // X accepted and claimed: the queue of a relayer killed mid-batch.
    let database = queue_file("recovery");
    let id = {
        let mut store = Store::open(&database).unwrap();
        let signer = *AsRef::<[u8; 32]>::as_ref(&card.account());
        let id = store
            .accept(&signer, 0, &x.encode(), &card.sign(&x), now_ms())
            .unwrap();
        assert_eq!(store.claim(relay::BATCH).unwrap().len(), 1);
        id
    };
    // Y, with the same nonce, runs through someone else.
    city.intents(BUS)
        .submit(&y, card.sign(&y))
        .value
        .expect("the withdrawing ballot runs");
    let mut relayer = Loopback::new(Path::new(env!("CARGO_BIN_EXE_city")), &mut city).unwrap();
    relayer
        .start_with(&["--database", database.to_str().unwrap()])
        .unwrap();
    let reported = wait_until_run(&relayer, id, Duration::from_secs(30));
    relayer.kill().unwrap();
    relayer.resume(&mut city).unwrap();
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!(tally.votes, vec![0, 0, 1, 0], "Y ran, X did not");
    assert_ne!(
        reported["status"], "executed",
        "the relayer reports ballot X executed, though the chain counted Y: {reported}"
    );
}

/// Finding (low): a payload the intents contract cannot take in is answered `503
/// Unavailable` ("try again later"), not with a typed 4xx.
///
/// A redemption whose memo is over ink!'s 16 KiB input buffer decodes, passes the offline
/// checks (any key, any account), then traps the dry run (`OutputBufferTooSmall`): the
/// relayer answers as if the chain were out of reach, and a client that retries 503 (as
/// `relay::load`'s does) retries for ever. The README promises `400 Malformed` or `422`.
#[test]
fn a_payload_too_large_for_the_contract_is_refused_not_unavailable() {
    let _serial = serial();
    let card = Card::new("red team relay: a long memo");
    let (mut city, poll) = city(&[(card.account(), card.key())]).unwrap();
    let relayer = relayer(&mut city);
    let deadline = city.block() + 100;
    let redeem = |city: &mut City, memo: usize| IntentPayload {
        intent: Intent::Token(TokenAct::Redeem {
            provider: BUS.account(),
            amount: 1,
            memo: vec![b'x'; memo],
        }),
        ..ballot(city, &card, poll, 0, 0, deadline)
    };
    // Over the body's limit, over the payload's, and over the token's memo limit.
    for (memo, status, code) in [
        (17_000, 413, "TooLarge"),
        (2_000, 400, "Malformed"),
        (200, 422, "Token(MemoTooLong)"),
    ] {
        let payload = redeem(&mut city, memo);
        let (got, answer) = post(&relayer, &request(&payload, &card));
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "a {memo}-byte memo is answered {got}: {answer}"
        );
    }
}

/// Finding (low): a body over the HTTP limit is refused without the README's typed
/// answer ("each with {"error": <text>, "code": <name>}"). (The body is 64 KB: a body of
/// megabytes is cut off by the relayer's early answer before the client has sent it,
/// and this client then sees a broken pipe rather than the answer.)
#[test]
fn a_body_over_the_limit_is_refused_with_the_typed_json() {
    let _serial = serial();
    let card = Card::new("red team relay: a huge body");
    let (mut city, _) = city(&[(card.account(), card.key())]).unwrap();
    let relayer = relayer(&mut city);
    let huge = json!({ "payload": format!("0x{}", "00".repeat(32_000)), "signature": "0x00" });
    let (status, answer) = post(&relayer, &huge);
    assert!((400..500).contains(&status), "{status}");
    assert!(
        answer["code"].is_string() && answer["error"].is_string(),
        "{status} answered {answer}"
    );
}

/// Finding (low): `GET /intents/<id>`'s `block` is not the block the intent ran in
/// (`store::Entry::block`: "The block it ran in") but the one after: the embedded chain
/// seals the intent's block before the submitter asks for the head. A ballot due in the
/// block it was accepted in runs there, and is reported run in the next, past its
/// deadline.
#[test]
fn the_block_reported_for_an_executed_intent_is_the_block_it_ran_in() {
    let _serial = serial();
    let card = Card::new("red team relay: a ballot due now");
    let (mut city, poll) = city(&[(card.account(), card.key())]).unwrap();
    let relayer = relayer(&mut city);
    let (_, health) = get(&relayer, "/health");
    let now = u32::try_from(health["block"].as_u64().unwrap()).unwrap();
    let due_now = ballot(&mut city, &card, poll, 1, 0, now);
    let (status, accepted) = post(&relayer, &request(&due_now, &card));
    assert_eq!(status, 202, "{accepted}");
    let intent = wait_until_run(
        &relayer,
        accepted["id"].as_i64().unwrap(),
        Duration::from_secs(30),
    );
    assert_eq!(intent["status"], "executed", "{intent}");
    assert!(
        intent["block"].as_u64().unwrap() <= u64::from(now),
        "an intent due by block {now} is reported run in block {}",
        intent["block"]
    );
}
