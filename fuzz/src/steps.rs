//! The steps a fuzzer takes: one handler per contract (`steps/<contract>.rs`, holding the
//! contract's steps, how a case draws them, how each is sent to the Wasm and what the
//! model predicts of it), and the clock. Adding a fuzzed message is a variant, its draw,
//! its call and its rule, all in its contract's file.

use std::fmt;

use city_traits::{commitment, Action, Electorate, IdentityKind, PollId, Role, TransferPolicy};
use ink::primitives::AccountId;
use num_bigint::BigUint;
use proptest::prelude::*;

use harness::{
    city::{contract_account, Actor, City, ADMIN, ALICE, BOB, DAVE, REWARD_EPOCH_MS, SHOP},
    AdminCalls,
};

use crate::{
    identities::{self, document},
    model::{psp22, psp22_custom, Model, Verdict},
    polls, projects, regressions, Money, ACTORS, BIN, CAP, REWARD_BUDGET, ROGUE_BIN,
};

mod escrow;
mod registry;
mod rewards;
mod token;
mod voting;

pub use escrow::EscrowStep;
pub use registry::RegistryStep;
pub(crate) use rewards::rule;
pub use rewards::RewardsStep;
pub use token::TokenStep;
pub use voting::VotingStep;

/// One action a fuzzer may take: a message with its caller and arguments, or time. A
/// regression file names the contract, then the step: `{"Token": {"Transfer": {...}}}`.
#[derive(Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Step {
    Token(TokenStep),
    Registry(RegistryStep),
    Rewards(RewardsStep),
    Voting(VotingStep),
    Escrow(EscrowStep),
    Clock(Clock),
}

/// A step reads as its contract's step: `Transfer { .. }`.
impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Token(step) => step.fmt(f),
            Step::Registry(step) => step.fmt(f),
            Step::Rewards(step) => step.fmt(f),
            Step::Voting(step) => step.fmt(f),
            Step::Escrow(step) => step.fmt(f),
            Step::Clock(step) => step.fmt(f),
        }
    }
}

impl Step {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            Step::Token(step) => step.message(),
            Step::Registry(step) => step.message(),
            Step::Rewards(step) => step.message(),
            Step::Voting(step) => step.message(),
            Step::Escrow(step) => step.message(),
            Step::Clock(Clock::NextBlocks { .. }) => "(blocks pass)",
            Step::Clock(Clock::NextDay) => "(next day)",
        }
    }
}

/// Time passing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Clock {
    /// Blocks pass, six seconds each.
    NextBlocks { blocks: u8 },
    /// A day passes in one block.
    NextDay,
}

impl Clock {
    /// Lets the time pass in the city: empty blocks, whose numbers and time the contracts
    /// see.
    pub(crate) fn pass(self, city: &mut City) {
        match self {
            Clock::NextBlocks { blocks } => city.skip_blocks(blocks.into()),
            Clock::NextDay => city.advance_time(REWARD_EPOCH_MS),
        }
    }
}

impl Model {
    /// Lets the time pass in the model.
    pub(crate) fn pass(&mut self, step: Clock) {
        match step {
            Clock::NextBlocks { blocks } => {
                self.block += u32::from(blocks);
                self.now_ms += u64::from(blocks) * harness::city::BLOCK_TIME_MS;
            }
            Clock::NextDay => {
                self.block += 1;
                self.now_ms += REWARD_EPOCH_MS;
            }
        }
    }
}

/// A call's answer as a verdict: `Ok`, or the error's debug form.
fn verdict<T, E: fmt::Debug>(value: Result<T, E>) -> Verdict {
    value.map(|_| 0).map_err(|error| format!("{error:?}"))
}

/// One step, its amounts counted in `money`: each contract's steps at their weights, and
/// time passing.
pub(crate) fn step(money: Money) -> impl Strategy<Value = Step> {
    let mut all = Vec::new();
    all.extend(token::strategies(money));
    all.extend(registry::strategies(money));
    all.extend(rewards::strategies(money));
    all.extend(voting::strategies(money));
    all.extend(escrow::strategies(money));
    // Past a deadline (101 blocks) is where counting, revealing and queueing start.
    all.push((
        51,
        proptest::sample::select(vec![1u8, 60, 101, 101])
            .prop_map(|blocks| Step::Clock(Clock::NextBlocks { blocks }))
            .boxed(),
    ));
    all.push((34, Just(Step::Clock(Clock::NextDay)).boxed()));
    proptest::strategy::Union::new_weighted(all)
}

fn actor() -> impl Strategy<Value = Actor> {
    proptest::sample::select(ACTORS.map(|(actor, _)| actor).to_vec())
}

/// Mostly `usual` (the admin for its powers, the bin for attestations), sometimes anyone.
fn mostly(usual: Actor) -> impl Strategy<Value = Actor> {
    prop_oneof![3 => Just(usual), 1 => actor()]
}

/// Amounts: the edges, small sums, anything up to the cap, and the largest.
fn amount(money: Money) -> impl Strategy<Value = u128> {
    let unit = money.unit();
    prop_oneof![
        Just(0),
        Just(1),
        (0..=10_000u128).prop_map(move |amount| amount * unit),
        0..=money.of(CAP),
        Just(u128::MAX),
    ]
}
