//! Off-chain unit tests: every message and every error variant. The real Wasm is tested in
//! the harness.

use crate::city_token::*;
use city_traits::{
    Admin as _, AdminError, AdminOffered, AdminTransferred, CivicToken as _, PSP22Error,
    PSP22Metadata, Role, TokenError, TransferPolicy, PSP22,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const CAP: u128 = 1_000_000;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

/// A token created by alice with `supply` tokens, in block 0.
fn token_with(supply: u128) -> CityToken {
    act_as(accounts().alice);
    CityToken::new(Some("Civic".into()), Some("CVC".into()), 2, CAP, supply)
        .expect("supply within the cap")
}

/// The events of type `T` recorded so far, decoded.
fn events<T: ink::env::Event + ink::scale::Decode>() -> Vec<T> {
    test::recorded_events()
        .filter(|event| {
            event.topics.first().map(|topic| topic.as_slice())
                == T::SIGNATURE_TOPIC.as_ref().map(|topic| topic.as_slice())
        })
        .map(|event| T::decode(&mut &event.data[..]).expect("event decodes"))
        .collect()
}

fn event_count() -> usize {
    test::recorded_events().count()
}

/// Asserts that `call` fails with `error` and changes neither state nor events.
fn assert_refused<T: std::fmt::Debug, Err: std::fmt::Debug + PartialEq>(
    token: &mut CityToken,
    error: Err,
    call: impl FnOnce(&mut CityToken) -> Result<T, Err>,
) {
    let snapshot = state(token);
    let before = event_count();
    assert_eq!(call(token).unwrap_err(), error);
    assert_eq!(state(token), snapshot, "a refused call changed state");
    assert_eq!(event_count(), before, "a refused call emitted events");
}

/// The observable state for the default accounts.
fn state(token: &CityToken) -> Vec<u128> {
    let a = accounts();
    let people = [a.alice, a.bob, a.charlie, a.django, a.eve, a.frank];
    let mut seen = vec![token.total_supply()];
    for owner in people {
        seen.push(token.balance_of(owner));
        for spender in people {
            seen.push(token.allowance(owner, spender));
        }
        for role in Role::ALL {
            seen.push(token.has_role(owner, role) as u128);
        }
    }
    seen.push(token.paused() as u128);
    seen.push((token.transfer_policy() == TransferPolicy::Civic) as u128);
    let offered = token.offered_admin().unwrap_or(AccountId::from([0; 32]));
    for admin in [token.admin(), offered] {
        seen.push(u128::from_le_bytes(
            AsRef::<[u8; 32]>::as_ref(&admin)[..16].try_into().unwrap(),
        ));
    }
    seen
}

fn grant(token: &mut CityToken, role: Role, account: AccountId) {
    act_as(accounts().alice);
    token.grant_role(role, account).expect("alice is admin");
}

/// The `psp22` crate's conformance suite, run against this token.
mod conformance {
    use super::token_with;

    psp22::tests!(CityToken, token_with);
}

mod construction {
    use super::*;

    #[ink::test]
    fn creator_is_admin_and_holds_the_initial_supply() {
        let token = token_with(500);
        let a = accounts();
        assert_eq!(token.admin(), a.alice);
        assert_eq!(token.balance_of(a.alice), 500);
        assert_eq!(token.total_supply(), 500);
        assert_eq!(token.cap(), CAP);
        assert!(!token.paused());
        assert_eq!(token.transfer_policy(), TransferPolicy::Open);
    }

    #[ink::test]
    fn metadata_is_reported() {
        let token = token_with(0);
        assert_eq!(token.token_name(), Some("Civic".into()));
        assert_eq!(token.token_symbol(), Some("CVC".into()));
        assert_eq!(token.token_decimals(), 2);
    }

    #[ink::test]
    fn initial_supply_above_cap_is_refused() {
        act_as(accounts().alice);
        let result = CityToken::new(None, None, 0, 10, 11);
        assert_eq!(result.err(), Some(TokenError::InitialSupplyAboveCap));
    }

    #[ink::test]
    fn a_cap_of_u128_max_takes_a_full_initial_supply() {
        act_as(accounts().alice);
        let token = CityToken::new(None, None, 0, u128::MAX, u128::MAX).unwrap();
        assert_eq!(token.total_supply(), u128::MAX);
        assert_eq!(token.token_name(), None);
    }
}

mod roles {
    use super::*;

    #[ink::test]
    fn admin_grants_a_role_once() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Minter, a.bob);
        grant(&mut token, Role::Minter, a.bob);
        assert!(token.has_role(a.bob, Role::Minter));
        assert!(!token.has_role(a.bob, Role::Burner));
        let granted = events::<RoleGranted>();
        assert_eq!(
            granted,
            vec![RoleGranted {
                role: Role::Minter,
                account: a.bob,
                by: a.alice
            }]
        );
    }

    #[ink::test]
    fn admin_revokes_a_role() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Pauser, a.bob);
        grant(&mut token, Role::Minter, a.bob);
        token.revoke_role(Role::Pauser, a.bob).unwrap();
        token.revoke_role(Role::Pauser, a.bob).unwrap();
        assert!(!token.has_role(a.bob, Role::Pauser));
        assert!(token.has_role(a.bob, Role::Minter), "other roles stay");
        assert_eq!(events::<RoleRevoked>().len(), 1);
    }

    #[ink::test]
    fn holder_renounces_its_own_role() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Burner, a.bob);
        act_as(a.bob);
        token.renounce_role(Role::Burner).unwrap();
        token.renounce_role(Role::Burner).unwrap();
        assert!(!token.has_role(a.bob, Role::Burner));
        assert_eq!(
            events::<RoleRevoked>(),
            vec![RoleRevoked {
                role: Role::Burner,
                account: a.bob,
                by: a.bob
            }]
        );
    }

    #[ink::test]
    fn only_the_admin_grants_and_revokes() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Minter, a.charlie);
        act_as(a.bob);
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.grant_role(Role::Minter, a.bob)
        });
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.revoke_role(Role::Minter, a.charlie)
        });
    }
}

