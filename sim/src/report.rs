//! The report of a simulation run: a terminal table, per-message weights, SVG charts and
//! an `index.html` that shows them together. Only simulated figures go in (no wall-clock
//! time), so the same seed writes the same files.

use std::{collections::BTreeMap, fmt::Write as _, path::Path};

use anyhow::{Context, Result};

use crate::{
    charts::{bars, columns, escape, lines, Series},
    life::{coins, CharityFigures, Day, HousingFigures, PollFigures},
};
use harness::{city::COIN, table};

/// What one message's calls cost in a run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MessageCost {
    pub contract: String,
    pub message: String,
    pub calls: u64,
    pub ref_time: u128,
    pub proof_size: u128,
}

/// One city's run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CityReport {
    pub city: String,
    pub title: String,
    pub citizens: u32,
    pub days: u32,
    pub seed: u64,
    /// People by identity kind.
    pub population: Vec<(String, u32)>,
    /// Coins minted as rewards.
    pub earned: u128,
    /// Coins spent at the city's services.
    pub spent: u128,
    /// Coins people bought from the treasury to pay fees.
    pub bought: u128,
    /// Coins held in escrow at the end, and released from it.
    pub escrowed: u128,
    pub released: u128,
    /// Attestations refused because the person's identity had lapsed.
    pub refused_lapsed: u32,
    /// Coins minted by action kind.
    pub rewards: Vec<(String, u128)>,
    pub polls: Vec<PollFigures>,
    pub projects: u32,
    pub daily: Vec<Day>,
    /// The charity's campaign, per pot: gifts, payments and refunds (Seoul).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charity: Option<CharityFigures>,
    /// The round of flats and the rent of their leases, per period (Xiong'an).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housing: Option<HousingFigures>,
    pub messages: Vec<MessageCost>,
    /// The city's story: the scenario checks narrated.
    pub story: String,
}

impl CityReport {
    pub fn calls(&self) -> u64 {
        self.messages.iter().map(|m| m.calls).sum()
    }

    pub fn ref_time(&self) -> u128 {
        self.messages.iter().map(|m| m.ref_time).sum()
    }

    fn votes(&self) -> u32 {
        self.polls.iter().map(|poll| poll.voters).sum()
    }

    fn people(&self) -> u32 {
        self.population.iter().map(|(_, n)| n).sum()
    }
}

/// A whole run: one or more cities.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub cities: Vec<CityReport>,
}

fn as_coins(cents: u128) -> f64 {
    cents as f64 / COIN as f64
}

impl Report {
    pub fn calls(&self) -> u64 {
        self.cities.iter().map(CityReport::calls).sum()
    }

    /// Every message's calls across the cities, by contract and message.
    pub fn messages(&self) -> Vec<MessageCost> {
        let mut merged: BTreeMap<(String, String), MessageCost> = BTreeMap::new();
        for message in self.cities.iter().flat_map(|city| &city.messages) {
            let key = (message.contract.clone(), message.message.clone());
            let entry = merged.entry(key).or_insert_with(|| MessageCost {
                calls: 0,
                ref_time: 0,
                proof_size: 0,
                ..message.clone()
            });
            entry.calls += message.calls;
            entry.ref_time += message.ref_time;
            entry.proof_size += message.proof_size;
        }
        merged.into_values().collect()
    }

