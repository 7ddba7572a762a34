//! The fuzzer's steps on the citizen registry: what they are, how a case draws them, how each is sent
//! to the Wasm and what the model predicts of it (the README's rules).

use super::*;

/// A step sent to the citizen registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RegistryStep {
    /// A registrar registers `account` with the document of cast member `document`.
    Register {
        caller: Actor,
        account: Actor,
        #[serde(with = "regressions::by_name")]
        kind: IdentityKind,
        document: u8,
    },
    RevokeIdentity {
        caller: Actor,
        account: Actor,
    },
}

impl RegistryStep {
    /// The message the step sends, for the coverage report.
    pub fn message(&self) -> &'static str {
        match self {
            RegistryStep::Register { .. } => "registry.register",
            RegistryStep::RevokeIdentity { .. } => "registry.revoke",
        }
    }

    /// Sends the step to the Wasm.
    pub(crate) fn send(self, city: &mut City) -> Verdict {
        match self {
            RegistryStep::Register {
                caller,
                account,
                kind,
                document: n,
            } => {
                let expires = city.now_ms() + 365 * REWARD_EPOCH_MS;
                let document = document(usize::from(n));
                verdict(
                    city.registry(caller)
                        .register(account, kind, document, expires)
                        .value,
                )
            }
            RegistryStep::RevokeIdentity { caller, account } => {
                verdict(city.registry(caller).revoke(account).value)
            }
        }
    }
}

impl Model {
    /// What the README's rules say of `step`; may leave the model half changed when it
    /// refuses ([`Model::apply`] throws such a model away).
    pub(crate) fn predict_registry(&mut self, step: RegistryStep) -> Verdict {
        match step {
            RegistryStep::Register {
                caller,
                account,
                kind,
                document,
            } => {
                self.ensure_registrar(caller)?;
                self.identities.register(
                    account.account(),
                    kind,
                    super::identities::document(usize::from(document)),
                    (self.block, self.now_ms + 365 * REWARD_EPOCH_MS),
                )
            }
            RegistryStep::RevokeIdentity { caller, account } => {
                self.ensure_registrar(caller)?;
                self.identities.revoke(account.account(), self.block)
            }
        }
    }
}

/// The steps on the citizen registry a case draws, with their weights.
pub(crate) fn strategies(_money: Money) -> Vec<(u32, BoxedStrategy<Step>)> {
    vec![
        // Most of the cast is registered from the start: drawn more often, a registration
        // still succeeds in every campaign.
        (17, registration().boxed()),
        (
            8,
            (mostly(ADMIN), actor())
                .prop_map(|(caller, account)| {
                    Step::Registry(RegistryStep::RevokeIdentity { caller, account })
                })
                .boxed(),
        ),
    ]
}

/// A registration: anyone of the cast, any kind, mostly with its own document.
fn registration() -> impl Strategy<Value = Step> {
    (
        mostly(ADMIN),
        0..ACTORS.len(),
        proptest::sample::select(IdentityKind::ALL.to_vec()),
        prop_oneof![3 => Just(true), 1 => Just(false)],
    )
        .prop_map(|(caller, n, kind, own)| {
            Step::Registry(RegistryStep::Register {
                caller,
                account: ACTORS[n].0,
                kind,
                document: u8::try_from(if own { n } else { (n + 3) % ACTORS.len() }).unwrap_or(0),
            })
        })
}
