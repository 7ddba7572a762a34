//! The fifteenth attacker's review: the charity (`contracts/charity`) again, after
//! red_team_14's fixes, on the real Wasm with the real token, registry and e-voting.
//!
//! Findings, each pinned by a test that asserts the safe behaviour (each failed before
//! its fix):
//!
//! - D1 (medium): the evidence registry is global to the charity, and any registered
//!   charity writes into it. A rival charity opens a campaign of its own, gives it one
//!   unit, names any registered identity (even the victim's own provider) as recipient and
//!   pays it that unit "against" the victim's invoice hash. The victim's organiser can no
//!   longer pay that invoice under its hash (`EvidenceUsed`); worse, a payment governance
//!   approved is public from the proposal on, for the whole vote and timelock, and one unit
//!   makes the executed proposal fail. Each new proposal can be squatted the same way.
//!   Fix: scope "an invoice pays once" to whoever runs the payment (the organiser, or the
//!   admin seat for governed campaigns and governance's own payments), e.g. key the
//!   registry by (organiser or `None`, evidence), or by (campaign, evidence). Fixed: the
//!   hashes are kept per organiser of the paying campaign (`None`: governance's).
//! - D2 (low): the trace stops at a rollover. A donor of a campaign that rolled into
//!   another learns only "n coins went to campaign B"; in B, rolled coins count in the
//!   denominator of every share but belong to no donor, so a donor's trace of B answers 0
//!   for every payment, even when B's pot held nothing but that donor's coins. The issue
//!   asks that "for any donor, the chain answers where their gift went". Fix: record, per
//!   rollover, the source campaign and pot, and let `trace` follow it (the donor's share of
//!   B's payments is share_of_rollover × payment ÷ (given + rolled_in) of B's whole).
//!   Fixed: `trace` follows the rollovers (`Trace::rolled`, up to four campaigns), with
//!   the donor's share of each target whole's payments by that rule.
//!
//! Held (passing): `set_max_threshold` is governance's alone and binds campaigns opened
//! afterwards (open campaigns keep theirs, as documented); a governed campaign's threshold
//! is no charity's to use; a threshold of zero sends every payment to governance; many
//! campaigns roll into one and on again, with no overflow, no refund of rolled coins and
//! books that balance; the rollover boundaries at both deadlines; a refused payment burns
//! no evidence hash; the organiser's own gift and a recipient's gift are refunded pro rata
//! like any other; a pot pays at most 100 times, even for governance, and a trace reads all
//! 100; receipts number the campaign's accepted gifts only; only the seat upgrades, offers
//! the seat, sets the maximum and runs governed campaigns, and the deployer has none of it
//! after the handover; a griefer who fills an earmark to block donors pays for it with its
//! coins, which the organiser spends on the earmark's invoices.

use city_traits::{AtEnd, CampaignId, CharityError, UpgradeError, WHOLE};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    voting::proposed_call,
    AdminCalls, City, UpgradeCalls,
};
use ink::selector_bytes;

use super::{
    charity::{
        assert_books_balance, balance, give, hop, open, plan, plan_in, register_providers,
        relief_city, DAY_MS, FOOD, FOOD_BANK, HEATING, RELIEF, ROGUE, SHELTER,
    },
    governance::{governed_city, pass},
};

const EVIDENCE: [u8; 32] = [0xe1; 32];

/// ROGUE burns `evidence`: its own campaign, one unit of its own, the shelter (anyone
/// registered would do) named as recipient and paid that unit against the hash.
fn squat(city: &mut City, evidence: [u8; 32], unit: u128) -> CampaignId {
    let plan = plan_in(city, AtEnd::Refund, unit);
    let own = city.charity(ROGUE).open_campaign(&plan).expect_accepted();
    city.charity(ROGUE)
        .add_recipient(own, SHELTER)
        .expect_accepted();
    give(city, ROGUE, own, WHOLE, 1);
    city.charity(ROGUE)
        .disburse(own, WHOLE, SHELTER, 1, evidence)
        .expect_accepted();
    own
}

// ---------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------

