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
//! it keeps. Read the loop first, then follow each call down:
//!
//! 1. `runtime/event_loop.rs` — one turn of the loop, asyncio's
//!    `_run_once`: run ready tasks, compute the timeout, wait, queue the
//!    wakes. Every other file is something this turn calls.
//! 2. [`task`] — what the loop runs: a task's id, its shared state bits,
//!    the loop thread's state (`loop_thread.rs`), where a wake goes
//!    (`mailbox.rs`), its `JoinHandle`, its memory and hand-built waker
//!    (`raw.rs`, one of the two modules allowed `unsafe`), `yield_now` and the
//!    cooperative budget.
//! 3. [`scheduler`] — who runs next: the `Schedule` seam, the `Fifo`,
//!    `LifoSlot` and `Priority` policies, and the conformance suite any
//!    policy can run.
//! 4. `reactor/` — where the loop waits: mio's `Poll`, socket readiness
//!    with generation-checked tokens, and the timer queue (a seam, with a
//!    binary heap by default).
//! 5. [`observe`] — what the loop reports as it turns: counters, hooks,
//!    the recording behind the ASCII timeline and the trace file, and the
//!    debug mode (step-through inspection, slow-poll warnings, the task
//!    dump, runtime labels).
//! 6. [`runtime`] — around the loop: the task table, the typed door to
//!    the running loop (`context.rs`), the `Handle` other threads spawn
//!    through, the builders, and `Runtime`, `run`, `spawn`.
//! 7. [`time`] — `sleep`, `timeout`, `interval`.
//! 8. [`net`] — names to addresses off the loop (`lookup_host`), TCP,
//!    owned halves, UDP and Unix sockets; then [`io`] — `BufReader`
//!    (`readline`), `BufWriter`: asyncio's streams.
//! 9. [`sync`] — `oneshot` (any thread), a bounded `channel` (asyncio's
//!    `Queue`), then the wait queue and the toolbox built on it: `Mutex`
//!    (`Lock`), `Semaphore`, `Event`, `Notify`, `Condvar` (`Condition`),
//!    `Barrier`.
//! 10. `blocking/` — the thread pool behind [`spawn_blocking`], asyncio's
//!     `run_in_executor`.
//! 11. [`future`] — `join_all` (`gather`), `as_completed`, `select`,
//!     `select_all`.
//! 12. [`task`] again — `JoinSet` and `TaskGroup`: structured concurrency.
//! 13. [`http`] — HTTP/1.1: the sans-IO protocol core (`http/proto/`), then
//!     the async client and its keep-alive pool (aiohttp's `ClientSession`),
//!     the blocking client (`urlopen`) and a small server.
//! 14. [`signal`] and [`process`] — the loop meets the operating system:
//!     `src/sys.rs` (the only other `unsafe`), signals through the
//!     self-pipe trick, child processes whose pipes and exit are readiness
//!     events.
//!
//! Before all of it, if you like, [`coro`]: an `async` block is a state
//! machine, and driven by hand with no runtime at all it is a generator
//! (`yield`, `send`, `yield from`).
//!
//! `DESIGN.md` at the top of the repository walks through the same files
//! with pictures.

#![warn(missing_docs)]
// `unsafe` is allowed in two modules only, each saying `#[allow(unsafe_code)]`
// and why: the task's memory and its waker (`src/task/raw.rs`), and the few
// Linux calls `std` does not wrap, for signals and child processes
// (`src/sys.rs`).
#![deny(unsafe_code)]

pub mod coro;

pub mod task;

pub mod scheduler;

mod reactor;

pub mod observe;

pub mod sync;

mod blocking;

pub mod runtime;

pub mod io;
pub mod net;
pub mod time;

pub mod future;

pub mod http;

#[allow(unsafe_code)]
mod sys;

pub mod signal;

pub mod process;

pub use future::{as_completed, join_all, select, select_all};
pub use runtime::{Builder, Runtime, TaskBuilder, run, spawn, spawn_blocking, stats};
pub use task::{JoinError, JoinHandle, JoinSet, TaskGroup, yield_now};

/// The traits you need in scope to read and write sockets.
pub mod prelude {
    pub use crate::net::{AsyncRead, AsyncWrite};
}
