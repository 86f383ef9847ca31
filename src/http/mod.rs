//! # HTTP/1.1 on runloop: a protocol core and the I/O around it
//!
//! The study notes fetch web pages three ways: a blocking `urlopen`, the
//! same call through a thread pool (`run_in_executor`), and non-blocking
//! aiohttp with a session that reuses connections. This module builds all
//! three by hand on runloop, plus the small server they talk to.
//!
//! ## Two layers
//!
//! ```text
//!   get / Client (async)     blocking::get / Client     server::Server
//!   client.rs  pool.rs       blocking.rs                server/
//!   conn.rs    connect.rs    (std::net, socket          (accept loop, a task
//!   streaming.rs deadline.rs  timeouts)                  per connection)
//!   both clients: error.rs  builder.rs  response.rs  redirect.rs (sans-IO)
//!        │                          │                          │
//!        └──────── bytes in, bytes out: no sockets below ──────┘
//!   proto/   Url, Headers, Request::write_head, ResponseParser,
//!            RequestParser, response writers, Limits, its own errors
//! ```
//!
//! [`proto`] is *sans-IO*: the whole protocol as state machines over bytes,
//! which never touch a socket, never block and never look at a clock. The
//! files above it move bytes between sockets and those machines, decide
//! what to do with a connection afterwards, and report failures in terms
//! of URLs, sockets and deadlines: [`Error`] (`error.rs`) wraps proto's
//! own errors, which know only bytes and text. So the framing rules
//! exist once, the three drivers cannot disagree about them, and the tests
//! can feed the parsers hostile input byte by byte without a network.
//!
//! ## Python ↔ runloop
//!
//! | Python | runloop |
//! |---|---|
//! | `urllib.request.urlopen(url).read()` | [`blocking::get`]`(url)?.body` |
//! | `loop.run_in_executor(None, urlopen, url)` | `spawn_blocking(move \|\| blocking::get(&url))` |
//! | `aiohttp.ClientSession()` / `requests.Session()` | [`Client::new`]`()`, [`Client::builder`]`()` |
//! | `await session.get(url)` + `await resp.read()` | `client.get(url).await?` → [`Response`] |
//! | `resp.status`, `resp.headers["Content-Type"]`, `await resp.text()` | `.status`, `.header("content-type")`, `.text()` |
//! | `async for chunk in resp.content.iter_any()` | `client.get_streaming(url)` + [`StreamingResponse::chunk`] |
//! | `ClientTimeout(total=…, connect=…)` | [`ClientBuilder::timeout`], [`ClientBuilder::connect_timeout`] |
//! | `TCPConnector(limit_per_host=…, keepalive_timeout=…)` | [`ClientBuilder::max_connections_per_host`], [`ClientBuilder::idle_timeout`] |
//! | `aiohttp.web` handler `async def h(request)` | [`server::Server::new`]`(\|request\| async move { … })` |
//!
//! ## Reading order
//!
//! `proto/` first (its `mod.rs` has its own reading order), then
//! `error.rs` (the client's errors), `response.rs`, `builder.rs`,
//! `redirect.rs` (the sans-IO decision about redirects), `deadline.rs`,
//! `connect.rs`, `pool.rs`, `conn.rs`, `streaming.rs`, `client.rs`; then
//! `blocking.rs`; then `server/` (`message.rs`, `stats.rs`,
//! `connection.rs`, `mod.rs`). Each file uses only files before it, except
//! `pool.rs` and `conn.rs`, which use each other (`pool.rs` says why).
//!
//! There is no TLS in runloop's dependencies, so `https://` URLs are
//! refused with an error that says so ([`UrlError::UnsupportedScheme`]).

pub mod proto;

mod builder;
mod client;
mod conn;
mod connect;
mod deadline;
mod error;
mod pool;
mod redirect;
mod response;
mod streaming;

pub mod blocking;
pub mod server;

pub use builder::ClientBuilder;
pub use client::{Client, get};
pub use error::{Error, TimeoutPhase};
pub use proto::{
    Connection, Framing, HeaderIter, Headers, InvalidInput, Limit, Limits, Method, ParseError, Request, RequestHead,
    RequestParser, ResponseHead, ResponseParser, USER_AGENT, Url, UrlError, Version, reason_phrase, status_for,
    write_chunk, write_error_response, write_last_chunk, write_response_head,
};
pub use response::Response;
pub use streaming::StreamingResponse;
