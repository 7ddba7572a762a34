//! The city's public flats at scale (Xiong'an): before the city hands its seats to
//! governance, a land office registers the flats and the city opens one round of them,
//! committed to its lottery's secret. During the round's first days some people apply, each
//! after the housing bureau attests its income band; then the round is allocated with the
//! secret, the winners sign their leases (paying the deposit, and allowing the leases the
//! whole lease's rent), and the leases start the next day. At the start of each period
//! most tenants pay the rent due, by hand or by letting the rent office collect it from
//! their allowance, topping up their coins from the treasury (as Zug's residents buy coins
//! for their fees); some fall behind for a period and pay their arrears later, or the rent
//! office collects them.
//!
//! The harness works out, from the leases' rules (the crate docs) and never from the
//! contract: who may apply, the allocation (by band, then by ticket, from the seed of its
//! own secret and of the applications in the order it made them), who holds each flat at
//! any time, and each lease's rent due, paid and in arrears from its terms and the payments
//! it made.

use anyhow::{anyhow, ensure, Context, Result};
use city_traits::{
    Application, Band, CivicRole, IdentityKind, LeaseError, LeaseId, PSP22Error, PropertyId, Role,
    RoundId, RoundPlan, Terms, MAX_APPLICANTS,
};
use harness::{
    city::{contract_account, crowd_member, ADMIN, GENESIS_TIME_MS, REWARD_EPOCH_MS},
    housing::{ranking, rule_seed},
    merkle::entry_digest,
};
use ink::primitives::AccountId;

use super::{fnv, Life, Rng};

const DAY_MS: u64 = REWARD_EPOCH_MS;

/// A round of the city's flats and the rent of their leases.
#[derive(Debug, Clone, Copy)]
pub struct Housing {
    /// One flat per this many people, within `flats` (at least, at most; a round takes at
    /// most 128).
    pub people_per_flat: u32,
    pub flats: (u32, u32),
    /// Who may apply: these kinds, with an attested income band up to `max_band`. Each
    /// applicant's band is drawn from 0 to `max_band + 1`: the last is above the limit.
    pub kinds: &'static [IdentityKind],
    pub max_band: Band,
    /// Chance, in percent, that a person applies, on a day of the window drawn for it.
    pub apply_pct: u32,
    /// The days applications are taken (a short run takes one); the round is allocated the
    /// day after, the winners sign that day, and the leases start the next.
    pub apply_days: u32,
    /// Rent per 30 days: a lease's rent per period is its share. A period is 30 days when
    /// three of them fall in the run after the leases start, else 7 days when three of
    /// them do, else a third of what is left of the run. Leases last until after the run.
    pub monthly_rent: u128,
    pub deposit: u128,
    /// Percent of tenants who pay by hand; the others let the rent office collect.
    pub by_hand_pct: u32,
    /// Chance, in percent, that a tenant falls behind in a period: it tops nothing up, and
    /// pays nothing unless its coins cover its arrears and the rent office collects.
    pub behind_pct: u32,
}

/// A rent period at the end of its first day, as the harness has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PeriodFigures {
    /// The period's number, from 1, and the day it starts (counted from 1).
    pub period: u32,
    pub day: u32,
    pub leases: u32,
    /// The rent that fell due at its start.
    pub due: u128,
    /// The rent paid on its first day, arrears included.
    pub collected: u128,
    /// What the leases owe after the day's payments, and how many owe it.
    pub arrears: u128,
    pub behind: u32,
}

/// The round and its leases at the end of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HousingFigures {
    pub flats: u32,
    pub applicants: u32,
    /// Applications refused: above the income limit, or the round full.
    pub refused: u32,
    pub leases: u32,
    pub period_days: u32,
    pub rent: u128,
    pub deposit: u128,
    pub periods: Vec<PeriodFigures>,
    /// Deposits the leases hold at the end.
    pub deposits: u128,
    /// Coins the tenants bought from the treasury for their deposits and rent.
    pub bought: u128,
}

