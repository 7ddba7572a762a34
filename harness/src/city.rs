//! `City`: the suite deployed and wired in one embedded sandbox, with named actors, typed
//! calls and explicit control of block number and time.

use std::{
    collections::{BTreeMap, BTreeSet, HashSet},
    sync::Mutex,
};

use anyhow::{bail, ensure, Context, Result};
use city_traits::{Call, Electorate, GovernanceConfig, IdentityKind, Role};
use drink::{
    pallet_contracts::Determinism,
    sandbox_api::prelude::*,
    session::{ContractBundle, Session},
    AccountId32, Sandbox as _, Weight,
};
use ink::primitives::AccountId;
use scale::{Decode, Encode};

use crate::{
    admin::AdminCalls,
    bundles,
    call::{input, ContractEvent, Outcome},
    voting::proposed_call,
};

/// The runtime the city lives in: drink's minimal sandbox (pallet-contracts, balances,
/// timestamp), in externalities the harness commits ([`crate::sandbox`]).
pub type Sandbox = crate::sandbox::CitySandbox;
type RuntimeEvent = drink::minimal::RuntimeEvent;

/// Milliseconds between blocks, as on a production parachain.
pub const BLOCK_TIME_MS: u64 = 6_000;
/// The sandbox clock at block 1: 2026-01-01T00:00:00Z. The default sandbox stamps blocks
/// with the wall clock; the city sets time explicitly so runs repeat.
pub const GENESIS_TIME_MS: u64 = 1_767_225_600_000;
/// The reward rules' epoch: a day.
pub const REWARD_EPOCH_MS: u64 = 86_400_000;
/// What one beneficiary may earn a day: 50 coins.
pub const REWARD_CAP_PER_EPOCH: u128 = 50 * COIN;
/// What the reward rules may pay a day in all: 100,000 coins.
pub const REWARD_BUDGET_PER_EPOCH: u128 = 100_000 * COIN;
/// The highest approval threshold a charity's campaign may set: 1,000 coins.
pub const CHARITY_MAX_THRESHOLD: u128 = 1_000 * COIN;
/// The most a call may use: what one extrinsic may take of a parachain block with two
/// seconds of compute and a 5 MiB proof (drink's default, a tenth of a second, is too little
/// for a full reward batch).
pub const CALL_GAS_LIMIT: Weight = Weight::from_parts(1_500_000_000_000, 5 * 1024 * 1024);
/// The city's governance: its citizens decide proposals, one person one vote; voting opens
/// a block after a poll (the snapshot), lasts 100 blocks (ten minutes) plus 50 for
/// revealing secret ballots, and needs a fifth of the electorate; anyone may propose; a
/// passed proposal waits two days and may be executed for fourteen more.
pub const GOVERNANCE: GovernanceConfig = GovernanceConfig {
    electorate: Electorate::People {
        kinds: IdentityKind::Citizen.bit(),
    },
    voting_delay: 1,
    voting_period: 100,
    reveal_period: 50,
    quorum_bps: 2_000,
    proposal_threshold: 0,
    timelock_ms: 2 * 86_400_000,
    grace_ms: 14 * 86_400_000,
};
/// [`GOVERNANCE`] with the token's voting power as the governance electorate (Hangzhou's
/// stakeholders, say).
pub const TOKEN_GOVERNANCE: GovernanceConfig = GovernanceConfig {
    electorate: Electorate::Tokens,
    ..GOVERNANCE
};
/// Native balance given to every actor the first time it acts, for storage deposits.
const ACTOR_ENDOWMENT: u128 = 1_000_000_000_000_000;

/// A named participant of the city. Its account is derived from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor(pub &'static str);

/// The city administration: deploys the suite and holds its admin seats.
pub const ADMIN: Actor = Actor("city-admin");
/// A citizen.
pub const ALICE: Actor = Actor("alice");
/// Another citizen.
pub const BOB: Actor = Actor("bob");
/// A third citizen.
pub const CAROL: Actor = Actor("carol");
/// A fourth citizen.
pub const DAVE: Actor = Actor("dave");
/// A corner shop, registered as a service provider.
pub const SHOP: Actor = Actor("corner-shop");
/// The city's bus company, registered as a service provider.
pub const BUS: Actor = Actor("city-bus");
/// An account with no role and no standing in the city.
pub const MALLORY: Actor = Actor("mallory");

