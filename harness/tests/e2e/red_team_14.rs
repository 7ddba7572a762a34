//! The fourteenth attacker's review: the charity (`contracts/charity`), on the real Wasm,
//! with the real token and registry (and, for re-entry, the hostile token).
//!
//! Findings, each pinned by a test that asserts the safe behaviour (it failed before the
//! fix; C6 is a decision, and its test pins what holds):
//!
//! - C1 (medium): the organiser's standing is its registry *role* alone. A charity whose
//!   registration (identity) a registrar revoked, or an account that never had one but
//!   holds the service-provider role, still opens campaigns and pays its recipients,
//!   although the crate docs say "a charity whose registration lapsed pays no more".
//!   Fixed: an organiser acts only while it is a live identity with the role.
//! - C2 (medium): a campaign the admin opens before the handover keeps the deployer's
//!   account as its organiser. After the seats move to governance, the deployer still adds
//!   recipients to "governance's" campaign and, with a service-provider role it can grant
//!   itself as a registrar, pays an accomplice from the donors' pot without any vote.
//!   Fixed: a campaign the admin opens has no organiser; the seat's holder runs it.
//! - C3 (low): when every donor still to claim has a pro-rata share that rounds to zero,
//!   nobody is ever "the last donor" and the rest of the pot stays in the charity forever.
//!   Fixed: a share of zero is claimed like any other.
//! - C4 (low): one evidence hash justifies any number of payments (an invoice paid twice).
//!   Fixed: an evidence hash pays once, in any campaign (`EvidenceUsed`).
//! - C5 (low): the organiser chooses the approval threshold: with `u128::MAX` it pays one
//!   recipient a whole pot without governance ever being asked. Fixed: a charity's
//!   threshold is at most the `max_threshold` governance sets (`ThresholdTooHigh`).
//! - C6 (low): coins sent to the charity with a plain `transfer` belong to no pot, break
//!   "the charity's token balance is the sum of what its pots hold" and nobody can move them.
//!   Open by decision (as any token sent to a contract that does not expect it): the rule
//!   now reads "unless someone transferred coins to it directly", and the test shows the
//!   stray coins change no pot and no refund.
//!
//! Held (passing): another organiser, a recipient or a donor cannot steer a campaign; the
//! threshold survives removing and re-adding a recipient and counts every pot; nothing is
//! given, added or paid at or after the deadline; refunds are once per gift, per pot, pro
//! rata and never above what the pot holds, and the books balance after odd roundings;
//! rollovers need governance, a closed rolling campaign, another open rolling one, once,
//! and the rolled coins are never refundable; contracts, the organiser and unregistered
//! accounts are never recipients; the civic policy pays only service providers and a
//! refund it blocks stays claimable; earmarks stay within their target and their own coins;
//! huge amounts are refused cleanly; a donor's trace matches what it can claim; a token
//! calling back into `give`, `disburse` or `claim_refund` traps the whole call.