/// D1, attack: RELIEF is about to pay the food bank's invoice (hash `EVIDENCE`) from the
/// food earmark. ROGUE, another registered charity, squats the hash first: its own
/// campaign, one unit of its own coins, paid to the food bank against `EVIDENCE`. Outcome
/// before the fix: RELIEF's payment of the genuine invoice is refused `EvidenceUsed`, for one unit
/// (which even went to the victim's own provider). Safe: another campaign's organiser
/// cannot use up RELIEF's evidence; RELIEF pays.
#[test]
fn red_team_15_a_rival_charity_cannot_burn_another_campaigns_invoice() {
    let mut city = relief_city();
    city.token(ALICE).transfer(ROGUE, COIN).expect_accepted();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 500 * COIN);
    squat(&mut city, EVIDENCE, COIN);
    let paid = city
        .charity(RELIEF)
        .disburse(campaign, FOOD, FOOD_BANK, 200 * COIN, EVIDENCE)
        .value;
    assert_eq!(paid, Ok(0), "RELIEF's invoice was burnt by another charity");
    assert_eq!(balance(&mut city, FOOD_BANK), 200 * COIN);
}

/// D1 (governance face), attack: the electorate passes a proposal paying the shelter 500
/// from the heating earmark, beyond the threshold, against evidence `[2; 32]`. The call
/// data is public from the proposal on; during the timelock ROGUE squats the hash with
/// one unit. Outcome before the fix: the executed proposal's payment is refused (`EvidenceUsed`)
/// and the shelter is not paid; a new proposal can be squatted again. Safe: the passed
/// payment goes through.
#[test]
fn red_team_15_a_rival_charity_cannot_veto_a_passed_payment_by_burning_its_evidence() {
    let mut city = governed_city();
    register_providers(&mut city);
    city.token(DAVE).transfer(ROGUE, 10).expect_accepted();
    let plan = plan_in(&mut city, AtEnd::Refund, 1);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, HEATING, 800);
    let evidence = [2u8; 32];
    let disburse = proposed_call(
        &city.charity,
        selector_bytes!("disburse"),
        (campaign, HEATING, SHELTER.account(), 500u128, evidence),
    );
    let proposal = pass(&mut city, &[disburse]);
    // The proposal is public: ROGUE squats its evidence while it waits in the timelock.
    squat(&mut city, evidence, 1);
    assert_eq!(balance(&mut city, SHELTER), 1);
    city.advance_time(harness::city::GOVERNANCE.timelock_ms);
    let executed = city.voting(MALLORY).execute(proposal).value;
    assert_eq!(
        balance(&mut city, SHELTER),
        1 + 500,
        "the payment governance approved was vetoed for one unit ({executed:?})"
    );
}

/// D2, attack (on traceability): alice is the only donor of `winter` (400 coins to its
/// whole). Winter rolls over into `spring`, whose whole then holds nothing but alice's
/// coins, and spring pays the shelter 200 of them. Outcome before the fix: winter's trace says
/// only "400 went to spring"; spring's trace gives alice 0 of the 200 (rolled coins count
/// in the denominator but are nobody's), and no query tells alice the shelter got her
/// coins. Safe: alice's trace reaches the shelter's payment (200, all hers).
#[test]
fn red_team_15_a_donors_trace_follows_its_gift_through_a_rollover() {
    let mut city = relief_city();
    let rolling = plan(&mut city, AtEnd::RollOver);
    let winter = open(&mut city, &rolling);
    let mut later = plan(&mut city, AtEnd::RollOver);
    later.deadline += 60 * DAY_MS;
    let spring = open(&mut city, &later);
    give(&mut city, ALICE, winter, WHOLE, 400 * COIN);
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, spring)
            .expect_accepted(),
        400 * COIN
    );
    city.charity(RELIEF)
        .disburse(spring, WHOLE, SHELTER, 200 * COIN, EVIDENCE)
        .expect_accepted();
    let winter_trace = city
        .charity(ALICE)
        .trace(winter, WHOLE, ALICE)
        .value
        .unwrap();
    assert_books_balance(&mut city, &[winter, spring]);
    let rolled = &winter_trace.rolled[0];
    assert_eq!((rolled.campaign, rolled.amount), (spring, 400 * COIN));
    let traced: u128 = hop(&mut city, rolled).iter().map(|d| d.amount).sum();
    assert_eq!(
        traced,
        200 * COIN,
        "the shelter was paid alice's coins and no trace says so: {winter_trace:?}"
    );
    assert_eq!(hop(&mut city, rolled)[0].recipient, SHELTER.account());
}

