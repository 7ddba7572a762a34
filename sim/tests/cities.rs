//! Every city tells its story and lives at scale on the real Wasm, checking its own
//! outcome; a seed gives the same report twice.

use sim::{cities as scenarios, demo, Options, Profile, Report};

/// A small city for a week: enough for every poll, proposal and milestone to happen.
const SMALL: Options = Options {
    citizens: 60,
    days: 8,
    seed: 3,
    broken: None,
};

fn simulate(city: &'static str) -> Report {
    simulate_all(&[city])
}

fn simulate_all(cities: &[&'static str]) -> Report {
    let cities: Vec<_> = cities
        .iter()
        .map(|city| scenarios::city(city).unwrap())
        .collect();
    scenarios::simulate(&cities, SMALL, &|| {}).unwrap_or_else(|error| panic!("{error:#}"))
}

fn story(report: &Report) -> &str {
    &report.cities[0].story
}

#[test]
fn xiongan() {
    let report = simulate("xiongan");
    let city = &report.cities[0];
    assert!(story(&report).contains("a replayed bin receipt is refused"));
    assert!(story(&report).contains("the levee is complete"));
    assert_eq!(city.projects, 1);
    assert!(city.released > 0 && city.escrowed > 0, "{city:?}");
    assert_eq!(city.rewards.len(), 3);
    // The city's flats are let at scale: applications, leases, rent each period.
    let housing = city.housing.as_ref().expect("Xiong'an lets its flats");
    assert!(housing.flats >= 5 && housing.applicants > 0, "{housing:?}");
    assert_eq!(housing.leases, housing.flats.min(housing.applicants));
    assert_eq!(
        housing.deposits,
        u128::from(housing.leases) * housing.deposit
    );
    assert!(housing.periods.len() >= 3, "{housing:?}");
    for period in &housing.periods {
        assert_eq!(period.due, u128::from(period.leases) * housing.rent);
        assert!(period.collected > 0, "{period:?}");
    }
    assert!(report.text().contains("housing: "));
    assert!(city.charity.is_none());
}

#[test]
fn seoul() {
    let report = simulate("seoul");
    assert!(story(&report).contains("an expired citizen card earns nothing"));
    assert!(story(&report).contains("a garage cannot issue one, and the office revokes it"));
    assert!(story(&report).contains("a step from an old record is refused"));
    let city = &report.cities[0];
    assert!(city.spent > 0);
    // People give to the winter-relief campaign, its providers are paid against invoices,
    // and after the deadline the rest goes back to the donors: the pots hold nothing.
    let charity = city.charity.as_ref().expect("Seoul runs a campaign");
    assert!(
        charity.deadline_day > 0 && charity.donors > 0,
        "{charity:?}"
    );
    let pots: Vec<&str> = charity.pots.iter().map(|pot| pot.pot.as_str()).collect();
    assert_eq!(pots, ["whole", "food", "heating", "shelter beds"]);
    for pot in &charity.pots {
        assert_eq!(
            pot.given,
            pot.disbursed + pot.refunded + pot.held,
            "{pot:?}"
        );
        assert_eq!(pot.held, 0, "{pot:?}");
    }
    assert!(charity.pots.iter().any(|pot| pot.given > 0), "{charity:?}");
    assert!(
        charity.pots.iter().any(|pot| pot.disbursed > 0),
        "{charity:?}"
    );
    assert!(charity.refunds > 0, "{charity:?}");
    assert!(report.text().contains("charity: "));
    assert!(city.housing.is_none());
}

#[test]
fn san_marino() {
    let report = simulate("san-marino");
    assert!(story(&report).contains("spend all"));
    assert_eq!(report.cities[0].polls.len(), 1);
}

#[test]
fn zug() {
    let report = simulate("zug");
    assert!(story(&report).contains("parking wins"));
    assert!(report.cities[0].bought > 0, "fees are paid in bought coins");
}

#[test]
fn estonia() {
    let report = simulate("estonia");
    assert!(story(&report).contains("executes; the same tax now earns 20.00"));
    assert!(story(&report).contains("and a tampered copy is refused"));
    assert!(story(&report).contains("nobody holds it any more"));
    let polls = &report.cities[0].polls;
    assert!(polls[1].outcome.starts_with("passed"), "{polls:?}");
}

#[test]
fn hangzhou() {
    let report = simulate("hangzhou");
    assert!(story(&report).contains("three batteries pay 6.00 coins"));
    assert!(story(&report).contains("earns 6.00 coins, one per battery"));
    let polls = &report.cities[0].polls;
    assert!(polls[0].outcome.starts_with("passed"), "{polls:?}");
}

#[test]
fn a_seed_gives_the_same_report_and_files() {
    let cities = ["san-marino", "seoul", "xiongan"];
    let first = simulate_all(&cities);
    let second = simulate_all(&cities);
    assert_eq!(first.text(), second.text());
    let dirs: Vec<_> = [first, second]
        .iter()
        .enumerate()
        .map(|(run, report)| {
            let dir =
                std::env::temp_dir().join(format!("ink-city-report-{}-{run}", std::process::id()));
            let charts = report.write(&dir).unwrap();
            assert!(charts.len() >= 12, "{charts:?}");
            for chart in ["seoul-charity.svg", "xiongan-rent.svg"] {
                assert!(charts.iter().any(|name| name == chart), "{charts:?}");
            }
            dir
        })
        .collect();
    for file in std::fs::read_dir(&dirs[0]).unwrap() {
        let name = file.unwrap().file_name();
        let a = std::fs::read(dirs[0].join(&name)).unwrap();
        let b = std::fs::read(dirs[1].join(&name)).unwrap();
        assert!(a == b, "{name:?} differs between runs");
    }
    assert!(dirs[0].join("index.html").exists());
    for dir in dirs {
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn city_coin() {
    let mut story = Vec::new();
    demo::run(&mut story).unwrap();
    assert!(String::from_utf8(story)
        .unwrap()
        .contains("refused (civic policy)"));
}

#[test]
fn an_unknown_city_is_an_error() {
    assert!(scenarios::cities("atlantis").is_err());
    let mut sink = Vec::new();
    assert!(scenarios::story("atlantis", &mut sink).is_err());
}

#[test]
fn a_refused_setup_step_names_the_city_and_the_call() {
    // Given Seoul, with a reward rule per zero units (which the reward rules refuse).
    let seoul = scenarios::city("seoul").unwrap();
    let activity = sim::life::Activity {
        per: 0,
        ..seoul.profile.activities[0]
    };
    let broken = scenarios::SeedCity {
        story: |_| Ok(()),
        profile: Profile {
            activities: Box::leak(Box::new([activity])),
            ..seoul.profile
        },
    };
    // When it is simulated, the run fails with an error, not a worker's panic, that names
    // the city, the stage and the refused call.
    let error = scenarios::simulate(&[&broken], SMALL, &|| {}).unwrap_err();
    assert_eq!(
        format!("{error:#}"),
        "seoul: setting the city up: rule for TaxPaid: reward-rules.set_rule was refused: ZeroPer"
    );
    // And a story's failing step is that city's error too.
    let failing = scenarios::SeedCity {
        story: |_| anyhow::bail!("the bins are full"),
        profile: seoul.profile,
    };
    let error = scenarios::simulate(&[&failing], SMALL, &|| {}).unwrap_err();
    assert_eq!(format!("{error:#}"), "seoul: its story: the bins are full");
}
