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
    prelude::{string::String, vec::Vec},
    primitives::AccountId,
    scale::{Compact, Decode, DecodeAll, Encode, Error as ScaleError, Input},
};

use crate::{
    Action, Balance, BlockNumber, CardKey, CivicRole, IdentityKind, KindCounts, PSP22Error,
    RawInput, RawOutput, RecordId, RecordsError, RegistryError, RewardError, Role, SchemaId,
    Subject, Timestamp, TokenError, TransferPolicy,
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
                $name:literal fn $message:ident(&self $(, $arg:ident: $type:ty)*) -> $output:ty
                    $(as $via:ty)?;
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
                    wrapper!(@call self.0.as_ref(), SELECTOR, ($($arg,)*) $(, $via)?)
                }
            )+
        }
    };
    (@call $callee:expr, $selector:expr, $args:expr) => {
        call($callee, $selector, $args)
    };
    (@call $callee:expr, $selector:expr, $args:expr, $via:ty) => {
        call::<$via>($callee, $selector, $args).0
    };
}

wrapper! {
    /// The citizen registry, for e-voting, the project escrow and the reward rules.
    IdentityRegistry {
        "kinds_of" fn kinds_of(&self, accounts: &[AccountId]) -> Vec<Option<IdentityKind>>;
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
        "card_holder" fn card_holder(&self, key: CardKey) -> Option<AccountId>;
    }
}

wrapper! {
    /// The city token's civic side, for e-voting, the project escrow (its wage rolls with
    /// `transfer_many`) and the reward rules (`mint_to`, `mint_many`).
    CivicToken {
        "mint_to" fn mint_to(&self, to: AccountId, amount: Balance) -> Result<(), TokenError>;
        "mint_many" fn mint_many(
            &self,
            payments: Vec<(AccountId, Balance)>
        ) -> Result<(), TokenError>;
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
        "transfer_many" fn transfer_many(
            &self,
            payments: Vec<(AccountId, Balance)>
        ) -> Result<(), TokenError>;
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
        ) -> Result<(), PSP22Error> as Psp22Answer;
        "transfer_from" fn transfer_from(
            &self,
            from: AccountId,
            to: AccountId,
            value: Balance,
            data: Vec<u8>
        ) -> Result<(), PSP22Error> as Psp22Answer;
    }
}

/// The reward rules, for civic records (a battery's return reward). `attest` is the rules'
/// own message, not a trait's: its selector is `attest`.
pub struct RewardRules(AccountId);

impl From<AccountId> for RewardRules {
    fn from(account: AccountId) -> Self {
        Self(account)
    }
}

impl RewardRules {
    /// `attest`, as a device calls it, through the shared call path.
    pub fn attest(
        &self,
        receipt: [u8; 32],
        beneficiary: AccountId,
        action: Action,
        quantity: u128,
    ) -> Result<Balance, RewardError> {
        call(
            &self.0,
            ink::selector_bytes!("attest"),
            (receipt, beneficiary, action, quantity),
        )
    }
}

/// Civic records, for the charity (a gift's receipt record). `issue` is civic records'
/// own message, not a trait's: its selector is `issue`.
pub struct CivicRecords(AccountId);

impl From<AccountId> for CivicRecords {
    fn from(account: AccountId) -> Self {
        Self(account)
    }
}

impl CivicRecords {
    /// `issue` of a record about `person` that neither expires nor extends another,
    /// through the shared call path.
    pub fn issue(
        &self,
        schema: SchemaId,
        person: AccountId,
        data_hash: [u8; 32],
    ) -> Result<RecordId, RecordsError> {
        call(
            &self.0,
            ink::selector_bytes!("issue"),
            (
                schema,
                Subject::Person(person),
                data_hash,
                Option::<BlockNumber>::None,
                Option::<RecordId>::None,
            ),
        )
    }
}

/// The city token's answer to `transfer` and `transfer_from`, decoded as the derived
/// `Decode` of `Result<(), PSP22Error>` does, except for the message of a `Custom` (or
/// `SafeTransferCheckFailed`) error: its ASCII bytes are read as they are and any other
/// byte as `?`, so a token's refusal always comes back as a typed error. The city token's
/// messages are ASCII (`Paused`, `PolicyForbidsTransfer`, `TokenError`). The derived
/// decoding of a `String` validates UTF-8, with its tables: about a kilobyte of Wasm in the
/// escrow, to read one of three words.
struct Psp22Answer(Result<(), PSP22Error>);

impl Decode for Psp22Answer {
    fn decode<I: Input>(input: &mut I) -> Result<Self, ScaleError> {
        let answer = match input.read_byte()? {
            0 => Ok(()),
            1 => Err(match input.read_byte()? {
                0 => PSP22Error::Custom(ascii(input)?),
                1 => PSP22Error::InsufficientBalance,
                2 => PSP22Error::InsufficientAllowance,
                3 => PSP22Error::ZeroRecipientAddress,
                4 => PSP22Error::ZeroSenderAddress,
                5 => PSP22Error::SafeTransferCheckFailed(ascii(input)?),
                _ => return Err("not a PSP22Error".into()),
            }),
            _ => return Err("not a Result".into()),
        };
        Ok(Self(answer))
    }
}

/// A SCALE-encoded string, its bytes outside ASCII read as `?`.
fn ascii<I: Input>(input: &mut I) -> Result<String, ScaleError> {
    let Compact(length) = Compact::<u32>::decode(input)?;
    let mut text = String::new();
    for _ in 0..length {
        let byte = input.read_byte()?;
        text.push(if byte.is_ascii() {
            char::from(byte)
        } else {
            '?'
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use ink::scale::Encode;

    use super::*;

    #[test]
    fn the_tokens_answers_decode_as_the_derived_decode_reads_them() {
        let answers = [
            Ok(()),
            Err(PSP22Error::Custom("Paused".into())),
            Err(PSP22Error::Custom("PolicyForbidsTransfer".into())),
            Err(PSP22Error::Custom(String::new())),
            Err(PSP22Error::InsufficientBalance),
            Err(PSP22Error::InsufficientAllowance),
            Err(PSP22Error::ZeroRecipientAddress),
            Err(PSP22Error::ZeroSenderAddress),
            Err(PSP22Error::SafeTransferCheckFailed("refused".into())),
        ];
        for answer in answers {
            let encoded = answer.encode();
            let decoded = Psp22Answer::decode_all(&mut &encoded[..]).map(|answer| answer.0);
            assert_eq!(decoded, Ok(answer));
        }
    }

    #[test]
    fn a_message_outside_ascii_still_decodes_as_a_refusal() {
        let not_ascii: Result<(), PSP22Error> = Err(PSP22Error::Custom("Pausé".into()));
        let decoded = Psp22Answer::decode_all(&mut &not_ascii.encode()[..]).map(|a| a.0);
        assert_eq!(decoded, Ok(Err(PSP22Error::Custom("Paus??".into()))));
    }

    #[test]
    fn an_answer_that_is_no_result_does_not_decode() {
        let cut_short = &Err::<(), _>(PSP22Error::Custom("Paused".into())).encode()[..4];
        for encoded in [cut_short, &[1, 6], &[2], &[0, 0]] {
            assert!(
                Psp22Answer::decode_all(&mut &encoded[..]).is_err(),
                "{encoded:?}"
            );
        }
    }
}
