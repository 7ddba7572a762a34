//! Events emitted through one path: [`emit`] works out an ink! event's topics and data on
//! the stack and hands them to one function that deposits them.
//!
//! `self.env().emit_event(event)` sets up ink!'s static buffer, its topics builder and the
//! bounds checks around every field inline at each call site, and instantiates the
//! builder's `push_topic` once per type of topic field: about a hundred bytes of Wasm per
//! event, and as many per topic type, which every call of the contract pays to load. Here
//! what is left per event is its derived `topics` and `Encode` (a call per field) and one
//! call. The topics are the ones ink! computes (a topic field's encoding padded to 32
//! bytes, or its BLAKE2-256 hash when longer), so what lands on chain, and what a client
//! or a unit test decodes, is the same; the unit tests below check it against ink!'s own
//! `emit_event`.
//!
//! On chain the event goes straight to the `deposit_event` host function, as ink! sends it;
//! off chain (the contracts' unit tests) through ink!'s `emit_event`, which records it.

use ink::{
    env::{
        event::{TopicsBuilder, TopicsBuilderBackend},
        hash::{Blake2x256, CryptoHash},
        DefaultEnvironment, Environment, Event,
    },
    scale::{Encode, Output},
};

/// The most topics an event of the suite has: its signature and three fields.
const MAX_TOPICS: usize = 4;
/// The most bytes an event of the suite encodes to (the largest, e-voting's `PollOpened`
/// and the escrow's `ProjectCreated`, take about a hundred).
const MAX_DATA: usize = 256;

/// Emits `event` as `self.env().emit_event(event)` does: the same topics, the same data.
///
/// # Panics
/// Traps for an event of more than four topics (its signature and three fields) or more
/// than 256 bytes of data: the suite has none.
pub fn emit<E: Event>(event: &E) {
    let mut outgoing = Outgoing {
        topics: [0; TOPICS_BYTES],
        count: 0,
        data: [0; MAX_DATA],
        len: 0,
    };
    event.topics::<DefaultEnvironment, _>(TopicsBuilder::from(&mut outgoing));
    event.encode_to(&mut outgoing);
    outgoing.deposit();
}

/// The topics as the host takes them: a SCALE `Vec` of 32-byte hashes, its length (at
/// most four) one byte of compact encoding.
const TOPICS_BYTES: usize = 1 + 32 * MAX_TOPICS;

/// An event on its way out: its topics, laid out as the host takes them, and its encoded
/// data.
struct Outgoing {
    topics: [u8; TOPICS_BYTES],
    count: u8,
    data: [u8; MAX_DATA],
    len: usize,
}

impl Outgoing {
    /// Adds the topic of a field encoded as `encoded`: padded with zeros to 32 bytes, or
    /// hashed with BLAKE2-256 when longer.
    #[inline(never)]
    fn push_encoded(&mut self, encoded: &[u8]) {
        let start = usize::from(self.count).saturating_mul(32).saturating_add(1);
        let Some(topic) = self.topics.get_mut(start..start.saturating_add(32)) else {
            panic!("an event with more than four topics");
        };
        match topic.get_mut(..encoded.len()) {
            Some(head) => head.copy_from_slice(encoded),
            None => {
                let mut hash = [0; 32];
                Blake2x256::hash(encoded, &mut hash);
                topic.copy_from_slice(&hash);
            }
        }
        self.count = self.count.saturating_add(1);
        // The compact encoding of a count below 64.
        self.topics[0] = self.count.saturating_mul(4);
    }

    /// Deposits the event.
    #[inline(never)]
    fn deposit(&self) {
        let topics_end = usize::from(self.count).saturating_mul(32).saturating_add(1);
        let topics = self.topics.get(..topics_end).unwrap_or_default();
        let data = self.data.get(..self.len).unwrap_or_default();
        #[cfg(not(feature = "std"))]
        {
            use pallet_contracts_uapi::{HostFn, HostFnImpl};
            HostFnImpl::deposit_event(topics, data);
        }
        #[cfg(feature = "std")]
        off_chain::deposit(topics, data);
    }
}

impl<E: Environment> TopicsBuilderBackend<E> for &mut Outgoing {
    type Output = ();

    fn expect(&mut self, _expected_topics: usize) {}

    fn push_topic<T: Encode>(&mut self, value: &T) {
        value.using_encoded(|encoded| self.push_encoded(encoded));
    }

    fn output(self) -> Self::Output {}
}

impl Output for Outgoing {
    #[inline(never)]
    fn write(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        let Some(slot) = self.data.get_mut(self.len..end) else {
            panic!("an event of more than 256 bytes");
        };
        slot.copy_from_slice(bytes);
        self.len = end;
    }
}

