//! # `TaskGroup`: tasks that succeed together or not at all
//!
//! asyncio 3.11's `TaskGroup`,
//!
//! ```python
//! async with asyncio.TaskGroup() as tg:
//!     tg.create_task(fetch("a"))
//!     tg.create_task(fetch("b"))
//! # both finished, or the first failure cancelled the other and an
//! # ExceptionGroup of every failure is raised
//! ```
//!
//! is `let group = TaskGroup::new(); group.spawn(fetch("a"));
//! group.spawn(fetch("b")); group.join().await` here. Tasks return
//! `Result<T, E>`; `join` gives every `T` in spawn order, or a
//! [`TaskGroupError`] listing every failure. This is *structured
//! concurrency*: a group's tasks do not outlive it. However the owner
//! leaves — `join` returns, the `join` future is dropped (a timeout), or the
//! group is dropped unjoined (`?`, an early return, a panic) — each task has
//! ended or been aborted, and none is left running as an orphan.
//!
//! ## How the first failure cancels the siblings, with no help from the owner
//!
//! Each task runs its future inside `supervise`, which catches a panic
//! (`catch_unwind` around the inner poll) and tells the group how the task
//! ended: an output, a failure, or — if the wrapper is dropped first — a
//! cancellation. The group and its children share one `State` behind an
//! `Rc<RefCell<…>>`, and it holds the `JoinHandle` of every running child.
//! The first failure marks the group *cancelling* and calls `abort()` on
//! every running sibling: the runtime's own cancellation, which drops each
//! future at the loop's next turn, destructors running exactly once. The
//! owner plays no part: it may be asleep or busy; the siblings stop anyway.
//!
//! One hop of delay is kept from asyncio on purpose. There, a failed task's
//! done-callback (which cancels the rest) runs via `call_soon`, so siblings
//! ready in the same loop iteration still take their step, and if they fail
//! too, every exception lands in the `ExceptionGroup`. Here the failing
//! child steps aside once (`yield_now`) before it aborts anyone: siblings
//! already queued in this turn (under the default FIFO scheduler) get the
//! poll they were woken for, and their failures are reported rather than
//! silenced by an abort.
//!
//! Why handles and `abort`, and not a cancellation event every child waits
//! on (asyncio's `Event`)? `abort` already exists and already keeps the
//! promise we need (dropped once, at the next turn, even before the first
//! poll); and it needs no cooperation from the child, whereas an event would
//! need each child raced against it, one more future per child.
//!
//! The `RefCell` is borrowed only in short stretches that run none of the
//! tasks' code: never across an `.await`, never around a child's poll;
//! what a borrow replaces (a handle, a waker, an unclaimed output) is
//! dropped or woken after it ends, as a destructor could reach back.
//!
//! ## What differs from asyncio
//! - asyncio cancels the owner too: the body of `async with` gets a
//!   `CancelledError` at its next `await`. A Rust future cannot be
//!   interrupted from outside, so the owner learns at `join`, and its code
//!   before `join` runs on ([`TaskGroup::is_cancelling`] tells it).
//! - A cancelled task is dropped, not sent an exception: it cannot catch
//!   its cancellation, run on, or fail in its cleanup. (A destructor that
//!   panics while its task is aborted is logged by the runtime; the group
//!   counts that task as cancelled.)
//! - Spawning into a cancelling group, which raises `RuntimeError` in
//!   asyncio, returns `None` here: the future is dropped unrun and counted
//!   as cancelled.
//! - If the owner's own code fails before `join`, the group is dropped and
//!   its tasks cancelled, but that failure is not added to the group's.
//!
//! Invariants: a child reports once (its `Seat` either reports, or counts
//! it cancelled when dropped); `running` counts children that have not, and
//! `join` returns once it is 0, so every sibling's destructors have run by
//! then; outputs are handed out only if every task returned `Ok`.
//!
//! Cancellation safety: `join` takes the group by value, so dropping the
//! `join` future at its one `.await` drops the group: every running task is
//! aborted and the outputs gathered so far are dropped.