/// A lease as the harness signed it, and the rent it paid.
#[derive(Debug, Clone, Copy)]
struct Tenancy {
    lease: LeaseId,
    flat: PropertyId,
    tenant: AccountId,
    start: u64,
    end: u64,
    by_hand: bool,
    paid: u128,
}

/// The round as it runs, and the harness's record of it.
pub(super) struct HousingLife {
    plan: Housing,
    /// A stream of its own, so that the city's other choices stay those of a run without it.
    rng: Rng,
    round: RoundId,
    flats: Vec<PropertyId>,
    secret: [u8; 32],
    /// The first day after the applications (the allocation's), and the leases' first.
    allocation_day: u32,
    start_day: u32,
    terms: Terms,
    /// Who applies on which day, with the band the bureau attests.
    queue: Vec<(u32, usize, Band)>,
    /// The applications taken, in order.
    applications: Vec<Application>,
    refused: u32,
    tenancies: Vec<Tenancy>,
    /// The winners who signed, then the applicants who did not win, in the rule's order.
    waiting: Vec<AccountId>,
    periods: Vec<PeriodFigures>,
    bought: u128,
}

impl HousingLife {
    pub(super) fn figures(&self) -> HousingFigures {
        HousingFigures {
            flats: u32::try_from(self.flats.len()).unwrap_or(u32::MAX),
            applicants: u32::try_from(self.applications.len()).unwrap_or(u32::MAX),
            refused: self.refused,
            leases: u32::try_from(self.tenancies.len()).unwrap_or(u32::MAX),
            period_days: u32::try_from(self.terms.period / DAY_MS).unwrap_or(u32::MAX),
            rent: self.terms.rent,
            deposit: self.terms.deposit,
            periods: self.periods.clone(),
            deposits: self.deposits(),
            bought: self.bought,
        }
    }

    fn deposits(&self) -> u128 {
        self.terms.deposit * self.tenancies.len() as u128
    }

    /// The rent a lease owes now, by its terms: the rent of every period started before
    /// its end, less what it paid.
    fn due(&self, tenancy: &Tenancy, now: u64) -> u128 {
        let started = if now < tenancy.start {
            0
        } else {
            ((now - tenancy.start) / self.terms.period + 1).min(u64::from(self.terms.periods))
        };
        self.terms.rent * u128::from(started)
    }

    /// Who holds `flat` at `time`, by the harness's record.
    fn tenant_of(&self, flat: &PropertyId, time: u64) -> Option<AccountId> {
        self.tenancies
            .iter()
            .find(|t| t.flat == *flat && t.start <= time && time < t.end)
            .map(|t| t.tenant)
    }
}

fn blake2_256(input: &[u8]) -> [u8; 32] {
    let mut output = [0; 32];
    ink::env::hash_bytes::<ink::env::hash::Blake2x256>(input, &mut output);
    output
}

fn land_office(city: &str) -> AccountId {
    crowd_member(&format!("{city}-land-office"), 0)
}

fn housing_bureau(city: &str) -> AccountId {
    crowd_member(&format!("{city}-housing-bureau"), 0)
}

fn rent_office(city: &str) -> AccountId {
    crowd_member(&format!("{city}-rent-office"), 0)
}

/// A period's length in days, for a run of `days` whose leases start on `start_day`.
fn period_days(days: u32, start_day: u32) -> u32 {
    let left = days.saturating_sub(start_day);
    [30, 7]
        .into_iter()
        .find(|period| left / period >= 3)
        .unwrap_or((left / 3).max(1))
}

