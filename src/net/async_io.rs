//! # Reading and writing without blocking: `AsyncRead` and `AsyncWrite`
//!
//! `std::io::Read` has one required method, `read`, and builds `read_exact`
//! and `read_to_end` on top of it. These two traits do the same for the
//! loop: implement one `poll_*` method and the `async` helpers come free.
//! asyncio's equivalents are the `StreamReader`/`StreamWriter` pair
//! (`read`, `readexactly`, `write` + `drain`, `write_eof`); its
//! `readline` and `readuntil` need a buffer, which
//! [`BufReader`](crate::io::BufReader) adds on top of any `AsyncRead`.
//!
//! A `poll_read` returning `Ready(Ok(0))` means end of stream, as in std;
//! `Pending` means the task's waker is stored and it will be polled again
//! when the socket changes.
//!
//! Dropped at an `.await`: `read` and `write` either moved bytes or did
//! not; `read_exact`, `read_to_end` and `write_all` may have moved some
//! of theirs (what `read_to_end` appended stays in its `Vec`), so a
//! stream they were cancelled on is somewhere in the middle of a message.

// Single-threaded runtime: the futures of these methods are never sent to
// another thread, so not being able to promise `Send` for them is fine.
#![allow(async_fn_in_trait)]

use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};

/// Non-blocking reads. Bring it into scope (`use runloop::net::AsyncRead`
/// or `use runloop::prelude::*`) to call `.read(...)`.
pub trait AsyncRead {
    /// Reads into `buf` once the source has data (or is closed): the number
    /// of bytes read, 0 at end of stream.
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;

    /// Reads some bytes: how many, or 0 at end of stream.
    async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read(cx, buf)).await
    }

    /// Fills `buf` completely, or fails with `UnexpectedEof` if the stream
    /// ends first.
    async fn read_exact(&mut self, mut buf: &mut [u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.read(buf).await? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("stream ended with {} bytes still expected", buf.len()),
                    ));
                }
                n => buf = &mut buf[n..],
            }
        }
        Ok(())
    }

    /// Reads until end of stream, appending to `buf`; returns how many bytes
    /// were read.
    async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        let start = buf.len();
        let mut chunk = [0u8; 8192];
        loop {
            match self.read(&mut chunk).await? {
                0 => return Ok(buf.len() - start),
                n => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

/// Non-blocking writes. Bring it into scope to call `.write_all(...)`.
pub trait AsyncWrite {
    /// Writes some of `buf` once the source has room: how many bytes.
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;

    /// Hands anything this writer buffers to the layer below, and that
    /// layer's buffer to its own, down to the kernel. The default does
    /// nothing: sockets keep no buffer of their own in runloop (what
    /// `poll_write` accepted is in the kernel already).
    /// [`BufWriter`](crate::io::BufWriter) overrides it.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let _ = cx;
        Poll::Ready(Ok(()))
    }

    /// Flushes, then tells the reader nothing more will come: a socket
    /// shuts its write direction down (sends FIN), and the peer reads end
    /// of stream. The default only flushes, for writers with no end to
    /// announce.
    fn poll_write_eof(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }

    /// Writes some bytes: how many.
    async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_write(cx, buf)).await
    }

    /// Writes all of `buf`, waiting for room as often as needed.
    async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => {
                    return Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        format!("the stream accepted no more bytes with {} left to write", buf.len()),
                    ));
                }
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }

    /// Waits until everything written so far has reached the kernel:
    /// asyncio's `drain()`, for a buffered writer.
    #[doc(alias = "drain")]
    async fn flush(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_flush(cx)).await
    }

    /// Flushes, then closes the write direction: asyncio's `write_eof()`.
    async fn write_eof(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_write_eof(cx)).await
    }
}

/// A reader lent out is still a reader: `BufReader::new(&mut stream)`
/// buffers a stream without taking it.
impl<R: AsyncRead + ?Sized> AsyncRead for &mut R {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        (**self).poll_read(cx, buf)
    }
}

/// A writer lent out is still a writer.
impl<W: AsyncWrite + ?Sized> AsyncWrite for &mut W {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        (**self).poll_write(cx, buf)
    }

    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        (**self).poll_flush(cx)
    }

    fn poll_write_eof(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        (**self).poll_write_eof(cx)
    }
}

/// A byte slice is a reader that never waits: each read takes from its
/// front, and an empty slice is at end of stream. Handy in tests and
/// examples (`BufReader::new(&b"one\ntwo\n"[..])`).
impl AsyncRead for &[u8] {
    fn poll_read(&mut self, _cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(std::io::Read::read(self, buf))
    }
}

/// A `Vec` is a writer that never waits: each write appends.
impl AsyncWrite for Vec<u8> {
    fn poll_write(&mut self, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
}
