//! The attacks of the independent review (audits/2026-12-01-attacker-review.md), each
//! played on the real Wasm as the attacker would, and refused.

use city_traits::{
    AdminError, CivicRole, Electorate, EscrowError, GovernanceConfig, IdentityKind, MilestonePlan,
    PollState, ProjectState, Revoting, Secrecy, TransferPolicy, VotingError, Wage, FOR,
    MIN_TIMELOCK_MS,
};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, GOVERNANCE, MALLORY},
    escrow::ProjectPlan,
    voting::proposed_call,
    AdminCalls, City, Fixture, TokenConfig,
};
use ink::{primitives::AccountId, selector_bytes};

use super::voting::{end_voting, start_voting};

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;
/// One token of 18 decimals.
const ETHER: u128 = 1_000_000_000_000_000_000;
/// A visitor: registered, but not of the governance electorate (the citizens).
const VISITOR: Actor = Actor("lone-visitor");
const SITE_INSPECTOR: Actor = Actor("attack-inspector");

/// A city whose citizens (alice, bob, carol and seven more) govern, with one visitor; the
/// admin seats are held by e-voting.
fn governed_city() -> City {
    Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .crowd("attack-citizen", 7, IdentityKind::Citizen)
        .identity(VISITOR, IdentityKind::Visitor)
        .governed()
        .build()
        .expect("the city is set up")
}

