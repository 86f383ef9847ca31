//! # `RemoteJoinHandle`: a task's outcome, carried back to another thread
//!
//! [`Handle::spawn`](super::Handle::spawn) is called on some thread `B`;
//! the task runs on the loop's thread `A`; its output must travel back to
//! `B`, or to wherever the handle went since. asyncio's
//! `run_coroutine_threadsafe` returns a `concurrent.futures.Future` for this
//! reason: the loop's own `Task` is not safe to touch from other threads.
//! We do the same. The loop runs an ordinary local task, and the caller
//! gets a [`RemoteJoinHandle`], which is `Send` and talks to the task only
//! through two thread-safe things:
//!
//! - a [`oneshot`] channel that carries `Result<T, JoinError>` back;
//! - an *abort signal*: a flag, and the task's waker so that raising the
//!   flag gets the task polled.
//!
//! What travels to the loop is a [`SpawnRequest`]: a `Send` closure that
//! the loop calls on its own thread. It builds the future (for
//! [`Handle::spawn_with`](super::Handle::spawn_with), by calling the
//! caller's closure there, so the future itself need not be `Send`) and
//! spawns [`run_on_loop`]: the future wrapped in a small `async fn` that
//! polls it inside `catch_unwind`, checks the abort flag before every poll,
//! drops the future in place when it is done, and then sends the outcome.
//! So by the time a handle sees the outcome, the future's destructor has
//! already run, on the loop thread: the same promise a local
//! [`JoinHandle`](crate::JoinHandle) makes.
//!
//! Invariants:
//! - **Every handle resolves.** The outcome is sent once; if the request
//!   or its task is dropped unfinished (the runtime shut down, before or
//!   after the loop called the request), the sender goes with it and the
//!   handle sees [`JoinError::Cancelled`]. Nothing waits for a loop that is
//!   gone.
//! - **The user's future lives and dies on the loop thread** once the loop
//!   has it. (A request the loop never called is dropped by whoever holds
//!   it: the runtime's shutdown on the loop thread, or the caller of a
//!   refused `spawn`.)
//! - **A panic becomes [`JoinError::Panicked`]**, whether it comes from
//!   the closure that builds the future, from a poll, or from the future's
//!   destructor when the task ends or is aborted; the loop goes on. (A
//!   destructor that panics while the runtime is being dropped is logged by
//!   the runtime, and the handle sees `Cancelled`: the sender is dropped
//!   with the future, before an outcome could be sent.)
//! - **No lock is held while foreign code runs**: wakers are woken and
//!   outputs dropped after their mutex is released.
//! - **Dropping the handle detaches the task**, as for a local handle: it
//!   keeps running and its output is dropped when it arrives.

use crate::sync::oneshot;
use crate::task::JoinError;
use crate::task::mailbox::SpawnRequest;
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

const LOG: &str = "runloop::runtime::handle";

type Outcome<T> = Result<T, JoinError>;

/// Makes the request the loop will call, and the handle the caller keeps,
/// for the future that `make` builds.
pub(super) fn request<M, F>(make: M) -> (SpawnRequest, RemoteJoinHandle<F::Output>)
where
    M: FnOnce() -> F + Send + 'static,
    F: Future + 'static,
    F::Output: Send + 'static,
{
    let (result_tx, result_rx) = oneshot::channel();
    let abort = Arc::new(AbortSignal::default());
    let watch = AbortWatch(abort.clone());
    // Called by the loop, on its thread, inside `block_on`.
    let request = Box::new(move || match panic::catch_unwind(AssertUnwindSafe(make)) {
        Ok(future) => drop(crate::spawn(run_on_loop(future, watch, result_tx))),
        Err(payload) => {
            log::error!(target: LOG, "the closure given to Handle::spawn_with panicked");
            // If the handle is gone, the payload is dropped with the refusal.
            let _ = result_tx.send(Err(JoinError::Panicked(payload)));
        }
    });
    let handle = RemoteJoinHandle {
        result: result_rx,
        abort,
        returned: false,
    };
    (request, handle)
}

/// The task the loop runs for a remote spawn; its own `JoinHandle` is
/// dropped at once (the task is detached) because it reports its outcome
/// through `result_tx`. An `async fn` rather than a hand-written future so
/// that the user's future can be pinned in place (`pin!`) and dropped in
/// place (`Pin::set`) without `unsafe`.
async fn run_on_loop<F: Future>(future: F, abort: AbortWatch, result_tx: oneshot::Sender<Outcome<F::Output>>) {
    let mut slot = pin!(Some(future));
    let outcome = poll_fn(|cx| {
        if abort.requested(cx) {
            log::debug!(target: LOG, "a task spawned from another thread was aborted");
            return Poll::Ready(Err(JoinError::Cancelled));
        }
        let Some(future) = slot.as_mut().as_pin_mut() else {
            return Poll::Ready(Err(JoinError::Cancelled)); // never: the slot empties below
        };
        match panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Err(payload) => Poll::Ready(Err(JoinError::Panicked(payload))),
        }
    })
    .await;
    // Drop the future here, on the loop thread, before anyone hears the news.
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| slot.set(None)));
    let outcome = match (outcome, dropped) {
        (outcome, Ok(())) => outcome,
        (Err(JoinError::Panicked(first)), Err(_)) => {
            // As for a local task: the first panic is the news.
            log::error!(target: LOG, "a task spawned from another thread panicked, and so did its destructor");
            Err(JoinError::Panicked(first))
        }
        (_, Err(payload)) => {
            log::error!(target: LOG, "dropping a future spawned from another thread panicked");
            Err(JoinError::Panicked(payload))
        }
    };
    drop(abort); // forget the task's waker now, not when the handle goes
    if let Err(unwanted) = result_tx.send(outcome) {
        // The handle was dropped: the output is dropped here, and a panic in
        // its destructor must not take the loop down.
        if panic::catch_unwind(AssertUnwindSafe(|| drop(unwanted))).is_err() {
            log::error!(target: LOG, "dropping the output of a detached remote task panicked");
        }
    }
}

