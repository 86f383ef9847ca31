//! # Labels: telling runtimes apart
//!
//! A program may run several loops: `examples/fetch.rs` runs a server
//! runtime on one thread and a client runtime on another, the tour builds
//! one per chapter. Their log lines, inspect output, timelines and trace
//! lanes must say which loop they come from, so every runtime gets a short
//! *label*. asyncio has no such name (a process usually has one loop); the
//! nearest is the thread name in its log records.
//!
//! [`Builder::label`](crate::Builder::label) sets it; by default it is
//! `rt1`, `rt2`, … in the order the runtimes of the process were built.
//! Every runtime, labelled or not, also takes the next *number* from the
//! same process-wide counter: the trace file uses it as the runtime's
//! process id, so lane groups stay apart even if two runtimes share a
//! label.
//!
//! Invariant: numbers are unique in a process and increase in build order;
//! a default label is `rt` followed by the runtime's number.

use std::sync::atomic::{AtomicU64, Ordering};

/// Runtimes built so far in this process.
static BUILT: AtomicU64 = AtomicU64::new(0);

/// A runtime's name in logs, inspect output, timelines and traces.
#[derive(Clone, Debug)]
pub(crate) struct Label {
    /// What to print: the builder's label, or `rt<number>`.
    pub(crate) name: std::rc::Rc<str>,
    /// Unique in the process, from 1, in build order.
    pub(crate) number: u64,
}

impl Label {
    /// The next runtime's label: `chosen`, or `rt<number>` by default.
    pub(crate) fn next(chosen: Option<String>) -> Label {
        // Relaxed is enough: only uniqueness matters, not ordering with
        // other memory.
        let number = BUILT.fetch_add(1, Ordering::Relaxed) + 1;
        let name = chosen.unwrap_or_else(|| format!("rt{number}"));
        Label {
            name: name.into(),
            number,
        }
    }
}
