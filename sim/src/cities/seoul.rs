//! Seoul: S-coin for paying taxes, answering polls and volunteering, spent on public
//! services; an expired citizen card earns nothing.

use std::io::Write;

use anyhow::{ensure, Result};

use super::*;

/// Seoul's story.
fn story(out: &mut dyn Write) -> Result<()> {
    const CITIZENS: u32 = 12;
    let mut city = civic_city()?;
    writeln!(out, "\n== Seoul: S-coin for civic life ==")?;
    enrol(
        &mut city,
        "seoul",
        CITIZENS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    )?;
    // One card that lapses tomorrow.
    let lapsing = crowd_member("seoul-lapsing", 0);
    let tomorrow = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(
            lapsing,
            IdentityKind::Citizen,
            id("seoul-lapsing", 0),
            tomorrow,
        )
        .accepted()?;

    let tax_office = Actor("seoul-tax-office");
    let poll_app = Actor("seoul-poll-app");
    let volunteer_centre = Actor("seoul-volunteer-centre");
    city.install_device(tax_office, &[Action::TaxPaid])?;
    city.install_device(poll_app, &[Action::PollAnswered])?;
    city.install_device(volunteer_centre, &[Action::Volunteering])?;
    let citizens = [IdentityKind::Citizen];
    city.set_reward(Action::TaxPaid, (1, 100), &citizens)?; // a 1% rebate
    city.set_reward(Action::PollAnswered, (COIN, 1), &citizens)?; // a coin per answer
    city.set_reward(Action::Volunteering, (10 * COIN, 60), &citizens)?; // 10 per hour

    let mut counter = 0;
    let mut next = || {
        counter += 1;
        counter
    };
    for n in 0..CITIZENS {
        let citizen = crowd_member("seoul", n);
        let tax = 50_000 + u128::from(n) * 10_000; // 500 to 1,600 KRW-cents of tax
        city.rewards(tax_office)
            .attest(id("seoul-tax", next()), citizen, Action::TaxPaid, tax)
            .accepted()?;
        city.rewards(poll_app)
            .attest(id("seoul-poll", next()), citizen, Action::PollAnswered, 1)
            .accepted()?;
        if n % 3 == 0 {
            city.rewards(volunteer_centre)
                .attest(
                    id("seoul-volunteering", next()),
                    citizen,
                    Action::Volunteering,
                    240,
                )
                .accepted()?;
        }
    }
    writeln!(
        out,
        "{CITIZENS} citizens get tax rebates and answer a poll; a third volunteer 4 hours"
    )?;
    // Citizen 0 has earned 46 coins today (5 of rebate, 1 for the poll, 40 for four
    // hours); four more hours pay the 4 coins left under the cap, and then nothing.
    let volunteer = crowd_member("seoul", 0);
    let mut volunteer_more = |city: &mut City| {
        city.rewards(volunteer_centre)
            .attest(
                id("seoul-volunteering", next()),
                volunteer,
                Action::Volunteering,
                240,
            )
            .value
    };
    let topped_up = volunteer_more(&mut city);
    let capped = volunteer_more(&mut city);
    ensure!(
        topped_up == Ok(4 * COIN) && capped == Ok(0),
        "the daily cap did not hold: {topped_up:?}, then {capped:?}"
    );
    ensure!(
        city.balance(volunteer) == REWARD_CAP_PER_EPOCH,
        "the volunteer holds {}",
        coins(city.balance(volunteer))
    );
    writeln!(
        out,
        "a busy volunteer reaches the daily cap of {} coins; more hours earn nothing today",
        coins(REWARD_CAP_PER_EPOCH)
    )?;

    city.advance_time(DAY_MS);
    let lapsed =
        city.rewards(poll_app)
            .attest(id("seoul-poll", next()), lapsing, Action::PollAnswered, 1);
    ensure!(
        lapsed.value == Err(RewardError::NotEligible),
        "an expired card earned: {:?}",
        lapsed.value
    );
    writeln!(out, "an expired citizen card earns nothing")?;

    let fares = spend(&mut city, ("seoul", CITIZENS), BUS, b"bus fare", |held| {
        held.min(12 * COIN)
    })?;
    ensure!(
        city.balance(BUS) == fares,
        "the bus got {}",
        city.balance(BUS)
    );
    writeln!(
        out,
        "citizens ride the city bus for {} coins of S-coin",
        coins(fares)
    )?;
    records(out)?;
    charity(out)
}

const RELIEF: Actor = Actor("seoul-winter-relief");
const SHELTER: Actor = Actor("seoul-night-shelter");
const FOOD_BANK: Actor = Actor("seoul-food-bank");
const HEATING_CO: Actor = Actor("seoul-district-heating");

