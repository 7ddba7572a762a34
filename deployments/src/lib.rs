//! `city deploy` and `city verify`: put the suite on a network as its plan in
//! `deployments/networks/<name>.toml` says, record what was deployed, and compare what is
//! on chain with the bundles built from this commit.
//!
//! Two kinds of network implement [`Network`]: the embedded drink sandbox (`kind =
//! "embedded"`, the `sandbox` plan), whose chain state is kept in a file between runs the
//! way a node keeps its database, and live nodes (`kind = "node"`) reached over RPC with
//! the libraries cargo-contract itself uses (contract-extrinsics, subxt). A second
//! `deploy` finds the contracts of the last record still holding the same code and skips
//! them. Constructor and message arguments are written as cargo-contract writes them and
//! encoded by each bundle's own transcoder; `<contract>` stands for a contract deployed
//! before it and `<signer>` for the deploying account.
//!
//! Any plan can be dry-run: the whole plan runs on a throwaway embedded chain, and the
//! weights and storage deposits it took are printed as estimates.

mod embedded;
#[cfg(feature = "node")]
pub mod export;
pub mod layout;
#[cfg(feature = "node")]
mod node;
mod step;
mod upgrade;

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, ensure, Context, Result};
pub use drink::AccountId32;
use scale::{Decode, Encode};

#[cfg(feature = "node")]
pub use self::node::Node;
pub use self::{
    embedded::Embedded,
    step::civic_step,
    upgrade::{upgrade, LayoutCheck, Upgrade},
};
use harness::bundles;

/// A network's deployment plan.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Plan {
    pub name: String,
    /// `embedded` (the drink sandbox) or `node` (a chain reached at `endpoint`).
    pub kind: String,
    pub endpoint: Option<String>,
    /// The embedded signer's actor name, or a node's secret URI (`//Alice`).
    pub signer: String,
    /// Why the network can no longer take the suite (uploads frozen, say): `deploy`
    /// refuses it, a dry run still shows the plan.
    pub retired: Option<String>,
    pub contracts: Vec<PlannedContract>,
    #[serde(default)]
    pub roles: Vec<PlannedRole>,
    /// Calls made once the contracts and roles are in place, before the handover:
    /// rules, registrars, attesters.
    #[serde(default)]
    pub setup: Vec<PlannedCall>,
    pub handover: Option<Handover>,
}

/// One contract to instantiate.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PlannedContract {
    pub name: String,
    pub constructor: String,
    pub args: Vec<String>,
}

/// A role `contract` grants to `to` (a contract of the plan or an address).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PlannedRole {
    pub contract: String,
    pub grant: String,
    pub to: String,
}

/// A message the signer calls on a contract of the plan.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PlannedCall {
    pub contract: String,
    pub message: String,
    pub args: Vec<String>,
}

/// The admin seats handed to governance once the suite is wired.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Handover {
    pub to: String,
    pub contracts: Vec<String>,
}

/// What a deployment left on a network, as written to `deployments/records/`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub network: String,
    /// The deploying account, as 0x-prefixed hex (never its secret).
    pub signer: String,
    pub block: u32,
    /// The chain's time at the end of the deployment, in milliseconds.
    pub chain_time_ms: u64,
    pub contracts: Vec<RecordedContract>,
}

/// One deployed contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordedContract {
    pub name: String,
    /// The address, as 0x-prefixed hex.
    pub address: String,
    pub code_hash: String,
    pub wasm_bytes: usize,
    /// The contract's version from its bundle's metadata.
    pub version: String,
    /// Whether this run instantiated it (false: an earlier run did, with the same code).
    pub deployed_now: bool,
    /// The bundle whose code this is, when it is not the contract's own (an upgrade
    /// fixture, say): `verify` builds that bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// The code this one replaced since the previous record (`city upgrade`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgraded_from: Option<String>,
}

impl RecordedContract {
    /// The contract's address.
    ///
    /// # Errors
    /// If the record's address is not 32 bytes of hex.
    pub fn account(&self) -> Result<AccountId32> {
        parse_address(&self.address)
    }

