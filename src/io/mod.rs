//! # Buffered streams: `BufReader`, `BufWriter`, lines
//!
//! [`AsyncRead`] and [`AsyncWrite`] (in [`crate::net`], re-exported here)
//! move bytes in whatever pieces the kernel hands over. Protocols speak in
//! lines and records, so this module puts a buffer on each side, as
//! asyncio's streams do:
//!
//! | asyncio | runloop |
//! |---|---|
//! | `StreamReader.readline()` | [`BufReader::read_line`] |
//! | `StreamReader.readuntil(sep)` | [`BufReader::read_until`] (one byte) |
//! | `async for line in reader` | `while let Some(line) = lines.next_line().await?` ([`Lines`]) |
//! | `StreamReader(limit=…)` | [`BufReader::set_limit`] (64 KiB by default) |
//! | `LimitOverrunError` | [`LineError::TooLong`] |
//! | `StreamWriter.write` + `drain()` | [`BufWriter`] + `write_all` + [`flush`](AsyncWrite::flush) |
//! | `StreamWriter.write_eof()` | [`write_eof`](AsyncWrite::write_eof) |
//!
//! Files, in reading order: `buf_reader.rs` (the buffer, `fill_buf` /
//! `consume`, and `read_until` / `read_line`: what happens at end of
//! stream, past the limit, on bad UTF-8, and when a read is dropped at its
//! `.await`), `line_error.rs` (the two ways a line can be bad), `lines.rs`
//! (the async iterator), `buf_writer.rs`. With the `futures-io` cargo
//! feature, `futures_io.rs` implements the `futures-io` crate's traits for
//! these and for the sockets, so codecs written for that ecosystem run on
//! runloop.
//!
//! Memory is bounded whatever a peer sends: a `BufReader` holds at most
//! its limit plus one byte (or its capacity, if larger), a `BufWriter` at
//! most its capacity.

mod buf_reader;
mod buf_writer;
#[cfg(feature = "futures-io")]
mod futures_io;
mod line_error;
mod lines;

pub use crate::net::{AsyncRead, AsyncWrite};
pub use buf_reader::{BufReader, DEFAULT_CAPACITY, DEFAULT_LIMIT};
pub use buf_writer::BufWriter;
pub use line_error::LineError;
pub use lines::Lines;
