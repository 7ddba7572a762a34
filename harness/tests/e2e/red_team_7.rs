//! The seventh attacker's review: civic records. Each test asserts the safe behaviour.
//! The review's findings were holes in the first civic records; the contract was changed
//! to close them, and each finding's test now runs the same attack and shows it refused:
//!
//! - F1, an asset's key squatted: from another schema,
//!   `a_battery_key_cannot_be_squatted_from_another_schema` (asset keys are per schema);
//!   front-running the maker, `only_the_maker_opens_a_batterys_custody_chain` (`NotMaker`).
//! - F2, a closer bounces the battery off an accomplice to redirect the reward:
//!   `a_recycler_cannot_redirect_the_storage_operators_reward` (`CloserOnlyCloses`).
//! - F3, a stranger burns a reward at the beneficiary's cap:
//!   `a_stranger_cannot_burn_a_return_reward_at_the_cap` (`NotBeneficiary`).
//! - F4, an issuer and a closer mint rewards for fabricated keys:
//!   `a_battery_nobody_made_earns_no_return_reward` (`NotMaker`; a maker's own asset pays
//!   no reward, `NoReward`).
//! - F5, a device pays the same battery again:
//!   `a_battery_is_paid_once_whichever_attester_reports_it` (civic records alone attests
//!   `TractionBatteryReturned`; a kiosk authorised for `BatteryReturned` is refused).
//! - F6, the custodian replaces the handover's document before the receiver takes it:
//!   `the_receivers_record_carries_the_document_it_was_offered` (`DocumentMismatch`).
//! - F7, a consent answers for anyone: `a_consent_answers_only_for_its_consumer_provider_and_kind`.
//! - F8, a withdrawn custodian hands assets on and earns their rewards:
//!   `a_withdrawn_custodian_earns_no_return_reward` (`NotAuthorised`).
//! - F9, `extends` accepts a record about another subject: a junk "renewal" for bob of
//!   alice's certificate, `a_record_extends_only_a_record_about_its_own_subject`
//!   (`ExtendsInvalid`).
//! - F10: closed by the types (a consent's kind and purpose are `Hash32`); no test.
//! - F11, a batch anchored by someone else passes for the real one:
//!   `a_forged_batch_proves_nothing_for_the_real_anchorer`.
//! - F12, revocable or expiring asset chains: `asset_schemas_neither_expire_nor_revoke`
//!   (`AssetStepsAreFinal`).
//!
//! The tests after them confirm attacks the review found refused from the start.

use city_traits::{
    Action, Chain, CivicRole, IdentityKind, RecordStatus, RecordsError, RewardError, Standing,
    Subject, UpgradeError, MAX_PROOF_LEVELS,
};
use harness::{
    city::{Actor, ADMIN, ALICE, BOB, COIN, MALLORY, REWARD_BUDGET_PER_EPOCH, REWARD_EPOCH_MS},
    merkle::{self, LogBatch},
    records::schema,
    City, UpgradeCalls,
};

use super::records::{
    battery_schema, hash, keepers_city, pass, CARMAKER, GARAGE, MINISTRY, RECYCLER, STATION,
    STORAGE, WELFARE,
};

/// The keepers of this review's attacks.
fn records_city() -> City {
    keepers_city(
        &[
            WELFARE, GARAGE, CARMAKER, STATION, STORAGE, RECYCLER, RECYCLER_2, MINISTRY, JUNK,
        ],
        &[STORAGE],
    )
}

fn battery_city() -> (City, u32) {
    let mut city = records_city();
    let batteries = battery_schema(&mut city);
    (city, batteries)
}

const RECYCLER_2: Actor = Actor("second-recycler");
const JUNK: Actor = Actor("junk-issuer");
const KIOSK: Actor = Actor("battery-kiosk");

/// A battery made by the carmaker and brought by the station and the storage operator to
/// the recycler, who holds it (not yet closed).
fn at_the_recycler(city: &mut City, batteries: u32, serial: &[u8]) -> [u8; 32] {
    let battery = merkle::entry_digest(serial);
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    pass(city, batteries, battery, CARMAKER, STATION);
    pass(city, batteries, battery, STATION, STORAGE);
    pass(city, batteries, battery, STORAGE, RECYCLER);
    battery
}

fn make_resident(city: &mut City, who: Actor, document: u8) {
    city.registry(ADMIN)
        .register(who, IdentityKind::Resident, hash(document), u64::MAX)
        .expect_accepted();
}

