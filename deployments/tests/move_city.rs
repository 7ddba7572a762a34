//! A simulated city moves to a second embedded chain halfway through its life and lives on
//! there: the export, the import and the check that the state is the same, then every
//! check of the simulator, daily and at the end, on the new chain.

use std::cell::Cell;

use deployments::{export::move_city, Embedded};
use harness::City;
use sim::{cities::CITIES, live_moving, Options};

/// A small city for five days, moved on day 2.
const OPTIONS: Options = Options {
    citizens: 30,
    days: 5,
    seed: 5,
    broken: None,
};

#[test]
fn every_city_moves_to_a_second_chain_midway_and_its_checks_pass_there() {
    for city in &CITIES {
        let moves = Cell::new(0);
        let mover = |city: &mut City| {
            let before = [city.token.address.clone(), city.escrow.address.clone()];
            move_city(city)?;
            let after = [city.token.address.clone(), city.escrow.address.clone()];
            assert_ne!(
                before, after,
                "the suite has new addresses on the new chain"
            );
            moves.set(moves.get() + 1);
            Ok(())
        };
        let report = live_moving(&city.profile, OPTIONS, &|| {}, Some((2, &mover)))
            .unwrap_or_else(|error| panic!("{}: {error:#}", city.name()));
        assert_eq!((moves.get(), report.days), (1, 5), "{}", city.name());
    }
}

/// The same checks catch a move that loses the state: a city "moved" to a fresh suite
/// (deployed, nothing restored) fails them.
#[test]
fn a_move_that_loses_the_state_fails_the_checks() {
    let amnesia = |city: &mut City| {
        let mut fresh = City::new()?;
        let addresses = fresh.suite().map(|contract| contract.address.clone());
        let chain = Embedded::from_snapshot(fresh.chain_state());
        city.move_to(chain.into_session(), addresses);
        Ok(())
    };
    for city in &CITIES {
        let lived = live_moving(&city.profile, OPTIONS, &|| {}, Some((2, &amnesia)));
        assert!(lived.is_err(), "{} lived on without its state", city.name());
    }
}
