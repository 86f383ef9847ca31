//! # What can go wrong, in words a user can act on
//!
//! There are three error types here, one per audience:
//!
//! * [`Error`] is what a user of the HTTP client sees. Every variant names
//!   the URL (or the host) involved, because "connection refused" is useless
//!   when you fetched forty URLs at once.
//! * [`ParseError`] is what the sans-IO parsers return. A parser only ever
//!   sees bytes, never a URL, so its errors cannot name one; the client adds
//!   it with [`ParseError::at`]. A server turns the same errors into a status
//!   code (see `server_proto::status_for`).
//! * [`InvalidInput`] is what the *caller* got wrong: a header value with a
//!   line break in it, a reason phrase with a NUL. It is returned before a
//!   single byte is written, which is what makes header injection impossible.
//!
//! Peer bytes that end up inside a message are passed through [`quoted`]:
//! escaped and cut short, so a hostile server cannot write control
//! characters into your terminal or your logs through our error messages.

use std::fmt;
use std::io;
use std::time::Duration;

use super::url::Url;

/// Everything the runloop HTTP client can fail with.
///
/// Match on it to decide what to do: retry on `Connect` or `Timeout`, fix the
/// program on `InvalidUrl` or `InvalidRequest`, blame the server on
/// `Malformed`. `Display` says what happened and to which URL.
#[derive(Debug)]
pub enum Error {
    /// The URL could not be parsed; `reason` says which part is wrong.
    InvalidUrl {
        /// The text that was given as a URL.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL's scheme is not `http` (`https` included: runloop has no TLS).
    UnsupportedScheme {
        /// The URL as given.
        url: String,
        /// The scheme it asked for, lowercased.
        scheme: String,
    },
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
    /// The server's response broke the HTTP/1.1 grammar or framing rules.
    Malformed {
        /// The URL being fetched.
        url: String,
        /// What was malformed.
        what: String,
    },
    /// The server used a feature runloop does not implement.
    Unsupported {
        /// The URL being fetched.
        url: String,
        /// Which feature.
        what: String,
    },
    /// The response was larger than a configured [`Limits`](super::Limits) value.
    LimitExceeded {
        /// The URL being fetched.
        url: String,
        /// Which limit, and its value.
        limit: Limit,
    },
    /// The connection closed, or was reset, before the whole body arrived.
    IncompleteBody {
        /// The URL being fetched.
        url: String,
        /// Body bytes received before the connection closed.
        received: u64,
        /// The announced length, when the server announced one.
        expected: Option<u64>,
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
        what: String,
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
            Error::InvalidUrl { url, reason } => {
                write!(f, "invalid URL \"{}\": {reason}", url.escape_debug())
            }
            Error::UnsupportedScheme { url, scheme } if scheme == "https" => write!(
                f,
                "cannot fetch \"{}\": runloop has no TLS, so https:// is not supported; \
                 use an http:// URL",
                url.escape_debug()
            ),
            Error::UnsupportedScheme { url, scheme } => write!(
                f,
                "cannot fetch \"{}\": the scheme \"{}\" is not supported; runloop speaks \
                 only http://",
                url.escape_debug(),
                scheme.escape_debug()
            ),
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
            Error::Malformed { url, what } => write!(f, "malformed response from {url}: {what}"),
            Error::Unsupported { url, what } => {
                write!(f, "{url} answered with something runloop does not support: {what}")
            }
            Error::LimitExceeded { url, limit } => {
                write!(f, "the response from {url} is too large: {limit}")
            }
            Error::IncompleteBody {
                url,
                received,
                expected,
            } => match expected {
                Some(expected) => write!(
                    f,
                    "the connection to {url} closed after {received} of {expected} body bytes"
                ),
                None => write!(
                    f,
                    "the connection to {url} closed after {received} body bytes, \
                     before the last chunk"
                ),
            },
            Error::TooManyRedirects { url, max } => {
                write!(f, "gave up after {max} redirects; the last one pointed to {url}")
            }
            Error::InvalidRequest { url, what } => {
                write!(f, "refusing to send the request for {url}: {what}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Resolve { source, .. } | Error::Connect { source, .. } | Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What the sans-IO parsers report. It knows bytes, not URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The peer broke the grammar or the framing rules; `what` says how.
    Malformed {
        /// A sentence describing the problem.
        what: String,
    },
    /// The message is well formed but uses something runloop does not
    /// implement, such as a transfer coding other than `chunked`.
    Unsupported {
        /// The feature that was used.
        what: String,
    },
    /// A configured limit was hit.
    LimitExceeded {
        /// Which limit, and its value.
        limit: Limit,
    },
    /// The connection closed in the middle of a body.
    IncompleteBody {
        /// Body bytes received before the close.
        received: u64,
        /// The announced length, if there was one (`None` for chunked bodies).
        expected: Option<u64>,
    },
}

impl ParseError {
    /// Attach the URL being fetched, turning this into the client's [`Error`].
    pub fn at(self, url: &Url) -> Error {
        let url = url.to_string();
        match self {
            ParseError::Malformed { what } => Error::Malformed { url, what },
            ParseError::Unsupported { what } => Error::Unsupported { url, what },
            ParseError::LimitExceeded { limit } => Error::LimitExceeded { url, limit },
            ParseError::IncompleteBody { received, expected } => Error::IncompleteBody {
                url,
                received,
                expected,
            },
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Self {
        ParseError::Malformed { what: what.into() }
    }

    pub(crate) fn unsupported(what: impl Into<String>) -> Self {
        ParseError::Unsupported { what: what.into() }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Malformed { what } => write!(f, "malformed HTTP message: {what}"),
            ParseError::Unsupported { what } => write!(f, "unsupported HTTP feature: {what}"),
            ParseError::LimitExceeded { limit } => write!(f, "limit exceeded: {limit}"),
            ParseError::IncompleteBody {
                received,
                expected: Some(expected),
            } => write!(f, "the connection closed after {received} of {expected} body bytes"),
            ParseError::IncompleteBody {
                received,
                expected: None,
            } => write!(
                f,
                "the connection closed after {received} body bytes, before the last chunk"
            ),
        }
    }
}

impl std::error::Error for ParseError {}

/// Which of the [`Limits`](super::Limits) was exceeded, with its value, so
/// the message can say what to raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// More header (or trailer) fields than `Limits::max_headers`.
    HeaderCount {
        /// The configured maximum.
        max: usize,
    },
    /// A head, a trailer section or a chunk-size line longer than
    /// `Limits::max_head_bytes`.
    HeadBytes {
        /// The configured maximum.
        max: usize,
    },
    /// A body longer than `Limits::max_body_bytes`.
    BodyBytes {
        /// The configured maximum.
        max: u64,
    },
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::HeaderCount { max } => {
                write!(f, "more than {max} header fields (Limits::max_headers)")
            }
            Limit::HeadBytes { max } => write!(
                f,
                "more than {max} bytes of head, trailers or chunk-size line \
                 (Limits::max_head_bytes)"
            ),
            Limit::BodyBytes { max } => {
                write!(f, "a body larger than {max} bytes (Limits::max_body_bytes)")
            }
        }
    }
}

/// Something the caller supplied cannot be put on the wire: a header name
/// that is not a token, a value containing a line break, a reason phrase
/// with a control byte. Nothing has been written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    what: String,
}

impl InvalidInput {
    pub(crate) fn new(what: impl Into<String>) -> Self {
        InvalidInput { what: what.into() }
    }

    /// What is wrong, as a sentence.
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Attach the URL of the request this input was meant for.
    pub fn at(self, url: &Url) -> Error {
        Error::InvalidRequest {
            url: url.to_string(),
            what: self.what,
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for InvalidInput {}

/// How many bytes of peer input [`quoted`] shows before cutting short.
const QUOTE_MAX: usize = 60;

/// Show untrusted bytes inside an error message: in quotes, with anything
/// that is not printable ASCII escaped (`\r`, `\x00`, ...), and at most
/// [`QUOTE_MAX`] bytes of it.
pub(crate) fn quoted(bytes: &[u8]) -> String {
    let shown = bytes.get(..QUOTE_MAX).unwrap_or(bytes);
    let ellipsis = if shown.len() < bytes.len() { "..." } else { "" };
    format!("\"{}{ellipsis}\"", shown.escape_ascii())
}
