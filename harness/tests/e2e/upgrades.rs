//! Governed upgrades on the real Wasm: who may replace a contract's code, what the new code
//! inherits, and what happens when its migration fails (city-traits' `upgrade` module and
//! the README's "Upgrades").

use city_traits::{CodeUpgraded, PollState, Role, UpgradeError};
use harness::{
    call::input,
    city::{Actor, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE, MALLORY},
    upgrade::upgrade_call,
    AdminCalls, City, UpgradeCalls,
};
use ink::{primitives::Hash, selector_bytes};

use super::{
    governance::{governed_city, pass},
    voting::city as voters_city,
};

const PEOPLE: [Actor; 6] = [ADMIN, ALICE, BOB, CAROL, DAVE, MALLORY];

/// Everything the token answers about everyone, at `past` blocks too: what an upgrade
/// must leave as it was.
fn token_state(city: &mut City, past: &[u32]) -> Vec<String> {
    let mut seen = vec![
        format!("supply {}", city.token(ADMIN).total_supply().value),
        format!("cap {}", city.token(ADMIN).cap().value),
        format!("paused {}", city.token(ADMIN).paused().value),
        format!("policy {:?}", city.token(ADMIN).transfer_policy().value),
        format!("admin {:?}", city.token(ADMIN).admin().value),
        format!("offered {:?}", city.token(ADMIN).offered_admin().value),
        format!(
            "metadata {:?} {:?} {}",
            city.token(ADMIN).token_name().value,
            city.token(ADMIN).token_symbol().value,
            city.token(ADMIN).token_decimals().value
        ),
    ];
    for &block in past {
        let supply = city.token(ADMIN).total_supply_at(block).value;
        seen.push(format!("supply at {block}: {supply:?}"));
    }
    for owner in PEOPLE {
        seen.push(format!("{owner:?} {}", city.balance(owner)));
        seen.push(format!(
            "{owner:?} tracks {}",
            city.token(ADMIN).tracks_votes(owner).value
        ));
        for &block in past {
            let votes = city.token(ADMIN).votes_at(owner, block).value;
            seen.push(format!("{owner:?} votes at {block}: {votes:?}"));
        }
        for spender in PEOPLE {
            let allowance = city.token(ADMIN).allowance(owner, spender).value;
            seen.push(format!("{owner:?} lets {spender:?} spend {allowance}"));
        }
        for role in Role::ALL {
            let held = city.token(ADMIN).has_role(owner, role).value;
            seen.push(format!("{owner:?} {role:?} {held}"));
        }
    }
    seen
}

/// The finished blocks whose answers an upgrade must keep: the first ones (the city's
/// setup and its first transfers) and the last few.
fn past_blocks(city: &mut City) -> Vec<u32> {
    let now = city.block();
    let mut blocks: Vec<u32> = (0..now.min(6)).chain(now.saturating_sub(3)..now).collect();
    blocks.dedup();
    blocks
}

/// A city with voters' histories over several blocks, allowances and roles.
fn lived_in_city() -> City {
    let mut city = voters_city();
    city.token(ADMIN)
        .grant_role(Role::Minter, CAROL)
        .expect_accepted();
    city.token(ALICE).approve(BOB, 250).expect_accepted();
    city.advance_blocks(1);
    city.token(ALICE).transfer(DAVE, 400).expect_accepted();
    city.advance_blocks(1);
    city.token(CAROL).mint_to(BOB, 75).expect_accepted();
    city.token(BOB)
        .transfer_from(ALICE, CAROL, 50)
        .expect_accepted();
    city.advance_blocks(1);
    city
}

/// The v2 fixture's own query: the block its migration ran in.
pub fn upgraded_at(city: &mut City) -> Option<u32> {
    let token = city.token.address.clone();
    city.call(&token, ADMIN, input(selector_bytes!("upgraded_at"), ()))
        .expect("v2 answers")
        .value
}

/// The code the token runs.
pub fn token_code(city: &mut City) -> Hash {
    let token = city.token.address.clone();
    city.code_hash_at(&token).expect("the token lives")
}

/// What the four contracts with an admin seat (token, registry, rules, escrow) answer
/// `caller`'s upgrade to `code`, each refusal checked to have reverted.
pub fn seat_upgrades_refused(city: &mut City, caller: Actor, code: Hash) -> [UpgradeError; 4] {
    [
        city.token(caller).upgrade(code).expect_refused(),
        city.registry(caller).upgrade(code).expect_refused(),
        city.rewards(caller).upgrade(code).expect_refused(),
        city.escrow(caller).upgrade(code).expect_refused(),
    ]
}

/// What every contract answers `caller`'s `migrate`, each refusal checked to have
/// reverted.
fn migrations_refused(city: &mut City, caller: Actor) -> [UpgradeError; 5] {
    [
        city.token(caller).migrate().expect_refused(),
        city.registry(caller).migrate().expect_refused(),
        city.rewards(caller).migrate().expect_refused(),
        city.voting(caller).migrate().expect_refused(),
        city.escrow(caller).migrate().expect_refused(),
    ]
}

#[test]
fn every_contract_refuses_a_stranger_and_a_direct_migration() {
    let mut city = City::new().unwrap();
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    for caller in [MALLORY, ALICE] {
        assert_eq!(
            seat_upgrades_refused(&mut city, caller, v2),
            [UpgradeError::NotAdmin; 4]
        );
    }
    // E-voting answers only its own executed proposals, not its guardian.
    assert_eq!(
        city.voting(ADMIN).upgrade(v2).expect_refused(),
        UpgradeError::NotAdmin
    );
    // Nobody starts a migration from outside, the admin included.
    for caller in [ADMIN, MALLORY] {
        assert_eq!(
            migrations_refused(&mut city, caller),
            [UpgradeError::NotUpgrading; 5]
        );
    }
    assert_eq!(token_code(&mut city), v1, "no refused call moved the code");
}

