//! The sixteenth attacker's review: red_team_15's two fixes to the charity, on the real
//! Wasm: evidence hashes kept per organiser of the paying campaign (`None` for
//! governance's campaigns), and a donor's trace that follows rollovers into the target
//! campaign's whole, up to `MAX_TRACE_HOPS` (4) campaigns.
//!
//! Findings, each pinned by a test that asserts the safe behaviour (it failed before its
//! fix):
//!
//! - E1 (medium): the trace returns every disbursement of the traced pot and of each
//!   rolled-into whole, up to 100 per pot and 5 pots: up to 500 × 88 encoded bytes. ink!
//!   encodes a message's output into its static buffer (16 KiB by default), so a trace
//!   whose chain holds more than about 186 disbursements traps instead of answering. Two
//!   campaigns paying 100 times each (ordinary use) suffice; the organiser of any campaign
//!   a rollover lands in can do it on purpose with 100 one-unit payments, and so hide from
//!   the donors of every campaign rolled into it where their coins went (and break the
//!   trace of the earlier pot too: the whole query fails). Fix: bound the output, not only
//!   the reads: e.g. give `trace` the hops' summaries only (campaign, amount) and add a
//!   paged query `trace_rolled(campaign, pot, donor, hop, from, count)`; or cap the
//!   disbursements a trace returns in all (say 150) and say so in `Trace`; or build with
//!   a static buffer that fits the worst case (≥ 48 KiB) and test the worst case.
//!   Fixed: `trace` answers each hop's campaign and amount, and `shares(campaign, pot,
//!   gift)` answers a hop's payments, each answer at most 100 entries.
//!
//! Held (passing): another organiser (or a donor) cannot write into an organiser's or
//! governance's evidence space; governance paying from a charity's campaign and the
//! charity share one space, in both orders, so they cannot pay one invoice twice; the
//! trace follows a chain longer than four campaigns and stops at four, with each hop's
//! amount and shares exactly by the published rule, never more than was paid or rolled,
//! with several campaigns rolled into one and campaigns that roll on; no rollover cycle
//! can be built (deadlines order the chain), so the loop is bounded by the hop count.
//!
//! Documented residuals (passing, not findings): an invoice hash used in one organiser's
//! space pays again in another's (governance's own campaign, or another charity's), as
//! the new rule says; and the trace's pro-rata rule credits a rolled-in donor with a share
//! of payments the target made before the rollover arrived (the rule is the published
//! one, and each payment's shares still sum to at most its amount).

use city_traits::{AtEnd, CampaignId, CharityError, Trace, WHOLE};
use harness::{
    city::{ADMIN, ALICE, BOB, CAROL, COIN},
    City,
};
use ink::{primitives::AccountId, scale::Encode, selector_bytes};

use super::charity::{
    assert_books_balance, balance, give, hop, open, plan, relief_city, DAY_MS, FOOD, FOOD_BANK,
    RELIEF, ROGUE, SHELTER,
};

/// An evidence hash, distinct per `(tag, n)`.
fn evidence(tag: u8, n: u32) -> [u8; 32] {
    let mut hash = [tag; 32];
    hash[..4].copy_from_slice(&n.to_le_bytes());
    hash
}

/// The trace query, as a raw call: `Err` if the contract trapped (the harness's typed
/// call panics instead).
fn raw_trace(
    city: &mut City,
    campaign: CampaignId,
    pot: u8,
    donor: impl Into<AccountId>,
) -> anyhow::Result<Option<Trace>> {
    let mut input = selector_bytes!("trace").to_vec();
    (campaign, pot, donor.into()).encode_to(&mut input);
    let address = city.charity.address.clone();
    Ok(city.call::<Option<Trace>>(&address, ALICE, input)?.value)
}

/// A campaign of RELIEF that rolls over, open `days` days from now.
fn rolling(city: &mut City, days: u64) -> CampaignId {
    let mut rolling = plan(city, AtEnd::RollOver);
    rolling.deadline = city.now_ms() + days * DAY_MS;
    open(city, &rolling)
}

/// RELIEF pays `count` one-unit payments from a pot, alternating the two providers.
fn pay_units(city: &mut City, campaign: CampaignId, pot: u8, tag: u8, count: u32) {
    for n in 0..count {
        let recipient = if n % 2 == 0 { SHELTER } else { FOOD_BANK };
        city.charity(RELIEF)
            .disburse(campaign, pot, recipient, 1, evidence(tag, n))
            .expect_accepted();
    }
}

// ---------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------

