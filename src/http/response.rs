//! # A response, read to the end
//!
//! [`Response`] is what `requests.get(url)` returns, or an aiohttp response
//! after `await resp.read()`: status, headers and the whole body in memory.
//! Both clients return it. The fields are public because there is nothing
//! to protect: the parser has already checked every one of them (a status
//! in 100..=599, headers free of control bytes, a body framed exactly as
//! RFC 9112 §6.3 says). For bodies too large to hold, see
//! [`StreamingResponse`](super::StreamingResponse).

use std::borrow::Cow;

use super::proto::{Headers, ResponseHead, Url, Version};

/// A complete HTTP response.
///
/// ```
/// # use runloop::http::server::{self, Server};
/// # let site = Server::new(|_request| async { server::Response::text(200, "hello") })
/// #     .spawn_thread("127.0.0.1:0").unwrap();
/// # let url = site.url("/");
/// let response = runloop::run(runloop::http::get(&url))?;
/// assert_eq!(response.status, 200);
/// assert_eq!(response.header("CONTENT-TYPE"), Some("text/plain; charset=utf-8"));
/// assert_eq!(response.text(), "hello");
/// # Ok::<(), runloop::http::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, 100..=599.
    pub status: u16,
    /// The reason phrase, as sent (often empty or standard; never rely on it).
    pub reason: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: Version,
    /// The header fields, in the order received.
    pub headers: Headers,
    /// The decoded body (chunked framing removed).
    pub body: Vec<u8>,
    /// The trailer fields of a chunked body, if it had any section at all.
    pub trailers: Option<Headers>,
    /// The URL this response came from: the last one, after redirects.
    pub url: Url,
}

impl Response {
    pub(crate) fn new(head: ResponseHead, url: Url, body: Vec<u8>, trailers: Option<Headers>) -> Response {
        Response {
            status: head.status,
            reason: head.reason,
            version: head.version,
            headers: head.headers,
            body,
            trailers,
            url,
        }
    }

    /// The body as text. Bytes that are not UTF-8 become U+FFFD; no other
    /// encodings are guessed.
    #[doc(alias = "read")]
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The first value of header `name`, in any case, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// True for a 2xx status.
    #[doc(alias = "ok")]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}