// ---- Findings (fixed: the same attacks, now refused) ----

/// F1: one schema's asset key never blocks another's.
#[test]
fn a_battery_key_cannot_be_squatted_from_another_schema() {
    let (mut city, batteries) = battery_city();
    // The garage is as strong as it gets in the car histories: their maker.
    let cars = city
        .register_schema(
            schema("vehicle-history", Chain::History, false, false),
            &[(GARAGE.account(), Standing::Maker)],
        )
        .unwrap();
    let battery = merkle::entry_digest(b"CATL-LFP-0100");
    // The garage (authorised only for car histories) opens the battery's key first.
    city.records(GARAGE)
        .issue(cars, Subject::Asset(battery), hash(0xee), None, None)
        .expect_accepted();
    let opened = city
        .records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .value;
    assert!(
        opened.is_ok(),
        "the carmaker cannot open its own battery: {opened:?}"
    );
    // Two histories under the same key, each its schema's own.
    let car = city.records(ALICE).asset(cars, battery).value.unwrap();
    let held = city.records(ALICE).asset(batteries, battery).value.unwrap();
    assert_eq!(car.maker, GARAGE.account());
    assert_eq!(held.maker, CARMAKER.account());
    assert_eq!(held.custodian, CARMAKER.account());
    assert_eq!((car.steps, held.steps), (1, 1));
    // And the garage writes nothing into the battery's chain.
    assert_eq!(
        city.records(GARAGE)
            .issue(
                batteries,
                Subject::Asset(battery),
                hash(0xee),
                None,
                Some(held.latest)
            )
            .expect_refused(),
        RecordsError::NotAuthorised
    );
}

/// F1, same schema: only a maker opens an asset.
#[test]
fn only_the_maker_opens_a_batterys_custody_chain() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0101");
    // The station sees the carmaker's transaction and opens the key first.
    let squatted = city
        .records(STATION)
        .issue(batteries, Subject::Asset(battery), hash(0xee), None, None)
        .value;
    assert_eq!(
        squatted,
        Err(RecordsError::NotMaker),
        "a station opened a battery it did not make"
    );
    for intruder in [STORAGE, RECYCLER] {
        assert_eq!(
            city.records(intruder)
                .issue(batteries, Subject::Asset(battery), hash(0xee), None, None)
                .expect_refused(),
            RecordsError::NotMaker
        );
    }
    assert_eq!(city.records(ALICE).asset(batteries, battery).value, None);
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
}

/// F2: a closer holding a battery only closes it, so the reward stays with whoever
/// handed it in.
#[test]
fn a_recycler_cannot_redirect_the_storage_operators_reward() {
    let (mut city, batteries) = battery_city();
    make_resident(&mut city, STATION, 0x51);
    let battery = at_the_recycler(&mut city, batteries, b"CATL-LFP-0200");
    // The recycler got it from storage; it tries to bounce it off the station first.
    assert_eq!(
        city.records(RECYCLER)
            .hand_over(batteries, battery, STATION, hash(2))
            .expect_refused(),
        RecordsError::CloserOnlyCloses
    );
    assert_eq!(
        city.records(STATION)
            .take_over(batteries, battery, hash(2))
            .expect_refused(),
        RecordsError::NoHandover
    );
    assert_eq!(
        city.records(STATION)
            .hand_over(batteries, battery, RECYCLER, hash(3))
            .expect_refused(),
        RecordsError::NotCustodian
    );
    assert_eq!(
        city.records(RECYCLER)
            .take_over(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NoHandover
    );
    city.records(RECYCLER)
        .close_asset(batteries, battery, hash(4))
        .expect_accepted();
    let storage = city.balance(STORAGE.account());
    let station = city.balance(STATION.account());
    for accomplice in [STATION, MALLORY] {
        assert_eq!(
            city.records(accomplice)
                .reward_return(batteries, battery)
                .expect_refused(),
            RecordsError::NotBeneficiary
        );
    }
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .expect_accepted(),
        5 * COIN
    );
    assert_eq!(
        city.balance(STATION.account()),
        station,
        "the accomplice was paid"
    );
    assert_eq!(
        city.balance(STORAGE.account()),
        storage + 5 * COIN,
        "the storage operator, who handed it in, was not paid"
    );
}

