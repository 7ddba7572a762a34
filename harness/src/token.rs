//! Typed calls to the city token: `city.token(ALICE).transfer(BOB, 10)`. Each method sends
//! the message of the same name; the contract documents what it does and refuses.

use city_traits::{PSP22Error, Role, TokenAct, TokenError, TransferPolicy};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use crate::{admin::AdminCalls, call::Outcome, city::City};

/// The city token, called by one actor.
pub struct TokenCalls<'a> {
    city: &'a mut City,
    caller: AccountId,
}

impl City {
    /// Calls the token as `caller` (an [`Actor`] or any account).
    pub fn token(&mut self, caller: impl Into<AccountId>) -> TokenCalls<'_> {
        TokenCalls {
            city: self,
            caller: caller.into(),
        }
    }

    /// The token balance of `owner`.
    pub fn balance(&mut self, owner: impl Into<AccountId>) -> u128 {
        let owner = owner.into();
        self.token(owner).balance_of(owner).value
    }
}

/// Token results as messages return them.
type Psp22Result = Result<(), PSP22Error>;
type TokenResult<T = ()> = Result<T, TokenError>;

impl AdminCalls for TokenCalls<'_> {
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl crate::upgrade::UpgradeCalls for TokenCalls<'_> {
    fn send_upgrade<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        self.send(selector, args)
    }
}

