//! # `UdpSocket`: datagrams on the loop
//!
//! UDP carries *datagrams*: each send is one message, delivered whole or
//! not at all, in any order, possibly twice, possibly never. asyncio's
//! `loop.create_datagram_endpoint` wraps the socket in a protocol whose
//! `datagram_received(data, addr)` is called per datagram; here the socket
//! is a value and receiving is a future: `recv_from(&mut buf).await` gives
//! one datagram and who sent it.
//!
//! ## How a datagram socket differs in the reactor
//! It registers like any socket, and waits the same way: retry until
//! `WouldBlock`, then park the waker (`registration.rs`). What differs is
//! what a read means:
//! - **no stream, no partial reads.** One `recv` takes exactly one
//!   datagram off the queue. If the buffer is smaller than the datagram,
//!   the OS *truncates* it: the rest is discarded, and `recv` returns the
//!   buffer's length with no error. Use a 65,536-byte buffer (the largest
//!   UDP payload is 65,507 bytes over IPv4) to never lose a tail.
//! - **a short read says nothing about the queue.** A TCP read that comes
//!   back short has emptied the receive buffer, so the stream forgets its
//!   readiness at once (`poll_read_stream`). A small datagram may have
//!   many more behind it, so UDP keeps the plain rule: readiness is
//!   forgotten only when the kernel says `WouldBlock`.
//! - **0 bytes is a datagram, not the end.** An empty datagram is legal;
//!   a datagram socket never reaches end of stream.
//! - **sends are whole.** A send transmits the whole datagram or fails
//!   (`EMSGSIZE` when too large); it never writes part of one.
//!
//! On loopback nothing is lost unless a receive buffer overflows; across
//! a network, anything may be. A `connect`ed socket only exchanges
//! datagrams with its peer, and on Linux a datagram sent to a port nobody
//! listens on makes a later `send` or `recv` fail with `ConnectionRefused`
//! (the kernel's report of the ICMP answer).
//!
//! Invariant: one waker per direction in the reactor, so receiving and
//! sending take `&mut self`: at most one task waits to receive and one to
//! send, the borrow checker sees to it (see `split.rs`). Dropped at an
//! `.await`: no datagram is taken or sent half-way; a datagram that
//! arrived stays queued for the next `recv`.

use super::registration::Registered;
use super::resolver::{resolve, try_each};
use super::to_socket_addrs::ToSocketAddrs;
use crate::reactor::Direction;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// A UDP socket: asyncio's `create_datagram_endpoint`.
///
/// ```
/// use runloop::net::UdpSocket;
/// runloop::run(async {
///     let mut server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let mut client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     client.connect(server.local_addr().unwrap()).await.unwrap();
///     client.send(b"ping").await.unwrap();
///
///     let mut buf = [0u8; 65_536];
///     let (n, from) = server.recv_from(&mut buf).await.unwrap();
///     server.send_to(&buf[..n], from).await.unwrap();
///     let n = client.recv(&mut buf).await.unwrap();
///     assert_eq!(&buf[..n], b"ping");
/// });
/// ```
#[doc(alias = "create_datagram_endpoint")]
pub struct UdpSocket {
    io: Registered<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr` (an address, or a host name with a port, resolved
    /// off the loop thread; each address is tried in turn). Port 0 picks a
    /// free port.
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "create_datagram_endpoint")]
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let target = addr.to_target()?;
        let addrs = resolve(&target).await?;
        try_each("bind", &target, addrs, |addr| async move {
            UdpSocket::register(mio::net::UdpSocket::bind(addr)?)
        })
        .await
    }

    fn register(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: Registered::new(socket, "UdpSocket::bind")?,
        })
    }

    /// Adopts a `std::net` socket (switching it to non-blocking).
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        UdpSocket::register(mio::net::UdpSocket::from_std(socket))
    }

    /// Gives the socket back as a `std::net::UdpSocket` (still
    /// non-blocking), deregistered from this runtime.
    pub fn into_std(self) -> std::net::UdpSocket {
        std::net::UdpSocket::from(self.io.into_source())
    }

    /// Sets the default peer: [`send`](UdpSocket::send) goes there, and
    /// datagrams from anyone else are dropped by the kernel. `addr` may be
    /// a host name; the first address that the kernel accepts is kept
    /// (connecting a UDP socket sends nothing, so "accepts" only means the
    /// address family fits).
    pub async fn connect(&self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let target = addr.to_target()?;
        let addrs = resolve(&target).await?;
        try_each("connect to", &target, addrs, |addr| async move {
            self.io.source().connect(addr)
        })
        .await
    }

    /// Sends `buf` as one datagram to the connected peer: all of it, or an
    /// error (for example `EMSGSIZE` when it is too large).
    pub async fn send(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_send(cx, buf)).await
    }

    /// The poll behind [`UdpSocket::send`].
    pub fn poll_send(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(Direction::Write, cx, |socket| socket.send(buf))
    }

    /// Receives one datagram from the connected peer into `buf`: its length.
    /// A datagram longer than `buf` is **truncated**: the OS discards the
    /// rest and returns `buf.len()`, with no error. 0 means an empty
    /// datagram, not an end.
    pub async fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_recv(cx, buf)).await
    }

    /// The poll behind [`UdpSocket::recv`].
    pub fn poll_recv(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(Direction::Read, cx, |socket| socket.recv(buf))
    }

    /// Sends `buf` as one datagram to `target`. Takes an address, not a
    /// name: resolve a name once with [`lookup_host`](super::lookup_host)
    /// rather than once per datagram.
    pub async fn send_to(&mut self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        poll_fn(|cx| self.poll_send_to(cx, buf, target)).await
    }

    /// The poll behind [`UdpSocket::send_to`].
    pub fn poll_send_to(&mut self, cx: &mut Context<'_>, buf: &[u8], target: SocketAddr) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(Direction::Write, cx, |socket| socket.send_to(buf, target))
    }

    /// Receives one datagram into `buf`: its length and its sender. A
    /// datagram longer than `buf` is truncated, as for
    /// [`recv`](UdpSocket::recv).
    pub async fn recv_from(&mut self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.poll_recv_from(cx, buf)).await
    }

    /// The poll behind [`UdpSocket::recv_from`].
    pub fn poll_recv_from(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.io.poll_io(Direction::Read, cx, |socket| socket.recv_from(buf))
    }

    /// The address this socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().local_addr()
    }

    /// The connected peer's address (`NotConnected` if there is none).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().peer_addr()
    }

    /// Sets `SO_BROADCAST`: allow sending to a broadcast address.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.source().set_broadcast(on)
    }
}

impl std::fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}
