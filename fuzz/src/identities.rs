//! The reference model of what snapshots read in the fuzzed city: the citizen registry's
//! live identities with their cards' expiries, the document that backs each account and
//! the history of kinds; and the token's voting power and supply by block.

use std::collections::BTreeMap;

use city_traits::IdentityKind;
use ink::primitives::AccountId;

use super::{polls::ELECTORATE, ACTORS};
use harness::city::{Actor, DAVE, REWARD_EPOCH_MS};

/// The cast member whose card lapses during a case: after three days.
pub const LAPSING: Actor = DAVE;

/// When the card of `actor`, registered at `now_ms`, expires: in three days for
/// [`LAPSING`], in a year for everyone else.
pub fn card_expiry(actor: Actor, now_ms: u64) -> u64 {
    let days = if actor == LAPSING { 3 } else { 365 };
    now_ms + days * REWARD_EPOCH_MS
}

/// The document hash of the `n`th actor of the cast, as the fuzzed city registers it.
pub fn document(n: usize) -> [u8; 32] {
    [u8::try_from(n + 1).unwrap_or(u8::MAX); 32]
}

/// An identity's kind and its card's expiry.
type Card = (IdentityKind, u64);

/// What the model knows of the registry.
#[derive(Debug, Clone, Default)]
pub struct Identities {
    /// Each live identity's kind and expiry.
    live: BTreeMap<AccountId, Card>,
    documents: BTreeMap<[u8; 32], AccountId>,
    /// Every change, in order: the block it happened in, whose, and the kind and expiry
    /// after it.
    history: Vec<(u32, AccountId, Option<Card>)>,
    /// The token's voting power of each account tracking its votes, and the supply, as
    /// they stood at the end of each block they changed in.
    power: Vec<(u32, AccountId, u128)>,
    supply: Vec<(u32, u128)>,
}

type Verdict = Result<u128, String>;

impl Identities {
    /// The cast as the fuzzed city registers it, at `block` and `now_ms`.
    pub fn of_the_cast(block: u32, now_ms: u64) -> Self {
        let mut identities = Self::default();
        for (n, (actor, kind)) in ACTORS.iter().enumerate() {
            if let Some(kind) = kind {
                let expires = card_expiry(*actor, now_ms);
                identities
                    .register(actor.account(), *kind, document(n), (block, expires))
                    .ok();
            }
        }
        identities
    }

    /// The kind of `account`'s identity if it is live and its card valid at `now_ms`.
    pub fn kind_of(&self, account: AccountId, now_ms: u64) -> Option<IdentityKind> {
        self.live
            .get(&account)
            .filter(|(_, expires)| now_ms < *expires)
            .map(|(kind, _)| *kind)
    }

    /// The kind of `account` at the end of `block`, if it was live then with a card
    /// valid at `time`.
    pub fn kind_valid_at(&self, account: AccountId, block: u32, time: u64) -> Option<IdentityKind> {
        self.history
            .iter()
            .rev()
            .find(|(at, who, _)| *at <= block && *who == account)
            .and_then(|(_, _, status)| *status)
            .filter(|(_, expires)| time < *expires)
            .map(|(kind, _)| kind)
    }

    /// Records the voting power of the accounts tracking it, and the supply, at the end
    /// of a step in `block`.
    pub fn record_power(
        &mut self,
        block: u32,
        supply: u128,
        tracked: impl Iterator<Item = (AccountId, u128)>,
    ) {
        for (account, power) in tracked {
            if self.power_at(account, u32::MAX) != power {
                self.power.push((block, account, power));
            }
        }
        if self.supply_at(u32::MAX) != supply {
            self.supply.push((block, supply));
        }
    }

    /// `account`'s voting power at the end of `block` (none before it tracked votes).
    pub fn power_at(&self, account: AccountId, block: u32) -> u128 {
        self.power
            .iter()
            .rev()
            .find(|(at, who, _)| *at <= block && *who == account)
            .map_or(0, |(_, _, power)| *power)
    }

    /// The supply at the end of `block`.
    pub fn supply_at(&self, block: u32) -> u128 {
        self.supply
            .iter()
            .rev()
            .find(|(at, _)| *at <= block)
            .map_or(0, |(_, supply)| *supply)
    }

    /// How many identities of the voting electorate were live at the end of `block`.
    pub fn electorate_at(&self, block: u32) -> u128 {
        let mut kinds: BTreeMap<AccountId, Option<Card>> = BTreeMap::new();
        for (at, who, kind) in &self.history {
            if *at <= block {
                kinds.insert(*who, *kind);
            }
        }
        let eligible = kinds
            .values()
            .filter(|status| status.is_some_and(|(kind, _)| ELECTORATE.contains(&kind)))
            .count();
        u128::try_from(eligible).unwrap_or(u128::MAX)
    }

    /// `register` by a registrar (the caller's role is checked by the caller), at `block`
    /// with a card that `expires`.
    pub fn register(
        &mut self,
        account: AccountId,
        kind: IdentityKind,
        document: [u8; 32],
        (block, expires): (u32, u64),
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
        self.live.insert(account, (kind, expires));
        self.history.push((block, account, Some((kind, expires))));
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
