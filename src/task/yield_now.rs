//! # `yield_now`: step aside once
//!
//! asyncio's `await asyncio.sleep(0)` is how a coroutine says "I could go
//! on, but let the others run first". Here it is the smallest possible leaf
//! future: the first poll wakes its own task and returns `Pending`, which
//! puts the task at the back of the run queue; the second poll returns
//! `Ready`.
//!
//! It relies on two promises the runtime keeps: a task woken during its own
//! poll is polled again (see `src/task/state.rs`), and under the default
//! FIFO scheduler it goes behind everyone already waiting.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Goes to the back of the run queue once, letting every other ready task
/// run before this one continues. asyncio's `await asyncio.sleep(0)`.
///
/// ```
/// let order = runloop::run(async {
///     let log = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
///     let other = runloop::spawn({
///         let log = log.clone();
///         async move { log.borrow_mut().push("other") }
///     });
///     runloop::yield_now().await; // lets `other` run first
///     log.borrow_mut().push("main");
///     other.await.unwrap();
///     log.take()
/// });
/// assert_eq!(order, ["other", "main"]);
/// ```
#[doc(alias = "sleep(0)")]
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[must_use = "futures do nothing unless you .await them"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
