//! The sandbox the city lives in: drink's minimal runtime (pallet-contracts, balances,
//! timestamp, configured as drink configures it), in externalities whose pending changes
//! the harness can commit.
//!
//! drink's own `MinimalSandbox` keeps every change in the externalities' overlay, above the
//! state trie, and never commits it: after a while the overlay holds the whole state, and
//! the runtime walks it whole. `frame_system::reset_events`, which runs before every call
//! (the harness clears the events so that an outcome holds its call's alone) and at every
//! block, clears the event topics by testing every key of the overlay; each block's state
//! root hashed every change since genesis again. Both grew with the state: in a
//! 10,000-person city two thirds of the time went to that scan, and the calls ran at a
//! quarter of the speed they had at 300 people, for the same weight. [`CitySandbox`] is the
//! same runtime with [`CitySandbox::commit`], which moves the overlay into the trie as a
//! node does when it imports a block, and [`CitySandbox::forget_events`], which starts a
//! call with no events without the topics' scan.

use drink::{
    frame_support::{__private::sp_io, storage},
    minimal::MinimalSandboxRuntime,
};
use ink_sandbox::{
    frame_system::pallet_prelude::BlockNumberFor, AccountIdFor, BlockBuilder, Extension,
    RuntimeCall, RuntimeMetadataPrefixed, Snapshot, TestExternalities,
};

type Runtime = MinimalSandboxRuntime;
type Hash = <Runtime as ink_sandbox::frame_system::Config>::Hash;
type Origin =
    <RuntimeCall<Runtime> as drink::frame_support::sp_runtime::traits::Dispatchable>::RuntimeOrigin;

/// drink's default actor, endowed at genesis as in its minimal sandbox.
const DEFAULT_ACCOUNT: drink::AccountId32 = drink::AccountId32::new([1u8; 32]);
const INITIAL_BALANCE: u128 = 1_000_000_000_000_000;

/// drink's minimal runtime in externalities that can commit their overlay.
pub struct CitySandbox {
    ext: TestExternalities,
}

impl Default for CitySandbox {
    /// The genesis of drink's minimal sandbox.
    fn default() -> Self {
        Self {
            ext: BlockBuilder::<Runtime>::new_ext(vec![(DEFAULT_ACCOUNT, INITIAL_BALANCE)]),
        }
    }
}

impl CitySandbox {
    /// Commits the pending changes from the overlay to the state trie, then drops the trie
    /// nodes no longer referenced (the in-memory trie keeps them, at zero references, until
    /// told to purge: without that a 10,000-person city held a gigabyte of old nodes). The
    /// state stays the same, and so does every weight: pallet-contracts charges storage by
    /// its schedule, not by where a value lives.
    ///
    /// # Panics
    /// Inside a storage transaction, which a sandbox never leaves open between calls.
    pub fn commit(&mut self) {
        self.ext
            .commit_all()
            .expect("no storage transaction is open between calls");
        self.ext.backend.backend_storage_mut().purge();
    }

    /// The hash of the chain's genesis block (on drink's sandbox, the `0x69…` that
    /// `frame_system`'s genesis writes): the domain card-signed intents name.
    pub fn genesis_hash(&mut self) -> [u8; 32] {
        self.ext
            .execute_with(|| ink_sandbox::frame_system::Pallet::<Runtime>::block_hash(0).into())
    }

    /// Opens a storage transaction: what is written from now on can be thrown away with
    /// [`CitySandbox::rollback_transaction`]. A dry run that costs what its call writes,
    /// where drink's `dry_run` copies the whole state.
    pub fn start_transaction(&mut self) {
        self.ext.execute_with(sp_io::storage::start_transaction);
    }

    /// Throws away what was written since [`CitySandbox::start_transaction`].
    ///
    /// # Panics
    /// If no transaction is open.
    pub fn rollback_transaction(&mut self) {
        self.ext.execute_with(sp_io::storage::rollback_transaction);
    }

