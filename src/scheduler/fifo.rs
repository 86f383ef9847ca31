//! # `Fifo`: first ready, first run
//!
//! The default policy, and asyncio's: a double-ended queue, pushed at the
//! back and popped at the front. It is fair in the simplest sense — every
//! ready task runs before anything that became ready after it — and it is
//! what makes [`yield_now`](crate::yield_now) mean "after everyone else".

use super::{Ready, Schedule, TaskId};
use std::collections::VecDeque;

/// First in, first out: tasks run in the order they became ready.
#[derive(Debug, Default)]
pub struct Fifo {
    queue: VecDeque<TaskId>,
}

impl Fifo {
    /// An empty queue.
    pub fn new() -> Fifo {
        Fifo::default()
    }
}

impl Schedule for Fifo {
    fn push(&mut self, ready: Ready) {
        self.queue.push_back(ready.id);
    }

    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }

    fn len(&self) -> usize {
        self.queue.len()
    }

    fn name(&self) -> &'static str {
        "fifo"
    }
}
