//! The invariant fuzzer in CI: a short campaign on the real suite, replaying the committed
//! regression seeds first, and the fuzzer's self-test on a deliberately broken variant.

use std::path::PathBuf;

use harness::fuzz::{self, Campaign, Money};

/// Seeds of sequences that once failed (the first, found by the broken variant, shrinks to
/// one attestation over the cap). Proptest replays them before any new case, and adds the
/// seed of any new failure.
fn regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/regressions/fuzz.txt")
}

/// The number of steps of a failure's shortest sequence, as the report prints them.
fn shrunk_length(failure: &str) -> usize {
    failure
        .lines()
        .skip_while(|line| !line.starts_with("the shortest failing sequence"))
        .skip(1)
        .filter(|line| line.trim_start().split_once(". ").is_some())
        .count()
}

#[test]
fn a_short_campaign_finds_no_violation_and_replays_the_regressions() {
    let campaign = Campaign {
        regressions: Some(regressions()),
        ..Campaign::new(48, 40, 2026)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    assert!(report.failure.is_none(), "{}", report.text());
    // Every kind of step was taken, and calls of each contract succeeded.
    assert_eq!(report.stats.messages.len(), 36, "{}", report.text());
    for outcome in [
        "rewards.attest Ok",
        "token.transfer Ok",
        "voting.cast_vote Ok",
        "escrow.fund Ok",
    ] {
        assert!(
            report.stats.outcomes.contains_key(outcome),
            "{}",
            report.text()
        );
    }
    assert!(report.stats.steps > 48);
}

#[test]
fn a_broken_cap_check_is_caught_and_shrunk() {
    // No regression file: a seed depends on the strategy, and the committed file should
    // change only when a campaign on the real suite finds something.
    let campaign = Campaign {
        broken: Some("reward-rules-broken-cap-check"),
        ..Campaign::new(256, 50, 7)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    let failure = report.failure.expect("the fuzzer missed a broken cap");
    // Caught by the outcome comparison, and shrunk to one attestation over the cap.
    assert!(
        failure.starts_with("step 1: Attest") && failure.contains("the model predicted"),
        "{failure}"
    );
    assert_eq!(shrunk_length(&failure), 1, "{failure}");
}

#[test]
fn the_default_campaign_meets_its_coverage_floor_at_every_scale_of_money() {
    for money in Money::ALL {
        let campaign = Campaign {
            money,
            ..Campaign::new(64, 50, 7)
        };
        let report = fuzz::run(&campaign, |_| {}).unwrap();
        assert!(report.failure.is_none(), "{money:?}: {}", report.text());
        assert!(
            report.below_the_floor().is_empty(),
            "{money:?}: {}",
            report.text()
        );
    }
}

#[test]
fn refunds_computed_in_128_bits_are_caught_at_the_edge_of_a_u128() {
    let campaign = Campaign {
        broken: Some("project-escrow-broken-refund-arithmetic"),
        money: Money::Edge,
        ..Campaign::new(64, 50, 7)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    let failure = report
        .failure
        .expect("the fuzzer missed refunds that overflow");
    // Caught by the attacker's invariant `every_refund_can_be_claimed` right after the
    // cancellation, before any claim: the refunds storyline, its noise shrunk away.
    assert!(
        failure.starts_with("after step 6: CancelProject")
            && failure.contains("cannot claim its refund: Overflow"),
        "{failure}"
    );
    assert_eq!(shrunk_length(&failure), 8, "{failure}");
}

#[test]
fn proposals_decided_outside_the_governance_electorate_are_caught() {
    let campaign = Campaign {
        broken: Some("e-voting-broken-electorate"),
        ..Campaign::new(64, 50, 7)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    let failure = report
        .failure
        .expect("the fuzzer missed a proposal decided by the wrong electorate");
    // Caught by the attacker's invariant on admin seats when the seizure executes (the
    // model agrees with every vote: the citizens who voted belong to both electorates).
    assert!(
        failure.starts_with("after step 10: Execute")
            && failure.contains("moved a seat, decided by People { kinds: 15 }"),
        "{failure}"
    );
    assert_eq!(shrunk_length(&failure), 10, "{failure}");
}

#[test]
fn a_sealed_ballot_is_revealed_and_counted_as_the_model_says() {
    use fuzz::{Step, World};
    use harness::city::{ALICE, BOB};
    let mut world = World::new(None, fuzz::Money::Cents).unwrap();
    // Poll 2 is the world's secret poll, open for voting.
    let commit = |voter, salt| Step::Commit {
        voter,
        poll: 2,
        choice: 1,
        salt,
    };
    let reveal = |voter, salt| Step::Reveal {
        voter,
        poll: 2,
        choice: 1,
        salt,
    };
    let steps = [
        reveal(ALICE, 0),
        commit(ALICE, 0),
        commit(BOB, 0),
        Step::NextBlocks { blocks: 101 },
        reveal(ALICE, 0),
        reveal(ALICE, 0),
        reveal(BOB, 1),
    ];
    world.play(&steps).unwrap();
    for outcome in [
        "voting.reveal_vote NotRevealing",
        "voting.commit_vote Ok",
        "voting.reveal_vote Ok",
        "voting.reveal_vote NothingToReveal",
        "voting.reveal_vote BadReveal",
    ] {
        assert!(
            world.stats.outcomes.contains_key(outcome),
            "{outcome}: {:?}",
            world.stats.outcomes
        );
    }
}
