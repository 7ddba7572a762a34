//! Property tests of the leases on the real Wasm: random sequences of offers and their
//! signatures, rounds of the city's flats (applications, allocation with and without the
//! secret, winners signing), rent paid by tenants and third parties, rent collected by
//! strangers, notice, claims on deposits, rulings, returns, allowances and time passing
//! (hours to months), by the landlord, the city (`ADMIN`, still admin), residents,
//! citizens, a visitor and a stranger, refused or not. A model kept here records what the
//! accepted calls did (the leases signed, the rent paid, the deposits' movements, every
//! account's coins), from their answers and the crate docs, never from a copy of the
//! contract's code. After every step the invariants are checked from what the chain
//! answers:
//! - [`a_property_never_has_two_tenants_at_one_time`];
//! - [`every_deposit_is_returned_deducted_or_still_held`];
//! - [`rent_never_exceeds_the_lease_and_arrears_are_due_minus_paid`];
//! - [`only_the_tenant_or_an_allowed_third_party_paid_rent`];
//! - [`coins_leave_the_leases_only_to_a_tenant_or_a_payee`];
//!
//! and, as the calls are accepted, [`a_signed_lease_is_the_one_offered`],
//! [`a_winner_signs_the_flat_of_its_place`], [`notice_is_given_only_as_agreed`] and
//! [`the_deposit_moves_only_when_the_docs_allow`]; at the end, once every lease ended and
//! its claim window closed, [`every_deposit_comes_back_in_the_end`].
//!
//! Every case starts from one city, built once and restored from a snapshot: two leases
//! signed (the landlord's flat, weekly, third parties allowed; a city flat, monthly) and
//! a round of two city flats open with three applications. Steps mostly act on what is
//! ready for them (the latest standing offer, the open round, a lease in arrears, one
//! ended within its claim window) and time jumps by hours to months, or to the next
//! moment that matters (a close, a period's start, an end, a window's close): exactly,
//! a millisecond early, or a little late.

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet},
};

use city_traits::{
    IdentityKind, Lease, LeaseId, PropertyId, RentStatus, RoundId, RoundPlan, Terms, CLAIM_WINDOW,
    RULING_WINDOW,
};
use harness::{
    city::{contract_account, Actor, ADMIN, ALICE, BOB, CAROL, COIN, DAVE, MALLORY},
    City, CitySnapshot,
};
use ink::primitives::AccountId;
use proptest::prelude::*;
use sp_core::hashing::blake2_256;

use crate::chapters::{calls, invariant, Plan};
use harness::housing::{
    balance, housing_city, APPLICANTS, DAY_MS, FLATS, LANDLORD, LAND_OFFICE, MONTH_MS,
    PRIVATE_FLAT, SECRET,
};

const HOUR_MS: u64 = 3_600_000;

/// Everyone who acts. The first ten take leases and apply: the five applicants
/// (residents with bands and 5,000 coins), alice (a citizen, band 0 attested here), bob
/// and carol (citizens without a band), dave (a visitor) and mallory (no identity, 100
/// coins); then the landlord, the land office and the city's admin seat.
const ANYONE: [Actor; 13] = [
    APPLICANTS[0],
    APPLICANTS[1],
    APPLICANTS[2],
    APPLICANTS[3],
    APPLICANTS[4],
    ALICE,
    BOB,
    CAROL,
    DAVE,
    MALLORY,
    LANDLORD,
    LAND_OFFICE,
    ADMIN,
];
/// How many of [`ANYONE`] take leases and apply.
const PEOPLE: usize = 10;
/// Who opens rounds: the admin seat most often; the land office, a stranger.
const OPENERS: [Actor; 6] = [ADMIN, ADMIN, ADMIN, ADMIN, LAND_OFFICE, MALLORY];
/// The properties: the city's three flats, then the landlord's.
const PROPERTIES: [PropertyId; 4] = [FLATS[0], FLATS[1], FLATS[2], PRIVATE_FLAT];

/// When an offered lease starts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start {
    /// This long from now.
    In(u64),
    /// This long after the end of the property's last lease the model knows (or now).
    AfterLast(u64),
    /// A moment before the end of the property's last lease (an overlap).
    JustBeforeLast,
}

/// An amount, relative to what the step is about (a lease's rent, a deposit, a claim).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Amount {
    Zero,
    /// This many quarters of it.
    Quarters(u8),
    Raw(u128),
    Max,
}

impl Amount {
    fn of(self, base: u128) -> u128 {
        match self {
            Amount::Zero => 0,
            Amount::Quarters(quarters) => base.saturating_mul(u128::from(quarters)) / 4,
            Amount::Raw(raw) => raw,
            Amount::Max => u128::MAX,
        }
    }
}

/// Who makes a step about a lease.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Who {
    Tenant,
    /// The property's owner: the landlord, or the admin seat for the city's flats.
    Owner,
    /// One of [`ANYONE`].
    Other(usize),
}

/// The end a tenant names in its notice.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NoticeEnd {
    /// Now, plus the agreed notice, plus `extra`, less one if `short`.
    AfterNotice { extra: u64, short: bool },
    /// The lease's start plus this many periods.
    Periods(u32),
    /// Now plus the agreed notice, plus this many eighths of what is left of the lease
    /// after that.
    Eighths(u8),
    /// The lease's current end.
    Unchanged,
}

/// A moment that matters: the soonest of the rounds' still to come, or of the lease
/// named (by default the soonest of the leases' still to come).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Milestone {
    Closes,
    RevealBy,
    AcceptBy,
    LeasesStart,
    Start(Option<usize>),
    NextPeriod(Option<usize>),
    End(Option<usize>),
    WindowCloses(Option<usize>),
    RulingWindowCloses(Option<usize>),
}

/// What allocation is given.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Secret {
    Revealed,
    Wrong,
    Withheld,
}

/// Who signs a round's flat.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Signer {
    /// The `n`th applicant of the round (modulo their number).
    Applicant(usize),
    /// One of the people.
    Person(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// By the property's owner, mostly, or anyone.
    Offer {
        by: Who,
        property: usize,
        tenant: usize,
        start: Start,
        terms: Terms,
    },
    /// The tenant of the latest offer the model knows, or of the `n`th, signs it.
    AcceptOffer(Option<usize>),
    /// The owner (or another) withdraws the latest offer the model knows, or the `n`th.
    Withdraw {
        by: Who,
        offer: Option<usize>,
    },
    Accept {
        tenant: usize,
        property: usize,
    },
    /// The city (the admin seat; or the land office, a stranger) opens a round of the
    /// flats in `flats` (a bit each; the fourth is the landlord's) closing after
    /// `times[0]`, revealed by `times[1]` later, signed by `times[2]` later, the leases
    /// starting `times[3]` later.
    OpenRound {
        by: usize,
        flats: u8,
        max_band: u8,
        times: [u64; 4],
        terms: Terms,
    },
    /// To the latest round still open (`None`), or the `n`th (modulo their number).
    Apply {
        who: usize,
        round: Option<usize>,
    },
    Allocate {
        by: usize,
        round: Option<usize>,
        secret: Secret,
    },
    AcceptFlat {
        who: Signer,
        round: Option<usize>,
    },
    /// `amount` relative to the lease's rent.
    PayRent {
        payer: Who,
        lease: Option<usize>,
        amount: Amount,
    },
    CollectRent {
        by: usize,
        lease: Option<usize>,
    },
    Notice {
        by: Who,
        lease: Option<usize>,
        end: NoticeEnd,
    },
    /// `amount` relative to what the deposit holds.
    Claim {
        by: Who,
        lease: Option<usize>,
        amount: Amount,
    },
    /// `allowed` relative to the claim.
    Rule {
        by_admin: bool,
        lease: Option<usize>,
        allowed: Amount,
    },
    ReturnDeposit {
        by: Who,
        lease: Option<usize>,
    },
    /// `amount` relative to 1,000 coins.
    Approve {
        who: usize,
        amount: Amount,
    },
    Wait(u64),
    /// Time passes to a moment that matters (a round's, a lease's), `early` or `late` by
    /// a little; nothing when it passed already.
    WaitFor {
        until: Milestone,
        early: bool,
        late: u64,
    },
}

