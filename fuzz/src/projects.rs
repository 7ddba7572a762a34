//! The reference model of the project escrow in the fuzzed city: one project, created at
//! the start, with two milestones, funded by anyone, inspected by carol, built by dave, with
//! alice and bob on the wage rolls.

use std::collections::{BTreeMap, BTreeSet};

use city_traits::{MilestonePlan, MilestoneState, ProjectState, Wage};
use ink::primitives::AccountId;
use num_bigint::BigUint;

use super::Money;
use harness::city::{Actor, ADMIN, ALICE, BOB, CAROL, DAVE};

/// The project's inspector, contractor and workers.
pub const INSPECTOR: Actor = CAROL;
pub const CONTRACTOR: Actor = DAVE;
pub const WORKERS: [Actor; 2] = [ALICE, BOB];
/// Days the project takes funds for.
pub const FUNDING_DAYS: u64 = 3;

/// The project's target, in the fuzzed city's units: the sum of [`plan`].
pub const TARGET: u128 = 3_250;

/// The project's milestones: 1,000 to the contractor and 100 to each worker, then 2,000
/// and 50 to alice, in `money`.
pub fn plan(money: Money) -> Vec<MilestonePlan> {
    let wage = |worker: Actor, amount| Wage {
        worker: worker.account(),
        amount: money.of(amount),
    };
    vec![
        MilestonePlan {
            contractor_amount: money.of(1_000),
            wages: vec![wage(ALICE, 100), wage(BOB, 100)],
            due: 0,
        },
        MilestonePlan {
            contractor_amount: money.of(2_000),
            wages: vec![wage(ALICE, 50)],
            due: 0,
        },
    ]
}

#[derive(Debug, Clone)]
struct MilestoneModel {
    contractor_amount: u128,
    wages: Vec<(AccountId, u128)>,
    state: MilestoneState,
}

/// What the model knows of the project.
#[derive(Debug, Clone)]
pub struct ProjectModel {
    pub target: u128,
    pub deadline_ms: u64,
    pub state: ProjectState,
    pub current: u8,
    pub funded: u128,
    pub released: u128,
    pub refunded: u128,
    pub contributions: BTreeMap<AccountId, u128>,
    pub claimed: BTreeSet<AccountId>,
    pub paid: BTreeMap<AccountId, u128>,
    milestones: Vec<MilestoneModel>,
}

/// A payment the escrow makes, which the token may refuse.
pub type Payment = (AccountId, u128);

type Verdict = Result<u128, String>;

impl ProjectModel {
    pub fn new(deadline_ms: u64, money: Money) -> Self {
        let milestones: Vec<MilestoneModel> = plan(money)
            .into_iter()
            .map(|plan| MilestoneModel {
                contractor_amount: plan.contractor_amount,
                wages: plan.wages.iter().map(|w| (w.worker, w.amount)).collect(),
                state: MilestoneState::Pending,
            })
            .collect();
        let target = milestones
            .iter()
            .map(|m| m.contractor_amount + m.wages.iter().map(|(_, a)| a).sum::<u128>())
            .sum();
        Self {
            target,
            deadline_ms,
            state: ProjectState::Funding,
            current: 0,
            funded: 0,
            released: 0,
            refunded: 0,
            contributions: BTreeMap::new(),
            claimed: BTreeSet::new(),
            paid: BTreeMap::new(),
            milestones,
        }
    }

    pub fn held(&self) -> u128 {
        self.funded - self.released - self.refunded
    }

    /// Checks a funding and books it; the caller then moves the tokens. `policy` says
    /// whether the civic policy is in force and whether the funder is a service provider:
    /// under the civic policy only providers fund (README, the escrow in brief).
    pub fn fund(
        &mut self,
        funder: AccountId,
        amount: u128,
        now_ms: u64,
        (civic, provider): (bool, bool),
    ) -> Verdict {
        if amount == 0 {
            return Err("ZeroAmount".into());
        }
        if self.state != ProjectState::Funding || now_ms >= self.deadline_ms {
            return Err("FundingClosed".into());
        }
        if amount > self.target - self.funded {
            return Err("OverFunding".into());
        }
        if civic && !provider {
            return Err("PolicyForbidsFunding".into());
        }
        *self.contributions.entry(funder).or_default() += amount;
        self.funded += amount;
        if self.funded == self.target {
            self.state = ProjectState::Funded;
        }
        Ok(0)
    }

