//! # The server's half of the protocol: read requests, write responses
//!
//! The mirror image of the client's files. [`RequestParser`] is a push
//! parser for a request (RFC 9112 §3, "Request Line"), built from the same
//! head reader and body decoder as the response parser, and the `write_*`
//! functions produce a response head and chunked body into a `Vec<u8>`.
//!
//! ## What a request may look like here
//!
//! * Any method token; HTTP/1.0 or HTTP/1.1.
//! * The target in origin-form (`/path?query`, RFC 9112 §3.2.1), or `*`
//!   for OPTIONS. Absolute-form (`http://host/path`, §3.2.2) is refused
//!   with 400, although the RFC asks servers to accept it: it is what
//!   clients send to proxies, and this server is not one.
//! * `Host`: exactly one in HTTP/1.1, at most one in 1.0, and a valid
//!   `host[:port]` when not empty; otherwise 400 (RFC 9112 §3.2).
//! * A body only with `Content-Length` (RFC 9112 §6.3 rule 7: no length
//!   means no body). Any `Transfer-Encoding` is refused: together with
//!   `Content-Length`, in HTTP/1.0, or not ending in `chunked`, it is 400
//!   (§6.3 rules 3 and 4, the request-smuggling rules); a well-formed
//!   `chunked` request body is 501 Not Implemented (§6.1: "SHOULD respond
//!   with 501"), because this server does not read chunked bodies.
//!
//! Every [`ParseError`] maps to a status with [`status_for`], and
//! [`write_error_response`] writes that answer, always with
//! `Connection: close`: after a framing error no one knows where the next
//! request would start.
//!
//! ## Writing responses
//!
//! [`write_response_head`] writes the framing fields itself, from its
//! `framing` and `connection` arguments, and refuses user headers that
//! would contradict them: a response whose `Content-Length` disagrees with
//! its body is exactly the kind of ambiguity the client side refuses.

use super::body::{BodyDecoder, Framing, check_chunked, content_length, has_transfer_encoding};
use super::error::{InvalidInput, Limit, ParseError, quoted};
use super::head::{HeadBuffer, parse_fields};
use super::headers::{Headers, is_field_value_byte};
use super::limits::Limits;
use super::message::{Connection, Method, Version, reason_phrase};
use super::progress::Progress;
use super::url::parse_authority;

/// The request line and header fields of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestHead {
    /// The method.
    pub method: Method,
    /// The request target: `/path?query`, or `*`. Visible ASCII only.
    pub target: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: Version,
    /// The header fields, in order.
    pub headers: Headers,
}

impl RequestHead {
    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(self.target.as_str(), |(path, _)| path)
    }

    /// The target's query (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// Whether the client asked to keep the connection open (RFC 9112 §9.3):
    /// HTTP/1.1 unless `Connection: close`, HTTP/1.0 only with `keep-alive`.
    pub fn keep_alive(&self) -> bool {
        Connection::requested(self.version, &self.headers) == Connection::KeepAlive
    }
}

/// A push parser for one request; see the module notes for what it accepts.
///
/// ```
/// use runloop::http::{Limits, RequestParser};
/// let mut parser = RequestParser::new(Limits::default());
/// let mut body = Vec::new();
/// let request = b"GET /hi?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
/// let pipelined = [&request[..], b"GET /next"].concat();
/// let used = parser.feed(&pipelined, &mut body)?;
/// assert_eq!(used, request.len()); // the next request is left for the next parser
/// let head = parser.head().unwrap();
/// assert_eq!((head.path(), head.query()), ("/hi", Some("x=1")));
/// assert!(parser.is_complete() && parser.keep_alive());
/// # Ok::<(), runloop::http::ParseError>(())
/// ```
#[derive(Debug)]
pub struct RequestParser {
    limits: Limits,
    progress: Progress,
    head: Option<RequestHead>,
    started: bool,
}

impl RequestParser {
    /// A parser for one request.
    pub fn new(limits: Limits) -> Self {
        RequestParser {
            limits,
            progress: Progress::new(),
            head: None,
            started: false,
        }
    }

    /// Consume as much of `input` as belongs to this request, appending
    /// body bytes to `body`; returns how many bytes were consumed. The rest
    /// (a pipelined request) is for the next parser. After an error, every
    /// later call returns the same error.
    pub fn feed(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        self.started |= !input.is_empty();
        let result = self.advance(input, body);
        self.progress.latch(result)
    }

