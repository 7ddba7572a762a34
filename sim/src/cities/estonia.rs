//! Estonia: citizens and e-residents with different rights, i-voting where a re-vote
//! replaces the earlier vote, a secret ballot, and a governance proposal that raises a
//! reward rate through the timelock.

use std::io::Write;

use anyhow::{anyhow, ensure, Result};
use city_traits::{
    commitment, kinds, Action, Electorate, IdentityKind, PollId, PollState, Revoting, RewardError,
    Rule, Secrecy, VotingError, AGAINST, FOR,
};
use ink::{primitives::AccountId, selector_bytes};

use super::*;
use harness::{
    city::{crowd_member, Actor, City, ADMIN, COIN, GOVERNANCE},
    voting::proposed_call,
};

const CITIZENS: u32 = 30;
const E_RESIDENTS: u32 = 10;
/// Citizens who commit a secret ballot and never reveal it.
const SILENT: u32 = 2;
const TAXPAYERS: [IdentityKind; 2] = [IdentityKind::Citizen, IdentityKind::EResident];

fn citizen(n: u32) -> AccountId {
    crowd_member("estonia-citizen", n)
}

fn e_resident(n: u32) -> AccountId {
    crowd_member("estonia-e-resident", n)
}

/// A tax rebate of `percent`% for citizens and e-residents.
fn rebate(percent: u128) -> Rule {
    Rule {
        reward: percent,
        per: 100,
        kinds: kinds(&TAXPAYERS),
    }
}

fn salt(n: u32) -> [u8; 32] {
    id("estonia-salt", n)
}

/// The choice of secret ballot `n`: a third for the second candidate.
fn secret_choice(n: u32) -> u8 {
    u8::from(n.is_multiple_of(3))
}

fn state(city: &mut City, poll: PollId) -> Result<PollState> {
    city.voting(ADMIN)
        .state(poll)
        .accepted()
        .with_context(|| format!("poll {poll}"))
}