#[test]
fn a_lone_visitor_cannot_take_the_token_admin_seat_by_proposal() {
    // Given a city governed by its ten citizens and a visitor who wants the token's seat.
    let mut city = governed_city();
    let voting = contract_account(&city.voting);
    let seize = proposed_call(
        &city.token,
        selector_bytes!("Admin::offer_admin"),
        VISITOR.account(),
    );
    // When the visitor proposes it (the proposer no longer names an electorate) and
    // votes For alone.
    let proposal = city
        .voting(VISITOR)
        .propose(
            "Make me admin",
            &[seize],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    let poll = city.voting(ADMIN).poll(proposal).value.unwrap();
    assert_eq!(poll.electorate, GOVERNANCE.electorate);
    start_voting(&mut city);
    assert_eq!(
        city.voting(VISITOR)
            .cast_vote(proposal, FOR)
            .expect_refused(),
        VotingError::NotEligible
    );
    end_voting(&mut city);
    // Then the proposal is defeated, cannot be queued or executed, and governance keeps
    // the seat.
    assert_eq!(
        city.voting(ADMIN).state(proposal).expect_accepted(),
        PollState::Defeated
    );
    assert_eq!(
        city.voting(MALLORY).queue(proposal).expect_refused(),
        VotingError::NotSucceeded
    );
    city.advance_time(GOVERNANCE.timelock_ms);
    assert_eq!(
        city.voting(MALLORY).execute(proposal).expect_refused(),
        VotingError::NotQueued
    );
    assert_eq!(city.token(ADMIN).admin().value, voting);
    assert_eq!(city.token(ADMIN).offered_admin().value, None);
    assert_eq!(
        city.token(VISITOR).accept_admin().expect_refused(),
        AdminError::NotOffered
    );
}

#[test]
fn a_poll_may_choose_its_electorate_but_executes_nothing() {
    let mut city = governed_city();
    let visitors = Electorate::people(&[IdentityKind::Visitor]);
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Museum hours?",
            &["late", "early"],
            visitors,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    city.voting(VISITOR).cast_vote(poll, 0).expect_accepted();
    end_voting(&mut city);
    assert_eq!(
        city.voting(ADMIN).state(poll).expect_accepted(),
        PollState::Succeeded
    );
    assert_eq!(
        city.voting(VISITOR).queue(poll).expect_refused(),
        VotingError::NotAProposal
    );
}

#[test]
fn governance_refuses_rules_that_leave_no_line_of_defence() {
    let mut city = governed_city();
    let weak = [
        GovernanceConfig {
            timelock_ms: 0,
            ..GOVERNANCE
        },
        GovernanceConfig {
            timelock_ms: MIN_TIMELOCK_MS - 1,
            ..GOVERNANCE
        },
        GovernanceConfig {
            quorum_bps: 0,
            ..GOVERNANCE
        },
        GovernanceConfig {
            electorate: Electorate::People { kinds: 0 },
            ..GOVERNANCE
        },
    ];
    for config in weak {
        // Not at construction...
        let constructor = harness::call::input(
            selector_bytes!("new"),
            (
                contract_account(&city.registry),
                contract_account(&city.token),
                config,
            ),
        );
        assert!(
            city.deploy("e-voting", constructor).is_err(),
            "{config:?} was accepted at construction"
        );
        // ...nor by an executed proposal: the call fails, and nothing changes.
        let change = proposed_call(&city.voting, selector_bytes!("set_config"), config);
        let proposal = city
            .voting(ALICE)
            .propose("Weaken", &[change], Secrecy::Public, Revoting::Refused)
            .expect_accepted();
        start_voting(&mut city);
        for citizen in [ALICE, BOB, CAROL] {
            city.voting(citizen)
                .cast_vote(proposal, FOR)
                .expect_accepted();
        }
        end_voting(&mut city);
        city.voting(MALLORY).queue(proposal).expect_accepted();
        city.advance_time(GOVERNANCE.timelock_ms);
        assert_eq!(
            city.voting(MALLORY).execute(proposal).expect_refused(),
            VotingError::CallFailed { index: 0 }
        );
        assert_eq!(city.voting(ADMIN).config().value, GOVERNANCE);
    }
}

#[test]
fn a_queued_proposal_keeps_the_timelock_it_was_opened_under() {
    // Given two proposals opened under a two-day timelock: one shortens it to a day.
    let mut city = governed_city();
    let faster = GovernanceConfig {
        timelock_ms: MIN_TIMELOCK_MS,
        ..GOVERNANCE
    };
    let change = proposed_call(&city.voting, selector_bytes!("set_config"), faster);
    let shorten = city
        .voting(ALICE)
        .propose("Faster", &[change], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    let other = city
        .voting(ALICE)
        .propose("Something else", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    for citizen in [ALICE, BOB, CAROL] {
        city.voting(citizen)
            .cast_vote(shorten, FOR)
            .expect_accepted();
        city.voting(citizen).cast_vote(other, FOR).expect_accepted();
    }
    end_voting(&mut city);
    city.voting(MALLORY).queue(shorten).expect_accepted();
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(shorten).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, faster);
    // When the other is queued under the new rules.
    let eta = city.voting(MALLORY).queue(other).expect_accepted();
    // Then it waits the two days it was opened under, not one.
    assert_eq!(eta, city.now_ms() + GOVERNANCE.timelock_ms);
    city.advance_time(faster.timelock_ms);
    assert_eq!(
        city.voting(MALLORY).execute(other).expect_refused(),
        VotingError::TimelockPending
    );
}

#[test]
fn a_card_that_lapsed_before_the_poll_neither_votes_nor_needs_expire() {
    // Given a citizen whose card lapses in an hour, and nobody calls `expire`.
    let mut city = governed_city();
    let lapsing = Actor("lapsing-citizen");
    let soon = city.now_ms() + HOUR_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::Citizen, [0x1a; 32], soon)
        .expect_accepted();
    city.advance_blocks(1);
    city.advance_time(2 * HOUR_MS);
    // When a poll of citizens opens and she votes.
    let citizens = Electorate::people(&[IdentityKind::Citizen]);
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Tram or bus?",
            &["tram", "bus"],
            citizens,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    let proposal = city
        .voting(ALICE)
        .propose("Nothing", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    // Then she is refused in both, and a valid citizen is not.
    for refused in [poll, proposal] {
        assert_eq!(
            city.voting(lapsing).cast_vote(refused, 0).expect_refused(),
            VotingError::NotEligible
        );
    }
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((tally.voters, tally.counted()), (1, 1));
    // A card renewed before the poll opened votes again.
    let tomorrow = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .renew(lapsing, tomorrow)
        .expect_accepted();
    let later = city
        .voting(ADMIN)
        .create_poll(
            "Again?",
            &["yes", "no"],
            citizens,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    city.voting(lapsing).cast_vote(later, 0).expect_accepted();
}

#[test]
fn refunds_of_an_18_decimal_token_never_overflow_and_return_everything() {
    // Given an 18-decimal token and a project of two milestones of 20 and 20 tokens,
    // funded by two funders of 20 tokens each; the first milestone pays 10 tokens.
    let config = TokenConfig {
        decimals: 18,
        cap: u128::MAX,
        initial_supply: u128::MAX / 2,
        ..TokenConfig::default()
    };
    let mut city = City::with_token(config).expect("the suite deploys");
    city.grant_civic_role(CivicRole::Inspector, [SITE_INSPECTOR.account()])
        .expect("the admin grants civic roles");
    let contractor = Actor("big-works");
    let milestone = |amount| MilestonePlan {
        contractor_amount: amount,
        wages: Vec::new(),
        due: 0,
    };
    let plan = ProjectPlan {
        title: [0x18; 32],
        contractor: contractor.account(),
        inspectors: vec![SITE_INSPECTOR.account()],
        milestones: vec![milestone(10 * ETHER), milestone(30 * ETHER)],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    for funder in [ALICE, BOB] {
        city.token(ADMIN)
            .transfer(funder, 20 * ETHER)
            .expect_accepted();
        city.escrow(funder)
            .approve_and_fund(project, 20 * ETHER)
            .expect_accepted();
    }
    city.escrow(SITE_INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    // When the city cancels and both claim (20e18 x 30e18 is beyond a u128).
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    let alice = city.escrow(ALICE).claim_refund(project).expect_accepted();
    let bob = city.escrow(BOB).claim_refund(project).expect_accepted();
    // Then each gets half of the 30 tokens left, and the escrow holds nothing.
    assert_eq!((alice, bob), (15 * ETHER, 15 * ETHER));
    let escrow = contract_account(&city.escrow);
    assert_eq!(city.balance(escrow), 0);
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!(data.held(), 0);
}

#[test]
fn refunds_at_the_edge_of_a_u128_supply_are_claimable_by_every_funder() {
    // Given the largest supply and three funders of nearly all of it.
    let config = TokenConfig {
        decimals: 18,
        cap: u128::MAX,
        initial_supply: u128::MAX,
        ..TokenConfig::default()
    };
    let mut city = City::with_token(config).expect("the suite deploys");
    city.grant_civic_role(CivicRole::Inspector, [SITE_INSPECTOR.account()])
        .expect("the admin grants civic roles");
    let third = u128::MAX / 3;
    let plan = ProjectPlan {
        title: [0x80; 32],
        contractor: Actor("edge-works").account(),
        inspectors: vec![SITE_INSPECTOR.account()],
        milestones: vec![
            MilestonePlan {
                contractor_amount: 7,
                wages: Vec::new(),
                due: 0,
            },
            MilestonePlan {
                contractor_amount: 3 * third - 7,
                wages: Vec::new(),
                due: 0,
            },
        ],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    };
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    let funders = [ALICE, BOB, CAROL];
    for funder in funders {
        city.token(ADMIN).transfer(funder, third).expect_accepted();
        city.escrow(funder)
            .approve_and_fund(project, third)
            .expect_accepted();
    }
    city.escrow(SITE_INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    let claimed: u128 = funders
        .into_iter()
        .map(|funder| city.escrow(funder).claim_refund(project).expect_accepted())
        .sum();
    assert_eq!(claimed, 3 * third - 7);
    assert_eq!(city.balance(contract_account(&city.escrow)), 0);
    assert_eq!(
        city.escrow(ADMIN).project(project).value.unwrap().state,
        ProjectState::Canceled
    );
}

/// A project plan paying `contractor`, inspected by the site inspector, with one worker.
fn works(city: &mut City, contractor: AccountId, worker: AccountId) -> ProjectPlan {
    ProjectPlan {
        title: [0x5e; 32],
        contractor,
        inspectors: vec![SITE_INSPECTOR.account()],
        milestones: vec![MilestonePlan {
            contractor_amount: 100,
            wages: vec![Wage { worker, amount: 10 }],
            due: 0,
        }],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    }
}

#[test]
fn no_suite_contract_can_be_paid_by_a_project() {
    let mut city = City::new().expect("the suite deploys");
    let worker = Actor("honest-worker").account();
    let suite = [
        contract_account(&city.escrow),
        contract_account(&city.token),
        contract_account(&city.registry),
        contract_account(&city.rewards),
        contract_account(&city.voting),
    ];
    city.grant_civic_role(CivicRole::Inspector, [SITE_INSPECTOR.account()])
        .expect("the admin grants civic roles");
    city.grant_civic_role(CivicRole::Inspector, suite)
        .expect("the admin grants civic roles");
    city.grant_civic_role(CivicRole::Worker, [worker])
        .expect("the admin grants civic roles");
    city.grant_civic_role(CivicRole::Worker, suite)
        .expect("the admin grants civic roles");
    for contract in suite {
        let as_contractor = works(&mut city, contract, worker);
        let as_worker = works(&mut city, BOB.account(), contract);
        let mut as_inspector = works(&mut city, BOB.account(), worker);
        as_inspector.inspectors = vec![contract];
        for plan in [as_contractor, as_worker, as_inspector] {
            assert_eq!(
                city.escrow(ADMIN).create_project(&plan).expect_refused(),
                EscrowError::ContractPayee
            );
        }
    }
    assert_eq!(city.escrow(ADMIN).project_count().value, 0);
}

#[test]
fn an_inspector_is_never_paid_by_the_project_it_inspects() {
    let mut city = City::new().expect("the suite deploys");
    let inspector = SITE_INSPECTOR.account();
    city.grant_civic_role(CivicRole::Inspector, [inspector])
        .expect("the admin grants civic roles");
    city.grant_civic_role(CivicRole::Worker, [inspector, ALICE.account()])
        .expect("the admin grants civic roles");
    let as_contractor = works(&mut city, inspector, ALICE.account());
    let as_worker = works(&mut city, BOB.account(), inspector);
    for plan in [as_contractor, as_worker] {
        assert_eq!(
            city.escrow(ADMIN).create_project(&plan).expect_refused(),
            EscrowError::BadInspectors
        );
    }
}

/// A civic city: the escrow and the treasury are service providers; alice (a citizen
/// with the inspector role) and bob (a citizen contractor) hold coins.
fn civic_city() -> City {
    super::escrow_city(&[ALICE], &[ALICE])
}

/// Alice's project paying bob as contractor and carol as worker, 110 in all.
fn citizens_project(city: &mut City) -> u32 {
    let mut plan = works(city, BOB.account(), CAROL.account());
    plan.inspectors = vec![ALICE.account()];
    city.escrow(ALICE).create_project(&plan).expect_accepted()
}

#[test]
fn under_the_civic_policy_a_citizen_cannot_pay_another_through_a_project() {
    // Given the civic policy in force and alice's project for bob.
    let mut city = civic_city();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    let project = citizens_project(&mut city);
    // When alice funds it herself: refused.
    assert_eq!(
        city.escrow(ALICE)
            .approve_and_fund(project, 110)
            .expect_refused(),
        EscrowError::PolicyForbidsFunding
    );
    assert_eq!(city.balance(ALICE), 1_000);
    // The treasury, a service provider, may fund public works, and they pay out.
    city.escrow(ADMIN)
        .approve_and_fund(project, 110)
        .expect_accepted();
    city.escrow(ALICE)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!((city.balance(BOB), city.balance(CAROL)), (100, 10));
}

#[test]
fn a_gift_made_under_the_open_policy_is_paid_as_planned_under_the_civic_one() {
    // Given alice funds her project for bob while the policy is open (a direct transfer
    // to bob was allowed then too).
    let mut city = civic_city();
    let project = citizens_project(&mut city);
    city.escrow(ALICE)
        .approve_and_fund(project, 110)
        .expect_accepted();
    city.escrow(ALICE)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    // When the civic policy comes into force before the release.
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    // Then the release pays as planned: holding gifts back would let one cent given
    // before the switch freeze any project (red_team.rs).
    city.escrow(MALLORY).release(project, 0).expect_accepted();
    assert_eq!((city.balance(BOB), city.balance(CAROL)), (100, 10));
    // But no new gift from a plain holder is taken while the policy holds.
    let again = citizens_project(&mut city);
    assert_eq!(
        city.escrow(ALICE)
            .approve_and_fund(again, 110)
            .expect_refused(),
        EscrowError::PolicyForbidsFunding
    );
}

#[test]
fn a_device_cannot_squat_another_devices_receipts() {
    use city_traits::{kinds, Action, Attestation, Rule};
    // Given two authorised bins and a rule for recyclables.
    let mut city = City::new().expect("the suite deploys");
    let (honest, squatter) = (Actor("honest-bin"), Actor("squatting-bin"));
    city.grant_civic_role(CivicRole::Attester, [honest.account(), squatter.account()])
        .expect("the admin grants civic roles");
    let year = city.now_ms() + 365 * DAY_MS;
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [7; 32], year)
        .expect_accepted();
    for bin in [honest, squatter] {
        city.rewards(ADMIN)
            .authorise_attester(bin, &[Action::Recyclables])
            .expect_accepted();
    }
    let rule = Rule {
        reward: 10,
        per: 100,
        kinds: kinds(&IdentityKind::ALL),
    };
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(rule), 0)
        .expect_accepted();
    // When the squatter takes the honest bin's next receipt ids with 1 g drops.
    let ids: Vec<[u8; 32]> = (0..3u32)
        .map(|n| harness::city::numbered_id(0xb1, n))
        .collect();
    for id in &ids {
        city.rewards(squatter)
            .attest(*id, ALICE, Action::Recyclables, 1)
            .expect_accepted();
    }
    // Then the honest bin's whole batch under those ids is still paid.
    let batch: Vec<Attestation> = ids
        .iter()
        .map(|receipt| Attestation {
            receipt: *receipt,
            beneficiary: ALICE.account(),
            action: Action::Recyclables,
            quantity: 1_000,
        })
        .collect();
    assert_eq!(
        city.rewards(honest).attest_batch(&batch).expect_accepted(),
        300
    );
    assert!(city.rewards(ADMIN).receipt_seen(honest, ids[0]).value);
    assert!(city.rewards(ADMIN).receipt_seen(squatter, ids[0]).value);
    assert!(!city.rewards(ADMIN).receipt_seen(MALLORY, ids[0]).value);
}

#[test]
fn a_proposal_naming_its_own_electorate_is_refused_as_malformed() {
    // The message before the fix took an electorate after the calls: the attack's bytes
    // no longer decode, so the call traps and nothing opens.
    let mut city = governed_city();
    let visitors = Electorate::people(&[IdentityKind::Visitor]);
    let seize = proposed_call(
        &city.token,
        selector_bytes!("Admin::offer_admin"),
        VISITOR.account(),
    );
    let attack = harness::call::input(
        selector_bytes!("propose"),
        (
            "Make me admin".to_string(),
            vec![seize],
            visitors,
            false,
            false,
        ),
    );
    let voting = city.voting.address.clone();
    let refused = city.call::<Result<u32, VotingError>>(&voting, VISITOR, attack);
    assert!(
        refused.is_err(),
        "the old encoding was accepted: {refused:?}"
    );
    assert_eq!(city.voting(ADMIN).poll_count().value, 0);
}
