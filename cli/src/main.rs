//! `city`: the ink-city command line (`city --help`, `city <command> --help`).
//!
//! Usage errors are clap's, with exit code 2; a check that fails (a story, a simulation
//! check, a fuzzing invariant, the README's figures, a verification) exits 1.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{bail, ensure, Result};
use clap::{builder::PossibleValuesParser, Args, Parser, Subcommand};
use deployments::{self as deploy, Places};
use harness::{
    bundles::{self, BROKEN_VARIANTS},
    table,
};
use indicatif::{ProgressBar, ProgressStyle};
use sim::cities as scenarios;

#[derive(Parser)]
#[command(
    name = "city",
    version,
    about = "Build, simulate, fuzz, bench and deploy the ink-city contracts",
    long_about = "Build, simulate, fuzz, bench and deploy the ink-city contracts.\n\n\
                  Every command but deploy, verify, step, upgrade, export and import runs on the real Wasm \
                  bundles in drink's embedded pallet-contracts sandbox."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build every contract bundle (release, wasm-opt) unless the sources are unchanged.
    Build(Build),
    /// Tell each city's story and live it at scale, checking both; write a report with
    /// charts.
    Simulate(Simulate),
    /// The City Coin story alone.
    Demo,
    /// Wasm sizes and weights of the key messages, beside anchors measured in the same run.
    Bench(Bench),
    /// An invariant-fuzzing campaign on the real Wasm; fails on a violation, printing the
    /// shortest failing sequence.
    Fuzz(Fuzz),
    /// Deploy the suite as `deployments/networks/<network>.toml` plans, writing a record to
    /// `deployments/records/<network>/`.
    Deploy(Deploy),
    /// Compare the code on chain with the bundles built here.
    Verify(Network),
    /// Upgrade each contract whose built bundle differs from the code on chain: check its
    /// storage layout against the deployed code's (its metadata kept beside the records),
    /// upload the new code, then upgrade it (the signer holds the admin seat) or propose
    /// the upgrade to governance; write a record.
    Upgrade(Upgrade),
    /// Read the complete state of every contract of the newest record, from raw storage
    /// decoded with each bundle's storage layout, into a JSON file.
    Export(Export),
    /// Deploy a fresh suite on a network and restore an export into it; the state read
    /// back must be the same, with the contracts' addresses mapped.
    Import(Import),
    /// One civic step on the deployed suite: register the citizen, a bin attests and the
    /// rules mint, the citizen votes.
    Step(Step),
    /// The city's relayer: take card-signed intents over HTTP (`POST /intents`, `GET
    /// /intents/<id>`, `GET /signers/<account>`, `GET /health`), check them, queue them
    /// durably and submit them to the intents contract of the newest record, paying for
    /// them.
    Relay(Relay),
    /// The relayer under load: one signed ballot from each of many citizens, from many
    /// concurrent clients, with the relayer killed (SIGKILL) and started again mid-run;
    /// fails unless every ballot is counted exactly once.
    Load(Load),
}

/// The broken variants, for `--broken`.
fn broken_variants() -> PossibleValuesParser {
    PossibleValuesParser::new(BROKEN_VARIANTS.iter().map(|(name, ..)| *name))
}

#[derive(Args)]
struct Build {
    /// Build only these bundles (contracts, yardsticks, test doubles or broken variants)
    /// and print their Wasm sizes.
    bundles: Vec<String>,
}

#[derive(Args)]
struct Simulate {
    /// The city, or `all` for the six in parallel, one per core.
    #[arg(value_parser = PossibleValuesParser::new(std::iter::once("all").chain(scenarios::names())))]
    city: String,
    /// People living in each city.
    #[arg(long, value_name = "N", default_value_t = sim::Options::default().citizens)]
    citizens: u32,
    /// Simulated days.
    #[arg(long, value_name = "D", default_value_t = sim::Options::default().days)]
    days: u32,
    /// The seed of every choice: a seed gives the same report.
    #[arg(long, value_name = "S", default_value_t = sim::Options::default().seed)]
    seed: u64,
    /// Where the report (index.html, report.json, the charts) is written.
    #[arg(long, value_name = "DIR", default_value = "city-report")]
    out: PathBuf,
    /// Run on a deliberately broken variant of a contract (a self-test of the checks).
    #[arg(long, value_name = "VARIANT", value_parser = broken_variants())]
    broken: Option<String>,
    /// Write the run's pace into FILE's table of runs (its row, named by the command line).
    #[arg(long, value_name = "FILE", conflicts_with = "broken")]
    readme: Option<PathBuf>,
}

