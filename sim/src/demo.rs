//! The city demo: the token's part of the city story, told through the real Wasm. Each step
//! checks its outcome and the demo fails loudly when one does not hold.

use std::io::Write;

use anyhow::{ensure, Result};
use city_traits::{PSP22Error, Role, TokenError, TransferPolicy};

use harness::city::{City, ADMIN, ALICE, BOB, BUS, CAROL, SHOP};

/// Runs the demo on a fresh city, narrating to `out`.
pub fn run(out: &mut impl Write) -> Result<()> {
    let mut city = City::new()?;
    let mut spent = drink::Weight::zero();
    let mut calls = 0u32;
    let mut tally = |weight: drink::Weight| {
        spent = spent.saturating_add(weight);
        calls += 1;
    };

    writeln!(out, "== City Coin on the embedded sandbox ==")?;
    writeln!(
        out,
        "block {}: the city deploys City Coin; the treasury holds {} cents",
        city.block(),
        city.balance(ADMIN)
    )?;

    // The administration sets up: it mints rewards itself for now, registers the corner
    // shop and the bus company, and makes points civic (spendable, not tradeable).
    for (role, account) in [
        (Role::Minter, ADMIN),
        (Role::Pauser, ADMIN),
        (Role::ServiceProvider, SHOP),
        (Role::ServiceProvider, BUS),
    ] {
        tally(city.token(ADMIN).grant_role(role, account).weight);
    }
    tally(
        city.token(ADMIN)
            .set_transfer_policy(TransferPolicy::Civic)
            .weight,
    );
    writeln!(
        out,
        "the shop and the bus are service providers; points are civic"
    )?;

    // Alice will vote with her points: she opts in before earning them.
    tally(city.token(ALICE).track_votes().weight);

    // Citizens earn points for civic actions.
    city.advance_blocks(1);
    let earned = [
        (ALICE, 1_250, "sorted 2.5 kg of recyclables"),
        (BOB, 800, "paid taxes on time"),
    ];
    for (citizen, amount, deed) in earned {
        let minted = city.token(ADMIN).mint_to(citizen, amount);
        tally(minted.weight);
        minted.accepted()?;
        writeln!(
            out,
            "block {}: {} {deed}: +{amount}",
            city.block(),
            citizen.0
        )?;
    }
    let snapshot_block = city.block();

    // They spend them at city services and shops.
    city.advance_blocks(1);
    let groceries = city.token(ALICE).redeem(SHOP, 400, b"groceries #1031");
    tally(groceries.weight);
    groceries.accepted()?;
    let ticket = city.token(BOB).redeem(BUS, 250, b"monthly pass");
    tally(ticket.weight);
    ticket.accepted()?;
    writeln!(
        out,
        "block {}: alice buys groceries (400), bob a bus pass (250)",
        city.block()
    )?;

    // Points are not traded between citizens.
    let trade = city.token(BOB).transfer(CAROL, 100);
    tally(trade.weight);
    ensure!(
        trade.value == Err(PSP22Error::Custom("PolicyForbidsTransfer".into())),
        "a citizen-to-citizen transfer went through under the civic policy"
    );
    writeln!(
        out,
        "bob tries to sell 100 points to carol: refused (civic policy)"
    )?;

    // An incident: the city pauses the token, redemptions stop, then resume.
    tally(city.token(ADMIN).pause().weight);
    let refused = city.token(ALICE).redeem(SHOP, 10, b"during incident");
    ensure!(
        refused.value == Err(TokenError::Paused),
        "a redemption went through while paused"
    );
    tally(city.token(ADMIN).unpause().weight);
    writeln!(
        out,
        "the token is paused for an incident, a redemption is refused, then it resumes"
    )?;

    // Voting power at a snapshot is what opted-in citizens held then.
    city.advance_blocks(1);
    let alice_votes = city.token(ALICE).votes_at(ALICE, snapshot_block).value;
    ensure!(
        alice_votes == Ok(1_250),
        "alice's snapshot votes are {alice_votes:?}"
    );
    let bob_votes = city.token(ALICE).votes_at(BOB, snapshot_block).value;
    ensure!(
        bob_votes == Ok(0),
        "bob never opted in, yet has {bob_votes:?} votes"
    );
    writeln!(
        out,
        "votes at block {snapshot_block}: alice 1250 (she holds {} now), bob 0 (not opted in)",
        city.balance(ALICE)
    )?;

    let supply = city.token(ADMIN).total_supply().value;
    let held: u128 = [ADMIN, ALICE, BOB, CAROL, SHOP, BUS]
        .into_iter()
        .map(|actor| city.balance(actor))
        .sum();
    ensure!(
        supply == held,
        "supply {supply} differs from the balances' sum {held}"
    );

    writeln!(out, "\n{:<14} {:>14}", "account", "City Coin (¢)")?;
    for actor in [ADMIN, ALICE, BOB, CAROL, SHOP, BUS] {
        writeln!(out, "{:<14} {:>14}", actor.0, city.balance(actor))?;
    }
    writeln!(out, "{:<14} {:>14}", "total supply", supply)?;
    writeln!(
        out,
        "\n{calls} state-changing calls used ref_time {} and proof_size {}",
        spent.ref_time(),
        spent.proof_size()
    )?;
    Ok(())
}