fn story(out: &mut dyn Write) -> Result<()> {
    let mut city = Fixture::new().registrar().build()?;
    let tax_board = Actor("estonia-tax-board");
    writeln!(out, "\n== Estonia: i-voting and e-residency ==")?;
    let year = 365 * DAY_MS;
    enrol(
        &mut city,
        "estonia-citizen",
        CITIZENS,
        IdentityKind::Citizen,
        year,
    )?;
    let (e_residents, kind) = ("estonia-e-resident", IdentityKind::EResident);
    enrol(&mut city, e_residents, E_RESIDENTS, kind, year)?;
    city.install_device(tax_board, &[Action::TaxPaid])?;
    city.set_reward(Action::TaxPaid, (1, 100), &TAXPAYERS)?;
    city.hand_over_to_governance()?;
    let refused = city
        .rewards(ADMIN)
        .set_rule(Action::TaxPaid, Some(rebate(5)), 0)
        .value;
    ensure!(
        refused == Err(RewardError::NotAdmin),
        "the old admin changed a rule: {refused:?}"
    );
    let mut receipts = 0;
    let mut pay_tax = |city: &mut City, who: AccountId| {
        receipts += 1;
        city.rewards(tax_board)
            .attest(id("estonia-tax", receipts), who, Action::TaxPaid, 100_000)
            .value
    };
    let before = pay_tax(&mut city, citizen(1));
    ensure!(before == Ok(10 * COIN), "the 1% rebate paid {before:?}");
    writeln!(
        out,
        "{CITIZENS} citizens and {E_RESIDENTS} e-residents; the city hands its admin seats to \
         e-voting; 1,000.00 of tax earns a {} coin rebate",
        coins(10 * COIN)
    )?;
    city.advance_blocks(1);

    let everyone = Electorate::people(&TAXPAYERS);
    let citizens = Electorate::people(&[IdentityKind::Citizen]);
    let e_services = ["digital notary", "e-health records", "company register"];
    let consultation = opened(city.voting(ADMIN).create_poll(
        "Which e-service comes first?",
        &e_services,
        everyone,
        Secrecy::Public,
        Revoting::Replaces,
    ))?;
    let chair = opened(city.voting(ADMIN).create_poll(
        "Who chairs the digital council?",
        &["Kask", "Tamm"],
        citizens,
        Secrecy::Secret,
        Revoting::Refused,
    ))?;
    let raise = proposed_call(
        &city.rewards,
        selector_bytes!("set_rule"),
        (Action::TaxPaid, Some(rebate(2)), 0u64),
    );
    let proposal = opened(city.voting(citizen(0)).propose(
        "Double the tax rebate to 2%",
        &[raise],
        Secrecy::Public,
        Revoting::Replaces,
    ))?;
    city.advance_blocks(GOVERNANCE.voting_delay + 1);

    // The consultation: e-residents and citizens alike; citizen 0 changes her mind.
    for n in 0..E_RESIDENTS {
        city.voting(e_resident(n))
            .cast_vote(consultation, 2)
            .accepted()?;
    }
    for n in 0..CITIZENS {
        city.voting(citizen(n))
            .cast_vote(consultation, 1)
            .accepted()?;
    }
    city.voting(citizen(0))
        .cast_vote(consultation, 0)
        .accepted()?;
    // The proposal: citizens only; two thirds For, and citizen 3 re-votes from Against
    // to For.
    let outsider = city.voting(e_resident(0)).cast_vote(proposal, FOR).value;
    ensure!(
        outsider == Err(VotingError::NotEligible),
        "an e-resident voted on governance: {outsider:?}"
    );
    for n in 0..CITIZENS {
        let choice = if n.is_multiple_of(3) { AGAINST } else { FOR };
        city.voting(citizen(n))
            .cast_vote(proposal, choice)
            .accepted()?;
    }
    city.voting(citizen(3))
        .cast_vote(proposal, FOR)
        .accepted()?;
    // The secret ballot: citizens commit.
    for n in 0..CITIZENS {
        let sealed = commitment(chair, citizen(n), secret_choice(n), salt(n));
        city.voting(citizen(n))
            .commit_vote(chair, sealed)
            .accepted()?;
    }
    let sealed = commitment(chair, e_resident(0), 0, salt(0));
    let outsider = city.voting(e_resident(0)).commit_vote(chair, sealed).value;
    ensure!(
        outsider == Err(VotingError::NotEligible),
        "an e-resident committed: {outsider:?}"
    );
    city.advance_blocks(GOVERNANCE.voting_period);

    let wrong_salt = city
        .voting(citizen(0))
        .reveal_vote(chair, secret_choice(0), salt(1))
        .value;
    ensure!(
        wrong_salt == Err(VotingError::BadReveal),
        "a reveal with the wrong salt: {wrong_salt:?}"
    );
    for n in 0..CITIZENS - SILENT {
        city.voting(citizen(n))
            .reveal_vote(chair, secret_choice(n), salt(n))
            .accepted()
            .with_context(|| format!("citizen {n}"))?;
    }
    city.advance_blocks(GOVERNANCE.reveal_period);

    let tally = |city: &mut City, poll| {
        city.voting(ADMIN)
            .tally(poll)
            .value
            .ok_or_else(|| anyhow!("no tally for poll {poll}"))
    };
    let consulted = tally(&mut city, consultation)?;
    let expected = [1, u128::from(CITIZENS) - 1, u128::from(E_RESIDENTS), 0];
    ensure!(
        consulted.votes == expected && consulted.voters == CITIZENS + E_RESIDENTS,
        "the consultation counted {consulted:?}"
    );
    writeln!(
        out,
        "consultation (citizens and e-residents, re-voting allowed): {} for {}; a citizen who \
         re-voted is counted once, for her last choice",
        consulted.votes[1], e_services[1]
    )?;
    let elected = tally(&mut city, chair)?;
    ensure!(
        state(&mut city, chair)? == PollState::Succeeded
            && elected.leader() == Some(0)
            && elected.unrevealed == SILENT,
        "the secret ballot ended {elected:?}"
    );
    writeln!(
        out,
        "secret ballot (citizens): Kask {} to Tamm {}; a wrong salt is refused; {SILENT} \
         commitments never revealed are not counted",
        elected.votes[0], elected.votes[1]
    )?;
    let decided = tally(&mut city, proposal)?;
    ensure!(
        state(&mut city, proposal)? == PollState::Succeeded && decided.votes[..2] == [21, 9],
        "the proposal ended {decided:?}"
    );

    city.voting(ADMIN).queue(proposal).value.ok();
    let early = city.voting(citizen(0)).execute(proposal).value;
    ensure!(
        early == Err(VotingError::TimelockPending),
        "executed before the timelock: {early:?}"
    );
    city.advance_time(GOVERNANCE.timelock_ms);
    city.voting(citizen(0))
        .execute(proposal)
        .accepted()
        .context("the proposal")?;
    let after = pay_tax(&mut city, citizen(2));
    ensure!(after == Ok(20 * COIN), "the 2% rebate paid {after:?}");
    writeln!(
        out,
        "the proposal to double the tax rebate passes 21 to 9, waits two days and executes; \
         the same tax now earns {} coins",
        coins(20 * COIN)
    )?;
    records(out)
}

const MINISTRY: Actor = Actor("estonia-ministry-of-health");
const HEALTH_REGISTRY: Actor = Actor("estonia-health-registry");
const CLINIC: Actor = Actor("estonia-clinic");

