//! The reference model of the citizen registry in the fuzzed city: live identities, the
//! document that backs each account, and the history of kinds that snapshots read.

use std::collections::BTreeMap;

use city_traits::IdentityKind;
use ink::primitives::AccountId;

use super::{polls::ELECTORATE, ACTORS};

/// The document hash of the `n`th actor of the cast, as the fuzzed city registers it.
pub fn document(n: usize) -> [u8; 32] {
    [u8::try_from(n + 1).unwrap_or(u8::MAX); 32]
}

/// What the model knows of the registry.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    live: BTreeMap<AccountId, IdentityKind>,
    documents: BTreeMap<[u8; 32], AccountId>,
    /// Every change, in order: the block it happened in, whose, and the kind after it.
    history: Vec<(u32, AccountId, Option<IdentityKind>)>,
}

type Verdict = Result<u128, String>;

impl Identities {
    /// The cast as the fuzzed city registers it, at `block`.
    pub fn of_the_cast(block: u32) -> Self {
        let mut identities = Self::default();
        for (n, (actor, kind)) in ACTORS.iter().enumerate() {
            if let Some(kind) = kind {
                identities
                    .register(actor.account(), *kind, document(n), block)
                    .ok();
            }
        }
        identities
    }

    /// The live kind of `account`.
    pub fn kind_of(&self, account: AccountId) -> Option<IdentityKind> {
        self.live.get(&account).copied()
    }

    /// The kind of `account` at the end of `block`.
    pub fn kind_at(&self, account: AccountId, block: u32) -> Option<IdentityKind> {
        self.history
            .iter()
            .rev()
            .find(|(at, who, _)| *at <= block && *who == account)
            .and_then(|(_, _, kind)| *kind)
    }

    /// How many identities of the voting electorate were live at the end of `block`.
    pub fn electorate_at(&self, block: u32) -> u128 {
        let mut kinds: BTreeMap<AccountId, Option<IdentityKind>> = BTreeMap::new();
        for (at, who, kind) in &self.history {
            if *at <= block {
                kinds.insert(*who, *kind);
            }
        }
        let eligible = kinds
            .values()
            .filter(|kind| kind.is_some_and(|kind| ELECTORATE.contains(&kind)))
            .count();
        u128::try_from(eligible).unwrap_or(u128::MAX)
    }

    /// `register` by a registrar (the caller's role is checked by the caller).
    pub fn register(
        &mut self,
        account: AccountId,
        kind: IdentityKind,
        document: [u8; 32],
        block: u32,
    ) -> Verdict {
        if self.live.contains_key(&account) {
            return Err("AlreadyRegistered".into());
        }
        if self
            .documents
            .get(&document)
            .is_some_and(|holder| *holder != account)
        {
            return Err("DocumentInUse".into());
        }
        self.documents.insert(document, account);
        self.live.insert(account, kind);
        self.history.push((block, account, Some(kind)));
        Ok(0)
    }

    /// `revoke` by a registrar.
    pub fn revoke(&mut self, account: AccountId, block: u32) -> Verdict {
        if self.live.remove(&account).is_none() {
            return Err("NotRegistered".into());
        }
        self.history.push((block, account, None));
        Ok(0)
    }
}
