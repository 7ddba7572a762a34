//! The embedded network: a drink sandbox whose state is kept in a file between runs.

use std::collections::BTreeMap;

use anyhow::{anyhow, ensure, Context, Result};
use drink::{
    pallet_contracts::{Determinism, StorageDeposit},
    sandbox_api::prelude::*,
    session::Session,
    AccountId32, Sandbox as _,
};
use scale::{Decode, Encode};

use super::{Answer, Network};
use harness::{
    bundles,
    city::{
        named_account, runtime_account, Sandbox, BLOCK_TIME_MS, CALL_GAS_LIMIT, GENESIS_TIME_MS,
    },
};

/// Native balance for each embedded signer: enough for every storage deposit.
const SIGNER_ENDOWMENT: u128 = 1_000_000_000_000_000;

/// An embedded chain. Signers are actor names (`city-admin`); each is endowed on first
/// use. A block is built after each transaction, as a dev node's instant seal does.
pub struct Embedded {
    session: Session<Sandbox>,
    /// Blocks sealed since the sandbox's overlay was last committed.
    uncommitted: u32,
}

/// Blocks after which the sandbox's pending changes move into its state trie, as a node
/// imports blocks: a chain that runs long (the relayer's) keeps its speed
/// (`harness::sandbox`).
const COMMIT_EVERY: u32 = 64;

impl Embedded {
    /// A new chain, or the one saved as `state`.
    ///
    /// # Errors
    /// If `state` does not decode.
    pub fn new(state: Option<&[u8]>) -> Result<Self> {
        let mut session = Session::<Sandbox>::default();
        match state {
            Some(mut bytes) => {
                let (storage, storage_root) =
                    Decode::decode(&mut bytes).context("the saved chain state does not decode")?;
                session.sandbox().restore_snapshot(ink_sandbox::Snapshot {
                    storage,
                    storage_root,
                });
            }
            None => session.sandbox().set_timestamp(GENESIS_TIME_MS),
        }
        Ok(Self {
            session,
            uncommitted: 0,
        })
    }

    /// A chain holding `snapshot` (a city's, say: [`harness::City::chain_state`]).
    pub fn from_snapshot(snapshot: ink_sandbox::Snapshot) -> Self {
        let mut session = Session::<Sandbox>::default();
        session.sandbox().restore_snapshot(snapshot);
        Self {
            session,
            uncommitted: 0,
        }
    }

    /// The chain, to drive it as a city does ([`harness::City::move_to`]).
    pub fn into_session(self) -> Session<Sandbox> {
        self.session
    }

    /// Seals the current block and starts the next, [`BLOCK_TIME_MS`] later. The sandbox
    /// would stamp it with the wall clock (in seconds, read as milliseconds); the embedded
    /// chain keeps the time `City` keeps, so the two agree and runs repeat.
    fn seal(&mut self) {
        let sandbox = self.session.sandbox();
        let now = sandbox.get_timestamp();
        sandbox.build_block();
        sandbox.set_timestamp(now + BLOCK_TIME_MS);
        self.uncommitted += 1;
        if self.uncommitted >= COMMIT_EVERY {
            sandbox.commit();
            self.uncommitted = 0;
        }
    }

    /// The chain's state, to be given to [`Embedded::new`] later.
    pub fn state(&mut self) -> Vec<u8> {
        let snapshot = self.session.sandbox().take_snapshot();
        (snapshot.storage, snapshot.storage_root).encode()
    }

    /// `signer`'s account, endowed if it holds nothing.
    fn endowed(&mut self, signer: &str) -> Result<AccountId32> {
        let account = runtime_account(named_account(signer));
        if self.session.sandbox().free_balance(&account) == 0 {
            self.session
                .sandbox()
                .mint_into(&account, SIGNER_ENDOWMENT)
                .map_err(|error| anyhow!("endowing {signer}: {error:?}"))?;
        }
        Ok(account)
    }

    fn run(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer> {
        let bundle = bundles::load(bundles::bundle_named(contract)?)?;
        let input = bundle.transcoder.encode(message, args)?;
        let origin = self.endowed(signer)?;
        let result = self.session.sandbox().call_contract(
            address.clone(),
            0,
            input,
            origin,
            CALL_GAS_LIMIT,
            None,
            Determinism::Enforced,
        );
        let returned = result
            .result
            .map_err(|error| anyhow!("{contract}.{message}: {error:?}"))?;
        let answer = bundle
            .transcoder
            .decode_message_return(message, &mut &returned.data[..])?;
        let reverted = returned.did_revert();
        Ok(Answer::new(
            returned.data,
            &answer,
            reverted,
            result.gas_consumed,
            deposit(&result.storage_deposit),
        ))
    }
}

/// A storage deposit as (amount, refunded).
fn deposit(deposit: &StorageDeposit<u128>) -> (u128, bool) {
    match deposit {
        StorageDeposit::Charge(amount) => (*amount, false),
        StorageDeposit::Refund(amount) => (*amount, true),
    }
}

impl Network for Embedded {
    fn account(&mut self, signer: &str) -> Result<AccountId32> {
        Ok(runtime_account(named_account(signer)))
    }

