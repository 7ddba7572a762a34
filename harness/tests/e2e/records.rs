//! Civic records on the real Wasm, with the real registry and reward rules: certificates,
//! asset histories and custody chains with their return reward, anchored logs checked
//! against the harness's Merkle tool, and consent. Each refusal leaves the state as it was.

use city_traits::{
    Chain, CivicRole, IdentityKind, RecordStatus, RecordsError, RewardError, Standing, Subject,
    MAX_PROOF_LEVELS,
};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, COIN, MALLORY},
    merkle::{self, LogBatch},
    records::{schema, BatteryChain},
    AdminCalls, City, Fixture,
};

pub const WELFARE: Actor = Actor("welfare-office");
pub const GARAGE: Actor = Actor("garage");
pub const INSURER: Actor = Actor("insurer");
pub const CARMAKER: Actor = Actor("carmaker");
pub const STATION: Actor = Actor("charging-station");
pub const STORAGE: Actor = Actor("energy-storage");
pub const RECYCLER: Actor = Actor("recycler");
pub const MINISTRY: Actor = Actor("ministry");

/// A city whose `keepers` hold the registry's `Issuer` role, with alice and bob citizens
/// and `residents` residents (they earn return rewards).
pub fn keepers_city(keepers: &[Actor], residents: &[Actor]) -> City {
    let fixture = keepers
        .iter()
        .fold(Fixture::new().citizens([ALICE, BOB]), |fixture, keeper| {
            fixture.civic_role(CivicRole::Issuer, *keeper)
        });
    residents
        .iter()
        .fold(fixture, |fixture, resident| {
            fixture.identity(*resident, IdentityKind::Resident)
        })
        .next_block()
        .build()
        .expect("the city is set up")
}

/// The record keepers of these tests, with the storage operator a resident.
fn records_city() -> City {
    let keepers = [
        WELFARE, GARAGE, INSURER, CARMAKER, STATION, STORAGE, RECYCLER, MINISTRY,
    ];
    keepers_city(&keepers, &[STORAGE])
}

pub fn hash(n: u8) -> [u8; 32] {
    [n; 32]
}

/// The number the next record would get: nothing was written if it is still free.
fn next_record(city: &mut City) -> u64 {
    (0..)
        .find(|id| city.records(ADMIN).record(*id).value.is_none())
        .expect("a free number")
}

#[test]
fn a_youth_allowance_certificate_is_issued_checked_and_revoked() {
    let mut city = records_city();
    let allowance = city
        .register_schema(
            schema("youth-allowance", Chain::Standalone, true, true),
            &[(WELFARE.account(), Standing::Issuer)],
        )
        .unwrap();
    let expires = city.block() + 100;
    let issued = city.records(WELFARE).issue(
        allowance,
        Subject::Person(ALICE.account()),
        hash(1),
        Some(expires),
        None,
    );
    let record = issued.value.clone().unwrap();
    // One event, with the signature and three topics: schema, subject, issuer.
    assert_eq!(issued.events.len(), 1);
    assert_eq!(issued.events[0].topics.len(), 4);
    assert!(city
        .describe(&city.records, &issued.events[0])
        .contains("RecordIssued"));
    let issued_in = city.block();
    city.advance_blocks(1);
    // A service checks it.
    assert_eq!(
        city.records(BOB).status(record).value,
        Ok(RecordStatus::Valid)
    );
    assert_eq!(
        city.records(BOB).valid_at(record, issued_in).value,
        Ok(true)
    );
    // The garage holds the Issuer role, but governance never authorised it for the
    // schema; a stranger neither; and nobody but the issuer revokes.
    for intruder in [GARAGE, MALLORY] {
        let free = next_record(&mut city);
        let refused = city
            .records(intruder)
            .issue(
                allowance,
                Subject::Person(BOB.account()),
                hash(2),
                Some(expires),
                None,
            )
            .expect_refused();
        assert_eq!(refused, RecordsError::NotAuthorised);
        assert_eq!(next_record(&mut city), free, "nothing was written");
        assert_eq!(
            city.records(intruder)
                .revoke(record, hash(0))
                .expect_refused(),
            RecordsError::NotIssuer
        );
    }
    city.records(WELFARE)
        .revoke(record, hash(9))
        .expect_accepted();
    let revoked_in = city.block();
    city.advance_blocks(1);
    assert_eq!(
        city.records(BOB).status(record).value,
        Ok(RecordStatus::Revoked)
    );
    assert_eq!(
        city.records(BOB).valid_at(record, issued_in).value,
        Ok(true)
    );
    assert_eq!(
        city.records(BOB).valid_at(record, revoked_in).value,
        Ok(false)
    );
}

