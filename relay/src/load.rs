//! The relayer under load and faults, on loopback (`city load`): a city of citizens who
//! hold no native currency, each with a card, and a poll; a `city relay` process on the
//! embedded chain; many concurrent clients posting one signed ballot per citizen; the
//! relayer killed (`SIGKILL`) and started again mid-run. It passes only if every ballot
//! is counted exactly once: the tally on chain is what the clients sent, every citizen's
//! nonce moved exactly once, and the queue reports every intent executed.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use crate::hex;
use anyhow::{anyhow, bail, ensure, Context, Result};
use city_traits::{
    BallotAct, CardKey, Electorate, GovernanceConfig, IdentityKind, Intent, IntentPayload, PollId,
    Revoting, Secrecy, MAX_VOTING_PERIOD,
};
use deployments::{Embedded, Places, Record, RecordedContract};
use harness::{
    city::{contract_account, Deployed, ADMIN, GOVERNANCE},
    intents::Card,
    yardstick, City, Fixture,
};
use ink::primitives::AccountId;
use scale::Encode;
use serde_json::Value;

/// The network [`Loopback`] writes for its relayer.
pub const NETWORK: &str = "loopback";
/// The relayer's signer on the embedded chain.
const RELAYER: &str = "city-relayer";
/// The poll's options: a ballot's choice is its citizen's number modulo their count.
const OPTIONS: [&str; 3] = ["north", "riverside", "old mill"];

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Citizens, each sending one ballot.
    pub ballots: u32,
    /// Concurrent clients.
    pub clients: u32,
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Figures {
    pub ballots: u32,
    pub clients: u32,
    /// Ballots the queue had accepted when the relayer was killed.
    pub killed_at: u32,
    /// Ballots accepted per second of the wall clock, from the first request to the last
    /// acceptance, the restart included.
    pub accepted_per_second: f64,
    /// Ballots executed per second, from the first request to the last execution.
    pub executed_per_second: f64,
    /// The floor's calls per CPU second in this run ([`yardstick`]).
    pub floor_per_second: f64,
    /// The tally: weight per option, then abstentions.
    pub tally: Vec<u128>,
}

impl Figures {
    /// The README's lines.
    pub fn text(&self) -> String {
        let thousands = |n: u32| harness::readme::thousands(u64::from(n));
        format!(
            "| ballots | clients | relayer killed at | accepted per s | executed per s | executed per s ÷ floor calls per s |\n\
             |---:|---:|---:|---:|---:|---:|\n\
             | {} | {} | {} accepted | {:.0} | {:.0} | {:.3} |\n",
            thousands(self.ballots),
            self.clients,
            thousands(self.killed_at),
            self.accepted_per_second,
            self.executed_per_second,
            self.executed_per_second / self.floor_per_second,
        )
    }
}

/// The README's section `city load --readme` writes.
pub const README: harness::readme::Section = harness::readme::Section {
    begin: "<!-- city load: begin -->",
    end: "<!-- city load: end -->",
};

/// A city whose citizens are `cards` (each an account and the card key bound to it),
/// governed, with the intents contract, and a public poll on three options open for
/// voting, whose voting period outlasts any run. Returns the city and the poll.
///
/// # Errors
/// If the suite does not deploy or a step of the setup is refused.
pub fn city(cards: &[(AccountId, CardKey)]) -> Result<(City, PollId)> {
    let governance = GovernanceConfig {
        voting_period: MAX_VOTING_PERIOD,
        ..GOVERNANCE
    };
    let mut city = Fixture::new()
        .governance(governance)
        .citizens(cards.iter().map(|(account, _)| *account))
        .governed()
        .build()?;
    city.deploy_intents()?;
    for (account, key) in cards {
        city.registry(ADMIN)
            .set_card_key(*account, Some(*key))
            .accepted()?;
    }
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Where should the new park go?",
            &OPTIONS,
            Electorate::people(&[IdentityKind::Citizen]),
            Secrecy::Public,
            Revoting::Refused,
        )
        .accepted()
        .context("opening the poll")?;
    city.advance_blocks(governance.voting_delay + 1);
    Ok((city, poll))
}

/// A city the harness set up, on an embedded chain in a directory of its own (a plan, a
/// record and the chain's state, as `city relay --deployments` reads them), and a
/// `city relay` process serving it on a loopback port. The process is killed when this
/// is dropped.
pub struct Loopback {
    dir: tempfile::TempDir,
    places: Places,
    binary: PathBuf,
    port: u16,
    child: Option<Child>,
}

