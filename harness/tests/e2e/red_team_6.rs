//! The sixth attacker's review: the state restorer of `city import`
//! (`contracts/state-restorer`).
//!
//! The reviewed design installed the restorer in a freshly deployed suite through each
//! contract's upgrade, and let a fresh e-voting's guardian upgrade it until its first poll.
//! The review found that a guardian other than the deployer could then take every admin
//! seat without a vote (the first test, which failed on that design), and that a stranger's
//! poll could stop an import halfway. The import now instantiates the restorer in place of
//! each contract instead, and e-voting admits only its own proposals again.

use city_traits::{Layout, UpgradeError};
use harness::{
    call::input,
    city::{contract_account, ADMIN, MALLORY},
    AdminCalls, City, UpgradeCalls,
};
use ink::{primitives::Hash, selector_bytes};

use super::upgrades::token_code;

/// One raw cell for the restorer: its ink! key, and its value or `None` to clear it.
type Entry = (Vec<u8>, Option<Vec<u8>>);

/// `restore(entries)` on the restorer installed at `at`, as `caller`.
fn restore(
    city: &mut City,
    at: &drink::AccountId32,
    caller: harness::Actor,
    entries: Vec<Entry>,
) -> anyhow::Result<Result<(), UpgradeError>> {
    city.call(
        at,
        caller.account(),
        input(selector_bytes!("restore"), entries),
    )
    .map(|outcome| outcome.value)
}

/// `Upgradable::upgrade(code)` on the restorer installed at `at`, as `caller`: the
/// hand-back.
fn hand_back(
    city: &mut City,
    at: &drink::AccountId32,
    caller: harness::Actor,
    code: Hash,
) -> Result<(), UpgradeError> {
    city.call(
        at,
        caller.account(),
        input(selector_bytes!("Upgradable::upgrade"), code),
    )
    .expect("the restorer answers upgrade")
    .value
}

/// The threat model: a fresh e-voting lets its guardian upgrade it because "the guardian,
/// who is the deployer and still holds every seat, gains nothing it did not hold". Nothing
/// ties the guardian to the deployer: the guardian moves its own seat alone
/// (`set_guardian`, checklist step 6: "keep it with the council's multisig"), and
/// `city deploy`'s `[handover]` leaves the four seats offered to e-voting before any poll.
/// A guardian that is not the deployer (a council multisig, a compromised key) then
/// replaces e-voting's code before the acceptance proposal opens: with its own code (whose
/// `migrate` answers `Ok`) it calls `accept_admin` on the four contracts as e-voting and
/// offers the seats on to itself, without a vote; with the suite's code alone it installs
/// the state restorer, writes a queued proposal of those calls into e-voting's cells, hands
/// e-voting back to its own code and executes it.
#[test]
fn a_guardian_other_than_the_deployer_cannot_upgrade_a_fresh_e_voting() {
    let mut city = City::new().unwrap();
    let voting = city.voting.address.clone();
    let governance = contract_account(&city.voting);
    // `city deploy`'s handover: the seats are offered to e-voting.
    city.token(ADMIN).offer_admin(governance).expect_accepted();
    city.registry(ADMIN)
        .offer_admin(governance)
        .expect_accepted();
    city.rewards(ADMIN)
        .offer_admin(governance)
        .expect_accepted();
    city.escrow(ADMIN).offer_admin(governance).expect_accepted();
    // The deployer hands the guardian seat on before the first poll.
    city.voting(ADMIN)
        .set_guardian(MALLORY.account())
        .expect_accepted();
    assert_eq!(city.voting(ADMIN).poll_count().value, 0);
    let own = city.code_hash_at(&voting).expect("e-voting lives");
    let restorer = city.upload("state-restorer").unwrap();

    let answer = city.voting(MALLORY).upgrade(restorer).value;
    if answer.is_ok() {
        // The finding: the new guardian writes any cell of e-voting, then hands it back.
        let wrote = restore(
            &mut city,
            &voting,
            MALLORY,
            vec![(b"any cell".to_vec(), Some(vec![1]))],
        );
        let back = hand_back(&mut city, &voting, MALLORY, own);
        panic!(
            "e-voting's guardian, not its deployer, installed the state restorer on e-voting \
             while the four admin seats were offered to it (upgrade answered {answer:?}); it \
             wrote e-voting's storage ({wrote:?}) and handed it back ({back:?})"
        );
    }
    assert_eq!(answer, Err(UpgradeError::NotAdmin));
    assert_eq!(city.code_hash_at(&voting), Some(own));
}

/// The state restorer is never installed on a live contract: its `migrate` refuses every
/// handover, so even the admin's upgrade to its code reverts whole.
#[test]
fn the_restorer_is_never_installed_on_a_live_contract() {
    let mut city = City::new().unwrap();
    let own = token_code(&mut city);
    let restorer = city.upload("state-restorer").unwrap();
    assert_eq!(
        city.token(ADMIN).upgrade(restorer).expect_refused(),
        UpgradeError::MigrationFailed
    );
    assert_eq!(token_code(&mut city), own);
}

/// A restorer lets only the account that instantiated it write or hand the contract over:
/// a stranger's `restore` and hand-over are refused, and the refused hand-over (which
/// clears the restorer's own cell before it checks the caller) is reverted whole, so the
/// instantiator still restores. The hand-over refuses code of another layout (the restorer
/// stays). (`deployments/tests/deploy.rs` hands a restored suite over and finds it sealed.)
#[test]
fn only_the_instantiator_restores_and_hands_over() {
    let mut city = City::new().unwrap();
    let escrow_code = city
        .code_hash_at(&city.escrow.address.clone())
        .expect("the escrow lives");
    let restorer_code = city.upload("state-restorer").unwrap();
    let token_layout = Layout {
        contract: selector_bytes!("city-token"),
        version: 1,
    };
    let restorer = city
        .deploy(
            "state-restorer",
            input(selector_bytes!("new"), token_layout),
        )
        .unwrap()
        .address;
    assert_eq!(city.code_hash_at(&restorer), Some(restorer_code));

    let cell = || vec![(b"red-team-6".to_vec(), Some(vec![6]))];
    assert_eq!(
        restore(&mut city, &restorer, MALLORY, cell()).unwrap(),
        Err(UpgradeError::NotAdmin)
    );
    assert_eq!(
        hand_back(&mut city, &restorer, MALLORY, escrow_code),
        Err(UpgradeError::NotAdmin)
    );
    // The stranger's refused hand-over did not clear the restorer's cell.
    assert_eq!(
        restore(&mut city, &restorer, ADMIN, cell()).unwrap(),
        Ok(())
    );
    // Not even the instantiator hands it to code of another layout.
    assert_eq!(
        hand_back(&mut city, &restorer, ADMIN, escrow_code),
        Err(UpgradeError::MigrationFailed)
    );
    assert_eq!(city.code_hash_at(&restorer), Some(restorer_code));
}
