//! # Any file descriptor in the reactor
//!
//! Sockets have [`net`](crate::net)'s registration; pipes, a pidfd and the
//! signal wake pipe are plain file descriptors, and epoll watches them the
//! same way. [`RegisteredFd`] is the smallest wrapper that lets the loop
//! wait on one: an owned fd (kept as a `File`, whose `&File` can `read`
//! and `write`), its key in the reactor, and the retry-until-`WouldBlock`
//! rule of `src/net/registration.rs`. mio registers it through
//! `mio::unix::SourceFd`, which borrows the raw number.
//!
//! asyncio does the same with `loop.add_reader(fd, callback)`: any fd will
//! do, not only sockets.
//!
//! Invariants: the fd is non-blocking (the constructor makes it so), it is
//! registered for its whole life and deregistered before it is closed.
//! Used from a runtime other than its own, or after that runtime is gone,
//! it fails with an `io::Error` instead of waiting in a reactor nobody
//! polls.

use crate::reactor::{Direction, IoKey, Reactor};
use crate::task::budget;
use mio::unix::SourceFd;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

pub(crate) struct RegisteredFd {
    file: File,
    key: IoKey,
    reactor: Weak<Reactor>,
}

impl RegisteredFd {
    /// Makes `fd` non-blocking and registers it with the current runtime's
    /// reactor. `what` names the caller for the panic outside a runtime.
    pub(crate) fn new(fd: OwnedFd, what: &str) -> io::Result<RegisteredFd> {
        crate::sys::set_nonblocking(fd.as_fd())?;
        let reactor = crate::runtime::current_reactor(what);
        let key = reactor.register(&mut SourceFd(&fd.as_raw_fd()))?;
        Ok(RegisteredFd {
            file: File::from(fd),
            key,
            reactor: Rc::downgrade(&reactor),
        })
    }

    /// This fd's reactor, if it is the one running on this thread.
    pub(crate) fn reactor(&self) -> io::Result<Rc<Reactor>> {
        match self.reactor.upgrade() {
            Some(reactor) if crate::runtime::reactor_is_running(&reactor) => Ok(reactor),
            Some(_) => Err(io::Error::other(
                "this pipe belongs to a runtime that is not running on this thread",
            )),
            None => Err(io::Error::other(
                "the runtime this pipe was created in has been dropped",
            )),
        }
    }

    /// `Ready` when an operation in `direction` may not block.
    pub(crate) fn poll_ready(&self, direction: Direction, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.reactor() {
            Ok(reactor) => reactor.poll_ready(self.key, direction, cx).map(Ok),
            Err(error) => Poll::Ready(Err(error)),
        }
    }

    /// The kernel said `WouldBlock` (or the readiness was spurious).
    pub(crate) fn forget_readiness(&self, direction: Direction) {
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.forget_after_would_block(self.key, direction);
        }
    }

    /// Runs `operation` once readiness allows, and again after each
    /// `WouldBlock`, until it gives a result or we must wait.
    fn poll_io<R>(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
        mut operation: impl FnMut(&File) -> io::Result<R>,
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
            match operation(&self.file) {
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => self.forget_readiness(direction),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                result => {
                    budget::spend();
                    return Poll::Ready(result);
                }
            }
        }
    }

    pub(crate) fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Read, cx, |mut file| file.read(buf))
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_io(Direction::Write, cx, |mut file| file.write(buf))
    }

    /// Reads whatever is there without waiting: bytes read, 0 if nothing
    /// (or end of stream). Clears the readiness once the fd is drained.
    pub(crate) fn drain(&self) -> io::Result<usize> {
        let mut total = 0;
        let mut buf = [0u8; 64];
        loop {
            match (&self.file).read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {
                    self.forget_readiness(Direction::Read);
                    return Ok(total);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }
}

impl Drop for RegisteredFd {
    fn drop(&mut self) {
        if let Some(reactor) = self.reactor.upgrade() {
            reactor.deregister(&mut SourceFd(&self.file.as_raw_fd()), self.key);
        }
    }
}