    /// The bundle whose code the record names: the contract's own unless it says another.
    ///
    /// # Errors
    /// If the harness builds no such bundle.
    pub fn bundle(&self) -> Result<&'static str> {
        match &self.bundle {
            Some(bundle) => bundles::bundle_named(bundle),
            None => deployable(&self.name),
        }
    }
}

/// Where plans, records and embedded chains live.
#[derive(Debug, Clone)]
pub struct Places {
    pub networks: PathBuf,
    pub records: PathBuf,
    /// Embedded chains' state, one file per network.
    pub chains: PathBuf,
}

impl Places {
    /// The checkout's `deployments/networks` and `deployments/records`, and the chains
    /// beside the bundles in the build directory (like a node's database, not part of the
    /// repository).
    ///
    /// # Errors
    /// If no checkout is found ([`bundles::workspace_root`]).
    pub fn here() -> Result<Self> {
        let deployments = bundles::workspace_root()?.join("deployments");
        let bundles = bundles::bundle_dir()?;
        Ok(Self {
            networks: deployments.join("networks"),
            records: deployments.join("records"),
            chains: bundles
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                .join("ink-city-chains"),
        })
    }
}

impl Places {
    /// Plans, records and chains under `dir`: `networks/`, `records/` and `chains/`, for a
    /// city whose deployments live outside the checkout (`city relay --deployments`).
    pub fn at(dir: &Path) -> Self {
        Self {
            networks: dir.join("networks"),
            records: dir.join("records"),
            chains: dir.join("chains"),
        }
    }

    /// The plan of network `name`.
    ///
    /// # Errors
    /// If there is no such plan or it does not parse.
    pub fn plan(&self, name: &str) -> Result<Plan> {
        let path = self.networks.join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("no plan {}", path.display()))?;
        let plan: Plan = toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        ensure!(
            plan.name == name,
            "{} names itself {}",
            path.display(),
            plan.name
        );
        Ok(plan)
    }

    /// Where a record of `network` keeps the metadata of the code `code_hash` (0x hex):
    /// `<records>/<network>/metadata/<code_hash>.json`.
    pub fn deployed_metadata(&self, network: &str, code_hash: &str) -> PathBuf {
        self.records
            .join(network)
            .join("metadata")
            .join(format!("{code_hash}.json"))
    }

    /// The file that keeps the embedded chain of `network`.
    pub fn chain(&self, network: &str) -> PathBuf {
        self.chains.join(format!("{network}.scale"))
    }

    /// Keeps `chain` as the embedded chain of `network`.
    fn save_chain(&self, network: &str, chain: &mut Embedded) -> Result<()> {
        self.save_state(network, &chain.state())
    }

    /// Keeps `state` ([`Network::state`]) as the embedded chain of `network`. The file is
    /// replaced whole or not at all: the new state is written beside it, flushed to the
    /// disk, then renamed over it.
    ///
    /// # Errors
    /// If the file cannot be written.
    pub fn save_state(&self, network: &str, state: &[u8]) -> Result<()> {
        use std::io::Write as _;
        let file = self.chain(network);
        let fresh = file.with_extension("scale.new");
        std::fs::create_dir_all(&self.chains)?;
        let saved = (|| {
            let mut out = std::fs::File::create(&fresh)?;
            out.write_all(state)?;
            out.sync_all()?;
            std::fs::rename(&fresh, &file)
        })();
        saved.with_context(|| format!("saving {}", file.display()))
    }

    /// The newest record of `network`, if any.
    ///
    /// # Errors
    /// If a record does not parse.
    pub fn latest_record(&self, network: &str) -> Result<Option<Record>> {
        let dir = self.records.join(network);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(None);
        };
        let mut names: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        // `<stamp>.json`, then `<stamp>-1.json`, ... within one second.
        names.sort_by_key(|path| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            let (stamp, n) = stem.split_once('-').unwrap_or((&stem, "0"));
            (stamp.to_string(), n.parse::<u32>().unwrap_or_default())
        });
        names
            .last()
            .map(|path| {
                let text = std::fs::read_to_string(path)?;
                serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))
            })
            .transpose()
    }
}

