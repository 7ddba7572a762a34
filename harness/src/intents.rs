//! Citizen cards and the intents contract: a card ([`Card`]) is a secp256k1 key that
//! signs [`IntentPayload`]s as the README lays them out, and `city.intents(RELAYER)`
//! submits them.
//!
//! The intents contract is not one of the suite's contracts (`bundles::ADD_ONS`): a city
//! deploys it beside them ([`City::deploy_intents`]) and governance grants it the
//! token's `Forwarder` role.

use anyhow::Result;
use city_traits::{
    card_account, CardKey, CardSignature, Hash32, Intent, IntentError, IntentPayload, Role,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};
use sp_core::{ecdsa, Pair};

use crate::{
    call::{input, Outcome},
    city::{contract_account, City, Deployed, ADMIN},
};

/// A citizen card: a secp256k1 key pair.
pub struct Card(ecdsa::Pair);

impl Card {
    /// The card made from `seed` (any bytes: a test's name for it).
    pub fn new(seed: &str) -> Self {
        let secret = sp_core::blake2_256(seed.as_bytes());
        Self(ecdsa::Pair::from_seed(&secret))
    }

    /// The card's public key, compressed, as the registry binds it.
    pub fn key(&self) -> CardKey {
        self.0.public().0
    }

    /// The account the card controls on the chain (`city_traits::card_account`).
    pub fn account(&self) -> AccountId {
        card_account(&self.key())
    }

    /// Signs `payload`: the BLAKE2-256 hash of its bytes (`IntentPayload::message`), as
    /// 65 bytes `r`, `s`, recovery id.
    pub fn sign(&self, payload: &IntentPayload) -> CardSignature {
        self.0.sign(&payload.message()).0
    }
}

/// The intents contract, called by one account (whoever relays).
pub struct IntentsCalls<'a> {
    city: &'a mut City,
    caller: AccountId,
}

type IntentResult = Result<(), IntentError>;

impl City {
    /// Deploys the intents contract for this city's registry, e-voting and token, with the
    /// sandbox's genesis hash as its domain, and grants it the token's `Forwarder` role
    /// as e-voting, whose seat it is after the handover. On a chain that grant is a
    /// proposal's call, voted and executed (`tests/e2e/intents.rs` plays it in full);
    /// here, as [`City::hand_over_to_governance`] does, the harness signs it as e-voting's
    /// account, which only a sandbox can do.
    ///
    /// # Errors
    /// If the bundle does not load, the constructor refuses, or the city was not handed
    /// over to governance (the grant is refused).
    pub fn deploy_intents(&mut self) -> Result<()> {
        let intents = self.deploy_forwarder()?;
        let forwarder = contract_account(&intents);
        let voting = contract_account(&self.voting);
        self.token(voting)
            .grant_role(Role::Forwarder, forwarder)
            .accepted()?;
        self.intents = Some(intents);
        Ok(())
    }

    /// Deploys an intents contract for this city's registry, e-voting and token, with the
    /// sandbox's genesis hash as its domain, and nothing more: no role, not the city's
    /// [`City::intents_contract`].
    ///
    /// # Errors
    /// If the bundle does not load or the constructor refuses.
    pub fn deploy_forwarder(&mut self) -> Result<Deployed> {
        let args = (
            contract_account(&self.registry),
            contract_account(&self.voting),
            contract_account(&self.token),
            self.genesis_hash(),
        );
        self.deploy("intents", input(selector_bytes!("new"), args))
    }

    /// The intents contract [`City::deploy_intents`] deployed.
    ///
    /// # Panics
    /// If it was not deployed.
    pub fn intents_contract(&self) -> &Deployed {
        self.intents
            .as_ref()
            .expect("City::deploy_intents deploys the intents contract first")
    }

    /// Calls the intents contract as `caller`.
    pub fn intents(&mut self, caller: impl Into<AccountId>) -> IntentsCalls<'_> {
        IntentsCalls {
            city: self,
            caller: caller.into(),
        }
    }

    /// `signer`'s next intent: its nonce now, the city's domain and forwarder, and a
    /// deadline `blocks` blocks from now.
    pub fn payload(
        &mut self,
        signer: impl Into<AccountId>,
        intent: Intent,
        blocks: u32,
    ) -> IntentPayload {
        let signer = signer.into();
        // Read as the admin: the signer never sends a transaction of its own.
        let nonce = self.intents(ADMIN).nonce(signer).value;
        let domain = self.intents(ADMIN).domain().value;
        IntentPayload {
            domain,
            forwarder: contract_account(self.intents_contract()),
            signer,
            nonce,
            deadline: self.block() + blocks,
            intent,
        }
    }
}

impl IntentsCalls<'_> {
    fn send<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V> {
        let intents = self.city.intents_contract().address.clone();
        self.city.send(&intents, self.caller, selector, args)
    }

    pub fn domain(self) -> Outcome<Hash32> {
        self.send(selector_bytes!("domain"), ())
    }

    pub fn nonce(self, signer: impl Into<AccountId>) -> Outcome<u64> {
        self.send(selector_bytes!("nonce"), signer.into())
    }

    pub fn submit(
        self,
        payload: &IntentPayload,
        signature: CardSignature,
    ) -> Outcome<IntentResult> {
        self.send(selector_bytes!("submit"), (payload, signature))
    }
}

/// Every intents message the harness calls, by metadata label, for checking that the
/// typed calls above match the bundle.
pub const MESSAGES: &[&str] = &["domain", "nonce", "submit"];
