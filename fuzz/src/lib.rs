//! `city fuzz`: a proptest state machine over the real Wasm. Each case restores a sandbox
//! snapshot of a small city, then plays a random sequence of [`Step`]s (the public messages
//! of the token, the registry, the reward rules, e-voting and the escrow, called by a fixed
//! cast with bounded and edge inputs, and time passing). Before each call the reference
//! [`Model`] predicts its outcome; a divergence fails the case, and so does any named
//! invariant of [`invariants`] checked after every step. Failing sequences shrink to the
//! shortest found, print as numbered steps with what caught them, and are kept as step
//! sequences ([`regressions`]) that every campaign replays first.

mod attacker;
pub mod chapters;
mod charity;
mod identities;
mod invariants;
mod leases;
mod model;
mod polls;
mod projects;
pub mod regressions;
mod steps;

use std::{
    cell::RefCell,
    collections::BTreeMap,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
    time::Instant,
};

use anyhow::{Context, Result};
use city_traits::{Action, CivicRole, Electorate, IdentityKind, PollKind, Revoting, Role, Secrecy};
use identities::document;
use proptest::{
    prelude::*,
    test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner},
};

pub use model::{Model, Verdict};
pub use steps::{Clock, EscrowStep, RegistryStep, RewardsStep, Step, TokenStep, VotingStep};

use harness::{
    city::{
        contract_account, Actor, City, CitySnapshot, ADMIN, ALICE, BOB, CAROL, DAVE, GOVERNANCE,
        MALLORY, REWARD_EPOCH_MS, SHOP,
    },
    escrow::ProjectPlan,
    readme::Section,
    yardstick, TokenConfig,
};

/// The token's cap in the fuzzed city, in its units (see [`Money`]): twice the treasury,
/// so minting can reach it.
pub const CAP: u128 = 2_000_000;
/// The treasury the admin holds at the start.
pub const TREASURY: u128 = 1_000_000;
/// What alice holds when a case starts: her voting power in the token holders' poll.
pub const ALICE_SAVINGS: u128 = 500;
/// What one beneficiary may earn per epoch, and what all may: small, so steps reach them.
pub const REWARD_CAP: u128 = 5_000;
pub const REWARD_BUDGET: u128 = 12_000;

/// How the fuzzed city counts money. Its figures (the cap, the treasury, rewards, limits,
/// the project's milestones, the amounts steps move) are in units of `unit` of the token's
/// smallest unit: cents of a 2-decimal coin, 10^16 wei of an 18-decimal one, or a unit
/// so large that the cap is nearly `u128::MAX`, where every product of two amounts
/// overflows a `u128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Money {
    Cents,
    Wei,
    /// 18 decimals, the cap at the edge of a `u128`.
    Edge,
}

impl Money {
    /// Every way of counting, for campaigns that try them all.
    pub const ALL: [Money; 3] = [Money::Cents, Money::Wei, Money::Edge];

    pub fn decimals(self) -> u8 {
        match self {
            Money::Cents => 2,
            Money::Wei | Money::Edge => 18,
        }
    }

    /// How `city fuzz --decimals` names it.
    pub fn flag(self) -> &'static str {
        match self {
            Money::Cents => "2",
            Money::Wei => "18",
            Money::Edge => "edge",
        }
    }

    /// The token's smallest units in one of the fuzzed city's units.
    pub fn unit(self) -> u128 {
        match self {
            Money::Cents => 1,
            Money::Wei => 10u128.pow(16),
            Money::Edge => u128::MAX / CAP,
        }
    }

    /// `amount` of the city's units in the token's smallest units.
    pub fn of(self, amount: u128) -> u128 {
        amount * self.unit()
    }
}

impl std::str::FromStr for Money {
    type Err = anyhow::Error;

    /// `2`, `18` or `edge`.
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "2" => Ok(Money::Cents),
            "18" => Ok(Money::Wei),
            "edge" => Ok(Money::Edge),
            _ => anyhow::bail!("decimals are 2, 18 or edge, not {text}"),
        }
    }
}
/// The smart bin: the one attester device.
pub const BIN: Actor = Actor("fuzz-bin");
/// The attacker's device: authorised for recyclables, it tries to take the bin's receipts.
pub const ROGUE_BIN: Actor = Actor("rogue-bin");

/// The cast, with the identity each holds in the registry.
pub const ACTORS: [(Actor, Option<IdentityKind>); 9] = [
    (ADMIN, None),
    (ALICE, Some(IdentityKind::Citizen)),
    (BOB, Some(IdentityKind::Citizen)),
    (CAROL, Some(IdentityKind::Visitor)),
    (DAVE, Some(IdentityKind::Resident)),
    (SHOP, None),
    (BIN, None),
    (ROGUE_BIN, None),
    (MALLORY, None),
];