/// F3: only the beneficiary asks for its reward, so nobody else spends it at its cap.
#[test]
fn a_stranger_cannot_burn_a_return_reward_at_the_cap() {
    let (mut city, batteries) = battery_city();
    // The storage operator may earn one battery's reward per epoch.
    city.rewards(ADMIN)
        .set_limits(5 * COIN, REWARD_BUDGET_PER_EPOCH)
        .expect_accepted();
    let first = at_the_recycler(&mut city, batteries, b"CATL-LFP-0300");
    let second = at_the_recycler(&mut city, batteries, b"CATL-LFP-0301");
    for battery in [first, second] {
        city.records(RECYCLER)
            .close_asset(batteries, battery, hash(4))
            .expect_accepted();
    }
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, first)
            .expect_accepted(),
        5 * COIN
    );
    // A competitor asks for the second at once, while the cap is spent: it is refused,
    // as is everyone in the chain but the storage operator.
    let burnt = city.records(MALLORY).reward_return(batteries, second).value;
    assert_eq!(burnt, Err(RecordsError::NotBeneficiary));
    for other in [CARMAKER, STATION, RECYCLER] {
        assert_eq!(
            city.records(other)
                .reward_return(batteries, second)
                .expect_refused(),
            RecordsError::NotBeneficiary
        );
    }
    city.advance_time(REWARD_EPOCH_MS);
    let later = city.records(STORAGE).reward_return(batteries, second).value;
    assert_eq!(
        later,
        Ok(5 * COIN),
        "the reward was burnt by a stranger's call ({burnt:?})"
    );
}

/// F4: an issuer and a closer open no battery (only a maker does), and a battery its maker
/// hands in pays nothing.
#[test]
fn a_battery_nobody_made_earns_no_return_reward() {
    let (mut city, batteries) = battery_city();
    city.records(ADMIN)
        .authorise_issuer(batteries, RECYCLER_2, Some(Standing::Closer))
        .expect_accepted();
    make_resident(&mut city, RECYCLER, 0x52);
    let before = city.balance(RECYCLER.account());
    for n in 0..3u8 {
        let fake = hash(0xf0 + n);
        assert_eq!(
            city.records(RECYCLER)
                .issue(batteries, Subject::Asset(fake), hash(1), None, None)
                .expect_refused(),
            RecordsError::NotMaker
        );
        assert_eq!(
            city.records(RECYCLER)
                .hand_over(batteries, fake, RECYCLER_2, hash(2))
                .expect_refused(),
            RecordsError::UnknownAsset
        );
        assert_eq!(
            city.records(RECYCLER_2)
                .take_over(batteries, fake, hash(2))
                .expect_refused(),
            RecordsError::UnknownAsset
        );
        assert_eq!(
            city.records(RECYCLER_2)
                .close_asset(batteries, fake, hash(3))
                .expect_refused(),
            RecordsError::UnknownAsset
        );
        for asker in [MALLORY, RECYCLER] {
            assert_eq!(
                city.records(asker)
                    .reward_return(batteries, fake)
                    .expect_refused(),
                RecordsError::UnknownAsset
            );
        }
    }
    assert_eq!(
        city.balance(RECYCLER.account()),
        before,
        "two recyclers minted rewards for batteries that never existed"
    );
    // A maker that fabricates keys and hands them straight to a closer earns nothing.
    make_resident(&mut city, CARMAKER, 0x53);
    let maker = city.balance(CARMAKER.account());
    let fake = hash(0xf8);
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(fake), hash(1), None, None)
        .expect_accepted();
    pass(&mut city, batteries, fake, CARMAKER, RECYCLER_2);
    city.records(RECYCLER_2)
        .close_asset(batteries, fake, hash(3))
        .expect_accepted();
    for asker in [CARMAKER, RECYCLER_2, MALLORY] {
        assert_eq!(
            city.records(asker)
                .reward_return(batteries, fake)
                .expect_refused(),
            RecordsError::NoReward
        );
    }
    assert_eq!(city.balance(CARMAKER.account()), maker);
}

