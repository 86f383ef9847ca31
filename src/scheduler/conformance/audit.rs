//! # The audit: a policy wrapped in a ledger
//!
//! [`Audit`] is itself a [`Schedule`]: it passes every call on to the
//! policy under test, unchanged, and keeps its own ledger of which tasks
//! were pushed and not yet popped. After every answer it asks "could a
//! correct policy have said that?" and, at the first "no", records the
//! broken promise in the [`Watch`] with the task ids involved:
//!
//! - `pop()` returned `None`, or `is_empty()` said `true`, while tasks were
//!   waiting: the policy **lost** them (in a runtime, the loop would now
//!   sleep for ever);
//! - `pop()` returned an id that was not waiting: **invented or
//!   duplicated**;
//! - `len()` disagrees with the ledger;
//! - a task has been passed over by more pops than the patience allows
//!   ([`PATIENCE`](super::PATIENCE) by default): **lost or starved**. This
//!   catches a lost task even while other tasks keep the loop busy, and it
//!   counts pops, not seconds, so a slow machine changes nothing;
//! - a call **panicked** (the `block_on` future, never announced and with
//!   index `u32::MAX`, is the usual victim).
//!
//! Each task is described with what it was spawned with — `#12 "task 11"
//! (priority 255, deadline 3 ms ago)` — so that "it loses exactly the tasks
//! with a deadline" shows in the report. Once a promise is broken the audit
//! is frozen (see `watch.rs`) and stops calling the policy.

use super::super::{Ready, Schedule, SpawnInfo, TaskId};
use super::watch::{Watch, short};
use std::collections::{HashMap, VecDeque};
use std::fmt::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// At most this many tasks are named in one report.
const NAMED: usize = 5;

/// What a task was spawned with, kept for reports.
struct Options {
    priority: u8,
    deadline: Option<Instant>,
    name: Option<String>,
}

/// What the audit knows, shared with the watcher for stall reports.
#[derive(Default)]
struct Ledger {
    /// Pushed and not popped since, with the pop count at the push.
    waiting: HashMap<TaskId, u64>,
    /// The same tasks in push order (entries for tasks popped since are
    /// skipped lazily), so the longest-waiting one is at the front.
    arrivals: VecDeque<(u64, TaskId)>,
    pops: u64,
    /// Options of the tasks announced and not finished.
    options: HashMap<TaskId, Options>,
}

impl Ledger {
    /// `#12 "task 11" (priority 255, deadline in 3 ms)`, or `main (...)`.
    fn describe(&self, id: TaskId) -> String {
        let Some(options) = self.options.get(&id) else {
            return match id.is_main() {
                true => format!("{id} (the block_on future: never announced, index u32::MAX)"),
                false => format!("{id} (never announced)"),
            };
        };
        let mut text = id.to_string();
        if let Some(name) = &options.name {
            let _ = write!(text, " {name:?}");
        }
        let _ = write!(text, " (priority {}", options.priority);
        let now = Instant::now();
        match options.deadline {
            None => text += ", no deadline)",
            Some(deadline) if deadline > now => {
                let _ = write!(text, ", deadline in {})", short(deadline - now));
            }
            Some(deadline) => {
                let _ = write!(text, ", deadline {} ago)", short(now - deadline));
            }
        }
        text
    }

    /// The waiting tasks, longest-waiting first, at most [`NAMED`] of them.
    fn describe_waiting(&self) -> String {
        let mut waiting: Vec<(u64, TaskId)> = self.waiting.iter().map(|(&id, &at)| (at, id)).collect();
        waiting.sort_by_key(|&(at, _)| at);
        let mut text = waiting
            .iter()
            .take(NAMED)
            .map(|&(_, id)| self.describe(id))
            .collect::<Vec<_>>()
            .join(", ");
        if waiting.len() > NAMED {
            let _ = write!(text, " and {} more", waiting.len() - NAMED);
        }
        text
    }

    /// The longest-waiting task and the pops it has been passed over by.
    fn longest_waiting(&mut self) -> Option<(TaskId, u64)> {
        while let Some(&(at, id)) = self.arrivals.front() {
            if self.waiting.get(&id) == Some(&at) {
                return Some((id, self.pops - at));
            }
            self.arrivals.pop_front(); // popped since: stale
        }
        None
    }
}

/// A policy under audit (see the module docs).
pub(super) struct Audit<P> {
    policy: P,
    ledger: Arc<Mutex<Ledger>>,
    watch: Arc<Watch>,
    patience: u64,
}