use city_traits::{
    AtEnd, CampaignId, CharityError, CivicRole, IdentityKind, PSP22Error, PotAccount, Role,
    TransferPolicy, WHOLE,
};
use harness::{
    call::input,
    city::{contract_account, Actor, Deployed, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    fixture::document,
    City,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use super::charity::{
    assert_books_balance, balance, give, open, plan, pots, relief_city, DAY_MS, FOOD, FOOD_BANK,
    HEATING, RELIEF, ROGUE, SHELTER,
};

const EVIDENCE: [u8; 32] = [0xe1; 32];

// ---------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------

/// C1, attack: a registrar revokes the identity of a charity (its registration), but the
/// registry's service-provider role outlives the identity; the charity goes on paying its
/// recipients from the donors' pot, and opens new campaigns. Outcome today: both are
/// accepted (`has_civic_role` alone is checked). Safe: `NotACharity`.
#[test]
fn red_team_14_a_charity_whose_registration_was_revoked_pays_no_more() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    city.registry(ADMIN).revoke(RELIEF).expect_accepted();
    assert_eq!(city.registry(ADMIN).kind_of(RELIEF).value, None);
    assert!(
        city.registry(ADMIN)
            .has_civic_role(RELIEF, CivicRole::ServiceProvider)
            .value
    );
    let paid = city
        .charity(RELIEF)
        .disburse(campaign, WHOLE, SHELTER, 200 * COIN, EVIDENCE)
        .value;
    let opened = city.charity(RELIEF).open_campaign(&plan).value;
    assert_eq!(
        paid,
        Err(CharityError::NotACharity),
        "paid after its registration lapsed"
    );
    assert_eq!(opened, Err(CharityError::NotACharity));
}

/// C1 (second face), attack: an account with no identity at all, holding only the
/// registry's service-provider role, opens a campaign and collects gifts. Outcome today:
/// accepted. Safe: `NotACharity` (a charity is a *registered* service provider).
#[test]
fn red_team_14_an_unregistered_service_provider_opens_no_campaign() {
    let mut city = relief_city();
    city.registry(ADMIN)
        .grant_role(CivicRole::ServiceProvider, MALLORY)
        .expect_accepted();
    assert_eq!(city.registry(ADMIN).kind_of(MALLORY).value, None);
    let plan = plan(&mut city, AtEnd::Refund);
    assert_eq!(
        city.charity(MALLORY).open_campaign(&plan).value,
        Err(CharityError::NotACharity)
    );
}

/// C2, attack: the deployer, while admin, opens a campaign "for governance"; donors give
/// to it. The seats move to governance. The deployer is no longer admin but is still the
/// campaign's organiser: it adds an accomplice (dave) as recipient, grants itself the
/// registry's service-provider role (it is still a registrar) and pays dave from the pot,
/// with no proposal. Outcome today: both accepted, dave is paid 300 coins. Safe: the old
/// admin has no power over the campaign (`NotOrganiser`), dave is paid nothing.
#[test]
fn red_team_14_the_old_admin_keeps_no_power_over_governances_campaign() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = city.charity(ADMIN).open_campaign(&plan).expect_accepted();
    city.charity(ADMIN)
        .add_recipient(campaign, SHELTER)
        .expect_accepted();
    give(&mut city, ALICE, campaign, WHOLE, 800 * COIN);
    city.hand_over_to_governance().expect("the seats move");
    let voting = contract_account(&city.voting);
    assert_eq!(
        harness::AdminCalls::admin(city.charity(ADMIN)).value,
        voting
    );

    let added = city.charity(ADMIN).add_recipient(campaign, DAVE).value;
    city.registry(ADMIN)
        .grant_role(CivicRole::ServiceProvider, ADMIN)
        .expect_accepted();
    let paid = city
        .charity(ADMIN)
        .disburse(campaign, WHOLE, DAVE, 300 * COIN, EVIDENCE)
        .value;
    let dave = balance(&mut city, DAVE);
    assert_eq!(
        dave, 0,
        "the old admin paid its accomplice from the donors' pot ({added:?}, {paid:?})"
    );
    assert_eq!(added, Err(CharityError::NotOrganiser));
    assert_eq!(paid, Err(CharityError::NotOrganiser));
}

/// C3, attack (or mere bad luck): three donors give 1 unit each, 1 unit is paid out, so
/// 2 units are left and each share is floor(1 × 2 ÷ 3) = 0. Each claim is refused and
/// leaves the gift unclaimed, so no donor ever becomes "the last donor" who takes what
/// is left. Outcome today: the 2 units stay in the charity forever. Safe: after every
/// donor claimed, the pot is empty ("no dust stays").
#[test]
fn red_team_14_no_dust_stays_when_every_share_rounds_to_zero() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    for donor in [ALICE, BOB, CAROL] {
        give(&mut city, donor, campaign, WHOLE, 1);
    }
    city.charity(RELIEF)
        .disburse(campaign, WHOLE, SHELTER, 1, EVIDENCE)
        .expect_accepted();
    city.advance_time(30 * DAY_MS);
    for _ in 0..2 {
        for donor in [ALICE, BOB, CAROL] {
            let _ = city.charity(donor).claim_refund(campaign, WHOLE).value;
        }
    }
    let whole = city.charity(ADMIN).pot(campaign, WHOLE).value.unwrap();
    assert_books_balance(&mut city, &[campaign]);
    assert_eq!(whole.held(), 0, "coins nobody can ever move: {whole:?}");
}

/// C4, attack: the organiser pays the food bank twice against the same evidence hash (one
/// invoice, two payments). Outcome today: both accepted. Safe: the second is refused (an
/// evidence hash justifies one disbursement of the campaign).
#[test]
fn red_team_14_one_invoice_is_paid_once() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 500 * COIN);
    city.charity(RELIEF)
        .disburse(campaign, FOOD, FOOD_BANK, 100 * COIN, EVIDENCE)
        .expect_accepted();
    let again = city
        .charity(RELIEF)
        .disburse(campaign, FOOD, FOOD_BANK, 100 * COIN, EVIDENCE)
        .value;
    assert!(again.is_err(), "the same evidence paid twice");
}

