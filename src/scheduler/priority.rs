//! # `Priority`: more important tasks first, and nobody waits forever
//!
//! Each task gets a priority when it is spawned
//! ([`TaskBuilder::priority`](crate::TaskBuilder::priority), 0 to 255,
//! higher first; 0 by default). Ready tasks wait in one FIFO per priority;
//! `pop` takes from the highest non-empty one, so equal priorities keep
//! asyncio's first-come order.
//!
//! Strict priority starves: a steady stream of high-priority work would keep
//! a low-priority task waiting for ever. The rule here is **aging by
//! turns**: every waiting task remembers the pop count when it was queued,
//! and if the oldest waiting task (the oldest front of any queue) has
//! waited through `aging` pops or more, it runs next whatever its
//! priority (the test in `pop` is `>=`). So the task that has waited
//! longest is passed over at most `aging` times, and every waiting task
//! becomes the longest-waiting one in turn: low priority still progresses,
//! just more slowly.
//!
//! The policy learns priorities from [`Schedule::spawned`] and keeps them in
//! a `Vec` indexed by [`TaskId::index`], forgetting them in
//! [`Schedule::finished`]: no map lookup on the way.

use super::{Ready, Schedule, SpawnInfo, TaskId};
use std::collections::{BTreeMap, VecDeque};

/// Highest priority first, with aging (see the module docs).
#[derive(Debug)]
pub struct Priority {
    /// Per-task priority, by `TaskId::index`.
    priorities: Vec<u8>,
    /// Ready tasks per priority, each with the pop count when queued.
    queues: BTreeMap<u8, VecDeque<(TaskId, u64)>>,
    waiting: usize,
    pops: u64,
    aging: u64,
}

impl Priority {
    /// Priorities with aging after 32 passed-over turns.
    pub fn new() -> Priority {
        Priority::with_aging(32)
    }

    /// Priorities where the longest-waiting task is passed over at most
    /// `aging` times (at least 1) before it runs regardless of priority.
    pub fn with_aging(aging: u64) -> Priority {
        Priority {
            priorities: Vec::new(),
            queues: BTreeMap::new(),
            waiting: 0,
            pops: 0,
            aging: aging.max(1),
        }
    }

    fn priority_of(&self, id: TaskId) -> u8 {
        // The `block_on` future was never spawned: it gets the default, 0.
        self.priorities.get(id.index()).copied().unwrap_or(0)
    }

    /// The priority level whose front has waited the longest.
    fn oldest_level(&self) -> Option<(u8, u64)> {
        self.queues
            .iter()
            .filter_map(|(&level, queue)| queue.front().map(|&(_, queued_at)| (level, queued_at)))
            .min_by_key(|&(_, queued_at)| queued_at)
    }
}

impl Default for Priority {
    fn default() -> Priority {
        Priority::new()
    }
}

impl Schedule for Priority {
    fn push(&mut self, ready: Ready) {
        let level = self.priority_of(ready.id);
        self.queues.entry(level).or_default().push_back((ready.id, self.pops));
        self.waiting += 1;
    }

    fn pop(&mut self) -> Option<TaskId> {
        let highest = *self.queues.iter().rev().find(|(_, queue)| !queue.is_empty())?.0;
        let level = match self.oldest_level() {
            Some((level, queued_at)) if self.pops - queued_at >= self.aging => level,
            _ => highest,
        };
        let (id, _) = self.queues.get_mut(&level)?.pop_front()?;
        self.pops += 1;
        self.waiting -= 1;
        Some(id)
    }

    fn len(&self) -> usize {
        self.waiting
    }

    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        let index = id.index();
        if index >= self.priorities.len() {
            self.priorities.resize(index + 1, 0);
        }
        self.priorities[index] = info.priority;
    }

    fn finished(&mut self, id: TaskId) {
        if let Some(priority) = self.priorities.get_mut(id.index()) {
            *priority = 0;
        }
    }

    fn name(&self) -> &'static str {
        "priority"
    }
}
