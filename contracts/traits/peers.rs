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
/// faked by `fakes::Token`). Written `remote::<interface>`, a peer is reached on chain
/// through [`remote`](crate::remote)'s wrapper of the `contract_ref!` instead, whose typed
/// calls share one call path (fewer bytes of Wasm; the same calls). Invoke it inside the
/// `#[ink::contract]` module; the crate's unit tests need `city-traits` with the `fakes`
/// feature as a dev-dependency.
///
/// ```ignore
/// city_traits::peers! {
///     impl ProjectEscrow {
///         /// The token, to move funds.
///         fn token() -> PSP22 { token }
///         fn civic_token() -> remote::CivicToken { token }
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
                fn $name:ident() -> $($interface:ident)::+ { $field:ident }
            )+
        }
    ) => {
        $($crate::peers!(@use $($interface)::+);)+

        impl $contract {
            $(
                $(#[$attr])*
                #[cfg(not(test))]
                fn $name(&self) -> $crate::peers!(@chain $($interface)::+) {
                    self.$field.into()
                }

                $(#[$attr])*
                #[cfg(test)]
                fn $name(&self) -> $crate::peers!(@fake $($interface)::+) {
                    $crate::peers!(@fake $($interface)::+)
                }
            )+
        }
    };
    (@use remote::$interface:ident) => { $crate::peers!(@use $interface); };
    (@use $interface:ident) => {
        #[cfg(not(test))]
        #[allow(unused_imports)]
        use $crate::$interface as _;
    };
    (@chain remote::$interface:ident) => { $crate::remote::$interface };
    (@chain $interface:ident) => { ::ink::contract_ref!($crate::$interface) };
    (@fake remote::$interface:ident) => { $crate::peers!(@fake $interface) };
    (@fake IdentityRegistry) => { $crate::fakes::Registry };
    (@fake CivicToken) => { $crate::fakes::Token };
    (@fake PSP22) => { $crate::fakes::Token };
}
