//! Card-signed intents: what a citizen's card signs so that the city's intents contract
//! acts for the citizen, who then needs no native currency to vote or to spend.
//!
//! The card signs the BLAKE2-256 hash of [`INTENT_TAG`] followed by the SCALE encoding
//! of an [`IntentPayload`] (every field in order, little-endian integers, enums as their
//! variant index then their fields, a `Vec<u8>` as its compact length then its bytes;
//! the README lists the bytes). The signature is secp256k1's recoverable 65 bytes:
//! `r`, `s`, then the recovery id (0 or 1; 27 or 28 are accepted too). The contract
//! recovers the card's compressed key from it, so a payload changed by one bit recovers
//! another key, which belongs to nobody.
//!
//! A card signs for the account the registry binds its key to, and a registrar binds a
//! key only to the account the key itself controls on the chain ([`crate::card_account`]):
//! no registrar can point a card at anyone else's coins or vote. Only the registry's admin
//! seat (governance, after the handover) moves an account to a new card.

use ink::{prelude::vec::Vec, primitives::AccountId};

use crate::{Balance, BlockNumber, Hash32, PollId, TokenError, VotingError};

/// Signed intents start with these bytes, so that no other message a card signs can be
/// taken for an intent.
pub const INTENT_TAG: &[u8; 16] = b"ink-city/intent1";

/// A recoverable secp256k1 signature: `r` (32 bytes), `s` (32 bytes), the recovery id.
pub type CardSignature = [u8; 65];

/// What a signed ballot asks e-voting to do in one poll, exactly as the citizen's own
/// `cast_vote`, `commit_vote` or `reveal_vote` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
// With clippy 1.91 the derived codec of a data-carrying enum trips this lint.
#[allow(clippy::cast_possible_truncation)]
pub enum BallotAct {
    /// A public vote for `choice` (an option, or `ABSTAIN`).
    Cast { choice: u8 },
    /// A secret ballot's commitment (`commitment(poll, citizen, choice, salt)`).
    Commit { commitment: Hash32 },
    /// The reveal of a committed secret ballot.
    Reveal { choice: u8, salt: Hash32 },
}

/// What a signed payment asks the city token to do, exactly as the citizen's own call
/// would.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)]
pub enum TokenAct {
    /// `redeem(provider, amount, memo)`: spend at a city service or merchant.
    Redeem {
        provider: AccountId,
        amount: Balance,
        memo: Vec<u8>,
    },
    /// `approve(spender, value)`: a permit, ERC-2612's idea, for a citizen who cannot pay
    /// for the approval.
    Approve { spender: AccountId, value: Balance },
}

/// What the citizen asks the city to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)]
pub enum Intent {
    /// A ballot in poll `poll` of e-voting.
    Ballot { poll: PollId, act: BallotAct },
    /// A payment in the city token.
    Token(TokenAct),
}

/// Everything a card signs: where the intent may run, whose it is, which of its intents
/// it is, until when, and what it asks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct IntentPayload {
    /// The city chain's domain, as its intents contract holds it (`domain()`): its
    /// genesis hash, so that an intent for another chain is refused.
    pub domain: Hash32,
    /// The intents contract that may carry it out: another contract refuses it.
    pub forwarder: AccountId,
    /// The citizen: the account that holds the card, which is the account the card
    /// controls on the chain (`card_account(key)`), unless governance moved the account
    /// to a new card.
    pub signer: AccountId,
    /// The citizen's next nonce at that contract (`nonce(signer)`): each is used once, in
    /// order.
    pub nonce: u64,
    /// The last block in which it may run.
    pub deadline: BlockNumber,
    /// What it asks.
    pub intent: Intent,
}

impl IntentPayload {
    /// The bytes a card signs the hash of: [`INTENT_TAG`], then the payload's encoding.
    pub fn message(&self) -> Vec<u8> {
        let mut bytes = INTENT_TAG.to_vec();
        ink::scale::Encode::encode_to(self, &mut bytes);
        bytes
    }
}

/// Everything the intents contract can refuse. Whatever it refuses, nothing changes:
/// not the nonce, not the ballot, not a balance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[allow(clippy::cast_possible_truncation)]
pub enum IntentError {
    /// The payload names another chain's domain.
    WrongDomain,
    /// The payload names another intents contract.
    WrongForwarder,
    /// The payload's deadline block has passed.
    Expired,
    /// The nonce is not the signer's next one: a replay, or one skipped.
    BadNonce,
    /// The signature does not recover to a key (malformed `r`, `s` or recovery id).
    BadSignature,
    /// The key that signed is not the signer's card now: another card, a rotated or
    /// revoked card, a card past its expiry, or a payload changed after signing.
    NotTheCard,
    /// E-voting refused the ballot, as it would have refused the citizen.
    Voting(VotingError),
    /// The token refused the payment, as it would have refused the citizen.
    Token(TokenError),
    /// E-voting or the token did not answer: it trapped, or its answer did not decode.
    /// (Without the token's `Forwarder` role the intents contract gets `Voting(NotForwarder)`
    /// or `Token(MissingRole(Forwarder))`.)
    NoAnswer,
}
