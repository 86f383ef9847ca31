//! # Task ids: a slot and a generation
//!
//! A task is named by where it lives in the runtime's task table (its
//! *slot*) and by *when* it was spawned (its *generation*, the runtime's
//! spawn counter). asyncio has no such thing because Python's garbage
//! collector keeps a `Task` object alive for as long as anyone can name it;
//! runloop reuses slots, so a name must say which tenant of the slot it
//! means.
//!
//! Invariant: an id is never reused while anything might still hold it by
//! accident. Ids sit in run queues and in the cross-thread inbox; by the
//! time one is popped its task may have finished and the slot may hold a
//! newcomer. The generation tells them apart, so a stale id is dropped
//! instead of waking the wrong task (the ABA problem). Generations wrap
//! after 2³² spawns; a stale id would have to survive in a queue for that
//! long to be confused, and queues are drained every turn.

use std::fmt;

/// The name of a task: unique among the live tasks of one runtime.
///
/// It prints as `#n`, where `n` counts spawns: the first task spawned on a
/// runtime is `#1`. Schedulers see tasks only by id.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskId {
    slot: u32,
    generation: u32,
}

impl TaskId {
    /// The future passed to `block_on` is not in the task table; its waker
    /// carries this id so the loop can recognise it.
    pub(crate) const MAIN: TaskId = TaskId {
        slot: u32::MAX,
        generation: 0,
    };

    pub(crate) fn new(slot: usize, generation: u32) -> TaskId {
        let slot = u32::try_from(slot).expect("more than 4 billion live tasks");
        TaskId { slot, generation }
    }

    /// Where the task lives in the runtime's task table.
    pub(crate) fn slot(self) -> usize {
        self.slot as usize
    }

    /// The spawn number: `1` for the first task spawned on a runtime.
    pub fn generation(self) -> u32 {
        self.generation
    }

    pub(crate) fn is_main(self) -> bool {
        self == TaskId::MAIN
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_main() {
            f.write_str("main")
        } else {
            write!(f, "#{}", self.generation)
        }
    }
}
