//! # The task's memory, and the hand-built waker that points at it
//!
//! async-task calls this file `raw.rs`: the raw task, its stages, and the
//! waker's vtable, together, because they are one argument about memory.
//!
//! A [`Waker`] is two words: a data pointer and a table of four functions
//! (`clone`, `wake`, `wake_by_ref`, `drop`), the `RawWakerVTable`. Every
//! runtime fills them in by hand. Ours points at a *task*: one `Arc`
//! allocation holding the task's [`Header`] (the thread-safe part), its
//! future, and later its output. Cloning a waker bumps the `Arc` count, so a
//! waker keeps the task's memory alive, but only the memory: once the task
//! is done, its future and output are dropped, and what a leftover waker
//! pins is the allocation itself (as large as the future was), never the
//! runtime.
//!
//! This is the only module in runloop allowed `unsafe` (the crate root
//! denies it everywhere else, and `src/task/mod.rs` allows it for this
//! module alone), for three reasons:
//!
//! 1. **The vtable.** The four functions turn the data pointer back into an
//!    `Arc`. `Waker` promises to be `Send + Sync`, while a task's future
//!    need not be `Send` (this is a single-threaded runtime). The promise
//!    holds because a waker on another thread touches only the `Header`
//!    (atomics and a mutex, checked `Sync` in `src/task/header.rs`), and
//!    because the last reference, which any thread may release, finds
//!    nothing but `Send` fields left to drop: the future and output are
//!    always dropped on the loop thread first (see [`Task`]'s `Drop`).
//! 2. **Pinning the future in place.** A future may point into itself, so
//!    once polled it must never move (`Pin`). Keeping it inside the same
//!    allocation as the header saves a second allocation per spawn, but
//!    reaching it through the `Arc` and a `RefCell` needs one `unsafe`
//!    `Pin::new_unchecked`. It is sound because the `Arc` never moves, the
//!    concrete `Arc<Task<F>>` never leaves this file, and this file never
//!    moves a running future out of its stage: it only drops it in place.
//!
//! 3. **Lending the task's own reference to a poll.** Every poll needs a
//!    `Waker` for the task. Cloning the `Arc` for it would cost an atomic
//!    increment and decrement per poll; keeping one inside the task would
//!    cost 16 bytes per task (a `Waker` is two words) and a reference
//!    cycle to break. Instead
//!    `Task::run` builds a waker that *borrows* the count the loop already
//!    holds, in a `ManuallyDrop` so it never gives back a count it does
//!    not own (futures' `waker_ref` and tokio do the same). A future that
//!    keeps the waker clones it, and the clone owns a count of its own.
//!    That is why `Runnable::run` takes the loop's `Arc` by value and hands
//!    it back: the waker is made from the `Arc` itself. The argument is at
//!    `borrowed_waker`.
//!
//! Everything else in a task (stage, join waiter, flags) is touched only by
//! the loop thread, so it lives in plain `Cell`s and `RefCell`s.

use super::mailbox::Inbox;
use super::{Header, JoinError, JoinHandle, JoinTarget, PollOutcome, Runnable, TaskId};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

const LOG: &str = "runloop::task";

/// Creates a task around `future`: the part the loop runs, and the handle.
/// One heap allocation: header, future and output share it.
pub(crate) fn new_task<F>(future: F, id: TaskId, inbox: Weak<Inbox>) -> (Arc<dyn Runnable>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
{
    // `Arc`, not `Rc`, although `Task` is neither `Send` nor `Sync`: wakers on
    // other threads hold references to it. See the module essay for why that
    // is sound.
    #[allow(clippy::arc_with_non_send_sync)]
    let task = Arc::new(Task {
        header: Header::new(id, inbox),
        stage: RefCell::new(Stage::Running(future)),
        join_waker: Cell::new(None),
        cancel_requested: Cell::new(false),
        detached: Cell::new(false),
    });
    (task.clone(), JoinHandle::new(task))
}

/// A handle for a task that is refused, not run: the runtime is being torn
/// down and destructors keep spawning replacements. The future is leaked,
/// never polled or dropped, because dropping it would spawn again; the
/// handle resolves as cancelled.
pub(crate) fn refused_task<F>(future: F, inbox: Weak<Inbox>) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    std::mem::forget(future);
    #[allow(clippy::arc_with_non_send_sync)]
    let task: Arc<Task<F>> = Arc::new(Task {
        header: Header::new(TaskId::new(0, 0), inbox),
        stage: RefCell::new(Stage::Finished(Err(JoinError::Cancelled))),
        join_waker: Cell::new(None),
        cancel_requested: Cell::new(false),
        detached: Cell::new(false),
    });
    task.header.state.set_done();
    JoinHandle::new(task)
}

