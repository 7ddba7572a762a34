//! Every city scenario runs on the real Wasm and checks its own outcome.

use harness::scenarios;

fn run(name: &str) -> String {
    let mut story = Vec::new();
    scenarios::run(name, &mut story).unwrap_or_else(|error| panic!("{name}: {error:#}"));
    String::from_utf8(story).unwrap()
}

#[test]
fn xiongan_garbage() {
    let story = run("xiongan-garbage");
    assert!(
        story.contains("a replayed bin receipt is refused"),
        "{story}"
    );
}

#[test]
fn seoul_scoin() {
    let story = run("seoul-scoin");
    assert!(
        story.contains("an expired citizen card earns nothing"),
        "{story}"
    );
}

#[test]
fn san_marino_eco() {
    let story = run("san-marino-eco");
    assert!(story.contains("spend all"), "{story}");
}

#[test]
fn zug_poll() {
    let story = run("zug-poll");
    assert!(story.contains("parking wins"), "{story}");
}

#[test]
fn estonia_ivote() {
    let story = run("estonia-ivote");
    assert!(
        story.contains("executes; the same tax now earns 20.00"),
        "{story}"
    );
}

#[test]
fn xiongan_flood_control() {
    let story = run("xiongan-flood-control");
    assert!(story.contains("the levee is complete"), "{story}");
}

#[test]
fn city_coin() {
    let story = run("city-coin");
    assert!(story.contains("refused (civic policy)"), "{story}");
}

#[test]
fn an_unknown_scenario_is_an_error() {
    let mut sink = Vec::new();
    assert!(scenarios::run("atlantis", &mut sink).is_err());
}