/// E1, attack: `winter` (alice's 1,000 units in its whole) pays 100 one-unit invoices;
/// `spring` (bob's gift), where winter's rest will roll, pays 100 too, which its
/// organiser may do on purpose. Governance rolls winter into spring. Alice asks where her
/// gift went. Outcome: before the rollover her trace answers (100 payments); after it the
/// query trapped before the fix (its 200 disbursements did not fit ink!'s 16 KiB output
/// buffer), so alice learnt nothing, not even about winter's own payments. Safe: the
/// query answers.
#[test]
fn red_team_16_a_donors_trace_still_answers_after_a_rollover_into_a_busy_campaign() {
    let mut city = relief_city();
    let winter = rolling(&mut city, 30);
    let spring = rolling(&mut city, 60);
    give(&mut city, ALICE, winter, WHOLE, 1_000);
    give(&mut city, BOB, spring, WHOLE, 1_000);
    pay_units(&mut city, winter, WHOLE, 0xa1, 100);
    pay_units(&mut city, spring, WHOLE, 0xa2, 100);
    let before = raw_trace(&mut city, winter, WHOLE, ALICE)
        .expect("the trace answers before the rollover")
        .unwrap();
    assert_eq!(before.disbursed.len(), 100);
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, spring)
            .expect_accepted(),
        900
    );
    assert_books_balance(&mut city, &[winter, spring]);
    // Bob's trace of spring alone (100 payments) still answers.
    assert!(raw_trace(&mut city, spring, WHOLE, BOB).is_ok());
    let after = raw_trace(&mut city, winter, WHOLE, ALICE);
    let trace = match after {
        Ok(trace) => trace.unwrap(),
        Err(error) => panic!("alice's trace trapped after the rollover: {error:#}"),
    };
    assert_eq!(trace.disbursed.len(), 100);
    assert_eq!(
        (trace.rolled[0].campaign, trace.rolled[0].amount),
        (spring, 900)
    );
    assert_eq!(hop(&mut city, &trace.rolled[0]).len(), 100);
}

// ---------------------------------------------------------------------------------------
// Held
// ---------------------------------------------------------------------------------------

/// Attack: governance (the seat) pays the food bank's invoice from RELIEF's first
/// campaign, beyond the threshold; RELIEF then pays the same invoice from its second
/// campaign, within its threshold. Then the other order with another invoice: RELIEF pays
/// first, governance second. Outcome: the second payment is refused `EvidenceUsed` both
/// ways (the campaign's organiser names the space, whoever pays), the food bank is paid
/// once per invoice, and a refused payment changes no pot.
#[test]
fn red_team_16_governance_and_the_organiser_cannot_pay_one_invoice_twice() {
    let mut city = relief_city();
    let first_plan = plan(&mut city, AtEnd::Refund);
    let first = open(&mut city, &first_plan);
    let second = open(&mut city, &first_plan);
    for campaign in [first, second] {
        give(&mut city, ALICE, campaign, FOOD, 450 * COIN);
    }
    let invoice = evidence(0xb1, 0);
    city.charity(ADMIN)
        .disburse(first, FOOD, FOOD_BANK, 400 * COIN, invoice)
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(second, FOOD, FOOD_BANK, 100 * COIN, invoice)
            .expect_refused(),
        CharityError::EvidenceUsed
    );
    let other = evidence(0xb2, 0);
    city.charity(RELIEF)
        .disburse(second, FOOD, SHELTER, 50 * COIN, other)
        .expect_accepted();
    for campaign in [first, second] {
        assert_eq!(
            city.charity(ADMIN)
                .disburse(campaign, FOOD, SHELTER, 10 * COIN, other)
                .expect_refused(),
            CharityError::EvidenceUsed
        );
    }
    assert_eq!(balance(&mut city, FOOD_BANK), 400 * COIN);
    assert_eq!(balance(&mut city, SHELTER), 50 * COIN);
    assert_eq!(
        city.charity(ADMIN).pot(second, FOOD).value.unwrap().held(),
        400 * COIN
    );
    assert_books_balance(&mut city, &[first, second]);
}

