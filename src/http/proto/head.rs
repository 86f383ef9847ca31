//! # Reading a head: find the blank line, then parse once
//!
//! A *head* is a start line followed by field lines, each ended by CRLF,
//! and closed by an empty line (RFC 9112 §2.1, "Message Format"). A trailer
//! section at the end of a chunked body has the same shape without the
//! start line (RFC 9112 §7.1.2, "Chunked Trailer Section").
//!
//! Bytes arrive in arbitrary pieces, so reading a head has two phases:
//!
//! 1. **Collect.** [`HeadBuffer::push`] copies input into a buffer one line
//!    at a time, checking each line ending as it goes, until the buffer ends
//!    with the blank line. Only the new input is examined, so feeding a head
//!    one byte at a time costs the same as feeding it whole: nothing is ever
//!    rescanned from the start.
//! 2. **Parse.** Once the head is complete, [`lines`](HeadBuffer::lines)
//!    splits it and [`parse_fields`] checks every field line in one pass.
//!
//! ## Invariants
//!
//! * The buffer never holds more than `max_head_bytes`, and its *capacity*
//!   never exceeds that either: growth is clamped, so a 1 MiB status line
//!   costs at most the limit before it is refused.
//! * Every line in a completed head ends with CRLF. A bare LF is refused
//!   (RFC 9112 §2.2 allows accepting it; we do not, so that there is exactly
//!   one way to end a line and no two parsers can disagree about where a
//!   head ends). A bare CR inside a line is a control byte, refused when
//!   the field or start line is checked.
//! * Empty lines before a start line are skipped (RFC 9112 §2.2 asks
//!   servers to; old clients send a stray CRLF after a body) but they count
//!   toward the limit, so a stream of them cannot run forever for free.

use super::error::{Limit, ParseError, quoted};
use super::headers::{Headers, check_field, trim_whitespace};

/// Which kind of section a [`HeadBuffer`] collects; they differ only in
/// what a leading empty line means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// Start line and fields. Leading empty lines are skipped.
    Head,
    /// Trailer fields after the last chunk. An empty first line means
    /// "no trailers" and ends the section.
    Trailers,
}

/// The smallest allocation made for a head, so that a typical 300-byte
/// head is collected without reallocating line after line.
const MIN_CAPACITY: usize = 1024;

/// Collects one head (or trailer section) from pieces of input.
#[derive(Debug)]
pub(crate) struct HeadBuffer {
    bytes: Vec<u8>,
    /// Bytes of empty lines skipped before the start line.
    skipped: usize,
    /// Lines collected so far, so the parser can size its field list once.
    line_count: usize,
    section: Section,
}

impl HeadBuffer {
    pub(crate) fn new(section: Section) -> Self {
        HeadBuffer {
            bytes: Vec::new(),
            skipped: 0,
            line_count: 0,
            section,
        }
    }

    /// Take bytes from `input` up to the end of the section, and no further.
    /// Returns how many bytes were taken and whether the section is complete.
    pub(crate) fn push(&mut self, input: &[u8], max_bytes: usize) -> Result<(usize, bool), ParseError> {
        let mut taken = 0;
        // Each piece is a line ending in LF, except possibly the last one.
        for piece in input.split_inclusive(|&byte| byte == b'\n') {
            self.append(piece, max_bytes)?;
            taken += piece.len();
            if piece.ends_with(b"\n") && self.line_ended()? {
                return Ok((taken, true));
            }
        }
        Ok((taken, false))
    }

    /// The lines of a completed section, without their CRLFs and without
    /// the final empty line.
    pub(crate) fn lines(&self) -> impl Iterator<Item = &[u8]> {
        self.bytes
            .split(|&byte| byte == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .take_while(|line| !line.is_empty())
    }

    /// Forget the collected section but keep the allocation, ready for the
    /// next head (after a skipped 1xx response).
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.skipped = 0;
        self.line_count = 0;
    }

    /// How many lines the completed section holds, the blank one included.
    pub(crate) fn line_count(&self) -> usize {
        self.line_count
    }

    /// Memory held, for tests that check the limits are kept.
    pub(crate) fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    fn append(&mut self, piece: &[u8], max_bytes: usize) -> Result<(), ParseError> {
        let needed = self.bytes.len().saturating_add(piece.len());
        if self.skipped.saturating_add(needed) > max_bytes {
            return Err(ParseError::LimitExceeded {
                limit: Limit::HeadBytes { max: max_bytes },
            });
        }
        if needed > self.bytes.capacity() {
            // Double, starting from MIN_CAPACITY, but never past the limit.
            let doubled = self.bytes.capacity().saturating_mul(2);
            let wanted = doubled.max(MIN_CAPACITY).min(max_bytes).max(needed);
            self.bytes.reserve_exact(wanted - self.bytes.len());
        }
        self.bytes.extend_from_slice(piece);
        Ok(())
    }

    /// The buffer now ends with LF. Check the line ending, and say whether
    /// this was the empty line that closes the section.
    fn line_ended(&mut self) -> Result<bool, ParseError> {
        if !self.bytes.ends_with(b"\r\n") {
            return Err(ParseError::malformed(
                "a line ends with a bare LF; HTTP/1.1 lines end with CRLF",
            ));
        }
        self.line_count += 1;
        if self.bytes == b"\r\n" {
            return Ok(match self.section {
                Section::Trailers => true,
                Section::Head => {
                    self.skipped += 2;
                    self.bytes.clear();
                    self.line_count = 0;
                    false
                }
            });
        }
        Ok(self.bytes.ends_with(b"\r\n\r\n"))
    }
}

/// Parse field lines (RFC 9112 §5, "Field Syntax"): `field-name ":" OWS
/// field-value OWS`, at most `max_headers` of them. `line_count` (from
/// [`HeadBuffer::line_count`]) sizes the list once, up front.
pub(crate) fn parse_fields<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
    line_count: usize,
    max_headers: usize,
) -> Result<Headers, ParseError> {
    let mut headers = Headers::with_capacity(line_count.min(max_headers));
    for line in lines {
        if headers.len() >= max_headers {
            return Err(ParseError::LimitExceeded {
                limit: Limit::HeaderCount { max: max_headers },
            });
        }
        let (name, value) = split_field_line(line)?;
        headers.push_parsed(name, value);
    }
    Ok(headers)
}

fn split_field_line(line: &[u8]) -> Result<(&[u8], &[u8]), ParseError> {
    // A line starting with whitespace continues the previous one ("obs-fold",
    // RFC 9112 §5.2). It is obsolete, and accepting it would let a value
    // span lines; we refuse it.
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(ParseError::malformed(format!(
            "the header line {} starts with whitespace (obsolete line folding)",
            quoted(line)
        )));
    }
    let Some(colon) = line.iter().position(|&byte| byte == b':') else {
        return Err(ParseError::malformed(format!(
            "the header line {} has no colon",
            quoted(line)
        )));
    };
    let (name, colon_and_value) = line.split_at(colon);
    let value = trim_whitespace(colon_and_value.strip_prefix(b":").unwrap_or_default());
    // "Host : x" could be read as field "Host " or "Host"; two parsers that
    // disagree on that can be played against each other. RFC 9112 §5.1
    // requires servers to reject it; we reject it on both sides.
    if name.ends_with(b" ") || name.ends_with(b"\t") {
        return Err(ParseError::malformed(format!(
            "whitespace between the header name {} and its colon",
            quoted(trim_whitespace(name))
        )));
    }
    check_field(name, value).map_err(|invalid| ParseError::malformed(invalid.what()))?;
    Ok((name, value))
}
