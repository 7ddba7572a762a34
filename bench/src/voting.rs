//! E-voting's figures: the weight of each step of a poll's and a proposal's life, and of a
//! vote cast after [`FEW_VOTERS`] and after [`MANY_VOTERS`] earlier votes.

use anyhow::Result;
use city_traits::{commitment, Electorate, IdentityKind, Revoting, Secrecy, FOR};
use ink::{primitives::AccountId, selector_bytes};

use super::{Measurement, DAY_MS};
use harness::{
    city::{crowd_member, numbered_id, City, ADMIN, ALICE, BOB, GOVERNANCE, TOKEN_GOVERNANCE},
    voting::proposed_call,
};

/// Earlier votes before the small and the large `cast_vote` measurement.
pub const FEW_VOTERS: u32 = 10;
pub const MANY_VOTERS: u32 = 10_000;

fn voter(n: u32) -> AccountId {
    crowd_member("bench-voter", n)
}

/// Measures e-voting on a city of [`MANY_VOTERS`] + 1 citizens whose admin seats are
/// held by governance. Returns the weights and `cast_vote`'s ref_time after many earlier
/// votes over that after few.
pub(super) fn voting_weights() -> Result<(Vec<Measurement>, f64)> {
    let mut city = City::with_governance(TOKEN_GOVERNANCE)?;
    let year = city.now_ms() + 365 * DAY_MS;
    city.appoint_registrar(ADMIN)?;
    for n in 0..=MANY_VOTERS {
        city.registry(ADMIN)
            .register(voter(n), IdentityKind::Citizen, numbered_id(0xb0, n), year)
            .expect_accepted();
        if n % 500 == 499 {
            city.advance_blocks(1);
        }
    }
    // Each holds 30% of the supply: together over the quorum.
    let treasury = city.token(ADMIN).balance_of(ADMIN).value;
    for holder in [ALICE, BOB] {
        city.token(ADMIN)
            .transfer(holder, treasury * 3 / 10)
            .expect_accepted();
        city.token(holder).track_votes().expect_accepted();
    }
    city.hand_over_to_governance()?;
    city.advance_blocks(1);

    let mut weights = Vec::new();
    let citizens = Electorate::people(&[IdentityKind::Citizen]);
    let options = ["north", "riverside", "old mill", "harbour"];
    let create_poll = city.voting(ADMIN).create_poll(
        "Where?",
        &options,
        citizens,
        Secrecy::Public,
        Revoting::Refused,
    );
    weights.push(Measurement::of("create_poll (4 options)", &create_poll));
    let poll = create_poll.value.expect("measured as a success");
    let limits = proposed_call(&city.rewards, selector_bytes!("set_limits"), (1u128, 1u128));
    let propose =
        city.voting(ALICE)
            .propose("Limits", &[limits], Secrecy::Public, Revoting::Refused);
    weights.push(Measurement::of("propose (1 call)", &propose));
    let proposal = propose.value.expect("measured as a success");
    let secret = city
        .voting(ADMIN)
        .create_poll(
            "Who?",
            &options[..2],
            citizens,
            Secrecy::Secret,
            Revoting::Refused,
        )
        .expect_accepted();
    let revote = city
        .voting(ADMIN)
        .create_poll(
            "Again?",
            &options[..2],
            Electorate::Tokens,
            Secrecy::Public,
            Revoting::Replaces,
        )
        .expect_accepted();
    city.advance_blocks(GOVERNANCE.voting_delay + 1);

    for n in 0..FEW_VOTERS {
        city.voting(voter(n))
            .cast_vote(poll, (n % 4) as u8)
            .expect_accepted();
    }
    let few = city.voting(voter(FEW_VOTERS)).cast_vote(poll, 0);
    let label = format!("cast_vote (people, {FEW_VOTERS} earlier votes)");
    weights.push(Measurement::of(&label, &few));
    let by_tokens = city.voting(ALICE).cast_vote(proposal, FOR);
    weights.push(Measurement::of("cast_vote (tokens)", &by_tokens));
    city.voting(BOB).cast_vote(proposal, FOR).expect_accepted();
    city.voting(ALICE).cast_vote(revote, 0).expect_accepted();
    let again = city.voting(ALICE).cast_vote(revote, 1);
    weights.push(Measurement::of("cast_vote (a re-vote)", &again));
    let salt = [7; 32];
    let sealed = commitment(secret, voter(0), 1, salt);
    let commit = city.voting(voter(0)).commit_vote(secret, sealed);
    weights.push(Measurement::of("commit_vote", &commit));

    for n in FEW_VOTERS + 1..MANY_VOTERS {
        city.voting(voter(n))
            .cast_vote(poll, (n % 4) as u8)
            .expect_accepted();
        if n % 500 == 499 {
            city.advance_blocks(1);
        }
    }
    city.advance_blocks(1);
    let many = city.voting(voter(MANY_VOTERS)).cast_vote(poll, 0);
    let label = format!("cast_vote (people, {MANY_VOTERS} earlier votes)");
    weights.push(Measurement::of(&label, &many));
    let flatness = many.weight.ref_time() as f64 / few.weight.ref_time() as f64;

    city.advance_blocks(GOVERNANCE.voting_period);
    let reveal = city.voting(voter(0)).reveal_vote(secret, 1, salt);
    weights.push(Measurement::of("reveal_vote", &reveal));
    let state = city.voting(ADMIN).state(poll);
    weights.push(Measurement::of(
        "state (decided: asks the registry)",
        &state,
    ));
    let queue = city.voting(ADMIN).queue(proposal);
    weights.push(Measurement::of("queue", &queue));
    city.advance_time(GOVERNANCE.timelock_ms);
    let execute = city.voting(ADMIN).execute(proposal);
    weights.push(Measurement::of("execute (1 call)", &execute));
    Ok((weights, flatness))
}
