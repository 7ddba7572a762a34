//! Off-chain unit tests: administration, rule schedules, the reward arithmetic, and
//! attestations against stand-ins for the registry and the token (city-traits' `fakes`:
//! ink! 5's off-chain environment cannot call another contract). Attestation between the
//! real contracts is tested on the Wasm in the harness.

use crate::reward_rules::*;
use city_traits::{
    fakes::world, kinds, Action, Admin as _, AdminError, AdminOffered, AdminTransferred,
    Attestation, BatchError, CivicRole, IdentityKind, RewardError, Rule, TokenError,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const DAY_MS: u64 = 86_400_000;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

/// Rules made by alice, minting through frank's token for eve's registry.
fn rules() -> RewardRules {
    test::set_block_timestamp::<E>(10 * DAY_MS);
    act_as(accounts().alice);
    let a = accounts();
    RewardRules::new(a.frank, a.eve, DAY_MS, 1_000, 10_000)
}

fn per_kilo(reward: u128) -> Rule {
    Rule {
        reward,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Citizen, IdentityKind::Resident]),
    }
}

#[ink::test]
fn a_rule_applies_from_its_time_and_the_old_one_until_then() {
    let mut rules = rules();
    rules
        .set_rule(Action::Recyclables, Some(per_kilo(10)), 0)
        .unwrap();
    assert_eq!(rules.rule(Action::Recyclables), Some(per_kilo(10)));
    rules
        .set_rule(Action::Recyclables, Some(per_kilo(20)), 12 * DAY_MS)
        .unwrap();
    assert_eq!(rules.rule(Action::Recyclables), Some(per_kilo(10)));
    test::set_block_timestamp::<E>(12 * DAY_MS);
    assert_eq!(rules.rule(Action::Recyclables), Some(per_kilo(20)));
    rules
        .set_rule(Action::Recyclables, None, 13 * DAY_MS)
        .unwrap();
    assert_eq!(
        rules.schedule(Action::Recyclables).current,
        Some(per_kilo(20))
    );
    test::set_block_timestamp::<E>(13 * DAY_MS);
    assert_eq!(rules.rule(Action::Recyclables), None);
    assert_eq!(test::recorded_events().count(), 3);
}

#[ink::test]
fn only_the_admin_administers() {
    let mut rules = rules();
    let a = accounts();
    act_as(a.bob);
    assert_eq!(
        rules.set_rule(Action::TaxPaid, Some(per_kilo(1)), 0),
        Err(RewardError::NotAdmin)
    );
    assert_eq!(
        rules.authorise_attester(a.bob, vec![Action::TaxPaid]),
        Err(RewardError::NotAdmin)
    );
    assert_eq!(rules.set_limits(1, 1), Err(RewardError::NotAdmin));
    assert_eq!(rules.offer_admin(a.bob), Err(AdminError::NotAdmin));
    assert_eq!(test::recorded_events().count(), 0);
}

#[ink::test]
fn a_rule_per_zero_units_is_refused() {
    let mut rules = rules();
    let zero = Rule {
        per: 0,
        ..per_kilo(1)
    };
    assert_eq!(
        rules.set_rule(Action::WaterSaved, Some(zero), 0),
        Err(RewardError::ZeroPer)
    );
    assert_eq!(rules.rule(Action::WaterSaved), None);
}

#[ink::test]
fn attesters_are_authorised_per_action() {
    let mut rules = rules();
    let a = accounts();
    rules
        .authorise_attester(a.charlie, vec![Action::Recyclables, Action::KitchenWaste])
        .unwrap();
    assert_eq!(
        rules.attester_actions(a.charlie),
        vec![Action::Recyclables, Action::KitchenWaste]
    );
    rules.authorise_attester(a.charlie, vec![]).unwrap();
    assert!(rules.attester_actions(a.charlie).is_empty());
    // An action listed twice is authorised once.
    rules
        .authorise_attester(a.charlie, vec![Action::WaterSaved, Action::WaterSaved])
        .unwrap();
    assert_eq!(rules.attester_actions(a.charlie), vec![Action::WaterSaved]);
}

