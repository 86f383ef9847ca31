//! # Time: sleeping without blocking the loop
//!
//! `sleep(d).await` suspends one task, not the thread: asyncio's
//! `await asyncio.sleep(d)`. A [`Sleep`] costs nothing until it is first
//! polled; then, unless its deadline has already passed, it registers a timer
//! in the reactor's timer queue (`src/reactor/timer_heap.rs`) with the task's
//! waker and returns `Pending`. The reactor sleeps no longer than the nearest
//! deadline, fires the timer, and the task runs again.
//!
//! Files: this one ([`sleep`], [`sleep_until`], [`Sleep`]), `timeout.rs`
//! ([`timeout()`], asyncio's `wait_for`), `interval.rs` ([`interval()`]) and
//! `conformance.rs` (checks for a custom [`TimerQueue`]; the queue itself
//! lives in the reactor, `src/reactor/timer_queue.rs`).
//!
//! Invariants:
//! - a sleep never ends early: it is ready only once the loop's clock,
//!   read after the wait, is at or past the deadline;
//! - dropping a `Sleep` cancels its timer at once: the default timer
//!   queue takes it out of its heap in O(log n) (`src/reactor/timer_heap.rs`),
//!   leaving nothing behind;
//! - a `Sleep` waits on the loop that polls it: first polled by one runtime
//!   and later by another, it moves its timer over instead of waiting on a
//!   reactor that nobody runs. It holds only a `Weak` to that reactor, so
//!   it never keeps a dropped runtime's timer heap alive;
//! - any duration is accepted: one too large for the clock (up to
//!   `Duration::MAX`) is clamped to about 30 years from now instead of
//!   overflowing.

pub mod conformance;
mod interval;
mod timeout;

pub use crate::reactor::{TimerHeap, TimerKey, TimerPoll, TimerQueue};
pub use interval::{Interval, interval};
pub use timeout::{Elapsed, timeout, timeout_at};

use crate::reactor::Reactor;
use crate::task::budget;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Where "forever" ends: a deadline no program will live to see, but that
/// the clock can still represent.
const FAR_FUTURE: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);

/// `now + duration`, clamped to [`FAR_FUTURE`] instead of overflowing.
pub(crate) fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration.min(FAR_FUTURE))
        .or_else(|| now.checked_add(FAR_FUTURE))
        .expect("the monotonic clock cannot represent 30 years from now")
}

/// Waits until `duration` has passed. asyncio's `asyncio.sleep(duration)`.
///
/// ```
/// use std::time::{Duration, Instant};
/// runloop::run(async {
///     let start = Instant::now();
///     runloop::time::sleep(Duration::from_millis(20)).await;
///     assert!(start.elapsed() >= Duration::from_millis(20));
/// });
/// ```
#[doc(alias = "asyncio.sleep")]
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(deadline_after(duration))
}

/// Waits until `deadline`. Returns at once if it has passed.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { deadline, timer: None }
}

/// The future returned by [`sleep`] and [`sleep_until`]. `Unpin`, so it can
/// be polled through `&mut`.
///
/// # Panics
/// When first polled outside a runtime.
#[must_use = "futures do nothing unless you .await them"]
pub struct Sleep {
    deadline: Instant,
    /// Set on the first poll that had to wait: where the timer lives.
    timer: Option<(Weak<Reactor>, TimerKey)>,
}

impl Sleep {
    /// When this sleep ends.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed. Does not register anything.
    pub fn is_elapsed(&self) -> bool {
        self.deadline <= Instant::now()
    }

    /// Moves the deadline (earlier or later). The old timer, if any, is
    /// cancelled; the next poll waits for the new deadline.
    pub fn reset(&mut self, deadline: Instant) {
        self.cancel();
        self.deadline = deadline;
    }

    fn cancel(&mut self) {
        if let Some((reactor, key)) = self.timer.take()
            && let Some(reactor) = reactor.upgrade()
        {
            reactor.remove_timer(key);
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // A loop over sleeps that are already over never waits: it spends
        // the task's budget like any other operation that completes at once.
        if budget::poll_proceed(cx).is_pending() {
            return Poll::Pending;
        }
        let reactor = crate::runtime::current_reactor("runloop::time::sleep");
        if let Some((home, key)) = &self.timer {
            if std::ptr::eq(home.as_ptr(), Rc::as_ptr(&reactor)) {
                let fired = reactor.poll_timer(*key, cx);
                if fired.is_ready() {
                    budget::spend();
                }
                return fired;
            }
            // Registered with another loop: move the timer to this one.
            self.cancel();
        }
        // The loop's clock is never ahead of the real one, so this test can
        // only be late, never early.
        if self.deadline <= reactor.now() {
            budget::spend();
            return Poll::Ready(());
        }
        let key = reactor.insert_timer(self.deadline, cx.waker().clone());
        self.timer = Some((Rc::downgrade(&reactor), key));
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.cancel();
    }
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.timer.is_some())
            .finish()
    }
}
