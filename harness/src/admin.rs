//! Typed calls to the admin seat that the token, the registry, the reward rules and the
//! escrow share (`city_traits::Admin`): the holder offers it, the account offered accepts
//! it.
//!
//! ```text
//! city.token(ADMIN).offer_admin(BOB);   // the seat stays with ADMIN
//! city.token(BOB).accept_admin();       // now BOB holds it
//! ```

use city_traits::AdminError;
use ink::{primitives::AccountId, selector_bytes};
use scale::{Decode, Encode};

use crate::call::Outcome;

/// The seat's messages, by metadata label: in each administered contract's `MESSAGES`.
pub const MESSAGES: [&str; 4] = [
    "Admin::admin",
    "Admin::offered_admin",
    "Admin::offer_admin",
    "Admin::accept_admin",
];

/// The admin seat's messages on a contract's typed calls (`city.token(ADMIN)`,
/// `city.registry(..)`, `city.rewards(..)`, `city.escrow(..)`).
pub trait AdminCalls: Sized {
    /// Sends one message of the seat to the contract these calls are for.
    fn send_to_seat<V: Decode>(self, selector: [u8; 4], args: impl Encode) -> Outcome<V>;

    /// The account holding the seat.
    fn admin(self) -> Outcome<AccountId> {
        self.send_to_seat(selector_bytes!("Admin::admin"), ())
    }

    /// The account the seat is offered to, if any.
    fn offered_admin(self) -> Outcome<Option<AccountId>> {
        self.send_to_seat(selector_bytes!("Admin::offered_admin"), ())
    }

    /// The holder offers the seat to `to` (to itself: withdraws the offer).
    fn offer_admin(self, to: impl Into<AccountId>) -> Outcome<Result<(), AdminError>> {
        self.send_to_seat(selector_bytes!("Admin::offer_admin"), to.into())
    }

    /// The account offered takes the seat.
    fn accept_admin(self) -> Outcome<Result<(), AdminError>> {
        self.send_to_seat(selector_bytes!("Admin::accept_admin"), ())
    }
}