/// Estonia's stamped logs and X-Road consent, on a suite of their own: a ministry's daily
/// log is anchored, an entry is verified and a tampered one refused; a citizen's consent
/// for a clinic is granted, used (the health registry logs the access in an anchored
/// batch) and revoked.
fn records(out: &mut dyn Write) -> Result<()> {
    let mut city = keepers_city(&[MINISTRY, HEALTH_REGISTRY])?;
    writeln!(out, "\n-- Estonia: stamped logs and consent --")?;
    let entries: Vec<String> = (0..500)
        .map(|n| format!("2026-01-01 ministry-of-health: decision {n}"))
        .collect();
    let log = LogBatch::of_entries(&entries).ok_or_else(|| anyhow!("an empty log"))?;
    let day = city
        .records(MINISTRY)
        .anchor("ministry-of-health/2026-01-01", log.root(), log.size())
        .accepted()
        .context("anchoring the log")?;
    let entry = 123;
    let proof = log.proof(entry).ok_or_else(|| anyhow!("no proof"))?;
    let digest = entry_digest(entries[entry as usize].as_bytes());
    let verified = city
        .records(CLINIC)
        .verify_entry(day, MINISTRY, digest, entry, &proof)
        .value;
    let tampered = entry_digest(b"2026-01-01 ministry-of-health: decision 124");
    let refused = city
        .records(CLINIC)
        .verify_entry(day, MINISTRY, tampered, entry, &proof)
        .value;
    ensure!(
        verified == Ok(true) && refused == Ok(false),
        "the entry verified {verified:?}, the tampered one {refused:?}"
    );
    writeln!(
        out,
        "the ministry anchors its day's log of {} entries; entry {entry} is proved from {} \
         hashes, and a tampered copy is refused",
        log.size(),
        proof.len()
    )?;

    enrol(
        &mut city,
        "estonia-patient",
        1,
        IdentityKind::Citizen,
        365 * DAY_MS,
    )?;
    let patient = crowd_member("estonia-patient", 0);
    let until = city.now_ms() + 30 * DAY_MS;
    let consent = city
        .records(patient)
        .grant_consent(CLINIC, HEALTH_REGISTRY, "health-record", "treatment", until)
        .accepted()
        .context("granting the consent")?;
    // The health registry serves the clinic only while the consent holds, and logs it.
    ensure!(
        city.records(HEALTH_REGISTRY)
            .consent_in_force(consent, patient, CLINIC, HEALTH_REGISTRY, "health-record")
            .value,
        "the consent is not in force"
    );
    let access = format!("consent {consent}: the clinic read the health record");
    let accesses = LogBatch::of_entries(&[access.as_str(), "the pharmacy read a prescription"])
        .ok_or_else(|| anyhow!("an empty log"))?;
    let logged = city
        .records(HEALTH_REGISTRY)
        .anchor("health-registry/accesses", accesses.root(), accesses.size())
        .accepted()?;
    let access_proof = accesses.proof(0).ok_or_else(|| anyhow!("no proof"))?;
    let shown = city
        .records(patient)
        .verify_entry(
            logged,
            HEALTH_REGISTRY,
            entry_digest(access.as_bytes()),
            0,
            &access_proof,
        )
        .value;
    ensure!(shown == Ok(true), "the access log proved {shown:?}");
    let holders = city.records(patient).consents_of(patient, 0, 10).value;
    ensure!(
        holders.len() == 1 && holders[0].1.consumer == CLINIC.account(),
        "the patient sees {holders:?}"
    );
    city.records(patient)
        .revoke_consent(consent)
        .accepted()
        .context("revoking the consent")?;
    let after = city
        .records(HEALTH_REGISTRY)
        .consent_in_force(consent, patient, CLINIC, HEALTH_REGISTRY, "health-record")
        .value;
    let holders = city.records(patient).consents_of(patient, 0, 10).value;
    ensure!(
        !after && holders.is_empty(),
        "after the revocation: in force {after}, held by {holders:?}"
    );
    writeln!(
        out,
        "a patient lets the clinic read their health record for a month; the health registry \
         logs the access in an anchored batch the patient can check, and the patient revokes \
         the consent: nobody holds it any more"
    )?;
    Ok(())
}

/// The city: its story and how it lives at scale.
pub(super) const CITY: SeedCity = SeedCity {
    story,
    profile: ESTONIA,
};

/// Estonia: citizens and e-residents pay tax and earn rebates; a consultation with
/// re-voting; citizens pass a proposal that doubles the rebate through the timelock.
const ESTONIA: Profile = Profile {
    city: "estonia",
    title: "Estonia: e-residency and i-voting",
    policy: TransferPolicy::Civic,
    treasury: TREASURY,
    groups: &[
        group("estonia-citizen", Citizen, 70),
        group("estonia-e-resident", EResident, 30),
    ],
    activities: &[Activity {
        action: Action::TaxPaid,
        device: "estonia-tax-board",
        reward: 1,
        per: 100,
        kinds: &TAXPAYERS,
        daily_pct: 5,
        quantity: (20_000, 300_000),
    }],
    spending: Spending {
        venues: &[("estonia-e-services", "digital notary")],
        daily_pct: 5,
        share_pct: 50,
        fee: 0,
    },
    polls: &[
        PollPlan {
            revote_pct: 10,
            ..poll(
                1,
                "Which e-service comes first?",
                &["digital notary", "e-health records", "company register"],
                &TAXPAYERS,
                50,
                &[3, 4, 2, 1],
            )
        },
        PollPlan {
            revote_pct: 10,
            change: Some((Action::TaxPaid, 2)),
            ..poll(
                2,
                "Double the tax rebate to 2%",
                &["for", "against"],
                &[Citizen],
                45,
                &[7, 3, 1],
            )
        },
    ],
    works: None,
    batteries: None,
    charity: None,
    housing: None,
};