impl TokenCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        let token = self.city.token.address.clone();
        self.city.send(&token, self.caller, selector, args)
    }

    // PSP22

    pub fn total_supply(self) -> Outcome<u128> {
        self.send(selector_bytes!("PSP22::total_supply"), ())
    }

    pub fn balance_of(self, owner: impl Into<AccountId>) -> Outcome<u128> {
        self.send(selector_bytes!("PSP22::balance_of"), owner.into())
    }

    pub fn allowance(
        self,
        owner: impl Into<AccountId>,
        spender: impl Into<AccountId>,
    ) -> Outcome<u128> {
        let args = (owner.into(), spender.into());
        self.send(selector_bytes!("PSP22::allowance"), args)
    }

    pub fn transfer(self, to: impl Into<AccountId>, value: u128) -> Outcome<Psp22Result> {
        let args = (to.into(), value, Vec::<u8>::new());
        self.send(selector_bytes!("PSP22::transfer"), args)
    }

    pub fn transfer_from(
        self,
        from: impl Into<AccountId>,
        to: impl Into<AccountId>,
        value: u128,
    ) -> Outcome<Psp22Result> {
        let args = (from.into(), to.into(), value, Vec::<u8>::new());
        self.send(selector_bytes!("PSP22::transfer_from"), args)
    }

    pub fn approve(self, spender: impl Into<AccountId>, value: u128) -> Outcome<Psp22Result> {
        self.send(selector_bytes!("PSP22::approve"), (spender.into(), value))
    }

    pub fn increase_allowance(
        self,
        spender: impl Into<AccountId>,
        delta: u128,
    ) -> Outcome<Psp22Result> {
        let args = (spender.into(), delta);
        self.send(selector_bytes!("PSP22::increase_allowance"), args)
    }

    pub fn decrease_allowance(
        self,
        spender: impl Into<AccountId>,
        delta: u128,
    ) -> Outcome<Psp22Result> {
        let args = (spender.into(), delta);
        self.send(selector_bytes!("PSP22::decrease_allowance"), args)
    }

    // PSP22Metadata

    pub fn token_name(self) -> Outcome<Option<String>> {
        self.send(selector_bytes!("PSP22Metadata::token_name"), ())
    }

    pub fn token_symbol(self) -> Outcome<Option<String>> {
        self.send(selector_bytes!("PSP22Metadata::token_symbol"), ())
    }

    pub fn token_decimals(self) -> Outcome<u8> {
        self.send(selector_bytes!("PSP22Metadata::token_decimals"), ())
    }

    // CivicToken (the cross-contract interface)

    pub fn mint_to(self, to: impl Into<AccountId>, amount: u128) -> Outcome<TokenResult> {
        self.send(selector_bytes!("CivicToken::mint_to"), (to.into(), amount))
    }

    /// `mint_many`: each of `payments` (account, amount), in one call.
    pub fn mint_many(self, payments: &[(AccountId, u128)]) -> Outcome<TokenResult> {
        self.send(selector_bytes!("CivicToken::mint_many"), payments)
    }

    /// `transfer_many`: each of `payments` (account, amount) from the caller, in one call.
    pub fn transfer_many(self, payments: &[(AccountId, u128)]) -> Outcome<TokenResult> {
        self.send(selector_bytes!("CivicToken::transfer_many"), payments)
    }

    pub fn burn_from(self, from: impl Into<AccountId>, amount: u128) -> Outcome<TokenResult> {
        self.send(
            selector_bytes!("CivicToken::burn_from"),
            (from.into(), amount),
        )
    }

    pub fn votes_at(self, account: impl Into<AccountId>, block: u32) -> Outcome<TokenResult<u128>> {
        self.send(
            selector_bytes!("CivicToken::votes_at"),
            (account.into(), block),
        )
    }

    pub fn total_supply_at(self, block: u32) -> Outcome<TokenResult<u128>> {
        self.send(selector_bytes!("CivicToken::total_supply_at"), block)
    }

    pub fn has_role(self, account: impl Into<AccountId>, role: Role) -> Outcome<bool> {
        self.send(
            selector_bytes!("CivicToken::has_role"),
            (account.into(), role),
        )
    }

    // Administration

    pub fn cap(self) -> Outcome<u128> {
        self.send(selector_bytes!("cap"), ())
    }

    pub fn paused(self) -> Outcome<bool> {
        self.send(selector_bytes!("paused"), ())
    }

    pub fn transfer_policy(self) -> Outcome<TransferPolicy> {
        self.send(selector_bytes!("CivicToken::transfer_policy"), ())
    }

    pub fn grant_role(self, role: Role, account: impl Into<AccountId>) -> Outcome<TokenResult> {
        self.send(selector_bytes!("grant_role"), (role, account.into()))
    }

    pub fn revoke_role(self, role: Role, account: impl Into<AccountId>) -> Outcome<TokenResult> {
        self.send(selector_bytes!("revoke_role"), (role, account.into()))
    }

    pub fn renounce_role(self, role: Role) -> Outcome<TokenResult> {
        self.send(selector_bytes!("renounce_role"), role)
    }

    pub fn pause(self) -> Outcome<TokenResult> {
        self.send(selector_bytes!("pause"), ())
    }

    pub fn unpause(self) -> Outcome<TokenResult> {
        self.send(selector_bytes!("unpause"), ())
    }

    pub fn set_transfer_policy(self, policy: TransferPolicy) -> Outcome<TokenResult> {
        self.send(selector_bytes!("set_transfer_policy"), policy)
    }

    // Voting power

    /// Opts the caller in: its balance counts as voting power from this block on.
    pub fn track_votes(self) -> Outcome<TokenResult> {
        self.send(selector_bytes!("track_votes"), ())
    }

    pub fn tracks_votes(self, account: impl Into<AccountId>) -> Outcome<bool> {
        self.send(selector_bytes!("tracks_votes"), account.into())
    }

    /// Spends `amount` at `provider`; `memo` is the provider's order reference.
    pub fn redeem(
        self,
        provider: impl Into<AccountId>,
        amount: u128,
        memo: &[u8],
    ) -> Outcome<TokenResult> {
        let args = (provider.into(), amount, memo.to_vec());
        self.send(selector_bytes!("redeem"), args)
    }

    /// Redeems or approves for `holder`, sent by the holder of the `Forwarder` role.
    pub fn act_for(self, holder: impl Into<AccountId>, act: TokenAct) -> Outcome<TokenResult> {
        self.send(selector_bytes!("act_for"), (holder.into(), act))
    }
}

/// Every token message the harness calls, by metadata label, for checking that the typed
/// calls above match the bundle.
pub const MESSAGES: &[&str] = &[
    "PSP22::total_supply",
    "PSP22::balance_of",
    "PSP22::allowance",
    "PSP22::transfer",
    "PSP22::transfer_from",
    "PSP22::approve",
    "PSP22::increase_allowance",
    "PSP22::decrease_allowance",
    "PSP22Metadata::token_name",
    "PSP22Metadata::token_symbol",
    "PSP22Metadata::token_decimals",
    "CivicToken::mint_to",
    "CivicToken::mint_many",
    "CivicToken::transfer_many",
    "CivicToken::burn_from",
    "CivicToken::votes_at",
    "CivicToken::total_supply_at",
    "CivicToken::has_role",
    "cap",
    "paused",
    "CivicToken::transfer_policy",
    "grant_role",
    "revoke_role",
    "renounce_role",
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
    "pause",
    "unpause",
    "set_transfer_policy",
    "track_votes",
    "tracks_votes",
    "redeem",
    "act_for",
    "Upgradable::upgrade",
    "Upgradable::migrate",
];