/// A case: random steps, or, one time in three, a storyline with random steps after each
/// of its steps but the first. Storylines reach what random steps rarely do in order
/// (a proposal carried from `propose` to `execute`, a sealed ballot revealed, a disputed
/// milestone released, refunds claimed, a device's receipts squatted), so that the
/// campaign's coverage floor holds; the noise between their steps keeps them honest.
fn case(money: Money, depth: usize) -> impl Strategy<Value = Vec<Step>> {
    let noise = proptest::collection::vec(steps::step(money), 0..=depth / 2);
    let storyline =
        (proptest::sample::select(storylines(money)), noise).prop_map(|(storyline, noise)| {
            let mut steps = Vec::new();
            let mut noise = noise.into_iter();
            for (index, step) in storyline.into_iter().enumerate() {
                steps.push(step);
                // Nothing before the storyline's second step: the proposal a storyline
                // opens is then the case's first, number 3.
                if index > 0 {
                    steps.extend(noise.next());
                }
            }
            steps.extend(noise);
            steps
        });
    prop_oneof![
        2 => proptest::collection::vec(steps::step(money), 1..=depth),
        1 => storyline,
    ]
}

/// The storylines of [`case`], with amounts in `money`. Poll 1 is the world's proposal
/// (alice already voted For), poll 2 its secret poll, poll 3 its token holders' poll; a
/// storyline's own poll or proposal is 4.
fn storylines(money: Money) -> Vec<Vec<Step>> {
    use city_traits::FOR;
    let target = money.of(projects::TARGET);
    let passed = |proposer: Actor, voters: [Actor; 2]| {
        vec![
            Step::Voting(VotingStep::Propose {
                caller: proposer,
                secrecy: Secrecy::Public,
                revoting: Revoting::Refused,
                seize: true,
                accept: true,
            }),
            Step::Clock(Clock::NextBlocks { blocks: 2 }),
            Step::Voting(VotingStep::Vote {
                voter: voters[0],
                poll: 4,
                choice: FOR,
            }),
            Step::Voting(VotingStep::Vote {
                voter: voters[1],
                poll: 4,
                choice: FOR,
            }),
            Step::Clock(Clock::NextBlocks { blocks: 101 }),
            Step::Voting(VotingStep::Queue {
                caller: MALLORY,
                poll: 4,
            }),
            Step::Clock(Clock::NextDay),
            Step::Clock(Clock::NextDay),
            // The offer just before the execution that accepts it: noise between could
            // withdraw it, as the admin may.
            Step::Token(TokenStep::HandOverToken { caller: ADMIN }),
            Step::Voting(VotingStep::Execute {
                caller: MALLORY,
                poll: 4,
            }),
            Step::Token(TokenStep::AcceptTokenAdmin { caller: proposer }),
        ]
    };
    let squat = |attester| {
        Step::Rewards(RewardsStep::Attest {
            attester,
            receipt: 5,
            beneficiary: ALICE,
            action: Action::Recyclables,
            quantity: 1_000,
        })
    };
    vec![
        // The open proposal, queued and executed.
        vec![
            Step::Clock(Clock::NextBlocks { blocks: 101 }),
            Step::Voting(VotingStep::Queue {
                caller: MALLORY,
                poll: 1,
            }),
            Step::Clock(Clock::NextDay),
            Step::Clock(Clock::NextDay),
            Step::Voting(VotingStep::Execute {
                caller: MALLORY,
                poll: 1,
            }),
        ],
        // The citizens give alice the token's seat, as the city may.
        passed(ALICE, [ALICE, BOB]),
        // The attacker and a visitor try to take it.
        passed(MALLORY, [MALLORY, CAROL]),
        // Alice votes with her savings, bob (tracking nothing) cannot.
        vec![
            Step::Voting(VotingStep::Vote {
                voter: ALICE,
                poll: 3,
                choice: 0,
            }),
            Step::Voting(VotingStep::Vote {
                voter: BOB,
                poll: 3,
                choice: 1,
            }),
        ],
        // Dave's card lapses: he earns nothing more, and cannot vote in a poll opened since.
        vec![
            Step::Clock(Clock::NextDay),
            Step::Clock(Clock::NextDay),
            Step::Clock(Clock::NextDay),
            Step::Rewards(RewardsStep::Attest {
                attester: BIN,
                receipt: 6,
                beneficiary: identities::LAPSING,
                action: Action::Recyclables,
                quantity: 1_000,
            }),
            Step::Voting(VotingStep::OpenPoll {
                caller: ADMIN,
                options: 2,
                secrecy: Secrecy::Public,
                revoting: Revoting::Refused,
                tokens: false,
            }),
            Step::Clock(Clock::NextBlocks { blocks: 2 }),
            Step::Voting(VotingStep::Vote {
                voter: identities::LAPSING,
                poll: 4,
                choice: 0,
            }),
        ],
        // Sealed ballots, revealed.
        vec![
            Step::Voting(VotingStep::Commit {
                voter: ALICE,
                poll: 2,
                choice: 1,
                salt: 0,
            }),
            Step::Voting(VotingStep::Commit {
                voter: DAVE,
                poll: 2,
                choice: 0,
                salt: 0,
            }),
            Step::Clock(Clock::NextBlocks { blocks: 101 }),
            Step::Voting(VotingStep::Reveal {
                voter: ALICE,
                poll: 2,
                choice: 1,
                salt: 0,
            }),
            Step::Voting(VotingStep::Reveal {
                voter: DAVE,
                poll: 2,
                choice: 0,
                salt: 0,
            }),
        ],
        // Works: a rejected milestone disputed, settled and released, then the next.
        vec![
            Step::Escrow(EscrowStep::Fund {
                funder: ADMIN,
                amount: target,
            }),
            Step::Escrow(EscrowStep::Inspect {
                inspector: projects::INSPECTOR,
                milestone: 0,
                approve: false,
            }),
            Step::Escrow(EscrowStep::Dispute {
                caller: projects::CONTRACTOR,
                milestone: 0,
            }),
            Step::Escrow(EscrowStep::Resolve {
                caller: ADMIN,
                milestone: 0,
                release: true,
            }),
            Step::Escrow(EscrowStep::Release {
                caller: MALLORY,
                milestone: 0,
            }),
            Step::Escrow(EscrowStep::Inspect {
                inspector: projects::INSPECTOR,
                milestone: 1,
                approve: true,
            }),
            Step::Escrow(EscrowStep::Release {
                caller: BOB,
                milestone: 1,
            }),
        ],
        // Three funders, a released milestone, a cancellation and every refund.
        vec![
            Step::Token(TokenStep::Transfer {
                from: ADMIN,
                to: BOB,
                amount: target,
            }),
            Step::Escrow(EscrowStep::Fund {
                funder: BOB,
                amount: target / 3,
            }),
            Step::Escrow(EscrowStep::Fund {
                funder: ADMIN,
                amount: target - target / 3,
            }),
            Step::Escrow(EscrowStep::Inspect {
                inspector: projects::INSPECTOR,
                milestone: 0,
                approve: true,
            }),
            Step::Escrow(EscrowStep::Release {
                caller: MALLORY,
                milestone: 0,
            }),
            Step::Escrow(EscrowStep::CancelProject { caller: ADMIN }),
            Step::Escrow(EscrowStep::ClaimRefund { funder: BOB }),
            Step::Escrow(EscrowStep::ClaimRefund { funder: ADMIN }),
        ],
        // The rogue bin takes the bin's receipt first.
        vec![squat(ROGUE_BIN), squat(BIN), squat(BIN)],
    ]
}

