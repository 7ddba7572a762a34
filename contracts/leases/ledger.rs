//! The leases' rules as plain functions: terms and rounds checked, the lottery's order,
//! rent due at a moment, notice, and the deposit's ledger. Plain values in, new values or
//! an error out, every check before any change: on an error the values are as they were.
//! The messages ask the registry, the token and the chain what only they know, write what
//! these return, emit the events and move the coins.
//!
//! The deposit keeps the project escrow's discipline: `deposit == deducted + returned +
//! held` at every moment, and the contract never reads its token balance.

use city_traits::{
    Application, Balance, Band, Claim, Lease, LeaseError, RentStatus, RoundPlan, Terms, Timestamp,
    CLAIM_WINDOW, MAX_FLATS, RULING_WINDOW,
};
use ink::{
    env::hash::{Blake2x256, CryptoHash},
    prelude::vec::Vec,
    primitives::AccountId,
};

type Result<T> = core::result::Result<T, LeaseError>;

/// When a lease that starts at `start` on `terms` ends.
///
/// # Errors
/// `BadTerms`: a zero period, zero periods, or a total rent or an end that overflows.
pub fn end_of(start: Timestamp, terms: &Terms) -> Result<Timestamp> {
    if terms.period == 0 || terms.periods == 0 {
        return Err(LeaseError::BadTerms);
    }
    terms
        .rent
        .checked_mul(Balance::from(terms.periods))
        .ok_or(LeaseError::BadTerms)?;
    terms
        .period
        .checked_mul(u64::from(terms.periods))
        .and_then(|length| start.checked_add(length))
        .ok_or(LeaseError::BadTerms)
}

/// Checks a round as the city opens it at `now`: 1 to [`MAX_FLATS`] flats, some identity
/// kind admitted, times in order (now < closes ≤ reveal_by ≤ accept_by ≤ lease_start),
/// valid terms. (The contract refuses a flat listed twice: the first holds it.)
///
/// # Errors
/// `BadRound`, `BadTerms`.
pub fn check_round(plan: &RoundPlan, now: Timestamp) -> Result<()> {
    if plan.flats.is_empty() || plan.flats.len() > MAX_FLATS || plan.kinds == 0 {
        return Err(LeaseError::BadRound);
    }
    if !(now < plan.closes
        && plan.closes <= plan.reveal_by
        && plan.reveal_by <= plan.accept_by
        && plan.accept_by <= plan.lease_start)
    {
        return Err(LeaseError::BadRound);
    }
    end_of(plan.lease_start, &plan.terms).map(|_| ())
}

/// The commitment to a lottery's secret: its blake2-256 hash.
pub fn commitment(secret: &[u8; 32]) -> [u8; 32] {
    let mut output = [0u8; 32];
    Blake2x256::hash(secret, &mut output);
    output
}

/// blake2-256 of `a` followed by `b` (64 bytes): a ticket, the seed, and the entropy's
/// fold.
pub fn hash_pair(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut input = [0u8; 64];
    input[..32].copy_from_slice(a);
    input[32..].copy_from_slice(b);
    let mut output = [0u8; 32];
    Blake2x256::hash(&input, &mut output);
    output
}

/// An applicant's lottery ticket: blake2-256(seed ‖ account).
pub fn ticket(seed: &[u8; 32], applicant: &AccountId) -> [u8; 32] {
    hash_pair(seed, applicant.as_ref())
}

/// The published rule: applicants in order of their income band, lowest first, and
/// within a band by their ticket, lowest first (as bytes); the first `flats` of them win,
/// the first winner taking the round's first flat.
pub fn winners(applications: Vec<Application>, seed: &[u8; 32], flats: usize) -> Vec<AccountId> {
    // At most MAX_APPLICANTS (256) entries: an insertion sort is short code, and cheap
    // enough.
    let mut ranked: Vec<(Band, [u8; 32], AccountId)> = Vec::with_capacity(applications.len());
    for a in applications {
        let key = (a.band, ticket(seed, &a.applicant), a.applicant);
        let at = ranked.partition_point(|other| *other <= key);
        ranked.insert(at, key);
    }
    ranked
        .into_iter()
        .take(flats)
        .map(|(_, _, applicant)| applicant)
        .collect()
}

/// How many periods of the lease have started by `now`: those starting before both `now`
/// has passed and the lease has ended.
fn started(lease: &Lease, now: Timestamp) -> u64 {
    // Terms have a period above zero (`end_of`); `max` keeps the division total.
    let period =
        core::num::NonZeroU64::new(lease.terms.period.max(1)).unwrap_or(core::num::NonZeroU64::MIN);
    let before_end = lease.end.saturating_sub(lease.start).div_ceil(period.get());
    let by_now = match now.checked_sub(lease.start) {
        Some(elapsed) => (elapsed / period).saturating_add(1),
        None => 0,
    };
    by_now.min(before_end)
}