    /// Forgets the events deposited so far in this block, as `frame_system::reset_events`
    /// does, but keeps their topics' index: the pallet then reports only the events of the
    /// next call. `reset_events` also clears the topics' index, a prefix whose clearing
    /// tests every key the block changed, before every call: a tenth of a simulated
    /// city's time. The index is for nodes that look events up by topic, which the harness
    /// never does, and a block's start clears it as it always did (`initialize_block`).
    pub fn forget_events(&mut self) {
        self.ext.execute_with(|| {
            for item in [&b"Events"[..], b"EventCount"] {
                storage::unhashed::kill(&storage::storage_prefix(b"System", item));
            }
        });
    }
}

/// What drink's `create_sandbox!` implements for its sandboxes, on [`CitySandbox`]'s
/// externalities.
impl drink::Sandbox for CitySandbox {
    type Runtime = Runtime;

    fn execute_with<T>(&mut self, execute: impl FnOnce() -> T) -> T {
        self.ext.execute_with(execute)
    }

    fn dry_run<T>(&mut self, action: impl FnOnce(&mut Self) -> T) -> T {
        let backend_backup = self.ext.as_backend();
        let result = action(self);
        self.ext
            .commit_all()
            .expect("no storage transaction is open after the action");
        self.ext.backend = backend_backup;
        result
    }

    fn register_extension<E: std::any::Any + Extension>(&mut self, ext: E) {
        self.ext.register_extension(ext);
    }

    fn initialize_block(height: BlockNumberFor<Runtime>, parent_hash: Hash) {
        BlockBuilder::<Runtime>::initialize_block(height, parent_hash);
    }

    fn finalize_block(height: BlockNumberFor<Runtime>) -> Hash {
        BlockBuilder::<Runtime>::finalize_block(height)
    }

    fn default_actor() -> AccountIdFor<Runtime> {
        DEFAULT_ACCOUNT
    }

    fn get_metadata() -> RuntimeMetadataPrefixed {
        Runtime::metadata()
    }

    fn convert_account_to_origin(account: AccountIdFor<Runtime>) -> Origin {
        Some(account).into()
    }

    fn take_snapshot(&mut self) -> Snapshot {
        let mut backend = self.ext.as_backend().clone();
        let storage = backend
            .backend_storage_mut()
            .drain()
            .into_iter()
            .filter(|(_, (_, references))| *references > 0)
            .collect();
        let storage_root = *backend.root();
        Snapshot {
            storage,
            storage_root,
        }
    }

    fn restore_snapshot(&mut self, snapshot: Snapshot) {
        self.ext = TestExternalities::from_raw_snapshot(
            snapshot.storage,
            snapshot.storage_root,
            Default::default(),
        );
    }
}

/// What the contracts pallet charges, in ref_time, for the items no call can avoid, by its
/// own weight functions and schedule (those of the sandbox's runtime): the lower bounds
/// `city bench` sets beside its measurements.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Prices {
    /// A topic of an event: a read and a write of the chain's topic index.
    pub topic: u64,
    /// Writing a storage cell.
    pub write: u64,
    /// Reading a storage cell.
    pub read: u64,
    /// Asking whether an account is a contract.
    pub is_contract: u64,
    /// Calling another contract, its code not counted.
    pub call: u64,
    /// A byte of a contract's code, loaded by every call of it.
    pub code_byte: u64,
}

impl Prices {
    /// What a PSP22 transfer to a holder must do, its code not counted: emit `Transfer`
    /// (signature, from, to) and read and write the payee's balance cell.
    pub fn payment(&self) -> u64 {
        3 * self.topic + self.read + self.write
    }
}

/// The sandbox runtime's [`Prices`].
pub fn prices() -> Prices {
    use ink_sandbox::pallet_contracts::{Config, WeightInfo};
    let host = <Runtime as Config>::Schedule::get().host_fn_weights;
    // As the pallet charges a code's loading: the weight function at its length less its
    // value at zero.
    let code = <Runtime as Config>::WeightInfo::call_with_code_per_byte(1)
        .saturating_sub(<Runtime as Config>::WeightInfo::call_with_code_per_byte(0));
    Prices {
        topic: host.deposit_event_per_topic.ref_time(),
        write: host.set_storage.ref_time(),
        read: host.get_storage.ref_time(),
        is_contract: host.is_contract.ref_time(),
        call: host.call.ref_time(),
        code_byte: code.ref_time(),
    }
}