/// The waker for the future given to `block_on`, which is not a task.
pub(crate) fn main_waker(header: Arc<Header>) -> Waker {
    waker(header)
}

/// Where a future is in its life. Only the loop thread touches it.
enum Stage<F: Future> {
    /// Pinned in place: never moved out, only dropped where it lies.
    Running(F),
    /// Waiting for the `JoinHandle` to take it.
    Finished(Result<F::Output, JoinError>),
    /// Nothing left: the output was taken or discarded.
    Consumed,
}

struct Task<F: Future> {
    header: Header,
    stage: RefCell<Stage<F>>,
    /// Whoever awaits the `JoinHandle`.
    join_waker: Cell<Option<Waker>>,
    cancel_requested: Cell<bool>,
    /// The `JoinHandle` was dropped: nobody will take the output.
    detached: Cell<bool>,
}

impl<F: Future> Task<F> {
    /// Polls the future where it lies. `None` if it is not running.
    fn poll_future(&self, cx: &mut Context<'_>) -> Option<Poll<F::Output>> {
        let mut stage = self.stage.borrow_mut();
        let Stage::Running(future) = &mut *stage else {
            return None;
        };
        // SAFETY: `future` lives inside this task's `Arc` allocation, which
        // never moves while references exist. No code in this file moves a
        // `Stage::Running` out of `stage`: it leaves only by being dropped in
        // place (`drop_future`), and the concrete `Arc<Task<F>>` is never
        // handed outside this file, so no other code can move it either.
        let future = unsafe { Pin::new_unchecked(future) };
        Some(future.poll(cx))
    }

    /// Drops the future in place. A panic in its destructor is caught and
    /// returned; the stage is `Consumed` either way (an assignment finishes
    /// writing the new value even when the old one's drop unwinds).
    fn drop_future(&self) -> Option<Box<dyn std::any::Any + Send>> {
        panic::catch_unwind(AssertUnwindSafe(|| {
            *self.stage.borrow_mut() = Stage::Consumed;
        }))
        .err()
    }

    /// Records the result and tells whoever waits for it. The future must
    /// already be dropped. Returns how the task ended.
    fn finish(&self, result: Result<F::Output, JoinError>) -> PollOutcome {
        let outcome = match &result {
            Ok(_) => PollOutcome::Returned,
            Err(JoinError::Panicked(_)) => PollOutcome::Panicked,
            Err(JoinError::Cancelled) => PollOutcome::Cancelled,
        };
        *self.stage.borrow_mut() = Stage::Finished(result);
        self.header.state.set_done();
        if self.detached.get() {
            self.discard_output();
        } else if let Some(waiter) = self.join_waker.take() {
            waiter.wake();
        }
        outcome
    }

    /// Takes the output out of a finished stage. Moving is fine here: once
    /// `Finished`, the pinned future no longer exists.
    fn take_output(&self) -> Option<Result<F::Output, JoinError>> {
        let mut stage = self.stage.borrow_mut();
        match &*stage {
            Stage::Finished(_) => match std::mem::replace(&mut *stage, Stage::Consumed) {
                Stage::Finished(output) => Some(output),
                _ => None,
            },
            Stage::Running(_) | Stage::Consumed => None,
        }
    }

    fn discard_output(&self) {
        let output = self.take_output();
        if panic::catch_unwind(AssertUnwindSafe(|| drop(output))).is_err() {
            log::error!(target: LOG, "task {}: dropping its output panicked", self.header.id);
        }
    }