/// The fuzzed city and the counters of a campaign.
pub struct World {
    city: City,
    start: CitySnapshot,
    /// The model of the city in the snapshot.
    start_model: Model,
    pub stats: Stats,
}

/// What a campaign did so far.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub cases: u64,
    pub steps: u64,
    /// Contract calls, the invariants' queries included.
    pub calls: u64,
    pub invariant_checks: u64,
    pub messages: BTreeMap<&'static str, u64>,
    /// Outcomes seen, `Ok` or the error, per message.
    pub outcomes: BTreeMap<String, u64>,
    /// Proposals opened in a case and executed in it: `propose`, votes, `queue` and
    /// `execute` played end to end.
    pub carried_through: u64,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.cases += other.cases;
        self.steps += other.steps;
        self.calls += other.calls;
        self.invariant_checks += other.invariant_checks;
        self.carried_through += other.carried_through;
        for (message, count) in other.messages {
            *self.messages.entry(message).or_default() += count;
        }
        for (outcome, count) in other.outcomes {
            *self.outcomes.entry(outcome).or_default() += count;
        }
    }
}

impl World {
    /// Deploys the suite and sets up the cast: the admin mints, burns and pauses; the shop
    /// is a service provider; alice and bob are citizens, dave a resident, carol a visitor;
    /// the bin reports recyclables and volunteering, with rules for recyclables and tax.
    ///
    /// With `broken`, a broken variant of a contract replaces it (see
    /// [`harness::bundles::BROKEN_VARIANTS`]); amounts are counted in `money`.
    pub fn new(broken: Option<&'static str>, money: Money) -> Result<Self> {
        let config = TokenConfig {
            decimals: money.decimals(),
            cap: money.of(CAP),
            initial_supply: money.of(TREASURY),
            ..TokenConfig::default()
        };
        let mut city = City::with_parts(config, polls::governance(), broken)?;
        for role in [Role::Minter, Role::Burner, Role::Pauser] {
            city.token(ADMIN).grant_role(role, ADMIN).accepted()?;
        }
        city.token(ADMIN)
            .grant_role(Role::ServiceProvider, SHOP)
            .accepted()?;
        city.install_device(BIN, &[Action::Recyclables, Action::Volunteering])?;
        city.install_device(ROGUE_BIN, &[Action::Recyclables])?;
        let registered_ms = city.now_ms();
        for (n, (actor, kind)) in ACTORS.iter().enumerate() {
            if let Some(kind) = kind {
                let expires = identities::card_expiry(*actor, registered_ms);
                city.registry(ADMIN)
                    .register(*actor, *kind, document(n), expires)
                    .accepted()?;
            }
        }
        for action in [Action::Recyclables, Action::TaxPaid] {
            let (reward, per, who) = steps::rule(action, money).context("a rule of the model")?;
            city.set_reward(action, (reward, per), who)?;
        }
        city.rewards(ADMIN)
            .set_limits(money.of(REWARD_CAP), money.of(REWARD_BUDGET))
            .accepted()?;
        // Alice votes with her tokens, so her history is checked too.
        let savings = money.of(ALICE_SAVINGS);
        city.token(ADMIN).transfer(ALICE, savings).accepted()?;
        city.token(ALICE).track_votes().accepted()?;
        city.advance_blocks(1);
        let escrow = contract_account(&city.escrow);
        let voting = contract_account(&city.voting);
        let mut model = Model::new(
            money,
            (registered_ms, city.now_ms(), city.block()),
            (escrow, voting),
        );
        model
            .balances
            .insert(ADMIN.account(), money.of(TREASURY) - savings);
        model.balances.insert(ALICE.account(), savings);
        model.record_power();
        // A poll allowing re-votes and a proposal that does not, open for voting.
        let electorate = Electorate::people(&polls::ELECTORATE);
        let opened = (city.block(), city.now_ms());
        city.voting(ADMIN)
            .create_poll(
                "?",
                &["a", "b", "c"],
                electorate,
                Secrecy::Public,
                Revoting::Replaces,
            )
            .accepted()?;
        model
            .polls
            .open(
                ADMIN.account(),
                3,
                (
                    PollKind::Consultation,
                    Secrecy::Public,
                    Revoting::Replaces,
                    false,
                ),
                opened,
            )
            .ok();
        city.voting(ADMIN)
            .propose("!", &[], Secrecy::Public, Revoting::Refused)
            .accepted()?;
        model
            .polls
            .open(
                ADMIN.account(),
                2,
                (
                    PollKind::Proposal,
                    Secrecy::Public,
                    Revoting::Refused,
                    false,
                ),
                opened,
            )
            .ok();
        // A secret poll whose ballots may be sealed again until the deadline, and a poll
        // of the token's holders (alice's savings weigh in).
        city.voting(ADMIN)
            .create_poll(
                "?",
                &["a", "b"],
                electorate,
                Secrecy::Secret,
                Revoting::Replaces,
            )
            .accepted()?;
        model
            .polls
            .open(
                ADMIN.account(),
                2,
                (
                    PollKind::Consultation,
                    Secrecy::Secret,
                    Revoting::Replaces,
                    false,
                ),
                opened,
            )
            .ok();
        city.voting(ADMIN)
            .create_poll(
                "?",
                &["a", "b"],
                Electorate::Tokens,
                Secrecy::Public,
                Revoting::Replaces,
            )
            .accepted()?;
        model
            .polls
            .open(
                ADMIN.account(),
                2,
                (
                    PollKind::Consultation,
                    Secrecy::Public,
                    Revoting::Replaces,
                    true,
                ),
                opened,
            )
            .ok();
        // A project taking funds for a few days; everyone lets the escrow take their tokens.
        city.grant_civic_role(CivicRole::Inspector, [projects::INSPECTOR.account()])?;
        city.grant_civic_role(CivicRole::Worker, projects::WORKERS.map(|w| w.account()))?;
        let project = ProjectPlan {
            title: [0xf0; 32],
            contractor: projects::CONTRACTOR.account(),
            inspectors: vec![projects::INSPECTOR.account()],
            milestones: projects::plan(money),
            funding_deadline: city.now_ms() + projects::FUNDING_DAYS * REWARD_EPOCH_MS,
            needs_approval: false,
        };
        city.escrow(ADMIN).create_project(&project).accepted()?;
        model.project = projects::ProjectModel::new(project.funding_deadline, money);
        for (actor, _) in ACTORS {
            city.token(actor).approve(escrow, u128::MAX).accepted()?;
            model
                .allowances
                .insert((actor.account(), escrow), u128::MAX);
        }
        city.advance_blocks(GOVERNANCE.voting_delay + 1);
        model.block = city.block();
        model.now_ms = city.now_ms();
        // Alice is for the proposal: once voting ends it can be queued and executed.
        city.voting(ALICE)
            .cast_vote(1, city_traits::FOR)
            .accepted()?;
        let ids = model.identities.clone();
        model
            .polls
            .vote(ALICE.account(), (1, city_traits::FOR), model.block, &ids)
            .ok();
        let start = city.snapshot();
        Ok(Self {
            city,
            start,
            start_model: model,
            stats: Stats::default(),
        })
    }

