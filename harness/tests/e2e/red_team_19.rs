//! The nineteenth attacker's review: the charity's receipt records in civic records
//! (`set_receipts`, `receipts`, and `give` issuing `receipt_hash(campaign, pot, receipt,
//! amount)` about the donor as the charity's account), on the real Wasm.
//!
//! Findings, each pinned by a test that asserts the safe behaviour (each failed before its
//! fix):
//!
//! - R1 (medium): a receipt outlived its refund. A gift to a campaign that refunds got a
//!   valid, irrevocable receipt record for its whole amount; after the deadline the donor
//!   claimed the unspent share back (all of it where nothing was paid out) and still showed
//!   a tax office a record `status` answers `Valid`, so a registered charity (ROGUE) could
//!   open such a campaign for itself and mint receipts for free. Fixed: a refund claimed is
//!   written in civic records too, a record about the donor whose data hash is
//!   `refund_hash(campaign, pot, amount)` (tagged apart from a gift's), so a donor's
//!   records are its gifts less its refunds; a refund whose record is refused is not paid.
//! - R2 (low; high for any charity deployed from the previous code): the reviewed diff
//!   appended `receipts` to `Settings` in the charity's `Lazy` cell, yet kept storage
//!   version 1 with no migration. Storage the previous code wrote was accepted by the new
//!   code's `migrate`, after which `Settings` no longer decoded: every message that reads
//!   it trapped, `upgrade` included, freezing the charity and its coins. Fixed: the
//!   receipts live in a `Lazy` cell of their own (a new cell reads as `None`).
//! - R3 (low): `set_receipts` checked nothing: an account that is no contract was
//!   accepted, after which every gift trapped. Fixed: it refuses an account that is no
//!   contract (`NotAContract`). A contract that is not civic records, or a schema civic
//!   records refuses, is governance's mistake to mend by proposal: every gift is refused
//!   with a typed error meanwhile (`ReceiptRefused`, or a trap for a contract without
//!   `issue`).
//!
//! Held (passing), documented residuals:
//! - one registrar (not governance) stops every gift city-wide by revoking the charity's
//!   `Issuer` role, until a registrar grants it again (by the design: a city that wants
//!   receipts gets one for every gift);
//! - nobody steers a receipt: the schema is governance's, the subject is the caller, the
//!   hash is the gift's; the charity's `Issuer` role and standing lend nobody power (no
//!   issue, no anchor, no other schema); every gift's hash is distinct (the receipt
//!   number counts per campaign, the campaign is hashed);
//! - the hash does not name the charity: any other issuer governance authorises for the
//!   same schema can write the very same hash about the same donor, so a verifier must
//!   check the record's issuer (the README says so).

