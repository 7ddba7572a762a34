//! Zug: ID-verified residents answer a multi-option poll on chain, then pay the city
//! service they chose in tokens.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    Electorate, IdentityKind, PollState, Revoting, Role, Secrecy, VotingError, ABSTAIN,
};
use ink::primitives::AccountId;

use super::*;
use harness::city::{crowd_member, Actor, ADMIN, COIN, GOVERNANCE};

const CITIZENS: u32 = 80;
const RESIDENTS: u32 = 120;
const OPTIONS: [&str; 4] = ["parking", "library", "swimming pool", "waste collection"];
/// The fee the parking meters charge, in City Coin.
const PARKING_FEE: u128 = 4 * COIN;
/// Residents who buy City Coin from the treasury and park with it.
const DRIVERS: u32 = 20;

/// What the `n`th voter chooses: 40% parking, 30% library, 20% pool, 5% waste collection,
/// 5% abstain.
fn choice(n: usize) -> u8 {
    match n % 20 {
        0..=7 => 0,
        8..=13 => 1,
        14..=17 => 2,
        18 => 3,
        _ => ABSTAIN,
    }
}

fn story(out: &mut dyn Write) -> Result<()> {
    let parking = Actor("zug-parking-meters");
    let tourist = Actor("zug-tourist");
    let mut city = Fixture::new()
        .registrar()
        .token_role(Role::ServiceProvider, parking)
        .build()?;
    writeln!(out, "\n== Zug: a poll of ID-verified residents ==")?;
    let year = 365 * DAY_MS;
    enrol(
        &mut city,
        "zug-citizen",
        CITIZENS,
        IdentityKind::Citizen,
        year,
    )?;
    enrol(
        &mut city,
        "zug-resident",
        RESIDENTS,
        IdentityKind::Resident,
        year,
    )?;
    let expires = city.now_ms() + year;
    city.registry(ADMIN)
        .register(
            tourist,
            IdentityKind::Visitor,
            id("zug-tourist", 0),
            expires,
        )
        .accepted()?;
    city.advance_blocks(1);

    let residents = Electorate::people(&[IdentityKind::Citizen, IdentityKind::Resident]);
    let poll = opened(city.voting(ADMIN).create_poll(
        "Which city service should accept City Coin first?",
        &OPTIONS,
        residents,
        Secrecy::Public,
        Revoting::Refused,
    ))?;
    city.advance_blocks(GOVERNANCE.voting_delay + 1);
    // Registered after the snapshot: no vote in this poll.
    let newcomer = crowd_member("zug-newcomer", 0);
    city.registry(ADMIN)
        .register(
            newcomer,
            IdentityKind::Resident,
            id("zug-newcomer", 0),
            expires,
        )
        .accepted()?;
    city.advance_blocks(1);

    let voters: Vec<AccountId> = (0..CITIZENS)
        .map(|n| crowd_member("zug-citizen", n))
        .chain((0..RESIDENTS).map(|n| crowd_member("zug-resident", n)))
        .collect();
    let mut expected = vec![0u128; OPTIONS.len() + 1];
    for (n, voter) in voters.iter().enumerate() {
        let choice = choice(n);
        city.voting(*voter)
            .cast_vote(poll, choice)
            .accepted()
            .with_context(|| format!("voter {n}"))?;
        expected[usize::from(choice).min(OPTIONS.len())] += 1;
        if n % 50 == 49 {
            city.advance_blocks(1);
        }
    }
    for (who, account) in [("a tourist", tourist.account()), ("a newcomer", newcomer)] {
        let refused = city.voting(account).cast_vote(poll, 0).value;
        ensure!(
            refused == Err(VotingError::NotEligible),
            "{who} voted: {refused:?}"
        );
    }
    let twice = city.voting(voters[0]).cast_vote(poll, 1).value;
    ensure!(
        twice == Err(VotingError::AlreadyVoted),
        "a second vote: {twice:?}"
    );
    writeln!(
        out,
        "{} citizens and residents vote; a tourist, a resident registered after the snapshot \
         and a second vote are refused",
        voters.len()
    )?;

    city.advance_blocks(GOVERNANCE.voting_period);
    let state = city.voting(ADMIN).state(poll).value;
    let tally = city
        .voting(ADMIN)
        .tally(poll)
        .value
        .ok_or_else(|| anyhow!("no tally"))?;
    ensure!(
        state == Ok(PollState::Succeeded),
        "the poll ended {state:?}"
    );
    ensure!(
        tally.votes == expected,
        "tally {:?}, expected {expected:?}",
        tally.votes
    );
    ensure!(
        tally.leader() == Some(0),
        "the leader is {:?}",
        tally.leader()
    );
    let eligible = CITIZENS + RESIDENTS;
    writeln!(
        out,
        "turnout {}/{eligible}, {} abstaining:",
        tally.voters,
        tally.votes_for(ABSTAIN)
    )?;
    for (option, label) in OPTIONS.iter().enumerate() {
        let votes = tally.votes[option];
        writeln!(
            out,
            "  {label:<18} {votes:>4} ({:.0}%)",
            votes as f64 * 100.0 / f64::from(tally.voters)
        )?;
    }

    // Parking won: the meters take City Coin, bought from the treasury.
    for n in 0..DRIVERS {
        let driver = crowd_member("zug-resident", n);
        city.token(ADMIN).transfer(driver, 10 * COIN).accepted()?;
        city.token(driver)
            .redeem(parking, PARKING_FEE, b"parking")
            .accepted()?;
    }
    let fees = city.balance(parking);
    ensure!(
        fees == u128::from(DRIVERS) * PARKING_FEE,
        "the meters took {fees}"
    );
    writeln!(
        out,
        "parking wins: {DRIVERS} residents pay {} coins of parking fees in City Coin",
        coins(fees)
    )?;
    Ok(())
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: ZUG,
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
    batteries: None,
    charity: None,
    housing: None,
};
