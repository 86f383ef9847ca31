//! `Co`: the body's handle on its own generator, and the only way to yield.
//!
//! In Python, `yield` is a keyword: the interpreter stops the frame right
//! there and hands the value to whoever called `next` or `send`. Rust's
//! `yield` is nightly-only, but stable Rust has `.await`, and `.await` on
//! a future that returns `Pending` stops the enclosing `async` block in
//! exactly the same way. So `co.yield_(value).await` is spelled as a method
//! call plus an await, and does three things in order:
//!
//! 1. put `value` in the airlock, for the driver to return as
//!    [`GenState::Yielded`](super::GenState::Yielded);
//! 2. return `Pending` once, which ends the current `poll` of the body and
//!    returns control to the driver ([`Gen::start`](super::Gen::start) or
//!    [`Gen::resume`](super::Gen::resume)), with every local of the body
//!    saved in the state machine;
//! 3. when polled again (the next `resume(arg)`), take `arg` out of the
//!    airlock and evaluate to it.
//!
//! Invariant: **each `yield_` suspends exactly once and evaluates to the
//! argument of the resume that woke it.** Nothing else may make the body
//! return `Pending`: the generator is driven with a no-op waker, so a future
//! that waits for a timer or a socket would never be woken. `Gen` detects
//! that case (the body returned `Pending` but the airlock is empty) and
//! panics with an explanation.

use std::fmt;
use std::future;
use std::task::Poll;

use super::airlock::Airlock;

/// The handle a generator body uses to yield. You never build one: the
/// closure passed to [`Gen::new`](super::Gen::new) receives it.
///
/// `Y` is the type the body yields, `A` the type it is resumed with (the
/// value each `yield_` evaluates to). They match the generator's own `Y`
/// and `A`, so the compiler checks that the body yields what the driver
/// expects.
pub struct Co<Y, A = ()> {
    airlock: Airlock<Y, A>,
}

impl<Y, A> Co<Y, A> {
    pub(super) fn new(airlock: Airlock<Y, A>) -> Self {
        Co { airlock }
    }

    /// Suspends the body, hands `value` to the driver, and evaluates to the
    /// argument of the next [`Gen::resume`](super::Gen::resume).
    ///
    /// This is Python's `received = yield value`.
    ///
    /// ```
    /// use runloop::coro::{Gen, GenState};
    ///
    /// let mut doubler: Gen<u32, (), u32> = Gen::new(|co| async move {
    ///     let mut received = co.yield_(0).await;
    ///     loop {
    ///         received = co.yield_(received * 2).await;
    ///     }
    /// });
    /// assert_eq!(doubler.start(), GenState::Yielded(0));
    /// assert_eq!(doubler.resume(21), GenState::Yielded(42));
    /// ```
    #[doc(alias = "yield")]
    pub async fn yield_(&self, value: Y) -> A {
        self.airlock.put_yielded(value);
        suspend_once().await;
        self.airlock.take_resumed()
    }
}

/// A future that is `Pending` the first time it is polled and `Ready` the
/// second. Returning `Pending` is what ends the current `poll` of the body
/// and hands control back to the driver; the driver polls again only from
/// `resume`, after putting the argument in the airlock. No waker is
/// registered because nobody will ever use it: the driver, not an event,
/// decides when the body runs again.
fn suspend_once() -> impl Future<Output = ()> {
    let mut suspended = false;
    future::poll_fn(move |_| {
        if suspended {
            Poll::Ready(())
        } else {
            suspended = true;
            Poll::Pending
        }
    })
}

impl<Y, A> fmt::Debug for Co<Y, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}
