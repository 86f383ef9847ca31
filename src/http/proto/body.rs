//! # Where does the body end? (RFC 9112 §6, "Message Body")
//!
//! HTTP/1.1 sends messages back to back on one connection, so a reader must
//! know exactly where each body ends: one byte too few and the next response
//! starts with garbage, one byte too many and it swallows the start of the
//! next message. Getting this wrong is not a cosmetic bug: when a proxy and
//! a server disagree about a body's end, an attacker can hide a second
//! request inside the first ("request smuggling"). So framing is decided in
//! one place, by the rules of RFC 9112 §6.3 ("Message Body Length"), and
//! every ambiguity is an error rather than a guess.
//!
//! There are four answers, one per [`Framing`] variant:
//!
//! * **no body**: responses to HEAD, 1xx, 204 and 304 (§6.3 rule 1), and
//!   requests with neither header (§6.3 rule 7);
//! * **`Content-Length`** (§6.3 rules 5 and 6, RFC 9110 §8.6): exactly
//!   that many bytes; see [`content_length`] for what counts as valid;
//! * **`Transfer-Encoding: chunked`** (§6.3 rule 4, §7.1): chunks until a
//!   zero-sized one; decoded by [`ChunkedDecoder`](super::chunked);
//! * **until close** (§6.3 rule 8): responses with neither header.
//!
//! The rule of which wins when both headers appear, and what that does to
//! the connection, differs between requests and responses, so it lives with
//! each parser; the pieces they share live here. The decoders never buffer
//! body bytes: they append them to the caller's `Vec` as they arrive.

use super::chunked::{ChunkedDecoder, take_up_to};
use super::error::{Limit, ParseError, quoted};
use super::headers::{Headers, list_elements, trim_whitespace};
use super::limits::Limits;

/// How the end of a message body is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body at all.
    NoBody,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// A sequence of chunks ending with an empty one (`Transfer-Encoding: chunked`).
    Chunked,
    /// Everything until the connection closes (responses only). The
    /// connection cannot be reused afterwards.
    UntilClose,
}

/// The `Content-Length` of a message, if it has one (RFC 9110 §8.6).
///
/// The value is `1*DIGIT`, nothing else: no sign, no spaces inside, no hex.
/// A sender may repeat the field, or send a list (`5, 5`); that is accepted
/// when every value is identical, and malformed otherwise, because two
/// different lengths mean two readers could see two different messages.
pub(crate) fn content_length(headers: &Headers) -> Result<Option<u64>, ParseError> {
    let mut length = None;
    for value in headers.get_all("content-length") {
        // Not `list_elements`, which skips empty elements: "5," is not a length.
        for element in value.split(|&byte| byte == b',').map(trim_whitespace) {
            let this = parse_decimal(element)?;
            match length {
                Some(earlier) if earlier != this => {
                    return Err(ParseError::malformed(format!(
                        "conflicting Content-Length values {earlier} and {this}"
                    )));
                }
                _ => length = Some(this),
            }
        }
    }
    Ok(length)
}

