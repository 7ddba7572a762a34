//! Builds the suite's contracts once, to the `.contract` bundles a deployment ships, and
//! loads them.
//!
//! The build is the same as `cargo contract build --release` (the `contract-build` library
//! that cargo-contract 5.0.3 wraps: release profile, mandatory clippy pass, wasm-opt), and
//! every contract's build shares one cargo cache (see [`build`]). Each bundle lands in
//! `<target dir>/ink-city-bundles/` next to a stamp of everything the build reads; while the
//! stamp holds, it is reused. A bundle is built when it is first loaded, so a run builds
//! only the bundles it deploys (`city build` builds them all). A file lock lets parallel
//! test binaries share one build.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    hash::Hasher,
    path::{Path, PathBuf},
    sync::Mutex,
};

use anyhow::{ensure, Context, Result};
use contract_build::{BuildMode, ExecuteArgs, Features, ManifestPath, OutputType, Verbosity};
use drink::session::ContractBundle;

/// The contracts of the suite, as folder names under `contracts/` (also their crate names).
pub const CONTRACTS: &[&str] = &[
    "city-token",
    "citizen-registry",
    "reward-rules",
    "e-voting",
    "project-escrow",
    "civic-records",
    "charity",
    "leases",
];

/// Contracts a city deploys beside the suite: the intents contract, which has no admin
/// seat and no upgrade (nothing about it can change), and which `city export`/`import`
/// do not move (a new chain deploys a new one, whose domain is its own).
pub const ADD_ONS: &[&str] = &["intents"];

/// Contracts built only for the adversarial tests, never deployed on a chain, also under
/// `contracts/`.
pub const TEST_DOUBLES: &[&str] = &["reentrant-token"];

/// Yardsticks `city bench` measures the suite against, never deployed on a chain, also under
/// `contracts/`: the least a call costs (`floor`, one storage write) and the PSP22
/// reference token as the psp22 crate ships it.
pub const YARDSTICKS: &[&str] = &["floor", "psp22-reference"];

/// What `city import` instantiates in place of each contract of the suite on a new chain,
/// to write the exported state before handing it to its code, under `contracts/`.
pub const STATE_RESTORER: &str = "state-restorer";

/// Test fixtures of the upgrade tests, never deployed on a chain: the bundle's name, its
/// crate under `contracts/` and the cargo feature it is built with. `city-token-v2` is the
/// token's source as storage version 2 (a cell appended, filled by its migration from
/// version 1); the trapping build's migration traps.
pub const UPGRADE_FIXTURES: &[(&str, &str, &str)] = &[
    ("city-token-v2", "city-token-v2", "upgrade-fixture"),
    (
        "city-token-v2-trapping",
        "city-token-v2",
        "upgrade-fixture-trap",
    ),
];

/// Deliberately broken builds of a suite contract, for the simulator's and the fuzzer's
/// self-tests: the bundle's name, the contract and the cargo feature that breaks it.
pub const BROKEN_VARIANTS: &[(&str, &str, &str)] = &[
    (
        "reward-rules-broken-cap-check",
        "reward-rules",
        "broken-cap-check",
    ),
    (
        "project-escrow-broken-refund-arithmetic",
        "project-escrow",
        "broken-refund-arithmetic",
    ),
    (
        "e-voting-broken-electorate",
        "e-voting",
        "broken-electorate",
    ),
    (
        "e-voting-broken-vote-weights",
        "e-voting",
        "broken-vote-weights",
    ),
    (
        "project-escrow-broken-unpaid-wages",
        "project-escrow",
        "broken-unpaid-wages",
    ),
    (
        "project-escrow-broken-refund-dust",
        "project-escrow",
        "broken-refund-dust",
    ),
    (
        "citizen-registry-broken-expiries",
        "citizen-registry",
        "broken-expiries",
    ),
];

