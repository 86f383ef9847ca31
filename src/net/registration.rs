//! # A socket registered with the reactor
//!
//! [`Registered`] pairs a mio socket with its slot in the reactor and turns
//! a non-blocking system call into a poll: *try the call; if the kernel says
//! `WouldBlock`, clear the readiness it disproved and wait for the next
//! event*. asyncio does the same with `add_reader(fd, callback)` around a
//! non-blocking `sock.recv`, inside `loop.sock_recv`.
//!
//! Invariants: a source is registered for its whole life and deregistered
//! when dropped (if its runtime is still there; closing the fd removes it
//! from epoll anyway). Readiness is cleared only on `WouldBlock` (see
//! `src/reactor/io.rs`), so callers must retry an operation until it blocks
//! before relying on a new event — which is what [`Registered::poll_io`]
//! does.

use crate::reactor::{Direction, IoKey, Reactor};
use mio::event::Source;
use std::io;
use std::rc::Rc;
use std::task::{Context, Poll};

pub(crate) struct Registered<S: Source> {
    source: S,
    key: IoKey,
    reactor: Rc<Reactor>,
}

impl<S: Source> Registered<S> {
    /// Registers `source` with the current runtime's reactor. `what` names
    /// the caller for the panic message outside a runtime.
    pub(crate) fn new(mut source: S, what: &str) -> io::Result<Registered<S>> {
        let reactor = crate::runtime::current_reactor(what);
        let key = reactor.register(&mut source)?;
        Ok(Registered { source, key, reactor })
    }

    pub(crate) fn source(&self) -> &S {
        &self.source
    }

    /// `Ready` when an operation in `direction` may not block.
    pub(crate) fn poll_ready(&self, direction: Direction, cx: &mut Context<'_>) -> Poll<()> {
        self.reactor.poll_ready(self.key, direction, cx)
    }

    /// Records that the kernel said `WouldBlock` in `direction`.
    pub(crate) fn clear_ready(&self, direction: Direction) {
        self.reactor.clear_ready(self.key, direction);
    }

    /// Runs the non-blocking `operation` once readiness allows, and again
    /// after each `WouldBlock`, until it gives a result or we must wait.
    pub(crate) fn poll_io<R>(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
        mut operation: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            if self.poll_ready(direction, cx).is_pending() {
                return Poll::Pending;
            }
            match operation(&self.source) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => self.clear_ready(direction),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => return Poll::Ready(result),
            }
        }
    }
}

impl<S: Source> Drop for Registered<S> {
    fn drop(&mut self) {
        self.reactor.deregister(&mut self.source, self.key);
    }
}
