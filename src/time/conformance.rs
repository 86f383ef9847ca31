//! # Conformance for timer queues
//!
//! A [`TimerQueue`] must fire every live timer, never early, in deadline
//! order, and never fire a removed one (the contract is in
//! `src/reactor/timer_queue.rs`). [`check`] tests a queue against that
//! contract three times: its wakers (`alone.rs`), alone as a data structure
//! with a scripted clock (`scripted.rs`: timers inserted as time goes by,
//! some already due, some ten minutes away; stale keys reused), and inside
//! a runtime with thousands of real sleeps (`in_a_runtime.rs`). It panics
//! naming each broken promise.
//!
//! ```
//! runloop::time::conformance::check(runloop::time::TimerHeap::new);
//! ```
//!
//! **Failing fast.** The scripted check compares the queue with the script
//! after every step, and inside the runtime the queue is wrapped in an
//! audit (`audit.rs`) that checks every answer the reactor gets against a
//! ledger of live timers. So a queue that fires early, rounds
//! `next_deadline` up, ignores `remove` or silently loses one timer in ten
//! is reported within a second, for example:
//!
//! ```text
//! the timer queue broke 2 promise(s):
//!   - timers fire on time, in order, once (scripted clock): timer 1549 (due
//!     at 16.7ms) was not fired by fire_expired at 32.3ms: it is lost (and 1
//!     other due timer(s) with it)
//!   - sleeps in a runtime end on time: fire_expired() fired 17 timer(s), but
//!     18 were due: 1 lost, the earliest due 595µs before (their sleeps would
//!     never end)
//! ```
//!
//! Each check runs on its own thread, watched as the scheduler suite's are
//! (`scheduler/conformance/watch.rs`): it fails at once on a violation, or
//! after [`STALL`] without any call into the queue (a call that never
//! returns). No check depends on how fast the machine is.
//!
//! **One check at a time:** [`Suite::only`], with a word from a name in
//! [`CHECKS`]. To bound a test of your own, use
//! [`with_deadline`](crate::scheduler::conformance::with_deadline).

mod alone;
mod audit;
mod in_a_runtime;
mod scripted;

pub use crate::scheduler::conformance::STALL;

use super::TimerQueue;
use crate::scheduler::conformance::watch::{self, Job};
use std::sync::Arc;
use std::time::Duration;

/// The checks, in the order they run. [`Suite::only`] picks among them.
pub const CHECKS: [&str; 3] = [
    "wakers are handed back, not dropped",
    "timers fire on time, in order, once (scripted clock)",
    "sleeps in a runtime end on time",
];

/// Runs the checks on queues made by `make`; panics with a report if any
/// promise is broken. [`Suite`] runs some of them, or with another stall
/// limit.
///
/// # Panics
/// If the queue fires a timer early, late, twice, out of order or after
/// `remove`, loses one, gets `next_deadline` or `len` wrong, drops a waker
/// it should hand back, or panics.
pub fn check<Q, F>(make: F)
where
    Q: TimerQueue + 'static,
    F: Fn() -> Q + Send + Sync + 'static,
{
    Suite::new().run(make);
}

/// The timer-queue checks, with a choice of which to run. [`check`] is
/// `Suite::new().run(make)`.
#[derive(Clone, Debug)]
pub struct Suite {
    only: Option<String>,
    stall: Duration,
}

impl Default for Suite {
    fn default() -> Suite {
        Suite::new()
    }
}

impl Suite {
    /// All checks, with [`STALL`].
    pub fn new() -> Suite {
        Suite {
            only: None,
            stall: STALL,
        }
    }

    /// Only the checks whose name contains `words` (see [`CHECKS`]).
    /// [`run`](Suite::run) panics, listing the names, if none does.
    pub fn only(self, words: &str) -> Suite {
        Suite {
            only: Some(words.to_owned()),
            ..self
        }
    }

    /// How long a check may make no progress at all before it fails.
    pub fn stall(self, limit: Duration) -> Suite {
        Suite { stall: limit, ..self }
    }

    /// Runs the chosen checks on queues made by `make`.
    ///
    /// # Panics
    /// As [`check`]; also if no check matches [`only`](Suite::only).
    pub fn run<Q, F>(&self, make: F)
    where
        Q: TimerQueue + 'static,
        F: Fn() -> Q + Send + Sync + 'static,
    {
        let make = Arc::new(make);
        let (first, second, third) = (make.clone(), make.clone(), make);
        let jobs: Vec<(&'static str, Job)> = vec![
            (CHECKS[0], Box::new(move |_| alone::hands_back_wakers(first()))),
            (CHECKS[1], Box::new(move |watch| scripted::scripted(second(), watch))),
            (
                CHECKS[2],
                Box::new(move |watch| in_a_runtime::sleeps_end_on_time(third(), watch)),
            ),
        ];
        watch::run_checks("the timer queue", jobs, self.only.as_deref(), self.stall);
    }
}