#[test]
fn a_welfare_office_that_loses_its_role_issues_no_more() {
    let mut city = records_city();
    let allowance = city
        .register_schema(
            schema("youth-allowance", Chain::Standalone, true, false),
            &[(WELFARE.account(), Standing::Issuer)],
        )
        .unwrap();
    city.registry(ADMIN)
        .revoke_role(CivicRole::Issuer, WELFARE)
        .expect_accepted();
    let refused = city
        .records(WELFARE)
        .issue(
            allowance,
            Subject::Person(ALICE.account()),
            hash(1),
            None,
            None,
        )
        .expect_refused();
    assert_eq!(refused, RecordsError::NotAuthorised);
}

#[test]
fn a_cars_history_is_written_by_a_garage_and_an_insurer_without_forks() {
    let mut city = records_city();
    let cars = city
        .register_schema(
            schema("vehicle-history", Chain::History, false, false),
            &[
                (GARAGE.account(), Standing::Maker),
                (INSURER.account(), Standing::Issuer),
            ],
        )
        .unwrap();
    let vin = merkle::entry_digest(b"KMHD84LF5JU123456");
    let serviced = city
        .records(GARAGE)
        .issue(cars, Subject::Asset(vin), hash(1), None, None)
        .expect_accepted();
    let claim = city
        .records(INSURER)
        .issue(cars, Subject::Asset(vin), hash(2), None, Some(serviced))
        .expect_accepted();
    // A second step from the same parent is a fork; a step from nowhere is out of order.
    for (parent, error) in [
        (Some(serviced), RecordsError::NotLatest),
        (None, RecordsError::NotLatest),
        (Some(claim + 7), RecordsError::NotLatest),
    ] {
        let refused = city
            .records(GARAGE)
            .issue(cars, Subject::Asset(vin), hash(3), None, parent)
            .expect_refused();
        assert_eq!(refused, error);
    }
    let history = city.records(ALICE).history(cars, vin, 0, 10).value;
    let steps: Vec<(u64, [u8; 32])> = history
        .iter()
        .map(|(id, record)| (*id, record.data_hash))
        .collect();
    assert_eq!(steps, vec![(serviced, hash(1)), (claim, hash(2))]);
}

/// Registers in `city` the battery schema with a 5-coin return reward through civic
/// records, the only attester of `TractionBatteryReturned`: the carmaker opens batteries,
/// the charging station and the storage operator carry them, the recycler closes them.
pub fn battery_schema(city: &mut City) -> u32 {
    let chain = BatteryChain {
        makers: &[CARMAKER.account()],
        carriers: &[STATION.account(), STORAGE.account()],
        closers: &[RECYCLER.account()],
    };
    let kinds = [IdentityKind::Citizen, IdentityKind::Resident];
    city.register_batteries(chain, 5 * COIN, &kinds).unwrap()
}

fn battery_city() -> (City, u32) {
    let mut city = records_city();
    let batteries = battery_schema(&mut city);
    (city, batteries)
}

/// The handover document every test battery is passed on with.
pub const HANDOVER: [u8; 32] = [0x70; 32];

/// Hands `battery` of schema `batteries` from `from` to `to`, who takes it over.
pub fn pass(city: &mut City, batteries: u32, battery: [u8; 32], from: Actor, to: Actor) -> u64 {
    city.records(from)
        .hand_over(batteries, battery, to, HANDOVER)
        .expect_accepted();
    city.records(to)
        .take_over(batteries, battery, HANDOVER)
        .expect_accepted()
}

/// A battery the carmaker made and passed along `route`, then closed by the recycler.
fn recycled(city: &mut City, batteries: u32, serial: &[u8], route: &[Actor]) -> [u8; 32] {
    let battery = merkle::entry_digest(serial);
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    for pair in route.windows(2) {
        pass(city, batteries, battery, pair[0], pair[1]);
    }
    city.records(RECYCLER)
        .close_asset(batteries, battery, hash(4))
        .expect_accepted();
    battery
}

