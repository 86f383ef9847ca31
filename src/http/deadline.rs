//! # One deadline per request
//!
//! `ClientBuilder::timeout` bounds a whole request: waiting for a pooled
//! connection, connecting, every redirect, a retry, and reading the body,
//! streamed or not. aiohttp calls it `ClientTimeout(total=…)`. Rather than
//! hand each step a share of the budget, the async client computes one
//! instant at the start, a [`Deadline`], and runs every wait under it with
//! [`timeout_at`](crate::time::timeout_at): whichever step is in flight
//! when the instant passes is dropped, which closes its connection.
//!
//! The deadline travels from `client.rs`, which starts it, into each
//! `StreamingResponse` (`streaming.rs`), whose reads keep to it after the
//! head has been handed back. It lives in a file of its own because both
//! of them need it and neither should have to import the other for it.
//!
//! The blocking client cannot drop a read in flight, so it keeps its own
//! clock and turns what is left of it into socket timeouts (`blocking.rs`).

use std::future::Future;
use std::time::{Duration, Instant};

use super::error::{Error, TimeoutPhase};
use super::proto::Url;

/// The one deadline of a request, with what to say when it passes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    /// The configured timeout, for the error message.
    after: Duration,
}

impl Deadline {
    /// The deadline `after` from now.
    pub(crate) fn after(after: Duration) -> Deadline {
        let now = Instant::now();
        // A timeout too large for the clock (Duration::MAX) means "never".
        let never = || now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600));
        let at = now.checked_add(after).or_else(never).unwrap_or(now);
        Deadline { at, after }
    }

    /// Run `work`, failing with [`Error::Timeout`] in the
    /// [`Total`](TimeoutPhase::Total) phase if the deadline passes first.
    pub(crate) async fn within<T>(&self, url: &Url, work: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        match crate::time::timeout_at(self.at, work).await {
            Ok(result) => result,
            Err(_elapsed) => Err(Error::Timeout {
                url: url.to_string(),
                phase: TimeoutPhase::Total,
                after: self.after,
            }),
        }
    }
}
