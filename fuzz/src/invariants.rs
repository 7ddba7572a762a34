//! The named invariants of the suite, checked on the Wasm after every step of a campaign.
//! Each returns the violation it found, in words.

use crate::{Clock, EscrowStep, RewardsStep, TokenStep, VotingStep};
use std::collections::BTreeMap;

use city_traits::Role;
use ink::primitives::AccountId;

use super::{
    attacker,
    projects::{CONTRACTOR, WORKERS},
    Model, Step, ACTORS,
};
use harness::city::{Actor, City, ADMIN};

type Checked = Result<(), String>;

/// The model's state before a step.
pub struct Before {
    balances: BTreeMap<AccountId, u128>,
    supply: u128,
    paused: bool,
    civic: bool,
    /// For an attestation: what its beneficiary and everyone could still earn.
    rewards_left: (u128, u128),
}

impl Before {
    pub fn take(model: &Model, step: &Step) -> Self {
        let rewards_left = match step {
            Step::Rewards(RewardsStep::Attest { beneficiary, .. }) => {
                model.rewards_left(beneficiary.account())
            }
            _ => (0, 0),
        };
        Self {
            balances: model.balances.clone(),
            supply: model.supply,
            paused: model.paused,
            civic: model.civic,
            rewards_left,
        }
    }
}

/// What was read for finished blocks: the supply, and the voting power of each account
/// tracking votes; and the token's admin seat after the last step.
pub struct History {
    supply: Vec<(u32, Option<u128>)>,
    votes: Vec<(u32, AccountId, Option<u128>)>,
    token_seat: attacker::Seat,
}

impl History {
    /// A case's history, from the start where `token_admin` holds the seat, offered to
    /// nobody.
    pub fn new(token_admin: AccountId) -> Self {
        Self {
            supply: Vec::new(),
            votes: Vec::new(),
            token_seat: (token_admin, None),
        }
    }
}

/// How many invariants were checked, and with how many calls.
pub struct Checks {
    pub invariants: u64,
    pub calls: u64,
}

/// Runs the invariant `name` with its arguments; a failure is prefixed with its name.
macro_rules! invariant {
    ($($name:ident)::+, $($argument:expr),* $(,)?) => {
        $($name)::+($($argument),*).map_err(|error| {
            format!("invariant `{}`: {error}", [$(stringify!($name)),+].last().unwrap_or(&""))
        })
    };
}

/// Checks every invariant after `step`, which moved `model` on from `before`, each
/// failure naming its invariant.
pub fn check_all(
    city: &mut City,
    model: &Model,
    before: &Before,
    step: &Step,
    history: &mut History,
) -> Result<Checks, String> {
    let mut calls = 0;
    let mut balances = BTreeMap::new();
    for (actor, _) in ACTORS {
        balances.insert(actor.account(), city.balance(actor));
        calls += 1;
    }
    balances.insert(model.escrow, city.balance(model.escrow));
    calls += 1;
    let supply = city.token(ADMIN).total_supply().value;
    calls += 1;

    invariant!(supply_equals_sum_of_balances, supply, &balances)?;
    invariant!(supply_within_cap, supply, model.cap)?;
    invariant!(balances_match_the_model, &balances, model)?;
    invariant!(
        only_minters_and_burners_change_supply,
        model,
        before,
        supply,
        step
    )?;
    invariant!(paused_means_no_balance_changes, before, &balances)?;
    invariant!(
        civic_policy_forbids_transfers_between_citizens,
        model,
        before,
        &balances,
        step
    )?;
    calls += invariant!(
        allowances_change_only_by_approval_or_spending,
        city,
        model,
        step
    )?;
    calls += invariant!(rewards_minted_equal_the_rewards_attested, city, model)?;
    calls += invariant!(
        caps_and_budgets_are_never_exceeded,
        city,
        model,
        before,
        step
    )?;
    calls += invariant!(a_receipt_is_paid_at_most_once, city, model, step)?;
    calls += invariant!(the_past_never_changes, city, model, step, history)?;
    // The attacker's goals, judged on the Wasm alone.
    let workers = WORKERS.map(|worker| worker.account());
    let payees = (model.escrow, CONTRACTOR.account(), &workers[..]);
    invariant!(
        attacker::no_account_gains_coins_it_was_not_paid,
        &before.balances,
        &balances,
        step,
        payees
    )?;
    let (seat, seat_calls) = invariant!(
        attacker::an_admin_seat_moves_only_through_the_governance_electorate,
        city,
        step,
        history.token_seat,
    )?;
    history.token_seat = seat;
    calls += seat_calls;
    let mut invariants = 13;
    if is_escrow_step(step) {
        calls += invariant!(escrow_funds_are_accounted_for, city, model)?;
        calls += invariant!(no_worker_is_paid_twice, city, model)?;
        calls += invariant!(attacker::every_refund_can_be_claimed, city)?;
        invariants += 3;
    }
    if let Some(poll) = touched_poll(model, step) {
        calls += invariant!(
            nobody_is_counted_twice_and_the_tally_is_the_sum_of_ballots,
            city,
            model,
            poll
        )?;
        calls += invariant!(snapshot_and_deadline_never_change, city, model, poll)?;
        calls += invariant!(
            a_proposal_is_never_both_executed_and_canceled,
            city,
            model,
            poll
        )?;
        calls += invariant!(
            attacker::no_vote_counts_twice_or_from_outside_the_electorate,
            city,
            poll
        )?;
        invariants += 4;
    }
    Ok(Checks { invariants, calls })
}

