//! The fresh-context red team's attacks on the fixed suite (audits/2026-12-01-attacker-
//! review.md), each played on the real Wasm. Every test asserts the SAFE outcome: a
//! passing test is an attack that was refused. Three worked when they were written (R-1
//! to R-3 in the review) and were fixed; their tests say so.

use city_traits::{
    commitment, kinds, Action, Attestation, CivicRole, Electorate, EscrowError, GovernanceConfig,
    IdentityKind, MilestonePlan, PollState, Revoting, RewardError, Rule, Secrecy, TransferPolicy,
    VotingError, Wage, FOR,
};
use harness::{
    call::input,
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE, MALLORY},
    escrow::ProjectPlan,
    voting::proposed_call,
    City, Fixture,
};
use ink::{primitives::AccountId, selector_bytes};

use super::voting::{end_voting, open_poll, start_voting};

const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 24 * HOUR_MS;
const INSPECTOR: Actor = Actor("red-team-inspector");
const OTHER_INSPECTOR: Actor = Actor("red-team-other-inspector");
const BIN: Actor = Actor("red-team-bin");

/// The crowd of seven more citizens in [`citizens_city`].
pub const CROWD: &str = "red-team-citizen";

/// A city governed by its ten citizens (alice, bob, carol and seven of [`CROWD`]), the
/// admin a registrar and the guardian; the admin seats are held by e-voting.
pub fn citizens_city() -> City {
    Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .crowd(CROWD, 7, IdentityKind::Citizen)
        .governed()
        .build()
        .expect("the city is set up")
}

fn citizens() -> Electorate {
    Electorate::people(&[IdentityKind::Citizen])
}

/// Alice, bob and carol vote For `proposal`, voting ends, anyone queues it and waits out
/// the timelock.
pub fn pass_and_wait(city: &mut City, proposal: u32) {
    start_voting(city);
    for citizen in [ALICE, BOB, CAROL] {
        city.voting(citizen)
            .cast_vote(proposal, FOR)
            .expect_accepted();
    }
    end_voting(city);
    city.voting(MALLORY).queue(proposal).expect_accepted();
    city.advance_time(GOVERNANCE.timelock_ms);
}

/// The address the admin's next deployment of a second escrow will have, without
/// deploying it, and its constructor (whose input differs from the suite's escrow's, which
/// would give that escrow's address).
pub fn future_contract(city: &mut City) -> (AccountId, Vec<u8>) {
    let constructor = input(
        selector_bytes!("new"),
        (
            contract_account(&city.token),
            contract_account(&city.voting),
        ),
    );
    let before = city.snapshot();
    let probe = city
        .deploy("project-escrow", constructor.clone())
        .expect("the probe deploys");
    let future = contract_account(&probe);
    city.restore(&before);
    (future, constructor)
}

// ---------------------------------------------------------------------------------------
// E-voting and the registry's history
// ---------------------------------------------------------------------------------------

#[test]
fn a_card_lapsed_at_the_opening_and_renewed_after_the_snapshot_does_not_vote() {
    let mut city = citizens_city();
    let lapsing = Actor("red-team-lapsing");
    let soon = city.now_ms() + HOUR_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::Citizen, [0x61; 32], soon)
        .expect_accepted();
    city.advance_blocks(1);
    city.advance_time(2 * HOUR_MS);
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Tram?",
            &["yes", "no"],
            citizens(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    // The registrar renews the card once the snapshot is over: it does not reach back.
    let tomorrow = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .renew(lapsing, tomorrow)
        .expect_accepted();
    city.advance_blocks(1);
    assert_eq!(
        city.voting(lapsing).cast_vote(poll, 0).expect_refused(),
        VotingError::NotEligible
    );
}