impl Simulate {
    /// The command line that names the run in the README's table: the options that
    /// differ from the defaults, the city's size last.
    fn label(&self) -> String {
        let defaults = sim::Options::default();
        let mut label = format!("simulate {}", self.city);
        if self.seed != defaults.seed {
            label.push_str(&format!(" --seed {}", self.seed));
        }
        if self.days != defaults.days {
            label.push_str(&format!(" --days {}", self.days));
        }
        if self.citizens != defaults.citizens {
            label.push_str(&format!(" --citizens {}", self.citizens));
        }
        label
    }
}

#[derive(Args)]
#[group(multiple = false)]
struct Bench {
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
    /// Write the figures into FILE's figures section.
    #[arg(long, value_name = "FILE")]
    readme: Option<PathBuf>,
    /// Fail when FILE's figures differ from what is measured.
    #[arg(long, value_name = "FILE")]
    check: Option<PathBuf>,
}

#[derive(Args)]
struct Fuzz {
    /// Cases to play.
    #[arg(long, value_name = "N", default_value_t = 64)]
    cases: u32,
    /// The most steps in a case.
    #[arg(long, value_name = "D", default_value_t = 50)]
    depth: usize,
    /// The campaign's seed.
    #[arg(long, value_name = "S", default_value_t = 7)]
    seed: u64,
    /// The token's decimals: cents (2), 18, or amounts at the edge of 128 bits.
    #[arg(long, value_name = "DECIMALS", default_value = "2",
          value_parser = PossibleValuesParser::new(["2", "18", "edge"]))]
    decimals: String,
    /// Fuzz a deliberately broken variant of a contract (a self-test of the fuzzer).
    #[arg(long, value_name = "VARIANT", value_parser = broken_variants())]
    broken: Option<String>,
    /// Write the campaign's summary into FILE's fuzzer section.
    #[arg(long, value_name = "FILE", conflicts_with = "broken")]
    readme: Option<PathBuf>,
}

#[derive(Args)]
struct Network {
    /// The plan's name: `deployments/networks/<NAME>.toml`.
    #[arg(long, value_name = "NAME")]
    network: String,
}

#[derive(Args)]
struct Deploy {
    #[command(flatten)]
    network: Network,
    /// The deployer's secret URI, instead of the plan's signer.
    #[arg(long, value_name = "SURI")]
    suri: Option<String>,
    /// Show what would be deployed, changing nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct Upgrade {
    #[command(flatten)]
    network: Network,
    /// Build BUNDLE for CONTRACT instead of its own bundle (`city-token=city-token-v2`,
    /// the upgrade fixture).
    #[arg(long = "use", value_name = "CONTRACT=BUNDLE", value_parser = contract_and_bundle)]
    targets: Vec<(String, String)>,
    /// Print the layout comparisons and stop: nothing is uploaded or written.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct Export {
    #[command(flatten)]
    network: Network,
    /// Where to write the state.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
struct Import {
    #[command(flatten)]
    network: Network,
    /// The state `city export` wrote.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
}

fn contract_and_bundle(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(contract, bundle)| (contract.to_string(), bundle.to_string()))
        .ok_or_else(|| "expected CONTRACT=BUNDLE".to_string())
}

#[derive(Args)]
struct Step {
    #[command(flatten)]
    network: Network,
    /// The citizen's secret URI (or, on the embedded network, any name).
    #[arg(long, value_name = "SURI")]
    citizen: String,
    /// The registrar's secret URI, instead of the plan's signer.
    #[arg(long, value_name = "SURI")]
    suri: Option<String>,
}

#[derive(Args)]
struct Relay {
    #[command(flatten)]
    network: Network,
    /// Where to listen for HTTP.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// The queue's SQLite file [default: `<network>.relay.sqlite` beside the embedded
    /// chains].
    #[arg(long, value_name = "FILE")]
    database: Option<PathBuf>,
    /// Read plans and records from DIR/networks and DIR/records (and keep embedded chains
    /// in DIR/chains) instead of the checkout's `deployments/`.
    #[arg(long, value_name = "DIR")]
    deployments: Option<PathBuf>,
    /// The relayer's secret URI, instead of the plan's signer: it pays for every intent.
    #[arg(long, value_name = "SURI")]
    suri: Option<String>,
    /// The most intents waiting at once.
    #[arg(long, value_name = "N", default_value_t = relay::Limits::default().queue)]
    queue: u64,
    /// The most intents one signer may send in a minute.
    #[arg(long, value_name = "N", default_value_t = relay::Limits::default().per_minute)]
    per_minute: u64,
}