/// The metadata of the built bundle `name` (its `.contract` file without the Wasm).
///
/// # Errors
/// If the bundle does not build or its file does not parse.
pub fn bundle_metadata(name: &'static str) -> Result<serde_json::Value> {
    bundles::load(name)?;
    let path = bundles::bundle_path(name)?;
    let text = std::fs::read_to_string(&path)?;
    let mut metadata: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))?;
    if let Some(source) = metadata.get_mut("source").and_then(|s| s.as_object_mut()) {
        source.remove("wasm");
    }
    Ok(metadata)
}

/// The code hash pallet-contracts gives `wasm`: its BLAKE2-256.
pub fn code_hash(wasm: &[u8]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(wasm, &mut hash);
    hash
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::from("0x"), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

fn bundle_version(name: &str) -> Result<String> {
    let path = bundles::bundle_path(name)?;
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(json["contract"]["version"]
        .as_str()
        .unwrap_or("unknown")
        .to_string())
}

/// A contract a plan deploys by name (one of the suite, or an add-on such as the intents
/// contract), as the bundle loader wants it.
fn deployable(name: &str) -> Result<&'static str> {
    bundles::CONTRACTS
        .iter()
        .chain(bundles::ADD_ONS)
        .find(|contract| **contract == name)
        .copied()
        .ok_or_else(|| anyhow!("{name} is neither a contract of the suite nor an add-on"))
}

/// Whether `name` is an add-on ([`bundles::ADD_ONS`]): deployed beside the suite, with no
/// admin seat and no upgrade, and not moved by export and import.
fn is_add_on(name: &str) -> bool {
    bundles::ADD_ONS.contains(&name)
}

/// A contract of the suite by name, as the bundle loader wants it.
fn suite_contract(name: &str) -> Result<&'static str> {
    bundles::CONTRACTS
        .iter()
        .find(|contract| **contract == name)
        .copied()
        .ok_or_else(|| anyhow!("{name} is not a contract of the suite"))
}

/// What `deploy`, `verify` and [`civic_step`] need of a chain. Signers are named as the
/// network knows them: secret URIs (`//Alice`) on nodes, actor names on the embedded
/// chain. Contracts are named by the bundle whose messages they answer (the suite's, or
/// the state restorer an import instantiates); arguments are written as
/// cargo-contract writes them.
pub trait Network {
    /// The account of `signer`.
    ///
    /// # Errors
    /// If `signer` is no valid secret URI.
    fn account(&mut self, signer: &str) -> Result<AccountId32>;

    /// The code hash of the contract at `address`, if one lives there.
    ///
    /// # Errors
    /// If the chain cannot be read.
    fn code_hash_at(&mut self, address: &AccountId32) -> Result<Option<[u8; 32]>>;

    /// Uploads the code of `bundle` (a contract of the suite, or any bundle the harness
    /// builds) unless the chain has it already, and returns its code hash.
    ///
    /// # Errors
    /// If the chain refuses the code or the transaction fails.
    fn upload(&mut self, signer: &str, bundle: &str) -> Result<([u8; 32], Answer)>;

    /// Instantiates `contract` (uploading its code if the chain lacks it).
    ///
    /// # Errors
    /// If the constructor traps or refuses, or the transaction fails.
    fn instantiate(
        &mut self,
        signer: &str,
        contract: &str,
        constructor: &str,
        args: &[String],
        salt: Vec<u8>,
    ) -> Result<(AccountId32, Answer)>;

