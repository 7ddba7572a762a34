//! Reward rules on the real Wasm, across registry and token: attestations, replays,
//! authorisation, eligibility, caps, budgets, batches and token refusals.

use city_traits::{
    kinds, Action, Attestation, CivicRole, IdentityKind, RewardError, Role, Rule, TokenError,
};
use harness::{
    city::{Actor, ADMIN, ALICE, BOB, CAROL, MALLORY, REWARD_CAP_PER_EPOCH, REWARD_EPOCH_MS},
    City, Fixture, TokenConfig,
};

/// A smart bin in Alice's neighbourhood.
pub const BIN: Actor = Actor("smart-bin-7");
const DAY_MS: u64 = 86_400_000;

/// Two coins (200 cents) per kilogram of recyclables, for citizens and residents.
fn recyclables() -> Rule {
    Rule {
        reward: 200,
        per: 1_000,
        kinds: kinds(&[IdentityKind::Citizen, IdentityKind::Resident]),
    }
}

/// Alice is a citizen, Bob a resident, Carol a visitor; the bin may report recyclables.
pub fn city() -> City {
    city_with(TokenConfig::default())
}

/// [`city`] with a token made from `config`.
fn city_with(config: TokenConfig) -> City {
    let mut city = Fixture::new()
        .token(config)
        .identity(ALICE, IdentityKind::Citizen)
        .identity(BOB, IdentityKind::Resident)
        .identity(CAROL, IdentityKind::Visitor)
        .civic_role(CivicRole::Attester, BIN)
        .build()
        .expect("the city is set up");
    city.rewards(ADMIN)
        .authorise_attester(BIN, &[Action::Recyclables])
        .expect_accepted();
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(recyclables()), 0)
        .expect_accepted();
    city
}

fn receipt(n: u8) -> [u8; 32] {
    [n; 32]
}

#[test]
fn a_bin_drop_mints_the_reward() {
    let mut city = city();
    let outcome = city
        .rewards(BIN)
        .attest(receipt(1), ALICE, Action::Recyclables, 2_500);
    assert_eq!(outcome.events.len(), 1, "Attested");
    assert_eq!(outcome.expect_accepted(), 500);
    assert_eq!(city.balance(ALICE), 500);
    assert_eq!(
        city.rewards(ALICE).earned(ALICE, Action::Recyclables).value,
        (500, 500)
    );
    assert!(city.rewards(ALICE).receipt_seen(BIN, receipt(1)).value);
    assert_eq!(city.rewards(ALICE).minted_total().value, 500);
}

#[test]
fn a_replayed_receipt_is_refused() {
    let mut city = city();
    city.rewards(BIN)
        .attest(receipt(1), ALICE, Action::Recyclables, 2_500)
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::Recyclables, 2_500)
            .expect_refused(),
        RewardError::ReceiptSeen
    );
    assert_eq!(city.balance(ALICE), 500);
}

#[test]
fn only_authorised_attesters_report_only_their_actions() {
    let mut city = city();
    let refusals = [(MALLORY, Action::Recyclables), (BIN, Action::TaxPaid)];
    for (who, action) in refusals {
        assert_eq!(
            city.rewards(who)
                .attest(receipt(1), ALICE, action, 1_000)
                .expect_refused(),
            RewardError::NotAuthorised
        );
    }
    // Authorised here but no longer a device in the registry.
    city.registry(ADMIN)
        .revoke_role(CivicRole::Attester, BIN)
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotAuthorised
    );
    assert_eq!(city.balance(ALICE), 0);
}

#[test]
fn ineligible_beneficiaries_earn_nothing() {
    let mut city = city();
    for (n, who) in [CAROL, MALLORY].into_iter().enumerate() {
        assert_eq!(
            city.rewards(BIN)
                .attest(receipt(n as u8), who, Action::Recyclables, 1_000)
                .expect_refused(),
            RewardError::NotEligible
        );
    }
    // An expired card earns nothing, even before anyone marks it expired.
    city.advance_time(366 * DAY_MS);
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(9), ALICE, Action::Recyclables, 1_000)
            .expect_refused(),
        RewardError::NotEligible
    );
    assert_eq!(city.rewards(ALICE).minted_total().value, 0);
}

