//! `city deploy` and `city verify`: put the suite on a network as its plan in
//! `deployments/networks/<name>.toml` says, record what was deployed, and compare what is
//! on chain with the bundles built from this commit.
//!
//! The embedded network (`kind = "embedded"`, the `sandbox` plan) is a drink sandbox whose
//! chain state is kept in a file between runs, the way a node keeps its database: a second
//! `deploy` finds the contracts of the last record with the same code hash and skips them.
//! Constructor and message arguments are written as cargo-contract writes them and encoded
//! by each bundle's own transcoder; `<contract>` stands for a contract deployed before it.
//!
//! Any plan can be dry-run: the whole plan runs on a throwaway embedded chain, and the
//! weights and storage deposits it took are printed as estimates.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, ensure, Context, Result};
use drink::{
    pallet_contracts::{Determinism, StorageDeposit},
    sandbox_api::prelude::*,
    session::{ContractBundle, Session},
    AccountId32, Sandbox as _, Weight,
};
use scale::{Decode, Encode};

use crate::{
    bundles,
    city::{named_account, runtime_account, Sandbox, CALL_GAS_LIMIT, GENESIS_TIME_MS},
};

/// Native balance for the embedded signer: enough for every storage deposit.
const SIGNER_ENDOWMENT: u128 = 1_000_000_000_000_000;

/// A network's deployment plan.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Plan {
    pub name: String,
    /// `embedded` (the drink sandbox) or `node` (a chain reached at `endpoint`).
    pub kind: String,
    pub endpoint: Option<String>,
    /// The embedded signer's actor name, or a node's secret URI (`//Alice`).
    pub signer: String,
    pub contracts: Vec<PlannedContract>,
    #[serde(default)]
    pub roles: Vec<PlannedRole>,
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
}

/// Where plans, records and embedded chains live.
#[derive(Debug, Clone)]
pub struct Places {
    pub networks: PathBuf,
    pub records: PathBuf,
    /// Embedded chains' state, one file per network.
    pub chains: PathBuf,
}

impl Default for Places {
    /// `deployments/networks`, `deployments/records`, and the chains beside the bundles in
    /// the build directory (like a node's database, not part of the repository).
    fn default() -> Self {
        let deployments = bundles::workspace_root().join("deployments");
        Self {
            networks: deployments.join("networks"),
            records: deployments.join("records"),
            chains: bundles::bundle_dir()
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                .join("ink-city-chains"),
        }
    }
}

impl Places {
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

    fn chain(&self, network: &str) -> PathBuf {
        self.chains.join(format!("{network}.scale"))
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
        names.sort();
        names
            .last()
            .map(|path| {
                let text = std::fs::read_to_string(path)?;
                serde_json::from_str(&text).with_context(|| format!("in {}", path.display()))
            })
            .transpose()
    }
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
    let path = bundles::bundle_path(name);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(json["contract"]["version"]
        .as_str()
        .unwrap_or("unknown")
        .to_string())
}

/// A contract of the suite by name, as the bundle loader wants it.
fn suite_contract(name: &str) -> Result<&'static str> {
    bundles::CONTRACTS
        .iter()
        .find(|contract| **contract == name)
        .copied()
        .ok_or_else(|| anyhow!("{name} is not a contract of the suite"))
}

/// An embedded chain: a sandbox session and the signer.
struct Chain {
    session: Session<Sandbox>,
    signer: AccountId32,
    /// What each step cost, for the report.
    log: Vec<String>,
}

impl Chain {
    fn new(plan: &Plan, state: Option<&[u8]>) -> Result<Self> {
        let mut session = Session::<Sandbox>::default();
        match state {
            Some(mut bytes) => {
                let (storage, storage_root) =
                    Decode::decode(&mut bytes).context("the saved chain state does not decode")?;
                session.sandbox().restore_snapshot(ink_sandbox::Snapshot {
                    storage,
                    storage_root,
                });
            }
            None => session.sandbox().set_timestamp(GENESIS_TIME_MS),
        }
        let signer = runtime_account(named_account(&plan.signer));
        if session.sandbox().free_balance(&signer) == 0 {
            session
                .sandbox()
                .mint_into(&signer, SIGNER_ENDOWMENT)
                .map_err(|error| anyhow!("endowing the signer: {error:?}"))?;
        }
        Ok(Self {
            session,
            signer,
            log: Vec::new(),
        })
    }

