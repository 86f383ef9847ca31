//! # `as_completed`: results in the order they finish
//!
//! asyncio's `for f in asyncio.as_completed(aws): result = await f`. The
//! same machinery as [`join_all`](super::join_all()) — boxed children, each
//! with its own waker — but each output is handed out as soon as it exists,
//! through [`AsCompleted::next`]. Children that finish in the same poll come
//! out in the order they were woken.

use super::wake_set::WakeSet;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs the futures concurrently and yields their outputs in completion
/// order. asyncio's `asyncio.as_completed`.
///
/// If a future panics, the panic comes out of `next()`; as with any future
/// that panicked, stop polling afterwards. To know *which* input finished,
/// make the futures return it:
///
/// ```
/// use std::time::Duration;
/// use runloop::time::sleep;
/// let order = runloop::run(async {
///     let mut done = runloop::as_completed(["slow", "fast"].map(|name| async move {
///         sleep(Duration::from_millis(if name == "slow" { 30 } else { 5 })).await;
///         name
///     }));
///     let mut order = Vec::new();
///     while let Some(name) = done.next().await {
///         order.push(name);
///     }
///     order
/// });
/// assert_eq!(order, ["fast", "slow"]);
/// ```
#[doc(alias = "asyncio.as_completed")]
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let children: Vec<_> = futures.into_iter().map(|future| Some(Box::pin(future))).collect();
    let count = children.len();
    AsCompleted {
        remaining: count,
        wake_set: WakeSet::new(count),
        children,
        finished: VecDeque::new(),
        woken: Vec::new(),
    }
}

/// The stream of outputs returned by [`as_completed`].
#[must_use = "nothing runs until you call .next().await"]
pub struct AsCompleted<F: Future> {
    children: Vec<Option<Pin<Box<F>>>>,
    remaining: usize,
    wake_set: WakeSet,
    /// Outputs that finished but have not been handed out yet.
    finished: VecDeque<F::Output>,
    woken: Vec<usize>,
}

impl<F: Future> AsCompleted<F> {
    /// The next output to finish, or `None` when all have been handed out.
    pub async fn next(&mut self) -> Option<F::Output> {
        poll_fn(|cx| self.poll_next(cx)).await
    }

    /// The poll behind [`AsCompleted::next`].
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        if let Some(output) = self.finished.pop_front() {
            return Poll::Ready(Some(output));
        }
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        self.wake_set.take_woken(cx.waker(), &mut self.woken);
        for index in self.woken.drain(..) {
            let Some(child) = &mut self.children[index] else {
                continue;
            };
            let mut child_cx = Context::from_waker(self.wake_set.waker(index));
            if let Poll::Ready(output) = child.as_mut().poll(&mut child_cx) {
                self.children[index] = None;
                self.remaining -= 1;
                self.finished.push_back(output);
            }
        }
        match self.finished.pop_front() {
            Some(output) => Poll::Ready(Some(output)),
            None => Poll::Pending,
        }
    }

    /// How many outputs are still to come.
    pub fn len(&self) -> usize {
        self.remaining + self.finished.len()
    }

    /// Whether every output has been handed out.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<F: Future> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted").field("left", &self.len()).finish()
    }
}