#[ink::test]
fn an_unauthorised_attester_is_refused_before_anything_else() {
    let mut rules = rules();
    let a = accounts();
    act_as(a.django);
    assert_eq!(
        rules.attest([1; 32], a.bob, Action::Recyclables, 1_000),
        Err(RewardError::NotAuthorised)
    );
    let item = Attestation {
        receipt: [1; 32],
        beneficiary: a.bob,
        action: Action::Recyclables,
        quantity: 1_000,
    };
    let refused = rules.attest_batch(vec![item]).unwrap_err();
    assert_eq!(
        (refused.index, refused.error),
        (0, RewardError::NotAuthorised)
    );
    let too_many = rules.attest_batch(vec![item; MAX_BATCH + 1]).unwrap_err();
    assert_eq!(too_many.error, RewardError::BatchTooLarge);
    // A full batch is not too large: it is refused for its first item.
    let full = rules.attest_batch(vec![item; MAX_BATCH]).unwrap_err();
    assert_eq!((full.index, full.error), (0, RewardError::NotAuthorised));
    assert!(!rules.receipt_seen(a.django, [1; 32]));
    assert_eq!(rules.minted_total(), 0);
}

#[ink::test]
fn limits_and_epochs() {
    let mut rules = rules();
    let a = accounts();
    assert_eq!(rules.epoch(), 10);
    assert_eq!(rules.remaining_cap(a.bob), 1_000);
    assert_eq!(rules.remaining_budget(), 10_000);
    rules.set_limits(5, 50).unwrap();
    assert_eq!(
        (rules.remaining_cap(a.bob), rules.remaining_budget()),
        (5, 50)
    );
    assert_eq!(rules.earned(a.bob, Action::TaxPaid), (0, 0));
}

#[test]
fn rewards_round_down_are_exact_for_any_quantity_and_overflow_is_caught() {
    let rule = per_kilo(15);
    assert_eq!(rule.reward_for(2_500), Some(37));
    assert_eq!(rule.reward_for(999), Some(14));
    assert_eq!(rule.reward_for(66), Some(0));
    // u128::MAX x 15 / 1,000: the product overflows, the reward does not.
    assert_eq!(
        rule.reward_for(u128::MAX),
        Some(5_104_235_503_814_076_951_950_619_111_476_523_171)
    );
    let doubling = Rule {
        reward: 2,
        per: 1,
        kinds: 1,
    };
    assert_eq!(doubling.reward_for(u128::MAX), None);
    assert!(rule.rewards(IdentityKind::Resident));
    assert!(!rule.rewards(IdentityKind::Visitor));
}

/// Alice's rules paying 10 per kilo of recyclables (cap 1,000, budget 10,000 a day),
/// charlie a bin authorised for them, bob a citizen, django a visitor, eve unregistered.
fn attesting() -> RewardRules {
    let mut rules = rules();
    let a = accounts();
    rules
        .set_rule(Action::Recyclables, Some(per_kilo(10)), 0)
        .unwrap();
    rules
        .authorise_attester(a.charlie, vec![Action::Recyclables])
        .unwrap();
    world(|w| {
        w.roles.push((a.charlie, CivicRole::Attester));
        w.kinds.insert(a.bob, IdentityKind::Citizen);
        w.kinds.insert(a.django, IdentityKind::Visitor);
    });
    act_as(a.charlie);
    rules
}

fn seen(byte: u8, beneficiary: AccountId, grams: u128) -> Attestation {
    Attestation {
        receipt: [byte; 32],
        beneficiary,
        action: Action::Recyclables,
        quantity: grams,
    }
}

#[ink::test]
fn an_attestation_books_and_mints_the_reward_once() {
    let mut rules = attesting();
    let bob = accounts().bob;
    assert_eq!(
        rules.attest([1; 32], bob, Action::Recyclables, 2_500),
        Ok(25)
    );
    assert_eq!(world(|w| w.minted.clone()), vec![(bob, 25)]);
    assert_eq!(rules.earned(bob, Action::Recyclables), (25, 25));
    assert_eq!(rules.earned(bob, Action::TaxPaid), (25, 0));
    assert_eq!(rules.minted_total(), 25);
    assert_eq!(rules.remaining_budget(), 10_000 - 25);
    let bin = accounts().charlie;
    assert!(rules.receipt_seen(bin, [1; 32]) && !rules.receipt_seen(bin, [2; 32]));
    assert_eq!(
        rules.attest([1; 32], bob, Action::Recyclables, 2_500),
        Err(RewardError::ReceiptSeen)
    );
    assert_eq!(world(|w| w.minted.len()), 1);
}

