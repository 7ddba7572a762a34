//! The intents contract's figures: a card-signed vote, fare and permit, each submitted by
//! a relayer for a citizen who holds no native currency.

use anyhow::Result;
use city_traits::{BallotAct, Electorate, IdentityKind, Intent, Revoting, Role, Secrecy, TokenAct};
use harness::{
    city::{Actor, City, ADMIN, BUS, GOVERNANCE},
    intents::Card,
    Fixture,
};

use super::Measurement;

const RELAYER: Actor = Actor("bench-relayer");

/// Measures `submit` on a governed city with the intents contract.
pub(super) fn intents_weights() -> Result<Vec<Measurement>> {
    let card = Card::new("bench citizen's card");
    let citizen = card.account();
    let mut city: City = Fixture::new()
        .citizens([citizen])
        .holder(citizen, 100)
        .token_role(Role::ServiceProvider, BUS)
        .governed()
        .build()?;
    city.deploy_intents()?;
    city.registry(ADMIN)
        .set_card_key(citizen, Some(card.key()))
        .accepted()?;
    let poll = city
        .voting(ADMIN)
        .create_poll(
            "Bench",
            &["yes", "no"],
            Electorate::people(&[IdentityKind::Citizen]),
            Secrecy::Public,
            Revoting::Refused,
        )
        .accepted()?;
    city.advance_blocks(GOVERNANCE.voting_delay + 1);

    let mut weights = Vec::new();
    let vote = Intent::Ballot {
        poll,
        act: BallotAct::Cast { choice: 0 },
    };
    let fare = Intent::Token(TokenAct::Redeem {
        provider: BUS.account(),
        amount: 2,
        memo: b"line 7".to_vec(),
    });
    let permit = Intent::Token(TokenAct::Approve {
        spender: BUS.account(),
        value: 10,
    });
    for (label, intent) in [
        ("submit (a vote)", vote),
        ("submit (a fare)", fare),
        ("submit (a permit)", permit),
    ] {
        let payload = city.payload(citizen, intent, 10);
        let signature = card.sign(&payload);
        let submitted = city.intents(RELAYER).submit(&payload, signature);
        weights.push(Measurement::of(label, &submitted));
        submitted.accepted()?;
    }
    Ok(weights)
}