    /// Plays one case: every step on the model and on the Wasm, comparing outcomes and
    /// checking the invariants after each.
    pub fn play(&mut self, steps: &[Step]) -> Result<(), String> {
        self.city.restore(&self.start);
        self.stats.cases += 1;
        let mut model = self.start_model.clone();
        let mut history = invariants::History::new(model.token_admin);
        for (index, step) in steps.iter().enumerate() {
            let before = invariants::Before::take(&model, step);
            let predicted = model.apply(step);
            let (actual, calls) = self.send(step);
            self.stats.steps += 1;
            self.stats.calls += calls;
            *self.stats.messages.entry(step.message()).or_default() += 1;
            let outcome = match &actual {
                Ok(_) => format!("{} Ok", step.message()),
                Err(error) => format!("{} {error}", step.message()),
            };
            *self.stats.outcomes.entry(outcome).or_default() += 1;
            if let (Step::Voting(VotingStep::Execute { poll, .. }), Ok(_)) = (step, &actual) {
                // A proposal opened in this case, carried from `propose` to `execute`.
                if usize::from(*poll) >= self.start_model.polls.polls.len() {
                    self.stats.carried_through += 1;
                }
            }
            if predicted != actual {
                return Err(format!(
                    "step {}: {step:?}: the model predicted {predicted:?}, the Wasm answered {actual:?}",
                    index + 1
                ));
            }
            let checks = invariants::check_all(&mut self.city, &model, &before, step, &mut history)
                .map_err(|violation| format!("after step {}: {step:?}: {violation}", index + 1))?;
            self.stats.invariant_checks += checks.invariants;
            self.stats.calls += checks.calls;
        }
        Ok(())
    }

