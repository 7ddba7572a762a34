//! The attacker's goals, as invariants that state outcomes. They read the Wasm (and the
//! step that was played), never the reference model: a model that shared a flaw with the
//! contracts would agree with it, as the governance takeover showed (audits/
//! 2026-12-01-attacker-review.md).

use crate::{EscrowStep, RewardsStep, TokenStep, VotingStep};
use std::collections::BTreeMap;

use city_traits::{
    Electorate, IdentityKind, Poll, PollId, PollKind, ProjectState, Role, TransferPolicy, Vote,
    AGAINST, FOR,
};
use ink::primitives::AccountId;

use super::{Step, ACTORS};
use harness::{
    city::{City, ADMIN},
    AdminCalls,
};

type Calls = Result<u64, String>;

/// The token's admin seat as the Wasm answers: its holder, and whom it is offered to.
pub type Seat = (AccountId, Option<AccountId>);

/// An admin seat moves only to the account its holder offered it to, when that account
/// accepts. While a person holds it, only that person offers it; once governance holds
/// it, or accepts it, only an executed proposal that the governance electorate decided
/// does: quorum of the electorate at the snapshot, more For than Against, and every
/// counted ballot from a member of it.
pub fn an_admin_seat_moves_only_through_the_governance_electorate(
    city: &mut City,
    step: &Step,
    before: Seat,
) -> Result<(Seat, u64), String> {
    let seat = (
        city.token(ADMIN).admin().value,
        city.token(ADMIN).offered_admin().value,
    );
    if seat == before {
        return Ok((seat, 2));
    }
    let voting = harness::city::contract_account(&city.voting);
    let ((holder_before, offered_before), (holder, offered)) = (before, seat);
    if holder != holder_before {
        if offered_before != Some(holder) {
            return Err(format!(
                "the token's admin seat moved from {holder_before:?} to {holder:?}, which it \
                 was not offered to, by {step:?}"
            ));
        }
        let accepted = matches!(*step, Step::Token(TokenStep::AcceptTokenAdmin { caller }) if caller.account() == holder);
        if accepted && offered.is_none() {
            return Ok((seat, 2));
        }
        if holder != voting {
            return Err(format!(
                "the token's admin seat moved to {holder:?} by {step:?}, not by its acceptance"
            ));
        }
    } else if holder != voting {
        // The holder's own offer, of what it asked for (an offer to itself withdraws).
        let asked = match *step {
            Step::Token(TokenStep::OfferTokenAdmin { caller, to })
                if caller.account() == holder =>
            {
                Some((to.account() != holder).then(|| to.account()))
            }
            Step::Token(TokenStep::HandOverToken { caller }) if caller.account() == holder => {
                Some(Some(voting))
            }
            _ => None,
        };
        if asked == Some(offered) {
            return Ok((seat, 2));
        }
        return Err(format!(
            "the seat {holder:?} holds was offered to {offered:?} by {step:?}"
        ));
    }
    // E-voting accepted the seat, or offered the seat it holds: only by a proposal.
    let Step::Voting(VotingStep::Execute { poll, .. }) = *step else {
        return Err(format!(
            "the token's admin seat went from {before:?} to {seat:?} by {step:?}"
        ));
    };
    let calls = decided_by_the_governance_electorate(city, poll.into())?;
    Ok((seat, calls + 2))
}

/// Whether `poll` is a proposal for the governance electorate that carried among its
/// members, read off e-voting and the registry.
fn decided_by_the_governance_electorate(city: &mut City, poll: PollId) -> Calls {
    let config = city.voting(ADMIN).config().value;
    let data = city
        .voting(ADMIN)
        .poll(poll)
        .value
        .ok_or_else(|| format!("executed proposal {poll} is unknown"))?;
    if data.kind != PollKind::Proposal || data.electorate != config.electorate {
        return Err(format!(
            "poll {poll} moved a seat, decided by {:?}, not the governance electorate {:?}",
            data.electorate, config.electorate
        ));
    }
    let (counted, mut calls) = counted_ballots(city, poll, &data)?;
    let weight = |choice| counted.values().filter(|(c, _)| *c == choice).count() as u128;
    let kinds = people(&data.electorate)?;
    let electorate = city
        .registry(ADMIN)
        .eligible_counts_at(data.snapshot)
        .value
        .map_err(|error| format!("no counts at the snapshot: {error:?}"))?;
    calls += 2;
    let size: u128 = IdentityKind::ALL
        .iter()
        .filter(|kind| kinds & kind.bit() != 0)
        .map(|kind| u128::from(electorate[kind.index()]))
        .sum();
    let quorum = (size * u128::from(data.quorum_bps)).div_ceil(10_000);
    if (counted.len() as u128) < quorum || weight(FOR) <= weight(AGAINST) {
        return Err(format!(
            "proposal {poll} executed with {} ballots ({} for, {} against) of an electorate \
             of {size}",
            counted.len(),
            weight(FOR),
            weight(AGAINST)
        ));
    }
    Ok(calls)
}

