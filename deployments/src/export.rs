//! `city export` and `city import`: move the suite to another chain without losing
//! anything.
//!
//! **Export** reads every cell of every contract of the newest record from the chain's raw
//! storage (the contract's child trie: on the embedded chain directly, on a node over
//! RPC, as `cargo contract storage` does) and writes them to a [`State`]: each cell's key
//! and value as they are, and beside them the cells decoded with the deployed bundle's own
//! metadata storage layout (each cell's type from [`layout`], its bytes decoded by the
//! bundle's transcoder), for people and for review. Nothing
//! is sampled through getters: a `Mapping` cannot be listed that way.
//!
//! **Import** puts a new suite on the new network without deploying it fresh: for each
//! contract of the export, the signer
//! 1. uploads the contract's code, which must be the code the export ran (the same layout);
//! 2. instantiates the state restorer (`contracts/state-restorer`) naming the contract's
//!    layout: the restorer lets only the signer write, and never anyone after step 5;
//! 3. once every contract has an address, writes the exported cells into it, with the
//!    suite's addresses moved (see below);
//! 4. reads the cells back and stops unless they are exactly the export's (nobody else can
//!    write while the restorer stands in: the comparison is the import's, not a race);
//! 5. hands the contract to its code, whose `migrate` accepts the storage (same contract,
//!    same storage version) or the whole call reverts.
//!
//! Once handed over, no restore message exists: the restore is sealed. Roles, setup, the
//! admin seats and governance are all state, and come with it. Nothing on the old chain
//! changes: freeze the old suite (pause the token, say) before the export, or what
//! happens there after it is not moved.
//!
//! **What "the same" means** ([`differences`]): every contract holds exactly the cells it
//! held, byte for byte, except that a suite contract's old address is replaced by its new
//! one wherever the layout types a field as an account (keys and values, walked along the
//! layout's shapes), and anywhere inside a byte string (a proposal's call data). That covers every balance
//! and the supply, allowances, roles and admin seats, identities with their kinds, expiries,
//! documents and history, rules, attesters, caps, budgets and seen receipts, polls and
//! proposals with their tallies, ballots and calls, projects with their funders, milestones
//! and wage rolls: they all live in cells. Addresses inside proposal calls move too, on
//! purpose: a proposal naming a suite contract names it on the new chain. An address
//! planted across two fields is not an account there, and stays as it is. The import
//! refuses if a new address already appears anywhere in the exported cells, so no two
//! cells can become one.
//!
//! **Blocks and times are carried as they are** (snapshots, deadlines, expiries,
//! timelocks), so the import waits until the new chain's head is at or past the export's
//! block and time: every past block and moment stays past and every deadline keeps its
//! place. (The embedded chain's clock is set forward instead: it is the simulation's.) A
//! new chain far behind must catch up first (at most [`MOST_BLOCKS_AWAITED`] blocks are
//! awaited), and one more than [`MOST_BLOCKS_AHEAD`] blocks ahead is refused, since open
//! polls would end at once: a mapping of block numbers is not built.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};

use super::{
    bundle_metadata, bundle_version, code_hash, hex, layout, note, parse_address, write_record,
    Network, Places, Plan, Record, RecordedContract,
};
use drink::AccountId32;
use harness::bundles;

/// The format of [`State`] this code writes and reads.
pub const FORMAT: u32 = 1;

/// How state moves between chains, written into every export.
pub const MAPPING: [&str; 2] = [
    "cells move byte for byte, except that a suite contract's old address becomes its new one \
     in every field the storage layout types as an account, and inside byte strings \
     (proposal call data)",
    "block numbers and times move as they are: the import waits until the new chain is at \
     or past the exported block and time",
];

/// A suite's complete state, as `city export` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub format: u32,
    pub network: String,
    /// The block and time (milliseconds) the state was read at.
    pub block: u32,
    pub chain_time_ms: u64,
    /// How the state maps onto another chain ([`MAPPING`]).
    pub mapping: Vec<String>,
    pub contracts: Vec<ContractState>,
}

/// One contract's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractState {
    pub name: String,
    pub address: String,
    pub code_hash: String,
    /// The bundle whose code it runs, when it is not the contract's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// Every cell: its key in the contract's child trie (BLAKE2-128 of ink!'s key, then
    /// ink!'s key) and its value, as hex.
    pub cells: BTreeMap<String, String>,
    /// The cells decoded with the bundle's metadata storage layout, in cargo-contract's
    /// notation: the field each holds, a `Mapping` entry's key, and the value.
    pub decoded: Vec<DecodedCell>,
}

