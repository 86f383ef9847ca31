//! # Reading and writing without blocking: `AsyncRead` and `AsyncWrite`
//!
//! `std::io::Read` has one required method, `read`, and builds `read_exact`
//! and `read_to_end` on top of it. These two traits do the same for the
//! loop: implement one `poll_*` method and the `async` helpers come free.
//! asyncio's equivalents are the `StreamReader`/`StreamWriter` pair
//! (`read`, `readexactly`, `write` + `drain`).
//!
//! A `poll_read` returning `Ready(Ok(0))` means end of stream, as in std;
//! `Pending` means the task's waker is stored and it will be polled again
//! when the socket changes.

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
}
