//! The charity on the real Wasm, with the token and the registry: Seoul's winter relief
//! (earmarks, gifts with receipts, payments against evidence, a donor's trace, refunds),
//! governance beyond the threshold and rollovers through proposals, and every refusal
//! leaving the state as it was.

use city_traits::{
    receipt_hash, AtEnd, Campaign, CampaignId, CharityError, PSP22Error, PotAccount, RecordStatus,
    RecordsError, Subject, TransferPolicy, WHOLE,
};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    voting::proposed_call,
    City,
};
use ink::selector_bytes;

use super::governance::{governed_city, pass};

pub use harness::relief::*;

/// Everything the charity holds about a campaign, and its coins.
fn state(city: &mut City, campaign: CampaignId) -> (Option<Campaign>, Vec<PotAccount>, u128) {
    let pots = pots(city, campaign);
    let charity = contract_account(&city.charity);
    (
        city.charity(ADMIN).campaign(campaign).value,
        pots,
        balance(city, charity),
    )
}

#[test]
fn winter_relief_pays_providers_against_evidence_a_donor_traces_the_gift_and_the_rest_is_refunded()
{
    let mut city = relief_city();
    let plan = winter(&mut city, AtEnd::Refund, COIN);
    let campaign = open(&mut city, &plan);
    // Donors give to earmarks and to the whole; each gift has its receipt.
    assert_eq!(give(&mut city, ALICE, campaign, HEATING, 600 * COIN), 0);
    assert_eq!(give(&mut city, BOB, campaign, HEATING, 200 * COIN), 1);
    assert_eq!(give(&mut city, CAROL, campaign, FOOD, 400 * COIN), 2);
    assert_eq!(give(&mut city, ALICE, campaign, WHOLE, 100 * COIN), 3);
    // The shelter is paid for heating, the food bank for food, each against evidence.
    let heating = city
        .charity(RELIEF)
        .disburse(campaign, HEATING, SHELTER, 300 * COIN, [0xe1; 32]);
    // The charity's event (signature, campaign, recipient) and the token's transfer.
    let described: Vec<String> = heating
        .events
        .iter()
        .map(|event| city.describe(&city.charity, event))
        .collect();
    assert!(
        described.iter().any(|event| event.contains("Disbursed")),
        "{described:?}"
    );
    assert_eq!(heating.expect_accepted(), 0);
    city.charity(RELIEF)
        .disburse(campaign, FOOD, FOOD_BANK, 100 * COIN, [0xf1; 32])
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, WHOLE, SHELTER, 100 * COIN, [0xe2; 32])
            .expect_refused(),
        CharityError::NeedsApproval,
        "the shelter was paid the threshold already"
    );
    assert_eq!(balance(&mut city, SHELTER), 300 * COIN);
    assert_eq!(balance(&mut city, FOOD_BANK), 100 * COIN);
    assert_books_balance(&mut city, &[campaign]);

    // Alice gave 600 of the 800 for heating: three quarters of the shelter's 300.
    let trace = city
        .charity(MALLORY)
        .trace(campaign, HEATING, ALICE)
        .value
        .unwrap();
    assert_eq!(trace.given, 600 * COIN);
    assert_eq!(trace.disbursed.len(), 1);
    assert_eq!(
        (trace.disbursed[0].recipient, trace.disbursed[0].amount),
        (SHELTER.account(), 225 * COIN)
    );
    assert_eq!(trace.refundable, 0, "nothing to claim before the deadline");

    // After the deadline the rest goes back pro rata, and the charity ends empty.
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, HEATING, SHELTER, COIN, [0xe3; 32])
            .expect_refused(),
        CharityError::CampaignClosed
    );
    let before = balance(&mut city, ALICE);
    assert_eq!(
        city.charity(ALICE)
            .trace(campaign, HEATING, ALICE)
            .value
            .unwrap()
            .refundable,
        375 * COIN
    );
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, HEATING)
            .expect_accepted(),
        375 * COIN
    );
    assert_eq!(balance(&mut city, ALICE), before + 375 * COIN);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, HEATING)
            .expect_refused(),
        CharityError::NothingToRefund
    );
    for (donor, pot, refund) in [(BOB, HEATING, 125), (CAROL, FOOD, 300), (ALICE, WHOLE, 100)] {
        assert_eq!(
            city.charity(donor)
                .claim_refund(campaign, pot)
                .expect_accepted(),
            refund * COIN
        );
    }
    assert_books_balance(&mut city, &[campaign]);
    let charity = contract_account(&city.charity);
    assert_eq!(balance(&mut city, charity), 0);
}

