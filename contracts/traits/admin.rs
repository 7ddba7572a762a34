//! The admin seat of the city token, the citizen registry, the reward rules and the project
//! escrow: one account holds it, and it moves in two steps, like OpenZeppelin's
//! `Ownable2Step`.
//!
//! 1. The holder **offers** the seat to an account (`offer_admin(to)`). The seat does not
//!    move: the holder keeps every power, and a second offer replaces the first. An offer
//!    to the holder itself withdraws the pending offer. The zero account is refused.
//! 2. The offered account **accepts** it (`accept_admin()`): the seat moves, the offer is
//!    cleared, and the old holder keeps no power. Nobody else can accept.
//!
//! A typo in the first step thus hands the seat to nobody: the account named never
//! accepts, and the holder offers again. A contract accepts by calling `accept_admin`
//! itself; e-voting does so through an executed proposal whose call is `accept_admin` on
//! the contract whose seat was offered to it.
//!
//! [`AdminSeat`] is the storage component with the rules, in plain Rust; each contract
//! implements the [`Admin`] messages by delegating to it and emitting the event it returns.
//!
//! # Selectors
//! The messages are those of an `#[ink::trait_definition]`, so callers use these inputs of
//! `ink::selector_bytes!` (the same on every contract):
//!
//! | message           | selector input           | selector     |
//! |-------------------|--------------------------|--------------|
//! | `admin`           | `"Admin::admin"`         | `0xc6b8a12a` |
//! | `offered_admin`   | `"Admin::offered_admin"` | `0x8394d297` |
//! | `offer_admin(to)` | `"Admin::offer_admin"`   | `0xd4fb74cb` |
//! | `accept_admin()`  | `"Admin::accept_admin"`  | `0x3fe188b3` |

use ink::primitives::AccountId;

/// Everything the admin messages can refuse. A refused call changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub enum AdminError {
    /// The caller does not hold the admin seat.
    NotAdmin,
    /// The seat cannot be offered to the zero account.
    ZeroAdmin,
    /// The caller is not the account the seat is offered to, or no offer is pending.
    NotOffered,
}

/// The holder offered the seat to `to`; `to == admin` withdraws any pending offer.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminOffered {
    /// The holder, who keeps the seat until `to` accepts.
    #[ink(topic)]
    pub admin: AccountId,
    #[ink(topic)]
    pub to: AccountId,
}

/// The admin seat moved from `previous` to `new`, which accepted it.
#[ink::event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminTransferred {
    #[ink(topic)]
    pub previous: AccountId,
    #[ink(topic)]
    pub new: AccountId,
}

/// The admin seat: who holds it, and to whom it is offered. Every method that fails
/// leaves it as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AdminSeat {
    holder: AccountId,
    offered: Option<AccountId>,
}

impl AdminSeat {
    /// A seat held by `holder` (a contract's deployer), offered to nobody.
    pub fn new(holder: AccountId) -> Self {
        Self {
            holder,
            offered: None,
        }
    }

    /// The account holding the seat.
    pub fn holder(&self) -> AccountId {
        self.holder
    }

    /// The account the seat is offered to, if an offer is pending.
    pub fn offered(&self) -> Option<AccountId> {
        self.offered
    }

    /// Returns `caller` if it holds the seat.
    ///
    /// # Errors
    /// `NotAdmin` otherwise.
    pub fn ensure(&self, caller: AccountId) -> Result<AccountId, AdminError> {
        if caller != self.holder {
            return Err(AdminError::NotAdmin);
        }
        Ok(caller)
    }

    /// The holder `caller` offers the seat to `to`, replacing any pending offer; an offer
    /// to the holder itself withdraws the pending offer. The seat does not move.
    ///
    /// # Errors
    /// `NotAdmin` if `caller` is not the holder, `ZeroAdmin` if `to` is the zero account.
    pub fn offer(&mut self, caller: AccountId, to: AccountId) -> Result<AdminOffered, AdminError> {
        let admin = self.ensure(caller)?;
        if to == AccountId::from([0; 32]) {
            return Err(AdminError::ZeroAdmin);
        }
        self.offered = (to != admin).then_some(to);
        Ok(AdminOffered { admin, to })
    }

    /// The offered account `caller` takes the seat: the offer is cleared and the old
    /// holder keeps no power.
    ///
    /// # Errors
    /// `NotOffered` if no offer is pending or it is not to `caller`.
    pub fn accept(&mut self, caller: AccountId) -> Result<AdminTransferred, AdminError> {
        if self.offered != Some(caller) {
            return Err(AdminError::NotOffered);
        }
        let previous = core::mem::replace(&mut self.holder, caller);
        self.offered = None;
        Ok(AdminTransferred {
            previous,
            new: caller,
        })
    }
}

/// The admin seat's messages, the same on the city token, the citizen registry, the reward
/// rules and the project escrow (selectors `"Admin::<message>"`, see the module docs).
#[ink::trait_definition]
pub trait Admin {
    /// The account holding the admin seat.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn admin(&self) -> AccountId;

    /// The account the admin seat is offered to, if an offer is pending.
    ///
    /// # Errors
    /// None: a query.
    ///
    /// # Events
    /// None.
    #[ink(message)]
    fn offered_admin(&self) -> Option<AccountId>;

