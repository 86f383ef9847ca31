//! Shared kit for the `io_*` tests: a reader that hands over its data in
//! chosen pieces, saying `Pending` between them as a socket would, and a
//! writer that takes a few bytes at a time and records each call.

#![allow(dead_code)] // each test file uses a different part of the kit

#[path = "../common/mod.rs"]
pub mod common;

use runloop::io::{AsyncRead, AsyncWrite};
use std::collections::VecDeque;
use std::io;
use std::task::{Context, Poll};

/// Hands over `pieces` one read at a time (a read smaller than the piece
/// takes its front), with one `Pending` before each piece, then end of
/// stream. Records the largest buffer it was asked to fill.
pub struct Pieces {
    pieces: VecDeque<Vec<u8>>,
    ready: bool,
    pub largest_read: usize,
}

impl Pieces {
    pub fn new(pieces: impl IntoIterator<Item = Vec<u8>>) -> Pieces {
        Pieces {
            pieces: pieces.into_iter().filter(|piece| !piece.is_empty()).collect(),
            ready: false,
            largest_read: 0,
        }
    }

    /// `data` cut at each of `cuts` (ascending offsets).
    pub fn cut(data: &[u8], cuts: &[usize]) -> Pieces {
        let mut pieces = Vec::new();
        let mut from = 0;
        for &cut in cuts {
            pieces.push(data[from..cut].to_vec());
            from = cut;
        }
        pieces.push(data[from..].to_vec());
        Pieces::new(pieces)
    }
}

impl AsyncRead for Pieces {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.largest_read = self.largest_read.max(buf.len());
        if !self.ready && !self.pieces.is_empty() {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let Some(mut piece) = self.pieces.pop_front() else {
            return Poll::Ready(Ok(0));
        };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        if n < piece.len() {
            piece.drain(..n);
            self.pieces.push_front(piece);
        } else {
            self.ready = false;
        }
        Poll::Ready(Ok(n))
    }
}

/// Takes at most `per_call` bytes per write, answering `Pending` every
/// other call; keeps what it was given and the size of every write.
pub struct Trickle {
    pub per_call: usize,
    pub written: Vec<u8>,
    pub calls: Vec<usize>,
    ready: bool,
}

impl Trickle {
    pub fn new(per_call: usize) -> Trickle {
        Trickle {
            per_call,
            written: Vec::new(),
            calls: Vec::new(),
            ready: false,
        }
    }
}

impl AsyncWrite for Trickle {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        let n = buf.len().min(self.per_call);
        self.written.extend_from_slice(&buf[..n]);
        self.calls.push(n);
        Poll::Ready(Ok(n))
    }
}
