//! # The runtime: the front of the loop
//!
//! [`Runtime`] is what a program holds: asyncio's event loop object. It owns
//! the task table, the scheduler, the reactor and the cross-thread inbox
//! (all in `event_loop.rs`), and offers these doors in:
//!
//! - [`run`]`(future)` — asyncio's `asyncio.run`: make a runtime, run the
//!   future to completion, drop the runtime (and with it every task still
//!   alive);
//! - [`Runtime::block_on`] — the same on a runtime you keep, asyncio's
//!   `loop.run_until_complete`;
//! - [`spawn`] — asyncio's `create_task`, from inside the loop;
//! - [`spawn_blocking`] — asyncio's `run_in_executor`: a blocking call on
//!   the runtime's thread pool (`src/blocking/`), awaited like a task;
//! - [`Handle::spawn`] — asyncio's `run_coroutine_threadsafe`: a task
//!   asked for from any thread, through the runtime's [`Handle`], awaited
//!   anywhere through its [`RemoteJoinHandle`].
//!
//! Files, in reading order: `tasks.rs` (the table of live tasks),
//! `context.rs` (finding the running loop from anywhere on its thread),
//! `event_loop.rs` (one turn: run, then wait), `loop_view.rs` (what the
//! loop shows its observer, read-only), `handle.rs` (the door from
//! other threads), `remote_join.rs` (the way the outcome goes back),
//! `builder.rs` (the settings of a runtime and of one task), and this file.
//!
//! Invariant: dropping a `Runtime` drops every task's future exactly once,
//! on this thread, and resolves their handles as cancelled; that includes
//! tasks asked for through a `Handle` that had not been spawned yet. A
//! `Runtime` is not `Send`: it and its tasks belong to the thread that made
//! it, and other threads reach it only through a `Handle`.

mod builder;
mod context;
mod event_loop;
mod handle;
mod loop_view;
mod remote_join;
mod tasks;

use crate::blocking;
use crate::observe::{Stats, TaskDump, Timeline};
use crate::scheduler::SpawnInfo;
use crate::task::JoinHandle;
use event_loop::EventLoop;
use std::fmt;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::time::Duration;

pub use builder::{Builder, TaskBuilder};
pub(crate) use context::{is_running as reactor_is_running, reactor as current_reactor};
pub use handle::{Handle, SpawnError};
pub use remote_join::RemoteJoinHandle;

/// A single-threaded event loop: tasks, a reactor for I/O and timers, and a
/// scheduler that picks who runs next.
///
/// ```
/// let rt = runloop::Runtime::new().unwrap();
/// let answer = rt.block_on(async {
///     let task = runloop::spawn(async { 6 * 7 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    event_loop: Rc<EventLoop>,
    /// The timeline and trace were already written (by `shutdown_timeout`).
    reported: bool,
}

impl Runtime {
    /// A runtime with the default settings (FIFO scheduling).
    ///
    /// Fails only if the operating system refuses an epoll instance or an
    /// eventfd (for example when out of file descriptors).
    #[doc(alias = "new_event_loop")]
    pub fn new() -> io::Result<Runtime> {
        Builder::new().build()
    }