/// Seoul's charity management, on a suite of its own under the civic policy: a
/// winter-relief campaign with three earmarks; citizens give S-coin, the providers are
/// paid against evidence, a donor traces the gift, and the rest is refunded.
fn charity(out: &mut dyn Write) -> Result<()> {
    const DONORS: u32 = 6;
    const FOOD: u8 = 1;
    const HEATING: u8 = 2;
    const BEDS: u8 = 3;
    let mut city = civic_city()?;
    writeln!(out, "\n-- Seoul: winter relief, traced --")?;
    enrol(&mut city, "seoul-donor", DONORS, Citizen, 365 * DAY_MS)?;
    let expires = city.now_ms() + 365 * DAY_MS;
    let providers = [RELIEF, SHELTER, FOOD_BANK, HEATING_CO];
    for (n, provider) in (0u32..).zip(providers) {
        city.registry(ADMIN)
            .register(provider, Resident, id("seoul-provider", n), expires)
            .accepted()?;
    }
    city.grant_civic_role(CivicRole::ServiceProvider, providers.map(Actor::account))?;
    // Under the civic policy S-coin moves only to or from a service provider: the
    // treasury, the charity and the providers it pays are the token's.
    let charity = harness::city::contract_account(&city.charity);
    let token_providers = [
        ADMIN.account(),
        charity,
        SHELTER.account(),
        FOOD_BANK.account(),
        HEATING_CO.account(),
    ];
    for provider in token_providers {
        city.token(ADMIN)
            .grant_role(Role::ServiceProvider, provider)
            .accepted()?;
    }
    let earmark = |n: u8, target: u128| EarmarkPlan {
        purpose: id("seoul-earmark", n.into()),
        target: target * COIN,
    };
    let plan = CampaignPlan {
        cause: id("seoul-winter-relief", 0),
        earmarks: vec![
            earmark(FOOD, 2_000),
            earmark(HEATING, 2_000),
            earmark(BEDS, 1_000),
        ],
        deadline: city.now_ms() + 30 * DAY_MS,
        approval_threshold: 800 * COIN,
        at_end: AtEnd::Refund,
    };
    let campaign = city
        .charity(RELIEF)
        .open_campaign(&plan)
        .accepted()
        .context("opening the campaign")?;
    for provider in [SHELTER, FOOD_BANK, HEATING_CO] {
        city.charity(RELIEF)
            .add_recipient(campaign, provider)
            .accepted()?;
    }
    // Every gift is also a receipt record in civic records, about its donor.
    let receipts = city.write_gift_receipts()?;
    // Each donor gets 500 coins from the treasury (their S-coin) and gives to an earmark.
    let pots = [FOOD, HEATING, BEDS, WHOLE];
    let mut expected = Vec::new();
    for n in 0..DONORS {
        let donor = crowd_member("seoul-donor", n);
        city.token(ADMIN).transfer(donor, 500 * COIN).accepted()?;
        let gift = (100 + 50 * u128::from(n)) * COIN;
        let pot = pots[n as usize % pots.len()];
        city.token(donor).approve(charity, gift).accepted()?;
        let receipt = city.charity(donor).give(campaign, pot, gift).accepted()?;
        expected.push((
            receipts,
            Subject::Person(donor),
            charity,
            receipt_hash(campaign, pot, receipt, gift),
        ));
    }
    let given: u128 = (0..DONORS).map(|n| (100 + 50 * u128::from(n)) * COIN).sum();
    writeln!(
        out,
        "{DONORS} citizens give {} coins to food, heating, shelter beds and the campaign as a whole",
        coins(given)
    )?;
    let written: Vec<_> = (0..)
        .map_while(|record| city.records(first_donor()).record(record).value)
        .map(|record| {
            (
                record.schema,
                record.subject,
                record.issuer,
                record.data_hash,
            )
        })
        .collect();
    ensure!(
        written == expected,
        "the receipt records: {written:?}, expected {expected:?}"
    );
    writeln!(
        out,
        "each gift is also a receipt record in civic records about its donor, issued by the \
         charity, whose hash anyone ties to the gift"
    )?;
    // Paid against evidence, each within its earmark.
    let payments = [
        (FOOD, FOOD_BANK, 200),
        (HEATING, HEATING_CO, 150),
        (BEDS, SHELTER, 120),
        (WHOLE, SHELTER, 100),
    ];
    for (n, (pot, provider, amount)) in (0u32..).zip(payments) {
        city.charity(RELIEF)
            .disburse(
                campaign,
                pot,
                provider,
                amount * COIN,
                id("seoul-invoice", n),
            )
            .accepted()
            .with_context(|| format!("paying {} from pot {pot}", provider.0))?;
    }
    // Food's pot cannot pay for heating, and nobody unregistered is paid.
    let outside = city
        .charity(RELIEF)
        .disburse(
            campaign,
            BEDS,
            SHELTER,
            1_000 * COIN,
            id("seoul-invoice", 9),
        )
        .value;
    let stranger = city
        .charity(RELIEF)
        .add_recipient(campaign, crowd_member("seoul-stranger", 0))
        .value;
    ensure!(
        outside == Err(CharityError::NotEnoughInPot) && stranger == Err(CharityError::NotEligible),
        "outside an earmark: {outside:?}; a stranger: {stranger:?}"
    );
    writeln!(
        out,
        "the food bank, the heating company and the night shelter are paid against invoices, \
         each from its earmark; a payment beyond an earmark and an unregistered recipient \
         are refused"
    )?;
    // The first donor gave 100 to food, of which the food bank was paid 200 of 400 given.
    let first = first_donor();
    let trace = city
        .charity(first)
        .trace(campaign, FOOD, first)
        .value
        .context("the donor's trace")?;
    let food_given = city
        .charity(first)
        .pot(campaign, FOOD)
        .value
        .context("the food pot")?
        .given;
    let share = 200 * COIN * trace.given / food_given;
    ensure!(
        trace.disbursed.len() == 1
            && trace.disbursed[0].recipient == FOOD_BANK.account()
            && trace.disbursed[0].amount == share,
        "the trace: {trace:?}"
    );
    writeln!(
        out,
        "a donor of {} coins to food traces {} of them to the food bank's invoice",
        coins(trace.given),
        coins(share)
    )?;
    // After the deadline every donor takes back its share of what was not spent.
    city.advance_time(30 * DAY_MS);
    let mut refunded = 0;
    for n in 0..DONORS {
        let donor = crowd_member("seoul-donor", n);
        refunded += city
            .charity(donor)
            .claim_refund(campaign, pots[n as usize % pots.len()])
            .accepted()?;
    }
    let spent: u128 = payments.iter().map(|(_, _, amount)| amount * COIN).sum();
    ensure!(
        refunded == given - spent && city.balance(charity) == 0,
        "refunded {} of {} unspent; the charity keeps {}",
        coins(refunded),
        coins(given - spent),
        coins(city.balance(charity))
    );
    writeln!(
        out,
        "at the deadline the {} coins not spent go back to the donors, pro rata; the charity \
         holds nothing",
        coins(refunded)
    )?;
    Ok(())
}