/// Attack: ROGUE tries to get into RELIEF's and governance's evidence spaces: it pays
/// against the hashes in its own campaign first, then tries to pay from RELIEF's campaign
/// and from governance's; a donor tries too. Outcome: `NotOrganiser` everywhere but its
/// own; RELIEF and governance (from its own campaign) still pay against those hashes;
/// governance paying from ROGUE's campaign is in ROGUE's space (refused there, as
/// ROGUE's own rule).
#[test]
fn red_team_16_no_one_writes_into_another_organisers_evidence_space() {
    let mut city = relief_city();
    city.token(ALICE)
        .transfer(ROGUE, 10 * COIN)
        .expect_accepted();
    let relief_plan = plan(&mut city, AtEnd::Refund);
    let relief = open(&mut city, &relief_plan);
    let governed = city
        .charity(ADMIN)
        .open_campaign(&relief_plan)
        .expect_accepted();
    city.charity(ADMIN)
        .add_recipient(governed, SHELTER)
        .expect_accepted();
    let rogue = city
        .charity(ROGUE)
        .open_campaign(&relief_plan)
        .expect_accepted();
    city.charity(ROGUE)
        .add_recipient(rogue, SHELTER)
        .expect_accepted();
    give(&mut city, ROGUE, rogue, WHOLE, 10 * COIN);
    give(&mut city, ALICE, relief, WHOLE, 100 * COIN);
    give(&mut city, BOB, governed, WHOLE, 100 * COIN);
    let (for_relief, for_governance) = (evidence(0xc1, 0), evidence(0xc2, 0));
    for hash in [for_relief, for_governance] {
        city.charity(ROGUE)
            .disburse(rogue, WHOLE, SHELTER, 1, hash)
            .expect_accepted();
    }
    for (intruder, campaign) in [(ROGUE, relief), (ROGUE, governed), (CAROL, relief)] {
        assert_eq!(
            city.charity(intruder)
                .disburse(campaign, WHOLE, SHELTER, 1, evidence(0xc3, 0))
                .expect_refused(),
            CharityError::NotOrganiser
        );
    }
    city.charity(RELIEF)
        .disburse(relief, WHOLE, SHELTER, 10 * COIN, for_relief)
        .expect_accepted();
    city.charity(ADMIN)
        .disburse(governed, WHOLE, SHELTER, 10 * COIN, for_governance)
        .expect_accepted();
    assert_eq!(
        city.charity(ADMIN)
            .disburse(rogue, WHOLE, SHELTER, 1, for_relief)
            .expect_refused(),
        CharityError::EvidenceUsed
    );
    assert_eq!(balance(&mut city, SHELTER), 2 + 20 * COIN);
}

/// Residual, as documented: the new rule scopes "an invoice pays once" to one organiser.
/// Attack: the shelter bills one invoice to RELIEF, to ROGUE and to governance's own
/// campaign. Outcome: each pays it (three spaces); only the payers' diligence stops a
/// provider billing twice. Pinned so that a change of rule is deliberate.
#[test]
fn red_team_16_one_invoice_pays_once_per_organiser_not_once_in_all() {
    let mut city = relief_city();
    city.token(ALICE)
        .transfer(ROGUE, 10 * COIN)
        .expect_accepted();
    let the_plan = plan(&mut city, AtEnd::Refund);
    let relief = open(&mut city, &the_plan);
    let governed = city
        .charity(ADMIN)
        .open_campaign(&the_plan)
        .expect_accepted();
    city.charity(ADMIN)
        .add_recipient(governed, SHELTER)
        .expect_accepted();
    let rogue = city
        .charity(ROGUE)
        .open_campaign(&the_plan)
        .expect_accepted();
    city.charity(ROGUE)
        .add_recipient(rogue, SHELTER)
        .expect_accepted();
    give(&mut city, ALICE, relief, WHOLE, 10 * COIN);
    give(&mut city, BOB, governed, WHOLE, 10 * COIN);
    give(&mut city, ROGUE, rogue, WHOLE, 10 * COIN);
    let invoice = evidence(0xd1, 0);
    for (payer, campaign) in [(RELIEF, relief), (ADMIN, governed), (ROGUE, rogue)] {
        city.charity(payer)
            .disburse(campaign, WHOLE, SHELTER, 5 * COIN, invoice)
            .expect_accepted();
    }
    assert_eq!(balance(&mut city, SHELTER), 15 * COIN);
}