    /// Calls `message` in a transaction; an `Err` answer is an error and changes nothing.
    ///
    /// # Errors
    /// If the message traps or answers `Err`, or the transaction fails.
    fn call(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer>;

    /// Asks `message` without a transaction (a dry run: nothing it writes stays).
    ///
    /// # Errors
    /// If the message traps or the chain cannot be asked.
    fn query(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer>;

    /// The raw storage of the contract at `address`: its child trie's keys, as
    /// pallet-contracts hashes them (the BLAKE2-128 of ink!'s key, then ink!'s key), and
    /// their values.
    ///
    /// # Errors
    /// If no contract lives there or the chain cannot be read.
    fn storage(&mut self, address: &AccountId32) -> Result<BTreeMap<Vec<u8>, Vec<u8>>>;

    /// Waits until at least one more block is on the chain.
    ///
    /// # Errors
    /// If the chain cannot be reached.
    fn next_block(&mut self) -> Result<()>;

    /// Waits until the chain's newest block is at least `block`, with a time of at least
    /// `time_ms` (a node: block by block).
    ///
    /// # Errors
    /// If the chain cannot be reached.
    fn catch_up(&mut self, block: u32, time_ms: u64) -> Result<()> {
        loop {
            let (now, time) = self.head()?;
            if now >= block && time >= time_ms {
                return Ok(());
            }
            self.next_block()?;
        }
    }

    /// The number and time (milliseconds) of the newest block.
    ///
    /// # Errors
    /// If the chain cannot be reached.
    fn head(&mut self) -> Result<(u32, u64)>;

    /// The hash of the chain's genesis block: the domain of the intents contract, which
    /// card-signed intents name (`<genesis>` in a plan's arguments).
    ///
    /// # Errors
    /// If the chain cannot be reached.
    fn genesis_hash(&mut self) -> Result<[u8; 32]>;

    /// The whole state of an embedded chain, for [`Places::save_state`]; `None` for a
    /// node, which keeps its own.
    fn state(&mut self) -> Option<Vec<u8>> {
        None
    }
}

/// A contract's answer, with what the call took (on a node: as its dry run measured).
#[derive(Debug, Clone)]
pub struct Answer {
    /// The answer's SCALE bytes: ink!'s `Result` around the message's own answer.
    pub data: Vec<u8>,
    /// The answer decoded by the bundle's transcoder.
    pub text: String,
    /// Whether the contract reverted or answered `Err`.
    pub refused: bool,
    pub ref_time: u64,
    pub proof_size: u64,
    /// The storage deposit charged (positive) or refunded (negative).
    pub deposit: i128,
}

impl Answer {
    /// An answer decoded as `value` from `data`, which took `weight`; `refund` tells
    /// whether the storage `deposit` was refunded rather than charged.
    fn new(
        data: Vec<u8>,
        value: &contract_transcode::Value,
        reverted: bool,
        weight: drink::Weight,
        (deposit, refund): (u128, bool),
    ) -> Self {
        let deposit = i128::try_from(deposit).unwrap_or(i128::MAX);
        Self {
            refused: reverted || is_err(value),
            data,
            text: value.to_string(),
            ref_time: weight.ref_time(),
            proof_size: weight.proof_size(),
            deposit: if refund { -deposit } else { deposit },
        }
    }

    /// What an upload of the code `hash` answers: nothing but the deposit it took.
    fn uploaded(hash: &[u8; 32], deposit: u128) -> Self {
        Self {
            data: Vec::new(),
            text: format!("code {}", hex(hash)),
            refused: false,
            ref_time: 0,
            proof_size: 0,
            deposit: i128::try_from(deposit).unwrap_or(i128::MAX),
        }
    }

    /// The answer of a message returning `T` (ink!'s `Result` taken off).
    ///
    /// # Errors
    /// If ink! refused the call or the answer is no `T`.
    pub fn value<T: Decode>(&self) -> Result<T> {
        match Result::<T, ink::LangError>::decode(&mut &self.data[..]) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => bail!("ink! refused the call: {error:?}"),
            Err(error) => bail!("the answer {} does not decode: {error}", self.text),
        }
    }

    /// The `Ok` value of a message returning `Result<T, _>`.
    ///
    /// # Errors
    /// If the message answered `Err` or the answer is no `T`.
    pub fn ok<T: Decode>(&self) -> Result<T> {
        ensure!(!self.refused, "refused: {}", self.text);
        match self.data.split_first() {
            Some((0, [0, rest @ ..])) => Ok(T::decode(&mut &rest[..])?),
            _ => bail!("not an Ok answer: {}", self.text),
        }
    }
}

/// Whether a decoded answer is `Err`, itself or inside `Ok`s (ink!'s `Result` around a
/// message's `Result`).
fn is_err(value: &contract_transcode::Value) -> bool {
    match value {
        contract_transcode::Value::Tuple(tuple) => match tuple.ident().as_deref() {
            Some("Err") => true,
            Some("Ok") => tuple.values().next().is_some_and(is_err),
            _ => false,
        },
        _ => false,
    }
}
/// Replaces each `<contract>` in `arg` with that contract's address.
fn resolve(arg: &str, addresses: &BTreeMap<String, AccountId32>) -> Result<String> {
    let mut resolved = arg.to_string();
    while let Some(start) = resolved.find('<') {
        let end = resolved[start..]
            .find('>')
            .map(|end| start + end)
            .ok_or_else(|| anyhow!("unclosed < in {arg}"))?;
        let name = &resolved[start + 1..end];
        let address = addresses
            .get(name)
            .ok_or_else(|| anyhow!("{arg} names {name}, which is not deployed before it"))?;
        resolved.replace_range(start..=end, &hex(address.as_ref()));
    }
    Ok(resolved)
}

/// What `deploy` did.
pub struct Deployment {
    pub record: Record,
    /// Where the record was written (none for a dry run, or when nothing changed).
    pub written: Option<PathBuf>,
    /// One line per step with its weight and storage deposit.
    pub log: Vec<String>,
}

impl Deployment {
    /// Whether this run instantiated anything.
    pub fn is_new(&self) -> bool {
        self.record.contracts.iter().any(|c| c.deployed_now)
    }

