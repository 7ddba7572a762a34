//! Off-chain unit tests, against stand-ins for the registry and the reward rules
//! (city-traits' `fakes`). The harness runs the real contracts together on the Wasm.

use crate::civic_records::*;
use city_traits::{
    fakes::world, Action, Admin as _, Chain, CivicRole, Hash32, IdentityKind, RecordStatus,
    RecordsError, RewardError, Schema, Standing, Subject, MAX_PAGE,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

fn next_block() {
    test::advance_block::<E>();
}

fn hash(n: u8) -> Hash32 {
    [n; 32]
}

fn schema(chain: Chain) -> Schema {
    Schema {
        name: "youth-allowance".into(),
        issuer: CivicRole::Issuer,
        revocable: true,
        expires: false,
        chain,
        reward: None,
    }
}

/// Civic records made by alice (admin); bob and charlie hold the issuer role.
fn records() -> CivicRecords {
    act_as(accounts().alice);
    let a = accounts();
    world(|w| {
        w.roles.push((a.bob, CivicRole::Issuer));
        w.roles.push((a.charlie, CivicRole::Issuer));
        w.roles.push((a.django, CivicRole::Issuer));
        w.kinds.insert(a.eve, IdentityKind::Citizen);
    });
    CivicRecords::new(a.frank, a.frank)
}

/// Registers `definition` as alice and authorises bob as a maker, charlie as an issuer,
/// django as a closer.
fn registered(records: &mut CivicRecords, definition: Schema) -> u32 {
    let a = accounts();
    act_as(a.alice);
    let id = records.register_schema(definition).unwrap();
    for (who, standing) in [
        (a.bob, Standing::Maker),
        (a.charlie, Standing::Issuer),
        (a.django, Standing::Closer),
    ] {
        records.authorise_issuer(id, who, Some(standing)).unwrap();
    }
    id
}

#[ink::test]
fn only_the_admin_registers_schemas_and_authorises_issuers() {
    let mut records = records();
    act_as(accounts().bob);
    assert_eq!(
        records.register_schema(schema(Chain::Standalone)),
        Err(RecordsError::NotAdmin)
    );
    act_as(accounts().alice);
    let id = records.register_schema(schema(Chain::Standalone)).unwrap();
    act_as(accounts().bob);
    assert_eq!(
        records.authorise_issuer(id, accounts().bob, Some(Standing::Issuer)),
        Err(RecordsError::NotAdmin)
    );
    act_as(accounts().alice);
    assert_eq!(
        records.authorise_issuer(9, accounts().bob, Some(Standing::Issuer)),
        Err(RecordsError::UnknownSchema)
    );
}

#[ink::test]
fn inconsistent_schemas_are_refused() {
    let mut records = records();
    let mut long = schema(Chain::Standalone);
    long.name = "x".repeat(65);
    assert_eq!(
        records.register_schema(long),
        Err(RecordsError::NameTooLong)
    );
    let mut rewarded = schema(Chain::History);
    rewarded.reward = Some(Action::BatteryReturned);
    assert_eq!(
        records.register_schema(rewarded),
        Err(RecordsError::RewardNeedsCustody)
    );
    let mut expiring = schema(Chain::Custody);
    expiring.revocable = false;
    expiring.expires = true;
    assert_eq!(
        records.register_schema(expiring),
        Err(RecordsError::AssetStepsAreFinal)
    );
    // schema() is revocable: asset steps are final.
    assert_eq!(
        records.register_schema(schema(Chain::History)),
        Err(RecordsError::AssetStepsAreFinal)
    );
    assert_eq!(records.schema(0), None);
}

#[ink::test]
fn a_certificate_is_issued_checked_and_revoked_by_its_issuer() {
    let mut records = records();
    let id = registered(&mut records, schema(Chain::Standalone));
    let eve = Subject::Person(accounts().eve);
    act_as(accounts().bob);
    let record = records.issue(id, eve, hash(1), None, None).unwrap();
    assert_eq!(records.status(record), Ok(RecordStatus::Valid));
    let issued_in = records.record(record).unwrap().issued_at;
    next_block();
    act_as(accounts().charlie);
    assert_eq!(
        records.revoke(record, hash(9)),
        Err(RecordsError::NotIssuer)
    );
    act_as(accounts().bob);
    records.revoke(record, hash(9)).unwrap();
    assert_eq!(records.status(record), Ok(RecordStatus::Revoked));
    assert_eq!(
        records.revoke(record, hash(9)),
        Err(RecordsError::AlreadyRevoked)
    );
    next_block();
    assert_eq!(records.valid_at(record, issued_in), Ok(true));
    assert_eq!(records.valid_at(record, issued_in + 1), Ok(false));
    let now = ink::env::block_number::<E>();
    assert_eq!(
        records.valid_at(record, now),
        Err(RecordsError::BlockNotYetFinished)
    );
    assert_eq!(records.status(99), Err(RecordsError::UnknownRecord));
}

#[ink::test]
fn issuing_needs_the_schemas_authorisation_and_the_registrys_role() {
    let mut records = records();
    let id = registered(&mut records, schema(Chain::Standalone));
    let eve = Subject::Person(accounts().eve);
    // eve is authorised by nobody; frank is authorised but holds no role.
    act_as(accounts().alice);
    records
        .authorise_issuer(id, accounts().frank, Some(Standing::Issuer))
        .unwrap();
    for outsider in [accounts().eve, accounts().frank] {
        act_as(outsider);
        assert_eq!(
            records.issue(id, eve, hash(1), None, None),
            Err(RecordsError::NotAuthorised)
        );
    }
    // Withdrawn: bob can no longer issue.
    act_as(accounts().alice);
    records.authorise_issuer(id, accounts().bob, None).unwrap();
    act_as(accounts().bob);
    assert_eq!(
        records.issue(id, eve, hash(1), None, None),
        Err(RecordsError::NotAuthorised)
    );
    assert!(!records.may_issue(id, accounts().bob));
    assert!(records.may_issue(id, accounts().charlie));
}

#[ink::test]
fn expiries_follow_the_schema() {
    let mut records = records();
    let plain = registered(&mut records, schema(Chain::Standalone));
    let mut expiring = schema(Chain::Standalone);
    expiring.expires = true;
    let expiring = registered(&mut records, expiring);
    let eve = Subject::Person(accounts().eve);
    act_as(accounts().bob);
    let now = ink::env::block_number::<E>();
    assert_eq!(
        records.issue(plain, eve, hash(1), Some(now + 5), None),
        Err(RecordsError::ExpiryNotAllowed)
    );
    assert_eq!(
        records.issue(expiring, eve, hash(1), None, None),
        Err(RecordsError::ExpiryRequired)
    );
    assert_eq!(
        records.issue(expiring, eve, hash(1), Some(now), None),
        Err(RecordsError::ExpiryPassed)
    );
    let record = records
        .issue(expiring, eve, hash(1), Some(now + 2), None)
        .unwrap();
    next_block();
    assert_eq!(records.status(record), Ok(RecordStatus::Valid));
    next_block();
    assert_eq!(records.status(record), Ok(RecordStatus::Expired));
    next_block();
    assert_eq!(records.valid_at(record, now + 1), Ok(true));
    assert_eq!(records.valid_at(record, now + 2), Ok(false));
}

#[ink::test]
fn a_record_that_must_extend_needs_a_valid_earlier_one() {
    let mut records = records();
    let base = registered(&mut records, schema(Chain::Standalone));
    let renewal = registered(&mut records, schema(Chain::Extends));
    let eve = Subject::Person(accounts().eve);
    act_as(accounts().bob);
    assert_eq!(
        records.issue(renewal, eve, hash(2), None, None),
        Err(RecordsError::ExtendsRequired)
    );
    assert_eq!(
        records.issue(renewal, eve, hash(2), None, Some(7)),
        Err(RecordsError::UnknownRecord)
    );
    let first = records.issue(base, eve, hash(1), None, None).unwrap();
    records.revoke(first, hash(0)).unwrap();
    assert_eq!(
        records.issue(renewal, eve, hash(2), None, Some(first)),
        Err(RecordsError::ExtendsInvalid)
    );
    let second = records.issue(base, eve, hash(1), None, None).unwrap();
    // A renewal about someone else of eve's certificate is refused.
    assert_eq!(
        records.issue(
            renewal,
            Subject::Person(accounts().bob),
            hash(2),
            None,
            Some(second)
        ),
        Err(RecordsError::ExtendsInvalid)
    );
    let renewed = records
        .issue(renewal, eve, hash(2), None, Some(second))
        .unwrap();
    assert_eq!(records.record(renewed).unwrap().extends, Some(second));
}

/// An asset schema: its steps are final.
fn asset_schema(chain: Chain) -> Schema {
    Schema {
        revocable: false,
        ..schema(chain)
    }
}

#[ink::test]
fn a_history_grows_only_from_its_latest_record() {
    let mut records = records();
    let cars = registered(&mut records, asset_schema(Chain::History));
    let vin = hash(42);
    act_as(accounts().bob);
    assert_eq!(
        records.issue(cars, Subject::Person(accounts().eve), hash(1), None, None),
        Err(RecordsError::NotAnAsset)
    );
    assert_eq!(
        records.issue(cars, Subject::Asset(vin), hash(1), None, Some(0)),
        Err(RecordsError::NotLatest)
    );
    // Only a maker opens an asset.
    act_as(accounts().charlie);
    assert_eq!(
        records.issue(cars, Subject::Asset(vin), hash(1), None, None),
        Err(RecordsError::NotMaker)
    );
    act_as(accounts().bob);
    let first = records
        .issue(cars, Subject::Asset(vin), hash(1), None, None)
        .unwrap();
    // A second "first" record would fork the history.
    assert_eq!(
        records.issue(cars, Subject::Asset(vin), hash(2), None, None),
        Err(RecordsError::NotLatest)
    );
    act_as(accounts().charlie);
    let second = records
        .issue(cars, Subject::Asset(vin), hash(2), None, Some(first))
        .unwrap();
    act_as(accounts().bob);
    assert_eq!(
        records.issue(cars, Subject::Asset(vin), hash(3), None, Some(first)),
        Err(RecordsError::NotLatest)
    );
    let third = records
        .issue(cars, Subject::Asset(vin), hash(3), None, Some(second))
        .unwrap();
    let ids: Vec<u64> = records
        .history(cars, vin, 0, 10)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids, vec![first, second, third]);
    assert_eq!(records.history(cars, vin, 1, 1).len(), 1);
    assert_eq!(records.history(cars, vin, 3, 10), vec![]);
    // Another asset schema keeps its own history under the same key.
    let other = registered(&mut records, asset_schema(Chain::History));
    act_as(accounts().bob);
    let elsewhere = records
        .issue(other, Subject::Asset(vin), hash(4), None, None)
        .unwrap();
    assert_eq!(records.history(other, vin, 0, 10).len(), 1);
    assert_eq!(records.asset(other, vin).unwrap().latest, elsewhere);
    assert_eq!(records.asset(cars, vin).unwrap().latest, third);
}

