//! Hangzhou: residents, visitors and businesses under different reward rules; battery
//! returns pay everyone, kitchen waste only residents; coins are spent at a tea house; the
//! stakeholders vote with their coins (the business with its takings) to raise the
//! battery reward, and governance executes it after the timelock.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    kinds, Action, IdentityKind, PollState, Revoting, RewardError, Role, Rule, Secrecy,
    TransferPolicy, AGAINST, FOR,
};
use ink::{primitives::AccountId, selector_bytes};

use super::*;
use harness::{
    city::{crowd_member, Actor, City, TokenConfig, ADMIN, COIN, GOVERNANCE, TOKEN_GOVERNANCE},
    voting::proposed_call,
};

const RESIDENTS: u32 = 12;
const VISITORS: u32 = 6;
const TEA_HOUSE: Actor = Actor("hangzhou-tea-house");
const KIOSK: Actor = Actor("hangzhou-battery-kiosk");
const BIN: Actor = Actor("hangzhou-smart-bin");
const EVERYONE: [IdentityKind; 2] = [IdentityKind::Resident, IdentityKind::Visitor];

fn resident(n: u32) -> AccountId {
    crowd_member("hangzhou-resident", n)
}

fn visitor(n: u32) -> AccountId {
    crowd_member("hangzhou-visitor", n)
}

fn story(out: &mut dyn Write) -> Result<()> {
    // No treasury: every coin is earned, so coin-weighted votes weigh civic work; the
    // stakeholders govern with their coins.
    let token = TokenConfig {
        initial_supply: 0,
        ..TokenConfig::default()
    };
    let mut city = Fixture::new()
        .token(token)
        .governance(TOKEN_GOVERNANCE)
        .registrar()
        .token_role(Role::ServiceProvider, TEA_HOUSE)
        .build()?;
    writeln!(out, "\n== Hangzhou: residents, visitors and businesses ==")?;
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .accepted()?;
    enrol(
        &mut city,
        "hangzhou-resident",
        RESIDENTS,
        IdentityKind::Resident,
        365 * DAY_MS,
    )?;
    enrol(
        &mut city,
        "hangzhou-visitor",
        VISITORS,
        IdentityKind::Visitor,
        30 * DAY_MS,
    )?;
    let stakeholders: Vec<AccountId> = (0..RESIDENTS)
        .map(resident)
        .chain((0..VISITORS).map(visitor))
        .chain([TEA_HOUSE.account()])
        .collect();
    for account in &stakeholders {
        city.token(*account).track_votes().accepted()?;
    }
    city.install_device(KIOSK, &[Action::BatteryReturned])?;
    city.install_device(BIN, &[Action::KitchenWaste])?;
    city.set_reward(Action::BatteryReturned, (COIN, 1), &EVERYONE)?;
    city.set_reward(Action::KitchenWaste, (COIN / 2, 1_000), &EVERYONE[..1])?;

    let mut receipts = 0;
    let mut attest = |city: &mut City, device: Actor, who, action, quantity| {
        receipts += 1;
        city.rewards(device)
            .attest(id("hangzhou-returns", receipts), who, action, quantity)
    };
    for n in 0..RESIDENTS {
        attest(&mut city, KIOSK, resident(n), Action::BatteryReturned, 4)
            .accepted()
            .with_context(|| format!("resident {n}'s batteries"))?;
        attest(&mut city, BIN, resident(n), Action::KitchenWaste, 2_000)
            .accepted()
            .with_context(|| format!("resident {n}'s kitchen waste"))?;
    }
    for n in 0..VISITORS {
        attest(&mut city, KIOSK, visitor(n), Action::BatteryReturned, 10)
            .accepted()
            .with_context(|| format!("visitor {n}'s batteries"))?;
    }
    let refused = attest(&mut city, BIN, visitor(0), Action::KitchenWaste, 2_000).value;
    ensure!(
        refused == Err(RewardError::NotEligible),
        "a visitor was paid for kitchen waste: {refused:?}"
    );
    writeln!(
        out,
        "{RESIDENTS} residents earn for batteries and kitchen waste, {VISITORS} visitors for \
         batteries only (their kitchen waste is refused)"
    )?;
    for account in &stakeholders[..stakeholders.len() - 1] {
        let bill = city.balance(*account) / 4;
        city.token(*account)
            .redeem(TEA_HOUSE, bill, b"longjing tea")
            .accepted()
            .context("paying the tea house")?;
    }
    let takings = city.balance(TEA_HOUSE);
    writeln!(
        out,
        "everyone spends a quarter of their coins at the tea house: {} coins of takings",
        coins(takings)
    )?;

    city.hand_over_to_governance()?;
    city.advance_blocks(1);
    let raise = Rule {
        reward: 2 * COIN,
        per: 1,
        kinds: kinds(&EVERYONE),
    };
    let call = proposed_call(
        &city.rewards,
        selector_bytes!("set_rule"),
        (Action::BatteryReturned, Some(raise), 0u64),
    );
    let proposal = opened(city.voting(ADMIN).propose(
        "Raise the battery-return reward to 2 coins",
        &[call],
        Secrecy::Public,
        Revoting::Refused,
    ))?;
    city.advance_blocks(GOVERNANCE.voting_delay + 1);
    // Residents and the tea house are for, visitors against; each weighs what it held at
    // the snapshot.
    let mut expected = [0u128; 2];
    for (n, account) in stakeholders.iter().enumerate() {
        let choice = if (RESIDENTS as usize..stakeholders.len() - 1).contains(&n) {
            AGAINST
        } else {
            FOR
        };
        city.voting(*account)
            .cast_vote(proposal, choice)
            .accepted()
            .with_context(|| format!("stakeholder {n}"))?;
        expected[usize::from(choice)] += city.balance(*account);
    }
    city.advance_blocks(GOVERNANCE.voting_period);
    let tally = city
        .voting(ADMIN)
        .tally(proposal)
        .value
        .ok_or_else(|| anyhow!("no tally"))?;
    ensure!(
        tally.votes[..2] == expected,
        "coin-weighted tally {:?}, expected {expected:?}",
        tally.votes
    );
    let state = city.voting(ADMIN).state(proposal).value;
    ensure!(
        state == Ok(PollState::Succeeded),
        "the vote ended {state:?}"
    );
    writeln!(
        out,
        "a coin-weighted stakeholder vote raises the battery reward: {} coins for, {} against",
        coins(tally.votes[0]),
        coins(tally.votes[1])
    )?;
    city.voting(ADMIN).queue(proposal).accepted()?;
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(ADMIN).execute(proposal).accepted()?;
    let after = attest(&mut city, KIOSK, visitor(1), Action::BatteryReturned, 3).value;
    ensure!(after == Ok(6 * COIN), "three batteries now pay {after:?}");
    writeln!(
        out,
        "after the timelock, three batteries pay {} coins",
        coins(6 * COIN)
    )?;
    batteries(out)
}

