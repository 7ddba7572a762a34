//! The state restorer: what `city import` instantiates in place of each contract of the
//! suite on the new chain, to write the state exported from the old one.
//!
//! The import instantiates one restorer per contract, naming the layout of the contract
//! it stands in for (which contract, which storage version). The instantiating account
//! alone may then [`restore`] raw storage cells, and hand the contract to its code with
//! `Upgradable::upgrade(code_hash)`: the code must be of the layout named, since its
//! `migrate` takes the handover and refuses any other, or the whole call reverts. Once
//! handed over, no restore message exists any more.
//!
//! A restorer is never installed on a live contract: its `migrate` refuses every handover,
//! so an upgrade to its code reverts (`MigrationFailed`). Whoever instantiates one holds
//! nothing but the new contract it becomes, as anyone may deploy any contract; what makes
//! the new suite the city's is the record of its addresses.
//!
//! ink! decodes a contract's root cell before every message, so the restorer's root is
//! [`Opaque`]: whatever bytes the cell holds, read as they are.
//!
//! [`restore`]: state_restorer::StateRestorer::restore

#![cfg_attr(not(feature = "std"), no_std, no_main)]

/// The root cell of any contract, as bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Opaque(pub ink::prelude::vec::Vec<u8>);

impl ink::scale::Encode for Opaque {
    fn size_hint(&self) -> usize {
        self.0.len()
    }

    fn encode_to<O: ink::scale::Output + ?Sized>(&self, dest: &mut O) {
        dest.write(&self.0);
    }
}

impl ink::scale::Decode for Opaque {
    fn decode<I: ink::scale::Input>(input: &mut I) -> Result<Self, ink::scale::Error> {
        Ok(Self(city_traits::RawOutput::decode(input)?.0))
    }
}

#[cfg(feature = "std")]
impl ink::scale_info::TypeInfo for Opaque {
    type Identity = Self;

    fn type_info() -> ink::scale_info::Type {
        ink::scale_info::Type::builder()
            .path(ink::scale_info::Path::new("Opaque", module_path!()))
            .composite(
                ink::scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<ink::prelude::vec::Vec<u8>>()),
            )
    }
}

#[cfg(feature = "std")]
impl ink::storage::traits::StorageLayout for Opaque {
    fn layout(key: &ink::primitives::Key) -> ink::metadata::layout::Layout {
        ink::metadata::layout::Layout::Leaf(ink::metadata::layout::LeafLayout::from_key::<Self>(
            ink::metadata::layout::LayoutKey::from(key),
        ))
    }
}

#[ink::contract]
mod state_restorer {
    use city_traits::{
        upgrade::{self, Layout},
        RawInput, Upgradable, UpgradeError,
    };
    use ink::prelude::vec::Vec;

    use crate::Opaque;

    /// Where the restorer keeps whom it restores for and what: `"rsto"`.
    pub const RESTORING_KEY: u32 = 0x7273_746f;

    /// One cell to write: its raw key and its value, or `None` to clear it.
    pub type Entry = (Vec<u8>, Option<Vec<u8>>);

    /// The account that instantiated the restorer, and the layout of the contract it
    /// stands in for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    #[ink::scale_derive(Encode, Decode)]
    pub struct Restoring {
        pub by: AccountId,
        pub layout: Layout,
    }

    /// Any contract's storage; see the crate docs.
    #[ink(storage)]
    #[derive(Default)]
    pub struct StateRestorer {
        root: Opaque,
    }

    impl StateRestorer {
        /// Stands in for a contract whose storage is of `layout`, for the caller alone.
        #[ink(constructor)]
        pub fn new(layout: Layout) -> Self {
            let by = Self::env().caller();
            ink::env::set_contract_storage(&RESTORING_KEY, &Restoring { by, layout });
            Self::default()
        }

        /// Whom the restorer restores for and what, until it hands the contract over.
        fn restoring() -> Result<Restoring, UpgradeError> {
            ink::env::get_contract_storage(&RESTORING_KEY)
                .ok()
                .flatten()
                .ok_or(UpgradeError::NotUpgrading)
        }

        /// Writes each entry's value at its raw key, or clears the key.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller instantiated the restorer.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn restore(&self, entries: Vec<Entry>) -> Result<(), UpgradeError> {
            if self.env().caller() != Self::restoring()?.by {
                return Err(UpgradeError::NotAdmin);
            }
            for (key, value) in entries {
                match value {
                    Some(value) => {
                        ink::env::set_contract_storage(&RawInput(&key), &Opaque(value));
                    }
                    None => {
                        ink::env::clear_contract_storage(&RawInput(&key));
                    }
                }
            }
            Ok(())
        }
    }

    impl Upgradable for StateRestorer {
        /// Hands the contract to `code_hash`, code of the layout named at instantiation,
        /// whose `migrate` accepts the storage in the same call.
        ///
        /// # Errors
        /// `NotAdmin` unless the caller instantiated the restorer, `SameCode`,
        /// `CodeNotFound`, `MigrationFailed` (code of another layout: the restorer stays).
        ///
        /// # Events
        /// `CodeUpgraded`, emitted by the new code.
        #[ink(message)]
        fn upgrade(&self, code_hash: Hash) -> Result<(), UpgradeError> {
            let restoring = Self::restoring()?;
            ink::env::clear_contract_storage(&RESTORING_KEY);
            upgrade::upgrade(
                self.env().caller() == restoring.by,
                code_hash,
                restoring.layout,
            )
        }

        /// Refuses: the restorer is never installed by an upgrade, so an upgrade to its
        /// code reverts.
        ///
        /// # Errors
        /// `NotUpgrading`, always.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        fn migrate(&mut self) -> Result<(), UpgradeError> {
            Err(UpgradeError::NotUpgrading)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use ink::scale::{Decode, Encode};

        const TOKEN: Layout = Layout {
            contract: ink::selector_bytes!("city-token"),
            version: 1,
        };

        #[test]
        fn any_root_cell_reads_and_writes_back_as_it_was() {
            let bytes = vec![7u8, 0, 1, 2, 250];
            let root = Opaque::decode(&mut &bytes[..]).unwrap();
            assert_eq!(root.encode(), bytes);
            assert_eq!(
                ink::storage::traits::Storable::decode(&mut &bytes[..]),
                Ok(root)
            );
        }

        #[ink::test]
        fn only_the_instantiating_account_restores() {
            let accounts = ink::env::test::default_accounts::<ink::env::DefaultEnvironment>();
            ink::env::test::set_caller::<ink::env::DefaultEnvironment>(accounts.alice);
            let restorer = StateRestorer::new(TOKEN);
            ink::env::test::set_caller::<ink::env::DefaultEnvironment>(accounts.eve);
            assert_eq!(
                restorer.restore(vec![(vec![1], Some(vec![2]))]),
                Err(UpgradeError::NotAdmin)
            );
            ink::env::test::set_caller::<ink::env::DefaultEnvironment>(accounts.alice);
            assert_eq!(restorer.restore(vec![(vec![1], Some(vec![2]))]), Ok(()));
        }

        #[ink::test]
        fn it_is_never_installed_by_an_upgrade() {
            let mut restorer = StateRestorer::new(TOKEN);
            assert_eq!(restorer.migrate(), Err(UpgradeError::NotUpgrading));
        }
    }
}
