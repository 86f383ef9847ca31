//! # One connection: read a request, answer it, repeat
//!
//! Every accepted connection gets its own task running [`serve`]: asyncio's
//! `start_server` callback, or aiohttp's `RequestHandler`. The loop has
//! four phases, each with its own deadline, so no client can hold a task
//! forever by doing nothing:
//!
//! ```text
//!   wait for a request's first byte ── keep_alive_timeout ─► close quietly
//!   read the rest of the request ────── request_timeout ───► 408, close
//!   run the handler                      (the handler's own business)
//!   write the response ───────────────── send_timeout ─────► close
//!   keep-alive? ── yes ─► again          (per write: a client that stops
//!                 no ──► close            reading cannot stall us)
//! ```
//!
//! ## Invariants
//!
//! * **The parser decides what a request is.** Bytes go into
//!   [`RequestParser`]; a request is handled only once it is complete and
//!   valid. A request the parser refuses gets the status that
//!   [`status_for`](crate::http::proto::status_for) names (400, 413, 431,
//!   501) from [`write_error_response`], which always says `Connection:
//!   close`: after a framing error nobody knows where the next request
//!   starts.
//! * **Pipelined requests are answered in order.** Bytes after a complete
//!   request stay in the read buffer and begin the next one.
//! * **Keep-alive only when both sides allow it**: the request asked for it
//!   (RFC 9112 §9.3), and the response was written in full with a framing
//!   that ends on its own (not a body that runs until close).
//! * **Lingering close after an error.** Closing a socket with unread
//!   bytes in its receive buffer makes the kernel answer with a reset. A
//!   client still sending its request (a head too large, say) then fails
//!   on its next write and may never read our answer; on some systems the
//!   reset also discards an answer that arrived but was not read yet. So
//!   after an error response we shut down our sending side and read (and
//!   discard) what the client is still sending, for a while, before
//!   closing: what Apache and nginx call a lingering close.

use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;
use std::time::Duration;

use super::message::{Body, Request, Response};
use super::shutdown::Drain;
use super::stats::ServerStats;
use crate::future::{Either, select};
use crate::http::proto::{
    Connection, Framing, Headers, InvalidInput, Limits, Method, ParseError, RequestParser, Version, reason_phrase,
    write_chunk, write_error_response, write_last_chunk, write_response_head,
};
use crate::net::TcpStream;
use crate::prelude::*;
use crate::time::timeout;

/// Bytes read from a client at a time.
const READ_BUF_SIZE: usize = 8 * 1024;

/// A body at most this long is copied behind the head and sent in one
/// write; a longer one is sent in a second write instead of being copied.
const COALESCE_MAX: usize = 64 * 1024;

/// How long, and how many bytes, a lingering close reads before closing.
const LINGER_TIME: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;

/// What every connection of one server obeys: the request limits and the
/// three deadlines above. `Server`'s setters fill it in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) limits: Limits,
    pub(super) keep_alive_timeout: Duration,
    pub(super) request_timeout: Duration,
    pub(super) send_timeout: Duration,
}

/// Serve one connection until it closes, calling `handler` (shared with
/// every other connection of the server) once per request.
pub(super) async fn serve<H, F>(
    stream: TcpStream,
    peer: SocketAddr,
    handler: Rc<H>,
    settings: Settings,
    stats: ServerStats,
    drain: Rc<Drain>,
) where
    H: Fn(Request) -> F,
    F: Future<Output = Response>,
{
    let mut wire = Wire {
        stream,
        buf: vec![0; READ_BUF_SIZE].into_boxed_slice(),
        start: 0,
        end: 0,
        out: Vec::with_capacity(512),
    };
    loop {
        let request = match wire.read_request(&settings, peer, &drain).await {
            Ok(Some(request)) => request,
            Ok(None) => return, // the client left, or stayed silent too long
            Err(Refusal::Invalid(error)) => {
                log::debug!(target: "runloop::http::server", "bad request from {peer}: {error}");
                write_error_response(&mut wire.out, &error);
                return wire.send_then_linger(&settings).await;
            }
            Err(Refusal::TooSlow) => {
                log::debug!(target: "runloop::http::server", "{peer} took too long to send a request");
                simple_response(&mut wire.out, 408, "the request took too long to arrive\n");
                return wire.send_then_linger(&settings).await;
            }
        };
        stats.count_request();
        let keep_alive = request.keep_alive();
        let is_head = *request.method() == Method::Head;
        let version = request.version();
        let response = handler(request).await;
        // A server shutting down answers this request and then closes.
        let stopping = drain.is_stopping();
        match wire
            .write_response(response, keep_alive && !stopping, is_head, version, &settings)
            .await
        {
            Ok(_) if stopping => return drain.count_finished(),
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                log::debug!(target: "runloop::http::server", "writing to {peer} failed: {error}");
                return;
            }
        }
    }
}

/// Why no request could be handed to the handler, when it deserves an answer.
enum Refusal {
    Invalid(ParseError),
    TooSlow,
}

/// The socket with its buffers: `buf[start..end]` is read but not yet
/// parsed; `out` is reused for every response head.
struct Wire {
    stream: TcpStream,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    out: Vec<u8>,
}