/// The kinds of a one-person-one-vote electorate (the fuzzed city's proposals have no
/// other).
fn people(electorate: &Electorate) -> Result<u8, String> {
    match electorate {
        Electorate::People { kinds } => Ok(*kinds),
        Electorate::Tokens => Err("the fuzzed city's proposals are for people".into()),
    }
}

/// Counted ballots: each voter's choice and weight.
type Ballots = BTreeMap<AccountId, (u8, u128)>;

/// The cast's counted ballots in `poll` (cast or revealed), their choices and weights,
/// after checking that each voter had power at the poll's snapshot: a member of its
/// electorate with a card valid when it opened (one vote), or coins held then (asked of
/// the token).
fn counted_ballots(city: &mut City, poll: PollId, data: &Poll) -> Result<(Ballots, u64), String> {
    let mut counted = BTreeMap::new();
    let mut calls = 0;
    for (actor, _) in ACTORS {
        let ballot = city.voting(ADMIN).ballot(poll, actor).value;
        calls += 1;
        let choice = match ballot.map(|ballot| ballot.vote) {
            Some(Vote::Cast(choice) | Vote::Revealed(choice)) => choice,
            _ => continue,
        };
        calls += 1;
        let weight = match data.electorate {
            Electorate::People { kinds } => {
                let kind = city
                    .registry(ADMIN)
                    .kind_valid_at(actor, data.snapshot, data.opened_at)
                    .value
                    .map_err(|error| format!("no history at poll {poll}'s snapshot: {error:?}"))?;
                if kind.is_none_or(|kind| kinds & kind.bit() == 0) {
                    return Err(format!(
                        "{actor:?}'s vote counts in poll {poll}, but at the snapshot it was {kind:?}"
                    ));
                }
                1
            }
            Electorate::Tokens => {
                let power = city.token(ADMIN).votes_at(actor, data.snapshot).value;
                let power =
                    power.map_err(|error| format!("no power at the snapshot: {error:?}"))?;
                if power == 0 {
                    return Err(format!(
                        "{actor:?}'s vote counts in poll {poll}, without coins at the snapshot"
                    ));
                }
                power
            }
        };
        counted.insert(actor.account(), (choice, weight));
    }
    Ok((counted, calls))
}

/// No vote counts twice, and none from outside the electorate at the snapshot: the
/// tally holds exactly the weight of each counted ballot of the electorate (one vote per
/// person, or the coins held at the snapshot).
pub fn no_vote_counts_twice_or_from_outside_the_electorate(city: &mut City, poll: u8) -> Calls {
    let poll = PollId::from(poll);
    let Some(data) = city.voting(ADMIN).poll(poll).value else {
        return Ok(1);
    };
    let (counted, calls) = counted_ballots(city, poll, &data)?;
    let tally = city
        .voting(ADMIN)
        .tally(poll)
        .value
        .ok_or_else(|| format!("poll {poll} has no tally"))?;
    let votes: u128 = counted.values().map(|(_, weight)| weight).sum();
    if tally.voters as usize != counted.len() || tally.counted() != votes {
        return Err(format!(
            "poll {poll} counts {} voters and {} votes for {} ballots of its electorate \
             weighing {votes}",
            tally.voters,
            tally.counted(),
            counted.len()
        ));
    }
    Ok(calls + 3)
}