/// The broken variant named `name`, as [`BROKEN_VARIANTS`] spells it.
///
/// # Errors
/// If there is no such variant (the error lists them).
pub fn broken_variant(name: &str) -> Result<&'static str> {
    BROKEN_VARIANTS
        .iter()
        .find(|(variant, ..)| *variant == name)
        .map(|(variant, ..)| *variant)
        .with_context(|| {
            let names: Vec<&str> = BROKEN_VARIANTS.iter().map(|(name, ..)| *name).collect();
            format!("no broken variant {name}; there are {}", names.join(", "))
        })
}

/// The bundle named `name` (a contract, test double, yardstick or broken variant).
///
/// # Errors
/// If there is no such bundle (the error lists them).
pub fn bundle_named(name: &str) -> Result<&'static str> {
    every_bundle()
        .map(|(bundle, ..)| bundle)
        .find(|bundle| *bundle == name)
        .with_context(|| {
            let names: Vec<&str> = every_bundle().map(|(bundle, ..)| bundle).collect();
            format!("no bundle {name}; there are {}", names.join(", "))
        })
}

/// The bundle to deploy for `contract`: the broken variant `broken` if it breaks that
/// contract, else the contract's own.
pub fn bundle_of(contract: &'static str, broken: Option<&'static str>) -> &'static str {
    BROKEN_VARIANTS
        .iter()
        .find(|(name, of, _)| Some(*name) == broken && *of == contract)
        .map_or(contract, |(name, ..)| name)
}

/// Every bundle the harness builds: its name, its contract and the feature it needs.
fn every_bundle() -> impl Iterator<Item = Bundle> {
    let plain = CONTRACTS
        .iter()
        .chain(ADD_ONS)
        .chain(TEST_DOUBLES)
        .chain(YARDSTICKS)
        .chain([&STATE_RESTORER]);
    plain.map(|&contract| (contract, contract, None)).chain(
        BROKEN_VARIANTS
            .iter()
            .chain(UPGRADE_FIXTURES)
            .map(|&(name, contract, feature)| (name, contract, Some(feature))),
    )
}

/// A bundle's name, its contract and the feature it is built with.
type Bundle = (&'static str, &'static str, Option<&'static str>);

/// The environment variable that names the checkout to work in (`scripts/setup.sh` sets
/// it).
pub const ROOT_VARIABLE: &str = "INK_CITY_ROOT";

/// The checkout this process works in, found at run time: [`ROOT_VARIABLE`] if set, else
/// the nearest folder at or above the current directory that holds a workspace manifest
/// and `contracts/`.
///
/// Never the folder the binary was compiled in: every clone on a machine shares one
/// `CARGO_TARGET_DIR`, so a binary may have been built by another clone, since removed.
///
/// # Errors
/// If the variable names no checkout, or none is found above the current directory.
pub fn workspace_root() -> Result<PathBuf> {
    let is_checkout = |dir: &Path| {
        dir.join("contracts").is_dir()
            && fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.contains("[workspace]"))
    };
    if let Some(root) = std::env::var_os(ROOT_VARIABLE) {
        let root = PathBuf::from(root);
        ensure!(
            is_checkout(&root),
            "{ROOT_VARIABLE}={} is not an ink-city checkout (no workspace Cargo.toml and \
             contracts/ there)",
            root.display()
        );
        return Ok(root);
    }
    let here = std::env::current_dir().context("reading the current directory")?;
    here.ancestors()
        .find(|dir| is_checkout(dir))
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "{} is not inside an ink-city checkout: run from the checkout or set \
                 {ROOT_VARIABLE}",
                here.display()
            )
        })
}

/// The cargo target directory: `CARGO_TARGET_DIR` if set, else `<workspace>/target`.
fn target_dir() -> Result<PathBuf> {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => Ok(workspace_root()?.join("target")),
    }
}

/// Where the built bundles live.
///
/// # Errors
/// If `CARGO_TARGET_DIR` is unset and no checkout is found ([`workspace_root`]).
pub fn bundle_dir() -> Result<PathBuf> {
    Ok(target_dir()?.join("ink-city-bundles"))
}

