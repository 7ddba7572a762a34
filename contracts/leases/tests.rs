//! Off-chain unit tests of the messages: who registers properties and attests bands, a
//! round from its opening to signed leases, offers, rent, notice and the deposit, against
//! stand-ins for the registry and the token (city-traits' `fakes`). The rules themselves
//! are tested in `ledger.rs`; the leases between the real contracts are tested on the Wasm
//! in the harness.

use crate::{leases::*, ledger};
use city_traits::{
    fakes::{assert_seat_refused, recorded, world},
    Admin as _, AdminError, CivicRole, IdentityKind, LeaseError, PSP22Error, RoundPlan, Terms,
    CLAIM_WINDOW,
};
use ink::env::{
    test::{self, DefaultAccounts},
    DefaultEnvironment as E,
};
use ink::primitives::AccountId;

const DAY: u64 = 86_400_000;
const MONTH: u64 = 30 * DAY;
const SECRET: [u8; 32] = [42; 32];

fn accounts() -> DefaultAccounts<E> {
    test::default_accounts::<E>()
}

fn act_as(account: AccountId) {
    test::set_caller::<E>(account);
}

fn at(time: u64) {
    test::set_block_timestamp::<E>(time);
}

fn leases_account() -> AccountId {
    AccountId::from([0xee; 32])
}

fn flat(n: u8) -> [u8; 32] {
    [n; 32]
}

fn person(n: u8) -> AccountId {
    AccountId::from([100 + n; 32])
}

fn balance(account: AccountId) -> u128 {
    world(|w| w.balances.get(&account).copied().unwrap_or_default())
}

/// Leases made by alice (admin) at day 1, with bob the land office, charlie a registrar,
/// django a landlord; persons 1 to 6 residents with 10,000 coins each allowed to the
/// leases, and bands 0, 1, 2, 0, 1, 3; person 7 a visitor with band 0; frank the
/// treasury.
fn leases() -> Leases {
    test::set_callee::<E>(leases_account());
    at(DAY);
    let a = accounts();
    act_as(a.alice);
    let mut leases = Leases::new(a.eve, a.eve, a.frank);
    world(|w| {
        w.roles.push((a.bob, CivicRole::LandOffice));
        w.roles.push((a.charlie, CivicRole::Registrar));
        w.kinds.insert(a.django, IdentityKind::Resident);
        for n in 1..=6 {
            w.kinds.insert(person(n), IdentityKind::Resident);
            w.balances.insert(person(n), 10_000);
            w.allowances.insert((person(n), leases_account()), 10_000);
        }
        w.kinds.insert(person(7), IdentityKind::Visitor);
    });
    act_as(a.charlie);
    for (n, band) in (1..=7).zip([0, 1, 2, 0, 1, 3, 0]) {
        leases.attest_band(person(n), band).unwrap();
    }
    act_as(a.bob);
    for n in 1..=3 {
        leases.register_property(flat(n), None).unwrap();
    }
    leases.register_property(flat(9), Some(a.django)).unwrap();
    leases
}

fn terms() -> Terms {
    Terms {
        rent: 100,
        period: MONTH,
        periods: 12,
        deposit: 300,
        notice: MONTH,
        third_party_rent: false,
    }
}

fn plan() -> RoundPlan {
    RoundPlan {
        flats: vec![flat(1), flat(2), flat(3)],
        kinds: IdentityKind::Resident.bit() | IdentityKind::Citizen.bit(),
        max_band: 2,
        closes: 10 * DAY,
        commitment: ledger::commitment(&SECRET),
        reveal_by: 12 * DAY,
        accept_by: 20 * DAY,
        lease_start: 30 * DAY,
        terms: terms(),
    }
}

/// A round of flats 1 to 3, with persons 1 to 5 applied and allocated with the secret.
fn allocated(leases: &mut Leases) -> u32 {
    act_as(accounts().alice);
    let round = leases.open_round(plan()).unwrap();
    for n in 1..=5 {
        act_as(person(n));
        leases.apply(round).unwrap();
    }
    at(10 * DAY);
    assert_eq!(leases.allocate(round, Some(SECRET)), Ok(3));
    round
}

#[ink::test]
fn only_a_land_office_registers_a_property_once() {
    let mut leases = leases();
    let a = accounts();
    act_as(a.django);
    assert_eq!(
        leases.register_property(flat(5), None),
        Err(LeaseError::NotLandOffice)
    );
    act_as(a.bob);
    assert_eq!(
        leases.register_property(flat(1), None),
        Err(LeaseError::PropertyExists)
    );
    assert_eq!(
        leases.register_property(flat(5), Some(a.eve)),
        Err(LeaseError::NotEligible),
        "a landlord holds a live identity"
    );
    assert_eq!(leases.property(flat(5)), None);
    assert_eq!(leases.property(flat(9)).unwrap().owner, Some(a.django));
    assert_eq!(recorded::<PropertyRegistered>().len(), 4);
}

