//! Civic records' figures: a certificate issued and checked, a battery's custody steps and
//! its return reward, a log batch anchored, and an entry verified from a proof of 10
//! levels (a batch of 1,000) and of the most, 32.

use anyhow::Result;
use city_traits::{Action, Chain, CivicRole, IdentityKind, Schema, Standing, Subject};
use harness::{
    city::{contract_account, Actor, City, ADMIN, ALICE, COIN},
    merkle::{self, LogBatch},
    records::schema,
};

use super::Measurement;

const ISSUER: Actor = Actor("bench-issuer");
const HOLDER: Actor = Actor("bench-holder");
const RECYCLER: Actor = Actor("bench-recycler");
const CLINIC: Actor = Actor("bench-clinic");

/// Measures civic records on a fresh city.
pub(super) fn records_weights() -> Result<Vec<Measurement>> {
    let mut city = City::new()?;
    city.grant_civic_role(
        CivicRole::Issuer,
        [ISSUER, HOLDER, RECYCLER].map(|actor| actor.account()),
    )?;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], u64::MAX)
        .accepted()?;
    city.registry(ADMIN)
        .register(HOLDER, IdentityKind::Resident, [2; 32], u64::MAX)
        .accepted()?;
    city.install_device(contract_account(&city.records), &[Action::BatteryReturned])?;
    city.set_reward(
        Action::BatteryReturned,
        (5 * COIN, 1),
        &[IdentityKind::Resident],
    )?;
    let certificate = schema("certificate", Chain::Standalone, true, false);
    let mut weights = Vec::new();
    let register = city.records(ADMIN).register_schema(&certificate);
    weights.push(Measurement::of("register_schema", &register));
    let certificates = register
        .value
        .clone()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let authorise =
        city.records(ADMIN)
            .authorise_issuer(certificates, ISSUER, Some(Standing::Issuer));
    weights.push(Measurement::of("authorise_issuer", &authorise));
    let batteries = city.register_schema(
        Schema {
            reward: Some(Action::BatteryReturned),
            ..schema("battery", Chain::Custody, false, false)
        },
        &[
            (ISSUER.account(), Standing::Issuer),
            (HOLDER.account(), Standing::Issuer),
            (RECYCLER.account(), Standing::Closer),
        ],
    )?;
    city.advance_blocks(1);

    let issue = city.records(ISSUER).issue(
        certificates,
        Subject::Person(ALICE.account()),
        [3; 32],
        None,
        None,
    );
    weights.push(Measurement::of("issue (a certificate)", &issue));
    let record = issue.value.clone().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    weights.push(Measurement::of(
        "status",
        &city.records(ALICE).status(record),
    ));
    weights.push(Measurement::of(
        "revoke",
        &city.records(ISSUER).revoke(record, [4; 32]),
    ));

    let battery = [5; 32];
    let open = city
        .records(ISSUER)
        .issue(batteries, Subject::Asset(battery), [6; 32], None, None);
    weights.push(Measurement::of("issue (an asset's first step)", &open));
    for (from, to) in [(ISSUER, HOLDER), (HOLDER, RECYCLER)] {
        let offer = city.records(from).hand_over(battery, to, [7; 32]);
        let take = city.records(to).take_over(battery);
        if to == RECYCLER {
            weights.push(Measurement::of("hand_over", &offer));
            weights.push(Measurement::of("take_over", &take));
        }
    }
    weights.push(Measurement::of(
        "close_asset",
        &city.records(RECYCLER).close_asset(battery, [8; 32]),
    ));
    weights.push(Measurement::of(
        "reward_return",
        &city.records(ALICE).reward_return(battery),
    ));
    weights.push(Measurement::of_query(
        "history (5 steps)",
        &city.records(ALICE).history(battery, 0, 10),
    ));

    let entries: Vec<String> = (0..1_000).map(|n| format!("log entry {n}")).collect();
    let batch = LogBatch::of_entries(&entries).expect("a batch of 1,000 entries");
    let anchor = city
        .records(ISSUER)
        .anchor("bench/2026-12-06", batch.root(), batch.size());
    weights.push(Measurement::of("anchor", &anchor));
    let anchored = anchor.value.clone().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let proof = batch.proof(700).expect("an entry of the batch");
    let digest = merkle::entry_digest(entries[700].as_bytes());
    let verify = city
        .records(ALICE)
        .verify_entry(anchored, digest, 700, &proof);
    assert_eq!(verify.value, Ok(true), "the benchmark's proof holds");
    weights.push(Measurement::of("verify_entry (10 levels)", &verify));
    // The most a verification costs: a batch of u32::MAX entries, a proof of 32 levels
    // (the hashing runs to the end whether or not the proof holds).
    let deepest = city
        .records(ISSUER)
        .anchor("bench/deepest", [9; 32], u32::MAX)
        .accepted()?;
    let longest = vec![[10; 32]; merkle::MAX_PROOF_LEVELS];
    weights.push(Measurement::of(
        "verify_entry (32 levels)",
        &city
            .records(ALICE)
            .verify_entry(deepest, digest, 0, &longest),
    ));

    let until = city.now_ms() + 86_400_000;
    let grant =
        city.records(ALICE)
            .grant_consent(CLINIC, ISSUER, "health-record", "treatment", until);
    weights.push(Measurement::of("grant_consent", &grant));
    let consent = grant.value.clone().map_err(|e| anyhow::anyhow!("{e:?}"))?;
    weights.push(Measurement::of_query(
        "consent_in_force",
        &city.records(CLINIC).consent_in_force(consent),
    ));
    weights.push(Measurement::of(
        "revoke_consent",
        &city.records(ALICE).revoke_consent(consent),
    ));
    Ok(weights)
}
