//! How each city lives at scale: its people, devices, rules, services, polls and works.
//! Rates are in City Coin cents ([`COIN`] = 100) per unit of the action.

use city_traits::{Action, IdentityKind, TransferPolicy};

use harness::city::COIN;

use crate::life::{Activity, Group, PollPlan, Profile, Spending, Works};

use IdentityKind::{Citizen, EResident, Resident, Visitor};

const YEAR: u32 = 365;
const TREASURY: u128 = 1_000_000 * COIN;
const PEOPLE: &[IdentityKind] = &[Citizen, Resident];

/// A group valid for a year, without token voting power.
const fn group(crowd: &'static str, kind: IdentityKind, share: u32) -> Group {
    Group {
        crowd,
        kind,
        share,
        valid_days: YEAR,
        track_votes: false,
    }
}

/// A one-person-one-vote poll without re-voting.
const fn poll(
    day: u32,
    question: &'static str,
    options: &'static [&'static str],
    kinds: &'static [IdentityKind],
    turnout_pct: u32,
    weights: &'static [u32],
) -> PollPlan {
    PollPlan {
        day,
        question,
        options,
        kinds,
        turnout_pct,
        weights,
        revote_pct: 0,
        change: None,
        by_tokens: false,
    }
}

/// Xiong'an: smart bins pay for sorted garbage by category and weight; the points buy
/// daily goods; the treasury escrows a levee whose workers are paid directly.
const XIONGAN: Profile = Profile {
    city: "xiongan",
    title: "Xiong'an: garbage points and flood-control works",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("xiongan-resident", Resident, 85),
        group("xiongan-citizen", Citizen, 15),
    ],
    activities: &[
        Activity {
            action: Action::Recyclables,
            device: "xiongan-smart-bin",
            reward: 2 * COIN,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 40,
            quantity: (200, 3_000),
        },
        Activity {
            action: Action::KitchenWaste,
            device: "xiongan-smart-bin",
            reward: COIN / 2,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 50,
            quantity: (300, 2_500),
        },
        Activity {
            action: Action::HazardousWaste,
            device: "xiongan-smart-bin",
            reward: 5 * COIN,
            per: 1_000,
            kinds: PEOPLE,
            daily_pct: 5,
            quantity: (50, 500),
        },
    ],
    spending: Spending {
        venues: &[
            ("xiongan-corner-shop", "daily goods"),
            ("xiongan-supermarket", "rice and oil"),
        ],
        daily_pct: 20,
        share_pct: 50,
        fee: 0,
    },
    polls: &[poll(
        4,
        "Where should the next smart bins go?",
        &["old town", "new district", "riverside"],
        PEOPLE,
        45,
        &[5, 3, 2, 1],
    )],
    works: Some(Works {
        day: 0,
        services_fund_pct: 0,
        canceled_after: None,
        milestones: 3,
        contractor_amount: 20_000 * COIN,
        workers: 50,
        wage: 60 * COIN,
        every_days: 7,
    }),
};

/// Seoul: S-coin for taxes, poll answers and volunteering, spent on public services;
/// some citizen cards lapse during the run.
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
};

/// Zug: ID-verified residents vote on which service takes City Coin; fees are paid in
/// coins bought from the treasury.
const ZUG: Profile = Profile {
    city: "zug",
    title: "Zug: digital ID, on-chain votes, fees in crypto",
    policy: TransferPolicy::Open,
    treasury: TREASURY,
    groups: &[
        group("zug-citizen", Citizen, 40),
        group("zug-resident", Resident, 55),
        group("zug-visitor", Visitor, 5),
    ],
    activities: &[
        Activity {
            action: Action::PollAnswered,
            device: "zug-civic-app",
            reward: COIN,
            per: 1,
            kinds: PEOPLE,
            daily_pct: 10,
            quantity: (1, 2),
        },
        Activity {
            action: Action::Volunteering,
            device: "zug-community-centre",
            reward: 5 * COIN,
            per: 60,
            kinds: PEOPLE,
            daily_pct: 3,
            quantity: (60, 180),
        },
    ],
    spending: Spending {
        venues: &[
            ("zug-parking-meters", "parking"),
            ("zug-city-services", "waste fee"),
        ],
        daily_pct: 10,
        share_pct: 0,
        fee: 4 * COIN,
    },
    polls: &[poll(
        1,
        "Which city service should accept City Coin next?",
        &["library", "swimming pool", "waste collection"],
        PEOPLE,
        50,
        &[4, 3, 2, 1],
    )],
    works: None,
};