use super::task_group_error::{TaskFailure, TaskGroupError};
use crate::task::{JoinHandle, TaskId, yield_now};
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Tasks that succeed together or not at all: the first failure (an `Err`
/// or a panic) cancels the rest, and [`join`](TaskGroup::join) reports
/// every failure. asyncio's `TaskGroup`; dropping the group unjoined
/// cancels its tasks.
///
/// ```
/// use std::time::Duration;
/// use runloop::{TaskGroup, time::sleep};
/// let sizes = runloop::run(async {
///     let group = TaskGroup::new();
///     for (name, ms) in [("big", 20u64), ("small", 5)] {
///         group.spawn(async move {
///             sleep(Duration::from_millis(ms)).await;
///             Ok::<_, std::io::Error>(name.len())
///         });
///     }
///     group.join().await.unwrap()
/// });
/// assert_eq!(sizes, [3, 5]); // spawn order, whoever finished first
/// ```
///
/// How siblings are cancelled, and what differs from asyncio: see the
/// notes at the top of `src/task/task_group.rs`.
#[must_use = "a group cancels its tasks when dropped: .join().await it"]
pub struct TaskGroup<T, E> {
    shared: Rc<RefCell<State<T, E>>>,
}

/// What the group and its children share.
struct State<T, E> {
    /// One entry per task spawned, in spawn order.
    children: Vec<Child<T>>,
    /// Children that have not ended (neither reported nor been dropped).
    running: usize,
    /// In the order they happened.
    failures: Vec<TaskFailure<E>>,
    cancelled: usize,
    /// A task failed or the group was dropped: running children are being
    /// aborted, and new ones are refused.
    cancelling: bool,
    /// The group was dropped: nobody will read what children report.
    abandoned: bool,
    /// The owner, waiting in `join` for `running` to reach 0.
    waiter: Option<Waker>,
}

enum Child<T> {
    /// Its place is taken but `spawn` has not returned its handle yet.
    Starting,
    /// Its handle, kept to abort it.
    Running(JoinHandle<()>),
    Returned(T),
    /// Listed in `failures`.
    Failed,
    Cancelled,
}

impl<T, E> State<T, E> {
    /// Child `index` ended as `entry`. Hands back what it replaces (the
    /// child's handle) and, if it was the last to end, the owner's waker,
    /// for the caller to drop and wake once the borrow is over.
    fn end(&mut self, index: usize, entry: Child<T>) -> (Child<T>, Option<Waker>) {
        let previous = mem::replace(&mut self.children[index], entry);
        self.running -= 1;
        let waiter = if self.running == 0 { self.waiter.take() } else { None };
        (previous, waiter)
    }

    /// Asks the runtime to cancel every running child. `abort` only sets a
    /// flag and queues the task: no task code runs, so a borrow may be held.
    fn abort_running(&self) {
        for child in &self.children {
            if let Child::Running(handle) = child {
                handle.abort();
            }
        }
    }
}

impl<T, E> TaskGroup<T, E> {
    /// An empty group. It needs a runtime only to spawn.
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup {
            shared: Rc::new(RefCell::new(State {
                children: Vec::new(),
                running: 0,
                failures: Vec::new(),
                cancelled: 0,
                cancelling: false,
                abandoned: false,
                waiter: None,
            })),
        }
    }

    /// Whether a task has failed, so that the others are being cancelled
    /// and [`join`](TaskGroup::join) will return an error. Owner code that
    /// runs before `join` may check it to stop early.
    pub fn is_cancelling(&self) -> bool {
        self.shared.borrow().cancelling
    }

    /// Waits until every task has ended, then returns their outputs in
    /// spawn order — or, if any failed, a [`TaskGroupError`] with every
    /// failure, the siblings cancelled because of them counted in it. By the
    /// time it returns, every task's future has been dropped.
    ///
    /// Dropping the returned future drops the group, which aborts the tasks
    /// still running (see the module notes).
    pub async fn join(self) -> Result<Vec<T>, TaskGroupError<E>> {
        poll_fn(|cx| self.poll_join(cx)).await
    }

    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<Vec<T>, TaskGroupError<E>>> {
        let mut state = self.shared.borrow_mut();
        if state.running > 0 {
            if !state.waiter.as_ref().is_some_and(|waiter| waiter.will_wake(cx.waker())) {
                state.waiter = Some(cx.waker().clone());
            }
            return Poll::Pending;
        }
        if !state.failures.is_empty() || state.cancelled > 0 {
            let failures = mem::take(&mut state.failures);
            // The outputs of the tasks that did return are dropped with the
            // group, after this borrow.
            return Poll::Ready(Err(TaskGroupError::new(failures, state.cancelled)));
        }
        let outputs = mem::take(&mut state.children).into_iter().map(|child| match child {
            Child::Returned(output) => output,
            _ => unreachable!("no task failed or was cancelled, and none is running"),
        });
        Poll::Ready(Ok(outputs.collect()))
    }
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// Spawns `future` as a task of the group, on the loop running on this
    /// thread, and returns its id. asyncio's `tg.create_task`.
    ///
    /// If the group is already cancelling (a task failed), the future is
    /// dropped unrun, counted in [`TaskGroupError::cancelled`], and `None`
    /// is returned: asyncio raises `RuntimeError` there instead.
    ///
    /// # Panics
    /// When called outside a runtime, as [`spawn`](crate::spawn) does.
    #[doc(alias = "create_task")]
    pub fn spawn<F>(&self, future: F) -> Option<TaskId>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        let index = {
            let mut state = self.shared.borrow_mut();
            if state.cancelling {
                state.cancelled += 1;
                None
            } else {
                // Take the place first, so that a failed spawn (outside a
                // runtime) finds it when the seat reports the cancellation.
                state.children.push(Child::Starting);
                state.running += 1;
                Some(state.children.len() - 1)
            }
        };
        let index = index?; // `future` is dropped here, unrun, after the borrow
        let (group, reported) = (self.shared.clone(), false);
        let handle = crate::spawn(supervise(future, Seat { group, index, reported }));
        let id = handle.id();
        // The task has not run yet (spawn only queues it), so its place
        // still says `Starting`.
        self.shared.borrow_mut().children[index] = Child::Running(handle);
        id
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    /// Aborts every task still running: each future is dropped at the
    /// loop's next turn. Outputs gathered so far are dropped now.
    fn drop(&mut self) {
        let (children, failures) = {
            let mut state = self.shared.borrow_mut();
            state.cancelling = true;
            state.abandoned = true;
            (mem::take(&mut state.children), mem::take(&mut state.failures))
        };
        for child in &children {
            if let Child::Running(handle) = child {
                handle.abort();
            }
        }
        drop((children, failures)); // their destructors run after the borrow
    }
}