// ---------------------------------------------------------------------------------------
// Held
// ---------------------------------------------------------------------------------------

/// Attack: a charity (and a donor) set the maximum threshold; a charity opens just before
/// governance lowers it and after; it opens above it; it tries to run governance's
/// campaign, opened with a `u128::MAX` threshold; governance sets the maximum to zero.
/// Outcome: `NotAdmin`; an open campaign keeps its threshold (as documented) but new ones
/// obey the new maximum (`ThresholdTooHigh`); governance's campaign is not the charity's
/// (`NotOrganiser`), whatever its threshold; at zero every charity payment needs
/// governance.
#[test]
fn red_team_15_max_threshold_is_governances_and_binds_new_campaigns() {
    let mut city = relief_city();
    for intruder in [RELIEF, ROGUE, ALICE, MALLORY] {
        assert_eq!(
            city.charity(intruder)
                .set_max_threshold(u128::MAX)
                .expect_refused(),
            CharityError::NotAdmin
        );
    }
    let early_plan = plan(&mut city, AtEnd::Refund);
    let early = open(&mut city, &early_plan);
    city.charity(ADMIN)
        .set_max_threshold(100 * COIN)
        .expect_accepted();
    assert_eq!(city.charity(ADMIN).max_threshold().value, 100 * COIN);
    assert_eq!(
        city.charity(RELIEF)
            .open_campaign(&early_plan)
            .expect_refused(),
        CharityError::ThresholdTooHigh
    );
    let mut capped = early_plan.clone();
    capped.approval_threshold = 100 * COIN;
    let late = open(&mut city, &capped);
    give(&mut city, ALICE, early, WHOLE, 500 * COIN);
    give(&mut city, BOB, late, WHOLE, 500 * COIN);
    // The early campaign keeps its 300 (documented); the late one stops at 100.
    city.charity(RELIEF)
        .disburse(early, WHOLE, SHELTER, 300 * COIN, [1; 32])
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(late, WHOLE, SHELTER, 100 * COIN + 1, [2; 32])
            .expect_refused(),
        CharityError::NeedsApproval
    );
    // Governance's campaign, with an unbounded threshold, is nobody else's to run.
    let mut unbounded = early_plan.clone();
    unbounded.approval_threshold = u128::MAX;
    let governed = city
        .charity(ADMIN)
        .open_campaign(&unbounded)
        .expect_accepted();
    assert_eq!(
        city.charity(ADMIN)
            .campaign(governed)
            .value
            .unwrap()
            .organiser,
        None
    );
    give(&mut city, CAROL, governed, WHOLE, 500 * COIN);
    city.charity(ADMIN)
        .add_recipient(governed, SHELTER)
        .expect_accepted();
    for intruder in [RELIEF, ROGUE] {
        assert_eq!(
            city.charity(intruder)
                .disburse(governed, WHOLE, SHELTER, COIN, [3; 32])
                .expect_refused(),
            CharityError::NotOrganiser
        );
        assert_eq!(
            city.charity(intruder)
                .add_recipient(governed, DAVE)
                .expect_refused(),
            CharityError::NotOrganiser
        );
    }
    // A maximum of zero: a charity opens campaigns whose every payment is governance's.
    city.charity(ADMIN).set_max_threshold(0).expect_accepted();
    let mut zero = early_plan.clone();
    zero.approval_threshold = 0;
    let strict = open(&mut city, &zero);
    give(&mut city, BOB, strict, WHOLE, 10 * COIN);
    assert_eq!(
        city.charity(RELIEF)
            .disburse(strict, WHOLE, SHELTER, 1, [4; 32])
            .expect_refused(),
        CharityError::NeedsApproval
    );
    city.charity(ADMIN)
        .disburse(strict, WHOLE, SHELTER, 1, [4; 32])
        .expect_accepted();
    assert_books_balance(&mut city, &[early, late, governed, strict]);
}

