//! Off-chain unit tests: every message and every error variant. The real Wasm is tested in
//! the harness.

use crate::citizen_registry::*;
use city_traits::{
    Admin as _, AdminError, AdminOffered, AdminTransferred, CivicRole, IdentityKind,
    IdentityRegistry as _, RegistryError,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const DAY_MS: u64 = 86_400_000;
const START_MS: u64 = 1_000 * DAY_MS;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

fn document(seed: u8) -> [u8; 32] {
    [seed; 32]
}

/// A registry created by alice (admin), with bob as registrar, at `START_MS`; bob calls.
fn registry() -> CitizenRegistry {
    test::set_block_timestamp::<E>(START_MS);
    act_as(accounts().alice);
    let mut registry = CitizenRegistry::new();
    appoint(&mut registry, accounts().bob);
    act_as(accounts().bob);
    registry
}

/// Alice (the admin) offers the registrar role to `account`, which accepts it; alice calls
/// next.
fn appoint(registry: &mut CitizenRegistry, account: AccountId) {
    act_as(accounts().alice);
    registry.grant_role(CivicRole::Registrar, account).unwrap();
    act_as(account);
    registry.accept_registrar().unwrap();
    act_as(accounts().alice);
}

fn register(registry: &mut CitizenRegistry, account: AccountId, kind: IdentityKind, seed: u8) {
    registry
        .register(account, kind, document(seed), START_MS + 365 * DAY_MS)
        .unwrap();
}

fn next_block() {
    test::advance_block::<E>();
}

fn event_count() -> usize {
    test::recorded_events().count()
}

/// Asserts that `call` fails with `error`, emitting nothing and changing neither the
/// counts nor any default account's roles or registrar offer.
fn assert_refused<T: std::fmt::Debug>(
    registry: &mut CitizenRegistry,
    error: RegistryError,
    call: impl FnOnce(&mut CitizenRegistry) -> Result<T, RegistryError>,
) {
    let before = event_count();
    let counts = registry.eligible_counts();
    let roles = all_roles(registry);
    assert_eq!(call(registry).unwrap_err(), error);
    assert_eq!(event_count(), before, "a refused call emitted events");
    assert_eq!(
        registry.eligible_counts(),
        counts,
        "a refused call changed counts"
    );
    assert_eq!(all_roles(registry), roles, "a refused call changed roles");
}

const ROLES: [CivicRole; 7] = [
    CivicRole::Registrar,
    CivicRole::Inspector,
    CivicRole::Worker,
    CivicRole::Attester,
    CivicRole::ServiceProvider,
    CivicRole::Issuer,
    CivicRole::LandOffice,
];

/// The registrar count, and for each default account its roles and whether the registrar
/// role is offered to it.
fn all_roles(registry: &CitizenRegistry) -> (u32, Vec<(Vec<bool>, bool)>) {
    let a = accounts();
    let everyone = [a.alice, a.bob, a.charlie, a.django, a.eve, a.frank];
    let roles = everyone
        .iter()
        .map(|&who| {
            let held = ROLES
                .map(|role| registry.has_civic_role(who, role))
                .to_vec();
            (held, registry.registrar_offered(who))
        })
        .collect();
    (registry.registrars(), roles)
}

mod identities {
    use super::*;

    #[ink::test]
    fn a_registrar_registers_and_the_identity_is_live() {
        let mut registry = registry();
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Citizen, 1);
        assert_eq!(registry.kind_of(a.charlie), Some(IdentityKind::Citizen));
        let identity = registry.identity(a.charlie).unwrap();
        assert!(identity.live);
        assert_eq!(identity.document, document(1));
        assert_eq!(registry.document_holder(document(1)), Some(a.charlie));
        assert_eq!(registry.eligible_counts(), [1, 0, 0, 0]);
    }

    #[ink::test]
    fn registration_is_refused_without_the_role_twice_or_with_a_used_document() {
        let mut registry = registry();
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Citizen, 1);
        let year = START_MS + 365 * DAY_MS;
        assert_refused(&mut registry, RegistryError::AlreadyRegistered, |r| {
            r.register(a.charlie, IdentityKind::Resident, document(2), year)
        });
        assert_refused(&mut registry, RegistryError::DocumentInUse, |r| {
            r.register(a.django, IdentityKind::Citizen, document(1), year)
        });
        assert_refused(&mut registry, RegistryError::ExpiryNotInFuture, |r| {
            r.register(a.django, IdentityKind::Citizen, document(3), START_MS)
        });
        act_as(a.eve);
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.register(a.eve, IdentityKind::Citizen, document(4), year)
        });
    }

    #[ink::test]
    fn an_expired_card_is_not_live_now_until_renewed() {
        let mut registry = registry();
        let a = accounts();
        registry
            .register(
                a.charlie,
                IdentityKind::Citizen,
                document(1),
                START_MS + DAY_MS,
            )
            .unwrap();
        test::set_block_timestamp::<E>(START_MS + 2 * DAY_MS);
        assert_eq!(registry.kind_of(a.charlie), None);
        registry.renew(a.charlie, START_MS + 400 * DAY_MS).unwrap();
        assert_eq!(registry.kind_of(a.charlie), Some(IdentityKind::Citizen));
        assert_refused(&mut registry, RegistryError::ExpiryNotInFuture, |r| {
            r.renew(a.charlie, START_MS)
        });
        assert_refused(&mut registry, RegistryError::NotRegistered, |r| {
            r.renew(a.django, START_MS + 400 * DAY_MS)
        });
    }

    #[ink::test]
    fn anyone_marks_a_lapsed_identity_expired_but_not_before() {
        let mut registry = registry();
        let a = accounts();
        registry
            .register(
                a.charlie,
                IdentityKind::Resident,
                document(1),
                START_MS + DAY_MS,
            )
            .unwrap();
        act_as(a.eve);
        assert_refused(&mut registry, RegistryError::NotExpired, |r| {
            r.expire(a.charlie)
        });
        test::set_block_timestamp::<E>(START_MS + DAY_MS);
        registry.expire(a.charlie).unwrap();
        assert!(!registry.identity(a.charlie).unwrap().live);
        assert_eq!(registry.eligible_counts(), [0, 0, 0, 0]);
        assert_refused(&mut registry, RegistryError::NotRegistered, |r| {
            r.expire(a.charlie)
        });
    }

    #[ink::test]
    fn a_revoked_identity_can_come_back_with_its_own_document_only() {
        let mut registry = registry();
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Citizen, 1);
        registry.revoke(a.charlie).unwrap();
        assert_eq!(registry.kind_of(a.charlie), None);
        assert_refused(&mut registry, RegistryError::NotRegistered, |r| {
            r.revoke(a.charlie)
        });
        let year = START_MS + 365 * DAY_MS;
        assert_refused(&mut registry, RegistryError::DocumentInUse, |r| {
            r.register(a.django, IdentityKind::Citizen, document(1), year)
        });
        registry
            .register(a.charlie, IdentityKind::EResident, document(1), year)
            .unwrap();
        assert_eq!(registry.kind_of(a.charlie), Some(IdentityKind::EResident));
    }

    #[ink::test]
    fn a_kind_change_moves_the_counts() {
        let mut registry = registry();
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Resident, 1);
        registry
            .change_kind(a.charlie, IdentityKind::Citizen)
            .unwrap();
        let before = event_count();
        registry
            .change_kind(a.charlie, IdentityKind::Citizen)
            .unwrap();
        assert_eq!(event_count(), before, "no change, no event");
        assert_eq!(registry.eligible_counts(), [1, 0, 0, 0]);
        assert_refused(&mut registry, RegistryError::NotRegistered, |r| {
            r.change_kind(a.django, IdentityKind::Visitor)
        });
        act_as(a.eve);
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.change_kind(a.charlie, IdentityKind::Visitor)
        });
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.revoke(a.charlie)
        });
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.renew(a.charlie, START_MS + 500 * DAY_MS)
        });
    }
}

