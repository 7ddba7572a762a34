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
    /// The weight the call consumed.
    pub weight: Weight,
    /// Whether the contract reverted its state changes (messages returning `Err` do).
    pub reverted: bool,
    /// The events the call emitted, in order (none when it reverted).
    pub events: Vec<ContractEvent>,
}

impl<T> Outcome<T> {
    /// The events of type `E`, decoded.
    pub fn events_of<E: ink::env::Event + Decode>(&self) -> Vec<E> {
        self.events
            .iter()
            .filter_map(ContractEvent::decode)
            .collect()
    }
}

impl<T: Debug, E: Debug> Outcome<Result<T, E>> {
    /// The success value; panics with the error if the message refused.
    #[track_caller]
    pub fn ok(self) -> T {
        match self.value {
            Ok(value) => value,
            Err(error) => panic!("expected success, the contract answered {error:?}"),
        }
    }

    /// The error; panics if the message succeeded.
    #[track_caller]
    pub fn err(self) -> E {
        match self.value {
            Ok(value) => panic!("expected a refusal, the contract answered Ok({value:?})"),
            Err(error) => error,
        }
    }
}
