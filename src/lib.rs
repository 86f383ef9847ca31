//! # runloop: an event loop you can read
//!
//! A single-threaded async runtime in the spirit of Python's asyncio, built
//! by hand on top of [mio](https://docs.rs/mio) so that every part of an
//! event loop is there to read: tasks, wakers, a run queue, a reactor,
//! timers and sockets; and on top of them an HTTP/1.1 client and server.
//!
//! ```
//! use std::time::Duration;
//! let greeting = runloop::run(async {
//!     let task = runloop::spawn(async {
//!         runloop::time::sleep(Duration::from_millis(10)).await;
//!         "hello from a task"
//!     });
//!     task.await.unwrap()
//! });
//! assert_eq!(greeting, "hello from a task");
//! ```
//!
//! ## Reading order
//! Each file opens with an essay: the idea, its asyncio name, the invariants
//! it keeps. Lower layers never import higher ones.
//!
//! 0. [`coro`] — before any runtime: an `async` block is a state machine,
//!    and driven by hand it is a generator (`yield`, `send`, `yield from`).
//! 1. [`task`] — what a task is: its id, its shared state bits, where a
//!    wake goes (`mailbox.rs`), its `JoinHandle`, and `yield_now`.
//! 2. `waker.rs` — the task's single allocation and the hand-built
//!    `RawWakerVTable` that points at it. The only file with `unsafe`.
//! 3. [`scheduler`] — the `Schedule` seam, the `Fifo`, `LifoSlot` and
//!    `Priority` policies, and the conformance suite any policy can run.
//! 4. `reactor/` — mio's `Poll`, socket readiness with generation-checked
//!    tokens, and the timer queue (a seam, with a binary heap by default).
//! 5. [`observe`] — counters, hooks, and the recording behind the ASCII
//!    timeline and the trace file.
//! 6. [`sync`] — `oneshot` (any thread), a bounded `channel` (asyncio's
//!    `Queue`), then the wait queue and the toolbox built on it: `Mutex`
//!    (`Lock`), `Semaphore`, `Event`, `Notify`, `Condvar` (`Condition`),
//!    `Barrier`.
//! 7. `blocking/` — the thread pool behind [`spawn_blocking`], asyncio's
//!    `run_in_executor`.
//! 8. [`runtime`] — the task table, the thread's current loop, the loop
//!    itself (`event_loop.rs`: run what is ready, then wait), and the
//!    `Handle` other threads spawn through.
//! 9. [`time`] — `sleep`, `timeout`, `interval`.
//! 10. [`net`] — `TcpListener` and `TcpStream`.
//! 11. [`future`] — `join_all` (`gather`), `as_completed`, `select`, `select_all`.
//! 12. [`task`] again — `JoinSet` and `TaskGroup`: structured concurrency.
//! 13. [`http`] — HTTP/1.1: the sans-IO protocol core (`http/proto/`), then
//!     the async client and its keep-alive pool (aiohttp's `ClientSession`),
//!     the blocking client (`urlopen`) and a small server.
//!
//! `DESIGN.md` at the top of the repository walks through the same files
//! with pictures.

#![warn(missing_docs)]
// `unsafe` is allowed in one module only, the task's memory and its waker
// (`src/task/raw.rs`), which says `#[allow(unsafe_code)]` and why.
#![deny(unsafe_code)]

pub mod coro;

pub mod task;

pub mod scheduler;

mod reactor;

pub mod observe;

pub mod sync;

mod blocking;

pub mod runtime;

pub mod net;
pub mod time;

pub mod future;

pub mod http;

pub use future::{as_completed, join_all, select, select_all};
pub use runtime::{Builder, Runtime, TaskBuilder, run, spawn, spawn_blocking, stats};
pub use task::{JoinError, JoinHandle, JoinSet, TaskGroup, yield_now};

/// The traits you need in scope to read and write sockets.
pub mod prelude {
    pub use crate::net::{AsyncRead, AsyncWrite};
}
