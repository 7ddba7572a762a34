//! The fuzzer's steps on the reward rules: what they are, how a case draws them, how each is sent
//! to the Wasm and what the model predicts of it (the README's rules).

use super::*;

/// A step sent to the reward rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RewardsStep {
    Attest {
        attester: Actor,
        receipt: u8,
        beneficiary: Actor,
        #[serde(with = "regressions::by_name")]
        action: Action,
        quantity: u128,
    },
    SetLimits {
        caller: Actor,
        cap: u128,
        budget: u128,
    },
}

impl RewardsStep {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            RewardsStep::Attest { .. } => "rewards.attest",
            RewardsStep::SetLimits { .. } => "rewards.set_limits",
        }
    }

    /// Sends the step to the Wasm.
    pub(crate) fn send(self, city: &mut City) -> Verdict {
        match self {
            RewardsStep::Attest {
                attester,
                receipt,
                beneficiary,
                action,
                quantity,
            } => city
                .rewards(attester)
                .attest([receipt; 32], beneficiary, action, quantity)
                .value
                .map_err(|error| format!("{error:?}")),
            RewardsStep::SetLimits {
                caller,
                cap,
                budget,
            } => verdict(city.rewards(caller).set_limits(cap, budget).value),
        }
    }
}

impl Model {
    /// What the README's rules say of `step`; may leave the model half changed when it
    /// refuses ([`Model::apply`] throws such a model away).
    pub(crate) fn predict_rewards(&mut self, step: RewardsStep) -> Verdict {
        match step {
            RewardsStep::Attest {
                attester,
                receipt,
                beneficiary,
                action,
                quantity,
            } => {
                let (attester, beneficiary) = (attester.account(), beneficiary.account());
                if !authorised(attester, action) {
                    return Err("NotAuthorised".into());
                }
                if self.receipts.contains(&(attester, receipt)) {
                    return Err("ReceiptSeen".into());
                }
                let (reward, per, kinds) = rule(action, self.money).ok_or("NoRule")?;
                if !self
                    .identities
                    .kind_of(beneficiary, self.now_ms)
                    .is_some_and(|kind| kinds.contains(&kind))
                {
                    return Err("NotEligible".into());
                }
                // Pro rata, rounded down, exactly (README: the reward rules in brief).
                let reward = u128::try_from(
                    BigUint::from(quantity) * BigUint::from(reward) / BigUint::from(per),
                )
                .map_err(|_| "Overflow")?;
                let epoch = self.epoch();
                let (cap_left, budget_left) = self.rewards_left(beneficiary);
                let paid = reward.min(cap_left).min(budget_left);
                if paid > 0 {
                    self.mint(beneficiary, paid)
                        .map_err(|error| format!("TokenRefused({error})"))?;
                }
                self.receipts.insert((attester, receipt));
                *self.earned.entry((beneficiary, epoch)).or_default() += paid;
                *self.minted_in_epoch.entry(epoch).or_default() += paid;
                self.attested += paid;
                Ok(paid)
            }
            RewardsStep::SetLimits {
                caller,
                cap,
                budget,
            } => {
                if caller.account() != self.rewards_admin {
                    return Err("NotAdmin".into());
                }
                self.reward_cap = cap;
                self.reward_budget = budget;
                Ok(0)
            }
        }
    }
}

/// The steps on the reward rules a case draws, with their weights.
pub(crate) fn strategies(money: Money) -> Vec<(u32, BoxedStrategy<Step>)> {
    let action = prop_oneof![
        4 => Just(Action::Recyclables),
        1 => Just(Action::TaxPaid),
        1 => Just(Action::Volunteering),
        1 => Just(Action::WaterSaved),
    ];
    let quantity = prop_oneof![0..=100_000u128, Just(u128::MAX)];
    vec![
        (
            85,
            (mostly(BIN), 0..24u8, actor(), action, quantity)
                .prop_map(|(attester, receipt, beneficiary, action, quantity)| {
                    Step::Rewards(RewardsStep::Attest {
                        attester,
                        receipt,
                        beneficiary,
                        action,
                        quantity,
                    })
                })
                .boxed(),
        ),
        (
            4,
            (mostly(ADMIN), limit(money), limit(money))
                .prop_map(|(caller, cap, budget)| {
                    Step::Rewards(RewardsStep::SetLimits {
                        caller,
                        cap,
                        budget,
                    })
                })
                .boxed(),
        ),
    ]
}

/// A reward limit: the edges, below, at and above the usual ones.
fn limit(money: Money) -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(0),
        Just(1),
        0..=money.of(2 * REWARD_BUDGET),
        Just(u128::MAX)
    ]
}

/// The reward rule per action: recyclables 2 coins per kg for citizens and residents, tax
/// a 1% rebate for citizens (a reward in `money` per cent of tax), nothing for
/// volunteering (no rule).
pub fn rule(action: Action, money: Money) -> Option<(u128, u128, &'static [IdentityKind])> {
    match action {
        Action::Recyclables => Some((
            money.of(200),
            1_000,
            &[IdentityKind::Citizen, IdentityKind::Resident],
        )),
        Action::TaxPaid => Some((money.of(1), 100, &[IdentityKind::Citizen])),
        _ => None,
    }
}

/// What the bin and the rogue bin may report.
pub fn authorised(attester: AccountId, action: Action) -> bool {
    (attester == BIN.account() && matches!(action, Action::Recyclables | Action::Volunteering))
        || (attester == ROGUE_BIN.account() && action == Action::Recyclables)
}
