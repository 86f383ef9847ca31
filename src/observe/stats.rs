//! # Counters: what the loop has done, always on
//!
//! A handful of numbers that answer the first questions anyone asks of an
//! event loop: how many tasks, how many polls, how many wakes came from
//! other threads, how often did it wait for I/O, and where did the time go —
//! running tasks, or asleep in the poller. asyncio has no built-in
//! equivalent; its debug mode is the nearest (here: `slow_poll.rs` and
//! `inspect.rs`).
//!
//! They are cheap enough to keep on always: plain `Cell`s bumped on the
//! loop thread, and two clock reads per *turn* of the loop (never per
//! poll) to split time between running and waiting. The blocking pool's
//! job count lives in the pool, as an atomic, because pool threads bump it.
//!
//! Read them with [`Runtime::stats`](crate::Runtime::stats) from outside,
//! or [`runloop::stats()`](crate::stats) from inside a task.

use std::cell::Cell;
use std::fmt;
use std::time::Duration;

/// A snapshot of a runtime's counters since it was built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Tasks spawned (not counting `block_on` futures).
    pub tasks_spawned: u64,
    /// Tasks that ended, in any way (returned, panicked or cancelled).
    pub tasks_completed: u64,
    /// Of those, tasks that panicked.
    pub tasks_panicked: u64,
    /// Of those, tasks that were cancelled (aborted).
    pub tasks_cancelled: u64,
    /// Tasks alive now.
    pub live_tasks: u64,
    /// Polls of tasks and of `block_on` futures.
    pub polls: u64,
    /// Wakes that queued a task from the loop's own thread.
    pub local_wakes: u64,
    /// Wakes that queued a task from another thread (through the inbox).
    pub remote_wakes: u64,
    /// Times the loop asked the poller for events (one per turn).
    pub reactor_turns: u64,
    /// I/O readiness events received.
    pub io_events: u64,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Jobs the blocking pool ran (including ones that panicked; not ones
    /// aborted before they started).
    pub blocking_jobs: u64,
    /// Time spent outside the poller: running tasks and the loop's own work.
    pub busy: Duration,
    /// Time spent waiting in the poller for events.
    pub waiting: Duration,
    /// The most tasks ever waiting in the scheduler at once (ids handed to
    /// it and not yet taken back).
    pub longest_run_queue: u64,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "tasks: {} spawned, {} completed ({} panicked, {} cancelled), {} alive",
            self.tasks_spawned, self.tasks_completed, self.tasks_panicked, self.tasks_cancelled, self.live_tasks
        )?;
        writeln!(
            f,
            "polls: {}; wakes: {} local, {} from other threads; longest run queue: {}",
            self.polls, self.local_wakes, self.remote_wakes, self.longest_run_queue
        )?;
        writeln!(
            f,
            "reactor: {} turns, {} I/O events, {} timers fired; blocking jobs: {}",
            self.reactor_turns, self.io_events, self.timers_fired, self.blocking_jobs
        )?;
        write!(
            f,
            "time: {:.1?} running, {:.1?} waiting for events",
            self.busy, self.waiting
        )
    }
}

/// The loop's live counters. Only the loop thread touches them.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) tasks_spawned: Cell<u64>,
    pub(crate) tasks_completed: Cell<u64>,
    pub(crate) tasks_panicked: Cell<u64>,
    pub(crate) tasks_cancelled: Cell<u64>,
    pub(crate) polls: Cell<u64>,
    pub(crate) local_wakes: Cell<u64>,
    pub(crate) remote_wakes: Cell<u64>,
    pub(crate) reactor_turns: Cell<u64>,
    pub(crate) io_events: Cell<u64>,
    pub(crate) timers_fired: Cell<u64>,
    pub(crate) busy: Cell<Duration>,
    pub(crate) waiting: Cell<Duration>,
    pub(crate) longest_run_queue: Cell<u64>,
    /// Ids handed to the scheduler and not yet taken back.
    pub(crate) queued: Cell<u64>,
}

/// `cell += by`, the one operation counters need.
#[inline]
pub(crate) fn bump(cell: &Cell<u64>, by: u64) {
    cell.set(cell.get() + by);
}

impl Counters {
    pub(crate) fn add_time(cell: &Cell<Duration>, by: Duration) {
        cell.set(cell.get() + by);
    }

    /// `count` ids were handed to the scheduler.
    #[inline]
    pub(crate) fn queued(&self, count: u64) {
        let queued = self.queued.get() + count;
        self.queued.set(queued);
        if queued > self.longest_run_queue.get() {
            self.longest_run_queue.set(queued);
        }
    }

    /// One id was taken back from the scheduler.
    #[inline]
    pub(crate) fn dequeued(&self) {
        self.queued.set(self.queued.get().saturating_sub(1));
    }

    pub(crate) fn snapshot(&self, live_tasks: usize, blocking_jobs: u64) -> Stats {
        Stats {
            tasks_spawned: self.tasks_spawned.get(),
            tasks_completed: self.tasks_completed.get(),
            tasks_panicked: self.tasks_panicked.get(),
            tasks_cancelled: self.tasks_cancelled.get(),
            live_tasks: live_tasks as u64,
            polls: self.polls.get(),
            local_wakes: self.local_wakes.get(),
            remote_wakes: self.remote_wakes.get(),
            reactor_turns: self.reactor_turns.get(),
            io_events: self.io_events.get(),
            timers_fired: self.timers_fired.get(),
            blocking_jobs,
            busy: self.busy.get(),
            waiting: self.waiting.get(),
            longest_run_queue: self.longest_run_queue.get(),
        }
    }
}