/// C5, attack: a charity opens a campaign whose approval threshold is `u128::MAX`, so it
/// alone pays its recipient the whole pot: governance's approval is never needed.
/// Outcome today: accepted. Safe: a payment of a whole 1,000-coin pot to one recipient
/// needs governance (`NeedsApproval`), or such a plan is refused.
#[test]
fn red_team_14_the_organiser_cannot_opt_out_of_governances_approval() {
    let mut city = relief_city();
    let mut plan = plan(&mut city, AtEnd::Refund);
    plan.approval_threshold = u128::MAX;
    let opened = city.charity(RELIEF).open_campaign(&plan).value;
    assert_eq!(opened, Err(CharityError::ThresholdTooHigh));
}

/// C6, attack: mallory transfers 5 coins straight to the charity (no `give`). Outcome:
/// the coins are no gift to any pot, so they change no donor's share or refund, and no
/// message moves them (like any token sent to a contract that does not expect it; the
/// README and the crate docs say so, by decision). The pots' books still balance and the
/// charity holds what its pots hold plus the stray coins.
#[test]
fn red_team_14_stray_coins_change_no_pot_and_no_refund() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, WHOLE, 100 * COIN);
    let charity = contract_account(&city.charity);
    city.token(MALLORY)
        .transfer(charity, 5 * COIN)
        .expect_accepted();
    let held: u128 = pots(&mut city, campaign).iter().map(PotAccount::held).sum();
    assert_eq!(held, 100 * COIN);
    assert_eq!(balance(&mut city, charity), held + 5 * COIN);
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_accepted(),
        100 * COIN
    );
    assert_eq!(balance(&mut city, charity), 5 * COIN);
}

// ---------------------------------------------------------------------------------------
// Held
// ---------------------------------------------------------------------------------------

/// Attack: another charity (ROGUE, a registry service provider), a recipient and a donor
/// each try to add a recipient to, remove one from, or pay from RELIEF's campaign, and a
/// non-admin tries a rollover. Outcome: `NotOrganiser`/`NotAdmin` and nothing changes.
#[test]
fn red_team_14_nobody_else_steers_a_campaign() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    let before = pots(&mut city, campaign);
    for intruder in [ROGUE, SHELTER, ALICE, MALLORY] {
        assert_eq!(
            city.charity(intruder)
                .add_recipient(campaign, DAVE)
                .expect_refused(),
            CharityError::NotOrganiser
        );
        assert_eq!(
            city.charity(intruder)
                .remove_recipient(campaign, SHELTER)
                .expect_refused(),
            CharityError::NotOrganiser
        );
        assert_eq!(
            city.charity(intruder)
                .disburse(campaign, WHOLE, SHELTER, COIN, EVIDENCE)
                .expect_refused(),
            CharityError::NotOrganiser
        );
        assert_eq!(
            city.charity(intruder)
                .roll_over(campaign, campaign)
                .expect_refused(),
            CharityError::NotAdmin
        );
    }
    // ROGUE's own campaign gives it no handle on RELIEF's pots.
    let rogue = city.charity(ROGUE).open_campaign(&plan).expect_accepted();
    city.charity(ROGUE)
        .add_recipient(rogue, DAVE)
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, WHOLE, DAVE, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::NotARecipient,
        "a recipient of another campaign is none of this one"
    );
    assert_eq!(
        city.charity(ROGUE)
            .disburse(rogue, WHOLE, DAVE, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::NotEnoughInPot,
        "ROGUE's pot is its own, and empty"
    );
    assert_eq!(pots(&mut city, campaign), before);
    assert_eq!(balance(&mut city, DAVE), 0);
    assert_books_balance(&mut city, &[campaign, rogue]);
}

