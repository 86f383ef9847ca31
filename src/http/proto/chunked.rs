//! # The chunked transfer coding (RFC 9112 §7.1)
//!
//! A chunked body is a series of chunks, each announcing its size in hex,
//! ended by a chunk of size zero and an optional trailer section:
//!
//! ```text
//! chunked-body = *chunk last-chunk trailer-section CRLF
//! chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//! chunk-size   = 1*HEXDIG
//! last-chunk   = 1*("0") [ chunk-ext ] CRLF
//! chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//! ```
//!
//! [`ChunkedDecoder`] is a state machine over that grammar that holds no
//! body bytes: chunk data goes straight to the caller, chunk extensions are
//! skipped unread (RFC 9112 §7.1.1 lets a recipient ignore them), and the
//! only buffer is the one for trailers. So its memory is bounded whatever
//! the input: an endless extension costs nothing but is still refused once
//! its line passes `max_head_bytes`, endless trailers are refused at the
//! same limit, and a chunk size is refused *before* its data is read if it
//! would carry the body past `max_body_bytes`.
//!
//! Strictness where it matters for framing: a size is hex digits and
//! nothing else (`0x10` is refused rather than read as zero), a size that
//! does not fit in 64 bits is refused rather than wrapped, and the CRLF
//! after each chunk's data must really be there.

use super::error::{Limit, ParseError, quoted};
use super::head::{HeadBuffer, Section, parse_fields};
use super::headers::{Headers, is_field_value_byte};
use super::limits::Limits;

/// Decodes a chunked body, one piece of input at a time.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    /// Decoded body bytes so far, for the body cap and `IncompleteBody`.
    received: u64,
    /// Bytes of the current chunk-size line, bounded by `max_head_bytes`.
    line_len: usize,
    trailer_buffer: HeadBuffer,
    trailers: Option<Headers>,
    limits: Limits,
}

/// Where in the grammar the decoder stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk size; `digits` says if any were seen.
    Size { size: u64, digits: bool },
    /// After the digits: optional whitespace, then `;` or CR.
    AfterSize { size: u64 },
    /// Inside chunk extensions, skipped up to the CR.
    Extension { size: u64 },
    /// The size line's CR was seen; its LF must follow.
    SizeLf { size: u64 },
    /// Inside chunk data, with this many bytes still to come.
    Data { remaining: u64 },
    /// Chunk data ended; its CR must follow.
    DataCr,
    /// Chunk data ended; its LF must follow.
    DataLf,
    /// After the last chunk: reading the trailer section.
    Trailers,
    /// The final CRLF has been read.
    Done,
}

const START_OF_LINE: State = State::Size { size: 0, digits: false };

impl ChunkedDecoder {
    pub(crate) fn new(limits: Limits) -> Self {
        ChunkedDecoder {
            state: START_OF_LINE,
            received: 0,
            line_len: 0,
            trailer_buffer: HeadBuffer::new(Section::Trailers),
            trailers: None,
            limits,
        }
    }

