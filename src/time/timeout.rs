//! # `timeout`: give up after a while
//!
//! asyncio's `asyncio.wait_for(aw, timeout)`: run a future, but no longer
//! than a deadline. Built from two futures polled side by side — the work and
//! a [`Sleep`](super::Sleep) — whichever is ready first decides. The work is
//! polled first, so work that finishes exactly at the deadline still counts.
//!
//! When the deadline wins, the work's future is dropped, running its
//! destructors: that is the cancellation. A closed socket, a released lock or
//! a dropped timer follow from ordinary `Drop`, not from an exception thrown
//! into the coroutine as in asyncio.
//!
//! Both futures are pinned with `std::pin::pin!` inside an `async fn`,
//! which needs no `unsafe`: the pins live in the returned future's own
//! state, which its caller pins.

use super::{deadline_after, sleep_until};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::{Duration, Instant};

/// The error of a [`timeout`] whose deadline passed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed {
    after: Option<Duration>,
}

impl Elapsed {
    /// The duration given to [`timeout`] (`None` for [`timeout_at`]).
    pub fn duration(&self) -> Option<Duration> {
        self.after
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.after {
            Some(after) => write!(f, "timed out after {after:?}"),
            None => f.write_str("deadline passed"),
        }
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}

/// Runs `future` for at most `duration`: `Ok(output)` if it finishes in
/// time, `Err(Elapsed)` if not, in which case the future is dropped.
/// asyncio's `asyncio.wait_for`.
///
/// ```
/// use std::time::Duration;
/// use runloop::time::{sleep, timeout};
/// runloop::run(async {
///     let fast = timeout(Duration::from_secs(5), async { 7 }).await;
///     assert_eq!(fast, Ok(7));
///     let slow = timeout(Duration::from_millis(10), sleep(Duration::from_secs(5))).await;
///     assert!(slow.is_err());
/// });
/// ```
#[doc(alias = "wait_for")]
pub async fn timeout<F: Future>(duration: Duration, future: F) -> Result<F::Output, Elapsed> {
    race_deadline(deadline_after(duration), Some(duration), future).await
}

/// Like [`timeout`], with a deadline instead of a duration.
pub async fn timeout_at<F: Future>(deadline: Instant, future: F) -> Result<F::Output, Elapsed> {
    race_deadline(deadline, None, future).await
}

async fn race_deadline<F: Future>(deadline: Instant, after: Option<Duration>, future: F) -> Result<F::Output, Elapsed> {
    let mut future = pin!(future);
    let mut deadline = sleep_until(deadline);
    poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(&mut deadline).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { after })),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