/// Attack: five rolling campaigns, each with gifts and a payment, roll into one target,
/// which rolls on into a third; try to roll each twice, to refund the rolled coins in
/// the target and its successor, and to read a trace of a pot whose `given` is a single
/// unit beside large rolled coins. Outcome: each rolls once (`NotRollingOver` after), the
/// target's whole counts every roll with no overflow, rolled coins are never refunded
/// (`NotRefunding`), a donor's shares of the target's payments are its gift over
/// everything that came in, and the books balance everywhere.
#[test]
fn red_team_15_many_campaigns_roll_into_one_and_on() {
    let mut city = relief_city();
    let rolling = plan(&mut city, AtEnd::RollOver);
    let winters: Vec<CampaignId> = (0..5).map(|_| open(&mut city, &rolling)).collect();
    let mut later = plan(&mut city, AtEnd::RollOver);
    later.deadline += 60 * DAY_MS;
    let spring = open(&mut city, &later);
    let mut latest = plan(&mut city, AtEnd::RollOver);
    latest.deadline += 120 * DAY_MS;
    let summer = open(&mut city, &latest);
    let mut expected = 0;
    for (n, winter) in winters.iter().enumerate() {
        let n = n as u128;
        give(&mut city, ALICE, *winter, WHOLE, (10 + n) * COIN);
        give(&mut city, BOB, *winter, FOOD, (20 + n) * COIN);
        city.charity(RELIEF)
            .disburse(*winter, FOOD, SHELTER, n + 1, [n as u8 + 1; 32])
            .expect_accepted();
        expected += (30 + 2 * n) * COIN - (n + 1);
    }
    // A single unit given to spring: its trace of spring's payments is tiny, never zero
    // divided, never more than the unit.
    give(&mut city, CAROL, spring, WHOLE, 1);
    city.advance_time(30 * DAY_MS);
    let mut rolled = 0;
    for winter in &winters {
        rolled += city
            .charity(ADMIN)
            .roll_over(*winter, spring)
            .expect_accepted();
        assert_eq!(
            city.charity(ADMIN)
                .roll_over(*winter, summer)
                .expect_refused(),
            CharityError::NotRollingOver
        );
    }
    assert_eq!(rolled, expected);
    let whole = city.charity(ADMIN).pot(spring, WHOLE).value.unwrap();
    assert_eq!((whole.given, whole.rolled_in), (1, expected));
    city.charity(RELIEF)
        .disburse(spring, WHOLE, FOOD_BANK, 100 * COIN, [0x50; 32])
        .expect_accepted();
    let trace = city
        .charity(CAROL)
        .trace(spring, WHOLE, CAROL)
        .value
        .unwrap();
    assert_eq!(trace.disbursed.len(), 1);
    assert_eq!(trace.disbursed[0].amount, 100 * COIN / (expected + 1));
    assert!(trace.disbursed[0].amount <= 1);
    city.advance_time(60 * DAY_MS);
    assert_eq!(
        city.charity(CAROL)
            .claim_refund(spring, WHOLE)
            .expect_refused(),
        CharityError::NotRefunding
    );
    let held = whole.held() - 100 * COIN;
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(spring, summer)
            .expect_accepted(),
        held
    );
    let mut all = winters.clone();
    all.extend([spring, summer]);
    assert_books_balance(&mut city, &all);
    city.advance_time(60 * DAY_MS);
    assert_eq!(
        city.charity(CAROL)
            .claim_refund(summer, WHOLE)
            .expect_refused(),
        CharityError::NotRefunding
    );
    for winter in &winters {
        assert_eq!(
            city.charity(BOB)
                .claim_refund(*winter, FOOD)
                .expect_refused(),
            CharityError::NotRefunding
        );
    }
    assert_books_balance(&mut city, &all);
}

/// Attack: roll a campaign at the very instant of the deadlines: the source one
/// millisecond before its deadline, into a target at the target's own deadline, and at
/// the source's deadline into a target still open. Outcome: `CampaignOpen`,
/// `BadRollover`, then accepted: no instant where a campaign both takes gifts and is
/// rolled, or is rolled into while closed.
#[test]
fn red_team_15_rollovers_at_the_deadlines() {
    let mut city = relief_city();
    let rolling = plan(&mut city, AtEnd::RollOver);
    let winter = open(&mut city, &rolling);
    let same_day = open(&mut city, &rolling);
    let mut one_more = rolling.clone();
    one_more.deadline += 1;
    let next = open(&mut city, &one_more);
    give(&mut city, ALICE, winter, WHOLE, 100 * COIN);
    let now = city.now_ms();
    city.advance_time(rolling.deadline - now - 1);
    assert_eq!(
        city.charity(ADMIN).roll_over(winter, next).expect_refused(),
        CharityError::CampaignOpen
    );
    city.advance_time(1);
    assert_eq!(city.now_ms(), rolling.deadline);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, same_day)
            .expect_refused(),
        CharityError::BadRollover
    );
    let charity = contract_account(&city.charity);
    city.token(BOB).approve(charity, COIN).expect_accepted();
    assert_eq!(
        city.charity(BOB).give(winter, WHOLE, COIN).expect_refused(),
        CharityError::CampaignClosed
    );
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, next)
            .expect_accepted(),
        100 * COIN
    );
    // `next` is open for one more millisecond: it pays the rolled coins, then closes.
    city.charity(RELIEF)
        .disburse(next, WHOLE, SHELTER, 100 * COIN, EVIDENCE)
        .expect_accepted();
    assert_books_balance(&mut city, &[winter, same_day, next]);
}

