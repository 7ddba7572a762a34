//! Governed upgrades on the real Wasm: uploading new code, and the `Upgradable` messages
//! every suite contract has (city-traits' `upgrade` module documents them).
//!
//! ```text
//! let v2 = city.upload("city-token-v2")?;    // the code, by its hash
//! city.token(ADMIN).upgrade(v2);             // the token runs it, migrated
//! ```

use city_traits::{Call, UpgradeError};
use drink::{
    pallet_contracts::Determinism, sandbox_api::contracts_api::ContractAPI, AccountId32,
    Sandbox as _,
};
use ink::{primitives::Hash, selector_bytes};
use scale::{Decode, Encode};

use crate::{
    bundles,
    call::Outcome,
    city::{City, Deployed, Sandbox, ADMIN},
    voting::proposed_call,
};

/// The upgrade messages on a contract's typed calls (`city.token(ADMIN)`,
/// `city.voting(..)`, ...).
pub trait UpgradeCalls: Sized {
    /// Sends one upgrade message to the contract these calls are for.
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V>;

    /// Replaces the contract's code with the uploaded `code_hash`, migrating its storage.
    fn upgrade(self, code_hash: Hash) -> Outcome<Result<(), UpgradeError>> {
        self.send_upgrade(selector_bytes!("Upgradable::upgrade"), code_hash)
    }

    /// The migration, which only the contract itself starts, inside an upgrade.
    fn migrate(self) -> Outcome<Result<(), UpgradeError>> {
        self.send_upgrade(selector_bytes!("Upgradable::migrate"), ())
    }
}

/// A proposal's call of `contract`'s `Upgradable::upgrade(code_hash)`.
pub fn upgrade_call(contract: &Deployed, code_hash: Hash) -> Call {
    proposed_call(contract, selector_bytes!("Upgradable::upgrade"), code_hash)
}

impl City {
    /// Uploads the code of bundle `name` (any of [`bundles`], an upgrade fixture say) as
    /// `ADMIN`, and returns its code hash; the code is instantiated nowhere.
    ///
    /// # Errors
    /// If the bundle does not build or the chain refuses the code.
    pub fn upload(&mut self, name: &'static str) -> anyhow::Result<Hash> {
        let wasm = bundles::load(name)?.wasm;
        let origin = self.fund(ADMIN.account());
        let uploaded = self
            .sandbox()
            .upload_contract(wasm, origin, None, Determinism::Enforced)
            .map_err(|error| anyhow::anyhow!("uploading {name} failed: {error:?}"))?;
        Ok(Hash::from(uploaded.code_hash.0))
    }

    /// The code hash of the contract at `address`, if a contract lives there.
    pub fn code_hash_at(&mut self, address: &AccountId32) -> Option<Hash> {
        code_hash_at(self.sandbox(), address).map(Hash::from)
    }
}

/// The code hash of the contract at `address` in `sandbox` (a city's, or a deployment's
/// embedded chain), if a contract lives there.
pub fn code_hash_at(sandbox: &mut Sandbox, address: &AccountId32) -> Option<[u8; 32]> {
    sandbox.execute_with(|| {
        drink::pallet_contracts::Pallet::<<Sandbox as drink::Sandbox>::Runtime>::code_hash(address)
            .map(|hash| hash.0)
    })
}
