//! # What can go wrong, in the protocol's own words
//!
//! This module never touches a socket and never looks at a clock, so its
//! errors can only be about bytes and text. There are three, one per
//! culprit:
//!
//! * [`ParseError`] is what the push parsers return when the *peer's*
//!   bytes break the rules. A parser only ever sees bytes, never a URL, so
//!   its errors cannot name one. A server turns one into a status code (see
//!   `server_proto::status_for`); a client wraps it together with the URL
//!   it was fetching.
//! * [`InvalidInput`] is what the *caller* got wrong: a header value with a
//!   line break in it, a reason phrase with a NUL, a request with a body
//!   header. It is returned before a single byte is written, which is what
//!   makes header injection impossible.
//! * [`UrlError`] is a text that is not a URL runloop can fetch. It is the
//!   one error here that can name what it is about, because the text it
//!   refuses is all there is to name.
//!
//! What only a driver can know (which URL was being fetched, that a
//! connection was refused, that a deadline passed) belongs to the HTTP
//! client's own error type, one layer up (`http/error.rs`), which wraps
//! these three. Nothing in this module knows that type exists: even
//! `ParseError::at` and `InvalidInput::at`, which attach a URL, are written
//! over there.
//!
//! Peer bytes that end up inside a message are passed through [`quoted`]:
//! escaped and cut short, so a hostile server cannot write control
//! characters into your terminal or your logs through our error messages.

use std::fmt;

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
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for InvalidInput {}

/// Why a text is not a URL runloop can fetch. Both variants carry the
/// text as given, so the message can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// The text is not an absolute `http://` URL; `reason` says which part
    /// is wrong.
    Invalid {
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
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Invalid { url, reason } => {
                write!(f, "invalid URL \"{}\": {reason}", url.escape_debug())
            }
            UrlError::UnsupportedScheme { url, scheme } if scheme == "https" => write!(
                f,
                "cannot fetch \"{}\": runloop has no TLS, so https:// is not supported; \
                 use an http:// URL",
                url.escape_debug()
            ),
            UrlError::UnsupportedScheme { url, scheme } => write!(
                f,
                "cannot fetch \"{}\": the scheme \"{}\" is not supported; runloop speaks \
                 only http://",
                url.escape_debug(),
                scheme.escape_debug()
            ),
        }
    }
}

impl std::error::Error for UrlError {}

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