const CARMAKER: Actor = Actor("hangzhou-carmaker");
const STATION: Actor = Actor("hangzhou-charging-station");
const STORAGE: Actor = Actor("hangzhou-energy-storage");
const RECYCLERS: [Actor; 2] = [
    Actor("hangzhou-recycler-east"),
    Actor("hangzhou-recycler-west"),
];
const BATTERIES: u32 = 6;

/// Hangzhou's traction batteries through their second life, on a suite of their own:
/// carmaker → charging station → underground storage → recycler, each handover taken over
/// by the receiver; the storage operator that hands a battery in earns its return reward
/// once, whichever recycler closed it.
fn batteries(out: &mut dyn Write) -> Result<()> {
    let keepers = [CARMAKER, STATION, STORAGE, RECYCLERS[0], RECYCLERS[1]];
    let mut city = keepers_city(&keepers)?;
    writeln!(
        out,
        "\n-- Hangzhou: traction batteries through their second life --"
    )?;
    let expires = city.now_ms() + 365 * DAY_MS;
    city.registry(ADMIN)
        .register(
            STORAGE,
            IdentityKind::Resident,
            id("hangzhou-storage", 0),
            expires,
        )
        .accepted()?;
    // Civic records alone reports traction battery returns to the reward rules.
    let chain = BatteryChain {
        makers: &[CARMAKER.account()],
        carriers: &[STATION.account(), STORAGE.account()],
        closers: &RECYCLERS.map(|recycler| recycler.account()),
    };
    let batteries = city.register_batteries(chain, COIN, &[IdentityKind::Resident])?;
    for n in 0..BATTERIES {
        let battery = id("hangzhou-battery", n);
        city.records(CARMAKER)
            .issue(
                batteries,
                Subject::Asset(battery),
                id("hangzhou-made", n),
                None,
                None,
            )
            .accepted()
            .with_context(|| format!("battery {n} made"))?;
        let recycler = RECYCLERS[n as usize % 2];
        let document = id("hangzhou-handover", n);
        for (from, to) in [(CARMAKER, STATION), (STATION, STORAGE), (STORAGE, recycler)] {
            city.records(from)
                .hand_over(batteries, battery, to, document)
                .accepted()?;
            city.records(to)
                .take_over(batteries, battery, document)
                .accepted()
                .with_context(|| format!("battery {n} taken over by {}", to.0))?;
        }
        city.records(recycler)
            .close_asset(batteries, battery, id("hangzhou-recycled", n))
            .accepted()?;
        city.records(STORAGE)
            .reward_return(batteries, battery)
            .accepted()
            .with_context(|| format!("battery {n}'s return reward"))?;
    }
    let battery = id("hangzhou-battery", 0);
    let again = city
        .records(STORAGE)
        .reward_return(batteries, battery)
        .value;
    let reclosed = city
        .records(RECYCLERS[1])
        .close_asset(batteries, battery, id("x", 0))
        .value;
    let handed_again = city
        .records(RECYCLERS[1])
        .hand_over(batteries, id("hangzhou-battery", 1), STATION, id("x", 1))
        .value;
    ensure!(
        again == Err(RecordsError::AlreadyRewarded)
            && reclosed == Err(RecordsError::AssetClosed)
            && handed_again == Err(RecordsError::AssetClosed),
        "a recycled battery answered {again:?}, {reclosed:?}, {handed_again:?}"
    );
    let earned = city.balance(STORAGE);
    ensure!(
        earned == u128::from(BATTERIES) * COIN,
        "the storage operator earned {earned}"
    );
    let steps = city
        .records(ADMIN)
        .history(batteries, battery, 0, 10)
        .value
        .len();
    writeln!(
        out,
        "{BATTERIES} batteries go from the carmaker to a charging station, to underground \
         storage and to two recyclers, {steps} records each; the storage operator earns {} \
         coins, one per battery, and a second claim is refused",
        coins(earned)
    )?;
    Ok(())
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: HANGZHOU,
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
    batteries: Some(Batteries {
        per_day: 4,
        reward: COIN,
    }),
    charity: None,
    housing: None,
};