/// Attack: burn one's own (or a rival's) evidence hash through payments that are refused:
/// too much for the pot, beyond the threshold, to a non-recipient, to a recipient whose
/// identity lapsed, to the organiser. Outcome: every refusal leaves the hash unused, and
/// the real payment then goes through with it; a second use is refused `EvidenceUsed`,
/// even by governance and from another pot.
#[test]
fn red_team_15_a_refused_payment_burns_no_evidence() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 500 * COIN);
    give(&mut city, BOB, campaign, WHOLE, 500 * COIN);
    city.charity(RELIEF)
        .add_recipient(campaign, DAVE)
        .expect_accepted();
    city.registry(ADMIN).revoke(DAVE).expect_accepted();
    for (recipient, amount, refused) in [
        (SHELTER.account(), 600 * COIN, CharityError::NotEnoughInPot),
        (SHELTER.account(), 301 * COIN, CharityError::NeedsApproval),
        (ROGUE.account(), COIN, CharityError::NotARecipient),
        (RELIEF.account(), COIN, CharityError::NotARecipient),
        (DAVE.account(), COIN, CharityError::NotEligible),
    ] {
        assert_eq!(
            city.charity(RELIEF)
                .disburse(campaign, FOOD, recipient, amount, EVIDENCE)
                .expect_refused(),
            refused
        );
    }
    city.charity(RELIEF)
        .disburse(campaign, FOOD, SHELTER, 300 * COIN, EVIDENCE)
        .expect_accepted();
    for payer in [RELIEF, ADMIN] {
        assert_eq!(
            city.charity(payer)
                .disburse(campaign, WHOLE, FOOD_BANK, COIN, EVIDENCE)
                .expect_refused(),
            CharityError::EvidenceUsed
        );
    }
    assert_eq!(balance(&mut city, SHELTER), 300 * COIN);
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: the organiser gives to its own campaign (to pay itself back more than it gave,
/// or to take the last donor's dust), and a recipient is also a donor (to be paid and
/// refunded from its own gift twice). Outcome: the organiser is never a recipient
/// (`NotEligible`); each donor, the organiser and the recipient included, gets exactly its
/// pro-rata share back once; the charity ends empty.
#[test]
fn red_team_15_the_organisers_and_a_recipients_gifts_are_refunded_like_any_other() {
    let mut city = relief_city();
    city.token(ALICE)
        .transfer(RELIEF, 100 * COIN)
        .expect_accepted();
    city.token(ALICE)
        .transfer(SHELTER, 100 * COIN)
        .expect_accepted();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    assert_eq!(
        city.charity(RELIEF)
            .add_recipient(campaign, RELIEF)
            .expect_refused(),
        CharityError::NotEligible
    );
    give(&mut city, RELIEF, campaign, WHOLE, 100 * COIN);
    give(&mut city, SHELTER, campaign, WHOLE, 100 * COIN);
    give(&mut city, ALICE, campaign, WHOLE, 200 * COIN);
    city.charity(RELIEF)
        .disburse(campaign, WHOLE, SHELTER, 200 * COIN, EVIDENCE)
        .expect_accepted();
    city.advance_time(30 * DAY_MS);
    // 400 given, 200 paid: half of each gift comes back.
    for (donor, back) in [
        (RELIEF, 50 * COIN),
        (SHELTER, 50 * COIN),
        (ALICE, 100 * COIN),
    ] {
        assert_eq!(
            city.charity(donor)
                .claim_refund(campaign, WHOLE)
                .expect_accepted(),
            back
        );
        assert_eq!(
            city.charity(donor)
                .claim_refund(campaign, WHOLE)
                .expect_refused(),
            CharityError::NothingToRefund
        );
    }
    assert_eq!(balance(&mut city, SHELTER), 250 * COIN);
    assert_eq!(balance(&mut city, RELIEF), 50 * COIN);
    let charity = contract_account(&city.charity);
    assert_eq!(balance(&mut city, charity), 0);
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: exhaust a pot's disbursements (100) with one-unit payments, then pay more from
/// it, as the organiser and as governance; read a donor's trace of the full pot; refund
/// after. Outcome: the 101st is refused `TooManyDisbursements` for both, the other pots
/// still pay, the trace lists all 100, and the unspent coins are refunded in full.
#[test]
fn red_team_15_a_pot_pays_at_most_a_hundred_times_and_the_trace_reads_them_all() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, HEATING, 500 * COIN);
    give(&mut city, BOB, campaign, FOOD, 100 * COIN);
    for n in 0..city_traits::MAX_DISBURSEMENTS {
        let mut evidence = [0x77; 32];
        evidence[..4].copy_from_slice(&n.to_le_bytes());
        let recipient = if n % 2 == 0 { SHELTER } else { FOOD_BANK };
        assert_eq!(
            city.charity(RELIEF)
                .disburse(campaign, HEATING, recipient, 1, evidence)
                .expect_accepted(),
            n
        );
    }
    for payer in [RELIEF, ADMIN] {
        assert_eq!(
            city.charity(payer)
                .disburse(campaign, HEATING, SHELTER, 1, [0x88; 32])
                .expect_refused(),
            CharityError::TooManyDisbursements
        );
    }
    city.charity(RELIEF)
        .disburse(campaign, FOOD, SHELTER, 1, [0x88; 32])
        .expect_accepted();
    let trace = city
        .charity(ALICE)
        .trace(campaign, HEATING, ALICE)
        .value
        .unwrap();
    assert_eq!(trace.disbursed.len(), 100);
    assert!(trace.disbursed.iter().all(|d| d.amount == 1));
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, HEATING)
            .expect_accepted(),
        500 * COIN - 100
    );
    assert_eq!(
        city.charity(BOB)
            .claim_refund(campaign, FOOD)
            .expect_accepted(),
        100 * COIN - 1
    );
    let charity = contract_account(&city.charity);
    assert_eq!(balance(&mut city, charity), 0);
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: make receipt numbers skip or repeat: gifts to several pots, refused gifts (over
/// target, zero, without allowance, to an unknown pot), gifts to a second campaign.
/// Outcome: a campaign's receipts are 0, 1, 2, ... over its accepted gifts only, whatever
/// the pot; `Campaign.gifts` counts them; another campaign numbers its own from zero.
#[test]
fn red_team_15_receipts_number_the_accepted_gifts_only() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let first = open(&mut city, &plan);
    let second = open(&mut city, &plan);
    assert_eq!(give(&mut city, ALICE, first, FOOD, 1_000 * COIN), 0);
    let charity = contract_account(&city.charity);
    city.token(BOB)
        .approve(charity, 10 * COIN)
        .expect_accepted();
    assert_eq!(
        city.charity(BOB).give(first, FOOD, 1).expect_refused(),
        CharityError::OverTarget
    );
    assert_eq!(
        city.charity(BOB).give(first, WHOLE, 0).expect_refused(),
        CharityError::ZeroAmount
    );
    assert_eq!(
        city.charity(BOB).give(first, 3, COIN).expect_refused(),
        CharityError::UnknownPot
    );
    assert!(matches!(
        city.charity(CAROL)
            .give(first, WHOLE, COIN)
            .expect_refused(),
        CharityError::TokenRefused(_)
    ));
    assert_eq!(city.charity(ADMIN).campaign(first).value.unwrap().gifts, 1);
    assert_eq!(give(&mut city, BOB, first, HEATING, COIN), 1);
    assert_eq!(give(&mut city, CAROL, second, WHOLE, COIN), 0);
    assert_eq!(give(&mut city, BOB, first, WHOLE, COIN), 2);
    assert_eq!(city.charity(ADMIN).campaign(first).value.unwrap().gifts, 3);
    assert_eq!(city.charity(ADMIN).campaign(second).value.unwrap().gifts, 1);
    assert_books_balance(&mut city, &[first, second]);
}