mod admin_seat {
    use super::*;

    /// Alice (admin) offers the seat to bob.
    fn offered_to_bob() -> CityToken {
        let mut token = token_with(0);
        token.offer_admin(accounts().bob).unwrap();
        token
    }

    #[ink::test]
    fn an_offer_does_not_move_the_seat() {
        let mut token = offered_to_bob();
        let a = accounts();
        assert_eq!(token.admin(), a.alice);
        assert_eq!(token.offered_admin(), Some(a.bob));
        assert_eq!(
            events::<AdminOffered>(),
            vec![AdminOffered {
                admin: a.alice,
                to: a.bob
            }]
        );
        assert!(events::<AdminTransferred>().is_empty());
        // Alice is still the admin, bob not yet.
        token.grant_role(Role::Minter, a.charlie).unwrap();
        act_as(a.bob);
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.grant_role(Role::Minter, a.bob)
        });
    }

    #[ink::test]
    fn only_the_offered_account_accepts() {
        let mut token = offered_to_bob();
        let a = accounts();
        for stranger in [a.alice, a.charlie] {
            act_as(stranger);
            assert_refused(&mut token, AdminError::NotOffered, |t| t.accept_admin());
        }
        act_as(a.bob);
        token.accept_admin().unwrap();
        assert_eq!(token.admin(), a.bob);
        assert_eq!(token.offered_admin(), None);
        assert_eq!(
            events::<AdminTransferred>(),
            vec![AdminTransferred {
                previous: a.alice,
                new: a.bob
            }]
        );
        // The offer is spent: accepting again is refused.
        assert_refused(&mut token, AdminError::NotOffered, |t| t.accept_admin());
    }

    #[ink::test]
    fn a_strangers_accept_and_a_non_holders_offer_are_refused() {
        let mut token = token_with(0);
        let a = accounts();
        act_as(a.bob);
        assert_refused(&mut token, AdminError::NotOffered, |t| t.accept_admin());
        assert_refused(&mut token, AdminError::NotAdmin, |t| t.offer_admin(a.bob));
        act_as(a.alice);
        token.offer_admin(a.charlie).unwrap();
        act_as(a.charlie);
        assert_refused(&mut token, AdminError::NotAdmin, |t| t.offer_admin(a.bob));
        assert_eq!(token.offered_admin(), Some(a.charlie));
    }

    #[ink::test]
    fn a_new_offer_replaces_the_old() {
        let mut token = offered_to_bob();
        let a = accounts();
        token.offer_admin(a.charlie).unwrap();
        assert_eq!(token.offered_admin(), Some(a.charlie));
        act_as(a.bob);
        assert_refused(&mut token, AdminError::NotOffered, |t| t.accept_admin());
        act_as(a.charlie);
        token.accept_admin().unwrap();
        assert_eq!(token.admin(), a.charlie);
    }

    #[ink::test]
    fn an_offer_to_the_admin_itself_withdraws_the_offer() {
        let mut token = offered_to_bob();
        let a = accounts();
        token.offer_admin(a.alice).unwrap();
        assert_eq!(token.offered_admin(), None);
        act_as(a.bob);
        assert_refused(&mut token, AdminError::NotOffered, |t| t.accept_admin());
        assert_eq!(token.admin(), a.alice);
    }

    #[ink::test]
    fn the_old_admin_has_no_power_after_acceptance() {
        let mut token = offered_to_bob();
        let a = accounts();
        act_as(a.bob);
        token.accept_admin().unwrap();
        act_as(a.alice);
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.grant_role(Role::Minter, a.alice)
        });
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.set_transfer_policy(TransferPolicy::Civic)
        });
        assert_refused(&mut token, AdminError::NotAdmin, |t| t.offer_admin(a.alice));
        act_as(a.bob);
        token.grant_role(Role::Minter, a.bob).unwrap();
    }

    #[ink::test]
    fn the_zero_account_is_refused() {
        let mut token = offered_to_bob();
        assert_refused(&mut token, AdminError::ZeroAdmin, |t| {
            t.offer_admin(AccountId::from([0; 32]))
        });
        assert_eq!(token.offered_admin(), Some(accounts().bob));
    }
}

