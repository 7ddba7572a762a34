//! The charity's ledger: a campaign's plan checked into its pots, gifts up to an earmark's
//! target, disbursements within a pot and the approval threshold, a donor's pro-rata
//! refund, rollovers and a donor's trace. Plain values in, new values or an error out,
//! every check before any change: on an error the values are as they were. The messages
//! ask the registry, the token and the chain what only they know, write what the ledger
//! returns, emit the events and move the coins.
//!
//! It keeps the project escrow's discipline: per pot, `given + rolled_in == disbursed +
//! refunded + rolled_out + held` at every moment, the contract never reads its token
//! balance, and shares are computed in 256 bits ([`mul_div_floor`]), so no amount a
//! `u128` supply allows makes a refund or a trace overflow.

use city_traits::{
    mul_div_floor, AtEnd, Balance, Campaign, CampaignPlan, CharityError, Disbursement, PotAccount,
    Timestamp, MAX_DISBURSEMENTS, MAX_EARMARKS,
};
use ink::prelude::vec::Vec;

type Result<T> = core::result::Result<T, CharityError>;

/// The pots of a campaign opened at `now` by `plan`: the whole first, then each earmark
/// with its purpose and target. A campaign has 0 to [`MAX_EARMARKS`] earmarks, each with
/// a target above zero, and a deadline after `now`.
///
/// # Errors
/// `BadEarmarks`, `DeadlinePassed`.
pub fn open(plan: &CampaignPlan, now: Timestamp) -> Result<Vec<PotAccount>> {
    if plan.earmarks.len() > MAX_EARMARKS || plan.earmarks.iter().any(|e| e.target == 0) {
        return Err(CharityError::BadEarmarks);
    }
    if plan.deadline <= now {
        return Err(CharityError::DeadlinePassed);
    }
    let mut pots = Vec::with_capacity(plan.earmarks.len().saturating_add(1));
    pots.push(PotAccount::default());
    pots.extend(plan.earmarks.iter().map(|earmark| PotAccount {
        purpose: earmark.purpose,
        target: earmark.target,
        ..PotAccount::default()
    }));
    Ok(pots)
}

/// Whether the campaign still takes gifts and pays recipients at `now`.
pub fn is_open(campaign: &Campaign, now: Timestamp) -> bool {
    now < campaign.deadline
}

/// Books a gift of `amount` to `pot` at `now`; an earmark takes no more than its target.
///
/// # Errors
/// `ZeroAmount`, `CampaignClosed`, `OverTarget`, `Overflow`.
pub fn give(
    campaign: &Campaign,
    pot: &mut PotAccount,
    amount: Balance,
    now: Timestamp,
) -> Result<()> {
    if amount == 0 {
        return Err(CharityError::ZeroAmount);
    }
    if !is_open(campaign, now) {
        return Err(CharityError::CampaignClosed);
    }
    let Some(given) = pot.given.checked_add(amount) else {
        return Err(CharityError::Overflow);
    };
    if pot.target != 0 && given > pot.target {
        return Err(CharityError::OverTarget);
    }
    pot.given = given;
    Ok(())
}

/// Books a disbursement of `amount` from `pot` to a recipient already paid `paid` by the
/// campaign, at `now`: within what the pot holds, at most [`MAX_DISBURSEMENTS`] per pot,
/// with evidence, and (unless `by_admin`) keeping the recipient's total within the
/// campaign's approval threshold. Returns the recipient's new total.
///
/// # Errors
/// `ZeroAmount`, `CampaignClosed`, `NoEvidence`, `NotEnoughInPot`,
/// `TooManyDisbursements`, `NeedsApproval`, `Overflow`.
pub fn disburse(
    campaign: &Campaign,
    pot: &mut PotAccount,
    (paid, amount, evidence): (Balance, Balance, [u8; 32]),
    (by_admin, now): (bool, Timestamp),
) -> Result<Balance> {
    if amount == 0 {
        return Err(CharityError::ZeroAmount);
    }
    if !is_open(campaign, now) {
        return Err(CharityError::CampaignClosed);
    }
    if evidence == [0; 32] {
        return Err(CharityError::NoEvidence);
    }
    if amount > pot.held() {
        return Err(CharityError::NotEnoughInPot);
    }
    if pot.disbursements >= MAX_DISBURSEMENTS {
        return Err(CharityError::TooManyDisbursements);
    }
    let Some(total) = paid.checked_add(amount) else {
        return Err(CharityError::Overflow);
    };
    if total > campaign.approval_threshold && !by_admin {
        return Err(CharityError::NeedsApproval);
    }
    // Within what the pot holds, which is a Balance.
    pot.disbursed = pot.disbursed.saturating_add(amount);
    pot.disbursements = pot.disbursements.saturating_add(1);
    Ok(total)
}