fn person() -> impl Strategy<Value = usize> {
    0..PEOPLE
}

/// One of the people, mostly one with an attested band (the applicants and alice).
fn applicant() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0..6usize, 1 => person()]
}

/// The landlord's flat, mostly, or one of the city's.
fn property() -> impl Strategy<Value = usize> {
    prop_oneof![2 => Just(3), 1 => 0..3usize]
}

fn anyone() -> impl Strategy<Value = usize> {
    0..ANYONE.len()
}

/// A span of time: hours, days, or (rarely) months.
fn span() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => 0..=DAY_MS,
        3 => DAY_MS..=20 * DAY_MS,
        1 => MONTH_MS..=3 * MONTH_MS,
    ]
}

fn terms() -> impl Strategy<Value = Terms> {
    let rent = prop_oneof![30 => 1..=100 * COIN, 1 => Just(0), 1 => Just(u128::MAX / 2)];
    let period = prop_oneof![
        4 => Just(HOUR_MS),
        4 => Just(DAY_MS),
        4 => Just(7 * DAY_MS),
        4 => Just(MONTH_MS),
        4 => 1..=MONTH_MS,
        1 => Just(0),
    ];
    let periods = prop_oneof![30 => 1..=3u32, 10 => 4..=12u32, 1 => Just(0)];
    let deposit =
        prop_oneof![4 => Just(0), 15 => 1..=600 * COIN, 1 => 10_000 * COIN..=20_000 * COIN];
    let notice = prop_oneof![
        Just(0),
        Just(HOUR_MS),
        Just(DAY_MS),
        Just(MONTH_MS),
        0..=2 * MONTH_MS
    ];
    (rent, period, periods, deposit, notice, any::<bool>()).prop_map(
        |(rent, period, periods, deposit, notice, third_party_rent)| Terms {
            rent,
            period,
            periods,
            deposit,
            notice,
            third_party_rent,
        },
    )
}

fn start() -> impl Strategy<Value = Start> {
    prop_oneof![
        3 => span().prop_map(Start::In),
        3 => prop_oneof![Just(0), Just(1), 0..=10 * DAY_MS].prop_map(Start::AfterLast),
        1 => Just(Start::JustBeforeLast),
    ]
}

/// Mostly a part or a few multiples of the base, sometimes nothing, a raw amount or all.
fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        6 => (1..=12u8).prop_map(Amount::Quarters),
        1 => Just(Amount::Zero),
        1 => (1..=1_000 * COIN).prop_map(Amount::Raw),
        1 => Just(Amount::Max),
    ]
}

/// Mostly a part of the base or all of it, sometimes nothing, more, or everything.
fn part() -> impl Strategy<Value = Amount> {
    prop_oneof![
        8 => (1..=4u8).prop_map(Amount::Quarters),
        1 => Just(Amount::Zero),
        1 => (5..=8u8).prop_map(Amount::Quarters),
        1 => Just(Amount::Max),
    ]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        5 => Just(Who::Tenant),
        2 => Just(Who::Owner),
        3 => anyone().prop_map(Who::Other),
    ]
}

fn offerer() -> impl Strategy<Value = Who> {
    prop_oneof![10 => Just(Who::Owner), 1 => anyone().prop_map(Who::Other)]
}

/// Mostly `None`: the latest (round, offer, lease) ready for the step; or the `n`th.
fn latest() -> impl Strategy<Value = Option<usize>> {
    prop_oneof![3 => Just(None), 1 => any::<usize>().prop_map(Some)]
}

fn milestone() -> impl Strategy<Value = Milestone> {
    prop_oneof![
        2 => Just(Milestone::Closes),
        1 => Just(Milestone::RevealBy),
        1 => Just(Milestone::AcceptBy),
        1 => Just(Milestone::LeasesStart),
        1 => latest().prop_map(Milestone::Start),
        2 => latest().prop_map(Milestone::NextPeriod),
        4 => latest().prop_map(Milestone::End),
        1 => latest().prop_map(Milestone::WindowCloses),
        1 => latest().prop_map(Milestone::RulingWindowCloses),
    ]
}