/// Where `cargo contract build` (and the build here) leaves `contract`'s own bundle, which
/// cargo-contract's `instantiate` and `upload` read when given no `--file`.
///
/// # Errors
/// As [`bundle_dir`].
pub fn cargo_contract_bundle(contract: &str) -> Result<PathBuf> {
    let name = contract.replace('-', "_");
    Ok(target_dir()?
        .join("ink")
        .join(&name)
        .join(format!("{name}.contract")))
}

/// The path of one contract's bundle.
///
/// # Errors
/// As [`bundle_dir`].
pub fn bundle_path(contract: &str) -> Result<PathBuf> {
    Ok(bundle_dir()?.join(format!("{}.contract", contract.replace('-', "_"))))
}

/// Builds every bundle (the contracts, the test doubles and the broken variants) that was
/// not built from the sources on disk.
///
/// Returns whether a build ran.
///
/// # Errors
/// If a contract does not build.
pub fn ensure_built() -> Result<bool> {
    let _lock = lock()?;
    let fingerprint = fingerprint()?;
    let mut built = false;
    for bundle in every_bundle() {
        built |= ensure_bundle(bundle, &fingerprint)?;
    }
    Ok(built)
}

/// Holds the bundle directory's lock while it lives, so parallel test binaries share
/// one build.
fn lock() -> Result<fs::File> {
    let dir = bundle_dir()?;
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let lock = fs::File::create(dir.join(".lock"))?;
    lock.lock().context("locking the bundle directory")?;
    Ok(lock)
}

/// Builds one bundle unless its stamp says it was built from `fingerprint`; returns
/// whether it built.
fn ensure_bundle((name, contract, feature): Bundle, fingerprint: &str) -> Result<bool> {
    let stamp = bundle_dir()?.join(format!("{name}.fingerprint"));
    if fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint)
        && bundle_path(name)?.exists()
    {
        return Ok(false);
    }
    build(name, contract, feature)?;
    fs::write(&stamp, fingerprint)?;
    Ok(true)
}

/// Builds one contract in release mode, with `feature` if given, and copies its bundle
/// into [`bundle_dir`] as `name`.
///
/// contract-build builds a workspace member with `--target-dir <target>/ink/<crate>/` and
/// leaves the bundle there, where `cargo contract instantiate` looks for it. Two kinds of
/// links make the builds share one cargo cache and keep that folder's bundle the real one:
/// - `<target>/ink/<crate>` links to `<target>/ink/builds/<name>/` during the build, and
///   to `builds/<crate>/` again after it, so a broken variant's files never stay where
///   cargo-contract reads;
/// - in each `builds/<name>/`, cargo's `release/` (the host's build scripts, proc macros
///   and metadata generator) and `wasm32-unknown-unknown/` link to `<target>/ink/shared/`,
///   so ink!, its dependencies and the standard library compile for Wasm once, not once
///   per contract.
fn build(name: &str, contract: &str, feature: Option<&str>) -> Result<()> {
    eprintln!("building contract {name} (release, wasm-opt)");
    let manifest = fixed_sources()?
        .join("contracts")
        .join(contract)
        .join("Cargo.toml");
    let mut features = Features::default();
    if let Some(feature) = feature {
        features.push(feature);
    }
    let args = ExecuteArgs {
        manifest_path: ManifestPath::new(&manifest)?,
        features,
        build_mode: BuildMode::Release,
        verbosity: Verbosity::Quiet,
        output_type: OutputType::HumanReadable,
        ..Default::default()
    };
    let output = contract.replace('-', "_");
    output_folder(&output, name)?;
    unskippable(&output, name)?;
    let built = contract_build::execute(args)
        .with_context(|| format!("building contract {contract}"))
        .and_then(|result| {
            let metadata = result
                .metadata_result
                .with_context(|| format!("building {contract} produced no bundle"))?;
            fs::copy(&metadata.dest_bundle, bundle_path(name)?)
                .with_context(|| format!("copying the bundle of {name}"))
        });
    output_folder(&output, contract)?;
    built.map(drop)
}