    /// Sends one step to the Wasm; returns its verdict and the number of calls made.
    fn send(&mut self, step: &Step) -> (Verdict, u64) {
        let city = &mut self.city;
        match *step {
            Step::Token(step) => (step.send(city), 1),
            Step::Registry(step) => (step.send(city), 1),
            Step::Rewards(step) => (step.send(city), 1),
            Step::Voting(step) => (step.send(city), 1),
            Step::Escrow(step) => (step.send(city), 1),
            Step::Clock(step) => {
                step.pass(city);
                (Ok(0), 0)
            }
        }
    }
}

/// A campaign's size: `cases` sequences of up to `depth` steps from `seed`.
#[derive(Debug, Clone)]
pub struct Campaign {
    pub cases: u32,
    pub depth: usize,
    pub seed: u64,
    /// The folder of [`regressions::Regression`]s: each is replayed first, and a new
    /// failure is kept there (none: nowhere).
    pub regressions: Option<PathBuf>,
    /// A broken variant of a contract, for a self-test (none: the real suite).
    pub broken: Option<&'static str>,
    /// How the city counts money: 2 or 18 decimals, or at the edge of a `u128`.
    pub money: Money,
    /// Whether the charity's and the leases' chapters ([`chapters`]) play after the
    /// suite's cases (never for a broken variant: those concern the suite's contracts).
    pub chapters: bool,
}

impl Campaign {
    /// `cases` cases of up to `depth` steps from `seed`, on the real suite.
    pub fn new(cases: u32, depth: usize, seed: u64) -> Self {
        Self {
            cases,
            depth,
            seed,
            regressions: None,
            broken: None,
            money: Money::Cents,
            chapters: true,
        }
    }
}

/// What a campaign reports.
#[derive(Debug, Clone)]
pub struct Report {
    pub stats: Stats,
    /// Wall-clock seconds of the campaign, the replays before it not included.
    pub seconds: f64,
    /// The CPU time of the workers' threads, added up.
    pub cpu_seconds: f64,
    /// Workers (threads) the campaign ran on, one city each.
    pub workers: u32,
    /// The floor's calls per second of CPU time, the mean of its rates before and after
    /// the campaign ([`harness::yardstick::around`]).
    pub floor_calls_per_cpu_second: f64,
    /// The calls per second of CPU time of the least call into the suite, measured after
    /// the campaign ([`harness::yardstick::token_query_calls_per_cpu_second`]).
    pub token_query_calls_per_cpu_second: f64,
    /// The shortest failing sequence, as numbered steps, and why it failed.
    pub failure: Option<Failure>,
    /// The charity's and the leases' chapters, played after the suite's cases.
    pub chapters: Vec<chapters::Chapter>,
}

