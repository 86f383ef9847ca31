//! # `join_all`: wait for all, results in input order — asyncio's `gather`
//!
//! Each future is boxed and pinned once (they may not be `Unpin`), polled
//! with its own child waker from a [`WakeSet`](super::wake_set), and its
//! output parked in its input position until the last one is in.

use super::wake_set::WakeSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for every future and returns their outputs in input order, however
/// they finish. asyncio's `asyncio.gather`.
///
/// The futures run concurrently *inside the task that awaits this*; to run
/// them as separate tasks, `spawn` them and `join_all` the handles. If one
/// of them panics, the panic comes out of this future's poll and, as with
/// any future that panicked, it must not be polled again.
///
/// ```
/// use std::time::Duration;
/// use runloop::time::sleep;
/// let out = runloop::run(runloop::join_all([30u64, 10, 20].map(|ms| async move {
///     sleep(Duration::from_millis(ms)).await;
///     ms
/// })));
/// assert_eq!(out, [30, 10, 20]); // input order, not completion order
/// ```
#[doc(alias = "gather")]
pub fn join_all<I>(futures: I) -> JoinAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let children: Vec<_> = futures.into_iter().map(|future| Some(Box::pin(future))).collect();
    let count = children.len();
    JoinAll {
        outputs: (0..count).map(|_| None).collect(),
        remaining: count,
        wake_set: WakeSet::new(count),
        children,
        woken: Vec::new(),
        returned: false,
    }
}

/// The future returned by [`join_all`].
#[must_use = "futures do nothing unless you .await them"]
pub struct JoinAll<F: Future> {
    children: Vec<Option<Pin<Box<F>>>>,
    outputs: Vec<Option<F::Output>>,
    remaining: usize,
    wake_set: WakeSet,
    woken: Vec<usize>,
    returned: bool,
}

// Children are pinned in their boxes; outputs are never pinned. So moving a
// `JoinAll` is fine whatever the types inside.
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = self.get_mut();
        assert!(!this.returned, "JoinAll polled after it returned its outputs");
        this.wake_set.take_woken(cx.waker(), &mut this.woken);
        for index in this.woken.drain(..) {
            let Some(child) = &mut this.children[index] else {
                continue;
            };
            let mut child_cx = Context::from_waker(this.wake_set.waker(index));
            if let Poll::Ready(output) = child.as_mut().poll(&mut child_cx) {
                this.outputs[index] = Some(output);
                this.children[index] = None; // drop the finished future now
                this.remaining -= 1;
            }
        }
        if this.remaining > 0 {
            return Poll::Pending;
        }
        this.returned = true;
        let outputs = std::mem::take(&mut this.outputs);
        Poll::Ready(
            outputs
                .into_iter()
                .map(|output| output.expect("every child finished"))
                .collect(),
        )
    }
}

impl<F: Future> fmt::Debug for JoinAll<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinAll")
            .field("futures", &self.children.len())
            .field("remaining", &self.remaining)
            .finish()
    }
}
