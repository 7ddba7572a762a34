//! Property tests of the charity on the real Wasm: random sequences of gifts, recipients,
//! disbursements, refunds, rollovers and days passing, by the organiser, governance, a
//! rival charity, donors and strangers, refused or not. After every step the invariants
//! the README states as outcomes are checked from what the chain answers, never from a
//! copy of the contract's rules:
//! - `every_pot_balances_its_books` and `the_charity_holds_what_its_pots_hold` (shared
//!   with the other charity tests, in `charity.rs`);
//! - [`no_coin_leaves_but_to_a_recipient_or_a_donor`];
//! - [`nothing_is_paid_after_the_deadline`];
//! - after each gift and refund, [`every_gift_has_its_receipt_record`] (the city writes
//!   receipts in civic records);
//!
//! and at the end, [`every_gift_is_paid_refunded_or_claimable`].

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
};

use city_traits::{receipt_hash, refund_hash, AtEnd, CampaignId, SchemaId, Subject};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    City, CitySnapshot,
};
use ink::primitives::AccountId;
use proptest::prelude::*;

use crate::chapters::{calls, invariant, Plan};
use harness::relief::{
    balance, every_pot_balances_its_books, plan, pots, relief_city,
    the_charity_holds_what_its_pots_hold, DAY_MS, FOOD_BANK, RELIEF, ROGUE, SHELTER,
};

/// Who gives and claims: donors (mallory holds coins but no identity), and a rival
/// charity and a provider, who hold none.
const DONORS: [Actor; 6] = [ALICE, BOB, CAROL, MALLORY, ROGUE, SHELTER];
/// Who names recipients, pays and rolls over: the organiser and governance (the admin
/// seat) most often, a rival charity, a provider and a donor.
const PAYERS: [Actor; 8] = [RELIEF, RELIEF, RELIEF, ADMIN, ADMIN, ROGUE, SHELTER, ALICE];
/// Who may be named a recipient: providers most often, a resident, a stranger and the
/// organiser.
const PAYEES: [Actor; 7] = [
    SHELTER, FOOD_BANK, SHELTER, FOOD_BANK, DAVE, MALLORY, RELIEF,
];
/// The campaigns: refunding (30 days), rolling (30 days), rolling (90 days, the target).
const CAMPAIGNS: usize = 3;
/// Pots 0 to 3: the whole, food, heating, and one that does not exist.
const POTS: u8 = 4;

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Give {
        donor: usize,
        campaign: usize,
        pot: u8,
        amount: u128,
    },
    AddRecipient {
        by: usize,
        campaign: usize,
        payee: usize,
    },
    Disburse {
        by: usize,
        campaign: usize,
        pot: u8,
        payee: usize,
        amount: u128,
        evidence: u8,
    },
    /// A donor claims back one of its gifts (the `pick`th made so far).
    ClaimOwn(usize),
    ClaimRefund {
        donor: usize,
        campaign: usize,
        pot: u8,
    },
    RollOver {
        by: usize,
        from: usize,
        into: usize,
    },
    Days(u64),
}

/// Mostly gifts a donor can make, sometimes none and sometimes too much.
fn amount() -> impl Strategy<Value = u128> {
    prop_oneof![8 => 1..=200 * COIN, 1 => Just(0), 1 => Just(u128::MAX)]
}

/// Mostly payments a pot with a gift or two can make, sometimes more.
fn payment() -> impl Strategy<Value = u128> {
    prop_oneof![8 => 1..=40 * COIN, 1 => Just(0), 1 => 40 * COIN..=u128::MAX]
}

