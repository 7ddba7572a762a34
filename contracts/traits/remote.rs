//! The suite's contracts as a caller reaches them through one call path: every typed call
//! of [`IdentityRegistry`], [`CivicToken`] and [`PSP22`] encodes its arguments, goes through
//! [`try_call`] and decodes the answer.
//!
//! A `contract_ref!` call builds, encodes, invokes and decodes the call inline at each call
//! site, and the dispatcher inlines every message body, so each call site costs its own
//! copy: hundreds of bytes of Wasm, which every call of the contract pays to load. Here the
//! call itself is one function; what remains per call site is the encoding of its
//! arguments and the decoding of its answer.
//!
//! A call behaves as the `contract_ref!` call does: the default `call_v2` call (all the gas
//! left, no storage deposit limit, no value, no permission to re-enter), and the caller
//! traps if the callee traps, refuses with a `LangError` or answers what does not decode.
//! Each wrapper dereferences to the `contract_ref!`, so a message it does not wrap is
//! called as before.
//!
//! [`IdentityRegistry`]: crate::IdentityRegistry
//! [`CivicToken`]: crate::CivicToken
//! [`PSP22`]: crate::PSP22

use ink::{
    env::{
        call::{build_call, ExecutionInput, Selector},
        CallFlags, DefaultEnvironment,
    },
    prelude::vec::Vec,
    primitives::AccountId,
    scale::{Decode, DecodeAll, Encode},
};

use crate::{
    Balance, BlockNumber, CivicRole, IdentityKind, KindCounts, PSP22Error, RawInput, RawOutput,
    RegistryError, Role, Timestamp, TokenError, TransferPolicy,
};

/// Calls the message `selector` of `callee` with `input` (its arguments, encoded), with
/// `flags` and sending `value`: the answer, encoded, or `None` if the callee trapped (or
/// the call could not be made) or refused with a `LangError` (an unknown selector, input
/// that does not decode). An answer that is an `Err` comes back like any other: the callee
/// reverted its own changes.
#[inline(never)]
pub fn try_call(
    callee: &AccountId,
    flags: CallFlags,
    value: Balance,
    selector: [u8; 4],
    input: &[u8],
) -> Option<Vec<u8>> {
    let answer = build_call::<DefaultEnvironment>()
        .call(*callee)
        .call_flags(flags)
        .transferred_value(value)
        .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(RawInput(input)))
        .returns::<RawOutput>()
        .try_invoke();
    match answer {
        Ok(Ok(RawOutput(output))) => Some(output),
        _ => None,
    }
}

/// Calls `selector` of `callee` with `args`, as a `contract_ref!` call does, and decodes
/// its answer.
///
/// # Panics
/// Traps, as the `contract_ref!` call does, if the callee trapped, refused with a
/// `LangError`, or answered what does not decode as `R`.
fn call<R: Decode>(callee: &AccountId, selector: [u8; 4], args: impl Encode) -> R {
    let input = args.encode();
    let answer = try_call(callee, CallFlags::empty(), 0, selector, &input);
    match answer.and_then(|output| R::decode_all(&mut &output[..]).ok()) {
        Some(answer) => answer,
        None => panic!("the call to another contract failed"),
    }
}

/// Defines a wrapper of `contract_ref!($interface)` whose listed messages go through
/// [`call`], each with the selector its trait gives it (the message's name is its key in
/// the trait's information, so a name the trait lacks does not compile).
macro_rules! wrapper {
    (
        $(#[$doc:meta])*
        $interface:ident {
            $(
                $name:literal fn $message:ident(&self $(, $arg:ident: $type:ty)*) -> $output:ty;
            )+
        }
    ) => {
        $(#[$doc])*
        pub struct $interface(ink::contract_ref!(crate::$interface, DefaultEnvironment));

        impl From<AccountId> for $interface {
            fn from(account: AccountId) -> Self {
                Self(account.into())
            }
        }

        impl core::ops::Deref for $interface {
            type Target = ink::contract_ref!(crate::$interface, DefaultEnvironment);

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl core::ops::DerefMut for $interface {
            fn deref_mut(&mut self) -> &mut Self::Target {
                &mut self.0
            }
        }

        impl $interface {
            $(
                #[doc = concat!(
                    "`", stringify!($interface), "::", stringify!($message),
                    "`, through the shared call path."
                )]
                pub fn $message(&self $(, $arg: $type)*) -> $output {
                    const SELECTOR: [u8; 4] = <<ink::reflect::TraitDefinitionRegistry<
                        DefaultEnvironment,
                    > as crate::$interface>::__ink_TraitInfo as ink::reflect::TraitMessageInfo<
                        { ink::selector_id!($name) },
                    >>::SELECTOR;
                    call(self.0.as_ref(), SELECTOR, ($($arg,)*))
                }
            )+
        }
    };
}

wrapper! {
    /// The citizen registry, for e-voting and the project escrow.
    IdentityRegistry {
        "kind_valid_at" fn kind_valid_at(
            &self,
            account: AccountId,
            block: BlockNumber,
            time: Timestamp
        ) -> Result<Option<IdentityKind>, RegistryError>;
        "eligible_counts_at" fn eligible_counts_at(
            &self,
            block: BlockNumber
        ) -> Result<KindCounts, RegistryError>;
        "has_civic_role" fn has_civic_role(
            &self,
            account: AccountId,
            role: CivicRole
        ) -> bool;
        "first_without_civic_role" fn first_without_civic_role(
            &self,
            accounts: &[AccountId],
            role: CivicRole
        ) -> Option<u32>;
    }
}

wrapper! {
    /// The city token's civic side, for e-voting and the project escrow.
    CivicToken {
        "votes_at" fn votes_at(
            &self,
            account: AccountId,
            block: BlockNumber
        ) -> Result<Balance, TokenError>;
        "total_supply_at" fn total_supply_at(
            &self,
            block: BlockNumber
        ) -> Result<Balance, TokenError>;
        "has_role" fn has_role(&self, account: AccountId, role: Role) -> bool;
        "transfer_policy" fn transfer_policy(&self) -> TransferPolicy;
    }
}

wrapper! {
    /// The city token as a PSP22 token, for the project escrow.
    PSP22 {
        "transfer" fn transfer(
            &self,
            to: AccountId,
            value: Balance,
            data: Vec<u8>
        ) -> Result<(), PSP22Error>;
        "transfer_from" fn transfer_from(
            &self,
            from: AccountId,
            to: AccountId,
            value: Balance,
            data: Vec<u8>
        ) -> Result<(), PSP22Error>;
    }
}
