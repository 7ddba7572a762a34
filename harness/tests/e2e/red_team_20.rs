//! The twentieth attacker's review: issue 19's cheaper escrow and reward rules, on the real
//! Wasm. `release` says which lines of the roll it paid in one `WagesPaid` (no event per
//! worker), `claim_refund` pays through the token's `transfer_many` (the path `release`
//! takes) instead of PSP22 `transfer`, an inspector is checked with
//! `first_without_civic_role(&[inspector])` instead of `has_civic_role`, `wage_roll` is
//! folded into `milestone`, and `Attested` lost its attester topic.
//!
//! No finding: every test below asserts a property that holds.
//!
//! - An indexer that reads `WagesPaid` and the `milestone` query (the roll never changes
//!   after `create_project`) works out every wage paid, who, how much, in which project
//!   and milestone, exactly as the token's balances show, across a roll paid over several
//!   calls; a call that pays only the contractor emits no `WagesPaid`.
//! - A refund the token refuses carries the very `PSP22Error` PSP22 `transfer` gives for
//!   the same refusal (`Custom("Paused")`, `Custom("PolicyForbidsTransfer")`), books
//!   nothing, and can be claimed again; a refund that rounds to zero needs no token call
//!   (so a pause does not block it, as before), and the last funder still takes the dust.
//! - The inspector check follows the registry's role both ways (revoked, granted again),
//!   and a role holder who is not a listed inspector is still refused.
//! - `Attested` is indexed by its beneficiary alone and still names its attester (the
//!   caller) in its data.
//! - The `broken-unpaid-wages` variant still breaks what it should: its `WagesPaid` claims
//!   wages no balance shows, so a check of events against balances catches it.

use city_traits::{
    Action, CivicRole, EscrowError, MilestonePlan, PSP22Error, ProjectId, ProjectState, Role,
    TransferPolicy, Wage,
};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, COIN, GOVERNANCE, MALLORY},
    City, ContractEvent, TokenConfig,
};
use ink::{primitives::AccountId, scale::Decode};

use super::escrow::{self, fund, milestone, plan, worker, BANK, CONTRACTOR, INSPECTOR};
use super::rewards::{self, BIN};

/// A `WagesPaid` as an indexer decodes it: topics and data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WagesPaid {
    project: ProjectId,
    milestone: u8,
    first: u32,
    workers: u32,
    amount: u128,
}

/// The escrow's `WagesPaid` events among `events` (named by the bundle's metadata), with
/// their data decoded; checks that each has two topics: its signature and the project.
fn wages_paid(city: &City, events: &[ContractEvent]) -> Vec<WagesPaid> {
    events
        .iter()
        .filter(|event| city.describe(&city.escrow, event).contains("WagesPaid"))
        .map(|event| {
            let (project, milestone, first, workers, amount) =
                <(u32, u8, u32, u32, u128)>::decode(&mut &event.data[..]).unwrap();
            let mut project_topic = [0; 32];
            project_topic[..4].copy_from_slice(&project.to_le_bytes());
            assert_eq!(event.topics.len(), 2, "signature and project");
            assert_eq!(event.topics[1], project_topic);
            WagesPaid {
                project,
                milestone,
                first,
                workers,
                amount,
            }
        })
        .collect()
}

/// What an indexer works out from `paid` events and the `milestone` query: each line of
/// the roll those events name, in order.
fn reconstruct(city: &mut City, paid: &[WagesPaid]) -> Vec<(ProjectId, u8, Wage)> {
    let mut lines = Vec::new();
    for event in paid {
        let (_, roll) = city
            .escrow(MALLORY)
            .milestone(event.project, event.milestone)
            .value
            .expect("the milestone exists");
        let first = event.first as usize;
        let named = &roll[first..first + event.workers as usize];
        assert_eq!(
            named.iter().map(|wage| wage.amount).sum::<u128>(),
            event.amount,
            "the event's amount is the sum of the lines it names"
        );
        lines.extend(
            named
                .iter()
                .map(|wage| (event.project, event.milestone, *wage)),
        );
    }
    lines
}

/// Workers `from..to`, each paid `wage` coins.
fn roll(from: u32, to: u32, wage: u128) -> Vec<Wage> {
    (from..to)
        .map(|n| Wage {
            worker: worker(n),
            amount: (wage + u128::from(n)) * COIN,
        })
        .collect()
}

