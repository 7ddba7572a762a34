//! The relief city of the tests, the fuzzer and the stories of the charity: a registered
//! charity and its rival, two providers, citizens holding coins, Seoul's winter-relief plan,
//! and the charity's two book invariants as the chain answers them.

use city_traits::{
    AtEnd, CampaignId, CampaignPlan, CivicRole, Disbursement, EarmarkPlan, IdentityKind,
    PotAccount, Rolled, WHOLE,
};
use ink::primitives::AccountId;

use crate::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    fixture::document,
    City, Fixture,
};

/// A charity (the registry's service provider) that runs the campaigns.
pub const RELIEF: Actor = Actor("winter-relief-society");
pub const SHELTER: Actor = Actor("night-shelter");
pub const FOOD_BANK: Actor = Actor("food-bank");
/// A second registered charity: the attackers' of the reviews.
pub const ROGUE: Actor = Actor("rogue-charity");
pub const DAY_MS: u64 = 86_400_000;
pub const FOOD: u8 = 1;
pub const HEATING: u8 = 2;
pub const BEDS: u8 = 3;

/// Registers the two charities and the two providers (residents with the registry's
/// service-provider role) in a city whose admin is a registrar.
pub fn register_providers(city: &mut City) {
    let expiry = city.now_ms() + 365 * DAY_MS;
    let providers = [RELIEF, SHELTER, FOOD_BANK, ROGUE];
    for who in providers {
        city.registry(ADMIN)
            .register(who, IdentityKind::Resident, document(who.account()), expiry)
            .expect_accepted();
    }
    city.grant_civic_role(CivicRole::ServiceProvider, providers.map(Actor::account))
        .expect("the admin grants civic roles");
}

/// A city with the charities and providers registered, alice, bob and carol citizens
/// holding 1,000 coins each, dave a resident, and mallory 100 coins and no identity; the
/// deployer (`ADMIN`) still holds every admin seat.
pub fn relief_city() -> City {
    let mut city = Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .identity(DAVE, IdentityKind::Resident)
        .holder(ALICE, 1_000 * COIN)
        .holder(BOB, 1_000 * COIN)
        .holder(CAROL, 1_000 * COIN)
        .holder(MALLORY, 100 * COIN)
        .build()
        .expect("the city is set up");
    register_providers(&mut city);
    city
}

/// Seoul's winter relief: food, heating and shelter beds, a month long; the charity pays a
/// recipient up to 300 `unit`s in all, governance beyond.
pub fn winter(city: &mut City, at_end: AtEnd, unit: u128) -> CampaignPlan {
    let earmark = |n: u8, target: u128| EarmarkPlan {
        purpose: [n; 32],
        target: target * unit,
    };
    CampaignPlan {
        cause: [0x5e; 32],
        earmarks: vec![earmark(1, 1_000), earmark(2, 800), earmark(3, 600)],
        deadline: city.now_ms() + 30 * DAY_MS,
        approval_threshold: 300 * unit,
        at_end,
    }
}

/// Two earmarks (food 1,000 `unit`s, heating 800), thirty days, a threshold of 300
/// `unit`s: the reviews' campaign.
pub fn plan_in(city: &mut City, at_end: AtEnd, unit: u128) -> CampaignPlan {
    let mut plan = winter(city, at_end, unit);
    plan.earmarks.truncate(2);
    plan
}

/// [`plan_in`], in coins.
pub fn plan(city: &mut City, at_end: AtEnd) -> CampaignPlan {
    plan_in(city, at_end, COIN)
}

/// Opens `plan` as the charity, with the shelter and the food bank as recipients.
pub fn open(city: &mut City, plan: &CampaignPlan) -> CampaignId {
    let campaign = city.charity(RELIEF).open_campaign(plan).expect_accepted();
    for recipient in [SHELTER, FOOD_BANK] {
        city.charity(RELIEF)
            .add_recipient(campaign, recipient)
            .expect_accepted();
    }
    campaign
}

/// `donor` approves the charity and gives `amount` to `pot`.
pub fn give(city: &mut City, donor: Actor, campaign: CampaignId, pot: u8, amount: u128) -> u64 {
    let charity = contract_account(&city.charity);
    city.token(donor).approve(charity, amount).expect_accepted();
    city.charity(donor)
        .give(campaign, pot, amount)
        .expect_accepted()
}

pub fn balance(city: &mut City, who: impl Into<AccountId>) -> u128 {
    city.token(ADMIN).balance_of(who).value
}

/// Every pot of a campaign, the whole first.
pub fn pots(city: &mut City, campaign: CampaignId) -> Vec<PotAccount> {
    (0..=u8::MAX)
        .map_while(|pot| city.charity(ADMIN).pot(campaign, pot).value)
        .collect()
}

/// Where a donor's share of a rollover went in the campaign it reached: its share of each
/// payment from that campaign's whole.
pub fn hop(city: &mut City, rolled: &Rolled) -> Vec<Disbursement> {
    city.charity(ADMIN)
        .shares(rolled.campaign, WHOLE, rolled.amount)
        .value
        .expect("the campaign rolled into has a whole")
}

/// Per pot, what came in equals what went out plus what it holds.
pub fn every_pot_balances_its_books(city: &mut City, campaigns: &[CampaignId]) {
    for campaign in campaigns {
        for pot in pots(city, *campaign) {
            assert_eq!(
                pot.given + pot.rolled_in,
                pot.disbursed + pot.refunded + pot.rolled_out + pot.held(),
                "{pot:?}"
            );
        }
    }
}

/// The charity's coins are exactly what the pots of `campaigns` hold (nobody sends it
/// coins directly here).
pub fn the_charity_holds_what_its_pots_hold(city: &mut City, campaigns: &[CampaignId]) {
    let held: u128 = campaigns
        .iter()
        .flat_map(|campaign| pots(city, *campaign))
        .map(|pot| pot.held())
        .sum();
    let charity = contract_account(&city.charity);
    assert_eq!(balance(city, charity), held, "the charity holds its pots");
}

/// Both: each pot's ledger balances, and the charity holds exactly what its pots hold.
pub fn assert_books_balance(city: &mut City, campaigns: &[CampaignId]) {
    every_pot_balances_its_books(city, campaigns);
    the_charity_holds_what_its_pots_hold(city, campaigns);
}
