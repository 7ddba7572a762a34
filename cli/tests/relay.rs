//! `city relay` on loopback, serving a city the harness set up on the embedded chain
//! (`relay::load::Loopback`): every refusal of `POST /intents` is typed and changes
//! nothing, a good ballot runs once and is counted, and a ballot a JavaScript client
//! signed with the ecosystem's own library (`scripts/interop/card.mjs`) is counted too.
//! `city load` is the relayer's load-and-restart test (`scripts/test` runs it).

use std::{path::Path, process::Command, time::Duration};

use city_traits::{
    CardKey, Electorate, IdentityKind, Intent, IntentPayload, PollId, Revoting, Role, Secrecy,
    TokenAct,
};
use harness::{
    city::{ADMIN, BUS},
    intents::Card,
    City, Fixture,
};
use ink::primitives::AccountId;
use relay::{
    hex,
    load::{city, request, Loopback},
};
use scale::Encode;
use serde_json::{json, Value};

fn relayer(city: &mut City) -> Loopback {
    Loopback::started(Path::new(env!("CARGO_BIN_EXE_city")), city).unwrap()
}

/// A ballot valid for 100 blocks.
fn ballot(city: &mut City, card: &Card, poll: PollId, choice: u8, nonce: u64) -> IntentPayload {
    let deadline = city.block() + 100;
    relay::load::ballot(city, card, poll, choice, nonce, deadline)
}

fn wait_until_run(relayer: &Loopback, id: i64) -> Value {
    relayer.wait_until_run(id, Duration::from_secs(60)).unwrap()
}

#[test]
fn every_refusal_is_typed_and_changes_nothing_and_a_good_ballot_runs_once() {
    let card = Card::new("relay pensioner");
    let stranger = Card::new("a card nobody bound");
    let (mut city, poll) = city(&[(card.account(), card.key())]).unwrap();
    let mut relayer = relayer(&mut city);
    let good = ballot(&mut city, &card, poll, 1, 0);
    let refused = |relayer: &Loopback, body: Value, status: u16, code: &str| {
        let (got, answer) = relayer.post(&body).unwrap();
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
        assert!(answer["error"]
            .as_str()
            .is_some_and(|error| !error.is_empty()));
    };

    // Malformed requests: 400, before anything is asked of the chain.
    let mut bytes = good.encode();
    bytes.push(0);
    let sixty_four = hex(&card.sign(&good)[..64]);
    for body in [
        json!({ "payload": 5 }),
        json!({ "payload": "0xzz", "signature": "0x00" }),
        json!({ "payload": hex(&bytes), "signature": hex(&card.sign(&good)) }),
        json!({ "payload": hex(&good.encode()), "signature": sixty_four }),
        json!({ "payload": hex(&good.encode()), "signature": hex(&card.sign(&good)), "fee": 1 }),
    ] {
        refused(&relayer, body, 400, "Malformed");
    }
    // Checked offline: another contract, another chain, a signature that recovers nothing.
    let elsewhere = IntentPayload {
        forwarder: AccountId::from([9; 32]),
        ..good.clone()
    };
    refused(&relayer, request(&elsewhere, &card), 422, "WrongForwarder");
    let other_chain = IntentPayload {
        domain: [7; 32],
        ..good.clone()
    };
    refused(&relayer, request(&other_chain, &card), 422, "WrongDomain");
    let zero = json!({ "payload": hex(&good.encode()), "signature": hex(&[0; 65]) });
    refused(&relayer, zero, 422, "BadSignature");
    // Checked by a dry run: the contract's own refusals.
    let expired = IntentPayload {
        deadline: city.block() - 1,
        ..good.clone()
    };
    refused(&relayer, request(&expired, &card), 422, "Expired");
    let skipped = ballot(&mut city, &card, poll, 1, 1);
    refused(&relayer, request(&skipped, &card), 422, "BadNonce");
    refused(&relayer, request(&good, &stranger), 422, "NotTheCard");
    let no_poll = ballot(&mut city, &card, poll + 7, 1, 0);
    refused(
        &relayer,
        request(&no_poll, &card),
        422,
        "Voting(UnknownPoll)",
    );
    // Reads of what does not exist.
    assert_eq!(relayer.ask("/intents/1").unwrap().0, 404);
    assert_eq!(relayer.ask("/intents/first").unwrap().0, 400);
    assert_eq!(relayer.ask("/signers/0x12").unwrap().0, 400);

    // Nothing changed.
    let (_, health) = relayer.ask("/health").unwrap();
    assert_eq!(
        (&health["queued"], &health["executed"], &health["failed"]),
        (&json!(0), &json!(0), &json!(0)),
        "{health}"
    );
    let signer = format!("/signers/{}", hex(card.account().as_ref()));
    assert_eq!(relayer.ask(&signer).unwrap().1["nonce"], 0);

    // The good ballot is taken once, runs once, and is counted.
    let (status, accepted) = relayer.post(&request(&good, &card)).unwrap();
    assert_eq!(status, 202, "{accepted}");
    let id = accepted["id"].as_i64().unwrap();
    let (status, again) = relayer.post(&request(&good, &card)).unwrap();
    assert_eq!(
        (status, &again["code"], &again["id"]),
        (409, &json!("Duplicate"), &json!(id))
    );
    let intent = wait_until_run(&relayer, id);
    assert_eq!(intent["status"], "executed", "{intent}");
    assert!(intent["block"].as_u64().is_some(), "{intent}");
    assert_eq!(
        relayer.ask(&signer).unwrap().1,
        json!({ "signer": hex(card.account().as_ref()), "nonce": 1, "pending": null })
    );

    // The limits: a signer's rate, and the queue's bound.
    let next = ballot(&mut city, &card, poll, 2, 1);
    relayer.kill().unwrap();
    relayer.start_with(&["--per-minute", "1"]).unwrap();
    refused(&relayer, request(&next, &card), 429, "RateLimited");
    relayer.kill().unwrap();
    relayer.start_with(&["--queue", "0"]).unwrap();
    refused(&relayer, request(&next, &card), 503, "QueueFull");
    // Stopped as a supervisor stops it.
    assert!(relayer.terminate().unwrap().success());

    relayer.resume(&mut city).unwrap();
    let counted = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((counted.votes, counted.voters), (vec![0, 1, 0, 0], 1));
}