/// One cell, decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecodedCell {
    /// The field of the storage struct: `CityToken.accounts`.
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub value: String,
}

/// Reads the complete state of the suite of the newest record of `plan`.
///
/// # Errors
/// If there is no record, the network cannot be read, a contract runs other code than
/// recorded, or a cell does not decode with the bundle's layout.
pub fn export(plan: &Plan, places: &Places) -> Result<State> {
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow!("no record of {}: deploy first", plan.name))?;
    let mut network = super::open(plan, places)?;
    read(&mut *network, &record)
}

/// The state of the suite of `record` on `network`.
fn read(network: &mut dyn Network, record: &Record) -> Result<State> {
    let (block, chain_time_ms) = network.head()?;
    let mut contracts = Vec::new();
    // An add-on is not moved: the new chain deploys its own (the intents contract's
    // domain is its chain's).
    for contract in record
        .contracts
        .iter()
        .filter(|c| !super::is_add_on(&c.name))
    {
        let address = contract.account()?;
        let on_chain = network.code_hash_at(&address)?.map(|hash| hex(&hash));
        ensure!(
            on_chain.as_deref() == Some(contract.code_hash.as_str()),
            "{} at {} runs {}, not the code recorded: record the chain first (city upgrade)",
            contract.name,
            contract.address,
            on_chain.unwrap_or_else(|| "no code".into())
        );
        let raw = network.storage(&address)?;
        let bundle = contract.bundle()?;
        let decoded = decode(
            &layout::Layout::of(&bundle_metadata(bundle)?)?,
            bundle,
            &raw,
        )
        .with_context(|| format!("decoding {}'s storage", contract.name))?;
        contracts.push(ContractState {
            name: contract.name.clone(),
            address: contract.address.clone(),
            code_hash: contract.code_hash.clone(),
            bundle: contract.bundle.clone(),
            cells: raw.iter().map(|(k, v)| (hex(k), hex(v))).collect(),
            decoded,
        });
    }
    Ok(State {
        format: FORMAT,
        network: record.network.clone(),
        block,
        chain_time_ms,
        mapping: MAPPING.iter().map(|line| line.to_string()).collect(),
        contracts,
    })
}

/// `raw` (child-trie keys and values) decoded cell by cell with `layout`, by `bundle`'s
/// transcoder.
fn decode(
    layout: &layout::Layout,
    bundle: &'static str,
    raw: &BTreeMap<Vec<u8>, Vec<u8>>,
) -> Result<Vec<DecodedCell>> {
    let transcoder = bundles::load(bundle)?.transcoder;
    raw.iter()
        .map(|(key, value)| {
            let ink_key = key
                .get(16..)
                .ok_or_else(|| anyhow!("cell key {} is no ink! key", hex(key)))?;
            let cell = cell_of(layout, ink_key)?;
            let key = match cell.index_type {
                Some(index) => Some(transcoder.decode(index, &mut &ink_key[4..])?.to_string()),
                None => None,
            };
            Ok(DecodedCell {
                field: cell.path.clone(),
                key,
                value: transcoder
                    .decode(cell.value_type, &mut &value[..])?
                    .to_string(),
            })
        })
        .collect()
}

/// What `city import` did.
pub struct Imported {
    /// The new suite, as recorded.
    pub record: Record,
    pub written: std::path::PathBuf,
    /// One line per step with its weight and storage deposit.
    pub log: Vec<String>,
    /// The new suite's state, read back once every contract runs its code (the same as the
    /// export's, unless someone used the new suite in between: see [`differences`]).
    pub state: State,
}

/// The most ink! key and value bytes one `restore` call carries: ink! reads a message's
/// input into a 16 KiB buffer.
const RESTORE_CALL_BYTES: usize = 12 * 1024;

/// What one entry of a `restore` call costs beyond its bytes (its lengths and `Option`).
const ENTRY_OVERHEAD: usize = 16;

/// The most blocks the import waits for the new chain to reach the exported block.
pub const MOST_BLOCKS_AWAITED: u32 = 100_000;

/// The most blocks the new chain may be ahead of the export.
pub const MOST_BLOCKS_AHEAD: u32 = 1_000;

/// The restorer's own cell (`"rsto"`), which it clears when it hands the contract over.
const RESTORING_CELL: [u8; 4] = 0x7273_746f_u32.to_le_bytes();

