//! # `UnixStream`: a connection to a path, on the loop
//!
//! A Unix domain socket is a byte stream between two processes on one
//! machine, addressed by a path in the file system instead of an IP
//! address and port. asyncio's `open_unix_connection(path)` opens one. To
//! the reactor it is exactly a TCP stream: the same readiness, the same
//! retry-until-`WouldBlock`, the same short-read shortcut
//! (`registration.rs`), so [`UnixStream`] is a thin wrapper giving the
//! same [`AsyncRead`]/[`AsyncWrite`], `split`, `into_split` and, on top,
//! [`BufReader`](crate::io::BufReader) support as
//! [`TcpStream`](super::TcpStream).
//!
//! Connecting differs in one way: a non-blocking `connect` on a Unix
//! socket either finishes at once or, when the listener's backlog is full,
//! fails with `WouldBlock` — it does not wait in the kernel as TCP's
//! handshake does. That case is reported as an error naming the path,
//! instead of a `WouldBlock` the caller could not tell from a bug.
//!
//! Invariant and drops: as for `TcpStream` (one waker per direction; see
//! `split.rs`).

use super::registration::Registered;
use super::split::{self, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, shared::SharedStream};
use super::to_socket_addrs::quoted;
use super::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::net::Shutdown;
use std::os::unix::net::SocketAddr;
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix domain stream socket.
///
/// ```
/// use runloop::net::{UnixListener, UnixStream};
/// use runloop::prelude::*;
/// let dir = std::env::temp_dir().join(format!("runloop-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("echo.sock");
/// runloop::run(async {
///     let mut listener = UnixListener::bind(&path).unwrap();
///     let mut client = UnixStream::connect(&path).await.unwrap();
///     let (mut server, _) = listener.accept().await.unwrap();
///     client.write_all(b"hello").await.unwrap();
///     let mut got = [0; 5];
///     server.read_exact(&mut got).await.unwrap();
///     assert_eq!(&got, b"hello");
/// });
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct UnixStream {
    io: Registered<mio::net::UnixStream>,
}

impl UnixStream {
    /// Connects to the listener at `path`: asyncio's
    /// `open_unix_connection`. Fails with an error naming the path when
    /// nothing listens there (`NotFound`, `ConnectionRefused`) or its
    /// backlog is full.
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "open_unix_connection")]
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let path = path.as_ref();
        let named = |error: io::Error| {
            let why = match error.kind() {
                io::ErrorKind::WouldBlock => "the listener's backlog is full".to_string(),
                _ => error.to_string(),
            };
            io::Error::new(
                error.kind(),
                format!("connect to {}: {why}", quoted(&path.to_string_lossy())),
            )
        };
        let stream = UnixStream::from_mio(mio::net::UnixStream::connect(path).map_err(named)?)?;
        let connected = poll_fn(|cx| {
            stream
                .io
                .poll_connected(cx, |socket| socket.take_error(), |socket| socket.peer_addr().map(drop))
        });
        connected.await.map_err(named)?;
        Ok(stream)
    }

    /// Two streams connected to each other, with no path: for tests, and
    /// for talking to a child process.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        Ok((UnixStream::from_mio(a)?, UnixStream::from_mio(b)?))
    }

    pub(crate) fn from_mio(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: Registered::new(stream, "UnixStream")?,
        })
    }

    /// Adopts a connected `std` stream (switching it to non-blocking).
    pub fn from_std(stream: std::os::unix::net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        UnixStream::from_mio(mio::net::UnixStream::from_std(stream))
    }

    /// Gives the connection back as a `std` stream (still non-blocking),
    /// deregistered from this runtime.
    pub fn into_std(self) -> std::os::unix::net::UnixStream {
        std::os::unix::net::UnixStream::from(self.io.into_source())
    }

    /// Borrows a reading half and a writing half (one task).
    pub fn split(&mut self) -> (ReadHalf<'_, UnixStream>, WriteHalf<'_, UnixStream>) {
        (ReadHalf { stream: self }, WriteHalf { stream: self })
    }

    /// Owned halves for two tasks; see
    /// [`TcpStream::into_split`](super::TcpStream::into_split).
    pub fn into_split(self) -> (OwnedReadHalf<UnixStream>, OwnedWriteHalf<UnixStream>) {
        split::into_split(self)
    }

    /// Shuts down the read side, the write side, or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.source().shutdown(how)
    }

    /// This end's address (often unnamed: a client has no path).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().local_addr()
    }

    /// The other end's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().peer_addr()
    }
}

impl SharedStream for UnixStream {
    fn poll_read_shared(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read_stream(cx, buf)
    }

    fn poll_write_shared(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write_stream(cx, buf)
    }

    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
}

impl AsyncRead for UnixStream {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_shared(cx, buf)
    }
}

impl AsyncWrite for UnixStream {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_shared(cx, buf)
    }

    fn poll_write_eof(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_write())
    }
}

impl std::fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnixStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}