#[test]
fn an_action_without_a_rule_in_force_is_refused() {
    let mut city = city();
    city.rewards(ADMIN)
        .authorise_attester(BIN, &[Action::Recyclables, Action::KitchenWaste])
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::KitchenWaste, 1_000)
            .expect_refused(),
        RewardError::NoRule
    );
    // A rule scheduled for tomorrow applies from tomorrow.
    let tomorrow = city.now_ms() + DAY_MS;
    city.rewards(ADMIN)
        .set_rule(Action::KitchenWaste, Some(recyclables()), tomorrow)
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::KitchenWaste, 1_000)
            .expect_refused(),
        RewardError::NoRule
    );
    city.advance_time(DAY_MS);
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::KitchenWaste, 1_000)
            .expect_accepted(),
        200
    );
}

#[test]
fn the_daily_cap_pays_up_to_what_is_left_then_nothing_until_tomorrow() {
    let mut city = city();
    let cap = REWARD_CAP_PER_EPOCH;
    assert_eq!(city.rewards(ALICE).remaining_cap(ALICE).value, cap);
    let outcome = city
        .rewards(BIN)
        .attest(receipt(1), ALICE, Action::Recyclables, 1_000_000);
    assert_eq!(outcome.expect_accepted(), cap, "paid up to the cap");
    // At the cap a drop is recorded and pays nothing; the receipt is spent.
    let capped = city
        .rewards(BIN)
        .attest(receipt(2), ALICE, Action::Recyclables, 1_000);
    assert_eq!(capped.events.len(), 1, "Attested with reward 0");
    assert_eq!(capped.expect_accepted(), 0);
    assert!(city.rewards(BIN).receipt_seen(BIN, receipt(2)).value);
    assert_eq!(city.balance(ALICE), cap);
    city.advance_time(REWARD_EPOCH_MS);
    assert_eq!(city.rewards(ALICE).remaining_cap(ALICE).value, cap);
    city.rewards(BIN)
        .attest(receipt(3), ALICE, Action::Recyclables, 1_000)
        .expect_accepted();
    assert_eq!(city.balance(ALICE), cap + 200);
}

#[test]
fn the_daily_budget_is_shared_and_never_exceeded() {
    let mut city = city();
    city.rewards(ADMIN)
        .set_limits(10_000, 600)
        .expect_accepted();
    city.rewards(BIN)
        .attest(receipt(1), ALICE, Action::Recyclables, 2_500)
        .expect_accepted();
    let bob = city
        .rewards(BIN)
        .attest(receipt(2), BOB, Action::Recyclables, 2_500);
    assert_eq!(bob.expect_accepted(), 100, "what was left of the budget");
    let spent = city
        .rewards(BIN)
        .attest(receipt(3), BOB, Action::Recyclables, 1_000);
    assert_eq!(spent.expect_accepted(), 0, "the budget is spent");
    assert_eq!(city.rewards(ALICE).remaining_budget().value, 0);
    assert_eq!(city.balance(ALICE) + city.balance(BOB), 600);
}

#[test]
fn a_batch_applies_whole_or_not_at_all() {
    let mut city = city();
    let drop = |n: u8, who: Actor, grams| Attestation {
        receipt: receipt(n),
        beneficiary: who.account(),
        action: Action::Recyclables,
        quantity: grams,
    };
    // The third drop replays the first receipt: nothing of the batch happens.
    let refused = city
        .rewards(BIN)
        .attest_batch(&[
            drop(1, ALICE, 1_000),
            drop(2, BOB, 1_000),
            drop(1, BOB, 500),
        ])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (2, RewardError::ReceiptSeen)
    );
    assert!(!city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
    assert_eq!(city.balance(ALICE) + city.balance(BOB), 0);

    let paid = city.rewards(BIN).attest_batch(&[
        drop(1, ALICE, 1_000),
        drop(2, BOB, 1_000),
        drop(3, ALICE, 500),
    ]);
    assert_eq!(paid.events.len(), 3, "one Attested per drop");
    assert_eq!(paid.expect_accepted(), 500);
    assert_eq!((city.balance(ALICE), city.balance(BOB)), (300, 200));

    let too_many: Vec<_> = (0..51).map(|n| drop(n + 10, ALICE, 1)).collect();
    let refused = city.rewards(BIN).attest_batch(&too_many).expect_refused();
    assert_eq!(refused.error, RewardError::BatchTooLarge);
}