impl Actor {
    /// The actor's account: the BLAKE2-256 hash of `ink-city/<name>`.
    pub fn account(self) -> AccountId {
        named_account(self.0)
    }
}

/// An actor is written by name (the fuzzer's regression files).
impl serde::Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// An actor is read by name. Names are interned: each distinct name is allocated once
/// per process, so reading the same files again does not grow memory.
impl<'de> serde::Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
        let name = String::deserialize(deserializer)?;
        let mut names = NAMES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let interned = match names.get(name.as_str()) {
            Some(interned) => interned,
            None => {
                let leaked: &'static str = Box::leak(name.into_boxed_str());
                names.insert(leaked);
                leaked
            }
        };
        Ok(Actor(interned))
    }
}

/// The `n`th member of a crowd (the residents of a neighbourhood, say): the account of
/// the name `<crowd>-<n>`.
pub fn crowd_member(crowd: &str, n: u32) -> AccountId {
    named_account(&format!("{crowd}-{n}"))
}

/// A 32-byte id (a document hash, a receipt) made of a `tag` byte and a number `n`, so
/// that ids with different tags or numbers differ.
pub fn numbered_id(tag: u8, n: u32) -> [u8; 32] {
    let mut id = [tag; 32];
    id[..4].copy_from_slice(&n.to_le_bytes());
    id
}

/// The account of a name: the BLAKE2-256 hash of `ink-city/<name>` (an [`Actor`]'s, a
/// crowd member's, an embedded deployment's signer).
pub fn named_account(name: &str) -> AccountId {
    let seed = format!("ink-city/{name}");
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(seed.as_bytes(), &mut hash);
    AccountId::from(hash)
}

impl From<Actor> for AccountId {
    fn from(actor: Actor) -> Self {
        actor.account()
    }
}

/// A deployed contract's address, as the contracts see it.
pub fn contract_account(contract: &Deployed) -> AccountId {
    AccountId::from(*AsRef::<[u8; 32]>::as_ref(&contract.address))
}

/// Converts an ink! account into the sandbox runtime's account type.
pub fn runtime_account(account: AccountId) -> AccountId32 {
    AccountId32::new(*AsRef::<[u8; 32]>::as_ref(&account))
}

/// One City Coin in the token's smallest unit (two decimals: cents).
pub const COIN: u128 = 100;

/// How the city token is created.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub name: Option<String>,
    pub symbol: Option<String>,
    pub decimals: u8,
    pub cap: u128,
    /// Minted to the admin at construction.
    pub initial_supply: u128,
}

impl Default for TokenConfig {
    /// City Coin: two decimals (cents), a cap of one billion coins, a treasury of one
    /// million coins.
    fn default() -> Self {
        Self {
            name: Some("City Coin".into()),
            symbol: Some("CITY".into()),
            decimals: 2,
            cap: 1_000_000_000 * COIN,
            initial_supply: 1_000_000 * COIN,
        }
    }
}

/// A deployed contract: its address and the bundle it came from.
pub struct Deployed {
    /// The bundle's name (`city-token`, ...).
    pub name: &'static str,
    pub address: AccountId32,
    pub bundle: ContractBundle,
}

impl Deployed {
    /// The name of the message with `selector`, read from the bundle's metadata.
    pub fn message_name(&self, selector: [u8; 4]) -> Option<String> {
        self.bundle
            .transcoder
            .metadata()
            .spec()
            .messages()
            .iter()
            .find(|message| message.selector().to_bytes() == selector)
            .map(|message| message.label().clone())
    }
}

/// What the calls to one message have cost so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    pub calls: u64,
    pub ref_time: u128,
    pub proof_size: u128,
}

/// Every call's weight, by contract address and message selector.
pub type Meter = BTreeMap<([u8; 32], [u8; 4]), Cost>;

/// The sandbox state at one moment, to return to cheaply.
pub struct CitySnapshot {
    storage: ink_sandbox::Snapshot,
    funded: HashSet<AccountId>,
    meter: Meter,
}