/// Attack: upgrade the charity, offer its seat, set the maximum, roll over, open a
/// governed campaign, or run one, as a charity, a donor or, after the handover, the
/// deployer (who opened a governed campaign before it). Outcome: `NotAdmin`,
/// `NotOrganiser` or `NotACharity` each time; the seat is e-voting's and nothing changed.
#[test]
fn red_team_15_only_the_seat_upgrades_and_runs_governed_campaigns() {
    let mut city = relief_city();
    // Any hash: the seat is checked first.
    let code = ink::primitives::Hash::from([7; 32]);
    for intruder in [RELIEF, ALICE, MALLORY] {
        assert_eq!(
            city.charity(intruder).upgrade(code).value,
            Err(UpgradeError::NotAdmin)
        );
        assert!(city.charity(intruder).offer_admin(intruder).value.is_err());
    }
    assert_eq!(
        city.charity(MALLORY).migrate().value,
        Err(UpgradeError::NotUpgrading)
    );
    let rolling = plan(&mut city, AtEnd::RollOver);
    let governed = city
        .charity(ADMIN)
        .open_campaign(&rolling)
        .expect_accepted();
    city.charity(ADMIN)
        .add_recipient(governed, SHELTER)
        .expect_accepted();
    let mut later = rolling.clone();
    later.deadline += 60 * DAY_MS;
    let spring = city.charity(ADMIN).open_campaign(&later).expect_accepted();
    give(&mut city, ALICE, governed, WHOLE, 300 * COIN);
    city.hand_over_to_governance().expect("the seats move");
    let voting = contract_account(&city.voting);
    assert_eq!(city.charity(ADMIN).admin().value, voting);
    assert_eq!(
        city.charity(ADMIN).upgrade(code).value,
        Err(UpgradeError::NotAdmin)
    );
    assert_eq!(
        city.charity(ADMIN)
            .set_max_threshold(u128::MAX)
            .expect_refused(),
        CharityError::NotAdmin
    );
    assert_eq!(
        city.charity(ADMIN)
            .disburse(governed, WHOLE, SHELTER, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::NotOrganiser
    );
    assert_eq!(
        city.charity(ADMIN).open_campaign(&later).expect_refused(),
        CharityError::NotACharity
    );
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(governed, spring)
            .expect_refused(),
        CharityError::NotAdmin
    );
    assert_eq!(
        city.charity(ADMIN).max_threshold().value,
        harness::city::CHARITY_MAX_THRESHOLD
    );
    assert_books_balance(&mut city, &[governed, spring]);
}