#[test]
fn a_battery_travels_to_the_recycler_and_earns_its_return_reward_once() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0001");
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    pass(&mut city, batteries, battery, CARMAKER, STATION);
    pass(&mut city, batteries, battery, STATION, STORAGE);
    // The carmaker let it go: it can neither write nor hand it on, nor take it back.
    assert_eq!(
        city.records(CARMAKER)
            .hand_over(batteries, battery, RECYCLER, hash(2))
            .expect_refused(),
        RecordsError::NotCustodian
    );
    assert_eq!(
        city.records(CARMAKER)
            .take_over(batteries, battery, HANDOVER)
            .expect_refused(),
        RecordsError::NoHandover
    );
    // The storage operator holds it but is no closer.
    assert_eq!(
        city.records(STORAGE)
            .close_asset(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NotCloser
    );
    pass(&mut city, batteries, battery, STORAGE, RECYCLER);
    // A closer only closes: it cannot pass the battery on to redirect the reward.
    assert_eq!(
        city.records(RECYCLER)
            .hand_over(batteries, battery, STATION, HANDOVER)
            .expect_refused(),
        RecordsError::CloserOnlyCloses
    );
    city.records(RECYCLER)
        .close_asset(batteries, battery, hash(4))
        .expect_accepted();
    let history = city.records(ALICE).history(batteries, battery, 0, 10).value;
    let writers: Vec<_> = history.iter().map(|(_, record)| record.issuer).collect();
    let expected: Vec<_> = [CARMAKER, STATION, STORAGE, RECYCLER, RECYCLER]
        .iter()
        .map(|actor| actor.account())
        .collect();
    assert_eq!(writers, expected);
    for pair in history.windows(2) {
        assert_eq!(
            pair[1].1.extends,
            Some(pair[0].0),
            "each step extends the last"
        );
    }
    // Only the storage operator, who handed it in, asks for the reward (a stranger asking
    // while its cap is spent would burn it), and it is paid once.
    assert_eq!(
        city.records(MALLORY)
            .reward_return(batteries, battery)
            .expect_refused(),
        RecordsError::NotBeneficiary
    );
    let before = city.balance(STORAGE.account());
    let paid = city
        .records(STORAGE)
        .reward_return(batteries, battery)
        .expect_accepted();
    assert_eq!(paid, 5 * COIN);
    assert_eq!(city.balance(STORAGE.account()), before + 5 * COIN);
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .expect_refused(),
        RecordsError::AlreadyRewarded
    );
    // Nothing further happens to a closed battery, whoever tries.
    assert_eq!(
        city.records(RECYCLER)
            .close_asset(batteries, battery, hash(5))
            .expect_refused(),
        RecordsError::AssetClosed
    );
    assert_eq!(
        city.records(CARMAKER)
            .issue(batteries, Subject::Asset(battery), hash(6), None, None)
            .expect_refused(),
        RecordsError::AssetClosed
    );
    assert_eq!(city.balance(STORAGE.account()), before + 5 * COIN);
}

#[test]
fn a_refused_return_reward_changes_nothing_and_can_be_asked_again() {
    let (mut city, batteries) = battery_city();
    // The station (no identity of a rewarded kind) hands it straight to the recycler.
    let battery = recycled(
        &mut city,
        batteries,
        b"CATL-LFP-0002",
        &[CARMAKER, STATION, RECYCLER],
    );
    let refused = city
        .records(STATION)
        .reward_return(batteries, battery)
        .expect_refused();
    assert_eq!(
        refused,
        RecordsError::RewardRefused(RewardError::NotEligible)
    );
    let held = city.records(ALICE).asset(batteries, battery).value.unwrap();
    assert!(!held.rewarded);
    // Once the station is registered, the reward is paid after all.
    city.registry(ADMIN)
        .register(STATION, IdentityKind::Resident, hash(0x51), u64::MAX)
        .expect_accepted();
    assert_eq!(
        city.records(STATION)
            .reward_return(batteries, battery)
            .expect_accepted(),
        5 * COIN
    );
}

#[test]
fn a_battery_handed_straight_from_its_maker_to_the_recycler_earns_nothing() {
    let (mut city, batteries) = battery_city();
    city.registry(ADMIN)
        .register(CARMAKER, IdentityKind::Resident, hash(0x52), u64::MAX)
        .expect_accepted();
    let battery = recycled(&mut city, batteries, b"FAKE-0001", &[CARMAKER, RECYCLER]);
    assert_eq!(
        city.records(CARMAKER)
            .reward_return(batteries, battery)
            .expect_refused(),
        RecordsError::NoReward
    );
}