/// The ink-city suite, deployed into one embedded pallet-contracts sandbox.
pub struct City {
    session: Session<Sandbox>,
    funded: HashSet<AccountId>,
    meter: Meter,
    /// Calls and deployments made since the sandbox's changes were last committed
    /// ([`City::commit`]).
    uncommitted: u32,
    /// The city token.
    pub token: Deployed,
    /// The citizen registry.
    pub registry: Deployed,
    /// The reward rules, holding the token's minter role.
    pub rewards: Deployed,
    /// E-voting, with `ADMIN` as guardian; it holds the other contracts' admin seats
    /// after [`City::hand_over_to_governance`].
    pub voting: Deployed,
    /// The project escrow of public construction funds.
    pub escrow: Deployed,
    /// Civic records: certificates, asset histories, anchored logs, consent.
    pub records: Deployed,
    /// The charity: campaigns, gifts, disbursements, refunds and rollovers.
    pub charity: Deployed,
    /// The leases: properties, allocation rounds of public flats, leases, rent, deposits.
    pub leases: Deployed,
    /// The intents contract, once [`City::deploy_intents`] deployed it.
    pub intents: Option<Deployed>,
}

impl City {
    /// Builds the contracts if needed and deploys the suite with the default configuration.
    pub fn new() -> Result<Self> {
        Self::with_token(TokenConfig::default())
    }

    /// Deploys the suite with the given token configuration. `ADMIN` deploys everything.
    pub fn with_token(config: TokenConfig) -> Result<Self> {
        Self::with_parts(config, GOVERNANCE, None)
    }

    /// Deploys the suite with the given rules of governance.
    pub fn with_governance(governance: GovernanceConfig) -> Result<Self> {
        Self::with_parts(TokenConfig::default(), governance, None)
    }

    /// Deploys the suite with the given token configuration and rules of governance; with
    /// `broken`, one of [`crate::bundles::BROKEN_VARIANTS`] (for the fuzzer's self-tests)
    /// replaces the contract it breaks.
    pub fn with_parts(
        config: TokenConfig,
        governance: GovernanceConfig,
        broken: Option<&'static str>,
    ) -> Result<Self> {
        let bundle = |contract| bundles::bundle_of(contract, broken);
        let mut session = Session::<Sandbox>::default();
        session.sandbox().set_timestamp(GENESIS_TIME_MS);
        let mut funded = HashSet::new();
        let token_constructor = (
            config.name,
            config.symbol,
            config.decimals,
            config.cap,
            config.initial_supply,
        );
        let token = deploy(
            &mut session,
            &mut funded,
            bundle("city-token"),
            input(ink::selector_bytes!("new"), token_constructor),
        )?;
        let registry = deploy(
            &mut session,
            &mut funded,
            bundle("citizen-registry"),
            input(ink::selector_bytes!("new"), ()),
        )?;
        let rewards_constructor = (
            contract_account(&token),
            contract_account(&registry),
            REWARD_EPOCH_MS,
            REWARD_CAP_PER_EPOCH,
            REWARD_BUDGET_PER_EPOCH,
        );
        let rewards = deploy(
            &mut session,
            &mut funded,
            bundle("reward-rules"),
            input(ink::selector_bytes!("new"), rewards_constructor),
        )?;
        let voting_constructor = (
            contract_account(&registry),
            contract_account(&token),
            governance,
        );
        let voting = deploy(
            &mut session,
            &mut funded,
            bundle("e-voting"),
            input(ink::selector_bytes!("new"), voting_constructor),
        )?;
        let escrow_constructor = (contract_account(&token), contract_account(&registry));
        let escrow = deploy(
            &mut session,
            &mut funded,
            bundle("project-escrow"),
            input(ink::selector_bytes!("new"), escrow_constructor),
        )?;
        let records_constructor = (contract_account(&registry), contract_account(&rewards));
        let records = deploy(
            &mut session,
            &mut funded,
            bundle("civic-records"),
            input(ink::selector_bytes!("new"), records_constructor),
        )?;
        let charity_constructor = (
            contract_account(&token),
            contract_account(&registry),
            CHARITY_MAX_THRESHOLD,
        );
        let charity = deploy(
            &mut session,
            &mut funded,
            bundle("charity"),
            input(ink::selector_bytes!("new"), charity_constructor),
        )?;
        // The rent of the city's flats goes to e-voting: the treasury governance spends.
        let leases_constructor = (
            contract_account(&token),
            contract_account(&registry),
            contract_account(&voting),
        );
        let leases = deploy(
            &mut session,
            &mut funded,
            bundle("leases"),
            input(ink::selector_bytes!("new"), leases_constructor),
        )?;
        let mut city = Self {
            session,
            funded,
            meter: Meter::new(),
            uncommitted: 0,
            token,
            registry,
            rewards,
            voting,
            escrow,
            records,
            charity,
            leases,
            intents: None,
        };
        // Wiring: the reward rules mint.
        let rewards = contract_account(&city.rewards);
        city.token(ADMIN)
            .grant_role(Role::Minter, rewards)
            .accepted()?;
        Ok(city)
    }

