//! # `LifoSlot`: the task you just woke runs next
//!
//! When task A sends a message to task B and then waits for the answer, B
//! is the best task to run next: the message is hot in the cache and A can
//! do nothing until B replies. A FIFO queue makes B wait behind everyone
//! else. tokio's answer is a one-task "LIFO slot" beside the queue: a task
//! woken *by the running task* goes into the slot and runs next; whoever was
//! in the slot before moves to the back of the queue.
//!
//! The danger is two tasks ping-ponging through the slot forever while the
//! queue starves. So the slot may be used at most `max_slot_runs` times in a
//! row (3 by default, as in tokio); then its task goes to the back of the
//! queue and the front of the queue runs.
//!
//! Only wakes by *another* running task use the slot. A task that wakes
//! itself (`yield_now`) asked to go to the back, and tasks woken by I/O,
//! timers or other threads were not "just handed a message".

use super::{Cause, Ready, Schedule, TaskId};
use std::collections::VecDeque;

/// FIFO, plus a slot for the task woken by the running task, which runs
/// next (at most `max_slot_runs` times in a row).
#[derive(Debug)]
pub struct LifoSlot {
    slot: Option<TaskId>,
    queue: VecDeque<TaskId>,
    slot_runs_in_a_row: u32,
    max_slot_runs: u32,
}

impl LifoSlot {
    /// A slot that may be used 3 times in a row, like tokio's.
    pub fn new() -> LifoSlot {
        LifoSlot::with_max_slot_runs(3)
    }

    /// A slot that may be used `max` times in a row before the queue gets a
    /// turn (at least 1).
    pub fn with_max_slot_runs(max: u32) -> LifoSlot {
        LifoSlot {
            slot: None,
            queue: VecDeque::new(),
            slot_runs_in_a_row: 0,
            max_slot_runs: max.max(1),
        }
    }
}

impl Default for LifoSlot {
    fn default() -> LifoSlot {
        LifoSlot::new()
    }
}

impl Schedule for LifoSlot {
    fn push(&mut self, ready: Ready) {
        match ready.cause {
            Cause::WokenBy(by) if by != ready.id => {
                if let Some(bumped) = self.slot.replace(ready.id) {
                    self.queue.push_back(bumped);
                }
            }
            _ => self.queue.push_back(ready.id),
        }
    }

    fn pop(&mut self) -> Option<TaskId> {
        if let Some(next) = self.slot.take() {
            if self.slot_runs_in_a_row < self.max_slot_runs || self.queue.is_empty() {
                self.slot_runs_in_a_row += 1;
                return Some(next);
            }
            // The slot has had its turns: to the back with it.
            self.queue.push_back(next);
        }
        self.slot_runs_in_a_row = 0;
        self.queue.pop_front()
    }

    fn len(&self) -> usize {
        self.queue.len() + usize::from(self.slot.is_some())
    }

    fn name(&self) -> &'static str {
        "lifo-slot"
    }
}
