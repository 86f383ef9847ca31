//! # `interval`: a tick every period, without drift
//!
//! A loop of `sleep(period)` drifts: each round adds the time the body took
//! and the loop's own lateness. An [`Interval`] instead ticks at fixed
//! instants `start, start + period, start + 2·period, …`, computed from the
//! start, never from when the last tick happened to be seen.
//!
//! Missed ticks are *skipped*. If the task was busy (or the loop was) for
//! longer than a period, the next `tick()` returns at once for the tick that
//! is due, and the ticks that fell entirely in the past are dropped rather
//! than fired in a burst; the schedule stays on the original grid.
//! [`Interval::missed_ticks`] counts what was skipped.

use super::{FAR_FUTURE, Sleep, sleep_until};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Ticks every `period`, the first tick at once.
///
/// ```
/// use std::time::Duration;
/// runloop::run(async {
///     let mut ticks = runloop::time::interval(Duration::from_millis(10));
///     let first = ticks.tick().await; // at once
///     let mut last = first;
///     for _ in 0..2 {
///         // Each tick is a later point of the same 10 ms grid (a loop kept
///         // busy past a tick skips it rather than bunching up).
///         let at = ticks.tick().await;
///         assert!(at > last);
///         assert_eq!(at.duration_since(first).as_nanos() % 10_000_000, 0);
///         last = at;
///     }
/// });
/// ```
///
/// # Panics
/// If `period` is zero.
pub fn interval(period: Duration) -> Interval {
    assert!(
        !period.is_zero(),
        "runloop::time::interval: the period must be greater than zero"
    );
    let start = Instant::now();
    Interval {
        period,
        next: start,
        sleep: sleep_until(start),
        missed: 0,
    }
}

/// The stream of ticks returned by [`interval`].
#[derive(Debug)]
pub struct Interval {
    period: Duration,
    /// The tick we are waiting for.
    next: Instant,
    sleep: Sleep,
    missed: u64,
}

impl Interval {
    /// Waits for the next tick and returns the instant it was scheduled for.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// The poll behind [`Interval::tick`], for hand-written futures.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        if Pin::new(&mut self.sleep).poll(cx).is_pending() {
            return Poll::Pending;
        }
        let due = self.next;
        self.next = self.tick_after(due, Instant::now());
        self.sleep.reset(self.next);
        Poll::Ready(due)
    }

    /// The first tick on the grid after `due` that is still in the future
    /// at `now`, counting the ones skipped.
    fn tick_after(&mut self, due: Instant, now: Instant) -> Instant {
        let period = self.period.as_nanos();
        let behind = now.saturating_duration_since(due).as_nanos();
        let skipped = behind / period; // whole periods already gone by
        self.missed = self.missed.saturating_add(u64::try_from(skipped).unwrap_or(u64::MAX));
        let offset = (skipped + 1).saturating_mul(period);
        let offset = Duration::from_nanos(u64::try_from(offset).unwrap_or(u64::MAX)).min(FAR_FUTURE);
        due.checked_add(offset)
            .unwrap_or_else(|| super::deadline_after(Duration::MAX))
    }

    /// The period between ticks.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// How many ticks were skipped because they were already past when the
    /// previous one was seen.
    pub fn missed_ticks(&self) -> u64 {
        self.missed
    }
}
