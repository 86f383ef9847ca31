//! # A small HTTP/1.1 server
//!
//! One accept loop, one task per connection, handlers written as async
//! functions: the shape of every asyncio server (`asyncio.start_server`,
//! aiohttp's `web.run_app`, Sanic, Quart), and what the notes mean when
//! they say an event loop serves many connections on one thread.
//!
//! ```text
//! Server::serve(listener)
//!   loop: accept ──► spawn(connection::serve(stream))   one task each
//!                        loop: read request ─► handler(request).await
//!                              write response ─► keep-alive? again : close
//! ```
//!
//! It exists so the examples, tests and benchmarks have a real server to
//! talk to, and it is careful in the ways a server facing strangers must
//! be: request heads are capped by [`Limits`], every wait has a timeout
//! (see `connection.rs`), bad requests get a clean 400 (or the 413, 431 or
//! 501 that [`status_for`](crate::http::status_for) names) and nothing ever
//! panics on input. It does not do TLS, chunked request bodies or
//! `Expect: 100-continue`; a handler that panics takes its connection down
//! with it (the runtime logs the panic and goes on).
//!
//! [`Server::serve_until`] serves until a future completes (Ctrl-C, say),
//! then shuts down gracefully: no new connections, idle ones closed,
//! requests in flight finished within a grace period (`shutdown.rs`).
//!
//! [`Server::spawn_thread`] runs a server on its own thread and runtime,
//! the way the examples need it: a client that blocks its own loop on
//! purpose must not stall the server it is talking to.
//!
//! The files, in reading order: `message.rs` (what a handler receives and
//! returns), `stats.rs` (the counters), `shutdown.rs` (stopping
//! gracefully), `connection.rs` (one connection's loop, and the `Settings`
//! it obeys), then this one: [`Server`] and its
//! setters, the accept loop, [`ServerThread`]. The accept loop hands each
//! connection's task the three things it needs, the handler (one, behind an
//! `Rc`), a copy of the settings and a clone of the counters, so nothing
//! below this file needs to know what a `Server` is.
//!
//! ```
//! use runloop::http::server::{Response, Server};
//! let site = Server::new(|request| async move {
//!     match request.path() {
//!         "/" => Response::text(200, "welcome\n"),
//!         _ => Response::text(404, "not here\n"),
//!     }
//! })
//! .spawn_thread("127.0.0.1:0")?;
//! let response = runloop::http::blocking::get(&site.url("/nope"))?;
//! assert_eq!(response.status, 404);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod connection;
mod message;
mod shutdown;
mod stats;

pub use message::{Request, Response};
pub use shutdown::ShutdownReport;
pub use stats::ServerStats;

use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;
use std::thread::JoinHandle;
use std::time::Duration;

use self::connection::Settings;
use self::shutdown::Drain;
use crate::future::{Either, select};
use crate::http::proto::Limits;
use crate::net::TcpListener;
use crate::sync::oneshot;

/// Serve `handler` on `listener` with the default settings; see [`Server`].
#[doc(alias = "start_server")]
#[doc(alias = "run_app")]
pub async fn serve<H, F>(listener: TcpListener, handler: H) -> io::Result<()>
where
    H: Fn(Request) -> F + 'static,
    F: Future<Output = Response> + 'static,
{
    Server::new(handler).serve(listener).await
}

/// A handler and the settings to serve it with.
#[doc(alias = "web.Application")]
pub struct Server<H> {
    handler: H,
    settings: Settings,
    stats: ServerStats,
    shutdown_grace: Duration,
}

/// How long to wait before accepting again when the system is out of
/// file descriptors or memory.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