#[ink::test]
fn history_pages_are_bounded() {
    let mut records = records();
    let cars = registered(&mut records, asset_schema(Chain::History));
    let vin = hash(5);
    act_as(accounts().bob);
    let mut latest = None;
    for n in 0..(MAX_PAGE + 3) {
        latest = Some(
            records
                .issue(cars, Subject::Asset(vin), hash(n as u8), None, latest)
                .unwrap(),
        );
    }
    assert_eq!(
        records.history(cars, vin, 0, u32::MAX).len(),
        MAX_PAGE as usize
    );
    assert_eq!(records.history(cars, vin, MAX_PAGE, u32::MAX).len(), 3);
}

fn battery_schema() -> Schema {
    Schema {
        name: "traction-battery".into(),
        issuer: CivicRole::Issuer,
        revocable: false,
        expires: false,
        chain: Chain::Custody,
        reward: Some(Action::TractionBatteryReturned),
    }
}

/// A battery bob made, handed to charlie and on to django, who closed it.
fn recycled(records: &mut CivicRecords, batteries: u32, battery: Hash32) {
    let a = accounts();
    act_as(a.bob);
    records
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .unwrap();
    for (from, to) in [(a.bob, a.charlie), (a.charlie, a.django)] {
        act_as(from);
        records.hand_over(batteries, battery, to, hash(2)).unwrap();
        act_as(to);
        records.take_over(batteries, battery, hash(2)).unwrap();
    }
    records.close_asset(batteries, battery, hash(9)).unwrap();
}