    /// The terminal report: stories, one row per city, polls, and weight per message.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for city in &self.cities {
            let _ = write!(text, "{}", city.story);
        }
        let mut cities = table(
            &[
                "city", "people", "days", "earned", "spent", "escrowed", "votes", "projects",
                "calls", "ref_time",
            ],
            1,
        );
        for city in &self.cities {
            cities.add_row([
                city.city.to_string(),
                city.people().to_string(),
                city.days.to_string(),
                coins(city.earned),
                coins(city.spent),
                coins(city.escrowed + city.released),
                city.votes().to_string(),
                city.projects.to_string(),
                city.calls().to_string(),
                format!("{:.3e}", city.ref_time() as f64),
            ]);
        }
        let _ = writeln!(text, "\n== The cities at scale ==\n{cities}");
        let _ = writeln!(text, "\npeople by kind, rewards by action, polls:");
        for city in &self.cities {
            let people: Vec<String> = city
                .population
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            let rewards: Vec<String> = city
                .rewards
                .iter()
                .map(|(action, paid)| format!("{action} {}", coins(*paid)))
                .collect();
            let _ = writeln!(
                text,
                "  {}: {}; {}",
                city.city,
                people.join(", "),
                rewards.join(", ")
            );
            if city.refused_lapsed > 0 {
                let _ = writeln!(
                    text,
                    "    {} attestations for lapsed identities refused",
                    city.refused_lapsed
                );
            }
            if city.bought > 0 {
                let _ = writeln!(
                    text,
                    "    {} coins bought from the treasury to pay fees",
                    coins(city.bought)
                );
            }
            for poll in &city.polls {
                let _ = writeln!(
                    text,
                    "    day {}: {} turnout {}/{} ({:.1}%): {}",
                    poll.day,
                    poll.question,
                    poll.voters,
                    poll.eligible,
                    turnout(poll),
                    poll.outcome
                );
            }
            if let Some(charity) = &city.charity {
                charity_text(&mut text, charity);
            }
            if let Some(housing) = &city.housing {
                housing_text(&mut text, housing);
            }
        }
        let mut weights = table(
            &[
                "contract",
                "message",
                "calls",
                "ref_time/call",
                "proof/call",
            ],
            2,
        );
        for message in self.messages() {
            let calls = u128::from(message.calls.max(1));
            weights.add_row([
                message.contract.clone(),
                message.message.clone(),
                message.calls.to_string(),
                (message.ref_time / calls).to_string(),
                (message.proof_size / calls).to_string(),
            ]);
        }
        let _ = writeln!(text, "\nweight per call:\n{weights}");
        text
    }

    /// Writes `report.txt`, `report.json`, the charts and `index.html` into `dir`;
    /// returns the chart files' names.
    ///
    /// # Errors
    /// If a file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<Vec<String>> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let write = |name: &str, contents: &str| {
            std::fs::write(dir.join(name), contents)
                .with_context(|| format!("writing {}", dir.join(name).display()))
        };
        let text = self.text();
        write("report.txt", &text)?;
        write("report.json", &serde_json::to_string_pretty(self)?)?;
        let mut charts = Vec::new();
        let mut html = format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>ink-city simulation</title>\n\
             <style>body{{font-family:sans-serif;max-width:1340px;margin:auto}}\
             img{{margin:4px;border:1px solid #ddd}}pre{{background:#f6f6f6;padding:8px;overflow-x:auto}}</style>\n\
             </head><body>\n<h1>ink-city simulation</h1>\n<p>{}</p>\n",
            escape(&self.cities.iter().map(|c| c.title.as_str()).collect::<Vec<_>>().join(" · "))
        );
        for city in &self.cities {
            let _ = writeln!(
                html,
                "<h2>{}</h2>\n<p>{} people, {} days, seed {}</p>",
                escape(&city.title),
                city.people(),
                city.days,
                city.seed
            );
            for (name, svg) in city_charts(city) {
                let file = format!("{}-{name}.svg", city.city);
                write(&file, &svg)?;
                let _ = writeln!(html, "<img src=\"{file}\" alt=\"{file}\">");
                charts.push(file);
            }
            let _ = writeln!(html, "<pre>{}</pre>", escape(city.story.trim()));
        }
        let _ = writeln!(
            html,
            "<h2>Figures</h2>\n<pre>{}</pre>\n</body></html>",
            escape(&text)
        );
        write("index.html", &html)?;
        Ok(charts)
    }
}

/// The campaign's pots: donations against disbursements and refunds.
fn charity_text(text: &mut String, charity: &CharityFigures) {
    let refused: Vec<String> = charity
        .refused
        .iter()
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    let deadline = match charity.deadline_day {
        0 => "the deadline after the run".to_string(),
        day => format!("the deadline on day {day}, {} refunds", charity.refunds),
    };
    let _ = writeln!(
        text,
        "    charity: {} donors; {deadline}; invoices refused: {}",
        charity.donors,
        if refused.is_empty() {
            "none".to_string()
        } else {
            refused.join(", ")
        }
    );
    let mut pots = table(
        &[
            "pot",
            "target",
            "gifts",
            "given",
            "payments",
            "disbursed",
            "refunded",
            "held",
        ],
        1,
    );
    for pot in &charity.pots {
        pots.add_row([
            pot.pot.clone(),
            if pot.target == 0 {
                "-".to_string()
            } else {
                coins(pot.target)
            },
            pot.gifts.to_string(),
            coins(pot.given),
            pot.payments.to_string(),
            coins(pot.disbursed),
            coins(pot.refunded),
            coins(pot.held),
        ]);
    }
    let _ = writeln!(text, "{pots}");
}

