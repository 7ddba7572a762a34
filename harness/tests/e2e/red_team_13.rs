//! The thirteenth attacker's review: `city_traits::Text` (a `String`'s encoding and
//! metadata, never UTF-8-checked) for the token's name and symbol and e-voting's texts,
//! `city_traits::PSP22Metadata`, and the token's shared `set_paused`.
//!
//! - I1 (medium): e-voting now stores whatever bytes a proposer sends as a question,
//!   description or option label, while its metadata still calls them `String` (`str`).
//!   Before, ink!'s `String` decoding refused non-UTF-8 input (the call trapped); now a
//!   proposer (anyone, under a zero threshold) stores e.g. `0xff 0xfe`. `texts` is the only
//!   message that answers a proposal's calls, and it answers them beside the description:
//!   every client that decodes it by the metadata (cargo-contract's transcoder, which the
//!   `city` CLI's node and embedded backends use; polkadot.js; the harness's `Texts`)
//!   fails on that poll. A malicious proposer so hides *what its proposal calls* from the
//!   voters' tools while the vote runs (and a UI listing every poll breaks on it)
//!   (`a_proposals_calls_stay_readable_by_clients_of_the_metadata`,
//!   `a_consultations_texts_stay_readable_by_clients_of_the_metadata`). Fixed by taking
//!   e-voting's texts back to `String`: a UTF-8 check costs what `Text` saved. The
//!   token's name and symbol stay `Text`: only the deployer writes them.
//!
//! Held (pinned below, passing): the token's `PSP22Metadata::*` selectors are the hashes of
//! their labels (the psp22 crate's) and answer a `String` by the metadata; `pause` and
//! `unpause` need the pauser, refuse the wrong state with `Paused`/`NotPaused` without
//! changing it or emitting, and emit `TokenPaused`/`TokenUnpaused` (not the other one);
//! the text limits count bytes, so multi-byte text cannot slip past them, and texts of
//! exactly the limits are accepted.

use city_traits::{
    Call, Electorate, IdentityKind, PollId, Revoting, Role, Secrecy, TokenError, VotingError,
    MAX_LABEL_BYTES, MAX_QUESTION_BYTES,
};
use harness::{
    bundles,
    call::input,
    city::{ADMIN, ALICE, BOB, MALLORY},
    voting::proposed_call,
    City,
};
use ink::{primitives::AccountId, selector_bytes};
use scale::Encode;

use crate::city_with_holders;

/// Not UTF-8: a lone continuation-start byte pair, then text.
const NOT_UTF8: &[u8] = b"\xff\xfe Read me: harmless housekeeping";

