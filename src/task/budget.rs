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
//! The budget is a thread-local counter, set by the loop before each poll.
//! Outside a runtime (a generator, a foreign executor) it is unlimited. It
//! has a thread-local of its own rather than a field in the loop thread's
//! state (`loop_thread.rs`): a `Cell<u32>` has no destructor, so reading it
//! is one load, while a thread-local that owns a `Vec` is checked for its
//! destructor's registration at every access. Kept together, the two cost
//! a channel round trip 54 more instructions (callgrind, W3).

use std::cell::Cell;
use std::task::{Context, Poll};

/// The budget when no loop has set one: no limit.
const UNLIMITED: u32 = u32::MAX;

thread_local! {
    static REMAINING: Cell<u32> = const { Cell::new(UNLIMITED) };
}

/// Gives the next poll `budget` operations (`None`: unlimited).
#[inline]
pub(crate) fn reset(budget: Option<u32>) {
    let _ = REMAINING.try_with(|remaining| remaining.set(budget.unwrap_or(UNLIMITED)));
}

/// `Ready` if the running task may do one more operation; otherwise wakes
/// the task (it is still runnable, only out of turns) and returns `Pending`.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    let exhausted = REMAINING.try_with(|remaining| remaining.get() == 0).unwrap_or(false);
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
    let allowed = REMAINING
        .try_with(|remaining| match remaining.get() {
            0 => false,
            UNLIMITED => true,
            left => {
                remaining.set(left - 1);
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
    let _ = REMAINING.try_with(|remaining| {
        let left = remaining.get();
        if left != UNLIMITED {
            remaining.set(left.saturating_sub(1));
        }
    });
}