#[ink::test]
fn a_battery_changes_hands_only_by_handover_and_takeover() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let a = accounts();
    let battery = hash(77);
    act_as(a.bob);
    let made = records
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .unwrap();
    // Charlie cannot write a step of a battery he does not hold, nor take it unoffered.
    act_as(a.charlie);
    assert_eq!(
        records.issue(
            batteries,
            Subject::Asset(battery),
            hash(2),
            None,
            Some(made)
        ),
        Err(RecordsError::NotCustodian)
    );
    assert_eq!(
        records.take_over(batteries, battery, hash(2)),
        Err(RecordsError::NoHandover)
    );
    assert_eq!(
        records.hand_over(batteries, battery, a.charlie, hash(2)),
        Err(RecordsError::NotCustodian)
    );
    act_as(a.bob);
    assert_eq!(
        records.hand_over(batteries, battery, a.eve, hash(2)),
        Err(RecordsError::NotAuthorised)
    );
    records
        .hand_over(batteries, battery, a.charlie, hash(2))
        .unwrap();
    // Only the receiver takes over, and only the handover it was shown.
    act_as(a.django);
    assert_eq!(
        records.take_over(batteries, battery, hash(2)),
        Err(RecordsError::NoHandover)
    );
    act_as(a.charlie);
    assert_eq!(
        records.take_over(batteries, battery, hash(3)),
        Err(RecordsError::DocumentMismatch)
    );
    let taken = records.take_over(batteries, battery, hash(2)).unwrap();
    let held = records.asset(batteries, battery).unwrap();
    assert_eq!(held.custodian, a.charlie);
    assert_eq!(held.handed_by, Some(a.bob));
    assert_eq!(held.offered, None);
    let step = records.record(taken).unwrap();
    assert_eq!(
        (step.issuer, step.data_hash, step.extends),
        (a.charlie, hash(2), Some(made))
    );
    // An offer to oneself withdraws the waiting one.
    records
        .hand_over(batteries, battery, a.bob, hash(3))
        .unwrap();
    records
        .hand_over(batteries, battery, a.charlie, hash(3))
        .unwrap();
    act_as(a.bob);
    assert_eq!(
        records.take_over(batteries, battery, hash(3)),
        Err(RecordsError::NoHandover)
    );
}