/// F5: civic records alone attests `TractionBatteryReturned`, once per battery; a kiosk
/// authorised for household `BatteryReturned` cannot attest it.
#[test]
fn a_battery_is_paid_once_whichever_attester_reports_it() {
    let (mut city, batteries) = battery_city();
    city.install_device(KIOSK, &[Action::BatteryReturned])
        .unwrap();
    let battery = at_the_recycler(&mut city, batteries, b"CATL-LFP-0500");
    city.records(RECYCLER)
        .close_asset(batteries, battery, hash(4))
        .expect_accepted();
    let before = city.balance(STORAGE.account());
    // The kiosk reports the traction battery before civic records and after: refused.
    assert_eq!(
        city.rewards(KIOSK)
            .attest(battery, STORAGE, Action::TractionBatteryReturned, 1)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .expect_accepted(),
        5 * COIN
    );
    let again = city
        .rewards(KIOSK)
        .attest(battery, STORAGE, Action::TractionBatteryReturned, 1)
        .value;
    assert_eq!(
        again,
        Err(RewardError::NotAuthorised),
        "the battery was paid twice: {again:?}"
    );
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .expect_refused(),
        RecordsError::AlreadyRewarded
    );
    assert_eq!(city.balance(STORAGE.account()), before + 5 * COIN);
}

/// F6: the receiver names the document it was shown; a replaced offer is refused.
#[test]
fn the_receivers_record_carries_the_document_it_was_offered() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0800");
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    city.records(CARMAKER)
        .hand_over(batteries, battery, STATION, hash(0x95))
        .expect_accepted();
    // The station checks document 0x95 ("state of health 95 %") and sends take_over; the
    // carmaker's replacement lands first.
    city.records(CARMAKER)
        .hand_over(batteries, battery, STATION, hash(0x40))
        .expect_accepted();
    let record = city
        .records(STATION)
        .take_over(batteries, battery, hash(0x95))
        .value;
    assert_eq!(
        record,
        Err(RecordsError::DocumentMismatch),
        "the station took over a battery under a document it never saw"
    );
    let held = city.records(ALICE).asset(batteries, battery).value.unwrap();
    assert_eq!(held.custodian, CARMAKER.account());
    assert_eq!(held.steps, 1);
    assert_eq!(held.offered, Some((STATION.account(), hash(0x40))));
    // Shown the new document, the station takes it over, and its record carries it.
    let record = city
        .records(STATION)
        .take_over(batteries, battery, hash(0x40))
        .expect_accepted();
    let written = city.records(ALICE).record(record).value.unwrap();
    assert_eq!(written.data_hash, hash(0x40));
}

/// F7: a consent answers only for the consumer, provider and kind it names.
#[test]
fn a_consent_answers_only_for_its_consumer_provider_and_kind() {
    let mut city = records_city();
    const CLINIC: Actor = Actor("clinic");
    let until = city.now_ms() + 86_400_000;
    let consent = city
        .records(ALICE)
        .grant_consent(CLINIC, MINISTRY, "health-record", "treatment", until)
        .expect_accepted();
    assert!(
        city.records(MALLORY)
            .consent_in_force(consent, ALICE, CLINIC, MINISTRY, "health-record")
            .value
    );
    for (consumer, provider, kind) in [
        (MALLORY, MINISTRY, "health-record"),
        (CLINIC, MALLORY, "health-record"),
        (CLINIC, MINISTRY, "tax-record"),
        (MINISTRY, CLINIC, "health-record"),
        (CLINIC, MINISTRY, "treatment"),
    ] {
        assert!(
            !city
                .records(MALLORY)
                .consent_in_force(consent, ALICE, consumer, provider, kind)
                .value,
            "{consumer:?} from {provider:?} for {kind}"
        );
    }
    // A consent nobody gave answers false for anyone.
    assert!(
        !city
            .records(MALLORY)
            .consent_in_force(consent + 1, ALICE, CLINIC, MINISTRY, "health-record")
            .value
    );
}