mod pause {
    use super::*;

    fn paused_token() -> CityToken {
        let mut token = token_with(1_000);
        let a = accounts();
        // Every role a person can hold (the forwarder role is a contract's).
        for role in Role::ALL
            .into_iter()
            .filter(|role| *role != Role::Forwarder)
        {
            grant(&mut token, role, a.alice);
        }
        grant(&mut token, Role::ServiceProvider, a.bob);
        token.approve(a.charlie, 100).unwrap();
        token.pause().unwrap();
        token
    }

    #[ink::test]
    fn pauser_pauses_and_unpauses() {
        let mut token = paused_token();
        let a = accounts();
        assert!(token.paused());
        token.unpause().unwrap();
        assert!(!token.paused());
        assert_eq!(events::<TokenPaused>(), vec![TokenPaused { by: a.alice }]);
        assert_eq!(
            events::<TokenUnpaused>(),
            vec![TokenUnpaused { by: a.alice }]
        );
    }

    #[ink::test]
    fn pausing_twice_or_unpausing_a_running_token_is_refused() {
        let mut token = paused_token();
        assert_refused(&mut token, TokenError::Paused, |t| t.pause());
        token.unpause().unwrap();
        assert_refused(&mut token, TokenError::NotPaused, |t| t.unpause());
    }

    #[ink::test]
    fn only_pausers_pause() {
        let mut token = token_with(0);
        act_as(accounts().bob);
        assert_refused(&mut token, TokenError::MissingRole(Role::Pauser), |t| {
            t.pause()
        });
        assert_refused(&mut token, TokenError::MissingRole(Role::Pauser), |t| {
            t.unpause()
        });
    }

    #[ink::test]
    fn a_paused_token_moves_nothing() {
        let mut token = paused_token();
        let a = accounts();
        let paused = || PSP22Error::Custom("Paused".into());
        assert_refused(&mut token, paused(), |t| t.transfer(a.bob, 1, vec![]));
        assert_refused(&mut token, TokenError::Paused, |t| t.mint_to(a.bob, 1));
        assert_refused(&mut token, TokenError::Paused, |t| t.burn_from(a.alice, 1));
        assert_refused(&mut token, TokenError::Paused, |t| {
            t.redeem(a.bob, 1, vec![])
        });
        act_as(a.charlie);
        assert_refused(&mut token, paused(), |t| {
            t.transfer_from(a.alice, a.charlie, 1, vec![])
        });
    }

    #[ink::test]
    fn approvals_still_work_while_paused() {
        let mut token = paused_token();
        token.approve(accounts().django, 5).unwrap();
        assert_eq!(token.allowance(accounts().alice, accounts().django), 5);
    }
}

mod supply {
    use super::*;

