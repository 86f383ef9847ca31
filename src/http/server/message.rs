//! # What a handler receives and returns
//!
//! A handler is an `async fn(Request) -> Response`, as in aiohttp's
//! `web.Application` (`async def handler(request): return web.Response(...)`)
//! or Sanic and Quart, the async servers the notes mention. The [`Request`]
//! has been read in full and checked by the sans-IO
//! [`RequestParser`](crate::http::RequestParser); the [`Response`] is
//! written by the server, which chooses the framing itself, so a handler
//! cannot produce an ambiguous message.
//!
//! A response body is either in memory ([`Response::text`],
//! [`Response::bytes`]) and sent with a `Content-Length`, or produced over
//! time ([`Response::stream`]): the handler returns the receiving end of a
//! [`channel`](crate::sync::channel) and keeps sending pieces from a task,
//! and the server writes each as a chunk (`Transfer-Encoding: chunked`,
//! RFC 9112 §7.1) until the sender is dropped. aiohttp calls that a
//! `StreamResponse`.

use std::net::SocketAddr;

use crate::http::proto::{Headers, Method, RequestHead, Version};
use crate::sync::Receiver;

/// A request, read in full.
#[derive(Debug)]
pub struct Request {
    head: RequestHead,
    body: Vec<u8>,
    peer: SocketAddr,
}

impl Request {
    pub(super) fn new(head: RequestHead, body: Vec<u8>, peer: SocketAddr) -> Request {
        Request { head, body, peer }
    }

    /// The method, such as `GET`.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request target as sent: `/path?query`, or `*`.
    pub fn target(&self) -> &str {
        &self.head.target
    }

    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.head.path()
    }

    /// The target's query (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.head.query()
    }

    /// `HTTP/1.0` or `HTTP/1.1`.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// The header fields, in order; look them up in any case.
    pub fn headers(&self) -> &Headers {
        &self.head.headers
    }

    /// The body (`Content-Length` bytes; empty when there was none).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether the client asked to keep the connection open afterwards
    /// (RFC 9112 §9.3): HTTP/1.1 unless `Connection: close`, HTTP/1.0 only
    /// with `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        self.head.keep_alive()
    }

    /// The client's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }
}

/// A handler's answer.
///
/// ```
/// use runloop::http::server::Response;
/// let mut response = Response::text(404, "no such page\n");
/// response.headers.append("Cache-Control", "no-store")?;
/// assert_eq!(response.status, 404);
/// # Ok::<(), runloop::http::InvalidInput>(())
/// ```
#[doc(alias = "web.Response")]
#[derive(Debug)]
pub struct Response {
    /// The status code. A handler may not answer with 1xx (interim)
    /// codes; anything outside 200..=599 is replaced by a 500.
    pub status: u16,
    /// Header fields to send. The server writes `Content-Length`,
    /// `Transfer-Encoding` and `Connection` itself, and answers 500 if
    /// these contain any of them.
    pub headers: Headers,
    pub(super) body: Body,
}

/// How the body of a [`Response`] is produced.
#[derive(Debug)]
pub(super) enum Body {
    Full(Vec<u8>),
    Stream(Receiver<Vec<u8>>),
}

impl Response {
    /// A response with no body.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Headers::new(),
            body: Body::Full(Vec::new()),
        }
    }

    /// A `text/plain; charset=utf-8` response.
    pub fn text(status: u16, text: impl Into<String>) -> Response {
        Response::with_type(
            status,
            "text/plain; charset=utf-8",
            Body::Full(text.into().into_bytes()),
        )
    }

    /// An `application/octet-stream` response.
    pub fn bytes(status: u16, bytes: impl Into<Vec<u8>>) -> Response {
        Response::with_type(status, "application/octet-stream", Body::Full(bytes.into()))
    }

    /// An `application/octet-stream` response whose body is sent chunk by
    /// chunk as it arrives on `pieces`, and ends when every sender is gone.
    ///
    /// ```
    /// use runloop::http::server::Response;
    /// use runloop::sync::channel;
    /// let handler = |_request| async {
    ///     let (sender, receiver) = channel::<Vec<u8>>(4);
    ///     runloop::spawn(async move {
    ///         for piece in ["one ", "two ", "three"] {
    ///             if sender.send(piece.as_bytes().to_vec()).await.is_err() {
    ///                 return; // the client went away
    ///             }
    ///         }
    ///     });
    ///     Response::stream(200, receiver)
    /// };
    /// # let _ = runloop::http::server::Server::new(handler);
    /// ```
    #[doc(alias = "StreamResponse")]
    pub fn stream(status: u16, pieces: Receiver<Vec<u8>>) -> Response {
        Response::with_type(status, "application/octet-stream", Body::Stream(pieces))
    }

    fn with_type(status: u16, content_type: &'static str, body: Body) -> Response {
        let mut headers = Headers::with_capacity(2);
        headers.push_parsed(b"Content-Type", content_type.as_bytes()); // constants, known valid
        Response { status, headers, body }
    }
}
