//! Electorates and quorum: who belongs to an electorate and with what weight, who may open
//! a poll, how many votes make a poll's quorum, and which governance rules a proposal could
//! ever pass under. The registry and the token answer through a [`Census`]: the contract
//! asks them, a unit test answers from a table.

use city_traits::{
    Balance, BlockNumber, Electorate, GovernanceConfig, IdentityKind, KindCounts, Poll, Timestamp,
    VotingError, BASIS_POINTS,
};
use ink::primitives::AccountId;

type Result<T> = core::result::Result<T, VotingError>;

/// What the rules of an electorate ask of the citizen registry and the city token, always
/// about a block that has ended. `None` stands for an answer the peer could not give.
pub trait Census {
    /// The kind of `account`'s identity at the end of `block`, if it was live then with a
    /// card valid at `time` (`IdentityRegistry::kind_valid_at`).
    fn kind_valid_at(
        &self,
        account: AccountId,
        block: BlockNumber,
        time: Timestamp,
    ) -> Option<IdentityKind>;

    /// How many live identities of each kind there were at the end of `block`.
    fn counts_at(&self, block: BlockNumber) -> Option<KindCounts>;

    /// `account`'s voting power in the token at the end of `block`.
    fn votes_at(&self, account: AccountId, block: BlockNumber) -> Option<Balance>;

    /// The token's total supply at the end of `block`.
    fn supply_at(&self, block: BlockNumber) -> Option<Balance>;
}

/// Whether an identity of `kind` belongs to the one-person-one-vote electorate of `kinds`.
fn admits(kinds: u8, kind: Option<IdentityKind>) -> bool {
    matches!(kind, Some(kind) if kinds & kind.bit() != 0)
}

/// The weight of `voter`'s first ballot in `poll`: one for a live identity of the
/// electorate's kinds at the snapshot whose card had not expired when the poll opened, or
/// the voting power held at the snapshot.
///
/// # Errors
/// `NotEligible` for no weight.
pub fn weight(poll: &Poll, voter: &AccountId, census: &impl Census) -> Result<Balance> {
    let weight = match poll.electorate {
        Electorate::People { kinds } => {
            let kind = census.kind_valid_at(*voter, poll.snapshot, poll.opened_at);
            Balance::from(admits(kinds, kind))
        }
        Electorate::Tokens => {
            let power = census.votes_at(*voter, poll.snapshot).unwrap_or_default();
            if cfg!(feature = "broken-vote-weights") {
                // The broken variant: one vote per holder, whatever it holds.
                power.min(1)
            } else {
                power
            }
        }
    };
    if weight == 0 {
        return Err(VotingError::NotEligible);
    }
    Ok(weight)
}

/// How large `electorate` was at the end of `block`: its live identities, or the token's
/// supply. `None` if the census cannot say.
pub fn size(electorate: Electorate, block: BlockNumber, census: &impl Census) -> Option<Balance> {
    match electorate {
        Electorate::People { kinds } => {
            let counts = census.counts_at(block)?;
            let size = IdentityKind::ALL
                .iter()
                .filter(|kind| kinds & kind.bit() != 0)
                .map(|kind| Balance::from(counts[kind.index()]))
                // Four counts of u32 fit in a u128.
                .fold(0, Balance::saturating_add);
            Some(size)
        }
        Electorate::Tokens => census.supply_at(block),
    }
}

/// The votes `poll` needs: `quorum_bps` of its electorate at the snapshot, rounded up. The
/// snapshot block must be over. If the census cannot say how large the electorate was, no
/// number of votes is enough: quorum fails closed.
pub fn quorum(poll: &Poll, census: &impl Census) -> Balance {
    size(poll.electorate, poll.snapshot, census)
        .map_or(Balance::MAX, |size| share_rounded_up(size, poll.quorum_bps))
}

