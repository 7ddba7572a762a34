//! Governed upgrades: a suite contract replaces its code with `set_code_hash`, through its
//! admin seat (e-voting: through its own executed proposal), and the new code migrates the
//! storage it inherits, in the same call.
//!
//! # How an upgrade runs
//! `upgrade(code_hash)` on the contract, by the holder of its admin seat:
//! 1. refuses the code already running (`SameCode`);
//! 2. replaces the code (`set_code_hash`; `CodeNotFound` if nobody uploaded it);
//! 3. leaves a [`Handover`] in the cell at [`HANDOVER_KEY`]: the code replaced and the
//!    [`Layout`] of the storage it wrote (which contract, which storage version);
//! 4. calls the contract's own `Upgradable::migrate`, which the **new** code answers: it
//!    takes the handover (the cell is empty again), refuses another contract's storage or
//!    a version it has no migration from (`NoMigration`), runs the migration it declares
//!    from that version, and emits [`CodeUpgraded`] with the old and the new code hash and
//!    both versions.
//!
//! If the new code's `migrate` traps, refuses, or is missing (code that is not a suite
//! contract), `upgrade` answers `MigrationFailed` and ink! reverts the whole call: the old
//! code stays, with its storage as it was. `migrate` without a handover is refused
//! (`NotUpgrading`): it runs only inside an upgrade, once, as the call the upgrade makes.
//!
//! The storage version is the code's: each code reads and writes one layout, so the code
//! running says which layout the storage holds, and no cell has to remember it between
//! upgrades. [`upgrade`] and [`migration`] hold the logic, the same for every contract, out
//! of line: each contract's dispatcher would otherwise inline its own copy.
//!
//! # What a migration may change
//! ink! decodes the contract's root cell before every message, `migrate` included, so new
//! code must read the old root cell as it is: new data goes into `Lazy` or `Mapping` cells
//! of its own, which a migration fills. The deployments crate's layout check
//! (`deployments::layout`) compares the layouts before an upgrade; each contract declares
//! its storage version and the versions it migrates from in its `Cargo.toml`
//! (`[package.metadata.contract.user.storage]`), and its code holds the same numbers.
//!
//! The storage version a contract holds is therefore that of its code, which its code hash
//! names: the metadata kept beside each deployment record says it (`city verify` ties the
//! code on chain to the record), so no message answers it, a dispatcher arm every call
//! would load.
//!
//! # Selectors
//! `Upgradable::upgrade`, `Upgradable::migrate` (inputs of `ink::selector_bytes!`, the same
//! on every contract).

use ink::primitives::Hash;

/// The key of the cell an upgrade hands over through, empty outside an upgrade: `"upgr"`.
pub const HANDOVER_KEY: u32 = 0x7570_6772;

/// Which contract's storage, and which version of its layout: what a code reads and
/// writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Layout {
    /// The contract, as the first four bytes of the BLAKE2 hash of its crate's name
    /// (`ink::selector_bytes!("city-token")`).
    pub contract: [u8; 4],
    pub version: u16,
}

/// Everything an upgrade can refuse. A refused upgrade changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum UpgradeError {
    /// The caller does not hold the admin seat (for e-voting: is not an executed proposal).
    NotAdmin,
    /// `migrate` was called outside an upgrade: no handover was left for it.
    NotUpgrading,
    /// The code named is the code running.
    SameCode,
    /// No code with that hash was uploaded to the chain.
    CodeNotFound,
    /// The new code has no migration from the storage it inherits: another contract's, or
    /// a version it declares no migration from.
    NoMigration,
    /// The new code's migration trapped, refused, or is missing: the old code stays.
    MigrationFailed,
}

/// The contract's code was replaced, and the new code migrated its storage from version
/// `from` to `to` (equal: nothing to migrate). Emitted by the new code. Upgrades are rare:
/// an indexer finds them by the event's signature topic, so the hashes are data (topics
/// would be code every call of every contract loads).
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeUpgraded {
    pub old: Hash,
    pub new: Hash,
    pub from: u16,
    pub to: u16,
}

/// What the old code leaves the new one in the cell at [`HANDOVER_KEY`] during an upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode)]
pub struct Handover {
    /// The code replaced.
    pub old: Hash,
    /// The storage it leaves.
    pub layout: Layout,
}

/// The upgrade messages, the same on every suite contract (see the module docs).
#[ink::trait_definition]
pub trait Upgradable {
    /// Replaces the contract's code with the uploaded code `code_hash`, whose `migrate`
    /// then brings the storage to its layout, in the same call.
    ///
    /// # Errors
    /// `NotAdmin` unless the caller holds the admin seat (e-voting: an executed proposal),
    /// `SameCode`, `CodeNotFound`, `MigrationFailed` (the old code stays).
    ///
    /// # Events
    /// `CodeUpgraded { old, new, from, to }`, emitted by the new code's `migrate`.
    #[ink(message)]
    fn upgrade(&self, code_hash: Hash) -> Result<(), UpgradeError>;

    /// Brings the storage the replaced code left (the upgrade's handover says which) to
    /// this code's layout, running the migration this code declares from it. Only an
    /// upgrade calls it, the contract calling itself.
    ///
    /// # Errors
    /// `NotUpgrading` outside an upgrade, `NoMigration` if this code has no migration from
    /// the storage it inherits.
    ///
    /// # Events
    /// `CodeUpgraded { old, new, from, to }`.
    #[ink(message)]
    fn migrate(&mut self) -> Result<(), UpgradeError>;
}