/// Attack: the organiser pays the shelter the threshold from one pot, then tries more from
/// another pot, then removes and re-adds the shelter to reset its total. Outcome:
/// `NeedsApproval` each time; the total counts every pot and survives the removal, and a
/// removed recipient is paid nothing.
#[test]
fn red_team_14_the_threshold_is_per_recipient_across_pots_and_removal() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 900 * COIN);
    give(&mut city, BOB, campaign, HEATING, 800 * COIN);
    city.charity(RELIEF)
        .disburse(campaign, FOOD, SHELTER, 200 * COIN, EVIDENCE)
        .expect_accepted();
    city.charity(RELIEF)
        .disburse(campaign, HEATING, SHELTER, 100 * COIN, [2; 32])
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, HEATING, SHELTER, 1, [3; 32])
            .expect_refused(),
        CharityError::NeedsApproval
    );
    city.charity(RELIEF)
        .remove_recipient(campaign, SHELTER)
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, FOOD, SHELTER, 1, [4; 32])
            .expect_refused(),
        CharityError::NotARecipient
    );
    city.charity(RELIEF)
        .add_recipient(campaign, SHELTER)
        .expect_accepted();
    assert_eq!(
        city.charity(ADMIN)
            .recipient(campaign, SHELTER)
            .value
            .unwrap()
            .paid,
        300 * COIN
    );
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, FOOD, SHELTER, 1, [5; 32])
            .expect_refused(),
        CharityError::NeedsApproval
    );
    // A u128-sized request overflows nothing and pays nothing.
    assert_eq!(
        city.charity(ADMIN)
            .disburse(campaign, FOOD, SHELTER, u128::MAX, [6; 32])
            .expect_refused(),
        CharityError::NotEnoughInPot
    );
    assert_eq!(balance(&mut city, SHELTER), 300 * COIN);
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: give, add a recipient and pay at exactly the deadline, and after it (a late
/// governance payment, say). Outcome: all refused `CampaignClosed`; at the deadline the
/// refunds open (no instant where both or neither are possible).
#[test]
fn red_team_14_nothing_moves_in_at_or_after_the_deadline() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, WHOLE, 300 * COIN);
    let now = city.now_ms();
    city.advance_time(plan.deadline - now);
    assert_eq!(city.now_ms(), plan.deadline);
    let charity = contract_account(&city.charity);
    city.token(BOB).approve(charity, COIN).expect_accepted();
    let before = pots(&mut city, campaign);
    assert_eq!(
        city.charity(BOB)
            .give(campaign, WHOLE, COIN)
            .expect_refused(),
        CharityError::CampaignClosed
    );
    assert_eq!(
        city.charity(RELIEF)
            .add_recipient(campaign, DAVE)
            .expect_refused(),
        CharityError::CampaignClosed
    );
    for payer in [RELIEF, ADMIN] {
        assert_eq!(
            city.charity(payer)
                .disburse(campaign, WHOLE, SHELTER, COIN, EVIDENCE)
                .expect_refused(),
            CharityError::CampaignClosed
        );
    }
    assert_eq!(pots(&mut city, campaign), before);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_accepted(),
        300 * COIN
    );
    city.advance_time(DAY_MS);
    assert_eq!(
        city.charity(ADMIN)
            .disburse(campaign, WHOLE, SHELTER, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::CampaignClosed
    );
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: claim a refund twice, from a pot one never gave to, as a stranger, before the
/// deadline; and race the "last donor" with uneven gifts whose shares do not divide.
/// Outcome: one refund per gift, each the pro-rata share, the last takes the dust, the
/// charity ends empty, no refund exceeds what the pot held, and the trace foretold each.
#[test]
fn red_team_14_refunds_are_once_pro_rata_and_never_exceed_the_pot() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    // 7 + 11 + 13 = 31 units to heating; 10 paid: 21 left, shares of 21/31 do not divide.
    give(&mut city, ALICE, campaign, HEATING, 7);
    give(&mut city, BOB, campaign, HEATING, 11);
    give(&mut city, CAROL, campaign, HEATING, 13);
    give(&mut city, ALICE, campaign, FOOD, 50);
    city.charity(RELIEF)
        .disburse(campaign, HEATING, SHELTER, 10, EVIDENCE)
        .expect_accepted();
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, HEATING)
            .expect_refused(),
        CharityError::CampaignOpen
    );
    city.advance_time(30 * DAY_MS);
    assert_eq!(
        city.charity(MALLORY)
            .claim_refund(campaign, HEATING)
            .expect_refused(),
        CharityError::NothingToRefund
    );
    assert_eq!(
        city.charity(BOB)
            .claim_refund(campaign, FOOD)
            .expect_refused(),
        CharityError::NothingToRefund
    );
    assert_eq!(
        city.charity(BOB).claim_refund(campaign, 9).expect_refused(),
        CharityError::UnknownPot
    );
    let mut refunded = 0;
    for (donor, gift) in [(CAROL, 13u128), (ALICE, 7), (BOB, 11)] {
        let trace = city
            .charity(donor)
            .trace(campaign, HEATING, donor)
            .value
            .unwrap();
        let shares: u128 = trace.disbursed.iter().map(|d| d.amount).sum();
        assert!(shares + trace.refundable <= gift + 2, "{trace:?}");
        let held = city
            .charity(ADMIN)
            .pot(campaign, HEATING)
            .value
            .unwrap()
            .held();
        let claimed = city
            .charity(donor)
            .claim_refund(campaign, HEATING)
            .expect_accepted();
        assert_eq!(claimed, trace.refundable, "the trace foretold the refund");
        assert!(claimed <= held);
        assert_eq!(
            city.charity(donor)
                .claim_refund(campaign, HEATING)
                .expect_refused(),
            CharityError::NothingToRefund
        );
        let after = city
            .charity(donor)
            .trace(campaign, HEATING, donor)
            .value
            .unwrap();
        assert_eq!((after.refunded, after.refundable), (claimed, 0));
        refunded += claimed;
        assert_books_balance(&mut city, &[campaign]);
    }
    assert_eq!(refunded, 21);
    city.charity(ALICE)
        .claim_refund(campaign, FOOD)
        .expect_accepted();
    let charity = contract_account(&city.charity);
    assert_eq!(balance(&mut city, charity), 0);
}

