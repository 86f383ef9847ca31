//! # Reading a response: a push parser (RFC 9112 §4 and §6.3)
//!
//! [`ResponseParser`] is fed whatever bytes the socket produced, in
//! whatever pieces they came, and says how many of them belonged to the
//! response. It is *pushed* bytes rather than *pulling* them from a reader,
//! which is what lets the same parser serve the async client, the blocking
//! client and the tests: none of them has to agree on how to read. (In
//! Python: h11's `Connection.receive_data`, or aiohttp's
//! `HttpResponseParser.feed_data`.)
//!
//! Its life, in three states (plus `Failed`):
//!
//! ```text
//!   Head --(blank line, 1xx)--> Head   interim responses are skipped
//!   Head --(blank line)-------> Body   framing decided by RFC 9112 §6.3
//!   Body --(end of body)------> Done   or Head -> Done when there is no body
//! ```
//!
//! The walk itself is shared with the request parser (`progress.rs`).
//! Any error moves it to `Failed`, where it stays: after a framing error
//! nobody can know where the next response starts.
//!
//! ## Framing a response (RFC 9112 §6.3, "Message Body Length")
//!
//! 1. Responses to HEAD, and 1xx, 204 and 304 responses, have no body,
//!    whatever their headers say.
//! 2. `101 Switching Protocols` ends HTTP on this connection: the response
//!    is complete at its blank line and the connection is not reusable.
//!    Other 1xx responses (100 Continue, 103 Early Hints) are skipped.
//! 3. `Transfer-Encoding` present: the body is chunked (the last coding
//!    must be `chunked`, see `body::check_chunked`). If `Content-Length` is
//!    present too, chunked wins, but such a message may be a smuggling
//!    attempt, so the connection is not reused (§6.3 rule 3).
//! 4. `Content-Length`: exactly that many bytes.
//! 5. Neither: the body runs until the server closes the connection.
//!
//! ## Reusing the connection (RFC 9112 §9.3, "Persistence")
//!
//! After a complete response, [`is_reusable`](ResponseParser::is_reusable)
//! is true only when the server wants to keep the connection (HTTP/1.1
//! without `close`, or HTTP/1.0 with `keep-alive`) *and* the framing leaves
//! no doubt where the next response starts. HTTP/1.0 keep-alive is trusted
//! only with a length (or no body): a 1.0 message carrying
//! `Transfer-Encoding` must be treated as faulty framing (§6.1).

use super::body::{BodyDecoder, Framing, check_chunked, content_length, has_transfer_encoding};
use super::error::{ParseError, quoted};
use super::head::{HeadBuffer, parse_fields};
use super::headers::{Headers, is_field_value_byte};
use super::limits::Limits;
use super::message::{Connection, Method, Version};
use super::progress::Progress;

/// The status line and header fields of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseHead {
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: Version,
    /// The status code, 100..=599.
    pub status: u16,
    /// The reason phrase (may be empty). Bytes that are not UTF-8 are
    /// replaced with U+FFFD: the phrase is for humans, and RFC 9112 §4 tells
    /// clients to ignore it.
    pub reason: String,
    /// The header fields, in order.
    pub headers: Headers,
}

/// A push parser for one HTTP/1.1 response.
///
/// ```
/// use runloop::http::{Limits, Method, ResponseParser};
/// let mut parser = ResponseParser::new(&Method::Get, Limits::default());
/// let mut body = Vec::new();
/// let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
/// let (first, second) = wire.split_at(20); // any split gives the same result
/// let used = parser.feed(first, &mut body)? + parser.feed(second, &mut body)?;
/// assert_eq!(used, wire.len());
/// assert!(parser.is_complete() && parser.is_reusable());
/// assert_eq!(parser.head().map(|head| head.status), Some(200));
/// assert_eq!(body, b"hello");
/// # Ok::<(), runloop::http::ParseError>(())
/// ```
#[derive(Debug)]
pub struct ResponseParser {
    /// A response to HEAD never has a body, so the parser must know.
    request_was_head: bool,
    limits: Limits,
    progress: Progress,
    head: Option<ResponseHead>,
    framing: Option<Framing>,
    trailers: Option<Headers>,
    /// Whether the connection may carry another request once we are done.
    reusable: bool,
    started: bool,
}