#[ink::test]
fn an_attestation_is_indexed_by_its_beneficiary_alone() {
    let mut rules = attesting();
    let (bob, bin) = (accounts().bob, accounts().charlie);
    rules
        .attest([1; 32], bob, Action::Recyclables, 2_500)
        .unwrap();
    let signature = <Attested as ink::env::Event>::SIGNATURE_TOPIC.map(|topic| topic.to_vec());
    let attested: Vec<_> = test::recorded_events()
        .filter(|event| event.topics.first().cloned() == signature)
        .collect();
    let [event] = &attested[..] else {
        panic!("one Attested, not {}", attested.len());
    };
    // Each topic costs the chain a storage read and write: the action and the attester
    // are in the data.
    let expected: [&[u8]; 1] = [bob.as_ref()];
    assert_eq!(event.topics[1..], expected);
    let data: Attested = ink::scale::Decode::decode(&mut &event.data[..]).unwrap();
    assert_eq!((data.attester, data.action), (bin, Action::Recyclables));
}

#[ink::test]
fn only_rewarded_kinds_of_live_identities_are_paid() {
    let mut rules = attesting();
    let a = accounts();
    for who in [a.django, a.eve] {
        assert_eq!(
            rules.attest([3; 32], who, Action::Recyclables, 1_000),
            Err(RewardError::NotEligible)
        );
    }
    assert!(world(|w| w.minted.is_empty()));
    assert_eq!(rules.minted_total(), 0);
}

#[ink::test]
fn a_bin_without_the_registry_role_or_the_action_is_not_authorised() {
    let mut rules = attesting();
    let a = accounts();
    world(|w| w.roles.clear());
    assert_eq!(
        rules.attest([1; 32], a.bob, Action::Recyclables, 1_000),
        Err(RewardError::NotAuthorised)
    );
    assert_eq!(rules.attester_actions(a.charlie), vec![Action::Recyclables]);
    world(|w| w.roles.push((a.charlie, CivicRole::Attester)));
    assert_eq!(
        rules.attest([1; 32], a.bob, Action::TaxPaid, 1_000),
        Err(RewardError::NotAuthorised)
    );
}

#[ink::test]
fn a_capped_beneficiary_is_recorded_and_paid_nothing_more() {
    let mut rules = attesting();
    let bob = accounts().bob;
    // 200 kg would pay 2,000: the cap of 1,000 a day pays half.
    assert_eq!(
        rules.attest([1; 32], bob, Action::Recyclables, 200_000),
        Ok(1_000)
    );
    assert_eq!(
        rules.attest([2; 32], bob, Action::Recyclables, 1_000),
        Ok(0)
    );
    assert!(rules.receipt_seen(accounts().charlie, [2; 32]));
    // Nothing is minted for nothing.
    assert_eq!(world(|w| w.minted.clone()), vec![(bob, 1_000)]);
}

#[ink::test]
fn a_token_refusal_is_the_attestations_error() {
    let mut rules = attesting();
    world(|w| w.refuse_mint = Some(TokenError::CapExceeded));
    assert_eq!(
        rules.attest([1; 32], accounts().bob, Action::Recyclables, 1_000),
        Err(RewardError::TokenRefused(TokenError::CapExceeded))
    );
    assert_eq!(
        rules.attest_batch(vec![seen(2, accounts().bob, 1_000)]),
        Err(BatchError {
            index: 1,
            error: RewardError::TokenRefused(TokenError::CapExceeded)
        })
    );
}

#[ink::test]
fn a_batch_mints_once_per_beneficiary_and_asks_the_registry_once() {
    let mut rules = attesting();
    let a = accounts();
    let batch = vec![
        seen(1, a.bob, 1_000),
        seen(2, a.bob, 2_000),
        seen(3, a.bob, 3_000),
    ];
    assert_eq!(rules.attest_batch(batch), Ok(60));
    assert_eq!(world(|w| w.minted.clone()), vec![(a.bob, 60)]);
    assert_eq!(world(|w| w.asked_kinds), 1, "one question for the batch");
    // Each beneficiary's kind is its own: eve, unregistered, is refused at her index.
    assert_eq!(
        rules.attest_batch(vec![seen(4, a.bob, 1_000), seen(5, a.eve, 1_000)]),
        Err(BatchError {
            index: 1,
            error: RewardError::NotEligible
        })
    );
    assert_eq!(world(|w| w.asked_kinds), 2, "one question for both");
    // An attester with no rights asks nothing.
    act_as(a.django);
    let refused = rules.attest_batch(vec![seen(6, a.bob, 1_000)]);
    assert_eq!(
        refused.map_err(|e| e.error),
        Err(RewardError::NotAuthorised)
    );
    assert_eq!(world(|w| w.asked_kinds), 2);
}

