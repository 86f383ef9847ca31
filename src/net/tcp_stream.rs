//! # `TcpStream`: a connection, read and written on the loop
//!
//! asyncio's `open_connection(host, port)` gives a `(StreamReader,
//! StreamWriter)` pair; here one [`TcpStream`] does both, through
//! [`AsyncRead`] and [`AsyncWrite`]. When reading and writing must go on
//! at once, [`TcpStream::split`] lends a reading half and a writing half
//! (one task), and [`TcpStream::into_split`] gives owned halves that can
//! live in two tasks (`split.rs`). For `readline`, wrap the stream or its
//! read half in a [`BufReader`](crate::io::BufReader).
//!
//! ## Connecting without blocking
//! [`TcpStream::connect`] takes a host name or addresses
//! (`to_socket_addrs.rs`); a name is looked up on the resolver's thread
//! (`resolver.rs`), and each address is tried in turn until one answers.
//! A non-blocking `connect()` returns before the handshake is done; the
//! socket becomes writable when it ends either way, and
//! `Registered::poll_connected` asks how it went.
//!
//! Dropped at an `.await`: during the lookup, a lookup not yet started is
//! called off; during a handshake, the half-open socket is closed, which
//! the peer sees as a reset or nothing at all.
//!
//! Invariant: the stream has one reader waker and one writer waker in the
//! reactor, so at most one task may wait to read and one to write. `&mut
//! self` on reads and writes enforces that; the halves hand out exactly one
//! half of each kind (see "Why one waker per direction is enough" in
//! `split.rs`).

use super::registration::Registered;
use super::resolver::{resolve, try_each};
use super::split::{self, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, shared::SharedStream};
use super::to_socket_addrs::ToSocketAddrs;
use super::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::task::{Context, Poll};

/// A TCP connection.
pub struct TcpStream {
    io: Registered<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a connection to `addr`: an address, several, or a host name
    /// with a port (`"localhost:8080"`, `("example.com", 80)`; see
    /// [`ToSocketAddrs`]). A name is resolved off the loop thread (see
    /// [`lookup_host`](super::lookup_host)); then each address is tried in
    /// order until one accepts. If none does, the error has the last
    /// failure's kind (for example `ConnectionRefused`) and names the host
    /// and every address tried, each with its own failure. Wrap the call
    /// in [`timeout`](crate::time::timeout) to bound how long an
    /// unanswered connect may take.
    ///
    /// ```
    /// use runloop::net::{TcpListener, TcpStream};
    /// runloop::run(async {
    ///     let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = listener.local_addr().unwrap().port();
    ///     let stream = TcpStream::connect(format!("localhost:{port}")).await.unwrap();
    ///     assert!(stream.peer_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "open_connection")]
    #[doc(alias = "create_connection")]
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let target = addr.to_target()?;
        let addrs = resolve(&target).await?;
        try_each("connect to", &target, addrs, TcpStream::connect_addr).await
    }

    /// One address, one handshake.
    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let stream = TcpStream::from_mio(mio::net::TcpStream::connect(addr)?)?;
        let connected = poll_fn(|cx| {
            stream
                .io
                .poll_connected(cx, |socket| socket.take_error(), |socket| socket.peer_addr().map(drop))
        });
        connected.await?;
        Ok(stream)
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

    /// Splits the connection into a read half and a write half that can
    /// move into two tasks (asyncio's `StreamReader` and `StreamWriter`).
    /// [`OwnedReadHalf::reunite`] puts them back together; dropping the
    /// write half sends FIN; dropping both closes the socket.
    ///
    /// ```
    /// use runloop::net::{TcpListener, TcpStream};
    /// use runloop::prelude::*;
    /// runloop::run(async {
    ///     let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (mut server, _) = listener.accept().await.unwrap();
    ///
    ///     let (mut reader, mut writer) = client.into_split();
    ///     let sending = runloop::spawn(async move { writer.write_all(b"ping").await });
    ///     let mut got = [0; 4];
    ///     server.read_exact(&mut got).await.unwrap();
    ///     server.write_all(b"pong").await.unwrap();
    ///     reader.read_exact(&mut got).await.unwrap();
    ///     assert_eq!(&got, b"pong");
    ///     sending.await.unwrap().unwrap();
    /// });
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::into_split(self)
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
}

impl SharedStream for TcpStream {
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

impl AsyncRead for TcpStream {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.poll_read_shared(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_shared(cx, buf)
    }

    fn poll_write_eof(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_write())
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