use city_traits::{
    receipt_hash, refund_hash, AdminSeat, AtEnd, Chain, CharityError, CivicRole, Layout,
    RecordsError, Schema, Standing, Subject, UpgradeError, WHOLE,
};
use harness::{
    call::input,
    city::{contract_account, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    City,
};
use ink::{primitives::AccountId, scale::Encode, selector_bytes};

use super::charity::{
    balance, give, open, plan, relief_city, DAY_MS, FOOD, HEATING, RELIEF, ROGUE,
};

/// The raw key of the charity's root cell and of its `settings` cell (the metadata's
/// `root_key`s, as ink! encodes them: little-endian).
const ROOT_CELL: [u8; 4] = [0, 0, 0, 0];
const SETTINGS_CELL: [u8; 4] = [0xae, 0x38, 0xd9, 0x9d];

/// `give` as a raw call: `Err` if the charity trapped (the typed call panics instead).
fn raw_give(
    city: &mut City,
    donor: harness::Actor,
    campaign: u32,
    pot: u8,
    amount: u128,
) -> Result<Result<u64, CharityError>, String> {
    let address = city.charity.address.clone();
    city.call(
        &address,
        donor.account(),
        input(selector_bytes!("give"), (campaign, pot, amount)),
    )
    .map(|outcome| outcome.value)
    .map_err(|error| first_line(&error))
}

/// A schema whose issuers hold the registry's `Issuer` role.
fn schema(name: &str, chain: Chain, expires: bool) -> Schema {
    Schema {
        name: name.into(),
        issuer: CivicRole::Issuer,
        revocable: false,
        expires,
        chain,
        reward: None,
    }
}

/// R1: a gift to a refunding campaign kept its valid receipt record after the donor
/// claimed it all back. ROGUE, a registered charity, opens a one-day campaign that pays
/// nobody; alice (its accomplice, or ROGUE itself) gives 500 coins and takes them back
/// after the deadline: the refund is a record beside the receipt.
#[test]
fn red_team_19_a_refund_is_written_beside_the_gifts_receipt() {
    let mut city = relief_city();
    let schema = city
        .write_gift_receipts()
        .expect("the admin sets receipts up");
    let mut own = plan(&mut city, AtEnd::Refund);
    own.deadline = city.now_ms() + DAY_MS;
    let campaign = city.charity(ROGUE).open_campaign(&own).expect_accepted();
    let before = balance(&mut city, ALICE);
    let receipt = give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    let record = city
        .records(BOB)
        .record(0)
        .value
        .expect("the gift's receipt record");
    assert_eq!(
        (record.schema, record.subject, record.data_hash),
        (
            schema,
            Subject::Person(ALICE.account()),
            receipt_hash(campaign, WHOLE, receipt, 500 * COIN)
        )
    );
    city.advance_time(2 * DAY_MS);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_accepted(),
        500 * COIN,
        "nothing was paid out: the whole gift comes back"
    );
    assert_eq!(balance(&mut city, ALICE), before, "the gift cost nothing");
    // The refund shows in civic records: a record about alice, tagged as a refund.
    let refund = city
        .records(BOB)
        .record(1)
        .value
        .expect("R1: the refund's record beside the gift's receipt");
    assert_eq!(
        (
            refund.schema,
            refund.subject,
            refund.issuer,
            refund.data_hash
        ),
        (
            schema,
            Subject::Person(ALICE.account()),
            contract_account(&city.charity),
            refund_hash(campaign, WHOLE, 500 * COIN)
        )
    );
    assert_ne!(refund.data_hash, record.data_hash);
}

/// R2: the charity's `Settings` cell as the previous code (the same contract, storage
/// version one) wrote it: admin seat, campaign count, max threshold, no receipts. The
/// reviewed code's `migrate` accepted it (the versions match), and then nothing read
/// `Settings` again: every message that does trapped, `upgrade` included, so the charity
/// was frozen for good. With the receipts in a cell of their own, the old settings read
/// back as they were and `receipts()` answers `None`. (Before, a control handed over the
/// same cells with the reviewed code's encoding and the charity answered: the cells' keys
/// are right.)
#[test]
fn red_team_19_storage_the_previous_charity_code_left_reads_on_in_the_new_code() {
    let (mut city, charity, handed) = handed_over();
    if handed.is_err() {
        // Refusing storage it cannot read is safe too.
        return;
    }
    let admin = raw::<AccountId>(&mut city, &charity, selector_bytes!("Admin::admin"));
    let code = city
        .code_hash_at(&city.charity.address.clone())
        .expect("the charity lives");
    if admin.is_err() {
        let upgrade = city
            .call::<Result<(), UpgradeError>>(
                &charity,
                ADMIN.account(),
                input(selector_bytes!("Upgradable::upgrade"), code),
            )
            .map(|outcome| outcome.value)
            .map_err(|error| first_line(&error));
        // Correct behaviour: the new code reads the old settings (receipts in a cell of
        // their own, or a migration), or its `migrate` refuses them.
        panic!(
            "R2: the new charity code accepted the settings the previous code (also \
             storage version 1) wrote, and now traps on them: `admin` answered {admin:?}, \
             and even the admin's `upgrade` traps before it checks anything ({upgrade:?})"
        );
    }
    assert_eq!(admin, Ok(ADMIN.account()));
    assert_eq!(
        raw::<u128>(&mut city, &charity, selector_bytes!("max_threshold")),
        Ok(OLD_MAX_THRESHOLD)
    );
    assert_eq!(
        raw::<u32>(&mut city, &charity, selector_bytes!("campaign_count")),
        Ok(OLD_CAMPAIGNS)
    );
    assert_eq!(
        raw::<Option<(AccountId, u32)>>(&mut city, &charity, selector_bytes!("receipts")),
        Ok(None)
    );
}

/// What the previous code's settings held, in the restored charity.
const OLD_MAX_THRESHOLD: u128 = 123_456_789;
const OLD_CAMPAIGNS: u32 = 7;