mod card_keys {
    use city_traits::card_account;

    use super::*;

    fn key(seed: u8) -> city_traits::CardKey {
        let mut key = [seed; 33];
        key[0] = 2 + seed % 2;
        key
    }

    /// Registers the account `key(seed)` controls (document `seed`) and returns it.
    fn card_holder_of(registry: &mut CitizenRegistry, seed: u8) -> AccountId {
        let account = card_account(&key(seed));
        register(registry, account, IdentityKind::Citizen, seed);
        account
    }

    #[ink::test]
    fn a_registrar_binds_a_card_to_its_own_account_and_revokes_it() {
        let mut registry = registry();
        let holder = card_holder_of(&mut registry, 1);
        registry.set_card_key(holder, Some(key(1))).unwrap();
        assert_eq!(registry.card_key(holder), Some(key(1)));
        assert_eq!(registry.card_holder(key(1)), Some(holder));
        registry.set_card_key(holder, None).unwrap();
        assert_eq!(registry.card_key(holder), None);
        assert_eq!(registry.card_holder(key(1)), None);
        assert_refused(&mut registry, RegistryError::NoCardKey, |r| {
            r.set_card_key(holder, None)
        });
        // A revoked card never comes back.
        assert_refused(&mut registry, RegistryError::CardKeyInUse, |r| {
            r.set_card_key(holder, Some(key(1)))
        });
    }

