//! `city`: the ink-city command line.
//!
//! ```text
//! city build                  build every contract bundle (release, wasm-opt) if stale
//! city simulate <name>|all    run city scenarios on the embedded sandbox, checking each
//! city demo                   the City Coin scenario alone
//! city bench [--json]         Wasm sizes and weights of the key messages, beside the anchors
//! ```

use std::process::ExitCode;

use anyhow::Result;
use harness::{bench, bundles, demo, scenarios};

const USAGE: &str = "usage: city <build | simulate <scenario>|all | demo | bench [--json]>";

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
        _ => anyhow::bail!("{USAGE}"),
    }
}
