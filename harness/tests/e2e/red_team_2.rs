//! The second red team's attacks on the fixes of R-1 to R-3 (commit 9545d7a), each played
//! on the real Wasm. Every test asserts the SAFE outcome: a passing test is an attack that
//! was refused. Three worked when they were written (R-4 to R-6 in audits/2026-12-01-
//! attacker-review.md: the guardian seat given to a contract, an electorate nobody
//! belongs to, the guardian vetoing its replacement) and were fixed.

use city_traits::{
    CivicRole, Electorate, EscrowError, GovernanceConfig, IdentityKind, MilestonePlan, PSP22Error,
    PollState, ProjectState, Revoting, Role, Secrecy, TransferPolicy, VotingError, Wage, FOR,
    MAX_QUORUM_BPS, MAX_TIMELOCK_MS, MAX_VOTING_DELAY, MIN_GRACE_MS,
};
use harness::{
    city::{
        contract_account, crowd_member, Actor, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE, MALLORY,
    },
    escrow::ProjectPlan,
    voting::proposed_call,
    City,
};
use ink::{primitives::AccountId, selector_bytes};

use super::red_team::{citizens_city, future_contract, pass_and_wait, CROWD};
use super::voting::{end_voting, start_voting};

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;
const INSPECTOR: Actor = Actor("red-team-2-inspector");

/// Whether anyone of the city (the guardian included) can still open a proposal.
fn someone_can_propose(city: &mut City) -> bool {
    [ADMIN, ALICE, BOB, CAROL, MALLORY].into_iter().any(|who| {
        city.voting(who)
            .propose("Anyone?", &[], Secrecy::Public, Revoting::Refused)
            .value
            .is_ok()
    })
}

// ---------------------------------------------------------------------------------------
// Governance: can it still lock itself out after R-3?
// ---------------------------------------------------------------------------------------

