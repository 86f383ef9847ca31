//! # A socket (or any fd) registered with the reactor
//!
//! [`Registered`] pairs a mio source — a socket, or a pipe or pidfd wrapped
//! by `src/signal/registered_fd.rs` — with its slot in the reactor and turns
//! a non-blocking system call into a poll: *try the call; if the kernel says
//! `WouldBlock`, clear the readiness it disproved and wait for the next
//! event*. asyncio does the same with `add_reader(fd, callback)` around a
//! non-blocking `sock.recv`, inside `loop.sock_recv`.
//!
//! It also holds what the two byte streams, TCP and Unix, share: a read
//! that skips the system call a short read has made pointless, a write,
//! and the wait for a non-blocking `connect` to finish. (A datagram socket
//! uses [`Registered::poll_io`] directly: see `udp_socket.rs` for why the
//! short-read shortcut is wrong for it.)
//!
//! Invariants: a source is registered for its whole life and deregistered
//! when dropped (if its runtime is still there; closing the fd removes it
//! from epoll anyway). Readiness is cleared only on `WouldBlock` (see
//! `src/reactor/io.rs`), so callers must retry an operation until it blocks
//! before relying on a new event — which is what [`Registered::poll_io`]
//! does.
//!
//! A socket belongs to the runtime it was created in, and holds only a
//! `Weak` to that runtime's reactor, so a socket that outlives its runtime
//! does not keep the dead epoll instance alive. Polled after its runtime is
//! gone, or while a different runtime is running, it fails with an
//! `io::Error` saying so, instead of parking a waker in a reactor that
//! nobody polls.

use crate::reactor::{Direction, IoKey, Reactor};
use crate::task::budget;
use mio::event::Source;
use std::io::{self, Read, Write};
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

pub(crate) struct Registered<S: Source> {
    /// Always `Some` until `into_source` takes it out.
    source: Option<S>,
    key: IoKey,
    reactor: Weak<Reactor>,
}

impl<S: Source> Registered<S> {
    /// Registers `source` with the current runtime's reactor. `what` names
    /// the caller for the panic message outside a runtime.
    pub(crate) fn new(mut source: S, what: &str) -> io::Result<Registered<S>> {
        let reactor = crate::runtime::current_reactor(what);
        let key = reactor.register(&mut source)?;
        Ok(Registered {
            source: Some(source),
            key,
            reactor: Rc::downgrade(&reactor),
        })
    }

    /// Deregisters the socket and hands it back, to move it to another
    /// runtime (through `std`).
    pub(crate) fn into_source(mut self) -> S {
        let mut source = self.source.take().expect("a registered source is present");
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.deregister(&mut source, self.key);
        }
        source
    }

    /// This socket's reactor, if it is the one running on this thread.
    pub(crate) fn reactor(&self) -> io::Result<Rc<Reactor>> {
        match self.reactor.upgrade() {
            Some(reactor) if crate::runtime::reactor_is_running(&reactor) => Ok(reactor),
            Some(_) => Err(io::Error::other(
                "this socket (or pipe) belongs to a runtime that is not running on this \
                 thread; it cannot move between runtimes",
            )),
            None => Err(io::Error::other(
                "the runtime this socket (or pipe) was created in has been dropped",
            )),
        }
    }

    pub(crate) fn source(&self) -> &S {
        self.source.as_ref().expect("a registered source is present")
    }

    /// Test support: made-up events for this socket's token.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn readiness_injector(&self) -> super::ReadinessInjector {
        super::ReadinessInjector::new(self.reactor.clone(), self.key)
    }

    /// `Ready` when an operation in `direction` may not block (or when the
    /// socket cannot be used at all: then with the reason).
    pub(crate) fn poll_ready(&self, direction: Direction, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.reactor() {
            Ok(reactor) => reactor.poll_ready(self.key, direction, cx).map(Ok),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    /// Records that the kernel said `WouldBlock` in `direction`.
    pub(crate) fn forget_after_would_block(&self, direction: Direction) {
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.forget_after_would_block(self.key, direction);
        }
    }

    /// Records that a stream read came back short: the receive buffer is
    /// drained (see `IoSlots::forget_readable_after_short_read`).
    pub(crate) fn forget_readable_after_short_read(&self) {
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.forget_readable_after_short_read(self.key);
        }
    }

    /// Runs the non-blocking `operation` once readiness allows, and again
    /// after each `WouldBlock`, until it gives a result or we must wait. Each
    /// completed operation spends one unit of the task's budget.
    pub(crate) fn poll_io<R>(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
        mut operation: impl FnMut(&S) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        if budget::poll_proceed(cx).is_pending() {
            return Poll::Pending;
        }
        loop {
            match self.poll_ready(direction, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {}
            }
            match operation(self.source()) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => self.forget_after_would_block(direction),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => {
                    budget::spend();
                    return Poll::Ready(result);
                }
            }
        }
    }
}

/// Byte streams (TCP and Unix): a read, a write, and the wait for a
/// non-blocking `connect` to finish.
impl<S: Source> Registered<S>
where
    for<'a> &'a S: Read + Write,
{
    /// Reads some bytes. A short read emptied the socket's receive buffer,
    /// so the next read would only say `WouldBlock`: forget `READABLE` and
    /// skip that system call. (Streams only: a datagram socket's short read
    /// says nothing about the datagrams queued behind it.)
    pub(crate) fn poll_read_stream(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let wanted = buf.len();
        let read = self.poll_io(Direction::Read, cx, |mut stream| stream.read(buf));
        if let Poll::Ready(Ok(got)) = read
            && got > 0
            && got < wanted
        {
            self.forget_readable_after_short_read();
        }
        read
    }

    /// Writes some bytes.
    pub(crate) fn poll_write_stream(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, |mut stream| stream.write(buf))
    }

    /// Waits for a non-blocking `connect()` to finish. The socket becomes
    /// *writable* when the handshake ends either way; then `SO_ERROR`
    /// (`take_error`) reports a failure such as "connection refused", and
    /// otherwise `connected` says whether the peer is there (`peer_addr`
    /// succeeds) or the writable event was spurious and we must wait again
    /// (`NotConnected`). This is the procedure mio documents for
    /// `TcpStream::connect` and `UnixStream::connect`.
    pub(crate) fn poll_connected(
        &self,
        cx: &mut Context<'_>,
        take_error: impl Fn(&S) -> io::Result<Option<io::Error>>,
        connected: impl Fn(&S) -> io::Result<()>,
    ) -> Poll<io::Result<()>> {
        loop {
            match self.poll_ready(Direction::Write, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {}
            }
            if let Some(error) = take_error(self.source())? {
                return Poll::Ready(Err(error));
            }
            match connected(self.source()) {
                Ok(()) => return Poll::Ready(Ok(())),
                // A spurious wakeup: the handshake is still in progress.
                Err(error) if error.kind() == io::ErrorKind::NotConnected => {
                    self.forget_after_would_block(Direction::Write)
                }
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
    }
}

impl<S: Source> Drop for Registered<S> {
    fn drop(&mut self) {
        if let (Some(reactor), Some(source)) = (self.reactor.upgrade(), self.source.as_mut()) {
            reactor.deregister(source, self.key);
        }
    }
}
