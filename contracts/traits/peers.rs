//! How a contract reaches the others: the one swap between the real contracts and the
//! stand-ins of the unit tests.

/// Defines private methods of a contract that return its peers, each built from an
/// `AccountId` field: on chain a `contract_ref!` of the peer's interface, under `cfg(test)`
/// the stand-in of `city_traits::fakes` that answers the same method names (ink! 5's
/// off-chain environment cannot call another contract). Also brings the interfaces into
/// scope, outside tests, so that their methods can be called.
///
/// The interfaces are [`IdentityRegistry`](crate::IdentityRegistry) (faked by
/// `fakes::Registry`), [`CivicToken`](crate::CivicToken) and [`PSP22`](crate::PSP22) (both
/// faked by `fakes::Token`). Invoke it inside the `#[ink::contract]` module; the crate's
/// unit tests need `city-traits` with the `fakes` feature as a dev-dependency.
///
/// ```ignore
/// city_traits::peers! {
///     impl ProjectEscrow {
///         /// The token, to move funds.
///         fn token() -> PSP22 { token }
///         fn civic_token() -> CivicToken { token }
///         fn registry() -> IdentityRegistry { registry }
///     }
/// }
/// ```
#[macro_export]
macro_rules! peers {
    (
        impl $contract:ident {
            $(
                $(#[$attr:meta])*
                fn $name:ident() -> $interface:ident { $field:ident }
            )+
        }
    ) => {
        #[cfg(not(test))]
        use $crate::{$($interface as _),+};

        impl $contract {
            $(
                $(#[$attr])*
                #[cfg(not(test))]
                fn $name(&self) -> ::ink::contract_ref!($crate::$interface) {
                    self.$field.into()
                }

                $(#[$attr])*
                #[cfg(test)]
                fn $name(&self) -> $crate::peers!(@fake $interface) {
                    $crate::peers!(@fake $interface)
                }
            )+
        }
    };
    (@fake IdentityRegistry) => { $crate::fakes::Registry };
    (@fake CivicToken) => { $crate::fakes::Token };
    (@fake PSP22) => { $crate::fakes::Token };
}