    /// Hands the admin seats of the token, the registry, the reward rules, the project
    /// escrow, civic records, the charity and the leases to e-voting: from now on they change only by executed proposals. A city
    /// configures first (rules, registrars, attesters), then hands over; `ADMIN` keeps the
    /// roles it was granted (registrar, say) and the guardian seat of e-voting.
    ///
    /// The admin offers each seat to e-voting, and e-voting accepts it. On a chain it
    /// accepts by executing a proposal whose calls are `Admin::accept_admin` on each
    /// contract, which the governance electorate votes for (`tests/e2e/governance.rs`
    /// plays that in full; [`City::accept_the_seats`] are its calls). Here, to keep every
    /// story's setup short, the harness signs the acceptance as e-voting's account, which
    /// only a sandbox can do: the seats end up the same.
    ///
    /// # Errors
    /// If a seat is not `ADMIN`'s to offer (the error names the call).
    pub fn hand_over_to_governance(&mut self) -> Result<()> {
        let voting = contract_account(&self.voting);
        self.token(ADMIN).offer_admin(voting).accepted()?;
        self.registry(ADMIN).offer_admin(voting).accepted()?;
        self.rewards(ADMIN).offer_admin(voting).accepted()?;
        self.escrow(ADMIN).offer_admin(voting).accepted()?;
        self.records(ADMIN).offer_admin(voting).accepted()?;
        self.charity(ADMIN).offer_admin(voting).accepted()?;
        self.leases(ADMIN).offer_admin(voting).accepted()?;
        self.token(voting).accept_admin().accepted()?;
        self.registry(voting).accept_admin().accepted()?;
        self.rewards(voting).accept_admin().accepted()?;
        self.escrow(voting).accept_admin().accepted()?;
        self.records(voting).accept_admin().accepted()?;
        self.charity(voting).accept_admin().accepted()?;
        self.leases(voting).accept_admin().accepted()
    }

    /// The calls of the proposal by which e-voting accepts the admin seats offered to it:
    /// `Admin::accept_admin` on every contract of the suite but e-voting.
    pub fn accept_the_seats(&self) -> Vec<Call> {
        [
            &self.token,
            &self.registry,
            &self.rewards,
            &self.escrow,
            &self.records,
            &self.charity,
            &self.leases,
        ]
        .into_iter()
        .map(|contract| proposed_call(contract, ink::selector_bytes!("Admin::accept_admin"), ()))
        .collect()
    }

    /// Deploys one more contract from `ADMIN` (a second instance, or a test double of
    /// [`crate::bundles::TEST_DOUBLES`]) with an encoded constructor call.
    ///
    /// # Errors
    /// If the bundle does not load or the constructor refuses.
    pub fn deploy(&mut self, contract: &'static str, constructor: Vec<u8>) -> Result<Deployed> {
        self.uncommitted += 1;
        deploy(&mut self.session, &mut self.funded, contract, constructor)
    }

    /// The embedded chain itself.
    pub(crate) fn sandbox(&mut self) -> &mut Sandbox {
        self.session.sandbox()
    }

    /// Gives `account` native balance for storage deposits the first time it acts.
    pub(crate) fn fund(&mut self, account: AccountId) -> AccountId32 {
        fund(&mut self.session, &mut self.funded, account)
    }

