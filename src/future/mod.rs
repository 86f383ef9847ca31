//! # Combinators: awaiting many things at once
//!
//! The small toolbox asyncio users reach for, each a readable future of our
//! own:
//!
//! | asyncio | runloop |
//! |---|---|
//! | `asyncio.gather(*aws)` | [`join_all()`] — all outputs, in input order |
//! | `asyncio.as_completed(aws)` | [`as_completed()`] — outputs in completion order |
//! | `asyncio.wait(…, FIRST_COMPLETED)` + cancel | [`select()`] — the first of two; the other is dropped |
//! | `asyncio.wait(aws, FIRST_COMPLETED)` | [`select_all()`] — the first of many; the rest handed back |
//! | `asyncio.wait_for(aw, t)` | [`wait_for`] (= [`time::timeout`](crate::time::timeout)) |
//! | `asyncio.shield(aw)` | [`spawn`](crate::spawn) it and await the handle (below) |
//!
//! For tasks rather than futures, [`JoinSet`](crate::JoinSet) (results as
//! tasks finish) and [`TaskGroup`](crate::TaskGroup) (asyncio's
//! `TaskGroup`) are in [`task`](crate::task).
//!
//! Files, in reading order: `wake_set.rs` (per-child wakers, so only woken
//! children are polled), `join_all.rs`, `as_completed.rs`, `select.rs`,
//! `select_all.rs`.
//!
//! These futures run their children *inside* the task that awaits them,
//! like asyncio's `gather` does for bare coroutines. To give each child a
//! task of its own, `spawn` them and pass the `JoinHandle`s.
//!
//! ## `shield`: there is nothing to shield against
//!
//! asyncio's `shield(aw)` keeps a cancellation of the awaiting coroutine
//! from reaching `aw`. In runloop, work in a task of its own is shielded
//! already: dropping a [`JoinHandle`](crate::JoinHandle) (or a future that
//! awaits it) *detaches* the task, it never cancels it; only
//! [`abort`](crate::JoinHandle::abort) does. So `spawn` the work and await
//! the handle; give up waiting, and the work goes on:
//!
//! ```
//! use std::time::Duration;
//! use runloop::time::{sleep, timeout};
//! runloop::run(async {
//!     let mut saving = runloop::spawn(async {
//!         sleep(Duration::from_millis(30)).await;
//!         "saved"
//!     });
//!     // Stop waiting after 5 ms: the timeout drops its `&mut` to the
//!     // handle, not the task.
//!     assert!(timeout(Duration::from_millis(5), &mut saving).await.is_err());
//!     // The task ran on meanwhile, and its output is still there.
//!     assert_eq!(saving.await.unwrap(), "saved");
//! });
//! ```

mod as_completed;
mod join_all;
mod select;
mod select_all;
pub(crate) mod wake_set;

pub use as_completed::{AsCompleted, as_completed};
pub use join_all::{JoinAll, join_all};
pub use select::{Either, select};
pub use select_all::{SelectAll, select_all};

/// asyncio's name for [`time::timeout`](crate::time::timeout): run a future
/// for at most a duration.
pub use crate::time::timeout as wait_for;