/// `upgrade` in full (module docs), once the contract told whether the caller is
/// `admitted` (holds its admin seat; for e-voting: is e-voting) and its `layout`.
///
/// # Errors
/// `NotAdmin`, `SameCode`, `CodeNotFound`, `MigrationFailed`; the message answering `Err`
/// reverts the code replacement and the handover.
#[inline(never)]
pub fn upgrade(admitted: bool, code_hash: Hash, layout: Layout) -> Result<(), UpgradeError> {
    if !admitted {
        return Err(UpgradeError::NotAdmin);
    }
    let old = host::own_code_hash();
    if old == code_hash {
        return Err(UpgradeError::SameCode);
    }
    if !host::set_code_hash(&code_hash) {
        return Err(UpgradeError::CodeNotFound);
    }
    ink::env::set_contract_storage(&HANDOVER_KEY, &Handover { old, layout });
    // `Ok(())`, as ink! encodes the answer of `migrate` (without its `MessageResult`).
    if host::call_self(ink::selector_bytes!("Upgradable::migrate")).as_deref() != Some(&[0]) {
        return Err(UpgradeError::MigrationFailed);
    }
    Ok(())
}

/// The start of `migrate` (module docs), for the new code, of `layout`: takes the handover
/// (only an upgrade leaves one, and only for the call it makes next, so its presence is the
/// proof that this is that call), and answers the version to migrate from if the storage
/// inherited is not of `layout`'s version; emits [`CodeUpgraded`]. The contract then runs
/// that migration.
///
/// # Errors
/// `NotUpgrading` outside an upgrade; `NoMigration` for another contract's storage, or a
/// version `migrates_from` (the versions the code has migrations from) lacks.
#[inline(never)]
pub fn migration(layout: Layout, migrates_from: &[u16]) -> Result<Option<u16>, UpgradeError> {
    let Ok(Some(handover)) = ink::env::take_contract_storage::<_, Handover>(&HANDOVER_KEY) else {
        return Err(UpgradeError::NotUpgrading);
    };
    let from = handover.layout.version;
    let needed = from != layout.version;
    if handover.layout.contract != layout.contract || needed && !migrates_from.contains(&from) {
        return Err(UpgradeError::NoMigration);
    }
    crate::emit(&CodeUpgraded {
        old: handover.old,
        new: host::own_code_hash(),
        from,
        to: layout.version,
    });
    Ok(needed.then_some(from))
}

/// What an upgrade asks of the chain, through the functions the contracts use elsewhere
/// (their code is shared: the call to itself goes the way of every other call). ink!'s
/// off-chain environment knows no code hashes (it panics), so the unit tests reach no
/// further than the checks before them; the harness's e2e tests run the rest on the real
/// Wasm.
mod host {
    use ink::{
        env::{CallFlags, DefaultEnvironment as E},
        primitives::Hash,
    };

    pub fn own_code_hash() -> Hash {
        // Every contract has code: the error is unreachable.
        ink::env::own_code_hash::<E>().unwrap_or_default()
    }

    pub fn set_code_hash(code_hash: &Hash) -> bool {
        ink::env::set_code_hash::<E>(code_hash).is_ok()
    }

    /// Calls the contract itself (its code as it is now) with `selector` and no arguments:
    /// its answer (without ink!'s `MessageResult`), or `None` if it trapped.
    pub fn call_self(selector: [u8; 4]) -> Option<ink::prelude::vec::Vec<u8>> {
        let own = ink::env::account_id::<E>();
        crate::remote::try_call(&own, CallFlags::ALLOW_REENTRY, 0, selector, &[])
    }
}

/// The storage version and the versions migrated from that a contract's `Cargo.toml`
/// declares (`[package.metadata.contract.user.storage]`), for the contracts' tests that
/// their code holds the same numbers.
#[cfg(feature = "std")]
pub fn declared(cargo_toml: &str) -> Option<(u16, Vec<u16>)> {
    let section = cargo_toml
        .split("[package.metadata.contract.user.storage]")
        .nth(1)?;
    let section = section.split("\n[").next()?;
    let value = |name: &str| {
        section.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == name).then_some(value.trim())
        })
    };
    let version = value("version")?.parse().ok()?;
    let list = value("migrates_from")?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let migrates_from = list
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    Some((version, migrates_from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_encodes_as_derived() {
        use UpgradeError::*;
        crate::encodes_as_derived(&[
            NotAdmin,
            NotUpgrading,
            SameCode,
            CodeNotFound,
            NoMigration,
            MigrationFailed,
        ]);
    }

    #[test]
    fn the_declaration_is_read_from_its_section_only() {
        let manifest = "[package]\nversion = \"0.1.0\"\n\n\
                        [package.metadata.contract.user.storage]\nversion = 3\n\
                        migrates_from = [1, 2]\n\n[features]\nversion = 9\n";
        assert_eq!(declared(manifest), Some((3, vec![1, 2])));
        let none = manifest.replace("[1, 2]", "[]");
        assert_eq!(declared(&none), Some((3, vec![])));
        assert_eq!(declared("[package]\nversion = \"0.1.0\"\n"), None);
    }
}
