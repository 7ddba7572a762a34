//! Voting power and supply at past blocks, read across several blocks on the real Wasm.
//! Voting power is opt-in (`track_votes`).

use city_traits::{Role, TokenError};
use harness::city::{ADMIN, ALICE, BOB, CAROL};

use crate::city_with_holders;

#[test]
fn past_balances_and_supply_hold_across_blocks() {
    let mut city = city_with_holders();
    city.token(ADMIN)
        .grant_role(Role::Minter, ADMIN)
        .expect_accepted();
    city.token(ADMIN)
        .grant_role(Role::Burner, BOB)
        .expect_accepted();
    for voter in [ALICE, BOB, CAROL] {
        city.token(voter).track_votes().expect_accepted();
    }
    city.advance_blocks(1);
    let start = city.block();
    let supply = city.token(ADMIN).total_supply().value;

    // block start: alice pays bob twice; start+1: nothing; start+2: mint to carol, bob burns.
    city.token(ALICE).transfer(BOB, 100).expect_accepted();
    city.token(ALICE).transfer(BOB, 50).expect_accepted();
    city.advance_blocks(2);
    city.token(ADMIN).mint_to(CAROL, 70).expect_accepted();
    city.token(BOB).burn_from(BOB, 20).expect_accepted();
    city.advance_blocks(1);

    let votes = |city: &mut harness::City, who| {
        (start - 1..=start + 2)
            .map(|block| city.token(ALICE).votes_at(who, block).expect_accepted())
            .collect::<Vec<_>>()
    };
    assert_eq!(votes(&mut city, ALICE), vec![1_000, 850, 850, 850]);
    assert_eq!(votes(&mut city, BOB), vec![1_000, 1_150, 1_150, 1_130]);
    assert_eq!(votes(&mut city, CAROL), vec![0, 0, 0, 70]);
    let supplies: Vec<_> = (start - 1..=start + 2)
        .map(|block| city.token(ALICE).total_supply_at(block).expect_accepted())
        .collect();
    assert_eq!(supplies, vec![supply, supply, supply, supply + 50]);
}

#[test]
fn only_opted_in_holders_have_voting_power_and_from_their_opt_in_on() {
    let mut city = city_with_holders();
    let before = city.block();
    let opting_in = city.token(ALICE).track_votes();
    assert_eq!(opting_in.events.len(), 1, "VotesTracked");
    opting_in.expect_accepted();
    assert!(city.token(BOB).tracks_votes(ALICE).value);
    assert!(!city.token(BOB).tracks_votes(BOB).value);
    city.advance_blocks(1);
    assert_eq!(
        city.token(BOB).votes_at(ALICE, before).expect_accepted(),
        1_000
    );
    assert_eq!(
        city.token(BOB)
            .votes_at(ALICE, before - 1)
            .expect_accepted(),
        0
    );
    assert_eq!(city.token(BOB).votes_at(BOB, before).expect_accepted(), 0);
    let again = city.token(ALICE).track_votes();
    assert!(again.events.is_empty());
    again.expect_accepted();
}

#[test]
fn history_is_not_given_for_unfinished_blocks() {
    let mut city = city_with_holders();
    let now = city.block();
    for block in [now, now + 1, u32::MAX] {
        assert_eq!(
            city.token(ALICE).votes_at(ALICE, block).expect_refused(),
            TokenError::BlockNotYetFinished
        );
        assert_eq!(
            city.token(ALICE).total_supply_at(block).expect_refused(),
            TokenError::BlockNotYetFinished
        );
    }
}

#[test]
fn a_long_history_is_searched_correctly() {
    let mut city = city_with_holders();
    city.token(ALICE).track_votes().expect_accepted();
    let first = city.block();
    for _ in 0..40 {
        city.token(ALICE).transfer(BOB, 10).expect_accepted();
        city.advance_blocks(1);
    }
    for (offset, expected) in [(0, 990), (1, 980), (17, 820), (39, 600)] {
        assert_eq!(
            city.token(BOB)
                .votes_at(ALICE, first + offset)
                .expect_accepted(),
            expected,
            "block {}",
            first + offset
        );
    }
}

#[test]
fn snapshots_restore_balances_and_time() {
    let mut city = city_with_holders();
    let snapshot = city.snapshot();
    let (block, time) = (city.block(), city.now_ms());
    city.token(ALICE).transfer(BOB, 500).expect_accepted();
    city.advance_blocks(3);
    assert_eq!(city.now_ms(), time + 3 * harness::city::BLOCK_TIME_MS);
    city.restore(&snapshot);
    assert_eq!((city.block(), city.now_ms()), (block, time));
    assert_eq!(city.balance(ALICE), 1_000);
}