    /// Decode from `input`, appending chunk data to `body`. Returns how many
    /// input bytes were consumed; stops right after the chunked body ends.
    pub(crate) fn decode(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<usize, ParseError> {
        let mut rest = input;
        while let Some(&byte) = rest.first() {
            let used = match self.state {
                State::Done => break,
                State::Data { remaining } => self.read_data(rest, remaining, body),
                State::Trailers => self.read_trailers(rest)?,
                _ => {
                    self.read_framing_byte(byte)?;
                    1
                }
            };
            rest = rest.get(used..).unwrap_or_default();
        }
        Ok(input.len() - rest.len())
    }

    pub(crate) fn is_done(&self) -> bool {
        self.state == State::Done
    }

    pub(crate) fn received(&self) -> u64 {
        self.received
    }

    pub(crate) fn take_trailers(&mut self) -> Option<Headers> {
        self.trailers.take()
    }

    pub(crate) fn buffered_len(&self) -> usize {
        self.trailer_buffer.capacity()
    }

    /// Copy chunk data through. `rest` is not empty and `remaining` is not
    /// zero, so at least one byte is used and the decode loop advances.
    fn read_data(&mut self, rest: &[u8], remaining: u64, body: &mut Vec<u8>) -> usize {
        let taken = take_up_to(rest, remaining, body);
        self.received += taken as u64;
        let remaining = remaining - taken as u64;
        self.state = if remaining == 0 {
            State::DataCr
        } else {
            State::Data { remaining }
        };
        taken
    }

    fn read_trailers(&mut self, rest: &[u8]) -> Result<usize, ParseError> {
        let (used, complete) = self.trailer_buffer.push(rest, self.limits.max_head_bytes)?;
        if complete {
            let buffer = &self.trailer_buffer;
            let trailers = parse_fields(buffer.lines(), buffer.line_count(), self.limits.max_headers)?;
            self.trailers = Some(trailers);
            self.trailer_buffer = HeadBuffer::new(Section::Trailers);
            self.state = State::Done;
        }
        Ok(used)
    }

    /// One byte of a chunk-size line, or of the CRLF after chunk data.
    fn read_framing_byte(&mut self, byte: u8) -> Result<(), ParseError> {
        if matches!(
            self.state,
            State::Size { .. } | State::AfterSize { .. } | State::Extension { .. }
        ) {
            self.line_len += 1;
            if self.line_len > self.limits.max_head_bytes {
                return Err(ParseError::LimitExceeded {
                    limit: Limit::HeadBytes {
                        max: self.limits.max_head_bytes,
                    },
                });
            }
        }
        self.state = match self.state {
            State::Size { size, digits } => match hex_digit(byte) {
                Some(digit) => State::Size {
                    size: size
                        .checked_mul(16)
                        .and_then(|size| size.checked_add(digit))
                        .ok_or_else(|| ParseError::malformed("a chunk size does not fit in 64 bits"))?,
                    digits: true,
                },
                None if !digits => {
                    return Err(ParseError::malformed(format!(
                        "a chunk-size line starts with {} instead of a hex size",
                        quoted(&[byte])
                    )));
                }
                None => after_size(size, byte)?,
            },
            State::AfterSize { size } => after_size(size, byte)?,
            State::Extension { size } if byte == b'\r' => State::SizeLf { size },
            State::Extension { size } if is_field_value_byte(byte) => State::Extension { size },
            State::Extension { .. } => {
                return Err(ParseError::malformed(format!(
                    "a chunk extension contains the control byte {}",
                    quoted(&[byte])
                )));
            }
            State::SizeLf { size } if byte == b'\n' => self.start_chunk(size)?,
            State::SizeLf { .. } => {
                return Err(ParseError::malformed("a chunk-size line is not ended by CRLF"));
            }
            State::DataCr if byte == b'\r' => State::DataLf,
            State::DataLf if byte == b'\n' => {
                self.line_len = 0;
                START_OF_LINE
            }
            State::DataCr | State::DataLf => {
                return Err(ParseError::malformed("chunk data is not followed by CRLF"));
            }
            // `decode` handles these states itself and never sends them here.
            State::Data { .. } | State::Trailers | State::Done => self.state,
        };
        Ok(())
    }

    /// The size line is complete. Zero means the last chunk; anything else
    /// is checked against the body cap before any of its data is read.
    fn start_chunk(&mut self, size: u64) -> Result<State, ParseError> {
        if size == 0 {
            return Ok(State::Trailers);
        }
        let max = self.limits.max_body_bytes;
        match self.received.checked_add(size) {
            Some(total) if total <= max => Ok(State::Data { remaining: size }),
            _ => Err(ParseError::LimitExceeded {
                limit: Limit::BodyBytes { max },
            }),
        }
    }
}

/// After the size digits, only whitespace, `;` (extensions) or CR may come.
fn after_size(size: u64, byte: u8) -> Result<State, ParseError> {
    match byte {
        b' ' | b'\t' => Ok(State::AfterSize { size }),
        b';' => Ok(State::Extension { size }),
        b'\r' => Ok(State::SizeLf { size }),
        _ => Err(ParseError::malformed(format!(
            "a chunk size is followed by {} instead of ';' or CRLF",
            quoted(&[byte])
        ))),
    }
}

fn hex_digit(byte: u8) -> Option<u64> {
    char::from(byte).to_digit(16).map(u64::from)
}

/// Append up to `wanted` bytes of `input` to `body`; return how many.
///
/// Chunk data is copied with it, and so are the bodies `body.rs` frames by
/// length or until close. It lives here, in the file `body.rs` already
/// uses, so that the two depend on each other in one direction only.
pub(super) fn take_up_to(input: &[u8], wanted: u64, body: &mut Vec<u8>) -> usize {
    let count = usize::try_from(wanted).map_or(input.len(), |wanted| wanted.min(input.len()));
    let (data, _rest) = input.split_at(count); // count <= input.len() by construction
    body.extend_from_slice(data);
    count
}
