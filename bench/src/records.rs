//! Civic records' figures: a certificate issued and checked, a battery's custody steps and
//! its return reward, a log batch anchored, and an entry verified from a proof of 10
//! levels (a batch of 1,000) and of the most, 32.

use anyhow::Result;
use city_traits::{Chain, CivicRole, IdentityKind, Standing, Subject};
use harness::{
    city::{Actor, City, ADMIN, ALICE, COIN},
    merkle::{self, LogBatch},
    records::{schema, BatteryChain},
};

use super::Measurement;

const MAKER: Actor = Actor("bench-maker");
const CARRIER: Actor = Actor("bench-carrier");
const HOLDER: Actor = Actor("bench-holder");
const RECYCLER: Actor = Actor("bench-recycler");
const CLINIC: Actor = Actor("bench-clinic");

/// Measures civic records on a fresh city.
pub(super) fn records_weights() -> Result<Vec<Measurement>> {
    let mut city = City::new()?;
    let keepers = [MAKER, CARRIER, HOLDER, RECYCLER];
    city.grant_civic_role(CivicRole::Issuer, keepers.map(|actor| actor.account()))?;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], u64::MAX)
        .accepted()?;
    city.registry(ADMIN)
        .register(HOLDER, IdentityKind::Resident, [2; 32], u64::MAX)
        .accepted()?;
    let mut weights = Vec::new();
    let certificate = schema("certificate", Chain::Standalone, true, false);
    let register = city.records(ADMIN).register_schema(&certificate);
    weights.push(Measurement::of("register_schema", &register));
    let certificates = register.clone().accepted()?;
    let authorise =
        city.records(ADMIN)
            .authorise_issuer(certificates, MAKER, Some(Standing::Issuer));
    weights.push(Measurement::of("authorise_issuer", &authorise));
    let chain = BatteryChain {
        makers: &[MAKER.account()],
        carriers: &[CARRIER.account(), HOLDER.account()],
        closers: &[RECYCLER.account()],
    };
    let batteries = city.register_batteries(chain, 5 * COIN, &[IdentityKind::Resident])?;
    city.advance_blocks(1);

    let alice = Subject::Person(ALICE.account());
    let issue = city
        .records(MAKER)
        .issue(certificates, alice, [3; 32], None, None);
    weights.push(Measurement::of("issue (a certificate)", &issue));
    let record = issue.clone().accepted()?;
    weights.push(Measurement::of(
        "status",
        &city.records(ALICE).status(record),
    ));
    let revoke = city.records(MAKER).revoke(record, [4; 32]);
    weights.push(Measurement::of("revoke", &revoke));

    let battery = [5; 32];
    let open = city
        .records(MAKER)
        .issue(batteries, Subject::Asset(battery), [6; 32], None, None);
    weights.push(Measurement::of("issue (an asset's first step)", &open));
    for (from, to) in [(MAKER, CARRIER), (CARRIER, HOLDER), (HOLDER, RECYCLER)] {
        let offer = city
            .records(from)
            .hand_over(batteries, battery, to, [7; 32]);
        let take = city.records(to).take_over(batteries, battery, [7; 32]);
        if to == RECYCLER {
            weights.push(Measurement::of("hand_over", &offer));
            weights.push(Measurement::of("take_over", &take));
        }
    }
    let close = city
        .records(RECYCLER)
        .close_asset(batteries, battery, [8; 32]);
    weights.push(Measurement::of("close_asset", &close));
    let reward = city.records(HOLDER).reward_return(batteries, battery);
    weights.push(Measurement::of("reward_return", &reward));
    let history = city.records(ALICE).history(batteries, battery, 0, 10);
    weights.push(Measurement::of_query("history (5 steps)", &history));

    let entries: Vec<String> = (0..1_000).map(|n| format!("log entry {n}")).collect();
    let batch = LogBatch::of_entries(&entries).expect("a batch of 1,000 entries");
    let anchor = city
        .records(MAKER)
        .anchor("bench/2026-12-06", batch.root(), batch.size());
    weights.push(Measurement::of("anchor", &anchor));
    let anchored = anchor.clone().accepted()?;
    let proof = batch.proof(700).expect("an entry of the batch");
    let digest = merkle::entry_digest(entries[700].as_bytes());
    let verify = city
        .records(ALICE)
        .verify_entry(anchored, MAKER, digest, 700, &proof);
    assert_eq!(verify.value, Ok(true), "the benchmark's proof holds");
    weights.push(Measurement::of("verify_entry (10 levels)", &verify));
    // The most a verification costs: a batch of u32::MAX entries, a proof of 32 levels
    // (the hashing runs to the end whether or not the proof holds).
    let deepest = city
        .records(MAKER)
        .anchor("bench/deepest", [9; 32], u32::MAX)
        .accepted()?;
    let longest = vec![[10; 32]; merkle::MAX_PROOF_LEVELS];
    let verify = city
        .records(ALICE)
        .verify_entry(deepest, MAKER, digest, 0, &longest);
    weights.push(Measurement::of("verify_entry (32 levels)", &verify));

    let until = city.now_ms() + 86_400_000;
    let grant =
        city.records(ALICE)
            .grant_consent(CLINIC, MAKER, "health-record", "treatment", until);
    weights.push(Measurement::of("grant_consent", &grant));
    let consent = grant.clone().accepted()?;
    let in_force =
        city.records(CLINIC)
            .consent_in_force(consent, ALICE, CLINIC, MAKER, "health-record");
    weights.push(Measurement::of_query("consent_in_force", &in_force));
    let revoke = city.records(ALICE).revoke_consent(consent);
    weights.push(Measurement::of("revoke_consent", &revoke));
    Ok(weights)
}
