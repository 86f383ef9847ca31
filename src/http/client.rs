//! # The async client: `aiohttp.ClientSession` on runloop
//!
//! [`Client`] is what a program keeps to fetch many URLs: the settings
//! ([`ClientBuilder`]) and a pool of keep-alive connections (`pool.rs`).
//! Cloning it is cheap and shares the pool, like passing one
//! `aiohttp.ClientSession` or `requests.Session` around. [`get`] is the
//! one-shot form, `aiohttp.request("GET", url)`.
//!
//! ## The life of a request
//!
//! ```text
//! client.get(url)
//!   Url::parse ─────────────────── bad URL, https://: an error before any I/O
//!   deadline = now + timeout ───── one clock for everything below
//!   ┌─ for each hop (redirects) ───────────────────────────────────────┐
//!   │ pool.checkout(host:port) ─── an idle connection, or a lease to   │
//!   │                              open one (resolve on the pool       │
//!   │                              thread, connect; connect_timeout),  │
//!   │                              or wait in line                     │
//!   │ Exchange::start ──────────── write the head, read until the      │
//!   │                              response head is parsed             │
//!   │   a reused connection died before answering?                     │
//!   │     └─ once: same slot, fresh connection, send again             │
//!   │ Redirects::decide ────────── Follow? discard the body, next hop  │
//!   └──────────────────────────────────────────────────────────────────┘
//!   StreamingResponse ─────────── get_streaming stops here
//!   read the body to its end ──── get: Response { status, headers, body }
//!   the connection returns to the pool when its response is complete
//! ```
//!
//! ## Invariants
//!
//! * Every wait is bounded by the request's one deadline (`deadline.rs`),
//!   checked with [`timeout_at`](crate::time::timeout_at): when it passes,
//!   the future in flight is dropped, which closes its connection, and the
//!   error is [`Error::Timeout`] in the
//!   [`Total`](crate::http::TimeoutPhase::Total) phase.
//! * A request is sent at most twice, and twice only under the rules in
//!   `conn.rs` ("When a request may be retried").
//! * Whether to follow a redirect, where to, and how many times, is decided
//!   in `redirect.rs`, sans-IO, the same way for the blocking client; this
//!   file only does what it is told: read and drop a short redirect body
//!   (to keep the connection), send the next request. Past `max_redirects`
//!   hops the answer is [`Error::TooManyRedirects`].
//!
//! A `Client` is not `Send`: its pool and sockets belong to the runtime's
//! thread, like everything else on one event loop.

use std::io;
use std::rc::Rc;

use super::builder::ClientBuilder;
use super::conn::{Conn, Exchange, Failure};
use super::connect::connect;
use super::deadline::Deadline;
use super::error::Error;
use super::pool::{Checkout, Pool};
use super::proto::{Request, ResponseHead, Url};
use super::redirect::{Next, Redirects};
use super::response::Response;
use super::streaming::StreamingResponse;

/// Fetch `url` with a fresh [`Client`] and the default settings; the whole
/// body is read into the [`Response`].
///
/// ```
/// # use runloop::http::server::{self, Server};
/// # let site = Server::new(|_request| async { server::Response::text(200, "hi") })
/// #     .spawn_thread("127.0.0.1:0").unwrap();
/// # let url = site.url("/");
/// let response = runloop::run(runloop::http::get(&url))?;
/// assert_eq!((response.status, response.text().as_ref()), (200, "hi"));
///
/// let refused = runloop::run(runloop::http::get("https://example.com/")).unwrap_err();
/// assert!(refused.to_string().contains("no TLS"));
/// # Ok::<(), runloop::http::Error>(())
/// ```
#[doc(alias = "aiohttp.request")]
pub async fn get(url: &str) -> Result<Response, Error> {
    Client::new().get(url).await
}

/// An HTTP/1.1 client with a keep-alive connection pool.
///
/// ```
/// # use runloop::http::server::{self, Server};
/// # let site = Server::new(|request: server::Request| async move {
/// #     server::Response::text(200, request.path().to_string())
/// # }).spawn_thread("127.0.0.1:0").unwrap();
/// let client = runloop::http::Client::new();
/// runloop::run(async {
///     for path in ["/a", "/b", "/c"] {
///         let response = client.get(&site.url(path)).await?;
///         assert_eq!(response.text(), path);
///     }
///     Ok::<(), runloop::http::Error>(())
/// })?;
/// assert_eq!(site.stats().connections_accepted(), 1); // one connection, three requests
/// # Ok::<(), runloop::http::Error>(())
/// ```
#[doc(alias = "ClientSession")]
#[doc(alias = "Session")]
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    settings: ClientBuilder,
    pool: Rc<Pool>,
}

impl Client {
    /// A client with the default settings (see [`ClientBuilder`]).
    pub fn new() -> Client {
        ClientBuilder::default().build()
    }

    /// Start from the default settings and change some.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// GET `url` and read the whole body.
    pub async fn get(&self, url: &str) -> Result<Response, Error> {
        self.send(Request::get(Url::parse(url)?)).await
    }

