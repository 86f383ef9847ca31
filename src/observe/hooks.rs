//! # `Hooks`: watching the loop from the inside
//!
//! The loop tells a [`Hooks`] implementation about every step of every task:
//! spawned, woken (and why), poll started, poll finished (and how), and each
//! wait in the poller. The timeline and the trace file are built on exactly
//! this (`recorder.rs`), and it is the seam for your own tools — a fairness
//! report, wake-to-poll latency. asyncio offers a sliver of it through
//! `sys.set_coroutine_origin_tracking_depth` and debug mode; here it is the
//! whole life of a task. (The built-in debug tools, the inspect mode and
//! slow-poll warnings, hear the same events from the same observer.)
//!
//! Install hooks with [`Builder::hooks`](crate::Builder::hooks). With none
//! installed (and no timeline, trace, inspect mode or slow-poll threshold),
//! the loop pays one `bool` test per poll. Every method has an empty
//! default, so implement only what you need.
//!
//! Hooks run on the loop thread, in the middle of the loop's work: they may
//! read the clock, record, print or compute, but must not spawn tasks, block,
//! or re-enter the runtime.

use crate::scheduler::{Cause, TaskId};
use crate::task::PollOutcome;
use std::time::Duration;

/// What one wait in the poller found, as passed to [`Hooks::waited`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitReport {
    /// How long the loop slept in `epoll_wait`.
    pub waited: Duration,
    /// How long it was allowed to sleep (`None`: until something happened).
    pub timeout: Option<Duration>,
    /// I/O readiness events received.
    pub io_events: usize,
    /// Timers that fired.
    pub timers_fired: usize,
    /// Whether another thread rang the doorbell.
    pub doorbell: bool,
}

/// Callbacks for each step the loop takes. All methods default to doing
/// nothing.
///
/// ```
/// use runloop::observe::Hooks;
/// use runloop::scheduler::TaskId;
/// use runloop::task::PollOutcome;
/// use std::{cell::Cell, rc::Rc};
///
/// /// Counts polls that ended with the task still waiting.
/// struct PendingPolls(Rc<Cell<u32>>);
///
/// impl Hooks for PendingPolls {
///     fn poll_finished(&mut self, _id: TaskId, outcome: PollOutcome) {
///         if outcome == PollOutcome::Pending {
///             self.0.set(self.0.get() + 1);
///         }
///     }
/// }
///
/// let pending = Rc::new(Cell::new(0));
/// let rt = runloop::Runtime::builder().hooks(PendingPolls(pending.clone())).build().unwrap();
/// rt.block_on(async { runloop::yield_now().await });
/// assert_eq!(pending.get(), 1); // the main future, parked once by yield_now
/// ```
pub trait Hooks {
    /// A task was spawned, with the name given to
    /// [`TaskBuilder::name`](crate::TaskBuilder::name), if any.
    fn spawned(&mut self, id: TaskId, name: Option<&str>) {
        let _ = (id, name);
    }

    /// A task (or a `block_on` future) was woken and queued to run. A newly
    /// spawned task is queued too, but reported by [`Hooks::spawned`] only.
    fn woken(&mut self, id: TaskId, cause: Cause) {
        let _ = (id, cause);
    }

    /// The loop is about to poll a task (or a `block_on` future).
    fn poll_started(&mut self, id: TaskId) {
        let _ = id;
    }

    /// The poll returned. If the outcome [`is_done`](PollOutcome::is_done),
    /// the task is over and will not be seen again.
    fn poll_finished(&mut self, id: TaskId, outcome: PollOutcome) {
        let _ = (id, outcome);
    }

    /// The loop waited in the poller, and this is what it found.
    fn waited(&mut self, report: &WaitReport) {
        let _ = report;
    }

    /// The runtime is being dropped; tasks still alive are about to be
    /// dropped without another poll. A good moment to flush a report.
    fn shutting_down(&mut self) {}
}
