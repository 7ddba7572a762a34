//! The charity's figures: a campaign with three earmarks opened, a recipient named, a gift
//! (the first of a donor, and another), a disbursement, a donor's trace over 10
//! disbursements, a refund and a rollover.

use anyhow::Result;
use city_traits::{AtEnd, CampaignPlan, CivicRole, EarmarkPlan, IdentityKind, WHOLE};
use harness::{
    city::{contract_account, Actor, City, ADMIN, ALICE, BOB, COIN},
    fixture::document,
};

use super::Measurement;

const CHARITY: Actor = Actor("bench-charity");
const SHELTER: Actor = Actor("bench-shelter");
const DAY_MS: u64 = 86_400_000;
/// The disbursements a traced pot has paid.
const TRACED: u32 = 10;

/// A month-long campaign with three earmarks.
fn plan(city: &mut City, at_end: AtEnd, days: u64) -> CampaignPlan {
    CampaignPlan {
        cause: [1; 32],
        earmarks: (1..=3)
            .map(|n| EarmarkPlan {
                purpose: [n; 32],
                target: 10_000 * COIN,
            })
            .collect(),
        deadline: city.now_ms() + days * DAY_MS,
        approval_threshold: harness::city::CHARITY_MAX_THRESHOLD,
        at_end,
    }
}

/// Measures the charity on a fresh city.
pub(super) fn charity_weights() -> Result<Vec<Measurement>> {
    let mut city = City::new()?;
    let expiry = city.now_ms() + 365 * DAY_MS;
    city.appoint_registrar(ADMIN)?;
    for who in [CHARITY, SHELTER] {
        city.registry(ADMIN)
            .register(who, IdentityKind::Resident, document(who.account()), expiry)
            .accepted()?;
    }
    city.grant_civic_role(CivicRole::ServiceProvider, [CHARITY.account()])?;
    let charity = contract_account(&city.charity);
    for donor in [ALICE, BOB] {
        city.token(ADMIN).transfer(donor, 1_000 * COIN).accepted()?;
        city.token(donor)
            .approve(charity, 1_000 * COIN)
            .accepted()?;
    }
    city.advance_blocks(1);
    let mut weights = Vec::new();
    let winter = plan(&mut city, AtEnd::Refund, 30);
    let open = city.charity(CHARITY).open_campaign(&winter);
    weights.push(Measurement::of("open_campaign (3 earmarks)", &open));
    let campaign = open.accepted()?;
    let add = city.charity(CHARITY).add_recipient(campaign, SHELTER);
    weights.push(Measurement::of("add_recipient", &add));
    add.accepted()?;
    let give = city.charity(ALICE).give(campaign, 1, 100 * COIN);
    weights.push(Measurement::of("give (a donor's first gift)", &give));
    give.accepted()?;
    let again = city.charity(ALICE).give(campaign, 1, 100 * COIN);
    weights.push(Measurement::of("give (again)", &again));
    again.accepted()?;
    city.charity(BOB).give(campaign, 1, 200 * COIN).accepted()?;
    // With receipts, a gift is also a record in civic records (and a refund, below).
    city.write_gift_receipts()?;
    let receipted = city.charity(BOB).give(campaign, 1, 100 * COIN);
    weights.push(Measurement::of(
        "give (with its receipt record)",
        &receipted,
    ));
    receipted.accepted()?;
    let disburse = city.charity(CHARITY).disburse(
        campaign,
        1,
        SHELTER,
        COIN,
        harness::city::numbered_id(7, 0),
    );
    weights.push(Measurement::of("disburse", &disburse));
    disburse.accepted()?;
    // Each disbursement against its own evidence (a hash pays once).
    for n in 1..TRACED {
        let evidence = harness::city::numbered_id(7, n);
        city.charity(CHARITY)
            .disburse(campaign, 1, SHELTER, COIN, evidence)
            .accepted()?;
    }
    let trace = city.charity(ALICE).trace(campaign, 1, ALICE);
    let traced = trace.value.as_ref().map(|trace| trace.disbursed.len());
    anyhow::ensure!(
        traced == Some(TRACED as usize),
        "the trace reads every disbursement"
    );
    weights.push(Measurement::of_query(
        &format!("trace ({TRACED} disbursements)"),
        &trace,
    ));
    let spring = plan(&mut city, AtEnd::RollOver, 60);
    let spring = city.charity(ADMIN).open_campaign(&spring).accepted()?;
    let autumn = plan(&mut city, AtEnd::RollOver, 30);
    let autumn = city.charity(ADMIN).open_campaign(&autumn).accepted()?;
    city.charity(ALICE)
        .give(autumn, WHOLE, 100 * COIN)
        .accepted()?;
    city.advance_time(30 * DAY_MS);
    let refund = city.charity(ALICE).claim_refund(campaign, 1);
    weights.push(Measurement::of("claim_refund (with its record)", &refund));
    refund.accepted()?;
    let roll = city.charity(ADMIN).roll_over(autumn, spring);
    weights.push(Measurement::of("roll_over (4 pots)", &roll));
    roll.accepted()?;
    Ok(weights)
}