    /// The plan as carried out, for the terminal. The signer's secret URI is shown only
    /// for the well-known development accounts (`//Alice`).
    pub fn text(&self, plan: &Plan, dry_run: bool) -> String {
        let mut text = format!(
            "network {} ({}{}), signer {}{}{}\n",
            plan.name,
            plan.kind,
            plan.endpoint
                .as_deref()
                .map(|endpoint| format!(" at {endpoint}"))
                .unwrap_or_default(),
            self.record.signer,
            if plan.kind == "embedded" || plan.signer.starts_with("//") {
                format!(" ({})", plan.signer)
            } else {
                String::new()
            },
            if dry_run {
                "; dry run: addresses, weights and deposits as on an embedded chain"
            } else {
                ""
            }
        );
        for contract in &self.record.contracts {
            let _ = writeln!(
                text,
                "  {:<17} {} code {} ({} B, v{}){}",
                contract.name,
                contract.address,
                contract.code_hash,
                contract.wasm_bytes,
                contract.version,
                if contract.deployed_now {
                    ""
                } else {
                    " unchanged, skipped"
                }
            );
        }
        for line in &self.log {
            let _ = writeln!(text, "  {line}");
        }
        let intents = self.record.contracts.iter();
        if let Some(intents) = intents
            .filter(|c| c.deployed_now)
            .find(|c| c.name == "intents")
        {
            let _ = writeln!(
                text,
                "next: governance grants the intents contract at {} the token's Forwarder role \
                 by a proposal (deployments/README.md, handover checklist, step 8)",
                intents.address
            );
        }
        if let Some(path) = &self.written {
            let _ = writeln!(text, "record: {}", path.display());
        }
        text
    }
}

/// Deploys `plan`. A dry run carries it out on a throwaway embedded chain and writes
/// nothing; a retired plan is only ever dry-run. Otherwise the contracts of the newest
/// record that still hold the same code on the network are skipped; when something was
/// deployed, a record is written to `places.records/<network>/` (and an embedded chain
/// saved to `places.chains`).
///
/// # Errors
/// If the plan is wrong, the network cannot be reached, or a step is refused.
pub fn deploy(plan: &Plan, places: &Places, dry_run: bool) -> Result<Deployment> {
    if dry_run {
        return carry_out(plan, &mut Embedded::new(None)?, None);
    }
    if let Some(reason) = &plan.retired {
        bail!("{} is retired: {reason}", plan.name);
    }
    match plan.kind.as_str() {
        "embedded" => {
            let chain_file = places.chain(&plan.name);
            let state = std::fs::read(&chain_file).ok();
            // A record without its chain (deleted build dir) names nothing to skip.
            let previous = match state {
                Some(_) => places.latest_record(&plan.name)?,
                None => None,
            };
            let mut chain = Embedded::new(state.as_deref())?;
            let mut deployment = carry_out(plan, &mut chain, previous.as_ref())?;
            if deployment.is_new() {
                places.save_chain(&plan.name, &mut chain)?;
                deployment.written = Some(write_record(places, &deployment.record)?);
            }
            Ok(deployment)
        }
        "node" => {
            let mut node = connect(plan)?;
            let previous = places.latest_record(&plan.name)?;
            let mut deployment = carry_out(plan, &mut *node, previous.as_ref())?;
            if deployment.is_new() {
                deployment.written = Some(write_record(places, &deployment.record)?);
            }
            Ok(deployment)
        }
        kind => bail!("{}: unknown network kind {kind}", plan.name),
    }
}

/// Carries `plan` out on `network`, skipping the contracts of `previous` whose code is
/// unchanged there.
fn carry_out(
    plan: &Plan,
    network: &mut dyn Network,
    previous: Option<&Record>,
) -> Result<Deployment> {
    let signer = plan.signer.as_str();
    let mut log = Vec::new();
    let mut addresses: BTreeMap<String, AccountId32> = BTreeMap::new();
    addresses.insert("signer".into(), network.account(signer)?);
    let salt = network.head()?.0.encode();
    let mut recorded = Vec::new();
    addresses.insert("genesis".into(), network.genesis_hash()?.into());
    for planned in &plan.contracts {
        let name = deployable(&planned.name)?;
        let bundle = bundles::load(name)?;
        let hash = code_hash(&bundle.wasm);
        let earlier =
            match previous.and_then(|record| record.contracts.iter().find(|c| c.name == name)) {
                Some(contract) => {
                    let address = parse_address(&contract.address)?;
                    (network.code_hash_at(&address)? == Some(hash)).then_some(address)
                }
                None => None,
            };
        let deployed_now = earlier.is_none();
        let address = match earlier {
            Some(address) => address,
            None => {
                let args = planned
                    .args
                    .iter()
                    .map(|arg| resolve(arg, &addresses))
                    .collect::<Result<Vec<_>>>()?;
                let (address, answer) = network
                    .instantiate(signer, name, &planned.constructor, &args, salt.clone())
                    .with_context(|| left_behind(&recorded))?;
                note(&mut log, format!("instantiate {name}"), &answer);
                address
            }
        };
        recorded.push(RecordedContract {
            name: name.to_string(),
            address: hex(address.as_ref()),
            code_hash: hex(&hash),
            wasm_bytes: bundle.wasm.len(),
            version: bundle_version(name)?,
            deployed_now,
            bundle: None,
            upgraded_from: None,
        });
        addresses.insert(name.to_string(), address);
    }
    let fresh = |name: &str| recorded.iter().any(|c| c.name == name && c.deployed_now);
    // Wiring, setup and handover concern contracts deployed now; unchanged ones were set
    // up by the run that deployed them (and may be governed since).
    let mut steps = Vec::new();
    for role in &plan.roles {
        if fresh(&role.contract) || fresh(&role.to) {
            steps.push((
                role.contract.as_str(),
                "grant_role",
                vec![role.grant.clone(), format!("<{}>", role.to)],
            ));
        }
    }
    for call in plan.setup.iter().filter(|call| fresh(&call.contract)) {
        steps.push((
            call.contract.as_str(),
            call.message.as_str(),
            call.args.clone(),
        ));
    }
    if let Some(handover) = &plan.handover {
        for contract in handover.contracts.iter().filter(|c| fresh(c)) {
            steps.push((
                contract,
                "Admin::offer_admin",
                vec![format!("<{}>", handover.to)],
            ));
        }
    }
    for (contract, message, args) in steps {
        let address = addresses
            .get(contract)
            .cloned()
            .ok_or_else(|| anyhow!("{contract} is not a contract of the plan"))?;
        let resolved = args
            .iter()
            .map(|arg| resolve(arg, &addresses))
            .collect::<Result<Vec<_>>>()?;
        let answer = network
            .call(signer, contract, &address, message, &resolved)
            .with_context(|| left_behind(&recorded))?;
        note(
            &mut log,
            format!("{contract}.{message}({})", args.join(", ")),
            &answer,
        );
    }
    let (block, chain_time_ms) = network.head()?;
    let mut deployment = Deployment {
        record: Record {
            network: plan.name.clone(),
            signer: hex(addresses["signer"].as_ref()),
            block,
            chain_time_ms,
            contracts: recorded,
        },
        written: None,
        log,
    };
    if !deployment.is_new() {
        deployment
            .log
            .push("every contract is deployed with this code: nothing to do, no new record".into());
    }
    Ok(deployment)
}

/// What a failed deployment leaves on the network: no record is written, so the
/// operator learns here which contracts were instantiated (and paid for).
fn left_behind(recorded: &[RecordedContract]) -> String {
    let fresh: Vec<String> = recorded
        .iter()
        .filter(|contract| contract.deployed_now)
        .map(|contract| format!("{} at {}", contract.name, contract.address))
        .collect();
    if fresh.is_empty() {
        "nothing was instantiated".into()
    } else {
        format!(
            "no record written; instantiated before the failure: {}",
            fresh.join(", ")
        )
    }
}

fn note(log: &mut Vec<String>, step: String, answer: &Answer) {
    let deposit = if answer.deposit < 0 {
        format!("refund {}", answer.deposit.unsigned_abs())
    } else {
        format!("deposit {}", answer.deposit)
    };
    log.push(format!(
        "{step:<52} ref_time {:>15}  proof {:>8}  {deposit}",
        answer.ref_time, answer.proof_size
    ));
}

fn parse_address(text: &str) -> Result<AccountId32> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    ensure!(digits.len() == 64, "not an address: {text}");
    let mut bytes = [0u8; 32];
    for (n, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * n..2 * n + 2], 16)
            .with_context(|| format!("not an address: {text}"))?;
    }
    Ok(AccountId32::new(bytes))
}