    fn cancelled_or_panicked(&self, drop_panic: Option<Box<dyn std::any::Any + Send>>) -> JoinError {
        match drop_panic {
            Some(payload) => {
                log::error!(target: LOG, "task {}: dropping its future panicked", self.header.id);
                JoinError::Panicked(payload)
            }
            None => JoinError::Cancelled,
        }
    }
}

impl<F: Future + 'static> Runnable for Task<F> {
    fn run(self: Arc<Self>) -> (PollOutcome, Arc<dyn Runnable>) {
        // The poll's waker borrows the count this `Arc` holds, so it is made
        // from the `Arc` itself and is gone before the `Arc` is handed back.
        let waker = borrowed_waker(&self);
        let outcome = self.step(&waker);
        (outcome, self)
    }

    fn shutdown(&self) {
        if self.header.state.is_done() {
            return;
        }
        let drop_panic = self.drop_future();
        self.finish(Err(self.cancelled_or_panicked(drop_panic)));
    }

    fn is_queued(&self) -> bool {
        self.header.state.is_notified()
    }
}

impl<F: Future> Task<F> {
    /// One step of the task: poll the future once with `waker`, or drop it
    /// if cancellation was asked for, and finish the task if it is done.
    fn step(&self, waker: &Waker) -> PollOutcome {
        self.header.state.clear_notified();
        if self.cancel_requested.get() {
            log::debug!(target: LOG, "task {} cancelled", self.header.id);
            let drop_panic = self.drop_future();
            return self.finish(Err(self.cancelled_or_panicked(drop_panic)));
        }
        let polled = {
            let mut cx = Context::from_waker(waker);
            panic::catch_unwind(AssertUnwindSafe(|| self.poll_future(&mut cx)))
        };
        let result = match polled {
            Ok(Some(Poll::Pending)) => return PollOutcome::Pending,
            Ok(None) => return PollOutcome::Cancelled, // already finished: nothing to poll
            Ok(Some(Poll::Ready(output))) => match self.drop_future() {
                None => Ok(output),
                Some(payload) => {
                    log::error!(target: LOG, "task {}: dropping its future panicked", self.header.id);
                    Err(JoinError::Panicked(payload))
                }
            },
            Err(payload) => {
                let message = super::panic_message(payload.as_ref()).unwrap_or("<non-string payload>");
                log::error!(target: LOG, "task {} panicked: {message}", self.header.id);
                // A second panic from the destructor is logged and dropped:
                // the first one is the news.
                if self.drop_future().is_some() {
                    log::error!(target: LOG, "task {}: dropping its future panicked too", self.header.id);
                }
                Err(JoinError::Panicked(payload))
            }
        };
        self.finish(result)
    }
}

impl<F: Future> JoinTarget<F::Output> for Task<F> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        if !self.header.state.is_done() {
            let waiter = match self.join_waker.take() {
                Some(old) if old.will_wake(cx.waker()) => old,
                _ => cx.waker().clone(),
            };
            self.join_waker.set(Some(waiter));
            return Poll::Pending;
        }
        match self.take_output() {
            Some(output) => Poll::Ready(output),
            None => panic!(
                "JoinHandle for task {} polled after it returned its output",
                self.header.id
            ),
        }
    }

    fn abort(&self) {
        if !self.header.state.is_done() {
            self.cancel_requested.set(true);
            self.header.wake();
        }
    }

    fn is_finished(&self) -> bool {
        self.header.state.is_done()
    }

    fn detach(&self) {
        self.detached.set(true);
        drop(self.join_waker.take());
        if self.header.state.is_done() {
            self.discard_output();
        }
    }

    fn id(&self) -> Option<TaskId> {
        Some(self.header.id)
    }
}

impl<F: Future> Drop for Task<F> {
    fn drop(&mut self) {
        // Any thread may release the last reference (see the module essay),
        // so by now the future and output must be gone: dropping them here
        // could run a non-`Send` destructor on the wrong thread. Every path
        // of the runtime consumes the stage first; if one ever did not, stop
        // loudly rather than risk it.
        if !matches!(self.stage.get_mut(), Stage::Consumed) {
            eprintln!(
                "runloop bug: task {} freed before its future or output was dropped",
                self.header.id
            );
            std::process::abort();
        }
    }
}