/// Seoul, through the relayer: pensioners who hold S-coin and no native currency answer
/// the city's poll and pay their bus fares with their cards alone, over HTTP.
#[test]
fn seoul_pensioners_without_native_currency_answer_the_poll_and_pay_fares_through_the_relayer() {
    let cards: Vec<Card> = (0..3)
        .map(|n| Card::new(&format!("seoul pensioner {n}")))
        .collect();
    let mut fixture = Fixture::new().token_role(Role::ServiceProvider, BUS);
    for card in &cards {
        fixture = fixture
            .identity(card.account(), IdentityKind::Citizen)
            .holder(card.account(), 50);
    }
    let mut city = fixture.governed().build().unwrap();
    city.deploy_intents().unwrap();
    for card in &cards {
        city.registry(ADMIN)
            .set_card_key(card.account(), Some(card.key()))
            .expect_accepted();
    }
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Should line 7 run all night?",
            &["yes", "no"],
            Electorate::people(&[IdentityKind::Citizen]),
            Secrecy::Public,
            Revoting::Replaces,
        )
        .expect_accepted();
    city.advance_blocks(2);
    let bus_before = city.token(ADMIN).balance_of(BUS).value;
    let mut relayer = relayer(&mut city);
    for (n, card) in cards.iter().enumerate() {
        let choice = u8::from(n == 2);
        let answer = ballot(&mut city, card, poll, choice, 0);
        let fare = IntentPayload {
            nonce: 1,
            intent: Intent::Token(TokenAct::Redeem {
                provider: BUS.account(),
                amount: 2,
                memo: b"line 7".to_vec(),
            }),
            ..answer.clone()
        };
        for payload in [answer, fare] {
            let (status, accepted) = relayer.post(&request(&payload, card)).unwrap();
            assert_eq!(status, 202, "{accepted}");
            let intent = wait_until_run(&relayer, accepted["id"].as_i64().unwrap());
            assert_eq!(intent["status"], "executed", "{intent}");
        }
    }
    relayer.kill().unwrap();
    relayer.resume(&mut city).unwrap();
    let counted = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((counted.votes, counted.voters), (vec![2, 1, 0], 3));
    for card in &cards {
        assert_eq!(city.token(ADMIN).balance_of(card.account()).value, 48);
        assert_eq!(
            city.native_balance(card.account()),
            0,
            "the card paid nothing"
        );
    }
    assert_eq!(city.token(ADMIN).balance_of(BUS).value, bus_before + 6);
}