    /// GET `url` and return as soon as the head is in; read the body with
    /// [`StreamingResponse::chunk`].
    pub async fn get_streaming(&self, url: &str) -> Result<StreamingResponse, Error> {
        self.send_streaming(Request::get(Url::parse(url)?)).await
    }

    /// Send `request` (any method, extra headers, no body) and read the
    /// whole response.
    ///
    /// ```
    /// # use runloop::http::server::{self, Server};
    /// # let site = Server::new(|request: server::Request| async move {
    /// #     let lang = request.headers().get("accept-language").unwrap_or("?").to_string();
    /// #     server::Response::text(200, lang)
    /// # }).spawn_thread("127.0.0.1:0").unwrap();
    /// use runloop::http::{Client, Request, Url};
    /// let mut request = Request::get(Url::parse(&site.url("/"))?);
    /// request.headers.append("Accept-Language", "fr").map_err(|e| e.at(&request.url))?;
    /// let response = runloop::run(Client::new().send(request))?;
    /// assert_eq!(response.text(), "fr");
    /// # Ok::<(), runloop::http::Error>(())
    /// ```
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        self.send_streaming(request).await?.into_response().await
    }

    /// Send `request` and return as soon as the final response head is in.
    pub async fn send_streaming(&self, mut request: Request) -> Result<StreamingResponse, Error> {
        let settings = &self.inner.settings;
        let deadline = Deadline::after(settings.timeout);
        let mut redirects = Redirects::new(settings.max_redirects);
        loop {
            // Before connecting: a request that can never be sent costs nothing.
            request.validate().map_err(|invalid| invalid.at(&request.url))?;
            let mut early_body = Vec::new();
            let exchange = self.exchange(&request, &mut early_body);
            let (mut exchange, head) = deadline.within(&request.url, exchange).await?;
            let next = match redirects.decide(&request, head.status, &head.headers)? {
                Next::Done => {
                    let url = request.url;
                    return Ok(StreamingResponse::new(head, url, exchange, early_body, deadline));
                }
                Next::Follow(next) => next,
            };
            log::debug!(target: "runloop::http", "{} redirects to {}", request.url, next.url);
            discard_body(&mut exchange, early_body.len(), deadline, &request.url).await;
            request = next;
        }
    }

    /// Send `request` on a pooled or new connection and read the response
    /// head, retrying once on a fresh connection when `conn.rs` allows it.
    async fn exchange(&self, request: &Request, body: &mut Vec<u8>) -> Result<(Exchange, ResponseHead), Error> {
        let settings = &self.inner.settings;
        let mut checkout = self.inner.pool.checkout(request.url.authority()).await;
        let mut retried = false;
        loop {
            let conn = match checkout {
                Checkout::Reuse(conn) => conn,
                Checkout::Open(lease) => Conn::new(connect(&request.url, settings.connect_timeout).await?, lease),
            };
            match Exchange::start(conn, request, settings.limits, body).await {
                Ok(started) => return Ok(started),
                Err(Failure {
                    retry: Some(lease),
                    error,
                }) if !retried => {
                    log::debug!(
                        target: "runloop::http::pool",
                        "a pooled connection to {} failed before any answer ({error}); retrying on a fresh one",
                        request.url.authority()
                    );
                    checkout = Checkout::Open(lease);
                    retried = true;
                }
                Err(Failure { error, .. }) if retried => return Err(after_retry(error)),
                Err(Failure { error, .. }) => return Err(error),
            }
        }
    }

    /// How many idle connections to `url`'s host the pool holds right now.
    /// For tests and curious readers.
    pub fn idle_connections(&self, url: &Url) -> usize {
        self.inner.pool.idle_count(url.authority())
    }
}

// Written here rather than in builder.rs, so that the settings need not
// know the client (see builder.rs).
impl ClientBuilder {
    /// An async client with these settings.
    pub fn build(self) -> Client {
        let pool = Pool::new(self.max_connections_per_host, self.idle_timeout);
        Client {
            inner: Rc::new(Inner { settings: self, pool }),
        }
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// The most of a redirect's body read (and thrown away) to keep its
/// connection; a longer one closes the connection instead.
const MAX_DISCARD: usize = 64 * 1024;

/// Read a redirect's body to its end so the connection can be reused, if
/// it is short. Errors only mean the connection is closed instead: the
/// redirect is followed either way.
async fn discard_body(exchange: &mut Exchange, mut discarded: usize, deadline: Deadline, url: &Url) {
    let mut sink = Vec::new();
    while !exchange.is_complete() && discarded <= MAX_DISCARD {
        if deadline.within(url, exchange.read_some(&mut sink)).await.is_err() {
            return;
        }
        discarded += sink.len();
        sink.clear();
    }
}

/// Say in the error that the request was already retried once.
fn after_retry(error: Error) -> Error {
    match error {
        Error::Io { url, source } => Error::Io {
            url,
            source: io::Error::new(
                source.kind(),
                format!("{source} (on a fresh connection, after a pooled one had failed the same way)"),
            ),
        },
        other => other,
    }
}
