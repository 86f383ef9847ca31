//! # `TcpListener`: accepting connections on the loop
//!
//! asyncio's `loop.create_server` hides its listening socket behind a
//! protocol factory; here the listener is a value and accepting is a future,
//! so a server is an ordinary loop: `accept().await`, spawn a task for the
//! connection, repeat.
//!
//! Edge-triggered readiness means one event may announce many waiting
//! connections. Each `accept()` takes one; the readiness bit stays set until
//! an `accept` returns `WouldBlock`, so a burst is drained by repeated calls
//! without waiting for new events.
//!
//! [`TcpListener::bind`] is `async` because its address may be a host name
//! (`"localhost:8080"`), and looking one up must not block the loop
//! (`resolver.rs`); an address binds with no lookup and no thread.
//! Dropped at an `.await`: in `bind`, nothing is bound yet (a lookup not
//! yet started is called off); in `accept`, no connection is taken — one
//! that arrived stays in the kernel's queue for the next `accept`.

use super::TcpStream;
use super::registration::Registered;
use super::resolver::{resolve, try_each};
use super::to_socket_addrs::ToSocketAddrs;
use crate::reactor::Direction;
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// A TCP socket listening for connections.
///
/// ```
/// use runloop::net::{TcpListener, TcpStream};
/// runloop::run(async {
///     let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = runloop::spawn(async move { TcpStream::connect(addr).await });
///     let (_server_side, peer) = listener.accept().await.unwrap();
///     let client_side = client.await.unwrap().unwrap();
///     assert_eq!(peer, client_side.local_addr().unwrap());
/// });
/// ```
pub struct TcpListener {
    io: Registered<mio::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` and starts listening (backlog 1024, `SO_REUSEADDR`
    /// set). Port 0 picks a free port; read it with
    /// [`TcpListener::local_addr`]. `addr` may be a host name with a port
    /// (see [`ToSocketAddrs`]), resolved off the loop thread; each address
    /// is tried in turn, and the first that binds is kept (one listener,
    /// not one per address). If none binds, the error names every address
    /// tried (for example `AddrInUse`).
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "start_server")]
    #[doc(alias = "create_server")]
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let target = addr.to_target()?;
        let addrs = resolve(&target).await?;
        try_each("bind", &target, addrs, |addr| async move {
            TcpListener::register(mio::net::TcpListener::bind(addr)?)
        })
        .await
    }

    /// Adopts a listener made with `std::net` (switching it to non-blocking).
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        TcpListener::register(mio::net::TcpListener::from_std(listener))
    }

    fn register(listener: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: Registered::new(listener, "TcpListener::bind")?,
        })
    }

    /// Waits for the next connection: the stream and the peer's address.
    ///
    /// Takes `&mut self`: the reactor keeps one waiting waker per direction
    /// of a socket, so one task at a time may wait to accept. To accept from
    /// several tasks, accept in one and hand the streams out.
    pub async fn accept(&mut self) -> io::Result<(TcpStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// The poll behind [`TcpListener::accept`].
    pub fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        match self.io.poll_io(Direction::Read, cx, |listener| listener.accept()) {
            Poll::Ready(Ok((stream, peer))) => Poll::Ready(TcpStream::from_mio(stream).map(|stream| (stream, peer))),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The address this listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().local_addr()
    }

    /// Test support (see `src/net/fault.rs`): makes the reactor report
    /// readiness for this socket that the kernel did not. Only with the
    /// `fault-injection` feature.
    #[cfg(feature = "fault-injection")]
    pub fn readiness_injector(&self) -> super::ReadinessInjector {
        self.io.readiness_injector()
    }
}

impl std::fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}