/// `1*DIGIT` as a u64, with overflow refused rather than wrapped.
fn parse_decimal(digits: &[u8]) -> Result<u64, ParseError> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::malformed(format!(
            "Content-Length {} is not a decimal number",
            quoted(digits)
        )));
    }
    digits
        .iter()
        .try_fold(0u64, |total, digit| {
            total.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
        .ok_or_else(|| ParseError::malformed(format!("Content-Length {} does not fit in 64 bits", quoted(digits))))
}

/// True when the message has a `Transfer-Encoding` field at all.
pub(crate) fn has_transfer_encoding(headers: &Headers) -> bool {
    headers.contains("transfer-encoding")
}

/// Check a `Transfer-Encoding` field (RFC 9112 §6.1) on a message that has
/// one. The codings from every field line form one list, applied in order.
///
/// * The last coding must be `chunked`, or nothing marks the body's end:
///   malformed (for a response, §6.3 rule 4 would allow reading until
///   close instead; we refuse, because the bytes we would hand back are
///   still encoded and the caller could not tell).
/// * `chunked` twice is forbidden by §6.1: malformed.
/// * Any other coding before `chunked` (`gzip, chunked`) is legal but we
///   cannot decode it: unsupported.
pub(crate) fn check_chunked(headers: &Headers) -> Result<(), ParseError> {
    let codings: Vec<&[u8]> = headers.get_all("transfer-encoding").flat_map(list_elements).collect();
    let is_chunked = |coding: &&[u8]| coding.eq_ignore_ascii_case(b"chunked");
    match codings.split_last() {
        None => Err(ParseError::malformed("Transfer-Encoding is empty")),
        Some((last, _)) if !is_chunked(last) => Err(ParseError::malformed(format!(
            "Transfer-Encoding ends with {}, not chunked, so the body length is unknown",
            quoted(last)
        ))),
        Some((_, before)) => match before.first() {
            None => Ok(()),
            Some(coding) if is_chunked(coding) => Err(ParseError::malformed(
                "Transfer-Encoding applies chunked more than once",
            )),
            Some(coding) => Err(ParseError::unsupported(format!(
                "the transfer coding {} (runloop decodes only chunked)",
                quoted(coding)
            ))),
        },
    }
}

/// Decodes one body with a known framing, handing bytes to the caller.
#[derive(Debug)]
pub(crate) enum BodyDecoder {
    /// `Content-Length`: count down.
    Length { expected: u64, received: u64 },
    /// `Transfer-Encoding: chunked`.
    Chunked(ChunkedDecoder),
    /// Until the peer closes; only the body cap stops it.
    UntilClose { received: u64, max: u64 },
}

impl BodyDecoder {
    /// A decoder for `framing`, or `None` when there is no body to read.
    /// A `Content-Length` over the body cap is refused here, before a byte
    /// of it is read.
    pub(crate) fn new(framing: Framing, limits: &Limits) -> Result<Option<Self>, ParseError> {
        Ok(match framing {
            Framing::NoBody | Framing::Length(0) => None,
            Framing::Length(expected) if expected > limits.max_body_bytes => {
                return Err(ParseError::LimitExceeded {
                    limit: Limit::BodyBytes {
                        max: limits.max_body_bytes,
                    },
                });
            }
            Framing::Length(expected) => Some(BodyDecoder::Length { expected, received: 0 }),
            Framing::Chunked => Some(BodyDecoder::Chunked(ChunkedDecoder::new(*limits))),
            Framing::UntilClose => Some(BodyDecoder::UntilClose {
                received: 0,
                max: limits.max_body_bytes,
            }),
        })
    }

    /// Decode from `input`, appending body bytes to `body`. Returns how many
    /// input bytes were consumed; stops at the end of the body.
    pub(crate) fn decode(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        match self {
            BodyDecoder::Length { expected, received } => {
                let wanted = expected.saturating_sub(*received);
                let taken = take_up_to(input, wanted, body);
                *received += taken as u64;
                Ok(taken)
            }
            BodyDecoder::Chunked(chunked) => chunked.decode(input, body),
            BodyDecoder::UntilClose { received, max } => {
                // Deliver up to the cap, then refuse: the caller sees the
                // same bytes however the input was split.
                let taken = take_up_to(input, max.saturating_sub(*received), body);
                *received += taken as u64;
                if taken < input.len() {
                    return Err(ParseError::LimitExceeded {
                        limit: Limit::BodyBytes { max: *max },
                    });
                }
                Ok(taken)
            }
        }
    }

    /// True when the body has been read to its end.
    pub(crate) fn is_done(&self) -> bool {
        match self {
            BodyDecoder::Length { expected, received } => received == expected,
            BodyDecoder::Chunked(chunked) => chunked.is_done(),
            BodyDecoder::UntilClose { .. } => false,
        }
    }

    /// The peer closed the connection. That ends an until-close body and
    /// cuts any other body short.
    pub(crate) fn at_eof(&self) -> Result<(), ParseError> {
        match self {
            BodyDecoder::UntilClose { .. } => Ok(()),
            BodyDecoder::Length { expected, received } => Err(ParseError::IncompleteBody {
                received: *received,
                expected: Some(*expected),
            }),
            BodyDecoder::Chunked(chunked) if chunked.is_done() => Ok(()),
            BodyDecoder::Chunked(chunked) => Err(ParseError::IncompleteBody {
                received: chunked.received(),
                expected: None,
            }),
        }
    }

    /// The trailer fields of a finished chunked body.
    pub(crate) fn take_trailers(&mut self) -> Option<Headers> {
        match self {
            BodyDecoder::Chunked(chunked) => chunked.take_trailers(),
            _ => None,
        }
    }

    /// Memory held by the decoder (the trailer buffer, for chunked bodies).
    pub(crate) fn buffered_len(&self) -> usize {
        match self {
            BodyDecoder::Chunked(chunked) => chunked.buffered_len(),
            _ => 0,
        }
    }
}