fn step() -> impl Strategy<Value = Step> {
    let donor = 0..DONORS.len();
    let payer = 0..PAYERS.len();
    let campaign = 0..CAMPAIGNS;
    let payee = 0..PAYEES.len();
    prop_oneof![
        5 => (donor.clone(), campaign.clone(), 0..POTS, amount()).prop_map(
            |(donor, campaign, pot, amount)| Step::Give { donor, campaign, pot, amount }
        ),
        1 => (payer.clone(), campaign.clone(), payee.clone())
            .prop_map(|(by, campaign, payee)| Step::AddRecipient { by, campaign, payee }),
        6 => (payer.clone(), campaign.clone(), 0..POTS - 1, payee, payment(), 0..16u8).prop_map(
            |(by, campaign, pot, payee, amount, evidence)| Step::Disburse {
                by,
                campaign,
                pot,
                payee,
                amount,
                evidence,
            }
        ),
        2 => any::<usize>().prop_map(Step::ClaimOwn),
        2 => (donor, campaign.clone(), 0..POTS)
            .prop_map(|(donor, campaign, pot)| Step::ClaimRefund { donor, campaign, pot }),
        1 => (payer, campaign.clone(), campaign)
            .prop_map(|(by, from, into)| Step::RollOver { by, from, into }),
        2 => (5..20u64).prop_map(Step::Days),
    ]
}

/// Recipients by campaign (its index in [`Charity::campaigns`]).
type Recipients = BTreeSet<(usize, AccountId)>;

/// The city and its three campaigns, opened by the charity with the shelter and the food
/// bank as recipients.
struct Charity {
    city: City,
    campaigns: [CampaignId; CAMPAIGNS],
    deadlines: [u64; CAMPAIGNS],
    /// Who is a recipient of which campaign, by the accepted calls.
    recipients: Recipients,
    /// What each donor gave to each pot, by the accepted calls.
    gifts: BTreeMap<(usize, u8, AccountId), u128>,
    /// Every gift the chain kept and refund it paid, in order, as its record's schema,
    /// donor and data hash should read: the city writes receipts in civic records.
    receipts: Vec<(SchemaId, AccountId, [u8; 32])>,
    /// The receipts' schema.
    schema: SchemaId,
}

impl Charity {
    fn new() -> Self {
        let mut city = relief_city();
        let schema = city
            .write_gift_receipts()
            .expect("the admin sets gift receipts up");
        let charity = contract_account(&city.charity);
        for donor in DONORS {
            city.token(donor)
                .approve(charity, u128::MAX)
                .expect_accepted();
        }
        let ends = [
            (AtEnd::Refund, 0),
            (AtEnd::RollOver, 0),
            (AtEnd::RollOver, 60),
        ];
        let mut campaigns = [0; CAMPAIGNS];
        let mut deadlines = [0; CAMPAIGNS];
        let mut recipients = BTreeSet::new();
        for (n, (at_end, later)) in ends.into_iter().enumerate() {
            let mut plan = plan(&mut city, at_end);
            plan.deadline += later * DAY_MS;
            deadlines[n] = plan.deadline;
            campaigns[n] = harness::relief::open(&mut city, &plan);
            recipients.insert((n, SHELTER.account()));
            recipients.insert((n, FOOD_BANK.account()));
        }
        Self {
            city,
            campaigns,
            deadlines,
            recipients,
            gifts: BTreeMap::new(),
            receipts: Vec::new(),
            schema,
        }
    }

    /// Every account that might hold coins.
    fn accounts(&self) -> Vec<AccountId> {
        let mut accounts: Vec<AccountId> = DONORS
            .iter()
            .chain(&PAYERS)
            .chain(&PAYEES)
            .map(|a| a.account())
            .collect();
        accounts.push(contract_account(&self.city.charity));
        accounts.sort();
        accounts.dedup();
        accounts
    }

    fn balances(&mut self) -> BTreeMap<AccountId, u128> {
        self.accounts()
            .into_iter()
            .map(|account| (account, balance(&mut self.city, account)))
            .collect()
    }

    /// The step as it is made: a donor's claim of its own gift named.
    fn resolve(&self, step: &Step) -> Step {
        let Step::ClaimOwn(pick) = *step else {
            return step.clone();
        };
        let Some(&(campaign, pot, account)) = self.gifts.keys().nth(pick % self.gifts.len().max(1))
        else {
            return Step::ClaimRefund {
                donor: 0,
                campaign: 0,
                pot: 0,
            };
        };
        let donor = DONORS
            .iter()
            .position(|d| d.account() == account)
            .unwrap_or_default();
        Step::ClaimRefund {
            donor,
            campaign,
            pot,
        }
    }