/// Attack: roll over as the organiser, before the deadline, a refunding campaign, into a
/// refunding one, into a closed one, into itself, and twice; then refund the rolled coins
/// from the campaign they went to, and give to a rolled campaign. Outcome: each refused;
/// the one good rollover moves exactly the unspent coins, the rolled coins can only be
/// paid to recipients, and the books balance.
#[test]
fn red_team_14_rollovers_go_once_to_an_open_rolling_campaign_and_never_to_donors() {
    let mut city = relief_city();
    let rolling = plan(&mut city, AtEnd::RollOver);
    let winter = open(&mut city, &rolling);
    let refunding = plan(&mut city, AtEnd::Refund);
    let refunds = open(&mut city, &refunding);
    let mut later = plan(&mut city, AtEnd::RollOver);
    later.deadline += 60 * DAY_MS;
    let spring = open(&mut city, &later);
    let mut later_refund = plan(&mut city, AtEnd::Refund);
    later_refund.deadline += 60 * DAY_MS;
    let spring_refunds = open(&mut city, &later_refund);
    give(&mut city, ALICE, winter, FOOD, 400 * COIN);
    give(&mut city, BOB, winter, WHOLE, 100 * COIN);
    give(&mut city, CAROL, spring, WHOLE, 50 * COIN);
    give(&mut city, BOB, refunds, WHOLE, 70 * COIN);
    city.charity(RELIEF)
        .disburse(winter, FOOD, SHELTER, 150 * COIN, EVIDENCE)
        .expect_accepted();
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, spring)
            .expect_refused(),
        CharityError::CampaignOpen
    );
    city.advance_time(30 * DAY_MS);
    let all = [winter, refunds, spring, spring_refunds];
    let before: Vec<_> = all.iter().map(|c| pots(&mut city, *c)).collect();
    for (caller, from, into, refused) in [
        (RELIEF, winter, spring, CharityError::NotAdmin),
        (ADMIN, refunds, spring, CharityError::NotRollingOver),
        (ADMIN, winter, spring_refunds, CharityError::BadRollover),
        (ADMIN, winter, refunds, CharityError::BadRollover),
        (ADMIN, winter, winter, CharityError::BadRollover),
        (ADMIN, winter, 99, CharityError::UnknownCampaign),
    ] {
        assert_eq!(
            city.charity(caller).roll_over(from, into).expect_refused(),
            refused,
            "{from} into {into}"
        );
    }
    let after: Vec<_> = all.iter().map(|c| pots(&mut city, *c)).collect();
    assert_eq!(before, after);
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, spring)
            .expect_accepted(),
        350 * COIN
    );
    assert_eq!(
        city.charity(ADMIN)
            .roll_over(winter, spring)
            .expect_refused(),
        CharityError::NotRollingOver
    );
    assert_books_balance(&mut city, &all);
    // The rolled coins go to no donor: neither winter's nor spring's.
    for (donor, campaign, pot) in [(ALICE, winter, FOOD), (BOB, winter, WHOLE)] {
        assert_eq!(
            city.charity(donor)
                .claim_refund(campaign, pot)
                .expect_refused(),
            CharityError::NotRefunding
        );
    }
    city.advance_time(60 * DAY_MS);
    assert_eq!(
        city.charity(CAROL)
            .claim_refund(spring, WHOLE)
            .expect_refused(),
        CharityError::NotRefunding
    );
    // Nor can winter take gifts now.
    let charity = contract_account(&city.charity);
    city.token(BOB).approve(charity, COIN).expect_accepted();
    assert_eq!(
        city.charity(BOB).give(winter, WHOLE, COIN).expect_refused(),
        CharityError::CampaignClosed
    );
    assert_books_balance(&mut city, &all);
}

