//! `city`: the ink-city command line.
//!
//! ```text
//! city build                  build every contract bundle (release, wasm-opt) if stale
//! city simulate <city>|all [--citizens N] [--days D] [--seed S] [--out DIR]
//!               [--broken VARIANT]
//!                             tell each city's story and live it at scale on the embedded
//!                             sandbox, checking both; writes a report with charts to DIR;
//!                             with --broken, a broken variant of a contract (self-test)
//! city demo                   the City Coin scenario alone
//! city deploy --network <name> [--suri S] [--dry-run]
//!                             deploy the suite as deployments/networks/<name>.toml plans
//!                             (the embedded sandbox or a node over RPC), writing a record
//!                             to deployments/records/<name>/
//! city verify --network <name>
//!                             compare the code on chain with the bundles built here
//! city step --network <name> --citizen S [--suri S]
//!                             one civic step on the deployed suite: register the citizen,
//!                             a bin attests and the rules mint, the citizen votes
//! city bench [--json | --readme FILE | --check FILE]
//!                             Wasm sizes and weights of the key messages, beside the
//!                             anchors; --readme writes them into FILE's figures section,
//!                             --check fails when FILE's figures differ
//! city fuzz [--cases N] [--depth D] [--seed S] [--decimals 2|18|edge] [--broken VARIANT]
//!                             an invariant-fuzzing campaign on the real Wasm; fails on a
//!                             violation, printing the shortest failing sequence
//! ```

use std::{
    io::Write,
    path::PathBuf,
    process::ExitCode,
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use anyhow::Result;

use harness::{bench, bundles, demo, deploy, fuzz, scenarios, sim};

const USAGE: &str = "usage: city <build | simulate <city>|all [--citizens N] [--days D] \
                     [--seed S] [--out DIR] [--broken VARIANT] | demo | deploy --network <name> [--suri S] [--dry-run] | \
                     verify --network <name> | step --network <name> --citizen S [--suri S] | \
                     bench [--json | --readme FILE | --check FILE] | \
                     fuzz [--cases N] [--depth D] [--seed S] [--decimals 2|18|edge] \
                     [--broken VARIANT]>";

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
        ["simulate", city, options @ ..] => simulate(city, options),
        ["bench"] => {
            print!("{}", bench::run()?.table());
            Ok(())
        }
        ["bench", "--json"] => {
            println!("{}", serde_json::to_string_pretty(&bench::run()?)?);
            Ok(())
        }
        ["bench", "--readme", path] => {
            let readme = std::fs::read_to_string(path)?;
            std::fs::write(path, bench::run()?.into_readme(&readme)?)?;
            println!("{path}: figures written");
            Ok(())
        }
        ["bench", "--check", path] => {
            let readme = std::fs::read_to_string(path)?;
            let measured = bench::run()?.into_readme(&readme)?;
            if measured != readme {
                let differ: Vec<String> = readme
                    .lines()
                    .zip(measured.lines())
                    .filter(|(written, measured)| written != measured)
                    .map(|(written, measured)| {
                        format!("  {path}: {written}\n  measured: {measured}")
                    })
                    .collect();
                anyhow::bail!(
                    "{path}'s figures differ from what city bench measures \
                     (city bench --readme {path} writes them):\n{}",
                    differ.join("\n")
                );
            }
            println!("{path}: every figure is what city bench measures");
            Ok(())
        }
        ["fuzz", options @ ..] => fuzz_campaign(options),
        ["deploy", "--network", network, rest @ ..] => {
            let places = deploy::Places::default();
            let mut plan = places.plan(network)?;
            let dry_run = match rest {
                [] => false,
                ["--dry-run"] => true,
                ["--suri", suri, more @ ..] if more.is_empty() || more == ["--dry-run"] => {
                    plan.signer = (*suri).to_string();
                    !more.is_empty()
                }
                _ => anyhow::bail!("{USAGE}"),
            };
            let deployment = deploy::deploy(&plan, &places, dry_run)?;
            print!("{}", deployment.text(&plan, dry_run));
            Ok(())
        }
        ["step", "--network", network, "--citizen", citizen, rest @ ..] => {
            let places = deploy::Places::default();
            let mut plan = places.plan(network)?;
            match rest {
                [] => {}
                ["--suri", suri] => plan.signer = (*suri).to_string(),
                _ => anyhow::bail!("{USAGE}"),
            }
            for line in deploy::step(&plan, &places, citizen)? {
                println!("{line}");
            }
            Ok(())
        }
        ["verify", "--network", network] => {
            let places = deploy::Places::default();
            let checks = deploy::verify(&places.plan(network)?, &places)?;
            for check in &checks {
                println!(
                    "{:<17} {} on chain {} built {} {}",
                    check.name,
                    check.address,
                    check.on_chain.as_deref().unwrap_or("(no contract)"),
                    check.built,
                    if check.agrees() { "ok" } else { "DIFFERS" }
                );
            }
            anyhow::ensure!(
                checks.iter().all(deploy::Verified::agrees),
                "the code on {network} differs from the bundles built here"
            );
            println!("{network}: all {} contracts agree", checks.len());
            Ok(())
        }
        _ => anyhow::bail!("{USAGE}"),
    }
}

