//! # `Lines`: a stream's lines as an async iterator
//!
//! asyncio lets you write `async for line in reader:`; Rust has no async
//! `for` yet, so the loop is spelled `while let`, as for every async
//! sequence in runloop (see "`async for`" in `DESIGN.md`):
//!
//! ```
//! use runloop::io::BufReader;
//! runloop::run(async {
//!     let mut lines = BufReader::new(&b"one\r\ntwo\nthree"[..]).lines();
//!     let mut seen = Vec::new();
//!     while let Some(line) = lines.next_line().await.unwrap() {
//!         seen.push(line);
//!     }
//!     assert_eq!(seen, ["one", "two", "three"]);
//! });
//! ```
//!
//! Each line comes without its `"\n"` or `"\r\n"`, as std's `lines()`
//! gives them (asyncio keeps the `b"\n"`); a last line with no newline
//! comes as it is. To keep the newline, or to tell a finished last line
//! from one cut off by the end of the stream, use
//! [`BufReader::read_line`].
//!
//! An error (a line too long, not UTF-8, a failed read) is returned once;
//! calling `next_line` again goes on with the next line. Dropped at its
//! `.await`, `next_line` loses nothing: the partial line stays buffered
//! (`buf_reader.rs`).

use super::BufReader;
use crate::net::AsyncRead;
use std::io;

/// The lines of a [`BufReader`]; see the module notes.
#[derive(Debug)]
pub struct Lines<R> {
    reader: BufReader<R>,
}

impl<R: AsyncRead> Lines<R> {
    pub(crate) fn new(reader: BufReader<R>) -> Lines<R> {
        Lines { reader }
    }

    /// The next line without its line ending, or `None` at end of stream.
    #[doc(alias = "readline")]
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(Some(line))
    }

    /// The buffered reader, to change its limit or read past the lines.
    pub fn get_mut(&mut self) -> &mut BufReader<R> {
        &mut self.reader
    }

    /// The buffered reader back, with whatever it still buffers.
    pub fn into_inner(self) -> BufReader<R> {
        self.reader
    }
}
