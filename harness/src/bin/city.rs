//! `city`: the ink-city command line.
//!
//! ```text
//! city build                  build every contract bundle (release, wasm-opt) if stale
//! city simulate <name>|all    run city scenarios on the embedded sandbox, checking each
//! city demo                   the City Coin scenario alone
//! city bench [--json]         Wasm sizes and weights of the key messages, beside the anchors
//! city fuzz [--cases N] [--depth D] [--seed S]
//!                             an invariant-fuzzing campaign on the real Wasm; fails on a
//!                             violation, printing the shortest failing sequence
//! ```

use std::process::ExitCode;

use anyhow::Result;
use std::io::Write;

use harness::{bench, bundles, demo, fuzz, scenarios};

const USAGE: &str = "usage: city <build | simulate <scenario>|all | demo | bench [--json] | \
                     fuzz [--cases N] [--depth D] [--seed S]>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[&str]) -> Result<()> {
    match args {
        ["build"] => {
            let built = bundles::ensure_built()?;
            let state = if built { "built" } else { "up to date" };
            println!("bundles {state} in {}", bundles::bundle_dir().display());
            Ok(())
        }
        ["demo"] => demo::run(&mut std::io::stdout()),
        ["simulate", scenario] => scenarios::run(scenario, &mut std::io::stdout()),
        ["bench"] => {
            print!("{}", bench::run()?.table());
            Ok(())
        }
        ["bench", "--json"] => {
            println!("{}", serde_json::to_string_pretty(&bench::run()?)?);
            Ok(())
        }
        ["fuzz", options @ ..] => fuzz_campaign(options),
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// Runs `city fuzz` with its options (by default 64 cases of up to 50 steps, seed 7).
fn fuzz_campaign(options: &[&str]) -> Result<()> {
    let mut campaign = fuzz::Campaign {
        regressions: Some(bundles::workspace_root().join("harness/tests/regressions/fuzz.txt")),
        ..fuzz::Campaign::new(64, 50, 7)
    };
    for pair in options.chunks(2) {
        let (flag, value) = match pair {
            [flag, value] => (*flag, *value),
            _ => anyhow::bail!("{USAGE}"),
        };
        match flag {
            "--cases" => campaign.cases = value.parse()?,
            "--depth" => campaign.depth = value.parse()?,
            "--seed" => campaign.seed = value.parse()?,
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    let cases = u64::from(campaign.cases);
    let report = fuzz::run(&campaign, |played| {
        // Shrinking plays more cases than asked: the bar stays full then.
        let done = played.min(cases);
        let width = 40 * done / cases.max(1);
        eprint!(
            "\r[{}{}] {played} cases",
            "#".repeat(width as usize),
            " ".repeat(40 - width as usize)
        );
        std::io::stderr().flush().ok();
    })?;
    eprintln!();
    print!("{}", report.text());
    anyhow::ensure!(report.failure.is_none(), "the campaign found a violation");
    Ok(())
}