impl Loopback {
    /// Writes `city`'s chain, plan and record as the network [`NETWORK`], to be served by
    /// the `city` binary at `binary`; [`Loopback::start`] starts it.
    ///
    /// # Errors
    /// If the files cannot be written.
    pub fn new(binary: &Path, city: &mut City) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("ink-city-relay-")
            .tempdir()?;
        let places = Places::at(dir.path());
        std::fs::create_dir_all(&places.networks)?;
        std::fs::write(
            places.networks.join(format!("{NETWORK}.toml")),
            format!(
                "# A city the harness set up, on the embedded chain (relay::load::Loopback).\n\
                 name = \"{NETWORK}\"\nkind = \"embedded\"\nsigner = \"{RELAYER}\"\ncontracts = []\n"
            ),
        )?;
        let record = Record {
            network: NETWORK.into(),
            signer: RELAYER.into(),
            block: city.block(),
            chain_time_ms: city.now_ms(),
            contracts: city
                .suite()
                .into_iter()
                .chain([city.intents_contract()])
                .map(recorded)
                .collect(),
        };
        let records = places.records.join(NETWORK);
        std::fs::create_dir_all(&records)?;
        std::fs::write(
            records.join("0.json"),
            serde_json::to_string_pretty(&record)?,
        )?;
        let mut chain = Embedded::from_snapshot(city.chain_state());
        places.save_state(NETWORK, &chain.state())?;
        Ok(Self {
            dir,
            places,
            binary: binary.to_path_buf(),
            port: TcpListener::bind("127.0.0.1:0")?.local_addr()?.port(),
            child: None,
        })
    }

    /// [`Loopback::new`], then [`Loopback::start`].
    ///
    /// # Errors
    /// As they do.
    pub fn started(binary: &Path, city: &mut City) -> Result<Self> {
        let mut relayer = Self::new(binary, city)?;
        relayer.start()?;
        Ok(relayer)
    }

    /// The relayer's address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `city relay` and waits until it answers `GET /health`.
    ///
    /// # Errors
    /// If the process does not start or does not answer within two minutes.
    pub fn start(&mut self) -> Result<()> {
        self.start_with(&[])
    }

    /// [`Loopback::start`] with more of `city relay`'s options (`--per-minute 1`).
    ///
    /// # Errors
    /// As [`Loopback::start`].
    pub fn start_with(&mut self, options: &[&str]) -> Result<()> {
        let child = Command::new(&self.binary)
            .args(["relay", "--network", NETWORK, "--listen"])
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--deployments")
            .arg(self.dir.path())
            .args(options)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", self.binary.display()))?;
        self.child = Some(child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(120) {
            if self.ask("/health").is_ok_and(|(status, _)| status == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("the relayer did not answer /health within two minutes")
    }

    /// `SIGTERM`, as a supervisor stops it: the relayer finishes its batch and exits.
    /// Returns how it exited.
    ///
    /// # Errors
    /// If it is not running or the signal cannot be sent.
    pub fn terminate(&mut self) -> Result<std::process::ExitStatus> {
        let mut child = self.child.take().context("the relayer is not running")?;
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()?;
        ensure!(sent.success(), "kill -TERM failed");
        Ok(child.wait()?)
    }

    /// `SIGKILL`: the relayer stops wherever it is.
    ///
    /// # Errors
    /// If the process cannot be killed.
    pub fn kill(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// `GET path`: the status and the answer (its JSON, or its text as a JSON string).
    ///
    /// # Errors
    /// If the relayer cannot be reached.
    pub fn ask(&self, path: &str) -> Result<(u16, Value)> {
        answer(agent().get(&format!("{}{path}", self.url())).call())
    }

    /// `POST /intents` with `body`: the status and the answer.
    ///
    /// # Errors
    /// If the relayer cannot be reached.
    pub fn post(&self, body: &Value) -> Result<(u16, Value)> {
        answer(
            agent()
                .post(&format!("{}/intents", self.url()))
                .send_json(body),
        )
    }

    /// The report of intent `id` once it is no longer queued, or after `within`.
    ///
    /// # Errors
    /// If the relayer cannot be reached or does not know the intent.
    pub fn wait_until_run(&self, id: i64, within: Duration) -> Result<Value> {
        let started = Instant::now();
        loop {
            let (status, intent) = self.ask(&format!("/intents/{id}"))?;
            ensure!(status == 200, "intent {id}: {intent}");
            if intent["status"] != "queued" || started.elapsed() > within {
                return Ok(intent);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Moves `city` onto the chain the relayer left (kill it first), to go on with its
    /// typed calls there.
    ///
    /// # Errors
    /// If the chain's state cannot be read.
    pub fn resume(&self, city: &mut City) -> Result<()> {
        let state = std::fs::read(self.places.chain(NETWORK))?;
        let chain = Embedded::new(Some(&state))?;
        let addresses = city.suite().map(|contract| contract.address.clone());
        city.move_to(chain.into_session(), addresses);
        Ok(())
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// A contract of the harness's city as a record lists it.
fn recorded(contract: &Deployed) -> RecordedContract {
    RecordedContract {
        name: contract.name.to_string(),
        address: format!(
            "0x{}",
            hex::encode(AsRef::<[u8]>::as_ref(&contract.address))
        ),
        code_hash: format!(
            "0x{}",
            hex::encode(deployments::code_hash(&contract.bundle.wasm))
        ),
        wasm_bytes: contract.bundle.wasm.len(),
        version: "harness".into(),
        deployed_now: true,
        bundle: Some(contract.name.to_string()),
        upgraded_from: None,
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build()
}

/// The status and the answer of a request: its JSON, or its text as a JSON string.
fn answer(result: Result<ureq::Response, ureq::Error>) -> Result<(u16, Value)> {
    let response = match result {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(error) => bail!(error),
    };
    let status = response.status();
    let text = response.into_string()?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

/// What a client posts for `payload`, signed by `card`.
pub fn request(payload: &IntentPayload, card: &Card) -> Value {
    serde_json::json!({ "payload": hex(&payload.encode()), "signature": hex(&card.sign(payload)) })
}

/// A public ballot for `choice` in `poll` from `card`'s account, with `nonce`, valid until
/// block `deadline`, for `city`'s intents contract.
pub fn ballot(
    city: &mut City,
    card: &Card,
    poll: PollId,
    choice: u8,
    nonce: u64,
    deadline: u32,
) -> IntentPayload {
    IntentPayload {
        domain: city.genesis_hash(),
        forwarder: contract_account(city.intents_contract()),
        signer: card.account(),
        nonce,
        deadline,
        intent: Intent::Ballot {
            poll,
            act: BallotAct::Cast { choice },
        },
    }
}

/// How long a client waits out a relayer that is down or full before it gives up.
const PATIENCE: Duration = Duration::from_secs(300);

/// Posts `body` until the relayer takes it, waiting out a relayer that is down or full
/// for up to [`PATIENCE`]; returns the intent's id.
fn post(agent: &ureq::Agent, url: &str, body: &Value) -> Result<i64> {
    let started = Instant::now();
    loop {
        match agent.post(url).send_json(body) {
            Ok(answer) => {
                let answer: Value = answer.into_json()?;
                return answer["id"].as_i64().context("202 without an id");
            }
            // Accepted before the relayer was killed: its id is in the answer.
            Err(ureq::Error::Status(409, answer)) => {
                let answer: Value = answer.into_json()?;
                return answer["id"].as_i64().context("409 without an id");
            }
            Err(error @ (ureq::Error::Status(503, _) | ureq::Error::Transport(_))) => {
                ensure!(
                    started.elapsed() < PATIENCE,
                    "the relayer did not take a ballot for {PATIENCE:?}: {error}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(ureq::Error::Status(status, answer)) => {
                bail!(
                    "the relayer refused a good ballot ({status}): {}",
                    answer.into_string()?
                )
            }
        }
    }
}

/// Runs the load test with the `city` binary at `binary`, reporting each acceptance to
/// `progress`.
///
/// # Errors
/// If the city cannot be set up, the relayer does not start, or any check fails: a
/// ballot refused, lost or counted twice.
pub fn run(binary: &Path, options: Options, progress: &(dyn Fn(u64) + Sync)) -> Result<Figures> {
    ensure!(
        options.ballots > 0 && options.clients > 0,
        "nothing to send"
    );
    let cards: Vec<Card> = (0..options.ballots)
        .map(|n| Card::new(&format!("load citizen {n}")))
        .collect();
    let keys: Vec<_> = cards
        .iter()
        .map(|card| (card.account(), card.key()))
        .collect();
    let (mut city, poll) = city(&keys)?;
    let deadline = city.block() + MAX_VOTING_PERIOD;
    let mut sent = vec![0u128; OPTIONS.len() + 1];
    let ballots: Vec<Value> = cards
        .iter()
        .enumerate()
        .map(|(n, card)| {
            let choice = u8::try_from(n % OPTIONS.len()).expect("three options");
            sent[usize::from(choice)] += 1;
            request(&ballot(&mut city, card, poll, choice, 0, deadline), card)
        })
        .collect();
    let floor_before = yardstick::floor_calls_per_cpu_second(yardstick::MEASURED_FOR)?;

    let relayer = Mutex::new(Loopback::new(binary, &mut city)?);
    let url = {
        let mut relayer = relayer.lock().expect("unpoisoned");
        relayer.start()?;
        format!("{}/intents", relayer.url())
    };
    let kill_at = (options.ballots * 2 / 5).max(1);
    let (next, accepted) = (AtomicUsize::new(0), AtomicU32::new(0));
    let started = Instant::now();
    let ids = std::thread::scope(|scope| -> Result<Vec<i64>> {
        let clients: Vec<_> = (0..options.clients)
            .map(|_| {
                scope.spawn(|| -> Result<Vec<i64>> {
                    let agent = agent();
                    let mut ids = Vec::new();
                    while let Some(ballot) = ballots.get(next.fetch_add(1, Ordering::SeqCst)) {
                        ids.push(post(&agent, &url, ballot)?);
                        let done = accepted.fetch_add(1, Ordering::SeqCst) + 1;
                        progress(u64::from(done));
                        if done == kill_at {
                            // Killed wherever it is, and started again; the other clients
                            // keep posting meanwhile.
                            let mut relayer = relayer.lock().expect("unpoisoned");
                            relayer.kill()?;
                            relayer.start()?;
                        }
                    }
                    Ok(ids)
                })
            })
            .collect();
        let mut ids = Vec::new();
        for client in clients {
            ids.extend(client.join().map_err(|_| anyhow!("a client panicked"))??);
        }
        Ok(ids)
    })?;
    let all_accepted = started.elapsed();
    let mut relayer = relayer.into_inner().expect("unpoisoned");
    let (mut last, mut moved) = (u64::MAX, Instant::now());
    let executed = loop {
        let (status, health) = relayer.ask("/health")?;
        ensure!(status == 200, "the relayer's health: {health}");
        let count = |field: &str| health[field].as_u64().context("a count");
        let (queued, executed, failed) = (count("queued")?, count("executed")?, count("failed")?);
        ensure!(failed == 0, "{failed} ballots failed: {health}");
        if queued == 0 {
            break executed;
        }
        if executed != last {
            (last, moved) = (executed, Instant::now());
        }
        ensure!(
            moved.elapsed() < PATIENCE,
            "no ballot ran for {PATIENCE:?}: {health}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let all_executed = started.elapsed();
    relayer.kill()?;
    let floor_after = yardstick::floor_calls_per_cpu_second(yardstick::MEASURED_FOR)?;

    let mut distinct = ids;
    distinct.sort_unstable();
    distinct.dedup();
    ensure!(
        distinct.len() == cards.len() && executed == u64::from(options.ballots),
        "{} ballots sent, {} distinct intents accepted, {executed} executed",
        cards.len(),
        distinct.len()
    );
    relayer.resume(&mut city)?;
    for card in &cards {
        let nonce = city.intents(ADMIN).nonce(card.account()).value;
        ensure!(
            nonce == 1,
            "{:?} has nonce {nonce} after one ballot",
            card.account()
        );
    }
    let counted = city
        .voting(ADMIN)
        .tally(poll)
        .value
        .context("the poll is gone")?;
    ensure!(
        counted.votes == sent && counted.voters == options.ballots,
        "the tally {counted:?} is not what the clients sent, {sent:?}"
    );
    let seconds = |elapsed: Duration| elapsed.as_secs_f64().max(f64::MIN_POSITIVE);
    let ballots = f64::from(options.ballots);
    Ok(Figures {
        ballots: options.ballots,
        clients: options.clients,
        killed_at: kill_at,
        accepted_per_second: ballots / seconds(all_accepted),
        executed_per_second: ballots / seconds(all_executed),
        floor_per_second: (floor_before + floor_after) / 2.0,
        tally: counted.votes,
    })
}
