//! The checks can fail: `city simulate`, run short on a deliberately broken variant of a
//! contract, fails and names the check that caught it (the fuzzer's self-tests are in
//! `fuzz/tests/campaigns.rs`).

use std::process::Command;

use harness::bundles::BROKEN_VARIANTS;
use sim::CHECKS;

/// Each broken variant, the city whose life shows it, and the check that must catch it.
const CAUGHT: &[(&str, &str, &str)] = &[
    // Seoul's full days of volunteering earn more than the daily cap.
    (
        "reward-rules-broken-cap-check",
        "seoul",
        "rewards_follow_the_rules",
    ),
    // Xiong'an's levee pays fifty workers per milestone.
    (
        "project-escrow-broken-unpaid-wages",
        "xiongan",
        "wages_reach_the_workers",
    ),
    // San Marino cancels its solar roofs after the first milestone: refunds with a remainder.
    (
        "project-escrow-broken-refund-dust",
        "san-marino",
        "refunds_return_what_was_not_released",
    ),
    // Hangzhou's stakeholders vote with their coins.
    (
        "e-voting-broken-vote-weights",
        "hangzhou",
        "tallies_weigh_each_ballot",
    ),
    // ... on a proposal, which the broken variant gives to one person, one vote.
    (
        "e-voting-broken-electorate",
        "hangzhou",
        "tallies_weigh_each_ballot",
    ),
    // Seoul's lapsing cards expire on day 10.
    (
        "citizen-registry-broken-expiries",
        "seoul",
        "lapsed_identities_are_refused",
    ),
];

/// The only variant the simulator cannot see: it overflows a 128-bit product of two
/// 18-decimal amounts, and the simulated cities count in cents. The fuzzer catches it at
/// `--decimals edge`.
const BEYOND_THE_SIMULATOR: &str = "project-escrow-broken-refund-arithmetic";

/// `city simulate <city>` for 60 people and 14 days (past every lapse, release and
/// cancellation), with `broken` if given: its exit code and what it printed to stderr.
fn simulate(city: &str, broken: Option<&str>) -> (Option<i32>, String) {
    let name = format!("{city}-{}", broken.unwrap_or("real"));
    let out =
        std::env::temp_dir().join(format!("ink-city-self-test-{}-{name}", std::process::id()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_city"));
    command.args([
        "simulate",
        city,
        "--citizens",
        "60",
        "--days",
        "14",
        "--seed",
        "3",
    ]);
    command.arg("--out").arg(&out);
    if let Some(variant) = broken {
        command.args(["--broken", variant]);
    }
    let output = command.output().unwrap();
    std::fs::remove_dir_all(&out).ok();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

#[test]
fn every_broken_variant_but_one_is_matched_with_a_named_check() {
    for (variant, ..) in BROKEN_VARIANTS {
        let listed = CAUGHT.iter().any(|(name, ..)| name == variant);
        assert!(
            listed != (*variant == BEYOND_THE_SIMULATOR),
            "{variant} is not matched with a check"
        );
    }
    for (_, _, check) in CAUGHT {
        assert!(CHECKS.iter().any(|(name, _)| name == check), "{check}");
    }
}

#[test]
fn the_short_run_passes_on_the_real_suite() {
    let (code, stderr) = simulate("all", None);
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn the_simulator_fails_on_every_broken_variant_and_names_the_check() {
    for (variant, city, check) in CAUGHT {
        let (code, stderr) = simulate(city, Some(variant));
        assert_eq!(code, Some(1), "{variant}: {stderr}");
        let named = format!("error: {city}: check `{check}` failed");
        assert!(stderr.contains(&named), "{variant}: {stderr}");
    }
}

#[test]
fn the_readme_names_every_check_and_what_catches_each_variant() {
    let readme = std::fs::read_to_string(
        harness::bundles::workspace_root()
            .unwrap()
            .join("README.md"),
    )
    .unwrap();
    for (check, _) in CHECKS {
        assert!(readme.contains(&format!("- `{check}`:")), "{check}");
    }
    for (variant, city, check) in CAUGHT {
        let row = format!(" | {city} | `{check}` |");
        let line = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `{variant}` (")))
            .unwrap_or_else(|| panic!("the README's table lacks {variant}"));
        assert!(line.ends_with(&row), "{line}");
    }
}