/// What a donor who gave `gift` to `pot` may claim back at `now`, unless it `claimed`
/// already: its share of what the pot did not disburse, gift × (given − disbursed) ÷
/// given, rounded down; the last donor of the pot to claim gets what is left, so no dust
/// stays behind. A share of zero is a claim too, so that every donor can claim and the
/// last one is always reached.
///
/// # Errors
/// `CampaignOpen`, `NotRefunding`, `NothingToRefund` (no gift, or claimed).
pub fn refund_due(
    campaign: &Campaign,
    pot: &PotAccount,
    (gift, claimed): (Balance, bool),
    now: Timestamp,
) -> Result<Balance> {
    if is_open(campaign, now) {
        return Err(CharityError::CampaignOpen);
    }
    if campaign.at_end != AtEnd::Refund {
        return Err(CharityError::NotRefunding);
    }
    if gift == 0 || claimed {
        return Err(CharityError::NothingToRefund);
    }
    if pot.refunded_gifts.saturating_add(gift) >= pot.given {
        return Ok(pot.held());
    }
    // A refunding campaign receives no rollover, so `given` is all that came in;
    // `gift <= given`, so the share is at most the unspent and always fits.
    let unspent = pot.given.saturating_sub(pot.disbursed);
    Ok(mul_div_floor(gift, unspent, pot.given).unwrap_or_default())
}

/// Books the refund [`refund_due`] allows and returns it.
///
/// # Errors
/// As [`refund_due`].
pub fn refund(
    campaign: &Campaign,
    pot: &mut PotAccount,
    gift: (Balance, bool),
    now: Timestamp,
) -> Result<Balance> {
    let amount = refund_due(campaign, pot, gift, now)?;
    // Within what the pot holds, and the gifts within what was given.
    pot.refunded = pot.refunded.saturating_add(amount);
    pot.refunded_gifts = pot.refunded_gifts.saturating_add(gift.0);
    Ok(amount)
}

/// Checks that `from`, whose deadline passed at `now`, may roll its unspent coins into
/// `into`: `from` declared a rollover and was not rolled yet; `into` is another campaign,
/// open, that rolls over too (so rolled coins never reach a donor who did not give them).
///
/// # Errors
/// `CampaignOpen`, `NotRollingOver`, `BadRollover`.
pub fn ensure_rollover(
    (from, from_id): (&Campaign, u32),
    (into, into_id): (&Campaign, u32),
    now: Timestamp,
) -> Result<()> {
    if is_open(from, now) {
        return Err(CharityError::CampaignOpen);
    }
    if from.at_end != AtEnd::RollOver || from.rolled_into.is_some() {
        return Err(CharityError::NotRollingOver);
    }
    if into_id == from_id || !is_open(into, now) || into.at_end != AtEnd::RollOver {
        return Err(CharityError::BadRollover);
    }
    Ok(())
}

/// Empties `pot` into a rollover and returns what it held.
pub fn roll_out(pot: &mut PotAccount) -> Balance {
    let held = pot.held();
    pot.rolled_out = pot.rolled_out.saturating_add(held);
    held
}

/// A donor's share of `amount` taken from `pot`, to which it gave `gift`: amount × gift ÷
/// everything that came into the pot, rounded down (zero for an empty pot).
pub fn share(pot: &PotAccount, gift: Balance, amount: Balance) -> Balance {
    let came_in = pot.given.saturating_add(pot.rolled_in);
    mul_div_floor(amount, gift, came_in).unwrap_or_default()
}

