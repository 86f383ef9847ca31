//! # `BufReader`: lines and delimiters out of a byte stream
//!
//! A socket hands over bytes in whatever pieces the network made: half a
//! line, three lines and a bit, one byte. A line-based protocol needs a
//! buffer in between that keeps what came after the last delimiter until
//! the rest of its line arrives. asyncio's `StreamReader` is that buffer
//! (`readline`, `readuntil`); [`BufReader`] is ours, around any
//! [`AsyncRead`].
//!
//! ## The buffer
//! One `Vec<u8>`, with the unread bytes in `start..end`. To read more
//! into a full vector, the unread bytes first slide to the front if some
//! bytes before them were consumed; only if none were does the vector
//! grow — and never past `limit + 1` bytes (or the capacity, if larger):
//! a line longer than the limit is an error, not a reason to buffer
//! without bound. Once the buffer is empty again it
//! shrinks back to its capacity, so one long line does not cost a
//! connection its memory forever.
//!
//! ## A line stays in the buffer until it is whole
//! `read_until` looks for the delimiter in what is buffered, reads more
//! if it is not there, and only when the line is complete copies it out
//! and consumes it. So dropping a `read_line` future at its `.await` — a
//! `timeout`, a `select` — loses nothing: the partial line is still
//! buffered, and the next call finds it. (`scanned`, how far the search
//! got, lives in the future and is lost with it; the next call searches
//! those bytes again, which is only time.)
//!
//! ## Edge cases, decided
//! - **End of stream in the middle of a line**: the partial line is
//!   returned without a delimiter, as asyncio's `readline` and std's
//!   `read_line` do; the next call returns 0 (nothing more).
//! - **A line longer than `limit`** (64 KiB by default, asyncio's
//!   default): `InvalidData` with [`LineError::TooLong`] as soon as
//!   `limit + 1` bytes came without the delimiter — not after the whole
//!   line arrived. The bytes buffered are dropped, and the next read of
//!   any kind first skips the rest of that line, through its delimiter,
//!   so the stream stays usable: the next `read_line` returns the line
//!   after the long one. (asyncio instead hands back the rest of the long
//!   line as if it were a new line.)
//! - **Invalid UTF-8** in `read_line`: `InvalidData` with
//!   [`LineError::NotUtf8`], naming the byte offset; the line is consumed,
//!   and the caller's `String` is left as it was.

use super::LineError;
use super::lines::Lines;
use crate::net::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll, ready};

/// The buffer's default size.
pub const DEFAULT_CAPACITY: usize = 8 * 1024;

/// The default longest line, delimiter included: 64 KiB, asyncio's
/// `_DEFAULT_LIMIT`.
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// A buffer in front of a reader, for lines and delimited records:
/// asyncio's `StreamReader`.
///
/// ```
/// use runloop::io::BufReader;
/// runloop::run(async {
///     let mut reader = BufReader::new(&b"HELO there\r\nQUIT\r\nbye"[..]);
///     let mut line = String::new();
///     reader.read_line(&mut line).await.unwrap();
///     assert_eq!(line, "HELO there\r\n");
///
///     let mut record = Vec::new();
///     reader.read_until(b'\n', &mut record).await.unwrap();
///     assert_eq!(record, b"QUIT\r\n");
///
///     // The stream ends mid-line: the partial line comes back as it is.
///     line.clear();
///     assert_eq!(reader.read_line(&mut line).await.unwrap(), 3);
///     assert_eq!(line, "bye");
///     assert_eq!(reader.read_line(&mut line).await.unwrap(), 0);
/// });
/// ```
#[doc(alias = "StreamReader")]
pub struct BufReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    capacity: usize,
    limit: usize,
    /// After a too-long line: skip input through this delimiter first.
    skipping: Option<u8>,
    /// Bytes consumed since the reader was made, for error messages.
    position: u64,
}

impl<R: AsyncRead> BufReader<R> {
    /// A reader with an 8 KiB buffer and a 64 KiB line limit.
    pub fn new(inner: R) -> BufReader<R> {
        BufReader::with_capacity(DEFAULT_CAPACITY, inner)
    }

