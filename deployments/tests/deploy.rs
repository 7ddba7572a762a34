//! `city deploy` and `city verify` on the embedded network, with records and chain state
//! in a scratch directory.

use std::{collections::BTreeMap, path::PathBuf};

use deployments::{self as deploy, Places, Record};
use drink::AccountId32;

fn scratch(name: &str) -> Places {
    let root = std::env::temp_dir().join(format!("ink-city-deploy-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    Places {
        records: root.join("records"),
        chains: root.join("chains"),
        ..Places::here().unwrap()
    }
}

fn read(path: &PathBuf) -> Record {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_sandbox_deployment_is_recorded_verified_and_not_repeated() {
    let places = scratch("sandbox");
    let plan = places.plan("sandbox").unwrap();
    let first = deploy::deploy(&plan, &places, false).unwrap();
    let path = first.written.clone().expect("a record");
    let record = read(&path);
    assert_eq!(record, first.record);
    let deployed = harness::bundles::CONTRACTS.len() + harness::bundles::ADD_ONS.len();
    assert_eq!(record.contracts.len(), deployed);
    // The intents contract needs governance's grant, which a deployment cannot make.
    assert!(first
        .text(&plan, false)
        .contains("the token's Forwarder role"));
    assert!(record.contracts.iter().all(|c| c.deployed_now));
    assert!(first
        .log
        .iter()
        .any(|l| l.contains("grant_role(Minter, <reward-rules>)")));
    assert!(first
        .log
        .iter()
        .any(|l| l.contains("Admin::offer_admin(<e-voting>)")));
    // The registrar role is offered, then accepted by the signer it was offered to.
    let offered = first
        .log
        .iter()
        .position(|l| l.contains("citizen-registry.grant_role(Registrar, <signer>)"));
    let accepted = first
        .log
        .iter()
        .position(|l| l.contains("citizen-registry.accept_registrar()"));
    assert!(
        matches!((offered, accepted), (Some(o), Some(a)) if o < a),
        "{:?}",
        first.log
    );

    let checks = deploy::verify(&plan, &places).unwrap();
    assert_eq!(checks.len(), deployed);
    assert!(checks.iter().all(deploy::Verified::agrees), "{checks:?}");

    // The same code again: everything is skipped and no record is added.
    let second = deploy::deploy(&plan, &places, false).unwrap();
    assert!(second.written.is_none());
    assert!(second.record.contracts.iter().all(|c| !c.deployed_now));
    assert_eq!(
        second
            .record
            .contracts
            .iter()
            .map(|c| &c.address)
            .collect::<Vec<_>>(),
        record
            .contracts
            .iter()
            .map(|c| &c.address)
            .collect::<Vec<_>>()
    );

    // A record whose token address holds the registry's code does not verify.
    let mut forged = record.clone();
    forged.contracts[0].address = record.contracts[1].address.clone();
    std::fs::write(
        path.with_file_name("99999999T999999Z.json"),
        serde_json::to_string(&forged).unwrap(),
    )
    .unwrap();
    let checks = deploy::verify(&plan, &places).unwrap();
    assert!(!checks[0].agrees() && checks[1..].iter().all(deploy::Verified::agrees));
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

#[test]
fn a_dry_run_of_the_local_node_plan_prints_it_and_writes_nothing() {
    let places = scratch("dry-run");
    let plan = places.plan("local-node").unwrap();
    assert_eq!(plan.endpoint.as_deref(), Some("ws://127.0.0.1:9944"));
    let dry = deploy::deploy(&plan, &places, true).unwrap();
    assert!(dry.written.is_none() && !places.records.exists() && !places.chains.exists());
    let text = dry.text(&plan, true);
    assert!(
        text.contains("ws://127.0.0.1:9944") && text.contains("//Alice"),
        "{text}"
    );
    assert!(text.contains("instantiate project-escrow") && text.contains("deposit"));
    assert!(text.contains("reward-rules.authorise_attester(<signer>, [Recyclables])"));
}

#[test]
fn a_node_that_does_not_answer_is_a_clear_error_and_nothing_is_written() {
    let places = scratch("no-node");
    let mut plan = places.plan("local-node").unwrap();
    // A port nothing listens on, so that a developer's running node is never touched.
    plan.endpoint = Some("ws://127.0.0.1:9".into());
    let no_node = |error: anyhow::Error| {
        let text = format!("{error:#}");
        assert!(
            text.contains("no node answers at ws://127.0.0.1:9"),
            "{text}"
        );
    };
    no_node(deploy::deploy(&plan, &places, false).err().unwrap());
    assert!(
        !places.records.exists(),
        "a refused deployment wrote a record"
    );
    // Without a record, verify has nothing to compare and says so before any node.
    let unrecorded = deploy::verify(&plan, &places).err().unwrap();
    assert!(
        format!("{unrecorded:#}").contains("no record of local-node"),
        "{unrecorded:#}"
    );
    // With one, it asks the node, which does not answer.
    let record = Record {
        network: "local-node".into(),
        signer: "0x00".into(),
        block: 1,
        chain_time_ms: 0,
        contracts: Vec::new(),
    };
    let dir = places.records.join("local-node");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("20260101T000000Z.json"),
        serde_json::to_string(&record).unwrap(),
    )
    .unwrap();
    no_node(deploy::verify(&plan, &places).err().unwrap());
}

#[test]
fn the_civic_step_runs_on_a_deployed_sandbox() {
    let places = scratch("step");
    let plan = places.plan("sandbox").unwrap();
    let deployment = deploy::deploy(&plan, &places, false).unwrap();
    let log = deploy::step(&plan, &places, "citizen").unwrap();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log[1].contains("2000 g of recyclables: 200 minted"),
        "{log:?}"
    );
    assert!(log[2].contains("opened poll 0 and voted Yes"), "{log:?}");
    // Again: the saved chain remembers the citizen (no second registration) and poll 0.
    let again = deploy::step(&plan, &places, "citizen").unwrap();
    assert_eq!(again.len(), 2, "{again:?}");
    assert!(again[1].contains("opened poll 1"), "{again:?}");
    // With a signer that is no registrar, the step stops at the registration.
    let mut chain = deploy::open(&plan, &places).unwrap();
    let refused = deploy::civic_step(&mut *chain, &deployment.record, "citizen", "neighbour")
        .err()
        .unwrap();
    assert!(
        format!("{refused:#}").contains("NotRegistrar"),
        "{refused:#}"
    );
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

/// The suite on a real substrate-contracts-node: `scripts/local-node test` starts one on
/// loopback and runs this. Deploys as the local-node plan says (records in a scratch
/// directory), verifies, runs the civic step over RPC as //Alice (registrar, bin) and
/// //Bob (citizen), and deploys again to see everything skipped.
#[test]
#[ignore = "needs a substrate-contracts-node on 127.0.0.1:9944: scripts/local-node test"]
fn live_node_deploy_step_and_verify() {
    let places = scratch("live-node");
    let plan = places.plan("local-node").unwrap();
    let started = std::time::Instant::now();
    let first = deploy::deploy(&plan, &places, false).unwrap();
    print!("{}", first.text(&plan, false));
    assert!(first.written.is_some() && first.record.contracts.iter().all(|c| c.deployed_now));
    let checks = deploy::verify(&plan, &places).unwrap();
    assert!(checks.iter().all(deploy::Verified::agrees), "{checks:?}");
    let mut node = deploy::open(&plan, &places).unwrap();
    for line in deploy::civic_step(&mut *node, &first.record, "//Alice", "//Bob").unwrap() {
        println!("{line}");
    }
    let second = deploy::deploy(&plan, &places, false).unwrap();
    assert!(second.written.is_none() && !second.is_new());
    println!(
        "live node: deployed, stepped and verified in {:.1?}",
        started.elapsed()
    );
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

#[test]
fn a_plan_naming_an_unknown_contract_or_order_is_refused() {
    let places = scratch("bad");
    let mut plan = places.plan("sandbox").unwrap();
    plan.contracts.swap(0, 2); // the reward rules before the token they name
    let error = deploy::deploy(&plan, &places, true).err().unwrap();
    assert!(
        error.to_string().contains("not deployed before it"),
        "{error}"
    );
    plan.contracts[0].name = "atlantis".into();
    assert!(deploy::deploy(&plan, &places, true).is_err());
    assert!(places.plan("atlantis").is_err());
}

#[test]
fn a_refused_setup_step_names_what_was_left_behind_and_writes_no_record() {
    let places = scratch("refused-setup");
    let mut plan = places.plan("sandbox").unwrap();
    let rule = plan
        .setup
        .iter_mut()
        .find(|call| call.message == "set_rule")
        .unwrap();
    rule.args[1] = "Some(Rule { reward: 10, per: 0, kinds: 15 })".into();
    let error = format!("{:#}", deploy::deploy(&plan, &places, false).err().unwrap());
    assert!(error.contains("reward-rules.set_rule refused"), "{error}");
    assert!(error.contains("ZeroPer"), "{error}");
    assert!(
        error.contains("instantiated before the failure: city-token at 0x"),
        "{error}"
    );
    assert!(error.contains("project-escrow at 0x"), "{error}");
    assert!(!places.records.exists());
}

/// A contract's messages that take no argument and write nothing: label and selector.
type Queries = Vec<(String, Vec<u8>)>;

/// The rest of the input, undecoded: a message's answer as bytes.
struct Bytes(Vec<u8>);

impl scale::Decode for Bytes {
    fn decode<I: scale::Input>(input: &mut I) -> Result<Self, scale::Error> {
        let mut bytes = Vec::new();
        while let Ok(byte) = input.read_byte() {
            bytes.push(byte);
        }
        Ok(Self(bytes))
    }
}

/// The sandbox suite is defined twice: by `City::new` for the tests and the simulator, and
/// by `deployments/networks/sandbox.toml` for `city deploy`. Deployed without the plan's
/// setup and handover (which `City` leaves to each test), the two must answer every
/// query that takes no argument alike (token metadata, supply and cap, the reward rules'
/// epoch, cap and budget, the governance rules, who holds which seat and role), up to
/// the contracts' addresses.
#[test]
fn the_sandbox_plan_deploys_the_suite_city_new_deploys() {
    let places = scratch("suite");
    let mut plan = places.plan("sandbox").unwrap();
    plan.setup.clear();
    plan.handover = None;
    let deployment = deploy::deploy(&plan, &places, false).unwrap();
    let mut chain = deploy::open(&plan, &places).unwrap();
    let mut city = harness::City::new().unwrap();
    // Each contract of `City`: its name, address and argument-free queries.
    let suite: Vec<(&str, AccountId32, Queries)> = city
        .suite()
        .into_iter()
        .map(|deployed| {
            let queries = deployed
                .bundle
                .transcoder
                .metadata()
                .spec()
                .messages()
                .iter()
                .filter(|message| message.args().is_empty() && !message.mutates())
                .map(|message| {
                    (
                        message.label().clone(),
                        message.selector().to_bytes().to_vec(),
                    )
                })
                .collect();
            (deployed.name, deployed.address.clone(), queries)
        })
        .collect();
    let add_ons = harness::bundles::ADD_ONS.len();
    assert_eq!(deployment.record.contracts.len(), suite.len() + add_ons);
    let planned_address = |name: &str| {
        deployment
            .record
            .contracts
            .iter()
            .find(|recorded| recorded.name == name)
            .unwrap()
            .account()
            .unwrap()
    };
    let mut compared = 0;
    for (name, address, queries) in &suite {
        for (label, selector) in queries {
            let answer = chain
                .query(&plan.signer, name, &planned_address(name), label, &[])
                .unwrap();
            // ink!'s own `Result` comes first (Ok is 0); then the answer, whose addresses
            // of the plan's contracts become those of City's.
            let mut planned = answer.data[1..].to_vec();
            for (other, ours, _) in &suite {
                replace(&mut planned, planned_address(other).as_ref(), ours.as_ref());
            }
            let ours: Bytes = city
                .call(address, harness::city::ADMIN, selector.clone())
                .unwrap()
                .value;
            assert_eq!(
                planned, ours.0,
                "{name}.{label} answers differently on the plan's suite and City::new's"
            );
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} queries compared");
    // The intents contract names this chain: its domain is the genesis hash.
    let domain: [u8; 32] = chain
        .query(
            &plan.signer,
            "intents",
            &planned_address("intents"),
            "domain",
            &[],
        )
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(domain, chain.genesis_hash().unwrap());
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

/// Replaces every occurrence of `from` in `bytes` with `to` (of the same length).
fn replace(bytes: &mut [u8], from: &[u8; 32], to: &[u8; 32]) {
    let mut at = 0;
    while at + 32 <= bytes.len() {
        if bytes[at..at + 32] == from[..] {
            bytes[at..at + 32].copy_from_slice(to);
            at += 32;
        } else {
            at += 1;
        }
    }
}

#[test]
fn the_layout_check_compares_only_changed_code_with_the_metadata_kept_at_deployment() {
    let places = scratch("layouts");
    let plan = places.plan("sandbox").unwrap();
    let deployment = deploy::deploy(&plan, &places, false).unwrap();
    // Every deployed code's metadata is kept beside the record.
    for contract in &deployment.record.contracts {
        let kept = places.deployed_metadata("sandbox", &contract.code_hash);
        assert!(kept.exists(), "{}", kept.display());
    }
    let nothing = deploy::upgrade(&plan, &places, &BTreeMap::new(), true).unwrap();
    assert!(nothing.checks.is_empty() && nothing.upgraded_since.is_empty());

    // A record that no longer describes the chain (the token upgraded to code not built
    // here, say) is no baseline: the check refuses to compare with it.
    let path = deployment.written.clone().unwrap();
    let mut record = read(&path);
    record.contracts[0].code_hash = "0x".to_string() + &"ab".repeat(32);
    std::fs::write(&path, serde_json::to_string(&record).unwrap()).unwrap();
    let error = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), true)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("city-token at") && error.contains("neither the code recorded"),
        "{error}"
    );
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

/// The token built as `bundle` (an upgrade fixture or another contract).
fn fixture(bundle: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("city-token".to_string(), bundle.to_string())])
}

#[test]
fn city_upgrade_by_the_admin_uploads_migrates_and_records_and_verify_agrees() {
    let places = scratch("upgrade-admin");
    let mut plan = places.plan("sandbox").unwrap();
    plan.handover = None; // the signer keeps every admin seat
    let deployed = deploy::deploy(&plan, &places, false).unwrap().record;
    let chain = places.chains.join("sandbox.scale");
    let before = std::fs::read(&chain).unwrap();

    // A dry run compares the layouts and changes nothing.
    let dry = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), true).unwrap();
    assert_eq!(dry.checks.len(), 1);
    assert_eq!(
        dry.checks[0].comparison.verdict,
        deploy::layout::Verdict::Migrated { from: 1, to: 2 }
    );
    assert!(dry.log.is_empty() && dry.written.is_none() && dry.proposal.is_none());
    assert!(
        std::fs::read(&chain).unwrap() == before,
        "a dry run changed the chain"
    );

    // Code that is refused is never uploaded: another contract's, and a trapping
    // migration (reverted whole: the chain file is left as it was, no record).
    let refused = deploy::upgrade(&plan, &places, &fixture("citizen-registry"), false).unwrap();
    assert!(!refused.allowed() && refused.log.is_empty() && refused.written.is_none());
    let error =
        deploy::upgrade(&plan, &places, &fixture("city-token-v2-trapping"), false).unwrap_err();
    assert!(
        format!("{error:#}").contains("MigrationFailed"),
        "{error:#}"
    );
    assert!(
        std::fs::read(&chain).unwrap() == before,
        "a refused upgrade changed the chain"
    );
    assert_eq!(places.latest_record("sandbox").unwrap().unwrap(), deployed);

    // The upgrade itself: uploaded, upgraded by the admin, recorded.
    let done = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), false).unwrap();
    assert_eq!(done.proposal, None);
    assert_eq!(done.log.len(), 2, "{:?}", done.log);
    assert!(
        done.log[1].starts_with("city-token.Upgradable::upgrade("),
        "{:?}",
        done.log
    );
    let record = read(done.written.as_ref().expect("a record"));
    let token = &record.contracts[0];
    assert_eq!(token.bundle.as_deref(), Some("city-token-v2"));
    assert_eq!(
        token.upgraded_from.as_ref(),
        Some(&deployed.contracts[0].code_hash)
    );
    assert_eq!(token.address, deployed.contracts[0].address);
    assert!(places
        .deployed_metadata("sandbox", &token.code_hash)
        .exists());
    for (now, then) in record.contracts.iter().zip(&deployed.contracts).skip(1) {
        assert_eq!(now.code_hash, then.code_hash);
        assert_eq!(now.upgraded_from, None);
    }
    let verified = deploy::verify(&plan, &places).unwrap();
    assert!(
        verified.iter().all(deploy::Verified::agrees),
        "{verified:?}"
    );

    // Nothing left to do; and going back to the token's own code is a downgrade.
    let again = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), false).unwrap();
    assert!(again.checks.is_empty() && again.written.is_none());
    let back = deploy::upgrade(&plan, &places, &BTreeMap::new(), false).unwrap();
    assert!(
        !back.allowed() && back.written.is_none(),
        "{:?}",
        back.checks
    );
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