/// The total supply equals the sum of all balances (the cast holds every token).
fn supply_equals_sum_of_balances(supply: u128, balances: &BTreeMap<AccountId, u128>) -> Checked {
    let sum: u128 = balances.values().sum();
    if supply != sum {
        return Err(format!("supply {supply} but balances sum to {sum}"));
    }
    Ok(())
}

/// The supply never exceeds the cap.
fn supply_within_cap(supply: u128, cap: u128) -> Checked {
    if supply > cap {
        return Err(format!("supply {supply} above the cap {cap}"));
    }
    Ok(())
}

/// Every balance is the model's.
///
/// The first mismatch is reported in the cast's order, the escrow last, never in the order
/// of the addresses: a contract's address follows its code, so that order changed which
/// mismatch a committed regression recorded whenever a contract changed.
fn balances_match_the_model(balances: &BTreeMap<AccountId, u128>, model: &Model) -> Checked {
    let position = |account: &AccountId| {
        ACTORS
            .iter()
            .position(|(actor, _)| actor.account() == *account)
            .unwrap_or(ACTORS.len())
    };
    let mismatch = balances
        .iter()
        .filter(|(account, balance)| **balance != model.balance(**account))
        .min_by_key(|(account, _)| position(account));
    let Some((account, balance)) = mismatch else {
        return Ok(());
    };
    let who = ACTORS
        .get(position(account))
        .map_or("the escrow", |(actor, _)| actor.0);
    Err(format!(
        "{who} holds {balance}, the model says {}",
        model.balance(*account)
    ))
}

/// Only a minter's or burner's call (or an attestation, minting through the rules)
/// changes the supply.
fn only_minters_and_burners_change_supply(
    model: &Model,
    before: &Before,
    supply: u128,
    step: &Step,
) -> Checked {
    let may_change = match step {
        Step::Token(TokenStep::Mint { caller, .. }) => model.holds(caller.account(), Role::Minter),
        Step::Token(TokenStep::Burn { caller, .. }) => model.holds(caller.account(), Role::Burner),
        Step::Rewards(RewardsStep::Attest { .. }) => true,
        _ => false,
    };
    if !may_change && supply != before.supply {
        return Err(format!(
            "{step:?} changed the supply from {} to {supply}",
            before.supply
        ));
    }
    Ok(())
}

/// While the token is paused, no balance changes.
fn paused_means_no_balance_changes(
    before: &Before,
    balances: &BTreeMap<AccountId, u128>,
) -> Checked {
    if before.paused && !same_balances(&before.balances, balances) {
        return Err("a balance changed while the token was paused".into());
    }
    Ok(())
}