#[ink::test]
fn a_battery_is_closed_by_a_closer_holding_it_and_rewarded_once() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let a = accounts();
    let battery = hash(78);
    act_as(a.bob);
    records
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .unwrap();
    assert_eq!(
        records.reward_return(batteries, battery),
        Err(RecordsError::NotClosed)
    );
    // Bob holds it but is no closer.
    assert_eq!(
        records.close_asset(batteries, battery, hash(9)),
        Err(RecordsError::NotCloser)
    );
    records
        .hand_over(batteries, battery, a.charlie, hash(2))
        .unwrap();
    act_as(a.charlie);
    records.take_over(batteries, battery, hash(2)).unwrap();
    records
        .hand_over(batteries, battery, a.django, hash(2))
        .unwrap();
    act_as(a.django);
    records.take_over(batteries, battery, hash(2)).unwrap();
    // A closer only closes.
    assert_eq!(
        records.hand_over(batteries, battery, a.charlie, hash(2)),
        Err(RecordsError::CloserOnlyCloses)
    );
    let closed = records.close_asset(batteries, battery, hash(9)).unwrap();
    assert_eq!(records.asset(batteries, battery).unwrap().latest, closed);
    assert_eq!(
        records.close_asset(batteries, battery, hash(9)),
        Err(RecordsError::AssetClosed)
    );
    // Only charlie, who handed it in, is paid, once.
    for other in [a.eve, a.bob, a.django] {
        act_as(other);
        assert_eq!(
            records.reward_return(batteries, battery),
            Err(RecordsError::NotBeneficiary)
        );
    }
    act_as(a.charlie);
    assert_eq!(records.reward_return(batteries, battery), Ok(1));
    let paid = world(|w| w.attested.clone());
    assert_eq!(paid.len(), 1);
    let mut receipt = [0u8; 32];
    ink::env::hash_encoded::<ink::env::hash::Blake2x256, _>(
        &("ink-city/return", batteries, battery),
        &mut receipt,
    );
    assert_eq!(
        (paid[0].receipt, paid[0].beneficiary, paid[0].action),
        (receipt, a.charlie, Action::TractionBatteryReturned)
    );
    assert_eq!(
        records.reward_return(batteries, battery),
        Err(RecordsError::AlreadyRewarded)
    );
}

/// The rules' refusal comes back typed (on chain the whole call reverts with it: the
/// harness checks that the asset is then still unrewarded).
#[ink::test]
fn a_refused_reward_is_the_rules_error() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let battery = hash(81);
    recycled(&mut records, batteries, battery);
    world(|w| w.refuse_attest = Some(RewardError::NotEligible));
    act_as(accounts().charlie);
    assert_eq!(
        records.reward_return(batteries, battery),
        Err(RecordsError::RewardRefused(RewardError::NotEligible))
    );
}