    #[ink::test]
    fn only_the_admin_binds_a_key_to_another_account_as_a_rotated_card() {
        let mut registry = registry();
        let a = accounts();
        let holder = card_holder_of(&mut registry, 1);
        registry.set_card_key(holder, Some(key(1))).unwrap();
        // A registrar cannot point another card, or its own key, at the account.
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.set_card_key(holder, Some(key(2)))
        });
        register(&mut registry, a.charlie, IdentityKind::Citizen, 3);
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.set_card_key(a.charlie, Some(key(3)))
        });
        // The admin (governance, after the handover) moves the account to a new card:
        // the old key signs for nobody, and can never be bound again.
        act_as(a.alice);
        registry.set_card_key(holder, Some(key(2))).unwrap();
        assert_eq!(registry.card_holder(key(1)), None);
        assert_eq!(registry.card_holder(key(2)), Some(holder));
        act_as(a.bob);
        assert_refused(&mut registry, RegistryError::CardKeyInUse, |r| {
            r.set_card_key(holder, Some(key(1)))
        });
        // The admin alone is no registrar: it does not revoke.
        act_as(a.alice);
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.set_card_key(holder, None)
        });
    }

    #[ink::test]
    fn only_a_registrar_binds_a_well_formed_unused_key_to_a_live_identity() {
        let mut registry = registry();
        let holder = card_holder_of(&mut registry, 1);
        registry.set_card_key(holder, Some(key(1))).unwrap();
        assert_refused(&mut registry, RegistryError::NotRegistered, |r| {
            r.set_card_key(card_account(&key(3)), Some(key(3)))
        });
        let mut malformed = key(5);
        malformed[0] = 4;
        let other = card_account(&malformed);
        register(&mut registry, other, IdentityKind::Citizen, 5);
        assert_refused(&mut registry, RegistryError::MalformedCardKey, |r| {
            r.set_card_key(other, Some(malformed))
        });
        act_as(holder);
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.set_card_key(holder, Some(key(1)))
        });
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.set_card_key(holder, None)
        });
        assert_eq!(registry.card_holder(key(1)), Some(holder));
    }

    #[ink::test]
    fn a_binding_to_another_account_lapses_with_the_seat_and_frees_the_key_for_its_own() {
        let mut registry = registry();
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Citizen, 3);
        act_as(a.alice);
        registry.set_card_key(a.charlie, Some(key(2))).unwrap();
        assert_eq!(registry.card_holder(key(2)), Some(a.charlie));
        assert_eq!(registry.card_key(a.charlie), Some(key(2)));
        // The seat moves: the binding answers for nobody, in both queries.
        registry.offer_admin(a.eve).unwrap();
        act_as(a.eve);
        registry.accept_admin().unwrap();
        assert_eq!(registry.card_holder(key(2)), None);
        assert_eq!(registry.card_key(a.charlie), None);
        // The key may still go to its own account, and to no other.
        act_as(a.bob);
        let own = card_holder_of(&mut registry, 2);
        registry.set_card_key(own, Some(key(2))).unwrap();
        assert_eq!(registry.card_holder(key(2)), Some(own));
        act_as(a.eve);
        assert_refused(&mut registry, RegistryError::CardKeyInUse, |r| {
            r.set_card_key(a.charlie, Some(key(2)))
        });
    }

    #[ink::test]
    fn an_identity_that_ends_loses_its_card_key() {
        let mut registry = registry();
        let holder = card_holder_of(&mut registry, 1);
        registry.set_card_key(holder, Some(key(1))).unwrap();
        registry.revoke(holder).unwrap();
        assert_eq!(registry.card_holder(key(1)), None);
        assert_eq!(registry.card_key(holder), None);
        // Registered again, the old key stays dead.
        register(&mut registry, holder, IdentityKind::Citizen, 1);
        assert_refused(&mut registry, RegistryError::CardKeyInUse, |r| {
            r.set_card_key(holder, Some(key(1)))
        });
    }
}