fn notice_end() -> impl Strategy<Value = NoticeEnd> {
    prop_oneof![
        2 => (span(), prop::bool::weighted(0.2))
            .prop_map(|(extra, short)| NoticeEnd::AfterNotice { extra, short }),
        4 => (0..8u8).prop_map(NoticeEnd::Eighths),
        2 => (0..=13u32).prop_map(NoticeEnd::Periods),
        1 => Just(NoticeEnd::Unchanged),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let lease = latest;
    prop_oneof![
        6 => (offerer(), property(), person(), start(), terms()).prop_map(
            |(by, property, tenant, start, terms)| Step::Offer { by, property, tenant, start, terms }
        ),
        6 => latest().prop_map(Step::AcceptOffer),
        1 => (offerer(), latest()).prop_map(|(by, offer)| Step::Withdraw { by, offer }),
        1 => (person(), 0..PROPERTIES.len())
            .prop_map(|(tenant, property)| Step::Accept { tenant, property }),
        4 => (
            0..OPENERS.len(),
            prop_oneof![6 => 1..4u8, 3 => 4..8u8, 1 => 8..16u8],
            0..=2u8,
            [HOUR_MS..=5 * DAY_MS, 0..=DAY_MS, 5 * DAY_MS..=30 * DAY_MS, 0..=10 * DAY_MS],
            terms(),
        )
            .prop_map(|(by, flats, max_band, times, terms)| Step::OpenRound {
                by,
                flats,
                max_band,
                times,
                terms,
            }),
        5 => (applicant(), latest()).prop_map(|(who, round)| Step::Apply { who, round }),
        6 => (
            anyone(),
            latest(),
            prop_oneof![
                3 => Just(Secret::Revealed),
                1 => Just(Secret::Wrong),
                3 => Just(Secret::Withheld),
            ],
        )
            .prop_map(|(by, round, secret)| Step::Allocate { by, round, secret }),
        6 => (
            prop_oneof![
                4 => any::<usize>().prop_map(Signer::Applicant),
                1 => person().prop_map(Signer::Person),
            ],
            latest(),
        )
            .prop_map(|(who, round)| Step::AcceptFlat { who, round }),
        6 => (who(), lease(), amount())
            .prop_map(|(payer, lease, amount)| Step::PayRent { payer, lease, amount }),
        2 => (anyone(), lease()).prop_map(|(by, lease)| Step::CollectRent { by, lease }),
        3 => (
            prop_oneof![4 => Just(Who::Tenant), 1 => anyone().prop_map(Who::Other)],
            lease(),
            notice_end(),
        )
            .prop_map(|(by, lease, end)| Step::Notice { by, lease, end }),
        6 => (
            prop_oneof![4 => Just(Who::Owner), 1 => anyone().prop_map(Who::Other)],
            lease(),
            part(),
        )
            .prop_map(|(by, lease, amount)| Step::Claim { by, lease, amount }),
        3 => (prop::bool::weighted(0.85), lease(), part())
            .prop_map(|(by_admin, lease, allowed)| Step::Rule { by_admin, lease, allowed }),
        3 => (who(), lease()).prop_map(|(by, lease)| Step::ReturnDeposit { by, lease }),
        1 => (person(), amount()).prop_map(|(who, amount)| Step::Approve { who, amount }),
        7 => prop_oneof![
            5 => HOUR_MS..=DAY_MS,
            3 => DAY_MS..=7 * DAY_MS,
            1 => MONTH_MS..=3 * MONTH_MS,
        ]
        .prop_map(Step::Wait),
        5 => (
            milestone(),
            prop::bool::weighted(0.2),
            prop_oneof![2 => Just(0), 1 => Just(1), 1 => 0..=DAY_MS],
        )
            .prop_map(|(until, early, late)| Step::WaitFor { until, early, late }),
    ]
}

/// A lease as the model knows it: from its signature (the lease's `lease(id)` checked
/// against what was offered), then from the accepted calls.
#[derive(Debug, Clone)]
struct Booked {
    property: PropertyId,
    tenant: AccountId,
    payee: AccountId,
    start: u64,
    end: u64,
    terms: Terms,
    /// The rent accepted so far.
    paid: u128,
    /// What rulings allowed, and what went back to the tenant.
    deducted: u128,
    returned: u128,
    /// The amount claimed, and whether governance ruled on it.
    claim: Option<(u128, bool)>,
}

impl Booked {
    /// What the deposit still holds: what neither went to the payee nor back.
    fn held(&self) -> u128 {
        let out = self.deducted + self.returned;
        self.terms
            .deposit
            .checked_sub(out)
            .unwrap_or_else(|| panic!("{out} of a deposit of {} paid out", self.terms.deposit))
    }

    /// How many periods started by `now` and before the end: rent is due at the start of
    /// each period, `start + k * period`.
    fn periods_started(&self, now: u64) -> u128 {
        let mut count = 0;
        let mut at = self.start;
        while at < self.end && at <= now {
            count += 1;
            at += self.terms.period;
        }
        count
    }

    fn due(&self, now: u64) -> u128 {
        self.terms.rent * self.periods_started(now)
    }

    fn total(&self) -> u128 {
        self.due(u64::MAX)
    }
}

/// A round the city opened, as the model knows it.
#[derive(Debug, Clone)]
struct Opened {
    id: RoundId,
    plan: RoundPlan,
    /// Who applied, in order.
    applied: Vec<AccountId>,
    /// The seed it was allocated with.
    seed: Option<[u8; 32]>,
    /// The winners who signed.
    signed: BTreeSet<AccountId>,
}

/// The housing city and what the model knows of it.
struct Housing {
    city: City,
    leases: AccountId,
    treasury: AccountId,
    /// The offers the accepted `offer_lease` calls made, the latest last, until signed or
    /// replaced.
    offers: Vec<Offer>,
    rounds: Vec<Opened>,
    booked: BTreeMap<LeaseId, Booked>,
    /// Every account's coins, as the accepted calls moved them.
    coins: BTreeMap<AccountId, u128>,
}

/// An offer of a property to a tenant, as the model knows it.
#[derive(Debug, Clone, Copy)]
struct Offer {
    property: PropertyId,
    tenant: AccountId,
    start: u64,
    terms: Terms,
    /// Whether its owner withdrew it: it binds no more, and bars another offer to the
    /// tenant until its start passes.
    withdrawn: bool,
}

/// What the chain answers after a step.
struct Seen {
    now: u64,
    leases: BTreeMap<LeaseId, (Lease, RentStatus)>,
    coins: BTreeMap<AccountId, u128>,
}

/// A step as it was made: whom it named and what the chain answered.
#[derive(Debug, Clone, Copy)]
enum Made {
    Paid {
        lease: LeaseId,
        payer: AccountId,
        amount: u128,
        accepted: bool,
    },
    Collected {
        lease: LeaseId,
        got: Option<u128>,
    },
    Deducted {
        lease: LeaseId,
        allowed: Option<u128>,
    },
    Returned {
        lease: LeaseId,
        got: Option<u128>,
    },
    Other,
}

impl Housing {
    fn new() -> Self {
        let mut city = housing_city();
        let leases = contract_account(&city.leases);
        let treasury = city.leases(ADMIN).counts().value.0;
        city.leases(ADMIN).attest_band(ALICE, 0).expect_accepted();
        for who in [ALICE, BOB, CAROL, DAVE] {
            city.token(ADMIN)
                .transfer(who, 2_000 * COIN)
                .expect_accepted();
        }
        for who in ANYONE {
            city.token(who).approve(leases, u128::MAX).expect_accepted();
        }
        let mut state = Self {
            city,
            leases,
            treasury,
            offers: Vec::new(),
            rounds: Vec::new(),
            booked: BTreeMap::new(),
            coins: BTreeMap::new(),
        };
        state.coins = state.balances();
        // Two leases signed already: the landlord's flat to the first applicant, weekly,
        // third parties allowed; the city's third flat to alice, monthly, the tenant alone.
        let weekly = Terms {
            rent: 50 * COIN,
            period: 7 * DAY_MS,
            periods: 2,
            deposit: 100 * COIN,
            notice: 7 * DAY_MS,
            third_party_rent: true,
        };
        let monthly = Terms {
            rent: 80 * COIN,
            period: MONTH_MS,
            periods: 3,
            deposit: 200 * COIN,
            notice: MONTH_MS,
            third_party_rent: false,
        };
        for (property, tenant, terms) in [(3, 0, weekly), (2, 5, monthly)] {
            let offer = Step::Offer {
                by: Who::Owner,
                property,
                tenant,
                start: Start::In(DAY_MS),
                terms,
            };
            checked(&mut state, &offer);
            checked(&mut state, &Step::AcceptOffer(None));
        }
        assert_eq!(state.booked.len(), 2, "the first leases are signed");
        // And a round of the city's first two flats open, closing in a day, to which
        // three applicants (bands 1, 0, 0) applied.
        let open = Step::OpenRound {
            by: 0,
            flats: 0b011,
            max_band: 1,
            times: [DAY_MS, DAY_MS, 40 * DAY_MS, 5 * DAY_MS],
            terms: Terms {
                rent: 60 * COIN,
                period: 7 * DAY_MS,
                periods: 3,
                deposit: 120 * COIN,
                notice: 7 * DAY_MS,
                third_party_rent: true,
            },
        };
        checked(&mut state, &open);
        for who in [0, 1, 3] {
            checked(&mut state, &Step::Apply { who, round: None });
        }
        assert_eq!(
            state.rounds[0].applied.len(),
            3,
            "the first round's applications"
        );
        state
    }

    /// Every account whose coins the test follows.
    fn accounts(&self) -> Vec<AccountId> {
        let mut accounts: Vec<AccountId> = ANYONE.iter().map(|a| a.account()).collect();
        accounts.push(self.leases);
        accounts.push(self.treasury);
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

    fn seen(&mut self) -> Seen {
        let now = self.city.now_ms();
        // Leases are numbered from zero: every one the chain has.
        let count = self.city.leases(ADMIN).counts().value.2;
        let leases = (0..count)
            .map(|id| {
                let data = self.city.leases(ADMIN).lease(id).value;
                (
                    id,
                    data.unwrap_or_else(|| panic!("lease {id} of {count} is missing")),
                )
            })
            .collect();
        Seen {
            now,
            leases,
            coins: self.balances(),
        }
    }

    /// The lease `pick` names: the latest `ready` for the step (or the latest), or the
    /// `n`th of the model's (lease 0 if there is none).
    fn lease_id(&self, pick: Option<usize>, ready: impl Fn(&Booked) -> bool) -> LeaseId {
        let ids: Vec<LeaseId> = self.booked.keys().copied().collect();
        let at = match pick {
            None => self
                .booked
                .values()
                .rposition(ready)
                .unwrap_or(ids.len().saturating_sub(1)),
            Some(n) => n % ids.len().max(1),
        };
        ids.get(at).copied().unwrap_or_default()
    }

    /// The round `pick` names: the latest `ready` for the step (or the latest), or the
    /// `n`th.
    fn round_at(&self, pick: Option<usize>, ready: impl Fn(&Opened) -> bool) -> Option<usize> {
        let count = self.rounds.len();
        let latest = || {
            let ready = self.rounds.iter().rposition(ready);
            ready.unwrap_or(count - 1)
        };
        (count > 0).then(|| pick.map_or_else(latest, |n| n % count))
    }

    /// The account `who` names for the lease `id`.
    fn who(&self, who: Who, id: LeaseId) -> AccountId {
        let booked = self.booked.get(&id);
        match who {
            Who::Tenant => booked.map_or(ANYONE[0].account(), |b| b.tenant),
            Who::Owner => owner(booked.map_or(PRIVATE_FLAT, |b| b.property)),
            Who::Other(n) => ANYONE[n].account(),
        }
    }

    /// The payee of a property's leases: its landlord, or the city's treasury.
    fn payee(&self, property: PropertyId) -> AccountId {
        if property == PRIVATE_FLAT {
            LANDLORD.account()
        } else {
            self.treasury
        }
    }

    /// `amount` went from `from` to `to` (nothing moves when they are one: a transfer to
    /// oneself moves no coin).
    fn moved(&mut self, from: AccountId, to: AccountId, amount: u128) {
        if from == to {
            return;
        }
        let left = self.coins.get_mut(&from).expect("a followed account");
        *left = left
            .checked_sub(amount)
            .unwrap_or_else(|| panic!("{} paid {amount}, more than it held", name(&from)));
        *self.coins.get_mut(&to).expect("a followed account") += amount;
    }

    /// Books a lease the chain says `tenant` signed, checking it is the one offered.
    fn signed(&mut self, id: LeaseId, tenant: AccountId, offered: Offered) {
        let (data, _) = self
            .city
            .leases(ADMIN)
            .lease(id)
            .value
            .expect("a signed lease");
        let now = self.city.now_ms();
        invariant!(
            a_signed_lease_is_the_one_offered,
            self,
            id,
            &data,
            tenant,
            &offered,
            now
        );
        let terms = offered.terms;
        self.booked.insert(
            id,
            Booked {
                property: offered.property,
                tenant,
                payee: self.payee(offered.property),
                start: offered.start,
                end: offered.start + terms.period * u64::from(terms.periods),
                terms,
                paid: 0,
                deducted: 0,
                returned: 0,
                claim: None,
            },
        );
        self.moved(tenant, self.leases, terms.deposit);
    }

    /// Makes `step`; refusals are part of the game.
    fn apply(&mut self, step: &Step) -> Made {
        let now = self.city.now_ms();
        match *step {
            Step::Offer {
                by,
                property,
                tenant,
                start,
                terms,
            } => {
                let property = PROPERTIES[property];
                let last = self
                    .booked
                    .values()
                    .filter(|b| b.property == property)
                    .map(|b| b.end)
                    .max();
                let start = match start {
                    Start::In(later) => now + later,
                    Start::AfterLast(later) => last.unwrap_or(now) + later,
                    Start::JustBeforeLast => last.unwrap_or(now).saturating_sub(1),
                };
                let tenant = ANYONE[tenant].account();
                let offered = self
                    .city
                    .leases(match by {
                        Who::Other(n) => ANYONE[n].account(),
                        Who::Owner | Who::Tenant => owner(property),
                    })
                    .offer_lease(property, tenant, start, terms);
                if offered.value.is_ok() {
                    if let Some(standing) = self.offer_taken(property, tenant) {
                        assert!(
                            standing.start < now,
                            "an offer replaced before its start passed: {standing:?}"
                        );
                    }
                    self.offers.push(Offer {
                        property,
                        tenant,
                        start,
                        terms,
                        withdrawn: false,
                    });
                }
            }
            Step::AcceptOffer(pick) => {
                let Some(Offer {
                    property, tenant, ..
                }) = self.offer_at(pick, now)
                else {
                    return Made::Other;
                };
                self.accept(tenant, property);
            }
            Step::Withdraw { by, offer } => {
                let Some(Offer {
                    property, tenant, ..
                }) = self.offer_at(offer, now)
                else {
                    return Made::Other;
                };
                let caller = match by {
                    Who::Other(n) => ANYONE[n].account(),
                    Who::Owner | Who::Tenant => owner(property),
                };
                let withdrawn = self.city.leases(caller).withdraw_offer(property, tenant);
                if withdrawn.value.is_ok() {
                    assert_eq!(caller, owner(property), "an offer withdrawn by a stranger");
                    for offer in &mut self.offers {
                        if (offer.property, offer.tenant) == (property, tenant) {
                            offer.withdrawn = true;
                        }
                    }
                }
            }
            Step::Accept { tenant, property } => {
                self.accept(ANYONE[tenant].account(), PROPERTIES[property]);
            }
            Step::OpenRound {
                by,
                flats,
                max_band,
                times,
                terms,
            } => {
                let closes = now + times[0];
                let reveal_by = closes + times[1];
                let accept_by = reveal_by + times[2];
                let plan = RoundPlan {
                    flats: (0..PROPERTIES.len())
                        .filter(|n| flats & (1 << n) != 0)
                        .map(|n| PROPERTIES[n])
                        .collect(),
                    kinds: IdentityKind::Resident.bit() | IdentityKind::Citizen.bit(),
                    max_band,
                    closes,
                    commitment: blake2_256(&SECRET),
                    reveal_by,
                    accept_by,
                    lease_start: accept_by + times[3],
                    terms,
                };
                let by = OPENERS[by];
                if let Ok(id) = self.city.leases(by).open_round(&plan).value {
                    assert_eq!(by, ADMIN, "a round opened by another than the admin seat");
                    self.rounds.push(Opened {
                        id,
                        plan,
                        applied: Vec::new(),
                        seed: None,
                        signed: BTreeSet::new(),
                    });
                }
            }
            Step::Apply { who, round } => {
                let who = ANYONE[who].account();
                let Some(at) = self.round_at(round, |r| now < r.plan.closes) else {
                    self.city.leases(who).apply(0);
                    return Made::Other;
                };
                if let Ok(index) = self.city.leases(who).apply(self.rounds[at].id).value {
                    let opened = &mut self.rounds[at];
                    assert!(now < opened.plan.closes, "an application after the close");
                    assert!(
                        !opened.applied.contains(&who),
                        "{} applied twice",
                        name(&who)
                    );
                    assert_eq!(
                        index as usize,
                        opened.applied.len(),
                        "the application's number"
                    );
                    opened.applied.push(who);
                }
            }
            Step::Allocate { by, round, secret } => {
                let Some(at) = self.round_at(round, |r| r.seed.is_none()) else {
                    return Made::Other;
                };
                let given = match secret {
                    Secret::Revealed => Some(SECRET),
                    Secret::Wrong => Some([1; 32]),
                    Secret::Withheld => None,
                };
                let id = self.rounds[at].id;
                if let Ok(winners) = self.city.leases(ANYONE[by]).allocate(id, given).value {
                    let opened = &mut self.rounds[at];
                    let plan = &opened.plan;
                    assert!(opened.seed.is_none(), "a round allocated twice");
                    assert!(now >= plan.closes, "allocated before the close");
                    let revealed = match secret {
                        Secret::Revealed => SECRET,
                        Secret::Wrong => panic!("allocated with a wrong secret"),
                        Secret::Withheld => {
                            assert!(now >= plan.reveal_by, "allocated unrevealed too early");
                            plan.commitment
                        }
                    };
                    // The seed: blake2-256(secret ‖ entropy), the entropy folding each
                    // application in order from zero: blake2-256(entropy ‖ account).
                    let entropy = opened.applied.iter().fold([0; 32], |entropy, who| {
                        blake2_256(&[&entropy[..], who.as_ref()].concat())
                    });
                    let seed = blake2_256(&[revealed, entropy].concat());
                    assert_eq!(
                        winners as usize,
                        opened.applied.len().min(plan.flats.len()),
                        "as many winners as flats, or applicants"
                    );
                    opened.seed = Some(seed);
                }
            }
            Step::AcceptFlat { who, round } => {
                let Some(at) = self.round_at(round, |r| r.seed.is_some() && now < r.plan.accept_by)
                else {
                    return Made::Other;
                };
                let opened = &self.rounds[at];
                let who = match who {
                    Signer::Applicant(n) if !opened.applied.is_empty() => {
                        opened.applied[n % opened.applied.len()]
                    }
                    Signer::Applicant(n) | Signer::Person(n) => ANYONE[n % PEOPLE].account(),
                };
                let id = opened.id;
                if let Ok(lease) = self.city.leases(who).accept_flat(id).value {
                    let flat = invariant!(a_winner_signs_the_flat_of_its_place, self, at, who, now);
                    let plan = &self.rounds[at].plan;
                    let offered = Offered {
                        property: flat,
                        start: plan.lease_start,
                        terms: plan.terms,
                    };
                    self.rounds[at].signed.insert(who);
                    self.signed(lease, who, offered);
                }
            }
            Step::PayRent {
                payer,
                lease,
                amount,
            } => {
                let id = self.lease_id(lease, |b| b.paid < b.total());
                let payer = self.who(payer, id);
                let rent = self.booked.get(&id).map_or(COIN, |b| b.terms.rent);
                let amount = amount.of(rent);
                let accepted = self.city.leases(payer).pay_rent(id, amount).value.is_ok();
                if accepted {
                    let booked = self.booked.get_mut(&id).expect("a known lease");
                    booked.paid += amount;
                    let payee = booked.payee;
                    self.moved(payer, payee, amount);
                }
                return Made::Paid {
                    lease: id,
                    payer,
                    amount,
                    accepted,
                };
            }
            Step::CollectRent { by, lease } => {
                let id = self.lease_id(lease, |b| b.due(now) > b.paid);
                let got = self.city.leases(ANYONE[by]).collect_rent(id).value.ok();
                if let Some(got) = got {
                    let booked = self.booked.get_mut(&id).expect("a known lease");
                    let arrears = booked.due(now).saturating_sub(booked.paid);
                    assert_eq!(got, arrears, "collected other than the arrears");
                    booked.paid += got;
                    let (tenant, payee) = (booked.tenant, booked.payee);
                    self.moved(tenant, payee, got);
                }
                return Made::Collected { lease: id, got };
            }
            Step::Notice { by, lease, end } => {
                let id = self.lease_id(lease, |b| now < b.end);
                let caller = self.who(by, id);
                let Some(booked) = self.booked.get(&id) else {
                    self.city.leases(caller).give_notice(id, now);
                    return Made::Other;
                };
                let end = match end {
                    NoticeEnd::AfterNotice { extra, short } => {
                        (now + booked.terms.notice + extra).saturating_sub(u64::from(short))
                    }
                    NoticeEnd::Periods(n) => booked.start + u64::from(n) * booked.terms.period,
                    NoticeEnd::Eighths(n) => {
                        let earliest = now + booked.terms.notice;
                        earliest + booked.end.saturating_sub(earliest) / 8 * u64::from(n)
                    }
                    NoticeEnd::Unchanged => booked.end,
                };
                if self.city.leases(caller).give_notice(id, end).value.is_ok() {
                    let booked = self.booked.get_mut(&id).expect("a known lease");
                    invariant!(notice_is_given_only_as_agreed, booked, caller, end, now);
                    booked.end = end;
                }
            }
            Step::Claim { by, lease, amount } => {
                let id = self.lease_id(lease, |b| {
                    b.end <= now && now < b.end + CLAIM_WINDOW && b.claim.is_none() && b.held() > 0
                });
                let caller = self.who(by, id);
                let held = self.booked.get(&id).map_or(COIN, Booked::held);
                let amount = amount.of(held);
                let claimed = self
                    .city
                    .leases(caller)
                    .claim_deduction(id, amount, [7; 32]);
                if claimed.value.is_ok() {
                    let booked = self.booked.get(&id).expect("a known lease");
                    invariant!(
                        the_deposit_moves_only_when_the_docs_allow,
                        booked,
                        &Move::Claim(amount),
                        caller,
                        now,
                    );
                    self.booked.get_mut(&id).expect("known").claim = Some((amount, false));
                }
            }
            Step::Rule {
                by_admin,
                lease,
                allowed,
            } => {
                let id = self.lease_id(lease, |b| matches!(b.claim, Some((_, false))));
                let caller = if by_admin { ADMIN } else { LANDLORD }.account();
                let claimed = self
                    .booked
                    .get(&id)
                    .and_then(|b| b.claim)
                    .map_or(COIN, |(amount, _)| amount);
                let allowed = allowed.of(claimed);
                let ruled = self
                    .city
                    .leases(caller)
                    .rule_on_claim(id, allowed)
                    .value
                    .is_ok();
                if ruled {
                    let booked = self.booked.get_mut(&id).expect("a known lease");
                    invariant!(
                        the_deposit_moves_only_when_the_docs_allow,
                        booked,
                        &Move::Rule(allowed),
                        caller,
                        now,
                    );
                    booked.claim = Some((claimed, true));
                    booked.deducted += allowed;
                    let payee = booked.payee;
                    self.moved(self.leases, payee, allowed);
                }
                return Made::Deducted {
                    lease: id,
                    allowed: ruled.then_some(allowed),
                };
            }
            Step::ReturnDeposit { by, lease } => {
                let id = self.lease_id(lease, |b| b.end <= now && b.held() > 0);
                let caller = self.who(by, id);
                let got = self.city.leases(caller).return_deposit(id).value.ok();
                if let Some(got) = got {
                    let booked = self.booked.get_mut(&id).expect("a known lease");
                    invariant!(
                        the_deposit_moves_only_when_the_docs_allow,
                        booked,
                        &Move::Return(got),
                        caller,
                        now,
                    );
                    booked.returned += got;
                    // A claim not ruled on lapsed, allowing nothing.
                    if let Some((_, ruled)) = booked.claim.as_mut() {
                        *ruled = true;
                    }
                    let tenant = booked.tenant;
                    self.moved(self.leases, tenant, got);
                }
                return Made::Returned { lease: id, got };
            }
            Step::Approve { who, amount } => {
                let amount = amount.of(1_000 * COIN);
                self.city
                    .token(ANYONE[who])
                    .approve(self.leases, amount)
                    .expect_accepted();
            }
            Step::Wait(ms) => self.city.advance_time(ms),
            Step::WaitFor { until, early, late } => {
                let Some(time) = self.milestone(until, now) else {
                    return Made::Other;
                };
                let time = (time + late).saturating_sub(u64::from(early));
                if time > now {
                    self.city.advance_time(time - now);
                }
            }
        }
        Made::Other
    }

    /// When `until` comes, if it is still to come after `now`: the soonest of the rounds'
    /// (or of the leases') still to come, or the named lease's.
    fn milestone(&self, until: Milestone, now: u64) -> Option<u64> {
        let round = |at: fn(&RoundPlan) -> u64| {
            let plans = self.rounds.iter().map(|r| at(&r.plan));
            plans.filter(|time| *time > now).min()
        };
        let lease = |pick: Option<usize>, at: &dyn Fn(&Booked) -> u64| match pick {
            None => self
                .booked
                .values()
                .map(at)
                .filter(|time| *time > now)
                .min(),
            Some(_) => {
                let id = self.lease_id(pick, |_| true);
                self.booked.get(&id).map(at).filter(|time| *time > now)
            }
        };
        match until {
            Milestone::Closes => round(|plan| plan.closes),
            Milestone::RevealBy => round(|plan| plan.reveal_by),
            Milestone::AcceptBy => round(|plan| plan.accept_by),
            Milestone::LeasesStart => round(|plan| plan.lease_start),
            Milestone::Start(pick) => lease(pick, &|b| b.start),
            Milestone::NextPeriod(pick) => lease(pick, &|b| {
                // The start of the first period still to begin.
                let mut at = b.start;
                while at <= now {
                    at += b.terms.period;
                }
                at
            }),
            Milestone::End(pick) => lease(pick, &|b| b.end),
            Milestone::WindowCloses(pick) => lease(pick, &|b| b.end + CLAIM_WINDOW),
            Milestone::RulingWindowCloses(pick) => {
                lease(pick, &|b| b.end + CLAIM_WINDOW + RULING_WINDOW)
            }
        }
    }

    /// The offer `pick` names: the latest standing (not withdrawn, its start not passed
    /// at `now`; or the latest), or the `n`th.
    fn offer_at(&self, pick: Option<usize>, now: u64) -> Option<Offer> {
        let count = self.offers.len();
        let at = match pick {
            None => self
                .offers
                .iter()
                .rposition(|offer| !offer.withdrawn && offer.start >= now)
                .or(count.checked_sub(1))?,
            Some(n) => n % count.max(1),
        };
        self.offers.get(at).copied()
    }

    /// The offer of `property` to `tenant`, signed or replaced.
    fn offer_taken(&mut self, property: PropertyId, tenant: AccountId) -> Option<Offer> {
        let at = self
            .offers
            .iter()
            .position(|offer| (offer.property, offer.tenant) == (property, tenant))?;
        Some(self.offers.remove(at))
    }

    /// `tenant` signs the lease of `property` offered to it.
    fn accept(&mut self, tenant: AccountId, property: PropertyId) {
        let signed = self.city.leases(tenant).accept_lease(property).value;
        if let Ok(id) = signed {
            let offer = self
                .offer_taken(property, tenant)
                .unwrap_or_else(|| panic!("{} signed a lease nobody offered", name(&tenant)));
            assert!(!offer.withdrawn, "a withdrawn offer signed: {offer:?}");
            let offered = Offered {
                property,
                start: offer.start,
                terms: offer.terms,
            };
            self.signed(id, tenant, offered);
        }
    }
}

/// An account by its actor's name, for messages.
fn name(account: &AccountId) -> String {
    ANYONE
        .iter()
        .find(|actor| actor.account() == *account)
        .map_or_else(|| format!("{account:?}"), |actor| actor.0.to_owned())
}

/// The owner of a property: the landlord of its flat, the admin seat for the city's.
fn owner(property: PropertyId) -> AccountId {
    if property == PRIVATE_FLAT {
        LANDLORD.account()
    } else {
        ADMIN.account()
    }
}

/// What a tenant signed for: an offer, or a round's flat.
struct Offered {
    property: PropertyId,
    start: u64,
    terms: Terms,
}

/// A movement of a deposit.
enum Move {
    Claim(u128),
    Rule(u128),
    Return(u128),
}

/// A signed lease is the property, start and terms offered (by its owner or the round),
/// to the tenant who signed, for its periods, with its rent going to the property's
/// payee, nothing paid nor deducted yet; its start had not passed; it is a new lease.
fn a_signed_lease_is_the_one_offered(
    state: &Housing,
    id: LeaseId,
    lease: &Lease,
    tenant: AccountId,
    offered: &Offered,
    now: u64,
) {
    assert!(!state.booked.contains_key(&id), "lease {id} signed twice");
    assert_eq!(lease.tenant, tenant, "lease {id}'s tenant");
    assert_eq!(lease.property, offered.property, "lease {id}'s property");
    assert_eq!(lease.start, offered.start, "lease {id}'s start");
    assert_eq!(lease.terms, offered.terms, "lease {id}'s terms");
    let length = offered.terms.period * u64::from(offered.terms.periods);
    assert_eq!(lease.end, offered.start + length, "lease {id}'s end");
    assert_eq!(
        lease.payee,
        state.payee(lease.property),
        "lease {id}'s payee"
    );
    assert_eq!(
        (lease.rent_paid, lease.deducted, lease.returned, lease.claim),
        (0, 0, 0, None),
        "lease {id} is new"
    );
    assert!(offered.start >= now, "lease {id} signed after its start");
}

/// A round's winners are its applicants by band, lowest first, then by blake2-256(seed ‖
/// account), lowest first, with the seed the allocation's (from the secret, or the
/// commitment, and the applications); the `n`th winner signs the round's `n`th flat,
/// once, before `accept_by`. Returns the flat.
fn a_winner_signs_the_flat_of_its_place(
    state: &mut Housing,
    at: usize,
    who: AccountId,
    now: u64,
) -> PropertyId {
    let opened = &state.rounds[at];
    let seed = opened.seed.expect("a winner signed before the allocation");
    assert!(now < opened.plan.accept_by, "signed after accept_by");
    assert!(!opened.signed.contains(&who), "{} signed twice", name(&who));
    let (id, applied, flats) = (opened.id, opened.applied.clone(), opened.plan.flats.clone());
    let mut ranked: Vec<(u8, [u8; 32], AccountId)> = (0u32..)
        .zip(applied)
        .map(|(index, applicant)| {
            let application = state
                .city
                .leases(ADMIN)
                .application(id, index)
                .value
                .expect("each application is public");
            assert_eq!(application.applicant, applicant, "application {index}");
            let mut input = seed.to_vec();
            input.extend_from_slice(applicant.as_ref());
            (application.band, blake2_256(&input), applicant)
        })
        .collect();
    ranked.sort();
    let place = ranked
        .iter()
        .take(flats.len())
        .position(|(_, _, winner)| *winner == who)
        .unwrap_or_else(|| panic!("{} signed a flat it did not win", name(&who)));
    flats[place]
}

/// Notice is the tenant's, before the lease's end, naming an end at least the agreed
/// notice from now, before the old end and not before the start.
fn notice_is_given_only_as_agreed(booked: &Booked, caller: AccountId, end: u64, now: u64) {
    assert_eq!(caller, booked.tenant, "notice by another than the tenant");
    assert!(now < booked.end, "notice after the end");
    assert!(
        end >= now + booked.terms.notice,
        "notice shorter than agreed"
    );
    assert!(
        end < booked.end && end >= booked.start,
        "notice's end {end} out of the lease"
    );
}

/// After the end, the owner claims once, within the claim window, up to what the deposit
/// holds; governance alone rules, within the ruling window after the claim window,
/// allowing up to the claim; the rest goes back to the tenant once the claim is ruled on
/// or lapsed, or with no claim after the window (or before it by the owner).
fn the_deposit_moves_only_when_the_docs_allow(
    booked: &Booked,
    movement: &Move,
    caller: AccountId,
    now: u64,
) {
    assert!(now >= booked.end, "a deposit moved before the end");
    let window_closed = now >= booked.end + CLAIM_WINDOW;
    let lapsed = now >= booked.end + CLAIM_WINDOW + RULING_WINDOW;
    match *movement {
        Move::Claim(amount) => {
            assert_eq!(
                caller,
                owner(booked.property),
                "a claim by another than the owner"
            );
            assert!(!window_closed, "a claim after the window");
            assert!(booked.claim.is_none(), "a second claim");
            assert!(amount > 0 && amount <= booked.held(), "a claim of {amount}");
        }
        Move::Rule(allowed) => {
            assert_eq!(
                caller,
                ADMIN.account(),
                "a ruling by another than governance"
            );
            let (claimed, ruled) = booked.claim.expect("a ruling without a claim");
            assert!(!ruled, "a second ruling");
            assert!(!lapsed, "a ruling after the claim lapsed");
            assert!(
                allowed <= claimed,
                "allowed {allowed} of a claim of {claimed}"
            );
        }
        Move::Return(amount) => {
            assert_eq!(amount, booked.held(), "a return of other than what is held");
            let may = match booked.claim {
                Some((_, ruled)) => ruled || lapsed,
                None => window_closed || caller == owner(booked.property),
            };
            assert!(
                may,
                "the deposit returned while a claim could come or waits"
            );
        }
    }
}

/// The leases the chain has are those the model saw signed, as signed (and given
/// notice). Each property's leases, by their numbers, each start at or after the end of
/// the one before and hold pairwise disjoint times [start, end); `tenant_of` answers, at
/// each lease's start, end - 1 and end and now, the tenant of the one lease covering the
/// time, or nobody.
fn a_property_never_has_two_tenants_at_one_time(state: &mut Housing, seen: &Seen) {
    assert_eq!(
        seen.leases.keys().collect::<Vec<_>>(),
        state.booked.keys().collect::<Vec<_>>(),
        "the leases on the chain are not those the model saw signed"
    );
    for property in PROPERTIES {
        let spans: Vec<(u64, u64, AccountId)> = seen
            .leases
            .iter()
            .filter(|(_, (lease, _))| lease.property == property)
            .map(|(id, (lease, _))| {
                let booked = &state.booked[id];
                assert_eq!(
                    (
                        lease.tenant,
                        lease.payee,
                        lease.start,
                        lease.end,
                        lease.terms
                    ),
                    (
                        booked.tenant,
                        booked.payee,
                        booked.start,
                        booked.end,
                        booked.terms
                    ),
                    "lease {id} as signed and given notice"
                );
                (lease.start, lease.end, lease.tenant)
            })
            .collect();
        for pair in spans.windows(2) {
            assert!(
                pair[1].0 >= pair[0].1,
                "a lease of {property:?} starts before the last one's end: {pair:?}"
            );
        }
        for (n, a) in spans.iter().enumerate() {
            for b in &spans[n + 1..] {
                let empty = a.0 >= a.1 || b.0 >= b.1;
                assert!(
                    empty || a.1 <= b.0 || b.1 <= a.0,
                    "{property:?} let twice at once: {a:?} and {b:?}"
                );
            }
        }
        let mut probes: BTreeSet<u64> = spans
            .iter()
            .flat_map(|(start, end, _)| [*start, end.saturating_sub(1), *end])
            .collect();
        probes.insert(seen.now);
        for time in probes {
            let covering: Vec<AccountId> = spans
                .iter()
                .filter(|(start, end, _)| *start <= time && time < *end)
                .map(|(_, _, tenant)| *tenant)
                .collect();
            assert!(covering.len() <= 1, "{property:?} let twice at {time}");
            assert_eq!(
                state.city.leases(ADMIN).tenant_of(property, time).value,
                covering.first().copied(),
                "the tenant of {property:?} at {time}"
            );
        }
    }
}

/// For every lease, `deposit == deducted + returned + held`: what the rulings the model
/// saw accepted allowed, plus what the returns it saw accepted paid back, plus what is
/// still held, never more than was paid in; the chain's ledger says the same; and the
/// leases' coins are the sum of what the deposits hold.
fn every_deposit_is_returned_deducted_or_still_held(state: &Housing, seen: &Seen) {
    let mut held = 0;
    for (id, booked) in &state.booked {
        let (lease, _) = &seen.leases[id];
        let out = booked.deducted + booked.returned;
        assert!(
            out <= booked.terms.deposit,
            "lease {id} paid out {out} of a deposit of {}",
            booked.terms.deposit
        );
        let still = booked.terms.deposit - out;
        assert_eq!(
            (lease.deducted, lease.returned),
            (booked.deducted, booked.returned),
            "lease {id}'s deposit"
        );
        assert_eq!(
            lease.terms.deposit,
            lease.deducted + lease.returned + still,
            "lease {id}'s deposit"
        );
        held += still;
    }
    assert_eq!(
        seen.coins[&state.leases], held,
        "the leases hold other than their deposits"
    );
}

/// For every lease: what was paid is the model's and at most the whole lease's rent; the
/// rent due is that of the periods started before both now and the end; the whole rent,
/// that of the periods started before the end; the arrears are what is due and unpaid.
fn rent_never_exceeds_the_lease_and_arrears_are_due_minus_paid(state: &Housing, seen: &Seen) {
    for (id, booked) in &state.booked {
        let (lease, rent) = &seen.leases[id];
        assert_eq!(
            (lease.rent_paid, rent.paid),
            (booked.paid, booked.paid),
            "lease {id}'s rent paid"
        );
        assert_eq!(rent.total, booked.total(), "lease {id}'s whole rent");
        assert!(rent.paid <= rent.total, "lease {id} paid beyond its rent");
        assert_eq!(rent.due, booked.due(seen.now), "lease {id}'s rent due");
        assert_eq!(
            rent.arrears,
            rent.due.saturating_sub(rent.paid),
            "lease {id}'s arrears"
        );
    }
}

/// In one step, a lease's rent rose only by a payment the tenant, or a third party where
/// the terms allow, made and the payee received; or by what a collection moved from the
/// tenant to the payee.
fn only_the_tenant_or_an_allowed_third_party_paid_rent(
    step: &Step,
    made: &Made,
    before: &Seen,
    after: &Seen,
) {
    let gained = |account: &AccountId| {
        i128::try_from(after.coins[account]).unwrap()
            - i128::try_from(before.coins[account]).unwrap()
    };
    for (id, (lease, _)) in &after.leases {
        let was = before
            .leases
            .get(id)
            .map_or(0, |(lease, _)| lease.rent_paid);
        let booked = lease
            .rent_paid
            .checked_sub(was)
            .unwrap_or_else(|| panic!("lease {id}'s rent paid fell"));
        let (payer, expected) = match *made {
            Made::Paid {
                lease: paid,
                payer,
                amount,
                accepted,
            } if paid == *id => (payer, if accepted { amount } else { 0 }),
            Made::Collected {
                lease: collected,
                got,
            } if collected == *id => (lease.tenant, got.unwrap_or(0)),
            _ => (lease.tenant, 0),
        };
        assert_eq!(booked, expected, "lease {id}'s rent booked in {step:?}");
        if booked == 0 {
            continue;
        }
        assert!(
            payer == lease.tenant || lease.terms.third_party_rent,
            "{} paid lease {id}'s rent, the terms forbid third parties",
            name(&payer)
        );
        assert_ne!(payer, lease.payee, "lease {id}'s payee paid itself");
        let booked = i128::try_from(booked).unwrap();
        assert_eq!(gained(&lease.payee), booked, "the payee of lease {id}");
        assert_eq!(gained(&payer), -booked, "the payer of lease {id}");
    }
}

/// Every account holds what the accepted calls moved: deposits into the leases when
/// signed, rent from payer to payee, rulings to the payee, returns to the tenant. In one
/// step, the leases lose coins only to the payee of a ruled claim or the tenant of a
/// returned deposit, all of it.
fn coins_leave_the_leases_only_to_a_tenant_or_a_payee(
    state: &Housing,
    step: &Step,
    made: &Made,
    before: &Seen,
    after: &Seen,
) {
    for (account, expected) in &state.coins {
        assert_eq!(
            after.coins[account],
            *expected,
            "the coins of {} after {step:?}",
            name(account)
        );
    }
    let lost = before.coins[&state.leases].saturating_sub(after.coins[&state.leases]);
    if lost == 0 {
        return;
    }
    let to = match *made {
        Made::Deducted {
            lease,
            allowed: Some(_),
        } => state.booked[&lease].payee,
        Made::Returned {
            lease,
            got: Some(_),
        } => state.booked[&lease].tenant,
        _ => panic!("the leases lost {lost} in {step:?}"),
    };
    let gained = after.coins[&to].checked_sub(before.coins[&to]);
    assert_eq!(
        gained,
        Some(lost),
        "the leases lost {lost}, {} gained {gained:?}",
        name(&to)
    );
}

/// Once every lease ended and its claim window closed, with every claim ruled on, anyone
/// returns each deposit's rest: the leases hold nothing.
fn every_deposit_comes_back_in_the_end(state: &Housing, seen: &Seen) {
    for (id, booked) in &state.booked {
        assert_eq!(booked.held(), 0, "lease {id}'s deposit kept");
    }
    assert_eq!(seen.coins[&state.leases], 0, "the leases kept coins");
}

/// Makes `step` and checks the invariants of every step.
fn checked(state: &mut Housing, step: &Step) {
    let before = state.seen();
    let made = state.apply(step);
    let after = state.seen();
    invariant!(a_property_never_has_two_tenants_at_one_time, state, &after);
    invariant!(
        every_deposit_is_returned_deducted_or_still_held,
        state,
        &after
    );
    invariant!(
        rent_never_exceeds_the_lease_and_arrears_are_due_minus_paid,
        state,
        &after
    );
    invariant!(
        only_the_tenant_or_an_allowed_third_party_paid_rent,
        step,
        &made,
        &before,
        &after
    );
    invariant!(
        coins_leave_the_leases_only_to_a_tenant_or_a_payee,
        state,
        step,
        &made,
        &before,
        &after
    );
}

/// The leases' chapter: cases of up to `depth` steps, each played by
/// [`the_leases_invariants_hold`] on this thread's housing city.
pub(crate) fn chapter(depth: usize) -> Plan<Step, impl Strategy<Value = Vec<Step>>> {
    Plan {
        name: "leases",
        case: prop::collection::vec(step(), 1..=depth.max(1)),
        play: |steps| {
            with_fresh_housing(|state| {
                let before = calls(&state.city);
                the_leases_invariants_hold(state, steps);
                calls(&state.city) - before
            })
        },
    }
}

/// What the model knew of the city as built: its leases, everyone's coins and its round.
type Fresh = (
    BTreeMap<LeaseId, Booked>,
    BTreeMap<AccountId, u128>,
    Vec<Opened>,
);

thread_local! {
    /// The housing city, built once per thread, and the snapshot of its state then: each
    /// case starts again from there.
    static BUILT: RefCell<Option<(Housing, CitySnapshot, Fresh)>> = const { RefCell::new(None) };
}

/// Runs `case` on the city as [`Housing::new`] built it, restored from a snapshot rather
/// than deployed again.
fn with_fresh_housing<T>(case: impl FnOnce(&mut Housing) -> T) -> T {
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        let (state, snapshot, fresh) = built.get_or_insert_with(|| {
            let mut state = Housing::new();
            let snapshot = state.city.snapshot();
            let fresh = (
                state.booked.clone(),
                state.coins.clone(),
                state.rounds.clone(),
            );
            (state, snapshot, fresh)
        });
        state.city.restore(snapshot);
        state.booked.clone_from(&fresh.0);
        state.coins.clone_from(&fresh.1);
        state.rounds.clone_from(&fresh.2);
        state.offers.clear();
        case(state)
    })
}

/// One case: `steps`, then every lease ends and its window closes, governance rules on
/// any claim waiting (allowing half of it; refused where the claim lapsed) and a stranger
/// returns each deposit, with the invariants checked after every step.
fn the_leases_invariants_hold(state: &mut Housing, steps: &[Step]) {
    for step in steps {
        checked(state, step);
    }
    let last = state.booked.values().map(|b| b.end).max().unwrap_or(0);
    let now = state.city.now_ms();
    state
        .city
        .advance_time(last.saturating_sub(now) + CLAIM_WINDOW);
    let ids: Vec<(usize, LeaseId)> = state.booked.keys().copied().enumerate().collect();
    for (pick, id) in ids {
        if state.booked[&id].claim.is_some_and(|(_, ruled)| !ruled) {
            let rule = Step::Rule {
                by_admin: true,
                lease: Some(pick),
                allowed: Amount::Quarters(2),
            };
            checked(state, &rule);
        }
        let back = Step::ReturnDeposit {
            by: Who::Other(9),
            lease: Some(pick),
        };
        checked(state, &back);
    }
    let seen = state.seen();
    invariant!(every_deposit_comes_back_in_the_end, state, &seen);
}