fn blake2_4(label: &str) -> [u8; 4] {
    let mut hash = [0u8; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(label.as_bytes(), &mut hash);
    [hash[0], hash[1], hash[2], hash[3]]
}

/// `texts(poll)` as raw bytes (the contract's return data, `Ok(...)` of ink!'s
/// `LangError` wrapper): `Text` and `Vec<u8>` share `String`'s encoding.
fn raw_texts(city: &mut City, poll: PollId) -> Vec<u8> {
    type Raw = Option<((Vec<u8>, Vec<Vec<u8>>), Vec<Call>)>;
    let voting = city.voting.address.clone();
    let outcome = city
        .call::<Raw>(&voting, BOB, input(selector_bytes!("texts"), poll))
        .expect("texts answers");
    Ok::<Raw, ink::LangError>(outcome.value).encode()
}

/// Whether cargo-contract's transcoder (the `city` CLI's, a wallet's) can read `texts`.
fn transcoder_reads_texts(data: &[u8]) -> Result<String, String> {
    let bundle = bundles::load("e-voting").expect("the e-voting bundle");
    bundle
        .transcoder
        .decode_message_return("texts", &mut &data[..])
        .map(|value| value.to_string())
        .map_err(|error| format!("{error:#}"))
}

/// Asserts that cargo-contract's transcoder reads `texts(poll)`, which shows `what`.
fn assert_texts_readable(city: &mut City, poll: PollId, what: &str) {
    let data = raw_texts(city, poll);
    let read = transcoder_reads_texts(&data);
    assert!(
        read.is_ok(),
        "poll {poll}'s texts ({what}) are unreadable by the metadata's clients: {read:?}"
    );
}

/// I1 (medium): a proposer's non-UTF-8 description hides the proposal's calls from every
/// client decoding `texts` by the metadata (`str`). Correct: the contract refuses text
/// that is not UTF-8 (as before the change), or `texts` stays readable as metadata says.
#[test]
fn a_proposals_calls_stay_readable_by_clients_of_the_metadata() {
    let mut city = crate::voting::city();
    let hidden = proposed_call(
        &city.token,
        selector_bytes!("grant_role"),
        (Role::Minter, AccountId::from(MALLORY)),
    );
    let voting = city.voting.address.clone();
    let args = (
        NOT_UTF8.to_vec(),
        vec![hidden],
        Secrecy::Public,
        Revoting::Refused,
    );
    let proposed = city.call::<Result<PollId, VotingError>>(
        &voting,
        MALLORY,
        input(selector_bytes!("propose"), args),
    );
    // Refused (a trap on the undecodable text, or an error): nothing to hide.
    let Some(poll) = proposed.ok().and_then(|outcome| outcome.value.ok()) else {
        return;
    };
    assert_texts_readable(&mut city, poll, "its calls, a Minter grant to mallory");
    // The harness reads it as the metadata says, `(String, Vec<String>)`, too.
    let harness_read = city.call::<Option<(harness::voting::Texts, Vec<Call>)>>(
        &voting,
        BOB,
        input(selector_bytes!("texts"), poll),
    );
    assert!(
        harness_read.is_ok(),
        "texts of proposal {poll} does not decode as (String, Vec<String>)"
    );
}

/// I1 (medium), consultations: a non-UTF-8 option label leaves the poll's texts
/// unreadable by the metadata's clients (its question and options cannot be shown).
#[test]
fn a_consultations_texts_stay_readable_by_clients_of_the_metadata() {
    let mut city = crate::voting::city();
    let voting = city.voting.address.clone();
    let args = (
        b"Which park?".to_vec(),
        vec![b"north".to_vec(), NOT_UTF8.to_vec()],
        Electorate::people(&[IdentityKind::Citizen]),
        Secrecy::Public,
        Revoting::Refused,
    );
    let created = city.call::<Result<PollId, VotingError>>(
        &voting,
        ADMIN,
        input(selector_bytes!("create_poll"), args),
    );
    // Refused (a trap on the undecodable text, or an error): nothing to hide.
    let Some(poll) = created.ok().and_then(|outcome| outcome.value.ok()) else {
        return;
    };
    assert_texts_readable(&mut city, poll, "its question and options");
}

/// Held: the token's metadata messages keep the psp22 crate's selectors (the hash of
/// `PSP22Metadata::<name>`) and answer `Option<String>` by the bundle's metadata.
#[test]
fn psp22_metadata_keeps_its_selectors_labels_and_string_type() {
    let bundle = bundles::load("city-token").expect("the token bundle");
    let metadata = bundle.transcoder.metadata();
    for label in [
        "PSP22Metadata::token_name",
        "PSP22Metadata::token_symbol",
        "PSP22Metadata::token_decimals",
    ] {
        let message = metadata
            .spec()
            .messages()
            .iter()
            .find(|m| m.label() == label)
            .unwrap_or_else(|| panic!("{label} is in the token's metadata"));
        assert_eq!(
            message.selector().to_bytes(),
            &blake2_4(label)[..],
            "{label}"
        );
    }
    // The psp22 crate's documented selectors for the same labels.
    assert_eq!(
        blake2_4("PSP22Metadata::token_name"),
        [0x3d, 0x26, 0x1b, 0xd4]
    );
    assert_eq!(
        blake2_4("PSP22Metadata::token_symbol"),
        [0x34, 0x20, 0x5b, 0xe5]
    );
    assert_eq!(
        blake2_4("PSP22Metadata::token_decimals"),
        [0x72, 0x71, 0xb7, 0x82]
    );
    // The answer is a string by the metadata: a string decodes as one, non-UTF-8 does not.
    let name = Ok::<_, ink::LangError>(Some(String::from("City Coin ✓"))).encode();
    let decoded = bundle
        .transcoder
        .decode_message_return("PSP22Metadata::token_name", &mut &name[..])
        .expect("a name decodes")
        .to_string();
    assert!(decoded.contains("City Coin ✓"), "{decoded}");
    let bad = Ok::<_, ink::LangError>(Some(NOT_UTF8.to_vec())).encode();
    assert!(bundle
        .transcoder
        .decode_message_return("PSP22Metadata::token_name", &mut &bad[..])
        .is_err());
    // And the real token answers its name through those selectors.
    let mut city = city_with_holders();
    assert_eq!(
        city.token(ALICE).token_name().value,
        Some("City Coin".into())
    );
    assert_eq!(city.token(ALICE).token_symbol().value, Some("CITY".into()));
}

/// Held: `pause`/`unpause` (one body now) need the pauser, refuse the wrong state with
/// the right error, change nothing and emit nothing when refused, and emit the right event.
#[test]
fn pause_and_unpause_keep_their_roles_states_and_events() {
    let mut city = city_with_holders();
    let paused_topic = {
        let mut h = [0u8; 32];
        ink::env::hash_bytes::<ink::env::hash::Blake2x256>(b"TokenPaused(AccountId)", &mut h);
        h
    };
    let unpaused_topic = {
        let mut h = [0u8; 32];
        ink::env::hash_bytes::<ink::env::hash::Blake2x256>(b"TokenUnpaused(AccountId)", &mut h);
        h
    };
    let admin: AccountId = ADMIN.into();

    // Nobody without the role, in either state; the admin too until granted.
    for who in [MALLORY, ALICE, ADMIN] {
        let refused = city.token(who).pause();
        assert!(refused.reverted && refused.events.is_empty());
        assert_eq!(refused.value, Err(TokenError::MissingRole(Role::Pauser)));
        assert_eq!(
            city.token(who).unpause().expect_refused(),
            TokenError::MissingRole(Role::Pauser)
        );
    }
    assert!(!city.token(BOB).paused().value);
    city.token(ADMIN)
        .grant_role(Role::Pauser, ADMIN)
        .expect_accepted();

    // Unpause while running: NotPaused, nothing emitted, still running.
    let refused = city.token(ADMIN).unpause();
    assert_eq!(refused.value, Err(TokenError::NotPaused));
    assert!(refused.events.is_empty());
    assert!(!city.token(BOB).paused().value);

    // Pause: exactly one TokenPaused by the admin.
    let paused = city.token(ADMIN).pause();
    assert_eq!(paused.value, Ok(()));
    assert_eq!(paused.events.len(), 1);
    assert_eq!(paused.events[0].topics[0], paused_topic);
    assert_eq!(paused.events[0].data, admin.encode());
    assert!(city.token(BOB).paused().value);

    // Pause again: Paused; a non-pauser still cannot unpause.
    let refused = city.token(ADMIN).pause();
    assert_eq!(refused.value, Err(TokenError::Paused));
    assert!(refused.events.is_empty());
    assert_eq!(
        city.token(MALLORY).unpause().expect_refused(),
        TokenError::MissingRole(Role::Pauser)
    );
    assert!(city.token(BOB).paused().value);

    // Unpause: exactly one TokenUnpaused.
    let unpaused = city.token(ADMIN).unpause();
    assert_eq!(unpaused.value, Ok(()));
    assert_eq!(unpaused.events.len(), 1);
    assert_eq!(unpaused.events[0].topics[0], unpaused_topic);
    assert_eq!(unpaused.events[0].data, admin.encode());
    assert!(!city.token(BOB).paused().value);

    // A revoked pauser is refused again.
    city.token(ADMIN)
        .revoke_role(Role::Pauser, ADMIN)
        .expect_accepted();
    assert_eq!(
        city.token(ADMIN).pause().expect_refused(),
        TokenError::MissingRole(Role::Pauser)
    );
}

/// Held: the limits count bytes, so multi-byte text is measured by its encoding, and
/// texts of exactly the limits are accepted.
#[test]
fn text_limits_count_bytes_not_characters() {
    let mut city = crate::voting::city();
    let citizens = Electorate::people(&[IdentityKind::Citizen]);
    // 'é' is two bytes: MAX/2 + 1 characters are over the byte limit.
    let question = "é".repeat(MAX_QUESTION_BYTES / 2 + 1);
    assert_eq!(
        city.voting(ADMIN)
            .create_poll(
                &question,
                &["a", "b"],
                citizens,
                Secrecy::Public,
                Revoting::Refused
            )
            .expect_refused(),
        VotingError::TextTooLong
    );
    let label = "é".repeat(MAX_LABEL_BYTES / 2 + 1);
    assert_eq!(
        city.voting(ADMIN)
            .create_poll(
                "?",
                &[&label, "b"],
                citizens,
                Secrecy::Public,
                Revoting::Refused
            )
            .expect_refused(),
        VotingError::TextTooLong
    );
    let description = "€".repeat(MAX_QUESTION_BYTES / 3 + 1);
    assert_eq!(
        city.voting(ALICE)
            .propose(&description, &[], Secrecy::Public, Revoting::Refused)
            .expect_refused(),
        VotingError::TextTooLong
    );
    let question = "é".repeat(MAX_QUESTION_BYTES / 2);
    let label = "é".repeat(MAX_LABEL_BYTES / 2);
    let poll = city
        .voting(ADMIN)
        .create_poll(
            &question,
            &[&label, "b"],
            citizens,
            Secrecy::Public,
            Revoting::Refused,
        )
        .expect_accepted();
    assert_eq!(
        city.voting(BOB).texts(poll).value,
        Some((question, vec![label, "b".to_string()]))
    );
}
