//! # The cooperative budget: even ready futures take turns
//!
//! A coroutine gives the loop back only when it awaits something that is
//! not ready. A task reading from a socket that always has data, or a
//! channel that is always full, never meets such an await: its poll never
//! returns, and every other task, timer and socket starves. asyncio has the
//! same weakness (a `while True: await reader.read()` on a fast stream can
//! hog the loop).
//!
//! The fix, borrowed from tokio's `coop`, is a *budget* per poll: the loop
//! gives each poll `n` operations (128 by default,
//! [`Builder::coop_budget`](crate::Builder::coop_budget)). runloop's own
//! leaf futures — socket reads, writes and accepts, channel sends and
//! receives, expired sleeps, taking a lock or a permit — call
//! [`poll_proceed`] before doing work and [`spend`] after completing it
//! (or [`poll_spend`], both at once, when the work cannot fail). Once the budget is gone, `poll_proceed`
//! wakes the task and returns `Pending`: the task goes to the back of the
//! queue exactly as if it had called `yield_now`, and everyone else gets a
//! turn.
//!
//! The budget is a counter in the loop thread's state (`loop_thread.rs`),
//! set by the loop before each poll. Outside a runtime (a generator, a
//! foreign executor) it is unlimited.

use super::loop_thread::{LOOP_THREAD, UNLIMITED};
use std::task::{Context, Poll};

/// Gives the next poll `budget` operations (`None`: unlimited).
#[inline]
pub(crate) fn reset(budget: Option<u32>) {
    let _ = LOOP_THREAD.try_with(|thread| thread.budget.set(budget.unwrap_or(UNLIMITED)));
}

/// `Ready` if the running task may do one more operation; otherwise wakes
/// the task (it is still runnable, only out of turns) and returns `Pending`.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let exhausted = LOOP_THREAD.try_with(|thread| thread.budget.get() == 0).unwrap_or(false);
    if exhausted {
        log::trace!(target: "runloop::task::budget", "budget spent: yielding");
        cx.waker().wake_by_ref();
        Poll::Pending
    } else {
        Poll::Ready(())
    }
}

/// [`poll_proceed`] and [`spend`] in one step, for an operation that is
/// certain to complete once allowed (taking a free lock, say): one look at
/// the thread-local instead of two.
#[inline]
pub(crate) fn poll_spend(cx: &mut Context<'_>) -> Poll<()> {
    let allowed = LOOP_THREAD
        .try_with(|thread| match thread.budget.get() {
            0 => false,
            UNLIMITED => true,
            left => {
                thread.budget.set(left - 1);
                true
            }
        })
        .unwrap_or(true);
    if allowed {
        Poll::Ready(())
    } else {
        log::trace!(target: "runloop::task::budget", "budget spent: yielding");
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Counts one completed operation against the running task's budget.
#[inline]
pub(crate) fn spend() {
    let _ = LOOP_THREAD.try_with(|thread| {
        let left = thread.budget.get();
        if left != UNLIMITED {
            thread.budget.set(left.saturating_sub(1));
        }
    });
}