#[test]
fn a_batch_learns_each_beneficiarys_kind_in_its_own_place() {
    let mut city = city();
    let drop = |n: u8, who: Actor| Attestation {
        receipt: receipt(n),
        beneficiary: who.account(),
        action: Action::Recyclables,
        quantity: 1_000,
    };
    // One question to the registry for the batch: carol, a visitor, is not rewarded, and
    // her answer must not land on anyone else's drop (nor theirs on hers).
    let refused = city
        .rewards(BIN)
        .attest_batch(&[drop(1, BOB), drop(2, ALICE), drop(3, BOB), drop(4, CAROL)])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (3, RewardError::NotEligible)
    );
    let refused = city
        .rewards(BIN)
        .attest_batch(&[drop(1, CAROL), drop(2, ALICE)])
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (0, RewardError::NotEligible)
    );
    let mallory_first = [drop(1, MALLORY), drop(2, ALICE)];
    let refused = city
        .rewards(BIN)
        .attest_batch(&mallory_first)
        .expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (0, RewardError::NotEligible)
    );
    let paid = city.rewards(BIN).attest_batch(&[
        drop(1, BOB),
        drop(2, ALICE),
        drop(3, BOB),
        drop(4, ALICE),
    ]);
    assert_eq!(paid.expect_accepted(), 800);
    assert_eq!((city.balance(ALICE), city.balance(BOB)), (400, 400));
    assert_eq!(city.balance(CAROL), 0);
}

#[test]
fn a_token_that_refuses_to_mint_leaves_the_rules_unchanged() {
    let mut city = city();
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();
    city.token(ADMIN).pause().expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::Recyclables, 2_500)
            .expect_refused(),
        RewardError::TokenRefused(TokenError::Paused)
    );
    // A batch's one mint_many is refused the same way, at the index past the batch.
    let batch = [(2, ALICE), (3, BOB)].map(|(n, who)| Attestation {
        receipt: receipt(n),
        beneficiary: who.account(),
        action: Action::Recyclables,
        quantity: 2_500,
    });
    let refused = city.rewards(BIN).attest_batch(&batch).expect_refused();
    assert_eq!(
        (refused.index, refused.error),
        (2, RewardError::TokenRefused(TokenError::Paused))
    );
    assert!(!city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
    assert_eq!(
        city.rewards(ALICE).earned(ALICE, Action::Recyclables).value,
        (0, 0)
    );
    assert_eq!(city.rewards(ALICE).minted_total().value, 0);
}

#[test]
fn a_token_at_its_cap_refuses_the_mint_and_the_rules_stay_unchanged() {
    let config = TokenConfig {
        cap: 1_000,
        initial_supply: 900,
        ..TokenConfig::default()
    };
    let mut city = city_with(config);
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::Recyclables, 2_500)
            .expect_refused(),
        RewardError::TokenRefused(TokenError::CapExceeded)
    );
    assert!(!city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
    assert_eq!(
        city.rewards(ALICE).remaining_cap(ALICE).value,
        REWARD_CAP_PER_EPOCH
    );
}

#[test]
fn an_absurd_quantity_is_paid_up_to_the_cap_without_overflow() {
    // u128::MAX grams: quantity x reward overflows a u128, the reward itself does not.
    let mut city = city();
    let paid = city
        .rewards(BIN)
        .attest(receipt(1), ALICE, Action::Recyclables, u128::MAX);
    assert_eq!(paid.expect_accepted(), REWARD_CAP_PER_EPOCH);
    assert!(city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
}

#[test]
fn a_reward_beyond_a_balance_overflows_cleanly() {
    let mut city = city();
    let doubling = Rule {
        reward: 2,
        per: 1,
        kinds: kinds(&IdentityKind::ALL),
    };
    city.rewards(ADMIN)
        .set_rule(Action::Recyclables, Some(doubling), 0)
        .expect_accepted();
    assert_eq!(
        city.rewards(BIN)
            .attest(receipt(1), ALICE, Action::Recyclables, u128::MAX)
            .expect_refused(),
        RewardError::Overflow
    );
    assert!(!city.rewards(BIN).receipt_seen(BIN, receipt(1)).value);
}
