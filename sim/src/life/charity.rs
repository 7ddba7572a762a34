//! A charity's campaign at scale (Seoul): a registered charity opens a campaign with
//! earmarks on the first day; each day some people give a share of their coins to an
//! earmark or to the campaign as a whole; the charity's providers invoice it and are paid
//! against the invoices' hashes, each from its earmark or from the whole; after the
//! deadline every donor claims back its share of what was not spent, and a donor of each
//! pot traces its gift.
//!
//! The harness keeps its own books of every pot, written from the README's rules (the
//! charity's crate docs): a gift adds to its pot, an earmark takes no more than its target,
//! a payment needs what the pot holds, room for another payment and the recipient within
//! the approval threshold; a refund is the donor's gift × (given − disbursed) ÷ given,
//! rounded down, the pot's last claimant taking what is left; a donor's share of a payment
//! is its amount × the donor's gift ÷ given, rounded down. It compares them with what the
//! charity answers.

use std::collections::BTreeMap;

use anyhow::{anyhow, ensure, Context, Result};
use city_traits::{
    AtEnd, CampaignId, CampaignPlan, CharityError, CivicRole, EarmarkPlan, IdentityKind, Pot, Role,
    MAX_DISBURSEMENTS, WHOLE,
};
use harness::{
    city::{contract_account, crowd_member, numbered_id, ADMIN, GENESIS_TIME_MS, REWARD_EPOCH_MS},
    merkle::entry_digest,
};
use ink::primitives::AccountId;

use super::{fnv, Life, Rng};

/// An earmark of the campaign.
#[derive(Debug, Clone, Copy)]
pub struct Earmark {
    /// What it is for (its purpose is the hash of the name), and its name in the report.
    pub name: &'static str,
    /// Its target, per person of the city: the campaign scales with the city.
    pub target_per_person: u128,
    /// How often a donor who gives to an earmark chooses this one, relative to the others.
    pub weight: u32,
}

/// A provider the charity pays against invoices: a live identity of the registry, a
/// recipient of the campaign and, under the civic policy, a service provider of the token.
#[derive(Debug, Clone, Copy)]
pub struct Provider {
    /// Crowd name: the provider is [`crowd_member`]`(name, 0)`.
    pub name: &'static str,
    /// The earmark that pays its invoices (its place in the campaign's earmarks, from 1),
    /// unless the whole does.
    pub earmark: Pot,
}

/// A charity's campaign at scale: opened on the first day, given to until its deadline,
/// refunded after it.
#[derive(Debug, Clone, Copy)]
pub struct Charity {
    /// Crowd name of the registered charity that organises the campaign.
    pub organiser: &'static str,
    /// The identity kind of the charity and of its providers: one that no poll of the city
    /// counts, so that the electorates stay the people's.
    pub kind: IdentityKind,
    pub earmarks: &'static [Earmark],
    /// The deadline, at the start of the day this percent of the run in (at least day 1):
    /// gifts and payments stop, and every donor claims its refund that day.
    pub deadline_pct: u32,
    /// What the charity pays one recipient in all without governance's approval (at most
    /// the charity's `max_threshold`).
    pub threshold: u128,
    /// Chance, in percent, that a person gives on a day before the deadline...
    pub daily_pct: u32,
    /// ...this percent of its coins (uniform in the range, inclusive; at least a coin)...
    pub gift_pct: (u128, u128),
    /// ...to the campaign as a whole with this chance, in percent, or to an earmark (to the
    /// whole if the gift would take the earmark beyond its target).
    pub whole_pct: u32,
    pub providers: &'static [Provider],
    /// Chance, in percent, that a provider invoices on a day before the deadline...
    pub invoice_pct: u32,
    /// ...for this many thousandths of its earmark's target (uniform, inclusive)...
    pub invoice_permille: (u128, u128),
    /// ...paid from the whole with this chance, in percent, or from its earmark.
    pub from_whole_pct: u32,
}

/// One pot at the end of the run, as the harness's books have it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PotFigures {
    /// `whole`, or the earmark's name.
    pub pot: String,
    /// The earmark's target (zero: the whole, no limit).
    pub target: u128,
    pub gifts: u32,
    pub given: u128,
    pub payments: u32,
    pub disbursed: u128,
    pub refunded: u128,
    pub held: u128,
}

