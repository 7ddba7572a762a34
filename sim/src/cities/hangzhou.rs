//! Hangzhou: residents, visitors and businesses under different reward rules; battery
//! returns pay everyone, kitchen waste only residents; coins are spent at a tea house; the
//! stakeholders vote with their coins (the business with its takings) to raise the
//! battery reward, and governance executes it after the timelock.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    kinds, Action, CivicRole, IdentityKind, PollState, Revoting, RewardError, Role, Rule, Secrecy,
    TransferPolicy, AGAINST, FOR,
};
use ink::{primitives::AccountId, selector_bytes};

use super::{coins, enrol, install_device, opened, receipt, set_rule, DAY_MS};
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

pub(super) fn hangzhou_stakeholders(out: &mut impl Write) -> Result<()> {
    // No treasury: every coin is earned, so coin-weighted votes weigh civic work; the
    // stakeholders govern with their coins.
    let token = TokenConfig {
        initial_supply: 0,
        ..TokenConfig::default()
    };
    let mut city = City::with_parts(token, TOKEN_GOVERNANCE, None)?;
    writeln!(out, "\n== Hangzhou: residents, visitors and businesses ==")?;
    city.registry(ADMIN)
        .grant_role(CivicRole::Registrar, ADMIN)
        .ok();
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, TEA_HOUSE)
        .ok();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .ok();
    enrol(
        &mut city,
        "hangzhou-resident",
        40,
        RESIDENTS,
        IdentityKind::Resident,
        365 * DAY_MS,
    );
    enrol(
        &mut city,
        "hangzhou-visitor",
        41,
        VISITORS,
        IdentityKind::Visitor,
        30 * DAY_MS,
    );
    let stakeholders: Vec<AccountId> = (0..RESIDENTS)
        .map(resident)
        .chain((0..VISITORS).map(visitor))
        .chain([TEA_HOUSE.account()])
        .collect();
    for account in &stakeholders {
        city.token(*account).track_votes().ok();
    }
    install_device(&mut city, KIOSK, &[Action::BatteryReturned]);
    install_device(&mut city, BIN, &[Action::KitchenWaste]);
    set_rule(&mut city, Action::BatteryReturned, COIN, 1, &EVERYONE);
    set_rule(
        &mut city,
        Action::KitchenWaste,
        COIN / 2,
        1_000,
        &EVERYONE[..1],
    );

    let mut receipts = 0;
    let mut attest = |city: &mut City, device: Actor, who, action, quantity| {
        receipts += 1;
        city.rewards(device)
            .attest(receipt(40, receipts), who, action, quantity)
            .value
    };
    for n in 0..RESIDENTS {
        attest(&mut city, KIOSK, resident(n), Action::BatteryReturned, 4)
            .map_err(|error| anyhow!("resident {n}'s batteries: {error:?}"))?;
        attest(&mut city, BIN, resident(n), Action::KitchenWaste, 2_000)
            .map_err(|error| anyhow!("resident {n}'s kitchen waste: {error:?}"))?;
    }
    for n in 0..VISITORS {
        attest(&mut city, KIOSK, visitor(n), Action::BatteryReturned, 10)
            .map_err(|error| anyhow!("visitor {n}'s batteries: {error:?}"))?;
    }
    let refused = attest(&mut city, BIN, visitor(0), Action::KitchenWaste, 2_000);
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
            .value
            .map_err(|error| anyhow!("paying the tea house: {error:?}"))?;
    }
    let takings = city.balance(TEA_HOUSE);
    writeln!(
        out,
        "everyone spends a quarter of their coins at the tea house: {} coins of takings",
        coins(takings)
    )?;

    city.hand_over_to_governance();
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
            .value
            .map_err(|error| anyhow!("stakeholder {n}: {error:?}"))?;
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
    city.voting(ADMIN)
        .queue(proposal)
        .value
        .map_err(|error| anyhow!("not queued: {error:?}"))?;
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(ADMIN)
        .execute(proposal)
        .value
        .map_err(|error| anyhow!("not executed: {error:?}"))?;
    let after = attest(&mut city, KIOSK, visitor(1), Action::BatteryReturned, 3);
    ensure!(after == Ok(6 * COIN), "three batteries now pay {after:?}");
    writeln!(
        out,
        "after the timelock, three batteries pay {} coins",
        coins(6 * COIN)
    )?;
    Ok(())
}
