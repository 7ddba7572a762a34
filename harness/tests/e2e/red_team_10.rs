//! The tenth attacker's review: card-signed intents (the intents contract, e-voting's
//! `vote_for`, the token's `act_for` and its `Forwarder` role). Each test asserts the safe
//! behaviour; a test that fails today carries the finding's name and severity:
//!
//! - F1 (high), a registrar alone decides which key signs for an account: `set_card_key`
//!   binds or rotates any key with no consent of the account or of its current card, and
//!   the intents contract now lets that key spend the account's coins and cast its
//!   ballots. One rogue (or phished) registrar rotates a citizen's card to a key it holds
//!   and spends her coins and her vote
//!   (`a_registrar_cannot_rotate_a_citizens_card_to_its_own_key_and_spend_her_coins_or_vote`);
//!   it registers an account that is no person at all, the escrow (a contract) or the
//!   treasury, binds its own key and drains it
//!   (`a_registrar_cannot_give_the_escrow_a_card_and_drain_the_projects_funds`,
//!   `a_registrar_cannot_give_the_treasury_a_card_and_drain_it`). This is the ninth
//!   review's F2, left open "until card-signed intents land": they landed, and the binding
//!   still carries no proof from the card nor any consent of the account.
//! - F2 (medium), the `Forwarder` role is a personal account's for the asking and
//!   outlives the handover: the role moves any holder's coins (`act_for` approves anyone
//!   for anything) and casts any citizen's ballot in any poll or proposal (`vote_for`), yet
//!   the token grants it to any account (its doc says "only that contract may hold it")
//!   and, like every role, it survives the admin seat's move to governance. A deployer
//!   that granted it to itself keeps, after the handover, the power to pass any proposal
//!   in the citizens' name and to empty every balance
//!   (`a_forwarder_role_granted_to_a_person_before_the_handover_moves_nothing_after_it`).
//! - F3 (low), a ballot intent signed earlier replaces a ballot the citizen cast later: in
//!   a re-vote poll "the last vote counts" (Estonia's answer to coercion), but an intent
//!   runs whenever someone submits it, so a coercer who had her sign a ballot submits it
//!   after she re-voted alone
//!   (`a_ballot_signed_before_the_citizens_own_re_vote_does_not_replace_it`).
//!
//! The tests after them confirm attacks refused (malleated signatures, cards of others,
//! lapsed and revoked identities, the pause, the civic policy).

use city_traits::{
    BallotAct, IdentityKind, IntentError, Revoting, Role, Secrecy, TokenAct, TokenError,
    TransferPolicy, Vote, FOR,
};
use harness::{
    city::{contract_account, ADMIN, ALICE, BOB, BUS, CAROL, COIN, MALLORY},
    intents::Card,
    voting::proposed_call,
    City, Fixture,
};
use ink::{primitives::AccountId, selector_bytes};

use crate::{
    intents::{ballot, bus_fare, permit, submit, RELAYER},
    voting::{citizens, open_poll, start_voting},
};

const DAY_MS: u64 = 86_400_000;

/// The pensioner: the account her card controls, which never holds native currency.
fn pensioner() -> AccountId {
    Card::new("pensioner's card").account()
}

/// E-voting's account, which holds the seats after the handover (the harness signs as
/// it, as an executed proposal would call).
fn governance(city: &City) -> AccountId {
    contract_account(&city.voting)
}

/// The city of `intents.rs`, governed: the intents contract, the pensioner holding 100
/// coins and her card bound by a registrar, alice a citizen, the bus a service provider,
/// and mallory a second registrar (who turns rogue); the admin is the treasury and a
/// registrar.
fn intents_city() -> (City, Card) {
    let card = Card::new("pensioner's card");
    let mut city = Fixture::new()
        .citizens([card.account(), ALICE.account()])
        .holder(card.account(), 100)
        .token_role(Role::ServiceProvider, BUS)
        .next_block()
        .build()
        .expect("the city is set up");
    city.appoint_registrar(MALLORY).expect("a second registrar");
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.deploy_intents().expect("the intents contract");
    city.registry(ADMIN)
        .set_card_key(card.account(), Some(card.key()))
        .expect_accepted();
    (city, card)
}

