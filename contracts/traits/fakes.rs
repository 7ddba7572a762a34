//! Stand-ins for the registry and the token in the contracts' unit tests (feature
//! `fakes`, enabled for tests only).
//!
//! ink! 5's off-chain environment cannot call another contract, so a contract's unit
//! tests could not go past its first question to the registry or the token. Under
//! `cfg(test)` the contracts reach these instead, through the same method names and
//! types: one [`World`] per test thread says who holds which identity, role, balance and
//! voting power, and records what was minted and moved. History is asked the way the
//! real contracts answer it: a block that has not ended is refused. The harness's
//! end-to-end tests run the real contracts against each other.

use std::{cell::RefCell, collections::BTreeMap, vec::Vec};

use ink::{env::DefaultEnvironment, primitives::AccountId};

use crate::{
    Action, Attestation, Balance, BlockNumber, CivicRole, IdentityKind, KindCounts, PSP22Error,
    RecordId, RecordsError, RegistryError, RewardError, Role, SchemaId, Timestamp, TokenError,
    TransferPolicy,
};

/// What the registry and the token of a unit test hold.
#[derive(Debug, Default)]
pub struct World {
    /// Live identities: answered now and at every ended block.
    pub kinds: BTreeMap<AccountId, IdentityKind>,
    /// Expiries of identities that have one (the others never expire).
    pub expiries: BTreeMap<AccountId, Timestamp>,
    pub roles: Vec<(AccountId, CivicRole)>,
    /// Eligible identities per kind at every ended block.
    pub counts: KindCounts,
    /// Token balances.
    pub balances: BTreeMap<AccountId, Balance>,
    /// Allowances by (owner, spender).
    pub allowances: BTreeMap<(AccountId, AccountId), Balance>,
    /// Voting power at every ended block.
    pub votes: BTreeMap<AccountId, Balance>,
    /// Total supply at every ended block.
    pub supply: Balance,
    /// What `mint_to` answers instead of minting, if set.
    pub refuse_mint: Option<TokenError>,
    /// Every mint, in order.
    pub minted: Vec<(AccountId, Balance)>,
    /// The token's roles.
    pub token_roles: Vec<(AccountId, Role)>,
    /// The token's transfer policy.
    pub policy: TransferPolicy,
    /// How many times `kinds_of` was asked.
    pub asked_kinds: u32,
    /// Every attestation the reward rules paid, in order (each pays its quantity).
    pub attested: Vec<Attestation>,
    /// What the reward rules' `attest` answers instead of paying, if set.
    pub refuse_attest: Option<RewardError>,
    /// Every record civic records issued, in order: its schema, subject and data hash.
    pub issued: Vec<(SchemaId, AccountId, [u8; 32])>,
    /// What civic records' `issue` answers instead of issuing, if set.
    pub refuse_issue: Option<RecordsError>,
}

thread_local! {
    static WORLD: RefCell<World> = RefCell::new(World::default());
}

/// Reads or changes this test's world.
pub fn world<R>(f: impl FnOnce(&mut World) -> R) -> R {
    WORLD.with(|world| f(&mut world.borrow_mut()))
}

fn ended(block: BlockNumber) -> bool {
    block < ink::env::block_number::<DefaultEnvironment>()
}

/// The citizen registry as a contract under test sees it.
pub struct Registry;

impl Registry {
    pub fn kind_of(&self, account: AccountId) -> Option<IdentityKind> {
        world(|w| w.kinds.get(&account).copied())
    }

    pub fn kinds_of(&self, accounts: &[AccountId]) -> Vec<Option<IdentityKind>> {
        world(|w| w.asked_kinds += 1);
        accounts
            .iter()
            .map(|account| self.kind_of(*account))
            .collect()
    }

    pub fn kind_at(
        &self,
        account: AccountId,
        block: BlockNumber,
    ) -> Result<Option<IdentityKind>, RegistryError> {
        if !ended(block) {
            return Err(RegistryError::BlockNotYetFinished);
        }
        Ok(self.kind_of(account))
    }