/// Attack: the organiser names as recipient itself, the charity contract, the token, an
/// unregistered account, and a recipient whose identity then expires. Outcome:
/// `NotEligible` each time, and the expired recipient is paid no more.
#[test]
fn red_team_14_recipients_are_live_identities_never_contracts_or_the_organiser() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, WHOLE, 500 * COIN);
    let charity = contract_account(&city.charity);
    let token = contract_account(&city.token);
    let voting = contract_account(&city.voting);
    for account in [RELIEF.account(), charity, token, voting, MALLORY.account()] {
        assert_eq!(
            city.charity(RELIEF)
                .add_recipient(campaign, account)
                .expect_refused(),
            CharityError::NotEligible
        );
        // Not even governance may.
        assert_eq!(
            city.charity(ADMIN)
                .add_recipient(campaign, account)
                .expect_refused(),
            CharityError::NotEligible
        );
    }
    // A visitor registered for a day is a recipient while the identity lives.
    const VISITOR: Actor = Actor("rt14-visitor");
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(
            VISITOR,
            IdentityKind::Visitor,
            document(VISITOR.account()),
            expiry,
        )
        .expect_accepted();
    city.charity(RELIEF)
        .add_recipient(campaign, VISITOR)
        .expect_accepted();
    city.charity(RELIEF)
        .disburse(campaign, WHOLE, VISITOR, COIN, EVIDENCE)
        .expect_accepted();
    city.advance_time(2 * DAY_MS);
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, WHOLE, VISITOR, COIN, [0xe2; 32])
            .expect_refused(),
        CharityError::NotEligible
    );
    assert_eq!(balance(&mut city, VISITOR), COIN);
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: under the civic transfer policy, pay a plain citizen through the charity; and
/// lock the donors' refunds by switching the policy on. Outcome: a plain recipient is
/// refused `PolicyForbidsPayment` (a token service provider is paid); while the policy
/// blocks a refund to a plain donor the claim is refused with nothing kept, and once the
/// policy opens (or the charity is a token service provider) it is claimed in full.
#[test]
fn red_team_14_the_civic_policy_pays_only_providers_and_refunds_stay_claimable() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    city.charity(RELIEF)
        .add_recipient(campaign, DAVE)
        .expect_accepted();
    give(&mut city, ALICE, campaign, WHOLE, 400 * COIN);
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, WHOLE, DAVE, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::PolicyForbidsPayment
    );
    // Governance's payment obeys the policy too.
    assert_eq!(
        city.charity(ADMIN)
            .disburse(campaign, WHOLE, DAVE, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::PolicyForbidsPayment
    );
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, SHELTER)
        .expect_accepted();
    city.charity(RELIEF)
        .disburse(campaign, WHOLE, SHELTER, 100 * COIN, EVIDENCE)
        .expect_accepted();
    // A plain donor cannot give under the policy (the charity is no token provider).
    let charity = contract_account(&city.charity);
    city.token(BOB).approve(charity, COIN).expect_accepted();
    assert_eq!(
        city.charity(BOB)
            .give(campaign, WHOLE, COIN)
            .expect_refused(),
        CharityError::TokenRefused(PSP22Error::Custom("PolicyForbidsTransfer".into()))
    );
    city.advance_time(30 * DAY_MS);
    let before = pots(&mut city, campaign);
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_refused(),
        CharityError::TokenRefused(PSP22Error::Custom("PolicyForbidsTransfer".into()))
    );
    assert_eq!(
        pots(&mut city, campaign),
        before,
        "nothing of the claim kept"
    );
    assert_eq!(
        city.charity(ALICE)
            .trace(campaign, WHOLE, ALICE)
            .value
            .unwrap()
            .refundable,
        300 * COIN
    );
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, charity)
        .expect_accepted();
    assert_eq!(
        city.charity(ALICE)
            .claim_refund(campaign, WHOLE)
            .expect_accepted(),
        300 * COIN
    );
    assert_books_balance(&mut city, &[campaign]);
}

