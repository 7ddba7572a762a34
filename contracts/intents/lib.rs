//! # Intents
//!
//! The city's forwarder, in the manner of OpenZeppelin's ERC-2771 forwarder: a citizen's
//! card signs an intent (a ballot, a redemption, an approval), anyone (the city's relayer)
//! submits it, and this contract checks it and has e-voting or the city token act for the
//! citizen exactly as if the citizen had called. The citizen needs no native currency;
//! whoever submits pays the fee.
//!
//! `submit(payload, signature)` checks, in this order, and refuses with a typed
//! [`IntentError`] leaving everything as it was:
//! 1. the payload names this contract (`WrongForwarder`) and this chain's domain
//!    (`WrongDomain`), the genesis hash the deployer gave the constructor;
//! 2. its deadline block has not passed (`Expired`);
//! 3. its nonce is the signer's next one (`BadNonce`): each intent runs once, in order;
//! 4. the signature recovers a key (`BadSignature`), and the registry's `card_holder` of
//!    that key is the signer (`NotTheCard`): a rotated, revoked or lapsed card, another
//!    citizen's card, or a payload changed after signing recovers nobody's card;
//! 5. e-voting's `vote_for` or the token's `act_for` accepts it (`Voting(..)`,
//!    `Token(..)`), as it would have accepted the citizen's own call.
//!
//! Then the nonce moves on. An intent refused at any step leaves the nonce where it was,
//! so a ballot sent before its poll opens can be sent again; to withdraw a signed intent,
//! the citizen signs another one with the same nonce, or lets the deadline pass.
//!
//! The payload's bytes are [`city_traits::IntentPayload`]'s, documented there and in the
//! README ("Card-signed intents in brief"). The registry binds a card only to the account
//! the card controls, unless governance moves an account to a new card, so no registrar
//! makes a card act for anyone else. E-voting and the token take intents only from the
//! holder of the token's `Forwarder` role, which the token grants only from an admin
//! seat held by a contract (governance, after the handover: a proposal the electorate
//! passed) and only to a contract: this one. It holds no coins and no seat, and it has no admin: nothing
//! about it can be changed, so there is nobody to take it over. A city that needs another
//! forwarder deploys one and moves the role: intents name the forwarder they are for,
//! so none signed for the old one runs on the new one.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

#[cfg(test)]
mod tests;

// ink! decodes each message's arguments into one enum: `submit`'s payload makes its
// variant much the largest, which is the message's whole point.
#[allow(clippy::large_enum_variant)]
#[ink::contract]
mod intents {
    use city_traits::{
        remote, BallotAct, CardSignature, Hash32, Intent, IntentError, IntentPayload, PollId,
        TokenAct, TokenError, VotingError,
    };
    use ink::{
        env::{
            hash::{Blake2x256, HashOutput},
            CallFlags,
        },
        scale::{Decode, Encode},
        storage::Mapping,
    };

    #[ink(storage)]
    pub struct Intents {
        registry: AccountId,
        voting: AccountId,
        token: AccountId,
        domain: Hash32,
        nonces: Mapping<AccountId, u64>,
    }

    /// An intent ran: `signer`'s intent number `nonce`, sent by `relayer`.
    #[ink(event)]
    #[cfg_attr(test, derive(Debug, PartialEq))]
    pub struct IntentExecuted {
        #[ink(topic)]
        pub signer: AccountId,
        pub nonce: u64,
        pub relayer: AccountId,
    }

    type Result<T> = core::result::Result<T, IntentError>;

    impl Intents {
        /// Creates the forwarder of the city whose registry, e-voting and token these are,
        /// on the chain `domain` names (its genesis hash).
        #[ink(constructor)]
        pub fn new(
            registry: AccountId,
            voting: AccountId,
            token: AccountId,
            domain: Hash32,
        ) -> Self {
            Self {
                registry,
                voting,
                token,
                domain,
                nonces: Mapping::new(),
            }
        }

        /// The chain's domain every payload must name.
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn domain(&self) -> Hash32 {
            self.domain
        }

