//! # `Edf`: earliest deadline first, and nobody waits forever
//!
//! Exercise 2. Tasks spawned with
//! [`TaskBuilder::deadline`](runloop::TaskBuilder::deadline) run in
//! deadline order, ties in the order they became ready; tasks without a
//! deadline run after them, first come first served. asyncio has no such
//! policy; it is the classic real-time scheduler (Liu and Layland, 1973),
//! optimal on one processor when every task can meet its deadline.
//!
//! Design choices:
//!
//! - **What "fair" means here.** Plain EDF starves: a task that keeps
//!   yielding with an early deadline is always first, and tasks without a
//!   deadline — the `block_on` future among them — never run (the
//!   conformance suite's spinners do exactly that). So, as in `Priority`,
//!   aging by pops: the longest-waiting task, deadline or not, is passed
//!   over at most `aging` times, then runs whatever its deadline. Under
//!   light load EDF decides; once more than `aging` tasks wait at once, the
//!   order drifts towards FIFO. That is the price of "nobody starves".
//! - **Three ordered maps instead of a heap.** Every waiting task gets a
//!   sequence number when it is pushed. `waiting` holds them all in
//!   arrival order (its first entry is the longest-waiting task),
//!   `by_deadline` orders the ones with a deadline by `(deadline, seq)`,
//!   `no_deadline` the others by `seq`. A `BinaryHeap` cannot take out the
//!   aged task from the middle, and a heap of tuples holding a [`TaskId`]
//!   does not compile at all: `TaskId` is not `Ord`. A `BTreeMap` keyed by
//!   `(Instant, u64)` orders by the key alone. Every operation is
//!   O(log n).
//! - **Deadlines by index.** `spawned` stores the deadline in a `Vec`
//!   indexed by [`TaskId::index`]; `finished` clears it, because the index
//!   is reused by the next spawn. The `block_on` future is never announced
//!   and its index is `u32::MAX`, so it is looked up with `get` and has no
//!   deadline: it is never a reason to grow the `Vec`.
//! - **The deadline is read at push time**, so a task keeps the place its
//!   deadline gives it each time it becomes ready again.
//!
//! Invariants: every waiting task is in `waiting` and in exactly one of
//! `by_deadline` and `no_deadline`, under the same sequence number;
//! `len()` is `waiting.len()`.

use runloop::scheduler::{Ready, Schedule, SpawnInfo, TaskId};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// A waiting task, filed under its sequence number.
#[derive(Debug)]
struct Waiting {
    id: TaskId,
    deadline: Option<Instant>,
    /// The pop count when it was pushed.
    queued_at: u64,
}

/// Earliest deadline first, with aging (see the module docs).
#[derive(Debug)]
pub struct Edf {
    /// Per-task deadline, by `TaskId::index`.
    deadlines: Vec<Option<Instant>>,
    /// Every waiting task, in arrival order.
    waiting: BTreeMap<u64, Waiting>,
    /// The sequence numbers of waiting tasks with a deadline, earliest first.
    by_deadline: BTreeSet<(Instant, u64)>,
    /// The sequence numbers of waiting tasks without one, oldest first.
    no_deadline: BTreeSet<u64>,
    next_seq: u64,
    pops: u64,
    aging: u64,
}

impl Edf {
    /// EDF where the longest-waiting task is passed over at most 32 times.
    pub fn new() -> Edf {
        Edf::with_aging(32)
    }

    /// EDF where the longest-waiting task is passed over at most `aging`
    /// times (at least 1) before it runs, whatever its deadline.
    pub fn with_aging(aging: u64) -> Edf {
        Edf {
            deadlines: Vec::new(),
            waiting: BTreeMap::new(),
            by_deadline: BTreeSet::new(),
            no_deadline: BTreeSet::new(),
            next_seq: 0,
            pops: 0,
            aging: aging.max(1),
        }
    }

    fn deadline_of(&self, id: TaskId) -> Option<Instant> {
        // `get`: the `block_on` future's index is u32::MAX, never stored.
        self.deadlines.get(id.index()).copied().flatten()
    }
}

impl Default for Edf {
    fn default() -> Edf {
        Edf::new()
    }
}

impl Schedule for Edf {
    fn push(&mut self, ready: Ready) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let deadline = self.deadline_of(ready.id);
        match deadline {
            Some(deadline) => self.by_deadline.insert((deadline, seq)),
            None => self.no_deadline.insert(seq),
        };
        let queued_at = self.pops;
        self.waiting.insert(
            seq,
            Waiting {
                id: ready.id,
                deadline,
                queued_at,
            },
        );
    }

    fn pop(&mut self) -> Option<TaskId> {
        let (&oldest, longest) = self.waiting.first_key_value()?;
        let seq = if self.pops - longest.queued_at >= self.aging {
            oldest
        } else if let Some(&(_, seq)) = self.by_deadline.first() {
            seq
        } else {
            *self.no_deadline.first()?
        };
        let task = self.waiting.remove(&seq)?;
        match task.deadline {
            Some(deadline) => self.by_deadline.remove(&(deadline, seq)),
            None => self.no_deadline.remove(&seq),
        };
        self.pops += 1;
        Some(task.id)
    }

    fn len(&self) -> usize {
        self.waiting.len()
    }

    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        let index = id.index();
        if index >= self.deadlines.len() {
            self.deadlines.resize(index + 1, None);
        }
        self.deadlines[index] = info.deadline;
    }

    fn finished(&mut self, id: TaskId) {
        if let Some(deadline) = self.deadlines.get_mut(id.index()) {
            *deadline = None;
        }
    }

    fn name(&self) -> &'static str {
        "edf"
    }
}
