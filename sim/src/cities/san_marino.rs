//! San Marino: eco rewards for water saved and waste disposed of properly, spent at a
//! public service.

use std::io::Write;

use anyhow::{ensure, Result};

use super::*;

/// San Marino's story.
fn story(out: &mut dyn Write) -> Result<()> {
    const HOUSEHOLDS: u32 = 10;
    let mut city = civic_city()?;
    writeln!(out, "\n== San Marino: eco rewards ==")?;
    enrol(
        &mut city,
        "san-marino",
        HOUSEHOLDS,
        IdentityKind::Citizen,
        365 * DAY_MS,
    )?;
    let water_meter = Actor("san-marino-water-meters");
    let waste_station = Actor("san-marino-waste-station");
    city.install_device(water_meter, &[Action::WaterSaved])?;
    city.install_device(
        waste_station,
        &[Action::OtherWaste, Action::BatteryReturned],
    )?;
    let citizens = [IdentityKind::Citizen, IdentityKind::Resident];
    city.set_reward(Action::WaterSaved, (COIN, 100), &citizens)?; // a coin per 100 l
    city.set_reward(Action::OtherWaste, (COIN, 1_000), &citizens)?; // a coin per kg
    city.set_reward(Action::BatteryReturned, (COIN / 2, 1), &citizens)?;

    let mut saved_litres = 0;
    for n in 0..HOUSEHOLDS {
        let household = crowd_member("san-marino", n);
        let litres = 200 + u128::from(n) * 150;
        saved_litres += litres;
        city.rewards(water_meter)
            .attest(
                id("san-marino-water", n),
                household,
                Action::WaterSaved,
                litres,
            )
            .accepted()?;
        city.rewards(waste_station)
            .attest(
                id("san-marino-waste", n),
                household,
                Action::OtherWaste,
                3_000,
            )
            .accepted()?;
        city.rewards(waste_station)
            .attest(
                id("san-marino-batteries", n),
                household,
                Action::BatteryReturned,
                4,
            )
            .accepted()?;
    }
    let minted = city.rewards(ADMIN).minted_total().value;
    // Per household: litres / 100 coins, 3 coins of waste, 2 coins of batteries.
    let expected: u128 = (0..HOUSEHOLDS)
        .map(|n| (200 + u128::from(n) * 150) * COIN / 100 + 3 * COIN + 2 * COIN)
        .sum();
    ensure!(minted == expected, "minted {minted}, expected {expected}");
    writeln!(
        out,
        "{HOUSEHOLDS} households save {saved_litres} litres and dispose of waste: {} coins",
        coins(minted)
    )?;

    // Households spend their eco coins on the city bus (a public service).
    let spent = spend(
        &mut city,
        ("san-marino", HOUSEHOLDS),
        BUS,
        b"bus pass",
        |held| held,
    )?;
    ensure!(spent == minted, "spent {spent} of {minted}");
    writeln!(
        out,
        "and spend all {} coins on public services",
        coins(spent)
    )?;
    Ok(())
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: SAN_MARINO,
};

/// San Marino: eco rewards for water saved, waste and batteries, spent on public services.
const SAN_MARINO: Profile = Profile {
    city: "san-marino",
    title: "San Marino: eco rewards",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("san-marino-citizen", Citizen, 70),
        group("san-marino-resident", Resident, 30),
    ],
    activities: &[
        Activity {
            action: Action::WaterSaved,
            device: "san-marino-water-meters",
            reward: COIN,
            per: 100,
            kinds: PEOPLE,
            daily_pct: 30,
            quantity: (50, 600),
        },
        Activity {
            action: Action::OtherWaste,
            device: "san-marino-waste-station",
            reward: COIN,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 20,
            quantity: (500, 4_000),
        },
        Activity {
            action: Action::BatteryReturned,
            device: "san-marino-waste-station",
            reward: COIN / 2,
            per: 1,
            kinds: PEOPLE,
            daily_pct: 5,
            quantity: (1, 8),
        },
    ],
    spending: Spending {
        venues: &[
            ("san-marino-bus", "bus pass"),
            ("san-marino-museum", "museum entry"),
        ],
        daily_pct: 15,
        share_pct: 60,
        fee: 0,
    },
    polls: &[poll(
        5,
        "Which eco project comes next?",
        &["solar roofs", "rain tanks", "e-bikes"],
        PEOPLE,
        40,
        &[4, 3, 3, 1],
    )],
    // Solar roofs for the school, funded by the bus and the museum with half their
    // takings and by the treasury; the roof fails its survey after the first milestone, the
    // city cancels, and the funders are refunded what was not released.
    works: Some(Works {
        day: 3,
        services_fund_pct: 50,
        canceled_after: Some(1),
        milestones: 3,
        contractor_amount: 1_500 * COIN,
        workers: 10,
        wage: 25 * COIN,
        every_days: 5,
    }),
    batteries: None,
    charity: None,
    housing: None,
};
