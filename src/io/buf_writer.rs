//! # `BufWriter`: many small writes, few system calls
//!
//! A chat server answering a client writes a line at a time; each
//! `write_all` on a bare socket is one `write(2)`, one system call per
//! line. [`BufWriter`] gathers small writes in a buffer and hands them to
//! the writer below in one go when the buffer fills or when you
//! [`flush`](crate::net::AsyncWrite::flush). asyncio's `StreamWriter`
//! buffers the same way inside its transport: `write()` never waits,
//! `drain()` waits until the buffer is small again.
//!
//! Invariants: the buffer never holds more than its capacity; a write at
//! least as large as the capacity goes straight to the writer below (after
//! what is buffered, so the order of bytes is kept); `written` counts the
//! buffered bytes already handed on, so a flush that stopped half-way —
//! `Pending`, an error, or its future dropped at the `.await` — resumes
//! where it was and never sends a byte twice.
//!
//! **Unflushed bytes are lost on drop.** Dropping cannot wait for a
//! socket, so it cannot write; flush before you let a `BufWriter` go
//! (or call [`write_eof`](crate::net::AsyncWrite::write_eof), which
//! flushes first).

use crate::net::{AsyncRead, AsyncWrite};
use std::io;
use std::task::{Context, Poll, ready};

/// A buffer in front of a writer: asyncio's `StreamWriter`.
///
/// ```
/// use runloop::io::BufWriter;
/// use runloop::prelude::*;
/// runloop::run(async {
///     let mut writer = BufWriter::new(Vec::new());
///     writer.write_all(b"one\n").await.unwrap();
///     writer.write_all(b"two\n").await.unwrap();
///     assert!(writer.get_ref().is_empty(), "still buffered");
///     writer.flush().await.unwrap();
///     assert_eq!(writer.get_ref(), b"one\ntwo\n");
/// });
/// ```
#[doc(alias = "StreamWriter")]
pub struct BufWriter<W> {
    inner: W,
    buf: Vec<u8>,
    /// How much of `buf` the writer below has taken already.
    written: usize,
    capacity: usize,
}

impl<W: AsyncWrite> BufWriter<W> {
    /// A writer with an 8 KiB buffer.
    pub fn new(inner: W) -> BufWriter<W> {
        BufWriter::with_capacity(super::buf_reader::DEFAULT_CAPACITY, inner)
    }

    /// A writer with a buffer of `capacity` bytes (at least 1).
    pub fn with_capacity(capacity: usize, inner: W) -> BufWriter<W> {
        let capacity = capacity.max(1);
        BufWriter {
            inner,
            buf: Vec::with_capacity(capacity),
            written: 0,
            capacity,
        }
    }

    /// Hands the buffered bytes to the writer below, until none are left.
    fn poll_write_buffered(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.buf.len() {
            match ready!(self.inner.poll_write(cx, &self.buf[self.written..]))? {
                0 => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        format!(
                            "the writer accepted no more bytes with {} buffered",
                            self.buf.len() - self.written
                        ),
                    )));
                }
                n => self.written += n,
            }
        }
        self.buf.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    /// The bytes buffered and not yet handed on.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.written..]
    }

    /// The writer inside.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The writer inside. Writing to it directly jumps the buffer's queue.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The writer inside; unflushed bytes are lost (flush first).
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    /// Buffers `data`, first handing the buffer on if `data` does not fit;
    /// `data` at least as large as the buffer goes straight through.
    fn poll_write(&mut self, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if self.buf.len() + data.len() > self.capacity {
            ready!(self.poll_write_buffered(cx))?;
        }
        if data.len() >= self.capacity {
            return self.inner.poll_write(cx, data);
        }
        self.buf.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_write_buffered(cx))?;
        self.inner.poll_flush(cx)
    }

    fn poll_write_eof(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_write_buffered(cx))?;
        self.inner.poll_write_eof(cx)
    }
}

/// A buffered writer that is also a reader reads straight through.
impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.inner.poll_read(cx, buf)
    }
}

impl<W: std::fmt::Debug> std::fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufWriter")
            .field("inner", &self.inner)
            .field("buffered", &(self.buf.len() - self.written))
            .field("capacity", &self.capacity)
            .finish()
    }
}