    #[ink::test]
    fn minter_mints_up_to_the_cap() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Minter, a.bob);
        act_as(a.bob);
        token.mint_to(a.charlie, CAP).unwrap();
        assert_eq!(token.balance_of(a.charlie), CAP);
        assert_eq!(token.total_supply(), CAP);
        assert_refused(&mut token, TokenError::CapExceeded, |t| {
            t.mint_to(a.charlie, 1)
        });
        assert_refused(&mut token, TokenError::CapExceeded, |t| {
            t.mint_to(a.charlie, u128::MAX)
        });
    }

    #[ink::test]
    fn mint_emits_transfer_from_nobody_and_zero_mints_nothing() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Minter, a.alice);
        let before = event_count();
        token.mint_to(a.bob, 0).unwrap();
        assert_eq!(event_count(), before);
        token.mint_to(a.bob, 7).unwrap();
        let transfer = events::<psp22::Transfer>().pop().unwrap();
        assert_eq!(
            (transfer.from, transfer.to, transfer.value),
            (None, Some(a.bob), 7)
        );
    }

    #[ink::test]
    fn only_minters_mint() {
        let mut token = token_with(0);
        assert_refused(&mut token, TokenError::MissingRole(Role::Minter), |t| {
            t.mint_to(accounts().alice, 1)
        });
    }

    #[ink::test]
    fn burner_burns_its_own_tokens() {
        let mut token = token_with(100);
        let a = accounts();
        grant(&mut token, Role::Burner, a.alice);
        token.burn_from(a.alice, 40).unwrap();
        assert_eq!(token.balance_of(a.alice), 60);
        assert_eq!(token.total_supply(), 60);
        let transfer = events::<psp22::Transfer>().pop().unwrap();
        assert_eq!(
            (transfer.from, transfer.to, transfer.value),
            (Some(a.alice), None, 40)
        );
        assert!(events::<psp22::Approval>().is_empty());
        token.burn_from(a.alice, 0).unwrap();
        assert_refused(&mut token, TokenError::InsufficientBalance, |t| {
            t.burn_from(a.alice, 61)
        });
    }

    #[ink::test]
    fn burner_burns_others_tokens_only_with_an_allowance() {
        let mut token = token_with(100);
        let a = accounts();
        grant(&mut token, Role::Burner, a.bob);
        token.approve(a.bob, 30).unwrap();
        act_as(a.bob);
        assert_refused(&mut token, TokenError::InsufficientAllowance, |t| {
            t.burn_from(a.alice, 31)
        });
        token.burn_from(a.alice, 30).unwrap();
        assert_eq!(token.allowance(a.alice, a.bob), 0);
        assert_eq!(token.total_supply(), 70);
        let approval = events::<psp22::Approval>().pop().unwrap();
        assert_eq!(
            (approval.owner, approval.spender, approval.amount),
            (a.alice, a.bob, 0)
        );
    }

    #[ink::test]
    fn burn_checks_the_allowance_before_the_balance() {
        let mut token = token_with(10);
        let a = accounts();
        grant(&mut token, Role::Burner, a.bob);
        token.approve(a.bob, 50).unwrap();
        act_as(a.bob);
        assert_refused(&mut token, TokenError::InsufficientBalance, |t| {
            t.burn_from(a.alice, 50)
        });
        assert_refused(&mut token, TokenError::InsufficientAllowance, |t| {
            t.burn_from(a.alice, 51)
        });
    }

    #[ink::test]
    fn only_burners_burn() {
        let mut token = token_with(10);
        assert_refused(&mut token, TokenError::MissingRole(Role::Burner), |t| {
            t.burn_from(accounts().alice, 1)
        });
    }
}

mod redemption {
    use super::*;

    fn token_with_shop() -> CityToken {
        let mut token = token_with(100);
        grant(&mut token, Role::ServiceProvider, accounts().bob);
        token
    }

    #[ink::test]
    fn citizen_pays_a_provider_and_the_provider_sees_the_memo() {
        let mut token = token_with_shop();
        let a = accounts();
        token.redeem(a.bob, 25, b"bus-ticket-42".to_vec()).unwrap();
        assert_eq!(token.balance_of(a.alice), 75);
        assert_eq!(token.balance_of(a.bob), 25);
        assert_eq!(
            events::<Redeemed>(),
            vec![Redeemed {
                citizen: a.alice,
                provider: a.bob,
                amount: 25,
                memo: b"bus-ticket-42".to_vec()
            }]
        );
        let transfer = events::<psp22::Transfer>().pop().unwrap();
        assert_eq!((transfer.from, transfer.to), (Some(a.alice), Some(a.bob)));
    }

    #[ink::test]
    fn bad_redemptions_are_refused() {
        let mut token = token_with_shop();
        let a = accounts();
        let long_memo = vec![0; MAX_MEMO_LEN + 1];
        assert_refused(&mut token, TokenError::ZeroAmount, |t| {
            t.redeem(a.bob, 0, vec![])
        });
        assert_refused(&mut token, TokenError::MemoTooLong, |t| {
            t.redeem(a.bob, 1, long_memo)
        });
        assert_refused(&mut token, TokenError::NotServiceProvider, |t| {
            t.redeem(a.charlie, 1, vec![])
        });
        assert_refused(&mut token, TokenError::InsufficientBalance, |t| {
            t.redeem(a.bob, 101, vec![])
        });
        act_as(a.bob);
        assert_refused(&mut token, TokenError::SelfRedemption, |t| {
            t.redeem(a.bob, 1, vec![])
        });
    }

