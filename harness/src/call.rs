//! What a contract call gives back: its decoded value, the weight it used and the events
//! it emitted.

use std::fmt::Debug;

use drink::Weight;
use scale::{Decode, Encode};

/// The SCALE input of a message or constructor: its selector, then its arguments.
pub fn input(selector: [u8; 4], args: impl Encode) -> Vec<u8> {
    let mut data = selector.to_vec();
    args.encode_to(&mut data);
    data
}

/// An event a contract emitted, as the contracts pallet reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractEvent {
    /// The event's topics; ink! puts the event's signature first.
    pub topics: Vec<[u8; 32]>,
    /// The SCALE-encoded event.
    pub data: Vec<u8>,
}

impl ContractEvent {
    /// Decodes the event as `E` if its signature topic is `E`'s.
    pub fn decode<E: ink::env::Event + Decode>(&self) -> Option<E> {
        let signature = E::SIGNATURE_TOPIC?;
        if self.topics.first() != Some(&signature) {
            return None;
        }
        E::decode(&mut &self.data[..]).ok()
    }
}

/// The result of one call into a contract.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    /// The message's decoded return value.
    pub value: T,
    /// What was called: `<contract>.<message>` (`citizen-registry.grant_role`).
    pub call: String,
    /// The weight the call consumed.
    pub weight: Weight,
    /// Whether the contract reverted its state changes (messages returning `Err` do).
    pub reverted: bool,
    /// The events the call emitted, in order (none when it reverted).
    pub events: Vec<ContractEvent>,
}

impl<T> Outcome<T> {
    /// The same call with its value mapped: one field of an answer, say.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            value: f(self.value),
            call: self.call,
            weight: self.weight,
            reverted: self.reverted,
            events: self.events,
        }
    }

    /// The events of type `E`, decoded.
    pub fn events_of<E: ink::env::Event + Decode>(&self) -> Vec<E> {
        self.events
            .iter()
            .filter_map(ContractEvent::decode)
            .collect()
    }
}

impl<T: Debug, E: Debug> Outcome<Result<T, E>> {
    /// The success value, or an error naming the call and the refusal: for a setup step
    /// that must hold (a story, a simulated city), so that its failure says which step.
    ///
    /// # Errors
    /// If the message refused.
    pub fn accepted(self) -> anyhow::Result<T> {
        self.value
            .map_err(|error| anyhow::anyhow!("{} was refused: {error:?}", self.call))
    }

    /// The success value, for a test that expects one; panics naming the call and the
    /// refusal otherwise.
    #[track_caller]
    pub fn expect_accepted(self) -> T {
        match self.value {
            Ok(value) => value,
            Err(error) => panic!("expected {} to succeed, it answered {error:?}", self.call),
        }
    }

    /// The refusal, for a test that expects one; panics if the message succeeded.
    #[track_caller]
    pub fn expect_refused(self) -> E {
        match self.value {
            Ok(value) => panic!(
                "expected {} to be refused, it answered Ok({value:?})",
                self.call
            ),
            Err(error) => error,
        }
    }
}