    /// The client closed the connection. Fine after a complete request; an
    /// error in the middle of one. (A close before any byte, see
    /// [`is_started`](Self::is_started), is a client simply leaving.)
    pub fn finish(&mut self) -> Result<(), ParseError> {
        self.progress
            .finish("the connection closed before the request head was complete")
    }

    /// The request head, once parsed.
    pub fn head(&self) -> Option<&RequestHead> {
        self.head.as_ref()
    }

    /// True when the whole request, body included, has been read.
    pub fn is_complete(&self) -> bool {
        self.progress.is_done()
    }

    /// True once any byte has been fed.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// True when the request is complete and its client asked to keep the
    /// connection open.
    pub fn keep_alive(&self) -> bool {
        self.is_complete() && self.head.as_ref().is_some_and(RequestHead::keep_alive)
    }

    /// Bytes of memory the parser holds, for tests of the limits.
    #[doc(hidden)]
    pub fn buffered_len(&self) -> usize {
        self.progress.buffered_len()
    }

    fn advance(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        match &mut self.progress {
            Progress::Failed(error) => Err(error.clone()),
            Progress::Done => Ok(0),
            Progress::Body(decoder) => {
                let used = decoder.decode(input, body)?;
                if decoder.is_done() {
                    self.progress = Progress::Done;
                }
                Ok(used)
            }
            Progress::Head(buffer) => {
                let (used, complete) = buffer.push(input, self.limits.max_head_bytes)?;
                if !complete {
                    return Ok(used);
                }
                let head = parse_head(buffer, &self.limits)?;
                let framing = framing_of(&head);
                self.head = Some(head); // kept even if the framing is refused, for error reports
                self.progress = Progress::after_head(BodyDecoder::new(framing?, &self.limits)?);
                let rest = input.get(used..).unwrap_or_default();
                Ok(used + self.advance(rest, body)?)
            }
        }
    }
}

fn parse_head(buffer: &HeadBuffer, limits: &Limits) -> Result<RequestHead, ParseError> {
    let mut lines = buffer.lines();
    let (method, target, version) = parse_request_line(lines.next().unwrap_or_default())?;
    let headers = parse_fields(lines, buffer.line_count(), limits.max_headers)?;
    check_host(version, &headers)?;
    Ok(RequestHead {
        method,
        target,
        version,
        headers,
    })
}

/// `request-line = method SP request-target SP HTTP-version`, with exactly
/// one space between the parts (RFC 9112 §3).
fn parse_request_line(line: &[u8]) -> Result<(Method, String, Version), ParseError> {
    let mut parts = line.split(|&byte| byte == b' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::malformed(format!(
            "the request line {} is not \"METHOD /target HTTP/1.1\"",
            quoted(line)
        )));
    };
    let method: Method = std::str::from_utf8(method)
        .ok()
        .and_then(|method| method.parse().ok())
        .ok_or_else(|| ParseError::malformed(format!("the method {} is not a token", quoted(method))))?;
    let version = Version::parse(version).ok_or_else(|| {
        ParseError::malformed(format!(
            "the request version {} is not HTTP/1.0 or HTTP/1.1",
            quoted(version)
        ))
    })?;
    let target = check_target(&method, target)?;
    Ok((method, target, version))
}

/// Origin-form (`/` then visible ASCII, no fragment), or `*` for OPTIONS.
fn check_target(method: &Method, target: &[u8]) -> Result<String, ParseError> {
    let asterisk = target == b"*" && *method == Method::Options;
    let origin_form = target.starts_with(b"/") && target.iter().all(|&byte| byte.is_ascii_graphic() && byte != b'#');
    if !(asterisk || origin_form) {
        return Err(ParseError::malformed(format!(
            "the request target {} is not a path such as /index.html?q=1",
            quoted(target)
        )));
    }
    String::from_utf8(target.to_vec()).map_err(|_| ParseError::malformed("the request target is not ASCII"))
}

/// RFC 9112 §3.2: one `Host` in HTTP/1.1 (at most one in 1.0), holding
/// `host[:port]` or nothing.
fn check_host(version: Version, headers: &Headers) -> Result<(), ParseError> {
    let mut hosts = headers.get_all("host");
    match (hosts.next(), hosts.next()) {
        (None, _) if version == Version::Http11 => {
            Err(ParseError::malformed("an HTTP/1.1 request must have a Host header"))
        }
        (Some(_), Some(_)) => Err(ParseError::malformed("more than one Host header")),
        (Some(host), None) if !host.is_empty() => std::str::from_utf8(host)
            .ok()
            .and_then(|host| parse_authority(host).ok())
            .map(drop)
            .ok_or_else(|| ParseError::malformed(format!("the Host header {} is not host[:port]", quoted(host)))),
        _ => Ok(()),
    }
}