/// What the handle and the task share to cancel it.
#[derive(Default)]
struct AbortSignal {
    state: Mutex<AbortState>,
}

#[derive(Default)]
struct AbortState {
    requested: bool,
    /// The task's waker, from its latest poll: abort wakes it so that the
    /// task is polled, sees the flag, and drops its future.
    task: Option<Waker>,
}

impl AbortSignal {
    fn lock(&self) -> MutexGuard<'_, AbortState> {
        // Nothing panics while holding this lock; recover if it ever did.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The handle's side: raise the flag and wake the task.
    fn request(&self) {
        let task = {
            let mut state = self.lock();
            state.requested = true;
            state.task.take()
        };
        if let Some(task) = task {
            task.wake(); // after the lock: a wake is foreign code
        }
    }
}

/// The task's side of the abort signal.
struct AbortWatch(Arc<AbortSignal>);

impl AbortWatch {
    /// Whether abort was asked for; if not, leaves the task's waker for
    /// [`AbortSignal::request`]. Flag and waker share one lock, so an abort
    /// either is seen here or finds the waker: none slips in between.
    fn requested(&self, cx: &Context<'_>) -> bool {
        let mut state = self.0.lock();
        if state.requested {
            return true;
        }
        let replaced = match &state.task {
            Some(task) if task.will_wake(cx.waker()) => None,
            _ => state.task.replace(cx.waker().clone()),
        };
        drop(state);
        drop(replaced);
        false
    }
}

impl Drop for AbortWatch {
    /// The task is over, or dropped with the runtime: the waker is no
    /// longer needed, and it would keep the task's memory alive for as long
    /// as the handle lives.
    fn drop(&mut self) {
        let task = self.0.lock().task.take();
        drop(task);
    }
}

/// A handle to a task spawned with [`Handle::spawn`](super::Handle::spawn):
/// a future resolving to the task's output, which may be sent to and
/// awaited on any thread, in any runtime (or none). asyncio's
/// `concurrent.futures.Future` returned by `run_coroutine_threadsafe`.
///
/// Awaiting it gives `Ok(output)`, [`JoinError::Panicked`] if the task
/// panicked, or [`JoinError::Cancelled`] if it was aborted or its runtime
/// was dropped before it finished. Dropping the handle detaches the task:
/// it runs on, and its output is dropped when it arrives.
///
/// ```
/// let rt = runloop::Runtime::new().unwrap();
/// let handle = rt.handle();
/// let task = std::thread::spawn(move || handle.spawn(async { "from the loop" }).unwrap())
///     .join()
///     .unwrap();
/// // The request waits in the runtime's inbox until its loop runs.
/// assert_eq!(rt.block_on(task).unwrap(), "from the loop");
/// ```
pub struct RemoteJoinHandle<T> {
    result: oneshot::Receiver<Outcome<T>>,
    abort: Arc<AbortSignal>,
    /// The handle has returned `Ready`; polling again is a bug.
    returned: bool,
}

impl<T> RemoteJoinHandle<T> {
    /// Cancels the task from any thread: at its next poll, on the loop
    /// thread, its future is dropped (running its destructors there, once)
    /// and this handle then resolves to [`JoinError::Cancelled`]. Does
    /// nothing if the task already finished; the handle still gives its
    /// output.
    ///
    /// The cancellation happens when the loop runs: a handle aborted while
    /// its runtime sits idle between `block_on` calls resolves when the loop
    /// next runs, or when the runtime is dropped.
    #[doc(alias = "cancel")]
    pub fn abort(&self) {
        self.abort.request();
    }

    /// Whether the task has finished (completed, panicked, been cancelled,
    /// or been dropped with its runtime), so that awaiting the handle would
    /// not wait. After [`abort`](Self::abort) this turns true once the loop
    /// has dropped the future.
    #[doc(alias = "done")]
    pub fn is_finished(&self) -> bool {
        self.returned || self.result.is_terminated()
    }
}

impl<T> Future for RemoteJoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.returned, "RemoteJoinHandle polled after it returned its output");
        let outcome = match Pin::new(&mut self.result).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(outcome)) => outcome,
            // The task was dropped unfinished, with its runtime.
            Poll::Ready(Err(oneshot::RecvError)) => Err(JoinError::Cancelled),
        };
        self.returned = true;
        Poll::Ready(outcome)
    }
}

impl<T> Drop for RemoteJoinHandle<T> {
    fn drop(&mut self) {
        // From now on the task's output is refused and dropped on the loop
        // thread. One that already arrived is ours to drop, here; a panic in
        // its destructor is logged rather than escaping from this drop.
        self.result.close();
        if let Ok(output) = self.result.try_recv()
            && panic::catch_unwind(AssertUnwindSafe(|| drop(output))).is_err()
        {
            log::error!(target: LOG, "dropping the output of a detached remote task panicked");
        }
    }
}

impl<T> fmt::Debug for RemoteJoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}