/// No account gains coins but through a reward rule, a mint by a minter, a wage or a
/// contractor's payment, a refund, or a transfer from someone who chose to pay it (its
/// owner, or a spender it approved): whoever else gained did so by theft.
pub fn no_account_gains_coins_it_was_not_paid(
    before: &BTreeMap<AccountId, u128>,
    after: &BTreeMap<AccountId, u128>,
    step: &Step,
    (escrow, contractor, workers): (AccountId, AccountId, &[AccountId]),
) -> Result<(), String> {
    let payees: Vec<AccountId> = match *step {
        Step::Token(TokenStep::Transfer { to, .. })
        | Step::Token(TokenStep::TransferFrom { to, .. })
        | Step::Token(TokenStep::Mint { to, .. }) => {
            vec![to.account()]
        }
        Step::Token(TokenStep::Redeem { provider, .. }) => vec![provider.account()],
        Step::Rewards(RewardsStep::Attest { beneficiary, .. }) => vec![beneficiary.account()],
        Step::Escrow(EscrowStep::Fund { .. }) => vec![escrow],
        Step::Escrow(EscrowStep::Release { .. }) => {
            [contractor].iter().chain(workers).copied().collect()
        }
        Step::Escrow(EscrowStep::ClaimRefund { funder }) => vec![funder.account()],
        _ => Vec::new(),
    };
    for (account, balance) in after {
        let was = before.get(account).copied().unwrap_or_default();
        if *balance > was && !payees.contains(account) {
            return Err(format!(
                "{account:?} gained {} coins by {step:?}, which pays nobody of it",
                balance - was
            ));
        }
    }
    Ok(())
}

/// Everything funded is released, refunded or still claimable, and every claim
/// succeeds: the escrow's token balance covers what the project holds, and on a canceled
/// project each funder who has not claimed claims (on a copy of the city), receives in
/// its balance what the claim says, and together they empty the escrow. (A claim answered
/// `NothingToRefund` is a share of zero claimed earlier; the empty escrow at the end
/// shows that nobody owed anything was refused.) While the token is paused, or the civic
/// policy is in force and the escrow is no service provider, payments wait (the city's
/// remedy: unpause, or grant the escrow the role), so no claim is tried. The fuzzed city
/// has one project and its funders are the cast.
pub fn every_refund_can_be_claimed(city: &mut City) -> Calls {
    let Some(project) = city.escrow(ADMIN).project(0).value else {
        return Ok(1);
    };
    let escrow = harness::city::contract_account(&city.escrow);
    let held = city.balance(escrow);
    if held < project.held() {
        return Err(format!(
            "the escrow holds {held} coins for a project that holds {}",
            project.held()
        ));
    }
    let payments_wait = city.token(ADMIN).paused().value
        || (city.token(ADMIN).transfer_policy().value == TransferPolicy::Civic
            && !city
                .token(ADMIN)
                .has_role(escrow, Role::ServiceProvider)
                .value);
    if project.state != ProjectState::Canceled || project.held() == 0 || payments_wait {
        return Ok(6);
    }
    let trial = city.snapshot();
    let outcome = claim_every_refund(city, escrow);
    city.restore(&trial);
    outcome.map(|calls| calls + 6)
}

/// Every funder of the cast who has not claimed claims; the escrow ends empty.
fn claim_every_refund(city: &mut City, escrow: AccountId) -> Calls {
    let mut calls = 0;
    for (funder, _) in ACTORS {
        let given = city.escrow(ADMIN).contribution(0, funder).value;
        let taken = city.escrow(ADMIN).refunded(0, funder).value;
        calls += 2;
        if given == 0 || taken != 0 {
            continue;
        }
        let before = city.balance(funder);
        let claim = city.escrow(funder).claim_refund(0).value;
        let after = city.balance(funder);
        calls += 3;
        match claim {
            Ok(amount) if after == before + amount => {}
            Ok(amount) => {
                return Err(format!(
                    "{funder:?}'s refund of {amount} moved its balance from {before} to {after}"
                ))
            }
            Err(city_traits::EscrowError::NothingToRefund) => {}
            Err(error) => return Err(format!("{funder:?} cannot claim its refund: {error:?}")),
        }
    }
    let left = city.balance(escrow);
    if left != 0 {
        return Err(format!(
            "every funder claimed and the escrow still holds {left} coins"
        ));
    }
    Ok(calls + 1)
}