/// The sources as the contract builds see them: a copy of the checkout's contract inputs
/// (those [`fingerprint`] hashes) at `<target>/ink/sources`, the same path in every clone,
/// so that the same sources make the same Wasm in any clone.
///
/// contract-build compiles each contract in a workspace of its own in a temporary folder,
/// and cargo hashes a path dependency outside a workspace (`city-traits`) by its absolute
/// path into the symbol names. The linker orders the data section by those names, so the
/// same sources built in two clones gave Wasm of the same size with constants at other
/// offsets: another code hash, so other contract addresses, and weights that differed by
/// the few comparisons that meet an address (`city bench --check` failed on a clean
/// clone). A link does not help: cargo resolves it to the real path. Only files that
/// changed are written, so cargo's own caches stay warm; builds hold the bundle
/// directory's lock ([`lock`]), so two clones never write the copy at once.
fn fixed_sources() -> Result<PathBuf> {
    let root = workspace_root()?;
    let sources = target_dir()?.join("ink").join("sources");
    let wanted: BTreeSet<PathBuf> = inputs(&root)?
        .into_iter()
        .map(|file| file.strip_prefix(&root).map(Path::to_path_buf))
        .collect::<Result<_, _>>()?;
    for file in &wanted {
        let (from, to) = (root.join(file), sources.join(file));
        let mut content = fs::read(&from).with_context(|| format!("reading {}", from.display()))?;
        if file == Path::new("Cargo.toml") {
            content = contract_members_only(&String::from_utf8(content)?).into_bytes();
        }
        if fs::read(&to).ok().as_ref() != Some(&content) {
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&to, content).with_context(|| format!("writing {}", to.display()))?;
        }
    }
    // What the checkout no longer has (a file removed or renamed) goes from the copy too.
    for stale in inputs(&sources)? {
        if !wanted.contains(stale.strip_prefix(&sources)?) {
            fs::remove_file(&stale).with_context(|| format!("removing {}", stale.display()))?;
        }
    }
    Ok(sources)
}