/// Writes `record` as `<records>/<network>/<UTC timestamp>.json`.
fn write_record(places: &Places, record: &Record) -> Result<PathBuf> {
    let dir = places.records.join(&record.network);
    std::fs::create_dir_all(&dir)?;
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let mut path = dir.join(format!("{}.json", utc_stamp(seconds)));
    // Two deployments within a second get distinct names.
    let mut n = 1;
    while path.exists() {
        path = dir.join(format!("{}-{n}.json", utc_stamp(seconds)));
        n += 1;
    }
    std::fs::write(&path, serde_json::to_string_pretty(record)? + "\n")?;
    // The metadata of each code the record names, by code hash: what the layout check
    // compares the next build with.
    for contract in &record.contracts {
        let kept = places.deployed_metadata(&record.network, &contract.code_hash);
        if !kept.exists() {
            let metadata = bundle_metadata(contract.bundle()?)?;
            std::fs::create_dir_all(kept.parent().unwrap_or(&dir))?;
            std::fs::write(&kept, serde_json::to_string_pretty(&metadata)? + "\n")?;
        }
    }
    Ok(path)
}

/// `YYYYMMDDTHHMMSSZ` for seconds since 1970 (civil-from-days, proleptic Gregorian).
fn utc_stamp(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX);
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3_600,
        rest / 60 % 60,
        rest % 60
    )
}

