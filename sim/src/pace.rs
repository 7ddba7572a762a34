//! How fast a run went, and the README's table of runs (`city simulate --readme`).
//!
//! A rate in calls per second says as much about the machine, and whoever else uses its
//! cores, as about the suite. So each run also measures the floor (`contracts/floor`, one
//! storage write) before and after itself, on its own CPU clock, and its figure to compare
//! is its rate as a share of the floor's. The README keeps one row per run, written by the
//! run, and says how the pace per call changes as a city grows, from the rows' shares.

use anyhow::{anyhow, Result};
use harness::readme::{thousands, Section};

/// The README's table of runs.
pub const README: Section = Section {
    begin: "<!-- city simulate --readme: from here to the end mark -->",
    end: "<!-- city simulate --readme: end -->",
};

const HEADER: &str = "| run | calls | time | calls/s | per CPU-second | share of the floor's |\n\
                      |---|---:|---:|---:|---:|---:|\n";

/// The flag that sets a city's size; a row with it is compared with the row without it.
const CITIZENS_FLAG: &str = " --citizens ";

/// How fast a run went on this machine: clock figures, kept out of the
/// [`Report`](crate::Report) so that a seed writes the same files.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Contract calls, the stories' included.
    pub calls: u64,
    /// Wall-clock seconds from the first city's start to the last one's end.
    pub seconds: f64,
    /// The CPU time of each city's thread, from its story's start to its last check,
    /// added up.
    pub cpu_seconds: f64,
    /// The cities that ran at once, one per core.
    pub workers: usize,
    /// The floor's calls per second of CPU time, the mean of its rates just before and
    /// just after the run.
    pub floor_calls_per_cpu_second: f64,
}

impl Pace {
    /// Calls per second of wall time, all workers together.
    pub fn calls_per_second(&self) -> f64 {
        self.calls as f64 / self.seconds
    }

    /// Calls per second of CPU time: what a core makes while it runs a city.
    pub fn calls_per_cpu_second(&self) -> f64 {
        self.calls as f64 / self.cpu_seconds
    }

    /// The cities' calls per second of CPU time over the floor's.
    pub fn ratio_to_floor(&self) -> f64 {
        self.calls_per_cpu_second() / self.floor_calls_per_cpu_second
    }

    /// The pace in words, for the end of a run.
    pub fn text(&self, cities: usize) -> String {
        format!(
            "{cities} cities, {} contract calls in {} on {} workers: {:.0} calls/s\n\
             per second of CPU time {:.0} calls/s, {:.2}% of the floor's {:.0} (one storage \
             write, measured before and after the run)",
            self.calls,
            duration(self.seconds),
            self.workers,
            self.calls_per_second(),
            self.calls_per_cpu_second(),
            100.0 * self.ratio_to_floor(),
            self.floor_calls_per_cpu_second,
        )
    }

    /// The README's row for this pace, the run named `run` (its command line).
    pub fn row(&self, run: &str) -> String {
        format!(
            "| `{run}` | {} | {} | {:.0} | {:.0} | {:.2}% |\n",
            thousands(self.calls),
            duration(self.seconds),
            self.calls_per_second(),
            self.calls_per_cpu_second(),
            100.0 * self.ratio_to_floor(),
        )
    }

    /// `readme` with this pace as the row of `run` in [`README`]'s table (in place of the
    /// row `run` had, or added at its end), and the comparisons of sizes written again.
    ///
    /// # Errors
    /// If `readme` lacks the marks or a row of its table cannot be read.
    pub fn into_readme(&self, readme: &str, run: &str) -> Result<String> {
        let mut rows: Vec<(String, String)> = README
            .body(readme)?
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| Ok((label(line)?.to_owned(), format!("{line}\n"))))
            .collect::<Result<_>>()?;
        let row = self.row(run);
        match rows.iter_mut().find(|(label, _)| label == run) {
            Some(old) => old.1 = row,
            None => rows.push((run.to_owned(), row)),
        }
        let mut body = String::from(HEADER);
        for (_, row) in &rows {
            body.push_str(row);
        }
        body.push('\n');
        for (label, row) in &rows {
            let Some(base) = label.split(CITIZENS_FLAG).next().filter(|b| b != label) else {
                continue;
            };
            let Some((_, base_row)) = rows.iter().find(|(other, _)| other == base) else {
                continue;
            };
            body.push_str(&format!(
                "`{label}` runs at {:.2}x the pace per call of `{base}` (each run's share of \
                 the floor's rate, measured in that run).\n",
                share(row)? / share(base_row)?
            ));
        }
        README.replace(readme, &body)
    }
}

/// A run's wall time as the README writes it: seconds, or minutes and seconds.
fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

/// The run a row of the table names, between its first backticks.
fn label(row: &str) -> Result<&str> {
    row.split('`')
        .nth(1)
        .ok_or_else(|| anyhow!("a row of the simulator's table names no run: {row}"))
}

/// A row's share of the floor's rate, its last cell.
fn share(row: &str) -> Result<f64> {
    row.trim_end()
        .trim_end_matches('|')
        .rsplit('|')
        .next()
        .and_then(|cell| cell.trim().trim_end_matches('%').parse().ok())
        .ok_or_else(|| anyhow!("a row of the simulator's table has no share: {row}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pace(calls: u64, floor: f64) -> Pace {
        Pace {
            calls,
            seconds: 90.0,
            cpu_seconds: 150.0,
            workers: 2,
            floor_calls_per_cpu_second: floor,
        }
    }

    fn readme() -> String {
        format!("intro\n{}\nold\n{}\nafter\n", README.begin, README.end)
    }

    #[test]
    fn a_run_writes_its_row_and_keeps_the_others() {
        let small = pace(30_000, 8_000.0);
        let big = pace(24_000, 8_000.0);
        let once = small
            .into_readme(&readme(), "simulate all --seed 3")
            .unwrap();
        assert!(
            once.contains("| `simulate all --seed 3` | 30,000 | 1 min 30 s | 333 | 200 | 2.50% |")
        );
        assert!(once.starts_with(&format!("intro\n{}\n", README.begin)));
        assert!(once.ends_with(&format!("{}\nafter\n", README.end)));
        let both = big
            .into_readme(&once, "simulate all --seed 3 --citizens 10000")
            .unwrap();
        assert!(
            both.contains("| `simulate all --seed 3` | 30,000 |"),
            "kept"
        );
        assert!(both.contains("| `simulate all --seed 3 --citizens 10000` | 24,000 |"));
        assert!(
            both.contains("`simulate all --seed 3 --citizens 10000` runs at 0.80x the pace"),
            "{both}"
        );
        // Written again, a run replaces its own row: the table is a fixed point.
        let again = big
            .into_readme(&both, "simulate all --seed 3 --citizens 10000")
            .unwrap();
        assert_eq!(again, both);
        let faster = pace(30_000, 6_000.0)
            .into_readme(&both, "simulate all --seed 3")
            .unwrap();
        assert!(faster.contains("runs at 0.60x the pace"), "{faster}");
        assert!(small.into_readme("no marks", "simulate all").is_err());
    }

    #[test]
    fn durations_read_as_the_readme_writes_them() {
        assert_eq!(duration(30.46), "30.5 s");
        assert_eq!(duration(2161.2), "36 min 1 s");
    }
}