/// Indexer completeness: across a 60-line roll paid in two calls (50, then 10 and the
/// contractor), a 50-line roll whose contractor is paid alone by a third call, and a
/// milestone paying the contractor nothing, the `WagesPaid` events with the `milestone`
/// query name every wage paid (worker, amount, project, milestone) exactly once, and what
/// they name is exactly what each worker's token balance gained; a call that pays only
/// the contractor emits no `WagesPaid`.
#[test]
fn wages_paid_events_and_the_milestone_roll_name_every_wage_the_token_paid() {
    let mut city = escrow::city(60);
    let plans = vec![
        MilestonePlan {
            contractor_amount: 700 * COIN,
            wages: roll(0, 60, 10),
            due: 0,
        },
        MilestonePlan {
            contractor_amount: 0,
            wages: roll(10, 60, 3),
            due: 0,
        },
    ];
    let plan = plan(&mut city, plans);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    let target = city.escrow(ADMIN).project(project).value.unwrap().target;
    fund(&mut city, project, BANK, target);
    let before: Vec<u128> = (0..60).map(|n| city.balance(worker(n))).collect();

    let mut events = Vec::new();
    let mut calls = Vec::new();
    for index in 0..2u8 {
        city.escrow(INSPECTOR)
            .approve_milestone(project, index, [index + 1; 32])
            .expect_accepted();
        loop {
            let outcome = city.escrow(MALLORY).release(project, index);
            let paid = wages_paid(&city, &outcome.events);
            events.extend(paid.iter().copied());
            let transfers = outcome.expect_accepted();
            calls.push((index, transfers, paid));
            let (milestone, _) = city.escrow(ADMIN).milestone(project, index).value.unwrap();
            if milestone.state == city_traits::MilestoneState::Released {
                break;
            }
        }
    }
    // Milestone 0: 50 wages, then 10 and the contractor. Milestone 1: 50 wages, then the
    // contractor's nothing alone, with no `WagesPaid`.
    // Each call: the milestone, the transfers, and the lines of the roll it paid.
    type Shape = (u8, u32, Option<(u32, u32)>);
    let shape: Vec<Shape> = calls
        .iter()
        .map(|(index, transfers, paid)| {
            let lines = match paid.as_slice() {
                [] => None,
                [event] => Some((event.first, event.workers)),
                _ => panic!("one WagesPaid per release at most: {paid:?}"),
            };
            (*index, *transfers, lines)
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (0, 50, Some((0, 50))),
            (0, 11, Some((50, 10))),
            (1, 50, Some((0, 50))),
            (1, 1, None),
        ]
    );

    let lines = reconstruct(&mut city, &events);
    assert_eq!(lines.len(), 110, "every line of both rolls, once");
    let mut named = vec![0u128; 60];
    for (at, milestone, wage) in &lines {
        assert_eq!(*at, project);
        assert!(*milestone < 2);
        let n = (0..60).find(|&n| worker(n) == wage.worker).unwrap();
        named[n as usize] += wage.amount;
    }
    for n in 0..60u32 {
        let gained = city.balance(worker(n)) - before[n as usize];
        assert_eq!(named[n as usize], gained, "worker {n}: events vs token");
        let paid = city.escrow(MALLORY).account(project, worker(n)).value.paid;
        assert_eq!(paid, gained, "worker {n}: account vs token");
    }
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.state, ProjectState::Completed);
    let wages: u128 = lines.iter().map(|(_, _, wage)| wage.amount).sum();
    assert_eq!(data.released, wages + 700 * COIN);
    assert_eq!(city.balance(contract_account(&city.escrow)), 0);
}