    /// Settings for a runtime: the scheduler, and how many polls a turn
    /// runs before checking I/O.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Runs the loop until `future` completes and returns its output.
    /// asyncio's `loop.run_until_complete`.
    ///
    /// Tasks spawned meanwhile keep running while the future waits; those
    /// still alive when it completes stay in the runtime, paused, until the
    /// next `block_on` or until the runtime is dropped.
    ///
    /// # Panics
    /// If called while a runtime is already running on this thread (from
    /// inside a task): a nested loop would freeze the outer one. Inside a
    /// task, `.await` the future or [`spawn`] it instead. Also re-raises a
    /// panic of `future` itself (panics in spawned tasks are caught and
    /// reported through their [`JoinHandle`]).
    #[doc(alias = "run_until_complete")]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.event_loop.block_on(future)
    }

    /// Spawns a task on this runtime from outside it, on this thread. The
    /// task starts when the loop next runs (in `block_on`). Inside the
    /// loop, use [`spawn`]; from another thread, [`Runtime::handle`].
    #[doc(alias = "create_task")]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.event_loop.spawn(future, SpawnInfo::default())
    }

    /// Runs `f` on this runtime's blocking pool; see [`spawn_blocking`].
    #[doc(alias = "run_in_executor")]
    pub fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        blocking::spawn_blocking_on(&self.event_loop.pool, f)
    }

    /// A [`Handle`] to this runtime, for spawning onto it from other
    /// threads. It does not keep the runtime alive: once the runtime is
    /// dropped, [`Handle::spawn`] fails with [`SpawnError`].
    pub fn handle(&self) -> Handle {
        Handle::new(&self.event_loop.inbox)
    }

    /// The runtime's label (`rt1`, `rt2`… unless
    /// [`Builder::label`] chose one): the name it goes by in log lines,
    /// inspect output, warnings, timelines and traces.
    pub fn label(&self) -> &str {
        self.event_loop.observer.label()
    }

    /// Every live task with its name, state (running, queued, waiting),
    /// polls so far and age: asyncio's `all_tasks()`. Polls and age are
    /// known only while the runtime watches itself (see [`TaskDump`]).
    /// From inside a task, use [`tasks()`].
    ///
    /// ```
    /// let rt = runloop::Runtime::builder().inspect_to(std::io::sink()).build().unwrap();
    /// let _waiting = runloop::TaskBuilder::new()
    ///     .name("sleeper")
    ///     .spawn_on(&rt, std::future::pending::<()>());
    /// rt.block_on(runloop::yield_now());
    /// let dump = rt.tasks();
    /// assert_eq!(dump.tasks()[0].name.as_deref(), Some("sleeper"));
    /// assert_eq!(dump.tasks()[0].state, runloop::observe::TaskState::Waiting);
    /// assert_eq!(dump.tasks()[0].polls, Some(1));
    /// println!("{dump}");
    /// ```
    #[doc(alias = "all_tasks")]
    pub fn tasks(&self) -> TaskDump {
        self.event_loop.observer.task_dump(&*self.event_loop)
    }

    /// How many tasks are alive (spawned and not yet finished).
    pub fn live_tasks(&self) -> usize {
        self.event_loop.tasks.borrow().len()
    }

    /// How many blocking-pool threads are alive (busy or idle).
    pub fn blocking_threads(&self) -> usize {
        self.event_loop.pool.threads()
    }

    /// The runtime's counters: tasks, polls, wakes, reactor turns, time
    /// running and waiting. See [`Stats`]; from inside a task, use
    /// [`runloop::stats()`](stats).
    pub fn stats(&self) -> Stats {
        self.event_loop.stats()
    }

    /// The picture of everything recorded so far — one lane per task and
    /// pool thread, `-` running, `.` waiting — or `None` unless recording was
    /// turned on with [`Builder::timeline`], [`Builder::trace`],
    /// `RUNLOOP_TIMELINE=1` or `RUNLOOP_TRACE=path`.
    pub fn timeline(&self) -> Option<Timeline> {
        self.event_loop.observer.timeline()
    }

    /// Drops the runtime, waiting at most `timeout` for blocking jobs that
    /// are still running. Tasks are dropped and queued blocking jobs are
    /// discarded as with a plain drop; running jobs cannot be interrupted,
    /// so any still running after `timeout` are left to finish on their
    /// own (detached threads) and this returns anyway.
    ///
    /// A plain `drop` waits for running jobs however long they take, as
    /// Python's `executor.shutdown(wait=True)` does.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.event_loop.shutdown();
        self.event_loop.pool.shutdown(Some(timeout));
        self.event_loop.observer.report();
        self.reported = true;
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.event_loop.shutdown();
        // After `shutdown_timeout` this returns at once.
        self.event_loop.pool.shutdown(None);
        if !self.reported {
            self.event_loop.observer.report();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("live_tasks", &self.live_tasks())
            .finish_non_exhaustive()
    }
}