#[test]
fn kind_valid_at_judges_each_expiry_at_its_own_block_and_renewals_change_no_count() {
    let mut city = Fixture::new()
        .registrar()
        .build()
        .expect("the city is set up");
    let who = Actor("red-team-card");
    let expiry = city.now_ms() + DAY_MS;
    city.registry(ADMIN)
        .register(who, IdentityKind::Citizen, [0x62; 32], expiry)
        .expect_accepted();
    let registered = city.block();
    city.advance_blocks(1);
    let valid = |city: &mut City, block, time| {
        city.registry(MALLORY)
            .kind_valid_at(who, block, time)
            .expect_accepted()
    };
    assert_eq!(
        valid(&mut city, registered, expiry - 1),
        Some(IdentityKind::Citizen)
    );
    assert_eq!(
        valid(&mut city, registered, expiry),
        None,
        "at the expiry it lapsed"
    );
    assert_eq!(valid(&mut city, registered, u64::MAX), None);
    // The current block is refused, whatever the time asked.
    let now = city.block();
    assert!(city
        .registry(MALLORY)
        .kind_valid_at(who, now, 0)
        .value
        .is_err());
    // A renewal is a checkpoint of its own block, not of the earlier ones.
    let later = expiry + 30 * DAY_MS;
    city.registry(ADMIN).renew(who, later).expect_accepted();
    let renewed = city.block();
    city.advance_blocks(1);
    assert_eq!(
        valid(&mut city, renewed, expiry),
        Some(IdentityKind::Citizen)
    );
    assert_eq!(valid(&mut city, registered, expiry), None);
    let counts = |city: &mut City, block| {
        city.registry(MALLORY)
            .eligible_counts_at(block)
            .expect_accepted()
    };
    assert_eq!(counts(&mut city, renewed), counts(&mut city, registered));
    // A revoked card is valid at no time.
    city.registry(ADMIN).revoke(who).expect_accepted();
    let revoked = city.block();
    city.advance_blocks(1);
    assert_eq!(valid(&mut city, revoked, 0), None);
    assert_eq!(counts(&mut city, revoked)[IdentityKind::Citizen.index()], 0);
}

#[test]
fn revoking_and_re_registering_a_voter_gives_no_second_vote_and_newcomers_none() {
    let mut city = citizens_city();
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Park?",
            &["north", "south"],
            citizens(),
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    // The registrar revokes alice and registers her again, with her own document.
    let year = city.now_ms() + 365 * DAY_MS;
    city.registry(ADMIN).revoke(ALICE).expect_accepted();
    city.registry(ADMIN)
        .register(ALICE, IdentityKind::Citizen, [1; 32], year)
        .expect_accepted();
    let newcomer = Actor("red-team-newcomer");
    city.registry(ADMIN)
        .register(newcomer, IdentityKind::Citizen, [0x63; 32], year)
        .expect_accepted();
    city.advance_blocks(1);
    assert_eq!(
        city.voting(ALICE).cast_vote(poll, 1).expect_refused(),
        VotingError::AlreadyVoted
    );
    assert_eq!(
        city.voting(newcomer).cast_vote(poll, 1).expect_refused(),
        VotingError::NotEligible
    );
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((tally.voters, tally.counted()), (1, 1));
}

#[test]
fn tokens_moved_after_the_snapshot_do_not_vote_twice() {
    let mut city = super::voting::city();
    city.token(MALLORY).track_votes().expect_accepted();
    city.advance_blocks(1);
    let poll = open_poll(
        &mut city,
        Electorate::Tokens,
        Secrecy::Public,
        Revoting::Refused,
    );
    start_voting(&mut city);
    city.voting(ALICE).cast_vote(poll, 0).expect_accepted();
    // Alice hands her 3,000 to mallory, who tracks votes; then to bob, who does too.
    city.token(ALICE).transfer(MALLORY, 3_000).expect_accepted();
    assert_eq!(
        city.voting(MALLORY).cast_vote(poll, 0).expect_refused(),
        VotingError::NotEligible
    );
    city.token(MALLORY).transfer(BOB, 3_000).expect_accepted();
    city.voting(BOB).cast_vote(poll, 0).expect_accepted();
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!(
        tally.votes_for(0),
        3_000 + 1_000,
        "alice's and bob's snapshot power"
    );
}

