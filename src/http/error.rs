//! # The client's errors: what happened, and to which URL
//!
//! "Connection refused" is useless when you fetched forty URLs at once. So
//! every [`Error`] names the URL (or the host) it is about, and its variant
//! says what to do: retry on `Connect` or `Timeout`, fix the program on
//! `Url` or `InvalidRequest`, blame the server on `Protocol`. aiohttp
//! spreads the same over exception classes such as `InvalidURL`,
//! `ClientConnectorError`, `ServerTimeoutError`, `ClientPayloadError` and
//! `TooManyRedirects`; `requests` over `InvalidURL`, `ConnectionError`,
//! `Timeout` and `TooManyRedirects`.
//!
//! ## Two layers of failure
//!
//! The sans-IO core (`proto/`) has errors of its own, about bytes and text
//! only: [`ParseError`] (the peer broke the rules), [`InvalidInput`] (the
//! caller asked for something that cannot go on the wire) and [`UrlError`]
//! (a text that is not an `http://` URL). A parser never sees the URL being
//! fetched, so its errors cannot name it; proto never touches a socket or a
//! clock, so it cannot say "refused" or "timed out".
//!
//! This file is the layer above. It *wraps* proto's errors rather than
//! copying their variants: [`Error::Protocol`] is a `ParseError` with the
//! URL it happened at, [`Error::InvalidRequest`] an `InvalidInput` with the
//! URL of the request, and [`Error::Url`] a `UrlError` as it is, since it
//! already names its text. Then it adds what only a driver can know:
//! `Resolve`, `Connect` and `Io` (each with the `io::Error` the system
//! gave), `Timeout` (which deadline, after how long) and `TooManyRedirects`
//! (only the loop that follows redirects can count them). `source()` hands
//! back the wrapped `ParseError`, `InvalidInput` or `io::Error`.
//!
//! Attaching the URL is [`ParseError::at`] and [`InvalidInput::at`]. They
//! are methods of proto's types, but they are written here: Rust lets an
//! inherent `impl` sit anywhere in the crate that defines the type, and
//! keeping these two out of `proto/` means proto never names this `Error`.

use std::fmt;
use std::io;
use std::time::Duration;

use super::proto::{InvalidInput, ParseError, Url, UrlError};

/// Everything the runloop HTTP clients can fail with.
///
/// Match on it to decide what to do: retry on `Connect` or `Timeout`, fix the
/// program on `Url` or `InvalidRequest`, blame the server on `Protocol`.
/// `Display` says what happened and to which URL.
#[derive(Debug)]
pub enum Error {
    /// The URL cannot be fetched: it does not parse, or its scheme is not
    /// `http` (`https` included: runloop has no TLS). A redirect to such a
    /// URL fails the same way.
    Url(UrlError),
    /// The host name could not be resolved to an address.
    Resolve {
        /// The host name that was looked up.
        host: String,
        /// What the resolver said.
        source: io::Error,
    },
    /// No connection could be made.
    Connect {
        /// The `host:port` that was dialled.
        address: String,
        /// What the operating system said.
        source: io::Error,
    },
    /// A deadline passed.
    Timeout {
        /// The URL being fetched.
        url: String,
        /// Which deadline it was.
        phase: TimeoutPhase,
        /// How long that deadline was.
        after: Duration,
    },
    /// Reading or writing the connection failed.
    Io {
        /// The URL being fetched.
        url: String,
        /// What the operating system said.
        source: io::Error,
    },
    /// The server's response broke the HTTP/1.1 grammar or framing rules,
    /// used a feature runloop does not implement, was larger than a
    /// configured [`Limits`](super::Limits) value, or stopped before its
    /// body ended: `source` says which.
    Protocol {
        /// The URL being fetched.
        url: String,
        /// What the parser found.
        source: ParseError,
    },
    /// Redirects kept coming after `max` hops.
    TooManyRedirects {
        /// The URL the last redirect pointed to.
        url: String,
        /// How many redirects were followed.
        max: usize,
    },
    /// The request itself cannot be sent safely (for example a header value
    /// containing a line break, which would inject a header).
    InvalidRequest {
        /// The URL the request was for.
        url: String,
        /// What is wrong with it.
        source: InvalidInput,
    },
}

/// Which deadline a [`Error::Timeout`] ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// Establishing the TCP connection took too long.
    Connect,
    /// The whole exchange (connect, send, receive the full body) took too long.
    Total,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Url(error) => fmt::Display::fmt(error, f),
            Error::Resolve { host, source } => {
                write!(f, "could not resolve host \"{host}\": {source}")
            }
            Error::Connect { address, source } => {
                write!(f, "could not connect to {address}: {source}")
            }
            Error::Timeout { url, phase, after } => match phase {
                TimeoutPhase::Connect => {
                    write!(f, "timed out after {after:?} connecting to {url}")
                }
                TimeoutPhase::Total => {
                    write!(f, "timed out after {after:?} fetching {url}")
                }
            },
            Error::Io { url, source } => write!(f, "I/O error while fetching {url}: {source}"),
            Error::Protocol { url, source } => protocol_message(f, url, source),
            Error::TooManyRedirects { url, max } => {
                write!(f, "gave up after {max} redirects; the last one pointed to {url}")
            }
            Error::InvalidRequest { url, source } => {
                write!(f, "refusing to send the request for {url}: {source}")
            }
        }
    }
}

/// A [`ParseError`] told from the client's side, with the URL in the
/// sentence rather than tacked on, so each reads as one statement.
fn protocol_message(f: &mut fmt::Formatter<'_>, url: &str, error: &ParseError) -> fmt::Result {
    match error {
        ParseError::Malformed { what } => write!(f, "malformed response from {url}: {what}"),
        ParseError::Unsupported { what } => {
            write!(f, "{url} answered with something runloop does not support: {what}")
        }
        ParseError::LimitExceeded { limit } => {
            write!(f, "the response from {url} is too large: {limit}")
        }
        ParseError::IncompleteBody {
            received,
            expected: Some(expected),
        } => write!(
            f,
            "the connection to {url} closed after {received} of {expected} body bytes"
        ),
        ParseError::IncompleteBody {
            received,
            expected: None,
        } => write!(
            f,
            "the connection to {url} closed after {received} body bytes, before the last chunk"
        ),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Resolve { source, .. } | Error::Connect { source, .. } | Error::Io { source, .. } => Some(source),
            Error::Protocol { source, .. } => Some(source),
            Error::InvalidRequest { source, .. } => Some(source),
            // Shown as it is, so it is this error rather than its cause.
            Error::Url(error) => std::error::Error::source(error),
            Error::Timeout { .. } | Error::TooManyRedirects { .. } => None,
        }
    }
}

/// A URL refused before any I/O: `Url::parse(text)?` in a client method.
impl From<UrlError> for Error {
    fn from(error: UrlError) -> Error {
        Error::Url(error)
    }
}

impl ParseError {
    /// Attach the URL being fetched, turning this into the client's
    /// [`Error::Protocol`].
    pub fn at(self, url: &Url) -> Error {
        Error::Protocol {
            url: url.to_string(),
            source: self,
        }
    }
}

impl InvalidInput {
    /// Attach the URL of the request this input was meant for, turning this
    /// into the client's [`Error::InvalidRequest`].
    pub fn at(self, url: &Url) -> Error {
        Error::InvalidRequest {
            url: url.to_string(),
            source: self,
        }
    }
}
