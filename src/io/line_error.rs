//! # What can be wrong with a line: [`LineError`]
//!
//! A line reader meets two kinds of bad input that are not I/O failures:
//! a line longer than its limit (asyncio raises `LimitOverrunError`, or
//! `ValueError` from `readline`), and bytes that are not UTF-8 where text
//! was asked for (Python's `UnicodeDecodeError`, raised by the caller's
//! `.decode()`). Both arrive as an `io::Error` of kind `InvalidData`
//! carrying a [`LineError`], so `?` passes them on like any read error,
//! and a caller that wants to go on (reply "line too long" and read the
//! next line) can tell them apart with [`LineError::of`].
//!
//! Both leave the reader usable: the bad line is gone, the next read
//! starts at the line after it (see `buf_reader.rs`). The messages name
//! where the problem is, as byte offsets, and quote at most a few bytes
//! of the input, so a hostile peer cannot fill a log through them.

use std::fmt;
use std::io;

/// Why a line could not be returned. Carried inside an `io::Error` of
/// kind `InvalidData`; get it back with [`LineError::of`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineError {
    /// More than `limit` bytes came without the delimiter. asyncio's
    /// `LimitOverrunError`. The bytes read so far are dropped and the rest
    /// of the line is skipped, up to and including its delimiter.
    TooLong {
        /// The reader's limit ([`BufReader::set_limit`](super::BufReader::set_limit)).
        limit: usize,
        /// The delimiter that was looked for.
        delimiter: u8,
        /// Where the line began, in bytes from the start of the stream.
        line_start: u64,
    },
    /// The line is not valid UTF-8 (only from `read_line` and `lines`).
    /// The whole line is dropped.
    NotUtf8 {
        /// The offset of the first bad byte within the line.
        offset: usize,
        /// Where the line began, in bytes from the start of the stream.
        line_start: u64,
        /// The bad bytes (at most 3), or fewer when the line ends in the
        /// middle of a character.
        bytes: Vec<u8>,
    },
}

impl LineError {
    /// The [`LineError`] inside `error`, if that is what it carries.
    ///
    /// ```
    /// use runloop::io::{BufReader, LineError};
    /// runloop::run(async {
    ///     let mut reader = BufReader::new(&b"caf\xE9\nok\n"[..]);
    ///     let mut line = String::new();
    ///     let error = reader.read_line(&mut line).await.unwrap_err();
    ///     assert!(matches!(LineError::of(&error), Some(LineError::NotUtf8 { offset: 3, .. })));
    ///     // The bad line is gone; the next one reads normally.
    ///     reader.read_line(&mut line).await.unwrap();
    ///     assert_eq!(line, "ok\n");
    /// });
    /// ```
    pub fn of(error: &io::Error) -> Option<&LineError> {
        error.get_ref()?.downcast_ref::<LineError>()
    }

    pub(crate) fn into_io(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// `b'\n'` as `'\n'`, `b';'` as `';'`, `0xff` as `'\xff'`.
fn show(byte: u8) -> String {
    format!("'{}'", std::ascii::escape_default(byte))
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::TooLong {
                limit,
                delimiter,
                line_start,
            } => write!(
                f,
                "line too long: more than {limit} bytes without a {} (the line began at byte \
                 {line_start} of the stream; it is skipped up to its end)",
                show(*delimiter)
            ),
            LineError::NotUtf8 {
                offset,
                line_start,
                bytes,
            } => {
                let shown: Vec<String> = bytes.iter().map(|byte| format!("{byte:#04x}")).collect();
                write!(
                    f,
                    "line is not valid UTF-8: bad byte{} {} at byte {offset} of the line (byte {} of the \
                     stream); the line is skipped",
                    if bytes.len() == 1 { "" } else { "s" },
                    shown.join(" "),
                    line_start + *offset as u64,
                )
            }
        }
    }
}

impl std::error::Error for LineError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_offsets() {
        let long = LineError::TooLong {
            limit: 10,
            delimiter: b'\n',
            line_start: 7,
        };
        assert!(
            long.to_string().contains("more than 10 bytes without a '\\n'"),
            "{long}"
        );
        let bad = LineError::NotUtf8 {
            offset: 3,
            line_start: 100,
            bytes: vec![0xff],
        };
        let text = bad.to_string();
        assert!(
            text.contains("0xff at byte 3 of the line (byte 103 of the stream)"),
            "{text}"
        );
        let error = bad.clone().into_io();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(LineError::of(&error), Some(&bad));
    }
}