/// The first donor of the winter relief.
fn first_donor() -> ink::primitives::AccountId {
    crowd_member("seoul-donor", 0)
}

const WELFARE_OFFICE: Actor = Actor("seoul-welfare-office");
const YOUTH_CENTRE: Actor = Actor("seoul-youth-centre");
const GARAGE: Actor = Actor("seoul-garage");
const INSURER: Actor = Actor("seoul-insurer");

/// Seoul's e-certificates and vehicle histories, on a suite of their own: a
/// youth-allowance certificate is issued, checked by a service and revoked; a car's
/// history is written by a garage and an insurer, and cannot be forked.
fn records(out: &mut dyn Write) -> Result<()> {
    let mut city = keepers_city(&[WELFARE_OFFICE, GARAGE, INSURER])?;
    writeln!(out, "\n-- Seoul: e-certificates and vehicle histories --")?;
    enrol(
        &mut city,
        "seoul-youth",
        1,
        IdentityKind::Citizen,
        365 * DAY_MS,
    )?;
    let youth = Subject::Person(crowd_member("seoul-youth", 0));
    let allowance = city.register_schema(
        schema("youth-allowance", Chain::Standalone, true, true),
        &[(WELFARE_OFFICE.account(), Standing::Issuer)],
    )?;
    let a_year = city.block() + 365 * BLOCKS_PER_DAY;
    let certificate = city
        .records(WELFARE_OFFICE)
        .issue(
            allowance,
            youth,
            id("seoul-allowance", 0),
            Some(a_year),
            None,
        )
        .accepted()
        .context("issuing the certificate")?;
    let issued_in = city.block();
    city.advance_blocks(1);
    let checked = city.records(YOUTH_CENTRE).status(certificate).value;
    ensure!(
        checked == Ok(RecordStatus::Valid),
        "the youth centre found the certificate {checked:?}"
    );
    // The garage keeps records too, but not of this schema.
    let forged = city
        .records(GARAGE)
        .issue(
            allowance,
            youth,
            id("seoul-allowance", 1),
            Some(a_year),
            None,
        )
        .value;
    ensure!(
        forged == Err(RecordsError::NotAuthorised),
        "a garage issued a youth allowance: {forged:?}"
    );
    city.records(WELFARE_OFFICE)
        .revoke(certificate, id("seoul-allowance-ended", 0))
        .accepted()
        .context("revoking the certificate")?;
    city.advance_blocks(1);
    let now = city.records(YOUTH_CENTRE).status(certificate).value;
    let then = city
        .records(YOUTH_CENTRE)
        .valid_at(certificate, issued_in)
        .value;
    ensure!(
        now == Ok(RecordStatus::Revoked) && then == Ok(true),
        "after the revocation: {now:?} now, {then:?} when issued"
    );
    writeln!(
        out,
        "the welfare office issues a youth-allowance certificate, the youth centre checks it, \
         a garage cannot issue one, and the office revokes it (it stays valid for the blocks \
         before)"
    )?;

    let cars = city.register_schema(
        schema("vehicle-history", Chain::History, false, false),
        &[
            (GARAGE.account(), Standing::Maker),
            (INSURER.account(), Standing::Issuer),
        ],
    )?;
    let vin = harness::merkle::entry_digest(b"KMHD84LF5JU000001");
    let mut steps = Vec::new();
    for (n, keeper) in [GARAGE, INSURER, GARAGE].into_iter().enumerate() {
        let step = city
            .records(keeper)
            .issue(
                cars,
                Subject::Asset(vin),
                id("seoul-car", n as u32),
                None,
                steps.last().copied(),
            )
            .accepted()
            .with_context(|| format!("step {n} of the car's history"))?;
        steps.push(step);
    }
    let fork = city
        .records(GARAGE)
        .issue(
            cars,
            Subject::Asset(vin),
            id("seoul-car", 9),
            None,
            Some(steps[0]),
        )
        .value;
    ensure!(
        fork == Err(RecordsError::NotLatest),
        "a step forked the car's history: {fork:?}"
    );
    let history: Vec<u64> = city
        .records(YOUTH_CENTRE)
        .history(cars, vin, 0, 10)
        .value
        .into_iter()
        .map(|(record, _)| record)
        .collect();
    ensure!(history == steps, "the car's history is {history:?}");
    writeln!(
        out,
        "a car's history: an inspection, an insurance claim and a repair, each extending the \
         last; a step from an old record is refused"
    )?;
    Ok(())
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: SEOUL,
};