#[test]
fn a_battery_cannot_be_taken_forked_squatted_or_handed_to_an_outsider() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0003");
    // Only the maker opens a battery; another schema's issuer opening the same key in its
    // own schema blocks nothing.
    assert_eq!(
        city.records(STATION)
            .issue(batteries, Subject::Asset(battery), hash(1), None, None)
            .expect_refused(),
        RecordsError::NotMaker
    );
    let cars = city
        .register_schema(
            schema("vehicle-history", Chain::History, false, false),
            &[(GARAGE.account(), Standing::Maker)],
        )
        .unwrap();
    city.records(GARAGE)
        .issue(cars, Subject::Asset(battery), hash(9), None, None)
        .expect_accepted();
    let made = city
        .records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    let free = next_record(&mut city);
    assert_eq!(
        city.records(STATION)
            .take_over(batteries, battery, HANDOVER)
            .expect_refused(),
        RecordsError::NoHandover
    );
    assert_eq!(
        city.records(STATION)
            .issue(
                batteries,
                Subject::Asset(battery),
                hash(2),
                None,
                Some(made)
            )
            .expect_refused(),
        RecordsError::NotCustodian
    );
    assert_eq!(
        city.records(CARMAKER)
            .hand_over(batteries, battery, MALLORY, HANDOVER)
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    // Offered to the station, it is still the carmaker's until taken; another cannot take
    // it, and the station takes only the handover it was shown.
    city.records(CARMAKER)
        .hand_over(batteries, battery, STATION, HANDOVER)
        .expect_accepted();
    assert_eq!(
        city.records(STORAGE)
            .take_over(batteries, battery, HANDOVER)
            .expect_refused(),
        RecordsError::NoHandover
    );
    assert_eq!(
        city.records(STATION)
            .take_over(batteries, battery, hash(0x40))
            .expect_refused(),
        RecordsError::DocumentMismatch
    );
    assert_eq!(next_record(&mut city), free, "nothing was written");
    let held = city.records(ALICE).asset(batteries, battery).value.unwrap();
    assert_eq!(held.custodian, CARMAKER.account());
    // A battery the carmaker closes itself (it is no closer) stays open.
    assert_eq!(
        city.records(CARMAKER)
            .close_asset(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NotCloser
    );
    // A custodian governance withdrew hands nothing on.
    city.records(ADMIN)
        .authorise_issuer(batteries, CARMAKER, None)
        .expect_accepted();
    assert_eq!(
        city.records(CARMAKER)
            .hand_over(batteries, battery, STATION, HANDOVER)
            .expect_refused(),
        RecordsError::NotAuthorised
    );
}

#[test]
fn an_anchored_log_proves_its_entries_as_the_harness_tool_does() {
    let mut city = records_city();
    let entries: Vec<String> = (0..1_000)
        .map(|n| format!("2026-12-06 ministry-of-health access #{n}"))
        .collect();
    let batch = LogBatch::of_entries(&entries).unwrap();
    let anchored = city
        .records(MINISTRY)
        .anchor("ministry-of-health/2026-12-06", batch.root(), batch.size())
        .expect_accepted();
    for index in [0u32, 1, 511, 512, 998, 999] {
        let digest = merkle::entry_digest(entries[index as usize].as_bytes());
        let proof = batch.proof(index).unwrap();
        assert!(merkle::verify(
            &batch.root(),
            batch.size(),
            index,
            &digest,
            &proof
        ));
        assert_eq!(
            city.records(ALICE)
                .verify_entry(anchored, MINISTRY, digest, index, &proof)
                .value,
            Ok(true),
            "entry {index}"
        );
        // A tampered entry, or the entry at another index, is refused on chain as here.
        let tampered = merkle::entry_digest(format!("{} ", entries[index as usize]).as_bytes());
        for (digest, index) in [(tampered, index), (digest, (index + 1) % 1_000)] {
            assert!(!merkle::verify(
                &batch.root(),
                batch.size(),
                index,
                &digest,
                &proof
            ));
            assert_eq!(
                city.records(ALICE)
                    .verify_entry(anchored, MINISTRY, digest, index, &proof)
                    .value,
                Ok(false)
            );
        }
    }
    // The same root anchored by the garage under the ministry's label proves nothing
    // for the ministry.
    let forged = city
        .records(GARAGE)
        .anchor("ministry-of-health/2026-12-06", batch.root(), batch.size())
        .expect_accepted();
    let digest = merkle::entry_digest(entries[0].as_bytes());
    let proof = batch.proof(0).unwrap();
    for (batch, answer) in [(forged, false), (anchored, true)] {
        assert_eq!(
            city.records(ALICE)
                .verify_entry(batch, MINISTRY, digest, 0, &proof)
                .value,
            Ok(answer)
        );
    }
    let too_long = vec![hash(0); MAX_PROOF_LEVELS + 1];
    assert_eq!(
        city.records(ALICE)
            .verify_entry(anchored, MINISTRY, hash(1), 0, &too_long)
            .value,
        Err(RecordsError::ProofTooLong)
    );
    // Only holders of the Issuer role anchor.
    assert_eq!(
        city.records(MALLORY)
            .anchor("forged", hash(1), 4)
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    assert_eq!(city.records(ALICE).batch(forged + 1).value, None);
}

#[test]
fn on_chain_and_harness_verification_agree_on_every_small_tree() {
    let mut city = records_city();
    for size in [1u32, 2, 3, 5, 8, 13] {
        let digests: Vec<[u8; 32]> = (0..size).map(|n| hash(n as u8 + 1)).collect();
        let batch = LogBatch::of_digests(&digests).unwrap();
        let anchored = city
            .records(MINISTRY)
            .anchor("small", batch.root(), size)
            .expect_accepted();
        for index in 0..size {
            let proof = batch.proof(index).unwrap();
            for claimed in 0..size {
                let here = merkle::verify(
                    &batch.root(),
                    size,
                    claimed,
                    &digests[index as usize],
                    &proof,
                );
                let there = city
                    .records(ALICE)
                    .verify_entry(anchored, MINISTRY, digests[index as usize], claimed, &proof)
                    .value;
                assert_eq!(
                    there,
                    Ok(here),
                    "size {size}, entry {index} claimed at {claimed}"
                );
                assert_eq!(here, claimed == index);
            }
        }
    }
}

#[test]
fn a_citizen_grants_a_clinic_consent_and_revokes_it() {
    let mut city = records_city();
    const CLINIC: Actor = Actor("clinic");
    let until = city.now_ms() + 30 * 86_400_000;
    let consent = city
        .records(ALICE)
        .grant_consent(CLINIC, MINISTRY, "health-record", "treatment", until)
        .expect_accepted();
    assert!(
        city.records(CLINIC)
            .consent_in_force(consent, ALICE, CLINIC, MINISTRY, "health-record")
            .value
    );
    // It lets nobody else, from no other provider, have any other kind of data.
    for (consumer, provider, kind) in [
        (MALLORY, MINISTRY, "health-record"),
        (CLINIC, GARAGE, "health-record"),
        (CLINIC, MINISTRY, "tax-record"),
    ] {
        assert!(
            !city
                .records(CLINIC)
                .consent_in_force(consent, ALICE, consumer, provider, kind)
                .value
        );
    }
    let holders = city.records(ALICE).consents_of(ALICE, 0, 10).value;
    assert_eq!(holders.len(), 1);
    assert_eq!(holders[0].1.consumer, CLINIC.account());
    // Someone without an identity gives no consent; nobody else revokes alice's.
    assert_eq!(
        city.records(MALLORY)
            .grant_consent(CLINIC, MINISTRY, "health-record", "treatment", until)
            .expect_refused(),
        RecordsError::NotRegistered
    );
    assert_eq!(
        city.records(CLINIC)
            .revoke_consent(consent)
            .expect_refused(),
        RecordsError::NotYourConsent
    );
    assert!(
        city.records(CLINIC)
            .consent_in_force(consent, ALICE, CLINIC, MINISTRY, "health-record")
            .value
    );
    city.records(ALICE)
        .revoke_consent(consent)
        .expect_accepted();
    assert!(
        !city
            .records(CLINIC)
            .consent_in_force(consent, ALICE, CLINIC, MINISTRY, "health-record")
            .value
    );
    assert!(city
        .records(ALICE)
        .consents_of(ALICE, 0, 10)
        .value
        .is_empty());
    assert_eq!(city.records(ALICE).consents_given(ALICE).value, 1);
}

#[test]
fn after_the_handover_only_governance_registers_schemas() {
    let mut city = records_city();
    city.hand_over_to_governance().unwrap();
    let voting = contract_account(&city.voting);
    assert_eq!(city.records(ALICE).admin().value, voting);
    let refused = city
        .records(ADMIN)
        .register_schema(&schema("forged", Chain::Standalone, true, false))
        .expect_refused();
    assert_eq!(refused, RecordsError::NotAdmin);
    assert_eq!(
        city.records(ADMIN)
            .authorise_issuer(0, GARAGE, Some(Standing::Closer))
            .expect_refused(),
        RecordsError::NotAdmin
    );
    assert_eq!(city.records(ALICE).schema(0).value, None);
}
