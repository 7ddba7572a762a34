//! The fuzzer's steps on the project escrow: what they are, how a case draws them, how each is sent
//! to the Wasm and what the model predicts of it (the README's rules).

use super::*;

/// A step sent to the project escrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EscrowStep {
    Fund {
        funder: Actor,
        amount: u128,
    },
    Inspect {
        inspector: Actor,
        milestone: u8,
        approve: bool,
    },
    Dispute {
        caller: Actor,
        milestone: u8,
    },
    Resolve {
        caller: Actor,
        milestone: u8,
        release: bool,
    },
    Release {
        caller: Actor,
        milestone: u8,
    },
    CancelProject {
        caller: Actor,
    },
    ClaimRefund {
        funder: Actor,
    },
}

impl EscrowStep {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            EscrowStep::Fund { .. } => "escrow.fund",
            EscrowStep::Inspect { .. } => "escrow.approve/reject_milestone",
            EscrowStep::Dispute { .. } => "escrow.open_dispute",
            EscrowStep::Resolve { .. } => "escrow.resolve_dispute",
            EscrowStep::Release { .. } => "escrow.release",
            EscrowStep::CancelProject { .. } => "escrow.cancel_project",
            EscrowStep::ClaimRefund { .. } => "escrow.claim_refund",
        }
    }

    /// Sends the step to the Wasm.
    pub(crate) fn send(self, city: &mut City) -> Verdict {
        match self {
            EscrowStep::Fund { funder, amount } => {
                verdict(city.escrow(funder).fund(0, amount).value)
            }
            EscrowStep::Inspect {
                inspector,
                milestone,
                approve,
            } => {
                let calls = city.escrow(inspector);
                let inspected = if approve {
                    calls.approve_milestone(0, milestone, [1; 32])
                } else {
                    calls.reject_milestone(0, milestone, [2; 32])
                };
                verdict(inspected.value)
            }
            EscrowStep::Dispute { caller, milestone } => {
                verdict(city.escrow(caller).open_dispute(0, milestone).value)
            }
            EscrowStep::Resolve {
                caller,
                milestone,
                release,
            } => verdict(
                city.escrow(caller)
                    .resolve_dispute(0, milestone, release)
                    .value,
            ),
            EscrowStep::Release { caller, milestone } => {
                verdict(city.escrow(caller).release(0, milestone).value)
            }
            EscrowStep::CancelProject { caller } => {
                verdict(city.escrow(caller).cancel_project(0).value)
            }
            EscrowStep::ClaimRefund { funder } => {
                verdict(city.escrow(funder).claim_refund(0).value)
            }
        }
    }
}

impl Model {
    /// What the README's rules say of `step`; may leave the model half changed when it
    /// refuses ([`Model::apply`] throws such a model away).
    pub(crate) fn predict_escrow(&mut self, step: EscrowStep) -> Verdict {
        match step {
            EscrowStep::Fund { funder, amount } => {
                let funder = funder.account();
                let policy = (self.civic, self.holds(funder, Role::ServiceProvider));
                self.project.fund(funder, amount, self.now_ms, policy)?;
                self.escrow_takes(funder, amount)?;
                Ok(0)
            }
            EscrowStep::Inspect {
                inspector,
                milestone,
                approve,
            } => self
                .project
                .inspect(inspector.account(), milestone, approve),
            EscrowStep::Dispute { caller, milestone } => {
                self.project.dispute(caller.account(), milestone)
            }
            EscrowStep::Resolve {
                caller,
                milestone,
                release,
            } => self.project.resolve(caller.account(), milestone, release),
            EscrowStep::Release { milestone, .. } => {
                for (to, amount) in self.project.release(milestone)? {
                    self.escrow_pays(to, amount)?;
                }
                Ok(0)
            }
            EscrowStep::CancelProject { caller } => {
                self.project.cancel(caller.account(), self.now_ms)
            }
            EscrowStep::ClaimRefund { funder } => {
                let funder = funder.account();
                let amount = self.project.claim(funder)?;
                self.escrow_pays(funder, amount)?;
                Ok(0)
            }
        }
    }
}

/// The steps on the project escrow a case draws, with their weights.
pub(crate) fn strategies(money: Money) -> Vec<(u32, BoxedStrategy<Step>)> {
    vec![
        (
            51,
            (mostly(ADMIN), funding(money))
                .prop_map(|(funder, amount)| Step::Escrow(EscrowStep::Fund { funder, amount }))
                .boxed(),
        ),
        (
            34,
            (mostly(projects::INSPECTOR), 0..3u8, any::<bool>())
                .prop_map(|(inspector, milestone, approve)| {
                    Step::Escrow(EscrowStep::Inspect {
                        inspector,
                        milestone,
                        approve,
                    })
                })
                .boxed(),
        ),
        (
            17,
            (mostly(projects::CONTRACTOR), 0..3u8)
                .prop_map(|(caller, milestone)| {
                    Step::Escrow(EscrowStep::Dispute { caller, milestone })
                })
                .boxed(),
        ),
        (
            17,
            (mostly(ADMIN), 0..3u8, any::<bool>())
                .prop_map(|(caller, milestone, release)| {
                    Step::Escrow(EscrowStep::Resolve {
                        caller,
                        milestone,
                        release,
                    })
                })
                .boxed(),
        ),
        (
            34,
            (actor(), 0..3u8)
                .prop_map(|(caller, milestone)| {
                    Step::Escrow(EscrowStep::Release { caller, milestone })
                })
                .boxed(),
        ),
        (
            17,
            actor()
                .prop_map(|caller| Step::Escrow(EscrowStep::CancelProject { caller }))
                .boxed(),
        ),
        (
            17,
            actor()
                .prop_map(|funder| Step::Escrow(EscrowStep::ClaimRefund { funder }))
                .boxed(),
        ),
    ]
}

/// A funding: the edges, half or all of the project's 3,250, or anything up to it.
fn funding(money: Money) -> impl Strategy<Value = u128> {
    let target = money.of(projects::TARGET);
    prop_oneof![
        1 => Just(0),
        1 => Just(1),
        2 => Just(target / 2),
        2 => Just(target),
        1 => 0..=target,
        1 => Just(u128::MAX),
    ]
}
