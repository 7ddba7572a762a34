//! The fuzzer's steps on e-voting: what they are, how a case draws them, how each is sent
//! to the Wasm and what the model predicts of it (the README's rules).

use city_traits::{PollKind, Revoting, Secrecy};

use super::*;

/// A step sent to e-voting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum VotingStep {
    /// A poll; with `tokens`, weighed by the coins held at the snapshot.
    OpenPoll {
        caller: Actor,
        options: u8,
        #[serde(with = "regressions::by_name")]
        secrecy: Secrecy,
        #[serde(with = "regressions::by_name")]
        revoting: Revoting,
        tokens: bool,
    },
    /// A proposal; with `accept`, its first call accepts the token's admin seat offered
    /// to e-voting; with `seize`, its last call offers the seat to the proposer (an
    /// attacker's goal, or a citizen's fair win), who must then accept it.
    Propose {
        caller: Actor,
        #[serde(with = "regressions::by_name")]
        secrecy: Secrecy,
        #[serde(with = "regressions::by_name")]
        revoting: Revoting,
        seize: bool,
        #[serde(default)]
        accept: bool,
    },
    Vote {
        voter: Actor,
        poll: u8,
        choice: u8,
    },
    /// A secret ballot for `choice`, sealed with the salt `[salt; 32]`.
    Commit {
        voter: Actor,
        poll: u8,
        choice: u8,
        salt: u8,
    },
    Reveal {
        voter: Actor,
        poll: u8,
        choice: u8,
        salt: u8,
    },
    CancelPoll {
        caller: Actor,
        poll: u8,
    },
    Queue {
        caller: Actor,
        poll: u8,
    },
    Execute {
        caller: Actor,
        poll: u8,
    },
}

impl VotingStep {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            VotingStep::OpenPoll { .. } => "voting.create_poll",
            VotingStep::Propose { .. } => "voting.propose",
            VotingStep::Vote { .. } => "voting.cast_vote",
            VotingStep::Commit { .. } => "voting.commit_vote",
            VotingStep::Reveal { .. } => "voting.reveal_vote",
            VotingStep::CancelPoll { .. } => "voting.cancel",
            VotingStep::Queue { .. } => "voting.queue",
            VotingStep::Execute { .. } => "voting.execute",
        }
    }

    /// Sends the step to the Wasm.
    pub(crate) fn send(self, city: &mut City) -> Verdict {
        match self {
            VotingStep::OpenPoll {
                caller,
                options,
                secrecy,
                revoting,
                tokens,
            } => {
                let labels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
                let electorate = if tokens {
                    Electorate::Tokens
                } else {
                    Electorate::people(&polls::ELECTORATE)
                };
                let labels = &labels[..usize::from(options)];
                verdict(
                    city.voting(caller)
                        .create_poll("?", labels, electorate, secrecy, revoting)
                        .value,
                )
            }
            VotingStep::Propose {
                caller,
                secrecy,
                revoting,
                seize,
                accept,
            } => {
                let accepting = accept.then(|| {
                    harness::voting::proposed_call(
                        &city.token,
                        ink::selector_bytes!("Admin::accept_admin"),
                        (),
                    )
                });
                let seizing = seize.then(|| seize_the_token(city, caller));
                let calls: Vec<_> = accepting.into_iter().chain(seizing).collect();
                verdict(
                    city.voting(caller)
                        .propose("!", &calls, secrecy, revoting)
                        .value,
                )
            }
            VotingStep::Commit {
                voter,
                poll,
                choice,
                salt,
            } => {
                let sealed = commitment(poll.into(), voter.account(), choice, [salt; 32]);
                verdict(city.voting(voter).commit_vote(poll.into(), sealed).value)
            }
            VotingStep::Reveal {
                voter,
                poll,
                choice,
                salt,
            } => verdict(
                city.voting(voter)
                    .reveal_vote(poll.into(), choice, [salt; 32])
                    .value,
            ),
            VotingStep::Vote {
                voter,
                poll,
                choice,
            } => verdict(
                city.voting(voter)
                    .cast_vote(PollId::from(poll), choice)
                    .value,
            ),
            VotingStep::CancelPoll { caller, poll } => {
                verdict(city.voting(caller).cancel(poll.into()).value)
            }
            VotingStep::Queue { caller, poll } => {
                verdict(city.voting(caller).queue(poll.into()).value)
            }
            VotingStep::Execute { caller, poll } => {
                verdict(city.voting(caller).execute(poll.into()).value)
            }
        }
    }
}