/// Under the civic policy, a transfer with no service provider on either side moves
/// nothing.
fn civic_policy_forbids_transfers_between_citizens(
    model: &Model,
    before: &Before,
    balances: &BTreeMap<AccountId, u128>,
    step: &Step,
) -> Checked {
    let (from, to) = match *step {
        Step::Token(TokenStep::Transfer { from, to, .. })
        | Step::Token(TokenStep::TransferFrom { from, to, .. }) => (from, to),
        _ => return Ok(()),
    };
    let provider = |actor: Actor| model.holds(actor.account(), Role::ServiceProvider);
    if before.civic
        && !provider(from)
        && !provider(to)
        && !same_balances(&before.balances, balances)
    {
        return Err(format!("{step:?} moved tokens under the civic policy"));
    }
    Ok(())
}

fn same_balances(before: &BTreeMap<AccountId, u128>, after: &BTreeMap<AccountId, u128>) -> bool {
    after
        .iter()
        .all(|(account, balance)| before.get(account).copied().unwrap_or_default() == *balance)
}

/// An allowance changes only by its owner's approval or by being spent; the pair the step
/// touched holds what the model says.
fn allowances_change_only_by_approval_or_spending(
    city: &mut City,
    model: &Model,
    step: &Step,
) -> Result<u64, String> {
    let (owner, spender) = match *step {
        Step::Token(TokenStep::Approve { owner, spender, .. })
        | Step::Token(TokenStep::IncreaseAllowance { owner, spender, .. })
        | Step::Token(TokenStep::DecreaseAllowance { owner, spender, .. }) => (owner, spender),
        Step::Token(TokenStep::TransferFrom { spender, from, .. }) => (from, spender),
        Step::Token(TokenStep::Burn { caller, from, .. }) => (from, caller),
        _ => return Ok(0),
    };
    let allowance = city.token(ADMIN).allowance(owner, spender).value;
    let expected = model.allowance(owner.account(), spender.account());
    if allowance != expected {
        return Err(format!(
            "{owner:?} lets {spender:?} spend {allowance}, the model says {expected}"
        ));
    }
    Ok(1)
}

/// What the reward rules minted equals the sum of the rewards their attestations paid.
fn rewards_minted_equal_the_rewards_attested(
    city: &mut City,
    model: &Model,
) -> Result<u64, String> {
    let minted = city.rewards(ADMIN).minted_total().value;
    if minted != model.attested {
        return Err(format!(
            "the rules minted {minted}, attestations paid {}",
            model.attested
        ));
    }
    Ok(1)
}

/// An attestation pays no more than its beneficiary's cap left and the budget left in the
/// epoch (limits in force when it is made; lowering them later pays nothing more), and the
/// rules report what is left as the model does.
fn caps_and_budgets_are_never_exceeded(
    city: &mut City,
    model: &Model,
    before: &Before,
    step: &Step,
) -> Result<u64, String> {
    let Step::Rewards(RewardsStep::Attest { beneficiary, .. }) = *step else {
        return Ok(0);
    };
    // What the Wasm paid: the beneficiary's balance now, over before the step.
    let paid = city.balance(beneficiary).saturating_sub(
        before
            .balances
            .get(&beneficiary.account())
            .copied()
            .unwrap_or_default(),
    );
    let (cap_before, budget_before) = before.rewards_left;
    if paid > cap_before || paid > budget_before {
        return Err(format!(
            "{beneficiary:?} was paid {paid} with {cap_before} of cap and {budget_before} of budget left"
        ));
    }
    let cap_left = city.rewards(ADMIN).remaining_cap(beneficiary).value;
    let budget_left = city.rewards(ADMIN).remaining_budget().value;
    let expected = model.rewards_left(beneficiary.account());
    if (cap_left, budget_left) != expected {
        return Err(format!(
            "{beneficiary:?} may still earn {cap_left} and all {budget_left}; the model says {expected:?}"
        ));
    }
    Ok(3)
}

