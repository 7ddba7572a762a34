//! Off-chain unit tests of the messages: the admin seat, who opens campaigns and names
//! recipients, gifts, disbursements, refunds, rollovers and traces, against stand-ins for
//! the registry and the token (city-traits' `fakes`). The ledger's rules are tested in
//! `ledger.rs`; the charity between the real contracts is tested on the Wasm in the
//! harness.

use crate::charity::*;
use city_traits::{
    fakes::{assert_seat_refused, recorded, world},
    Admin as _, AdminError, AtEnd, CampaignPlan, CharityError, CivicRole, EarmarkPlan,
    IdentityKind, PSP22Error, Role, TransferPolicy, WHOLE,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const DAY_MS: u64 = 86_400_000;
const FOOD: u8 = 1;
const HEATING: u8 = 2;

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

fn at(day: u64) {
    test::set_block_timestamp::<E>(day * DAY_MS);
}

/// The charity's own account (the off-chain callee).
fn charity_account() -> AccountId {
    AccountId::from([0xcc; 32])
}

fn donor(n: u8) -> AccountId {
    AccountId::from([100 + n; 32])
}

/// A charity made by alice on day 1, whose registry knows bob as a service provider (a
/// charity), charlie as a shelter (a service provider) and django as a citizen, and whose
/// token gave donors 1 to 3 1,000 coins each, allowed to the charity.
fn charity() -> Charity {
    test::set_callee::<E>(charity_account());
    at(1);
    let a = accounts();
    act_as(a.alice);
    let charity = Charity::new(a.frank, a.eve, 1_000);
    world(|w| {
        w.roles.push((a.bob, CivicRole::ServiceProvider));
        w.roles.push((a.charlie, CivicRole::ServiceProvider));
        w.token_roles.push((a.charlie, Role::ServiceProvider));
        for account in [a.bob, a.charlie] {
            w.kinds.insert(account, IdentityKind::Resident);
        }
        w.kinds.insert(a.django, IdentityKind::Citizen);
        for n in 1..=3 {
            w.balances.insert(donor(n), 1_000);
            w.allowances.insert((donor(n), charity_account()), 1_000);
        }
    });
    charity
}

fn plan(at_end: AtEnd) -> CampaignPlan {
    CampaignPlan {
        cause: [1; 32],
        earmarks: vec![
            EarmarkPlan {
                purpose: [2; 32],
                target: 1_000,
            },
            EarmarkPlan {
                purpose: [3; 32],
                target: 500,
            },
        ],
        deadline: 10 * DAY_MS,
        approval_threshold: 400,
        at_end,
    }
}

/// A campaign of bob's with charlie and django as recipients.
fn opened(charity: &mut Charity, at_end: AtEnd) -> u32 {
    let a = accounts();
    act_as(a.bob);
    let id = charity.open_campaign(plan(at_end)).unwrap();
    charity.add_recipient(id, a.charlie).unwrap();
    charity.add_recipient(id, a.django).unwrap();
    id
}

/// A new evidence hash each time (each pays once).
fn fresh() -> [u8; 32] {
    thread_local!(static NEXT: core::cell::Cell<u8> = const { core::cell::Cell::new(1) });
    NEXT.with(|next| {
        next.set(next.get() + 1);
        [next.get(); 32]
    })
}

fn balance(account: AccountId) -> u128 {
    world(|w| w.balances.get(&account).copied().unwrap_or_default())
}

#[ink::test]
fn only_a_charity_or_governance_opens_a_campaign() {
    let mut charity = charity();
    let a = accounts();
    act_as(a.django);
    assert_eq!(
        charity.open_campaign(plan(AtEnd::Refund)),
        Err(CharityError::NotACharity)
    );
    assert_eq!(charity.campaign_count(), 0);
    act_as(a.alice);
    assert_eq!(charity.open_campaign(plan(AtEnd::Refund)), Ok(0));
    act_as(a.bob);
    assert_eq!(charity.open_campaign(plan(AtEnd::RollOver)), Ok(1));
    let campaign = charity.campaign(1).unwrap();
    assert_eq!((campaign.organiser, campaign.earmarks), (Some(a.bob), 2));
    assert_eq!(
        charity.campaign(0).unwrap().organiser,
        None,
        "governance's own"
    );
    assert_eq!(charity.pot(1, HEATING).unwrap().target, 500);
    assert_eq!(charity.pot(1, 3), None);
    assert_eq!(recorded::<CampaignOpened>().len(), 2);
    let mut late = plan(AtEnd::Refund);
    late.deadline = DAY_MS;
    assert_eq!(
        charity.open_campaign(late),
        Err(CharityError::DeadlinePassed)
    );
}

#[ink::test]
fn recipients_are_live_identities_never_the_organiser_and_only_the_organiser_names_them() {
    let mut charity = charity();
    let a = accounts();
    act_as(a.bob);
    let id = charity.open_campaign(plan(AtEnd::Refund)).unwrap();
    assert_eq!(
        charity.add_recipient(id, a.bob),
        Err(CharityError::NotEligible)
    );
    assert_eq!(
        charity.add_recipient(id, a.eve),
        Err(CharityError::NotEligible)
    );
    charity.add_recipient(id, a.charlie).unwrap();
    charity.add_recipient(id, a.charlie).unwrap();
    assert_eq!(
        recorded::<RecipientChanged>().len(),
        1,
        "a second add is a no-op"
    );
    act_as(a.charlie);
    assert_eq!(
        charity.add_recipient(id, a.django),
        Err(CharityError::NotOrganiser)
    );
    assert_eq!(
        charity.remove_recipient(id, a.charlie),
        Err(CharityError::NotOrganiser)
    );
    act_as(a.alice);
    charity.add_recipient(id, a.django).unwrap();
    charity.remove_recipient(id, a.django).unwrap();
    assert_eq!(
        charity.remove_recipient(id, a.django),
        Err(CharityError::NotARecipient)
    );
    assert_eq!(
        charity.add_recipient(7, a.django),
        Err(CharityError::UnknownCampaign)
    );
    at(10);
    act_as(a.bob);
    assert_eq!(
        charity.add_recipient(id, a.django),
        Err(CharityError::CampaignClosed)
    );
}

#[ink::test]
fn gifts_are_received_with_receipts_up_to_an_earmarks_target() {
    let mut charity = charity();
    let id = opened(&mut charity, AtEnd::Refund);
    act_as(donor(1));
    assert_eq!(charity.give(id, HEATING, 300), Ok(0));
    assert_eq!(
        charity.give(id, HEATING, 201),
        Err(CharityError::OverTarget)
    );
    assert_eq!(charity.give(id, WHOLE, 600), Ok(1));
    assert_eq!(charity.give(id, 3, 1), Err(CharityError::UnknownPot));
    assert_eq!(balance(charity_account()), 900);
    assert_eq!(charity.pot(id, HEATING).unwrap().given, 300);
    assert_eq!(charity.campaign(id).unwrap().gifts, 2);
    let receipts = recorded::<GiftReceived>();
    assert_eq!(receipts.len(), 2);
    assert_eq!(
        (receipts[1].pot, receipts[1].amount, receipts[1].receipt),
        (WHOLE, 600, 1)
    );
    // The token's refusal is the donor's error (on chain it reverts the whole call; the
    // harness checks that nothing changed).
    act_as(donor(2));
    world(|w| w.allowances.insert((donor(2), charity_account()), 10));
    assert_eq!(
        charity.give(id, FOOD, 11),
        Err(CharityError::TokenRefused(
            PSP22Error::InsufficientAllowance
        ))
    );
}

#[ink::test]
fn where_governance_set_receipts_each_gift_is_written_in_civic_records() {
    let mut charity = charity();
    let id = opened(&mut charity, AtEnd::Refund);
    let a = accounts();
    let records = AccountId::from([0xdd; 32]);
    // Only the admin sets them, and only to a contract.
    act_as(a.alice);
    assert_eq!(
        charity.set_receipts(Some((records, 4))),
        Err(CharityError::NotAContract)
    );
    test::set_contract::<E>(records);
    act_as(a.bob);
    assert_eq!(
        charity.set_receipts(Some((records, 4))),
        Err(CharityError::NotAdmin)
    );
    assert_eq!(charity.receipts(), None);
    act_as(donor(1));
    assert_eq!(charity.give(id, FOOD, 10), Ok(0));
    assert!(world(|w| w.issued.is_empty()), "no receipts yet");
    act_as(a.alice);
    assert_eq!(charity.set_receipts(Some((records, 4))), Ok(()));
    assert_eq!(charity.receipts(), Some((records, 4)));
    assert_eq!(
        recorded::<ReceiptsSet>().last(),
        Some(&ReceiptsSet {
            receipts: Some((records, 4))
        })
    );
    act_as(donor(2));
    assert_eq!(charity.give(id, WHOLE, 25), Ok(1));
    assert_eq!(
        world(|w| w.issued.clone()),
        [(4, donor(2), city_traits::receipt_hash(id, WHOLE, 1, 25))]
    );
    // Civic records' refusal is the donor's error (on chain it reverts the whole call).
    world(|w| w.refuse_issue = Some(city_traits::RecordsError::NotAuthorised));
    assert_eq!(
        charity.give(id, WHOLE, 5),
        Err(CharityError::ReceiptRefused(
            city_traits::RecordsError::NotAuthorised
        ))
    );
    // A refund claimed is written too (here after the deadline of a refunding campaign).
    world(|w| w.refuse_issue = None);
    at(11);
    act_as(donor(2));
    // (Off chain the refused gift above was not reverted: the claim counts it.)
    let refunded = charity.claim_refund(id, WHOLE).unwrap();
    assert_eq!(
        world(|w| w.issued.last().copied()),
        Some((4, donor(2), city_traits::refund_hash(id, WHOLE, refunded)))
    );
    at(1);
    // Turned off, gifts are received without records again.
    act_as(a.alice);
    assert_eq!(charity.set_receipts(None), Ok(()));
    act_as(donor(3));
    assert!(charity.give(id, WHOLE, 5).is_ok());
    assert_eq!(world(|w| w.issued.len()), 2);
}

#[ink::test]
fn disbursements_pay_recipients_within_the_pot_and_governance_beyond_the_threshold() {
    let mut charity = charity();
    let a = accounts();
    let id = opened(&mut charity, AtEnd::Refund);
    act_as(donor(1));
    charity.give(id, FOOD, 1_000).unwrap();
    act_as(a.bob);
    assert_eq!(charity.disburse(id, FOOD, a.charlie, 300, fresh()), Ok(0));
    assert_eq!(
        charity.disburse(id, FOOD, a.charlie, 101, fresh()),
        Err(CharityError::NeedsApproval)
    );
    assert_eq!(
        charity.disburse(id, HEATING, a.charlie, 1, fresh()),
        Err(CharityError::NotEnoughInPot),
        "heating got nothing"
    );
    assert_eq!(
        charity.disburse(id, FOOD, a.eve, 1, fresh()),
        Err(CharityError::NotARecipient)
    );
    act_as(a.charlie);
    assert_eq!(
        charity.disburse(id, FOOD, a.charlie, 1, fresh()),
        Err(CharityError::NotOrganiser)
    );
    act_as(a.alice);
    assert_eq!(charity.disburse(id, FOOD, a.charlie, 500, fresh()), Ok(1));
    assert_eq!(balance(a.charlie), 800);
    assert_eq!(charity.recipient(id, a.charlie).unwrap().paid, 800);
    assert_eq!(charity.disbursement(id, FOOD, 1).unwrap().amount, 500);
    assert_eq!(recorded::<Disbursed>().len(), 2);
}

#[ink::test]
fn a_recipient_whose_identity_lapsed_or_a_lapsed_charity_is_not_paid() {
    let mut charity = charity();
    let a = accounts();
    let id = opened(&mut charity, AtEnd::Refund);
    act_as(donor(1));
    charity.give(id, WHOLE, 500).unwrap();
    world(|w| w.kinds.remove(&a.django));
    act_as(a.bob);
    assert_eq!(
        charity.disburse(id, WHOLE, a.django, 10, fresh()),
        Err(CharityError::NotEligible)
    );
    world(|w| w.roles.retain(|(account, _)| *account != a.bob));
    assert_eq!(
        charity.disburse(id, WHOLE, a.charlie, 10, fresh()),
        Err(CharityError::NotACharity)
    );
    act_as(a.alice);
    assert_eq!(charity.disburse(id, WHOLE, a.charlie, 10, fresh()), Ok(0));
    assert_eq!(charity.pot(id, WHOLE).unwrap().disbursed, 10);
}

#[ink::test]
fn under_the_civic_policy_only_service_providers_are_paid() {
    let mut charity = charity();
    let a = accounts();
    let id = opened(&mut charity, AtEnd::Refund);
    act_as(donor(1));
    charity.give(id, WHOLE, 500).unwrap();
    world(|w| w.policy = TransferPolicy::Civic);
    act_as(a.bob);
    assert_eq!(
        charity.disburse(id, WHOLE, a.django, 10, fresh()),
        Err(CharityError::PolicyForbidsPayment)
    );
    assert_eq!(charity.disburse(id, WHOLE, a.charlie, 10, fresh()), Ok(0));
}

#[ink::test]
fn after_the_deadline_donors_claim_their_share_of_the_unspent_and_the_last_the_dust() {
    let mut charity = charity();
    let a = accounts();
    let id = opened(&mut charity, AtEnd::Refund);
    for n in 1..=3 {
        act_as(donor(n));
        charity.give(id, WHOLE, 100).unwrap();
    }
    act_as(a.bob);
    charity
        .disburse(id, WHOLE, a.charlie, 100, fresh())
        .unwrap();
    act_as(donor(1));
    assert_eq!(
        charity.claim_refund(id, WHOLE),
        Err(CharityError::CampaignOpen)
    );
    at(10);
    act_as(a.bob);
    assert_eq!(
        charity.disburse(id, WHOLE, a.charlie, 1, fresh()),
        Err(CharityError::CampaignClosed)
    );
    act_as(donor(1));
    let trace = charity.trace(id, WHOLE, donor(1)).unwrap();
    assert_eq!(
        (trace.given, trace.disbursed[0].amount, trace.refundable),
        (100, 33, 66)
    );
    assert_eq!(charity.claim_refund(id, WHOLE), Ok(66));
    assert_eq!(
        charity.claim_refund(id, WHOLE),
        Err(CharityError::NothingToRefund)
    );
    act_as(donor(2));
    assert_eq!(charity.claim_refund(id, WHOLE), Ok(66));
    act_as(donor(3));
    assert_eq!(charity.claim_refund(id, WHOLE), Ok(68));
    assert_eq!(balance(charity_account()), 0);
    act_as(a.eve);
    assert_eq!(
        charity.claim_refund(id, WHOLE),
        Err(CharityError::NothingToRefund)
    );
    assert_eq!(charity.trace(id, WHOLE, donor(1)).unwrap().refunded, 66);
}

#[ink::test]
fn governance_rolls_a_closed_campaign_into_an_open_one_that_rolls_over() {
    let mut charity = charity();
    let a = accounts();
    let winter = opened(&mut charity, AtEnd::RollOver);
    act_as(donor(1));
    charity.give(winter, FOOD, 300).unwrap();
    charity.give(winter, WHOLE, 100).unwrap();
    act_as(a.bob);
    charity
        .disburse(winter, FOOD, a.charlie, 100, fresh())
        .unwrap();
    let mut spring_plan = plan(AtEnd::RollOver);
    spring_plan.deadline = 30 * DAY_MS;
    let spring = charity.open_campaign(spring_plan).unwrap();
    at(10);
    assert_eq!(
        charity.roll_over(winter, spring),
        Err(CharityError::NotAdmin)
    );
    act_as(donor(1));
    assert_eq!(
        charity.claim_refund(winter, FOOD),
        Err(CharityError::NotRefunding)
    );
    act_as(a.alice);
    assert_eq!(
        charity.roll_over(winter, winter),
        Err(CharityError::BadRollover)
    );
    assert_eq!(charity.roll_over(winter, spring), Ok(300));
    assert_eq!(
        charity.roll_over(winter, spring),
        Err(CharityError::NotRollingOver)
    );
    assert_eq!(charity.pot(spring, WHOLE).unwrap().rolled_in, 300);
    assert_eq!(charity.pot(winter, FOOD).unwrap().held(), 0);
    let trace = charity.trace(winter, FOOD, donor(1)).unwrap();
    assert_eq!(
        (trace.rolled[0].campaign, trace.rolled[0].amount),
        (spring, 200)
    );
    assert_eq!(trace.disbursed[0].amount, 100);
    // The rolled coins are the new campaign's to pay out.
    act_as(a.bob);
    charity.add_recipient(spring, a.charlie).unwrap();
    assert_eq!(
        charity.disburse(spring, WHOLE, a.charlie, 300, fresh()),
        Ok(0)
    );
    assert_eq!(balance(charity_account()), 0);
    // The donor's trace follows its coins through the rollover: 200 of the 300 paid came
    // from its food gift.
    let rolled = charity.trace(winter, FOOD, donor(1)).unwrap().rolled[0];
    let there = charity
        .shares(rolled.campaign, WHOLE, rolled.amount)
        .unwrap();
    assert_eq!((there[0].recipient, there[0].amount), (a.charlie, 200));
}

#[ink::test]
fn unknown_campaigns_and_pots_are_refused() {
    let mut charity = charity();
    let a = accounts();
    act_as(donor(1));
    assert_eq!(
        charity.give(3, WHOLE, 1),
        Err(CharityError::UnknownCampaign)
    );
    assert_eq!(
        charity.claim_refund(3, WHOLE),
        Err(CharityError::UnknownCampaign)
    );
    assert_eq!(charity.trace(3, WHOLE, donor(1)), None);
    act_as(a.alice);
    assert_eq!(charity.roll_over(3, 4), Err(CharityError::UnknownCampaign));
    assert_eq!(
        charity.disburse(3, WHOLE, a.charlie, 1, [1; 32]),
        Err(CharityError::UnknownCampaign)
    );
}

#[ink::test]
fn an_evidence_hash_pays_once_among_one_organisers_campaigns() {
    let mut charity = charity();
    let a = accounts();
    let first = opened(&mut charity, AtEnd::Refund);
    act_as(a.bob);
    let second = charity.open_campaign(plan(AtEnd::Refund)).unwrap();
    charity.add_recipient(second, a.charlie).unwrap();
    act_as(donor(1));
    charity.give(first, WHOLE, 100).unwrap();
    charity.give(second, WHOLE, 100).unwrap();
    act_as(a.bob);
    let invoice = fresh();
    assert_eq!(
        charity.disburse(first, WHOLE, a.charlie, 10, invoice),
        Ok(0)
    );
    for campaign in [first, second] {
        assert_eq!(
            charity.disburse(campaign, WHOLE, a.charlie, 10, invoice),
            Err(CharityError::EvidenceUsed)
        );
    }
    // Another organiser's (here governance's) space is its own: nobody burns its hashes.
    act_as(a.alice);
    let governed = charity.open_campaign(plan(AtEnd::Refund)).unwrap();
    charity.add_recipient(governed, a.charlie).unwrap();
    act_as(donor(2));
    charity.give(governed, WHOLE, 100).unwrap();
    act_as(a.alice);
    assert_eq!(
        charity.disburse(governed, WHOLE, a.charlie, 10, invoice),
        Ok(0)
    );
}

#[ink::test]
fn a_charitys_threshold_is_bounded_by_governance_and_governances_campaigns_are_its_own() {
    let mut charity = charity();
    let a = accounts();
    assert_eq!(charity.max_threshold(), 1_000);
    let mut generous = plan(AtEnd::Refund);
    generous.approval_threshold = 1_001;
    act_as(a.bob);
    assert_eq!(
        charity.open_campaign(generous.clone()),
        Err(CharityError::ThresholdTooHigh)
    );
    assert_eq!(
        charity.set_max_threshold(5_000),
        Err(CharityError::NotAdmin)
    );
    act_as(a.alice);
    charity.set_max_threshold(5_000).unwrap();
    assert_eq!(recorded::<MaxThresholdSet>().len(), 1);
    act_as(a.bob);
    assert_eq!(charity.open_campaign(generous.clone()), Ok(0));
    // Governance's campaign is run by whoever holds the seat, never by its opener.
    act_as(a.alice);
    let governed = charity.open_campaign(generous).unwrap();
    charity.offer_admin(a.django).unwrap();
    act_as(a.django);
    charity.accept_admin().unwrap();
    act_as(a.alice);
    assert_eq!(
        charity.add_recipient(governed, a.charlie),
        Err(CharityError::NotOrganiser)
    );
    act_as(a.django);
    assert_eq!(charity.add_recipient(governed, a.charlie), Ok(()));
}

#[ink::test]
fn an_organiser_whose_registration_lapsed_acts_no_more() {
    let mut charity = charity();
    let a = accounts();
    let id = opened(&mut charity, AtEnd::Refund);
    act_as(donor(1));
    charity.give(id, WHOLE, 100).unwrap();
    // The identity revoked, the registry's role left behind.
    world(|w| w.kinds.remove(&a.bob));
    act_as(a.bob);
    assert_eq!(
        charity.disburse(id, WHOLE, a.charlie, 10, fresh()),
        Err(CharityError::NotACharity)
    );
    assert_eq!(
        charity.remove_recipient(id, a.charlie),
        Err(CharityError::NotACharity)
    );
    assert_eq!(
        charity.open_campaign(plan(AtEnd::Refund)),
        Err(CharityError::NotACharity)
    );
}

mod admin_seat {
    use super::*;

    #[ink::test]
    fn the_seat_moves_in_two_steps_and_the_old_admin_keeps_no_power() {
        let mut charity = charity();
        let a = accounts();
        assert_eq!(charity.admin(), a.alice);
        charity.offer_admin(a.django).unwrap();
        act_as(a.bob);
        assert_seat_refused(&mut charity, AdminError::NotOffered, |c| c.accept_admin());
        assert_seat_refused(&mut charity, AdminError::NotAdmin, |c| c.offer_admin(a.bob));
        act_as(a.django);
        charity.accept_admin().unwrap();
        act_as(a.alice);
        assert_eq!(charity.roll_over(0, 1), Err(CharityError::NotAdmin));
        assert_eq!(
            charity.open_campaign(plan(AtEnd::Refund)),
            Err(CharityError::NotACharity)
        );
        act_as(a.django);
        assert_seat_refused(&mut charity, AdminError::ZeroAdmin, |c| {
            c.offer_admin(AccountId::from([0; 32]))
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