#[test]
fn city_upgrade_proposes_to_governance_where_the_signer_holds_no_seat() {
    use deploy::Network as _;
    let places = scratch("upgrade-governed");
    let plan = places.plan("sandbox").unwrap();
    let deployed = deploy::deploy(&plan, &places, false).unwrap().record;
    let token = deployed.contracts[0].account().unwrap();
    let voting = deployed.contracts[3].account().unwrap();
    // The token's seat goes to another account (on a real chain: e-voting, once a
    // proposal accepted it).
    let file = places.chains.join("sandbox.scale");
    let mut chain = deploy::Embedded::new(Some(&std::fs::read(&file).unwrap())).unwrap();
    let council = hex(chain.account("council").unwrap().as_ref());
    chain
        .call(
            &plan.signer,
            "city-token",
            &token,
            "Admin::offer_admin",
            &[council],
        )
        .unwrap();
    chain
        .call("council", "city-token", &token, "Admin::accept_admin", &[])
        .unwrap();
    std::fs::write(&file, chain.state()).unwrap();

    let done = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), false).unwrap();
    let poll = done.proposal.expect("a proposal");
    assert!(
        done.log[1].starts_with("e-voting.propose("),
        "{:?}",
        done.log
    );
    // The chain runs the old code until the proposal is executed: no record, and the
    // proposal holds exactly the upgrade call.
    assert!(done.written.is_none());
    assert_eq!(places.latest_record("sandbox").unwrap().unwrap(), deployed);
    let mut chain = deploy::Embedded::new(Some(&std::fs::read(&file).unwrap())).unwrap();
    let calls = chain
        .query(
            &plan.signer,
            "e-voting",
            &voting,
            "texts",
            &[poll.to_string()],
        )
        .unwrap();
    // The texts, then each call as (callee, selector, input, value), as e-voting's `Call`
    // encodes.
    type Texts = (String, Vec<String>);
    type ProposedCall = (AccountId32, [u8; 4], Vec<u8>, u128);
    let texts: Option<(Texts, Vec<ProposedCall>)> = calls.value().unwrap();
    let (_, calls) = texts.unwrap();
    let v2 = deploy::code_hash(&harness::bundles::load("city-token-v2").unwrap().wasm);
    let upgrade = ink::selector_bytes!("Upgradable::upgrade");
    assert_eq!(calls, [(token.clone(), upgrade, v2.to_vec(), 0)]);

    // The seat's holder carries the upgrade out (as the executed proposal would): the
    // next `city upgrade` finds the token running the built code and records it.
    chain
        .call(
            "council",
            "city-token",
            &token,
            "Upgradable::upgrade",
            &[hex(&v2)],
        )
        .unwrap();
    std::fs::write(&file, chain.state()).unwrap();
    let since = deploy::upgrade(&plan, &places, &fixture("city-token-v2"), false).unwrap();
    assert_eq!(
        since.upgraded_since,
        [("city-token".into(), "city-token-v2")]
    );
    assert!(since.checks.is_empty() && since.proposal.is_none());
    let record = read(since.written.as_ref().expect("a record"));
    assert_eq!(record.contracts[0].code_hash, hex(&v2));
    assert!(deploy::verify(&plan, &places)
        .unwrap()
        .iter()
        .all(deploy::Verified::agrees));
    std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
}