#[derive(Args)]
struct Load {
    /// Citizens, each sending one signed ballot.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    ballots: u32,
    /// Concurrent clients.
    #[arg(long, value_name = "N", default_value_t = 32)]
    clients: u32,
    /// Write the run's figures into FILE's relayer section.
    #[arg(long, value_name = "FILE")]
    readme: Option<PathBuf>,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Build(Build { bundles: names }) if !names.is_empty() => {
            for name in names {
                let name = bundles::bundle_named(&name)?;
                let wasm = bundles::load(name)?.wasm.len();
                println!("{name}: {wasm} B of Wasm");
            }
            Ok(())
        }
        Command::Build(_) => {
            let built = bundles::ensure_built()?;
            let state = if built { "built" } else { "up to date" };
            println!(
                "bundles of {} {state} in {}",
                bundles::workspace_root()?.display(),
                bundles::bundle_dir()?.display()
            );
            Ok(())
        }
        Command::Demo => sim::demo::run(&mut std::io::stdout()),
        Command::Simulate(args) => simulate(args),
        Command::Bench(args) => bench(args),
        Command::Fuzz(args) => fuzz_campaign(args),
        Command::Deploy(args) => {
            let places = Places::here()?;
            let mut plan = places.plan(&args.network.network)?;
            if let Some(suri) = args.suri {
                plan.signer = suri;
            }
            let deployment = deploy::deploy(&plan, &places, args.dry_run)?;
            print!("{}", deployment.text(&plan, args.dry_run));
            Ok(())
        }
        Command::Step(args) => {
            let places = Places::here()?;
            let mut plan = places.plan(&args.network.network)?;
            if let Some(suri) = args.suri {
                plan.signer = suri;
            }
            for line in deploy::step(&plan, &places, &args.citizen)? {
                println!("{line}");
            }
            Ok(())
        }
        Command::Verify(Network { network }) => verify(&network),
        Command::Upgrade(args) => upgrade(&args),
        Command::Export(args) => export(&args),
        Command::Import(args) => import(&args),
        Command::Relay(args) => serve_relay(args),
        Command::Load(args) => load(&args),
    }
}

fn serve_relay(args: Relay) -> Result<()> {
    let places = match &args.deployments {
        Some(dir) => Places::at(dir),
        None => Places::here()?,
    };
    let plan = places.plan(&args.network.network)?;
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow::anyhow!("no record of {}: deploy first", plan.name))?;
    let intents = record
        .contracts
        .iter()
        .find(|contract| contract.name == "intents")
        .ok_or_else(|| {
            anyhow::anyhow!(
                "the newest record of {} has no intents contract (deployments/README.md, \
                 the handover checklist)",
                plan.name
            )
        })?
        .account()?;
    let database = match args.database {
        Some(file) => file,
        None => {
            std::fs::create_dir_all(&places.chains)?;
            places.chains.join(format!("{}.relay.sqlite", plan.name))
        }
    };
    let listener = std::net::TcpListener::bind(args.listen)?;
    println!(
        "relaying intents for {} on http://{} (intents contract {}), queue {}",
        plan.name,
        listener.local_addr()?,
        intents,
        database.display()
    );
    let service = relay::Service {
        network: plan.name.clone(),
        database,
        limits: relay::Limits {
            queue: args.queue,
            per_minute: args.per_minute,
        },
    };
    let relayer = args.suri.unwrap_or_else(|| plan.signer.clone());
    let open = move |saved: Option<Vec<u8>>| {
        let (network, publish) = if plan.kind == "embedded" {
            // The chain lives in the relayer: it starts from the state its queue kept,
            // or the one `city deploy` left, and publishes its state there after each
            // batch.
            let chain: Box<dyn deploy::Network> = match saved {
                Some(state) => Box::new(deploy::Embedded::new(Some(&state))?),
                None => deploy::open(&plan, &places)?,
            };
            let publish: relay::Save = Box::new(move |state| places.save_state(&plan.name, state));
            (chain, Some(publish))
        } else {
            (deploy::open(&plan, &places)?, None)
        };
        Ok(relay::Chain {
            network,
            forwarder: intents,
            relayer,
            publish,
        })
    };
    relay::serve(listener, service, open, relay::interrupted())
}