mod history {
    use super::*;

    #[ink::test]
    fn kinds_and_counts_are_read_per_finished_block() {
        let mut registry = registry(); // block 0
        let a = accounts();
        register(&mut registry, a.charlie, IdentityKind::Resident, 1);
        next_block(); // 1
        register(&mut registry, a.django, IdentityKind::Citizen, 2);
        registry
            .change_kind(a.charlie, IdentityKind::Citizen)
            .unwrap();
        next_block(); // 2
        registry.revoke(a.django).unwrap();
        next_block(); // 3

        let kinds = |who| {
            (0..3)
                .map(|b| registry.kind_at(who, b).unwrap())
                .collect::<Vec<_>>()
        };
        use IdentityKind::*;
        assert_eq!(
            kinds(a.charlie),
            vec![Some(Resident), Some(Citizen), Some(Citizen)]
        );
        assert_eq!(kinds(a.django), vec![None, Some(Citizen), None]);
        assert_eq!(registry.was_eligible_at(a.django, 1), Ok(true));
        assert_eq!(registry.was_eligible_at(a.eve, 1), Ok(false));
        let counts: Vec<_> = (0..3)
            .map(|b| registry.eligible_counts_at(b).unwrap())
            .collect();
        assert_eq!(counts, vec![[0, 1, 0, 0], [2, 0, 0, 0], [1, 0, 0, 0]]);
    }

    #[ink::test]
    fn unfinished_blocks_have_no_history_yet() {
        let registry = registry();
        let a = accounts();
        for block in [0, 1, u32::MAX] {
            assert_eq!(
                registry.kind_at(a.charlie, block),
                Err(RegistryError::BlockNotYetFinished)
            );
            assert_eq!(
                registry.eligible_counts_at(block),
                Err(RegistryError::BlockNotYetFinished)
            );
        }
    }
}

mod roles {
    use super::*;

    #[ink::test]
    fn the_admin_manages_registrars_and_registrars_the_rest() {
        let mut registry = registry();
        let a = accounts();
        registry.grant_role(CivicRole::Attester, a.charlie).unwrap();
        registry.grant_role(CivicRole::Attester, a.charlie).unwrap();
        assert!(registry.has_civic_role(a.charlie, CivicRole::Attester));
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.grant_role(CivicRole::Registrar, a.charlie)
        });
        registry
            .revoke_role(CivicRole::Attester, a.charlie)
            .unwrap();
        assert!(!registry.has_civic_role(a.charlie, CivicRole::Attester));
        act_as(a.charlie);
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.grant_role(CivicRole::Worker, a.charlie)
        });
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.revoke_role(CivicRole::Worker, a.django)
        });
        appoint(&mut registry, a.eve);
        registry.revoke_role(CivicRole::Registrar, a.bob).unwrap();
        assert!(!registry.has_civic_role(a.bob, CivicRole::Registrar));
    }

    #[ink::test]
    fn one_question_finds_the_first_account_without_a_role() {
        let mut registry = registry();
        let a = accounts();
        for worker in [a.charlie, a.django] {
            registry.grant_role(CivicRole::Worker, worker).unwrap();
        }
        let roll = |accounts: &[AccountId]| accounts.to_vec();
        assert_eq!(
            registry.first_without_civic_role(roll(&[a.charlie, a.django]), CivicRole::Worker),
            None
        );
        assert_eq!(
            registry
                .first_without_civic_role(roll(&[a.charlie, a.eve, a.frank]), CivicRole::Worker),
            Some(1)
        );
        assert_eq!(
            registry.first_without_civic_role(roll(&[a.charlie]), CivicRole::Inspector),
            Some(0)
        );
        assert_eq!(
            registry.first_without_civic_role(Vec::new(), CivicRole::Worker),
            None
        );
    }

    #[ink::test]
    fn holders_renounce_their_roles() {
        let mut registry = registry();
        let a = accounts();
        appoint(&mut registry, a.eve);
        act_as(a.bob);
        registry.renounce_role(CivicRole::Registrar).unwrap();
        registry.renounce_role(CivicRole::Registrar).unwrap();
        assert!(!registry.has_civic_role(a.bob, CivicRole::Registrar));
    }
}