/// Refuses a `proposer` whose voting power at the block before `block` is below the
/// threshold of `config`. The `guardian` always may open, and so may a member of a
/// one-person-one-vote governance electorate (a live identity of its kinds at the previous
/// block, with a card valid `now`): so no threshold, and no guardian lost, ever keeps the
/// electorate from proposing.
///
/// # Errors
/// `BelowThreshold`.
pub fn ensure_may_open(
    config: &GovernanceConfig,
    (proposer, guardian): (&AccountId, &AccountId),
    (block, now): (BlockNumber, Timestamp),
    census: &impl Census,
) -> Result<()> {
    if proposer == guardian || config.proposal_threshold == 0 {
        return Ok(());
    }
    let Some(block) = block.checked_sub(1) else {
        return Err(VotingError::BelowThreshold);
    };
    if let Electorate::People { kinds } = config.electorate {
        if admits(kinds, census.kind_valid_at(*proposer, block, now)) {
            return Ok(());
        }
    }
    let power = census.votes_at(*proposer, block).unwrap_or_default();
    if power < config.proposal_threshold {
        return Err(VotingError::BelowThreshold);
    }
    Ok(())
}

/// Refuses governance rules that could lock the city out: figures out of bounds, a token
/// electorate with a threshold above the supply, or a governance electorate nobody belongs
/// to at `last_block` (no live identity of its kinds, or no supply), where nobody could
/// ever pass the proposal that undoes them.
///
/// # Errors
/// `InvalidConfig`, `EmptyElectorate`.
pub fn check_config(
    config: &GovernanceConfig,
    last_block: BlockNumber,
    census: &impl Census,
) -> Result<()> {
    if !config.is_valid() {
        return Err(VotingError::InvalidConfig);
    }
    let members = size(config.electorate, last_block, census).unwrap_or_default();
    if config.electorate == Electorate::Tokens && config.proposal_threshold > members {
        // Nobody could ever hold it: no proposal would open again.
        return Err(VotingError::InvalidConfig);
    }
    if members == 0 {
        return Err(VotingError::EmptyElectorate);
    }
    Ok(())
}

/// `bps` basis points of `amount`, rounded up, without overflow.
///
/// No 128-bit division: it would pull compiler-builtins' general one (about 1 KB) into the
/// Wasm, which every call loads. Dividing by 10,000 runs on 32-bit limbs in 64-bit
/// arithmetic, which Wasm has natively ([`div_rem_whole`]).
pub fn share_rounded_up(amount: Balance, bps: u16) -> Balance {
    // amount = whole * WHOLE + part, so amount * bps / WHOLE is
    // whole * bps + part * bps / WHOLE; part * bps < 10^4 * 2^16 fits a u64.
    let (whole, part) = div_rem_whole(amount);
    let fraction = part.saturating_mul(u64::from(bps));
    let round_up = Balance::from(fraction % WHOLE != 0);
    whole
        .saturating_mul(Balance::from(bps))
        .saturating_add(Balance::from(fraction / WHOLE))
        .saturating_add(round_up)
}

/// All basis points, as the divisor of [`div_rem_whole`].
const WHOLE: u64 = BASIS_POINTS as u64;

