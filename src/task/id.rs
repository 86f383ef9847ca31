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

/// The slot no task occupies: the future passed to `block_on` is not in the
/// task table, and its ids use this slot so the loop can recognise them.
const MAIN_SLOT: u32 = u32::MAX;

impl TaskId {
    /// The id of the future given to the `generation`-th `block_on`; each call
    /// gets its own, so a stale wake of an earlier one is not mistaken for
    /// the current one.
    pub(crate) fn main(generation: u32) -> TaskId {
        TaskId {
            slot: MAIN_SLOT,
            generation,
        }
    }

    pub(crate) fn new(slot: usize, generation: u32) -> TaskId {
        let slot = u32::try_from(slot)
            .ok()
            .filter(|slot| *slot != MAIN_SLOT)
            .expect("more than 4 billion live tasks");
        TaskId { slot, generation }
    }

    /// A small number, unique among the live tasks of a runtime, reused
    /// after a task ends: where the task lives in the runtime's task table,
    /// and good for indexing a policy's per-task `Vec`. (The `block_on`
    /// future's index is `u32::MAX`.)
    pub fn index(self) -> usize {
        self.slot as usize
    }

    /// An id made from its parts, for testing a [`Schedule`] policy outside
    /// a runtime. It names no real task.
    ///
    /// [`Schedule`]: crate::scheduler::Schedule
    pub fn from_parts(index: u32, generation: u32) -> TaskId {
        TaskId {
            slot: index,
            generation,
        }
    }

    /// The spawn number: `1` for the first task spawned on a runtime. (For
    /// a `block_on` future: which `block_on` call it was.)
    pub fn generation(self) -> u32 {
        self.generation
    }

    /// Whether this is the id of a `block_on` future rather than a task.
    pub fn is_main(self) -> bool {
        self.slot == MAIN_SLOT
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
