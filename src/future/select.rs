//! # `select`: the first of two, and the other is dropped
//!
//! asyncio's `asyncio.wait({a, b}, return_when=FIRST_COMPLETED)` followed by
//! cancelling the loser, in one call. Both futures are pinned inside the
//! `async fn` (no `unsafe`, no allocation); when it returns, the loser is
//! dropped along with the function's state, which is how cancellation works
//! in Rust: by running destructors.
//!
//! `a` is polled first at every wake, so if both are ready at once, `a`
//! wins. Put the future that should win ties first.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

/// One of two outcomes: which side of a [`select`] finished first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Either<A, B> {
    /// The first future finished first.
    Left(A),
    /// The second future finished first.
    Right(B),
}

/// Waits for whichever of `a` and `b` finishes first, returns its output
/// tagged with the side, and drops the other.
///
/// ```
/// use std::time::Duration;
/// use runloop::future::{Either, select};
/// use runloop::time::sleep;
/// let winner = runloop::run(select(
///     async { sleep(Duration::from_millis(50)).await; "slow" },
///     async { sleep(Duration::from_millis(5)).await; "fast" },
/// ));
/// assert_eq!(winner, Either::Right("fast"));
/// ```
#[doc(alias = "FIRST_COMPLETED")]
#[doc(alias = "race")]
pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(output) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        if let Poll::Ready(output) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(output));
        }
        Poll::Pending
    })
    .await
}