/// Attack: a griefer (mallory, 100 coins, no identity) fills the heating earmark's whole
/// target the moment a small campaign opens, so that honest donors cannot earmark their
/// gifts to heating, meaning to take its coins back at the deadline. Outcome: donors are
/// refused `OverTarget` (they may still give to the whole), but the griefer's coins are
/// the earmark's like any gift: the organiser pays heating invoices with them, and the
/// griefer gets back only the unspent share. Blocking an earmark costs what it holds.
#[test]
fn red_team_15_filling_an_earmark_to_block_donors_spends_the_griefers_coins() {
    let mut city = relief_city();
    let mut small = plan(&mut city, AtEnd::Refund);
    small.earmarks[1].target = 100 * COIN;
    let campaign = open(&mut city, &small);
    give(&mut city, MALLORY, campaign, HEATING, 100 * COIN);
    let charity = contract_account(&city.charity);
    city.token(ALICE).approve(charity, COIN).expect_accepted();
    assert_eq!(
        city.charity(ALICE)
            .give(campaign, HEATING, COIN)
            .expect_refused(),
        CharityError::OverTarget
    );
    give(&mut city, ALICE, campaign, WHOLE, COIN);
    city.charity(RELIEF)
        .disburse(campaign, HEATING, SHELTER, 80 * COIN, EVIDENCE)
        .expect_accepted();
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(MALLORY)
            .claim_refund(campaign, HEATING)
            .expect_accepted(),
        20 * COIN
    );
    assert_eq!(balance(&mut city, MALLORY), 20 * COIN);
    assert_books_balance(&mut city, &[campaign]);
}
