//! City life at scale: a population of `--citizens` people lives `--days` simulated days
//! in one city of the suite. Devices attest what they do, the reward rules mint, people
//! spend at the city's services, polls are held, public works are paid from escrow, each
//! day's log of civic actions is anchored in civic records, (in Hangzhou) traction
//! batteries travel their custody chain to the recycler, (in Seoul) people give to a
//! charity's campaign whose providers are paid against invoices and whose rest is refunded
//! to the donors ([`charity`]), and (in Xiong'an) people apply for the city's flats, the
//! winners sign and pay rent each period, some falling behind ([`housing`]). Every
//! choice comes from a seeded generator and every block's time is set, so a seed gives
//! the same city, the same calls and the same report.
//!
//! A city is described by a [`Profile`]; [`live`] runs it and checks it as it goes and at
//! the end. The expectations are the harness's own: it works out every reward from the
//! README's rules (pro rata, rounded down, within the daily cap and budget), every wage and
//! refund from the plans, every coin-weighted tally from its record of ballots and of
//! balances, and it compares them with what the contracts answer. Each check has a name
//! ([`CHECKS`]), and a failure names the check that caught it. The broken variants of the
//! contracts ([`harness::bundles::BROKEN_VARIANTS`]) each fail one (`city simulate --broken`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{anyhow, ensure, Context, Result};
use city_traits::{
    Action, Attestation, CivicRole, Electorate, GovernanceConfig, IdentityKind, MilestonePlan,
    MilestoneState, PollState, ProjectState, RecordsError, Revoting, RewardError, Role, Rule,
    SchemaId, Secrecy, Subject, TransferPolicy, Wage, ABSTAIN, AGAINST, FOR,
};
use ink::{primitives::AccountId, selector_bytes};

use harness::{
    city::{
        contract_account, crowd_member, numbered_id, City, TokenConfig, ADMIN, COIN,
        GENESIS_TIME_MS, GOVERNANCE, REWARD_BUDGET_PER_EPOCH, REWARD_CAP_PER_EPOCH,
        REWARD_EPOCH_MS,
    },
    escrow::ProjectPlan,
    merkle::{entry_digest, LogBatch},
    records::BatteryChain,
    voting::proposed_call,
};
use ink::scale::Encode;

use crate::report::{self, CityReport};

/// Calls in one block: about what a parachain block of two seconds holds of these calls.
/// Building a block hashes the whole state, so a big city builds them sparingly; the
/// waits of a poll pass as empty blocks ([`City::skip_blocks`]).
const CALLS_PER_BLOCK: u32 = 1_000;
/// Attestations per batch call.
const BATCH: usize = 50;

/// The simulator's checks, in words: a failure names one of them.
pub const CHECKS: &[(&str, &str)] = &[
    (
        "rewards_follow_the_rules",
        "each batch pays what the rules give: quantity x reward / per, rounded down, within the beneficiary's daily cap and the daily budget",
    ),
    (
        "lapsed_identities_are_refused",
        "an identity past its expiry earns nothing",
    ),
    (
        "tallies_weigh_each_ballot",
        "a tally adds up the ballots cast, each weighed by one vote or by the coins the voter held at the snapshot; only a voter without power is refused",
    ),
    (
        "polls_carry_by_the_rules",
        "a poll or proposal succeeds exactly when its ballots reach the quorum of its electorate at the snapshot and decide it: For over Against, or one option ahead of all others",
    ),
    (
        "works_follow_the_plan",
        "the project's target is its plan's cost, it is funded on its day, and each inspection releases one milestone",
    ),
    (
        "proposals_take_effect",
        "a passed proposal changes the rule after its timelock",
    ),
    (
        "wages_reach_the_workers",
        "after a release, each worker holds what the plan pays it",
    ),
    (
        "refunds_return_what_was_not_released",
        "a canceled project returns each funder its share of what was not released, the last funder what is left, and holds nothing after",
    ),
    (
        "days_are_anchored",
        "each day's log of civic actions is anchored in civic records: an entry the harness draws proves against it, and a tampered copy does not",
    ),
    (
        "batteries_are_rewarded_once",
        "a recycled traction battery pays its return reward, as the rules give it, to the custodian that handed it in, once however often it is asked",
    ),
    (
        "donations_are_held_or_paid_out",
        "each pot of the campaign shows what the harness gave, paid out and refunded, each gift its receipt in order, and the charity holds exactly what its pots hold",
    ),
    (
        "disbursements_keep_to_the_rules",
        "an invoice is paid exactly when its pot holds it, the pot has room for another payment and the recipient stays within the approval threshold; otherwise it is refused with the reason, and nothing moves",
    ),
    (
        "refunds_are_pro_rata",
        "after the deadline each donor gets back its gift x (given - disbursed) / given of each pot, rounded down, and the pot's last claimant what is left",
    ),
    (
        "gifts_are_traced_pro_rata",
        "a donor's trace shows its share of each payment from its pot (amount x gift / given, rounded down) and its refund",
    ),
    (
        "flats_are_allocated_by_the_rule",
        "an application is taken exactly when the applicant is admitted and the round has room, and the winners are the rule's: by band, then by ticket from the seed of the city's secret and the applications",
    ),
    (
        "a_property_has_one_tenant_at_a_time",
        "tenant_of answers, for each flat at the times drawn, the winner who signed its lease from the start to the end, and nobody outside; a loser cannot sign",
    ),
    (
        "rent_follows_the_lease",
        "each lease shows the terms it was signed on, and the rent due, paid and in arrears that the harness works out from them and from the payments it made; a collection pulls the arrears, or is refused when the tenant cannot pay",
    ),
    (
        "deposits_are_held_by_the_leases",
        "the leases contract holds exactly the deposits of the leases signed",
    ),
    (
        "balances_are_as_expected",
        "every account holds what the harness worked out: rewards, spending, purchases, wages, funding, refunds, gifts, invoices paid, deposits and rent",
    ),
    (
        "supply_is_the_treasury_and_the_rewards",
        "the supply is the first treasury plus everything minted, and it all sits with someone the city knows",
    ),
];

/// Fails the run with `check` (one of [`CHECKS`]) unless `condition` holds.
macro_rules! check {
    ($condition:expr, $check:literal, $($detail:tt)+) => {
        ensure!($condition, "check `{}` failed: {}", $check, format!($($detail)+))
    };
}

pub mod charity;
pub mod housing;

pub use charity::{Charity, CharityFigures, Earmark, PotFigures, Provider};
pub use housing::{Housing, HousingFigures, PeriodFigures};

/// How big a city and how long a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// People registered in the city, across its groups.
    pub citizens: u32,
    /// Simulated days.
    pub days: u32,
    /// Seeds every choice the simulation makes.
    pub seed: u64,
    /// A broken variant of a contract replaces it (one of
    /// [`harness::bundles::BROKEN_VARIANTS`]), to show that a check catches it.
    pub broken: Option<&'static str>,
}