#[test]
fn where_receipts_are_written_each_gift_is_a_record_about_its_donor_in_civic_records() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    // Only governance sets where receipts go.
    let records = contract_account(&city.records);
    assert_eq!(
        city.charity(RELIEF)
            .set_receipts(Some((records, 0)))
            .expect_refused(),
        CharityError::NotAdmin
    );
    assert_eq!(city.charity(ADMIN).receipts().value, None);
    let schema = city
        .write_gift_receipts()
        .expect("the admin sets receipts up");
    assert_eq!(
        city.charity(ADMIN).receipts().value,
        Some((records, schema))
    );
    let receipt = give(&mut city, ALICE, campaign, FOOD, 40 * COIN);
    let record = city
        .records(ADMIN)
        .record(0)
        .value
        .expect("the gift's receipt record");
    let charity = contract_account(&city.charity);
    assert_eq!(
        (
            record.schema,
            record.subject,
            record.issuer,
            record.data_hash
        ),
        (
            schema,
            Subject::Person(ALICE.account()),
            charity,
            receipt_hash(campaign, FOOD, receipt, 40 * COIN)
        )
    );
    assert_eq!(
        city.records(BOB).status(0).value,
        Ok(RecordStatus::Valid),
        "anyone checks a donor's receipt"
    );
    // Civic records' refusal (governance withdrew the charity's standing) refuses the
    // gift, and nothing of it is kept: no coin moved, no pot or receipt changed.
    city.records(ADMIN)
        .authorise_issuer(schema, charity, None)
        .expect_accepted();
    city.token(BOB)
        .approve(charity, 10 * COIN)
        .expect_accepted();
    let before = state(&mut city, campaign);
    let bob = balance(&mut city, BOB);
    assert_eq!(
        city.charity(BOB)
            .give(campaign, WHOLE, 10 * COIN)
            .expect_refused(),
        CharityError::ReceiptRefused(RecordsError::NotAuthorised)
    );
    assert_eq!(state(&mut city, campaign), before);
    assert_eq!(balance(&mut city, BOB), bob);
    assert!(city.records(ADMIN).record(1).value.is_none());
    // Governance turns receipts off: gifts are received again, without records.
    city.charity(ADMIN).set_receipts(None).expect_accepted();
    assert_eq!(
        city.charity(BOB)
            .give(campaign, WHOLE, 10 * COIN)
            .expect_accepted(),
        receipt + 1
    );
    assert!(city.records(ADMIN).record(1).value.is_none());
}