/// Puts the suite of `state` on the network of `plan` (see the module docs), then reads it
/// back. Writes a record of the new suite (and saves an embedded chain).
///
/// # Errors
/// If the plan is retired, the state is of another format or of other code than this
/// checkout builds, the new chain is too far from the exported block, a step is refused,
/// or a restored contract does not hold the exported cells.
pub fn import(plan: &Plan, places: &Places, state: &State) -> Result<Imported> {
    ensure!(
        state.format == FORMAT,
        "the state is of format {}, this city reads {FORMAT}",
        state.format
    );
    if let Some(reason) = &plan.retired {
        bail!("{} is retired: {reason}", plan.name);
    }
    let (record, log, read_back) = match plan.kind.as_str() {
        "embedded" => {
            let saved = std::fs::read(places.chain(&plan.name)).ok();
            let mut chain = super::Embedded::new(saved.as_deref())?;
            let done = import_on(plan, &mut chain, state)?;
            // Saved only now: a failed import leaves the chain file as it was.
            places.save_chain(&plan.name, &mut chain)?;
            done
        }
        "node" => import_on(plan, &mut *super::connect(plan)?, state)?,
        kind => bail!("{}: unknown network kind {kind}", plan.name),
    };
    let written = write_record(places, &record)?;
    Ok(Imported {
        record,
        written,
        log,
        state: read_back,
    })
}

/// The import of `state` on `network` as `plan` signs: the record, the log and the state
/// read back.
fn import_on(
    plan: &Plan,
    network: &mut dyn Network,
    state: &State,
) -> Result<(Record, Vec<String>, State)> {
    let (mut record, log) = restore(&plan.signer, network, state)?;
    record.network.clone_from(&plan.name);
    let read_back = read(network, &record)?;
    Ok((record, log, read_back))
}

/// The import on `network` by `signer`: the new suite's record (named after the old
/// network; the caller renames it) and the log.
fn restore(
    signer: &str,
    network: &mut dyn Network,
    state: &State,
) -> Result<(Record, Vec<String>)> {
    let (head, _) = network.head()?;
    ensure!(
        state.block.saturating_sub(head) <= MOST_BLOCKS_AWAITED,
        "the new chain is at block {head}, the export at {}: let the new chain catch up first \
         (block numbers move as they are)",
        state.block
    );
    ensure!(
        head.saturating_sub(state.block) <= MOST_BLOCKS_AHEAD,
        "the new chain is at block {head}, {} blocks past the export: polls counted in blocks \
         would end at once (block numbers move as they are)",
        head - state.block
    );
    network.catch_up(state.block, state.chain_time_ms)?;
    let mut log = Vec::new();
    // A salt nobody can guess ahead: the new addresses are not known before the import.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let salt = code_hash(&[state.network.as_bytes(), &nanos.to_le_bytes()].concat()).to_vec();
    let mut contracts = Vec::new();
    for old in &state.contracts {
        let bundle = old.bundle.as_deref().unwrap_or(&old.name);
        let bundle = bundles::bundle_named(bundle)?;
        let built = hex(&code_hash(&bundles::load(bundle)?.wasm));
        ensure!(
            built == old.code_hash,
            "{} ran code {} on {}, this checkout builds {built}: move the state with the code \
             that wrote it",
            old.name,
            old.code_hash,
            state.network,
        );
        let (code, answer) = network.upload(signer, bundle)?;
        ensure!(
            hex(&code) == built,
            "the chain stored {bundle} as {}",
            hex(&code)
        );
        note(&mut log, format!("upload {bundle}"), &answer);
        let layout = layout::Layout::of(&bundle_metadata(bundle)?)?;
        let version = layout
            .version
            .ok_or_else(|| anyhow!("{bundle} declares no storage version"))?;
        let mut id = [0u8; 32];
        ink::env::hash_bytes::<ink::env::hash::Blake2x256>(old.name.as_bytes(), &mut id);
        let (address, answer) = network.instantiate(
            signer,
            bundles::STATE_RESTORER,
            "new",
            &[format!(
                "Layout {{ contract: {}, version: {version} }}",
                hex(&id[..4])
            )],
            salt.clone(),
        )?;
        note(
            &mut log,
            format!("{}: a restorer at {address}", old.name),
            &answer,
        );
        contracts.push(RecordedContract {
            name: old.name.clone(),
            address: hex(address.as_ref()),
            code_hash: old.code_hash.clone(),
            wasm_bytes: bundles::load(bundle)?.wasm.len(),
            version: bundle_version(bundle)?,
            deployed_now: true,
            bundle: old.bundle.clone(),
            upgraded_from: None,
        });
    }
    let moved = moved_addresses(state, &contracts)?;
    // Every cell is moved (and so decoded) before anything is written.
    let mapped = state
        .contracts
        .iter()
        .map(|old| mapped_cells(old, &layout_of(old)?, &moved))
        .collect::<Result<Vec<_>>>()?;
    for ((old, new), cells) in state.contracts.iter().zip(&contracts).zip(mapped) {
        let address = new.account()?;
        let entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = cells
            .iter()
            .map(|(key, value)| (key[16..].to_vec(), Some(value.clone())))
            .collect();
        for (arguments, count) in chunks(&entries) {
            let answer = network.call(
                signer,
                bundles::STATE_RESTORER,
                &address,
                "restore",
                &[arguments],
            )?;
            note(
                &mut log,
                format!("{}: restore {count} cells", old.name),
                &answer,
            );
        }
        let mut held = network.storage(&address)?;
        held.remove(&trie_key(&RESTORING_CELL));
        let found = cell_differences(&old.name, &cells, &held);
        ensure!(
            found.is_empty(),
            "{} does not hold the exported cells; nothing is handed over:\n{}",
            old.name,
            found.join("\n")
        );
    }
    for new in &contracts {
        let answer = network.call(
            signer,
            bundles::STATE_RESTORER,
            &new.account()?,
            "Upgradable::upgrade",
            std::slice::from_ref(&new.code_hash),
        )?;
        note(
            &mut log,
            format!("{}: handed to its code", new.name),
            &answer,
        );
    }
    let (block, chain_time_ms) = network.head()?;
    let record = Record {
        network: state.network.clone(),
        signer: hex(network.account(signer)?.as_ref()),
        block,
        chain_time_ms,
        contracts,
    };
    Ok((record, log))
}