impl Report {
    /// Whether the suite's cases or a chapter broke an invariant or diverged.
    pub fn failed(&self) -> bool {
        self.failure.is_some() || self.chapters.iter().any(|c| c.failure.is_some())
    }

    pub fn steps_per_second(&self) -> f64 {
        self.stats.steps as f64 / self.seconds
    }

    pub fn calls_per_second(&self) -> f64 {
        self.stats.calls as f64 / self.seconds
    }

    /// Calls per second of CPU time: what a core makes while it runs a worker.
    pub fn calls_per_cpu_second(&self) -> f64 {
        self.stats.calls as f64 / self.cpu_seconds
    }

    /// The campaign's calls per second of CPU time over the floor's.
    pub fn ratio_to_floor(&self) -> f64 {
        self.calls_per_cpu_second() / self.floor_calls_per_cpu_second
    }

    /// The coverage floor a campaign must reach: every message it took answered `Ok` at
    /// least once, and at least one proposal went from `propose` to `execute`. Returns
    /// what falls short, in words (nothing: the floor holds).
    pub fn below_the_floor(&self) -> Vec<String> {
        let s = &self.stats;
        let mut short: Vec<String> = s
            .messages
            .keys()
            .filter(|message| !message.starts_with('('))
            .filter(|message| !s.outcomes.contains_key(&format!("{message} Ok")))
            .map(|message| format!("{message} never answered Ok"))
            .collect();
        if s.carried_through == 0 {
            short.push("no proposal went from propose to execute".into());
        }
        short
    }

    /// The report as text: rates, invariants, coverage of messages and outcomes.
    pub fn text(&self) -> String {
        let s = &self.stats;
        let mut out = format!("{}\ncoverage (messages)\n", self.summary());
        for (message, count) in &s.messages {
            out += &format!("  {message:<28} {count:>8}\n");
        }
        out += "\ncoverage (outcomes)\n";
        for (outcome, count) in &s.outcomes {
            out += &format!("  {outcome:<60} {count:>8}\n");
        }
        out += &self.verdict();
        out
    }

    /// The campaign's size and pace, the first lines of [`Report::text`].
    pub fn summary(&self) -> String {
        let s = &self.stats;
        format!(
            "{} cases, {} steps, {} contract calls in {:.1} s on {} workers\n\
             {:.0} steps/s, {:.0} calls/s; per second of CPU time {:.0} calls/s, {:.1}% of the \
             floor's {:.0} (one storage write, measured before and after)\n\
             the least call into the suite (the token's balance_of): {:.0} calls/s per second \
             of CPU time, {:.1}% of the floor's\n\
             {} invariant checks\n{}",
            s.cases,
            s.steps,
            s.calls,
            self.seconds,
            self.workers,
            self.steps_per_second(),
            self.calls_per_second(),
            self.calls_per_cpu_second(),
            100.0 * self.ratio_to_floor(),
            self.floor_calls_per_cpu_second,
            self.token_query_calls_per_cpu_second,
            100.0 * self.token_query_calls_per_cpu_second / self.floor_calls_per_cpu_second,
            s.invariant_checks,
            self.chapters
                .iter()
                .map(|chapter| format!(
                    "{}, {:.1}% of the floor's\n",
                    chapter.summary(),
                    100.0 * chapter.calls_per_cpu_second() / self.floor_calls_per_cpu_second
                ))
                .collect::<String>(),
        )
    }

    /// Whether the coverage floor held and no invariant broke, the last lines of
    /// [`Report::text`].
    pub fn verdict(&self) -> String {
        let mut out = String::new();
        let short = self.below_the_floor();
        if short.is_empty() {
            out += &format!(
                "\ncoverage floor met: every message answered Ok; {} proposals went from \
                 propose to execute\n",
                self.stats.carried_through
            );
        } else {
            out += &format!("\nBELOW THE COVERAGE FLOOR\n  {}\n", short.join("\n  "));
        }
        for failure in self.chapters.iter().filter_map(|c| c.failure.as_ref()) {
            out += &format!("\nFAILED\n{failure}\n");
        }
        match &self.failure {
            Some(failure) => out += &format!("\nFAILED\n{}\n", failure.text()),
            None if !self.failed() => {
                out += "\nno invariant broken, no divergence from the model\n";
            }
            None => {}
        }
        out
    }

