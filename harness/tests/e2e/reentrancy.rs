//! A hostile token that calls back into its caller whenever it is asked to move or mint
//! tokens (`contracts/reentrant-token`). The escrow and the reward rules call their token
//! without allowing re-entry: the pallet refuses the call back, the hostile token traps,
//! and the victim's whole call fails with nothing kept.

use city_traits::{kinds, Action, Attestation, CivicRole, IdentityKind, MilestoneState, Rule};
use harness::{
    call::input,
    city::{contract_account, Actor, Deployed, ADMIN, ALICE, COIN, MALLORY},
    City,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::Encode;

use super::escrow::{self, milestone, BANK, INSPECTOR};

/// Deploys the hostile token and a second instance of `contract` over it (and the real
/// registry); `constructor(token, registry)` gives the constructor's arguments.
fn victim_over_hostile_token<A: Encode>(
    city: &mut City,
    contract: &'static str,
    constructor: impl Fn(AccountId, AccountId) -> A,
) -> (Deployed, Deployed) {
    let hostile = city
        .deploy("reentrant-token", input(selector_bytes!("new"), ()))
        .unwrap();
    let args = constructor(contract_account(&hostile), contract_account(&city.registry));
    let victim = city
        .deploy(contract, input(selector_bytes!("new"), args))
        .unwrap();
    (hostile, victim)
}

/// Arms the hostile token to call `selector` of `target` with `args` on every transfer
/// or mint.
fn arm(city: &mut City, hostile: &Deployed, target: AccountId, selector: [u8; 4], args: Vec<u8>) {
    let arm = (target, selector, args);
    city.call::<()>(
        &hostile.address,
        MALLORY,
        input(selector_bytes!("arm"), arm),
    )
    .unwrap();
}

/// Arms the hostile token to send `reentry` (a message and its encoded arguments) back to
/// `victim` on every transfer or mint, checks that `call` (an encoded message) of `victim`
/// by `caller` traps, then disarms the token.
fn assert_reentry_traps(
    city: &mut City,
    hostile: &Deployed,
    victim: &Deployed,
    caller: Actor,
    call: Vec<u8>,
    (selector, args): ([u8; 4], Vec<u8>),
) {
    arm(city, hostile, contract_account(victim), selector, args);
    let outcome = city.call::<()>(&victim.address, caller, call);
    let error = outcome.expect_err("the call back was let through");
    assert!(error.to_string().contains("ContractTrapped"), "{error:#}");
    city.call::<()>(
        &hostile.address,
        MALLORY,
        input(selector_bytes!("disarm"), ()),
    )
    .unwrap();
}

#[test]
fn the_hostile_token_does_call_back_where_re_entry_is_not_at_stake() {
    // Control: armed against a contract not on the call stack, the call back goes through,
    // so the traps below are the pallet refusing re-entry.
    let mut city = escrow::city(0);
    let (hostile, escrow) = victim_over_hostile_token(&mut city, "project-escrow", |t, r| (t, r));
    let plan = escrow::plan(&mut city, vec![milestone(100, 0, 0)]);
    let project = city
        .escrow_at(&escrow, ADMIN)
        .create_project(&plan)
        .expect_accepted();
    let registry = contract_account(&city.registry);
    arm(
        &mut city,
        &hostile,
        registry,
        selector_bytes!("Admin::admin"),
        Vec::new(),
    );
    city.escrow_at(&escrow, BANK)
        .fund(project, 100 * COIN)
        .expect_accepted();
    assert_eq!(reentries(&mut city, &hostile), (1, 1));
}

/// The hostile token's count of calls back made, and of those that answered `Ok`.
fn reentries(city: &mut City, hostile: &Deployed) -> (u32, u32) {
    city.call(
        &hostile.address,
        MALLORY,
        input(selector_bytes!("reentries"), ()),
    )
    .unwrap()
    .value
}

#[test]
fn a_token_calling_back_cannot_re_enter_escrow_funding_release_or_refunds() {
    let mut city = escrow::city(2);
    let (hostile, escrow) = victim_over_hostile_token(&mut city, "project-escrow", |t, r| (t, r));
    let plan = escrow::plan(&mut city, vec![milestone(100, 2, 10)]);
    let project = city
        .escrow_at(&escrow, ADMIN)
        .create_project(&plan)
        .expect_accepted();
    let release_again = (selector_bytes!("release"), (project, 0u8).encode());

    // Funding whose transfer would release the milestone from inside the token.
    let fund = input(selector_bytes!("fund"), (project, 120 * COIN));
    assert_reentry_traps(
        &mut city,
        &hostile,
        &escrow,
        BANK,
        fund,
        release_again.clone(),
    );
    let contribution = city.escrow_at(&escrow, ADMIN).contribution(project, BANK);
    assert_eq!(contribution.value, 0);
    city.escrow_at(&escrow, BANK)
        .fund(project, 120 * COIN)
        .expect_accepted();
    city.escrow_at(&escrow, INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();

    // A release whose bulk wage transfer would release again.
    let release = input(selector_bytes!("release"), (project, 0u8));
    assert_reentry_traps(
        &mut city,
        &hostile,
        &escrow,
        MALLORY,
        release,
        release_again,
    );
    let (untouched, _) = city
        .escrow_at(&escrow, ADMIN)
        .milestone(project, 0)
        .value
        .unwrap();
    assert_eq!(
        (untouched.state, untouched.workers_paid),
        (MilestoneState::Approved, 0)
    );
    assert_eq!(
        city.escrow_at(&escrow, MALLORY)
            .release(project, 0)
            .expect_accepted(),
        3
    );
    for n in 0..2 {
        let paid = city
            .escrow_at(&escrow, ADMIN)
            .paid_to_worker(project, escrow::worker(n));
        assert_eq!(paid.value, 10 * COIN, "worker {n} paid once");
    }

    // A refund whose transfer would claim again.
    let plan = escrow::plan(&mut city, vec![milestone(100, 0, 0)]);
    let canceled = city
        .escrow_at(&escrow, ADMIN)
        .create_project(&plan)
        .expect_accepted();
    city.escrow_at(&escrow, BANK)
        .fund(canceled, 60 * COIN)
        .expect_accepted();
    city.escrow_at(&escrow, ADMIN)
        .cancel_project(canceled)
        .expect_accepted();
    let claim = input(selector_bytes!("claim_refund"), canceled);
    let claim_again = (selector_bytes!("claim_refund"), canceled.encode());
    assert_reentry_traps(&mut city, &hostile, &escrow, BANK, claim, claim_again);
    assert_eq!(
        city.escrow_at(&escrow, ADMIN)
            .refunded(canceled, BANK)
            .value,
        0
    );
    assert_eq!(
        city.escrow_at(&escrow, BANK)
            .claim_refund(canceled)
            .expect_accepted(),
        60 * COIN
    );
    assert_eq!(
        city.escrow_at(&escrow, BANK)
            .claim_refund(canceled)
            .expect_refused(),
        city_traits::EscrowError::NothingToRefund
    );
}

/// Reward rules over the hostile token, paying a citizen alice for recyclables that
/// `hostile-bin` reports.
fn rewards_over_hostile_token(city: &mut City) -> (Deployed, Deployed, Actor) {
    let bin = Actor("hostile-bin");
    let (hostile, rewards) = victim_over_hostile_token(city, "reward-rules", |t, r| {
        (t, r, 86_400_000u64, 50 * COIN, 1_000 * COIN)
    });
    let year = city.now_ms() + 365 * 86_400_000;
    city.grant_civic_role(CivicRole::Attester, [bin.account()])
        .expect("the admin grants civic roles");
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], year)
        .expect_accepted();
    city.rewards_at(&rewards, ADMIN)
        .authorise_attester(bin, &[Action::Recyclables])
        .expect_accepted();
    let rule = Rule {
        reward: 200,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Citizen]),
    };
    city.rewards_at(&rewards, ADMIN)
        .set_rule(Action::Recyclables, Some(rule), 0)
        .expect_accepted();
    (hostile, rewards, bin)
}