/// Runs `future` on a new runtime and drops the runtime afterwards, with
/// every task still alive. asyncio's `asyncio.run`.
///
/// ```
/// let total = runloop::run(async {
///     let handles: Vec<_> = (1..=3).map(|n| runloop::spawn(async move { n * 10 })).collect();
///     let mut total = 0;
///     for handle in handles {
///         total += handle.await.unwrap();
///     }
///     total
/// });
/// assert_eq!(total, 60);
/// ```
///
/// # Panics
/// If the runtime cannot be created (see [`Runtime::new`]), or for the
/// reasons [`Runtime::block_on`] gives.
#[doc(alias = "asyncio.run")]
pub fn run<F: Future>(future: F) -> F::Output {
    let runtime = Runtime::new().unwrap_or_else(|error| panic!("runloop::run could not create a runtime: {error}"));
    runtime.block_on(future)
}

/// Spawns a task on the runtime running on this thread and returns its
/// handle. asyncio's `create_task`.
///
/// The future need not be `Send`: it never leaves this thread. The task is
/// queued and starts when the loop reaches it; awaiting the handle gives its
/// output, dropping the handle lets it run on unobserved.
///
/// # Panics
/// When called outside a runtime. From outside the loop, use
/// [`Runtime::spawn`].
#[doc(alias = "create_task")]
#[doc(alias = "ensure_future")]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    context::with_current(|event_loop| event_loop.spawn(future, SpawnInfo::default())).unwrap_or_else(|| {
        panic!(
            "runloop::spawn() called outside a runtime: call it from a task or from the \
             future given to runloop::run() or Runtime::block_on(), or use Runtime::spawn()."
        )
    })
}

/// Runs the blocking function `f` on the runtime's thread pool and returns
/// a handle to await its result: asyncio's `loop.run_in_executor(None, f)`.
///
/// Use it for anything that would stall the loop: `std::net` or file I/O,
/// a long computation, a library that blocks. The loop keeps running other
/// tasks meanwhile; the result comes back through the cross-thread wake path
/// (see `src/blocking/mod.rs`). A panic in `f` becomes
/// [`JoinError::Panicked`](crate::JoinError::Panicked); `abort` stops a job
/// that has not started yet (a running one cannot be interrupted).
///
/// ```
/// let sum = runloop::run(async {
///     runloop::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap()
/// });
/// assert_eq!(sum, 5050);
/// ```
///
/// # Panics
/// When called outside a runtime; from outside, use
/// [`Runtime::spawn_blocking`].
#[doc(alias = "run_in_executor")]
#[doc(alias = "to_thread")]
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    context::with_current(|event_loop| blocking::spawn_blocking_on(&event_loop.pool, f)).unwrap_or_else(|| {
        panic!(
            "runloop::spawn_blocking() called outside a runtime: call it from a task or from \
             the future given to runloop::run() or Runtime::block_on(), or use Runtime::spawn_blocking()."
        )
    })
}

/// The live tasks of the runtime running on this thread, with their states:
/// asyncio's `asyncio.all_tasks()`. The task that asks shows as running.
/// See [`Runtime::tasks`].
///
/// # Panics
/// When called outside a runtime; from outside, use [`Runtime::tasks`].
#[doc(alias = "all_tasks")]
pub fn tasks() -> TaskDump {
    context::with_current(|event_loop| event_loop.observer.task_dump(event_loop))
        .unwrap_or_else(|| panic!("runloop::runtime::tasks() called outside a runtime; use Runtime::tasks() instead."))
}

/// The counters of the runtime running on this thread: asyncio has no
/// equivalent; see [`Stats`].
///
/// ```
/// let stats = runloop::run(async {
///     runloop::spawn(async {}).await.unwrap();
///     runloop::stats()
/// });
/// assert_eq!(stats.tasks_spawned, 1);
/// assert_eq!(stats.tasks_completed, 1);
/// ```
///
/// # Panics
/// When called outside a runtime; from outside, use [`Runtime::stats`].
pub fn stats() -> Stats {
    context::with_current(|event_loop| event_loop.stats())
        .unwrap_or_else(|| panic!("runloop::stats() called outside a runtime; use Runtime::stats() instead."))
}