#[test]
fn every_refusal_leaves_the_charity_as_it_was() {
    let mut city = relief_city();
    let plan = winter(&mut city, AtEnd::Refund, COIN);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 500 * COIN);
    let before = state(&mut city, campaign);
    let refusals: Vec<(CharityError, CharityError)> = vec![
        // A citizen opens no campaign.
        (
            city.charity(ALICE).open_campaign(&plan).expect_refused(),
            CharityError::NotACharity,
        ),
        // Outside the earmark: heating got nothing.
        (
            city.charity(RELIEF)
                .disburse(campaign, HEATING, SHELTER, COIN, [1; 32])
                .expect_refused(),
            CharityError::NotEnoughInPot,
        ),
        // To an account that is no recipient, registered or not.
        (
            city.charity(RELIEF)
                .disburse(campaign, FOOD, MALLORY, COIN, [1; 32])
                .expect_refused(),
            CharityError::NotARecipient,
        ),
        (
            city.charity(RELIEF)
                .add_recipient(campaign, MALLORY)
                .expect_refused(),
            CharityError::NotEligible,
        ),
        // The organiser is never its own recipient, and a contract never one.
        (
            city.charity(RELIEF)
                .add_recipient(campaign, RELIEF)
                .expect_refused(),
            CharityError::NotEligible,
        ),
        (
            {
                let escrow = contract_account(&city.escrow);
                city.charity(RELIEF)
                    .add_recipient(campaign, escrow)
                    .expect_refused()
            },
            CharityError::NotEligible,
        ),
        // A recipient names no recipient and pays nobody.
        (
            city.charity(SHELTER)
                .disburse(campaign, FOOD, SHELTER, COIN, [1; 32])
                .expect_refused(),
            CharityError::NotOrganiser,
        ),
        // Without evidence, or beyond the threshold.
        (
            city.charity(RELIEF)
                .disburse(campaign, FOOD, SHELTER, COIN, [0; 32])
                .expect_refused(),
            CharityError::NoEvidence,
        ),
        (
            city.charity(RELIEF)
                .disburse(campaign, FOOD, SHELTER, 301 * COIN, [1; 32])
                .expect_refused(),
            CharityError::NeedsApproval,
        ),
        // Over an earmark's target, and without an allowance (the token refuses).
        (
            city.charity(BOB)
                .give(campaign, BEDS, 601 * COIN)
                .expect_refused(),
            CharityError::OverTarget,
        ),
        (
            city.charity(BOB)
                .give(campaign, BEDS, COIN)
                .expect_refused(),
            CharityError::TokenRefused(PSP22Error::InsufficientAllowance),
        ),
        (
            city.charity(BOB).give(campaign, 4, COIN).expect_refused(),
            CharityError::UnknownPot,
        ),
        // Refunds and rollovers wait for the deadline, and rollovers for governance.
        (
            city.charity(ALICE)
                .claim_refund(campaign, FOOD)
                .expect_refused(),
            CharityError::CampaignOpen,
        ),
        (
            city.charity(RELIEF)
                .roll_over(campaign, campaign)
                .expect_refused(),
            CharityError::NotAdmin,
        ),
    ];
    for (refused, expected) in refusals {
        assert_eq!(refused, expected);
    }
    assert_eq!(state(&mut city, campaign), before);

    // Once the identity of a recipient lapses, it is paid no more.
    city.registry(ADMIN).revoke(SHELTER).expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, FOOD, SHELTER, COIN, [1; 32])
            .expect_refused(),
        CharityError::NotEligible
    );
    // Under the civic policy, only service providers are paid: not a citizen.
    city.charity(RELIEF)
        .add_recipient(campaign, DAVE)
        .expect_accepted();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, FOOD, DAVE, COIN, [1; 32])
            .expect_refused(),
        CharityError::PolicyForbidsPayment
    );
    assert_eq!(state(&mut city, campaign), before);
}

#[test]
fn governance_pays_beyond_the_threshold_and_rolls_a_campaign_over_through_proposals() {
    // Token holders govern; amounts here are in cents (the holders hold a few coins).
    let mut city = governed_city();
    register_providers(&mut city);
    let plan = winter(&mut city, AtEnd::RollOver, 1);
    let campaign = open(&mut city, &plan);
    let mut spring_plan = winter(&mut city, AtEnd::RollOver, 1);
    spring_plan.deadline += 60 * DAY_MS;
    let spring = city
        .charity(RELIEF)
        .open_campaign(&spring_plan)
        .expect_accepted();
    give(&mut city, ALICE, campaign, HEATING, 800);
    // The charity may pay the shelter 300 in all; the electorate approves 500.
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, HEATING, SHELTER, 500, [2; 32])
            .expect_refused(),
        CharityError::NeedsApproval
    );
    let disburse = proposed_call(
        &city.charity,
        selector_bytes!("disburse"),
        (campaign, HEATING, SHELTER.account(), 500u128, [2u8; 32]),
    );
    let proposal = pass(&mut city, &[disburse]);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(balance(&mut city, SHELTER), 500);

    // After the deadline, the 300 left roll into the spring campaign, by proposal only.
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(campaign, spring)
            .expect_refused(),
        CharityError::NotAdmin
    );
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, HEATING)
            .expect_refused(),
        CharityError::NotRefunding
    );
    let roll = proposed_call(
        &city.charity,
        selector_bytes!("roll_over"),
        (campaign, spring),
    );
    let proposal = pass(&mut city, &[roll]);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    let whole = city.charity(ADMIN).pot(spring, WHOLE).value.unwrap();
    assert_eq!((whole.rolled_in, whole.held()), (300, 300));
    let trace = city
        .charity(ALICE)
        .trace(campaign, HEATING, ALICE)
        .value
        .unwrap();
    assert_eq!(
        (trace.rolled[0].campaign, trace.rolled[0].amount),
        (spring, 300)
    );
    assert_books_balance(&mut city, &[campaign, spring]);
    // The city's admin seat is governance's: the deployer has no power left.
    let voting = contract_account(&city.voting);
    assert_eq!(
        harness::AdminCalls::admin(city.charity(ADMIN)).value,
        voting
    );
}
