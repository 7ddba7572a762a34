//! The fuzzer's steps on the city token: what they are, how a case draws them, how each is sent
//! to the Wasm and what the model predicts of it (the README's rules).

use super::*;

/// A step sent to the city token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TokenStep {
    Transfer {
        from: Actor,
        to: Actor,
        amount: u128,
    },
    Approve {
        owner: Actor,
        spender: Actor,
        amount: u128,
    },
    TransferFrom {
        spender: Actor,
        from: Actor,
        to: Actor,
        amount: u128,
    },
    Mint {
        caller: Actor,
        to: Actor,
        amount: u128,
    },
    Burn {
        caller: Actor,
        from: Actor,
        amount: u128,
    },
    Pause {
        caller: Actor,
    },
    Unpause {
        caller: Actor,
    },
    SetCivicPolicy {
        caller: Actor,
        civic: bool,
    },
    Redeem {
        citizen: Actor,
        provider: Actor,
        amount: u128,
        memo: u8,
    },
    IncreaseAllowance {
        owner: Actor,
        spender: Actor,
        amount: u128,
    },
    DecreaseAllowance {
        owner: Actor,
        spender: Actor,
        amount: u128,
    },
    TrackVotes {
        caller: Actor,
    },
    GrantRole {
        caller: Actor,
        #[serde(with = "regressions::by_name")]
        role: Role,
        to: Actor,
    },
    RevokeRole {
        caller: Actor,
        #[serde(with = "regressions::by_name")]
        role: Role,
        from: Actor,
    },
    /// The token's admin seat is offered to `to` (it moves when `to` accepts).
    OfferTokenAdmin {
        caller: Actor,
        to: Actor,
    },
    /// The account offered the token's admin seat takes it.
    AcceptTokenAdmin {
        caller: Actor,
    },
    /// The token's admin seat is offered to e-voting, which accepts it by a proposal:
    /// from then on only proposals move it.
    HandOverToken {
        caller: Actor,
    },
}

impl TokenStep {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            TokenStep::Transfer { .. } => "token.transfer",
            TokenStep::Approve { .. } => "token.approve",
            TokenStep::TransferFrom { .. } => "token.transfer_from",
            TokenStep::Mint { .. } => "token.mint_to",
            TokenStep::Burn { .. } => "token.burn_from",
            TokenStep::Pause { .. } => "token.pause",
            TokenStep::Unpause { .. } => "token.unpause",
            TokenStep::SetCivicPolicy { .. } => "token.set_transfer_policy",
            TokenStep::Redeem { .. } => "token.redeem",
            TokenStep::IncreaseAllowance { .. } => "token.increase_allowance",
            TokenStep::DecreaseAllowance { .. } => "token.decrease_allowance",
            TokenStep::TrackVotes { .. } => "token.track_votes",
            TokenStep::GrantRole { .. } => "token.grant_role",
            TokenStep::RevokeRole { .. } => "token.revoke_role",
            TokenStep::OfferTokenAdmin { .. } | TokenStep::HandOverToken { .. } => {
                "token.offer_admin"
            }
            TokenStep::AcceptTokenAdmin { .. } => "token.accept_admin",
        }
    }

    /// Sends the step to the Wasm.
    pub(crate) fn send(self, city: &mut City) -> Verdict {
        match self {
            TokenStep::Transfer { from, to, amount } => {
                verdict(city.token(from).transfer(to, amount).value)
            }
            TokenStep::Approve {
                owner,
                spender,
                amount,
            } => verdict(city.token(owner).approve(spender, amount).value),
            TokenStep::TransferFrom {
                spender,
                from,
                to,
                amount,
            } => verdict(city.token(spender).transfer_from(from, to, amount).value),
            TokenStep::Mint { caller, to, amount } => {
                verdict(city.token(caller).mint_to(to, amount).value)
            }
            TokenStep::Burn {
                caller,
                from,
                amount,
            } => verdict(city.token(caller).burn_from(from, amount).value),
            TokenStep::Pause { caller } => verdict(city.token(caller).pause().value),
            TokenStep::Unpause { caller } => verdict(city.token(caller).unpause().value),
            TokenStep::SetCivicPolicy { caller, civic } => {
                let policy = if civic {
                    TransferPolicy::Civic
                } else {
                    TransferPolicy::Open
                };
                verdict(city.token(caller).set_transfer_policy(policy).value)
            }
            TokenStep::Redeem {
                citizen,
                provider,
                amount,
                memo,
            } => {
                let memo = vec![b'm'; usize::from(memo)];
                verdict(city.token(citizen).redeem(provider, amount, &memo).value)
            }
            TokenStep::IncreaseAllowance {
                owner,
                spender,
                amount,
            } => verdict(city.token(owner).increase_allowance(spender, amount).value),
            TokenStep::DecreaseAllowance {
                owner,
                spender,
                amount,
            } => verdict(city.token(owner).decrease_allowance(spender, amount).value),
            TokenStep::TrackVotes { caller } => verdict(city.token(caller).track_votes().value),
            TokenStep::GrantRole { caller, role, to } => {
                verdict(city.token(caller).grant_role(role, to).value)
            }
            TokenStep::RevokeRole { caller, role, from } => {
                verdict(city.token(caller).revoke_role(role, from).value)
            }
            TokenStep::OfferTokenAdmin { caller, to } => {
                verdict(city.token(caller).offer_admin(to).value)
            }
            TokenStep::AcceptTokenAdmin { caller } => {
                verdict(city.token(caller).accept_admin().value)
            }
            TokenStep::HandOverToken { caller } => {
                let voting = contract_account(&city.voting);
                verdict(city.token(caller).offer_admin(voting).value)
            }
        }
    }
}