impl Wire {
    /// Wait for a request (within the keep-alive timeout), then read all
    /// of it (within the request timeout). `Ok(None)`: close quietly.
    /// An idle connection of a server that is shutting down closes at
    /// once, without waiting.
    async fn read_request(
        &mut self,
        settings: &Settings,
        peer: SocketAddr,
        drain: &Drain,
    ) -> Result<Option<Request>, Refusal> {
        if self.start == self.end {
            let idle = timeout(settings.keep_alive_timeout, self.fill());
            match select(idle, drain.stopping()).await {
                Either::Left(Ok(Ok(0)) | Ok(Err(_)) | Err(_)) => return Ok(None),
                Either::Left(Ok(Ok(_))) => {}
                Either::Right(()) => {
                    drain.count_closed_idle();
                    return Ok(None);
                }
            }
        }
        let mut parser = RequestParser::new(settings.limits);
        let mut body = Vec::new();
        let read = async {
            loop {
                let used = parser.feed(&self.buf[self.start..self.end], &mut body)?;
                self.start += used;
                if parser.is_complete() {
                    return Ok(true);
                }
                // The parser took everything it was given; read more.
                match self.fill().await {
                    Ok(0) => return parser.finish().map(|()| false),
                    Ok(_) => {}
                    Err(_) => return Ok(false), // a reset: nobody to answer
                }
            }
        };
        match timeout(settings.request_timeout, read).await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Ok(None),
            Ok(Err(error)) => return Err(Refusal::Invalid(error)),
            Err(_elapsed) => return Err(Refusal::TooSlow),
        }
        match parser.head() {
            Some(head) => Ok(Some(Request::new(head.clone(), body, peer))),
            None => Ok(None),
        }
    }

    /// Read into the buffer, which the parser has emptied.
    async fn fill(&mut self) -> io::Result<usize> {
        self.start = 0;
        self.end = self.stream.read(&mut self.buf).await?;
        Ok(self.end)
    }

    /// Write `response`. Returns whether the connection may carry another
    /// request.
    async fn write_response(
        &mut self,
        response: Response,
        keep_alive: bool,
        is_head: bool,
        version: Version,
        settings: &Settings,
    ) -> io::Result<bool> {
        let connection = match keep_alive {
            true => Connection::KeepAlive,
            false => Connection::Close,
        };
        let Response { status, headers, body } = response;
        let framing = match &body {
            _ if status == 204 || status == 304 => Framing::NoBody,
            Body::Full(bytes) => Framing::Length(bytes.len() as u64),
            Body::Stream(_) if version == Version::Http11 => Framing::Chunked,
            Body::Stream(_) => Framing::UntilClose, // HTTP/1.0 has no chunked coding
        };
        self.out.clear();
        let written = match status {
            200..=599 => write_response_head(
                &mut self.out,
                status,
                reason_phrase(status),
                &headers,
                framing,
                connection,
            ),
            _ => Err(InvalidInput::new(format!(
                "{status} is not a final status code (200..=599)"
            ))),
        };
        if let Err(invalid) = written {
            log::error!(target: "runloop::http::server", "the handler's response cannot be sent: {invalid}");
            simple_response(&mut self.out, 500, "the handler produced an invalid response\n");
            self.send(settings).await?;
            return Ok(false);
        }
        let send_body = !is_head && framing != Framing::NoBody;
        match body {
            Body::Full(bytes) if send_body && bytes.len() <= COALESCE_MAX => {
                self.out.extend_from_slice(&bytes);
                self.send(settings).await?;
            }
            Body::Full(bytes) => {
                self.send(settings).await?;
                if send_body {
                    within(settings.send_timeout, self.stream.write_all(&bytes)).await?;
                }
            }
            Body::Stream(mut pieces) => {
                self.send(settings).await?;
                while send_body && let Some(piece) = pieces.recv().await {
                    self.out.clear();
                    match framing {
                        Framing::Chunked => write_chunk(&mut self.out, &piece),
                        _ => self.out.extend_from_slice(&piece),
                    }
                    self.send(settings).await?;
                }
                if send_body && framing == Framing::Chunked {
                    self.out.clear();
                    write_last_chunk(&mut self.out);
                    self.send(settings).await?;
                }
            }
        }
        Ok(keep_alive && framing != Framing::UntilClose)
    }

    /// Write `out` in full, within the send timeout.
    async fn send(&mut self, settings: &Settings) -> io::Result<()> {
        within(settings.send_timeout, self.stream.write_all(&self.out)).await
    }

    /// Send the error response in `out`, then close lingeringly (see the
    /// module notes).
    async fn send_then_linger(mut self, settings: &Settings) {
        if self.send(settings).await.is_err() || self.stream.shutdown(Shutdown::Write).is_err() {
            return;
        }
        let drain = async {
            let mut drained = 0;
            while drained < LINGER_BYTES {
                match self.stream.read(&mut self.buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(count) => drained += count,
                }
            }
        };
        let _ = timeout(LINGER_TIME, drain).await;
    }
}

/// Run a write within `limit`; running out is a `TimedOut` error.
async fn within(limit: Duration, write: impl Future<Output = io::Result<()>>) -> io::Result<()> {
    timeout(limit, write).await.map_err(io::Error::from)?
}

/// A complete plain-text response with `Connection: close`.
fn simple_response(out: &mut Vec<u8>, status: u16, text: &str) {
    out.clear();
    let mut headers = Headers::new();
    headers.push_parsed(b"Content-Type", b"text/plain; charset=utf-8");
    let framing = Framing::Length(text.len() as u64);
    // Only constants go in, so this cannot fail; if it ever did, the
    // client would see the connection close without an answer.
    if write_response_head(out, status, reason_phrase(status), &headers, framing, Connection::Close).is_ok() {
        out.extend_from_slice(text.as_bytes());
    }
}
