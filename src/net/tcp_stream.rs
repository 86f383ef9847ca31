//! # `TcpStream`: a connection, read and written on the loop
//!
//! asyncio's `open_connection` gives a `(StreamReader, StreamWriter)` pair;
//! here one [`TcpStream`] does both, through [`AsyncRead`] and
//! [`AsyncWrite`], and [`TcpStream::split`] lends out a reading half and a
//! writing half when one task must do both at once.
//!
//! ## Connecting without blocking
//! A non-blocking `connect()` returns before the handshake is done. The
//! socket becomes *writable* when the handshake ends either way, so
//! [`TcpStream::connect`] waits for writability and then asks how it went:
//! `SO_ERROR` (`take_error`) reports a failure such as "connection
//! refused"; otherwise `peer_addr()` succeeds once connected, and says
//! `NotConnected` if the writable event was spurious and we must wait again.
//! This is the procedure mio documents for `TcpStream::connect`.
//!
//! Invariant: the stream has one reader waker and one writer waker in the
//! reactor, so at most one task may wait to read and one to write. `&mut
//! self` on reads and writes enforces that; `split` hands out exactly one
//! half of each kind.

use super::registration::Registered;
use super::{AsyncRead, AsyncWrite};
use crate::reactor::Direction;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::task::{Context, Poll};

/// A TCP connection.
pub struct TcpStream {
    io: Registered<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`. Fails with the kernel's error (for
    /// example `ConnectionRefused` when nothing listens there), naming the
    /// address. Wrap it in [`timeout`](crate::time::timeout) to bound how
    /// long an unanswered connect may take.
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "open_connection")]
    pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
        let with_addr = |error: io::Error| io::Error::new(error.kind(), format!("connect to {addr}: {error}"));
        let stream = mio::net::TcpStream::connect(addr).map_err(with_addr)?;
        let stream = TcpStream {
            io: Registered::new(stream, "TcpStream::connect")?,
        };
        poll_fn(|cx| stream.poll_connected(cx)).await.map_err(with_addr)?;
        Ok(stream)
    }

    fn poll_connected(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match self.io.poll_ready(Direction::Write, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {}
            }
            if let Some(error) = self.io.source().take_error()? {
                return Poll::Ready(Err(error));
            }
            match self.io.source().peer_addr() {
                Ok(_) => return Poll::Ready(Ok(())),
                // A spurious wakeup: the handshake is still in progress.
                Err(error) if error.kind() == io::ErrorKind::NotConnected => {
                    self.io.forget_after_would_block(Direction::Write)
                }
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
    }

    pub(crate) fn from_mio(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Registered::new(stream, "TcpStream")?,
        })
    }

    /// Adopts a connected `std::net` stream (switching it to non-blocking).
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::from_mio(mio::net::TcpStream::from_std(stream))
    }

    /// Gives the connection back as a `std::net::TcpStream` (still in
    /// non-blocking mode), deregistered from this runtime: the way to hand
    /// a connection to a loop on another thread, which adopts it with
    /// [`TcpStream::from_std`]. (Readiness already seen by this runtime is
    /// forgotten; the new loop starts fresh, which is safe.)
    pub fn into_std(self) -> std::net::TcpStream {
        std::net::TcpStream::from(self.io.into_source())
    }

    /// Borrows a reading half and a writing half, to read and write from
    /// the same task at once (for example with `select`).
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        (ReadHalf { stream: self }, WriteHalf { stream: self })
    }

    /// Shuts down the read side, the write side, or both. Shutting down
    /// writing sends FIN: the peer reads end of stream.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.source().shutdown(how)
    }

    /// Sets `TCP_NODELAY`: send small writes at once instead of batching
    /// them (Nagle's algorithm).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.source().set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.source().nodelay()
    }

    /// This end's address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().local_addr()
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().peer_addr()
    }

    /// Test support (see `src/net/fault.rs`): makes the reactor report
    /// readiness for this socket that the kernel did not. Only with the
    /// `fault-injection` feature.
    #[cfg(feature = "fault-injection")]
    pub fn readiness_injector(&self) -> super::ReadinessInjector {
        self.io.readiness_injector()
    }

    fn poll_read_shared(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let wanted = buf.len();
        let read = self.io.poll_io(Direction::Read, cx, |mut stream| stream.read(buf));
        // A short read emptied the socket's receive buffer, so the next read
        // would only say WouldBlock: skip that system call. A keep-alive
        // HTTP request then costs a write, the shared epoll_wait and a read.
        if let Poll::Ready(Ok(got)) = read
            && got > 0
            && got < wanted
        {
            self.io.forget_readable_after_short_read();
        }
        read
    }

    fn poll_write_shared(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(Direction::Write, cx, |mut stream| stream.write(buf))
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_shared(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_shared(cx, buf)
    }
}

impl std::fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}

/// The reading half of a [`TcpStream`], from [`TcpStream::split`].
#[derive(Debug)]
pub struct ReadHalf<'a> {
    stream: &'a TcpStream,
}

/// The writing half of a [`TcpStream`], from [`TcpStream::split`].
#[derive(Debug)]
pub struct WriteHalf<'a> {
    stream: &'a TcpStream,
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_read_shared(cx, buf)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_write_shared(cx, buf)
    }
}

impl WriteHalf<'_> {
    /// Sends FIN: the peer reads end of stream. Reading is unaffected.
    pub fn shutdown(&self) -> io::Result<()> {
        self.stream.shutdown(Shutdown::Write)
    }
}
