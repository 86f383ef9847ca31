//! # Slow polls: the task that held the loop
//!
//! A coroutine gives the loop back only at an `.await` that is not ready.
//! Code that computes for long, or calls something blocking, between two
//! such points stops *every* task: no timer fires, no socket is read. In
//! debug mode asyncio times each callback and, past
//! `loop.slow_callback_duration` (0.1 s), logs
//!
//! ```text
//! Executing <Task pending name='Task-1' coro=<main() …>> took 0.300 seconds
//! ```
//!
//! runloop does the same per poll: with
//! [`Builder::slow_poll_threshold`](crate::Builder::slow_poll_threshold) or
//! `RUNLOOP_SLOW_POLL=100ms`, a poll that lasts at least the threshold
//! logs a warning naming the runtime, the task (id and name) and the time:
//!
//! ```text
//! rt1: executing task #3 'blocker' took 0.201 seconds (slow-poll threshold 20ms): no other task ran meanwhile
//! ```
//!
//! It goes to the `log` crate (target `runloop::observe`, level `warn`).
//! If no logger would show it — none installed, or warnings filtered out —
//! it is printed on stderr instead, as Python's logging falls back to its
//! "last resort" handler: you asked for the warning, so it must be seen.
//!
//! Cost: two clock reads per poll, and only when a threshold is set (the
//! observer's `watching` flag sends the poll through its slow path then).

use crate::scheduler::TaskId;
use std::time::Duration;

const LOG: &str = "runloop::observe";

/// The threshold, and what to say when a poll reaches it.
pub(crate) struct SlowPoll {
    pub(crate) threshold: Duration,
}

impl SlowPoll {
    /// Warns if `took` reached the threshold. Returns whether it warned.
    pub(crate) fn check(&self, label: &str, id: TaskId, name: Option<&str>, took: Duration) -> bool {
        if took < self.threshold {
            return false;
        }
        let subject = match name {
            _ if id.is_main() => "main (the future given to block_on)".to_string(),
            Some(name) => format!("task {id} '{name}'"),
            None => format!("task {id}"),
        };
        let message = format!(
            "{label}: executing {subject} took {:.3} seconds (slow-poll threshold {}): no other task ran meanwhile",
            took.as_secs_f64(),
            super::timeline::human(self.threshold)
        );
        if log::log_enabled!(target: LOG, log::Level::Warn) {
            log::warn!(target: LOG, "{message}");
        } else {
            eprintln!("runloop warning: {message}");
        }
        true
    }
}