    pub fn kind_valid_at(
        &self,
        account: AccountId,
        block: BlockNumber,
        time: Timestamp,
    ) -> Result<Option<IdentityKind>, RegistryError> {
        let kind = self.kind_at(account, block)?;
        let expired = world(|w| w.expiries.get(&account).is_some_and(|at| *at <= time));
        Ok(kind.filter(|_| !expired))
    }

    pub fn eligible_counts_at(&self, block: BlockNumber) -> Result<KindCounts, RegistryError> {
        if !ended(block) {
            return Err(RegistryError::BlockNotYetFinished);
        }
        Ok(world(|w| w.counts))
    }

    pub fn has_civic_role(&self, account: AccountId, role: CivicRole) -> bool {
        world(|w| w.roles.contains(&(account, role)))
    }

    pub fn first_without_civic_role(&self, accounts: &[AccountId], role: CivicRole) -> Option<u32> {
        accounts
            .iter()
            .position(|account| !self.has_civic_role(*account, role))
            .and_then(|index| u32::try_from(index).ok())
    }
}

/// The city token as a contract under test sees it; transfers move the tokens of the
/// contract under test (the off-chain environment's callee).
pub struct Token;

impl Token {
    pub fn mint_to(&mut self, to: AccountId, amount: Balance) -> Result<(), TokenError> {
        world(|w| {
            if let Some(error) = w.refuse_mint.clone() {
                return Err(error);
            }
            *w.balances.entry(to).or_default() += amount;
            w.supply += amount;
            w.minted.push((to, amount));
            Ok(())
        })
    }

    /// All of `payments` or none, as the real token does.
    pub fn mint_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError> {
        if let Some(error) = world(|w| w.refuse_mint.clone()) {
            return Err(error);
        }
        for (to, amount) in payments.into_iter().filter(|(_, amount)| *amount != 0) {
            self.mint_to(to, amount)?;
        }
        Ok(())
    }

