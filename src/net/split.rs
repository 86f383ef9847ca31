//! # Halves of a stream: borrowed and owned
//!
//! A connection is read and written at the same time: a chat client reads
//! what others say while it sends its own lines; a proxy copies both ways.
//! asyncio's `open_connection` gives two objects for that, a
//! `StreamReader` and a `StreamWriter`. Here one stream
//! ([`TcpStream`](super::TcpStream) or [`UnixStream`](super::UnixStream))
//! reads and writes, and splits in two when two jobs need it:
//!
//! - [`split`](super::TcpStream::split) *lends* a [`ReadHalf`] and a
//!   [`WriteHalf`]: no allocation, but both borrow the stream, so they
//!   stay in the task that owns it (read and write in one task with
//!   `select`);
//! - [`into_split`](super::TcpStream::into_split) *gives* an
//!   [`OwnedReadHalf`] and an [`OwnedWriteHalf`], which share the stream
//!   through an `Rc` and can each move into its own task — a reader task
//!   and a writer task per client, the chat server's shape.
//!   [`OwnedReadHalf::reunite`] puts them back together; when both are
//!   dropped the `Rc`'s count reaches zero and the socket is closed.
//!
//! ## Why one waker per direction is enough
//! The reactor keeps two waiters per socket, one reader and one writer
//! (`src/reactor/io.rs`); a second task waiting in the same direction
//! would replace the first one's waker, and the first would never be
//! woken. Splitting is safe because it never creates a second waiter in
//! either direction: there is exactly one read half and one write half,
//! neither can be cloned, and each reads (or writes) through `&mut self`,
//! so at most one task waits to read and one to write. The two directions
//! are independent in the kernel (a full send buffer does not stop
//! receiving) and in the reactor (a readable event wakes only the reader),
//! so the reader task and the writer task never wake each other for
//! nothing.
//!
//! ## Dropping
//! Dropping an [`OwnedWriteHalf`] shuts the write direction down (sends
//! FIN), as tokio's does: the peer reads end of stream even while the
//! read half lives on in another task. Reading is unaffected. Dropping the
//! read half does nothing by itself; the socket closes when both halves
//! are gone. A read or write on a half that is dropped at its `.await`
//! has moved its bytes or has not, as on the whole stream.
//!
//! Halves are `!Send`, like everything bound to a loop: they move between
//! tasks of one runtime, not between threads.

use super::{AsyncRead, AsyncWrite};
use std::fmt;
use std::io;
use std::rc::Rc;
use std::task::{Context, Poll};

pub(crate) mod shared {
    use std::io;
    use std::task::{Context, Poll};

    /// What the halves need from a stream: reading, writing and shutting
    /// down the write side through a shared reference. Sealed (this module
    /// is private): implemented by `TcpStream` and `UnixStream`.
    pub trait SharedStream {
        /// `AsyncRead::poll_read`, through `&self`.
        fn poll_read_shared(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
        /// `AsyncWrite::poll_write`, through `&self`.
        fn poll_write_shared(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
        /// `shutdown(Shutdown::Write)`: send FIN.
        fn shutdown_write(&self) -> io::Result<()>;
    }
}

use shared::SharedStream;

/// The reading half of a stream, lent by `split` (for example
/// [`TcpStream::split`](super::TcpStream::split)).
#[derive(Debug)]
pub struct ReadHalf<'a, S = super::TcpStream> {
    pub(crate) stream: &'a S,
}

/// The writing half of a stream, lent by `split`.
#[derive(Debug)]
pub struct WriteHalf<'a, S = super::TcpStream> {
    pub(crate) stream: &'a S,
}

impl<S: SharedStream> AsyncRead for ReadHalf<'_, S> {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_read_shared(cx, buf)
    }
}

impl<S: SharedStream> AsyncWrite for WriteHalf<'_, S> {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_write_shared(cx, buf)
    }

    fn poll_write_eof(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.stream.shutdown_write())
    }
}

impl<S: SharedStream> WriteHalf<'_, S> {
    /// Sends FIN: the peer reads end of stream. Reading is unaffected.
    pub fn shutdown(&self) -> io::Result<()> {
        self.stream.shutdown_write()
    }
}

/// The reading half of a stream, given away by `into_split` (for example
/// [`TcpStream::into_split`](super::TcpStream::into_split)); it can move
/// into a task of its own. asyncio's `StreamReader`.
#[doc(alias = "StreamReader")]
pub struct OwnedReadHalf<S> {
    stream: Rc<S>,
}

/// The writing half of a stream, given away by `into_split`. Dropping it
/// shuts the write direction down (the peer reads end of stream). asyncio's
/// `StreamWriter`.
#[doc(alias = "StreamWriter")]
pub struct OwnedWriteHalf<S: SharedStream> {
    stream: Rc<S>,
    /// Cleared by `reunite`, which hands the stream back whole.
    shutdown_on_drop: bool,
}

/// Splits `stream` into owned halves sharing it.
pub(crate) fn into_split<S: SharedStream>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let stream = Rc::new(stream);
    let write = OwnedWriteHalf {
        stream: stream.clone(),
        shutdown_on_drop: true,
    };
    (OwnedReadHalf { stream }, write)
}

impl<S: SharedStream> OwnedReadHalf<S> {
    /// Puts the halves back together into the stream they came from, or
    /// hands both back in a [`ReuniteError`] if they came from different
    /// streams. Nothing is shut down on the way.
    pub fn reunite(self, mut write: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        if !Rc::ptr_eq(&self.stream, &write.stream) {
            return Err(ReuniteError(self, write));
        }
        write.shutdown_on_drop = false;
        drop(write);
        match Rc::try_unwrap(self.stream) {
            Ok(stream) => Ok(stream),
            // The halves are the only holders of the `Rc` and neither can
            // be cloned, so the write half's was the only other one.
            Err(_) => unreachable!("a stream's two halves hold the only references to it"),
        }
    }

    /// The stream, to ask for its addresses or options.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }
}

impl<S: SharedStream> OwnedWriteHalf<S> {
    /// Puts the halves back together; see [`OwnedReadHalf::reunite`].
    pub fn reunite(self, read: OwnedReadHalf<S>) -> Result<S, ReuniteError<S>> {
        read.reunite(self)
    }

    /// Sends FIN now: the peer reads end of stream. Dropping the half does
    /// the same.
    pub fn shutdown(&self) -> io::Result<()> {
        self.stream.shutdown_write()
    }

    /// The stream, to ask for its addresses or options.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }
}

impl<S: SharedStream> AsyncRead for OwnedReadHalf<S> {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_read_shared(cx, buf)
    }
}

impl<S: SharedStream> AsyncWrite for OwnedWriteHalf<S> {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.stream.poll_write_shared(cx, buf)
    }

    fn poll_write_eof(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.stream.shutdown_write())
    }
}

impl<S: SharedStream> Drop for OwnedWriteHalf<S> {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // The peer may be gone already (`NotConnected`): nothing to tell.
            let _ = self.stream.shutdown_write();
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedReadHalf").field(&self.stream).finish()
    }
}

impl<S: SharedStream + fmt::Debug> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OwnedWriteHalf").field(&self.stream).finish()
    }
}

/// Two halves that did not come from the same stream, handed back.
pub struct ReuniteError<S: SharedStream>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

impl<S: SharedStream> fmt::Debug for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReuniteError(..)")
    }
}

impl<S: SharedStream> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite the halves of two different streams")
    }
}

impl<S: SharedStream> std::error::Error for ReuniteError<S> {}