fn hex(bytes: &[u8]) -> String {
    let digits: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("0x{digits}")
}

#[test]
fn the_real_bundles_read_as_their_own_layouts_and_the_fixture_migrates_from_the_token() {
    use deploy::layout::{compare, Layout, Severity, Verdict};
    for contract in harness::bundles::CONTRACTS {
        let layout = Layout::of(&deploy::bundle_metadata(contract).unwrap()).unwrap();
        assert_eq!(layout.version, Some(1), "{contract}");
        assert!(layout.upgradable, "{contract}");
        assert_eq!(
            compare(&layout, &layout).verdict,
            Verdict::Same,
            "{contract}"
        );
    }
    let token = Layout::of(&deploy::bundle_metadata("city-token").unwrap()).unwrap();
    let v2 = Layout::of(&deploy::bundle_metadata("city-token-v2").unwrap()).unwrap();
    let comparison = compare(&token, &v2);
    assert_eq!(comparison.verdict, Verdict::Migrated { from: 1, to: 2 });
    let words: Vec<&str> = comparison
        .differences
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Compatible, "{}", d.words);
            d.words.as_str()
        })
        .collect();
    assert_eq!(words.len(), 1, "{words:?}");
    assert!(
        words[0].starts_with("new cell CityToken.upgraded_at (Lazy, "),
        "{words:?}"
    );
}