/// F1 (high): a rogue registrar rotates the pensioner's card to a key it holds, then
/// signs a permit for itself and a ballot in her name. Rotation needs no signature of the
/// card it replaces and no consent of the account; the registry's threat-model row trusts
/// registrars with identities, never with a citizen's coins or her vote.
#[test]
fn a_registrar_cannot_rotate_a_citizens_card_to_its_own_key_and_spend_her_coins_or_vote() {
    let (mut city, _card) = intents_city();
    city.appoint_registrar(MALLORY).expect("a second registrar");
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);

    let rogue = Card::new("a key the rogue registrar holds");
    let _ = city
        .registry(MALLORY)
        .set_card_key(pensioner(), Some(rogue.key()));
    let approve = city.payload(pensioner(), permit(MALLORY, 100), 10);
    let _ = submit(&mut city, &approve, &rogue);
    let _ = city.token(MALLORY).transfer_from(pensioner(), MALLORY, 100);
    let vote = city.payload(pensioner(), ballot(poll, BallotAct::Cast { choice: 2 }), 10);
    let _ = submit(&mut city, &vote, &rogue);

    assert_eq!(
        (city.balance(pensioner()), city.balance(MALLORY)),
        (100, 0),
        "F1 (high): a registrar spent a citizen's coins with a key it bound to her"
    );
    assert_eq!(
        city.voting(ADMIN).ballot(poll, pensioner()).value,
        None,
        "F1 (high): a registrar cast a citizen's ballot with a key it bound to her"
    );
}

/// F1 (high), the escrow: a rogue registrar registers the escrow (a contract, which no
/// card can belong to) as an e-resident, binds a key it holds and has the intents contract
/// approve it for everything the escrow holds. The escrow never reads its balance, so
/// every release and refund of the project then fails.
#[test]
fn a_registrar_cannot_give_the_escrow_a_card_and_drain_the_projects_funds() {
    let mut city = crate::escrow::city(1);
    let plan = crate::escrow::plan(&mut city, vec![crate::escrow::milestone(1_000, 1, 100)]);
    let project = city.escrow(ADMIN).create_project(&plan).expect_accepted();
    crate::escrow::fund(&mut city, project, crate::escrow::BANK, 1_100 * COIN);
    let escrow = contract_account(&city.escrow);
    assert_eq!(city.balance(escrow), 1_100 * COIN);

    city.appoint_registrar(MALLORY).expect("a second registrar");
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.deploy_intents().expect("the intents contract");
    let rogue = Card::new("a key the rogue registrar holds");
    let expiry = city.now_ms() + DAY_MS;
    let _ = city
        .registry(MALLORY)
        .register(escrow, IdentityKind::EResident, [0xee; 32], expiry);
    let _ = city
        .registry(MALLORY)
        .set_card_key(escrow, Some(rogue.key()));
    let approve = city.payload(escrow, permit(MALLORY, 1_100 * COIN), 10);
    let _ = submit(&mut city, &approve, &rogue);
    let _ = city
        .token(MALLORY)
        .transfer_from(escrow, MALLORY, 1_100 * COIN);

    assert_eq!(
        (city.balance(escrow), city.balance(MALLORY)),
        (1_100 * COIN, 0),
        "F1 (high): a registrar drained the escrow through a card it gave the contract"
    );
}

/// F1 (high), the treasury: the same with the treasury, an account nobody registered
/// (under the civic policy too: the treasury is a service provider, so `transfer_from`
/// out of it is allowed).
#[test]
fn a_registrar_cannot_give_the_treasury_a_card_and_drain_it() {
    let (mut city, _card) = intents_city();
    let treasury = city.balance(ADMIN);
    assert!(treasury > 0);
    city.appoint_registrar(MALLORY).expect("a second registrar");
    let rogue = Card::new("a key the rogue registrar holds");
    let expiry = city.now_ms() + DAY_MS;
    let _ = city
        .registry(MALLORY)
        .register(ADMIN, IdentityKind::EResident, [0xad; 32], expiry);
    let _ = city
        .registry(MALLORY)
        .set_card_key(ADMIN, Some(rogue.key()));
    let approve = city.payload(ADMIN, permit(MALLORY, treasury), 10);
    let _ = submit(&mut city, &approve, &rogue);
    let _ = city.token(MALLORY).transfer_from(ADMIN, MALLORY, treasury);

    assert_eq!(
        (city.balance(ADMIN), city.balance(MALLORY)),
        (treasury, 0),
        "F1 (high): a registrar drained the treasury through a card it gave it"
    );
}