    /// All of `payments` or none, with the real token's checks but the pause: the list's
    /// length, the transfer policy for each payment, the balance against their sum; zero
    /// amounts and payments to the caller are skipped.
    pub fn transfer_many(&mut self, payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError> {
        if payments.len() > crate::MAX_PAYMENTS {
            return Err(TokenError::TooManyPayments);
        }
        let from = ink::env::account_id::<DefaultEnvironment>();
        let paid: Vec<_> = payments
            .into_iter()
            .filter(|&(to, amount)| amount != 0 && to != from)
            .collect();
        world(|w| {
            let provider = |account| w.token_roles.contains(&(account, Role::ServiceProvider));
            let civic = w.policy == TransferPolicy::Civic && !provider(from);
            if civic && paid.iter().any(|(to, _)| !provider(*to)) {
                return Err(TokenError::PolicyForbidsTransfer);
            }
            let total = paid
                .iter()
                .try_fold(0, |sum: Balance, (_, amount)| sum.checked_add(*amount));
            let held = w.balances.get(&from).copied().unwrap_or_default();
            if total.is_none_or(|total| held < total) {
                return Err(TokenError::InsufficientBalance);
            }
            for (to, amount) in paid {
                move_tokens(w, from, to, amount).map_err(|_| TokenError::InsufficientBalance)?;
            }
            Ok(())
        })
    }

    pub fn votes_at(&self, account: AccountId, block: BlockNumber) -> Result<Balance, TokenError> {
        if !ended(block) {
            return Err(TokenError::BlockNotYetFinished);
        }
        Ok(world(|w| {
            w.votes.get(&account).copied().unwrap_or_default()
        }))
    }

    pub fn total_supply_at(&self, block: BlockNumber) -> Result<Balance, TokenError> {
        if !ended(block) {
            return Err(TokenError::BlockNotYetFinished);
        }
        Ok(world(|w| w.supply))
    }

    pub fn has_role(&self, account: AccountId, role: Role) -> bool {
        world(|w| w.token_roles.contains(&(account, role)))
    }

    pub fn transfer_policy(&self) -> TransferPolicy {
        world(|w| w.policy)
    }

    pub fn balance_of(&self, owner: AccountId) -> Balance {
        world(|w| w.balances.get(&owner).copied().unwrap_or_default())
    }

    pub fn transfer(
        &mut self,
        to: AccountId,
        value: Balance,
        _data: Vec<u8>,
    ) -> Result<(), PSP22Error> {
        let from = ink::env::account_id::<DefaultEnvironment>();
        world(|w| move_tokens(w, from, to, value))
    }

    pub fn transfer_from(
        &mut self,
        from: AccountId,
        to: AccountId,
        value: Balance,
        _data: Vec<u8>,
    ) -> Result<(), PSP22Error> {
        let spender = ink::env::account_id::<DefaultEnvironment>();
        world(|w| {
            let allowed = w
                .allowances
                .get(&(from, spender))
                .copied()
                .unwrap_or_default();
            if allowed < value {
                return Err(PSP22Error::InsufficientAllowance);
            }
            move_tokens(w, from, to, value)?;
            w.allowances.insert((from, spender), allowed - value);
            Ok(())
        })
    }
}

fn move_tokens(
    w: &mut World,
    from: AccountId,
    to: AccountId,
    value: Balance,
) -> Result<(), PSP22Error> {
    let held = w.balances.entry(from).or_default();
    if *held < value {
        return Err(PSP22Error::InsufficientBalance);
    }
    *held -= value;
    *w.balances.entry(to).or_default() += value;
    Ok(())
}

/// The events of type `T` this test recorded, decoded.
pub fn recorded<T: ink::env::Event + ink::scale::Decode>() -> Vec<T> {
    ink::env::test::recorded_events()
        .filter(|event| {
            event.topics.first().map(|topic| topic.as_slice())
                == T::SIGNATURE_TOPIC.as_ref().map(|topic| topic.as_slice())
        })
        .map(|event| T::decode(&mut &event.data[..]).expect("the event decodes"))
        .collect()
}

/// Asserts that `call` is refused with `error`, leaves the admin seat of `contract` as
/// it was and emits nothing: the same check for each contract that has the seat.
pub fn assert_seat_refused<C>(
    contract: &mut C,
    error: crate::AdminError,
    call: impl FnOnce(&mut C) -> Result<(), crate::AdminError>,
) where
    // The output types `#[ink::trait_definition]` names for the two queries.
    C: crate::Admin<adminOutput = AccountId, offeredAdminOutput = Option<AccountId>>,
{
    let seat = (contract.admin(), contract.offered_admin());
    let before = ink::env::test::recorded_events().count();
    assert_eq!(call(contract), Err(error));
    assert_eq!((contract.admin(), contract.offered_admin()), seat);
    assert_eq!(
        ink::env::test::recorded_events().count(),
        before,
        "a refused call emitted events"
    );
}

/// The reward rules as civic records see them: `attest` pays each attestation its
/// quantity, once per receipt, unless told to refuse.
pub struct Rewards;

impl Rewards {
    pub fn attest(
        &self,
        receipt: [u8; 32],
        beneficiary: AccountId,
        action: Action,
        quantity: u128,
    ) -> Result<Balance, RewardError> {
        world(|w| {
            if let Some(error) = w.refuse_attest.clone() {
                return Err(error);
            }
            if w.attested.iter().any(|seen| seen.receipt == receipt) {
                return Err(RewardError::ReceiptSeen);
            }
            w.attested.push(Attestation {
                receipt,
                beneficiary,
                action,
                quantity,
            });
            Ok(quantity)
        })
    }
}

/// Civic records as the charity sees them: `issue` numbers each record from zero, unless
/// told to refuse.
pub struct Records;

impl Records {
    pub fn issue(
        &self,
        schema: SchemaId,
        person: AccountId,
        data_hash: [u8; 32],
    ) -> Result<RecordId, RecordsError> {
        world(|w| {
            if let Some(error) = w.refuse_issue.clone() {
                return Err(error);
            }
            w.issued.push((schema, person, data_hash));
            Ok(w.issued.len() as RecordId - 1)
        })
    }
}
