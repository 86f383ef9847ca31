//! # The timer-queue seam
//!
//! The reactor keeps its deadlines in a [`TimerQueue`]: anything that can
//! take a deadline and a waker, say which deadline is nearest, and fire the
//! expired ones in order. The default is a binary heap (`timer_heap.rs`);
//! [`Builder::timer_queue`](crate::Builder::timer_queue) swaps in another —
//! a hashed timing wheel is one of the exercises — and
//! [`time::conformance::check`](crate::time::conformance::check) tests it.
//!
//! The contract, which the reactor relies on:
//! - `fire_expired(now, ..)` fires every live timer whose deadline is at or
//!   before `now`, and no other: never early (the reactor reads `now` after
//!   its wait);
//! - it fires them in deadline order, ties in insertion order;
//! - `next_deadline` is at or before the nearest live deadline (a queue that
//!   rounds, like a wheel, must round *down*, or the loop would oversleep;
//!   an early wake-up is harmless, the reactor just waits again);
//! - `remove` forgets a timer, fired or not, and a removed timer never fires;
//! - a `TimerKey` names one timer for its whole life; keys of removed timers
//!   may be reused, so stale keys must be told apart (the heap uses a
//!   sequence number for that);
//! - the queue never drops a waker it was given except in its own `Drop`:
//!   a replaced waker comes back from `poll`, a removed timer's waker from
//!   `remove`, a fired one through `fire_expired`. The reactor drops them
//!   after releasing its borrow of the queue, because a waker's destructor
//!   is foreign code that may call back into the reactor (drop another
//!   sleep, say) — `tests/reentrancy.rs` does exactly that.
//!
//! One method is optional: [`TimerQueue::upcoming`] lets the inspect mode
//! (`Builder::inspect`) list the nearest deadlines and who waits on them.
//! It only looks; a queue that does not provide it is shown by its
//! `len` and `next_deadline` alone.

use std::task::{Context, Waker};
use std::time::Instant;

/// A timer's name in a [`TimerQueue`]: two numbers whose meaning is the
/// queue's own business (the heap uses a slab slot and a sequence number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerKey {
    /// Where the timer lives, for example a slab index.
    pub slot: usize,
    /// Which tenant of that place it is, so that stale keys are recognised.
    pub generation: u64,
}

/// What [`TimerQueue::poll`] found.
#[derive(Debug)]
pub enum TimerPoll {
    /// The timer has fired, or the key names no live timer.
    Fired,
    /// Still waiting. Carries the waker that the new one replaced (`None`
    /// when the stored waker already woke the same task), for the caller to
    /// drop outside its borrow of the queue.
    Waiting(Option<Waker>),
}

/// A store of deadlines with wakers, ordered by deadline. All methods run on
/// the loop thread.
pub trait TimerQueue {
    /// Registers a timer that wakes `waker` at `deadline`.
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey;

    /// [`TimerPoll::Fired`] once the timer has fired (or if `key` is
    /// unknown); otherwise keeps `cx`'s waker and returns
    /// [`TimerPoll::Waiting`] with the waker it replaced, if any.
    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll;

    /// Forgets a timer, fired or not, and hands back its waker if it still
    /// held one. It never fires afterwards.
    fn remove(&mut self, key: TimerKey) -> Option<Waker>;

    /// The nearest deadline of a live timer, if any (or an earlier instant:
    /// see the contract above).
    fn next_deadline(&mut self) -> Option<Instant>;

    /// Fires every timer whose deadline is at or before `now`, in deadline
    /// order, pushing their wakers onto `wake`. Returns how many fired.
    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize;

    /// Live timers: registered, not yet fired or removed.
    fn len(&self) -> usize;

    /// Shows the inspect mode up to `limit` live timers, nearest first:
    /// calls `visit` with each deadline and the waker it holds (if any).
    /// Read-only: it must not fire, remove, clone or drop anything. The
    /// default visits nothing, and the inspect mode falls back to
    /// [`TimerQueue::next_deadline`].
    fn upcoming(&self, limit: usize, visit: &mut dyn FnMut(Instant, Option<&Waker>)) {
        let _ = (limit, visit);
    }

    /// Whether no timer is live.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A short name for logs.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}