#[ink::test]
fn a_withdrawn_custodian_hands_nothing_on_and_earns_nothing() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let battery = hash(82);
    recycled(&mut records, batteries, battery);
    act_as(accounts().alice);
    records
        .authorise_issuer(batteries, accounts().charlie, None)
        .unwrap();
    act_as(accounts().charlie);
    assert_eq!(
        records.reward_return(batteries, battery),
        Err(RecordsError::NotAuthorised)
    );
    act_as(accounts().bob);
    records
        .issue(batteries, Subject::Asset(hash(83)), hash(1), None, None)
        .unwrap();
    act_as(accounts().alice);
    records
        .authorise_issuer(batteries, accounts().bob, None)
        .unwrap();
    act_as(accounts().bob);
    assert_eq!(
        records.hand_over(batteries, hash(83), accounts().charlie, hash(2)),
        Err(RecordsError::NotAuthorised)
    );
}

#[ink::test]
fn an_asset_handed_in_by_its_maker_earns_no_reward() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let battery = hash(79);
    let a = accounts();
    act_as(a.bob);
    records
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .unwrap();
    records
        .hand_over(batteries, battery, a.django, hash(2))
        .unwrap();
    act_as(a.django);
    records.take_over(batteries, battery, hash(2)).unwrap();
    records.close_asset(batteries, battery, hash(3)).unwrap();
    act_as(a.bob);
    assert_eq!(
        records.reward_return(batteries, battery),
        Err(RecordsError::NoReward)
    );
    assert_eq!(
        records.reward_return(batteries, hash(80)),
        Err(RecordsError::UnknownAsset)
    );
}

#[ink::test]
fn records_of_unrevocable_schemas_stay() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    act_as(accounts().bob);
    let made = records
        .issue(batteries, Subject::Asset(hash(3)), hash(1), None, None)
        .unwrap();
    assert_eq!(
        records.revoke(made, hash(0)),
        Err(RecordsError::NotRevocable)
    );
}

#[ink::test]
fn only_issuers_anchor_logs_and_batches_hold_entries() {
    let mut records = records();
    act_as(accounts().eve);
    assert_eq!(
        records.anchor("ministry".into(), hash(1), 4),
        Err(RecordsError::NotAuthorised)
    );
    act_as(accounts().bob);
    assert_eq!(
        records.anchor("ministry".into(), hash(1), 0),
        Err(RecordsError::EmptyBatch)
    );
    assert_eq!(
        records.anchor("m".repeat(65), hash(1), 4),
        Err(RecordsError::NameTooLong)
    );
    let batch = records.anchor("ministry".into(), hash(1), 4).unwrap();
    let anchored = records.batch(batch).unwrap();
    assert_eq!(
        (anchored.anchorer, anchored.root, anchored.size),
        (accounts().bob, hash(1), 4)
    );
    let bob = accounts().bob;
    assert_eq!(
        records.verify_entry(batch, bob, hash(2), 0, vec![hash(0); 33]),
        Err(RecordsError::ProofTooLong)
    );
    assert_eq!(
        records.verify_entry(batch + 1, bob, hash(2), 0, vec![]),
        Err(RecordsError::UnknownBatch)
    );
    assert_eq!(
        records.verify_entry(batch, bob, hash(2), 0, vec![hash(3), hash(4)]),
        Ok(false)
    );
    // One entry's batch: its root is the entry's leaf; only its anchorer's batch proves it.
    let digest = hash(5);
    let mut leaf = [0u8; 33];
    leaf[1..].copy_from_slice(&digest);
    let mut root = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(&leaf, &mut root);
    let single = records.anchor("one".into(), root, 1).unwrap();
    assert_eq!(
        records.verify_entry(single, bob, digest, 0, vec![]),
        Ok(true)
    );
    assert_eq!(
        records.verify_entry(single, accounts().charlie, digest, 0, vec![]),
        Ok(false)
    );
}

