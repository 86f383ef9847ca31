//! # The scheduler seam: who runs next
//!
//! asyncio keeps ready work in one FIFO deque, `loop._ready`, and runs it in
//! order. runloop puts that deque behind a small trait, [`Schedule`], so the
//! policy can be swapped ([`Builder::scheduler`](crate::runtime::Builder::scheduler))
//! and studied without touching the loop.
//!
//! A policy sees tasks only by [`TaskId`], plus the [`Cause`] that made each
//! one ready. It never polls anything and never sees a future: the loop asks
//! it "who next?", polls that task, and tells it about every task that became
//! ready meanwhile. That keeps a policy a plain data structure you can test
//! on its own. The future given to `block_on` is scheduled like a task,
//! under an id for which [`TaskId::is_main`] is true.
//!
//! What the loop promises a policy:
//! - a task is pushed at most once until it is popped again (waking is
//!   idempotent before it gets here);
//! - a popped id may be stale (the task was cancelled meanwhile); the loop
//!   checks and skips it, so a policy never needs to;
//! - [`Schedule::spawned`] comes before a task's first push, with what it
//!   was spawned with (priority, deadline, name), and
//!   [`Schedule::finished`] after its last poll (also when it was
//!   cancelled; tasks still alive when the runtime is dropped are dropped
//!   with the policy, unannounced);
//! - **except the `block_on` future**: it is pushed and popped like any
//!   task but never announced — no `spawned`, no `finished` — so a policy
//!   knows no priority, deadline or name for it and must give it a default.
//!   Its [`TaskId::index`] is `u32::MAX`: look it up with `get`, never
//!   grow a `Vec` to reach it (that would be four billion entries);
//!
//! and what it expects in return:
//! - every pushed task is eventually popped (no starvation, no loss),
//!   whatever it was spawned with;
//! - `pop` returns `None` only when nothing is waiting, and `len` counts
//!   exactly the tasks pushed and not yet popped (the loop sleeps when the
//!   policy looks empty);
//! - `pop` does not return an id that was not pushed, nor one twice per
//!   push.
//!
//! [`conformance::check`] tests exactly these promises on any policy, with
//! tasks that have priorities, deadlines and names, and with `block_on`
//! futures that were never announced.
//!
//! The loop also bounds how many tasks it polls per turn before it checks
//! I/O and timers again, so even a policy that always favours the same busy
//! tasks cannot starve the reactor.
//!
//! Files, in reading order: this one (the trait), `fifo.rs` (asyncio's
//! policy), `lifo_slot.rs` (tokio's "next task" slot), `priority.rs`
//! (priorities with aging), `conformance.rs` (the checks; in
//! `conformance/`, the audit that watches a policy's every answer, the
//! watchdog that runs each check on its own thread, and the checks
//! themselves).

pub mod conformance;
mod fifo;
mod lifo_slot;
mod priority;

pub use crate::task::TaskId;
pub use fifo::Fifo;
pub use lifo_slot::LifoSlot;
pub use priority::Priority;

use std::time::Instant;

/// A run-queue policy: decides which ready task the loop polls next.
///
/// The loop calls these methods with the policy borrowed, so they may wake
/// tasks but must not spawn them or call back into the runtime otherwise.
///
/// Implement it in one file and pass it to
/// [`Builder::scheduler`](crate::runtime::Builder::scheduler):
///
/// ```
/// use runloop::scheduler::{Ready, Schedule, TaskId};
///
/// /// Last in, first out: the newest ready task runs first.
/// #[derive(Default)]
/// struct Lifo(Vec<TaskId>);
///
/// impl Schedule for Lifo {
///     fn push(&mut self, ready: Ready) { self.0.push(ready.id) }
///     fn pop(&mut self) -> Option<TaskId> { self.0.pop() }
///     fn len(&self) -> usize { self.0.len() }
/// }
///
/// let rt = runloop::Runtime::builder().scheduler(Lifo::default()).build().unwrap();
/// assert_eq!(rt.block_on(async { 6 * 7 }), 42);
/// ```
pub trait Schedule {
    /// A task became ready to run.
    fn push(&mut self, ready: Ready);