/// `amount / WHOLE` and `amount % WHOLE`: long division by 32-bit limbs, each step a 64-bit
/// division (the remainder stays below `WHOLE`, so it and the next limb fit 64 bits).
fn div_rem_whole(amount: u128) -> (u128, u64) {
    let mut quotient = 0u128;
    let mut remainder = 0u64;
    for shift in [96u32, 64, 32, 0] {
        let limb = u64::try_from((amount >> shift) & 0xffff_ffff).unwrap_or_default();
        let current = (remainder << 32) | limb;
        quotient = (quotient << 32) | u128::from(current / WHOLE);
        remainder = current % WHOLE;
    }
    (quotient, remainder)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use city_traits::{PollKind, Revoting, Secrecy, Status};

    use super::*;

    /// A census read off a table: identities (with the time their card lapses), counts,
    /// voting power and supply, the same at every block; `silent` answers nothing.
    #[derive(Default)]
    pub struct Table {
        pub kinds: BTreeMap<AccountId, (IdentityKind, Timestamp)>,
        pub counts: KindCounts,
        pub votes: BTreeMap<AccountId, Balance>,
        pub supply: Balance,
        pub silent: bool,
    }

    impl Census for Table {
        fn kind_valid_at(
            &self,
            account: AccountId,
            _: BlockNumber,
            time: Timestamp,
        ) -> Option<IdentityKind> {
            let (kind, lapses) = self.kinds.get(&account).filter(|_| !self.silent)?;
            (time < *lapses).then_some(*kind)
        }

        fn counts_at(&self, _: BlockNumber) -> Option<KindCounts> {
            (!self.silent).then_some(self.counts)
        }

        fn votes_at(&self, account: AccountId, _: BlockNumber) -> Option<Balance> {
            (!self.silent).then(|| self.votes.get(&account).copied().unwrap_or_default())
        }

        fn supply_at(&self, _: BlockNumber) -> Option<Balance> {
            (!self.silent).then_some(self.supply)
        }
    }

    pub fn account(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    /// Account 1 a citizen, 2 a resident, 3 a citizen whose card lapses at time 50, 4
    /// holding 300 of a supply of 1,000; the registry counts 4 citizens and 8 residents.
    pub fn table() -> Table {
        let mut table = Table {
            counts: [4, 8, 0, 0],
            supply: 1_000,
            ..Table::default()
        };
        table
            .kinds
            .insert(account(1), (IdentityKind::Citizen, u64::MAX));
        table
            .kinds
            .insert(account(2), (IdentityKind::Resident, u64::MAX));
        table.kinds.insert(account(3), (IdentityKind::Citizen, 50));
        table.votes.insert(account(4), 300);
        table
    }

    pub fn citizens() -> Electorate {
        Electorate::people(&[IdentityKind::Citizen])
    }

    /// A public consultation of `electorate` opened at time 50, snapshot at block 2,
    /// voting until block 12, a quorum of a quarter.
    pub fn poll(electorate: Electorate) -> Poll {
        Poll {
            proposer: account(9),
            electorate,
            options: 2,
            kind: PollKind::Consultation,
            secrecy: Secrecy::Public,
            revoting: Revoting::Refused,
            snapshot: 2,
            deadline: 12,
            reveal_end: 12,
            quorum_bps: 2_500,
            opened_at: 50,
            timelock_ms: 86_400_000,
            grace_ms: 3_600_000,
            status: Status::Open,
        }
    }

    fn config(electorate: Electorate, proposal_threshold: Balance) -> GovernanceConfig {
        GovernanceConfig {
            electorate,
            voting_delay: 2,
            voting_period: 10,
            reveal_period: 5,
            quorum_bps: 2_500,
            proposal_threshold,
            timelock_ms: 86_400_000,
            grace_ms: 3_600_000,
        }
    }

    #[test]
    fn a_person_weighs_one_if_of_the_kinds_with_a_card_valid_at_the_opening() {
        let table = table();
        let poll = poll(citizens());
        assert_eq!(weight(&poll, &account(1), &table), Ok(1));
        for outsider in [2, 3, 4] {
            assert_eq!(
                weight(&poll, &account(outsider), &table),
                Err(VotingError::NotEligible),
                "account {outsider}"
            );
        }
    }

    #[test]
    fn a_holder_weighs_its_power_at_the_snapshot() {
        let table = table();
        let poll = poll(Electorate::Tokens);
        assert_eq!(weight(&poll, &account(4), &table), Ok(300));
        assert_eq!(
            weight(&poll, &account(1), &table),
            Err(VotingError::NotEligible)
        );
    }

    #[test]
    fn a_silent_census_weighs_nobody() {
        let table = Table {
            silent: true,
            ..table()
        };
        assert_eq!(
            weight(&poll(citizens()), &account(1), &table),
            Err(VotingError::NotEligible)
        );
        assert_eq!(
            weight(&poll(Electorate::Tokens), &account(4), &table),
            Err(VotingError::NotEligible)
        );
    }

    #[test]
    fn quorum_is_a_share_of_the_kinds_counted_or_of_the_supply() {
        let table = table();
        let both = Electorate::people(&[IdentityKind::Citizen, IdentityKind::Resident]);
        assert_eq!(quorum(&poll(citizens()), &table), 1);
        assert_eq!(quorum(&poll(both), &table), 3);
        assert_eq!(quorum(&poll(Electorate::Tokens), &table), 250);
    }

    #[test]
    fn quorum_fails_closed_when_the_census_cannot_say() {
        let table = Table {
            silent: true,
            ..table()
        };
        assert_eq!(quorum(&poll(citizens()), &table), Balance::MAX);
        assert_eq!(quorum(&poll(Electorate::Tokens), &table), Balance::MAX);
    }

    #[test]
    fn quorum_is_rounded_up_without_overflow() {
        assert_eq!(share_rounded_up(200, 2_500), 50);
        assert_eq!(share_rounded_up(201, 2_500), 51);
        assert_eq!(share_rounded_up(0, 2_500), 0);
        assert_eq!(share_rounded_up(7, 0), 0);
        assert_eq!(share_rounded_up(u128::MAX, 10_000), u128::MAX);
        assert_eq!(share_rounded_up(u128::MAX, 5_000), u128::MAX / 2 + 1);
    }

    #[test]
    fn the_limb_division_is_the_128_bit_one() {
        let amounts = [
            0,
            1,
            9_999,
            10_000,
            10_001,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::MAX / 3,
            u128::MAX - 1,
            u128::MAX,
        ];
        for amount in amounts {
            let (quotient, remainder) = div_rem_whole(amount);
            assert_eq!(quotient, amount / 10_000, "{amount}");
            assert_eq!(u128::from(remainder), amount % 10_000, "{amount}");
            for bps in [0u16, 1, 2_500, 9_999, 10_000] {
                // The share by 128-bit arithmetic, where it does not overflow.
                if let Some(product) = amount.checked_mul(u128::from(bps)) {
                    assert_eq!(
                        share_rounded_up(amount, bps),
                        product.div_ceil(10_000),
                        "{bps} bps of {amount}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_threshold_keeps_out_outsiders_but_never_the_guardian_or_the_electorate() {
        let table = table();
        let open = |config: &GovernanceConfig, proposer: u8, block| {
            ensure_may_open(
                config,
                (&account(proposer), &account(9)),
                (block, 50),
                &table,
            )
        };
        let by_citizens = config(citizens(), 301);
        assert_eq!(open(&by_citizens, 1, 5), Ok(()), "a citizen");
        assert_eq!(open(&by_citizens, 9, 5), Ok(()), "the guardian");
        assert_eq!(open(&by_citizens, 2, 5), Err(VotingError::BelowThreshold));
        assert_eq!(
            open(&by_citizens, 3, 5),
            Err(VotingError::BelowThreshold),
            "a lapsed card"
        );
        assert_eq!(open(&by_citizens, 4, 5), Err(VotingError::BelowThreshold));
        let by_holders = config(Electorate::Tokens, 300);
        assert_eq!(open(&by_holders, 4, 5), Ok(()), "exactly the threshold");
        assert_eq!(
            open(&by_holders, 1, 5),
            Err(VotingError::BelowThreshold),
            "a citizen without power"
        );
        assert_eq!(
            open(&by_holders, 4, 0),
            Err(VotingError::BelowThreshold),
            "no block before the first"
        );
        assert_eq!(
            open(&config(Electorate::Tokens, 0), 5, 0),
            Ok(()),
            "no threshold"
        );
    }

    #[test]
    fn governance_rules_need_someone_to_pass_their_undoing() {
        let counted = table();
        let check = |config| check_config(&config, 4, &counted);
        assert_eq!(check(config(citizens(), 0)), Ok(()));
        assert_eq!(
            check(config(Electorate::people(&[IdentityKind::Visitor]), 0)),
            Err(VotingError::EmptyElectorate)
        );
        assert_eq!(check(config(Electorate::Tokens, 1_000)), Ok(()));
        assert_eq!(
            check(config(Electorate::Tokens, 1_001)),
            Err(VotingError::InvalidConfig),
            "a threshold above the supply"
        );
        assert_eq!(
            check(GovernanceConfig {
                quorum_bps: 1,
                ..config(citizens(), 0)
            }),
            Err(VotingError::InvalidConfig)
        );
        let silent = Table {
            silent: true,
            ..table()
        };
        assert_eq!(
            check_config(&config(citizens(), 0), 4, &silent),
            Err(VotingError::EmptyElectorate)
        );
        assert_eq!(
            check_config(&config(Electorate::Tokens, 0), 4, &silent),
            Err(VotingError::EmptyElectorate)
        );
    }
}
