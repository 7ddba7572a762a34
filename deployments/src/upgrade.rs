//! `city upgrade`: replace the code of deployed contracts with the bundles built here,
//! after the storage-layout check ([`layout`](crate::layout)) says the new code may.
//!
//! For each contract of the newest record whose built bundle differs from the recorded
//! code, the layout of the deployed code (its metadata kept beside the records) is
//! compared with the new bundle's. If every comparison allows the upgrade, the new code is
//! uploaded, and each contract is upgraded (`Upgradable::upgrade`, which migrates) by the
//! signer where the signer still holds its admin seat. The others are upgraded by one
//! governance proposal on e-voting, whose id is printed: e-voting itself is only ever
//! upgraded that way. Once the proposal is executed, another `city upgrade` finds the
//! contracts running the built code and records them.

use std::{collections::BTreeMap, path::PathBuf};

use anyhow::{anyhow, ensure, Context, Result};
use drink::AccountId32;

use super::{
    bundle_metadata, bundle_version, code_hash, hex, is_add_on, layout, note, on_network,
    parse_address, suite_contract, write_record, Network, Places, Plan, Record, RecordedContract,
};
use harness::bundles;

/// The layout check of one contract whose built bundle differs from the code recorded.
#[derive(Debug, Clone)]
pub struct LayoutCheck {
    pub name: String,
    pub address: String,
    pub deployed: String,
    /// The bundle built for it, and its code hash.
    pub bundle: &'static str,
    pub built: String,
    pub comparison: layout::Comparison,
}

/// What `city upgrade` found and did.
#[derive(Debug, Default)]
pub struct Upgrade {
    /// The contracts whose built code differs from the code on chain, compared.
    pub checks: Vec<LayoutCheck>,
    /// Contracts already running their built code (contract, bundle), which the newest
    /// record does not name yet: upgraded by an executed proposal since.
    pub upgraded_since: Vec<(String, &'static str)>,
    /// One line per step with its weight and storage deposit.
    pub log: Vec<String>,
    /// The governance proposal that upgrades the contracts whose seats are with e-voting.
    pub proposal: Option<u32>,
    /// The record written, if a contract's code changed.
    pub written: Option<PathBuf>,
}

impl Upgrade {
    /// Whether every layout check allows its upgrade.
    pub fn allowed(&self) -> bool {
        self.checks
            .iter()
            .all(|check| check.comparison.verdict.allows())
    }
}

/// Upgrades the contracts of the newest record of `plan` whose built bundle differs from
/// the code on chain; `targets` names another bundle to build for a contract (an upgrade
/// fixture, say), by contract name. A dry run, or any refused layout, stops after the
/// layout checks: nothing is uploaded or written.
///
/// # Errors
/// If there is no record, the network cannot be reached, a contract runs code that is
/// neither the recorded nor the built one, the deployed code's metadata was not kept, or a
/// step is refused (an embedded chain is then left as it was).
pub fn upgrade(
    plan: &Plan,
    places: &Places,
    targets: &BTreeMap<String, String>,
    dry_run: bool,
) -> Result<Upgrade> {
    let record = places
        .latest_record(&plan.name)?
        .ok_or_else(|| anyhow!("no record of {}: deploy first", plan.name))?;
    for contract in targets.keys() {
        ensure!(
            record.contracts.iter().any(|c| &c.name == contract),
            "{contract} is not a contract of the record of {}",
            plan.name
        );
    }
    on_network(plan, places, |network| {
        let mut done = compare(network, places, &record, targets)?;
        if dry_run || !done.allowed() {
            return Ok((done, false));
        }
        let upgraded = carry_out(network, plan, &record, &mut done)?;
        if !upgraded.is_empty() {
            let (block, chain_time_ms) = network.head()?;
            let contracts = record
                .contracts
                .iter()
                .map(|contract| {
                    Ok(match upgraded.get(&contract.name) {
                        Some(bundle) => RecordedContract {
                            code_hash: hex(&code_hash(&bundles::load(bundle)?.wasm)),
                            wasm_bytes: bundles::load(bundle)?.wasm.len(),
                            version: bundle_version(bundle)?,
                            deployed_now: false,
                            bundle: (*bundle != contract.name).then(|| bundle.to_string()),
                            upgraded_from: Some(contract.code_hash.clone()),
                            ..contract.clone()
                        },
                        None => RecordedContract {
                            deployed_now: false,
                            upgraded_from: None,
                            ..contract.clone()
                        },
                    })
                })
                .collect::<Result<_>>()?;
            let new_record = Record {
                block,
                chain_time_ms,
                contracts,
                ..record.clone()
            };
            done.written = Some(write_record(places, &new_record)?);
        }
        Ok((done, true))
    })
}

/// The layout checks of the contracts whose built code differs from the code on chain,
/// and the contracts found already running it.
fn compare(
    network: &mut dyn Network,
    places: &Places,
    record: &Record,
    targets: &BTreeMap<String, String>,
) -> Result<Upgrade> {
    let mut done = Upgrade::default();
    // An add-on has no upgrade: a new build of it is deployed anew (`city deploy`).
    for contract in record.contracts.iter().filter(|c| !is_add_on(&c.name)) {
        let name = suite_contract(&contract.name)?;
        let bundle = match targets.get(name) {
            Some(bundle) => bundles::bundle_named(bundle)?,
            None => name,
        };
        let built = hex(&code_hash(&bundles::load(bundle)?.wasm));
        let on_chain = network
            .code_hash_at(&parse_address(&contract.address)?)?
            .map(|hash| hex(&hash));
        if on_chain.as_deref() == Some(built.as_str()) {
            if built != contract.code_hash {
                done.upgraded_since.push((name.to_string(), bundle));
            }
            continue;
        }
        ensure!(
            on_chain.as_deref() == Some(contract.code_hash.as_str()),
            "{name} at {} runs {}, neither the code recorded ({}) nor the code built ({built}): \
             the layout check needs the deployed code's metadata as its baseline",
            contract.address,
            on_chain.unwrap_or_else(|| "no code".into()),
            contract.code_hash
        );
        let kept = places.deployed_metadata(&record.network, &contract.code_hash);
        let text = std::fs::read_to_string(&kept).with_context(|| {
            format!(
                "the metadata of {name}'s deployed code was not kept at {}: its layout cannot \
                 be checked",
                kept.display()
            )
        })?;
        let deployed: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("in {}", kept.display()))?;
        done.checks.push(LayoutCheck {
            name: name.to_string(),
            address: contract.address.clone(),
            deployed: contract.code_hash.clone(),
            bundle,
            built,
            comparison: layout::compare(
                &layout::Layout::of(&deployed)?,
                &layout::Layout::of(&bundle_metadata(bundle)?)?,
            ),
        });
    }
    Ok(done)
}