/// Attack: a chain of six campaigns A..F, each rolled into the next (a campaign rolled
/// into that itself rolls on), alice the only donor of A; B pays the shelter 60, C (where
/// bob gave 600) pays the food bank 114; a side campaign of carol's also rolls into the
/// second. Outcome: alice's trace follows exactly four hops (B, C, D, E, not F); each
/// hop's amount is her share by the rule (400, 360, 324, 324: worked out below), her
/// shares of each payment never exceed it, the donors' shares of each payment sum to at
/// most its amount, and tracing from B reaches F.
#[test]
fn red_team_16_the_trace_follows_four_hops_of_a_longer_chain_by_the_rule() {
    let mut city = relief_city();
    let chain: Vec<CampaignId> = (1..=6u64).map(|n| rolling(&mut city, 30 * n)).collect();
    let side = rolling(&mut city, 30);
    give(&mut city, ALICE, chain[0], WHOLE, 400 * COIN);
    give(&mut city, CAROL, side, WHOLE, 200 * COIN);
    give(&mut city, BOB, chain[2], WHOLE, 600 * COIN);
    city.advance_time(30 * DAY_MS);
    for from in [chain[0], side] {
        city.charity(ADMIN)
            .roll_over(from, chain[1])
            .expect_accepted();
    }
    // B: 400 alice + 200 carol, all rolled in; pays 60 then rolls 540 into C.
    city.charity(RELIEF)
        .disburse(chain[1], WHOLE, SHELTER, 60 * COIN, evidence(0xe1, 0))
        .expect_accepted();
    for hop in 1..5 {
        city.advance_time(30 * DAY_MS);
        city.charity(ADMIN)
            .roll_over(chain[hop], chain[hop + 1])
            .expect_accepted();
        if hop == 1 {
            // C: 600 bob + 540 rolled = 1,140; pays the food bank 114.
            city.charity(RELIEF)
                .disburse(chain[2], WHOLE, FOOD_BANK, 114 * COIN, evidence(0xe1, 1))
                .expect_accepted();
        }
    }
    assert_books_balance(&mut city, &chain);
    let trace = raw_trace(&mut city, chain[0], WHOLE, ALICE)
        .expect("the trace answers")
        .unwrap();
    let hops: Vec<(CampaignId, u128)> = trace
        .rolled
        .iter()
        .map(|r| (r.campaign, r.amount))
        .collect();
    // B: 400 of 600 came in; 60 paid → 40 hers; 540 left → 360 hers.
    // C: 360 of 1,140; 114 paid → 36 hers; 1,026 left → 324 hers. D, E: all of it.
    assert_eq!(
        hops,
        vec![
            (chain[1], 400 * COIN),
            (chain[2], 360 * COIN),
            (chain[3], 324 * COIN),
            (chain[4], 324 * COIN),
        ]
    );
    assert_eq!(hop(&mut city, &trace.rolled[0])[0].amount, 40 * COIN);
    assert_eq!(hop(&mut city, &trace.rolled[1])[0].amount, 36 * COIN);
    assert!(trace.rolled[2..]
        .iter()
        .all(|r| hop(&mut city, r).is_empty()));
    // Every payment's shares (alice's, carol's, bob's) sum to at most what was paid.
    let carol = raw_trace(&mut city, side, WHOLE, CAROL).unwrap().unwrap();
    let bob = raw_trace(&mut city, chain[2], WHOLE, BOB).unwrap().unwrap();
    assert_eq!(
        hop(&mut city, &trace.rolled[0])[0].amount + hop(&mut city, &carol.rolled[0])[0].amount,
        60 * COIN
    );
    assert!(
        hop(&mut city, &trace.rolled[1])[0].amount
            + hop(&mut city, &carol.rolled[1])[0].amount
            + bob.disbursed[0].amount
            <= 114 * COIN
    );
    // Tracing from the last campaign named reaches the end of the chain.
    assert_eq!(carol.rolled.len(), 4);
    let from_b = raw_trace(&mut city, chain[1], WHOLE, ALICE)
        .unwrap()
        .unwrap();
    assert_eq!(from_b.rolled.len(), 4);
    assert_eq!(from_b.rolled[3].campaign, chain[5]);
}

/// Residual, by the published pro-rata rule: `spring` (bob's 100) pays the shelter 100
/// before winter's 100 (alice's) roll in, then pays the food bank 100. Outcome: alice's
/// trace credits her with 50 of the shelter's payment, made before her coins arrived, and
/// bob with 50 of the food bank's; each payment's shares still sum to its amount. Pinned:
/// the rule is pro rata over the whole pot, not first-in-first-out.
#[test]
fn red_team_16_rolled_coins_share_earlier_payments_by_the_pro_rata_rule() {
    let mut city = relief_city();
    let winter = rolling(&mut city, 30);
    let spring = rolling(&mut city, 60);
    give(&mut city, ALICE, winter, WHOLE, 100 * COIN);
    give(&mut city, BOB, spring, WHOLE, 100 * COIN);
    city.charity(RELIEF)
        .disburse(spring, WHOLE, SHELTER, 100 * COIN, evidence(0xf1, 0))
        .expect_accepted();
    city.advance_time(30 * DAY_MS);
    city.charity(ADMIN)
        .roll_over(winter, spring)
        .expect_accepted();
    city.charity(RELIEF)
        .disburse(spring, WHOLE, FOOD_BANK, 100 * COIN, evidence(0xf1, 1))
        .expect_accepted();
    let alice = raw_trace(&mut city, winter, WHOLE, ALICE).unwrap().unwrap();
    let bob = raw_trace(&mut city, spring, WHOLE, BOB).unwrap().unwrap();
    let shares = |d: &[city_traits::Disbursement]| d.iter().map(|d| d.amount).collect::<Vec<_>>();
    assert_eq!(
        shares(&hop(&mut city, &alice.rolled[0])),
        vec![50 * COIN, 50 * COIN]
    );
    assert_eq!(shares(&bob.disbursed), vec![50 * COIN, 50 * COIN]);
}
