//! Card-signed intents on the real Wasm: a citizen who holds no native currency votes,
//! commits and reveals a secret ballot, redeems and approves through the intents
//! contract, and every refusal the README lists leaves everything as it was. Her account
//! is the one her card controls (`Card::account`), so that no registrar can point a card
//! at anyone else's coins or vote.

use city_traits::{
    commitment, BallotAct, Intent, IntentError, IntentPayload, Revoting, Role, Secrecy, TokenAct,
    TokenError, VotingError,
};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BUS, GOVERNANCE, MALLORY},
    intents::Card,
    voting::proposed_call,
    City, Fixture,
};

use ink::{primitives::AccountId, selector_bytes};

use crate::{
    governance::pass,
    voting::{citizens, open_poll, start_voting},
};

/// The city's relayer, which pays the fees.
pub const RELAYER: Actor = Actor("relayer");

/// A governed city with the intents contract, a pensioner (the account of her card, which
/// a registrar bound) holding 100 coins and no native currency, alice a citizen, and the
/// bus a service provider. Returns the city, her card and her account.
fn city() -> (City, Card, AccountId) {
    let card = Card::new("pensioner's card");
    let pensioner = card.account();
    let mut city = Fixture::new()
        .citizens([pensioner, ALICE.account()])
        .holder(pensioner, 100)
        .token_role(Role::ServiceProvider, BUS)
        .governed()
        .build()
        .expect("the city is set up");
    city.deploy_intents().expect("the intents contract");
    city.registry(ADMIN)
        .set_card_key(pensioner, Some(card.key()))
        .expect_accepted();
    (city, card, pensioner)
}

pub fn ballot(poll: u32, act: BallotAct) -> Intent {
    Intent::Ballot { poll, act }
}

/// A permit: `spender` may spend `value` of the signer's coins.
pub fn permit(spender: Actor, value: u128) -> Intent {
    Intent::Token(TokenAct::Approve {
        spender: spender.account(),
        value,
    })
}

pub fn bus_fare() -> Intent {
    Intent::Token(TokenAct::Redeem {
        provider: BUS.account(),
        amount: 2,
        memo: b"line 7".to_vec(),
    })
}

/// Submits `payload` signed by `card` as the relayer.
pub fn submit(city: &mut City, payload: &IntentPayload, card: &Card) -> Result<(), IntentError> {
    city.intents(RELAYER)
        .submit(payload, card.sign(payload))
        .value
}

#[test]
fn a_citizen_without_native_currency_votes_and_redeems_through_signed_intents() {
    let (mut city, card, pensioner) = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);

    let vote = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 1 }), 10);
    let sent = city.intents(RELAYER).submit(&vote, card.sign(&vote));
    assert_eq!(
        sent.events.len(),
        1,
        "IntentExecuted (e-voting emits VoteCast)"
    );
    sent.expect_accepted();
    let tally = city.voting(ADMIN).tally(poll).value.unwrap();
    assert_eq!((tally.voters, tally.votes_for(1)), (1, 1));
    assert!(city.voting(ADMIN).ballot(poll, pensioner).value.is_some());

    let fare = city.payload(pensioner, bus_fare(), 10);
    assert_eq!(fare.nonce, 1);
    submit(&mut city, &fare, &card).unwrap();
    assert_eq!(city.token(ADMIN).balance_of(pensioner).value, 98);
    assert_eq!(city.token(ADMIN).balance_of(BUS).value, 2);

    let permit = Intent::Token(TokenAct::Approve {
        spender: ALICE.account(),
        value: 40,
    });
    let permit = city.payload(pensioner, permit, 10);
    submit(&mut city, &permit, &card).unwrap();
    assert_eq!(city.token(ADMIN).allowance(pensioner, ALICE).value, 40);

    assert_eq!(city.intents(ADMIN).nonce(pensioner).value, 3);
    assert_eq!(
        city.native_balance(pensioner),
        0,
        "she never paid a fee or a deposit"
    );
}

