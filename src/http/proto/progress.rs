//! # How far a parser has read into its message
//!
//! The response parser (client side) and the request parser (server side)
//! read the same shape of message: a head, then a body framed by the head,
//! then nothing more. [`Progress`] is that shared walk, so each parser keeps
//! only what differs — the start line, the framing rules, interim responses.
//!
//! Invariants: an error is *latched* — once `Failed`, every later call
//! returns the same error, so a caller that retries cannot read past bad
//! input; `Done` is final; a close of the connection is fine only when done
//! or in a body whose end is the close.

use super::body::BodyDecoder;
use super::error::ParseError;
use super::head::{HeadBuffer, Section};

#[derive(Debug)]
pub(super) enum Progress {
    /// Collecting the head's bytes until the empty line.
    Head(HeadBuffer),
    /// Decoding the body the head announced.
    Body(BodyDecoder),
    Done,
    Failed(ParseError),
}

impl Progress {
    /// At the start of a message.
    pub(super) fn new() -> Progress {
        Progress::Head(HeadBuffer::new(Section::Head))
    }

    /// Where a message goes once its head is in: its body, or nowhere.
    pub(super) fn after_head(decoder: Option<BodyDecoder>) -> Progress {
        decoder.map_or(Progress::Done, Progress::Body)
    }

    /// Passes `result` through, remembering an error for every later call.
    pub(super) fn latch<T>(&mut self, result: Result<T, ParseError>) -> Result<T, ParseError> {
        if let Err(error) = &result {
            *self = Progress::Failed(error.clone());
        }
        result
    }

    /// The peer closed the connection. Completes a body that runs until
    /// close; in the head it is [`ParseError::Malformed`] saying
    /// `head_cut_short`, in any other body [`ParseError::IncompleteBody`].
    pub(super) fn finish(&mut self, head_cut_short: &str) -> Result<(), ParseError> {
        let result = match self {
            Progress::Done => Ok(()),
            Progress::Failed(error) => Err(error.clone()),
            Progress::Head(_) => Err(ParseError::malformed(head_cut_short)),
            Progress::Body(decoder) => decoder.at_eof(),
        };
        if result.is_ok() {
            *self = Progress::Done;
        }
        self.latch(result)
    }

    pub(super) fn is_done(&self) -> bool {
        matches!(self, Progress::Done)
    }

    /// Bytes of memory held, for tests of the limits.
    pub(super) fn buffered_len(&self) -> usize {
        match self {
            Progress::Head(buffer) => buffer.capacity(),
            Progress::Body(decoder) => decoder.buffered_len(),
            Progress::Done | Progress::Failed(_) => 0,
        }
    }
}
