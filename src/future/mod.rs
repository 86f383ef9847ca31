//! # Combinators: awaiting many things at once
//!
//! The small toolbox asyncio users reach for, each a readable future of our
//! own:
//!
//! | asyncio | runloop |
//! |---|---|
//! | `asyncio.gather(*aws)` | [`join_all`] — all outputs, in input order |
//! | `asyncio.as_completed(aws)` | [`as_completed`] — outputs in completion order |
//! | `asyncio.wait(…, FIRST_COMPLETED)` + cancel | [`select`] — the first of two; the other is dropped |
//! | `asyncio.wait_for(aw, t)` | [`wait_for`] (= [`time::timeout`](crate::time::timeout)) |
//!
//! Files, in reading order: `wake_set.rs` (per-child wakers, so only woken
//! children are polled), `join_all.rs`, `as_completed.rs`, `select.rs`.
//!
//! These futures run their children *inside* the task that awaits them,
//! like asyncio's `gather` does for bare coroutines. To give each child a
//! task of its own, `spawn` them and pass the `JoinHandle`s.

mod as_completed;
mod join_all;
mod select;
pub(crate) mod wake_set;

pub use as_completed::{AsCompleted, as_completed};
pub use join_all::{JoinAll, join_all};
pub use select::{Either, select};

/// asyncio's name for [`time::timeout`](crate::time::timeout): run a future
/// for at most a duration.
pub use crate::time::timeout as wait_for;