    /// Offers the admin seat to `to`, replacing any pending offer; `to` takes it with
    /// `accept_admin`. The seat does not move: the caller keeps it until then. Offering
    /// it to the holder itself withdraws the pending offer.
    ///
    /// # Errors
    /// `NotAdmin` if the caller does not hold the seat, `ZeroAdmin` for the zero account.
    ///
    /// # Events
    /// `AdminOffered { admin: caller, to }`.
    #[ink(message)]
    fn offer_admin(&mut self, to: AccountId) -> Result<(), AdminError>;

    /// The caller, to whom the seat is offered, takes it: the offer is cleared and the
    /// old holder keeps no power.
    ///
    /// # Errors
    /// `NotOffered` if no offer is pending or it is to another account.
    ///
    /// # Events
    /// `AdminTransferred { previous, new: caller }`.
    #[ink(message)]
    fn accept_admin(&mut self) -> Result<(), AdminError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOLDER: AccountId = AccountId([1; 32]);
    const TO: AccountId = AccountId([2; 32]);
    const OTHER: AccountId = AccountId([3; 32]);
    const ZERO: AccountId = AccountId([0; 32]);

    /// Asserts that `call` fails with `error` and leaves the seat as it was.
    fn assert_refused<T: core::fmt::Debug>(
        seat: &mut AdminSeat,
        error: AdminError,
        call: impl FnOnce(&mut AdminSeat) -> Result<T, AdminError>,
    ) {
        let before = seat.clone();
        assert_eq!(call(seat).unwrap_err(), error);
        assert_eq!(*seat, before, "a refused call changed the seat");
    }

    #[test]
    fn a_new_seat_is_held_by_its_holder_and_offered_to_nobody() {
        let seat = AdminSeat::new(HOLDER);
        assert_eq!((seat.holder(), seat.offered()), (HOLDER, None));
        assert_eq!(seat.ensure(HOLDER), Ok(HOLDER));
        assert_eq!(seat.ensure(OTHER), Err(AdminError::NotAdmin));
    }

    #[test]
    fn an_offer_does_not_move_the_seat() {
        let mut seat = AdminSeat::new(HOLDER);
        let offered = seat.offer(HOLDER, TO).unwrap();
        assert_eq!(
            offered,
            AdminOffered {
                admin: HOLDER,
                to: TO
            }
        );
        assert_eq!((seat.holder(), seat.offered()), (HOLDER, Some(TO)));
        assert_eq!(seat.ensure(HOLDER), Ok(HOLDER));
        assert_eq!(seat.ensure(TO), Err(AdminError::NotAdmin));
    }

    #[test]
    fn only_the_offered_account_accepts() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(OTHER));
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(HOLDER));
        let transferred = seat.accept(TO).unwrap();
        assert_eq!(
            transferred,
            AdminTransferred {
                previous: HOLDER,
                new: TO
            }
        );
        assert_eq!((seat.holder(), seat.offered()), (TO, None));
    }

    #[test]
    fn without_an_offer_nobody_accepts() {
        let mut seat = AdminSeat::new(HOLDER);
        for caller in [HOLDER, TO, ZERO] {
            assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(caller));
        }
    }

    #[test]
    fn a_non_holder_cannot_offer() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        assert_refused(&mut seat, AdminError::NotAdmin, |s| s.offer(OTHER, OTHER));
        assert_refused(&mut seat, AdminError::NotAdmin, |s| s.offer(TO, OTHER));
    }

    #[test]
    fn the_zero_account_is_refused() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        assert_refused(&mut seat, AdminError::ZeroAdmin, |s| s.offer(HOLDER, ZERO));
        // A stranger is told it is not the admin, whatever it names.
        assert_refused(&mut seat, AdminError::NotAdmin, |s| s.offer(OTHER, ZERO));
    }

    #[test]
    fn a_new_offer_replaces_the_old() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        seat.offer(HOLDER, OTHER).unwrap();
        assert_eq!(seat.offered(), Some(OTHER));
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(TO));
        seat.accept(OTHER).unwrap();
        assert_eq!(seat.holder(), OTHER);
    }

    #[test]
    fn an_offer_to_the_holder_withdraws_the_offer() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        let withdrawn = seat.offer(HOLDER, HOLDER).unwrap();
        assert_eq!(
            withdrawn,
            AdminOffered {
                admin: HOLDER,
                to: HOLDER
            }
        );
        assert_eq!((seat.holder(), seat.offered()), (HOLDER, None));
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(TO));
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(HOLDER));
    }

    #[test]
    fn the_old_admin_has_no_power_after_acceptance() {
        let mut seat = AdminSeat::new(HOLDER);
        seat.offer(HOLDER, TO).unwrap();
        seat.accept(TO).unwrap();
        assert_eq!(seat.ensure(HOLDER), Err(AdminError::NotAdmin));
        assert_refused(&mut seat, AdminError::NotAdmin, |s| s.offer(HOLDER, HOLDER));
        assert_refused(&mut seat, AdminError::NotOffered, |s| s.accept(HOLDER));
        // The new holder hands it on the same way.
        seat.offer(TO, HOLDER).unwrap();
        seat.accept(HOLDER).unwrap();
        assert_eq!(seat.holder(), HOLDER);
    }
}
