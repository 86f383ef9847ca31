//! # Offloading blocking work: `spawn_blocking`, asyncio's `run_in_executor`
//!
//! [`spawn_blocking`](crate::spawn_blocking)`(f)` runs `f` on a pool thread
//! (`pool.rs`) and returns a [`JoinHandle`] the loop can await. The result
//! travels back through a [`oneshot`](mod@crate::sync::oneshot) channel:
//!
//! ```text
//!  loop thread                               pool thread
//!  ───────────                               ───────────
//!  spawn_blocking(f) ── job queued ────────► job(): result = catch_unwind(f)
//!  handle.await                                     tx.send(result)
//!    oneshot empty: store the task's waker            │ wakes the stored waker
//!    return Pending                                   ▼
//!  … loop asleep in epoll_wait …             Header::wake: NOTIFIED 0→1,
//!                                            not the loop's thread, so:
//!                                            inbox.push(id); ring doorbell
//!  epoll_wait returns: the doorbell rang  ◄─────────  (eventfd write)
//!  collect the inbox; queue the task
//!  poll it: the oneshot has the value → Ready(result)
//! ```
//!
//! This file glues the two halves: the job that runs on the pool, and the
//! [`JoinTarget`] that lets a `JoinHandle` front it.
//!
//! Invariants: a job checks its abort flag before it starts, so an aborted
//! job that had not started never runs; a panic in `f` is caught in the job
//! and becomes [`JoinError::Panicked`], so the thread survives; a job that
//! is dropped unrun (abort, shutdown) drops its sender, so its handle
//! resolves as [`JoinError::Cancelled`] instead of waiting forever.

mod pool;

use pool::Job;
pub(crate) use pool::{DEFAULT_KEEP_ALIVE, Pool, default_max_threads};

use crate::sync::oneshot;
use crate::task::{JoinError, JoinHandle, JoinTarget, TaskId};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

/// Queues `f` on `pool` and returns the handle that awaits its result.
pub(crate) fn spawn_blocking_on<F, T>(pool: &Pool, f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (result_tx, result_rx) = oneshot::channel();
    let aborted = Arc::new(AtomicBool::new(false));
    pool.submit(Box::new(BlockingJob {
        work: Some(f),
        result: None,
        result_tx,
        aborted: aborted.clone(),
    }));
    // The handle is not `Send`; `Arc` only because `JoinHandle` holds every
    // kind of target that way (a task's is an `Arc` for its wakers).
    #[allow(clippy::arc_with_non_send_sync)]
    let target = Arc::new(BlockingJoin {
        result: RefCell::new(result_rx),
        aborted,
        waiter: RefCell::new(None),
        returned: Cell::new(false),
    });
    JoinHandle::new(target)
}

/// The pool's side of one blocking job.
struct BlockingJob<F, T> {
    work: Option<F>,
    result: Option<Result<T, JoinError>>,
    result_tx: oneshot::Sender<Result<T, JoinError>>,
    aborted: Arc<AtomicBool>,
}

impl<F, T> Job for BlockingJob<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    fn run(&mut self) -> bool {
        if self.aborted.load(Ordering::Acquire) {
            return false; // never started: `deliver` sends nothing
        }
        let Some(work) = self.work.take() else {
            return false;
        };
        self.result = Some(panic::catch_unwind(AssertUnwindSafe(work)).map_err(JoinError::Panicked));
        true
    }

    fn deliver(self: Box<Self>) {
        if let Some(result) = self.result {
            // The handle may be gone (detached); then the result is dropped here.
            let _ = self.result_tx.send(result);
        }
        // Otherwise `result_tx` is dropped: the handle resolves as cancelled.
    }
}

/// The loop's side of one blocking job.
struct BlockingJoin<T> {
    result: RefCell<oneshot::Receiver<Result<T, JoinError>>>,
    aborted: Arc<AtomicBool>,
    /// Whoever awaits the handle, so `abort` can wake them.
    waiter: RefCell<Option<Waker>>,
    returned: Cell<bool>,
}

impl<T> JoinTarget<T> for BlockingJoin<T> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        assert!(
            !self.returned.get(),
            "JoinHandle of a blocking job polled after it returned"
        );
        if self.aborted.load(Ordering::Acquire) {
            self.returned.set(true);
            return Poll::Ready(Err(JoinError::Cancelled));
        }
        let replaced = self.waiter.borrow_mut().replace(cx.waker().clone());
        drop(replaced);
        let outcome = match Pin::new(&mut *self.result.borrow_mut()).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(result)) => result,
            Poll::Ready(Err(oneshot::RecvError)) => Err(JoinError::Cancelled),
        };
        self.returned.set(true);
        Poll::Ready(outcome)
    }

    fn abort(&self) {
        if self.is_finished() {
            return;
        }
        self.aborted.store(true, Ordering::Release);
        self.result.borrow_mut().close();
        let waiter = self.waiter.borrow_mut().take();
        if let Some(waiter) = waiter {
            waiter.wake(); // after the borrow: a wake may poll this handle
        }
    }

    fn is_finished(&self) -> bool {
        self.returned.get() || self.aborted.load(Ordering::Acquire) || self.result.borrow().is_terminated()
    }

    fn detach(&self) {
        // The job still runs; from now on its result is refused, so `send`
        // hands it back and it is dropped on the pool thread. A result that
        // arrived before this is ours to drop, here on the loop thread: a
        // panic in its destructor is caught and logged, as for a task's
        // output, rather than escaping from the `JoinHandle`'s drop.
        let mut result = self.result.borrow_mut();
        result.close();
        let arrived = result.try_recv();
        drop(result);
        if let Ok(output) = arrived
            && panic::catch_unwind(AssertUnwindSafe(|| drop(output))).is_err()
        {
            log::error!(target: "runloop::blocking", "dropping the result of a detached blocking job panicked");
        }
    }

    fn id(&self) -> Option<TaskId> {
        None
    }
}