    /// Calls `contract` as `caller` with pre-encoded `input` and decodes the message's
    /// return value.
    ///
    /// # Errors
    /// If the call trapped or ran out of gas, or its output is not a `V` (wrapped in ink!'s
    /// `Result<V, LangError>`).
    pub fn call<V: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: impl Into<AccountId>,
        input: Vec<u8>,
    ) -> Result<Outcome<V>> {
        self.call_paying(contract, caller, input, 0)
    }

    /// [`City::call`], sending `value` of the native currency along.
    ///
    /// # Errors
    /// As [`City::call`].
    pub fn call_paying<V: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: impl Into<AccountId>,
        input: Vec<u8>,
        value: u128,
    ) -> Result<Outcome<V>> {
        let origin = self.fund(caller.into());
        self.uncommitted += 1;
        let gas_limit = CALL_GAS_LIMIT;
        let selector = input
            .get(..4)
            .and_then(|s| s.try_into().ok())
            .unwrap_or_default();
        // The pallet reports every event of the block so far; start from none so the
        // outcome holds this call's events only (and the block's event list stays short).
        self.session.sandbox().forget_events();
        let result = self.session.sandbox().call_contract(
            contract.clone(),
            value,
            input,
            origin,
            gas_limit,
            None,
            Determinism::Enforced,
        );
        let cost = self
            .meter
            .entry((*AsRef::<[u8; 32]>::as_ref(contract), selector))
            .or_default();
        cost.calls += 1;
        cost.ref_time += u128::from(result.gas_consumed.ref_time());
        cost.proof_size += u128::from(result.gas_consumed.proof_size());
        let returned = match result.result {
            Ok(returned) => returned,
            Err(error) => bail!(
                "the call failed: {error:?}; debug: {}",
                String::from_utf8_lossy(&result.debug_message)
            ),
        };
        let value = <Result<V, ink::LangError>>::decode(&mut &returned.data[..])
            .context("decoding the message's output")?
            .map_err(|error| anyhow::anyhow!("the contract refused the input: {error:?}"))?;
        let events = result
            .events
            .unwrap_or_default()
            .into_iter()
            .filter_map(|record| match record.event {
                RuntimeEvent::Contracts(drink::pallet_contracts::Event::ContractEmitted {
                    contract: emitter,
                    data,
                }) if &emitter == contract => Some(ContractEvent {
                    topics: record.topics.iter().map(|topic| topic.0).collect(),
                    data,
                }),
                _ => None,
            })
            .collect();
        let call = match self.suite_contract(contract.as_ref()) {
            Some(deployed) => format!(
                "{}.{}",
                deployed.name,
                deployed
                    .message_name(selector)
                    .unwrap_or_else(|| format!("{selector:02x?}"))
            ),
            None => format!("contract {contract}.{selector:02x?}"),
        };
        Ok(Outcome {
            value,
            call,
            weight: result.gas_consumed,
            reverted: returned.did_revert(),
            events,
        })
    }

    /// Sends one message with SCALE-encoded `args`; a trap is a harness-level failure and
    /// panics with its cause.
    pub(crate) fn send<V: Decode>(
        &mut self,
        contract: &AccountId32,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Outcome<V> {
        self.call(contract, caller, input(selector, args))
            .unwrap_or_else(|error| panic!("call {selector:02x?} failed: {error:#}"))
    }

    /// The current block number.
    pub fn block(&mut self) -> u32 {
        self.session.sandbox().block_number()
    }

    /// `account`'s native balance (what pays fees and storage deposits on a chain).
    pub fn native_balance(&mut self, account: impl Into<AccountId>) -> u128 {
        let runtime = runtime_account(account.into());
        self.session.sandbox().free_balance(&runtime)
    }

    /// The hash of the chain's genesis block ([`Sandbox::genesis_hash`]).
    pub fn genesis_hash(&mut self) -> [u8; 32] {
        self.session.sandbox().genesis_hash()
    }

    /// The current block's timestamp, in milliseconds.
    pub fn now_ms(&mut self) -> u64 {
        self.session.sandbox().get_timestamp()
    }

    /// Finishes the current block and starts `blocks` new ones, each [`BLOCK_TIME_MS`]
    /// after the last.
    pub fn advance_blocks(&mut self, blocks: u32) {
        for _ in 0..blocks {
            self.next_block_after(BLOCK_TIME_MS);
        }
        self.commit();
    }

    /// Finishes the current block and starts one `ms` milliseconds later, as after a
    /// quiet spell: a day passes in one block instead of 14,400.
    pub fn advance_time(&mut self, ms: u64) {
        self.next_block_after(ms);
        self.commit();
    }

    /// Finishes the current block and starts the one `blocks` later, [`BLOCK_TIME_MS`] per
    /// block, as if the blocks between were empty: their numbers and time pass without a
    /// block of its own each (building a block hashes the state it changed, and its
    /// hooks write to storage).
    pub fn skip_blocks(&mut self, blocks: u32) {
        let Some(between) = blocks.checked_sub(1) else {
            return;
        };
        let sandbox = self.session.sandbox();
        let now = sandbox.get_timestamp();
        let next = sandbox.build_block();
        sandbox.execute_with(|| {
            ink_sandbox::frame_system::Pallet::<<Sandbox as drink::Sandbox>::Runtime>::set_block_number(
                next + between,
            );
        });
        sandbox.set_timestamp(now + u64::from(blocks) * BLOCK_TIME_MS);
        self.commit();
    }

    fn next_block_after(&mut self, ms: u64) {
        let sandbox = self.session.sandbox();
        let now = sandbox.get_timestamp();
        sandbox.build_block();
        sandbox.set_timestamp(now + ms);
    }

    /// Commits the changes made since the last commit from the sandbox's overlay to its
    /// state trie, as a node does when it imports a block (see [`crate::sandbox`]);
    /// nothing when no call was made since.
    fn commit(&mut self) {
        if self.uncommitted > 0 {
            self.session.sandbox().commit();
            self.uncommitted = 0;
        }
    }

    /// The chain's state (every pallet's storage, the contracts' included), committed:
    /// what moving the city to another chain starts from.
    pub fn chain_state(&mut self) -> ink_sandbox::Snapshot {
        self.commit();
        self.session.sandbox().take_snapshot()
    }

    /// Goes on living on another chain: `session` runs the suite, its state moved there
    /// (the same code), at `addresses`, in the order of [`crate::bundles::CONTRACTS`].
    /// Accounts are funded again on the new chain as they act.
    pub fn move_to(&mut self, session: Session<Sandbox>, addresses: [AccountId32; 8]) {
        self.session = session;
        self.funded.clear();
        self.uncommitted = 0;
        let suite = [
            &mut self.token,
            &mut self.registry,
            &mut self.rewards,
            &mut self.voting,
            &mut self.escrow,
            &mut self.records,
            &mut self.charity,
            &mut self.leases,
        ];
        for (contract, address) in suite.into_iter().zip(addresses) {
            contract.address = address;
        }
    }

    /// Remembers the whole sandbox state.
    pub fn snapshot(&mut self) -> CitySnapshot {
        CitySnapshot {
            storage: self.session.sandbox().take_snapshot(),
            funded: self.funded.clone(),
            meter: self.meter.clone(),
        }
    }

    /// Returns to a state remembered by [`City::snapshot`].
    pub fn restore(&mut self, snapshot: &CitySnapshot) {
        self.session
            .sandbox()
            .restore_snapshot(snapshot.storage.clone());
        self.funded.clone_from(&snapshot.funded);
        self.meter.clone_from(&snapshot.meter);
        // A restored sandbox starts with an empty overlay.
        self.uncommitted = 0;
    }

    /// The weight of every call so far, by contract address and message selector.
    pub fn meter(&self) -> &Meter {
        &self.meter
    }

    /// The contracts of the suite, in the order of [`crate::bundles::CONTRACTS`].
    pub fn suite(&self) -> [&Deployed; 8] {
        [
            &self.token,
            &self.registry,
            &self.rewards,
            &self.voting,
            &self.escrow,
            &self.records,
            &self.charity,
            &self.leases,
        ]
    }

    /// The contract of the suite deployed at `address`, if any.
    pub fn suite_contract(&self, address: &[u8; 32]) -> Option<&Deployed> {
        self.suite()
            .into_iter()
            .find(|contract| AsRef::<[u8; 32]>::as_ref(&contract.address) == address)
    }

    /// Describes an event of `contract` with its name and fields, read from the bundle's
    /// metadata.
    pub fn describe(&self, contract: &Deployed, event: &ContractEvent) -> String {
        let Some(signature) = event.topics.first() else {
            return "anonymous event".into();
        };
        // The transcoder reads the data as the pallet's event field: a SCALE `Vec<u8>`.
        let field = event.data.encode();
        contract
            .bundle
            .transcoder
            .decode_contract_event(signature, &mut &field[..])
            .map_or_else(
                |error| format!("undecodable event: {error}"),
                |v| v.to_string(),
            )
    }
}