    /// Applies `step`; refusals are part of the game.
    fn apply(&mut self, step: &Step) {
        let city = &mut self.city;
        match *step {
            Step::Give {
                donor,
                campaign,
                pot,
                amount,
            } => {
                let id = self.campaigns[campaign];
                let given = city.charity(DONORS[donor]).give(id, pot, amount);
                if let Ok(receipt) = given.value {
                    let donor = DONORS[donor].account();
                    let hash = receipt_hash(id, pot, receipt, amount);
                    self.receipts.push((self.schema, donor, hash));
                    *self.gifts.entry((campaign, pot, donor)).or_default() += amount;
                }
            }
            Step::AddRecipient {
                by,
                campaign,
                payee,
            } => {
                let id = self.campaigns[campaign];
                if city
                    .charity(PAYERS[by])
                    .add_recipient(id, PAYEES[payee])
                    .value
                    .is_ok()
                {
                    self.recipients.insert((campaign, PAYEES[payee].account()));
                }
            }
            Step::Disburse {
                by,
                campaign,
                pot,
                payee,
                amount,
                evidence,
            } => {
                let id = self.campaigns[campaign];
                let paid = city.charity(PAYERS[by]).disburse(
                    id,
                    pot,
                    PAYEES[payee],
                    amount,
                    [evidence + 1; 32],
                );
                if paid.value.is_ok() {
                    invariant!(
                        nothing_is_paid_after_the_deadline,
                        city.now_ms(),
                        self.deadlines[campaign]
                    );
                }
            }
            Step::ClaimRefund {
                donor,
                campaign,
                pot,
            } => {
                let id = self.campaigns[campaign];
                let claimed = city.charity(DONORS[donor]).claim_refund(id, pot);
                if let Ok(amount @ 1..) = claimed.value {
                    let hash = refund_hash(id, pot, amount);
                    self.receipts
                        .push((self.schema, DONORS[donor].account(), hash));
                }
            }
            Step::RollOver { by, from, into } => {
                city.charity(PAYERS[by])
                    .roll_over(self.campaigns[from], self.campaigns[into]);
            }
            Step::Days(days) => city.advance_time(days * DAY_MS),
            Step::ClaimOwn(_) => unreachable!("resolved before it is applied"),
        }
    }
}

/// In one step, only a recipient of the campaign paid (a disbursement) or a donor of the
/// pot (its refund) gains coins, and only what the charity lost.
fn no_coin_leaves_but_to_a_recipient_or_a_donor(
    state: &Charity,
    step: &Step,
    before: &BTreeMap<AccountId, u128>,
    after: &BTreeMap<AccountId, u128>,
) {
    let charity = contract_account(&state.city.charity);
    let lost = before[&charity].saturating_sub(after[&charity]);
    let mut gained = 0;
    for (account, now) in after {
        let was = before[account];
        if *now <= was || *account == charity {
            continue;
        }
        gained += now - was;
        let allowed = match *step {
            Step::Disburse {
                campaign, payee, ..
            } => {
                PAYEES[payee].account() == *account
                    && state.recipients.contains(&(campaign, *account))
            }
            Step::ClaimRefund {
                donor,
                campaign,
                pot,
            } => {
                DONORS[donor].account() == *account
                    && state.gifts.contains_key(&(campaign, pot, *account))
            }
            _ => false,
        };
        assert!(allowed, "{account:?} gained {} in {step:?}", now - was);
    }
    assert_eq!(
        gained, lost,
        "what the charity lost went elsewhere in {step:?}"
    );
}

/// Every gift the chain kept has its receipt record in civic records, and every refund
/// paid its refund record, in order: about the donor, issued by the charity under the
/// receipts' schema, the data hash tied to the campaign, the pot, the receipt number (a
/// gift's) and the amount; and no other record exists.
fn every_gift_has_its_receipt_record(state: &mut Charity) {
    let charity = contract_account(&state.city.charity);
    let written: Vec<_> = (0..)
        .map_while(|record| state.city.records(ADMIN).record(record).value)
        .map(|record| {
            assert_eq!(
                record.issuer, charity,
                "a record not the charity's: {record:?}"
            );
            let Subject::Person(donor) = record.subject else {
                panic!("a receipt about no person: {record:?}");
            };
            (record.schema, donor, record.data_hash)
        })
        .collect();
    assert_eq!(written, state.receipts, "the receipt records");
}