/// A relief city in which `ADMIN` instantiates a state restorer for the charity's layout
/// (storage version 1), writes the charity's root cell and its `settings` cell as the
/// previous code encoded it (admin seat, campaign count, max threshold) and hands the
/// restorer to the charity's code: the city, the new contract and what the hand-over
/// answered.
fn handed_over() -> (City, drink::AccountId32, Result<(), UpgradeError>) {
    let mut city = relief_city();
    let code = city
        .code_hash_at(&city.charity.address.clone())
        .expect("the charity lives");
    let root = (
        contract_account(&city.token),
        contract_account(&city.registry),
    )
        .encode();
    let old_settings = (
        AdminSeat::new(ADMIN.account()),
        OLD_CAMPAIGNS,
        OLD_MAX_THRESHOLD,
    )
        .encode();
    let layout = Layout {
        contract: selector_bytes!("charity"),
        version: 1,
    };
    let at = city
        .deploy("state-restorer", input(selector_bytes!("new"), layout))
        .expect("a restorer")
        .address;
    let cells: Vec<(Vec<u8>, Option<Vec<u8>>)> = vec![
        (ROOT_CELL.to_vec(), Some(root)),
        (SETTINGS_CELL.to_vec(), Some(old_settings)),
    ];
    let wrote: Result<(), UpgradeError> = city
        .call(
            &at,
            ADMIN.account(),
            input(selector_bytes!("restore"), cells),
        )
        .expect("the restorer answers")
        .value;
    assert_eq!(wrote, Ok(()));
    let handed: Result<(), UpgradeError> = city
        .call(
            &at,
            ADMIN.account(),
            input(selector_bytes!("Upgradable::upgrade"), code),
        )
        .expect("the restorer answers upgrade")
        .value;
    (city, at, handed)
}

/// A query without arguments of the charity at `at`, as a raw call: `Err` if it trapped.
fn raw<V: ink::scale::Decode>(
    city: &mut City,
    at: &drink::AccountId32,
    selector: [u8; 4],
) -> Result<V, String> {
    city.call::<V>(at, BOB.account(), input(selector, ()))
        .map(|outcome| outcome.value)
        .map_err(|error| first_line(&error))
}

/// The first line of a failed call's error: what the chain answered.
fn first_line(error: &anyhow::Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// R3: governance's `set_receipts` accepted an account that is no contract; from then on
/// every gift trapped until another proposal passed. It is refused now.
#[test]
fn red_team_19_set_receipts_refuses_an_account_that_is_no_contract() {
    let mut city = relief_city();
    let relief = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &relief);
    let set = city
        .charity(ADMIN)
        .set_receipts(Some((DAVE.account(), 0)))
        .value;
    let charity = contract_account(&city.charity);
    city.token(ALICE)
        .approve(charity, 10 * COIN)
        .expect_accepted();
    let gift = raw_give(&mut city, ALICE, campaign, WHOLE, 10 * COIN);
    assert_eq!(
        set,
        Err(CharityError::NotAContract),
        "R3: set_receipts accepted dave's plain account as civic records; every gift now \
         answers {gift:?} (a trap, not `ReceiptRefused`) until governance passes another \
         proposal"
    );
}

/// Held, a residual of the design: any one registrar (not governance) stops every gift of
/// every campaign by revoking the charity's city-wide `Issuer` role; another registrar
/// (or the same) grants it back and gifts resume. Nothing of a refused gift is kept.
#[test]
fn red_team_19_one_registrar_stops_every_gift_until_the_role_is_granted_back() {
    let mut city = relief_city();
    let relief = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &relief);
    city.write_gift_receipts()
        .expect("the admin sets receipts up");
    city.appoint_registrar(CAROL).expect("carol is a registrar");
    let charity = contract_account(&city.charity);
    city.registry(CAROL)
        .revoke_role(CivicRole::Issuer, charity)
        .expect_accepted();
    city.token(ALICE)
        .approve(charity, 10 * COIN)
        .expect_accepted();
    let alice = balance(&mut city, ALICE);
    assert_eq!(
        city.charity(ALICE)
            .give(campaign, WHOLE, 10 * COIN)
            .expect_refused(),
        CharityError::ReceiptRefused(RecordsError::NotAuthorised)
    );
    assert_eq!(balance(&mut city, ALICE), alice);
    city.registry(ADMIN)
        .grant_role(CivicRole::Issuer, charity)
        .expect_accepted();
    assert_eq!(
        city.charity(ALICE)
            .give(campaign, WHOLE, 10 * COIN)
            .expect_accepted(),
        0
    );
}