#[test]
fn a_copied_commitment_cannot_be_revealed_by_the_copier() {
    let mut city = citizens_city();
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Secret?",
            &["a", "b"],
            citizens(),
            Secrecy::Secret,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    let salt = [0x5a; 32];
    let alices = commitment(poll, ALICE.account(), 1, salt);
    city.voting(ALICE)
        .commit_vote(poll, alices)
        .expect_accepted();
    // Bob copies alice's commitment, then tries to reveal her choice and salt.
    city.voting(BOB).commit_vote(poll, alices).expect_accepted();
    end_voting(&mut city);
    assert_eq!(
        city.voting(BOB).reveal_vote(poll, 1, salt).expect_refused(),
        VotingError::BadReveal
    );
    assert_eq!(
        city.voting(ALICE)
            .reveal_vote(poll, 0, salt)
            .expect_refused(),
        VotingError::BadReveal,
        "alice cannot change her choice at reveal"
    );
    city.voting(ALICE)
        .reveal_vote(poll, 1, salt)
        .expect_accepted();
    assert_eq!(
        city.voting(ALICE)
            .reveal_vote(poll, 1, salt)
            .expect_refused(),
        VotingError::NothingToReveal,
        "revealed once"
    );
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!(
        (tally.votes_for(1), tally.voters, tally.unrevealed),
        (1, 1, 1)
    );
}

