//! # The task table: who is alive
//!
//! The loop owns every live task through this table, a `slab` indexed by
//! the slot half of a [`TaskId`]. asyncio keeps a weak set of all tasks
//! (`asyncio.all_tasks()`); we keep strong references, because the table is
//! what the runtime drops at shutdown to drop every future exactly once.
//!
//! While a task is being polled the loop takes it out of its slot and puts it
//! back afterwards. That way no borrow of the table is held while user code
//! runs, so a task may spawn, abort or wake other tasks from inside its poll,
//! and the slot stays reserved so its id cannot be handed to a newcomer.
//!
//! Invariant: an id finds a task only if the slot's generation matches, so a
//! stale id from a run queue or the inbox finds nothing.
//!
//! The table also answers two questions for the observer, read-only: each
//! live task's state for the task dump ([`TaskTable::states`]: out of its
//! slot means running, its `NOTIFIED` bit set means queued, else waiting),
//! and which task a waker belongs to ([`TaskTable::waker_owners`]: our
//! wakers point at the task's allocation, the same address the table's
//! `Arc` holds).

use crate::observe::TaskState;
use crate::task::{Runnable, TaskId};
use slab::Slab;
use std::collections::HashMap;
use std::sync::Arc;

struct Slot {
    generation: u32,
    /// `None` while the task is out being polled.
    task: Option<Arc<dyn Runnable>>,
}

#[derive(Default)]
pub(crate) struct TaskTable {
    slots: Slab<Slot>,
    spawned: u32,
}

impl TaskTable {
    /// Adds a task built by `make` from its new id; returns what `make`
    /// returned besides the task (the join handle).
    pub(crate) fn insert<R>(&mut self, make: impl FnOnce(TaskId) -> (Arc<dyn Runnable>, R)) -> (TaskId, R) {
        self.spawned = self.spawned.wrapping_add(1);
        let entry = self.slots.vacant_entry();
        let id = TaskId::new(entry.key(), self.spawned);
        let (task, extra) = make(id);
        entry.insert(Slot {
            generation: id.generation(),
            task: Some(task),
        });
        (id, extra)
    }

    /// Takes a task out to poll it. `None` if `id` is stale.
    pub(crate) fn take(&mut self, id: TaskId) -> Option<Arc<dyn Runnable>> {
        self.slot_mut(id)?.task.take()
    }

    pub(crate) fn put_back(&mut self, id: TaskId, task: Arc<dyn Runnable>) {
        if let Some(slot) = self.slot_mut(id) {
            slot.task = Some(task);
        }
    }

    /// Frees the slot of a finished task.
    pub(crate) fn remove(&mut self, id: TaskId) {
        if self.slot_mut(id).is_some() {
            self.slots.remove(id.index());
        }
    }

    /// Empties the table, handing back every task in it.
    pub(crate) fn drain(&mut self) -> Vec<Arc<dyn Runnable>> {
        self.slots.drain().filter_map(|slot| slot.task).collect()
    }

    /// Live tasks, including one being polled.
    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Every live task and what it is doing, in spawn order.
    pub(crate) fn states(&self) -> Vec<(TaskId, TaskState)> {
        let mut states: Vec<(TaskId, TaskState)> = self
            .slots
            .iter()
            .map(|(index, slot)| {
                let state = match &slot.task {
                    None => TaskState::Running,
                    Some(task) if task.is_queued() => TaskState::Queued,
                    Some(_) => TaskState::Waiting,
                };
                (TaskId::new(index, slot.generation), state)
            })
            .collect();
        // Generations count spawns (wrapping after 2³², where the order of
        // the survivors is the one thing this gets wrong).
        states.sort_by_key(|(id, _)| id.generation());
        states
    }

    /// The address each task's wakers point at, and the task's id. A task
    /// out being polled is not in it.
    pub(crate) fn waker_owners(&self) -> HashMap<usize, TaskId> {
        self.slots
            .iter()
            .filter_map(|(index, slot)| {
                let task = slot.task.as_ref()?;
                let address = Arc::as_ptr(task).cast::<()>() as usize;
                Some((address, TaskId::new(index, slot.generation)))
            })
            .collect()
    }

    fn slot_mut(&mut self, id: TaskId) -> Option<&mut Slot> {
        self.slots
            .get_mut(id.index())
            .filter(|slot| slot.generation == id.generation())
    }
}