/// Pairs of `--flag value`.
fn flags<'a>(options: &[&'a str]) -> Result<Vec<(&'a str, &'a str)>> {
    options
        .chunks(2)
        .map(|pair| match pair {
            [flag, value] => Ok((*flag, *value)),
            _ => anyhow::bail!("{USAGE}"),
        })
        .collect()
}

/// A progress bar on stderr: `done` of `total`.
fn progress_bar(done: u64, total: u64, what: &str) {
    let width = 40 * done.min(total) / total.max(1);
    eprint!(
        "\r[{}{}] {done} {what}",
        "#".repeat(width as usize),
        " ".repeat(40 - width as usize)
    );
    std::io::stderr().flush().ok();
}

/// Runs `city simulate` with its options (by default 300 people for 30 days, seed 1,
/// report in `city-report/`).
fn simulate(city: &str, options: &[&str]) -> Result<()> {
    let cities = scenarios::cities(city)?;
    let mut run = sim::Options::default();
    let mut out = PathBuf::from("city-report");
    for (flag, value) in flags(options)? {
        match flag {
            "--citizens" => run.citizens = value.parse()?,
            "--days" => run.days = value.parse()?,
            "--seed" => run.seed = value.parse()?,
            "--out" => out = PathBuf::from(value),
            "--broken" => run.broken = Some(bundles::broken_variant(value)?),
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    if let Some(variant) = run.broken {
        eprintln!("simulating on the broken variant {variant}: a self-test, not the city");
    }
    let total = u64::from(run.days) * cities.len() as u64;
    let days = AtomicU64::new(0);
    let started = Instant::now();
    let report = scenarios::simulate(&cities, run, &|| {
        let done = days.fetch_add(1, Ordering::SeqCst) + 1;
        progress_bar(done, total, "city-days");
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!();
    print!("{}", report.text());
    let charts = report.write(&out)?;
    let calls = report.calls();
    println!(
        "\n{} cities, {calls} contract calls in {elapsed:.1} s: {:.0} calls/s on {} cores",
        report.cities.len(),
        calls as f64 / elapsed,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!(
        "report: {} ({} charts)",
        out.join("index.html").display(),
        charts.len()
    );
    Ok(())
}

/// Runs `city fuzz` with its options (by default 64 cases of up to 50 steps, seed 7).
fn fuzz_campaign(options: &[&str]) -> Result<()> {
    let mut campaign = fuzz::Campaign {
        regressions: Some(bundles::workspace_root().join("harness/tests/regressions/fuzz")),
        ..fuzz::Campaign::new(64, 50, 7)
    };
    for (flag, value) in flags(options)? {
        match flag {
            "--cases" => campaign.cases = value.parse()?,
            "--depth" => campaign.depth = value.parse()?,
            "--seed" => campaign.seed = value.parse()?,
            "--decimals" => campaign.money = value.parse()?,
            "--broken" => campaign.broken = Some(bundles::broken_variant(value)?),
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    let cases = u64::from(campaign.cases);
    let report = fuzz::run(&campaign, |played| {
        // Shrinking plays more cases than asked: the bar stays full then.
        progress_bar(played, cases, "cases");
    })?;
    eprintln!();
    print!("{}", report.text());
    anyhow::ensure!(report.failure.is_none(), "the campaign found a violation");
    anyhow::ensure!(
        report.below_the_floor().is_empty(),
        "the campaign is below its coverage floor"
    );
    Ok(())
}