/// One contract's verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub name: String,
    pub address: String,
    /// The code hash on chain, if a contract lives at the address.
    pub on_chain: Option<String>,
    pub built: String,
}

impl Verified {
    pub fn agrees(&self) -> bool {
        self.on_chain.as_deref() == Some(self.built.as_str())
    }
}

/// The network of `plan` as the last deployment left it: the saved embedded chain, or a
/// connection to the node.
///
/// # Errors
/// If an embedded chain was never deployed to, or the node cannot be reached.
pub fn open(plan: &Plan, places: &Places) -> Result<Box<dyn Network>> {
    Ok(match plan.kind.as_str() {
        "embedded" => Box::new(saved_chain(plan, places)?),
        "node" => connect(plan)?,
        kind => bail!("{}: unknown network kind {kind}", plan.name),
    })
}

/// A connection to the node of `plan`.
///
/// # Errors
/// If the node cannot be reached, or this build lacks the node client: the cargo feature
/// `node` (on by default) brings in subxt and contract-extrinsics, which the main job
/// (`scripts/city simulate`) does without.
fn connect(plan: &Plan) -> Result<Box<dyn Network>> {
    #[cfg(feature = "node")]
    return Ok(Box::new(Node::connect(plan)?));
    #[cfg(not(feature = "node"))]
    bail!(
        "{}: this city binary was built without the node client (cargo feature `node`); \
         `scripts/city deploy`, `verify`, `step` and `upgrade` build it in",
        plan.name
    )
}