const TAXPAYERS: &[IdentityKind] = &[Citizen, EResident];

/// Estonia: citizens and e-residents pay tax and earn rebates; a consultation with
/// re-voting; citizens pass a proposal that doubles the rebate through the timelock.
const ESTONIA: Profile = Profile {
    city: "estonia",
    title: "Estonia: e-residency and i-voting",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("estonia-citizen", Citizen, 70),
        group("estonia-e-resident", EResident, 30),
    ],
    activities: &[Activity {
        action: Action::TaxPaid,
        device: "estonia-tax-board",
        reward: 1,
        per: 100,
        kinds: TAXPAYERS,
        daily_pct: 5,
        quantity: (20_000, 300_000),
    }],
    spending: Spending {
        venues: &[("estonia-e-services", "digital notary")],
        daily_pct: 5,
        share_pct: 50,
        fee: 0,
    },
    polls: &[
        PollPlan {
            revote_pct: 10,
            ..poll(
                1,
                "Which e-service comes first?",
                &["digital notary", "e-health records", "company register"],
                TAXPAYERS,
                50,
                &[3, 4, 2, 1],
            )
        },
        PollPlan {
            revote_pct: 10,
            change: Some((Action::TaxPaid, 2)),
            ..poll(
                2,
                "Double the tax rebate to 2%",
                &["for", "against"],
                &[Citizen],
                45,
                &[7, 3, 1],
            )
        },
    ],
    works: None,
};

/// Hangzhou: residents and visitors earn under different rules (kitchen waste for
/// residents, batteries and recyclables for both) and spend at local businesses; the
/// stakeholders, businesses included, vote with their coins to raise the battery reward.
const HANGZHOU: Profile = Profile {
    city: "hangzhou",
    title: "Hangzhou: a token economy for residents, visitors and businesses",
    policy: TransferPolicy::Civic,
    treasury: 0,
    groups: &[
        Group {
            track_votes: true,
            ..group("hangzhou-resident", Resident, 70)
        },
        Group {
            track_votes: true,
            valid_days: 90,
            ..group("hangzhou-visitor", Visitor, 30)
        },
    ],
    activities: &[
        Activity {
            action: Action::BatteryReturned,
            device: "hangzhou-battery-kiosk",
            reward: COIN,
            per: 1,
            kinds: &[Resident, Visitor],
            daily_pct: 10,
            quantity: (1, 6),
        },
        Activity {
            action: Action::KitchenWaste,
            device: "hangzhou-smart-bin",
            reward: COIN / 2,
            per: 1_000,
            kinds: &[Resident],
            daily_pct: 40,
            quantity: (300, 2_500),
        },
        Activity {
            action: Action::Recyclables,
            device: "hangzhou-smart-bin",
            reward: COIN,
            per: 1_000,
            kinds: &[Resident, Visitor],
            daily_pct: 20,
            quantity: (200, 2_000),
        },
    ],
    spending: Spending {
        venues: &[
            ("hangzhou-tea-house", "longjing tea"),
            ("hangzhou-bike-share", "bike ride"),
            ("hangzhou-west-lake-boats", "boat ticket"),
        ],
        daily_pct: 30,
        share_pct: 40,
        fee: 0,
    },
    polls: &[PollPlan {
        change: Some((Action::BatteryReturned, 2 * COIN)),
        by_tokens: true,
        ..poll(
            2,
            "Raise the battery-return reward to 2 coins",
            &["for", "against"],
            &[],
            60,
            &[7, 2, 1],
        )
    }],
    works: None,
};

/// Every city's profile, in the order of [`super::CITIES`].
pub(super) static ALL: [Profile; 6] = [XIONGAN, SEOUL, SAN_MARINO, ZUG, ESTONIA, HANGZHOU];