#[test]
fn a_retired_plan_is_refused_and_only_dry_run() {
    let places = scratch("retired");
    let plan = places.plan("shibuya").unwrap();
    let Err(error) = deploy::deploy(&plan, &places, false) else {
        panic!("a retired plan was deployed");
    };
    let error = error.to_string();
    assert!(
        error.contains("shibuya is retired") && error.contains("June 2026"),
        "{error}"
    );
    assert!(!places.records.exists(), "nothing was written");
    assert!(
        deploy::deploy(&plan, &places, true).is_ok(),
        "a dry run shows the plan"
    );
}

#[test]
fn a_suite_exported_and_imported_into_a_second_chain_is_the_same_and_lives_on() {
    use deploy::export::{self, differences, State};
    let old = scratch("export-old");
    let plan = old.plan("sandbox").unwrap();
    deploy::deploy(&plan, &old, false).unwrap();
    deploy::step(&plan, &old, "citizen").unwrap();
    deploy::step(&plan, &old, "citizen").unwrap(); // polls 0 and 1, two rewards
    let exported = export::export(&plan, &old).unwrap();
    assert_eq!(exported.contracts.len(), harness::bundles::CONTRACTS.len());
    for contract in &exported.contracts {
        assert!(!contract.cells.is_empty(), "{}", contract.name);
        assert_eq!(
            contract.decoded.len(),
            contract.cells.len(),
            "{}",
            contract.name
        );
    }
    // As a file and back.
    let state: State = serde_json::from_str(&serde_json::to_string(&exported).unwrap()).unwrap();
    assert_eq!(state, exported);

    // Into a second chain: a new suite at new addresses, every cell the same but for them.
    let new = scratch("export-new");
    let imported = export::import(&plan, &new, &state).unwrap();
    for (then, now) in state.contracts.iter().zip(&imported.record.contracts) {
        assert_eq!(then.name, now.name);
        assert_ne!(then.address, now.address, "{}", then.name);
        assert_eq!(then.code_hash, now.code_hash, "{}", then.name);
    }
    assert_eq!(
        differences(&state, &imported.state).unwrap(),
        Vec::<String>::new()
    );
    let again = export::export(&plan, &new).unwrap();
    assert_eq!(differences(&state, &again).unwrap(), Vec::<String>::new());
    // The comparison is no formality: one byte changed, one cell dropped, each is found.
    let mut tampered = again.clone();
    let cells = &mut tampered.contracts[0].cells;
    let first = cells.keys().next().unwrap().clone();
    let value = cells.get_mut(&first).unwrap();
    value.replace_range(
        value.len() - 1..,
        if value.ends_with('0') { "1" } else { "0" },
    );
    tampered.contracts[4].cells.pop_last();
    let found = differences(&state, &tampered).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("city-token: cell") && found[0].contains(" holds "),
        "{found:?}"
    );
    assert!(found[1].starts_with("project-escrow: cell") && found[1].ends_with("is missing"));
    assert!(deploy::verify(&plan, &new)
        .unwrap()
        .iter()
        .all(deploy::Verified::agrees));

    // It lives on: the citizen is known (no second registration), the bin's authorisation,
    // the rules' budget and minter role (at the rules' new address) hold, and the polls
    // go on from 2.
    let log = deploy::step(&plan, &new, "citizen").unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[0].contains("200 minted"), "{log:?}");
    assert!(log[1].contains("opened poll 2"), "{log:?}");

    // Sealed: the contracts answer no restore message, and the restorer cannot be put
    // back by an upgrade (its migration refuses every handover).
    let mut chain = deploy::open(&plan, &new).unwrap();
    let token = imported.record.contracts[0].account().unwrap();
    let sealed = chain.call(
        &plan.signer,
        "state-restorer",
        &token,
        "restore",
        &["[]".into()],
    );
    assert!(sealed.is_err(), "the token still restores");
    let restorer = deploy::code_hash(&harness::bundles::load("state-restorer").unwrap().wasm);
    let refused = chain
        .call(
            &plan.signer,
            "city-token",
            &token,
            "Upgradable::upgrade",
            &[hex(&restorer)],
        )
        .unwrap_err();
    assert!(
        format!("{refused:#}").contains("MigrationFailed"),
        "{refused:#}"
    );
    for places in [old, new] {
        std::fs::remove_dir_all(places.records.parent().unwrap()).ok();
    }
}