#[ink::test]
fn a_batch_books_its_beneficiaries_as_one_attestation_after_another() {
    let mut rules = attesting();
    let a = accounts();
    world(|w| w.kinds.insert(a.eve, IdentityKind::Resident));
    // With a cap of 1,000 a day, bob's third report reaches it inside the batch; eve is
    // paid beside him. Bob: 400, 500, then 100 of 300; eve: 100, then 10.
    let batch = vec![
        seen(1, a.bob, 40_000),
        seen(2, a.eve, 10_000),
        seen(3, a.bob, 50_000),
        seen(4, a.bob, 30_000),
        seen(5, a.eve, 1_000),
    ];
    assert_eq!(rules.attest_batch(batch), Ok(1_110));
    assert_eq!(
        world(|w| w.minted.clone()),
        vec![(a.bob, 1_000), (a.eve, 110)]
    );
    assert_eq!(rules.earned(a.bob, Action::Recyclables), (1_000, 1_000));
    assert_eq!(rules.earned(a.eve, Action::Recyclables), (110, 110));
    assert_eq!(rules.minted_total(), 1_110);
    assert_eq!(rules.remaining_budget(), 10_000 - 1_110);
    // What the batch booked was written back: the next calls see it.
    assert_eq!(
        rules.attest([6; 32], a.bob, Action::Recyclables, 1_000),
        Ok(0)
    );
    assert_eq!(
        rules.attest([7; 32], a.eve, Action::Recyclables, 1_000),
        Ok(10)
    );
    assert_eq!(rules.remaining_budget(), 10_000 - 1_120);
}

#[ink::test]
fn a_batch_shares_one_cap_across_actions_and_keeps_each_actions_earnings() {
    let mut rules = attesting();
    let a = accounts();
    act_as(a.alice);
    rules
        .set_rule(Action::KitchenWaste, Some(per_kilo(10)), 0)
        .unwrap();
    rules
        .authorise_attester(a.charlie, vec![Action::Recyclables, Action::KitchenWaste])
        .unwrap();
    act_as(a.charlie);
    let kitchen = |byte, grams| Attestation {
        action: Action::KitchenWaste,
        ..seen(byte, a.bob, grams)
    };
    // 80 kg of recyclables pay 800; 50 kg of kitchen waste would pay 500, the cap 200.
    let batch = vec![seen(1, a.bob, 80_000), kitchen(2, 50_000)];
    assert_eq!(rules.attest_batch(batch), Ok(1_000));
    assert_eq!(rules.earned(a.bob, Action::Recyclables), (1_000, 800));
    assert_eq!(rules.earned(a.bob, Action::KitchenWaste), (1_000, 200));
    assert_eq!(rules.remaining_cap(a.bob), 0);
}

#[ink::test]
fn a_batch_spends_the_budget_in_order_and_pays_nothing_past_it() {
    let mut rules = attesting();
    let a = accounts();
    world(|w| w.kinds.insert(a.eve, IdentityKind::Resident));
    act_as(a.alice);
    rules.set_limits(1_000, 1_500).unwrap();
    act_as(a.charlie);
    let batch = vec![
        seen(1, a.bob, 100_000),
        seen(2, a.eve, 100_000),
        seen(3, a.eve, 1_000),
    ];
    assert_eq!(rules.attest_batch(batch), Ok(1_500));
    let rewards: Vec<u128> = city_traits::fakes::recorded::<Attested>()
        .iter()
        .map(|event| event.reward)
        .collect();
    assert_eq!(rewards, vec![1_000, 500, 0]);
    assert_eq!(rules.remaining_budget(), 0);
    assert_eq!(rules.remaining_cap(a.eve), 500);
    assert_eq!(
        rules.attest([4; 32], a.eve, Action::Recyclables, 1_000),
        Ok(0)
    );
}

#[ink::test]
fn receipts_are_the_attesters_own_and_cannot_be_squatted() {
    let mut rules = attesting();
    let a = accounts();
    // A second authorised bin takes charlie's next receipt id first, with a 1 g drop.
    let squatter = AccountId::from([0x5a; 32]);
    act_as(a.alice);
    rules
        .authorise_attester(squatter, vec![Action::Recyclables])
        .unwrap();
    world(|w| w.roles.push((squatter, CivicRole::Attester)));
    act_as(squatter);
    assert_eq!(rules.attest([9; 32], a.bob, Action::Recyclables, 1), Ok(0));
    assert!(rules.receipt_seen(squatter, [9; 32]) && !rules.receipt_seen(a.charlie, [9; 32]));
    // Charlie's batch under that id is still paid, and charlie cannot replay it.
    act_as(a.charlie);
    assert_eq!(rules.attest_batch(vec![seen(9, a.bob, 1_000)]), Ok(10));
    assert_eq!(
        rules.attest([9; 32], a.bob, Action::Recyclables, 1_000),
        Err(RewardError::ReceiptSeen)
    );
}