/// the model predicts `ReceiptSeen` and the outcomes are compared).
fn a_receipt_is_paid_at_most_once(
    city: &mut City,
    model: &Model,
    step: &Step,
) -> Result<u64, String> {
    let Step::Rewards(RewardsStep::Attest {
        attester, receipt, ..
    }) = *step
    else {
        return Ok(0);
    };
    let seen = city
        .rewards(ADMIN)
        .receipt_seen(attester, [receipt; 32])
        .value;
    let paid = model.receipts.contains(&(attester.account(), receipt));
    if seen != paid {
        return Err(format!(
            "{attester:?}'s receipt {receipt} seen: {seen}; paid per the model: {paid}"
        ));
    }
    Ok(1)
}

/// What `votes_at` and `total_supply_at` say of a block just finished is what the model's
/// history says, and it never changes after.
fn the_past_never_changes(
    city: &mut City,
    model: &Model,
    step: &Step,
    history: &mut History,
) -> Result<u64, String> {
    if !matches!(
        step,
        Step::Clock(Clock::NextBlocks { .. }) | Step::Clock(Clock::NextDay)
    ) {
        return Ok(0);
    }
    let mut calls = 0;
    for &(block, supply) in &history.supply {
        let now = city.token(ADMIN).total_supply_at(block).value.ok();
        calls += 1;
        if now != supply {
            return Err(format!(
                "the supply at block {block} now reads {now:?}, once {supply:?}"
            ));
        }
    }
    for &(block, account, votes) in &history.votes {
        let now = city.token(ADMIN).votes_at(account, block).value.ok();
        calls += 1;
        if now != votes {
            return Err(format!(
                "the votes of {account:?} at block {block} now read {now:?}, once {votes:?}"
            ));
        }
    }
    // The block just finished, as the token and the model's own history tell it.
    let finished = city.block() - 1;
    let supply = city.token(ADMIN).total_supply_at(finished).value.ok();
    let modelled = model.identities.supply_at(finished);
    if supply != Some(modelled) {
        return Err(format!(
            "the supply at block {finished} reads {supply:?}, the model says {modelled}"
        ));
    }
    history.supply.push((finished, supply));
    calls += 1;
    for account in &model.tracking {
        let votes = city.token(ADMIN).votes_at(*account, finished).value.ok();
        let modelled = model.identities.power_at(*account, finished);
        if votes != Some(modelled) {
            return Err(format!(
                "the votes of {account:?} at block {finished} read {votes:?}, the model says \
                 {modelled}"
            ));
        }
        history.votes.push((finished, *account, votes));
        calls += 1;
    }
    Ok(calls)
}

/// The poll a voting step touched, if it exists: the one it named, or the one it opened.
fn touched_poll(model: &Model, step: &Step) -> Option<u8> {
    let poll = match *step {
        Step::Voting(VotingStep::Vote { poll, .. })
        | Step::Voting(VotingStep::Commit { poll, .. })
        | Step::Voting(VotingStep::Reveal { poll, .. })
        | Step::Voting(VotingStep::CancelPoll { poll, .. })
        | Step::Voting(VotingStep::Queue { poll, .. })
        | Step::Voting(VotingStep::Execute { poll, .. }) => poll,
        Step::Voting(VotingStep::OpenPoll { .. }) | Step::Voting(VotingStep::Propose { .. }) => {
            u8::try_from(model.polls.polls.len().checked_sub(1)?).ok()?
        }
        _ => return None,
    };
    (usize::from(poll) < model.polls.polls.len()).then_some(poll)
}

/// Each voter counts once, and the tally is the sum of the ballots' weights (one each).
fn nobody_is_counted_twice_and_the_tally_is_the_sum_of_ballots(
    city: &mut City,
    model: &Model,
    poll: u8,
) -> Result<u64, String> {
    let expected = &model.polls.polls[usize::from(poll)];
    let tally = city
        .voting(ADMIN)
        .tally(poll.into())
        .value
        .ok_or_else(|| format!("poll {poll} has no tally"))?;
    if tally.voters as usize != expected.ballots.len()
        || tally.unrevealed as usize != expected.sealed.len()
    {
        return Err(format!(
            "poll {poll} counts {} voters and {} sealed ballots for {} and {}",
            tally.voters,
            tally.unrevealed,
            expected.ballots.len(),
            expected.sealed.len()
        ));
    }
    if tally.votes != expected.tally() {
        return Err(format!(
            "poll {poll} tallies {:?}, its ballots sum to {:?}",
            tally.votes,
            expected.tally()
        ));
    }
    Ok(1)
}