/// Gives `account` native balance for storage deposits the first time it acts.
fn fund(
    session: &mut Session<Sandbox>,
    funded: &mut HashSet<AccountId>,
    account: AccountId,
) -> AccountId32 {
    let runtime = runtime_account(account);
    if funded.insert(account) {
        session
            .sandbox()
            .mint_into(&runtime, ACTOR_ENDOWMENT)
            .expect("minting native balance in the sandbox");
    }
    runtime
}

/// Instantiates one contract of the suite from `ADMIN` with an encoded constructor call.
fn deploy(
    session: &mut Session<Sandbox>,
    funded: &mut HashSet<AccountId>,
    contract: &'static str,
    constructor: Vec<u8>,
) -> Result<Deployed> {
    let bundle = bundles::load(contract)?;
    let origin = fund(session, funded, ADMIN.account());
    let result = session.sandbox().deploy_contract(
        bundle.wasm.clone(),
        0,
        constructor,
        Vec::new(),
        origin,
        CALL_GAS_LIMIT,
        None,
    );
    let returned = result
        .result
        .map_err(|error| anyhow::anyhow!("instantiating {contract} failed: {error:?}"))?;
    ensure!(
        !returned.result.did_revert(),
        "the constructor of {contract} refused: {:?}",
        returned.result.data
    );
    Ok(Deployed {
        name: contract,
        address: returned.account_id,
        bundle,
    })
}

