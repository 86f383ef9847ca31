//! # One connection, one exchange at a time
//!
//! A [`Conn`] is an open TCP connection to one origin, with the two buffers
//! every request on it reuses: the request head we write and the bytes we
//! read. An [`Exchange`] is one request and its response on a `Conn`: it
//! writes the head, then drives the sans-IO
//! [`ResponseParser`] with whatever the socket produces. This is the job of
//! Python's `http.client.HTTPConnection`, or of aiohttp's
//! `ResponseHandler` protocol feeding its `HttpResponseParser`. All the
//! protocol lives in the parser; this file only moves bytes and decides what
//! happens to the connection afterwards.
//!
//! ## What one keep-alive request costs
//!
//! The head is written into `head_buf` and sent with one `write`. The
//! response is read into `read_buf`, allocated once per connection, and fed
//! to the parser, which appends decoded body bytes straight into the
//! caller's `Vec`. No per-request `peer_addr`, `set_nodelay` or other
//! socket calls: on a reused connection a GET is a `write`, the shared
//! `epoll_wait` that finds the answer, and a `read`.
//!
//! ## When a connection goes back to the pool
//!
//! Only when all of these hold ([`Exchange::release`]):
//!
//! * the response is complete (an unread body means the next response
//!   would start in the middle of this one);
//! * the parser says it is reusable (RFC 9112 §9.3: no `Connection:
//!   close`, HTTP/1.0 only with keep-alive, no body that ran until close,
//!   no ambiguous framing such as `Transfer-Encoding` with
//!   `Content-Length`, not a `101`);
//! * we asked for keep-alive ourselves (a user `Connection: close` wins);
//! * nothing arrived after the response: we never pipeline, so extra bytes
//!   are a confused or hostile server.
//!
//! Any error drops the connection, which closes it and frees its lease.
//!
//! ## When a request may be retried
//!
//! A server may close a keep-alive connection whenever it likes; if that
//! happens while the connection sits in our pool, the next request on it
//! fails at once. [`Exchange::start`] reports such a failure as retryable
//! ([`Failure::retry`]) only if the connection had already carried a
//! response (it is a reused one), the method is idempotent (RFC 9110
//! §9.2.2: repeating it is harmless), and the server sent *nothing* back
//! ([`ResponseParser::is_started`]): then the server cannot have acted on
//! the request. A `408 Request Timeout` on a reused connection counts as
//! nothing: some servers write one to an idle connection before closing
//! it. The lease comes back with the failure, so the retry opens its fresh
//! connection in the same slot.
//!
//! ## This file and `pool.rs` know each other
//!
//! A `Conn` holds a [`Lease`] from `pool.rs` and goes back with
//! [`pool::checkin`]; the pool, in turn, keeps idle `Conn`s. So each file
//! imports the other, on purpose: hyper's `Pooled` (a connection plus a
//! `Weak` reference to its pool) has the same shape. `pool.rs` explains
//! why, and is the one to read first.

use std::io;

use super::error::Error;
use super::pool::{self, Lease};
use super::proto::{Connection, Limits, Method, Request, ResponseHead, ResponseParser, Url};
use crate::net::TcpStream;
use crate::prelude::*;

/// Bytes read from the socket at a time. Large enough that a typical
/// response arrives in one read, small enough to keep per connection.
const READ_BUF_SIZE: usize = 16 * 1024;

/// An open connection to one origin, and its reusable buffers.
pub(crate) struct Conn {
    stream: TcpStream,
    lease: Lease,
    read_buf: Box<[u8]>,
    head_buf: Vec<u8>,
    /// Responses read to the end on this connection.
    served: u64,
}

impl Conn {
    /// Wrap a freshly connected socket, which occupies `lease`'s slot.
    pub(crate) fn new(stream: TcpStream, lease: Lease) -> Conn {
        Conn {
            stream,
            lease,
            read_buf: vec![0; READ_BUF_SIZE].into_boxed_slice(),
            head_buf: Vec::with_capacity(256),
            served: 0,
        }
    }

    pub(crate) fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Close the socket but keep the slot, for a retry.
    fn into_lease(self) -> Lease {
        self.lease
    }
}

/// Why [`Exchange::start`] failed, and whether to try again.
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// `Some` when the request may be sent again on a fresh connection in
    /// this slot: see "When a request may be retried" above.
    pub(crate) retry: Option<Lease>,
}

/// One request and its response on one connection.
pub(crate) struct Exchange {
    /// `None` once the connection has been released or closed.
    conn: Option<Conn>,
    parser: ResponseParser,
    url: Url,
    /// What our request head asked for.
    asked: Connection,
    /// Whether this request may be retried if the connection dies before
    /// the server sends anything: it is reused and the method idempotent.
    may_retry: bool,
    /// The slot of a connection that died that way, for the retry.
    retry: Option<Lease>,
}