#[test]
fn only_governance_or_the_guardian_moves_the_guardian_seat_and_the_rules() {
    let mut city = citizens_city();
    assert_eq!(
        city.voting(MALLORY)
            .set_guardian(MALLORY.account())
            .expect_refused(),
        VotingError::NotGovernance
    );
    assert_eq!(
        city.voting(ALICE).set_config(GOVERNANCE).expect_refused(),
        VotingError::NotGovernance
    );
    let proposal = city
        .voting(ALICE)
        .propose("Nothing", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    assert_eq!(
        city.voting(MALLORY).cancel(proposal).expect_refused(),
        VotingError::NotAllowed
    );
    start_voting(&mut city);
    // The proposer may not pull a proposal once voting started; the guardian may.
    assert_eq!(
        city.voting(ALICE).cancel(proposal).expect_refused(),
        VotingError::NotCancelable
    );
    city.voting(ADMIN).cancel(proposal).expect_accepted();
    assert_eq!(
        city.voting(BOB).cast_vote(proposal, FOR).expect_refused(),
        VotingError::VotingClosed
    );
    assert_eq!(city.voting(ADMIN).guardian().value, ADMIN.account());
}

#[test]
fn a_passed_proposal_runs_once_and_a_canceled_one_never() {
    let mut city = citizens_city();
    let once = city
        .voting(ALICE)
        .propose("Once", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    let killed = city
        .voting(ALICE)
        .propose("Killed", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    start_voting(&mut city);
    for citizen in [ALICE, BOB, CAROL] {
        city.voting(citizen).cast_vote(once, FOR).expect_accepted();
        city.voting(citizen)
            .cast_vote(killed, FOR)
            .expect_accepted();
    }
    end_voting(&mut city);
    city.voting(MALLORY).queue(once).expect_accepted();
    city.voting(MALLORY).queue(killed).expect_accepted();
    assert_eq!(
        city.voting(MALLORY).execute(once).expect_refused(),
        VotingError::TimelockPending
    );
    city.voting(ADMIN).cancel(killed).expect_accepted();
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(once).expect_accepted();
    assert_eq!(
        city.voting(MALLORY).execute(once).expect_refused(),
        VotingError::NotQueued
    );
    assert_eq!(
        city.voting(MALLORY).queue(once).expect_refused(),
        VotingError::NotSucceeded
    );
    assert_eq!(
        city.voting(MALLORY).execute(killed).expect_refused(),
        VotingError::NotQueued
    );
    assert_eq!(
        city.voting(ADMIN).state(killed).expect_accepted(),
        PollState::Canceled
    );
}

#[test]
fn no_threshold_locks_governance_out_because_the_guardian_seat_never_empties() {
    // one passed proposal removed the guardian and set a proposal threshold nobody
    // reaches; nobody could ever propose again. Now the seat cannot be emptied (nor given
    // to the zero account or a contract), and the guardian may always propose.
    let mut city = citizens_city();
    let nobody = proposed_call(
        &city.voting,
        selector_bytes!("set_guardian"),
        AccountId::from([0; 32]),
    );
    let empty = city
        .voting(ALICE)
        .propose("No guardian", &[nobody], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, empty);
    assert_eq!(
        city.voting(MALLORY).execute(empty).expect_refused(),
        VotingError::CallFailed { index: 0 }
    );
    let unreachable = GovernanceConfig {
        proposal_threshold: u128::MAX,
        ..GOVERNANCE
    };
    let lock = proposed_call(&city.voting, selector_bytes!("set_config"), unreachable);
    let proposal = city
        .voting(ALICE)
        .propose("Lock", &[lock], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, proposal);
    city.voting(MALLORY).execute(proposal).expect_accepted();
    city.advance_blocks(1);
    // A citizen, a member of the governance electorate, may still propose; an outsider
    // may not.
    city.voting(ALICE)
        .propose("Undo", &[], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    assert_eq!(
        city.voting(MALLORY)
            .propose("Undo", &[], Secrecy::Public, Revoting::Refused)
            .expect_refused(),
        VotingError::BelowThreshold
    );
    // And the guardian proposes the way back.
    let undo = proposed_call(&city.voting, selector_bytes!("set_config"), GOVERNANCE);
    let way_back = city
        .voting(ADMIN)
        .propose("Undo", &[undo], Secrecy::Public, Revoting::Refused)
        .expect_accepted();
    pass_and_wait(&mut city, way_back);
    city.voting(MALLORY).execute(way_back).expect_accepted();
    assert_eq!(city.voting(ADMIN).config().value, GOVERNANCE);
    assert_eq!(city.voting(ADMIN).guardian().value, ADMIN.account());
}

// ---------------------------------------------------------------------------------------
// The project escrow
// ---------------------------------------------------------------------------------------

/// A city whose treasury (the admin) and escrow are service providers, with an inspector,
/// a second inspector not on the project, carol a worker and coins for alice, dave and
/// mallory.
fn escrow_city() -> City {
    super::escrow_city(&[INSPECTOR, OTHER_INSPECTOR], &[ALICE, DAVE, MALLORY])
}

/// Two milestones of 100 to bob and 10 to carol each: 220 in all.
fn two_milestones(city: &mut City, contractor: AccountId) -> ProjectPlan {
    let milestone = MilestonePlan {
        contractor_amount: 100,
        wages: vec![Wage {
            worker: CAROL.account(),
            amount: 10,
        }],
        due: 0,
    };
    ProjectPlan {
        title: [0x7e; 32],
        contractor,
        inspectors: vec![INSPECTOR.account()],
        milestones: vec![milestone.clone(), milestone],
        funding_deadline: city.now_ms() + DAY_MS,
        needs_approval: false,
    }
}

#[test]
fn strangers_cannot_inspect_release_out_of_order_dispute_or_cancel() {
    let mut city = escrow_city();
    let plan = two_milestones(&mut city, BOB.account());
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ALICE)
        .approve_and_fund(project, 220)
        .expect_accepted();
    for stranger in [MALLORY, OTHER_INSPECTOR, BOB] {
        assert_eq!(
            city.escrow(stranger)
                .approve_milestone(project, 0, [1; 32])
                .expect_refused(),
            EscrowError::NotInspector
        );
    }
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 1, [1; 32])
            .expect_refused(),
        EscrowError::NotCurrentMilestone
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 0).expect_refused(),
        EscrowError::WrongMilestoneState
    );
    assert_eq!(
        city.escrow(MALLORY).release(project, 1).expect_refused(),
        EscrowError::NotCurrentMilestone
    );
    assert_eq!(
        city.escrow(BOB).open_dispute(project, 0).expect_refused(),
        EscrowError::WrongMilestoneState
    );
    assert_eq!(
        city.escrow(MALLORY)
            .resolve_dispute(project, 0, true)
            .expect_refused(),
        EscrowError::NotAdmin
    );
    city.advance_time(2 * DAY_MS);
    assert_eq!(
        city.escrow(MALLORY)
            .cancel_project(project)
            .expect_refused(),
        EscrowError::NotCancelable,
        "funded in time: only the admin cancels"
    );
    // An inspector who lost the registry's role no longer inspects.
    city.registry(ADMIN)
        .revoke_role(CivicRole::Inspector, INSPECTOR)
        .expect_accepted();
    assert_eq!(
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [1; 32])
            .expect_refused(),
        EscrowError::NotInspector
    );
    assert_eq!((city.balance(BOB), city.balance(CAROL)), (0, 0));
}