/// RFC 9112 §6.3 for a request; see the module notes.
fn framing_of(head: &RequestHead) -> Result<Framing, ParseError> {
    if has_transfer_encoding(&head.headers) {
        if head.headers.contains("content-length") {
            return Err(ParseError::malformed(
                "both Transfer-Encoding and Content-Length (a request smuggling pattern)",
            ));
        }
        if head.version == Version::Http10 {
            return Err(ParseError::malformed("Transfer-Encoding in an HTTP/1.0 request"));
        }
        check_chunked(&head.headers)?;
        return Err(ParseError::unsupported(
            "chunked request bodies (send Content-Length instead)",
        ));
    }
    Ok(match content_length(&head.headers)? {
        Some(length) => Framing::Length(length),
        None => Framing::NoBody,
    })
}

/// The status a server should answer a request that failed to parse with.
pub fn status_for(error: &ParseError) -> u16 {
    match error {
        ParseError::Malformed { .. } | ParseError::IncompleteBody { .. } => 400,
        ParseError::Unsupported { .. } => 501,
        ParseError::LimitExceeded {
            limit: Limit::BodyBytes { .. },
        } => 413,
        ParseError::LimitExceeded { .. } => 431,
    }
}

/// Write a complete plain-text error response for `error`, with
/// `Connection: close`. Peer bytes in the message are already escaped.
pub fn write_error_response(out: &mut Vec<u8>, error: &ParseError) {
    let status = status_for(error);
    let body = format!("{error}\n");
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        reason_phrase(status),
        body.len()
    );
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body.as_bytes());
}

/// Append a response head: status line, `headers`, the framing field
/// (`Content-Length` or `Transfer-Encoding: chunked`), and `Connection`.
///
/// `Framing::UntilClose` forces `Connection: close`. Refuses, writing
/// nothing: a status outside 100..=599, a reason with control bytes, user
/// `Content-Length`, `Transfer-Encoding` or `Connection` headers (set them
/// through the arguments), and a body on a 1xx or 204 response.
/// `NoBody` is for 1xx, 204 and 304 and for answers to HEAD.
pub fn write_response_head(
    out: &mut Vec<u8>,
    status: u16,
    reason: &str,
    headers: &Headers,
    framing: Framing,
    connection: Connection,
) -> Result<(), InvalidInput> {
    if !(100..=599).contains(&status) {
        return Err(InvalidInput::new(format!(
            "the status code {status} is not in 100..=599"
        )));
    }
    if !reason.bytes().all(is_field_value_byte) {
        return Err(InvalidInput::new(format!(
            "the reason phrase {} contains a control character",
            quoted(reason.as_bytes())
        )));
    }
    let framing_fields = ["Content-Length", "Transfer-Encoding", "Connection"];
    if let Some(name) = framing_fields.iter().find(|name| headers.contains(name)) {
        return Err(InvalidInput::new(format!(
            "{name} is written from the framing and connection arguments; \
             do not put it in the headers"
        )));
    }
    if ((100..200).contains(&status) || status == 204) && framing != Framing::NoBody {
        return Err(InvalidInput::new(format!(
            "a {status} response cannot have a body; use Framing::NoBody"
        )));
    }
    let connection = match framing {
        Framing::UntilClose => Connection::Close,
        _ => connection,
    };
    out.extend_from_slice(format!("HTTP/1.1 {status} {reason}\r\n").as_bytes());
    for (name, value) in headers {
        for part in [name.as_bytes(), b": ", value, b"\r\n"] {
            out.extend_from_slice(part);
        }
    }
    match framing {
        Framing::Length(length) => {
            out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
        }
        Framing::Chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
        Framing::NoBody | Framing::UntilClose => {}
    }
    out.extend_from_slice(format!("Connection: {}\r\n\r\n", connection.as_str()).as_bytes());
    Ok(())
}

/// Append one chunk of a chunked body. An empty `data` writes nothing:
/// a zero-size chunk would mean "end of body" (use [`write_last_chunk`]).
pub fn write_chunk(out: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    out.extend_from_slice(format!("{:X}\r\n", data.len()).as_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// Append the last chunk and an empty trailer section: the body is over.
pub fn write_last_chunk(out: &mut Vec<u8>) {
    out.extend_from_slice(b"0\r\n\r\n");
}
