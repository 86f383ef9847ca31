//! # `select_all`: the first of many, and the rest handed back
//!
//! asyncio's `done, pending = await asyncio.wait(aws,
//! return_when=FIRST_COMPLETED)`: run many futures, stop at the first to
//! finish, and keep the others for later. [`select`](super::select()) does
//! this for two and drops the loser; `select_all` takes any number and
//! *returns* the losers, unfinished but still usable, so a loop can await
//! them again (the futures crate's `select_all`, same shape).
//!
//! Handing the rest back means moving them, so they must be [`Unpin`]:
//! a `JoinHandle` or a `Sleep` is; an `async` block is not, and goes in a
//! `Box::pin` first. (`join_all` and `as_completed` pin each child in a
//! box of their own instead; they never give a child back.)
//!
//! Every wake polls the futures in input order, up to the first that is
//! ready: a tie goes to the lowest index, and the cost is O(n) per wake,
//! fine for the handful of futures `select_all` is for. For many, `as_completed` or a
//! [`JoinSet`](crate::JoinSet) poll only the children that woke.
//!
//! Invariant: the rest come back in input order, the winner taken out
//! (`Vec::remove`, not `swap_remove`, so that an index means what it did).
//! An empty input is a bug in the caller (no future can ever finish first),
//! so it panics at once instead of waiting forever.
//!
//! Cancellation safety: dropping a `SelectAll` drops every future in it;
//! nothing is held elsewhere.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for the first of `futures` to finish and returns its output, its
/// index in the input, and the other futures, unfinished, in input order.
/// asyncio's `asyncio.wait(aws, return_when=FIRST_COMPLETED)`.
///
/// The futures must be [`Unpin`]; wrap an `async` block in `Box::pin`.
/// Awaiting the rest again gives the next to finish:
///
/// ```
/// use std::time::Duration;
/// use runloop::future::select_all;
/// use runloop::time::sleep;
/// let order = runloop::run(async {
///     let mut pending: Vec<_> = [30u64, 10, 20]
///         .map(|ms| Box::pin(async move {
///             sleep(Duration::from_millis(ms)).await;
///             ms
///         }))
///         .into();
///     let mut order = Vec::new();
///     while !pending.is_empty() {
///         let (ms, index, rest) = select_all(pending).await;
///         order.push((ms, index));
///         pending = rest;
///     }
///     order
/// });
/// assert_eq!(order, [(10, 1), (20, 1), (30, 0)]);
/// ```
///
/// # Panics
/// If `futures` is empty, at once: nothing could ever finish first.
#[doc(alias = "wait")]
#[doc(alias = "FIRST_COMPLETED")]
pub fn select_all<I>(futures: I) -> SelectAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future + Unpin,
{
    let futures: Vec<_> = futures.into_iter().collect();
    assert!(
        !futures.is_empty(),
        "select_all() was given no futures: none could ever finish first"
    );
    SelectAll { futures }
}

/// The future returned by [`select_all`].
#[must_use = "futures do nothing unless you .await them"]
pub struct SelectAll<F> {
    /// Empty once the output has been returned.
    futures: Vec<F>,
}

impl<F: Future + Unpin> Future for SelectAll<F> {
    type Output = (F::Output, usize, Vec<F>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.futures.is_empty(), "SelectAll polled after it returned");
        let winner = self
            .futures
            .iter_mut()
            .enumerate()
            .find_map(|(index, future)| match Pin::new(future).poll(cx) {
                Poll::Ready(output) => Some((index, output)),
                Poll::Pending => None,
            });
        match winner {
            Some((index, output)) => {
                let mut rest = std::mem::take(&mut self.futures);
                drop(rest.remove(index)); // finished: not to be polled again
                Poll::Ready((output, index, rest))
            }
            None => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for SelectAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectAll")
            .field("futures", &self.futures.len())
            .finish()
    }
}