fn load(args: &Load) -> Result<()> {
    let binary = std::env::current_exe()?;
    let options = relay::load::Options {
        ballots: args.ballots,
        clients: args.clients,
    };
    let bar = progress_bar(u64::from(args.ballots), "ballots accepted");
    let figures = relay::load::run(&binary, options, &|done| bar.set_position(done));
    bar.finish_and_clear();
    let figures = figures?;
    print!("{}", figures.text());
    println!(
        "every ballot counted once (tally {:?}), the relayer killed and started again once",
        figures.tally
    );
    if let Some(path) = &args.readme {
        let readme = read(path)?;
        std::fs::write(path, relay::load::README.replace(&readme, &figures.text())?)?;
        println!("figures written into {}", path.display());
    }
    Ok(())
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(&format!(
        "[{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {what}"
    ))
    .expect("the template is valid");
    bar.set_style(style);
    bar
}

fn simulate(args: Simulate) -> Result<()> {
    let cities = scenarios::cities(&args.city)?;
    let run = sim::Options {
        citizens: args.citizens,
        days: args.days,
        seed: args.seed,
        broken: args
            .broken
            .as_deref()
            .map(bundles::broken_variant)
            .transpose()?,
    };
    if let Some(variant) = run.broken {
        eprintln!("simulating on the broken variant {variant}: a self-test, not the city");
    }
    let bar = progress_bar(u64::from(run.days) * cities.len() as u64, "city-days");
    let simulated = scenarios::simulate_timed(&cities, run, &|| bar.inc(1));
    bar.finish_and_clear();
    let (report, pace) = simulated?;
    print!("{}", report.text());
    let charts = report.write(&args.out)?;
    println!("\n{}", pace.text(report.cities.len()));
    if let Some(path) = &args.readme {
        let readme = read(path)?;
        std::fs::write(path, pace.into_readme(&readme, &args.label())?)?;
        println!("pace written into {}", path.display());
    }
    println!(
        "report: {} ({} charts)",
        args.out.join("index.html").display(),
        charts.len()
    );
    Ok(())
}

fn bench(args: Bench) -> Result<()> {
    let measured = bench::run()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&measured)?);
    } else if let Some(path) = args.readme {
        let readme = read(&path)?;
        std::fs::write(&path, measured.into_readme(&readme)?)?;
        println!("{}: figures written", path.display());
    } else if let Some(path) = args.check {
        check_figures(&path, &measured)?;
    } else {
        print!("{}", measured.table());
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))
}

/// Fails when `path`'s figures are not what was `measured`, naming each line that differs.
fn check_figures(path: &Path, measured: &bench::Report) -> Result<()> {
    let path_name = path.display();
    let readme = read(path)?;
    let expected = measured.into_readme(&readme)?;
    if expected != readme {
        let differ: Vec<String> = readme
            .lines()
            .zip(expected.lines())
            .filter(|(written, measured)| written != measured)
            .map(|(written, measured)| format!("  {path_name}: {written}\n  measured: {measured}"))
            .collect();
        bail!(
            "{path_name}'s figures differ from what city bench measures \
             (city bench --readme {path_name} writes them):\n{}",
            differ.join("\n")
        );
    }
    println!("{path_name}: every figure is what city bench measures");
    Ok(())
}

fn fuzz_campaign(args: Fuzz) -> Result<()> {
    let campaign = fuzz::Campaign {
        regressions: Some(bundles::workspace_root()?.join("fuzz/regressions")),
        money: args.decimals.parse()?,
        broken: args
            .broken
            .as_deref()
            .map(bundles::broken_variant)
            .transpose()?,
        ..fuzz::Campaign::new(args.cases, args.depth, args.seed)
    };
    // Shrinking plays more cases than asked: the bar stays full then.
    let bar = progress_bar(u64::from(campaign.cases), "cases");
    let report = fuzz::run(&campaign, |played| bar.set_position(played));
    bar.finish_and_clear();
    let report = report?;
    print!("{}", report.text());
    ensure!(!report.failed(), "the campaign found a violation");
    ensure!(
        report.below_the_floor().is_empty(),
        "the campaign is below its coverage floor"
    );
    if let Some(path) = &args.readme {
        let run = format!(
            "city fuzz --cases {} --depth {} --seed {} --decimals {}",
            args.cases, args.depth, args.seed, args.decimals
        );
        let readme = read(path)?;
        std::fs::write(path, report.into_readme(&readme, &run)?)?;
        println!("summary written into {}", path.display());
    }
    Ok(())
}