#[ink::test]
fn only_a_registrar_attests_a_band() {
    let mut leases = leases();
    act_as(accounts().bob);
    assert_eq!(
        leases.attest_band(person(1), 5),
        Err(LeaseError::NotRegistrar)
    );
    assert_eq!(recorded::<BandAttested>().len(), 7);
}

#[ink::test]
fn only_the_city_opens_a_round_of_its_free_flats() {
    let mut leases = leases();
    let a = accounts();
    act_as(a.django);
    assert_eq!(leases.open_round(plan()), Err(LeaseError::NotAdmin));
    act_as(a.alice);
    let landlords = RoundPlan {
        flats: vec![flat(9)],
        ..plan()
    };
    assert_eq!(
        leases.open_round(landlords),
        Err(LeaseError::FlatUnavailable)
    );
    let unknown = RoundPlan {
        flats: vec![flat(8)],
        ..plan()
    };
    assert_eq!(leases.open_round(unknown), Err(LeaseError::UnknownProperty));
    assert_eq!(leases.open_round(plan()), Ok(0));
    assert_eq!(
        leases.open_round(plan()),
        Err(LeaseError::FlatUnavailable),
        "held by the first round"
    );
    assert_eq!(leases.counts().1, 1);
    assert_eq!(leases.property(flat(1)).unwrap().held_until, 20 * DAY);
}

#[ink::test]
fn applicants_must_be_admitted_once_before_the_close() {
    let mut leases = leases();
    act_as(accounts().alice);
    let round = leases.open_round(plan()).unwrap();
    act_as(person(6));
    assert_eq!(leases.apply(round), Err(LeaseError::NotEligible), "band 3");
    act_as(person(7));
    assert_eq!(
        leases.apply(round),
        Err(LeaseError::NotEligible),
        "a visitor"
    );
    act_as(accounts().eve);
    assert_eq!(leases.apply(round), Err(LeaseError::NotEligible), "no band");
    act_as(person(1));
    assert_eq!(leases.apply(round), Ok(0));
    assert_eq!(leases.apply(round), Err(LeaseError::AlreadyApplied));
    assert_eq!(leases.apply(7), Err(LeaseError::UnknownRound));
    at(10 * DAY);
    act_as(person(2));
    assert_eq!(leases.apply(round), Err(LeaseError::RoundClosed));
    assert_eq!(leases.round(round).unwrap().0.applicants, 1);
}

#[ink::test]
fn allocation_needs_the_secret_until_reveal_by_and_follows_the_rule() {
    let mut leases = leases();
    act_as(accounts().alice);
    let round = leases.open_round(plan()).unwrap();
    for n in 1..=5 {
        act_as(person(n));
        leases.apply(round).unwrap();
    }
    assert_eq!(
        leases.allocate(round, Some(SECRET)),
        Err(LeaseError::RoundOpen)
    );
    at(10 * DAY);
    assert_eq!(
        leases.allocate(round, Some([1; 32])),
        Err(LeaseError::BadSecret)
    );
    assert_eq!(leases.allocate(round, None), Err(LeaseError::NotRevealed));
    assert_eq!(leases.allocate(round, Some(SECRET)), Ok(3));
    assert_eq!(
        leases.allocate(round, Some(SECRET)),
        Err(LeaseError::AlreadyAllocated)
    );
    // Bands 0 (persons 1 and 4) first, then band 1 (persons 2 and 5) by ticket.
    let winners = leases.round(round).unwrap().2;
    let expected = ledger::winners(
        (0..5)
            .map(|i| leases.application(round, i).unwrap())
            .collect(),
        &leases.round(round).unwrap().0.seed.unwrap(),
        3,
    );
    assert_eq!(winners, expected);
    assert!(winners[..2].contains(&person(1)) && winners[..2].contains(&person(4)));
}

#[ink::test]
fn without_the_secret_the_commitment_is_the_seed() {
    let mut leases = leases();
    act_as(accounts().alice);
    let round = leases.open_round(plan()).unwrap();
    act_as(person(1));
    leases.apply(round).unwrap();
    at(12 * DAY);
    act_as(person(3));
    assert_eq!(leases.allocate(round, None), Ok(1));
    let data = leases.round(round).unwrap().0;
    let entropy = ledger::hash_pair(&[0; 32], person(1).as_ref());
    assert_eq!((data.entropy, data.secret), (entropy, None));
    assert_eq!(
        data.seed,
        Some(ledger::hash_pair(&ledger::commitment(&SECRET), &entropy))
    );
}