    /// A reader with a buffer of `capacity` bytes (at least 1).
    pub fn with_capacity(capacity: usize, inner: R) -> BufReader<R> {
        let capacity = capacity.max(1);
        BufReader {
            inner,
            buf: vec![0; capacity],
            start: 0,
            end: 0,
            capacity,
            limit: DEFAULT_LIMIT,
            skipping: None,
            position: 0,
        }
    }

    /// Sets the longest line `read_line`, `read_until` and `lines` accept,
    /// delimiter included (at least 1): asyncio's `limit`. The buffer
    /// never grows past `limit + 1` bytes or its capacity, whichever is
    /// larger.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(1);
    }

    /// The longest line accepted; see [`BufReader::set_limit`].
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Returns the buffered bytes, reading more first if there are none:
    /// empty only at end of stream. Pair with [`BufReader::consume`].
    pub async fn fill_buf(&mut self) -> io::Result<&[u8]> {
        poll_fn(|cx| self.poll_fill_buf(cx).map_ok(|_| ())).await?;
        Ok(self.buffer())
    }

    /// The poll behind [`BufReader::fill_buf`].
    pub fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(self.poll_skip(cx))?;
        if self.start == self.end {
            ready!(self.poll_read_more(cx))?;
        }
        Poll::Ready(Ok(self.buffer()))
    }

    /// Marks `amount` buffered bytes as read (at most what is buffered).
    pub fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.end - self.start);
        self.start += amount;
        self.position += amount as u64;
    }

    /// The bytes buffered and not yet read. No I/O.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Reads one line into `line`, appending it with its `'\n'`: asyncio's
    /// `readline`. Returns its length in bytes; 0 means end of stream. A
    /// stream that ends mid-line gives the partial line, with no `'\n'`
    /// (as asyncio does), and 0 on the next call.
    ///
    /// Fails with `InvalidData` carrying a [`LineError`]: `TooLong` as soon
    /// as more than [`limit`](BufReader::limit) bytes came without a
    /// `'\n'` (the rest of that line is then skipped), or `NotUtf8`, naming
    /// the byte offset (the line is consumed). Either way `line` is left as
    /// it was and the next call reads the next line. Dropping the future at
    /// its `.await` loses nothing: a partial line stays buffered.
    #[doc(alias = "readline")]
    pub async fn read_line(&mut self, line: &mut String) -> io::Result<usize> {
        let length = self.next_record(b'\n').await?;
        let line_start = self.position;
        let result = match std::str::from_utf8(&self.buf[self.start..self.start + length]) {
            Ok(text) => {
                line.push_str(text);
                Ok(length)
            }
            Err(error) => {
                let offset = error.valid_up_to();
                let bad = error.error_len().unwrap_or(length - offset).min(3);
                Err(LineError::NotUtf8 {
                    offset,
                    line_start,
                    bytes: self.buf[self.start + offset..self.start + offset + bad].to_vec(),
                }
                .into_io())
            }
        };
        self.consume(length);
        result
    }

    /// Reads up to and including `delimiter`, appending to `record`:
    /// asyncio's `readuntil` (which, unlike this, raises
    /// `IncompleteReadError` at end of stream instead of returning the
    /// partial record). Returns the length; 0 means end of stream. The
    /// limit, and dropping at the `.await`, work as for
    /// [`read_line`](BufReader::read_line).
    #[doc(alias = "readuntil")]
    pub async fn read_until(&mut self, delimiter: u8, record: &mut Vec<u8>) -> io::Result<usize> {
        let length = self.next_record(delimiter).await?;
        record.extend_from_slice(&self.buf[self.start..self.start + length]);
        self.consume(length);
        Ok(length)
    }

    /// The lines of the stream, without their `"\n"` or `"\r\n"`, as an
    /// async iterator: `while let Some(line) = lines.next_line().await? {…}`.
    pub fn lines(self) -> Lines<R> {
        Lines::new(self)
    }

    /// Waits until the buffer starts with a whole record (or the stream
    /// ended) and returns its length, leaving it buffered.
    async fn next_record(&mut self, delimiter: u8) -> io::Result<usize> {
        let mut scanned = 0;
        poll_fn(|cx| self.poll_record(cx, delimiter, &mut scanned)).await
    }

    fn poll_record(&mut self, cx: &mut Context<'_>, delimiter: u8, scanned: &mut usize) -> Poll<io::Result<usize>> {
        ready!(self.poll_skip(cx))?;
        loop {
            let buffered = &self.buf[self.start..self.end];
            if let Some(at) = buffered[*scanned..].iter().position(|&byte| byte == delimiter) {
                let length = *scanned + at + 1;
                if length <= self.limit {
                    return Poll::Ready(Ok(length));
                }
                // Whole but too long: drop it, and it is behind us.
                let error = self.too_long(delimiter);
                self.consume(length);
                return Poll::Ready(Err(error));
            }
            *scanned = buffered.len();
            if buffered.len() > self.limit {
                let error = self.too_long(delimiter);
                self.consume(buffered.len());
                self.skipping = Some(delimiter);
                return Poll::Ready(Err(error));
            }
            if ready!(self.poll_read_more(cx))? == 0 {
                // End of stream: what is left is the last, partial line.
                return Poll::Ready(Ok(self.end - self.start));
            }
        }
    }

    fn too_long(&self, delimiter: u8) -> io::Error {
        LineError::TooLong {
            limit: self.limit,
            delimiter,
            line_start: self.position,
        }
        .into_io()
    }

    /// After a too-long line, discards input through its delimiter (or to
    /// the end of the stream). Memory stays bounded: what is skipped is
    /// dropped as it comes.
    fn poll_skip(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some(delimiter) = self.skipping {
            let buffered = self.buffer();
            if let Some(at) = buffered.iter().position(|&byte| byte == delimiter) {
                self.consume(at + 1);
                self.skipping = None;
                break;
            }
            self.consume(buffered.len());
            if ready!(self.poll_read_more(cx))? == 0 {
                self.skipping = None;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Reads once from the inner reader into the buffer, making room
    /// first: how many bytes came (0 at end of stream). Only called with
    /// fewer than `limit + 1` bytes buffered, so there is room to make.
    fn poll_read_more(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
            if self.buf.len() > self.capacity {
                self.buf.truncate(self.capacity);
                self.buf.shrink_to_fit();
            }
        }
        if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                (self.start, self.end) = (0, self.end - self.start);
            } else {
                let most = self.capacity.max(self.limit.saturating_add(1));
                let grown = self.buf.len().saturating_mul(2).min(most).max(self.buf.len() + 1);
                self.buf.resize(grown, 0);
            }
        }
        let got = ready!(self.inner.poll_read(cx, &mut self.buf[self.end..]))?;
        self.end += got;
        Poll::Ready(Ok(got))
    }

    /// The reader inside.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The reader inside. Reading from it directly skips the buffer.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The reader inside; bytes still buffered are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    /// Reads from the buffer, filling it first if it is empty. A read at
    /// least as large as the buffer, with nothing buffered, goes straight
    /// to the inner reader.
    fn poll_read(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if self.skipping.is_none() && self.start == self.end && out.len() >= self.capacity {
            let got = ready!(self.inner.poll_read(cx, out))?;
            self.position += got as u64;
            return Poll::Ready(Ok(got));
        }
        let buffered = ready!(self.poll_fill_buf(cx))?;
        let n = buffered.len().min(out.len());
        out[..n].copy_from_slice(&buffered[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

/// A buffered reader that is also a writer (a `BufReader<TcpStream>`)
/// writes straight through: reading lines and answering them needs one
/// value, not a split.
impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_write(cx, buf)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_flush(cx)
    }

    fn poll_write_eof(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_write_eof(cx)
    }
}

impl<R: std::fmt::Debug> std::fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufReader")
            .field("inner", &self.inner)
            .field("buffered", &(self.end - self.start))
            .field("capacity", &self.capacity)
            .field("limit", &self.limit)
            .finish()
    }
}
