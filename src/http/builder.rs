//! # Client settings, in one place
//!
//! [`ClientBuilder`] collects everything a client can be told: how long to
//! wait, how many redirects to follow, how many connections to keep per
//! host and for how long, how large a response may be. The same settings
//! build either client: [`build`](ClientBuilder::build) gives the async
//! [`Client`](super::Client), [`build_blocking`](ClientBuilder::build_blocking)
//! the blocking [`blocking::Client`](super::blocking::Client), so the two
//! can be compared with nothing else different.
//!
//! Those two methods are written next to the client each one builds, in
//! `client.rs` and `blocking.rs`: an `impl` block may sit anywhere in the
//! crate, and this way the settings know nothing of the clients that read
//! them, while both clients know the settings.
//!
//! Python spreads the same knobs over `aiohttp.ClientTimeout(total,
//! connect)`, `TCPConnector(limit_per_host, keepalive_timeout)` and
//! `requests.Session.max_redirects`.
//!
//! The defaults follow aiohttp where it has one: a 5-minute total timeout,
//! idle connections closed after 15 seconds, at most 10 redirects, at most
//! 100 connections (aiohttp counts its 100 over all hosts and sets no
//! per-host limit; we count per host). aiohttp has no connect timeout by
//! default; we use 10 seconds, so an unreachable host fails in reasonable
//! time.

use std::time::Duration;

use super::proto::Limits;

/// Settings for a [`Client`](super::Client) (or a [`blocking::Client`](super::blocking::Client)).
///
/// ```
/// use std::time::Duration;
/// let client = runloop::http::Client::builder()
///     .connect_timeout(Duration::from_secs(2))
///     .timeout(Duration::from_secs(10))
///     .max_redirects(3)
///     .build();
/// # drop(client);
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) max_redirects: usize,
    pub(crate) max_connections_per_host: usize,
    pub(crate) idle_timeout: Duration,
    pub(crate) limits: Limits,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(300),
            max_redirects: 10,
            max_connections_per_host: 100,
            idle_timeout: Duration::from_secs(15),
            limits: Limits::default(),
        }
    }
}

impl ClientBuilder {
    /// The defaults, as listed on each setter.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// How long resolving the host and establishing the TCP connection may
    /// take, together (default 10 s). Exceeding it fails with
    /// [`Error::Timeout`](super::Error::Timeout) in the
    /// [`Connect`](super::TimeoutPhase::Connect) phase.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take, from the call until the last
    /// body byte, redirects, waiting for a pooled connection and a retry
    /// included (default 5 minutes, aiohttp's `ClientTimeout.total`). For a
    /// streamed body the clock keeps running while you read it.
    #[doc(alias = "total")]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many redirects to follow before failing with
    /// [`Error::TooManyRedirects`](super::Error::TooManyRedirects)
    /// (default 10). `0` turns following off: redirects are returned as
    /// ordinary responses (`requests`' `allow_redirects=False`).
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// How many connections to one `host:port` may be open at once, idle
    /// ones included (default 100; aiohttp's `limit_per_host`). Requests
    /// beyond it wait, in order, for a connection to come free. At least 1.
    #[doc(alias = "limit_per_host")]
    pub fn max_connections_per_host(mut self, max: usize) -> Self {
        self.max_connections_per_host = max.max(1);
        self
    }

    /// How long an idle keep-alive connection is kept for reuse (default
    /// 15 s, aiohttp's `keepalive_timeout`). Older ones are closed instead.
    #[doc(alias = "keepalive_timeout")]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Ceilings on what a response may make the client hold: header count,
    /// head size, body size (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}
