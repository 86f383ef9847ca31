//! # `JoinSet`: tasks you own, awaited as they finish
//!
//! Spawn tasks into a set, then take their results one at a time in the
//! order they *finish*: tokio's `JoinSet`. asyncio has no class for it; the
//! idiom there is a `set` of tasks and a loop around
//! `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`, or `as_completed`.
//! Two things set it apart from [`as_completed`](crate::as_completed):
//!
//! - the children are *tasks*, so they run while nobody awaits the set,
//!   and more can be spawned into it between two `join_next` calls;
//! - the set owns them: dropping it aborts every task still in it
//!   (dropping a bare [`JoinHandle`] only detaches). No task outlives the
//!   set unless you `join_next` it out.
//!
//! Inside, the set is a `slab` of [`JoinHandle`]s and a `WakeSet` (from
//! `src/future/wake_set.rs`) that gives each slab slot its own waker. A
//! handle is polled once as it enters the set, which hands its task that
//! waker, and after that only when its task's end woke it: taking n
//! results costs O(n) polls, not O(n²). A finished task's slot is reused
//! by the next spawn; the wake set tolerates that (a leftover wake would
//! cost one spurious poll).
//!
//! Invariants:
//! - [`len`](JoinSet::len) counts the handles in the slab: tasks whose
//!   result has not been handed out yet, running or finished;
//! - a result is handed out once: its handle leaves the slab in the same
//!   poll that returns it;
//! - results come out in the order the tasks finished, even those that
//!   finished while nobody awaited the set: every task holds its slot's
//!   waker from the moment it enters, and its end lists the slot;
//! - when the set is dropped, every task in it is aborted: its future is
//!   dropped at the loop's next turn, destructors running exactly once,
//!   and the handles detach, so results that arrive anyway are dropped.
//!
//! Cancellation safety: `join_next().await` may be dropped at its only
//! `.await` (inside a `select` or a `timeout`) without losing a result.
//! The future holds nothing of its own: a result is either still in its
//! task, or already returned; slots woken but not yet polled stay queued
//! in the set for the next call.

