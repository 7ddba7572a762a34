//! One civic step on a deployed suite, over a [`Network`]: a registrar registers a
//! citizen, a recycling bin attests sorted waste and the rules mint the reward, and the
//! citizen opens a poll and votes in it. The live-node test runs it over RPC; the e2e
//! suite runs the same code on the embedded chain.

use anyhow::{anyhow, ensure, Result};
use city_traits::{kinds, IdentityKind, Poll, PollId, Tally};
use drink::AccountId32;

use super::{hex, parse_address, Network, Record};

/// Grams of sorted recyclables the bin reports.
const GRAMS: u128 = 2_000;
/// How long the citizen's identity lasts, in milliseconds.
const YEAR_MS: u64 = 365 * 24 * 3_600 * 1_000;

/// Runs the step: `registrar` must be a registrar of the registry (offered the role and
/// accepted it, as the plans' setup does), hold the attester role
/// and be authorised by the rules for `Recyclables`, with a rule for it that rewards
/// residents (the `setup` of the sandbox and local-node plans). `citizen` is registered
/// as a resident unless it already is. Returns what happened, one line per step.
///
/// # Errors
/// If a call is refused, or the chain does not show what each step should have done:
/// the reward minted to the citizen (balance and supply grow by it), the poll's tally
/// holding the citizen's vote.
pub fn civic_step(
    network: &mut dyn Network,
    record: &Record,
    registrar: &str,
    citizen: &str,
) -> Result<Vec<String>> {
    let address = |name: &str| {
        record
            .contracts
            .iter()
            .find(|contract| contract.name == name)
            .ok_or_else(|| anyhow!("the record of {} has no {name}", record.network))
            .and_then(|contract| parse_address(&contract.address))
    };
    let (token, registry, rules, voting) = (
        address("city-token")?,
        address("citizen-registry")?,
        address("reward-rules")?,
        address("e-voting")?,
    );
    let who = network.account(citizen)?;
    let account = hex(who.as_ref());
    let (block, now) = network.head()?;
    let mut log = Vec::new();

    let kind: Option<IdentityKind> = network
        .query(
            citizen,
            "citizen-registry",
            &registry,
            "IdentityRegistry::kind_of",
            std::slice::from_ref(&account),
        )?
        .value()?;
    if kind.is_none() {
        let document = hex(&blake2(format!("identity/{account}/{now}").as_bytes()));
        network.call(
            registrar,
            "citizen-registry",
            &registry,
            "register",
            &[
                account.clone(),
                "Resident".into(),
                document,
                (now + YEAR_MS).to_string(),
            ],
        )?;
        log.push(format!("registered {account} as a resident"));
    }

    let balance = |network: &mut dyn Network, who: &AccountId32| -> Result<u128> {
        network
            .query(
                citizen,
                "city-token",
                &token,
                "PSP22::balance_of",
                &[hex(who.as_ref())],
            )?
            .value()
    };
    let supply = |network: &mut dyn Network| -> Result<u128> {
        network
            .query(citizen, "city-token", &token, "PSP22::total_supply", &[])?
            .value()
    };
    let (balance_before, supply_before) = (balance(network, &who)?, supply(network)?);
    let receipt = hex(&blake2(format!("bin/{account}/{block}/{now}").as_bytes()));
    let paid: u128 = network
        .call(
            registrar,
            "reward-rules",
            &rules,
            "attest",
            &[
                receipt,
                account.clone(),
                "Recyclables".into(),
                GRAMS.to_string(),
            ],
        )?
        .ok()?;
    ensure!(paid > 0, "the bin's attestation paid nothing");
    ensure!(
        balance(network, &who)? == balance_before + paid
            && supply(network)? == supply_before + paid,
        "the reward of {paid} was not minted to {account}"
    );
    log.push(format!(
        "a bin attested {GRAMS} g of recyclables: {paid} minted to {account}"
    ));

    let electorate = format!(
        "People {{ kinds: {} }}",
        kinds(&[IdentityKind::Citizen, IdentityKind::Resident])
    );
    let poll: PollId = network
        .call(
            citizen,
            "e-voting",
            &voting,
            "create_poll",
            &[
                "\"Plant trees along the new levee?\"".into(),
                "[\"Yes\", \"No\"]".into(),
                electorate,
                "Public".into(),
                "Replaces".into(),
            ],
        )?
        .ok()?;
    // Voting opens after the snapshot block, one block after the poll's.
    network.next_block()?;
    network.next_block()?;
    network.call(
        citizen,
        "e-voting",
        &voting,
        "cast_vote",
        &[poll.to_string(), "0".into()],
    )?;
    let found: Option<(Poll, Tally)> = network
        .query(citizen, "e-voting", &voting, "poll", &[poll.to_string()])?
        .value()?;
    let (_, tally) = found.ok_or_else(|| anyhow!("poll {poll} has no tally"))?;
    ensure!(
        tally.voters == 1 && tally.votes.first() == Some(&1),
        "poll {poll} does not count the vote: {tally:?}"
    );
    log.push(format!(
        "{account} opened poll {poll} and voted Yes: tally {:?}",
        tally.votes
    ));
    Ok(log)
}

fn blake2(bytes: &[u8]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(bytes, &mut hash);
    hash
}