#[test]
fn a_token_calling_back_cannot_re_enter_an_attestation() {
    let mut city = City::new().unwrap();
    let (hostile, rewards, bin) = rewards_over_hostile_token(&mut city);

    let attestation = ([1u8; 32], ALICE.account(), Action::Recyclables, 2_000u128);
    let attest = input(selector_bytes!("attest"), attestation);
    let attest_again = (selector_bytes!("attest"), attestation.encode());
    assert_reentry_traps(&mut city, &hostile, &rewards, bin, attest, attest_again);
    assert!(
        !city
            .rewards_at(&rewards, ADMIN)
            .receipt_seen(bin, [1; 32])
            .value
    );
    assert_eq!(city.rewards_at(&rewards, ADMIN).minted_total().value, 0);
    let paid = city
        .rewards_at(&rewards, bin)
        .attest([1; 32], ALICE, Action::Recyclables, 2_000)
        .expect_accepted();
    assert_eq!(paid, 400);
    assert_eq!(city.rewards_at(&rewards, ADMIN).minted_total().value, 400);
}

#[test]
fn a_token_calling_back_cannot_re_enter_an_attestation_batch() {
    let mut city = City::new().unwrap();
    let (hostile, rewards, bin) = rewards_over_hostile_token(&mut city);
    let batch = |receipt| {
        vec![Attestation {
            receipt,
            beneficiary: ALICE.account(),
            action: Action::Recyclables,
            quantity: 2_000,
        }]
    };

    // Control: armed against a contract not on the call stack, the batch's one
    // `mint_many` calls back, and goes through.
    let registry = contract_account(&city.registry);
    arm(
        &mut city,
        &hostile,
        registry,
        selector_bytes!("Admin::admin"),
        Vec::new(),
    );
    city.rewards_at(&rewards, bin)
        .attest_batch(&batch([2; 32]))
        .expect_accepted();
    assert_eq!(reentries(&mut city, &hostile), (1, 1));

    // Armed against the rules themselves, the batch traps and keeps nothing.
    let again = batch([3; 32]);
    let call = input(selector_bytes!("attest_batch"), &again);
    let reentry = (selector_bytes!("attest_batch"), again.encode());
    assert_reentry_traps(&mut city, &hostile, &rewards, bin, call, reentry);
    assert!(
        !city
            .rewards_at(&rewards, ADMIN)
            .receipt_seen(bin, [3; 32])
            .value
    );
    assert_eq!(city.rewards_at(&rewards, ADMIN).minted_total().value, 400);
}