impl ResponseParser {
    /// A parser for the response to a request made with `method`.
    pub fn new(method: &Method, limits: Limits) -> Self {
        ResponseParser {
            request_was_head: *method == Method::Head,
            limits,
            progress: Progress::new(),
            head: None,
            framing: None,
            trailers: None,
            reusable: false,
            started: false,
        }
    }

    /// Consume as much of `input` as belongs to this response, appending
    /// decoded body bytes to `body`. Returns how many bytes were consumed:
    /// all of them until the response is complete, then fewer (the rest
    /// belongs to whatever follows). `body` may be drained between calls,
    /// so a body of any size streams through constant memory.
    ///
    /// After an error, every later call returns the same error.
    pub fn feed(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        self.started |= !input.is_empty();
        let result = self.advance(input, body);
        self.progress.latch(result)
    }

    /// The peer closed the connection. Completes a body that runs until
    /// close; anywhere else it is an error: [`ParseError::IncompleteBody`]
    /// in a body, [`ParseError::Malformed`] in the head.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        self.progress
            .finish("the connection closed before the response head was complete")
    }

    /// The connection broke — the peer reset it — in the middle of the
    /// body. When the body's end was announced (`Content-Length`, or
    /// chunked), that is the same news as a close at this point, and this
    /// gives the [`ParseError::IncompleteBody`] that [`finish`](Self::finish)
    /// would, saying how much arrived. Otherwise (no head yet, a body that
    /// runs until close, whose end a reset cannot be told from) it gives
    /// `None` and changes nothing: the caller reports the I/O error.
    pub fn cut_short(&mut self) -> Option<ParseError> {
        match &self.progress {
            Progress::Body(BodyDecoder::Length { .. } | BodyDecoder::Chunked(_)) => self.finish().err(),
            _ => None,
        }
    }

    /// The response head, once it has been parsed (interim 1xx heads are
    /// never shown here). It stays available if the body's framing is then
    /// refused, so an error report can say which response it was.
    pub fn head(&self) -> Option<&ResponseHead> {
        self.head.as_ref()
    }

    /// How the body is framed, once the head has been parsed.
    pub fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// The trailer fields of a chunked body, once it is complete.
    pub fn trailers(&self) -> Option<&Headers> {
        self.trailers.as_ref()
    }

    /// True when the whole response, body included, has been read.
    pub fn is_complete(&self) -> bool {
        self.progress.is_done()
    }

    /// True when the response is complete and the connection may carry
    /// another request. False for until-close bodies, `Connection: close`,
    /// HTTP/1.0 without keep-alive, 101, ambiguous framing, and after errors.
    pub fn is_reusable(&self) -> bool {
        self.is_complete() && self.reusable
    }

    /// True once any byte has been fed. A client whose pooled connection
    /// closes before this is true may retry on a fresh connection: the
    /// server never started to answer.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// Bytes of memory the parser holds, for tests of the limits.
    #[doc(hidden)]
    pub fn buffered_len(&self) -> usize {
        self.progress.buffered_len()
    }

    fn advance(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        let mut consumed = 0;
        loop {
            let rest = input.get(consumed..).unwrap_or_default();
            match &mut self.progress {
                Progress::Failed(error) => return Err(error.clone()),
                Progress::Done => return Ok(consumed),
                Progress::Body(decoder) => {
                    consumed += decoder.decode(rest, body)?;
                    if decoder.is_done() {
                        self.trailers = decoder.take_trailers();
                        self.progress = Progress::Done;
                    }
                    return Ok(consumed);
                }
                Progress::Head(buffer) => {
                    if rest.is_empty() {
                        return Ok(consumed);
                    }
                    let (used, complete) = buffer.push(rest, self.limits.max_head_bytes)?;
                    consumed += used;
                    if !complete {
                        return Ok(consumed);
                    }
                    let head = parse_head(buffer, &self.limits)?;
                    if (100..200).contains(&head.status) && head.status != 101 {
                        buffer.clear(); // an interim response: the real one follows
                        continue;
                    }
                    self.begin_body(head)?;
                }
            }
        }
    }

    /// The final head is in: decide the framing and reusability, then move
    /// to `Body` or straight to `Done`.
    fn begin_body(&mut self, head: ResponseHead) -> Result<(), ParseError> {
        let wants_keep_alive = Connection::requested(head.version, &head.headers) == Connection::KeepAlive;
        let switching_protocols = head.status == 101;
        let decided = self.framing_of(&head);
        self.head = Some(head); // kept even if the framing is refused, for error reports
        let (framing, framing_is_clear) = decided?;
        self.reusable = wants_keep_alive && framing_is_clear && !switching_protocols;
        self.framing = Some(framing);
        self.progress = Progress::after_head(BodyDecoder::new(framing, &self.limits)?);
        Ok(())
    }

    /// RFC 9112 §6.3 for a response. Also says whether the framing leaves
    /// no doubt about where the next response starts.
    fn framing_of(&self, head: &ResponseHead) -> Result<(Framing, bool), ParseError> {
        let no_body =
            self.request_was_head || (100..200).contains(&head.status) || head.status == 204 || head.status == 304;
        if no_body {
            return Ok((Framing::NoBody, true));
        }
        if has_transfer_encoding(&head.headers) {
            check_chunked(&head.headers)?;
            let clear = head.version == Version::Http11 && !head.headers.contains("content-length");
            return Ok((Framing::Chunked, clear));
        }
        Ok(match content_length(&head.headers)? {
            Some(length) => (Framing::Length(length), true),
            None => (Framing::UntilClose, false),
        })
    }
}