#[test]
fn the_admin_upgrades_the_token_and_every_answer_stays_as_it_was() {
    let mut city = lived_in_city();
    let past = past_blocks(&mut city);
    let before = token_state(&mut city, &past);
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();

    let upgraded = city.token(ADMIN).upgrade(v2);
    assert_eq!(
        upgraded.events_of::<CodeUpgraded>(),
        [CodeUpgraded {
            old: v1,
            new: v2,
            from: 1,
            to: 2
        }],
        "emitted by the new code"
    );
    upgraded.expect_accepted();
    assert_eq!(token_code(&mut city), v2);
    let block = city.block();
    assert_eq!(upgraded_at(&mut city), Some(block), "the migration ran");
    assert_eq!(token_state(&mut city, &past), before);
    // The new code works on the old state: alice still spends her allowance to bob.
    city.token(BOB)
        .transfer_from(ALICE, BOB, 200)
        .expect_accepted();
    assert_eq!(city.token(ADMIN).allowance(ALICE, BOB).value, 0);
}

#[test]
fn governance_upgrades_the_token_through_a_proposal_and_the_timelock() {
    let mut city = governed_city();
    city.token(ALICE).approve(CAROL, 30).expect_accepted();
    city.advance_blocks(2);
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    // The old admin has no say any more.
    assert_eq!(
        city.token(ADMIN).upgrade(v2).expect_refused(),
        UpgradeError::NotAdmin
    );
    let calls = [upgrade_call(&city.token, v2)];
    let proposal = pass(&mut city, &calls);
    let past = past_blocks(&mut city);
    let before = token_state(&mut city, &past);
    assert_eq!(token_code(&mut city), v1, "not before the timelock");
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(token_code(&mut city), v2);
    assert_eq!(token_state(&mut city, &past), before);
}

#[test]
fn a_migration_that_traps_leaves_the_old_code_and_storage() {
    let mut city = lived_in_city();
    let past = past_blocks(&mut city);
    let before = token_state(&mut city, &past);
    let v1 = token_code(&mut city);
    let trapping = city.upload("city-token-v2-trapping").unwrap();
    assert_eq!(
        city.token(ADMIN).upgrade(trapping).expect_refused(),
        UpgradeError::MigrationFailed
    );
    assert_eq!(token_code(&mut city), v1);
    assert_eq!(token_state(&mut city, &past), before);
}

#[test]
fn code_that_is_not_a_suite_contract_is_never_installed() {
    let mut city = lived_in_city();
    let past = past_blocks(&mut city);
    let before = token_state(&mut city, &past);
    let v1 = token_code(&mut city);
    // The floor yardstick has no `Upgradable::migrate`; the other contracts have one, but
    // no migration from the token's storage (the handover names the token's layout).
    for stranger in [
        "floor",
        "citizen-registry",
        "reward-rules",
        "e-voting",
        "project-escrow",
    ] {
        let code = city.upload(stranger).unwrap();
        assert_eq!(
            city.token(ADMIN).upgrade(code).expect_refused(),
            UpgradeError::MigrationFailed,
            "{stranger}"
        );
        assert_eq!(token_code(&mut city), v1, "{stranger}");
    }
    assert_eq!(token_state(&mut city, &past), before);
}

#[test]
fn code_never_uploaded_and_the_running_code_are_refused() {
    let mut city = City::new().unwrap();
    let v1 = token_code(&mut city);
    assert_eq!(
        city.token(ADMIN)
            .upgrade(Hash::from([7; 32]))
            .expect_refused(),
        UpgradeError::CodeNotFound
    );
    assert_eq!(
        city.token(ADMIN).upgrade(v1).expect_refused(),
        UpgradeError::SameCode
    );
    assert_eq!(token_code(&mut city), v1);
}

#[test]
fn a_downgrade_is_refused_by_the_older_code_it_would_install() {
    let mut city = lived_in_city();
    let v1 = token_code(&mut city);
    let v2 = city.upload("city-token-v2").unwrap();
    city.token(ADMIN).upgrade(v2).expect_accepted();
    let past = past_blocks(&mut city);
    let before = token_state(&mut city, &past);
    // Version 1's code has no migration from version 2.
    assert_eq!(
        city.token(ADMIN).upgrade(v1).expect_refused(),
        UpgradeError::MigrationFailed
    );
    assert_eq!(token_code(&mut city), v2);
    assert_eq!(token_state(&mut city, &past), before);
}

#[test]
fn e_voting_replaces_its_own_code_only_through_its_own_proposal() {
    let mut city = governed_city();
    let own = city.voting.address.clone();
    let v1 = city.code_hash_at(&own).unwrap();
    // A stand-in for e-voting's next version: the same code cannot be installed again, so
    // the proposal installs the broken-electorate build (same storage, same version).
    let next = city.upload("e-voting-broken-electorate").unwrap();
    let calls = [upgrade_call(&city.voting, next)];
    let proposal = pass(&mut city, &calls);
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(city.code_hash_at(&own), Some(v1), "not before execution");
    city.voting(MALLORY).execute(proposal).expect_accepted();
    assert_eq!(city.code_hash_at(&own), Some(next));
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Executed
    );
}