/// The registrar role moves in two steps: the admin offers it, the account offered
/// accepts it; until then it holds nothing and does not count.
mod registrar_offers {
    use super::*;
    use city_traits::fakes::recorded;

    /// The registry of [`registry`], the registrar role offered by alice to charlie; alice
    /// calls.
    fn offered_to_charlie() -> CitizenRegistry {
        let mut registry = registry();
        act_as(accounts().alice);
        registry
            .grant_role(CivicRole::Registrar, accounts().charlie)
            .unwrap();
        registry
    }

    #[ink::test]
    fn an_offered_registrar_holds_nothing_until_it_accepts() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        let offer = |account| RegistrarOffered {
            account,
            by: a.alice,
        };
        assert_eq!(
            recorded::<RegistrarOffered>(),
            vec![offer(a.bob), offer(a.charlie)]
        );
        assert!(registry.registrar_offered(a.charlie));
        assert!(!registry.has_civic_role(a.charlie, CivicRole::Registrar));
        assert_eq!(registry.registrars(), 1, "only bob, who accepted");
        act_as(a.charlie);
        let year = START_MS + 365 * DAY_MS;
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.register(a.django, IdentityKind::Citizen, document(1), year)
        });
        assert_refused(&mut registry, RegistryError::NotRegistrar, |r| {
            r.grant_role(CivicRole::Attester, a.django)
        });

        registry.accept_registrar().unwrap();
        assert_eq!(
            recorded::<CivicRoleGranted>().last(),
            Some(&CivicRoleGranted {
                role: CivicRole::Registrar,
                account: a.charlie,
                by: a.charlie
            })
        );
        assert!(registry.has_civic_role(a.charlie, CivicRole::Registrar));
        assert!(!registry.registrar_offered(a.charlie));
        assert_eq!(registry.registrars(), 2);
        registry
            .register(a.django, IdentityKind::Citizen, document(1), year)
            .unwrap();
        assert_refused(&mut registry, RegistryError::NotOffered, |r| {
            r.accept_registrar()
        });
    }

    #[ink::test]
    fn only_the_account_offered_accepts() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        // The admin who offered, a registrar and a stranger: none of them is charlie.
        for stranger in [a.alice, a.bob, a.eve] {
            act_as(stranger);
            assert_refused(&mut registry, RegistryError::NotOffered, |r| {
                r.accept_registrar()
            });
        }
        assert!(registry.registrar_offered(a.charlie));
        act_as(a.charlie);
        registry.accept_registrar().unwrap();
        assert!(registry.has_civic_role(a.charlie, CivicRole::Registrar));
        assert!(!registry.has_civic_role(a.eve, CivicRole::Registrar));
    }

    #[ink::test]
    fn a_strangers_accept_without_any_offer_changes_nothing() {
        let mut registry = registry();
        for stranger in [accounts().eve, accounts().alice, accounts().bob] {
            act_as(stranger);
            assert_refused(&mut registry, RegistryError::NotOffered, |r| {
                r.accept_registrar()
            });
        }
    }

    #[ink::test]
    fn only_the_admin_offers_the_registrar_role() {
        let mut registry = registry();
        let a = accounts();
        for caller in [a.bob, a.charlie] {
            act_as(caller);
            assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
                r.grant_role(CivicRole::Registrar, a.charlie)
            });
        }
        act_as(a.charlie);
        assert_refused(&mut registry, RegistryError::NotOffered, |r| {
            r.accept_registrar()
        });
    }

    #[ink::test]
    fn an_offer_made_twice_or_to_a_registrar_changes_nothing() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        let before = event_count();
        registry
            .grant_role(CivicRole::Registrar, a.charlie)
            .unwrap();
        registry.grant_role(CivicRole::Registrar, a.bob).unwrap();
        assert_eq!(event_count(), before, "no new offer, no event");
        assert!(!registry.registrar_offered(a.bob), "bob holds the role");
        assert!(registry.has_civic_role(a.bob, CivicRole::Registrar));
        assert_eq!(registry.registrars(), 1);
    }

    #[ink::test]
    fn revoking_an_offer_withdraws_it() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        act_as(a.bob);
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.revoke_role(CivicRole::Registrar, a.charlie)
        });
        act_as(a.alice);
        registry
            .revoke_role(CivicRole::Registrar, a.charlie)
            .unwrap();
        assert_eq!(
            recorded::<RegistrarOfferWithdrawn>(),
            vec![RegistrarOfferWithdrawn {
                account: a.charlie,
                by: a.alice
            }]
        );
        assert!(
            recorded::<CivicRoleRevoked>().is_empty(),
            "nothing was held"
        );
        assert!(!registry.registrar_offered(a.charlie));
        act_as(a.charlie);
        assert_refused(&mut registry, RegistryError::NotOffered, |r| {
            r.accept_registrar()
        });
        // Withdrawing again changes nothing.
        act_as(a.alice);
        let before = event_count();
        registry
            .revoke_role(CivicRole::Registrar, a.charlie)
            .unwrap();
        assert_eq!(event_count(), before);
    }

    #[ink::test]
    fn the_account_offered_may_decline() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        act_as(a.charlie);
        registry.renounce_role(CivicRole::Registrar).unwrap();
        assert_eq!(
            recorded::<RegistrarOfferWithdrawn>(),
            vec![RegistrarOfferWithdrawn {
                account: a.charlie,
                by: a.charlie
            }]
        );
        assert!(!registry.registrar_offered(a.charlie));
        assert_refused(&mut registry, RegistryError::NotOffered, |r| {
            r.accept_registrar()
        });
    }

    #[ink::test]
    fn the_last_accepted_registrar_keeps_its_role_while_an_offer_is_pending() {
        let mut registry = offered_to_charlie(); // bob accepted, charlie is offered
        let a = accounts();
        assert_refused(&mut registry, RegistryError::LastRegistrar, |r| {
            r.revoke_role(CivicRole::Registrar, a.bob)
        });
        act_as(a.bob);
        assert_refused(&mut registry, RegistryError::LastRegistrar, |r| {
            r.renounce_role(CivicRole::Registrar)
        });
        // Once charlie accepts, bob may go, and charlie is the last.
        act_as(a.charlie);
        registry.accept_registrar().unwrap();
        act_as(a.alice);
        registry.revoke_role(CivicRole::Registrar, a.bob).unwrap();
        assert_eq!(registry.registrars(), 1);
        assert_refused(&mut registry, RegistryError::LastRegistrar, |r| {
            r.revoke_role(CivicRole::Registrar, a.charlie)
        });
    }

    #[ink::test]
    fn a_contract_cannot_accept_the_registrar_role() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        test::set_contract::<E>(a.charlie);
        act_as(a.charlie);
        assert_refused(&mut registry, RegistryError::ContractRegistrar, |r| {
            r.accept_registrar()
        });
        assert!(registry.registrar_offered(a.charlie), "the offer stays");
        // The admin withdraws it like any other.
        act_as(a.alice);
        registry
            .revoke_role(CivicRole::Registrar, a.charlie)
            .unwrap();
        assert!(!registry.registrar_offered(a.charlie));
    }

    #[ink::test]
    fn an_offer_outlives_the_admin_who_made_it_until_the_new_admin_withdraws_it() {
        let mut registry = offered_to_charlie();
        let a = accounts();
        registry.offer_admin(a.frank).unwrap();
        act_as(a.frank);
        registry.accept_admin().unwrap();
        assert!(registry.registrar_offered(a.charlie));
        act_as(a.alice);
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.revoke_role(CivicRole::Registrar, a.charlie)
        });
        act_as(a.frank);
        registry
            .revoke_role(CivicRole::Registrar, a.charlie)
            .unwrap();
        act_as(a.charlie);
        assert_refused(&mut registry, RegistryError::NotOffered, |r| {
            r.accept_registrar()
        });
    }
}

