//! # Writing a request (RFC 9112 §3, "Request Line")
//!
//! A client request without a body is just a head:
//!
//! ```text
//! GET /path?query HTTP/1.1\r\n
//! Host: example.com\r\n
//! User-Agent: runloop/0.1\r\n
//! Accept: */*\r\n
//! Connection: keep-alive\r\n
//! \r\n
//! ```
//!
//! [`Request::write_head`] produces exactly that into a caller's `Vec<u8>`,
//! so a client can reuse one buffer for every request on a connection.
//!
//! ## Why writing cannot inject anything
//!
//! Header injection (and its cousin, request splitting) happens when a
//! value containing CR LF reaches the wire: the peer reads the rest of the
//! value as a new header, or a new request. Here every piece that reaches
//! the wire was checked on the way *into* its type: a [`Url`] holds no
//! spaces or control characters, a [`Headers`] holds only token names and
//! control-free values, and the method is checked to be a token before
//! anything is written. So there is nothing left to check at write time,
//! and a failed check leaves `out` untouched.
//!
//! ## Defaults and overrides
//!
//! `Host`, `User-Agent`, `Accept` and `Connection` are sent by default, in
//! that order (`Host` first, as RFC 9112 §3.2 recommends). A user header
//! with the same name, in any case, replaces the default in its slot. The
//! client sends no request bodies, so `Content-Length` and
//! `Transfer-Encoding` are refused: a stray one would make the server wait
//! for a body that never comes, or read our next request as this one's body.

use super::error::InvalidInput;
use super::headers::{Headers, is_token};
use super::message::{Connection, Method};
use super::url::Url;

/// The `User-Agent` sent unless the caller sets one.
pub const USER_AGENT: &str = concat!("runloop/", env!("CARGO_PKG_VERSION"));

/// A request without a body: method, URL and extra header fields.
///
/// ```
/// use runloop::http::{Connection, Request, Url};
/// let mut request = Request::get(Url::parse("http://example.com/a?b")?);
/// request.headers.append("Accept", "text/plain")?;
/// let mut out = Vec::new();
/// request.write_head(&mut out, Connection::KeepAlive)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("GET /a?b HTTP/1.1\r\nHost: example.com\r\n"));
/// assert!(text.contains("\r\nAccept: text/plain\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method; `CONNECT` is refused when writing.
    pub method: Method,
    /// Where to send it.
    pub url: Url,
    /// Extra fields; one named like a default replaces that default.
    pub headers: Headers,
}

/// Fields that describe a request body, which this client never sends.
const BODY_FIELDS: [&str; 2] = ["Content-Length", "Transfer-Encoding"];

impl Request {
    /// A request with no extra headers.
    pub fn new(method: Method, url: Url) -> Self {
        Request {
            method,
            url,
            headers: Headers::new(),
        }
    }

    /// A `GET` request.
    pub fn get(url: Url) -> Self {
        Request::new(Method::Get, url)
    }

    /// A `HEAD` request.
    pub fn head(url: Url) -> Self {
        Request::new(Method::Head, url)
    }

    /// Append the request head to `out`.
    ///
    /// `connection` is what to ask the server for; a user `Connection`
    /// header overrides it. Returns what was actually asked for: after
    /// `Close`, the connection must not carry another request whatever the
    /// response says (RFC 9112 §9.6).
    ///
    /// Fails with [`InvalidInput`], writing nothing, for `CONNECT`,
    /// a method that is not a token, a user `Content-Length` or
    /// `Transfer-Encoding`, or more than one `Host`.
    pub fn write_head(&self, out: &mut Vec<u8>, connection: Connection) -> Result<Connection, InvalidInput> {
        self.validate()?;
        let connection = if !self.headers.contains("connection") {
            connection
        } else if self.headers.has_token("connection", "close") {
            Connection::Close
        } else {
            Connection::KeepAlive // HTTP/1.1 persists unless told to close
        };

        for part in [self.method.as_str(), " ", self.url.path_and_query(), " HTTP/1.1\r\n"] {
            out.extend_from_slice(part.as_bytes());
        }
        // The defaults, in the order sent; a user field of the same name
        // takes the default's place.
        let defaults = [
            ("Host", self.url.authority()),
            ("User-Agent", USER_AGENT),
            ("Accept", "*/*"),
            ("Connection", connection.as_str()),
        ];
        for (default_name, default_value) in defaults {
            let mut overrides = self.named(default_name).peekable();
            if overrides.peek().is_none() {
                write_field(out, default_name, default_value.as_bytes());
            }
            for (name, value) in overrides {
                write_field(out, name, value);
            }
        }
        if matches!(self.method, Method::Post | Method::Put | Method::Patch) {
            // No body, said explicitly: some servers refuse these methods
            // without a length (411 Length Required).
            write_field(out, "Content-Length", b"0");
        }
        for (name, value) in &self.headers {
            let is_default = defaults
                .iter()
                .any(|(default_name, _)| name.eq_ignore_ascii_case(default_name));
            if !is_default {
                write_field(out, name, value);
            }
        }
        out.extend_from_slice(b"\r\n");
        Ok(connection)
    }

    /// Check, without writing anything, what [`write_head`](Self::write_head)
    /// would refuse. A client calls it before it connects, so a request
    /// that can never be sent costs no connection.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.check().map_err(InvalidInput::new)
    }

    /// Everything that could make the head unsafe or wrong, checked before
    /// a byte is written.
    fn check(&self) -> Result<(), String> {
        let method = self.method.as_str();
        if !is_token(method.as_bytes()) {
            return Err(format!("the method {method:?} is not a token"));
        }
        if self.method == Method::Connect {
            return Err("CONNECT (tunnelling) is not supported".into());
        }
        if let Some(name) = BODY_FIELDS.iter().find(|name| self.headers.contains(name)) {
            return Err(format!(
                "runloop sends no request body, so it cannot send a {name} header"
            ));
        }
        if self.headers.get_all("host").count() > 1 {
            return Err("more than one Host header".into());
        }
        Ok(())
    }

    fn named<'a>(&'a self, wanted: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.headers
            .iter()
            .filter(move |(name, _)| name.eq_ignore_ascii_case(wanted))
    }
}

fn write_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}