impl Default for Options {
    /// 300 people for 30 days, seed 1, the real suite.
    fn default() -> Self {
        Self {
            citizens: 300,
            days: 30,
            seed: 1,
            broken: None,
        }
    }
}

/// A group of the population: a share of `--citizens` with one identity kind.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// Crowd name: member `n` is [`crowd_member`]`(crowd, n)`.
    pub crowd: &'static str,
    pub kind: IdentityKind,
    /// Percent of the population (the last group takes what is left).
    pub share: u32,
    /// How long the group's identities stay valid, in days.
    pub valid_days: u32,
    /// Whether members opt in to token voting power when they arrive.
    pub track_votes: bool,
}

/// A civic action some people do on some days, attested by a device.
#[derive(Debug, Clone, Copy)]
pub struct Activity {
    pub action: Action,
    /// The attesting device's name (an [`crate::Actor`]-style account name).
    pub device: &'static str,
    /// The reward rule: `reward` per `per` units, for `kinds`.
    pub reward: u128,
    pub per: u128,
    pub kinds: &'static [IdentityKind],
    /// Chance, in percent, that an eligible person does it on a given day.
    pub daily_pct: u32,
    /// Units per attestation, uniform in this range (inclusive).
    pub quantity: (u128, u128),
}

/// How people spend their coins: at the city's service providers.
#[derive(Debug, Clone, Copy)]
pub struct Spending {
    /// Service providers and the memo of their receipts.
    pub venues: &'static [(&'static str, &'static str)],
    /// Chance, in percent, that a person spends on a given day.
    pub daily_pct: u32,
    /// What they spend: this percent of their balance...
    pub share_pct: u32,
    /// ...or a fixed fee, bought from the treasury first when they hold less (0: none).
    pub fee: u128,
}

/// A poll held on one day.
#[derive(Debug, Clone, Copy)]
pub struct PollPlan {
    pub day: u32,
    pub question: &'static str,
    pub options: &'static [&'static str],
    /// Who may vote (one person, one vote).
    pub kinds: &'static [IdentityKind],
    /// Percent of the electorate who vote.
    pub turnout_pct: u32,
    /// Relative preference for each option; one more entry weighs abstaining.
    pub weights: &'static [u32],
    /// Percent of voters who vote again (re-voting replaces the earlier vote).
    pub revote_pct: u32,
    /// A proposal instead of a poll: on success the reward for `action` becomes `reward`
    /// after the timelock (options must be For / Against).
    pub change: Option<(Action, u128)>,
    /// Token-weighted instead of one person, one vote.
    pub by_tokens: bool,
}

impl PollPlan {
    /// Who votes: token holders, or one person one vote among the plan's kinds.
    pub fn electorate(&self) -> Electorate {
        if self.by_tokens {
            Electorate::Tokens
        } else {
            Electorate::people(self.kinds)
        }
    }
}

impl Profile {
    /// The city's rules of governance: [`GOVERNANCE`], with the electorate of the city's
    /// proposals (a proposer cannot choose it, so the city is deployed with it).
    pub fn governance(&self) -> GovernanceConfig {
        let proposal = self.polls.iter().find(|plan| plan.change.is_some());
        GovernanceConfig {
            electorate: proposal.map_or(GOVERNANCE.electorate, PollPlan::electorate),
            ..GOVERNANCE
        }
    }
}

/// Public works paid from escrow: one project, a milestone every few days, wages first.
#[derive(Debug, Clone, Copy)]
pub struct Works {
    /// The day the project is created and funded: by the services first (each with
    /// `services_fund_pct` of its takings), then by the treasury for the rest.
    pub day: u32,
    pub services_fund_pct: u32,
    /// The city cancels the project on the first inspection after this many milestones
    /// were released, and every funder claims its refund (None: the works are completed).
    pub canceled_after: Option<u8>,
    pub milestones: u8,
    /// The contractor's share of each milestone.
    pub contractor_amount: u128,
    /// Workers on the wage roll (the first members of the first group), and their wage
    /// per milestone.
    pub workers: u32,
    pub wage: u128,
    /// Days between inspections.
    pub every_days: u32,
}

/// Traction batteries through their second life (Hangzhou): a carmaker makes `per_day` a
/// day, and each moves one custody step a day, taken over by the receiver: to a charging
/// station, to underground storage, to a recycler that closes its life. Its return reward
/// (the rules' `TractionBatteryReturned`, `reward` a battery, attested by civic records
/// alone) goes to the storage operator, a resident, who asks for it.
#[derive(Debug, Clone, Copy)]
pub struct Batteries {
    pub per_day: u32,
    pub reward: u128,
}

/// One city's life: who lives there, what they do and what the city holds.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Short name (`xiongan`), used in file names.
    pub city: &'static str,
    pub title: &'static str,
    pub policy: TransferPolicy,
    /// Coins in the treasury at the start.
    pub treasury: u128,
    pub groups: &'static [Group],
    pub activities: &'static [Activity],
    pub spending: Spending,
    pub polls: &'static [PollPlan],
    pub works: Option<Works>,
    pub batteries: Option<Batteries>,
    /// A charity's campaign the people give to (Seoul).
    pub charity: Option<Charity>,
    /// A round of the city's flats, and their leases' rent (Xiong'an).
    pub housing: Option<Housing>,
}

/// A small deterministic generator (SplitMix64): the same seed, the same city.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with `percent` percent chance.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.next_u64() % 100 < u64::from(percent)
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, (low, high): (u128, u128)) -> u128 {
        low + u128::from(self.next_u64()) % (high - low + 1)
    }

    /// An index drawn with the given relative `weights`.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut pick = self.next_u64() % total.max(1);
        for (index, weight) in weights.iter().enumerate() {
            if pick < u64::from(*weight) {
                return index;
            }
            pick -= u64::from(*weight);
        }
        weights.len() - 1
    }
}

/// One person of the simulated city.
struct Person {
    account: AccountId,
    kind: IdentityKind,
    /// The day their identity lapses.
    expires_day: u32,
}

/// What every account should hold and every person should have earned, worked out by the
/// harness from the README's rules and the city's plans: never read from the contracts.
#[derive(Default)]
struct Expected {
    balances: BTreeMap<AccountId, u128>,
    /// The reward per unit of each action (by its bit): `(reward, per)`, as the rules say
    /// today.
    rules: HashMap<u16, (u128, u128)>,
    /// Rewards today, per beneficiary and in all (the rules' epoch is a day).
    earned_today: HashMap<AccountId, u128>,
    minted_today: u128,
    minted: u128,
    /// Accounts that opted in to voting power (their balance is their power).
    tracking: BTreeSet<AccountId>,
    /// The project's funders and what each gave; what the project holds.
    funders: Vec<(AccountId, u128)>,
    in_escrow: u128,
    /// Milestones released, and whether the city canceled the project.
    released: u8,
    canceled: bool,
}

