//! # Interoperability: the `futures-io` traits (cargo feature `futures-io`)
//!
//! Much of the async ecosystem is written against the `futures-io`
//! crate's `AsyncRead`, `AsyncWrite` and `AsyncBufRead` rather than any
//! one runtime's traits: codecs, compression, protocol crates. With the
//! `futures-io` feature, runloop's sockets, their halves and its buffered
//! streams implement those traits too, so such code runs on runloop
//! unchanged. Off by default: the default build depends on mio, slab and
//! log only.
//!
//! Each implementation forwards to runloop's own trait, so the behaviour
//! is the same either way; the mapping is:
//!
//! | `futures-io` | runloop |
//! |---|---|
//! | `AsyncRead::poll_read` | [`AsyncRead::poll_read`] |
//! | `AsyncWrite::poll_write`, `poll_flush` | [`AsyncWrite::poll_write`], [`AsyncWrite::poll_flush`] |
//! | `AsyncWrite::poll_close` | [`AsyncWrite::poll_write_eof`]: flush, then shut the write direction down |
//! | `AsyncBufRead::poll_fill_buf`, `consume` | [`BufReader::poll_fill_buf`], [`BufReader::consume`] |
//!
//! `futures-io`'s methods take `Pin<&mut Self>`; runloop's types are
//! `Unpin` (a buffered stream is, when what it wraps is), so pinning
//! changes nothing and each method unpins and forwards.

use super::{AsyncRead, AsyncWrite, BufReader, BufWriter};
use crate::net::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, SharedStream, TcpStream, UnixStream, WriteHalf};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// `futures_io::AsyncRead` for a type that has runloop's `AsyncRead`.
macro_rules! futures_read {
    ($(impl[$($generics:tt)*] $ty:ty;)*) => {$(
        impl<$($generics)*> futures_io::AsyncRead for $ty {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
                AsyncRead::poll_read(self.get_mut(), cx, buf)
            }
        }
    )*};
}

/// `futures_io::AsyncWrite` for a type that has runloop's `AsyncWrite`.
macro_rules! futures_write {
    ($(impl[$($generics:tt)*] $ty:ty;)*) => {$(
        impl<$($generics)*> futures_io::AsyncWrite for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                AsyncWrite::poll_write(self.get_mut(), cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                AsyncWrite::poll_flush(self.get_mut(), cx)
            }

            fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                AsyncWrite::poll_write_eof(self.get_mut(), cx)
            }
        }
    )*};
}

futures_read! {
    impl[] TcpStream;
    impl[] UnixStream;
    impl[S: SharedStream] OwnedReadHalf<S>;
    impl['a, S: SharedStream] ReadHalf<'a, S>;
    impl[R: AsyncRead + Unpin] BufReader<R>;
    impl[W: AsyncWrite + AsyncRead + Unpin] BufWriter<W>;
}

futures_write! {
    impl[] TcpStream;
    impl[] UnixStream;
    impl[S: SharedStream] OwnedWriteHalf<S>;
    impl['a, S: SharedStream] WriteHalf<'a, S>;
    impl[W: AsyncWrite + Unpin] BufWriter<W>;
    impl[R: AsyncRead + AsyncWrite + Unpin] BufReader<R>;
}

impl<R: AsyncRead + Unpin> futures_io::AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amount: usize) {
        self.get_mut().consume(amount)
    }
}