/// The embedded chain the last deployment of `plan` saved.
fn saved_chain(plan: &Plan, places: &Places) -> Result<Embedded> {
    let chain_file = places.chain(&plan.name);
    let state = std::fs::read(&chain_file)
        .with_context(|| format!("no chain at {}: deploy first", chain_file.display()))?;
    Embedded::new(Some(&state))
}

/// Runs the civic step ([`civic_step`]) on the suite of the newest record, with the plan's
/// signer as registrar and bin; an embedded chain keeps what the step did.
///
/// # Errors
/// If there is no record or chain, or the step fails (an embedded chain is then left as
/// it was).
pub fn step(plan: &Plan, places: &Places, citizen: &str) -> Result<Vec<String>> {
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow!("no record of {}: deploy first", plan.name))?;
    on_network(plan, places, |network| {
        Ok((civic_step(network, &record, &plan.signer, citizen)?, true))
    })
}

/// Runs `work` on the network of `plan` as the last deployment left it ([`open`]). An
/// embedded chain keeps what `work` did if it succeeds and says so (`(answer, true)`);
/// otherwise it is left as it was.
fn on_network<T>(
    plan: &Plan,
    places: &Places,
    work: impl FnOnce(&mut dyn Network) -> Result<(T, bool)>,
) -> Result<T> {
    if plan.kind != "embedded" {
        return Ok(work(&mut *open(plan, places)?)?.0);
    }
    let mut chain = saved_chain(plan, places)?;
    let (done, keep) = work(&mut chain)?;
    if keep {
        places.save_chain(&plan.name, &mut chain)?;
    }
    Ok(done)
}

/// Compares the code on chain at each address of the newest record with the bundle built
/// from this commit.
///
/// # Errors
/// If there is no record, the embedded chain is missing, or the node cannot be reached.
pub fn verify(plan: &Plan, places: &Places) -> Result<Vec<Verified>> {
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow!("no record of {}: deploy first", plan.name))?;
    let mut network = open(plan, places)?;
    record
        .contracts
        .iter()
        .map(|contract| {
            let bundle = bundles::load(contract.bundle()?)?;
            let address = parse_address(&contract.address)?;
            Ok(Verified {
                name: contract.name.clone(),
                address: contract.address.clone(),
                on_chain: network.code_hash_at(&address)?.map(|hash| hex(&hash)),
                built: hex(&code_hash(&bundle.wasm)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_767_225_600), "20260101T000000Z");
        assert_eq!(utc_stamp(1_796_083_199), "20261130T235959Z");
    }

    #[test]
    fn placeholders_resolve_to_earlier_contracts() {
        let mut addresses = BTreeMap::new();
        addresses.insert("city-token".to_string(), AccountId32::new([0xab; 32]));
        let resolved = resolve("<city-token>", &addresses).unwrap();
        assert_eq!(resolved, hex(&[0xab; 32]));
        assert_eq!(
            parse_address(&resolved).unwrap(),
            AccountId32::new([0xab; 32])
        );
        assert!(resolve("<e-voting>", &addresses).is_err());
        assert_eq!(resolve("86400000", &addresses).unwrap(), "86400000");
    }
}