    /// `readme` with this campaign, the run named `run` (its command line), as its
    /// [`README`] section: the summary and the verdict.
    ///
    /// # Errors
    /// If `readme` lacks the marks.
    pub fn into_readme(&self, readme: &str, run: &str) -> Result<String> {
        README.replace(
            readme,
            &format!(
                "`{run}`, after replaying the regressions:\n\n```text\n{}{}```\n",
                self.summary(),
                self.verdict()
            ),
        )
    }
}

/// The README's section of the fuzzer's figures (`city fuzz --readme`).
pub const README: Section = Section {
    begin: "<!-- city fuzz --readme: from here to the end mark -->",
    end: "<!-- city fuzz --readme: end -->",
};

/// What a worker found, and the seconds of CPU time it took.
type Timed = (Result<(Stats, Option<Failure>)>, f64);

/// Workers of a campaign, each a thread with its own city, a share of the cases and its
/// own seed. A fixed number, not the machine's cores: the same command finds, shrinks and
/// keeps the same failure on any machine.
pub const SHARDS: u32 = 2;

/// Runs a campaign on [`SHARDS`] workers, each with its own city, a share of the cases and
/// its own seed (the campaign's, plus the worker's number), calling `progress(cases)` with
/// the cases played so far. The first worker's failure, if any, is the campaign's.
///
/// # Errors
/// If a city cannot be deployed. A failing case is not an error: it is the report's
/// `failure`.
pub fn run(campaign: &Campaign, progress: impl Fn(u64) + Sync) -> Result<Report> {
    // The bundles load before anything is timed; the floor's rate is the yardstick.
    harness::bundles::load_suite(campaign.broken)?;
    let (mut report, floor) = yardstick::around(|| play(campaign, progress))?;
    report.floor_calls_per_cpu_second = floor;
    report.token_query_calls_per_cpu_second =
        yardstick::token_query_calls_per_cpu_second(yardstick::MEASURED_FOR)?;
    Ok(report)
}

/// [`run`]'s campaign, the replays first; the report's yardsticks are [`run`]'s to fill in.
fn play(campaign: &Campaign, progress: impl Fn(u64) + Sync) -> Result<Report> {
    let (floor_calls_per_cpu_second, token_query_calls_per_cpu_second) = (0.0, 0.0);
    let workers = SHARDS.clamp(1, campaign.cases.max(1));
    let played = AtomicU64::new(0);
    if let Some(dir) = &campaign.regressions {
        if let Some(failure) = replay_all(dir)? {
            return Ok(Report {
                stats: Stats::default(),
                seconds: 0.0,
                cpu_seconds: 0.0,
                workers: 1,
                floor_calls_per_cpu_second,
                token_query_calls_per_cpu_second,
                failure: Some(failure),
                chapters: Vec::new(),
            });
        }
    }
    let started = Instant::now();
    let results: Vec<Timed> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                // The cases are shared out; the first workers take the remainder.
                let cases = campaign.cases / workers + u32::from(worker < campaign.cases % workers);
                let (played, progress) = (&played, &progress);
                scope.spawn(move || {
                    let cpu = yardstick::thread_cpu_time();
                    let result = run_worker(campaign, worker, cases, &|| {
                        progress(played.fetch_add(1, Ordering::Relaxed) + 1);
                    });
                    (result, (yardstick::thread_cpu_time() - cpu).as_secs_f64())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| (Err(anyhow::anyhow!("a fuzzing worker panicked")), 0.0))
            })
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut stats = Stats::default();
    let mut failure = None;
    let mut cpu_seconds = 0.0;
    for (result, worker_cpu_seconds) in results {
        cpu_seconds += worker_cpu_seconds;
        let (worker_stats, worker_failure) = result?;
        stats.merge(worker_stats);
        failure = failure.or(worker_failure);
    }
    if let (Some(dir), Some(failure)) = (&campaign.regressions, &failure) {
        let variant = campaign.broken.unwrap_or("suite");
        let name = format!("{variant}-{:?}-seed-{}", campaign.money, campaign.seed).to_lowercase();
        let regression = regressions::Regression {
            found: format!(
                "city fuzz --cases {} --depth {} --seed {} --decimals {}{}",
                campaign.cases,
                campaign.depth,
                campaign.seed,
                campaign.money.flag(),
                campaign
                    .broken
                    .map_or(String::new(), |variant| format!(" --broken {variant}"))
            ),
            broken: campaign.broken.map(String::from),
            money: campaign.money,
            caught_by: Some(failure.mechanism().to_string()),
            reason: Some(failure.reason.clone()),
            steps: failure.steps.clone(),
        };
        regression.save(dir, &name)?;
    }
    let chapters = if campaign.chapters && campaign.broken.is_none() && failure.is_none() {
        play_chapters(campaign)?
    } else {
        Vec::new()
    };
    Ok(Report {
        stats,
        seconds,
        cpu_seconds,
        workers,
        floor_calls_per_cpu_second,
        token_query_calls_per_cpu_second,
        failure,
        chapters,
    })
}