mod admin_seat {
    use super::*;
    use city_traits::fakes::{assert_seat_refused, recorded};

    /// The rules, their seat offered by alice to bob.
    fn offered_to_bob() -> RewardRules {
        let mut rules = rules();
        rules.offer_admin(accounts().bob).unwrap();
        rules
    }

    #[ink::test]
    fn an_offer_does_not_move_the_seat() {
        let mut rules = offered_to_bob();
        let a = accounts();
        assert_eq!(
            (rules.admin(), rules.offered_admin()),
            (a.alice, Some(a.bob))
        );
        assert_eq!(
            recorded::<AdminOffered>(),
            vec![AdminOffered {
                admin: a.alice,
                to: a.bob
            }]
        );
        rules.set_limits(5, 50).unwrap();
        act_as(a.bob);
        assert_eq!(rules.set_limits(1, 1), Err(RewardError::NotAdmin));
    }

    #[ink::test]
    fn only_the_offered_account_accepts() {
        let mut rules = offered_to_bob();
        let a = accounts();
        for stranger in [a.alice, a.charlie] {
            act_as(stranger);
            assert_seat_refused(&mut rules, AdminError::NotOffered, |r| r.accept_admin());
        }
        act_as(a.bob);
        rules.accept_admin().unwrap();
        assert_eq!((rules.admin(), rules.offered_admin()), (a.bob, None));
        assert_eq!(
            recorded::<AdminTransferred>(),
            vec![AdminTransferred {
                previous: a.alice,
                new: a.bob
            }]
        );
    }

    #[ink::test]
    fn a_strangers_accept_and_a_non_holders_offer_are_refused() {
        let mut rules = offered_to_bob();
        let a = accounts();
        act_as(a.charlie);
        assert_seat_refused(&mut rules, AdminError::NotOffered, |r| r.accept_admin());
        assert_seat_refused(&mut rules, AdminError::NotAdmin, |r| {
            r.offer_admin(a.charlie)
        });
        act_as(a.bob);
        assert_seat_refused(&mut rules, AdminError::NotAdmin, |r| {
            r.offer_admin(a.charlie)
        });
    }

    #[ink::test]
    fn a_new_offer_replaces_the_old() {
        let mut rules = offered_to_bob();
        let a = accounts();
        rules.offer_admin(a.charlie).unwrap();
        act_as(a.bob);
        assert_seat_refused(&mut rules, AdminError::NotOffered, |r| r.accept_admin());
        act_as(a.charlie);
        rules.accept_admin().unwrap();
        assert_eq!(rules.admin(), a.charlie);
    }

    #[ink::test]
    fn an_offer_to_the_admin_itself_withdraws_the_offer() {
        let mut rules = offered_to_bob();
        let a = accounts();
        rules.offer_admin(a.alice).unwrap();
        assert_eq!(rules.offered_admin(), None);
        act_as(a.bob);
        assert_seat_refused(&mut rules, AdminError::NotOffered, |r| r.accept_admin());
    }

    #[ink::test]
    fn the_old_admin_has_no_power_after_acceptance() {
        let mut rules = offered_to_bob();
        let a = accounts();
        act_as(a.bob);
        rules.accept_admin().unwrap();
        act_as(a.alice);
        assert_eq!(
            rules.set_rule(Action::TaxPaid, Some(per_kilo(1)), 0),
            Err(RewardError::NotAdmin)
        );
        assert_eq!(rules.set_limits(1, 1), Err(RewardError::NotAdmin));
        assert_seat_refused(&mut rules, AdminError::NotAdmin, |r| r.offer_admin(a.alice));
        act_as(a.bob);
        rules.set_limits(1, 1).unwrap();
    }

    #[ink::test]
    fn the_zero_account_is_refused() {
        let mut rules = offered_to_bob();
        assert_seat_refused(&mut rules, AdminError::ZeroAdmin, |r| {
            r.offer_admin(AccountId::from([0; 32]))
        });
    }
}

#[test]
fn the_code_holds_the_storage_version_and_migrations_its_manifest_declares() {
    assert_eq!(
        city_traits::upgrade::declared(include_str!("Cargo.toml")),
        Some((STORAGE_VERSION, MIGRATES_FROM.to_vec()))
    );
}