/// A donor's share of each of `disbursements` from `pot`, by [`share`].
pub fn traced(
    pot: &PotAccount,
    gift: Balance,
    disbursements: &[Disbursement],
) -> Vec<Disbursement> {
    disbursements
        .iter()
        .map(|paid| Disbursement {
            amount: share(pot, gift, paid.amount),
            ..*paid
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use city_traits::{EarmarkPlan, WHOLE};
    use ink::{prelude::vec, primitives::AccountId};

    use super::*;

    const DAY: Timestamp = 86_400_000;

    fn plan(earmarks: usize, at_end: AtEnd) -> CampaignPlan {
        CampaignPlan {
            cause: [1; 32],
            earmarks: (0..earmarks)
                .map(|n| EarmarkPlan {
                    purpose: [n as u8 + 2; 32],
                    target: 1_000,
                })
                .collect(),
            deadline: 10 * DAY,
            approval_threshold: 500,
            at_end,
        }
    }

    fn campaign(at_end: AtEnd) -> Campaign {
        Campaign {
            cause: [1; 32],
            organiser: Some(AccountId::from([9; 32])),
            deadline: 10 * DAY,
            approval_threshold: 500,
            at_end,
            earmarks: 2,
            rolled_into: None,
            gifts: 0,
        }
    }

    fn pot_with(given: Balance) -> PotAccount {
        PotAccount {
            given,
            ..PotAccount::default()
        }
    }

    #[test]
    fn a_plan_opens_the_whole_and_each_earmark_with_its_target() {
        let pots = open(&plan(3, AtEnd::Refund), DAY).unwrap();
        assert_eq!(pots.len(), 4);
        assert_eq!(pots[usize::from(WHOLE)], PotAccount::default());
        assert_eq!((pots[2].purpose, pots[2].target), ([3; 32], 1_000));
        assert!(open(&plan(0, AtEnd::Refund), DAY).is_ok());
    }

    #[test]
    fn a_plan_is_bounded_and_its_deadline_ahead() {
        assert_eq!(
            open(&plan(MAX_EARMARKS + 1, AtEnd::Refund), DAY),
            Err(CharityError::BadEarmarks)
        );
        let mut zero = plan(2, AtEnd::Refund);
        zero.earmarks[1].target = 0;
        assert_eq!(open(&zero, DAY), Err(CharityError::BadEarmarks));
        assert_eq!(
            open(&plan(1, AtEnd::Refund), 10 * DAY),
            Err(CharityError::DeadlinePassed)
        );
    }

    #[test]
    fn gifts_stop_at_an_earmarks_target_and_at_the_deadline() {
        let c = campaign(AtEnd::Refund);
        let mut earmark = PotAccount {
            target: 1_000,
            ..PotAccount::default()
        };
        give(&c, &mut earmark, 600, DAY).unwrap();
        assert_eq!(
            give(&c, &mut earmark, 401, DAY),
            Err(CharityError::OverTarget)
        );
        give(&c, &mut earmark, 400, DAY).unwrap();
        assert_eq!(earmark.given, 1_000);
        let mut whole = PotAccount::default();
        give(&c, &mut whole, u128::MAX, DAY).unwrap();
        assert_eq!(give(&c, &mut whole, 1, DAY), Err(CharityError::Overflow));
        assert_eq!(give(&c, &mut whole, 0, DAY), Err(CharityError::ZeroAmount));
        let before = earmark;
        assert_eq!(
            give(&c, &mut earmark, 1, 10 * DAY),
            Err(CharityError::CampaignClosed)
        );
        assert_eq!(earmark, before);
    }

    #[test]
    fn a_disbursement_stays_within_its_pot_and_the_threshold_unless_governance_pays() {
        let c = campaign(AtEnd::Refund);
        let mut pot = pot_with(1_000);
        let evidence = [7; 32];
        assert_eq!(
            disburse(&c, &mut pot, (0, 300, [0; 32]), (false, DAY)),
            Err(CharityError::NoEvidence)
        );
        assert_eq!(
            disburse(&c, &mut pot, (0, 300, evidence), (false, DAY)),
            Ok(300)
        );
        // 300 + 201 > the threshold of 500: the organiser may not, governance may.
        assert_eq!(
            disburse(&c, &mut pot, (300, 201, evidence), (false, DAY)),
            Err(CharityError::NeedsApproval)
        );
        assert_eq!(
            disburse(&c, &mut pot, (300, 600, evidence), (true, DAY)),
            Ok(900)
        );
        assert_eq!(
            disburse(&c, &mut pot, (0, 101, evidence), (true, DAY)),
            Err(CharityError::NotEnoughInPot)
        );
        assert_eq!(
            (pot.disbursed, pot.disbursements, pot.held()),
            (900, 2, 100)
        );
        assert_eq!(
            disburse(&c, &mut pot, (0, 100, evidence), (true, 10 * DAY)),
            Err(CharityError::CampaignClosed)
        );
        assert_eq!(
            disburse(&c, &mut pot, (0, 0, evidence), (true, DAY)),
            Err(CharityError::ZeroAmount)
        );
        pot.disbursements = MAX_DISBURSEMENTS;
        assert_eq!(
            disburse(&c, &mut pot, (0, 1, evidence), (true, DAY)),
            Err(CharityError::TooManyDisbursements)
        );
    }

    #[test]
    fn refunds_are_pro_rata_rounded_down_and_the_last_donor_takes_the_dust() {
        let c = campaign(AtEnd::Refund);
        // Three donors gave 1, 1 and 1; 1 was disbursed: 2 left, 2/3 each.
        let mut pot = PotAccount {
            given: 3,
            disbursed: 1,
            ..PotAccount::default()
        };
        assert_eq!(
            refund(&c, &mut pot, (1, false), DAY),
            Err(CharityError::CampaignOpen)
        );
        let end = 10 * DAY;
        // Shares that round to zero are claims too, so the last donor takes the rest.
        assert_eq!(refund(&c, &mut pot, (1, false), end), Ok(0));
        assert_eq!(refund(&c, &mut pot, (1, false), end), Ok(0));
        assert_eq!(refund(&c, &mut pot, (1, false), end), Ok(2));
        assert_eq!(pot.held(), 0);
        // Larger amounts: 300, 300, 400 given, 100 disbursed: 900 left.
        let mut pot = PotAccount {
            given: 1_000,
            disbursed: 100,
            ..PotAccount::default()
        };
        assert_eq!(refund(&c, &mut pot, (300, false), end), Ok(270));
        assert_eq!(
            refund(&c, &mut pot, (300, true), end),
            Err(CharityError::NothingToRefund)
        );
        assert_eq!(refund(&c, &mut pot, (400, false), end), Ok(360));
        assert_eq!(refund(&c, &mut pot, (300, false), end), Ok(270));
        assert_eq!(pot.held(), 0);
        assert_eq!(
            refund(
                &campaign(AtEnd::RollOver),
                &mut pot_with(5),
                (5, false),
                end
            ),
            Err(CharityError::NotRefunding)
        );
    }

    #[test]
    fn refunds_of_the_largest_amounts_do_not_overflow() {
        let c = campaign(AtEnd::Refund);
        let mut pot = PotAccount {
            given: u128::MAX,
            disbursed: 1,
            ..PotAccount::default()
        };
        let half = u128::MAX / 2;
        assert_eq!(refund(&c, &mut pot, (half, false), 10 * DAY), Ok(half - 1));
        assert_eq!(
            refund(&c, &mut pot, (u128::MAX - half, false), 10 * DAY),
            Ok(half + 1)
        );
        assert_eq!(pot.held(), 0);
    }

    #[test]
    fn a_rollover_goes_from_a_closed_campaign_to_another_open_one_that_rolls_over() {
        let (mut from, into) = (campaign(AtEnd::RollOver), campaign(AtEnd::RollOver));
        let mut later = into;
        later.deadline = 20 * DAY;
        let end = 10 * DAY;
        assert_eq!(
            ensure_rollover((&from, 0), (&later, 1), DAY),
            Err(CharityError::CampaignOpen)
        );
        assert_eq!(
            ensure_rollover((&from, 0), (&into, 1), end),
            Err(CharityError::BadRollover),
            "the target is closed too"
        );
        assert_eq!(
            ensure_rollover((&from, 0), (&from, 0), end),
            Err(CharityError::BadRollover)
        );
        let mut refunding = later;
        refunding.at_end = AtEnd::Refund;
        assert_eq!(
            ensure_rollover((&from, 0), (&refunding, 1), end),
            Err(CharityError::BadRollover)
        );
        assert_eq!(ensure_rollover((&from, 0), (&later, 1), end), Ok(()));
        from.rolled_into = Some(1);
        assert_eq!(
            ensure_rollover((&from, 0), (&later, 1), end),
            Err(CharityError::NotRollingOver)
        );
        assert_eq!(
            ensure_rollover((&campaign(AtEnd::Refund), 0), (&later, 1), end),
            Err(CharityError::NotRollingOver)
        );
        let mut pot = PotAccount {
            given: 500,
            disbursed: 200,
            ..PotAccount::default()
        };
        assert_eq!(roll_out(&mut pot), 300);
        assert_eq!((pot.held(), pot.rolled_out), (0, 300));
    }

    #[test]
    fn a_donors_trace_is_its_share_of_each_disbursement_rounded_down() {
        let pot = PotAccount {
            given: 900,
            rolled_in: 100,
            disbursed: 500,
            disbursements: 2,
            ..PotAccount::default()
        };
        let paid = vec![
            Disbursement {
                recipient: AccountId::from([5; 32]),
                amount: 300,
                evidence: [1; 32],
                at: DAY,
            },
            Disbursement {
                recipient: AccountId::from([6; 32]),
                amount: 200,
                evidence: [2; 32],
                at: DAY,
            },
        ];
        // A gift of 250 of the 1,000 that came in: a quarter of each.
        let shares: Vec<Balance> = traced(&pot, 250, &paid).iter().map(|d| d.amount).collect();
        assert_eq!(shares, vec![75, 50]);
        assert_eq!(traced(&pot, 1, &paid)[0].amount, 0, "0.3 rounds down");
        assert_eq!(share(&PotAccount::default(), 0, 10), 0);
    }
}