/// The lease's rent at `now`: what every started period costs, what was paid, the
/// arrears, and the rent of the whole lease.
pub fn rent(lease: &Lease, now: Timestamp) -> RentStatus {
    let rent = |periods: u64| lease.terms.rent.saturating_mul(Balance::from(periods));
    let due = rent(started(lease, now));
    RentStatus {
        due,
        paid: lease.rent_paid,
        arrears: due.saturating_sub(lease.rent_paid),
        total: rent(started(lease, Timestamp::MAX)),
    }
}

/// Books a payment of `amount` of rent: never beyond the whole lease's rent.
///
/// # Errors
/// `ZeroAmount`, `Overpaid`.
pub fn pay(lease: &mut Lease, amount: Balance) -> Result<()> {
    if amount == 0 {
        return Err(LeaseError::ZeroAmount);
    }
    let paid = lease
        .rent_paid
        .checked_add(amount)
        .ok_or(LeaseError::Overpaid)?;
    if paid > rent(lease, Timestamp::MAX).total {
        return Err(LeaseError::Overpaid);
    }
    lease.rent_paid = paid;
    Ok(())
}

/// Ends the lease at `end` on the tenant's notice given at `now`: no sooner than the
/// agreed notice allows, before the lease's end, not before its start, and after the
/// start of the last period already paid for (rent paid ahead stays the owner's).
///
/// # Errors
/// `LeaseEnded`, `NoticeTooShort`.
pub fn notice(lease: &mut Lease, end: Timestamp, now: Timestamp) -> Result<()> {
    if now >= lease.end {
        return Err(LeaseError::LeaseEnded);
    }
    let shortened = Lease { end, ..*lease };
    if end < now.saturating_add(lease.terms.notice)
        || end >= lease.end
        || end < lease.start
        || rent(&shortened, Timestamp::MAX).total < lease.rent_paid
    {
        return Err(LeaseError::NoticeTooShort);
    }
    lease.end = end;
    Ok(())
}

/// What the deposit still holds.
pub fn held(lease: &Lease) -> Balance {
    lease
        .terms
        .deposit
        .saturating_sub(lease.deducted)
        .saturating_sub(lease.returned)
}

/// Books the owner's claim of `amount` from the deposit against `evidence`, once, after
/// the lease's end and within [`CLAIM_WINDOW`] of it.
///
/// # Errors
/// `LeaseNotEnded`, `ClaimClosed`, `ZeroAmount`, `OverDeposit`.
pub fn claim(lease: &mut Lease, amount: Balance, evidence: [u8; 32], now: Timestamp) -> Result<()> {
    if now < lease.end {
        return Err(LeaseError::LeaseNotEnded);
    }
    if lease.claim.is_some() || now >= lease.end.saturating_add(CLAIM_WINDOW) {
        return Err(LeaseError::ClaimClosed);
    }
    if amount == 0 {
        return Err(LeaseError::ZeroAmount);
    }
    if amount > held(lease) {
        return Err(LeaseError::OverDeposit);
    }
    lease.claim = Some(Claim {
        amount,
        evidence,
        allowed: None,
    });
    Ok(())
}

/// When an unruled claim against the lease's deposit lapses.
fn lapses(lease: &Lease) -> Timestamp {
    lease
        .end
        .saturating_add(CLAIM_WINDOW)
        .saturating_add(RULING_WINDOW)
}

/// Books governance's ruling at `now` on the pending claim: `allowed` (at most the claim)
/// is deducted from the deposit; a claim not ruled on within [`RULING_WINDOW`] of the
/// claim window's close has lapsed.
///
/// # Errors
/// `NoClaim`, `OverClaim`.
pub fn rule(lease: &mut Lease, allowed: Balance, now: Timestamp) -> Result<()> {
    let Some(mut claim) = lease
        .claim
        .filter(|c| c.allowed.is_none() && now < lapses(lease))
    else {
        return Err(LeaseError::NoClaim);
    };
    if allowed > claim.amount {
        return Err(LeaseError::OverClaim);
    }
    claim.allowed = Some(allowed);
    lease.claim = Some(claim);
    // At most the claim, which was at most what the deposit held, which nothing else
    // takes while a claim waits.
    lease.deducted = lease.deducted.saturating_add(allowed);
    Ok(())
}