/// Attack: overfill an earmark in several gifts, pay from an earmark more than it holds
/// while the whole has plenty, and give absurd amounts. Outcome: `OverTarget`,
/// `NotEnoughInPot`, `Overflow`, `TokenRefused`, and nothing kept.
#[test]
fn red_team_14_earmarks_keep_their_targets_and_their_own_coins() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, HEATING, 500 * COIN);
    give(&mut city, BOB, campaign, HEATING, 300 * COIN);
    give(&mut city, CAROL, campaign, WHOLE, 900 * COIN);
    let charity = contract_account(&city.charity);
    city.token(CAROL)
        .approve(charity, u128::MAX)
        .expect_accepted();
    let before = pots(&mut city, campaign);
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, HEATING, 1)
            .expect_refused(),
        CharityError::OverTarget
    );
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, FOOD, u128::MAX)
            .expect_refused(),
        CharityError::OverTarget
    );
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, WHOLE, u128::MAX)
            .expect_refused(),
        CharityError::Overflow
    );
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, WHOLE, u128::MAX - 900 * COIN)
            .expect_refused(),
        CharityError::TokenRefused(PSP22Error::InsufficientBalance)
    );
    assert_eq!(
        city.charity(CAROL)
            .give(campaign, WHOLE, 0)
            .expect_refused(),
        CharityError::ZeroAmount
    );
    assert_eq!(
        city.charity(RELIEF)
            .disburse(campaign, FOOD, SHELTER, COIN, EVIDENCE)
            .expect_refused(),
        CharityError::NotEnoughInPot,
        "food got nothing, though the whole holds 900"
    );
    assert_eq!(
        city.charity(ADMIN)
            .disburse(campaign, HEATING, SHELTER, 800 * COIN + 1, EVIDENCE)
            .expect_refused(),
        CharityError::NotEnoughInPot
    );
    assert_eq!(pots(&mut city, campaign), before);
    assert_books_balance(&mut city, &[campaign]);
}

/// Deploys the hostile token and a charity over it (with the real registry).
fn charity_over_hostile_token(city: &mut City) -> (Deployed, Deployed) {
    let hostile = city
        .deploy("reentrant-token", input(selector_bytes!("new"), ()))
        .unwrap();
    let args = (
        contract_account(&hostile),
        contract_account(&city.registry),
        harness::city::CHARITY_MAX_THRESHOLD,
    );
    let victim = city
        .deploy("charity", input(selector_bytes!("new"), args))
        .unwrap();
    (hostile, victim)
}

fn arm(city: &mut City, hostile: &Deployed, target: AccountId, selector: [u8; 4], args: Vec<u8>) {
    city.call::<()>(
        &hostile.address,
        MALLORY,
        input(selector_bytes!("arm"), (target, selector, args)),
    )
    .unwrap();
}

fn disarm(city: &mut City, hostile: &Deployed) {
    city.call::<()>(
        &hostile.address,
        MALLORY,
        input(selector_bytes!("disarm"), ()),
    )
    .unwrap();
}

fn call_victim<V: Decode>(
    city: &mut City,
    victim: &Deployed,
    caller: Actor,
    selector: [u8; 4],
    args: impl Encode,
) -> V {
    city.call::<V>(&victim.address, caller, input(selector, args))
        .unwrap()
        .value
}

/// Runs `selector(args)` of the victim as `caller` while the token calls back
/// `back(back_args)` into the victim: the whole call must trap.
fn assert_traps(
    city: &mut City,
    (hostile, victim): (&Deployed, &Deployed),
    caller: Actor,
    call: Vec<u8>,
    (back, back_args): ([u8; 4], Vec<u8>),
) {
    arm(city, hostile, contract_account(victim), back, back_args);
    let outcome = city.call::<Result<u128, CharityError>>(&victim.address, caller, call);
    let error = outcome.expect_err("the call back was let through");
    assert!(error.to_string().contains("ContractTrapped"), "{error:#}");
    disarm(city, hostile);
}