    fn open_for_work(&self, index: u8) -> Result<(), String> {
        if self.state != ProjectState::Funded {
            return Err("NotFunded".into());
        }
        if index != self.current {
            return Err("NotCurrentMilestone".into());
        }
        Ok(())
    }

    pub fn inspect(&mut self, inspector: AccountId, index: u8, approve: bool) -> Verdict {
        if inspector != INSPECTOR.account() {
            return Err("NotInspector".into());
        }
        self.open_for_work(index)?;
        let milestone = &mut self.milestones[usize::from(index)];
        let allowed = match milestone.state {
            MilestoneState::Pending => true,
            MilestoneState::Rejected => approve,
            _ => false,
        };
        if !allowed {
            return Err("WrongMilestoneState".into());
        }
        milestone.state = if approve {
            MilestoneState::Approved
        } else {
            MilestoneState::Rejected
        };
        Ok(0)
    }

    pub fn dispute(&mut self, caller: AccountId, index: u8) -> Verdict {
        let Some(milestone) = self.milestones.get(usize::from(index)) else {
            return Err("UnknownMilestone".into());
        };
        if caller != CONTRACTOR.account() {
            return Err("NotContractor".into());
        }
        if self.state != ProjectState::Funded {
            return Err("NotFunded".into());
        }
        if milestone.state != MilestoneState::Rejected {
            return Err("WrongMilestoneState".into());
        }
        self.milestones[usize::from(index)].state = MilestoneState::Disputed;
        Ok(0)
    }

    pub fn resolve(&mut self, caller: AccountId, index: u8, release: bool) -> Verdict {
        if caller != ADMIN.account() {
            return Err("NotAdmin".into());
        }
        let Some(milestone) = self.milestones.get(usize::from(index)) else {
            return Err("UnknownMilestone".into());
        };
        if self.state != ProjectState::Funded {
            return Err("NotFunded".into());
        }
        if milestone.state != MilestoneState::Disputed {
            return Err("WrongMilestoneState".into());
        }
        if release {
            self.milestones[usize::from(index)].state = MilestoneState::Approved;
        } else {
            self.state = ProjectState::Canceled;
        }
        Ok(0)
    }

    /// Books a release and returns the payments it makes, in order.
    pub fn release(&mut self, index: u8) -> Result<Vec<Payment>, String> {
        if usize::from(index) >= self.milestones.len() {
            return Err("UnknownMilestone".into());
        }
        self.open_for_work(index)?;
        let milestone = &mut self.milestones[usize::from(index)];
        if milestone.state != MilestoneState::Approved {
            return Err("WrongMilestoneState".into());
        }
        // Both wage rolls are far shorter than a batch: one call pays everyone.
        let mut payments = milestone.wages.clone();
        payments.push((CONTRACTOR.account(), milestone.contractor_amount));
        milestone.state = MilestoneState::Released;
        for (worker, amount) in &milestone.wages {
            *self.paid.entry(*worker).or_default() += amount;
        }
        self.released += payments.iter().map(|(_, amount)| amount).sum::<u128>();
        self.current += 1;
        if usize::from(self.current) == self.milestones.len() {
            self.state = ProjectState::Completed;
        }
        Ok(payments)
    }

    pub fn cancel(&mut self, caller: AccountId, now_ms: u64) -> Verdict {
        let open = matches!(self.state, ProjectState::Funding | ProjectState::Funded);
        let funding_failed = self.state == ProjectState::Funding && now_ms >= self.deadline_ms;
        if !open || (caller != ADMIN.account() && !funding_failed) {
            return Err("NotCancelable".into());
        }
        self.state = ProjectState::Canceled;
        Ok(0)
    }

    /// Books a refund and returns its amount.
    pub fn claim(&mut self, funder: AccountId) -> Result<u128, String> {
        if self.state != ProjectState::Canceled {
            return Err("NotCanceled".into());
        }
        let given = self.contributions.get(&funder).copied().unwrap_or_default();
        if given == 0 || self.claimed.contains(&funder) {
            return Err("NothingToRefund".into());
        }
        let last = self.claimed.len() + 1 == self.contributions.len();
        let amount = if last {
            self.held()
        } else {
            // Exactly, in arbitrary precision: a share of at most the whole always fits.
            let share = BigUint::from(given) * BigUint::from(self.funded - self.released)
                / BigUint::from(self.funded);
            u128::try_from(share).expect("a share of the unreleased funds fits")
        };
        self.claimed.insert(funder);
        self.refunded += amount;
        Ok(amount)
    }
}