/// The workspace manifest with only the members under `contracts/`: cargo reads the
/// manifest of every member listed, and the copy holds the contracts alone.
fn contract_members_only(manifest: &str) -> String {
    let mut members = false;
    let mut kept = String::new();
    for line in manifest.lines() {
        let entry = line.trim();
        members = if members {
            !entry.starts_with(']')
        } else {
            entry.starts_with("members")
        };
        if members && entry.starts_with('"') && !entry.starts_with("\"contracts/") {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Points cargo-contract's output folder `<target>/ink/<output>` at the build folder of
/// the bundle `name`, whose cargo caches are the shared ones (see [`build`]).
fn output_folder(output: &str, name: &str) -> Result<()> {
    let ink = target_dir()?.join("ink");
    let own = ink.join("builds").join(name);
    for cache in ["release", "wasm32-unknown-unknown"] {
        let shared = ink.join("shared").join(cache);
        fs::create_dir_all(&shared).with_context(|| format!("creating {}", shared.display()))?;
        link(&shared, &own.join(cache))?;
    }
    link(&own, &ink.join(output))
}

/// Readies the build folder of `name` for contract-build, which reads from it the target it
/// last built for, and skips wasm-opt and the metadata when cargo's output did not change
/// and its own optimised Wasm is there. Several bundles share cargo's output, so a build
/// here is never skipped.
fn unskippable(output: &str, name: &str) -> Result<()> {
    let own = target_dir()?.join("ink").join("builds").join(name);
    fs::write(own.join(".target"), "wasm32-unknown-unknown")?;
    fs::remove_file(own.join(format!("{output}.wasm"))).ok();
    Ok(())
}

/// Makes `at` a symbolic link to `to`, replacing what was there (build cache only).
fn link(to: &Path, at: &Path) -> Result<()> {
    if fs::read_link(at).ok().as_deref() == Some(to) {
        return Ok(());
    }
    match fs::symlink_metadata(at) {
        Ok(found) if found.is_dir() => fs::remove_dir_all(at)?,
        Ok(_) => fs::remove_file(at)?,
        Err(_) => {}
    }
    if let Some(parent) = at.parent() {
        fs::create_dir_all(parent)?;
    }
    std::os::unix::fs::symlink(to, at)
        .with_context(|| format!("linking {} to {}", at.display(), to.display()))
}

/// Builds (if need be) and loads the bundles a city of the suite deploys, `broken` in place
/// of the contract it breaks: what [`crate::City::with_parts`] loads, done beforehand so
/// that a timed run does not time a build.
///
/// # Errors
/// As [`load`].
pub fn load_suite(broken: Option<&'static str>) -> Result<()> {
    for contract in CONTRACTS {
        load(bundle_of(contract, broken))?;
    }
    Ok(())
}

/// Builds the bundle `name` if need be (and only it), then loads it. Each bundle is read
/// once per process.
///
/// # Errors
/// If `name` is no bundle of the suite, or it does not build or load.
pub fn load(name: &'static str) -> Result<ContractBundle> {
    static LOADED: Mutex<BTreeMap<&str, ContractBundle>> = Mutex::new(BTreeMap::new());
    let mut loaded = LOADED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(bundle) = loaded.get(name) {
        return Ok(bundle.clone());
    }
    let bundle = every_bundle()
        .find(|(bundle, ..)| *bundle == name)
        .with_context(|| format!("no bundle {name} in the suite"))?;
    {
        let _lock = lock()?;
        ensure_bundle(bundle, &fingerprint()?)?;
    }
    let path = bundle_path(name)?;
    let bundle =
        ContractBundle::load(&path).with_context(|| format!("loading {}", path.display()))?;
    loaded.insert(name, bundle.clone());
    Ok(bundle)
}

/// A hash of every input of the contract build: the contracts' sources and manifests, the
/// workspace manifest and lock file, and the toolchain file.
fn fingerprint() -> Result<String> {
    let root = workspace_root()?;
    let files = inputs(&root)?;
    // FNV-1a: stable across Rust versions, unlike `DefaultHasher`.
    let mut hash = Fnv64::default();
    // How the bundles are built is an input too: bundles built from the checkout's own
    // path (before `fixed_sources`) are rebuilt.
    hash.write(b"contract-build from <target>/ink/sources");
    for file in files {
        hash.write(
            file.strip_prefix(&root)
                .unwrap_or(&file)
                .as_os_str()
                .as_encoded_bytes(),
        );
        hash.write(&fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
    }
    Ok(format!("{:016x}", hash.finish()))
}

/// The contract build's inputs under `root`, sorted: the workspace manifest, lock file and
/// toolchain file, and every file under `contracts/` but build output.
fn inputs(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = vec![
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        root.join("rust-toolchain.toml"),
    ];
    collect_files(&root.join("contracts"), &mut files)?;
    files.sort();
    Ok(files)
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name != "target") {
                collect_files(&path, files)?;
            }
        } else {
            files.push(path);
        }
    }
    Ok(())
}

struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copied_manifest_lists_the_contract_members_alone_and_keeps_the_rest() {
        let manifest = fs::read_to_string(workspace_root().unwrap().join("Cargo.toml")).unwrap();
        let copied = contract_members_only(&manifest);
        let members = |text: &str| -> Vec<String> {
            let start = text.find("members = [").unwrap();
            let end = start + text[start..].find(']').unwrap();
            text[start..end]
                .lines()
                .map(str::trim)
                .filter(|line| line.starts_with('"'))
                .map(String::from)
                .collect()
        };
        let kept = members(&copied);
        assert!(!kept.is_empty());
        assert!(kept.iter().all(|member| member.starts_with("\"contracts/")));
        let all = members(&manifest);
        assert!(all.iter().any(|member| !member.starts_with("\"contracts/")));
        let contracts: Vec<_> = all
            .into_iter()
            .filter(|member| member.starts_with("\"contracts/"))
            .collect();
        assert_eq!(kept, contracts);
        // Only member lines go: everything after the list is the workspace's own.
        let after = |text: &str| text[text.find("[workspace.package]").unwrap()..].to_string();
        assert_eq!(after(&copied), after(&manifest));
    }
}