#[ink::test]
fn a_winner_signs_its_flat_once_and_holds_it_from_the_start_to_the_end() {
    let mut leases = leases();
    let round = allocated(&mut leases);
    let winners = leases.round(round).unwrap().2;
    let first = winners[0];
    let loser = (1..=5).map(person).find(|p| !winners.contains(p)).unwrap();
    act_as(loser);
    assert_eq!(leases.accept_flat(round), Err(LeaseError::NotAWinner));
    act_as(first);
    let lease = leases.accept_flat(round).unwrap();
    assert_eq!(leases.accept_flat(round), Err(LeaseError::NotAWinner));
    assert_eq!(balance(leases_account()), 300);
    let data = leases.lease(lease).unwrap().0;
    assert_eq!(
        (data.property, data.tenant, data.payee),
        (flat(1), first, accounts().frank)
    );
    assert_eq!(leases.tenant_of(flat(1), 30 * DAY - 1), None);
    assert_eq!(leases.tenant_of(flat(1), 30 * DAY), Some(first));
    assert_eq!(leases.tenant_of(flat(1), data.end - 1), Some(first));
    assert_eq!(
        leases.tenant_of(flat(1), data.end),
        None,
        "nobody on the end"
    );
    at(20 * DAY);
    act_as(winners[1]);
    assert_eq!(leases.accept_flat(round), Err(LeaseError::OfferLapsed));
}