#[test]
fn a_secret_ballot_is_committed_and_revealed_through_intents() {
    let (mut city, card, pensioner) = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Secret, Revoting::Refused);
    start_voting(&mut city);
    let salt = [9; 32];
    let sealed = commitment(poll, pensioner, 2, salt);
    let commit = city.payload(
        pensioner,
        ballot(poll, BallotAct::Commit { commitment: sealed }),
        100,
    );
    submit(&mut city, &commit, &card).unwrap();
    crate::voting::end_voting(&mut city);
    let reveal = city.payload(
        pensioner,
        ballot(poll, BallotAct::Reveal { choice: 2, salt }),
        100,
    );
    submit(&mut city, &reveal, &card).unwrap();
    assert_eq!(
        city.voting(ADMIN).tally(poll).value.unwrap().votes_for(2),
        1
    );
}

/// What every refusal must leave as it was: the pensioner's nonce and coins, and the
/// poll's voters.
fn state(city: &mut City, poll: u32, pensioner: AccountId) -> (u64, u32, u128) {
    (
        city.intents(ADMIN).nonce(pensioner).value,
        city.voting(ADMIN).tally(poll).value.unwrap().voters,
        city.token(ADMIN).balance_of(pensioner).value,
    )
}

#[test]
fn replays_expired_foreign_and_forged_intents_are_refused_and_change_nothing() {
    let (mut city, card, pensioner) = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Replaces);
    start_voting(&mut city);
    let vote = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 0 }), 5);
    submit(&mut city, &vote, &card).unwrap();
    let before = state(&mut city, poll, pensioner);

    // The same intent again: a replay.
    assert_eq!(submit(&mut city, &vote, &card), Err(IntentError::BadNonce));

    // Past its deadline.
    let late = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 1 }), 1);
    city.advance_blocks(2);
    assert_eq!(submit(&mut city, &late, &card), Err(IntentError::Expired));

    // Meant for another chain, or another intents contract.
    let mut elsewhere = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 1 }), 5);
    elsewhere.domain = [0x42; 32];
    assert_eq!(
        submit(&mut city, &elsewhere, &card),
        Err(IntentError::WrongDomain)
    );
    let mut other_forwarder = city.payload(pensioner, bus_fare(), 5);
    other_forwarder.forwarder = contract_account(&city.voting);
    assert_eq!(
        submit(&mut city, &other_forwarder, &card),
        Err(IntentError::WrongForwarder)
    );

    // Malformed, tampered, or signed by another card.
    let mut intent = city.payload(pensioner, bus_fare(), 5);
    let mut malformed = card.sign(&intent);
    malformed[..32].fill(0);
    assert_eq!(
        city.intents(RELAYER).submit(&intent, malformed).value,
        Err(IntentError::BadSignature)
    );
    let signature = card.sign(&intent);
    intent.intent = Intent::Token(TokenAct::Redeem {
        provider: BUS.account(),
        amount: 90,
        memo: Vec::new(),
    });
    assert_eq!(
        city.intents(RELAYER).submit(&intent, signature).value,
        Err(IntentError::NotTheCard),
        "a payload changed after signing recovers nobody's card"
    );
    let thief = Card::new("mallory's card");
    let fare = city.payload(pensioner, bus_fare(), 5);
    assert_eq!(
        submit(&mut city, &fare, &thief),
        Err(IntentError::NotTheCard)
    );

    // A rotated card (only governance moves an account to another card), then a revoked
    // one, signs for nobody.
    let new_card = Card::new("pensioner's new card");
    let voting = contract_account(&city.voting);
    city.registry(voting)
        .set_card_key(pensioner, Some(new_card.key()))
        .expect_accepted();
    assert_eq!(
        submit(&mut city, &fare, &card),
        Err(IntentError::NotTheCard)
    );
    city.registry(ADMIN)
        .set_card_key(pensioner, None)
        .expect_accepted();
    assert_eq!(
        submit(&mut city, &fare, &new_card),
        Err(IntentError::NotTheCard)
    );

    assert_eq!(state(&mut city, poll, pensioner), before);
}