/// The leases' rent per period: what fell due, what was collected and what is owed.
fn housing_text(text: &mut String, housing: &HousingFigures) {
    let _ = writeln!(
        text,
        "    housing: {} flats, {} applications taken ({} refused), {} leases of {} rent per {} days \
         and {} deposit ({} held by the leases); {} coins bought from the treasury",
        housing.flats,
        housing.applicants,
        housing.refused,
        housing.leases,
        coins(housing.rent),
        housing.period_days,
        coins(housing.deposit),
        coins(housing.deposits),
        coins(housing.bought)
    );
    let mut periods = table(
        &[
            "period",
            "day",
            "leases",
            "due",
            "collected",
            "arrears",
            "behind",
        ],
        0,
    );
    for period in &housing.periods {
        periods.add_row([
            period.period.to_string(),
            period.day.to_string(),
            period.leases.to_string(),
            coins(period.due),
            coins(period.collected),
            coins(period.arrears),
            period.behind.to_string(),
        ]);
    }
    let _ = writeln!(text, "{periods}");
}

fn turnout(poll: &PollFigures) -> f64 {
    f64::from(poll.voters) * 100.0 / f64::from(poll.eligible.max(1))
}

/// The charts of one city, by short name.
fn city_charts(city: &CityReport) -> Vec<(&'static str, String)> {
    let series = |name, value: fn(&Day) -> u128| Series {
        name,
        values: city.daily.iter().map(|d| as_coins(value(d))).collect(),
    };
    let mut charts = vec![
        (
            "supply",
            lines(
                &format!(
                    "{}: token supply and circulation (treasury aside)",
                    city.city
                ),
                "coins",
                &[
                    series("supply", |d| d.supply - d.treasury),
                    series("circulating", |d| d.circulating),
                    series("in escrow", |d| d.escrowed),
                ],
            ),
        ),
        (
            "flows",
            lines(
                &format!("{}: coins earned and spent per day", city.city),
                "coins",
                &[series("earned", |d| d.minted), series("spent", |d| d.spent)],
            ),
        ),
        (
            "rewards",
            bars(
                &format!("{}: rewards by action", city.city),
                "coins",
                &city
                    .rewards
                    .iter()
                    .map(|(action, paid)| (action.clone(), as_coins(*paid)))
                    .collect::<Vec<_>>(),
            ),
        ),
    ];
    if city.projects > 0 {
        charts.push((
            "escrow",
            lines(
                &format!("{}: escrow funds by state", city.city),
                "coins",
                &[
                    series("held", |d| d.escrowed),
                    series("released", |d| d.released),
                    series("refunded", |d| d.refunded),
                ],
            ),
        ));
    }
    if let Some(charity) = &city.charity {
        let pot = |name, value: fn(&crate::life::PotFigures) -> u128| Series {
            name,
            values: charity.pots.iter().map(|p| as_coins(value(p))).collect(),
        };
        charts.push((
            "charity",
            columns(
                &format!("{}: donations against disbursements by earmark", city.city),
                "coins",
                &charity
                    .pots
                    .iter()
                    .map(|p| p.pot.clone())
                    .collect::<Vec<_>>(),
                &[
                    pot("given", |p| p.given),
                    pot("disbursed", |p| p.disbursed),
                    pot("refunded", |p| p.refunded),
                    pot("held", |p| p.held),
                ],
            ),
        ));
    }
    if let Some(housing) = &city.housing {
        let period = |name, value: fn(&crate::life::PeriodFigures) -> u128| Series {
            name,
            values: housing.periods.iter().map(|p| as_coins(value(p))).collect(),
        };
        charts.push((
            "rent",
            columns(
                &format!("{}: rent collected and arrears", city.city),
                "coins",
                &housing
                    .periods
                    .iter()
                    .map(|p| format!("day {}", p.day))
                    .collect::<Vec<_>>(),
                &[
                    period("due", |p| p.due),
                    period("collected", |p| p.collected),
                    period("arrears", |p| p.arrears),
                ],
            ),
        ));
    }
    if !city.polls.is_empty() {
        let polls: Vec<(String, f64)> = city
            .polls
            .iter()
            .map(|poll| (format!("day {}", poll.day), turnout(poll)))
            .collect();
        charts.push((
            "turnout",
            bars(&format!("{}: vote turnout", city.city), "%", &polls),
        ));
    }
    charts
}