/// The charity's and the leases' chapters, one worker each, with the campaign's cases,
/// depth and seed.
fn play_chapters(campaign: &Campaign) -> Result<Vec<chapters::Chapter>> {
    let (cases, depth, seed) = (campaign.cases, campaign.depth, campaign.seed);
    let regressions = campaign.regressions.as_deref();
    std::thread::scope(|scope| {
        let spawn = |name: &str| std::thread::Builder::new().name(format!("fuzz-chapter-{name}"));
        let charity = spawn("charity").spawn_scoped(scope, move || {
            chapters::play(charity::chapter(depth), cases, seed, regressions)
        })?;
        let leases = spawn("leases").spawn_scoped(scope, move || {
            chapters::play(leases::chapter(depth), cases, seed, regressions)
        })?;
        [charity, leases]
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("a chapter's worker panicked"))
            })
            .collect()
    })
}

/// Replays every regression kept in `dir`: the first whose outcome differs from the
/// recorded one is the campaign's failure.
fn replay_all(dir: &std::path::Path) -> Result<Option<Failure>> {
    for (name, regression) in regressions::Regression::load_all(dir)? {
        let replayed = regression.replay();
        let problem = match (&replayed, &regression.broken) {
            (Err(error), _) => format!("did not replay as recorded: {error:#}"),
            // A failure of the real suite is a bug until it is fixed, however well recorded.
            (Ok(Some(reason)), None) => format!("still fails on the suite: {reason}"),
            (Ok(_), _) => continue,
        };
        return Ok(Some(Failure {
            reason: format!("the regression {name} {problem}"),
            steps: regression.steps,
        }));
    }
    Ok(None)
}

/// A failing case: why it failed, and the shortest sequence of steps found that fails
/// the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub steps: Vec<Step>,
}

impl Failure {
    /// What caught it: the invariant its reason names, or the outcome comparison.
    pub fn mechanism(&self) -> &str {
        regressions::mechanism(&self.reason)
    }

    /// The reason, and the steps numbered.
    pub fn text(&self) -> String {
        let mut text = format!(
            "{}
caught by: {}
the shortest failing sequence found ({} steps):\n",
            self.reason,
            self.mechanism(),
            self.steps.len()
        );
        for (n, step) in self.steps.iter().enumerate() {
            text += &format!("  {:>3}. {step:?}\n", n + 1);
        }
        text
    }
}

/// Shrinks a failing case further than proptest can (a storyline's steps are one choice
/// to it): first the shortest failing prefix, then every step whose removal still fails
/// the same way goes, one at a time, until none can. The result is the shortest found,
/// not proven the shortest there is.
fn minimise(world: &mut World, failure: Failure) -> Failure {
    let caught = failure.mechanism().to_string();
    let mut fails = |steps: &[Step]| {
        let reason = world.play(steps).err()?;
        (regressions::mechanism(&reason) == caught).then(|| Failure {
            reason,
            steps: steps.to_vec(),
        })
    };
    let mut best = (1..failure.steps.len())
        .find_map(|length| fails(&failure.steps[..length]))
        .unwrap_or(failure);
    // Passes until no single step can go (each removal can free an earlier one).
    loop {
        let before = best.steps.len();
        let mut index = 0;
        while index < best.steps.len() {
            let mut fewer = best.steps.clone();
            fewer.remove(index);
            match fails(&fewer) {
                Some(shorter) => best = shorter,
                None => index += 1,
            }
        }
        if best.steps.len() == before {
            return best;
        }
    }
}

/// One worker's share: `cases` cases on its own city, from its own seed.
fn run_worker(
    campaign: &Campaign,
    worker: u32,
    cases: u32,
    case_played: &dyn Fn(),
) -> Result<(Stats, Option<Failure>)> {
    let world = RefCell::new(World::new(campaign.broken, campaign.money)?);
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&campaign.seed.to_le_bytes());
    seed[8..12].copy_from_slice(&worker.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = case(campaign.money, campaign.depth.max(1));
    let result = runner.run(&strategy, |steps| {
        let outcome = world.borrow_mut().play(&steps);
        case_played();
        outcome.map_err(TestCaseError::fail)
    });
    let failure = match result {
        Ok(()) => None,
        Err(TestError::Fail(reason, steps)) => {
            let failure = Failure {
                reason: reason.to_string(),
                steps,
            };
            Some(minimise(&mut world.borrow_mut(), failure))
        }
        Err(TestError::Abort(reason)) => Some(Failure {
            reason: format!("aborted: {reason}"),
            steps: Vec::new(),
        }),
    };
    Ok((world.into_inner().stats, failure))
}