/// `entries` as `restore` arguments, each under [`RESTORE_CALL_BYTES`], with its count.
fn chunks(entries: &[(Vec<u8>, Option<Vec<u8>>)]) -> Vec<(String, usize)> {
    let mut calls = Vec::new();
    let (mut text, mut count, mut size) = (Vec::new(), 0, 0);
    for (key, value) in entries {
        let more = key.len() + value.as_ref().map_or(0, Vec::len) + ENTRY_OVERHEAD;
        if count > 0 && size + more > RESTORE_CALL_BYTES {
            calls.push((format!("[{}]", text.join(", ")), count));
            (text, count, size) = (Vec::new(), 0, 0);
        }
        let value = value.as_ref().map_or_else(
            || "None".to_string(),
            |value| format!("Some({})", bytes(value)),
        );
        text.push(format!("({}, {value})", bytes(key)));
        count += 1;
        size += more;
    }
    if count > 0 {
        calls.push((format!("[{}]", text.join(", ")), count));
    }
    calls
}

/// Bytes as cargo-contract writes them: hex, or `[]` when there are none.
fn bytes(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "[]".into()
    } else {
        hex(bytes)
    }
}

/// Each suite contract's old address and the new one, by name.
///
/// # Errors
/// If a contract is missing, or a new address already appears in an exported cell (two
/// cells could then become one).
fn moved_addresses(
    state: &State,
    contracts: &[RecordedContract],
) -> Result<Vec<([u8; 32], [u8; 32])>> {
    let moved = state
        .contracts
        .iter()
        .map(|old| {
            let new = contracts
                .iter()
                .find(|c| c.name == old.name)
                .ok_or_else(|| anyhow!("the new suite has no {}", old.name))?;
            Ok((
                parse_address(&old.address)?.into(),
                parse_address(&new.address)?.into(),
            ))
        })
        .collect::<Result<Vec<([u8; 32], [u8; 32])>>>()?;
    for contract in &state.contracts {
        for (key, value) in &contract.cells {
            for text in [key, value] {
                let bytes = unhex(text)?;
                if let Some((_, new)) = moved
                    .iter()
                    .find(|(_, new)| bytes.windows(32).any(|window| window == new))
                {
                    bail!(
                        "the new address {} already appears in {}'s cell {key}: the addresses \
                         cannot be moved without merging cells",
                        hex(new),
                        contract.name
                    );
                }
            }
        }
    }
    Ok(moved)
}