    fn state(&mut self) -> Vec<u8> {
        let snapshot = self.session.sandbox().take_snapshot();
        (snapshot.storage, snapshot.storage_root).encode()
    }

    fn code_hash_at(&mut self, address: &AccountId32) -> Option<[u8; 32]> {
        self.session.sandbox().execute_with(|| {
            drink::pallet_contracts::Pallet::<<Sandbox as drink::Sandbox>::Runtime>::code_hash(
                address,
            )
            .map(|hash| hash.0)
        })
    }

    fn note(&mut self, step: String, weight: Weight, deposit: &StorageDeposit<u128>) {
        let deposit = match deposit {
            StorageDeposit::Charge(amount) => format!("deposit {amount}"),
            StorageDeposit::Refund(amount) => format!("refund {amount}"),
        };
        self.log.push(format!(
            "{step:<52} ref_time {:>15}  proof {:>8}  {deposit}",
            weight.ref_time(),
            weight.proof_size()
        ));
    }

    fn instantiate(
        &mut self,
        bundle: &ContractBundle,
        name: &str,
        input: Vec<u8>,
        salt: Vec<u8>,
    ) -> Result<AccountId32> {
        let result = self.session.sandbox().deploy_contract(
            bundle.wasm.clone(),
            0,
            input,
            salt,
            self.signer.clone(),
            CALL_GAS_LIMIT,
            None,
        );
        let returned = result
            .result
            .map_err(|error| anyhow!("instantiating {name}: {error:?}"))?;
        ensure!(
            !returned.result.did_revert(),
            "the constructor of {name} refused: {:?}",
            returned.result.data
        );
        self.note(
            format!("instantiate {name}"),
            result.gas_consumed,
            &result.storage_deposit,
        );
        Ok(returned.account_id)
    }

