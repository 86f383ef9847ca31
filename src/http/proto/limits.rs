//! # Limits: how much a peer may make us remember
//!
//! A parser that reads from the network reads from strangers. Without a
//! ceiling, a peer can send a status line that never ends, a million header
//! fields, or a chunk extension the size of a disk, and the parser would
//! keep buffering until the process dies. So every buffer in this module has
//! a ceiling taken from [`Limits`], and hitting it is an ordinary error
//! ([`ParseError::LimitExceeded`](super::ParseError::LimitExceeded)) that
//! names the limit so the user knows what to raise.
//!
//! The invariant: the parsers never hold more than `max_head_bytes` of
//! unparsed input, whatever arrives. Body bytes are not held at all: they
//! are handed to the caller as they are decoded, and `max_body_bytes` only
//! caps how many the caller will be handed in total.

/// Ceilings on what a single message may make the parser hold or deliver.
///
/// The defaults suit a client talking to ordinary servers; raise them
/// for bulk downloads, lower them for a server facing the internet.
///
/// ```
/// use runloop::http::Limits;
/// let limits = Limits { max_body_bytes: 1 << 30, ..Limits::default() };
/// assert_eq!(limits.max_headers, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most header fields in one head (and, separately, in one trailer section).
    pub max_headers: usize,
    /// Most bytes in one head: start line, fields and the blank line. The
    /// same ceiling applies to a trailer section and to one chunk-size line.
    pub max_head_bytes: usize,
    /// Most decoded body bytes in one message.
    pub max_body_bytes: u64,
}

impl Limits {
    /// 100 header fields.
    pub const DEFAULT_MAX_HEADERS: usize = 100;
    /// 64 KiB of head.
    pub const DEFAULT_MAX_HEAD_BYTES: usize = 64 * 1024;
    /// 100 MiB of body.
    pub const DEFAULT_MAX_BODY_BYTES: u64 = 100 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_headers: Self::DEFAULT_MAX_HEADERS,
            max_head_bytes: Self::DEFAULT_MAX_HEAD_BYTES,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
        }
    }
}
