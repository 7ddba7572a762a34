//! `city deploy` and `city verify` on the embedded network, with records and chain state
//! in a scratch directory.

use std::path::PathBuf;

use harness::deploy::{self, Places, Record};

fn scratch(name: &str) -> Places {
    let root = std::env::temp_dir().join(format!("ink-city-deploy-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    Places {
        records: root.join("records"),
        chains: root.join("chains"),
        ..Places::default()
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
    assert_eq!(record.contracts.len(), 5);
    assert!(record.contracts.iter().all(|c| c.deployed_now));
    assert!(first
        .log
        .iter()
        .any(|l| l.contains("grant_role(Minter, reward-rules)")));
    assert!(first
        .log
        .iter()
        .any(|l| l.contains("transfer_admin(e-voting)")));

    let checks = deploy::verify(&plan, &places).unwrap();
    assert_eq!(checks.len(), 5);
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
    // Live nodes are not deployed to by the harness (yet): a clear refusal.
    let refused = deploy::deploy(&plan, &places, false).err().unwrap();
    assert!(
        refused.to_string().contains("embedded chains only"),
        "{refused}"
    );
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
