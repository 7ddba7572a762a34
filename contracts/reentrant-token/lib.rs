//! # Reentrant token: a test double, never deployed on a chain
//!
//! An attacker's token for the harness's adversarial tests. Whenever a contract asks it to
//! move or mint tokens (`PSP22::transfer`, `PSP22::transfer_from`, `CivicToken::mint_to`,
//! and the bulk `mint_many` and `transfer_many`), it first makes the call it was armed
//! with, typically back into that contract (`release`, `claim_refund`, `attest`), counts
//! whether the call went through, and then answers `Ok` without moving anything. Its other token messages answer zeros.
//!
//! The contracts of the suite call their token without allowing re-entry, so the pallet
//! refuses the call back, which traps this token and with it the victim's whole call:
//! the tests check that nothing of it was kept. `reentries()` counts the calls back that
//! did not trap (into contracts not on the call stack, as a control). Built with
//! `calling`, it makes its call once from its constructor, before the chain records it as
//! a contract.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[ink::contract]
mod reentrant_token {
    use city_traits::{
        CivicToken, PSP22Error, RawInput, RawOutput, Role, TokenError, TransferPolicy, PSP22,
    };
    use ink::{
        env::call::{build_call, ExecutionInput, Selector},
        prelude::vec::Vec,
    };

    /// The call made back on every transfer or mint: callee, selector, encoded arguments.
    type Attack = (AccountId, [u8; 4], Vec<u8>);

    #[ink(storage)]
    #[derive(Default)]
    pub struct ReentrantToken {
        attack: Option<Attack>,
        attempts: u32,
        successes: u32,
    }

    impl ReentrantToken {
        /// A disarmed token.
        #[ink(constructor)]
        pub fn new() -> Self {
            Self::default()
        }

        /// A token that makes the call it is armed with once, from its constructor: while
        /// a constructor runs, the chain has not yet recorded its account as a contract's
        /// (the R-8 and F-1 "contract-to-be" attacks). Then disarmed.
        #[ink(constructor)]
        pub fn calling(callee: AccountId, selector: [u8; 4], input: Vec<u8>) -> Self {
            let mut token = Self {
                attack: Some((callee, selector, input)),
                ..Self::default()
            };
            token.call_back();
            token.attack = None;
            token
        }

        /// Arms the token: every transfer or mint first calls `selector` of `callee` with
        /// `input`.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn arm(&mut self, callee: AccountId, selector: [u8; 4], input: Vec<u8>) {
            self.attack = Some((callee, selector, input));
        }

        /// Disarms the token: transfers and mints just answer `Ok`.
        ///
        /// # Errors
        /// None.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn disarm(&mut self) {
            self.attack = None;
        }

        /// How many calls back were made without trapping, and how many answered `Ok`.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn reentries(&self) -> (u32, u32) {
            (self.attempts, self.successes)
        }

        fn call_back(&mut self) {
            let Some((callee, selector, input)) = self.attack.clone() else {
                return;
            };
            let answer = build_call::<Environment>()
                .call(callee)
                .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(RawInput(&input)))
                .returns::<RawOutput>()
                .try_invoke();
            self.attempts = self.attempts.saturating_add(1);
            if matches!(answer, Ok(Ok(output)) if output.is_not_err()) {
                self.successes = self.successes.saturating_add(1);
            }
        }
    }

    impl PSP22 for ReentrantToken {
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            0
        }

        #[ink(message)]
        fn balance_of(&self, _owner: AccountId) -> u128 {
            0
        }

        #[ink(message)]
        fn allowance(&self, _owner: AccountId, _spender: AccountId) -> u128 {
            0
        }

        /// Calls back, then claims success.
        #[ink(message)]
        fn transfer(
            &mut self,
            _to: AccountId,
            _value: u128,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            self.call_back();
            Ok(())
        }

        /// Calls back, then claims success.
        #[ink(message)]
        fn transfer_from(
            &mut self,
            _from: AccountId,
            _to: AccountId,
            _value: u128,
            _data: Vec<u8>,
        ) -> Result<(), PSP22Error> {
            self.call_back();
            Ok(())
        }

        #[ink(message)]
        fn approve(&mut self, _spender: AccountId, _value: u128) -> Result<(), PSP22Error> {
            Ok(())
        }

        #[ink(message)]
        fn increase_allowance(
            &mut self,
            _spender: AccountId,
            _delta_value: u128,
        ) -> Result<(), PSP22Error> {
            Ok(())
        }

        #[ink(message)]
        fn decrease_allowance(
            &mut self,
            _spender: AccountId,
            _delta_value: u128,
        ) -> Result<(), PSP22Error> {
            Ok(())
        }
    }

    impl CivicToken for ReentrantToken {
        /// Calls back, then claims success.
        #[ink(message)]
        fn mint_to(&mut self, _to: AccountId, _amount: Balance) -> Result<(), TokenError> {
            self.call_back();
            Ok(())
        }

        /// Calls back, then claims success.
        #[ink(message)]
        fn mint_many(&mut self, _payments: Vec<(AccountId, Balance)>) -> Result<(), TokenError> {
            self.call_back();
            Ok(())
        }

        /// Calls back, then claims success.
        #[ink(message)]
        fn transfer_many(
            &mut self,
            _payments: Vec<(AccountId, Balance)>,
        ) -> Result<(), TokenError> {
            self.call_back();
            Ok(())
        }

        #[ink(message)]
        fn burn_from(&mut self, _from: AccountId, _amount: Balance) -> Result<(), TokenError> {
            Ok(())
        }

        #[ink(message)]
        fn votes_at(&self, _account: AccountId, _block: u32) -> Result<Balance, TokenError> {
            Ok(0)
        }

        #[ink(message)]
        fn total_supply_at(&self, _block: u32) -> Result<Balance, TokenError> {
            Ok(0)
        }

        #[ink(message)]
        fn has_role(&self, _account: AccountId, _role: Role) -> bool {
            false
        }

        #[ink(message)]
        fn transfer_policy(&self) -> TransferPolicy {
            TransferPolicy::Open
        }
    }
}