/// Runs one call into the policy: not at all once the audit is frozen
/// (`None`), and with a panic turned into a violation (`None` too). A panic
/// must not unwind through the loop: the loop would call the policy again
/// on the way out, and a second panic aborts the process.
fn guarded<T>(
    watch: &Watch,
    ledger: &Mutex<Ledger>,
    call: &'static str,
    id: Option<TaskId>,
    f: impl FnOnce() -> T,
) -> Option<T> {
    if watch.is_frozen() {
        return None;
    }
    watch.enter(call);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    watch.leave();
    match result {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = crate::task::panic_message(payload.as_ref()).unwrap_or("a non-string payload");
            let about = id.map(|id| format!(" for {}", lock(ledger).describe(id)));
            watch.violated(format!("{call} panicked{}: {message}", about.unwrap_or_default()));
            None
        }
    }
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: Schedule> Audit<P> {
    /// Audits `policy`, reporting to `watch`; a task may be passed over by
    /// `patience` pops.
    pub(super) fn new(policy: P, watch: Arc<Watch>, patience: u64) -> Audit<P> {
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        watch.describe_with({
            let ledger = ledger.clone();
            move || match lock(&ledger).describe_waiting() {
                waiting if waiting.is_empty() => "no task was waiting in the policy".into(),
                waiting => format!("waiting in the policy: {waiting}"),
            }
        });
        Audit {
            policy,
            ledger,
            watch,
            patience,
        }
    }

    /// Calls the policy (see [`guarded`]).
    fn call<T>(&mut self, call: &'static str, id: Option<TaskId>, f: impl FnOnce(&mut P) -> T) -> Option<T> {
        guarded(&self.watch, &self.ledger, call, id, || f(&mut self.policy))
    }

    /// `len()` and `is_empty()` must agree with the ledger after the call
    /// that `after` describes (only when reporting: formatting is slow).
    fn check_len(&mut self, after: impl FnOnce(&Ledger) -> String) {
        let len_and_empty = || (self.policy.len(), self.policy.is_empty());
        let Some((len, empty)) = guarded(&self.watch, &self.ledger, "len()", None, len_and_empty) else {
            return;
        };
        let ledger = lock(&self.ledger);
        let waiting = ledger.waiting.len();
        let why = if empty && waiting > 0 {
            format!(
                "is_empty() is true after {}, but the policy lost {waiting} task(s) \
                 (the loop would go to sleep): {}",
                after(&ledger),
                ledger.describe_waiting()
            )
        } else if len != waiting {
            format!(
                "len() is {len} after {}, but {waiting} task(s) are waiting: the policy lost or miscounted one",
                after(&ledger)
            )
        } else {
            return;
        };
        drop(ledger);
        self.watch.violated(why);
    }
}

impl<P: Schedule> Schedule for Audit<P> {
    fn push(&mut self, ready: Ready) {
        if self.watch.is_frozen() {
            return;
        }
        let mut ledger = lock(&self.ledger);
        let pops = ledger.pops;
        if ledger.waiting.insert(ready.id, pops).is_some() {
            let why = format!("the loop pushed {} twice (a runloop bug, not the policy's)", ready.id);
            drop(ledger);
            return self.watch.violated(why);
        }
        ledger.arrivals.push_back((pops, ready.id));
        drop(ledger);
        self.call("push()", Some(ready.id), |policy| policy.push(ready));
        self.check_len(|ledger| format!("push({})", ledger.describe(ready.id)));
    }

    fn pop(&mut self) -> Option<TaskId> {
        let popped = self.call("pop()", None, P::pop)?;
        let mut ledger = lock(&self.ledger);
        let Some(id) = popped else {
            if ledger.waiting.is_empty() {
                return None;
            }
            let why = format!(
                "pop() returned None, but the policy lost {} task(s) (the loop would go to sleep): {}",
                ledger.waiting.len(),
                ledger.describe_waiting()
            );
            drop(ledger);
            self.watch.violated(why);
            return None;
        };
        if ledger.waiting.remove(&id).is_none() {
            let why = format!(
                "pop() returned {}, which was not waiting: never pushed, or popped twice for one push",
                ledger.describe(id)
            );
            drop(ledger);
            self.watch.violated(why);
            return None;
        }
        ledger.pops += 1;
        if let Some((oldest, passed_over)) = ledger.longest_waiting()
            && passed_over > self.patience
        {
            let why = format!(
                "{} has been passed over by {passed_over} pops without running: the policy lost or starves it",
                ledger.describe(oldest)
            );
            drop(ledger);
            self.watch.violated(why);
            return None;
        }
        drop(ledger);
        self.check_len(|ledger| format!("pop() gave {}", ledger.describe(id)));
        (!self.watch.is_frozen()).then_some(id)
    }

    fn len(&self) -> usize {
        guarded(&self.watch, &self.ledger, "len()", None, || self.policy.len()).unwrap_or(0)
    }

    fn is_empty(&self) -> bool {
        guarded(&self.watch, &self.ledger, "is_empty()", None, || self.policy.is_empty()).unwrap_or(true)
    }

    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        let options = Options {
            priority: info.priority,
            deadline: info.deadline,
            name: info.name.map(str::to_owned),
        };
        lock(&self.ledger).options.insert(id, options);
        self.call("spawned()", Some(id), |policy| policy.spawned(id, info));
    }

    fn finished(&mut self, id: TaskId) {
        self.call("finished()", Some(id), |policy| policy.finished(id));
        lock(&self.ledger).options.remove(&id);
    }

    fn name(&self) -> &'static str {
        self.policy.name()
    }
}
