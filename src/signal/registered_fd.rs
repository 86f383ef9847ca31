//! # Any file descriptor in the reactor
//!
//! Sockets have [`net`](crate::net)'s registration; pipes, a pidfd and the
//! signal wake pipe are plain file descriptors, and epoll watches them the
//! same way. [`RegisteredFd`] reuses that registration whole —
//! `net::Registered`, with its readiness wait and its
//! retry-until-`WouldBlock` rule — around [`FdSource`], an owned fd (kept as
//! a `File`, whose `&File` can `read` and `write`) that mio registers
//! through `mio::unix::SourceFd`, which borrows the raw number.
//!
//! asyncio does the same with `loop.add_reader(fd, callback)`: any fd will
//! do, not only sockets.
//!
//! Invariants: the fd is non-blocking (the constructor makes it so), it is
//! registered for its whole life and deregistered before it is closed
//! (`Registered`'s drop runs before the `File` inside it is dropped). Used
//! from a runtime other than its own, or after that runtime is gone, it
//! fails with an `io::Error` instead of waiting in a reactor nobody polls.

use crate::net::Registered;
use crate::reactor::Direction;
use mio::event::Source;
use mio::unix::SourceFd;
use mio::{Interest, Registry, Token};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::task::{Context, Poll};

/// An owned fd that mio can register: the `Source` of a [`RegisteredFd`].
pub(crate) struct FdSource(File);

impl Source for FdSource {
    fn register(&mut self, registry: &Registry, token: Token, interests: Interest) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).register(registry, token, interests)
    }

    fn reregister(&mut self, registry: &Registry, token: Token, interests: Interest) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).reregister(registry, token, interests)
    }

    fn deregister(&mut self, registry: &Registry) -> io::Result<()> {
        SourceFd(&self.0.as_raw_fd()).deregister(registry)
    }
}

pub(crate) struct RegisteredFd {
    io: Registered<FdSource>,
}

impl RegisteredFd {
    /// Makes `fd` non-blocking and registers it with the current runtime's
    /// reactor. `what` names the caller for the panic outside a runtime.
    pub(crate) fn new(fd: OwnedFd, what: &str) -> io::Result<RegisteredFd> {
        crate::sys::set_nonblocking(fd.as_fd())?;
        Ok(RegisteredFd {
            io: Registered::new(FdSource(File::from(fd)), what)?,
        })
    }

    /// This fd's reactor, if it is the one running on this thread.
    pub(crate) fn reactor(&self) -> io::Result<std::rc::Rc<crate::reactor::Reactor>> {
        self.io.reactor()
    }

    /// `Ready` when an operation in `direction` may not block.
    pub(crate) fn poll_ready(&self, direction: Direction, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_ready(direction, cx)
    }

    /// The kernel said `WouldBlock` (or the readiness was spurious).
    pub(crate) fn forget_readiness(&self, direction: Direction) {
        self.io.forget_after_would_block(direction);
    }

    pub(crate) fn poll_read(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(Direction::Read, cx, |source| (&source.0).read(buf))
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(Direction::Write, cx, |source| (&source.0).write(buf))
    }

    /// Reads whatever is there without waiting: bytes read, 0 if nothing
    /// (or end of stream). Clears the readiness once the fd is drained.
    pub(crate) fn drain(&self) -> io::Result<usize> {
        let mut total = 0;
        let mut buf = [0u8; 64];
        loop {
            match (&self.io.source().0).read(&mut buf) {
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