/// Parse a complete head: the status line, then the fields.
fn parse_head(buffer: &HeadBuffer, limits: &Limits) -> Result<ResponseHead, ParseError> {
    let mut lines = buffer.lines();
    let (version, status, reason) = parse_status_line(lines.next().unwrap_or_default())?;
    let headers = parse_fields(lines, buffer.line_count(), limits.max_headers)?;
    Ok(ResponseHead {
        version,
        status,
        reason,
        headers,
    })
}

/// `status-line = HTTP-version SP status-code SP [ reason-phrase ]`
/// (RFC 9112 §4). We also accept the line ending right after the code
/// (`HTTP/1.1 200`), as most clients do.
fn parse_status_line(line: &[u8]) -> Result<(Version, u16, String), ParseError> {
    let bad_line = || {
        ParseError::malformed(format!(
            "the status line {} is not \"HTTP/1.x <3-digit code> <reason>\"",
            quoted(line)
        ))
    };
    let (version, rest) = match line.iter().position(|&byte| byte == b' ') {
        Some(space) => line.split_at(space),
        None => return Err(bad_line()),
    };
    let version = Version::parse(version).ok_or_else(|| {
        ParseError::malformed(format!(
            "the response version {} is not HTTP/1.0 or HTTP/1.1",
            quoted(version)
        ))
    })?;
    let rest = rest.strip_prefix(b" ").ok_or_else(bad_line)?;
    let (code, reason) = match rest.split_at_checked(3) {
        Some((code, b"")) => (code, &b""[..]),
        Some((code, after)) => (code, after.strip_prefix(b" ").ok_or_else(bad_line)?),
        None => return Err(bad_line()),
    };
    let status = code
        .iter()
        .try_fold(0u16, |total, &digit| {
            digit.is_ascii_digit().then(|| total * 10 + u16::from(digit - b'0'))
        })
        .filter(|status| (100..=599).contains(status))
        .ok_or_else(bad_line)?;
    if !reason.iter().copied().all(is_field_value_byte) {
        return Err(ParseError::malformed(format!(
            "the reason phrase {} contains a control byte",
            quoted(reason)
        )));
    }
    Ok((version, status, String::from_utf8_lossy(reason).into_owned()))
}