fn verify(network: &str) -> Result<()> {
    let places = Places::here()?;
    let checks = deploy::verify(&places.plan(network)?, &places)?;
    let mut rows = table(&["contract", "address", "on chain", "built", ""], 5);
    for check in &checks {
        rows.add_row([
            check.name.clone(),
            check.address.clone(),
            check
                .on_chain
                .clone()
                .unwrap_or_else(|| "(no contract)".into()),
            check.built.clone(),
            (if check.agrees() { "ok" } else { "DIFFERS" }).into(),
        ]);
    }
    println!("{rows}");
    ensure!(
        checks.iter().all(deploy::Verified::agrees),
        "the code on {network} differs from the bundles built here"
    );
    println!("{network}: all {} contracts agree", checks.len());
    Ok(())
}

/// Export and import read raw storage with cargo-contract's decoder, part of the node
/// client (`scripts/city export` and `import` build it in).
#[cfg(not(feature = "node"))]
fn export(_: &Export) -> Result<()> {
    bail!("this city binary was built without the node client (cargo feature `node`)")
}

#[cfg(not(feature = "node"))]
fn import(_: &Import) -> Result<()> {
    bail!("this city binary was built without the node client (cargo feature `node`)")
}

#[cfg(feature = "node")]
fn export(args: &Export) -> Result<()> {
    let places = Places::here()?;
    let state = deploy::export::export(&places.plan(&args.network.network)?, &places)?;
    std::fs::write(&args.out, serde_json::to_string_pretty(&state)? + "\n")?;
    let cells: usize = state.contracts.iter().map(|c| c.cells.len()).sum();
    println!(
        "{}: {} contracts, {cells} cells at block {} written to {}",
        state.network,
        state.contracts.len(),
        state.block,
        args.out.display()
    );
    Ok(())
}

#[cfg(feature = "node")]
fn import(args: &Import) -> Result<()> {
    let places = Places::here()?;
    let text = std::fs::read_to_string(&args.from)?;
    let state: deploy::export::State = serde_json::from_str(&text)?;
    let plan = places.plan(&args.network.network)?;
    let imported = deploy::export::import(&plan, &places, &state)?;
    for line in &imported.log {
        println!("  {line}");
    }
    for contract in &imported.record.contracts {
        println!("  {:<17} {}", contract.name, contract.address);
    }
    println!(
        "{} imported into {}: every cell the same, the addresses mapped; record: {}",
        state.network,
        plan.name,
        imported.written.display()
    );
    // Checked while only the import could write; since then the new suite is live.
    let since = deploy::export::differences(&state, &imported.state)?;
    if !since.is_empty() {
        println!("changed since the hand-over (the suite is live):");
        for line in since {
            println!("  {line}");
        }
    }
    Ok(())
}

fn upgrade(args: &Upgrade) -> Result<()> {
    let network = &args.network.network;
    let places = Places::here()?;
    let targets = args.targets.iter().cloned().collect();
    let done = deploy::upgrade(&places.plan(network)?, &places, &targets, args.dry_run)?;
    for (name, bundle) in &done.upgraded_since {
        println!("{name}: already runs the code of {bundle} (upgraded since the newest record)");
    }
    if done.checks.is_empty() && done.upgraded_since.is_empty() {
        println!("{network}: every contract runs its built code");
    }
    for check in &done.checks {
        println!(
            "{} at {}: deployed code {}, built {} ({})",
            check.name, check.address, check.deployed, check.built, check.bundle
        );
        print!("{}", check.comparison.text());
    }
    ensure!(
        done.allowed(),
        "the new code may not replace the code on {network}: nothing was uploaded"
    );
    for line in &done.log {
        println!("  {line}");
    }
    if let Some(poll) = done.proposal {
        println!(
            "proposal {poll} on e-voting upgrades the contracts whose seats are governance's; \
             once it is executed, `city upgrade --network {network}` records them"
        );
    }
    if let Some(path) = &done.written {
        println!("record: {}", path.display());
    } else if args.dry_run && !done.checks.is_empty() {
        println!("dry run: nothing uploaded, nothing written");
    }
    Ok(())
}