mod admin_seat {
    use super::*;
    use city_traits::fakes::{assert_seat_refused, recorded};

    const ZERO: AccountId = AccountId([0; 32]);

    /// The registry, its seat offered by alice to frank.
    fn offered_to_frank() -> CitizenRegistry {
        let mut registry = registry();
        act_as(accounts().alice);
        registry.offer_admin(accounts().frank).unwrap();
        registry
    }

    #[ink::test]
    fn an_offer_does_not_move_the_seat() {
        let mut registry = offered_to_frank();
        let a = accounts();
        assert_eq!(registry.admin(), a.alice);
        assert_eq!(registry.offered_admin(), Some(a.frank));
        assert_eq!(
            recorded::<AdminOffered>(),
            vec![AdminOffered {
                admin: a.alice,
                to: a.frank
            }]
        );
        registry.grant_role(CivicRole::Registrar, a.eve).unwrap();
        act_as(a.frank);
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.grant_role(CivicRole::Registrar, a.frank)
        });
    }

    #[ink::test]
    fn only_the_offered_account_accepts() {
        let mut registry = offered_to_frank();
        let a = accounts();
        for stranger in [a.alice, a.bob] {
            act_as(stranger);
            assert_seat_refused(&mut registry, AdminError::NotOffered, |r| r.accept_admin());
        }
        act_as(a.frank);
        registry.accept_admin().unwrap();
        assert_eq!(
            (registry.admin(), registry.offered_admin()),
            (a.frank, None)
        );
        assert_eq!(
            recorded::<AdminTransferred>(),
            vec![AdminTransferred {
                previous: a.alice,
                new: a.frank
            }]
        );
    }

    #[ink::test]
    fn a_strangers_accept_and_a_non_holders_offer_are_refused() {
        let mut registry = offered_to_frank();
        let a = accounts();
        act_as(a.bob);
        assert_seat_refused(&mut registry, AdminError::NotOffered, |r| r.accept_admin());
        assert_seat_refused(&mut registry, AdminError::NotAdmin, |r| {
            r.offer_admin(a.bob)
        });
        act_as(a.frank);
        assert_seat_refused(&mut registry, AdminError::NotAdmin, |r| {
            r.offer_admin(a.eve)
        });
    }

    #[ink::test]
    fn a_new_offer_replaces_the_old() {
        let mut registry = offered_to_frank();
        let a = accounts();
        registry.offer_admin(a.eve).unwrap();
        act_as(a.frank);
        assert_seat_refused(&mut registry, AdminError::NotOffered, |r| r.accept_admin());
        act_as(a.eve);
        registry.accept_admin().unwrap();
        assert_eq!(registry.admin(), a.eve);
    }

    #[ink::test]
    fn an_offer_to_the_admin_itself_withdraws_the_offer() {
        let mut registry = offered_to_frank();
        let a = accounts();
        registry.offer_admin(a.alice).unwrap();
        assert_eq!(registry.offered_admin(), None);
        act_as(a.frank);
        assert_seat_refused(&mut registry, AdminError::NotOffered, |r| r.accept_admin());
    }

    #[ink::test]
    fn the_old_admin_has_no_power_after_acceptance() {
        let mut registry = offered_to_frank();
        let a = accounts();
        act_as(a.frank);
        registry.accept_admin().unwrap();
        act_as(a.alice);
        assert_refused(&mut registry, RegistryError::NotAdmin, |r| {
            r.grant_role(CivicRole::Registrar, a.alice)
        });
        assert_seat_refused(&mut registry, AdminError::NotAdmin, |r| {
            r.offer_admin(a.alice)
        });
        act_as(a.frank);
        registry.grant_role(CivicRole::Registrar, a.eve).unwrap();
    }

    #[ink::test]
    fn the_zero_account_is_refused() {
        let mut registry = offered_to_frank();
        assert_seat_refused(&mut registry, AdminError::ZeroAdmin, |r| {
            r.offer_admin(ZERO)
        });
    }
}