/// The refund path's error type: while the token is paused, `claim_refund` (now paid by
/// `transfer_many`) is refused with `TokenRefused` carrying exactly the `PSP22Error` the
/// token's PSP22 `transfer` gives while paused, books nothing (the refund stays
/// claimable, nobody's share moves), and once unpaused pays exactly what `refundable`
/// said.
#[test]
fn a_refund_refused_while_paused_carries_psp22_transfers_error_and_stays_claimable() {
    let mut city = escrow::city(3);
    let plan = plan(&mut city, vec![milestone(1_000, 3, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(&mut city, project, BANK, 700 * COIN);
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    let due = city.escrow(BANK).account(project, BANK).value.refundable;
    assert_eq!(due, 700 * COIN);

    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    let psp22 = city.token(BANK).transfer(ALICE, COIN).expect_refused();
    assert_eq!(psp22, PSP22Error::Custom("Paused".into()));
    let refused = city.escrow(BANK).claim_refund(project);
    assert!(refused.reverted);
    assert_eq!(refused.expect_refused(), EscrowError::TokenRefused(psp22));
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!((data.refunded, data.refunds_claimed), (0, 0));
    assert_eq!(city.escrow(BANK).refunded(project, BANK).value, 0);
    assert_eq!(city.escrow(BANK).refundable(project, BANK).value, due);

    city.token(ADMIN).unpause().expect_accepted();
    let before = city.balance(BANK);
    assert_eq!(
        city.escrow(BANK).claim_refund(project).expect_accepted(),
        due
    );
    assert_eq!(city.balance(BANK) - before, due);
    assert_eq!(city.balance(contract_account(&city.escrow)), 0);
    assert_eq!(
        city.escrow(BANK).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
}

/// The civic policy on the refund path: a plain holder who funded under the open policy
/// claims after the switch to `Civic`; while the escrow is no service provider the token
/// refuses, and the escrow answers `TokenRefused` with exactly the `PSP22Error` PSP22
/// `transfer` gives for a transfer between two plain holders; once the escrow is a service
/// provider the same claim pays the holder back in full.
#[test]
fn a_refund_refused_by_the_civic_policy_carries_psp22_transfers_error() {
    let mut city = escrow::city(3);
    let plan = plan(&mut city, vec![milestone(1_000, 3, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(&mut city, project, BANK, 400 * COIN);
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    city.escrow(ADMIN).cancel_project(project).expect_accepted();

    let psp22 = city.token(BANK).transfer(ALICE, COIN).expect_refused();
    assert_eq!(psp22, PSP22Error::Custom("PolicyForbidsTransfer".into()));
    assert_eq!(
        city.escrow(BANK).claim_refund(project).expect_refused(),
        EscrowError::TokenRefused(psp22)
    );
    assert_eq!(city.escrow(BANK).refunded(project, BANK).value, 0);

    let escrow_account = contract_account(&city.escrow);
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, escrow_account)
        .expect_accepted();
    let before = city.balance(BANK);
    assert_eq!(
        city.escrow(BANK).claim_refund(project).expect_accepted(),
        400 * COIN
    );
    assert_eq!(city.balance(BANK) - before, 400 * COIN);
}

/// Refund arithmetic through `transfer_many`: after a partial release, a funder whose
/// share rounds down to nothing is answered `Ok(0)` with no token call (so even while
/// the token is paused, as with `transfer` before: the zero was skipped), cannot claim
/// again, and the others are paid their floor share, the last to claim what is left, to
/// the cent: the escrow ends holding nothing and every funder's token gain is its
/// `RefundClaimed` amount.
#[test]
fn a_zero_share_needs_no_token_call_and_the_last_funder_takes_the_dust() {
    let mut city = escrow::city(3);
    let milestones = vec![milestone(1_000, 3, 100), milestone(333, 0, 0)];
    let plan = plan(&mut city, milestones);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.token(ADMIN)
        .transfer(ALICE, 10 * COIN)
        .expect_accepted();
    // 1,633 coins: a cent from alice, 1,000 coins less a cent from the bank, the rest from
    // the treasury.
    fund(&mut city, project, ALICE, 1);
    fund(&mut city, project, BANK, 1_000 * COIN - 1);
    fund(&mut city, project, ADMIN, 633 * COIN);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    let unreleased = data.funded - data.released;
    assert_eq!(unreleased, 333 * COIN);

    // Alice's share is 1 × 33,300 ÷ 163,300 cents: nothing.
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    let alice_before = city.balance(ALICE);
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_accepted(),
        0
    );
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
    city.token(ADMIN).unpause().expect_accepted();

    let bank_share = (1_000 * COIN - 1) * unreleased / data.funded;
    let bank_before = city.balance(BANK);
    let bank = city.escrow(BANK).claim_refund(project);
    let events = bank.events.clone();
    assert_eq!(bank.expect_accepted(), bank_share);
    assert_eq!(city.balance(BANK) - bank_before, bank_share);
    assert!(events
        .iter()
        .any(|event| city.describe(&city.escrow, event).contains("RefundClaimed")));

    let admin_floor = 633 * COIN * unreleased / data.funded;
    let admin_before = city.balance(ADMIN);
    let last = city.escrow(ADMIN).claim_refund(project).expect_accepted();
    assert_eq!(last, unreleased - bank_share, "the last takes what is left");
    assert!(last > admin_floor, "the dust is the last funder's");
    assert_eq!(city.balance(ADMIN) - admin_before, last);
    assert_eq!(city.balance(ALICE), alice_before);
    assert_eq!(city.balance(contract_account(&city.escrow)), 0);
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.funded, data.released + data.refunded);
    assert_eq!(data.held(), 0);
}

/// The inspector check (`first_without_civic_role` of the caller alone) follows the
/// registry's inspector role both ways: revoked, the listed inspector is refused; granted
/// again, it inspects; an account holding the role but not listed is refused throughout.
#[test]
fn the_inspector_check_follows_the_registry_role_both_ways() {
    let mut city = escrow::city(3);
    let plan = plan(&mut city, vec![milestone(1_000, 3, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(&mut city, project, BANK, 1_300 * COIN);
    city.registry(ADMIN)
        .grant_role(CivicRole::Inspector, MALLORY)
        .expect_accepted();
    city.registry(ADMIN)
        .revoke_role(CivicRole::Inspector, INSPECTOR)
        .expect_accepted();
    for inspector in [INSPECTOR.account(), MALLORY.account()] {
        assert_eq!(
            city.escrow(inspector)
                .reject_milestone(project, 0, [9; 32])
                .expect_refused(),
            EscrowError::NotInspector
        );
    }
    city.registry(ADMIN)
        .grant_role(CivicRole::Inspector, INSPECTOR)
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotInspector
    );
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!(city.balance(CONTRACTOR), 1_000 * COIN);
}

/// `Attested` is indexed by its beneficiary alone (two topics: signature and
/// beneficiary), and its data still names the attester, who is the caller, not an
/// argument anyone else chooses.
#[test]
fn attested_is_indexed_by_beneficiary_and_names_the_calling_attester_in_its_data() {
    // Alice a citizen, the bin authorised for recyclables at two coins a kilogram.
    let mut city = rewards::city();
    let outcome = city
        .rewards(BIN)
        .attest([7; 32], ALICE, Action::Recyclables, 2_500);
    let [event] = &outcome.events[..] else {
        panic!("one Attested: {:?}", outcome.events.len());
    };
    let alice: AccountId = ALICE.account();
    assert_eq!(event.topics.len(), 2, "signature and beneficiary");
    assert_eq!(event.topics[1], *AsRef::<[u8; 32]>::as_ref(&alice));
    let (receipt, beneficiary, action, attester, quantity, reward) =
        <([u8; 32], AccountId, Action, AccountId, u128, u128)>::decode(&mut &event.data[..])
            .unwrap();
    assert_eq!(
        (receipt, beneficiary, action, attester, quantity, reward),
        (
            [7; 32],
            alice,
            Action::Recyclables,
            BIN.account(),
            2_500,
            500
        )
    );
    assert_eq!(outcome.expect_accepted(), 500);
    // Someone else cannot put its name there: an unauthorised caller is refused.
    assert!(city
        .rewards(BOB)
        .attest([8; 32], ALICE, Action::Recyclables, 2_500)
        .value
        .is_err());
}

/// The fuzzer's and simulator's `broken-unpaid-wages` variant still breaks what it should
/// through the shared `pay`: its `WagesPaid` names lines of the roll whose workers the
/// token never paid (the contractor is), so checking the events against balances catches
/// it.
#[test]
fn the_unpaid_wages_variant_claims_wages_no_balance_shows() {
    let mut city = City::with_parts(
        TokenConfig::default(),
        GOVERNANCE,
        Some("project-escrow-broken-unpaid-wages"),
    )
    .expect("the suite deploys");
    city.grant_civic_role(CivicRole::Inspector, [INSPECTOR.account()])
        .unwrap();
    city.grant_civic_role(CivicRole::Worker, (0..3).map(worker))
        .unwrap();
    let plan = plan(&mut city, vec![milestone(1_000, 3, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    fund(&mut city, project, ADMIN, 1_300 * COIN);
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    let outcome = city.escrow(MALLORY).release(project, 0);
    let paid = wages_paid(&city, &outcome.events);
    outcome.expect_accepted();
    let lines = reconstruct(&mut city, &paid);
    assert_eq!(lines.len(), 3);
    for (_, _, wage) in lines {
        assert_eq!(wage.amount, 100 * COIN, "the event says it was paid");
        assert_eq!(city.balance(wage.worker), 0, "the token shows it was not");
    }
    assert_eq!(city.balance(CONTRACTOR), 1_000 * COIN);
}
