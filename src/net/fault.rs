//! # Test support: readiness the kernel did not report
//!
//! Readiness from epoll can be wrong in two ways that the rest of `net`
//! must survive, and that the kernel produces rarely and at moments of its
//! own choosing, so a test cannot wait for them:
//!
//! - **spurious**: an event says "readable" (or writable, closed, error)
//!   but the operation says `WouldBlock`. Another reader took the data
//!   first, a packet was dropped after the wakeup; epoll and kqueue both
//!   allow it. Done right, it costs one `WouldBlock` and the task waits
//!   again (see "Edge-triggered readiness, done right" in
//!   `src/reactor/io.rs`);
//! - **stale**: an event for a socket that has been closed, arriving when
//!   its reactor slot already belongs to a new socket. Linux removes a
//!   deregistered socket's events, and our loop dispatches a whole batch
//!   before any task runs, so on this design it cannot happen by itself;
//!   the generation packed into every token is what would stop it if it
//!   did (a kqueue port, a reactor that wakes tasks while dispatching).
//!
//! A [`ReadinessInjector`] makes both happen on demand. It remembers one
//! socket's token, and [`inject`](ReadinessInjector::inject) queues an
//! event for it that the reactor dispatches with its next batch through
//! the very code that dispatches real events (`IoSlots::dispatch`), so
//! nothing about the handling is simulated. After the socket is closed,
//! the injector still holds the old token: that is a stale event.
//!
//! This is not part of the normal API: it is compiled only with the cargo
//! feature `fault-injection`, which `tests/reactor_spurious_readiness.rs`
//! and `tests/reactor_stale_tokens.rs` require (`required-features` in
//! `Cargo.toml`), so an ordinary build has no such code, not even a branch
//! in the reactor's wait.

use crate::reactor::{ERROR, IoKey, READ_CLOSED, READABLE, Reactor, Readiness, WRITABLE, WRITE_CLOSED};
use std::rc::Weak;

/// Which readiness to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injected {
    /// `EPOLLIN`
    Readable,
    /// `EPOLLOUT`
    Writable,
    /// `EPOLLRDHUP`: the peer shut down its sending side.
    ReadClosed,
    /// `EPOLLHUP` seen from the writing side.
    WriteClosed,
    /// `EPOLLERR`
    Error,
    /// All of the above at once.
    Everything,
}

impl Injected {
    fn bits(self) -> Readiness {
        match self {
            Injected::Readable => READABLE,
            Injected::Writable => WRITABLE,
            Injected::ReadClosed => READ_CLOSED,
            Injected::WriteClosed => WRITE_CLOSED,
            Injected::Error => ERROR,
            Injected::Everything => READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR,
        }
    }
}

/// Queues made-up events for one socket's token; see the module notes.
#[derive(Clone)]
pub struct ReadinessInjector {
    reactor: Weak<Reactor>,
    key: IoKey,
}

impl ReadinessInjector {
    pub(crate) fn new(reactor: Weak<Reactor>, key: IoKey) -> ReadinessInjector {
        ReadinessInjector { reactor, key }
    }

    /// Reports `event` for the socket's token with the reactor's next
    /// batch. Does nothing once the runtime is gone.
    pub fn inject(&self, event: Injected) {
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.inject(self.key.token(), event.bits());
        }
    }

    /// The socket's slot in the reactor's table. A socket opened after this
    /// one is closed may get the same slot, under a new generation.
    pub fn slot(&self) -> usize {
        self.key.slot()
    }
}

impl std::fmt::Debug for ReadinessInjector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadinessInjector")
            .field("token", &self.key.token())
            .finish()
    }
}