/// The layout of the code `contract` runs, from its bundle's metadata.
fn layout_of(contract: &ContractState) -> Result<layout::Layout> {
    let bundle = bundles::bundle_named(contract.bundle.as_deref().unwrap_or(&contract.name))?;
    layout::Layout::of(&bundle_metadata(bundle)?)
}

/// The cell of `layout` that ink! key `key` belongs to (by its first four bytes, which
/// the metadata writes as hex).
fn cell_of<'a>(layout: &'a layout::Layout, key: &[u8]) -> Result<&'a layout::Cell> {
    let root = key
        .get(..4)
        .map(hex)
        .ok_or_else(|| anyhow!("cell key {} is no ink! key", hex(key)))?;
    layout
        .cells
        .iter()
        .find(|cell| cell.key == root)
        .ok_or_else(|| anyhow!("cell {} is in no field of the layout", hex(key)))
}

/// The cells of `contract` (of `layout`) with the suite's addresses moved: in each ink! key
/// and value, every old address the layout types as an account, or that a byte string
/// holds (a proposal's call data), is replaced by the new, and each key is hashed again for
/// the child trie.
///
/// # Errors
/// If a cell does not decode as its layout says, or two cells would become one.
fn mapped_cells(
    contract: &ContractState,
    layout: &layout::Layout,
    moved: &[([u8; 32], [u8; 32])],
) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
    let cells: BTreeMap<Vec<u8>, Vec<u8>> = contract
        .cells
        .iter()
        .map(|(key, value)| {
            let key = unhex(key)?;
            let ink_key = key
                .get(16..)
                .ok_or_else(|| anyhow!("{}: cell key {} is too short", contract.name, hex(&key)))?;
            let cell = cell_of(layout, ink_key)?;
            let mut new_key = ink_key[..4].to_vec();
            match &cell.index {
                Some(index) => new_key.extend(move_addresses(index, &ink_key[4..], moved)?),
                None => ensure!(
                    ink_key.len() == 4,
                    "{}: cell {} has a key of no map",
                    contract.name,
                    hex(ink_key)
                ),
            }
            let value = move_addresses(&cell.value, &unhex(value)?, moved)
                .with_context(|| format!("{}: cell {}", contract.name, hex(ink_key)))?;
            Ok((trie_key(&new_key), value))
        })
        .collect::<Result<_>>()?;
    ensure!(
        cells.len() == contract.cells.len(),
        "{}: moving the addresses merged cells",
        contract.name
    );
    Ok(cells)
}

/// `bytes`, one value of `shape`, with each old address of `moved` replaced by its new one
/// where the shape has an account, and anywhere inside the value's byte strings (a
/// proposal's call data: an address there keeps the string's length).
///
/// # Errors
/// If `bytes` is not one value of `shape`.
fn move_addresses(
    shape: &layout::Shape,
    bytes: &[u8],
    moved: &[([u8; 32], [u8; 32])],
) -> Result<Vec<u8>> {
    let mut spots = Spots::default();
    let mut at = 0;
    walk(shape, bytes, &mut at, &mut spots)?;
    ensure!(
        at == bytes.len(),
        "{} bytes are left after the value",
        bytes.len() - at
    );
    let mut out = bytes.to_vec();
    let mut replace = |at: usize| match moved.iter().find(|(old, _)| out[at..at + 32] == old[..]) {
        Some((_, new)) => {
            out[at..at + 32].copy_from_slice(new);
            true
        }
        None => false,
    };
    for at in spots.accounts {
        replace(at);
    }
    for range in spots.bytes {
        let mut at = range.start;
        while at + 32 <= range.end {
            at += if replace(at) { 32 } else { 1 };
        }
    }
    Ok(out)
}

/// Where a value holds accounts: at these offsets, and anywhere inside these byte strings.
#[derive(Default)]
struct Spots {
    accounts: Vec<usize>,
    bytes: Vec<std::ops::Range<usize>>,
}

