//! # A response whose body is read piece by piece
//!
//! A 2 GiB download does not fit in a `Vec`, and a progress bar needs to
//! know how far along the body is. [`StreamingResponse`] holds the response
//! head and the connection, and hands the body out one decoded piece at a
//! time: aiohttp's `async for chunk in resp.content.iter_any()`, or
//! `requests.get(url, stream=True).iter_content()`.
//!
//! ## Invariants
//!
//! * **Constant memory.** Each [`chunk`](StreamingResponse::chunk) is one
//!   socket read (at most 16 KiB) decoded into one reusable buffer, which the
//!   returned slice borrows. Nothing else is kept, whatever the body's size.
//!   (`Limits::max_body_bytes` still caps the total; raise it for big files.)
//! * **The connection goes back to the pool only when the body has been
//!   read to its end.** Dropping a `StreamingResponse` before that closes
//!   the connection: with the rest of the body still on the wire, it cannot
//!   carry another request.
//! * **The total timeout keeps running** while the body is streamed; each
//!   `chunk` waits at most until the request's deadline.

use super::conn::Exchange;
use super::deadline::Deadline;
use super::error::Error;
use super::proto::{Framing, Headers, ResponseHead, Url, Version};
use super::response::Response;

/// The most [`StreamingResponse::into_response`] allocates ahead of the
/// bytes on the word of a `Content-Length` header.
const MAX_RESERVE: u64 = 1 << 20;

/// A response whose body has not been read yet.
///
/// ```
/// # use runloop::http::server::{self, Server};
/// # let site = Server::new(|_request| async { server::Response::bytes(200, vec![7; 100_000]) })
/// #     .spawn_thread("127.0.0.1:0").unwrap();
/// # let url = site.url("/big");
/// runloop::run(async {
///     let client = runloop::http::Client::new();
///     let mut response = client.get_streaming(&url).await?;
///     let total = response.content_length();
///     while let Some(piece) = response.chunk().await? {
///         // write `piece` somewhere, then report progress:
///         println!("{} of {total:?} bytes", response.received());
///     }
///     assert_eq!(response.received(), 100_000);
///     Ok::<(), runloop::http::Error>(())
/// })?;
/// # Ok::<(), runloop::http::Error>(())
/// ```
pub struct StreamingResponse {
    /// The status code, 100..=599.
    pub status: u16,
    /// The reason phrase, as sent.
    pub reason: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: Version,
    /// The header fields, in the order received.
    pub headers: Headers,
    /// The URL this response came from: the last one, after redirects.
    pub url: Url,
    exchange: Exchange,
    deadline: Deadline,
    /// The last piece handed out, or body bytes that came with the head.
    piece: Vec<u8>,
    /// True while `piece` holds bytes that arrived with the head and have
    /// not been handed out yet.
    piece_is_new: bool,
    received: u64,
}

impl StreamingResponse {
    pub(crate) fn new(head: ResponseHead, url: Url, exchange: Exchange, early: Vec<u8>, deadline: Deadline) -> Self {
        StreamingResponse {
            status: head.status,
            reason: head.reason,
            version: head.version,
            headers: head.headers,
            url,
            exchange,
            deadline,
            piece_is_new: !early.is_empty(),
            piece: early,
            received: 0,
        }
    }

    /// The next piece of the decoded body, or `None` at its end. The slice
    /// is valid until the next call; copy what you want to keep.
    #[doc(alias = "iter_chunked")]
    #[doc(alias = "iter_content")]
    pub async fn chunk(&mut self) -> Result<Option<&[u8]>, Error> {
        if !std::mem::take(&mut self.piece_is_new) {
            self.piece.clear();
            while self.piece.is_empty() && !self.exchange.is_complete() {
                let read = self.exchange.read_some(&mut self.piece);
                self.deadline.within(&self.url, read).await?;
            }
            if self.piece.is_empty() {
                return Ok(None);
            }
        }
        self.received += self.piece.len() as u64;
        Ok(Some(&self.piece))
    }

    /// The body's announced length (`Content-Length`), if it has one.
    pub fn content_length(&self) -> Option<u64> {
        match self.exchange.parser().framing() {
            Some(Framing::Length(length)) => Some(length),
            Some(Framing::NoBody) => Some(0),
            _ => None,
        }
    }

    /// Body bytes handed out by [`chunk`](Self::chunk) so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// True once the whole body has been read.
    pub fn is_complete(&self) -> bool {
        self.exchange.is_complete() && !self.piece_is_new
    }

    /// The first value of header `name`, in any case, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// Read the rest of the body into a [`Response`]. Its `body` holds
    /// what [`chunk`](Self::chunk) had not handed out yet.
    #[doc(alias = "read")]
    pub async fn into_response(mut self) -> Result<Response, Error> {
        let mut body = match self.piece_is_new {
            true => std::mem::take(&mut self.piece),
            false => Vec::new(),
        };
        if let Some(Framing::Length(length)) = self.exchange.parser().framing() {
            // Size the body once, but do not let a Content-Length that may
            // be a lie make us allocate much before the bytes arrive.
            let remaining = length.saturating_sub(body.len() as u64).min(MAX_RESERVE);
            body.reserve(remaining as usize);
        }
        while !self.exchange.is_complete() {
            let read = self.exchange.read_some(&mut body);
            self.deadline.within(&self.url, read).await?;
        }
        let trailers = self.exchange.parser().trailers().cloned();
        let head = ResponseHead {
            version: self.version,
            status: self.status,
            reason: self.reason,
            headers: self.headers,
        };
        Ok(Response::new(head, self.url, body, trailers))
    }
}

impl std::fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("url", &self.url.to_string())
            .field("headers", &self.headers)
            .field("received", &self.received)
            .field("complete", &self.is_complete())
            .finish_non_exhaustive()
    }
}