impl<T, E> Default for TaskGroup<T, E> {
    fn default() -> TaskGroup<T, E> {
        TaskGroup::new()
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.borrow();
        f.debug_struct("TaskGroup")
            .field("spawned", &state.children.len())
            .field("running", &state.running)
            .field("failures", &state.failures.len())
            .field("cancelling", &state.cancelling)
            .finish()
    }
}

/// How a task's future ended: its output, or the payload of its panic.
type Ended<T, E> = Result<Result<T, E>, Box<dyn Any + Send>>;

/// The future each task of a group runs: the user's `future`, watched.
async fn supervise<T, E, F>(future: F, mut seat: Seat<T, E>)
where
    F: Future<Output = Result<T, E>>,
{
    // In an `Option`, so that it can be dropped in place (`Pin::set`) as
    // soon as it ends, before the group hears of it.
    let mut future = pin!(Some(future));
    let ended: Ended<T, E> = poll_fn(|cx| {
        let running = future.as_mut().as_pin_mut().expect("polled only until it ends");
        // `AssertUnwindSafe`: after a panic the future is never polled
        // again, only dropped, so no half-updated state of it is seen.
        match panic::catch_unwind(AssertUnwindSafe(|| running.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    })
    .await;
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| future.set(None)));
    let ended = match (ended, dropped) {
        // Returned, then panicked in its destructor: a failure. After an
        // earlier failure, the first one is the news (as in the runtime).
        (Ok(Ok(_)), Err(payload)) => Err(payload),
        (ended, _) => ended,
    };
    if seat.report(ended) {
        // Step aside once before cancelling, like asyncio's `call_soon`:
        // siblings already queued in this turn get their poll first.
        yield_now().await;
        seat.group.borrow().abort_running();
    }
}

/// A task's place in its group: where it reports how it ended. Dropped
/// without reporting, it counts the task as cancelled.
struct Seat<T, E> {
    group: Rc<RefCell<State<T, E>>>,
    index: usize,
    reported: bool,
}

impl<T, E> Seat<T, E> {
    /// Records how the task ended. Returns whether this is the group's
    /// first failure, in which case the caller cancels the siblings.
    fn report(&mut self, ended: Ended<T, E>) -> bool {
        self.reported = true;
        let index = self.index;
        let (entry, failure) = match ended {
            Ok(Ok(output)) => (Child::Returned(output), None),
            Ok(Err(error)) => (Child::Failed, Some(TaskFailure::Error { index, error })),
            Err(payload) => (Child::Failed, Some(TaskFailure::Panicked { index, payload })),
        };
        let mut state = self.group.borrow_mut();
        if state.abandoned {
            drop(state);
            return false; // `entry` and `failure` are dropped after the borrow
        }
        let first_failure = match failure {
            Some(failure) => {
                state.failures.push(failure);
                !mem::replace(&mut state.cancelling, true)
            }
            None => false,
        };
        let (handle, waiter) = state.end(index, entry);
        drop(state);
        drop(handle);
        if let Some(waiter) = waiter {
            waiter.wake();
        }
        first_failure
    }
}

impl<T, E> Drop for Seat<T, E> {
    fn drop(&mut self) {
        if self.reported {
            return;
        }
        // The task was dropped before its future ended: aborted by a failing
        // sibling or by the group's drop, or its runtime was dropped.
        let mut state = self.group.borrow_mut();
        if state.abandoned {
            return;
        }
        state.cancelled += 1;
        let (handle, waiter) = state.end(self.index, Child::Cancelled);
        drop(state);
        drop(handle);
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}