/// Uploads the code of every check, upgrades where the signer holds the admin seat and
/// proposes the rest; returns the contracts upgraded now or found upgraded, with the bundle
/// each runs.
fn carry_out(
    network: &mut dyn Network,
    plan: &Plan,
    record: &Record,
    done: &mut Upgrade,
) -> Result<BTreeMap<String, &'static str>> {
    let signer = plan.signer.as_str();
    let me = network.account(signer)?;
    let mut upgraded: BTreeMap<String, &'static str> =
        done.upgraded_since.iter().cloned().collect();
    let mut proposed = Vec::new();
    for check in &done.checks {
        let (hash, answer) = network.upload(signer, check.bundle)?;
        ensure!(
            hex(&hash) == check.built,
            "the chain stored {} for {}, not {}",
            hex(&hash),
            check.bundle,
            check.built
        );
        note(&mut done.log, format!("upload {}", check.bundle), &answer);
        let address = parse_address(&check.address)?;
        // E-voting's seat is its own: only its proposals upgrade it.
        let admin = if check.name == "e-voting" {
            None
        } else {
            Some(
                network
                    .query(signer, &check.name, &address, "Admin::admin", &[])?
                    .value::<AccountId32>()?,
            )
        };
        if admin.as_ref() == Some(&me) {
            let answer = network.call(
                signer,
                &check.name,
                &address,
                "Upgradable::upgrade",
                std::slice::from_ref(&check.built),
            )?;
            note(
                &mut done.log,
                format!("{}.Upgradable::upgrade({})", check.name, check.built),
                &answer,
            );
            upgraded.insert(check.name.clone(), check.bundle);
        } else {
            proposed.push(format!(
                "Call {{ callee: {}, selector: {}, input: {}, value: 0 }}",
                check.address,
                hex(&ink::selector_bytes!("Upgradable::upgrade")),
                check.built
            ));
        }
    }
    if !proposed.is_empty() {
        let voting = record
            .contracts
            .iter()
            .find(|contract| contract.name == "e-voting")
            .ok_or_else(|| {
                anyhow!("the admin seats are not the signer's, and no e-voting is recorded")
            })?;
        let names: Vec<&str> = done
            .checks
            .iter()
            .filter(|check| !upgraded.contains_key(&check.name))
            .map(|check| check.name.as_str())
            .collect();
        let description = format!("Upgrade {} (city upgrade)", names.join(", "));
        let answer = network.call(
            signer,
            "e-voting",
            &voting.account()?,
            "propose",
            &[
                format!("{description:?}"),
                format!("[{}]", proposed.join(", ")),
                "Public".into(),
                "Replaces".into(),
            ],
        )?;
        note(
            &mut done.log,
            format!("e-voting.propose({description:?})"),
            &answer,
        );
        done.proposal = Some(answer.ok::<u32>()?);
    }
    Ok(upgraded)
}
