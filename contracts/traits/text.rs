//! Text a contract keeps and answers without reading it: the token's name and symbol.

use ink::prelude::vec::Vec;

/// UTF-8 text, kept and answered as the bytes it came in. Its metadata's type is
/// `String`'s (the primitive `str`) and so is its encoding, so wallets and cargo-contract
/// write and read it as a `String`; but a contract never decodes it as one, and so
/// carries no UTF-8 validation (its code and its 256-byte table, paid for in every call's
/// code size). Whoever writes it (the deployer, for the token's name) writes UTF-8, as
/// every client does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode)]
pub struct Text(pub Vec<u8>);

#[cfg(feature = "std")]
impl ink::scale_info::TypeInfo for Text {
    type Identity = std::string::String;

    fn type_info() -> ink::scale_info::Type {
        <std::string::String as ink::scale_info::TypeInfo>::type_info()
    }
}

#[cfg(feature = "std")]
impl ink::storage::traits::StorageLayout for Text {
    fn layout(key: &ink::primitives::Key) -> ink::metadata::layout::Layout {
        <std::string::String as ink::storage::traits::StorageLayout>::layout(key)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }
}

/// PSP22's metadata messages, with the selectors and labels of the `psp22` crate's
/// `PSP22Metadata` (`PSP22Metadata::token_name`, ...), answering [`Text`] where it
/// answers `String`: the same bytes, without the UTF-8 check.
#[ink::trait_definition]
pub trait PSP22Metadata {
    /// The token's name, if it has one.
    #[ink(message)]
    fn token_name(&self) -> Option<Text>;

    /// The token's ticker symbol, if it has one.
    #[ink(message)]
    fn token_symbol(&self) -> Option<Text>;

    /// How many decimals a display divides amounts by.
    #[ink(message)]
    fn token_decimals(&self) -> u8;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ink::scale::{Decode, Encode};

    #[test]
    fn text_is_a_string_on_the_wire_and_in_the_metadata() {
        let name = String::from("City Coin ✓");
        let text = Text::from(name.as_str());
        assert_eq!(text.encode(), name.encode());
        assert_eq!(String::decode(&mut &text.encode()[..]).unwrap(), name);
        assert_eq!(Text::decode(&mut &name.encode()[..]).unwrap(), text);
        use ink::scale_info::TypeInfo;
        assert_eq!(Text::type_info(), String::type_info());
    }
}
