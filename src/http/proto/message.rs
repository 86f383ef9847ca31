//! # The small words of a message: method, version, connection
//!
//! Every HTTP/1.1 message starts with a *start line* (RFC 9112 §2.1): a
//! request line `GET /path HTTP/1.1` or a status line `HTTP/1.1 200 OK`.
//! This file holds the vocabulary both lines share, [`Method`] and
//! [`Version`]; the canonical reason phrases of a status line
//! ([`reason_phrase`]); and the one rule that depends on both the version
//! and a header: whether the connection stays open afterwards
//! ("persistence", RFC 9112 §9.3), expressed as [`Connection`].
//!
//! Methods are case-sensitive tokens (RFC 9110 §9.1): `GET` is the GET
//! method and `get` is some other method that happens to look similar.

use std::fmt;
use std::str::FromStr;

use super::error::{InvalidInput, quoted};
use super::headers::{Headers, is_token};

/// A request method (RFC 9110 §9).
///
/// The common ones have variants; any other token is `Other`. Parse one
/// from text with `str::parse`, which checks the token grammar:
///
/// ```
/// use runloop::http::Method;
/// assert_eq!("GET".parse::<Method>()?, Method::Get);
/// assert_eq!("PURGE".parse::<Method>()?.as_str(), "PURGE");
/// assert!("GET /".parse::<Method>().is_err());
/// # Ok::<(), runloop::http::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: fetch a representation.
    Get,
    /// `HEAD`: like GET, but the response has no body.
    Head,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `PATCH` (RFC 5789).
    Patch,
    /// `TRACE`.
    Trace,
    /// `CONNECT`: asks for a tunnel; the client does not send it.
    Connect,
    /// Any other method token. Build it with `str::parse` so the token is
    /// checked; the request writer checks it again before sending.
    Other(Box<str>),
}

impl Method {
    /// The method as it appears on the request line.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
            Method::Other(token) => token,
        }
    }

    /// Map a token to its variant; the caller has checked the token grammar.
    fn from_token(token: &str) -> Method {
        match token {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "PATCH" => Method::Patch,
            "TRACE" => Method::Trace,
            "CONNECT" => Method::Connect,
            other => Method::Other(other.into()),
        }
    }
}

impl FromStr for Method {
    type Err = InvalidInput;

    fn from_str(text: &str) -> Result<Method, InvalidInput> {
        if is_token(text.as_bytes()) {
            Ok(Method::from_token(text))
        } else {
            Err(InvalidInput::new(format!(
                "{} is not a method name (a method is a token such as GET)",
                quoted(text.as_bytes())
            )))
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The protocol version on a start line. Only HTTP/1.0 and HTTP/1.1 exist
/// in this module's world; anything else is rejected by the parsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `HTTP/1.0`: connections close after each response unless both sides
    /// say `Connection: keep-alive`; no chunked encoding.
    Http10,
    /// `HTTP/1.1`: connections persist unless either side says `close`.
    Http11,
}

impl Version {
    /// The version as written on the start line.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }

    /// Recognise `HTTP/1.0` or `HTTP/1.1` exactly (the name is case-sensitive,
    /// RFC 9112 §2.3).
    pub(crate) fn parse(bytes: &[u8]) -> Option<Version> {
        match bytes {
            b"HTTP/1.1" => Some(Version::Http11),
            b"HTTP/1.0" => Some(Version::Http10),
            _ => None,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a connection is to carry another message after this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Connection {
    /// Keep the connection open for the next request (`Connection: keep-alive`).
    KeepAlive,
    /// Close the connection after this exchange (`Connection: close`).
    Close,
}

impl Connection {
    /// The `Connection` header value that says this.
    pub fn as_str(self) -> &'static str {
        match self {
            Connection::KeepAlive => "keep-alive",
            Connection::Close => "close",
        }
    }

    /// What a message's sender asked for (RFC 9112 §9.3, "Persistence"):
    ///
    /// * a `close` option means close, whatever the version;
    /// * otherwise HTTP/1.1 means keep the connection;
    /// * otherwise (HTTP/1.0) only an explicit `keep-alive` option keeps it.
    ///
    /// Framing can still force a close (a body that ends at EOF, say); the
    /// parsers combine the two.
    pub(crate) fn requested(version: Version, headers: &Headers) -> Connection {
        if headers.has_token("connection", "close") {
            Connection::Close
        } else if version == Version::Http11 || headers.has_token("connection", "keep-alive") {
            Connection::KeepAlive
        } else {
            Connection::Close
        }
    }
}

/// The canonical reason phrase for `status` (RFC 9110 §15), or `""` for
/// codes not in the table (an empty reason is valid on the wire).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}
