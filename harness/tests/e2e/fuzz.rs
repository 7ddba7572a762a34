//! The invariant fuzzer in CI: a short campaign on the real suite, replaying the committed
//! regression seeds first, and the fuzzer's self-test on a deliberately broken variant.

use std::path::PathBuf;

use harness::fuzz::{self, Campaign};

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
    assert_eq!(report.stats.messages.len(), 25, "{}", report.text());
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
        rewards: "reward-rules-broken-cap-check",
        ..Campaign::new(256, 50, 7)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    let failure = report.failure.expect("the fuzzer missed a broken cap");
    assert!(failure.contains("Attest"), "{failure}");
    // Shrunk: two attestations for the same beneficiary within a day suffice.
    let steps = failure.lines().filter(|line| line.contains(". ")).count();
    assert!(steps <= 3, "not shrunk:\n{failure}");
}