impl Model {
    /// What the README's rules say of `step`; may leave the model half changed when it
    /// refuses ([`Model::apply`] throws such a model away).
    pub(crate) fn predict_token(&mut self, step: TokenStep) -> Verdict {
        match step {
            TokenStep::Transfer { from, to, amount } => {
                let (from, to) = (from.account(), to.account());
                if self.paused {
                    return psp22_custom("Paused");
                }
                if from == to || amount == 0 {
                    return Ok(0);
                }
                self.ensure_policy(from, to)?;
                self.move_tokens(from, to, amount).map_err(psp22)?;
                Ok(0)
            }
            TokenStep::Approve {
                owner,
                spender,
                amount,
            } => {
                if owner != spender {
                    self.set_allowance(owner.account(), spender.account(), amount);
                }
                Ok(0)
            }
            TokenStep::TransferFrom {
                spender,
                from,
                to,
                amount,
            } => {
                let (spender, from, to) = (spender.account(), from.account(), to.account());
                if self.paused {
                    return psp22_custom("Paused");
                }
                if from == to || amount == 0 {
                    return Ok(0);
                }
                let left = self.check_spend(from, spender, amount).map_err(psp22)?;
                self.ensure_policy(from, to)?;
                if let Some(left) = left {
                    self.set_allowance(from, spender, left);
                }
                self.move_tokens(from, to, amount).map_err(psp22)?;
                Ok(0)
            }
            TokenStep::Mint { caller, to, amount } => {
                if !self.holds(caller.account(), Role::Minter) {
                    return Err("MissingRole(Minter)".into());
                }
                self.mint(to.account(), amount)?;
                Ok(0)
            }
            TokenStep::Burn {
                caller,
                from,
                amount,
            } => {
                let (burner, from) = (caller.account(), from.account());
                if !self.holds(burner, Role::Burner) {
                    return Err("MissingRole(Burner)".into());
                }
                if self.paused {
                    return Err("Paused".into());
                }
                if amount == 0 {
                    return Ok(0);
                }
                if let Some(left) = self.check_spend(from, burner, amount)? {
                    self.set_allowance(from, burner, left);
                }
                let left = self
                    .balance(from)
                    .checked_sub(amount)
                    .ok_or("InsufficientBalance")?;
                self.balances.insert(from, left);
                self.supply -= amount;
                Ok(0)
            }
            TokenStep::Pause { caller } => {
                if !self.holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if self.paused {
                    return Err("Paused".into());
                }
                self.paused = true;
                Ok(0)
            }
            TokenStep::Unpause { caller } => {
                if !self.holds(caller.account(), Role::Pauser) {
                    return Err("MissingRole(Pauser)".into());
                }
                if !self.paused {
                    return Err("NotPaused".into());
                }
                self.paused = false;
                Ok(0)
            }
            TokenStep::SetCivicPolicy { caller, civic } => {
                if caller.account() != self.token_admin {
                    return Err("NotAdmin".into());
                }
                self.civic = civic;
                Ok(0)
            }
            TokenStep::Redeem {
                citizen,
                provider,
                amount,
                memo,
            } => {
                let (citizen, provider) = (citizen.account(), provider.account());
                if self.paused {
                    return Err("Paused".into());
                }
                if amount == 0 {
                    return Err("ZeroAmount".into());
                }
                if usize::from(memo) > 64 {
                    return Err("MemoTooLong".into());
                }
                if provider == citizen {
                    return Err("SelfRedemption".into());
                }
                if !self.holds(provider, Role::ServiceProvider) {
                    return Err("NotServiceProvider".into());
                }
                self.move_tokens(citizen, provider, amount)?;
                Ok(0)
            }
            TokenStep::IncreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let (owner, spender) = (owner.account(), spender.account());
                if owner != spender && amount != 0 {
                    let raised = self.allowance(owner, spender).saturating_add(amount);
                    self.set_allowance(owner, spender, raised);
                }
                Ok(0)
            }
            TokenStep::DecreaseAllowance {
                owner,
                spender,
                amount,
            } => {
                let (owner, spender) = (owner.account(), spender.account());
                if owner != spender && amount != 0 {
                    let left = self
                        .allowance(owner, spender)
                        .checked_sub(amount)
                        .ok_or("InsufficientAllowance")?;
                    self.set_allowance(owner, spender, left);
                }
                Ok(0)
            }
            TokenStep::TrackVotes { caller } => {
                self.tracking.insert(caller.account());
                Ok(0)
            }
            TokenStep::GrantRole { caller, role, to } => {
                self.ensure_token_admin(caller)?;
                self.roles.insert((to.account(), role.bit()));
                Ok(0)
            }
            TokenStep::RevokeRole { caller, role, from } => {
                self.ensure_token_admin(caller)?;
                self.roles.remove(&(from.account(), role.bit()));
                Ok(0)
            }
            TokenStep::OfferTokenAdmin { caller, to } => {
                self.ensure_token_admin(caller)?;
                // An offer to the holder itself withdraws the offer.
                self.token_offered = (to.account() != self.token_admin).then(|| to.account());
                Ok(0)
            }
            TokenStep::AcceptTokenAdmin { caller } => {
                if self.token_offered != Some(caller.account()) {
                    return Err("NotOffered".into());
                }
                (self.token_admin, self.token_offered) = (caller.account(), None);
                Ok(0)
            }
            TokenStep::HandOverToken { caller } => {
                self.ensure_token_admin(caller)?;
                self.token_offered = Some(self.voting);
                Ok(0)
            }
        }
    }
}