/// Walks one value of `shape` in `bytes` from `*at` (SCALE), noting where accounts are.
fn walk(shape: &layout::Shape, bytes: &[u8], at: &mut usize, spots: &mut Spots) -> Result<()> {
    use layout::Shape;
    let take = |at: &mut usize, n: usize| {
        ensure!(*at + n <= bytes.len(), "the value ends early");
        *at += n;
        Ok(())
    };
    match shape {
        Shape::Primitive(name) => {
            let size = match name.as_str() {
                "bool" | "u8" | "i8" => 1,
                "u16" | "i16" => 2,
                "u32" | "i32" | "char" => 4,
                "u64" | "i64" => 8,
                "u128" | "i128" => 16,
                "u256" | "i256" => 32,
                "str" => compact(bytes, at)?,
                other => bail!("a primitive this walk does not know: {other}"),
            };
            take(at, size)
        }
        Shape::Compact(_) => compact(bytes, at).map(drop),
        Shape::Sequence(inner) => {
            let len = compact(bytes, at)?;
            if **inner == Shape::Primitive("u8".into()) {
                let start = *at;
                take(at, len)?;
                spots.bytes.push(start..*at);
                return Ok(());
            }
            (0..len).try_for_each(|_| walk(inner, bytes, at, spots))
        }
        Shape::Array(len, inner) => (0..*len).try_for_each(|_| walk(inner, bytes, at, spots)),
        Shape::Tuple(items) => items
            .iter()
            .try_for_each(|item| walk(item, bytes, at, spots)),
        Shape::Composite { name, .. } if name == "AccountId" => {
            spots.accounts.push(*at);
            take(at, 32)
        }
        Shape::Composite { fields, .. } => fields
            .iter()
            .try_for_each(|field| walk(&field.shape, bytes, at, spots)),
        Shape::Variant { name, variants } => {
            let index = *bytes
                .get(*at)
                .ok_or_else(|| anyhow!("the value ends early"))?;
            take(at, 1)?;
            let variant = variants
                .iter()
                .find(|variant| variant.index == u64::from(index))
                .ok_or_else(|| anyhow!("{name} has no variant {index}"))?;
            variant
                .fields
                .iter()
                .try_for_each(|field| walk(&field.shape, bytes, at, spots))
        }
        Shape::BitSequence | Shape::Recursive(_) => bail!("a value this walk does not know"),
    }
}

/// The compact-encoded number at `*at`, which it passes.
fn compact(bytes: &[u8], at: &mut usize) -> Result<usize> {
    let mut input = bytes.get(*at..).unwrap_or_default();
    let before = input.len();
    let number = <scale::Compact<u128> as scale::Decode>::decode(&mut input)?.0;
    *at += before - input.len();
    Ok(usize::try_from(number)?)
}

/// The child-trie key of ink! key `key`: its BLAKE2-128, then the key.
fn trie_key(key: &[u8]) -> Vec<u8> {
    let mut hash = [0u8; 16];
    ink::env::hash_bytes::<ink::env::hash::Blake2x128>(key, &mut hash);
    [&hash[..], key].concat()
}

fn unhex(text: &str) -> Result<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    ensure!(digits.len().is_multiple_of(2), "odd hex: {text}");
    (0..digits.len())
        .step_by(2)
        .map(|at| {
            u8::from_str_radix(&digits[at..at + 2], 16).with_context(|| format!("not hex: {text}"))
        })
        .collect()
}

/// How `new` differs from `old` once the suite's addresses are moved, in words: empty when
/// they are the same (see the module docs).
///
/// # Errors
/// If a cell of either is not hex.
pub fn differences(old: &State, new: &State) -> Result<Vec<String>> {
    let moved: Vec<([u8; 32], [u8; 32])> = old
        .contracts
        .iter()
        .filter_map(|o| {
            let n = new.contracts.iter().find(|n| n.name == o.name)?;
            Some((
                parse_address(&o.address).ok()?.into(),
                parse_address(&n.address).ok()?.into(),
            ))
        })
        .collect();
    let mut found = Vec::new();
    for contract in &old.contracts {
        let Some(now) = new.contracts.iter().find(|c| c.name == contract.name) else {
            found.push(format!("{}: missing", contract.name));
            continue;
        };
        let actual: BTreeMap<Vec<u8>, Vec<u8>> = now
            .cells
            .iter()
            .map(|(k, v)| Ok((unhex(k)?, unhex(v)?)))
            .collect::<Result<_>>()?;
        found.extend(cell_differences(
            &contract.name,
            &mapped_cells(contract, &layout_of(contract)?, &moved)?,
            &actual,
        ));
    }
    Ok(found)
}