/// F8: a withdrawn custodian hands nothing on and asks for no reward.
#[test]
fn a_withdrawn_custodian_earns_no_return_reward() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0600");
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    pass(&mut city, batteries, battery, CARMAKER, STATION);
    pass(&mut city, batteries, battery, STATION, STORAGE);
    // Governance withdraws the storage operator (fraud found).
    city.records(ADMIN)
        .authorise_issuer(batteries, STORAGE, None)
        .expect_accepted();
    let before = city.balance(STORAGE.account());
    assert_eq!(
        city.records(STORAGE)
            .hand_over(batteries, battery, RECYCLER, hash(2))
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    assert_eq!(
        city.records(RECYCLER)
            .take_over(batteries, battery, hash(2))
            .expect_refused(),
        RecordsError::NoHandover
    );
    assert_eq!(
        city.records(RECYCLER)
            .close_asset(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NotCustodian
    );
    for asker in [MALLORY, STORAGE] {
        assert_eq!(
            city.records(asker)
                .reward_return(batteries, battery)
                .expect_refused(),
            RecordsError::NotClosed
        );
    }
    // Withdrawn after handing a battery in, it asks for that battery's reward: refused.
    city.records(ADMIN)
        .authorise_issuer(batteries, STORAGE, Some(Standing::Issuer))
        .expect_accepted();
    let handed = at_the_recycler(&mut city, batteries, b"CATL-LFP-0601");
    city.records(RECYCLER)
        .close_asset(batteries, handed, hash(3))
        .expect_accepted();
    city.records(ADMIN)
        .authorise_issuer(batteries, STORAGE, None)
        .expect_accepted();
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, handed)
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    assert_eq!(
        city.balance(STORAGE.account()),
        before,
        "the withdrawn operator was paid"
    );
}

/// F9: an `Extends` record extends a valid record about its own subject.
#[test]
fn a_record_extends_only_a_record_about_its_own_subject() {
    let mut city = records_city();
    let allowance = city
        .register_schema(
            schema("youth-allowance", Chain::Standalone, true, false),
            &[(WELFARE.account(), Standing::Issuer)],
        )
        .unwrap();
    let junk = city
        .register_schema(
            schema("junk-renewals", Chain::Extends, true, false),
            &[(JUNK.account(), Standing::Issuer)],
        )
        .unwrap();
    let certificate = city
        .records(WELFARE)
        .issue(
            allowance,
            Subject::Person(ALICE.account()),
            hash(1),
            None,
            None,
        )
        .expect_accepted();
    // A junk issuer writes a "renewal" of the welfare office's certificate, for bob.
    let renewal = city
        .records(JUNK)
        .issue(
            junk,
            Subject::Person(BOB.account()),
            hash(2),
            None,
            Some(certificate),
        )
        .value;
    assert_eq!(
        renewal,
        Err(RecordsError::ExtendsInvalid),
        "a foreign record extended the certificate"
    );
    // Alice's certificate is renewed for alice only.
    city.records(JUNK)
        .issue(
            junk,
            Subject::Person(ALICE.account()),
            hash(3),
            None,
            Some(certificate),
        )
        .expect_accepted();
}

/// F11: a batch proves entries only for the account that anchored it.
#[test]
fn a_forged_batch_proves_nothing_for_the_real_anchorer() {
    let mut city = records_city();
    let label = "ministry-of-health/2026-12-06";
    let digests: Vec<[u8; 32]> = (0..4u8).map(|n| hash(n + 1)).collect();
    let real = LogBatch::of_digests(&digests).unwrap();
    let anchored = city
        .records(MINISTRY)
        .anchor(label, real.root(), 4)
        .expect_accepted();
    // A junk issuer anchors the same root under the same label, and a root of entries
    // it made up, under the same label too.
    let copy = city
        .records(JUNK)
        .anchor(label, real.root(), 4)
        .expect_accepted();
    let forged_digests: Vec<[u8; 32]> = (0..4u8).map(|n| hash(0xa0 + n)).collect();
    let forged = LogBatch::of_digests(&forged_digests).unwrap();
    let fake = city
        .records(JUNK)
        .anchor(label, forged.root(), 4)
        .expect_accepted();
    for index in 0..4u32 {
        let i = index as usize;
        let proof = real.proof(index).unwrap();
        let forged_proof = forged.proof(index).unwrap();
        assert_eq!(
            city.records(MALLORY)
                .verify_entry(anchored, MINISTRY, digests[i], index, &proof)
                .value,
            Ok(true)
        );
        assert_eq!(
            city.records(MALLORY)
                .verify_entry(copy, MINISTRY, digests[i], index, &proof)
                .value,
            Ok(false)
        );
        assert_eq!(
            city.records(MALLORY)
                .verify_entry(fake, MINISTRY, forged_digests[i], index, &forged_proof)
                .value,
            Ok(false)
        );
        // They prove something only as the junk issuer's own.
        assert_eq!(
            city.records(MALLORY)
                .verify_entry(fake, JUNK, forged_digests[i], index, &forged_proof)
                .value,
            Ok(true)
        );
        // And the real batch proves nothing as the junk issuer's.
        assert_eq!(
            city.records(MALLORY)
                .verify_entry(anchored, JUNK, digests[i], index, &proof)
                .value,
            Ok(false)
        );
    }
}

