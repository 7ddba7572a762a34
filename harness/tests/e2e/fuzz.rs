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
    assert!(failure.contains("Attest"), "{failure}");
    // Shrunk: two attestations for the same beneficiary within a day suffice.
    let steps = failure.lines().filter(|line| line.contains(". ")).count();
    assert!(steps <= 3, "not shrunk:\n{failure}");
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
    assert!(failure.contains("ClaimRefund"), "{failure}");
    assert!(failure.contains("Overflow"), "{failure}");
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
    assert!(failure.contains("Propose"), "{failure}");
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