        /// The nonce `signer`'s next intent must carry (0 before its first).
        ///
        /// # Errors
        /// None: a query.
        ///
        /// # Events
        /// None.
        #[ink(message)]
        pub fn nonce(&self, signer: AccountId) -> u64 {
            self.nonces.get(signer).unwrap_or(0)
        }

        /// Carries out the intent `payload` describes, signed by the signer's card with
        /// `signature`, as if the signer had called. Anyone may submit it.
        ///
        /// # Errors
        /// `WrongForwarder`, `WrongDomain`, `Expired`, `BadNonce`, `BadSignature`,
        /// `NotTheCard`; `Voting(..)` or `Token(..)` with the error e-voting or the token
        /// gave (`Voting(NotForwarder)`, `Token(MissingRole(Forwarder))` if this contract
        /// does not hold the token's `Forwarder` role); `NoAnswer` if either trapped.
        /// Nothing changes.
        ///
        /// # Events
        /// The events of the ballot or the payment, then `IntentExecuted`.
        #[ink(message)]
        pub fn submit(&mut self, payload: IntentPayload, signature: CardSignature) -> Result<()> {
            let signer = self.check(&payload, &signature)?;
            let nonce = payload.nonce;
            self.nonces.insert(signer, &nonce.saturating_add(1));
            match payload.intent {
                Intent::Ballot { poll, act } => self.vote(signer, poll, act)?,
                Intent::Token(act) => self.pay(signer, act)?,
            }
            city_traits::emit(&IntentExecuted {
                signer,
                nonce,
                relayer: self.env().caller(),
            });
            Ok(())
        }

        /// Checks everything but what the acting contract checks: returns the signer.
        fn check(&self, payload: &IntentPayload, signature: &CardSignature) -> Result<AccountId> {
            if payload.forwarder != self.env().account_id() {
                return Err(IntentError::WrongForwarder);
            }
            if payload.domain != self.domain {
                return Err(IntentError::WrongDomain);
            }
            if self.env().block_number() > payload.deadline {
                return Err(IntentError::Expired);
            }
            let signer = payload.signer;
            if payload.nonce != self.nonce(signer) {
                return Err(IntentError::BadNonce);
            }
            let mut digest = <Blake2x256 as HashOutput>::Type::default();
            ink::env::hash_bytes::<Blake2x256>(&payload.message(), &mut digest);
            let mut key = [0; 33];
            ink::env::ecdsa_recover(signature, &digest, &mut key)
                .map_err(|_| IntentError::BadSignature)?;
            if self.card_holder(key) != Some(signer) {
                return Err(IntentError::NotTheCard);
            }
            Ok(signer)
        }

        #[cfg(not(test))]
        fn card_holder(&self, key: city_traits::CardKey) -> Option<AccountId> {
            remote::IdentityRegistry::from(self.registry).card_holder(key)
        }

        /// The unit tests have no registry: every key is nobody's card.
        #[cfg(test)]
        fn card_holder(&self, _key: city_traits::CardKey) -> Option<AccountId> {
            let _ = self.registry;
            None
        }

        fn vote(&self, voter: AccountId, poll: PollId, act: BallotAct) -> Result<()> {
            let answer: core::result::Result<(), VotingError> = Self::ask(
                &self.voting,
                ink::selector_bytes!("vote_for"),
                (voter, poll, act),
            )?;
            answer.map_err(IntentError::Voting)
        }

        fn pay(&self, holder: AccountId, act: TokenAct) -> Result<()> {
            let answer: core::result::Result<(), TokenError> =
                Self::ask(&self.token, ink::selector_bytes!("act_for"), (holder, act))?;
            answer.map_err(IntentError::Token)
        }

        /// Calls `selector` of `callee` with `args` (no re-entry) and decodes its answer.
        fn ask<R: Decode>(callee: &AccountId, selector: [u8; 4], args: impl Encode) -> Result<R> {
            remote::try_call(callee, CallFlags::empty(), 0, selector, &args.encode())
                .and_then(|output| R::decode(&mut &output[..]).ok())
                .ok_or(IntentError::NoAnswer)
        }
    }
}
