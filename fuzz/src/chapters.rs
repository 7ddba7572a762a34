//! The charity's and the leases' chapters of a campaign: each its own proptest state
//! machine on the real Wasm ([`crate::charity`], [`crate::leases`]), with its own city
//! restored from a snapshot for every case, random sequences of its messages by its own
//! cast, and its named invariants checked after every step. Their models record what the
//! accepted calls did, from the README and the crate docs; the invariants are outcomes
//! read off the chain (a property never has two tenants at one time; every deposit and
//! every gift is paid out, refunded or still claimable; no coin leaves a campaign but to
//! its recipient or a donor). They play after the suite's cases, one chapter per worker,
//! and a violation names its invariant and prints the shortest sequence proptest found.
//! Failing cases are kept as proptest's seeds in `fuzz/regressions/<chapter>.txt`, which
//! every campaign given the folder replays first.

use std::{
    any::Any,
    cell::Cell,
    fmt::Debug,
    panic::{catch_unwind, AssertUnwindSafe},
    path::Path,
    sync::Once,
};

use proptest::{
    strategy::Strategy,
    test_runner::{Config, FileFailurePersistence, RngAlgorithm, TestError, TestRng, TestRunner},
};

use harness::{yardstick, City};

/// Runs the invariant `name` with its arguments, an assertion; a failure is prefixed with
/// its name.
macro_rules! invariant {
    ($name:ident, $($argument:expr),* $(,)?) => {
        $crate::chapters::named(stringify!($name), || $name($($argument),*))
    };
}
pub(crate) use invariant;

/// Runs `check`; if it panics, panics again with its message prefixed by `invariant
/// `name``.
pub(crate) fn named<T>(name: &str, check: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(check))
        .unwrap_or_else(|payload| panic!("invariant `{name}`: {}", message(payload.as_ref())))
}

/// A panic's message.
fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The contract calls `city` made so far.
pub(crate) fn calls(city: &City) -> u64 {
    city.meter().values().map(|cost| cost.calls).sum()
}

/// What a chapter did.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// `charity` or `leases`.
    pub name: &'static str,
    pub cases: u64,
    pub steps: u64,
    /// Contract calls, the invariants' queries included.
    pub calls: u64,
    /// The CPU time of its worker's thread.
    pub cpu_seconds: f64,
    /// Why it failed (the invariant named), and the shortest failing sequence found.
    pub failure: Option<String>,
}

impl Chapter {
    /// Its calls per second of CPU time.
    pub fn calls_per_cpu_second(&self) -> f64 {
        self.calls as f64 / self.cpu_seconds.max(f64::EPSILON)
    }

    /// Its line of a campaign's summary.
    pub fn summary(&self) -> String {
        format!(
            "the {} chapter: {} cases, {} steps, {} contract calls; per second of CPU time {:.0} calls/s",
            self.name,
            self.cases,
            self.steps,
            self.calls,
            self.calls_per_cpu_second()
        )
    }
}

/// A chapter's cases and how each is played on its worker's city: `play` runs a
/// sequence, panicking with the invariant it broke, and returns the calls it made.
pub(crate) struct Plan<T, S> {
    pub name: &'static str,
    pub case: S,
    pub play: fn(&[T]) -> u64,
}

/// Silences the panic messages of the chapters' workers (each case that fails, and each
/// shrinking step, panics; the failure is reported once, as the campaign's), and leaves
/// every other thread's as they were.
fn quiet_workers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let chapter = std::thread::current()
                .name()
                .is_some_and(|name| name.starts_with("fuzz-chapter"));
            if !chapter {
                previous(info);
            }
        }));
    });
}

/// Plays `cases` cases of `plan` from `seed` on this thread, replaying first the failing
/// seeds proptest kept in `regressions` (a folder), where a new failure's seed is kept too.
pub(crate) fn play<T, S>(
    plan: Plan<T, S>,
    cases: u32,
    seed: u64,
    regressions: Option<&Path>,
) -> Chapter
where
    T: Debug,
    S: Strategy<Value = Vec<T>>,
{
    quiet_workers();
    let persistence = regressions.map(|dir| {
        let path = dir.join(format!("{}.txt", plan.name));
        let path: &'static str = Box::leak(path.to_string_lossy().into_owned().into_boxed_str());
        Box::new(FileFailurePersistence::Direct(path)) as _
    });
    let config = Config {
        cases,
        failure_persistence: persistence,
        max_shrink_iters: 1_024,
        ..Config::default()
    };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    for (byte, letter) in bytes[8..].iter_mut().zip(plan.name.bytes()) {
        *byte = letter;
    }
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let cpu = yardstick::thread_cpu_time();
    let (cases_played, steps, calls) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let result = runner.run(&plan.case, |sequence| {
        cases_played.set(cases_played.get() + 1);
        steps.set(steps.get() + sequence.len() as u64);
        calls.set(calls.get() + (plan.play)(&sequence));
        Ok(())
    });
    let failure = match result {
        Ok(()) => None,
        Err(TestError::Fail(reason, sequence)) => {
            let mut text = format!(
                "the {} chapter: {reason}\ncaught by: {}\nthe shortest failing sequence found ({} steps):\n",
                plan.name,
                mechanism(reason.message()),
                sequence.len()
            );
            for (n, step) in sequence.iter().enumerate() {
                text += &format!("  {:>3}. {step:?}\n", n + 1);
            }
            Some(text)
        }
        Err(TestError::Abort(reason)) => {
            Some(format!("the {} chapter aborted: {reason}", plan.name))
        }
    };
    Chapter {
        name: plan.name,
        cases: cases_played.get(),
        steps: steps.get(),
        calls: calls.get(),
        cpu_seconds: (yardstick::thread_cpu_time() - cpu).as_secs_f64(),
        failure,
    }
}

/// What caught a chapter's failure: the invariant its reason names, or a panic of the
/// harness (a setup that failed, a call that could not be made).
fn mechanism(reason: &str) -> &str {
    reason
        .split_once("invariant `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map_or("a panic of the harness", |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Fails on any sequence holding a seven, as an invariant would.
    fn no_seven(steps: &[u8]) {
        assert!(!steps.contains(&7), "a seven in {steps:?}");
    }

    #[test]
    fn a_broken_invariant_is_named_and_its_sequence_shrunk() {
        let plan = Plan {
            name: "sevens",
            case: prop::collection::vec(0..10u8, 1..=20),
            play: |steps| {
                invariant!(no_seven, steps);
                1
            },
        };
        let chapter = play(plan, 64, 7, None);
        let failure = chapter.failure.expect("a seven is drawn in 64 cases");
        assert!(failure.contains("caught by: no_seven"), "{failure}");
        assert!(
            failure.contains("the shortest failing sequence found (1 steps):\n    1. 7"),
            "{failure}"
        );
    }

    #[test]
    fn a_chapter_that_holds_reports_its_cases() {
        let plan = Plan {
            name: "small",
            case: prop::collection::vec(0..7u8, 1..=3),
            play: |steps| {
                invariant!(no_seven, steps);
                2
            },
        };
        let chapter = play(plan, 10, 7, None);
        assert_eq!((chapter.cases, chapter.failure), (10, None));
        assert_eq!(chapter.calls, 20);
    }
}