#[test]
fn refunds_are_claimed_once_by_funders_only_and_donations_belong_to_no_project() {
    let mut city = escrow_city();
    let escrow = contract_account(&city.escrow);
    let plan = two_milestones(&mut city, BOB.account());
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ALICE)
        .approve_and_fund(project, 120)
        .expect_accepted();
    city.escrow(DAVE)
        .approve_and_fund(project, 100)
        .expect_accepted();
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_refused(),
        EscrowError::NotCanceled
    );
    // Mallory sends coins straight to the escrow, hoping to claim them as a refund.
    city.token(MALLORY).transfer(escrow, 500).expect_accepted();
    city.escrow(ADMIN).cancel_project(project).expect_accepted();
    assert_eq!(
        city.escrow(MALLORY).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_accepted(),
        120
    );
    assert_eq!(
        city.escrow(ALICE).claim_refund(project).expect_refused(),
        EscrowError::NothingToRefund
    );
    // The last funder gets what the project holds, not the donation.
    assert_eq!(
        city.escrow(DAVE).claim_refund(project).expect_accepted(),
        100
    );
    assert_eq!(city.balance(escrow), 500);
    assert_eq!(city.balance(MALLORY), 500);
}

#[test]
fn under_the_civic_policy_a_holder_cannot_fund_even_a_treasury_project() {
    let mut city = escrow_city();
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    let plan = two_milestones(&mut city, BOB.account());
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    city.escrow(ADMIN)
        .approve_and_fund(project, 100)
        .expect_accepted();
    assert_eq!(
        city.escrow(MALLORY)
            .approve_and_fund(project, 1)
            .expect_refused(),
        EscrowError::PolicyForbidsFunding
    );
    let data = city.escrow(ADMIN).project(project).value.unwrap();
    assert_eq!((data.funded, data.funders), (100, 1));
}

#[test]
fn a_one_cent_gift_under_the_open_policy_does_not_freeze_a_treasury_project_under_civic() {
    // Given a public work of the treasury (a service provider) that is being funded while
    // the policy is still open, as it is before the city's civic step.
    let mut city = escrow_city();
    let mut plan = two_milestones(&mut city, BOB.account());
    plan.milestones.truncate(1);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    // When mallory, a plain holder, gives one cent of it, and the treasury the rest.
    city.escrow(MALLORY)
        .approve_and_fund(project, 1)
        .expect_accepted();
    city.escrow(ADMIN)
        .approve_and_fund(project, 109)
        .expect_accepted();
    // And the city then turns the civic policy on.
    city.token(ADMIN)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    city.escrow(INSPECTOR)
        .approve_milestone(project, 0, [1; 32])
        .expect_accepted();
    // Then the inspected milestone still pays the worker and the contractor (R-1: the
    // first fix held back every project holding a plain holder's gift, so one cent froze
    // it for as long as `Civic` held).
    let released = city.escrow(MALLORY).release(project, 0).value;
    assert_eq!(
        released,
        Ok(2),
        "one cent from a plain holder froze the treasury's project"
    );
}