/// What a waker can point at: a task, or the header of the `block_on` future.
/// Implemented only in this file; `header` must do nothing but return the
/// field, since it may run on any thread.
trait Wakeable: 'static {
    fn header(&self) -> &Header;
}

impl<F: Future + 'static> Wakeable for Task<F> {
    fn header(&self) -> &Header {
        &self.header
    }
}

impl Wakeable for Header {
    fn header(&self) -> &Header {
        self
    }
}

/// Turns one strong reference into a waker that owns it.
fn waker<T: Wakeable>(target: Arc<T>) -> Waker {
    let data = Arc::into_raw(target).cast::<()>();
    // SAFETY: `data` comes from `Arc::into_raw::<T>` and the waker takes over
    // that strong count. The vtable functions below uphold the `RawWaker`
    // contract for exactly this kind of pointer, and the `Send + Sync`
    // promise for the reasons given in the module essay.
    unsafe { Waker::from_raw(RawWaker::new(data, vtable::<T>())) }
}

/// A waker for `task` that borrows its strong count instead of owning one,
/// for the length of one poll.
///
/// `Arc::as_ptr` gives exactly the pointer `Arc::into_raw` would, with the
/// right to reach the whole allocation (the counts included), so the usual
/// vtable works on it. The waker is never dropped (`ManuallyDrop`), so it
/// never releases the count it did not take, and it does not outlive the
/// borrow of `task`: `Task::run` makes it from the loop's `Arc`, lends it to
/// one poll through a `Context`, and lets it go before handing the `Arc`
/// back. A future that wants to keep the waker calls `clone`, which takes a
/// count of its own (`clone_waker`). Pointer and vtable are the same for
/// every poll of a task, so `Waker::will_wake` still recognises a stored
/// clone.
///
/// Why from the `Arc` and not from `&self` inside `run`? The address would
/// be the same, but a pointer made from a reference may only be used for
/// what the reference covers, the `Task`, while `clone_waker` and
/// `drop_waker` reach back to the counts in front of it. Miri (Stacked
/// Borrows) reports that as undefined behaviour; `Arc::as_ptr` may reach
/// the whole allocation.
fn borrowed_waker<T: Wakeable>(task: &Arc<T>) -> ManuallyDrop<Waker> {
    let data = Arc::as_ptr(task).cast::<()>();
    // SAFETY: see above: `data` points into a live `Arc<T>` as
    // `Arc::into_raw` would, and the `ManuallyDrop` keeps its count untouched.
    ManuallyDrop::new(unsafe { Waker::from_raw(RawWaker::new(data, vtable::<T>())) })
}

fn vtable<T: Wakeable>() -> &'static RawWakerVTable {
    const { &RawWakerVTable::new(clone_waker::<T>, wake_by_value::<T>, wake_by_ref::<T>, drop_waker::<T>) }
}

unsafe fn clone_waker<T: Wakeable>(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Arc::into_raw::<T>`, and the waker being
    // cloned still owns its count, so the allocation is alive.
    unsafe { Arc::increment_strong_count(data.cast::<T>()) };
    RawWaker::new(data, vtable::<T>())
}

unsafe fn wake_by_value<T: Wakeable>(data: *const ()) {
    // SAFETY: `wake` consumes the waker, so we take back the count it owned;
    // dropping the `Arc` at the end of this function releases it.
    let target = unsafe { Arc::from_raw(data.cast::<T>()) };
    target.header().wake();
}

unsafe fn wake_by_ref<T: Wakeable>(data: *const ()) {
    // SAFETY: the waker we were called through owns a count, so the
    // allocation is alive for the duration of this call.
    let target = unsafe { &*data.cast::<T>() };
    target.header().wake();
}

unsafe fn drop_waker<T: Wakeable>(data: *const ()) {
    // SAFETY: the waker being dropped owned exactly this one count.
    unsafe { Arc::decrement_strong_count(data.cast::<T>()) };
}