/// The campaign at the end of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CharityFigures {
    /// The day of the deadline (counted from 1, as the report's days), if the run reached
    /// it.
    pub deadline_day: u32,
    pub donors: u32,
    pub pots: Vec<PotFigures>,
    /// Invoices refused, by the charity's reason.
    pub refused: Vec<(String, u32)>,
    pub refunds: u32,
}

/// A payment from a pot, as the harness made it.
#[derive(Debug, Clone, Copy)]
struct Paid {
    recipient: AccountId,
    amount: u128,
    evidence: [u8; 32],
}

/// The harness's books of one pot.
#[derive(Debug, Clone, Default)]
struct Books {
    target: u128,
    gifts: u32,
    given: u128,
    paid: Vec<Paid>,
    disbursed: u128,
    refunded: u128,
    /// The gifts of the donors who claimed their refund.
    refunded_gifts: u128,
}

impl Books {
    fn held(&self) -> u128 {
        self.given - self.disbursed - self.refunded
    }
}

/// The campaign as it runs, and the harness's books of it.
pub(super) struct CharityLife {
    plan: Charity,
    /// A stream of its own, so that the city's other choices stay those of a run without it.
    rng: Rng,
    campaign: Option<CampaignId>,
    /// The deadline's day, counted from 0: the first day without gifts.
    deadline_day: u32,
    days: u32,
    /// Per pot (the whole first, then the earmarks).
    books: Vec<Books>,
    /// Each donor's gift to each pot, and its refund once claimed.
    gifts: BTreeMap<(Pot, AccountId), u128>,
    refunds: BTreeMap<(Pot, AccountId), u128>,
    /// What the campaign paid each recipient in all.
    paid: BTreeMap<AccountId, u128>,
    invoices: u32,
    refused: BTreeMap<String, u32>,
}

impl CharityLife {
    pub(super) fn figures(&self) -> CharityFigures {
        let name = |pot: usize| {
            if pot == usize::from(WHOLE) {
                "whole".to_string()
            } else {
                self.plan.earmarks[pot - 1].name.to_string()
            }
        };
        let donors: std::collections::BTreeSet<&AccountId> =
            self.gifts.keys().map(|(_, donor)| donor).collect();
        CharityFigures {
            deadline_day: if self.deadline_day < self.days {
                self.deadline_day + 1
            } else {
                0
            },
            donors: u32::try_from(donors.len()).unwrap_or(u32::MAX),
            pots: self
                .books
                .iter()
                .enumerate()
                .map(|(pot, books)| PotFigures {
                    pot: name(pot),
                    target: books.target,
                    gifts: books.gifts,
                    given: books.given,
                    payments: u32::try_from(books.paid.len()).unwrap_or(u32::MAX),
                    disbursed: books.disbursed,
                    refunded: books.refunded,
                    held: books.held(),
                })
                .collect(),
            refused: self.refused.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            refunds: u32::try_from(self.refunds.len()).unwrap_or(u32::MAX),
        }
    }
}

fn organiser(plan: &Charity) -> AccountId {
    crowd_member(plan.organiser, 0)
}

fn provider(provider: &Provider) -> AccountId {
    crowd_member(provider.name, 0)
}

