//! Calls whose message is only known at run time (a governance proposal's, a test
//! double's): arguments passed on as encoded, answers kept as bytes.

use ink::{prelude::vec::Vec, scale};

/// A call's arguments, already SCALE-encoded, passed on as they are.
pub struct RawInput<'a>(pub &'a [u8]);

impl scale::Encode for RawInput<'_> {
    fn size_hint(&self) -> usize {
        self.0.len()
    }

    fn encode_to<O: scale::Output + ?Sized>(&self, dest: &mut O) {
        dest.write(self.0);
    }
}

/// A callee's answer, kept as bytes: the caller cannot know every message's type.
pub struct RawOutput(pub Vec<u8>);

impl RawOutput {
    /// Whether the answer is not an ink! `Err`: ink! encodes `Result::Err` with a leading
    /// 1, and `()` answers nothing.
    pub fn is_not_err(&self) -> bool {
        self.0.first() != Some(&1)
    }
}

impl scale::Decode for RawOutput {
    fn decode<I: scale::Input>(input: &mut I) -> Result<Self, scale::Error> {
        let mut output = ink::prelude::vec![0; input.remaining_len()?.unwrap_or_default()];
        input.read(&mut output)?;
        Ok(Self(output))
    }
}