#[ink::test]
fn a_citizen_grants_and_revokes_consent_and_sees_who_holds_it() {
    let mut records = records();
    let a = accounts();
    test::set_block_timestamp::<E>(1_000);
    act_as(a.bob);
    assert_eq!(
        records.grant_consent(a.charlie, a.django, hash(0x11), hash(0x21), 2_000),
        Err(RecordsError::NotRegistered)
    );
    act_as(a.eve);
    assert_eq!(
        records.grant_consent(a.charlie, a.django, hash(0x11), hash(0x21), 1_000),
        Err(RecordsError::ExpiryPassed)
    );
    let clinic = records
        .grant_consent(a.charlie, a.django, hash(0x11), hash(0x21), 5_000)
        .unwrap();
    let insurer = records
        .grant_consent(a.bob, a.django, hash(0x11), hash(0x22), 5_000)
        .unwrap();
    assert!(records.consent_in_force(clinic, a.eve, a.charlie, a.django, hash(0x11)));
    // It opens nobody else's data, to nobody else, from no other provider, of no other
    // kind.
    for (citizen, consumer, provider, kind) in [
        (a.frank, a.charlie, a.django, hash(0x11)),
        (a.eve, a.bob, a.django, hash(0x11)),
        (a.eve, a.charlie, a.bob, hash(0x11)),
        (a.eve, a.charlie, a.django, hash(0x12)),
    ] {
        assert!(!records.consent_in_force(clinic, citizen, consumer, provider, kind));
    }
    assert_eq!(records.consents_given(a.eve), 2);
    act_as(a.charlie);
    assert_eq!(
        records.revoke_consent(clinic),
        Err(RecordsError::NotYourConsent)
    );
    act_as(a.eve);
    records.revoke_consent(clinic).unwrap();
    assert_eq!(
        records.revoke_consent(clinic),
        Err(RecordsError::AlreadyRevoked)
    );
    assert!(!records.consent_in_force(clinic, a.eve, a.charlie, a.django, hash(0x11)));
    let holders: Vec<u64> = records
        .consents_of(a.eve, 0, 10)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(holders, vec![insurer]);
    test::set_block_timestamp::<E>(5_000);
    assert!(!records.consent_in_force(insurer, a.eve, a.bob, a.django, hash(0x11)));
    assert_eq!(records.consents_of(a.eve, 0, 10), vec![]);
    assert_eq!(
        records.revoke_consent(42),
        Err(RecordsError::UnknownConsent)
    );
}

#[ink::test]
fn the_admin_seat_moves_in_two_steps() {
    let mut records = records();
    let a = accounts();
    records.offer_admin(a.bob).unwrap();
    assert_eq!(records.admin(), a.alice);
    act_as(a.bob);
    records.accept_admin().unwrap();
    assert_eq!(records.admin(), a.bob);
    act_as(a.alice);
    assert_eq!(
        records.register_schema(schema(Chain::Standalone)),
        Err(RecordsError::NotAdmin)
    );
}

#[ink::test]
fn the_declared_storage_version_is_the_codes() {
    assert_eq!(
        city_traits::upgrade::declared(include_str!("Cargo.toml")),
        Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
    );
}

#[ink::test]
fn a_consent_lapses_with_its_citizens_identity() {
    let mut records = records();
    let a = accounts();
    test::set_block_timestamp::<E>(1_000);
    act_as(a.eve);
    let clinic = records
        .grant_consent(a.charlie, a.django, hash(0x11), hash(0x21), 5_000)
        .unwrap();
    world(|w| w.kinds.remove(&a.eve));
    assert!(!records.consent_in_force(clinic, a.eve, a.charlie, a.django, hash(0x11)));
    assert_eq!(records.consents_of(a.eve, 0, 10), vec![]);
}

#[ink::test]
fn a_withdrawn_issuer_revokes_nothing() {
    let mut records = records();
    let id = registered(&mut records, schema(Chain::Standalone));
    act_as(accounts().charlie);
    let record = records
        .issue(id, Subject::Person(accounts().eve), hash(1), None, None)
        .unwrap();
    act_as(accounts().alice);
    records
        .authorise_issuer(id, accounts().charlie, None)
        .unwrap();
    act_as(accounts().charlie);
    assert_eq!(
        records.revoke(record, hash(9)),
        Err(RecordsError::NotAuthorised)
    );
}

#[ink::test]
fn a_step_written_after_an_offer_voids_it() {
    let mut records = records();
    let batteries = registered(&mut records, battery_schema());
    let a = accounts();
    let battery = hash(84);
    act_as(a.bob);
    let made = records
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .unwrap();
    records
        .hand_over(batteries, battery, a.charlie, hash(2))
        .unwrap();
    records
        .issue(
            batteries,
            Subject::Asset(battery),
            hash(3),
            None,
            Some(made),
        )
        .unwrap();
    act_as(a.charlie);
    assert_eq!(
        records.take_over(batteries, battery, hash(2)),
        Err(RecordsError::NoHandover)
    );
}
