//! The invariant fuzzer in CI: a short campaign on the real suite, replaying the committed
//! regressions first, and the fuzzer's self-tests on the deliberately broken variants.

use std::path::PathBuf;

use fuzz::{regressions::Regression, Campaign, Money};

/// The committed regressions: shrunk step sequences with the suite they ran on and what
/// caught them (`fuzz/regressions/*.json`).
fn regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("regressions")
}

/// Each broken variant, the money it is fuzzed in, what must catch it and the exact length
/// of the sequence it shrinks to (the README's fuzzing section tells the same).
const SELF_TESTS: &[(&str, Money, &str, usize)] = &[
    // One attestation a cent over the cap.
    (
        "reward-rules-broken-cap-check",
        Money::Cents,
        "the model's prediction",
        1,
    ),
    // Three days pass and the lapsed card is rewarded.
    (
        "citizen-registry-broken-expiries",
        Money::Cents,
        "the model's prediction",
        4,
    ),
    // Alice's 500 coins counted as one vote.
    (
        "e-voting-broken-vote-weights",
        Money::Cents,
        "nobody_is_counted_twice_and_the_tally_is_the_sum_of_ballots",
        1,
    ),
    // Funded, disputed, settled, released: the workers hold nothing.
    (
        "project-escrow-broken-unpaid-wages",
        Money::Cents,
        "balances_match_the_model",
        5,
    ),
    // Two funders, a release, a cancellation: a coin stays in the escrow.
    (
        "project-escrow-broken-refund-dust",
        Money::Cents,
        "every_refund_can_be_claimed",
        6,
    ),
    // Two funders at the edge of a u128, a cancellation: the refund overflows.
    (
        "project-escrow-broken-refund-arithmetic",
        Money::Edge,
        "every_refund_can_be_claimed",
        4,
    ),
    // A seizure passed by a visitor's vote executes.
    (
        "e-voting-broken-electorate",
        Money::Cents,
        "an_admin_seat_moves_only_through_the_governance_electorate",
        9,
    ),
];

#[test]
fn a_short_campaign_finds_no_violation_and_replays_the_regressions() {
    let campaign = Campaign {
        regressions: Some(regressions()),
        ..Campaign::new(48, 40, 2026)
    };
    let report = fuzz::run(&campaign, |_| {}).unwrap();
    assert!(report.failure.is_none(), "{}", report.text());
    // Every kind of step was taken, and calls of each contract succeeded.
    assert_eq!(report.stats.messages.len(), 37, "{}", report.text());
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
    // The charity's and the leases' chapters played their cases too.
    let chapters: Vec<_> = report.chapters.iter().map(|c| (c.name, c.cases)).collect();
    assert_eq!(
        chapters,
        [("charity", 48), ("leases", 48)],
        "{}",
        report.text()
    );
}

#[test]
fn every_committed_regression_replays_as_recorded_and_passes_on_the_real_suite() {
    let all = Regression::load_all(&regressions()).unwrap();
    assert_eq!(all.len(), SELF_TESTS.len());
    for (name, regression) in all {
        let reason = regression
            .replay()
            .unwrap_or_else(|error| panic!("{name}: {error:#}"));
        assert_eq!(reason.is_some(), regression.caught_by.is_some(), "{name}");
        // The same steps on the real suite: nothing to catch.
        let real = Regression {
            broken: None,
            caught_by: None,
            reason: None,
            ..regression
        };
        real.replay()
            .unwrap_or_else(|error| panic!("{name} on the real suite: {error:#}"));
    }
}

#[test]
fn the_fuzzer_catches_every_broken_variant_by_the_recorded_mechanism() {
    let committed = Regression::load_all(&regressions()).unwrap();
    for &(variant, money, mechanism, length) in SELF_TESTS {
        let campaign = Campaign {
            broken: Some(variant),
            money,
            ..Campaign::new(64, 50, 7)
        };
        let report = fuzz::run(&campaign, |_| {}).unwrap();
        let failure = report
            .failure
            .unwrap_or_else(|| panic!("the fuzzer missed {variant}"));
        assert_eq!(failure.mechanism(), mechanism, "{}", failure.text());
        assert_eq!(failure.steps.len(), length, "{}", failure.text());
        // And it is the sequence committed for it.
        let kept = committed
            .iter()
            .find(|(_, regression)| regression.broken.as_deref() == Some(variant))
            .unwrap_or_else(|| panic!("no regression committed for {variant}"));
        assert_eq!(kept.1.steps, failure.steps, "{variant}");
        assert_eq!(kept.1.caught_by.as_deref(), Some(mechanism), "{variant}");
    }
}