impl Expected {
    /// What was expected of `old` is expected of `new`: a contract's new address after
    /// the city moved.
    fn moved(&mut self, old: AccountId, new: AccountId) {
        if let Some(balance) = self.balances.remove(&old) {
            self.balances.insert(new, balance);
        }
        if let Some(earned) = self.earned_today.remove(&old) {
            self.earned_today.insert(new, earned);
        }
        if self.tracking.remove(&old) {
            self.tracking.insert(new);
        }
        for (funder, _) in &mut self.funders {
            if *funder == old {
                *funder = new;
            }
        }
    }

    fn balance(&self, account: AccountId) -> u128 {
        self.balances.get(&account).copied().unwrap_or_default()
    }

    fn credit(&mut self, account: AccountId, amount: u128) {
        *self.balances.entry(account).or_default() += amount;
    }

    /// Moves coins the harness expects `from` to hold.
    fn transfer(&mut self, from: AccountId, to: AccountId, amount: u128) -> Result<()> {
        let held = self.balance(from);
        ensure!(
            held >= amount,
            "the harness sent {amount} from an account of {held}"
        );
        self.balances.insert(from, held - amount);
        self.credit(to, amount);
        Ok(())
    }

    /// The reward for `quantity` units of `action` to `beneficiary`, minted: pro rata and
    /// rounded down, then at most what is left of the beneficiary's daily cap and of the
    /// rules' daily budget (the README's rules).
    fn reward(&mut self, beneficiary: AccountId, action: Action, quantity: u128) -> Result<u128> {
        let (reward, per) = self.rules[&action.bit()];
        let due = quantity
            .checked_mul(reward)
            .context("the simulated quantities are small")?
            / per;
        let earned = self.earned_today.entry(beneficiary).or_default();
        let paid = due
            .min(REWARD_CAP_PER_EPOCH - *earned)
            .min(REWARD_BUDGET_PER_EPOCH - self.minted_today);
        *earned += paid;
        self.minted_today += paid;
        self.minted += paid;
        self.credit(beneficiary, paid);
        Ok(paid)
    }

    fn new_day(&mut self) {
        self.earned_today.clear();
        self.minted_today = 0;
    }

    /// Voting power at a snapshot taken now.
    fn power(&self, account: AccountId) -> u128 {
        if self.tracking.contains(&account) {
            self.balance(account)
        } else {
            0
        }
    }
}

/// Figures of one simulated day, read from the contracts at its end.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Day {
    pub day: u32,
    pub supply: u128,
    pub treasury: u128,
    /// Supply outside the treasury and the escrow.
    pub circulating: u128,
    pub escrowed: u128,
    pub released: u128,
    pub refunded: u128,
    pub minted: u128,
    pub spent: u128,
    pub calls: u64,
}

/// The outcome of one poll.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PollFigures {
    pub question: String,
    pub day: u32,
    pub eligible: u32,
    pub voters: u32,
    /// Votes per option, then abstentions.
    pub votes: Vec<u128>,
    pub outcome: String,
}

/// The running city with its people and what has happened so far.
struct Life<'p> {
    profile: &'p Profile,
    city: City,
    rng: Rng,
    /// The seed of `rng`, for draws kept apart from it.
    rng_seed: u64,
    people: Vec<Person>,
    receipts: u32,
    calls_in_block: u32,
    day: u32,
    minted: BTreeMap<String, u128>,
    spent: BTreeMap<&'static str, u128>,
    refused: u32,
    bought: u128,
    expected: Expected,
    days: Vec<Day>,
    polls: Vec<PollFigures>,
    /// Proposals waiting for their timelock: (poll, day to execute, action, reward).
    queued: Vec<(u32, u32, Action, u128)>,
    project: Option<u32>,
    /// Digests of the day's civic actions, anchored at the day's end.
    log: Vec<[u8; 32]>,
    /// The traction batteries' custody schema, if the city has batteries.
    battery_schema: Option<SchemaId>,
    /// The days the run lasts.
    run_days: u32,
    /// The charity's campaign and the harness's books of it, if the city has one.
    charity: Option<charity::CharityLife>,
    /// The round of flats and the leases, if the city lets flats.
    housing: Option<housing::HousingLife>,
}

/// Lives `profile` with `options`, reporting each finished day to `progress`.
///
/// # Errors
/// If the city cannot be deployed, or one of its checks does not hold.
pub fn live(
    profile: &Profile,
    options: Options,
    progress: &(dyn Fn() + Sync),
) -> Result<CityReport> {
    live_moving(profile, options, progress, None)
}

/// Moves a city's suite, state and all, to another chain (deployments' `move_city`).
pub type Mover<'a> = dyn Fn(&mut City) -> Result<()> + 'a;