impl Model {
    /// What the README's rules say of `step`; may leave the model half changed when it
    /// refuses ([`Model::apply`] throws such a model away).
    pub(crate) fn predict_voting(&mut self, step: VotingStep) -> Verdict {
        match step {
            VotingStep::OpenPoll {
                caller,
                options,
                secrecy,
                revoting,
                tokens,
            } => self.polls.open(
                caller.account(),
                options,
                (PollKind::Consultation, secrecy, revoting, tokens),
                (self.block, self.now_ms),
            ),
            VotingStep::Propose {
                caller,
                secrecy,
                revoting,
                seize,
                accept,
            } => {
                self.polls.open(
                    caller.account(),
                    2,
                    (PollKind::Proposal, secrecy, revoting, false),
                    (self.block, self.now_ms),
                )?;
                let opened = self.polls.polls.last_mut().expect("just opened");
                (opened.seize, opened.accept) = (seize, accept);
                Ok(0)
            }
            VotingStep::Vote {
                voter,
                poll,
                choice,
            } => self.polls.vote(
                voter.account(),
                (poll, choice),
                self.block,
                &self.identities,
            ),
            VotingStep::Commit {
                voter,
                poll,
                choice,
                salt,
            } => self.polls.commit(
                voter.account(),
                (poll, choice, salt),
                self.block,
                &self.identities,
            ),
            VotingStep::Reveal {
                voter,
                poll,
                choice,
                salt,
            } => self
                .polls
                .reveal(voter.account(), (poll, choice, salt), self.block),
            VotingStep::CancelPoll { caller, poll } => self.polls.cancel(
                caller.account(),
                poll,
                (self.block, self.now_ms),
                &self.identities,
            ),
            VotingStep::Queue { poll, .. } => {
                self.polls
                    .queue(poll, (self.block, self.now_ms), &self.identities)
            }
            VotingStep::Execute { poll, .. } => {
                let (accept, seize) = self.polls.execute(poll, self.now_ms)?;
                // The calls run in order, e-voting their caller; if one is refused, the
                // whole execution reverts.
                let mut index = 0;
                if accept {
                    if self.token_offered != Some(self.voting) {
                        return Err(format!("CallFailed {{ index: {index} }}"));
                    }
                    (self.token_admin, self.token_offered) = (self.voting, None);
                    index += 1;
                }
                if let Some(proposer) = seize {
                    if self.token_admin != self.voting {
                        return Err(format!("CallFailed {{ index: {index} }}"));
                    }
                    self.token_offered = Some(proposer);
                }
                Ok(0)
            }
        }
    }
}

/// Public or secret ballots, half and half (drawn as a `bool`, true for secret, so a
/// seed plays the cases it played when the steps held one).
fn secrecy() -> impl Strategy<Value = Secrecy> {
    any::<bool>().prop_map(|secret| {
        if secret {
            Secrecy::Secret
        } else {
            Secrecy::Public
        }
    })
}

/// Re-votes refused or replacing, half and half (drawn as a `bool`, as [`secrecy`]).
fn revoting() -> impl Strategy<Value = Revoting> {
    any::<bool>().prop_map(|revote| {
        if revote {
            Revoting::Replaces
        } else {
            Revoting::Refused
        }
    })
}

/// The steps on e-voting a case draws, with their weights.
pub(crate) fn strategies(_money: Money) -> Vec<(u32, BoxedStrategy<Step>)> {
    vec![
        (
            17,
            (mostly(ADMIN), 1..=9u8, secrecy(), revoting())
                .prop_map(|(caller, options, secrecy, revoting)| {
                    Step::Voting(VotingStep::OpenPoll {
                        caller,
                        options,
                        secrecy,
                        revoting,
                        tokens: false,
                    })
                })
                .boxed(),
        ),
        (
            17,
            (actor(), 2..=3u8, revoting())
                .prop_map(|(caller, options, revoting)| {
                    Step::Voting(VotingStep::OpenPoll {
                        caller,
                        options,
                        secrecy: Secrecy::Public,
                        revoting,
                        tokens: true,
                    })
                })
                .boxed(),
        ),
        (
            17,
            (actor(), secrecy(), revoting(), any::<bool>(), any::<bool>())
                .prop_map(|(caller, secrecy, revoting, seize, accept)| {
                    Step::Voting(VotingStep::Propose {
                        caller,
                        secrecy,
                        revoting,
                        seize,
                        accept,
                    })
                })
                .boxed(),
        ),
        (
            34,
            (voter(), poll(), sealed_choice(), salt())
                .prop_map(|(voter, poll, choice, salt)| {
                    Step::Voting(VotingStep::Commit {
                        voter,
                        poll,
                        choice,
                        salt,
                    })
                })
                .boxed(),
        ),
        (
            34,
            (voter(), poll(), sealed_choice(), salt())
                .prop_map(|(voter, poll, choice, salt)| {
                    Step::Voting(VotingStep::Reveal {
                        voter,
                        poll,
                        choice,
                        salt,
                    })
                })
                .boxed(),
        ),
        (
            68,
            (actor(), poll(), choice())
                .prop_map(|(voter, poll, choice)| {
                    Step::Voting(VotingStep::Vote {
                        voter,
                        poll,
                        choice,
                    })
                })
                .boxed(),
        ),
        (
            17,
            (actor(), poll())
                .prop_map(|(caller, poll)| Step::Voting(VotingStep::CancelPoll { caller, poll }))
                .boxed(),
        ),
        (
            17,
            (actor(), poll())
                .prop_map(|(caller, poll)| Step::Voting(VotingStep::Queue { caller, poll }))
                .boxed(),
        ),
        (
            17,
            (actor(), poll())
                .prop_map(|(caller, poll)| Step::Voting(VotingStep::Execute { caller, poll }))
                .boxed(),
        ),
    ]
}

/// A poll's number: mostly one that may exist, sometimes one that does not.
fn poll() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..4u8, 2 => 4..6u8, 1 => Just(200u8)]
}

/// A choice: an option, abstention, or one no poll offers.
fn choice() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..4u8, 1 => Just(city_traits::ABSTAIN), 1 => Just(9u8)]
}

/// Mostly one of the electorate (the citizens and the resident), sometimes anyone.
fn voter() -> impl Strategy<Value = Actor> {
    prop_oneof![3 => proptest::sample::select(vec![ALICE, BOB, DAVE]), 1 => actor()]
}

/// A secret ballot's salt: mostly the usual one, so a reveal often matches.
fn salt() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 1 => Just(1u8)]
}

/// A secret ballot's choice: mostly one of the two a secret poll offers, so a reveal
/// often matches its commitment.
fn sealed_choice() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 0..2u8, 1 => choice()]
}

/// The call that offers the token's admin seat to `to`.
fn seize_the_token(city: &City, to: Actor) -> city_traits::Call {
    harness::voting::proposed_call(
        &city.token,
        ink::selector_bytes!("Admin::offer_admin"),
        to.account(),
    )
}