use crate::future::wake_set::WakeSet;
use crate::runtime::Runtime;
use crate::task::{JoinError, JoinHandle, TaskId};
use slab::Slab;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A set of tasks whose results are taken in the order they finish;
/// dropping the set aborts the tasks still in it. tokio's `JoinSet`.
///
/// ```
/// use std::time::{Duration, Instant};
/// use runloop::{JoinSet, time::sleep_until};
/// let order = runloop::run(async {
///     let start = Instant::now();
///     let mut set = JoinSet::new();
///     for ms in [30u64, 10, 20] {
///         set.spawn(async move {
///             sleep_until(start + Duration::from_millis(ms)).await;
///             ms
///         });
///     }
///     let mut order = Vec::new();
///     while let Some(result) = set.join_next().await {
///         order.push(result.unwrap());
///     }
///     order
/// });
/// assert_eq!(order, [10, 20, 30]); // completion order, not spawn order
/// ```
///
/// A set is not `Send`: like its tasks, it belongs to the loop's thread.
pub struct JoinSet<T> {
    /// The handles not yet handed out; a slot's key is its child index in
    /// `wake_set`.
    handles: Slab<JoinHandle<T>>,
    wake_set: WakeSet,
    /// Slots the wake set reported as woken, not polled yet. A poll that
    /// returns a result leaves the rest here for the next call.
    to_poll: VecDeque<usize>,
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet {
            handles: Slab::new(),
            wake_set: WakeSet::new(0),
            to_poll: VecDeque::new(),
        }
    }

    /// How many tasks are in the set: running, or finished with a result
    /// not yet taken.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether the set holds no task.
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }

    /// Waits for the next task to finish and returns its result, or `None`
    /// once the set is empty. Results come in the order the tasks finished.
    /// An aborted task gives [`JoinError::Cancelled`], a panicked one
    /// [`JoinError::Panicked`].
    ///
    /// Cancellation safe: dropping the returned future before it finishes
    /// loses no result (see the module notes).
    #[doc(alias = "FIRST_COMPLETED")]
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// The result of a task that has already finished, without waiting:
    /// `None` if no task in the set has finished (or the set is empty).
    ///
    /// ```
    /// runloop::run(async {
    ///     let mut set = runloop::JoinSet::new();
    ///     set.spawn(async { "done" });
    ///     assert!(set.try_join_next().is_none()); // not run yet
    ///     runloop::yield_now().await; // the task runs
    ///     assert_eq!(set.try_join_next().unwrap().unwrap(), "done");
    ///     assert!(set.is_empty());
    /// });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        // A no-op waker is enough: a task that finishes later is listed in
        // the wake set all the same, and the next `join_next` stores the real
        // waker before it reads the list.
        match self.poll_join_next(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(next) => next,
            Poll::Pending => None,
        }
    }

    /// The poll behind [`JoinSet::join_next`].
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        if self.handles.is_empty() {
            return Poll::Ready(None);
        }
        self.wake_set.take_woken(cx.waker(), &mut self.to_poll);
        while let Some(index) = self.to_poll.pop_front() {
            let Some(handle) = self.handles.get_mut(index) else {
                continue; // a wake listed for a slot emptied since
            };
            let mut child_cx = Context::from_waker(self.wake_set.waker(index));
            if let Poll::Ready(result) = Pin::new(handle).poll(&mut child_cx) {
                self.handles.remove(index);
                return Poll::Ready(Some(result));
            }
        }
        Poll::Pending
    }

    /// Aborts every task in the set. They stay in it: each gives
    /// [`JoinError::Cancelled`] from [`join_next`](JoinSet::join_next)
    /// once its future has been dropped (at the loop's next turn), except
    /// tasks that had already finished, which still give their result.
    ///
    /// To abort everything and wait until every destructor has run:
    ///
    /// ```
    /// runloop::run(async {
    ///     let mut set = runloop::JoinSet::new();
    ///     for _ in 0..3 {
    ///         set.spawn(std::future::pending::<()>());
    ///     }
    ///     set.abort_all();
    ///     while let Some(result) = set.join_next().await {
    ///         assert!(result.unwrap_err().is_cancelled());
    ///     }
    /// });
    /// ```
    #[doc(alias = "cancel")]
    pub fn abort_all(&mut self) {
        for (_, handle) in &self.handles {
            handle.abort();
        }
    }

    /// Puts a handle in the set and registers its slot's waker with the
    /// task at once (polling an unfinished handle does that), so the task's
    /// end wakes the slot when it happens, even while nobody awaits the set:
    /// that is what keeps results in completion order.
    fn insert(&mut self, mut handle: JoinHandle<T>) -> TaskId {
        let id = handle.id().expect("a spawned task's handle has an id");
        let index = self.handles.vacant_key();
        let slot_waker = self.wake_set.insert(index);
        if handle.is_finished() {
            // Refused by a runtime being torn down: list it for the next poll.
            slot_waker.wake_by_ref();
        } else {
            let registered = Pin::new(&mut handle).poll(&mut Context::from_waker(slot_waker));
            debug_assert!(registered.is_pending(), "an unfinished task's handle waits");
        }
        self.handles.insert(handle);
        id
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns `future` as a task on the loop running on this thread and
    /// adds it to the set. The task starts at once (when the loop reaches
    /// it), whether or not the set is awaited. asyncio's `create_task`,
    /// with the task kept in the set.
    ///
    /// # Panics
    /// When called outside a runtime, as [`spawn`](crate::spawn) does; from
    /// outside, use [`JoinSet::spawn_on`].
    #[doc(alias = "create_task")]
    pub fn spawn<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(crate::spawn(future))
    }

    /// Spawns `future` on `runtime`, from outside it, and adds it to the
    /// set, like [`Runtime::spawn`].
    ///
    /// ```
    /// let runtime = runloop::Runtime::new().unwrap();
    /// let mut set = runloop::JoinSet::new();
    /// set.spawn_on(&runtime, async { 1 });
    /// set.spawn_on(&runtime, async { 2 });
    /// let total = runtime.block_on(async move {
    ///     let mut total = 0;
    ///     while let Some(result) = set.join_next().await {
    ///         total += result.unwrap();
    ///     }
    ///     total
    /// });
    /// assert_eq!(total, 3);
    /// ```
    pub fn spawn_on<F>(&mut self, runtime: &Runtime, future: F) -> TaskId
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(runtime.spawn(future))
    }
}

impl<T> Drop for JoinSet<T> {
    /// Aborts every task still in the set. The handles are dropped right
    /// after, which detaches them: a task that finishes before its abort
    /// takes effect has its result dropped, not kept.
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}