/// Books the deposit's return at `now`: what it holds, after the lease's end, once no
/// claim waits for a ruling (a claim not ruled on lapses, allowing nothing) and no claim
/// can come (the owner waives the window by returning it itself). Returns the amount.
///
/// # Errors
/// `DepositSettled` (nothing held), `LeaseNotEnded`, `DepositWaits`.
pub fn settle(lease: &mut Lease, by_owner: bool, now: Timestamp) -> Result<Balance> {
    let amount = held(lease);
    if amount == 0 {
        return Err(LeaseError::DepositSettled);
    }
    if now < lease.end {
        return Err(LeaseError::LeaseNotEnded);
    }
    let waiting = match lease.claim {
        Some(claim) => claim.allowed.is_none() && now < lapses(lease),
        None => !by_owner && now < lease.end.saturating_add(CLAIM_WINDOW),
    };
    if waiting {
        return Err(LeaseError::DepositWaits);
    }
    if let Some(claim) = lease.claim.as_mut() {
        claim.allowed.get_or_insert(0);
    }
    lease.returned = lease.returned.saturating_add(amount);
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Timestamp = 24 * 60 * 60 * 1000;
    const MONTH: Timestamp = 30 * DAY;

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

    fn lease() -> Lease {
        let start = 10 * DAY;
        Lease {
            property: [1; 32],
            tenant: AccountId::from([2; 32]),
            payee: AccountId::from([3; 32]),
            start,
            end: end_of(start, &terms()).unwrap(),
            terms: terms(),
            rent_paid: 0,
            deducted: 0,
            returned: 0,
            claim: None,
        }
    }

    #[test]
    fn terms_must_have_periods_and_fit() {
        let zero = Terms {
            period: 0,
            ..terms()
        };
        assert_eq!(end_of(0, &zero), Err(LeaseError::BadTerms));
        let none = Terms {
            periods: 0,
            ..terms()
        };
        assert_eq!(end_of(0, &none), Err(LeaseError::BadTerms));
        let dear = Terms {
            rent: Balance::MAX,
            ..terms()
        };
        assert_eq!(end_of(0, &dear), Err(LeaseError::BadTerms));
        assert_eq!(
            end_of(Timestamp::MAX - 1, &terms()),
            Err(LeaseError::BadTerms)
        );
        assert_eq!(end_of(5, &terms()), Ok(5 + 12 * MONTH));
    }

    #[test]
    fn rent_is_due_at_the_start_of_each_period() {
        let lease = lease();
        assert_eq!(rent(&lease, lease.start - 1).due, 0);
        assert_eq!(rent(&lease, lease.start).due, 100);
        assert_eq!(rent(&lease, lease.start + MONTH - 1).due, 100);
        assert_eq!(rent(&lease, lease.start + MONTH).due, 200);
        assert_eq!(rent(&lease, lease.end - 1).due, 1_200);
        assert_eq!(rent(&lease, lease.end).due, 1_200);
        assert_eq!(rent(&lease, Timestamp::MAX).total, 1_200);
    }

    #[test]
    fn payments_stop_at_the_whole_rent_and_arrears_are_what_is_due_unpaid() {
        let mut lease = lease();
        assert_eq!(pay(&mut lease, 0), Err(LeaseError::ZeroAmount));
        pay(&mut lease, 150).unwrap();
        let status = rent(&lease, lease.start + MONTH);
        assert_eq!((status.due, status.paid, status.arrears), (200, 150, 50));
        assert_eq!(pay(&mut lease, 1_051), Err(LeaseError::Overpaid));
        assert_eq!(lease.rent_paid, 150);
        pay(&mut lease, 1_050).unwrap();
        assert_eq!(rent(&lease, lease.end).arrears, 0);
    }

    #[test]
    fn notice_needs_the_agreed_time_and_rent_follows_the_new_end() {
        let mut lease = lease();
        let end = lease.end;
        let now = lease.start + 2 * MONTH;
        let early = now + MONTH - 1;
        assert_eq!(
            notice(&mut lease, early, now),
            Err(LeaseError::NoticeTooShort)
        );
        assert_eq!(
            notice(&mut lease, end, now),
            Err(LeaseError::NoticeTooShort)
        );
        let end = now + MONTH + DAY;
        notice(&mut lease, end, now).unwrap();
        assert_eq!(lease.end, end);
        // Four periods started before the new end.
        assert_eq!(rent(&lease, Timestamp::MAX).total, 400);
        assert_eq!(notice(&mut lease, end, end), Err(LeaseError::LeaseEnded));
    }

    #[test]
    fn notice_keeps_the_periods_paid_for() {
        let mut lease = lease();
        pay(&mut lease, 600).unwrap();
        let now = lease.start;
        let before = lease;
        assert_eq!(
            notice(&mut lease, now + 3 * MONTH, now),
            Err(LeaseError::NoticeTooShort)
        );
        assert_eq!(lease, before);
        notice(&mut lease, now + 5 * MONTH + 1, now).unwrap();
    }

    #[test]
    fn the_deposit_waits_for_the_claim_window_or_the_ruling() {
        let mut lease = lease();
        let end = lease.end;
        assert_eq!(
            settle(&mut lease, true, end - 1),
            Err(LeaseError::LeaseNotEnded)
        );
        assert_eq!(
            claim(&mut lease, 10, [9; 32], end - 1),
            Err(LeaseError::LeaseNotEnded)
        );
        assert_eq!(
            settle(&mut lease, false, end),
            Err(LeaseError::DepositWaits)
        );
        assert_eq!(
            claim(&mut lease, 301, [9; 32], end),
            Err(LeaseError::OverDeposit)
        );
        claim(&mut lease, 120, [9; 32], end).unwrap();
        assert_eq!(
            claim(&mut lease, 1, [9; 32], end),
            Err(LeaseError::ClaimClosed)
        );
        assert_eq!(settle(&mut lease, true, end), Err(LeaseError::DepositWaits));
        assert_eq!(rule(&mut lease, 121, end), Err(LeaseError::OverClaim));
        rule(&mut lease, 80, end).unwrap();
        assert_eq!(rule(&mut lease, 80, end), Err(LeaseError::NoClaim));
        assert_eq!(settle(&mut lease, false, end), Ok(220));
        assert_eq!((lease.deducted, lease.returned, held(&lease)), (80, 220, 0));
        assert_eq!(
            settle(&mut lease, false, end),
            Err(LeaseError::DepositSettled)
        );
    }

    #[test]
    fn a_claim_not_ruled_on_in_time_lapses_and_the_deposit_goes_back_whole() {
        let mut lease = lease();
        let end = lease.end;
        claim(&mut lease, 120, [9; 32], end).unwrap();
        let lapse = end + CLAIM_WINDOW + RULING_WINDOW;
        assert_eq!(
            settle(&mut lease, false, lapse - 1),
            Err(LeaseError::DepositWaits)
        );
        assert_eq!(settle(&mut lease, false, lapse), Ok(300));
        assert_eq!(rule(&mut lease, 120, lapse), Err(LeaseError::NoClaim));
        let mut late = self::lease();
        claim(&mut late, 120, [9; 32], end).unwrap();
        assert_eq!(rule(&mut late, 120, lapse), Err(LeaseError::NoClaim));
        assert_eq!((late.deducted, held(&late)), (0, 300));
    }

    #[test]
    fn after_the_window_anyone_returns_the_deposit_whole() {
        let mut lease = lease();
        let late = lease.end + CLAIM_WINDOW;
        assert_eq!(
            claim(&mut lease, 1, [9; 32], late),
            Err(LeaseError::ClaimClosed)
        );
        assert_eq!(settle(&mut lease, false, late), Ok(300));
        assert_eq!(
            lease.terms.deposit,
            lease.deducted + lease.returned + held(&lease)
        );
    }

    #[test]
    fn the_lottery_orders_by_band_then_ticket() {
        let seed = [7; 32];
        let apps: Vec<Application> = (0u8..20)
            .map(|i| Application {
                applicant: AccountId::from([i; 32]),
                band: i % 3,
            })
            .collect();
        let all = winners(apps.clone(), &seed, 20);
        let key = |who: &AccountId| {
            let band = apps.iter().find(|a| a.applicant == *who).unwrap().band;
            (band, ticket(&seed, who))
        };
        assert!(all.windows(2).all(|w| key(&w[0]) < key(&w[1])));
        assert_eq!(winners(apps.clone(), &seed, 5), all[..5].to_vec());
        assert_ne!(
            winners(apps, &[8; 32], 20),
            all,
            "the seed decides within a band"
        );
    }

    #[test]
    fn a_round_checks_its_flats_and_its_times() {
        let plan = RoundPlan {
            flats: vec![[1; 32], [2; 32]],
            kinds: 1,
            max_band: 2,
            closes: 10,
            commitment: [0; 32],
            reveal_by: 20,
            accept_by: 30,
            lease_start: 40,
            terms: terms(),
        };
        assert_eq!(check_round(&plan, 9), Ok(()));
        assert_eq!(check_round(&plan, 10), Err(LeaseError::BadRound));
        let nobody = RoundPlan {
            kinds: 0,
            ..plan.clone()
        };
        assert_eq!(check_round(&nobody, 0), Err(LeaseError::BadRound));
        let none = RoundPlan {
            flats: vec![],
            ..plan.clone()
        };
        assert_eq!(check_round(&none, 0), Err(LeaseError::BadRound));
        let muddled = RoundPlan {
            accept_by: 50,
            ..plan
        };
        assert_eq!(check_round(&muddled, 0), Err(LeaseError::BadRound));
    }
}