/// F12: an asset chain's steps are final: its schema neither expires nor revokes.
#[test]
fn asset_schemas_neither_expire_nor_revoke() {
    let mut city = records_city();
    for chain in [Chain::History, Chain::Custody] {
        for (revocable, expires) in [(true, false), (false, true), (true, true)] {
            assert_eq!(
                city.records(ADMIN)
                    .register_schema(&schema("assets", chain, revocable, expires))
                    .expect_refused(),
                RecordsError::AssetStepsAreFinal,
                "{chain:?} revocable {revocable} expires {expires}"
            );
        }
        city.records(ADMIN)
            .register_schema(&schema("assets", chain, false, false))
            .expect_accepted();
    }
}

// ---- Attacks refused (these pass) ----

fn verify(
    city: &mut City,
    batch: u64,
    digest: [u8; 32],
    index: u32,
    proof: &[[u8; 32]],
) -> Result<bool, RecordsError> {
    city.records(MALLORY)
        .verify_entry(batch, MINISTRY, digest, index, proof)
        .value
}

#[test]
fn proof_games_on_anchored_logs_are_refused() {
    let mut city = records_city();
    assert_eq!(
        city.records(MINISTRY)
            .anchor("empty", hash(1), 0)
            .expect_refused(),
        RecordsError::EmptyBatch
    );
    let digests: Vec<[u8; 32]> = (0..4u8).map(|n| hash(n + 1)).collect();
    let batch = LogBatch::of_digests(&digests).unwrap();
    let four = city
        .records(MINISTRY)
        .anchor("four", batch.root(), 4)
        .expect_accepted();
    // The last entry's proof at index = size, and far beyond.
    let last = batch.proof(3).unwrap();
    assert_eq!(verify(&mut city, four, digests[3], 3, &last), Ok(true));
    for index in [4, 7, u32::MAX] {
        assert_eq!(verify(&mut city, four, digests[3], index, &last), Ok(false));
    }
    // An inner node passed off as an entry, at every index, with the sibling node.
    let leaves: Vec<[u8; 32]> = digests.iter().map(merkle::leaf_hash).collect();
    let left = merkle::node_hash(&leaves[0], &leaves[1]);
    let right = merkle::node_hash(&leaves[2], &leaves[3]);
    for index in 0..4 {
        assert_eq!(verify(&mut city, four, left, index, &[right]), Ok(false));
        assert_eq!(verify(&mut city, four, right, index, &[left]), Ok(false));
    }
    // A proof with the root appended, and one of 33 hashes.
    let mut longer = batch.proof(1).unwrap();
    longer.push(batch.root());
    assert_eq!(verify(&mut city, four, digests[1], 1, &longer), Ok(false));
    assert_eq!(
        verify(
            &mut city,
            four,
            digests[1],
            1,
            &vec![hash(0); MAX_PROOF_LEVELS + 1]
        ),
        Err(RecordsError::ProofTooLong)
    );
    // A batch of one: the empty proof only.
    let one = LogBatch::of_digests(&[hash(9)]).unwrap();
    let single = city
        .records(MINISTRY)
        .anchor("one", one.root(), 1)
        .expect_accepted();
    assert_eq!(verify(&mut city, single, hash(9), 0, &[]), Ok(true));
    assert_eq!(verify(&mut city, single, hash(9), 0, &[hash(9)]), Ok(false));
    assert_eq!(verify(&mut city, single, hash(9), 1, &[]), Ok(false));
    assert_eq!(
        verify(&mut city, single + 1, hash(9), 0, &[]),
        Err(RecordsError::UnknownBatch)
    );
}

