//! # The loop, as the observer may see it
//!
//! The inspect mode and the task dump (`src/observe/`) describe things the
//! loop owns: its live tasks and their states, the reactor's timers and
//! sockets, and who waits on them. [`LoopView`] is how they ask, and this
//! is the loop's answer — kept out of `event_loop.rs` so that file stays
//! the loop and nothing else. Every method only reads, and none runs
//! unless a watching tool asks (never on the way of a poll).
//!
//! Naming waiters: a waker points at its task's allocation, the address
//! the task table's `Arc` holds (`TaskTable::waker_owners`); the future
//! given to `block_on` is not in the table, so the loop notes the address
//! of its header when `block_on` starts (`main_waker_address`).

use super::event_loop::EventLoop;
use crate::observe::{LoopView, TaskState};
use crate::reactor::Reactor;
use crate::task::TaskId;
use std::collections::HashMap;

impl LoopView for EventLoop {
    fn reactor(&self) -> &Reactor {
        &self.reactor
    }

    fn task_states(&self) -> Vec<(TaskId, TaskState)> {
        self.tasks.borrow().states()
    }

    fn waker_owners(&self) -> HashMap<usize, TaskId> {
        let mut owners = self.tasks.borrow().waker_owners();
        owners.insert(self.main_waker_address.get(), TaskId::main(self.main_generation.get()));
        owners
    }
}
