//! # What the observer may look at: a read-only view of the loop
//!
//! The inspect mode prints, before each wait, the pending timers and the
//! registered sockets with whoever waits on them; the task dump lists the
//! live tasks. The observer does not own any of that: the reactor and the
//! task table do. So at the few moments it needs to look (a turn begins, a
//! wait begins, the loop stops), the loop hands it itself as a
//! [`LoopView`], and the observer asks. Nothing here changes the loop;
//! every method only reads, and none is called unless a tool that needs it
//! is on.
//!
//! *Who waits* is the interesting part. The reactor stores wakers, not
//! tasks, and a `Waker` cannot say whose it is. But our wakers point at
//! their task's allocation (`src/task/raw.rs`), the same address the task
//! table's `Arc` holds, so the loop can match the two
//! ([`LoopView::waker_owners`]). A waker made by a combinator (`join_all`,
//! `select`, a `JoinSet`) points elsewhere and is shown as such.

use super::task_dump::TaskState;
use crate::reactor::Reactor;
use crate::scheduler::TaskId;
use std::collections::HashMap;

/// The loop, as the observer may see it. Implemented by the event loop.
pub(crate) trait LoopView {
    /// The reactor, for its timers and sockets.
    fn reactor(&self) -> &Reactor;

    /// Every live task and its state, in spawn order.
    fn task_states(&self) -> Vec<(TaskId, TaskState)>;

    /// Which task each waker address belongs to: every task in the table,
    /// and the current `block_on` future.
    fn waker_owners(&self) -> HashMap<usize, TaskId>;
}

/// Who a stored waker will wake, as far as the loop can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waiter {
    /// The task's own waker.
    Task(TaskId),
    /// Some other waker: a combinator's, or one from outside the runtime.
    Other,
}

impl Waiter {
    /// Names the owner of the waker at `address`.
    pub(crate) fn of(address: usize, owners: &HashMap<usize, TaskId>) -> Waiter {
        owners.get(&address).map_or(Waiter::Other, |&id| Waiter::Task(id))
    }
}