/// Lives `profile` as [`live`] does, and if `moving` says so, moves the city to another
/// chain with the mover at the start of that day: the city goes on there, and every check
/// of the days after and of the end holds on the new chain.
///
/// # Errors
/// If the city cannot be deployed or moved, or one of its checks does not hold.
pub fn live_moving(
    profile: &Profile,
    options: Options,
    progress: &(dyn Fn() + Sync),
    moving: Option<(u32, &Mover<'_>)>,
) -> Result<CityReport> {
    let config = TokenConfig {
        initial_supply: profile.treasury,
        ..TokenConfig::default()
    };
    let mut life = Life {
        profile,
        city: City::with_parts(config, profile.governance(), options.broken)?,
        rng: Rng::new(options.seed ^ fnv(profile.city)),
        rng_seed: options.seed ^ fnv(profile.city),
        people: Vec::new(),
        receipts: 0,
        calls_in_block: 0,
        day: 0,
        minted: BTreeMap::new(),
        spent: BTreeMap::new(),
        refused: 0,
        bought: 0,
        expected: Expected {
            balances: BTreeMap::from([(ADMIN.account(), profile.treasury)]),
            ..Expected::default()
        },
        days: Vec::new(),
        polls: Vec::new(),
        queued: Vec::new(),
        project: None,
        log: Vec::new(),
        battery_schema: None,
        run_days: options.days,
        charity: None,
        housing: None,
    };
    life.settle(options.citizens)
        .context("setting the city up")?;
    for day in 0..options.days {
        life.day = day;
        if let Some((_, mover)) = moving.filter(|(on, _)| *on == day) {
            life.move_city(mover)
                .with_context(|| format!("moving the city on day {day}"))?;
        }
        life.live_day()?;
        progress();
    }
    life.check()?;
    Ok(life.report(options))
}

/// A stable 64-bit hash of a city's name, to give each city its own stream of choices.
fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn contractor(profile: &Profile) -> AccountId {
    crowd_member(&format!("{}-contractor", profile.city), 0)
}

fn inspector(profile: &Profile) -> AccountId {
    crowd_member(&format!("{}-inspector", profile.city), 0)
}

fn venue(name: &str) -> AccountId {
    crowd_member(name, 0)
}

fn device(name: &str) -> AccountId {
    crowd_member(name, 0)
}

/// The city's clerk, who anchors each day's log (a holder of the registry's `Issuer`).
fn clerk(profile: &Profile) -> AccountId {
    crowd_member(&format!("{}-clerk", profile.city), 0)
}

/// A battery's stakeholders in the order it meets them: the carmaker, the charging
/// station, the storage operator (who hands it in), the recycler (who closes its life).
fn battery_chain(profile: &Profile) -> [AccountId; 4] {
    ["carmaker", "charging-station", "energy-storage", "recycler"]
        .map(|role| crowd_member(&format!("{}-{role}", profile.city), 0))
}

/// The `n`th battery a carmaker made on `day`: the hash of its serial number.
fn battery(day: u32, n: u32) -> [u8; 32] {
    entry_digest(format!("battery {day}-{n}").as_bytes())
}

impl Life<'_> {
    /// Counts a call and builds a block every [`CALLS_PER_BLOCK`] calls.
    fn tick(&mut self) {
        self.calls_in_block += 1;
        if self.calls_in_block >= CALLS_PER_BLOCK {
            self.calls_in_block = 0;
            self.city.advance_blocks(1);
        }
    }

    /// Moves the city with `mover`; what the harness expects of the suite's own accounts
    /// (the escrow's coins) moves to their new addresses.
    fn move_city(&mut self, mover: &Mover<'_>) -> Result<()> {
        let suite = |city: &City| city.suite().map(contract_account);
        let before = suite(&self.city);
        mover(&mut self.city)?;
        for (old, new) in before.into_iter().zip(suite(&self.city)) {
            self.expected.moved(old, new);
        }
        Ok(())
    }

    /// Registers the population, installs devices and rules, services and works.
    fn settle(&mut self, citizens: u32) -> Result<()> {
        let profile = self.profile;
        let city = &mut self.city;
        city.appoint_registrar(ADMIN)?;
        city.token(ADMIN)
            .set_transfer_policy(profile.policy)
            .accepted()?;
        for (name, _) in profile.spending.venues {
            city.token(ADMIN)
                .grant_role(Role::ServiceProvider, venue(name))
                .accepted()?;
        }
        let mut devices: BTreeMap<&str, Vec<Action>> = BTreeMap::new();
        for activity in profile.activities {
            devices
                .entry(activity.device)
                .or_default()
                .push(activity.action);
            self.expected
                .rules
                .insert(activity.action.bit(), (activity.reward, activity.per));
            city.set_reward(
                activity.action,
                (activity.reward, activity.per),
                activity.kinds,
            )
            .with_context(|| format!("rule for {:?}", activity.action))?;
        }
        for (name, actions) in devices {
            city.install_device(device(name), &actions)?;
        }

        self.enrol(citizens)?;
        let city = &mut self.city;
        if let Some(works) = &profile.works {
            let workers = works.workers.min(u32::try_from(self.people.len())?);
            let roll: Vec<AccountId> = self.people[..workers as usize]
                .iter()
                .map(|person| person.account)
                .collect();
            city.grant_civic_role(CivicRole::Worker, roll)?;
            city.grant_civic_role(CivicRole::Inspector, [inspector(profile)])?;
            // Under the civic policy, funds move in and out of escrow as a service's, and
            // only services (the treasury among them) fund public works.
            let escrow = contract_account(&city.escrow);
            for service in [escrow, ADMIN.account()] {
                city.token(ADMIN)
                    .grant_role(Role::ServiceProvider, service)
                    .accepted()?;
            }
        }
        // Businesses vote with their takings where stakeholders vote with coins.
        if profile.polls.iter().any(|poll| poll.by_tokens) {
            for (name, _) in profile.spending.venues {
                city.token(venue(name))
                    .track_votes()
                    .accepted()
                    .with_context(|| format!("{name} tracking votes"))?;
                self.expected.tracking.insert(venue(name));
            }
        }
        city.grant_civic_role(CivicRole::Issuer, [clerk(profile)])?;
        if let Some(plan) = profile.batteries {
            self.battery_schema = Some(self.settle_batteries(plan)?);
        }
        // The seats' own steps (roles, the round of flats) come before the handover.
        if let Some(plan) = profile.charity {
            self.settle_charity(plan).context("the charity")?;
        }
        if let Some(plan) = profile.housing {
            self.settle_housing(plan).context("the housing")?;
        }
        let city = &mut self.city;
        if profile.polls.iter().any(|poll| poll.change.is_some()) {
            city.hand_over_to_governance()?;
        }
        Ok(())
    }

    /// The batteries' stakeholders, their schema with the return reward, and civic
    /// records as the rules' attester of traction battery returns.
    fn settle_batteries(&mut self, plan: Batteries) -> Result<SchemaId> {
        let chain = battery_chain(self.profile);
        let city = &mut self.city;
        city.grant_civic_role(CivicRole::Issuer, chain)?;
        let [maker, station, storage, recycler] = chain;
        city.registry(ADMIN)
            .register(
                storage,
                IdentityKind::Resident,
                numbered_id(0xb7, 0),
                u64::MAX,
            )
            .accepted()?;
        let chain = BatteryChain {
            makers: &[maker],
            carriers: &[station, storage],
            closers: &[recycler],
        };
        let batteries = city.register_batteries(chain, plan.reward, &[IdentityKind::Resident])?;
        let traction = Action::TractionBatteryReturned;
        self.expected.rules.insert(traction.bit(), (plan.reward, 1));
        Ok(batteries)
    }

    /// Registers `citizens` people across the profile's groups, a block every so often.
    fn enrol(&mut self, citizens: u32) -> Result<()> {
        let groups = self.profile.groups;
        let now = self.city.now_ms();
        let mut left = citizens;
        for (g, group) in groups.iter().enumerate() {
            let size = if g + 1 == groups.len() {
                left
            } else {
                (citizens * group.share / 100).min(left)
            };
            left -= size;
            let expires = now + u64::from(group.valid_days) * REWARD_EPOCH_MS;
            let tag = u8::try_from(g).unwrap_or(u8::MAX);
            for n in 0..size {
                let account = crowd_member(group.crowd, n);
                self.city
                    .registry(ADMIN)
                    .register(account, group.kind, numbered_id(tag, n), expires)
                    .accepted()
                    .with_context(|| format!("registering {} {n}", group.crowd))?;
                if group.track_votes {
                    self.city
                        .token(account)
                        .track_votes()
                        .value
                        .map_err(|error| {
                            anyhow!("{} cannot track votes: {error:?}", group.crowd)
                        })?;
                    self.expected.tracking.insert(account);
                }
                self.people.push(Person {
                    account,
                    kind: group.kind,
                    expires_day: group.valid_days,
                });
                self.tick();
            }
        }
        Ok(())
    }

    fn live_day(&mut self) -> Result<()> {
        let start = self.city.now_ms();
        let calls_before = self.calls();
        let minted_before: u128 = self.minted.values().sum();
        let spent_before: u128 = self.spent.values().sum();
        self.expected.new_day();
        self.execute_due()?;
        self.works()?;
        for activity in self.profile.activities {
            self.attest(activity)?;
        }
        self.batteries()?;
        self.housing()?;
        self.charity()?;
        self.spend()?;
        for poll in self.profile.polls {
            if poll.day == self.day {
                self.hold(poll)?;
            }
        }
        self.anchor_day()?;
        let day = self.figures(calls_before, minted_before, spent_before);
        self.days.push(day);
        // The next day starts at midnight, in a new block (and a new reward epoch).
        let midnight = GENESIS_TIME_MS + u64::from(self.day + 1) * REWARD_EPOCH_MS;
        let now = self.city.now_ms();
        ensure!(
            now < midnight,
            "day {} overran into the next ({start})",
            self.day
        );
        self.city.advance_time(midnight - now);
        self.calls_in_block = 0;
        Ok(())
    }

    fn calls(&self) -> u64 {
        self.city.meter().values().map(|cost| cost.calls).sum()
    }

    /// Everyone who does `activity` today; the devices upload in batches. A person whose
    /// identity has lapsed is attested alone and must be refused.
    fn attest(&mut self, activity: &Activity) -> Result<()> {
        let mut batch = Vec::new();
        let mut lapsed = Vec::new();
        for person in &self.people {
            if !activity.kinds.contains(&person.kind) || !self.rng.chance(activity.daily_pct) {
                continue;
            }
            self.receipts += 1;
            let attestation = Attestation {
                receipt: numbered_id(0xa7, self.receipts),
                beneficiary: person.account,
                action: activity.action,
                quantity: self.rng.between(activity.quantity),
            };
            self.log.push(entry_digest(&attestation.encode()));
            if person.expires_day <= self.day {
                lapsed.push(attestation);
            } else {
                batch.push(attestation);
            }
        }
        let attester = device(activity.device);
        let mut paid = 0;
        for chunk in batch.chunks(BATCH) {
            let mut due = 0;
            for attestation in chunk {
                due += self.expected.reward(
                    attestation.beneficiary,
                    attestation.action,
                    attestation.quantity,
                )?;
            }
            let minted = self
                .city
                .rewards(attester)
                .attest_batch(chunk)
                .accepted()
                .with_context(|| format!("{:?} batch refused", activity.action))?;
            check!(
                minted == due,
                "rewards_follow_the_rules",
                "a batch of {} {:?} on day {} minted {minted}, the rules give {due}",
                chunk.len(),
                activity.action,
                self.day
            );
            paid += minted;
            self.tick();
        }
        for attestation in lapsed {
            let refused = self.city.rewards(attester).attest(
                attestation.receipt,
                attestation.beneficiary,
                attestation.action,
                attestation.quantity,
            );
            check!(
                refused.value == Err(RewardError::NotEligible),
                "lapsed_identities_are_refused",
                "an identity lapsed on day {} was answered {:?} on day {}",
                self.people
                    .iter()
                    .find(|person| person.account == attestation.beneficiary)
                    .map_or(0, |person| person.expires_day),
                refused.value,
                self.day
            );
            self.refused += 1;
            self.tick();
        }
        *self
            .minted
            .entry(format!("{:?}", activity.action))
            .or_default() += paid;
        Ok(())
    }

    /// The batteries made today, and those made one, two and three days ago each one
    /// custody step on; the recycler closes the oldest, and the storage operator asks for
    /// their return reward.
    fn batteries(&mut self) -> Result<()> {
        let (Some(plan), Some(schema)) = (self.profile.batteries, self.battery_schema) else {
            return Ok(());
        };
        let chain = battery_chain(self.profile);
        for n in 0..plan.per_day {
            let made = battery(self.day, n);
            self.city
                .records(chain[0])
                .issue(schema, Subject::Asset(made), made, None, None)
                .accepted()
                .with_context(|| format!("battery {n} made on day {}", self.day))?;
            self.tick();
        }
        for age in 1..=3 {
            let Some(made_on) = self.day.checked_sub(age as u32) else {
                continue;
            };
            let (from, to) = (chain[age - 1], chain[age]);
            for n in 0..plan.per_day {
                // The battery's key doubles as its handover document.
                let key = battery(made_on, n);
                self.city
                    .records(from)
                    .hand_over(schema, key, to, key)
                    .accepted()
                    .with_context(|| format!("battery {made_on}-{n} handed over"))?;
                self.city
                    .records(to)
                    .take_over(schema, key, key)
                    .accepted()?;
                self.tick();
                self.tick();
                if age == 3 {
                    self.recycle(schema, key, chain)?;
                }
            }
        }
        Ok(())
    }

    /// The recycler closes a battery's life; the storage operator asks for its return
    /// reward, twice.
    fn recycle(&mut self, schema: SchemaId, key: [u8; 32], chain: [AccountId; 4]) -> Result<()> {
        let [_, _, storage, recycler] = chain;
        let action = Action::TractionBatteryReturned;
        self.city
            .records(recycler)
            .close_asset(schema, key, key)
            .accepted()?;
        let due = self.expected.reward(storage, action, 1)?;
        let paid = self
            .city
            .records(storage)
            .reward_return(schema, key)
            .accepted()?;
        let again = self.city.records(storage).reward_return(schema, key).value;
        for _ in 0..3 {
            self.tick();
        }
        check!(
            paid == due && again == Err(RecordsError::AlreadyRewarded),
            "batteries_are_rewarded_once",
            "a battery recycled on day {} paid {paid} (the rules give {due}), then {again:?}",
            self.day
        );
        *self.minted.entry(format!("{action:?}")).or_default() += paid;
        Ok(())
    }

    /// The clerk anchors the day's log of civic actions; an entry the harness draws
    /// proves against it on chain, and a tampered copy does not.
    fn anchor_day(&mut self) -> Result<()> {
        let entries = std::mem::take(&mut self.log);
        let Some(log) = LogBatch::of_digests(&entries) else {
            return Ok(());
        };
        let clerk = clerk(self.profile);
        let label = format!("{}/day-{}", self.profile.city, self.day);
        let batch = self
            .city
            .records(clerk)
            .anchor(&label, log.root(), log.size())
            .accepted()
            .with_context(|| format!("anchoring {label}"))?;
        // A draw of its own, so that the city's other choices are those of a run without
        // anchored days.
        let mut draw = Rng::new(self.rng_seed ^ u64::from(self.day));
        let index = u32::try_from(draw.between((0, u128::from(log.size() - 1))))?;
        let proof = log.proof(index).context("an entry of the day")?;
        let entry = entries[index as usize];
        let mut tampered = entry;
        tampered[0] ^= 1;
        let mut verify = |digest| {
            self.city
                .records(clerk)
                .verify_entry(batch, clerk, digest, index, &proof)
                .value
        };
        let (proved, forged) = (verify(entry), verify(tampered));
        for _ in 0..3 {
            self.tick();
        }
        check!(
            proved == Ok(true) && forged == Ok(false),
            "days_are_anchored",
            "day {}'s entry {index} of {} proved {proved:?}, a tampered copy {forged:?}",
            self.day,
            log.size()
        );
        Ok(())
    }

    /// Some people spend at the city's services.
    fn spend(&mut self) -> Result<()> {
        let spending = &self.profile.spending;
        if spending.venues.is_empty() {
            return Ok(());
        }
        for n in 0..self.people.len() {
            if !self.rng.chance(spending.daily_pct) {
                continue;
            }
            let (name, memo) =
                spending.venues[self.rng.next_u64() as usize % spending.venues.len()];
            let person = self.people[n].account;
            let held = self.city.balance(person);
            self.tick();
            let expected = self.expected.balance(person);
            check!(
                held == expected,
                "balances_are_as_expected",
                "a person holds {held} on day {}, the harness expects {expected}",
                self.day
            );
            let price = if spending.fee > 0 {
                if held < spending.fee {
                    let top_up = spending.fee - held;
                    self.city
                        .token(ADMIN)
                        .transfer(person, top_up)
                        .accepted()
                        .context("the treasury selling coins")?;
                    self.expected.transfer(ADMIN.account(), person, top_up)?;
                    self.bought += top_up;
                    self.tick();
                }
                spending.fee
            } else {
                held * u128::from(spending.share_pct) / 100
            };
            if price == 0 {
                continue;
            }
            self.city
                .token(person)
                .redeem(venue(name), price, memo.as_bytes())
                .accepted()
                .with_context(|| format!("spending at {name} refused"))?;
            self.expected.transfer(person, venue(name), price)?;
            *self.spent.entry(name).or_default() += price;
            self.tick();
        }
        Ok(())
    }

    /// Holds `plan` today: opens it, lets the electorate vote, closes it and checks the
    /// tally against the votes cast; a passed proposal is queued.
    fn hold(&mut self, plan: &PollPlan) -> Result<()> {
        let electorate = plan.electorate();
        let opened = if let Some((action, reward)) = plan.change {
            let rule = self
                .city
                .rewards(ADMIN)
                .rule(action)
                .value
                .ok_or_else(|| anyhow!("no rule for {action:?}"))?;
            let call = proposed_call(
                &self.city.rewards,
                selector_bytes!("set_rule"),
                (action, Some(Rule { reward, ..rule }), 0u64),
            );
            self.city.voting(ADMIN).propose(
                plan.question,
                &[call],
                Secrecy::Public,
                Revoting::Replaces,
            )
        } else {
            self.city.voting(ADMIN).create_poll(
                plan.question,
                plan.options,
                electorate,
                Secrecy::Public,
                Revoting::Replaces,
            )
        };
        let poll = opened
            .accepted()
            .with_context(|| format!("{}: did not open", plan.question))?;
        self.city.skip_blocks(GOVERNANCE.voting_delay + 1);
        self.calls_in_block = 0;

        let options = u8::try_from(plan.options.len())?;
        let mut ballots: HashMap<AccountId, u8> = HashMap::new();
        // Token-weighted: each voter's power at the snapshot is the balance the harness
        // expects it to hold (nothing moved since the poll opened), if it tracks votes.
        let mut power: HashMap<AccountId, u128> = HashMap::new();
        let mut powerless = 0u32;
        let day = self.day;
        let mut roll: Vec<AccountId> = self
            .people
            .iter()
            .filter(|person| {
                plan.by_tokens || (plan.kinds.contains(&person.kind) && person.expires_day > day)
            })
            .map(|person| person.account)
            .collect();
        if plan.by_tokens {
            let venues = self.profile.spending.venues.iter();
            roll.extend(venues.map(|(name, _)| venue(name)));
        }
        let eligible = u32::try_from(roll.len())?;
        for account in roll {
            if !self.rng.chance(plan.turnout_pct) {
                continue;
            }
            let times = if self.rng.chance(plan.revote_pct) {
                2
            } else {
                1
            };
            let weight = if plan.by_tokens {
                self.expected.power(account)
            } else {
                1
            };
            for _ in 0..times {
                let pick = u8::try_from(self.rng.weighted(plan.weights))?;
                let choice = if pick >= options { ABSTAIN } else { pick };
                let cast = self.city.voting(account).cast_vote(poll, choice).value;
                self.tick();
                if weight == 0 {
                    // Only a holder with no power at the snapshot may be refused, and is.
                    check!(
                        cast == Err(city_traits::VotingError::NotEligible),
                        "tallies_weigh_each_ballot",
                        "{}: a voter without power at the snapshot was answered {cast:?}",
                        plan.question
                    );
                    powerless += 1;
                    break;
                }
                power.insert(account, weight);
                check!(
                    cast.is_ok(),
                    "tallies_weigh_each_ballot",
                    "{}: a vote of weight {weight} was refused: {cast:?}",
                    plan.question
                );
                ballots.insert(account, choice);
            }
        }
        self.city.skip_blocks(GOVERNANCE.voting_period);
        self.calls_in_block = 0;
        let tally = self
            .city
            .voting(ADMIN)
            .tally(poll)
            .value
            .ok_or_else(|| anyhow!("no tally for {}", plan.question))?;
        check!(
            tally.voters == u32::try_from(ballots.len())?,
            "tallies_weigh_each_ballot",
            "{}: {} voters counted, {} voted",
            plan.question,
            tally.voters,
            ballots.len()
        );
        // The tally from the ballots the city cast, each weighed by its power (one vote
        // per person, or the coins held at the snapshot).
        let mut expected = vec![0u128; plan.options.len() + 1];
        for (account, choice) in &ballots {
            expected[usize::from(*choice).min(plan.options.len())] += power[account];
        }
        check!(
            tally.votes == expected,
            "tallies_weigh_each_ballot",
            "{}: tally {:?}, votes cast {expected:?} ({powerless} refused without power)",
            plan.question,
            tally.votes
        );
        let state = self
            .city
            .voting(ADMIN)
            .state(poll)
            .accepted()
            .with_context(|| plan.question.to_string())?;
        let carried = self.carries(plan, &expected);
        check!(
            state
                == if carried {
                    PollState::Succeeded
                } else {
                    PollState::Defeated
                },
            "polls_carry_by_the_rules",
            "{}: {state:?}, though its ballots {expected:?} {} it",
            plan.question,
            if carried { "carry" } else { "do not carry" }
        );
        let outcome = match (state, plan.change) {
            (PollState::Succeeded, Some((action, reward))) => {
                self.city
                    .voting(ADMIN)
                    .queue(poll)
                    .accepted()
                    .with_context(|| format!("{}: not queued", plan.question))?;
                let due = self.day + 1 + u32::try_from(GOVERNANCE.timelock_ms / REWARD_EPOCH_MS)?;
                self.queued.push((poll, due, action, reward));
                format!("passed; executes on day {}", due + 1)
            }
            (PollState::Succeeded, None) => {
                let leader = tally.leader().ok_or_else(|| anyhow!("no leader"))?;
                format!("{} wins", plan.options[usize::from(leader)])
            }
            (state, _) => format!("{state:?}"),
        };
        self.polls.push(PollFigures {
            question: plan.question.into(),
            day: self.day + 1,
            eligible,
            voters: tally.voters,
            votes: tally.votes,
            outcome,
        });
        Ok(())
    }

    /// Whether ballots weighing `votes` (per option, then abstentions) carry `plan`: the
    /// quorum is `quorum_bps` of the electorate at the snapshot (everyone registered of
    /// its kinds, lapsed or not, until someone calls `expire`; or the supply), rounded up,
    /// abstentions included; then For beats Against, or one option leads all others.
    fn carries(&self, plan: &PollPlan, votes: &[u128]) -> bool {
        let electorate = if plan.by_tokens {
            self.profile.treasury + self.expected.minted
        } else {
            let members = self.people.iter();
            members
                .filter(|person| plan.kinds.contains(&person.kind))
                .count() as u128
        };
        let quorum = (electorate * u128::from(GOVERNANCE.quorum_bps)).div_ceil(10_000);
        let options = &votes[..plan.options.len()];
        if votes.iter().sum::<u128>() < quorum {
            return false;
        }
        if plan.change.is_some() {
            return options[usize::from(FOR)] > options[usize::from(AGAINST)];
        }
        let top = options.iter().max().copied().unwrap_or_default();
        top > 0 && options.iter().filter(|votes| **votes == top).count() == 1
    }

    /// Executes the proposals whose timelock ran out, and checks their effect.
    fn execute_due(&mut self) -> Result<()> {
        let day = self.day;
        let due: Vec<_> = self.queued.iter().copied().filter(|q| q.1 == day).collect();
        for (poll, _, action, reward) in due {
            self.city
                .voting(ADMIN)
                .execute(poll)
                .accepted()
                .with_context(|| format!("proposal {poll} did not execute"))?;
            let rule = self.city.rewards(ADMIN).rule(action).value;
            check!(
                rule.is_some_and(|rule| rule.reward == reward),
                "proposals_take_effect",
                "the executed proposal left the rule at {rule:?}"
            );
            if let Some(rule) = self.expected.rules.get_mut(&action.bit()) {
                rule.0 = reward;
            }
        }
        Ok(())
    }

    /// The public works: the services and the treasury fund the project on its day; a
    /// milestone is inspected every few days and released, wages before the contractor,
    /// unless the city cancels the project and its funders claim their refunds.
    fn works(&mut self) -> Result<()> {
        let Some(works) = &self.profile.works else {
            return Ok(());
        };
        if self.day == works.day {
            return self.open_works(works);
        }
        let Some(project) = self.project else {
            return Ok(());
        };
        let profile = self.profile;
        let index = self.expected.released;
        if self.expected.canceled || index == works.milestones {
            return Ok(());
        }
        let state = self
            .city
            .escrow(ADMIN)
            .project(project)
            .value
            .ok_or_else(|| anyhow!("no project {project}"))?;
        check!(
            state.state == ProjectState::Funded && state.current == index,
            "works_follow_the_plan",
            "the project is {:?} at milestone {}, the plan has it funded at {index}",
            state.state,
            state.current
        );
        if !(self.day - works.day).is_multiple_of(works.every_days) {
            return Ok(());
        }
        if works.canceled_after == Some(index) {
            self.expected.canceled = true;
            return self.cancel_works(project);
        }
        self.city
            .escrow(inspector(profile))
            .approve_milestone(project, index, numbered_id(0xe5, u32::from(index)))
            .accepted()
            .context("inspection refused")?;
        // What the plan pays: each worker its wage, then the contractor its share.
        let roll: Vec<AccountId> = self.workers().collect();
        let escrow = contract_account(&self.city.escrow);
        for worker in &roll {
            self.expected.transfer(escrow, *worker, works.wage)?;
        }
        self.expected
            .transfer(escrow, contractor(profile), works.contractor_amount)?;
        self.expected.in_escrow -=
            works.wage * u128::try_from(roll.len())? + works.contractor_amount;
        self.expected.released += 1;
        // A release pays at most 50 transfers: the roll and the contractor take this many.
        let calls = roll.len() / 50 + 1;
        for call in 1..=calls {
            self.city
                .escrow(inspector(profile))
                .release(project, index)
                .accepted()
                .context("release refused")?;
            self.tick();
            let milestone = self.city.escrow(ADMIN).milestone(project, index).value;
            let released = milestone.is_some_and(|(m, _)| m.state == MilestoneState::Released);
            check!(
                released == (call == calls),
                "works_follow_the_plan",
                "milestone {index} released: {released} after {call} of {calls} calls"
            );
        }
        for worker in roll {
            let held = self.city.balance(worker);
            self.tick();
            let expected = self.expected.balance(worker);
            check!(
                held == expected,
                "wages_reach_the_workers",
                "after milestone {index} a worker holds {held}, the plan and its earnings give {expected}"
            );
        }
        Ok(())
    }

    /// The workers on the wage roll: the first people of the first group.
    fn workers(&self) -> impl Iterator<Item = AccountId> + '_ {
        let workers = self.profile.works.as_ref().map_or(0, |works| works.workers);
        self.people
            .iter()
            .take(workers as usize)
            .map(|person| person.account)
    }

    /// Creates the project; each service funds its share of its takings, the treasury the
    /// rest of the target.
    fn open_works(&mut self, works: &Works) -> Result<()> {
        let profile = self.profile;
        let wages: Vec<Wage> = self
            .workers()
            .map(|worker| Wage {
                worker,
                amount: works.wage,
            })
            .collect();
        let milestone = MilestonePlan {
            contractor_amount: works.contractor_amount,
            wages,
            due: 0,
        };
        let plan = ProjectPlan {
            title: [0x77; 32],
            contractor: contractor(profile),
            inspectors: vec![inspector(profile)],
            milestones: vec![milestone; usize::from(works.milestones)],
            funding_deadline: self.city.now_ms() + 30 * REWARD_EPOCH_MS,
            needs_approval: false,
        };
        let project = self
            .city
            .escrow(ADMIN)
            .create_project(&plan)
            .accepted()
            .context("the project was refused")?;
        let target = self
            .city
            .escrow(ADMIN)
            .project(project)
            .value
            .ok_or_else(|| anyhow!("no project {project}"))?
            .target;
        let cost = works.contractor_amount + works.wage * u128::try_from(self.workers().count())?;
        let planned = cost * u128::from(works.milestones);
        check!(
            target == planned,
            "works_follow_the_plan",
            "the project's target is {target}, its plan costs {planned}"
        );
        let escrow = contract_account(&self.city.escrow);
        let mut funders: Vec<(AccountId, u128)> = profile
            .spending
            .venues
            .iter()
            .map(|(name, _)| {
                let takings = self.expected.balance(venue(name));
                (
                    venue(name),
                    takings * u128::from(works.services_fund_pct) / 100,
                )
            })
            .filter(|(_, amount)| *amount > 0)
            .collect();
        let given: u128 = funders.iter().map(|(_, amount)| amount).sum();
        funders.push((ADMIN.account(), target - given));
        for &(funder, amount) in &funders {
            self.city
                .escrow(funder)
                .approve_and_fund(project, amount)
                .accepted()
                .context("funding refused")?;
            self.expected.transfer(funder, escrow, amount)?;
        }
        self.expected.in_escrow = target;
        self.expected.funders = funders;
        self.project = Some(project);
        Ok(())
    }

    /// The city cancels the project; every funder claims back its share of what was not
    /// released (rounded down), the last one what is left, and the project holds nothing.
    fn cancel_works(&mut self, project: u32) -> Result<()> {
        self.city
            .escrow(ADMIN)
            .cancel_project(project)
            .accepted()
            .context("the project could not be canceled")?;
        let escrow = contract_account(&self.city.escrow);
        let funded: u128 = self.expected.funders.iter().map(|(_, amount)| amount).sum();
        let unreleased = self.expected.in_escrow;
        let funders = self.expected.funders.clone();
        for (n, (funder, given)) in funders.iter().enumerate() {
            let due = if n + 1 == funders.len() {
                self.expected.in_escrow
            } else {
                given * unreleased / funded
            };
            let refund = self
                .city
                .escrow(*funder)
                .claim_refund(project)
                .accepted()
                .context("a refund was refused")?;
            self.tick();
            check!(
                refund == due,
                "refunds_return_what_was_not_released",
                "a funder of {given} was refunded {refund}, its share of {unreleased} unreleased is {due}"
            );
            self.expected.transfer(escrow, *funder, due)?;
            self.expected.in_escrow -= due;
        }
        let held = self.city.balance(escrow);
        check!(
            held == 0,
            "refunds_return_what_was_not_released",
            "the escrow holds {held} after every refund"
        );
        Ok(())
    }

    fn figures(&mut self, calls_before: u64, minted_before: u128, spent_before: u128) -> Day {
        let supply = self.city.token(ADMIN).total_supply().value;
        let treasury = self.city.balance(ADMIN);
        let escrowed = self.city.balance(contract_account(&self.city.escrow));
        let (released, refunded) = self
            .project
            .and_then(|project| self.city.escrow(ADMIN).project(project).value)
            .map_or((0, 0), |project| (project.released, project.refunded));
        Day {
            day: self.day + 1,
            supply,
            treasury,
            circulating: supply - treasury - escrowed,
            escrowed,
            released,
            refunded,
            minted: self.minted.values().sum::<u128>() - minted_before,
            spent: self.spent.values().sum::<u128>() - spent_before,
            calls: self.calls() - calls_before,
        }
    }

    /// What must hold at the end of the run: every account holds what the harness
    /// worked out, and the supply is the first treasury and what the rules minted.
    fn check(&mut self) -> Result<()> {
        let on_chain = self.city.rewards(ADMIN).minted_total().value;
        check!(
            on_chain == self.expected.minted,
            "rewards_follow_the_rules",
            "the rules minted {on_chain} in all, the harness worked out {}",
            self.expected.minted
        );
        let mut holders: Vec<AccountId> = self.people.iter().map(|p| p.account).collect();
        holders.extend(
            self.profile
                .spending
                .venues
                .iter()
                .map(|(name, _)| venue(name)),
        );
        holders.extend([
            ADMIN.account(),
            contractor(self.profile),
            contract_account(&self.city.escrow),
        ]);
        if self.profile.batteries.is_some() {
            holders.push(battery_chain(self.profile)[2]);
        }
        holders.extend(self.check_charity()?);
        holders.extend(self.check_housing()?);
        let mut held = 0;
        for holder in holders {
            let balance = self.city.balance(holder);
            self.tick();
            let expected = self.expected.balance(holder);
            check!(
                balance == expected,
                "balances_are_as_expected",
                "an account holds {balance} at the end, the harness expects {expected}"
            );
            held += balance;
        }
        let supply = self.city.token(ADMIN).total_supply().value;
        check!(
            supply == self.profile.treasury + self.expected.minted && held == supply,
            "supply_is_the_treasury_and_the_rewards",
            "supply {supply}, treasury {} + minted {}, held by the city's accounts {held}",
            self.profile.treasury,
            self.expected.minted
        );
        Ok(())
    }

    fn report(&self, options: Options) -> CityReport {
        let mut population: BTreeMap<String, u32> = BTreeMap::new();
        for person in &self.people {
            *population.entry(format!("{:?}", person.kind)).or_default() += 1;
        }
        let messages = self
            .city
            .meter()
            .iter()
            .filter_map(|((address, selector), cost)| {
                let contract = self.city.suite_contract(address)?;
                Some(report::MessageCost {
                    contract: contract.name.into(),
                    message: contract
                        .message_name(*selector)
                        .unwrap_or_else(|| format!("{selector:02x?}")),
                    calls: cost.calls,
                    ref_time: cost.ref_time,
                    proof_size: cost.proof_size,
                })
            })
            .collect();
        let last = self.days.last().cloned().unwrap_or_default();
        CityReport {
            city: self.profile.city.into(),
            title: self.profile.title.into(),
            citizens: options.citizens,
            days: options.days,
            seed: options.seed,
            population: population.into_iter().collect(),
            earned: self.minted.values().sum(),
            spent: self.spent.values().sum(),
            bought: self.bought,
            escrowed: last.escrowed,
            released: last.released,
            refused_lapsed: self.refused,
            rewards: self.minted.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            polls: self.polls.clone(),
            projects: u32::from(self.project.is_some()),
            daily: self.days.clone(),
            charity: self.charity.as_ref().map(charity::CharityLife::figures),
            housing: self.housing.as_ref().map(housing::HousingLife::figures),
            messages,
            story: String::new(),
        }
    }
}

/// Cents as coins with two decimals, for narration.
pub fn coins(cents: u128) -> String {
    format!("{}.{:02}", cents / COIN, cents % COIN)
}