/// `city deploy --network sandbox` records the intents contract, and `city relay` serves
/// it: `/health` names the recorded forwarder and the chain's genesis hash as its domain.
#[test]
fn city_relay_serves_the_intents_contract_city_deploy_recorded() {
    let dir = std::env::temp_dir().join(format!("ink-city-relay-deploy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let places = deployments::Places::at(&dir);
    std::fs::create_dir_all(&places.networks).unwrap();
    let checkout = deployments::Places::here().unwrap();
    std::fs::copy(
        checkout.networks.join("sandbox.toml"),
        places.networks.join("sandbox.toml"),
    )
    .unwrap();
    let plan = places.plan("sandbox").unwrap();
    let deployed = deployments::deploy(&plan, &places, false).unwrap();
    let intents = deployed
        .record
        .contracts
        .iter()
        .find(|contract| contract.name == "intents")
        .unwrap()
        .address
        .clone();
    let genesis = deployments::open(&plan, &places)
        .unwrap()
        .genesis_hash()
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut relay = Command::new(env!("CARGO_BIN_EXE_city"))
        .args(["relay", "--network", "sandbox", "--deployments"])
        .arg(&dir)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .spawn()
        .unwrap();
    let health = (0..600).find_map(|_| {
        std::thread::sleep(Duration::from_millis(100));
        let answer = ureq::get(&format!("http://127.0.0.1:{port}/health"))
            .call()
            .ok()?;
        answer.into_json::<Value>().ok()
    });
    relay.kill().unwrap();
    relay.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let health = health.expect("city relay answered /health");
    assert_eq!(
        (&health["network"], &health["forwarder"], &health["domain"]),
        (&json!("sandbox"), &json!(intents), &json!(hex(&genesis))),
        "{health}"
    );
}

/// The card's account and key from `card.mjs key`'s answer.
fn card_of(answer: &Value) -> (AccountId, CardKey) {
    let bytes = |field: &str| {
        let text = answer[field].as_str().unwrap();
        hex::decode(text.strip_prefix("0x").unwrap()).unwrap()
    };
    let account: [u8; 32] = bytes("account").try_into().unwrap();
    let key: CardKey = bytes("key").try_into().unwrap();
    (AccountId::from(account), key)
}

/// `node card.mjs args` in `scripts/interop`: its JSON answer, after checking it exited 0.
fn card_mjs(dir: &Path, args: &[&str]) -> Value {
    let output = Command::new("node")
        .arg("card.mjs")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("Node.js runs");
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "card.mjs {args:?}: {said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(said.lines().last().unwrap_or_default()).unwrap()
}

#[test]
#[ignore = "needs Node.js and npm; scripts/test runs it"]
fn a_ballot_a_javascript_client_signs_as_the_readme_says_is_counted() {
    let dir = harness::bundles::workspace_root()
        .unwrap()
        .join("scripts/interop");
    let installed = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(&dir)
        .status()
        .expect("npm runs");
    assert!(installed.success(), "npm ci in {}", dir.display());
    assert_eq!(card_mjs(&dir, &["vectors"])["vectors"], "ok");
    let keys = tempfile_dir();
    let card_file = keys.join("card.json");
    let made = card_mjs(&dir, &["key", "--out", card_file.to_str().unwrap()]);
    let (mut city, poll) = city(&[card_of(&made)]).unwrap();
    let mut relayer = relayer(&mut city);
    let voted = card_mjs(
        &dir,
        &[
            "vote",
            "--relayer",
            &relayer.url(),
            "--card",
            card_file.to_str().unwrap(),
            "--poll",
            &poll.to_string(),
            "--choice",
            "2",
        ],
    );
    assert_eq!(voted["status"], "executed", "{voted}");
    relayer.kill().unwrap();
    relayer.resume(&mut city).unwrap();
    let counted = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((counted.votes, counted.voters), (vec![0, 0, 1, 0], 1));
    std::fs::remove_dir_all(keys).unwrap();
}

/// A fresh directory for the card's secret.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ink-city-js-card-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
