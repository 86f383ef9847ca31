//! # What the observer may look at: a read-only view of the loop
//!
//! The inspect mode prints, before each wait, the pending timers and the
//! registered sockets with whoever waits on them; the task dump lists the
//! live tasks. The observer does not own any of that: the reactor and the
//! task table do. So at the few moments it needs to look (a turn begins, a
//! wait begins, the loop stops), the loop hands it itself as a
//! [`LoopView`], and the observer asks. Nothing here changes the loop;
//! every method only reads, and none is called unless a tool that needs it
//! is on.
//!
//! *Who waits* is the interesting part. The reactor stores wakers, not
//! tasks, and a `Waker` cannot say whose it is. But our wakers point at
//! their task's allocation (`src/task/raw.rs`), the same address the task
//! table's `Arc` holds, so the loop can match the two
//! ([`LoopView::waker_owners`]). A waker made by a combinator (`join_all`,
//! `select`, a `JoinSet`) points elsewhere and is shown as such.
//!
//! [`describe_waits`] words what the loop is about to wait for, as the
//! inspect mode prints it before each wait: the nearest timers and who
//! each will wake, then every registered socket (by slot and generation),
//! its readiness, and who waits to read and to write it.

use super::task_dump::{TaskRecords, TaskState};
use super::timeline::human;
use crate::reactor::Reactor;
use crate::scheduler::TaskId;
use std::collections::HashMap;
use std::fmt::Write;
use std::time::Instant;

/// Timers and sockets shown before the rest are counted.
const TIMERS_SHOWN: usize = 4;
const SOCKETS_SHOWN: usize = 8;

/// The loop, as the observer may see it. Implemented by the event loop.
pub(crate) trait LoopView {
    /// The reactor, for its timers and sockets.
    fn reactor(&self) -> &Reactor;

    /// Every live task and its state, in spawn order.
    fn task_states(&self) -> Vec<(TaskId, TaskState)>;

    /// Which task each waker address belongs to: every task in the table,
    /// and the current `block_on` future.
    fn waker_owners(&self) -> HashMap<usize, TaskId>;
}

/// Who a stored waker will wake, as far as the loop can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waiter {
    /// The task's own waker.
    Task(TaskId),
    /// Some other waker: a combinator's, or one from outside the runtime.
    Other,
}

impl Waiter {
    /// Names the owner of the waker at `address`.
    pub(crate) fn of(address: usize, owners: &HashMap<usize, TaskId>) -> Waiter {
        owners.get(&address).map_or(Waiter::Other, |&id| Waiter::Task(id))
    }
}

/// The inspect mode's `timers` and `sockets` lines.
pub(crate) fn describe_waits(view: &dyn LoopView, records: &TaskRecords) -> String {
    let reactor = view.reactor();
    let owners = view.waker_owners();
    let waiter = |address: Option<usize>| match address.map(|address| Waiter::of(address, &owners)) {
        Some(Waiter::Task(id)) => records.describe(id),
        Some(Waiter::Other) => "another waker (a combinator's)".to_string(),
        None => "nobody".to_string(),
    };
    let mut text = String::new();
    let (pending, upcoming) = reactor.pending_timers(TIMERS_SHOWN);
    if pending == 0 {
        text.push_str("  timers   none\n");
    } else {
        let now = Instant::now();
        let _ = write!(text, "  timers   {pending} pending:");
        for (index, &(deadline, address)) in upcoming.iter().enumerate() {
            let due = deadline.saturating_duration_since(now);
            let when = match due.is_zero() {
                true => "due now".to_string(),
                false => format!("in {}", human(due)),
            };
            let separator = if index == 0 { "" } else { ";" };
            let _ = write!(text, "{separator} {when} → {}", waiter(address));
        }
        text.push_str(if pending > upcoming.len() { "; …\n" } else { "\n" });
    }
    let sockets = reactor.sockets();
    if sockets.is_empty() {
        text.push_str("  sockets  none\n");
    }
    for (index, socket) in sockets.iter().take(SOCKETS_SHOWN).enumerate() {
        let ready = socket.readiness();
        let ready = match ready.is_empty() {
            true => "not ready".to_string(),
            false => ready.join(", "),
        };
        let _ = writeln!(
            text,
            "{}{} ({ready}): reader {}, writer {}",
            if index == 0 { "  sockets  " } else { "           " },
            socket.key,
            waiter(socket.reader),
            waiter(socket.writer)
        );
    }
    if sockets.len() > SOCKETS_SHOWN {
        let _ = writeln!(text, "           … and {} more", sockets.len() - SOCKETS_SHOWN);
    }
    text
}