    /// Calls `message` of a contract with cargo-contract style `args`; an `Err` answer
    /// (ink!'s or the message's) is an error.
    fn call(
        &mut self,
        bundle: &ContractBundle,
        address: &AccountId32,
        message: &str,
        args: &[String],
        what: String,
    ) -> Result<()> {
        let input = bundle.transcoder.encode(message, args)?;
        let result = self.session.sandbox().call_contract(
            address.clone(),
            0,
            input,
            self.signer.clone(),
            CALL_GAS_LIMIT,
            None,
            Determinism::Enforced,
        );
        let returned = result
            .result
            .map_err(|error| anyhow!("{what}: {error:?}"))?;
        let answer = bundle
            .transcoder
            .decode_message_return(message, &mut &returned.data[..])?
            .to_string();
        ensure!(
            !returned.did_revert() && !answer.contains("Err("),
            "{what}: {answer}"
        );
        self.note(what, result.gas_consumed, &result.storage_deposit);
        Ok(())
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
    /// The plan as carried out, for the terminal.
    pub fn text(&self, plan: &Plan, dry_run: bool) -> String {
        let mut text = format!(
            "network {} ({}{}), signer {}{}\n",
            plan.name,
            plan.kind,
            plan.endpoint
                .as_deref()
                .map(|endpoint| format!(" at {endpoint}"))
                .unwrap_or_default(),
            plan.signer,
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
        if let Some(path) = &self.written {
            let _ = writeln!(text, "record: {}", path.display());
        }
        text
    }
}

/// Deploys `plan`. A dry run carries it out on a throwaway embedded chain and writes
/// nothing; otherwise the embedded chain is loaded from and saved to `places.chains`, the
/// contracts of the last record whose code is unchanged are skipped, and, when something
/// was deployed, a record is written to `places.records/<network>/`.
///
/// # Errors
/// If the plan is wrong, a step is refused, or the network is a node (deploying to nodes
/// is not in the harness yet: see deployments/README.md for cargo-contract).
pub fn deploy(plan: &Plan, places: &Places, dry_run: bool) -> Result<Deployment> {
    let embedded = plan.kind == "embedded";
    if !dry_run && !embedded {
        bail!(
            "{} is a {} network: the harness deploys to embedded chains only (use --dry-run \
             for the plan, and cargo-contract as deployments/README.md says)",
            plan.name,
            plan.kind
        );
    }
    let chain_file = places.chain(&plan.name);
    let state = if dry_run {
        None
    } else {
        std::fs::read(&chain_file).ok()
    };
    let previous = match (&state, dry_run) {
        (Some(_), false) => places.latest_record(&plan.name)?,
        _ => None,
    };
    let mut chain = Chain::new(plan, state.as_deref())?;
    let salt = chain.session.sandbox().block_number().encode();
    let mut addresses: BTreeMap<String, AccountId32> = BTreeMap::new();
    let mut recorded = Vec::new();
    for planned in &plan.contracts {
        let name = suite_contract(&planned.name)?;
        let bundle = bundles::load(name)?;
        let hash = code_hash(&bundle.wasm);
        let earlier = previous
            .as_ref()
            .and_then(|record| record.contracts.iter().find(|c| c.name == name))
            .map(|contract| parse_address(&contract.address))
            .transpose()?
            .filter(|address| chain.code_hash_at(address) == Some(hash));
        let deployed_now = earlier.is_none();
        let address = match earlier {
            Some(address) => address,
            None => {
                let args = planned
                    .args
                    .iter()
                    .map(|arg| resolve(arg, &addresses))
                    .collect::<Result<Vec<_>>>()?;
                let input = bundle.transcoder.encode(&planned.constructor, &args)?;
                chain.instantiate(&bundle, name, input, salt.clone())?
            }
        };
        recorded.push(RecordedContract {
            name: name.to_string(),
            address: hex(address.as_ref()),
            code_hash: hex(&hash),
            wasm_bytes: bundle.wasm.len(),
            version: bundle_version(name)?,
            deployed_now,
        });
        addresses.insert(name.to_string(), address);
    }
    let fresh = |name: &str| recorded.iter().any(|c| c.name == name && c.deployed_now);
    // Wiring and handover concern contracts deployed now; unchanged ones were wired
    // by the run that deployed them (and may be governed since).
    for role in &plan.roles {
        if !fresh(&role.contract) && !fresh(&role.to) {
            continue;
        }
        let bundle = bundles::load(suite_contract(&role.contract)?)?;
        let to = resolve(&format!("<{}>", role.to), &addresses)?;
        let address = addresses[&role.contract].clone();
        chain.call(
            &bundle,
            &address,
            "grant_role",
            &[role.grant.clone(), to],
            format!("{}.grant_role({}, {})", role.contract, role.grant, role.to),
        )?;
    }
    if let Some(handover) = &plan.handover {
        let to = resolve(&format!("<{}>", handover.to), &addresses)?;
        for contract in handover.contracts.iter().filter(|c| fresh(c)) {
            let bundle = bundles::load(suite_contract(contract)?)?;
            let address = addresses[contract].clone();
            chain.call(
                &bundle,
                &address,
                "transfer_admin",
                std::slice::from_ref(&to),
                format!("{contract}.transfer_admin({})", handover.to),
            )?;
        }
    }
    let nothing_new = recorded.iter().all(|c| !c.deployed_now);
    if nothing_new {
        chain
            .log
            .push("every contract is deployed with this code: nothing to do, no new record".into());
    }
    chain.session.sandbox().build_block();
    let record = Record {
        network: plan.name.clone(),
        signer: plan.signer.clone(),
        block: chain.session.sandbox().block_number(),
        chain_time_ms: chain.session.sandbox().get_timestamp(),
        contracts: recorded,
    };
    let written = if dry_run || nothing_new {
        None
    } else {
        std::fs::create_dir_all(&places.chains)?;
        std::fs::write(&chain_file, chain.state())
            .with_context(|| format!("saving {}", chain_file.display()))?;
        Some(write_record(places, &record)?)
    };
    Ok(Deployment {
        record,
        written,
        log: chain.log,
    })
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

/// Compares the code on chain at each address of the newest record with the bundle built
/// from this commit.
///
/// # Errors
/// If there is no record or no chain, or a node network (not in the harness yet).
pub fn verify(plan: &Plan, places: &Places) -> Result<Vec<Verified>> {
    ensure!(
        plan.kind == "embedded",
        "{} is a {} network: the harness verifies embedded chains only",
        plan.name,
        plan.kind
    );
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow!("no record of {}: deploy first", plan.name))?;
    let chain_file = places.chain(&plan.name);
    let state = std::fs::read(&chain_file)
        .with_context(|| format!("no chain at {}: deploy first", chain_file.display()))?;
    let mut chain = Chain::new(plan, Some(&state))?;
    record
        .contracts
        .iter()
        .map(|contract| {
            let bundle = bundles::load(suite_contract(&contract.name)?)?;
            let address = parse_address(&contract.address)?;
            Ok(Verified {
                name: contract.name.clone(),
                address: contract.address.clone(),
                on_chain: chain.code_hash_at(&address).map(|hash| hex(&hash)),
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
