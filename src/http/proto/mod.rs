//! # HTTP/1.1, sans-IO: the protocol without the sockets
//!
//! This module speaks HTTP/1.1 without ever touching a socket. That is
//! what "sans-IO" means (the name comes from the Python world, where
//! libraries such as `h11` and `h2` made the idea popular; see
//! sans-io.readthedocs.io): the protocol is written as pure functions and
//! state machines over bytes. Bytes go in, parsed heads and body bytes
//! come out; bytes to send are appended to a `Vec<u8>`. Who reads the
//! socket, when, with which timeout, on which thread, is somebody else's
//! business.
//!
//! Why bother:
//!
//! * **One protocol, many drivers.** The async client, the blocking
//!   client, the connection pool and the server all drive the same parser.
//!   None of them re-implements framing, so none of them can get it subtly
//!   different.
//! * **Testable to the byte.** A test can feed a response one byte at a
//!   time, or split at every position, or hand it a million random bytes,
//!   with no network and no runtime. The tests in `tests/http_*.rs` do.
//! * **Honest about blocking.** A parser that reads from a socket hides a
//!   blocking call inside; a parser that is *fed* cannot block. Readers of
//!   `asyncio` will recognise `asyncio.Protocol.data_received`.
//!
//! The price is a slightly larger API: the caller loops "read some bytes,
//! [`ResponseParser::feed`] them, drain the body, until
//! [`ResponseParser::is_complete`]", and calls [`ResponseParser::finish`]
//! when the peer closes.
//!
//! The same holds for failure. The errors here ([`ParseError`],
//! [`InvalidInput`], [`UrlError`]) are about bytes and text only: none of
//! them can say "connection refused" or "timed out", and none names the URL
//! being fetched, which a parser never sees. The client adds those, one
//! layer up, by wrapping these errors; nothing in this module depends on
//! anything outside it but `std`.
//!
//! ## The framing rules (RFC 9112)
//!
//! Where one message ends and the next begins is the heart of HTTP/1.1,
//! and the place where parsers get attacked. In order:
//!
//! * **Message format** (§2.1, §2.2): a start line, field lines, an empty
//!   line; every line ends with CRLF. Bare LF is refused. Empty lines
//!   before a start line are skipped. See `head.rs`.
//! * **Field syntax** (§5): `name: value`, the name a token, no whitespace
//!   before the colon (§5.1), no obsolete line folding (§5.2). See
//!   `headers.rs` and `head.rs`.
//! * **Message body length** (§6.3): no body for HEAD, 1xx, 204 and 304;
//!   `Transfer-Encoding: chunked` wins over `Content-Length` and poisons
//!   the connection; otherwise `Content-Length`; otherwise, for a
//!   response, until the connection closes. See `body.rs`, `response.rs`
//!   and, for requests, `server_proto.rs`.
//! * **Chunked transfer coding** (§7.1): hex sizes, ignored extensions,
//!   trailer fields. See `chunked.rs`.
//! * **Persistence** (§9.3): whether a connection carries another message.
//!   See `message.rs`.
//!
//! Every buffer is bounded by [`Limits`]; body bytes are never buffered by
//! the parsers at all.
//!
//! ## Reading order
//!
//! `error.rs` and `limits.rs` (the vocabulary of failure), `url.rs`,
//! `headers.rs`, `message.rs`, `request.rs` (the client writes), `head.rs`,
//! `body.rs`, `chunked.rs`, `progress.rs` (head, body, done: the walk both
//! parsers share), `response.rs` (the client reads), then
//! `server_proto.rs` (the same two jobs from the other side).

// No input may make this module panic: no indexing that can fail, no
// unwrap. The compiler holds us to it.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unsafe_code
)]

mod body;
mod chunked;
mod error;
mod head;
mod headers;
mod limits;
mod message;
mod progress;
mod request;
mod response;
mod server_proto;
mod url;

pub use body::Framing;
pub use error::{InvalidInput, Limit, ParseError, UrlError};
pub use headers::{HeaderIter, Headers};
pub use limits::Limits;
pub use message::{Connection, Method, Version, reason_phrase};
pub use request::{Request, USER_AGENT};
pub use response::{ResponseHead, ResponseParser};
pub use server_proto::{
    RequestHead, RequestParser, status_for, write_chunk, write_error_response, write_last_chunk, write_response_head,
};
pub use url::Url;
