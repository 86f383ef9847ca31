//! Every policy in the crate passes the conformance suite; adding a policy
//! to this file is one line.
use runloop::scheduler::conformance::{check, check_with_deadline};
use runloop::scheduler::{Fifo, LifoSlot, Priority, Ready, Schedule, TaskId};
use std::collections::VecDeque;

#[test]
fn fifo_conforms() {
    check(Fifo::new);
}

#[test]
fn lifo_slot_conforms() {
    check(LifoSlot::new);
}

#[test]
fn priority_conforms() {
    check(Priority::new);
}

#[test]
fn priority_with_eager_aging_conforms() {
    check(|| Priority::with_aging(1));
}

/// Forgets every tenth task it is given.
#[derive(Default)]
struct Forgetful {
    queue: VecDeque<TaskId>,
    pushes: usize,
}

impl Schedule for Forgetful {
    fn push(&mut self, ready: Ready) {
        self.pushes += 1;
        if !self.pushes.is_multiple_of(10) {
            self.queue.push_back(ready.id);
        }
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }
    fn len(&self) -> usize {
        self.queue.len()
    }
}

#[test]
#[should_panic(expected = "every push is popped exactly once")]
fn a_policy_that_loses_tasks_fails_the_suite() {
    check_with_deadline(Forgetful::default, std::time::Duration::from_secs(2));
}