/// F2 (medium): the deployer grants the `Forwarder` role to a personal account (here
/// mallory's; its own would do) before handing the seats to governance. The grant is
/// accepted, the role survives the handover, and its holder casts every citizen's ballot
/// on a proposal (here, one offering it the token's admin seat) and moves any holder's
/// coins, with no card and no vote.
#[test]
fn a_forwarder_role_granted_to_a_person_before_the_handover_moves_nothing_after_it() {
    let mut city = Fixture::new()
        .citizens([ALICE, BOB, CAROL])
        .holder(ALICE, 1_000)
        .next_block()
        .build()
        .expect("the city is set up");
    let _ = city.token(ADMIN).grant_role(Role::Forwarder, MALLORY);
    city.hand_over_to_governance()
        .expect("the seats move to governance");
    city.advance_blocks(1);

    let offer = proposed_call(
        &city.token,
        selector_bytes!("Admin::offer_admin"),
        MALLORY.account(),
    );
    let proposal = city
        .voting(ADMIN)
        .propose(
            "Thank the council",
            &[offer],
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    start_voting(&mut city);
    for citizen in [ALICE, BOB, CAROL] {
        let _ = city
            .voting(MALLORY)
            .vote_for(citizen, proposal, BallotAct::Cast { choice: FOR });
    }
    let _ = city.token(MALLORY).act_for(
        ALICE,
        TokenAct::Approve {
            spender: MALLORY.account(),
            value: 1_000,
        },
    );
    let _ = city.token(MALLORY).transfer_from(ALICE, MALLORY, 1_000);

    assert_eq!(
        city.voting(ADMIN).tally(proposal).value.unwrap().voters,
        0,
        "F2 (medium): a personal Forwarder voted for every citizen after the handover"
    );
    assert_eq!(
        (city.balance(ALICE), city.balance(MALLORY)),
        (1_000, 0),
        "F2 (medium): a personal Forwarder moved a citizen's coins after the handover"
    );
}

/// F3 (low): in a re-vote poll the coercer has the pensioner sign a ballot for the north
/// and keeps it; alone, later, she votes for the riverside herself. The coercer submits
/// what she signed, and her own later vote is replaced by the earlier one: a signed intent
/// runs whenever someone submits it, and a direct ballot does not move the intents nonce.
#[test]
#[ignore = "finding F3, open by decision (low): a signed ballot runs when it is submitted; the README's threat model says what a citizen does about it"]
fn a_ballot_signed_before_the_citizens_own_re_vote_does_not_replace_it() {
    let (mut city, card) = intents_city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Replaces);
    start_voting(&mut city);
    let coerced = city.payload(pensioner(), ballot(poll, BallotAct::Cast { choice: 0 }), 90);
    let signature = card.sign(&coerced);

    city.voting(pensioner())
        .cast_vote(poll, 1)
        .expect_accepted();
    city.advance_blocks(50);
    let _ = city.intents(MALLORY).submit(&coerced, signature);

    assert_eq!(
        city.voting(ADMIN)
            .ballot(poll, pensioner())
            .value
            .map(|ballot| ballot.vote),
        Some(Vote::Cast(1)),
        "F3 (low): a ballot signed earlier replaced the citizen's own later re-vote"
    );
}

/// secp256k1's group order, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// The other signature of the same key on the same message: `s` replaced by `n - s`, the
/// recovery id flipped.
fn high_s(signature: [u8; 65]) -> [u8; 65] {
    let mut other = signature;
    let mut borrow = 0u16;
    for (digit, order) in other[32..64].iter_mut().zip(ORDER).rev() {
        let minuend = u16::from(order);
        let subtrahend = u16::from(*digit) + borrow;
        let (difference, next) = if minuend >= subtrahend {
            (minuend - subtrahend, 0)
        } else {
            (minuend + 256 - subtrahend, 1)
        };
        *digit = u8::try_from(difference).expect("a byte");
        borrow = next;
    }
    other[64] = signature[64] ^ 1;
    other
}

fn plus_27(signature: [u8; 65]) -> [u8; 65] {
    let mut other = signature;
    other[64] += 27;
    other
}