/// The steps on the city token a case draws, with their weights.
pub(crate) fn strategies(money: Money) -> Vec<(u32, BoxedStrategy<Step>)> {
    vec![
        (
            68,
            (actor(), actor(), amount(money))
                .prop_map(|(from, to, amount)| {
                    Step::Token(TokenStep::Transfer { from, to, amount })
                })
                .boxed(),
        ),
        (
            34,
            (actor(), actor(), amount(money))
                .prop_map(|(owner, spender, amount)| {
                    Step::Token(TokenStep::Approve {
                        owner,
                        spender,
                        amount,
                    })
                })
                .boxed(),
        ),
        (
            34,
            (actor(), actor(), actor(), amount(money))
                .prop_map(|(spender, from, to, amount)| {
                    Step::Token(TokenStep::TransferFrom {
                        spender,
                        from,
                        to,
                        amount,
                    })
                })
                .boxed(),
        ),
        (
            34,
            (mostly(ADMIN), actor(), amount(money))
                .prop_map(|(caller, to, amount)| {
                    Step::Token(TokenStep::Mint { caller, to, amount })
                })
                .boxed(),
        ),
        (
            17,
            (mostly(ADMIN), actor(), amount(money))
                .prop_map(|(caller, from, amount)| {
                    Step::Token(TokenStep::Burn {
                        caller,
                        from,
                        amount,
                    })
                })
                .boxed(),
        ),
        (
            17,
            mostly(ADMIN)
                .prop_map(|caller| Step::Token(TokenStep::Pause { caller }))
                .boxed(),
        ),
        (
            17,
            mostly(ADMIN)
                .prop_map(|caller| Step::Token(TokenStep::Unpause { caller }))
                .boxed(),
        ),
        (
            17,
            (mostly(ADMIN), any::<bool>())
                .prop_map(|(caller, civic)| {
                    Step::Token(TokenStep::SetCivicPolicy { caller, civic })
                })
                .boxed(),
        ),
        (
            34,
            (actor(), mostly(SHOP), amount(money), 0..=70u8)
                .prop_map(|(citizen, provider, amount, memo)| {
                    Step::Token(TokenStep::Redeem {
                        citizen,
                        provider,
                        amount,
                        memo,
                    })
                })
                .boxed(),
        ),
        (
            8,
            (actor(), actor(), amount(money))
                .prop_map(|(owner, spender, amount)| {
                    Step::Token(TokenStep::IncreaseAllowance {
                        owner,
                        spender,
                        amount,
                    })
                })
                .boxed(),
        ),
        (
            8,
            (actor(), actor(), amount(money))
                .prop_map(|(owner, spender, amount)| {
                    Step::Token(TokenStep::DecreaseAllowance {
                        owner,
                        spender,
                        amount,
                    })
                })
                .boxed(),
        ),
        (
            4,
            actor()
                .prop_map(|caller| Step::Token(TokenStep::TrackVotes { caller }))
                .boxed(),
        ),
        (
            8,
            (mostly(ADMIN), role(), actor())
                .prop_map(|(caller, role, to)| {
                    Step::Token(TokenStep::GrantRole { caller, role, to })
                })
                .boxed(),
        ),
        (
            8,
            (mostly(ADMIN), role(), actor())
                .prop_map(|(caller, role, from)| {
                    Step::Token(TokenStep::RevokeRole { caller, role, from })
                })
                .boxed(),
        ),
        (
            4,
            (actor(), actor())
                .prop_map(|(caller, to)| Step::Token(TokenStep::OfferTokenAdmin { caller, to }))
                .boxed(),
        ),
        (
            4,
            actor()
                .prop_map(|caller| Step::Token(TokenStep::AcceptTokenAdmin { caller }))
                .boxed(),
        ),
        (
            4,
            mostly(ADMIN)
                .prop_map(|caller| Step::Token(TokenStep::HandOverToken { caller }))
                .boxed(),
        ),
    ]
}

/// A token role, but the forwarder's: the intents contract's e2e tests and reviews cover
/// it (it acts for every holder, and lapses when the admin seat moves).
fn role() -> impl Strategy<Value = Role> {
    let roles = Role::ALL
        .into_iter()
        .filter(|role| *role != Role::Forwarder);
    proptest::sample::select(roles.collect::<Vec<_>>())
}