mod edges {
    use super::*;

    #[ink::test]
    fn a_role_granted_twice_is_held_and_revoking_one_not_held_changes_nothing() {
        let mut registry = registry();
        let a = accounts();
        registry
            .grant_role(CivicRole::Inspector, a.charlie)
            .unwrap();
        registry
            .grant_role(CivicRole::Inspector, a.charlie)
            .unwrap();
        assert!(registry.has_civic_role(a.charlie, CivicRole::Inspector));
        let before = event_count();
        registry.revoke_role(CivicRole::Worker, a.charlie).unwrap();
        assert_eq!(event_count(), before, "revoking a role not held emitted");
        assert!(registry.has_civic_role(a.charlie, CivicRole::Inspector));
    }

    #[ink::test]
    fn an_identity_lapses_at_its_expiry_to_the_millisecond() {
        let mut registry = registry();
        let a = accounts();
        let expires = START_MS + DAY_MS;
        registry
            .register(a.charlie, IdentityKind::Citizen, document(7), expires)
            .unwrap();
        test::set_block_timestamp::<E>(expires - 1);
        assert_eq!(registry.kind_of(a.charlie), Some(IdentityKind::Citizen));
        test::set_block_timestamp::<E>(expires);
        assert_eq!(registry.kind_of(a.charlie), None);
    }
}