/// Info: ecdsa_recover takes `v` as 0/1 or 27/28 and does not insist on a low `s`, so each
/// intent has four signatures; the nonce makes any of them run the intent at most once.
#[test]
fn every_malleated_form_of_a_signature_runs_its_intent_at_most_once() {
    let (mut city, card) = intents_city();
    let fare = city.payload(pensioner(), bus_fare(), 10);
    let low = card.sign(&fare);
    let forms = [high_s(low), plus_27(high_s(low)), low, plus_27(low)];
    let answers: Vec<_> = forms
        .iter()
        .map(|signature| city.intents(RELAYER).submit(&fare, *signature).value)
        .collect();
    println!("high-s, high-s + 27, low-s, low-s + 27: {answers:?}");
    let ran = answers.iter().filter(|answer| answer.is_ok()).count();
    assert_eq!(ran, 1, "the fare ran once: {answers:?}");
    assert!(answers.iter().all(|answer| matches!(
        answer,
        Ok(()) | Err(IntentError::BadNonce | IntentError::BadSignature)
    )));
    assert_eq!(city.balance(pensioner()), 98);
}

/// Another citizen's card, a card whose identity lapsed (nobody called `expire`) and one
/// whose identity was revoked sign for nobody; nothing moves.
#[test]
fn a_foreign_lapsed_or_revoked_card_signs_for_nobody() {
    let pensioners = Card::new("pensioner's card");
    let alices = Card::new("alice's card");
    let alice = alices.account();
    let mut city = Fixture::new()
        .citizens([pensioner()])
        .identity_for(alice, IdentityKind::Citizen, DAY_MS)
        .holder(pensioner(), 100)
        .holder(alice, 100)
        .token_role(Role::ServiceProvider, BUS)
        .governed()
        .build()
        .expect("the city is set up");
    city.deploy_intents().expect("the intents contract");
    city.registry(ADMIN)
        .set_card_key(pensioner(), Some(pensioners.key()))
        .expect_accepted();
    city.registry(ADMIN)
        .set_card_key(alice, Some(alices.key()))
        .expect_accepted();

    // Alice's own card, on a payload naming the pensioner.
    let fare = city.payload(pensioner(), bus_fare(), 10);
    assert_eq!(
        submit(&mut city, &fare, &alices),
        Err(IntentError::NotTheCard)
    );
    // Alice's card once her identity lapsed.
    city.advance_time(DAY_MS);
    let hers = city.payload(alice, bus_fare(), 10);
    assert_eq!(
        submit(&mut city, &hers, &alices),
        Err(IntentError::NotTheCard)
    );
    // The pensioner's card once her identity is revoked.
    city.registry(ADMIN).revoke(pensioner()).expect_accepted();
    let fare = city.payload(pensioner(), bus_fare(), 10);
    assert_eq!(
        submit(&mut city, &fare, &pensioners),
        Err(IntentError::NotTheCard)
    );
    assert_eq!((city.balance(pensioner()), city.balance(alice)), (100, 100));
    assert_eq!(city.intents(ADMIN).nonce(pensioner()).value, 0);
    assert_eq!(city.intents(ADMIN).nonce(alice).value, 0);
}

/// A paused token refuses a signed fare (the nonce stays) and takes a signed permit, as
/// it would the holder's own calls.
#[test]
fn a_paused_token_refuses_a_signed_fare_and_takes_a_signed_permit() {
    let (mut city, card) = intents_city();
    let governance = governance(&city);
    city.token(governance)
        .grant_role(Role::Pauser, governance)
        .expect_accepted();
    city.token(governance).pause().expect_accepted();
    let fare = city.payload(pensioner(), bus_fare(), 10);
    assert_eq!(
        submit(&mut city, &fare, &card),
        Err(IntentError::Token(TokenError::Paused))
    );
    assert_eq!(city.intents(ADMIN).nonce(pensioner()).value, 0);
    let approve = city.payload(pensioner(), permit(ALICE, 30), 10);
    assert_eq!(submit(&mut city, &approve, &card), Ok(()));
    assert_eq!(city.token(ADMIN).allowance(pensioner(), ALICE).value, 30);
    assert_eq!(city.balance(pensioner()), 100);
}

/// Under the civic policy a signed permit to another citizen moves nothing: the transfer
/// it allows is refused, as a direct approval's would be.
#[test]
fn under_the_civic_policy_a_signed_permit_moves_nothing_between_citizens() {
    let (mut city, card) = intents_city();
    let governance = governance(&city);
    city.token(governance)
        .set_transfer_policy(TransferPolicy::Civic)
        .expect_accepted();
    let approve = city.payload(pensioner(), permit(ALICE, 50), 10);
    assert_eq!(submit(&mut city, &approve, &card), Ok(()));
    assert!(city
        .token(ALICE)
        .transfer_from(pensioner(), ALICE, 50)
        .value
        .is_err());
    assert_eq!((city.balance(pensioner()), city.balance(ALICE)), (100, 0));
}