    #[ink::test]
    fn a_full_memo_is_accepted() {
        let mut token = token_with_shop();
        token
            .redeem(accounts().bob, 1, vec![7; MAX_MEMO_LEN])
            .unwrap();
    }
}

mod civic_policy {
    use super::*;

    /// Alice (admin) and charlie are citizens, bob is a shop; the policy is civic.
    fn civic_token() -> CityToken {
        let mut token = token_with(100);
        let a = accounts();
        grant(&mut token, Role::ServiceProvider, a.bob);
        token.set_transfer_policy(TransferPolicy::Civic).unwrap();
        token
    }

    #[ink::test]
    fn admin_sets_the_policy_once() {
        let mut token = civic_token();
        token.set_transfer_policy(TransferPolicy::Civic).unwrap();
        assert_eq!(token.transfer_policy(), TransferPolicy::Civic);
        assert_eq!(
            events::<TransferPolicyChanged>(),
            vec![TransferPolicyChanged {
                policy: TransferPolicy::Civic
            }]
        );
        act_as(accounts().bob);
        assert_refused(&mut token, TokenError::NotAdmin, |t| {
            t.set_transfer_policy(TransferPolicy::Open)
        });
    }

    #[ink::test]
    fn citizens_cannot_trade_points() {
        let mut token = civic_token();
        let a = accounts();
        let refused = || PSP22Error::Custom("PolicyForbidsTransfer".into());
        assert_refused(&mut token, refused(), |t| t.transfer(a.charlie, 1, vec![]));
        token.approve(a.charlie, 10).unwrap();
        act_as(a.charlie);
        assert_refused(&mut token, refused(), |t| {
            t.transfer_from(a.alice, a.charlie, 1, vec![])
        });
    }

    #[ink::test]
    fn citizens_pay_providers_and_providers_refund_citizens() {
        let mut token = civic_token();
        let a = accounts();
        token.transfer(a.bob, 10, vec![]).unwrap();
        act_as(a.bob);
        token.transfer(a.charlie, 4, vec![]).unwrap();
        assert_eq!(token.balance_of(a.charlie), 4);
        act_as(a.charlie);
        token.redeem(a.bob, 4, vec![]).unwrap();
        assert_eq!(token.balance_of(a.bob), 10);
    }

    #[ink::test]
    fn opening_the_policy_lets_citizens_trade_again() {
        let mut token = civic_token();
        token.set_transfer_policy(TransferPolicy::Open).unwrap();
        token.transfer(accounts().charlie, 1, vec![]).unwrap();
    }
}

mod checkpoints {
    use super::*;