#[ink::test]
fn history_knows_each_expiry_and_refuses_a_card_lapsed_by_a_given_time() {
    let mut registry = registry();
    let carol = accounts().charlie;
    let expiry = START_MS + DAY_MS;
    registry
        .register(carol, IdentityKind::Citizen, document(3), expiry)
        .unwrap();
    let registered = ink::env::block_number::<E>();
    next_block();
    // Lapsed by a time at or after its expiry, live before it; `kind_at` does not judge.
    let valid = |registry: &CitizenRegistry, block, time| {
        registry.kind_valid_at(carol, block, time).unwrap()
    };
    assert_eq!(
        valid(&registry, registered, expiry - 1),
        Some(IdentityKind::Citizen)
    );
    assert_eq!(valid(&registry, registered, expiry), None);
    assert_eq!(
        registry.kind_at(carol, registered),
        Ok(Some(IdentityKind::Citizen))
    );
    // A renewal is history too: from its block on, the new expiry counts, not before.
    registry.renew(carol, expiry + DAY_MS).unwrap();
    let renewed = ink::env::block_number::<E>();
    next_block();
    assert_eq!(
        valid(&registry, renewed, expiry),
        Some(IdentityKind::Citizen)
    );
    assert_eq!(valid(&registry, registered, expiry), None);
    // Renewing changes no count, and the current block is refused.
    assert_eq!(registry.eligible_counts(), [1, 0, 0, 0]);
    assert_eq!(
        registry.kind_valid_at(carol, renewed + 1, expiry),
        Err(RegistryError::BlockNotYetFinished)
    );
}

#[ink::test]
fn the_last_registrar_keeps_its_role() {
    let mut registry = registry(); // bob is the only registrar
    let a = accounts();
    act_as(a.alice);
    assert_refused(&mut registry, RegistryError::LastRegistrar, |r| {
        r.revoke_role(CivicRole::Registrar, a.bob)
    });
    act_as(a.bob);
    assert_refused(&mut registry, RegistryError::LastRegistrar, |r| {
        r.renounce_role(CivicRole::Registrar)
    });
    // With a second registrar, either may go; then the other is the last.
    appoint(&mut registry, a.charlie);
    registry.revoke_role(CivicRole::Registrar, a.bob).unwrap();
    assert!(!registry.has_civic_role(a.bob, CivicRole::Registrar));
    act_as(a.charlie);
    assert_eq!(
        registry.renounce_role(CivicRole::Registrar),
        Err(RegistryError::LastRegistrar)
    );
    // Other roles come and go freely.
    registry.grant_role(CivicRole::Inspector, a.django).unwrap();
    registry
        .revoke_role(CivicRole::Inspector, a.django)
        .unwrap();
}

#[test]
fn the_code_holds_the_storage_version_and_migrations_its_manifest_declares() {
    assert_eq!(
        city_traits::upgrade::declared(include_str!("Cargo.toml")),
        Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
    );
}