impl<H, F> Server<H>
where
    H: Fn(Request) -> F + 'static,
    F: Future<Output = Response> + 'static,
{
    /// A server for `handler`, with the defaults listed on each setter.
    pub fn new(handler: H) -> Server<H> {
        Server {
            handler,
            settings: Settings {
                limits: Limits {
                    max_body_bytes: 1024 * 1024,
                    ..Limits::default()
                },
                keep_alive_timeout: Duration::from_secs(75),
                request_timeout: Duration::from_secs(30),
                send_timeout: Duration::from_secs(30),
            },
            stats: ServerStats::default(),
            shutdown_grace: Duration::from_secs(10),
        }
    }

    /// Ceilings on a request: header count and head size (default 100
    /// fields, 64 KiB, answered with 431), body size (default 1 MiB,
    /// answered with 413).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.settings.limits = limits;
        self
    }

    /// How long an idle keep-alive connection waits for its next request
    /// before the server closes it (default 75 s, as nginx and aiohttp).
    #[doc(alias = "keepalive_timeout")]
    pub fn keep_alive_timeout(mut self, timeout: Duration) -> Self {
        self.settings.keep_alive_timeout = timeout;
        self
    }

    /// How long a request may take to arrive once its first byte has
    /// (default 30 s); a slower one gets 408 and the connection closes.
    /// This is what defeats "slowloris" clients that drip a head forever.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// How long one write of a response may wait for the client to read
    /// (default 30 s); then the connection is closed.
    pub fn send_timeout(mut self, timeout: Duration) -> Self {
        self.settings.send_timeout = timeout;
        self
    }

    /// Counters for this server, readable from any thread while it runs.
    pub fn stats(&self) -> ServerStats {
        self.stats.clone()
    }

    /// How long [`serve_until`](Server::serve_until) lets requests in
    /// flight finish once told to stop, before it cuts them (default 10 s).
    #[doc(alias = "shutdown_timeout")]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Accept connections on `listener` and serve each on its own task,
    /// until this future is dropped. Returns only if `listener` itself
    /// fails (for example, it belongs to another runtime).
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        self.serve_until(listener, std::future::pending::<()>()).await.map(drop)
    }

    /// Serve until `stop` completes (for example
    /// [`signal::ctrl_c()`](crate::signal::ctrl_c)), then shut down
    /// gracefully: stop accepting, close idle keep-alive connections, let
    /// requests in flight finish within the
    /// [`shutdown_grace`](Server::shutdown_grace), cut what is left, and
    /// return what happened (see `shutdown.rs`). Fails, without the
    /// graceful part, only if `listener` itself fails.
    #[doc(alias = "run_app")]
    #[doc(alias = "GracefulExit")]
    pub async fn serve_until(self, listener: TcpListener, stop: impl Future) -> io::Result<ShutdownReport> {
        let grace = self.shutdown_grace;
        let drain = Rc::new(Drain::default());
        match select(self.accept_loop(listener, Rc::clone(&drain)), stop).await {
            Either::Left(Err(error)) => Err(error),
            Either::Left(Ok(never)) => match never {},
            // The accept loop, and with it the listener, is dropped here:
            // no new connections from now on.
            Either::Right(_) => Ok(drain.shut_down(grace).await),
        }
    }

    /// Accept connections forever, each served on its own task, until the
    /// listener fails.
    async fn accept_loop(self, mut listener: TcpListener, drain: Rc<Drain>) -> io::Result<std::convert::Infallible> {
        let Server {
            handler,
            settings,
            stats,
            shutdown_grace: _,
        } = self;
        // One handler, called by every connection's task.
        let handler = Rc::new(handler);
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    stats.count_connection();
                    // Responses that stream go out in several writes; do not
                    // let Nagle's algorithm hold them back. Once per connection.
                    let _ = stream.set_nodelay(true);
                    let served = connection::serve(
                        stream,
                        peer,
                        Rc::clone(&handler),
                        settings,
                        stats.clone(),
                        Rc::clone(&drain),
                    );
                    let drain = Rc::clone(&drain);
                    crate::spawn(async move {
                        let _open = drain.open();
                        // At the end of the grace period the connection's
                        // future is dropped where it stands: it is cut.
                        if let Either::Right(()) = select(served, drain.cut()).await {
                            drain.count_cut();
                        }
                    });
                }
                // The client gave up while waiting in the accept queue.
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::Interrupted
                    ) => {}
                // The listener itself is unusable.
                Err(error) if matches!(error.kind(), io::ErrorKind::Other | io::ErrorKind::InvalidInput) => {
                    return Err(error);
                }
                // Out of file descriptors or memory (EMFILE, ENFILE, ENOBUFS,
                // ENOMEM): pause, as asyncio does, and let some close.
                Err(error) => {
                    log::warn!(target: "runloop::http::server", "accept failed: {error}; pausing");
                    crate::time::sleep(ACCEPT_PAUSE).await;
                }
            }
        }
    }

    /// Bind `address` and serve on a new thread with its own runtime. The
    /// server stops, and its thread is joined, when the returned
    /// [`ServerThread`] is dropped.
    pub fn spawn_thread(self, address: impl ToSocketAddrs) -> io::Result<ServerThread>
    where
        H: Send,
    {
        let listener = std::net::TcpListener::bind(address)?;
        let local_addr = listener.local_addr()?;
        let stats = self.stats();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("http server on {local_addr}"))
            .spawn(move || {
                let served = crate::run(async move {
                    let listener = TcpListener::from_std(listener)?;
                    match select(self.serve(listener), stopped).await {
                        Either::Left(result) => result,
                        Either::Right(_) => Ok(()),
                    }
                });
                if let Err(error) = served {
                    log::error!(target: "runloop::http::server", "the server on {local_addr} stopped: {error}");
                }
            })?;
        Ok(ServerThread {
            local_addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A server running on its own thread; see [`Server::spawn_thread`].
#[derive(Debug)]
pub struct ServerThread {
    local_addr: SocketAddr,
    stats: ServerStats,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerThread {
    /// The address the server listens on (with the port the OS chose).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<address><path>`, ready to fetch.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.local_addr)
    }

    /// The server's counters.
    pub fn stats(&self) -> &ServerStats {
        &self.stats
    }
}

impl Drop for ServerThread {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