/// How the cells `actual` of contract `name` differ from `expected`, in words.
fn cell_differences(
    name: &str,
    expected: &BTreeMap<Vec<u8>, Vec<u8>>,
    actual: &BTreeMap<Vec<u8>, Vec<u8>>,
) -> Vec<String> {
    let mut found = Vec::new();
    for (key, value) in expected {
        match actual.get(key) {
            None => found.push(format!("{name}: cell {} is missing", hex(&key[16..]))),
            Some(now) if now != value => found.push(format!(
                "{name}: cell {} holds {}, not {}",
                hex(&key[16..]),
                hex(now),
                hex(value)
            )),
            Some(_) => {}
        }
    }
    for key in actual.keys().filter(|key| !expected.contains_key(*key)) {
        found.push(format!("{name}: cell {} is new", hex(&key[16..])));
    }
    found
}

/// Moves a simulated city to a second embedded chain, as `city export` then `city import`
/// would: its suite's state is read from its chain and restored into a new suite on a new
/// chain (checked the same), and the city goes on living there.
///
/// # Errors
/// If the city runs code this checkout does not build (a broken variant), or a step of
/// the move fails.
pub fn move_city(city: &mut harness::City) -> Result<()> {
    let mut old = super::Embedded::from_snapshot(city.chain_state());
    let (block, chain_time_ms) = old.head()?;
    let mut contracts = Vec::new();
    for deployed in city.suite() {
        let code = old
            .code_hash_at(&deployed.address)?
            .ok_or_else(|| anyhow!("{} does not live on the city's chain", deployed.name))?;
        contracts.push(RecordedContract {
            name: deployed.name.to_string(),
            address: hex(deployed.address.as_ref()),
            code_hash: hex(&code),
            wasm_bytes: bundles::load(deployed.name)?.wasm.len(),
            version: bundle_version(deployed.name)?,
            deployed_now: false,
            bundle: None,
            upgraded_from: None,
        });
    }
    let record = Record {
        network: "simulated-city".into(),
        signer: hex(harness::city::ADMIN.account().as_ref()),
        block,
        chain_time_ms,
        contracts,
    };
    let state = read(&mut old, &record)?;
    let mut new = super::Embedded::new(None)?;
    let (moved, _) = restore(harness::city::ADMIN.0, &mut new, &state)?;
    let addresses: Vec<AccountId32> = moved
        .contracts
        .iter()
        .map(RecordedContract::account)
        .collect::<Result<_>>()?;
    let addresses = addresses
        .try_into()
        .map_err(|_| anyhow!("the suite is eight contracts"))?;
    city.move_to(new.into_session(), addresses);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use layout::{Field, Shape};

    fn contract(name: &str, address: u8, cells: &[(Vec<u8>, Vec<u8>)]) -> ContractState {
        ContractState {
            name: name.into(),
            address: hex(&[address; 32]),
            code_hash: hex(&[0; 32]),
            bundle: None,
            cells: cells
                .iter()
                .map(|(key, value)| (hex(&trie_key(key)), hex(value)))
                .collect(),
            decoded: Vec::new(),
        }
    }

    fn state(contracts: Vec<ContractState>) -> State {
        State {
            format: FORMAT,
            network: "old".into(),
            block: 1,
            chain_time_ms: 0,
            mapping: Vec::new(),
            contracts,
        }
    }

    fn recorded(name: &str, address: u8) -> RecordedContract {
        RecordedContract {
            name: name.into(),
            address: hex(&[address; 32]),
            code_hash: hex(&[0; 32]),
            wasm_bytes: 0,
            version: "1".into(),
            deployed_now: true,
            bundle: None,
            upgraded_from: None,
        }
    }

    fn account() -> Shape {
        Shape::Composite {
            name: "AccountId".into(),
            fields: vec![Field {
                name: "0".into(),
                shape: Shape::Array(32, Box::new(Shape::Primitive("u8".into()))),
            }],
        }
    }

    /// e-voting's `Call`: callee, selector, input, value.
    fn call() -> Shape {
        let field = |name: &str, shape| Field {
            name: name.into(),
            shape,
        };
        Shape::Composite {
            name: "Call".into(),
            fields: vec![
                field("callee", account()),
                field(
                    "selector",
                    Shape::Array(4, Box::new(Shape::Primitive("u8".into()))),
                ),
                field(
                    "input",
                    Shape::Sequence(Box::new(Shape::Primitive("u8".into()))),
                ),
                field("value", Shape::Primitive("u128".into())),
            ],
        }
    }

    /// A layout of one `Mapping` from accounts to `value`, at key `0x00000001`.
    fn balances(value: Shape) -> layout::Layout {
        layout::Layout {
            contract: "test".into(),
            cells: vec![layout::Cell {
                key: "0x00000001".into(),
                path: "Test.balances".into(),
                kind: "Mapping".into(),
                index: Some(account()),
                value,
                index_type: None,
                value_type: 0,
            }],
            version: Some(1),
            migrates_from: Vec::new(),
            upgradable: true,
        }
    }

    const OLD: [u8; 32] = [0xaa; 32];
    const NEW: [u8; 32] = [0xbb; 32];

    #[test]
    fn addresses_move_where_the_layout_has_accounts_and_inside_call_data() {
        // A call of the old address, with the old address as its argument.
        let mut bytes = OLD.to_vec();
        bytes.extend([1, 2, 3, 4]);
        bytes.extend(scale::Encode::encode(&[&[9u8][..], &OLD].concat()));
        bytes.extend(7u128.to_le_bytes());
        let moved = move_addresses(&call(), &bytes, &[(OLD, NEW)]).unwrap();
        let mut expected = NEW.to_vec();
        expected.extend([1, 2, 3, 4]);
        expected.extend(scale::Encode::encode(&[&[9u8][..], &NEW].concat()));
        expected.extend(7u128.to_le_bytes());
        assert_eq!(moved, expected);
        // Bytes that are not one value of the shape are refused, not moved.
        assert!(move_addresses(&call(), &bytes[..40], &[(OLD, NEW)]).is_err());
        assert!(move_addresses(&call(), &[bytes.clone(), vec![0]].concat(), &[]).is_err());
    }

    /// The sixth review's second attack: an old address planted across a field boundary
    /// (the callee's end, the input's length byte and the input's start) must not be
    /// replaced, which would rewrite the length and leave a cell that no longer decodes.
    #[test]
    fn an_address_planted_across_fields_is_left_as_it_is() {
        // The callee ends with the address's first 8 bytes, the selector and the input's
        // length byte are its next 5, and the input starts with its last 19.
        let mut bytes = [[0x11; 24], [0xaa; 24]].concat()[..32].to_vec();
        bytes.extend([1, 2, 3, 4]);
        let input: Vec<u8> = [[0xaa; 19].as_slice(), &[5, 6, 7, 8]].concat();
        bytes.extend(scale::Encode::encode(&input));
        bytes.extend(0u128.to_le_bytes());
        assert_eq!(bytes.len(), 32 + 4 + 24 + 16);
        let planted: [u8; 32] = bytes[24..56].try_into().unwrap();
        assert_eq!(
            planted[12],
            23 << 2,
            "the input's length byte is in the address"
        );
        // A byte-level replacement would rewrite the length; the walk finds no account
        // and no byte string holding the planted address, and leaves the value as it is.
        let moved = move_addresses(&call(), &bytes, &[(planted, NEW)]).unwrap();
        assert_eq!(moved, bytes);
    }

    #[test]
    fn a_new_address_already_in_the_state_is_refused_so_no_cells_merge() {
        // A balance kept for the token's future address, next to one for its old address:
        // moving the old would merge the two cells.
        let balance_of = |address: u8| {
            let mut key = vec![0, 0, 0, 1];
            key.extend([address; 32]);
            (key, vec![address])
        };
        let cells = [balance_of(0xaa), balance_of(0xbb)];
        let old = state(vec![contract("city-token", 0xaa, &cells)]);
        let layout = balances(Shape::Primitive("u8".into()));
        let error = moved_addresses(&old, &[recorded("city-token", 0xbb)])
            .unwrap_err()
            .to_string();
        assert!(error.contains("already appears"), "{error}");
        let moved = moved_addresses(&old, &[recorded("city-token", 0xcc)]).unwrap();
        assert_eq!(
            mapped_cells(&old.contracts[0], &layout, &moved)
                .unwrap()
                .len(),
            2
        );
        // Had the check been skipped, the merge is still refused.
        let merged = mapped_cells(&old.contracts[0], &layout, &[(OLD, NEW)]);
        assert!(merged.unwrap_err().to_string().contains("merged cells"));
    }

    #[test]
    fn restore_calls_stay_within_the_input_buffer() {
        let entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = (0..400u32)
            .map(|n| (n.to_le_bytes().to_vec(), Some(vec![7; 100])))
            .collect();
        let calls = chunks(&entries);
        assert!(calls.len() > 1);
        assert_eq!(calls.iter().map(|(_, count)| count).sum::<usize>(), 400);
        for (arguments, count) in &calls {
            // Each byte is two hex digits in the arguments: the bytes sent are half.
            assert!(arguments.len() / 2 <= 16 * 1024, "{count} entries");
        }
    }
}