    #[ink::test]
    fn past_balances_and_supply_are_read_per_block() {
        let mut token = token_with(100); // block 0
        let a = accounts();
        grant(&mut token, Role::Minter, a.alice);
        token.track_votes().unwrap();
        act_as(a.bob);
        token.track_votes().unwrap();
        act_as(a.alice);
        test::advance_block::<E>(); // block 1
        token.transfer(a.bob, 30, vec![]).unwrap();
        token.transfer(a.bob, 10, vec![]).unwrap();
        test::advance_block::<E>(); // block 2
        test::advance_block::<E>(); // block 3
        token.mint_to(a.bob, 5).unwrap();
        act_as(a.bob);
        token.transfer(a.alice, 45, vec![]).unwrap();
        test::advance_block::<E>(); // block 4

        let votes = |who| {
            (0..4)
                .map(|b| token.votes_at(who, b).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(votes(a.alice), vec![100, 60, 60, 105]);
        assert_eq!(votes(a.bob), vec![0, 40, 40, 0]);
        let supply: Vec<_> = (0..4).map(|b| token.total_supply_at(b).unwrap()).collect();
        assert_eq!(supply, vec![100, 100, 100, 105]);
    }

    #[ink::test]
    fn holders_opt_in_once_and_count_from_that_block() {
        let mut token = token_with(100); // block 0
        let a = accounts();
        assert!(!token.tracks_votes(a.alice));
        test::advance_block::<E>(); // block 1
        token.track_votes().unwrap();
        token.track_votes().unwrap();
        assert!(token.tracks_votes(a.alice));
        assert_eq!(
            events::<VotesTracked>(),
            vec![VotesTracked { account: a.alice }]
        );
        token.transfer(a.bob, 10, vec![]).unwrap();
        test::advance_block::<E>(); // block 2
        assert_eq!(token.votes_at(a.alice, 0), Ok(0), "not yet opted in");
        assert_eq!(token.votes_at(a.alice, 1), Ok(90));
        assert_eq!(token.votes_at(a.bob, 1), Ok(0), "bob never opted in");
        assert_eq!(token.total_supply_at(0), Ok(100));
    }

    #[ink::test]
    fn opting_in_works_while_paused() {
        let mut token = token_with(1);
        grant(&mut token, Role::Pauser, accounts().alice);
        token.pause().unwrap();
        token.track_votes().unwrap();
        assert!(token.tracks_votes(accounts().alice));
    }

    #[ink::test]
    fn the_current_and_future_blocks_are_not_finished() {
        let mut token = token_with(1);
        token.track_votes().unwrap();
        let a = accounts();
        test::advance_block::<E>();
        assert_eq!(token.votes_at(a.alice, 0), Ok(1));
        for block in [1, 2, u32::MAX] {
            assert_eq!(
                token.votes_at(a.alice, block),
                Err(TokenError::BlockNotYetFinished)
            );
            assert_eq!(
                token.total_supply_at(block),
                Err(TokenError::BlockNotYetFinished)
            );
        }
    }

    #[ink::test]
    fn unknown_accounts_had_no_votes() {
        let token = token_with(1);
        test::advance_block::<E>();
        assert_eq!(token.votes_at(AccountId::from([9; 32]), 0), Ok(0));
    }
}

mod psp22_edges {
    use super::*;

    #[ink::test]
    fn transfer_from_emits_approval_then_transfer() {
        let mut token = token_with(100);
        let a = accounts();
        token.approve(a.bob, 50).unwrap();
        act_as(a.bob);
        token.transfer_from(a.alice, a.charlie, 20, vec![]).unwrap();
        let approval = events::<psp22::Approval>().pop().unwrap();
        assert_eq!(approval.amount, 30);
        let last = test::recorded_events().last().unwrap();
        assert_eq!(
            last.topics.first().map(|t| t.as_slice()),
            <psp22::Transfer as ink::env::Event>::SIGNATURE_TOPIC
                .as_ref()
                .map(|t| t.as_slice())
        );
    }

    #[ink::test]
    fn a_spender_may_move_the_owners_whole_balance() {
        let mut token = token_with(100);
        let a = accounts();
        token.approve(a.bob, 100).unwrap();
        act_as(a.bob);
        token
            .transfer_from(a.alice, a.charlie, 100, vec![])
            .unwrap();
        assert_eq!(token.balance_of(a.alice), 0);
        assert_eq!(token.balance_of(a.charlie), 100);
    }

    #[ink::test]
    fn u128_max_amounts_fail_cleanly() {
        let mut token = token_with(100);
        let a = accounts();
        token.approve(a.bob, u128::MAX).unwrap();
        token.increase_allowance(a.bob, u128::MAX).unwrap();
        assert_eq!(token.allowance(a.alice, a.bob), u128::MAX);
        assert_refused(&mut token, PSP22Error::InsufficientBalance, |t| {
            t.transfer(a.bob, u128::MAX, vec![])
        });
        act_as(a.bob);
        assert_refused(&mut token, PSP22Error::InsufficientBalance, |t| {
            t.transfer_from(a.alice, a.bob, u128::MAX, vec![])
        });
    }

    #[ink::test]
    fn zero_and_self_transfers_are_silent_no_ops() {
        let mut token = token_with(100);
        let a = accounts();
        let before = event_count();
        token.transfer(a.alice, 5, vec![]).unwrap();
        token.transfer(a.bob, 0, vec![]).unwrap();
        token.transfer_from(a.bob, a.bob, 5, vec![]).unwrap();
        assert_eq!(event_count(), before);
        assert_eq!(token.balance_of(a.alice), 100);
    }
}

mod bulk {
    use super::*;
    use city_traits::MAX_PAYMENTS;

    /// The `Transfer` events recorded so far, as (from, to, value).
    fn transfers() -> Vec<(Option<AccountId>, Option<AccountId>, u128)> {
        events::<psp22::Transfer>()
            .into_iter()
            .map(|t| (t.from, t.to, t.value))
            .collect()
    }

    #[ink::test]
    fn mint_many_mints_each_payment_in_order_and_skips_zeros() {
        let mut token = token_with(0);
        let a = accounts();
        grant(&mut token, Role::Minter, a.alice);
        let payments = vec![(a.bob, 5), (a.charlie, 0), (a.bob, 7), (a.django, 1)];
        token.mint_many(payments).unwrap();
        assert_eq!(
            transfers(),
            vec![
                (None, Some(a.bob), 5),
                (None, Some(a.bob), 7),
                (None, Some(a.django), 1)
            ]
        );
        assert_eq!(token.balance_of(a.bob), 12);
        assert_eq!(token.balance_of(a.django), 1);
        assert_eq!(token.total_supply(), 13);
    }

    #[ink::test]
    fn mint_many_checks_the_cap_against_the_sum_and_mints_nothing_above_it() {
        let mut token = token_with(CAP - 10);
        let a = accounts();
        grant(&mut token, Role::Minter, a.alice);
        assert_refused(&mut token, TokenError::CapExceeded, |t| {
            t.mint_many(vec![(a.bob, 6), (a.charlie, 5)])
        });
        assert_refused(&mut token, TokenError::CapExceeded, |t| {
            t.mint_many(vec![(a.bob, u128::MAX), (a.charlie, 2)])
        });
        token.mint_many(vec![(a.bob, 6), (a.charlie, 4)]).unwrap();
        assert_eq!(token.total_supply(), CAP);
    }

    #[ink::test]
    fn mint_many_needs_the_minter_role_a_running_token_and_a_bounded_list() {
        let mut token = token_with(0);
        let a = accounts();
        assert_refused(&mut token, TokenError::MissingRole(Role::Minter), |t| {
            t.mint_many(vec![(a.bob, 1)])
        });
        grant(&mut token, Role::Minter, a.alice);
        let too_many = vec![(a.bob, 1); MAX_PAYMENTS + 1];
        assert_refused(&mut token, TokenError::TooManyPayments, |t| {
            t.mint_many(too_many)
        });
        token.mint_many(vec![(a.bob, 1); MAX_PAYMENTS]).unwrap();
        grant(&mut token, Role::Pauser, a.alice);
        token.pause().unwrap();
        assert_refused(&mut token, TokenError::Paused, |t| {
            t.mint_many(vec![(a.bob, 1)])
        });
    }

    #[ink::test]
    fn transfer_many_pays_each_payment_and_skips_zeros_and_the_caller() {
        let mut token = token_with(100);
        let a = accounts();
        let before = event_count();
        token
            .transfer_many(vec![(a.alice, 50), (a.bob, 0)])
            .unwrap();
        assert_eq!(event_count(), before, "nothing to pay, nothing said");
        token
            .transfer_many(vec![(a.bob, 30), (a.alice, 9), (a.charlie, 20), (a.bob, 1)])
            .unwrap();
        let from = Some(a.alice);
        // After the initial supply's mint:
        assert_eq!(
            transfers()[1..],
            vec![
                (from, Some(a.bob), 30),
                (from, Some(a.charlie), 20),
                (from, Some(a.bob), 1)
            ]
        );
        assert_eq!(token.balance_of(a.alice), 49);
        assert_eq!(token.balance_of(a.bob), 31);
        assert_eq!(token.total_supply(), 100);
    }

    #[ink::test]
    fn transfer_many_checks_the_balance_against_the_sum_and_moves_nothing_short_of_it() {
        let mut token = token_with(100);
        let a = accounts();
        assert_refused(&mut token, TokenError::InsufficientBalance, |t| {
            t.transfer_many(vec![(a.bob, 60), (a.charlie, 41)])
        });
        assert_refused(&mut token, TokenError::InsufficientBalance, |t| {
            t.transfer_many(vec![(a.bob, u128::MAX), (a.charlie, 2)])
        });
        let too_many = vec![(a.bob, 1); MAX_PAYMENTS + 1];
        assert_refused(&mut token, TokenError::TooManyPayments, |t| {
            t.transfer_many(too_many)
        });
        token
            .transfer_many(vec![(a.bob, 60), (a.charlie, 40)])
            .unwrap();
        assert_eq!(token.balance_of(a.alice), 0);
    }

    #[ink::test]
    fn transfer_many_holds_the_pause_and_the_policy_for_every_payment() {
        let mut token = token_with(100);
        let a = accounts();
        grant(&mut token, Role::ServiceProvider, a.bob);
        token.set_transfer_policy(TransferPolicy::Civic).unwrap();
        // A citizen pays a shop, but not another citizen: all or nothing.
        assert_refused(&mut token, TokenError::PolicyForbidsTransfer, |t| {
            t.transfer_many(vec![(a.bob, 1), (a.charlie, 1)])
        });
        token.transfer_many(vec![(a.bob, 10)]).unwrap();
        // A shop pays anyone.
        act_as(a.bob);
        token
            .transfer_many(vec![(a.charlie, 1), (a.django, 1)])
            .unwrap();
        act_as(a.alice);
        grant(&mut token, Role::Pauser, a.alice);
        token.pause().unwrap();
        assert_refused(&mut token, TokenError::Paused, |t| {
            t.transfer_many(vec![(a.bob, 1)])
        });
    }

    #[ink::test]
    fn bulk_payments_leave_the_same_history_as_single_ones() {
        let mut token = token_with(100); // block 0
        let a = accounts();
        grant(&mut token, Role::Minter, a.alice);
        for voter in [a.alice, a.bob] {
            act_as(voter);
            token.track_votes().unwrap();
        }
        act_as(a.alice);
        test::advance_block::<E>(); // block 1
        token
            .transfer_many(vec![(a.bob, 30), (a.charlie, 5), (a.bob, 10)])
            .unwrap();
        test::advance_block::<E>(); // block 2
        token.mint_many(vec![(a.bob, 5), (a.alice, 1)]).unwrap();
        test::advance_block::<E>(); // block 3
        let votes = |token: &CityToken, who| {
            (0..3)
                .map(|b| token.votes_at(who, b).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(votes(&token, a.alice), vec![100, 55, 56]);
        assert_eq!(votes(&token, a.bob), vec![0, 40, 45]);
        let supply: Vec<_> = (0..3).map(|b| token.total_supply_at(b).unwrap()).collect();
        assert_eq!(supply, vec![100, 100, 106]);
    }
}

mod upgrades {
    use super::*;
    use city_traits::{upgrade, Upgradable as _, UpgradeError};

    #[test]
    fn the_code_holds_the_storage_version_and_migrations_its_manifest_declares() {
        assert_eq!(
            upgrade::declared(include_str!("Cargo.toml")),
            Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
        );
    }

    #[ink::test]
    fn only_the_admin_upgrades() {
        let mut token = token_with(100);
        act_as(accounts().bob);
        assert_refused(&mut token, UpgradeError::NotAdmin, |t| {
            t.upgrade([7; 32].into())
        });
    }

    #[ink::test]
    fn a_migration_starts_only_inside_an_upgrade() {
        let own = AccountId::from([0xC0; 32]);
        test::set_callee::<E>(own);
        let mut token = token_with(100);
        // The token itself too: outside an upgrade no handover is waiting.
        for caller in [accounts().alice, accounts().bob, own] {
            act_as(caller);
            assert_refused(&mut token, UpgradeError::NotUpgrading, |t| t.migrate());
        }
    }
}

mod forwarder {
    use super::*;

    #[ink::test]
    fn only_a_contract_seat_grants_the_forwarder_role_to_a_contract() {
        let mut token = token_with(1_000);
        let a = accounts();
        act_as(a.alice);
        assert_eq!(
            token.grant_role(Role::Forwarder, a.bob),
            Err(TokenError::ForwarderNotGoverned)
        );
        // The seat moves to a contract (governance); it grants to a person: refused.
        ink::env::test::set_contract::<E>(a.charlie);
        ink::env::test::set_contract::<E>(a.django);
        token.offer_admin(a.charlie).unwrap();
        act_as(a.charlie);
        token.accept_admin().unwrap();
        assert_eq!(
            token.grant_role(Role::Forwarder, a.bob),
            Err(TokenError::ForwarderNotGoverned)
        );
        assert!(!token.has_role(a.bob, Role::Forwarder));
    }

    #[ink::test]
    fn the_forwarder_role_lapses_when_the_admin_seat_moves_and_a_revoke_holds() {
        let mut token = token_with(1_000);
        let a = accounts();
        for contract in [a.charlie, a.django, a.frank] {
            ink::env::test::set_contract::<E>(contract);
        }
        token.offer_admin(a.charlie).unwrap();
        act_as(a.charlie);
        token.accept_admin().unwrap();
        token.grant_role(Role::Forwarder, a.django).unwrap();
        assert!(token.has_role(a.django, Role::Forwarder));
        act_as(a.django);
        let approve = city_traits::TokenAct::Approve {
            spender: a.bob,
            value: 10,
        };
        token.act_for(a.alice, approve.clone()).unwrap();
        assert_eq!(token.allowance(a.alice, a.bob), 10);
        // The seat moves on: what charlie granted acts for nobody.
        act_as(a.charlie);
        token.offer_admin(a.frank).unwrap();
        act_as(a.frank);
        token.accept_admin().unwrap();
        assert!(!token.has_role(a.django, Role::Forwarder));
        act_as(a.django);
        assert_eq!(
            token.act_for(a.alice, approve),
            Err(TokenError::MissingRole(Role::Forwarder))
        );
        // Revoked while lapsed, it stays revoked when the seat comes back.
        act_as(a.frank);
        token.revoke_role(Role::Forwarder, a.django).unwrap();
        token.offer_admin(a.charlie).unwrap();
        act_as(a.charlie);
        token.accept_admin().unwrap();
        assert!(!token.has_role(a.django, Role::Forwarder));
    }
}