/// A poll's snapshot and deadline are those fixed when it opened.
fn snapshot_and_deadline_never_change(
    city: &mut City,
    model: &Model,
    poll: u8,
) -> Result<u64, String> {
    let expected = &model.polls.polls[usize::from(poll)];
    let data = city
        .voting(ADMIN)
        .poll(poll.into())
        .value
        .ok_or_else(|| format!("poll {poll} is unknown"))?;
    if (data.snapshot, data.deadline) != (expected.snapshot, expected.deadline) {
        return Err(format!(
            "poll {poll} runs from {} to {}, it opened for {} to {}",
            data.snapshot, data.deadline, expected.snapshot, expected.deadline
        ));
    }
    Ok(1)
}

/// A poll is in the model's state: in particular, never executed once canceled nor
/// canceled once executed.
fn a_proposal_is_never_both_executed_and_canceled(
    city: &mut City,
    model: &Model,
    poll: u8,
) -> Result<u64, String> {
    let expected =
        model.polls.polls[usize::from(poll)].state(model.block, model.now_ms, &model.identities);
    let state = city.voting(ADMIN).state(poll.into()).value;
    if state != Ok(expected) {
        return Err(format!(
            "poll {poll} is {state:?}, the model says {expected:?}"
        ));
    }
    Ok(1)
}

fn is_escrow_step(step: &Step) -> bool {
    matches!(
        step,
        Step::Escrow(EscrowStep::Fund { .. })
            | Step::Escrow(EscrowStep::Inspect { .. })
            | Step::Escrow(EscrowStep::Dispute { .. })
            | Step::Escrow(EscrowStep::Resolve { .. })
            | Step::Escrow(EscrowStep::Release { .. })
            | Step::Escrow(EscrowStep::CancelProject { .. })
            | Step::Escrow(EscrowStep::ClaimRefund { .. })
    )
}

/// Per project, funded = released + refunded + held, as the model says, and the escrow's
/// token balance is what it holds.
fn escrow_funds_are_accounted_for(city: &mut City, model: &Model) -> Result<u64, String> {
    let project = city
        .escrow(ADMIN)
        .project(0)
        .value
        .ok_or("the fuzzed project is gone")?;
    let expected = &model.project;
    let ledger = (
        project.funded,
        project.released,
        project.refunded,
        project.state,
    );
    let modelled = (
        expected.funded,
        expected.released,
        expected.refunded,
        expected.state,
    );
    if ledger != modelled {
        return Err(format!(
            "the project's ledger is {ledger:?}, the model says {modelled:?}"
        ));
    }
    if project.funded != project.released + project.refunded + project.held() {
        return Err(format!("the project's ledger does not add up: {project:?}"));
    }
    let balance = city.balance(model.escrow);
    if balance != project.held() {
        return Err(format!(
            "the escrow holds {balance} tokens for {} of funds",
            project.held()
        ));
    }
    Ok(2)
}

/// Each worker was paid exactly the wages of the milestones released, never twice, in the
/// escrow's own account (`account(project, worker).paid`, worked out from the rolls); the
/// coins each worker holds are `balances_match_the_model`'s to check.
fn no_worker_is_paid_twice(city: &mut City, model: &Model) -> Result<u64, String> {
    for worker in WORKERS {
        let paid = city.escrow(ADMIN).paid_to_worker(0, worker).value;
        let expected = model
            .project
            .paid
            .get(&worker.account())
            .copied()
            .unwrap_or_default();
        if paid != expected {
            return Err(format!(
                "{worker:?} was paid {paid}, the released wages are {expected}"
            ));
        }
    }
    Ok(WORKERS.len() as u64)
}