    fn code_hash_at(&mut self, address: &AccountId32) -> Result<Option<[u8; 32]>> {
        Ok(harness::upgrade::code_hash_at(
            self.session.sandbox(),
            address,
        ))
    }

    fn upload(&mut self, signer: &str, bundle: &str) -> Result<([u8; 32], Answer)> {
        let wasm = bundles::load(bundles::bundle_named(bundle)?)?.wasm;
        let origin = self.endowed(signer)?;
        let uploaded = self
            .session
            .sandbox()
            .upload_contract(wasm, origin, None, Determinism::Enforced)
            .map_err(|error| anyhow!("uploading {bundle}: {error:?}"))?;
        self.seal();
        let hash = uploaded.code_hash.0;
        Ok((hash, Answer::uploaded(&hash, uploaded.deposit)))
    }

    fn instantiate(
        &mut self,
        signer: &str,
        contract: &str,
        constructor: &str,
        args: &[String],
        salt: Vec<u8>,
    ) -> Result<(AccountId32, Answer)> {
        let bundle = bundles::load(bundles::bundle_named(contract)?)?;
        let input = bundle.transcoder.encode(constructor, args)?;
        let origin = self.endowed(signer)?;
        let result = self.session.sandbox().deploy_contract(
            bundle.wasm.clone(),
            0,
            input,
            salt,
            origin,
            CALL_GAS_LIMIT,
            None,
        );
        let returned = result
            .result
            .map_err(|error| anyhow!("instantiating {contract}: {error:?}"))?;
        let answer = bundle
            .transcoder
            .decode_constructor_return(constructor, &mut &returned.result.data[..])?;
        let reverted = returned.result.did_revert();
        let answer = Answer::new(
            returned.result.data,
            &answer,
            reverted,
            result.gas_consumed,
            deposit(&result.storage_deposit),
        );
        ensure!(
            !answer.refused,
            "the constructor of {contract} refused: {}",
            answer.text
        );
        self.seal();
        Ok((returned.account_id, answer))
    }

    fn call(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer> {
        let answer = self.run(signer, contract, address, message, args)?;
        ensure!(
            !answer.refused,
            "{contract}.{message} refused: {}",
            answer.text
        );
        self.seal();
        Ok(answer)
    }

    fn query(
        &mut self,
        signer: &str,
        contract: &str,
        address: &AccountId32,
        message: &str,
        args: &[String],
    ) -> Result<Answer> {
        // A dry run: whatever the message wrote is thrown away.
        self.session.sandbox().start_transaction();
        let answer = self.run(signer, contract, address, message, args);
        self.session.sandbox().rollback_transaction();
        answer
    }

    fn storage(&mut self, address: &AccountId32) -> Result<BTreeMap<Vec<u8>, Vec<u8>>> {
        use drink::frame_support::{
            __private::sp_io::default_child_storage as child, storage, StorageHasher as _,
            Twox64Concat,
        };
        self.session.sandbox().execute_with(|| {
            // pallet-contracts keeps `ContractInfoOf` to itself: its entry is read raw, and
            // the child trie's id is the entry's first field.
            let mut key = storage::storage_prefix(b"Contracts", b"ContractInfoOf").to_vec();
            key.extend(Twox64Concat::hash(address.as_ref()));
            let info = storage::unhashed::get_raw(&key)
                .ok_or_else(|| anyhow!("no contract lives at {address}"))?;
            let trie: Vec<u8> = Decode::decode(&mut &info[..])?;
            let mut cells = BTreeMap::new();
            let mut at = Vec::new();
            while let Some(next) = child::next_key(&trie, &at) {
                let value = child::get(&trie, &next)
                    .ok_or_else(|| anyhow!("a listed cell has no value"))?;
                cells.insert(next.clone(), value);
                at = next;
            }
            Ok(cells)
        })
    }

    fn next_block(&mut self) -> Result<()> {
        self.seal();
        Ok(())
    }

    /// Seals blocks up to `block`, then sets the clock forward to `time_ms` if it is
    /// behind: the embedded chain's clock is the simulation's.
    fn catch_up(&mut self, block: u32, time_ms: u64) -> Result<()> {
        while self.session.sandbox().block_number() < block {
            self.seal();
        }
        let sandbox = self.session.sandbox();
        if sandbox.get_timestamp() < time_ms {
            sandbox.set_timestamp(time_ms);
        }
        Ok(())
    }

    fn head(&mut self) -> Result<(u32, u64)> {
        let sandbox = self.session.sandbox();
        Ok((sandbox.block_number(), sandbox.get_timestamp()))
    }

    fn genesis_hash(&mut self) -> Result<[u8; 32]> {
        Ok(self.session.sandbox().genesis_hash())
    }

    fn state(&mut self) -> Option<Vec<u8>> {
        Some(Embedded::state(self))
    }
}