#[test]
fn stale_offers_and_receivers_that_lost_their_standing_take_nothing() {
    let (mut city, batteries) = battery_city();
    let battery = merkle::entry_digest(b"CATL-LFP-0900");
    city.records(CARMAKER)
        .issue(batteries, Subject::Asset(battery), hash(1), None, None)
        .expect_accepted();
    // An offer replaced by another: the first receiver takes nothing.
    city.records(CARMAKER)
        .hand_over(batteries, battery, STATION, hash(2))
        .expect_accepted();
    city.records(CARMAKER)
        .hand_over(batteries, battery, STORAGE, hash(3))
        .expect_accepted();
    assert_eq!(
        city.records(STATION)
            .take_over(batteries, battery, hash(2))
            .expect_refused(),
        RecordsError::NoHandover
    );
    // The receiver loses its registry role, then its schema standing: it takes nothing.
    city.registry(ADMIN)
        .revoke_role(CivicRole::Issuer, STORAGE)
        .expect_accepted();
    assert_eq!(
        city.records(STORAGE)
            .take_over(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    city.registry(ADMIN)
        .grant_role(CivicRole::Issuer, STORAGE)
        .expect_accepted();
    city.records(ADMIN)
        .authorise_issuer(batteries, STORAGE, None)
        .expect_accepted();
    assert_eq!(
        city.records(STORAGE)
            .take_over(batteries, battery, hash(3))
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    let held = city.records(ALICE).asset(batteries, battery).value.unwrap();
    assert_eq!(held.custodian, CARMAKER.account());
    assert_eq!(held.steps, 1);
    // Once custody moved, the old custodian's offer is gone and it takes nothing back.
    city.records(CARMAKER)
        .hand_over(batteries, battery, STATION, hash(4))
        .expect_accepted();
    city.records(STATION)
        .take_over(batteries, battery, hash(4))
        .expect_accepted();
    assert_eq!(
        city.records(ALICE)
            .asset(batteries, battery)
            .value
            .unwrap()
            .offered,
        None
    );
    for intruder in [CARMAKER, STORAGE, RECYCLER] {
        assert_eq!(
            city.records(intruder)
                .take_over(batteries, battery, hash(4))
                .expect_refused(),
            RecordsError::NoHandover
        );
    }
    // A closer does not close a battery it does not hold.
    assert_eq!(
        city.records(RECYCLER)
            .close_asset(batteries, battery, hash(5))
            .expect_refused(),
        RecordsError::NotCustodian
    );
    assert_eq!(
        city.records(MALLORY)
            .reward_return(batteries, battery)
            .expect_refused(),
        RecordsError::NotClosed
    );
}

#[test]
fn a_devices_receipt_does_not_void_the_return_reward() {
    let (mut city, batteries) = battery_city();
    city.install_device(KIOSK, &[Action::Recyclables]).unwrap();
    let battery = at_the_recycler(&mut city, batteries, b"CATL-LFP-1000");
    city.records(RECYCLER)
        .close_asset(batteries, battery, hash(4))
        .expect_accepted();
    // A device squats the battery key as its own receipt: receipts are scoped by attester.
    city.set_reward(Action::Recyclables, (COIN, 1_000), &[IdentityKind::Citizen])
        .unwrap();
    city.rewards(KIOSK)
        .attest(battery, ALICE, Action::Recyclables, 1_000)
        .expect_accepted();
    assert_eq!(
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .expect_accepted(),
        5 * COIN
    );
    // And the closed key is never opened again.
    assert_eq!(
        city.records(CARMAKER)
            .issue(batteries, Subject::Asset(battery), hash(6), None, None)
            .expect_refused(),
        RecordsError::AssetClosed
    );
}

#[test]
fn expiries_are_exact_at_their_block() {
    let mut city = records_city();
    let allowance = city
        .register_schema(
            schema("youth-allowance", Chain::Standalone, true, true),
            &[(WELFARE.account(), Standing::Issuer)],
        )
        .unwrap();
    let now = city.block();
    assert_eq!(
        city.records(WELFARE)
            .issue(
                allowance,
                Subject::Person(ALICE.account()),
                hash(1),
                Some(now),
                None
            )
            .expect_refused(),
        RecordsError::ExpiryPassed
    );
    let record = city
        .records(WELFARE)
        .issue(
            allowance,
            Subject::Person(ALICE.account()),
            hash(1),
            Some(now + 1),
            None,
        )
        .expect_accepted();
    assert_eq!(
        city.records(BOB).valid_at(record, now).value,
        Err(RecordsError::BlockNotYetFinished)
    );
    city.advance_blocks(1);
    assert_eq!(
        city.records(BOB).status(record).value,
        Ok(RecordStatus::Expired)
    );
    assert_eq!(city.records(BOB).valid_at(record, now).value, Ok(true));
    assert_eq!(city.records(BOB).valid_at(record, now - 1).value, Ok(false));
    city.advance_blocks(1);
    assert_eq!(city.records(BOB).valid_at(record, now + 1).value, Ok(false));
    // An expired record is extended by nothing.
    assert_eq!(
        city.records(WELFARE)
            .issue(
                allowance,
                Subject::Person(ALICE.account()),
                hash(2),
                Some(now + 10),
                Some(record)
            )
            .expect_refused(),
        RecordsError::ExtendsInvalid
    );
}

#[test]
fn consents_are_given_and_revoked_only_by_their_citizen_and_pages_are_bounded() {
    let mut city = records_city();
    const CLINIC: Actor = Actor("clinic");
    let until = city.now_ms() + 86_400_000;
    for _ in 0..60 {
        city.records(ALICE)
            .grant_consent(CLINIC, MINISTRY, "health-record", "treatment", until)
            .expect_accepted();
    }
    assert_eq!(
        city.records(MALLORY)
            .consents_of(ALICE, 0, u32::MAX)
            .value
            .len(),
        50
    );
    assert_eq!(
        city.records(MALLORY)
            .consents_of(ALICE, 50, u32::MAX)
            .value
            .len(),
        10
    );
    assert!(city
        .records(MALLORY)
        .consents_of(ALICE, u32::MAX, u32::MAX)
        .value
        .is_empty());
    // Bob's list is his own: alice's consents do not show there.
    assert!(city
        .records(MALLORY)
        .consents_of(BOB, 0, 50)
        .value
        .is_empty());
    for intruder in [BOB, CLINIC, MINISTRY, MALLORY] {
        assert_eq!(
            city.records(intruder).revoke_consent(0).expect_refused(),
            RecordsError::NotYourConsent
        );
    }
    let now = city.now_ms();
    assert_eq!(
        city.records(ALICE)
            .grant_consent(CLINIC, MINISTRY, "health-record", "treatment", now)
            .expect_refused(),
        RecordsError::ExpiryPassed
    );
}

#[test]
fn the_issuer_bit_is_independent_of_a_pending_registrar_offer() {
    let mut city = records_city();
    let who = Actor("issuer-and-registrar");
    city.registry(ADMIN)
        .grant_role(CivicRole::Issuer, who)
        .expect_accepted();
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, who)
        .expect_accepted();
    assert!(city.registry(ALICE).registrar_offered(who).value);
    assert!(
        city.registry(ALICE)
            .has_civic_role(who, CivicRole::Issuer)
            .value
    );
    assert!(
        !city
            .registry(ALICE)
            .has_civic_role(who, CivicRole::Registrar)
            .value
    );
    // Taking the issuer role away leaves the offer; withdrawing the offer leaves the role.
    city.registry(ADMIN)
        .revoke_role(CivicRole::Issuer, who)
        .expect_accepted();
    assert!(city.registry(ALICE).registrar_offered(who).value);
    city.registry(ADMIN)
        .grant_role(CivicRole::Issuer, who)
        .expect_accepted();
    city.registry(ADMIN)
        .revoke_role(CivicRole::Registrar, who)
        .expect_accepted();
    assert!(!city.registry(ALICE).registrar_offered(who).value);
    assert!(
        city.registry(ALICE)
            .has_civic_role(who, CivicRole::Issuer)
            .value
    );
    // No other role came with it, and the batch question sees it.
    for role in [
        CivicRole::Registrar,
        CivicRole::Inspector,
        CivicRole::Worker,
        CivicRole::Attester,
        CivicRole::ServiceProvider,
    ] {
        assert!(
            !city.registry(ALICE).has_civic_role(who, role).value,
            "{role:?}"
        );
    }
    let accounts = [WELFARE.account(), who.account(), ALICE.account()];
    assert_eq!(
        city.registry(ALICE)
            .first_without_civic_role(&accounts, CivicRole::Issuer)
            .value,
        Some(2)
    );
}

#[test]
fn the_seat_and_the_upgrade_messages_refuse_strangers() {
    let mut city = records_city();
    assert_eq!(
        city.records(MALLORY).migrate().value,
        Err(UpgradeError::NotUpgrading)
    );
    assert_eq!(
        city.records(MALLORY).upgrade([7u8; 32].into()).value,
        Err(UpgradeError::NotAdmin)
    );
    assert_eq!(
        city.records(MALLORY)
            .register_schema(&schema("forged", Chain::Custody, false, false))
            .value,
        Err(RecordsError::NotAdmin)
    );
}
