//! # The state word shared with other threads
//!
//! Most of what a task knows about itself is touched only by the loop thread
//! and lives in plain `Cell`s. Two facts must be readable and writable from
//! any thread, because any thread may hold a `Waker`:
//!
//! - `NOTIFIED`: the task is already on its way to the run queue. Whoever
//!   flips this bit from 0 to 1 delivers the task's id; everyone else does
//!   nothing. This single atomic `fetch_or` is what makes waking idempotent:
//!   wake a task a hundred times before it runs and it is queued once.
//! - `DONE`: the future is gone (finished, panicked or cancelled). A done
//!   task is never queued again, so it is never polled again.
//!
//! The loop clears `NOTIFIED` *before* polling, with an acquire `fetch_and`
//! (only that bit: `DONE` is left as it is). A wake
//! that arrives during the poll therefore sets the bit again and queues the
//! task for another turn: a task woken during its own poll runs again. The
//! acquire pairs with the release in [`State::notify`], so whatever a thread
//! wrote before waking the task is visible to the poll that follows.
//!
//! async-task names the same idea with more bits (SCHEDULED, RUNNING,
//! COMPLETED, CLOSED) because it is multi-threaded; on one loop thread the
//! RUNNING and CLOSED facts need no atomics.

use std::sync::atomic::{AtomicU8, Ordering};

const NOTIFIED: u8 = 0b01;
const DONE: u8 = 0b10;

/// The two bits of a task that any thread may touch.
#[derive(Default)]
pub(crate) struct State(AtomicU8);

impl State {
    /// A newly spawned task starts notified: spawning queues it once.
    pub(crate) fn new_notified() -> State {
        State(AtomicU8::new(NOTIFIED))
    }

    /// Marks the task notified. Returns `true` if the caller must deliver it
    /// to the run queue: it was neither already notified nor done.
    pub(crate) fn notify(&self) -> bool {
        let before = self.0.fetch_or(NOTIFIED, Ordering::AcqRel);
        before & (NOTIFIED | DONE) == 0
    }

    /// Called by the loop just before a poll: from here on, a wake queues
    /// the task again.
    pub(crate) fn clear_notified(&self) {
        self.0.fetch_and(!NOTIFIED, Ordering::Acquire);
    }

    pub(crate) fn set_done(&self) {
        self.0.fetch_or(DONE, Ordering::Release);
    }

    /// Whether the task is on its way to the run queue or in it (for task
    /// dumps; a snapshot that may be stale by the time it is read).
    pub(crate) fn is_notified(&self) -> bool {
        self.0.load(Ordering::Acquire) & NOTIFIED != 0
    }

    pub(crate) fn is_done(&self) -> bool {
        self.0.load(Ordering::Acquire) & DONE != 0
    }
}