#[test]
fn the_readme_tells_what_the_self_tests_check() {
    let readme = std::fs::read_to_string(
        harness::bundles::workspace_root()
            .unwrap()
            .join("README.md"),
    )
    .unwrap();
    for &(variant, money, mechanism, length) in SELF_TESTS {
        let caught = if mechanism.contains(' ') {
            mechanism.to_string()
        } else {
            format!("`{mechanism}`")
        };
        let row = format!("| `{variant}` | {} | {caught} | {length} |", money.flag());
        assert!(readme.contains(&row), "the README lacks {row}");
    }
}

#[test]
fn the_self_tests_cover_every_broken_variant() {
    for (variant, ..) in harness::bundles::BROKEN_VARIANTS {
        assert!(
            SELF_TESTS.iter().any(|(name, ..)| name == variant),
            "{variant}"
        );
    }
}

#[test]
fn the_default_campaign_meets_its_coverage_floor_at_every_scale_of_money() {
    for money in Money::ALL {
        // The chapters count in coins whatever the money: the short campaign plays them.
        let campaign = Campaign {
            money,
            chapters: false,
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
fn a_sealed_ballot_is_revealed_and_counted_as_the_model_says() {
    use fuzz::{Clock, Step, VotingStep, World};
    use harness::city::{ALICE, BOB};
    let mut world = World::new(None, fuzz::Money::Cents).unwrap();
    // Poll 2 is the world's secret poll, open for voting.
    let commit = |voter, salt| {
        Step::Voting(VotingStep::Commit {
            voter,
            poll: 2,
            choice: 1,
            salt,
        })
    };
    let reveal = |voter, salt| {
        Step::Voting(VotingStep::Reveal {
            voter,
            poll: 2,
            choice: 1,
            salt,
        })
    };
    let steps = [
        reveal(ALICE, 0),
        commit(ALICE, 0),
        commit(BOB, 0),
        Step::Clock(Clock::NextBlocks { blocks: 101 }),
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

#[test]
fn a_proposal_accepts_the_token_seat_for_governance_and_offers_it_to_its_proposer() {
    use city_traits::FOR;
    use fuzz::{Clock, Step, TokenStep, VotingStep, World};
    use harness::city::{ADMIN, ALICE, BOB, MALLORY};
    let mut world = World::new(None, fuzz::Money::Cents).unwrap();
    let steps = [
        Step::Voting(VotingStep::Propose {
            caller: ALICE,
            secrecy: city_traits::Secrecy::Public,
            revoting: city_traits::Revoting::Refused,
            seize: true,
            accept: true,
        }),
        Step::Token(TokenStep::HandOverToken { caller: ADMIN }),
        Step::Token(TokenStep::AcceptTokenAdmin { caller: ALICE }),
        Step::Clock(Clock::NextBlocks { blocks: 2 }),
        Step::Voting(VotingStep::Vote {
            voter: ALICE,
            poll: 4,
            choice: FOR,
        }),
        Step::Voting(VotingStep::Vote {
            voter: BOB,
            poll: 4,
            choice: FOR,
        }),
        Step::Clock(Clock::NextBlocks { blocks: 101 }),
        Step::Voting(VotingStep::Queue {
            caller: MALLORY,
            poll: 4,
        }),
        Step::Clock(Clock::NextDay),
        Step::Clock(Clock::NextDay),
        Step::Voting(VotingStep::Execute {
            caller: MALLORY,
            poll: 4,
        }),
        Step::Token(TokenStep::AcceptTokenAdmin { caller: BOB }),
        Step::Token(TokenStep::AcceptTokenAdmin { caller: ALICE }),
    ];
    world.play(&steps).unwrap();
    for outcome in [
        "token.offer_admin Ok",
        "token.accept_admin NotOffered",
        "voting.execute Ok",
        "token.accept_admin Ok",
    ] {
        assert!(
            world.stats.outcomes.contains_key(outcome),
            "{outcome}: {:?}",
            world.stats.outcomes
        );
    }
}