#[test]
fn a_contract_instantiated_after_the_project_is_never_paid_as_its_contractor() {
    // the `ContractPayee` check ran once, at creation. A contract address is known
    // before the contract exists (the contracts pallet derives it from the deployer, the
    // code, the constructor input and the salt), so a project could name one as its
    // contractor, instantiated afterwards: here a second escrow, which has no ledger entry
    // for the coins and can never move them. Now each payment checks its payee again.
    let mut city = escrow_city();
    let (future, constructor) = future_contract(&mut city);
    let plan = two_milestones(&mut city, future);
    let project = city.escrow(ADMIN).create_project(&plan).value;
    let deployed = city
        .deploy("project-escrow", constructor)
        .expect("the contract deploys at the address it was named by");
    assert_eq!(contract_account(&deployed), future);
    if let Ok(project) = project {
        city.escrow(ADMIN)
            .approve_and_fund(project, 220)
            .expect_accepted();
        city.escrow(INSPECTOR)
            .approve_milestone(project, 0, [1; 32])
            .expect_accepted();
        let released = city.escrow(MALLORY).release(project, 0).value;
        // Safe outcome: no coin of the project lands in a code account.
        assert_eq!(
            city.balance(future),
            0,
            "the escrow paid a contract as its contractor (release answered {released:?})"
        );
        assert_eq!(released, Err(EscrowError::ContractPayee));
    }
}

// ---------------------------------------------------------------------------------------
// The reward rules
// ---------------------------------------------------------------------------------------

/// Alice a citizen, a bin authorised for recyclables (10 per 100 g, every kind).
fn rewards_city() -> City {
    let mut city = Fixture::new()
        .citizens([ALICE])
        .civic_role(CivicRole::Attester, BIN)
        .build()
        .expect("the city is set up");
    city.rewards(ADMIN)
        .authorise_attester(BIN, &[Action::Recyclables])
        .expect_accepted();
    let rule = Rule {
        reward: 10,
        per: 100,
        kinds: kinds(&IdentityKind::ALL),
    };
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(rule), 0)
        .expect_accepted();
    city
}

fn drop_of(receipt: [u8; 32], beneficiary: impl Into<AccountId>, grams: u128) -> Attestation {
    Attestation {
        receipt,
        beneficiary: beneficiary.into(),
        action: Action::Recyclables,
        quantity: grams,
    }
}

#[test]
fn a_device_cannot_replay_a_receipt_within_a_batch_or_after_it() {
    let mut city = rewards_city();
    let receipt = [0x71; 32];
    let doubled = [
        drop_of(receipt, ALICE, 1_000),
        drop_of(receipt, ALICE, 1_000),
    ];
    let refused = city.rewards(BIN).attest_batch(&doubled).expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (1, RewardError::ReceiptSeen)
    );
    assert_eq!(city.balance(ALICE), 0, "nothing of the batch was applied");
    assert!(!city.rewards(MALLORY).receipt_seen(BIN, receipt).value);
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt, ALICE, Action::Recyclables, 1_000)
            .expect_accepted(),
        100
    );
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt, ALICE, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::ReceiptSeen
    );
}

#[test]
fn only_an_authorised_device_with_the_role_reports_and_only_its_actions() {
    let mut city = rewards_city();
    // Mallory holds neither; the bin reports an action it was not authorised for.
    assert_eq!(
        city.rewards(MALLORY)
            .attest([1; 32], MALLORY, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    assert_eq!(
        city.rewards(BIN)
            .attest([2; 32], ALICE, Action::TaxPaid, 1_000)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    // A registrar authorising a device in the registry is not enough...
    city.registry(ADMIN)
        .grant_role(CivicRole::Attester, MALLORY)
        .expect_accepted();
    assert_eq!(
        city.rewards(MALLORY)
            .attest([3; 32], ALICE, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    // ...and a device that lost the registry's role is refused although authorised here.
    city.registry(ADMIN)
        .revoke_role(CivicRole::Attester, BIN)
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest([4; 32], ALICE, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    assert_eq!(city.balance(ALICE), 0);
}

#[test]
fn a_lapsed_card_earns_no_reward() {
    let mut city = rewards_city();
    let lapsing = Actor("red-team-lapsing-earner");
    let soon = city.now_ms() + HOUR_MS;
    city.registry(ADMIN)
        .register(lapsing, IdentityKind::Citizen, [0x72; 32], soon)
        .expect_accepted();
    city.advance_time(2 * HOUR_MS);
    assert_eq!(
        city.rewards(BIN)
            .attest([5; 32], lapsing, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotEligible
    );
    assert_eq!(city.balance(lapsing), 0);
}