#[test]
fn the_acting_contracts_refusals_come_back_typed_and_keep_the_nonce() {
    let (mut city, card, pensioner) = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    // Before voting starts e-voting refuses, and the nonce stays: the same signed intent
    // runs once voting has started.
    let early = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 2 }), 50);
    let signature = card.sign(&early);
    assert_eq!(
        city.intents(RELAYER).submit(&early, signature).value,
        Err(IntentError::Voting(VotingError::NotStarted))
    );
    let before = state(&mut city, poll, pensioner);
    start_voting(&mut city);
    city.intents(RELAYER)
        .submit(&early, signature)
        .expect_accepted();
    assert_eq!(state(&mut city, poll, pensioner).0, before.0 + 1);

    // The token refuses a redemption at an account that is no provider.
    let mut shop = city.payload(pensioner, bus_fare(), 5);
    shop.intent = Intent::Token(TokenAct::Redeem {
        provider: MALLORY.account(),
        amount: 2,
        memo: Vec::new(),
    });
    assert_eq!(
        submit(&mut city, &shop, &card),
        Err(IntentError::Token(TokenError::NotServiceProvider))
    );
    assert_eq!(state(&mut city, poll, pensioner), (1, 1, 100));
}

#[test]
fn only_the_forwarder_acts_for_citizens() {
    let (mut city, card, pensioner) = city();
    let poll = open_poll(&mut city, citizens(), Secrecy::Public, Revoting::Refused);
    start_voting(&mut city);
    // Nobody else may call the messages the intents contract calls.
    assert_eq!(
        city.voting(MALLORY)
            .vote_for(pensioner, poll, BallotAct::Cast { choice: 0 })
            .expect_refused(),
        VotingError::NotForwarder
    );
    let fare = TokenAct::Redeem {
        provider: BUS.account(),
        amount: 2,
        memo: Vec::new(),
    };
    assert_eq!(
        city.token(MALLORY)
            .act_for(pensioner, fare.clone())
            .expect_refused(),
        TokenError::MissingRole(Role::Forwarder)
    );
    // Without the role the intents contract acts for nobody either.
    let forwarder = contract_account(city.intents_contract());
    let voting = contract_account(&city.voting);
    city.token(voting)
        .revoke_role(Role::Forwarder, forwarder)
        .expect_accepted();
    let vote = city.payload(pensioner, ballot(poll, BallotAct::Cast { choice: 0 }), 5);
    assert_eq!(
        submit(&mut city, &vote, &card),
        Err(IntentError::Voting(VotingError::NotForwarder))
    );
    let pay = city.payload(pensioner, Intent::Token(fare), 5);
    assert_eq!(
        submit(&mut city, &pay, &card),
        Err(IntentError::Token(TokenError::MissingRole(Role::Forwarder)))
    );
    assert_eq!(state(&mut city, poll, pensioner), (0, 0, 100));
}

#[test]
fn only_the_electorate_gives_the_intents_contract_its_role() {
    // Before the handover the deployer holds the token's seat, yet cannot grant the role:
    // not to a person, not to the intents contract.
    let mut city = crate::voting::city();
    let intents = city.deploy_forwarder().unwrap();
    let forwarder = contract_account(&intents);
    for grantee in [MALLORY.account(), forwarder] {
        assert_eq!(
            city.token(ADMIN)
                .grant_role(Role::Forwarder, grantee)
                .expect_refused(),
            TokenError::ForwarderNotGoverned
        );
    }
    // After it, a passed proposal grants it to the contract, never to a person.
    city.hand_over_to_governance().unwrap();
    let grant = |city: &City, to: AccountId| {
        [proposed_call(
            &city.token,
            selector_bytes!("grant_role"),
            (Role::Forwarder, to),
        )]
    };
    let to_a_person = grant(&city, MALLORY.account());
    let to_a_person = pass(&mut city, &to_a_person);
    let to_the_contract = grant(&city, forwarder);
    let to_the_contract = pass(&mut city, &to_the_contract);
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(MALLORY).execute(to_a_person).expect_refused();
    city.voting(MALLORY)
        .execute(to_the_contract)
        .expect_accepted();
    assert!(city.token(ADMIN).has_role(forwarder, Role::Forwarder).value);
    assert!(!city.token(ADMIN).has_role(MALLORY, Role::Forwarder).value);
}