/// The off-chain environment of the unit tests records events emitted through ink!.
#[cfg(feature = "std")]
mod off_chain {
    use ink::{
        env::{
            event::{state, TopicsBuilder, TopicsBuilderBackend},
            DefaultEnvironment, Environment, Event,
        },
        scale::{Encode, Output},
    };

    /// A topic: 32 bytes.
    type Topic = [u8; 32];

    /// Emits an event of `topics` (as the host takes them: a length byte, then the topics)
    /// and `data` through ink!'s `emit_event`.
    pub fn deposit(encoded_topics: &[u8], data: &[u8]) {
        let topics: ink::prelude::vec::Vec<Topic> = encoded_topics
            .get(1..)
            .unwrap_or_default()
            .chunks(32)
            .map(|topic| topic.try_into().unwrap_or([0; 32]))
            .collect();
        match &topics[..] {
            [a] => ink::env::emit_event::<DefaultEnvironment, _>(Raw1([a], data)),
            [a, b] => ink::env::emit_event::<DefaultEnvironment, _>(Raw2([a, b], data)),
            [a, b, c] => ink::env::emit_event::<DefaultEnvironment, _>(Raw3([a, b, c], data)),
            [a, b, c, d] => ink::env::emit_event::<DefaultEnvironment, _>(Raw4([a, b, c, d], data)),
            _ => panic!("an event with no topic or more than four"),
        }
    }

    /// An event already worked out: its topics (one per index given) and its data.
    macro_rules! raw_event {
        ($name:ident, $count:literal, [$($index:literal),+]) => {
            struct $name<'a>([&'a Topic; $count], &'a [u8]);

            impl Encode for $name<'_> {
                fn size_hint(&self) -> usize {
                    self.1.len()
                }

                fn encode_to<O: Output + ?Sized>(&self, dest: &mut O) {
                    dest.write(self.1);
                }
            }

            impl Event for $name<'_> {
                type RemainingTopics = [state::HasRemainingTopics; $count];

                // Not used: the signature is the first of the topics given.
                const SIGNATURE_TOPIC: Option<Topic> = None;

                fn topics<E, B>(
                    &self,
                    builder: TopicsBuilder<state::Uninit, E, B>,
                ) -> <B as TopicsBuilderBackend<E>>::Output
                where
                    E: Environment,
                    B: TopicsBuilderBackend<E>,
                {
                    builder
                        .build::<Self>()
                        $(.push_topic(Some(self.0[$index])))+
                        .finish()
                }
            }
        };
    }

    raw_event!(Raw1, 1, [0]);
    raw_event!(Raw2, 2, [0, 1]);
    raw_event!(Raw3, 3, [0, 1, 2]);
    raw_event!(Raw4, 4, [0, 1, 2, 3]);
}

#[cfg(test)]
mod tests {
    use ink::{
        prelude::{string::String, vec::Vec},
        primitives::AccountId,
    };

    use super::*;

    /// An event with short topics, padded, and a long one, which ink! hashes.
    #[ink::event]
    #[derive(Clone)]
    struct Sample {
        #[ink(topic)]
        poll: u32,
        #[ink(topic)]
        account: AccountId,
        #[ink(topic)]
        text: String,
        amount: u128,
    }

    /// An event whose only topic is its signature.
    #[ink::event]
    #[derive(Clone)]
    struct Plain {
        amount: u128,
    }

    #[test]
    fn an_event_emitted_here_is_the_one_ink_emits() {
        let sample = Sample {
            poll: 7,
            account: AccountId::from([7; 32]),
            text: "a topic longer than thirty-two bytes, hashed".into(),
            amount: 5,
        };
        ink::env::emit_event::<DefaultEnvironment, _>(sample.clone());
        emit(&sample);
        ink::env::emit_event::<DefaultEnvironment, _>(Plain { amount: 9 });
        emit(&Plain { amount: 9 });
        let recorded: Vec<_> = ink::env::test::recorded_events().collect();
        let [inks, ours, inks_plain, ours_plain] = &recorded[..] else {
            panic!("four events, not {}", recorded.len());
        };
        assert_eq!(ours.topics.len(), 4);
        assert_eq!(ours.topics, inks.topics);
        assert_eq!(ours.data, inks.data);
        assert_eq!(ours_plain.topics.len(), 1);
        assert_eq!(ours_plain.topics, inks_plain.topics);
        assert_eq!(ours_plain.data, inks_plain.data);
    }
}