#[ink::test]
fn leases_of_one_property_never_overlap() {
    let mut leases = leases();
    let a = accounts();
    act_as(a.django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    leases
        .offer_lease(flat(9), person(2), 6 * DAY, terms())
        .unwrap();
    assert_eq!(
        leases.offer_lease(flat(9), a.django, 6 * DAY, terms()),
        Err(LeaseError::NotEligible)
    );
    act_as(a.alice);
    assert_eq!(
        leases.offer_lease(flat(9), person(3), 6 * DAY, terms()),
        Err(LeaseError::NotOwner)
    );
    act_as(person(1));
    let first = leases.accept_lease(flat(9)).unwrap();
    act_as(person(2));
    assert_eq!(leases.accept_lease(flat(9)), Err(LeaseError::Overlap));
    assert_eq!(leases.tenant_of(flat(9), 7 * DAY), Some(person(1)));
    let end = leases.lease(first).unwrap().0.end;
    act_as(a.django);
    leases
        .offer_lease(flat(9), person(2), end, terms())
        .unwrap();
    act_as(person(2));
    leases.accept_lease(flat(9)).unwrap();
    assert_eq!(leases.tenant_of(flat(9), end - 1), Some(person(1)));
    assert_eq!(leases.tenant_of(flat(9), end), Some(person(2)));
    assert_eq!(leases.property(flat(9)).unwrap().leases, 2);
}

#[ink::test]
fn rent_from_a_third_party_only_where_the_terms_allow() {
    let mut leases = leases();
    act_as(accounts().django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let lease = leases.accept_lease(flat(9)).unwrap();
    act_as(person(2));
    assert_eq!(leases.pay_rent(lease, 100), Err(LeaseError::ThirdPartyRent));
    act_as(person(1));
    leases.pay_rent(lease, 100).unwrap();
    assert_eq!(balance(accounts().django), 100);
    assert_eq!(leases.pay_rent(lease, 1_101), Err(LeaseError::Overpaid));
    at(5 * DAY + 2 * MONTH);
    let status = leases.lease(lease).unwrap().1;
    assert_eq!((status.due, status.arrears), (300, 200));
    act_as(person(4));
    assert_eq!(leases.collect_rent(lease), Ok(200));
    assert_eq!(leases.collect_rent(lease), Err(LeaseError::NoArrears));
    assert_eq!(balance(person(1)), 10_000 - 300 - 300);
}

#[ink::test]
fn a_refused_token_keeps_the_rent_unpaid() {
    let mut leases = leases();
    act_as(accounts().django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let lease = leases.accept_lease(flat(9)).unwrap();
    world(|w| w.allowances.insert((person(1), leases_account()), 10));
    assert_eq!(
        leases.pay_rent(lease, 100),
        Err(LeaseError::TokenRefused(PSP22Error::InsufficientAllowance))
    );
}

#[ink::test]
fn notice_is_the_tenants_and_frees_the_property_from_the_new_end() {
    let mut leases = leases();
    act_as(accounts().django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let lease = leases.accept_lease(flat(9)).unwrap();
    at(10 * DAY);
    act_as(accounts().django);
    assert_eq!(
        leases.give_notice(lease, 10 * DAY + MONTH),
        Err(LeaseError::NotTenant)
    );
    act_as(person(1));
    assert_eq!(
        leases.give_notice(lease, 10 * DAY + MONTH - 1),
        Err(LeaseError::NoticeTooShort)
    );
    leases.give_notice(lease, 10 * DAY + MONTH).unwrap();
    assert_eq!(
        leases.property(flat(9)).unwrap().booked_until,
        10 * DAY + MONTH
    );
    assert_eq!(leases.tenant_of(flat(9), 10 * DAY + MONTH), None);
}

#[ink::test]
fn the_deposit_comes_back_less_what_governance_allowed() {
    let mut leases = leases();
    let a = accounts();
    act_as(a.django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let lease = leases.accept_lease(flat(9)).unwrap();
    let end = leases.lease(lease).unwrap().0.end;
    at(end);
    act_as(person(2));
    assert_eq!(
        leases.claim_deduction(lease, 100, [5; 32]),
        Err(LeaseError::NotOwner)
    );
    assert_eq!(leases.return_deposit(lease), Err(LeaseError::DepositWaits));
    act_as(a.django);
    leases.claim_deduction(lease, 100, [5; 32]).unwrap();
    assert_eq!(leases.rule_on_claim(lease, 60), Err(LeaseError::NotAdmin));
    assert_eq!(leases.return_deposit(lease), Err(LeaseError::DepositWaits));
    act_as(a.alice);
    leases.rule_on_claim(lease, 60).unwrap();
    assert_eq!(balance(a.django), 60);
    act_as(person(5));
    assert_eq!(leases.return_deposit(lease), Ok(240));
    assert_eq!(balance(person(1)), 10_000 - 60);
    assert_eq!(
        leases.return_deposit(lease),
        Err(LeaseError::DepositSettled)
    );
    assert_eq!(balance(leases_account()), 0);
}

#[ink::test]
fn an_unclaimed_deposit_goes_back_whole_after_the_window() {
    let mut leases = leases();
    act_as(accounts().django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let lease = leases.accept_lease(flat(9)).unwrap();
    let end = leases.lease(lease).unwrap().0.end;
    at(end + CLAIM_WINDOW);
    act_as(accounts().django);
    assert_eq!(
        leases.claim_deduction(lease, 1, [5; 32]),
        Err(LeaseError::ClaimClosed)
    );
    act_as(person(3));
    assert_eq!(leases.return_deposit(lease), Ok(300));
}

#[ink::test]
fn the_admin_seat_moves_in_two_steps() {
    let mut leases = leases();
    let a = accounts();
    act_as(a.bob);
    assert_seat_refused(&mut leases, AdminError::NotAdmin, |l| l.offer_admin(a.bob));
    act_as(a.alice);
    leases.offer_admin(a.bob).unwrap();
    act_as(a.bob);
    leases.accept_admin().unwrap();
    assert_eq!(leases.admin(), a.bob);
    act_as(a.alice);
    assert_eq!(leases.open_round(plan()), Err(LeaseError::NotAdmin));
    assert_eq!(leases.offer_admin(a.alice), Err(AdminError::NotAdmin));
}

#[ink::test]
fn an_offer_stands_until_its_start() {
    let mut leases = leases();
    act_as(accounts().django);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    let dearer = Terms {
        rent: 1_000,
        ..terms()
    };
    assert_eq!(
        leases.offer_lease(flat(9), person(1), 5 * DAY, dearer),
        Err(LeaseError::OfferStands)
    );
    at(5 * DAY + 1);
    leases
        .offer_lease(flat(9), person(1), 6 * DAY, dearer)
        .unwrap();
}

#[ink::test]
fn notice_on_an_earlier_lease_never_frees_the_property_under_a_later_one() {
    let mut leases = leases();
    let landlord = accounts().django;
    act_as(landlord);
    leases
        .offer_lease(flat(9), person(1), 5 * DAY, terms())
        .unwrap();
    act_as(person(1));
    let first = leases.accept_lease(flat(9)).unwrap();
    let end = leases.lease(first).unwrap().0.end;
    act_as(landlord);
    leases
        .offer_lease(flat(9), person(2), end, terms())
        .unwrap();
    act_as(person(2));
    let second = leases.accept_lease(flat(9)).unwrap();
    // The second lease ends at its start (the first lease's end), on notice.
    at(end - 2 * MONTH);
    leases.give_notice(second, end).unwrap();
    // Then the first tenant leaves early: the property stays booked to its old end.
    act_as(person(1));
    let early = end - MONTH;
    leases.give_notice(first, early).unwrap();
    assert_eq!(leases.property(flat(9)).unwrap().booked_until, end);
    act_as(landlord);
    leases
        .offer_lease(flat(9), person(3), early, terms())
        .unwrap();
    act_as(person(3));
    assert_eq!(leases.accept_lease(flat(9)), Err(LeaseError::Overlap));
    assert_eq!(leases.tenant_of(flat(9), early - 1), Some(person(1)));
    assert_eq!(leases.tenant_of(flat(9), early), None);
}