impl Life<'_> {
    /// The land office and the housing bureau take their roles, the land office
    /// registers the flats, the treasury, the leases and the rent's payee become the
    /// token's service providers (the civic policy), and the city opens its round.
    pub(super) fn settle_housing(&mut self, plan: Housing) -> Result<()> {
        let city_name = self.profile.city;
        let people = u32::try_from(self.people.len())?;
        let count = (people / plan.people_per_flat).clamp(plan.flats.0, plan.flats.1);
        let rng_seed = self.rng_seed;
        let mut rng = Rng::new(rng_seed ^ fnv("housing"));
        let allocation_day = (self.run_days / 10).clamp(1, plan.apply_days.max(1));
        let start_day = allocation_day + 1;
        let period = period_days(self.run_days, start_day);
        let terms = Terms {
            rent: plan.monthly_rent * u128::from(period) / 30,
            period: u64::from(period) * DAY_MS,
            periods: self.run_days.saturating_sub(start_day) / period + 2,
            deposit: plan.deposit,
            notice: 30 * DAY_MS,
            third_party_rent: false,
        };
        let city = &mut self.city;
        city.grant_civic_role(CivicRole::LandOffice, [land_office(city_name)])?;
        city.appoint_registrar(housing_bureau(city_name))?;
        let leases = contract_account(&city.leases);
        let payee = contract_account(&city.voting);
        for account in [ADMIN.account(), leases, payee] {
            city.token(ADMIN)
                .grant_role(Role::ServiceProvider, account)
                .accepted()?;
        }
        let flats: Vec<PropertyId> = (0..count)
            .map(|n| entry_digest(format!("{city_name} deed {n}").as_bytes()))
            .collect();
        for flat in &flats {
            self.city
                .leases(land_office(city_name))
                .register_property(*flat, None)
                .accepted()?;
            self.tick();
        }
        let secret = entry_digest(format!("{city_name} lottery {rng_seed}").as_bytes());
        let closes = GENESIS_TIME_MS + u64::from(allocation_day) * DAY_MS;
        let lease_start = GENESIS_TIME_MS + u64::from(start_day) * DAY_MS;
        let round_plan = RoundPlan {
            flats: flats.clone(),
            kinds: plan.kinds.iter().fold(0, |kinds, kind| kinds | kind.bit()),
            max_band: plan.max_band,
            closes,
            commitment: blake2_256(&secret),
            reveal_by: closes + DAY_MS / 2,
            accept_by: lease_start,
            lease_start,
            terms,
        };
        let round = self
            .city
            .leases(ADMIN)
            .open_round(&round_plan)
            .accepted()
            .context("opening the round")?;
        self.tick();
        let mut queue = Vec::new();
        for n in 0..self.people.len() {
            if rng.chance(plan.apply_pct) {
                let day = u32::try_from(rng.next_u64() % u64::from(allocation_day))?;
                let band = Band::try_from(rng.next_u64() % (u64::from(plan.max_band) + 2))?;
                queue.push((day, n, band));
            }
        }
        queue.sort_by_key(|(day, ..)| *day);
        self.housing = Some(HousingLife {
            plan,
            rng,
            round,
            flats,
            secret,
            allocation_day,
            start_day,
            terms,
            queue,
            applications: Vec::new(),
            refused: 0,
            tenancies: Vec::new(),
            waiting: Vec::new(),
            periods: Vec::new(),
            bought: 0,
        });
        Ok(())
    }

    /// The round's day: applications, then the allocation and the signatures, then rent
    /// at the start of each period; every day after the signatures a few flats are asked
    /// who holds them.
    pub(super) fn housing(&mut self) -> Result<()> {
        let Some(mut housing) = self.housing.take() else {
            return Ok(());
        };
        let done = self.housing_day(&mut housing);
        self.housing = Some(housing);
        done
    }

    fn housing_day(&mut self, housing: &mut HousingLife) -> Result<()> {
        if self.day < housing.allocation_day {
            return self.apply(housing);
        }
        if self.day == housing.allocation_day {
            self.allocate(housing)?;
        }
        if self.day >= housing.start_day {
            let since = self.day - housing.start_day;
            let period = u32::try_from(housing.terms.period / DAY_MS)?;
            if since.is_multiple_of(period) && since / period < housing.terms.periods {
                self.collect(housing, since / period)?;
            }
        }
        // Two flats, each at a time drawn from before the leases to after their end.
        let from = GENESIS_TIME_MS;
        let to = GENESIS_TIME_MS
            + u64::from(housing.start_day) * DAY_MS
            + (u64::from(housing.terms.periods) + 1) * housing.terms.period;
        for _ in 0..2 {
            let flat = housing.flats[housing.rng.next_u64() as usize % housing.flats.len()];
            let time = housing
                .rng
                .between((u128::from(from), u128::from(to)))
                .try_into()?;
            self.ask_tenant(housing, flat, time)?;
        }
        Ok(())
    }

    /// Today's applicants: the bureau attests each one's band, and it applies. The harness
    /// says beforehand who is taken.
    fn apply(&mut self, housing: &mut HousingLife) -> Result<()> {
        let city_name = self.profile.city;
        let today: Vec<(usize, Band)> = housing
            .queue
            .iter()
            .filter(|(day, ..)| *day == self.day)
            .map(|(_, n, band)| (*n, *band))
            .collect();
        for (n, band) in today {
            let person = &self.people[n];
            let (account, kind, live) =
                (person.account, person.kind, person.expires_day > self.day);
            self.city
                .leases(housing_bureau(city_name))
                .attest_band(account, band)
                .accepted()
                .context("attesting a band")?;
            self.tick();
            let taken = u32::try_from(housing.applications.len())?;
            let expected = if taken >= MAX_APPLICANTS {
                Err(LeaseError::RoundFull)
            } else if band > housing.plan.max_band || !housing.plan.kinds.contains(&kind) || !live {
                Err(LeaseError::NotEligible)
            } else {
                Ok(taken)
            };
            let answer = self.city.leases(account).apply(housing.round).value;
            self.tick();
            check!(
                answer == expected,
                "flats_are_allocated_by_the_rule",
                "an applicant of band {band} ({kind:?}) on day {} was answered {answer:?}, the rules give {expected:?}",
                self.day
            );
            match answer {
                Ok(_) => housing.applications.push(Application {
                    applicant: account,
                    band,
                }),
                Err(LeaseError::RoundFull) => {
                    housing.refused += 1;
                    // Nobody else is taken: the rest do not apply.
                    housing.queue.clear();
                    return Ok(());
                }
                Err(_) => housing.refused += 1,
            }
        }
        Ok(())
    }

    /// The round is allocated with the city's secret; the winners are the rule's. Each
    /// winner tops up its coins for the deposit, allows the leases the deposit and the
    /// whole lease's rent, and signs; the first loser cannot.
    fn allocate(&mut self, housing: &mut HousingLife) -> Result<()> {
        let city_name = self.profile.city;
        let round = housing.round;
        let seed = rule_seed(housing.secret, &housing.applications);
        let ranking = ranking(&seed, &housing.applications);
        let places = ranking.len().min(housing.flats.len());
        let allocated = self
            .city
            .leases(rent_office(city_name))
            .allocate(round, Some(housing.secret))
            .value;
        let (_, flats, winners) = self
            .city
            .leases(rent_office(city_name))
            .round(round)
            .value
            .ok_or_else(|| anyhow!("no round {round}"))?;
        self.tick();
        self.tick();
        check!(
            allocated == Ok(u32::try_from(places)?)
                && flats == housing.flats
                && winners == ranking[..places],
            "flats_are_allocated_by_the_rule",
            "the round of {} flats and {} applications was allocated {allocated:?}, to winners the rule does not give",
            housing.flats.len(),
            housing.applications.len()
        );
        let leases = contract_account(&self.city.leases);
        let total = housing.terms.rent * u128::from(housing.terms.periods);
        let start = GENESIS_TIME_MS + u64::from(housing.start_day) * DAY_MS;
        for (place, tenant) in winners.iter().enumerate() {
            self.top_up(housing, *tenant, housing.terms.deposit)?;
            self.city
                .token(*tenant)
                .approve(leases, housing.terms.deposit + total)
                .accepted()?;
            self.tick();
            let lease = self
                .city
                .leases(*tenant)
                .accept_flat(round)
                .accepted()
                .context("a winner signing")?;
            self.tick();
            self.expected
                .transfer(*tenant, leases, housing.terms.deposit)?;
            let by_hand = housing.rng.chance(housing.plan.by_hand_pct);
            housing.tenancies.push(Tenancy {
                lease,
                flat: housing.flats[place],
                tenant: *tenant,
                start,
                end: start + u64::from(housing.terms.periods) * housing.terms.period,
                by_hand,
                paid: 0,
            });
        }
        housing.waiting = ranking;
        if let Some(loser) = housing.waiting.get(places).copied() {
            let refused = self.city.leases(loser).accept_flat(round).value;
            self.tick();
            check!(
                refused == Err(LeaseError::NotAWinner),
                "a_property_has_one_tenant_at_a_time",
                "the first on the waiting list signing was answered {refused:?}"
            );
        }
        self.check_deposits(housing)
    }

    /// The treasury sells `tenant` what it lacks of `needed`.
    fn top_up(&mut self, housing: &mut HousingLife, tenant: AccountId, needed: u128) -> Result<()> {
        let held = self.expected.balance(tenant);
        if held >= needed {
            return Ok(());
        }
        let top_up = needed - held;
        self.city
            .token(ADMIN)
            .transfer(tenant, top_up)
            .accepted()
            .context("the treasury selling coins for rent")?;
        self.tick();
        self.expected.transfer(ADMIN.account(), tenant, top_up)?;
        housing.bought += top_up;
        Ok(())
    }

    /// A period starts: each tenant pays what it owes, by hand or through the rent office,
    /// unless it falls behind; then every lease is read against the harness's own.
    fn collect(&mut self, housing: &mut HousingLife, period: u32) -> Result<()> {
        let now = self.city.now_ms();
        let office = rent_office(self.profile.city);
        let payee = contract_account(&self.city.voting);
        let mut collected = 0;
        let mut tenancies = std::mem::take(&mut housing.tenancies);
        for tenancy in &mut tenancies {
            let behind = housing.rng.chance(housing.plan.behind_pct);
            let owed = housing.due(tenancy, now) - tenancy.paid;
            if owed == 0 {
                continue;
            }
            if !behind {
                self.top_up(housing, tenancy.tenant, owed)?;
            } else if tenancy.by_hand {
                continue;
            }
            let held = self.expected.balance(tenancy.tenant);
            let paid = if tenancy.by_hand {
                let answer = self
                    .city
                    .leases(tenancy.tenant)
                    .pay_rent(tenancy.lease, owed)
                    .value;
                check!(
                    answer.is_ok(),
                    "rent_follows_the_lease",
                    "a tenant paying its {owed} owed by hand on day {} was answered {answer:?}",
                    self.day
                );
                owed
            } else {
                let expected = if held >= owed {
                    Ok(owed)
                } else {
                    Err(LeaseError::TokenRefused(PSP22Error::InsufficientBalance))
                };
                let answer = self.city.leases(office).collect_rent(tenancy.lease).value;
                check!(
                    answer == expected,
                    "rent_follows_the_lease",
                    "the rent office collecting {owed} owed from a tenant holding {held} on day {} was answered {answer:?}, the lease gives {expected:?}",
                    self.day
                );
                answer.unwrap_or_default()
            };
            self.tick();
            if paid > 0 {
                self.expected.transfer(tenancy.tenant, payee, paid)?;
                tenancy.paid += paid;
                collected += paid;
            }
        }
        housing.tenancies = tenancies;
        let (mut arrears, mut behind) = (0, 0);
        for tenancy in housing.tenancies.clone() {
            let owed = housing.due(&tenancy, now) - tenancy.paid;
            arrears += owed;
            behind += u32::from(owed > 0);
            self.read_lease(housing, &tenancy, now)?;
        }
        let leases = u32::try_from(housing.tenancies.len())?;
        housing.periods.push(PeriodFigures {
            period: period + 1,
            day: self.day + 1,
            leases,
            due: housing.terms.rent * u128::from(leases),
            collected,
            arrears,
            behind,
        });
        self.check_deposits(housing)
    }

    /// A lease as the leases answer it: its terms, and its rent now, against the harness's.
    fn read_lease(&mut self, housing: &HousingLife, tenancy: &Tenancy, now: u64) -> Result<()> {
        let (lease, status) = self
            .city
            .leases(ADMIN)
            .lease(tenancy.lease)
            .value
            .ok_or_else(|| anyhow!("no lease {}", tenancy.lease))?;
        self.tick();
        let due = housing.due(tenancy, now);
        let total = housing.terms.rent * u128::from(housing.terms.periods);
        check!(
            (
                lease.property,
                lease.tenant,
                lease.payee,
                lease.start,
                lease.end,
                lease.terms
            ) == (
                tenancy.flat,
                tenancy.tenant,
                contract_account(&self.city.voting),
                tenancy.start,
                tenancy.end,
                housing.terms
            ),
            "rent_follows_the_lease",
            "lease {} is {lease:?}, not the one the harness signed",
            tenancy.lease
        );
        check!(
            (status.due, status.paid, status.arrears, status.total)
                == (due, tenancy.paid, due - tenancy.paid, total),
            "rent_follows_the_lease",
            "lease {} on day {} shows {status:?}; by its terms {due} is due of {total}, and {} was paid",
            tenancy.lease,
            self.day,
            tenancy.paid
        );
        Ok(())
    }

    /// Who holds `flat` at `time`, against the harness's record.
    fn ask_tenant(&mut self, housing: &HousingLife, flat: PropertyId, time: u64) -> Result<()> {
        let tenant = self.city.leases(ADMIN).tenant_of(flat, time).value;
        self.tick();
        let expected = housing.tenant_of(&flat, time);
        check!(
            tenant == expected,
            "a_property_has_one_tenant_at_a_time",
            "a flat at {time} is held by {tenant:?}, the harness's record says {expected:?}"
        );
        Ok(())
    }

    fn check_deposits(&mut self, housing: &HousingLife) -> Result<()> {
        let leases = contract_account(&self.city.leases);
        let held = self.city.balance(leases);
        self.tick();
        let deposits = housing.deposits();
        check!(
            held == deposits && self.expected.balance(leases) == deposits,
            "deposits_are_held_by_the_leases",
            "the leases hold {held} on day {}, the deposits of the {} leases signed are {deposits}",
            self.day,
            housing.tenancies.len()
        );
        Ok(())
    }

    /// At the end of the run: every flat is asked who holds it now, the first flat also
    /// just before and at its lease's end, and the deposits are checked; returns the accounts whose balances the end's check
    /// compares: the leases' and the rent's payee.
    pub(super) fn check_housing(&mut self) -> Result<Vec<AccountId>> {
        let Some(housing) = self.housing.take() else {
            return Ok(Vec::new());
        };
        let checked = self.end_of_housing(&housing);
        let holders = vec![
            contract_account(&self.city.leases),
            contract_account(&self.city.voting),
        ];
        self.housing = Some(housing);
        checked.map(|()| holders)
    }

    fn end_of_housing(&mut self, housing: &HousingLife) -> Result<()> {
        let now = self.city.now_ms();
        for flat in housing.flats.clone() {
            self.ask_tenant(housing, flat, now)?;
        }
        if let Some(first) = housing.tenancies.first() {
            self.ask_tenant(housing, first.flat, first.end - 1)?;
            self.ask_tenant(housing, first.flat, first.end)?;
        }
        self.check_deposits(housing)
    }
}
