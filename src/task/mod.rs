//! # Tasks: a future with a life of its own
//!
//! A *task* wraps a future so the loop can drive it to completion without
//! anyone awaiting it: asyncio's `Task`, created by `create_task` and here by
//! [`spawn`](crate::spawn). Its life:
//!
//! ```text
//! spawn ─► queued ─► polled ─► Pending ─► (waker stored somewhere)
//!            ▲                                 │ event, timer, channel…
//!            └────────── wake: id queued ◄─────┘
//!                     polled ─► Ready ─► output handed to the JoinHandle
//! ```
//!
//! The files of this module, in reading order:
//!
//! 1. `id.rs` — a task's name: a table slot plus a generation.
//! 2. `state.rs` — the two bits other threads may touch (`NOTIFIED`, `DONE`).
//! 3. `loop_thread.rs` — the one thread-local: which loop runs here, its
//!    local wakes, the poll's budget.
//! 4. `mailbox.rs` — where a wake goes: the local list or the inbox.
//! 5. `header.rs` — the thread-safe part of a task, the part a waker reaches.
//! 6. `join.rs` — `JoinHandle` and `JoinError`, the part you await.
//! 7. `raw.rs` — the task's memory (header, future and output in one
//!    allocation) and the hand-built waker that points at it: the only
//!    module where `unsafe` is allowed.
//! 8. `yield_now.rs` — the smallest leaf future: step aside once.
//! 9. `budget.rs` — the cooperative budget: ready futures take turns too.
//!
//! Three files come last, after [`future`](crate::future): they build on
//! the runtime's `spawn`, and `join_set.rs` on `src/future/wake_set.rs`
//! too, so they are the only files here that import from above.
//!
//! 10. `join_set.rs` — [`JoinSet`], tasks you own, taken out as they finish
//!     (tokio's); dropping the set aborts them.
//! 11. `task_group.rs` — [`TaskGroup`], asyncio's: the first failure
//!     cancels the siblings, and `join` reports every failure
//!     (`task_group_error.rs`, asyncio's `ExceptionGroup`). Together with
//!     `JoinSet`, this is *structured concurrency*: no task outlives the
//!     value that owns it.

pub(crate) mod budget;
mod header;
mod id;
mod join;
mod join_set;
pub(crate) mod loop_thread;
pub(crate) mod mailbox;
// The one module where `unsafe` is allowed: see its essay.
#[allow(unsafe_code)]
mod raw;
mod state;
mod task_group;
mod task_group_error;
mod yield_now;

pub(crate) use header::Header;
pub use id::TaskId;
pub use join::{JoinError, JoinHandle};
pub(crate) use join::{JoinTarget, panic_message};
pub use join_set::JoinSet;
pub(crate) use raw::{main_waker, new_task, refused_task};
pub use task_group::TaskGroup;
pub use task_group_error::{TaskFailure, TaskGroupError};
pub use yield_now::{YieldNow, yield_now};

use std::sync::Arc;

/// How one poll of a task ended, as the loop (and
/// [`Hooks`](crate::observe::Hooks)) see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollOutcome {
    /// The future is waiting; some waker will queue it again.
    Pending,
    /// The future returned its output.
    Returned,
    /// The future panicked (in `poll` or in its destructor).
    Panicked,
    /// The future was dropped by [`JoinHandle::abort`] (or by the runtime
    /// shutting down).
    Cancelled,
}

impl PollOutcome {
    /// Whether the task is over: the loop removes it from its table and
    /// never polls it again.
    pub fn is_done(self) -> bool {
        self != PollOutcome::Pending
    }
}

/// The part of a task the loop holds and drives; the [`JoinHandle`] is the
/// other part. Implemented by the task allocation in `raw.rs`.
pub(crate) trait Runnable {
    /// Polls the future once (or drops it, if [`JoinHandle::abort`] asked),
    /// then hands the task back. It takes the loop's `Arc` rather than
    /// `&self` because the waker lent to the poll borrows that very
    /// reference (see `borrowed_waker` in `raw.rs`).
    fn run(self: Arc<Self>) -> (PollOutcome, Arc<dyn Runnable>);
    /// The runtime is going away: drop the future now, on this thread, and
    /// resolve the handle as cancelled.
    fn shutdown(&self);
    /// Whether a wake has queued the task and it has not been polled since
    /// (read-only, for task dumps).
    fn is_queued(&self) -> bool;
}
