//! Shared kit for the `http_*` tests: drive a `ResponseParser` over a wire
//! image cut into pieces, and record everything it reports, so that tests
//! can compare runs with `assert_eq!`; `scripted` servers that write exact
//! bytes; and a real `site` built on `runloop::http::server`.

#![allow(dead_code)] // each test file uses a different part of the kit

#[path = "../common/mod.rs"]
pub mod common;
pub mod scripted;
pub mod site;

/// Run the future made by `make` on a fresh runtime, on its own thread,
/// and fail the test if it takes longer than 20 seconds: a bug in a
/// networked test must fail, not hang.
pub fn on_loop<T, F>(make: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: std::future::Future<Output = T> + 'static,
{
    common::with_deadline(std::time::Duration::from_secs(20), move || runloop::run(make()))
}

use runloop::http::{Framing, Headers, Limits, Method, ParseError, ResponseHead, ResponseParser};

/// Everything observable about one parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub head: Option<ResponseHead>,
    pub framing: Option<Framing>,
    pub body: Vec<u8>,
    pub trailers: Option<Headers>,
    /// Bytes the successful `feed` calls consumed.
    pub consumed: usize,
    pub error: Option<ParseError>,
    pub complete: bool,
    pub reusable: bool,
}

/// Whether the server closes the connection after sending the wire image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    StayOpen,
    Close,
}

/// Feed `pieces` in order; stop at the first error; then, if asked, report
/// the peer's close with `finish`.
pub fn run<'a>(method: &Method, limits: Limits, pieces: impl IntoIterator<Item = &'a [u8]>, then: Then) -> Outcome {
    let mut parser = ResponseParser::new(method, limits);
    let mut body = Vec::new();
    let mut consumed = 0;
    let mut error = None;
    for piece in pieces {
        match parser.feed(piece, &mut body) {
            Ok(used) => {
                assert!(used <= piece.len(), "consumed more than it was given");
                consumed += used;
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    if error.is_none() && then == Then::Close && !parser.is_complete() {
        error = parser.finish().err();
    }
    Outcome {
        head: parser.head().cloned(),
        framing: parser.framing(),
        body,
        trailers: parser.trailers().cloned(),
        consumed,
        error,
        complete: parser.is_complete(),
        reusable: parser.is_reusable(),
    }
}

/// The whole wire image in one piece.
pub fn whole(method: &Method, limits: Limits, wire: &[u8], then: Then) -> Outcome {
    run(method, limits, [wire], then)
}

/// One byte at a time.
pub fn bytewise(method: &Method, limits: Limits, wire: &[u8], then: Then) -> Outcome {
    run(method, limits, wire.chunks(1), then)
}

/// Two pieces, split at `at`.
pub fn split(method: &Method, limits: Limits, wire: &[u8], at: usize, then: Then) -> Outcome {
    let (first, second) = wire.split_at(at);
    run(method, limits, [first, second], then)
}

/// A GET response in one piece, connection left open.
pub fn get(wire: &[u8]) -> Outcome {
    whole(&Method::Get, Limits::default(), wire, Then::StayOpen)
}

/// A GET response in one piece, then the server closes.
pub fn get_then_close(wire: &[u8]) -> Outcome {
    whole(&Method::Get, Limits::default(), wire, Then::Close)
}

/// The status of a parsed head, if any.
pub fn status(outcome: &Outcome) -> Option<u16> {
    outcome.head.as_ref().map(|head| head.status)
}

/// True when the outcome failed with `Malformed`.
pub fn is_malformed(outcome: &Outcome) -> bool {
    matches!(outcome.error, Some(ParseError::Malformed { .. }))
}

/// Responses that exercise every framing rule, valid and invalid, with the
/// method they answer. Used by the split and differential tests.
pub fn response_corpus() -> Vec<(&'static str, Method, Vec<u8>)> {
    let get = |name, wire: &str| (name, Method::Get, wire.as_bytes().to_vec());
    vec![
        get("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
        get(
            "content-length then next response",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
        ),
        get("content-length zero", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        get(
            "repeated content-length",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        ),
        get(
            "content-length list",
            "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc",
        ),
        get(
            "conflicting content-length",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        ),
        get(
            "non-digit content-length",
            "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc",
        ),
        get(
            "overflowing content-length",
            "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
        ),
        get(
            "short content-length body",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        ),
        get(
            "chunked",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        ),
        get(
            "chunked with extensions",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d\"\r\nhello\r\n0;last\r\n\r\n",
        ),
        get(
            "chunked with trailers",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\nX-Sum: 45\r\nX-More: yes\r\n\r\n",
        ),
        get(
            "chunked missing crlf",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
        ),
        get(
            "chunked 17 hex digits",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nx\r\n0\r\n\r\n",
        ),
        get(
            "chunked cut short",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        ),
        get(
            "chunked and content-length",
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        ),
        get(
            "gzip transfer-encoding",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz",
        ),
        get(
            "until close",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this is body",
        ),
        (
            "head request",
            Method::Head,
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".to_vec(),
        ),
        get("no content", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n"),
        get("not modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"),
        get(
            "continue then ok",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        ),
        get(
            "switching protocols",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n\x00\x01binary",
        ),
        get(
            "http/1.0 keep-alive",
            "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
        ),
        get(
            "connection close",
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        ),
        get("empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"),
        get("no reason", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n"),
        get(
            "leading empty lines",
            "\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ),
        get(
            "obs-fold",
            "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n",
        ),
        get("space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n"),
        get("bare lf", "HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
        get(
            "nul in value",
            "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n",
        ),
        get("bad version", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
        get("head cut short", "HTTP/1.1 200 OK\r\nContent-Le"),
    ]
}
