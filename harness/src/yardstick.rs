//! The yardstick of call rates. How many calls a second the sandbox makes says as much
//! about the machine, and whoever else is using its cores, as about the contracts, so the
//! simulator and the fuzzer quote theirs as a ratio to the rate of the floor, the least a
//! call into a contract costs (`contracts/floor`: one message that writes one storage
//! cell, the call `city bench` weighs), measured in the same run.
//!
//! Both sides of the ratio are rates per second of CPU time of the thread that made the
//! calls ([`thread_cpu_time`]), not of the wall clock: on a machine whose cores are shared,
//! a thread that waited for a core did no work meanwhile, and the ratio stays what the code
//! makes it.

use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use ink::selector_bytes;

use crate::{
    call::input,
    city::{City, ALICE},
};

/// How long [`around`] calls the floor for, by the wall clock, before and after the work.
pub const MEASURED_FOR: Duration = Duration::from_secs(1);

/// Runs `work` between two measurements of the floor's rate, [`MEASURED_FOR`] each, so that
/// the yardstick sees the machine as the work saw it at its start and at its end; returns
/// what `work` returned and the mean of the two rates.
///
/// # Errors
/// What `work` returns, or as [`floor_calls_per_cpu_second`].
pub fn around<T>(work: impl FnOnce() -> Result<T>) -> Result<(T, f64)> {
    let before = floor_calls_per_cpu_second(MEASURED_FOR)?;
    let done = work()?;
    let after = floor_calls_per_cpu_second(MEASURED_FOR)?;
    Ok((done, (before + after) / 2.0))
}

/// The CPU time the calling thread has used so far.
pub fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` only writes the `timespec` it is given, which lives here.
    let code = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    // The clock exists on every platform the harness builds for (Linux, macOS).
    assert_eq!(code, 0, "the thread's CPU clock cannot be read");
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or_default(),
        u32::try_from(now.tv_nsec).unwrap_or_default(),
    )
}

/// The floor's calls per second of CPU time of the calling thread: a sandbox of its own
/// with the floor deployed, then `floor.set(n)` over and over for `duration` of wall
/// time, each call made as every call of the suite is ([`City::call`]).
///
/// # Errors
/// If the floor does not build or deploy, or a call to it fails.
pub fn floor_calls_per_cpu_second(duration: Duration) -> Result<f64> {
    let mut city = City::new()?;
    let floor = city.deploy("floor", input(selector_bytes!("new"), ()))?;
    calls_per_cpu_second(duration, |calls| {
        city.call::<()>(&floor.address, ALICE, input(selector_bytes!("set"), calls))?;
        Ok(())
    })
}

/// The calls per second of CPU time of the least call into a contract of the suite: the
/// token's `balance_of`, a query that reads one cell, on a city of its own, for `duration`
/// of wall time. A call into a contract pays for its whole code, in the sandbox's time as
/// in the chain's weight (the sandbox prepares a contract's Wasm at every call), so this
/// is the most any work calling the suite's contracts can reach.
///
/// # Errors
/// If the suite does not deploy, or a call fails.
pub fn token_query_calls_per_cpu_second(duration: Duration) -> Result<f64> {
    let mut city = City::new()?;
    let holder = ALICE.account();
    calls_per_cpu_second(duration, |_| {
        let _ = city.token(ALICE).balance_of(holder);
        Ok(())
    })
}

/// Makes `call(n)` for n = 0, 1, ... over `duration` of wall time; returns the calls per
/// second of the calling thread's CPU time.
fn calls_per_cpu_second(
    duration: Duration,
    mut call: impl FnMut(u32) -> Result<()>,
) -> Result<f64> {
    let started = Instant::now();
    let cpu = thread_cpu_time();
    let mut calls = 0u32;
    while started.elapsed() < duration {
        call(calls)?;
        calls += 1;
    }
    let seconds = (thread_cpu_time() - cpu).as_secs_f64();
    ensure!(seconds > 0.0, "the thread's CPU clock did not move");
    Ok(f64::from(calls) / seconds)
}