    /// The task to poll next, or `None` if none is ready.
    fn pop(&mut self) -> Option<TaskId>;

    /// How many tasks are waiting to run.
    fn len(&self) -> usize;

    /// Whether no task is waiting to run.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A task was spawned, with these options; its first `push` follows.
    /// Policies that rank tasks (by priority, by deadline) remember what
    /// they need here, for example in a `Vec` indexed by
    /// [`TaskId::index`]. The default ignores it.
    ///
    /// Never called for the `block_on` future (see the module docs): its
    /// pushes arrive unannounced, under an id whose index is `u32::MAX`.
    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        let _ = (id, info);
    }

    /// A task finished (returned, panicked or was cancelled) and will not be
    /// pushed again; its index may be reused by the next spawn. Not called
    /// for the `block_on` future. The default ignores it.
    fn finished(&mut self, id: TaskId) {
        let _ = id;
    }

    /// A short name for logs.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

/// A task that became ready, as the loop reports it to a [`Schedule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ready {
    /// The task to run.
    pub id: TaskId,
    /// Why it is ready.
    pub cause: Cause,
}

impl Ready {
    /// A ready task (for tests of a policy outside a runtime).
    pub fn new(id: TaskId, cause: Cause) -> Ready {
        Ready { id, cause }
    }
}

/// Why a task became ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// It was just spawned.
    Spawned,
    /// It was woken while the task `by` was being polled. `by` is the task
    /// itself when it woke itself, as [`yield_now`](crate::yield_now) does.
    WokenBy(TaskId),
    /// It was woken by the reactor: I/O readiness or an expired timer.
    Reactor,
    /// It was woken from another thread.
    Remote,
}

/// What a task was spawned with, as [`Schedule::spawned`] reports it (set
/// with [`TaskBuilder`](crate::TaskBuilder)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpawnInfo<'a> {
    /// Higher runs first under [`Priority`]; 0 by default.
    pub priority: u8,
    /// A deadline the task should finish by, for deadline-aware policies.
    pub deadline: Option<Instant>,
    /// The task's name, if it has one.
    pub name: Option<&'a str>,
}

/// `SpawnInfo` is `#[non_exhaustive]`, so code outside runloop (a policy's
/// tests, the conformance suite's users) builds one with these, the way
/// [`TaskBuilder`](crate::TaskBuilder) sets the same options on a task:
///
/// ```
/// use runloop::scheduler::SpawnInfo;
/// use std::time::{Duration, Instant};
///
/// let due = Instant::now() + Duration::from_millis(5);
/// let info = SpawnInfo::with_deadline(due).name("render").priority(3);
/// assert_eq!((info.deadline, info.name, info.priority), (Some(due), Some("render"), 3));
/// assert_eq!(SpawnInfo::default(), SpawnInfo::with_priority(0));
/// ```
impl<'a> SpawnInfo<'a> {
    /// Spawn options with the given priority and nothing else.
    pub fn with_priority(priority: u8) -> SpawnInfo<'a> {
        SpawnInfo::default().priority(priority)
    }

    /// Spawn options with the given deadline and nothing else.
    pub fn with_deadline(deadline: Instant) -> SpawnInfo<'a> {
        SpawnInfo::default().deadline(deadline)
    }

    /// Spawn options with the given name and nothing else.
    pub fn with_name(name: &'a str) -> SpawnInfo<'a> {
        SpawnInfo::default().name(name)
    }

    /// These options, with `priority` instead.
    pub fn priority(self, priority: u8) -> SpawnInfo<'a> {
        SpawnInfo { priority, ..self }
    }

    /// These options, with `deadline` instead.
    pub fn deadline(self, deadline: Instant) -> SpawnInfo<'a> {
        SpawnInfo {
            deadline: Some(deadline),
            ..self
        }
    }

    /// These options, with `name` instead.
    pub fn name(self, name: &'a str) -> SpawnInfo<'a> {
        SpawnInfo {
            name: Some(name),
            ..self
        }
    }
}