#[cfg(test)]
mod tests {
    use city_traits::IdentityKind;

    use super::*;

    /// A city where the treasury has paid alice and bob, the registry has a registrar, and
    /// the changes are still in the sandbox's overlay.
    fn paid_city() -> City {
        let mut city = City::new().expect("the suite deploys");
        city.appoint_registrar(ADMIN)
            .expect("the admin is a registrar");
        for holder in [ALICE, BOB] {
            city.token(ADMIN).transfer(holder, 1_000).expect_accepted();
        }
        city
    }

    #[test]
    fn a_call_reports_its_own_events_and_no_earlier_ones() {
        let mut city = paid_city();
        let transfer = city.token(ALICE).transfer(BOB, 100);
        assert_eq!(transfer.events.len(), 1, "alice's transfer: one Transfer");
        transfer.expect_accepted();
        let pending =
            ink_sandbox::frame_system::Pallet::<<Sandbox as drink::Sandbox>::Runtime>::event_count;
        assert!(city.session.sandbox().execute_with(pending) > 0);
        city.session.sandbox().forget_events();
        assert_eq!(
            city.session.sandbox().execute_with(pending),
            0,
            "the block's events are forgotten"
        );
        let balance = city.token(ALICE).balance_of(BOB);
        assert!(
            balance.events.is_empty(),
            "a query reports no event of the calls before it"
        );
    }

    #[test]
    fn committing_the_overlay_changes_no_answer_and_no_weight() {
        let mut committed = paid_city();
        let mut pending = paid_city();
        committed.commit();
        assert_eq!(committed.uncommitted, 0);
        assert!(pending.uncommitted > 0);
        for city in [&mut committed, &mut pending] {
            city.token(ALICE).transfer(BOB, 100).expect_accepted();
            city.registry(ADMIN)
                .register(CAROL.account(), IdentityKind::Citizen, [7; 32], u64::MAX)
                .expect_accepted();
            assert_eq!(
                (city.balance(ALICE), city.balance(BOB)),
                (900, 1_100),
                "the state committed is the state"
            );
        }
        assert_eq!(
            committed.meter(),
            pending.meter(),
            "every call weighs the same, committed or not"
        );
        let root = |city: &mut City| city.snapshot().storage.storage_root;
        assert_eq!(
            root(&mut committed),
            root(&mut pending),
            "the whole state is the same"
        );
    }
}