/// A disbursement is accepted only before its campaign's deadline.
fn nothing_is_paid_after_the_deadline(now: u64, deadline: u64) {
    assert!(now < deadline, "paid at {now}, deadline {deadline}");
}

/// Once every deadline passed and every donor of the refunding campaign claimed each of
/// its gifts, the refunding campaign's pots are empty: what was not paid went back; the
/// rolling campaigns' coins wait for governance's rollover.
fn every_gift_is_paid_refunded_or_claimable(city: &mut City, refunding: CampaignId) {
    for pot in pots(city, refunding) {
        assert_eq!(pot.held(), 0, "a refunding pot kept coins: {pot:?}");
    }
}

/// Makes `step` and checks the invariants of every step.
fn checked(state: &mut Charity, step: &Step) {
    let campaigns = state.campaigns;
    let step = &state.resolve(step);
    let before = state.balances();
    state.apply(step);
    let after = state.balances();
    invariant!(every_pot_balances_its_books, &mut state.city, &campaigns);
    invariant!(
        the_charity_holds_what_its_pots_hold,
        &mut state.city,
        &campaigns
    );
    invariant!(
        no_coin_leaves_but_to_a_recipient_or_a_donor,
        state,
        step,
        &before,
        &after
    );
    if matches!(step, Step::Give { .. } | Step::ClaimRefund { .. }) {
        invariant!(every_gift_has_its_receipt_record, state);
    }
}

/// The charity's chapter: cases of up to `depth` steps, each played by
/// [`the_charitys_invariants_hold`] on this thread's relief city.
pub(crate) fn chapter(depth: usize) -> Plan<Step, impl Strategy<Value = Vec<Step>>> {
    Plan {
        name: "charity",
        case: prop::collection::vec(step(), 1..=depth.max(1)),
        play: |steps| {
            with_a_fresh_charity(|state| {
                let before = calls(&state.city);
                the_charitys_invariants_hold(state, steps);
                calls(&state.city) - before
            })
        },
    }
}

thread_local! {
    /// The city and its campaigns, built once per thread, the snapshot of its state then,
    /// and who were recipients: each case starts again from there.
    static BUILT: RefCell<Option<(Charity, CitySnapshot, Recipients)>> =
        const { RefCell::new(None) };
}

/// Runs `case` on the charity as [`Charity::new`] built it, restored from a snapshot
/// rather than deployed again.
fn with_a_fresh_charity<T>(case: impl FnOnce(&mut Charity) -> T) -> T {
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        let (state, fresh, recipients) = built.get_or_insert_with(|| {
            let mut state = Charity::new();
            let fresh = state.city.snapshot();
            let recipients = state.recipients.clone();
            (state, fresh, recipients)
        });
        state.city.restore(fresh);
        state.recipients.clone_from(recipients);
        state.gifts.clear();
        state.receipts.clear();
        case(state)
    })
}

/// One case: `steps`, then every deadline passes and the refunding campaign's donors
/// claim, with the invariants checked after every step.
fn the_charitys_invariants_hold(state: &mut Charity, steps: &[Step]) {
    for step in steps {
        checked(state, step);
    }
    // Every deadline passes, and each donor claims each of its gifts to the refunding
    // campaign (a gift claimed already is refused).
    state.city.advance_time(200 * DAY_MS);
    let claims: Vec<Step> = state
        .gifts
        .keys()
        .filter(|(campaign, ..)| *campaign == 0)
        .map(|&(campaign, pot, account)| Step::ClaimRefund {
            donor: DONORS
                .iter()
                .position(|d| d.account() == account)
                .unwrap_or_default(),
            campaign,
            pot,
        })
        .collect();
    for claim in &claims {
        checked(state, claim);
    }
    invariant!(
        every_gift_is_paid_refunded_or_claimable,
        &mut state.city,
        state.campaigns[0]
    );
}