#[test]
fn the_guardian_seat_cannot_go_to_e_voting_itself_and_lock_governance_out() {
    // One passed proposal sets a threshold nobody reaches and gives the guardian seat to
    // e-voting's own account: it is not the zero account, but only an executed proposal
    // acts as e-voting, and no proposal can be opened any more.
    let mut city = citizens_city();
    let voting = contract_account(&city.voting);
    let unreachable = GovernanceConfig {
        proposal_threshold: u128::MAX,
        ..GOVERNANCE
    };
    let calls = [
        proposed_call(&city.voting, selector_bytes!("set_config"), unreachable),
        proposed_call(&city.voting, selector_bytes!("set_guardian"), voting),
    ];
    // Fixed: a guardian change travels alone...
    assert_eq!(
        city.voting(ALICE)
            .propose("Lock", &calls, Secrecy::Public, Revoting::Refused)
            .expect_refused(),
        VotingError::GuardianChangeNotAlone
    );
    // ...and the seat never goes to a contract (e-voting itself included): the call fails.
    let lock = city
        .voting(ALICE)
        .propose("Lock", &calls[1..], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let executed = city.voting(MALLORY).execute(lock).value;
    city.advance_blocks(1);
    let guardian = city.voting(ADMIN).guardian().value;
    assert!(
        someone_can_propose(&mut city),
        "governance locked out for good: execute answered {executed:?}, the guardian is \
         {guardian:?} (e-voting itself: {}), the threshold u128::MAX",
        guardian == voting
    );
}

#[test]
fn an_electorate_with_nobody_in_it_cannot_lock_governance_out() {
    // `is_valid` refuses an electorate naming no kind, but not one naming a kind with
    // no member: one passed proposal made the visitors (there are none) the governance
    // electorate and revokes the only registrar, so nobody can ever be registered to vote.
    let mut city = citizens_city();
    let visitors = GovernanceConfig {
        electorate: Electorate::people(&[IdentityKind::Visitor]),
        ..GOVERNANCE
    };
    let calls = [
        proposed_call(
            &city.registry,
            selector_bytes!("revoke_role"),
            (CivicRole::Registrar, ADMIN.account()),
        ),
        proposed_call(&city.voting, selector_bytes!("set_config"), visitors),
    ];
    let lock = city
        .voting(ALICE)
        .propose(
            "Visitors decide",
            &calls,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, lock);
    let executed = city.voting(MALLORY).execute(lock).value;
    city.advance_blocks(1);
    // The guardian proposes the way back and every citizen votes For it.
    let undo = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    let back = city
        .voting(ADMIN)
        .propose("Undo", &[undo], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    let mut refused = Vec::new();
    let crowd: Vec<AccountId> = (0..7).map(|n| crowd_member(CROWD, n)).collect();
    for citizen in [ALICE.account(), BOB.account(), CAROL.account()]
        .into_iter()
        .chain(crowd)
    {
        if let Err(error) = city.voting(citizen).cast_vote(back, FOR).value {
            refused.push(error);
        }
    }
    end_voting(&mut city);
    let state = city.voting(ADMIN).state(back).value;
    assert_eq!(
        state,
        Ok(PollState::Succeeded),
        "governance locked out for good: execute answered {executed:?}; all ten citizens \
         voting For the way back were refused {refused:?}"
    );
}

#[test]
fn the_guardian_cannot_veto_its_own_replacement() {
    // the guardian could cancel any proposal until it was executed, the one that
    // replaces it included. Now it cannot cancel its own replacement (which carries that
    // call alone).
    let mut city = citizens_city();
    let replace = proposed_call(
        &city.voting,
        selector_bytes!("set_guardian"),
        CAROL.account(),
    );
    let proposal = city
        .voting(ALICE)
        .propose(
            "New guardian",
            &[replace],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    let canceled = city.voting(ADMIN).cancel(proposal).value;
    let executed = city.voting(MALLORY).execute(proposal).value;
    assert_eq!(
        city.voting(ADMIN).guardian().value,
        CAROL.account(),
        "the guardian vetoed its own replacement (cancel answered {canceled:?}, execute \
         {executed:?}): a rogue or lost guardian key can never be removed"
    );
}

#[test]
fn the_most_extreme_valid_config_still_passes_a_proposal_and_is_undone() {
    // The longest voting delay, a voting window of one block, the highest quorum, the
    // longest timelock and the shortest grace period: all within `is_valid`.
    let mut city = citizens_city();
    let extreme = GovernanceConfig {
        voting_delay: MAX_VOTING_DELAY,
        voting_period: 1,
        reveal_period: 1,
        quorum_bps: MAX_QUORUM_BPS,
        timelock_ms: MAX_TIMELOCK_MS,
        grace_ms: MIN_GRACE_MS,
        ..GOVERNANCE
    };
    assert!(extreme.is_valid());
    let set = proposed_call(&city.voting, selector_bytes!("set_config"), extreme);
    let proposal = city
        .voting(ALICE)
        .propose("Extreme", &[set], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    city.advance_blocks(1);
    // Under it, the way back: five of ten citizens (half) vote in the single block.
    let undo = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    let back = city
        .voting(ALICE)
        .propose("Undo", &[undo], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    city.skip_blocks(MAX_VOTING_DELAY + 1);
    let voters: Vec<AccountId> = [ALICE.account(), BOB.account(), CAROL.account()]
        .into_iter()
        .chain((0..2).map(|n| crowd_member(CROWD, n)))
        .collect();
    for voter in voters {
        city.voting(voter).cast_vote(back, FOR).expect_accepted();
    }
    city.advance_blocks(1);
    assert_eq!(
        city.voting(ADMIN).state(back).expect_accepted(),
        PollState::Succeeded
    );
    city.voting(MALLORY).queue(back).expect_accepted();
    city.advance_time(MAX_TIMELOCK_MS);
    city.voting(MALLORY).execute(back).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, GOVERNANCE);
}

#[test]
fn the_guardian_seat_cannot_go_to_another_contract_of_the_suite() {
    // The same lock as above with the token's or the escrow's account as guardian: code
    // that never calls `propose` or `cancel`.
    let mut city = citizens_city();
    let token = contract_account(&city.token);
    let moved = city.voting(ADMIN).set_guardian(token).value;
    assert!(
        moved.is_err(),
        "the guardian handed its seat to the token contract, which can never use it"
    );
    assert_eq!(city.voting(ADMIN).guardian().value, ADMIN.account());
}

// ---------------------------------------------------------------------------------------
// The escrow: the payee re-check, refunds and the civic policy
// ---------------------------------------------------------------------------------------

/// The treasury (admin) and the escrow are service providers; an inspector; carol a
/// worker; alice, dave and mallory hold 1,000 each. The admin keeps the escrow's seat.
fn escrow_city() -> City {
    super::escrow_city(&[INSPECTOR], &[ALICE, DAVE, MALLORY])
}

#[test]
fn a_worker_who_became_a_contract_mid_roll_locks_nothing_cancel_and_refunds_remain() {
    // A roll of 51: fifty people paid one each in the first release, then a worker that
    // was a contract address named in advance, deployed once the project was funded.
    let mut city = escrow_city();
    let escrow = contract_account(&city.escrow);
    let (future, constructor) = future_contract(&mut city);
    let people: Vec<AccountId> = (0..50)
        .map(|n| crowd_member("red-team-2-worker", n))
        .collect();
    city.grant_civic_role(CivicRole::Worker, people.iter().copied().chain([future]))
        .expect("the admin grants civic roles");
    let wages = people
        .iter()
        .chain([&future])
        .map(|worker| Wage {
            worker: *worker,
            amount: 1,
        })
        .collect();
    let plan = ProjectPlan {
        title: [0x7f; 32],
        contractor: BOB.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![MilestonePlan {
            contractor_amount: 100,
            wages,
            due: 0,
        }],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ALICE)
        .approve_and_fund(project, 100)
        .expect_accepted();
    city.escrow(DAVE)
        .approve_and_fund(project, 51)
        .expect_accepted();
    city.deploy("project-escrow", constructor)
        .expect("the worker's contract deploys");
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_accepted(),
        50
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_refused(),
        EscrowError::ContractPayee
    );
    // Nobody but the admin may cancel a funded project; the admin does.
    assert_eq!(
        city.escrow(MALLORY)
            .cancel_project(project)
            .expect_refused(),
        EscrowError::NotCancelable
    );
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    let alice = city.escrow(ALICE).claim_refund(project).expect_accepted();
    let dave = city.escrow(DAVE).claim_refund(project).expect_accepted();
    assert_eq!(
        (alice, dave),
        (66, 35),
        "101 unreleased, pro rata, the rest to the last"
    );
    assert_eq!(city.balance(future), 0);
    assert_eq!(city.balance(escrow), 0, "no coin stays in the escrow");
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!((data.released, data.refunded, data.held()), (50, 101, 0));
}

#[test]
fn a_contractor_who_became_a_contract_is_refused_after_the_wages_and_funders_are_refunded() {
    let mut city = escrow_city();
    let escrow = contract_account(&city.escrow);
    let (future, constructor) = future_contract(&mut city);
    let plan = ProjectPlan {
        title: [0x80; 32],
        contractor: future,
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![MilestonePlan {
            contractor_amount: 100,
            wages: vec![Wage {
                worker: CAROL.account(),
                amount: 10,
            }],
            due: 0,
        }],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(MALLORY)
        .approve_and_fund(project, 110)
        .expect_accepted();
    city.deploy("project-escrow", constructor)
        .expect("the contractor's contract deploys");
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    let released = city.escrow(MALLORY).release(project, 0);
    assert!(released.reverted);
    assert_eq!(released.expect_refused(), EscrowError::ContractPayee);
    assert_eq!(city.balance(CAROL), 0, "the refused call paid nobody");
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_accepted(),
        110
    );
    assert_eq!((city.balance(future), city.balance(escrow)), (0, 0));
}

#[test]
fn a_refund_waits_out_a_pause_and_a_missing_role_under_civic_but_is_never_lost() {
    // Mallory gives under the open policy, the treasury under the civic one; the
    // treasury then loses its service-provider role and may fund no more. The project is
    // canceled; refunds are tried while paused and while the escrow lacks the role.
    let mut city = escrow_city();
    let escrow = contract_account(&city.escrow);
    let plan = ProjectPlan {
        title: [0x81; 32],
        contractor: BOB.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![MilestonePlan {
            contractor_amount: 200,
            wages: vec![],
            due: 0,
        }],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(MALLORY)
        .approve_and_fund(project, 20)
        .expect_accepted();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    city.escrow(ADMIN)
        .approve_and_fund(project, 100)
        .expect_accepted();
    city.token(ADMIN)
        .revoke_role(Role::ServiceProvider, ADMIN)
        .expect_accepted();
    assert_eq!(
        city.escrow(ADMIN)
            .approve_and_fund(project, 1)
            .expect_refused(),
        EscrowError::PolicyForbidsFunding
    );
    assert_eq!(
        city.escrow(MALLORY)
            .approve_and_fund(project, 1)
            .expect_refused(),
        EscrowError::PolicyForbidsFunding
    );
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_refused(),
        EscrowError::TokenRefused(PSP22Error::Custom("Paused".into()))
    );
    city.token(ADMIN).unpause().expect_accepted();
    city.token(ADMIN)
        .revoke_role(Role::ServiceProvider, escrow)
        .expect_accepted();
    assert!(matches!(
        city.escrow(MALLORY).claim_refund(project).expect_refused(),
        EscrowError::TokenRefused(_)
    ));
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(
        (data.refunds_claimed, data.refunded),
        (0, 0),
        "refused claims left no trace"
    );
    city.token(ADMIN)
        .grant_role(Role::ServiceProvider, escrow)
        .expect_accepted();
    // Both are plain holders now; the escrow is the service provider of each refund.
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_accepted(),
        20
    );
    assert_eq!(
        city.escrow(ADMIN).claim_refund(project).expect_accepted(),
        100
    );
    assert_eq!(city.balance(escrow), 0);
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!((data.state, data.held()), (ProjectState::Canceled, 0));
}

#[test]
fn a_zero_refund_is_a_claim_and_cannot_be_made_twice() {
    // A funder whose pro-rata share rounds to zero claims 0: it is recorded as claimed
    // (the fuzzer's `every_refund_can_be_claimed` reads `refunded == 0` as "not claimed").
    let mut city = escrow_city();
    let escrow = contract_account(&city.escrow);
    let plan = ProjectPlan {
        title: [0x82; 32],
        contractor: BOB.account(),
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![
            MilestonePlan {
                contractor_amount: 300,
                wages: vec![],
                due: 0,
            },
            MilestonePlan {
                contractor_amount: 1,
                wages: vec![],
                due: 0,
            },
        ],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(MALLORY)
        .approve_and_fund(project, 1)
        .expect_accepted();
    city.escrow(ALICE)
        .approve_and_fund(project, 300)
        .expect_accepted();
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    // 1 unreleased of 301: mallory's share is 1 * 1 / 301 = 0.
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_accepted(),
        0
    );
    assert_eq!(city.escrow(MALLORY).refunded(project, MALLORY).value, 0);
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_accepted(),
        1
    );
    assert_eq!(city.balance(escrow), 0);
}