impl Life<'_> {
    /// The charity and its providers: live identities of the registry (the charity with
    /// the registry's service-provider role, which makes it a registered charity), and,
    /// under the civic policy, the token's service providers with the charity's contract.
    pub(super) fn settle_charity(&mut self, plan: Charity) -> Result<()> {
        ensure!(
            !self
                .profile
                .polls
                .iter()
                .any(|poll| poll.kinds.contains(&plan.kind)),
            "the charity's kind {:?} would join a poll's electorate",
            plan.kind
        );
        let organiser = organiser(&plan);
        let providers: Vec<AccountId> = plan.providers.iter().map(provider).collect();
        let city = &mut self.city;
        for (n, account) in (0u32..).zip(std::iter::once(organiser).chain(providers.clone())) {
            city.registry(ADMIN)
                .register(account, plan.kind, numbered_id(0xc4, n), u64::MAX)
                .accepted()?;
        }
        city.grant_civic_role(CivicRole::ServiceProvider, [organiser])?;
        let charity = contract_account(&city.charity);
        for account in std::iter::once(charity).chain(providers) {
            city.token(ADMIN)
                .grant_role(Role::ServiceProvider, account)
                .accepted()?;
        }
        let days = self.run_days;
        self.charity = Some(CharityLife {
            plan,
            rng: Rng::new(self.rng_seed ^ fnv("charity")),
            campaign: None,
            deadline_day: (days * plan.deadline_pct / 100).max(1),
            days,
            books: Vec::new(),
            gifts: BTreeMap::new(),
            refunds: BTreeMap::new(),
            paid: BTreeMap::new(),
            invoices: 0,
            refused: BTreeMap::new(),
        });
        Ok(())
    }

    /// The campaign's day: it opens on the first; people give and providers are paid
    /// before the deadline; on the deadline's day every donor claims its refund; the
    /// books are checked at each day's end until then.
    pub(super) fn charity(&mut self) -> Result<()> {
        let Some(mut charity) = self.charity.take() else {
            return Ok(());
        };
        let done = self.charity_day(&mut charity);
        self.charity = Some(charity);
        done
    }

    fn charity_day(&mut self, charity: &mut CharityLife) -> Result<()> {
        if self.day == 0 {
            self.open_campaign(charity)?;
        }
        let Some(campaign) = charity.campaign else {
            return Ok(());
        };
        if self.day < charity.deadline_day {
            self.give(charity, campaign)?;
            self.invoice(charity, campaign)?;
        } else if self.day == charity.deadline_day {
            self.refund(charity, campaign)?;
            self.trace(charity, campaign)?;
        } else {
            return Ok(());
        }
        self.check_books(charity, campaign)
    }

    fn open_campaign(&mut self, charity: &mut CharityLife) -> Result<()> {
        let plan = charity.plan;
        let people = u128::try_from(self.people.len())?;
        let earmarks: Vec<EarmarkPlan> = plan
            .earmarks
            .iter()
            .map(|earmark| EarmarkPlan {
                purpose: entry_digest(earmark.name.as_bytes()),
                target: (earmark.target_per_person * people).max(1),
            })
            .collect();
        charity.books = std::iter::once(Books::default())
            .chain(earmarks.iter().map(|earmark| Books {
                target: earmark.target,
                ..Books::default()
            }))
            .collect();
        let campaign_plan = CampaignPlan {
            cause: entry_digest(format!("{} campaign", plan.organiser).as_bytes()),
            earmarks,
            deadline: GENESIS_TIME_MS + u64::from(charity.deadline_day) * REWARD_EPOCH_MS,
            approval_threshold: plan.threshold,
            at_end: AtEnd::Refund,
        };
        let organiser = organiser(&plan);
        let campaign = self
            .city
            .charity(organiser)
            .open_campaign(&campaign_plan)
            .accepted()
            .context("opening the campaign")?;
        self.tick();
        for recipient in plan.providers {
            self.city
                .charity(organiser)
                .add_recipient(campaign, provider(recipient))
                .accepted()
                .with_context(|| format!("adding {}", recipient.name))?;
            self.tick();
        }
        charity.campaign = Some(campaign);
        Ok(())
    }

    /// Some people give a share of their coins: each approves the charity its gift and
    /// gives it to a pot; the gift's receipt is its number in the campaign.
    fn give(&mut self, charity: &mut CharityLife, campaign: CampaignId) -> Result<()> {
        let plan = charity.plan;
        let weights: Vec<u32> = plan.earmarks.iter().map(|e| e.weight).collect();
        let contract = contract_account(&self.city.charity);
        for n in 0..self.people.len() {
            if !charity.rng.chance(plan.daily_pct) {
                continue;
            }
            let share = charity.rng.between(plan.gift_pct);
            let whole = charity.rng.chance(plan.whole_pct);
            let earmark = charity.rng.weighted(&weights) + 1;
            let donor = self.people[n].account;
            let amount = self.expected.balance(donor) * share / 100;
            if amount < harness::city::COIN {
                continue;
            }
            let books = &charity.books[earmark];
            let pot = if whole || books.given + amount > books.target {
                WHOLE
            } else {
                Pot::try_from(earmark)?
            };
            self.city
                .token(donor)
                .approve(contract, amount)
                .accepted()
                .context("a donor's approval")?;
            self.tick();
            let receipt = self.city.charity(donor).give(campaign, pot, amount).value;
            self.tick();
            let count: u32 = charity.books.iter().map(|b| b.gifts).sum();
            check!(
                receipt == Ok(u64::from(count)),
                "donations_are_held_or_paid_out",
                "gift {count} of {amount} to pot {pot} on day {} was answered {receipt:?}",
                self.day
            );
            self.expected.transfer(donor, contract, amount)?;
            let books = &mut charity.books[usize::from(pot)];
            books.gifts += 1;
            books.given += amount;
            *charity.gifts.entry((pot, donor)).or_default() += amount;
        }
        Ok(())
    }

    /// Each provider may invoice: the charity pays it from its earmark or the whole,
    /// against the invoice's hash. The harness says beforehand whether the charity must pay
    /// or refuse, and why.
    fn invoice(&mut self, charity: &mut CharityLife, campaign: CampaignId) -> Result<()> {
        let plan = charity.plan;
        let contract = contract_account(&self.city.charity);
        for recipient in plan.providers {
            if !charity.rng.chance(plan.invoice_pct) {
                continue;
            }
            let target = charity.books[usize::from(recipient.earmark)].target;
            let amount = (target * charity.rng.between(plan.invoice_permille) / 1_000).max(1);
            let pot = if charity.rng.chance(plan.from_whole_pct) {
                WHOLE
            } else {
                recipient.earmark
            };
            let account = provider(recipient);
            charity.invoices += 1;
            let evidence =
                entry_digest(format!("{} invoice {}", plan.organiser, charity.invoices).as_bytes());
            let books = &charity.books[usize::from(pot)];
            let paid_before = charity.paid.get(&account).copied().unwrap_or_default();
            let expected = if amount > books.held() {
                Err(CharityError::NotEnoughInPot)
            } else if books.paid.len() >= MAX_DISBURSEMENTS as usize {
                Err(CharityError::TooManyDisbursements)
            } else if paid_before + amount > plan.threshold {
                Err(CharityError::NeedsApproval)
            } else {
                Ok(u32::try_from(books.paid.len())?)
            };
            let answer = self
                .city
                .charity(organiser(&plan))
                .disburse(campaign, pot, account, amount, evidence)
                .value;
            self.tick();
            check!(
                answer == expected,
                "disbursements_keep_to_the_rules",
                "an invoice of {amount} to {} from pot {pot} (holding {}, {paid_before} paid to it) on day {} was answered {answer:?}, the rules give {expected:?}",
                recipient.name,
                books.held(),
                self.day
            );
            match answer {
                Ok(_) => {
                    self.expected.transfer(contract, account, amount)?;
                    *charity.paid.entry(account).or_default() += amount;
                    let books = &mut charity.books[usize::from(pot)];
                    books.disbursed += amount;
                    books.paid.push(Paid {
                        recipient: account,
                        amount,
                        evidence,
                    });
                }
                Err(reason) => *charity.refused.entry(format!("{reason:?}")).or_default() += 1,
            }
        }
        Ok(())
    }

    /// After the deadline every donor claims its refund of each pot it gave to, in the
    /// order of the pots and the donors' accounts.
    fn refund(&mut self, charity: &mut CharityLife, campaign: CampaignId) -> Result<()> {
        let contract = contract_account(&self.city.charity);
        let gifts: Vec<((Pot, AccountId), u128)> =
            charity.gifts.iter().map(|(k, v)| (*k, *v)).collect();
        for ((pot, donor), gift) in gifts {
            let books = &charity.books[usize::from(pot)];
            let due = if books.refunded_gifts + gift >= books.given {
                books.held()
            } else {
                let unspent = books.given - books.disbursed;
                gift.checked_mul(unspent)
                    .context("the simulated gifts are small")?
                    / books.given
            };
            let refund = self.city.charity(donor).claim_refund(campaign, pot).value;
            self.tick();
            check!(
                refund == Ok(due),
                "refunds_are_pro_rata",
                "a donor of {gift} to pot {pot} (given {}, disbursed {}, {} refunded) was refunded {refund:?}, its share is {due}",
                books.given,
                books.disbursed,
                books.refunded
            );
            self.expected.transfer(contract, donor, due)?;
            let books = &mut charity.books[usize::from(pot)];
            books.refunded += due;
            books.refunded_gifts += gift;
            charity.refunds.insert((pot, donor), due);
        }
        Ok(())
    }

    /// A donor of each pot, drawn, traces its gift: its share of each payment from the pot
    /// and its refund.
    fn trace(&mut self, charity: &mut CharityLife, campaign: CampaignId) -> Result<()> {
        for pot in 0..charity.books.len() {
            let pot = Pot::try_from(pot)?;
            let donors: Vec<(AccountId, u128)> = charity
                .gifts
                .iter()
                .filter(|((of, _), _)| *of == pot)
                .map(|((_, donor), gift)| (*donor, *gift))
                .collect();
            if donors.is_empty() {
                continue;
            }
            let (donor, gift) = donors[charity.rng.next_u64() as usize % donors.len()];
            let books = &charity.books[usize::from(pot)];
            let trace = self
                .city
                .charity(donor)
                .trace(campaign, pot, donor)
                .value
                .ok_or_else(|| anyhow!("no trace of pot {pot}"))?;
            self.tick();
            let shares: Vec<(AccountId, u128, [u8; 32])> = books
                .paid
                .iter()
                .map(|paid| {
                    (
                        paid.recipient,
                        paid.amount * gift / books.given,
                        paid.evidence,
                    )
                })
                .collect();
            let traced: Vec<(AccountId, u128, [u8; 32])> = trace
                .disbursed
                .iter()
                .map(|paid| (paid.recipient, paid.amount, paid.evidence))
                .collect();
            let refunded = charity.refunds.get(&(pot, donor)).copied();
            check!(
                trace.given == gift
                    && traced == shares
                    && Some(trace.refunded) == refunded
                    && trace.refundable == 0
                    && trace.rolled.is_empty(),
                "gifts_are_traced_pro_rata",
                "a donor of {gift} to pot {pot} traces {trace:?}; its shares are {shares:?} and its refund {refunded:?}"
            );
        }
        Ok(())
    }

    /// Every pot's books against the charity's, and the charity's coins against its pots.
    fn check_books(&mut self, charity: &CharityLife, campaign: CampaignId) -> Result<()> {
        let mut held = 0;
        for (pot, books) in charity.books.iter().enumerate() {
            let account = self
                .city
                .charity(ADMIN)
                .pot(campaign, Pot::try_from(pot)?)
                .value
                .ok_or_else(|| anyhow!("no pot {pot}"))?;
            self.tick();
            check!(
                (
                    account.target,
                    account.given,
                    account.disbursed,
                    account.refunded,
                    account.held(),
                    account.disbursements as usize
                ) == (
                    books.target,
                    books.given,
                    books.disbursed,
                    books.refunded,
                    books.held(),
                    books.paid.len()
                ) && account.rolled_in + account.rolled_out == 0,
                "donations_are_held_or_paid_out",
                "pot {pot} on day {} is {account:?}; the harness gave {}, paid {} in {} payments and refunded {}",
                self.day,
                books.given,
                books.disbursed,
                books.paid.len(),
                books.refunded
            );
            held += books.held();
        }
        let contract = contract_account(&self.city.charity);
        let balance = self.city.balance(contract);
        self.tick();
        let expected = self.expected.balance(contract);
        check!(
            balance == held && expected == held,
            "donations_are_held_or_paid_out",
            "the charity holds {balance} on day {}, its pots {held}, the harness's ledger {expected}",
            self.day
        );
        Ok(())
    }

    /// The books at the end of the run; returns the accounts whose balances the end's
    /// check compares: the charity's contract, the charity and its providers.
    pub(super) fn check_charity(&mut self) -> Result<Vec<AccountId>> {
        let Some(charity) = self.charity.take() else {
            return Ok(Vec::new());
        };
        let checked = match charity.campaign {
            Some(campaign) => self.check_books(&charity, campaign),
            None => Ok(()),
        };
        let mut holders = vec![
            contract_account(&self.city.charity),
            organiser(&charity.plan),
        ];
        holders.extend(charity.plan.providers.iter().map(provider));
        self.charity = Some(charity);
        checked.map(|()| holders)
    }
}
