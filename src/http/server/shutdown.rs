//! # Graceful shutdown: stop accepting, finish, close, return
//!
//! Killing a server mid-request cuts a client off halfway through its
//! answer. A graceful shutdown (aiohttp's `GracefulExit`, uvicorn's and
//! nginx's "graceful stop") goes in three steps:
//!
//! ```text
//!   stop ─► 1. drop the listener: no new connections
//!           2. every connection that is idle (waiting for its next
//!              request) closes now; every one in the middle of a request
//!              finishes it, answers with `Connection: close`, and closes
//!           3. after the grace period, connections still open are cut
//!              (their tasks' futures dropped), and serve_until returns
//! ```
//!
//! [`Drain`] is the state every connection of one server shares for this:
//! two level-triggered [`Event`]s (`stopping`, then `cut`), the number of
//! open connections with a [`Notify`] rung each time one closes, and the
//! counters that become the [`ShutdownReport`]. Connections look at it at
//! the two points where it matters: while waiting for a request (an idle
//! connection leaves at once) and after a response (no keep-alive once
//! stopping).
//!
//! Dropped futures: [`Drain::shut_down`] dropped at an `.await` leaves
//! `stopping` set: connections still drain, only nobody cuts them at the
//! deadline.

use crate::sync::{Event, Notify};
use std::cell::Cell;
use std::time::Duration;

/// What a graceful shutdown did, returned by
/// [`Server::serve_until`](super::Server::serve_until).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Requests answered after the stop began (they were in flight).
    pub finished: usize,
    /// Connections closed because they were idle when the stop began.
    pub closed_idle: usize,
    /// Connections still busy at the end of the grace period, cut off.
    pub cut: usize,
}

/// Shared by a server's accept loop and all its connections.
#[derive(Default)]
pub(super) struct Drain {
    stopping: Event,
    cut: Event,
    closed: Notify,
    open: Cell<usize>,
    report: Cell<ShutdownReport>,
}

/// Counts one open connection for as long as it lives.
pub(super) struct Open<'a>(&'a Drain);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.set(self.0.open.get() - 1);
        self.0.closed.notify_waiters();
    }
}

impl Drain {
    pub(super) fn open(&self) -> Open<'_> {
        self.open.set(self.open.get() + 1);
        Open(self)
    }

    pub(super) fn is_stopping(&self) -> bool {
        self.stopping.is_set()
    }

    /// Resolves when the stop begins.
    pub(super) async fn stopping(&self) {
        self.stopping.wait().await
    }

    /// Resolves when the grace period is over.
    pub(super) async fn cut(&self) {
        self.cut.wait().await
    }

    fn count(&self, change: impl FnOnce(&mut ShutdownReport)) {
        let mut report = self.report.get();
        change(&mut report);
        self.report.set(report);
    }

    pub(super) fn count_finished(&self) {
        self.count(|report| report.finished += 1);
    }

    pub(super) fn count_closed_idle(&self) {
        self.count(|report| report.closed_idle += 1);
    }

    pub(super) fn count_cut(&self) {
        self.count(|report| report.cut += 1);
    }

    async fn all_closed(&self) {
        while self.open.get() > 0 {
            self.closed.notified().await;
        }
    }

    /// Steps 2 and 3 of the module notes (the caller has done step 1).
    pub(super) async fn shut_down(&self, grace: Duration) -> ShutdownReport {
        self.stopping.set();
        if crate::time::timeout(grace, self.all_closed()).await.is_err() {
            self.cut.set();
            self.all_closed().await;
        }
        self.report.get()
    }
}