/// Attack: a token that calls back into the charity from `transfer_from` (give again) and
/// `transfer` (pay again, claim again). Outcome: the pallet refuses the re-entry, the
/// whole call traps and nothing is kept; the honest calls then go through once.
#[test]
fn red_team_14_a_token_calling_back_cannot_re_enter_the_charity() {
    let mut city = relief_city();
    let (hostile, victim) = charity_over_hostile_token(&mut city);
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign: CampaignId = call_victim::<Result<CampaignId, CharityError>>(
        &mut city,
        &victim,
        RELIEF,
        selector_bytes!("open_campaign"),
        &plan,
    )
    .unwrap();
    call_victim::<Result<(), CharityError>>(
        &mut city,
        &victim,
        RELIEF,
        selector_bytes!("add_recipient"),
        (campaign, SHELTER.account()),
    )
    .unwrap();
    let pot = |city: &mut City| {
        call_victim::<Option<PotAccount>>(
            city,
            &victim,
            ADMIN,
            selector_bytes!("pot"),
            (campaign, WHOLE),
        )
        .unwrap()
    };
    let give = input(selector_bytes!("give"), (campaign, WHOLE, 100u128));
    let give_again = (selector_bytes!("give"), (campaign, WHOLE, 100u128).encode());
    assert_traps(
        &mut city,
        (&hostile, &victim),
        ALICE,
        give.clone(),
        give_again,
    );
    assert_eq!(pot(&mut city).given, 0);
    call_victim::<Result<u64, CharityError>>(
        &mut city,
        &victim,
        ALICE,
        selector_bytes!("give"),
        (campaign, WHOLE, 100u128),
    )
    .unwrap();

    let pay = (campaign, WHOLE, SHELTER.account(), 30u128, EVIDENCE);
    assert_traps(
        &mut city,
        (&hostile, &victim),
        RELIEF,
        input(selector_bytes!("disburse"), pay),
        (selector_bytes!("disburse"), pay.encode()),
    );
    assert_eq!(pot(&mut city).disbursed, 0);

    city.advance_time(30 * DAY_MS);
    let claim = input(selector_bytes!("claim_refund"), (campaign, WHOLE));
    let claim_again = (selector_bytes!("claim_refund"), (campaign, WHOLE).encode());
    assert_traps(&mut city, (&hostile, &victim), ALICE, claim, claim_again);
    assert_eq!(pot(&mut city).refunded, 0);
    let refund = call_victim::<Result<u128, CharityError>>(
        &mut city,
        &victim,
        ALICE,
        selector_bytes!("claim_refund"),
        (campaign, WHOLE),
    );
    assert_eq!(refund, Ok(100));
    let again = call_victim::<Result<u128, CharityError>>(
        &mut city,
        &victim,
        ALICE,
        selector_bytes!("claim_refund"),
        (campaign, WHOLE),
    );
    assert_eq!(again, Err(CharityError::NothingToRefund));
}

/// Attack: make a donor's trace lie: ask it for a stranger, for a pot that does not exist,
/// and compare each donor's shares with the disbursements after gifts of unequal size.
/// Outcome: a stranger has an empty trace, an unknown pot none, and the shares never add
/// up to more than was paid nor to more than the donor gave.
#[test]
fn red_team_14_a_trace_never_claims_more_than_was_paid_or_given() {
    let mut city = relief_city();
    let plan = plan(&mut city, AtEnd::Refund);
    let campaign = open(&mut city, &plan);
    give(&mut city, ALICE, campaign, FOOD, 333 * COIN);
    give(&mut city, BOB, campaign, FOOD, 1);
    give(&mut city, CAROL, campaign, FOOD, 666 * COIN - 1);
    for (n, amount) in [(1u8, 299 * COIN), (2, 7), (3, 250 * COIN)] {
        let recipient = if n == 1 { SHELTER } else { FOOD_BANK };
        city.charity(RELIEF)
            .disburse(campaign, FOOD, recipient, amount, [n; 32])
            .expect_accepted();
    }
    let stranger = city
        .charity(MALLORY)
        .trace(campaign, FOOD, MALLORY)
        .value
        .unwrap();
    assert_eq!(stranger.given, 0);
    assert!(stranger.disbursed.iter().all(|d| d.amount == 0));
    assert_eq!(city.charity(MALLORY).trace(campaign, 7, ALICE).value, None);
    assert_eq!(city.charity(MALLORY).trace(9, FOOD, ALICE).value, None);
    let paid = [299 * COIN, 7, 250 * COIN];
    let mut per_disbursement = [0u128; 3];
    for (donor, gift) in [(ALICE, 333 * COIN), (BOB, 1), (CAROL, 666 * COIN - 1)] {
        let trace = city
            .charity(MALLORY)
            .trace(campaign, FOOD, donor)
            .value
            .unwrap();
        assert_eq!(trace.given, gift);
        assert_eq!(trace.disbursed.len(), 3);
        let mut mine = 0;
        for (i, share) in trace.disbursed.iter().enumerate() {
            per_disbursement[i] += share.amount;
            mine += share.amount;
            let record = city
                .charity(MALLORY)
                .disbursement(campaign, FOOD, i as u32)
                .value
                .unwrap();
            assert_eq!(
                (share.recipient, share.evidence, share.at),
                (record.recipient, record.evidence, record.at)
            );
        }
        assert!(mine <= gift);
    }
    for (traced, paid) in per_disbursement.iter().zip(paid) {
        assert!(*traced <= paid && paid - traced < 3, "{traced} of {paid}");
    }
}