/// Seoul: S-coin for taxes, poll answers and volunteering, spent on public services and
/// given to a winter-relief campaign; some citizen cards lapse during the run.
const SEOUL: Profile = Profile {
    city: "seoul",
    title: "Seoul: S-coin for civic life",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("seoul-citizen", Citizen, 95),
        Group {
            valid_days: 10,
            ..group("seoul-lapsing-card", Citizen, 5)
        },
    ],
    activities: &[
        Activity {
            action: Action::TaxPaid,
            device: "seoul-tax-office",
            reward: 1,
            per: 100,
            kinds: &[Citizen],
            daily_pct: 3,
            quantity: (50_000, 500_000),
        },
        Activity {
            action: Action::PollAnswered,
            device: "seoul-poll-app",
            reward: COIN,
            per: 1,
            kinds: &[Citizen],
            daily_pct: 10,
            quantity: (1, 3),
        },
        Activity {
            action: Action::Volunteering,
            device: "seoul-volunteer-centre",
            reward: 10 * COIN,
            per: 60,
            kinds: &[Citizen],
            daily_pct: 4,
            // A full day of volunteering earns more than the daily cap pays.
            quantity: (60, 480),
        },
    ],
    spending: Spending {
        venues: &[
            ("seoul-city-bus", "bus fare"),
            ("seoul-public-library", "late fee"),
            ("seoul-sports-centre", "pool entry"),
        ],
        daily_pct: 25,
        share_pct: 30,
        fee: 0,
    },
    polls: &[poll(
        2,
        "Should Seoul extend its night bus routes?",
        &["extend", "keep as is"],
        &[Citizen],
        35,
        &[6, 3, 1],
    )],
    works: None,
    batteries: None,
    charity: Some(Charity {
        organiser: "seoul-winter-relief",
        kind: Resident,
        earmarks: &[
            Earmark {
                name: "food",
                target_per_person: 2 * COIN,
                weight: 4,
            },
            Earmark {
                name: "heating",
                target_per_person: 2 * COIN,
                weight: 4,
            },
            Earmark {
                name: "shelter beds",
                target_per_person: COIN,
                weight: 2,
            },
        ],
        deadline_pct: 70,
        threshold: CHARITY_MAX_THRESHOLD,
        daily_pct: 4,
        gift_pct: (20, 50),
        whole_pct: 25,
        providers: &[
            Provider {
                name: "seoul-food-bank",
                earmark: 1,
            },
            Provider {
                name: "seoul-district-heating",
                earmark: 2,
            },
            Provider {
                name: "seoul-night-shelter",
                earmark: 3,
            },
        ],
        invoice_pct: 60,
        invoice_permille: (30, 100),
        from_whole_pct: 25,
    }),
    housing: None,
};