impl Exchange {
    /// Send `request` on `conn` and read until the final response head is
    /// in (the parser skips interim 1xx heads). Body bytes that arrived
    /// together with the head are appended to `body`.
    pub(crate) async fn start(
        mut conn: Conn,
        request: &Request,
        limits: Limits,
        body: &mut Vec<u8>,
    ) -> Result<(Exchange, ResponseHead), Failure> {
        conn.head_buf.clear();
        let asked = match request.write_head(&mut conn.head_buf, Connection::KeepAlive) {
            Ok(asked) => asked,
            Err(invalid) => {
                let error = invalid.at(&request.url);
                return Err(Failure { error, retry: None });
            }
        };
        let mut exchange = Exchange {
            may_retry: conn.served > 0 && is_idempotent(&request.method),
            conn: Some(conn),
            parser: ResponseParser::new(&request.method, limits),
            url: request.url.clone(),
            asked,
            retry: None,
        };
        match exchange.send_and_read_head(body).await {
            Ok(head) if head.status == 408 && exchange.may_retry => {
                // Some servers announce an idle-timeout close with a 408
                // written to the idle connection; it answers no request of
                // ours. Retry like any other stale connection (Go's
                // net/http does the same).
                let error = exchange.io_error(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "the server timed out the idle connection (408 Request Timeout)",
                ));
                let closed = exchange.retry.take();
                let retry = closed.or_else(|| exchange.conn.take().map(Conn::into_lease));
                Err(Failure { error, retry })
            }
            Ok(head) => {
                exchange.may_retry = false; // answered: from here on, never again
                exchange.retry = None;
                Ok((exchange, head))
            }
            Err(error) => Err(Failure {
                error,
                retry: exchange.retry.take(),
            }),
        }
    }

    async fn send_and_read_head(&mut self, body: &mut Vec<u8>) -> Result<ResponseHead, Error> {
        if let Some(conn) = self.conn.as_mut() {
            let sent = conn.stream.write_all(&conn.head_buf).await;
            if let Err(source) = sent {
                self.fail();
                return Err(self.io_error(source));
            }
        }
        loop {
            if let Some(head) = self.parser.head() {
                return Ok(head.clone());
            }
            self.read_some(body).await?;
        }
    }

    /// The parser, for its framing and trailers.
    pub(crate) fn parser(&self) -> &ResponseParser {
        &self.parser
    }

    /// True once the whole response has been read.
    pub(crate) fn is_complete(&self) -> bool {
        self.parser.is_complete()
    }

    /// One read from the socket, fed to the parser. Decoded body bytes are
    /// appended to `body` (possibly none: a read may hold only a chunk-size
    /// line). Once the response is complete this does nothing.
    pub(crate) async fn read_some(&mut self, body: &mut Vec<u8>) -> Result<(), Error> {
        let Some(conn) = self.conn.as_mut() else {
            return match self.parser.is_complete() {
                true => Ok(()),
                false => Err(self.io_error(io::Error::other("the connection was already closed"))),
            };
        };
        let read = conn.stream.read(&mut conn.read_buf).await;
        let count = match read {
            Ok(count) => count,
            Err(source) => {
                self.fail();
                // A reset in a body of known length is a body cut short.
                let reset = matches!(
                    source.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                );
                return Err(match reset.then(|| self.parser.cut_short()).flatten() {
                    Some(cut) => cut.at(&self.url),
                    None => self.io_error(source),
                });
            }
        };
        if count == 0 {
            // The server closed its end.
            if !self.parser.is_started() {
                self.fail();
                return Err(self.io_error(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection without sending a response",
                )));
            }
            if let Err(error) = self.parser.finish() {
                self.fail();
                return Err(error.at(&self.url));
            }
            self.release(false); // a body that ran until close: complete, not reusable
            return Ok(());
        }
        let input = &conn.read_buf[..count];
        match self.parser.feed(input, body) {
            Ok(used) if self.parser.is_complete() => self.release(used < count),
            Ok(_) => {}
            Err(error) => {
                self.fail();
                return Err(error.at(&self.url));
            }
        }
        Ok(())
    }

    /// The connection failed: close it. Keep its slot for a retry if the
    /// request may be retried and the server sent nothing.
    fn fail(&mut self) {
        let conn = self.conn.take();
        if self.may_retry && !self.parser.is_started() {
            self.retry = conn.map(Conn::into_lease);
        }
    }

    /// The response is complete: return the connection to the pool if it
    /// may carry another request (see the module notes), else close it.
    fn release(&mut self, bytes_left_over: bool) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        conn.served += 1;
        let reusable = self.parser.is_reusable() && self.asked == Connection::KeepAlive;
        if reusable && !bytes_left_over {
            return pool::checkin(conn);
        }
        if bytes_left_over {
            log::debug!(
                target: "runloop::http::pool",
                "{} sent bytes after the end of its response; closing the connection",
                self.url
            );
        }
        if self.may_retry {
            // Still reading the head: `start` may want this slot back, for
            // a 408 the server wrote to the idle connection.
            self.retry = Some(conn.into_lease());
        }
    }

    fn io_error(&self, source: io::Error) -> Error {
        Error::Io {
            url: self.url.to_string(),
            source,
        }
    }
}

/// RFC 9110 §9.2.2: methods whose repetition does no more than doing them once.
fn is_idempotent(method: &Method) -> bool {
    matches!(
        method,
        Method::Get | Method::Head | Method::Options | Method::Put | Method::Delete | Method::Trace
    )
}