/// Held: nobody steers the charity's receipts or borrows its standing. Each record is
/// about its caller, under governance's schema, with the gift's hash; identical gifts
/// (same donor, pot and amount) and the same numbers in two campaigns hash apart; a donor
/// without the role neither issues under the receipt schema nor anchors; the charity's
/// role and standing reach no other schema.
#[test]
fn red_team_19_nobody_steers_a_receipt_or_borrows_the_charitys_standing() {
    let mut city = relief_city();
    let relief = plan(&mut city, AtEnd::Refund);
    let first = open(&mut city, &relief);
    let second = open(&mut city, &relief);
    let receipts = city
        .write_gift_receipts()
        .expect("the admin sets receipts up");
    let charity = contract_account(&city.charity);
    let gifts = [
        (ALICE, first, FOOD, 5 * COIN),
        (ALICE, first, FOOD, 5 * COIN),
        (BOB, second, FOOD, 5 * COIN),
        (CAROL, first, HEATING, 7 * COIN),
    ];
    let mut hashes = Vec::new();
    for (n, (donor, campaign, pot, amount)) in gifts.into_iter().enumerate() {
        let receipt = give(&mut city, donor, campaign, pot, amount);
        let record = city
            .records(BOB)
            .record(n as u64)
            .value
            .expect("one record per gift");
        let hash = receipt_hash(campaign, pot, receipt, amount);
        assert_eq!(
            (
                record.schema,
                record.subject,
                record.issuer,
                record.data_hash
            ),
            (receipts, Subject::Person(donor.account()), charity, hash)
        );
        assert!(!hashes.contains(&hash), "every gift hashes apart");
        hashes.push(hash);
    }
    assert!(
        city.records(BOB).record(4).value.is_none(),
        "no other record"
    );
    // The first gifts of two campaigns hash apart although their numbers are equal.
    assert_ne!(
        receipt_hash(first, FOOD, 0, 5 * COIN),
        receipt_hash(second, FOOD, 0, 5 * COIN)
    );
    // A donor holds nothing of the charity's standing.
    assert_eq!(
        city.records(MALLORY)
            .issue(
                receipts,
                Subject::Person(MALLORY.account()),
                [1; 32],
                None,
                None
            )
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    assert_eq!(
        city.records(MALLORY)
            .anchor("gifts", [2; 32], 1)
            .expect_refused(),
        RecordsError::NotAuthorised
    );
    // Another schema of the same role is not the charity's to issue.
    let other = city
        .register_schema(schema("youth-allowance", Chain::Standalone, false), &[])
        .expect("the admin registers a schema");
    assert!(city.records(BOB).may_issue(receipts, charity).value);
    assert!(!city.records(BOB).may_issue(other, charity).value);
    // Only the admin points the receipts elsewhere.
    let records = contract_account(&city.records);
    assert_eq!(
        city.charity(RELIEF)
            .set_receipts(Some((records, other)))
            .expect_refused(),
        CharityError::NotAdmin
    );
}

/// Held, a residual: the receipt hash does not name the charity. An issuer governance also
/// authorised for the receipt schema writes the very hash of a gift about the same donor;
/// the two records differ only in their issuer, which a verifier must check.
#[test]
fn red_team_19_the_receipt_hash_does_not_name_the_charity() {
    let mut city = relief_city();
    let relief = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &relief);
    let receipts = city
        .write_gift_receipts()
        .expect("the admin sets receipts up");
    let receipt = give(&mut city, ALICE, campaign, FOOD, 3 * COIN);
    city.grant_civic_role(CivicRole::Issuer, [DAVE.account()])
        .expect("the admin grants the role");
    city.records(ADMIN)
        .authorise_issuer(receipts, DAVE.account(), Some(Standing::Issuer))
        .expect_accepted();
    let hash = receipt_hash(campaign, FOOD, receipt, 3 * COIN);
    let copy = city
        .records(DAVE)
        .issue(receipts, Subject::Person(ALICE.account()), hash, None, None)
        .expect_accepted();
    let (original, copy) = (
        city.records(BOB).record(0).value.expect("the receipt"),
        city.records(BOB).record(copy).value.expect("the copy"),
    );
    assert_eq!(
        (original.schema, original.subject, original.data_hash),
        (copy.schema, copy.subject, copy.data_hash)
    );
    assert_ne!(
        original.issuer, copy.issuer,
        "only the issuer tells them apart"
    );
}
