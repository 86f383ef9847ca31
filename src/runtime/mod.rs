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
//! `event_loop.rs` (one turn: run, then wait), `handle.rs` (the door from
//! other threads), `remote_join.rs` (the way the outcome goes back), and
//! this file.
//!
//! Invariant: dropping a `Runtime` drops every task's future exactly once,
//! on this thread, and resolves their handles as cancelled; that includes
//! tasks asked for through a `Handle` that had not been spawned yet. A
//! `Runtime` is not `Send`: it and its tasks belong to the thread that made
//! it, and other threads reach it only through a `Handle`.

mod context;
mod event_loop;
mod handle;
mod remote_join;
mod tasks;

use crate::blocking::{self, DEFAULT_KEEP_ALIVE, Pool};
use crate::observe::{Hooks, ObserveConfig, Observer, Stats, Timeline};
use crate::reactor::{DOORBELL, Reactor, TimerHeap, TimerQueue};
use crate::scheduler::{Fifo, Schedule, SpawnInfo};
use crate::task::JoinHandle;
use crate::task::mailbox::Remote;
use event_loop::EventLoop;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        blocking::spawn_blocking_on(self.event_loop.pool(), f)
    }

    /// A [`Handle`] to this runtime, for spawning onto it from other
    /// threads. It does not keep the runtime alive: once the runtime is
    /// dropped, [`Handle::spawn`] fails with [`SpawnError`].
    pub fn handle(&self) -> Handle {
        Handle::new(self.event_loop.remote())
    }

    /// How many tasks are alive (spawned and not yet finished).
    pub fn live_tasks(&self) -> usize {
        self.event_loop.live_tasks()
    }

    /// How many blocking-pool threads are alive (busy or idle).
    pub fn blocking_threads(&self) -> usize {
        self.event_loop.pool().threads()
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
        self.event_loop.timeline()
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
        self.event_loop.pool().shutdown(Some(timeout));
        self.event_loop.report();
        self.reported = true;
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.event_loop.shutdown();
        // After `shutdown_timeout` this returns at once.
        self.event_loop.pool().shutdown(None);
        if !self.reported {
            self.event_loop.report();
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

/// Builds a [`Runtime`] with non-default settings.
///
/// ```
/// use runloop::scheduler::Fifo;
/// let rt = runloop::Runtime::builder()
///     .scheduler(Fifo::new())
///     .polls_per_turn(32)
///     .build()
///     .unwrap();
/// # drop(rt);
/// ```
pub struct Builder {
    scheduler: Box<dyn Schedule>,
    timer_queue: Box<dyn TimerQueue>,
    polls_per_turn: usize,
    event_capacity: usize,
    max_blocking_threads: usize,
    blocking_keep_alive: Duration,
    coop_budget: Option<u32>,
    observe: ObserveConfig,
}

impl Builder {
    /// The defaults: [`Fifo`] scheduling, 128 polls per turn, a blocking
    /// pool of up to `min(32, cores + 4)` threads kept 10 s when idle.
    pub fn new() -> Builder {
        Builder {
            scheduler: Box::new(Fifo::new()),
            timer_queue: Box::new(TimerHeap::new()),
            polls_per_turn: 128,
            event_capacity: 1024,
            max_blocking_threads: blocking::default_max_threads(),
            blocking_keep_alive: DEFAULT_KEEP_ALIVE,
            coop_budget: Some(128),
            observe: ObserveConfig::from_env(),
        }
    }

    /// The run-queue policy. See [`crate::scheduler`].
    pub fn scheduler(mut self, scheduler: impl Schedule + 'static) -> Builder {
        self.scheduler = Box::new(scheduler);
        self
    }

    /// Where the reactor keeps its deadlines; the default is a binary heap
    /// ([`TimerHeap`]). See
    /// [`TimerQueue`] for the contract and
    /// [`time::conformance`](crate::time::conformance) for the checks.
    pub fn timer_queue(mut self, timers: impl TimerQueue + 'static) -> Builder {
        self.timer_queue = Box::new(timers);
        self
    }

    /// How many task polls a turn may run before the loop checks I/O and
    /// timers again (at least 1; default 128). Lower means fresher I/O and
    /// timers under load; higher means fewer `epoll_wait` calls.
    pub fn polls_per_turn(mut self, polls: usize) -> Builder {
        self.polls_per_turn = polls.max(1);
        self
    }

    /// The most threads the blocking pool may start (at least 1). Default:
    /// `min(32, cores + 4)`, like Python's `ThreadPoolExecutor`.
    pub fn max_blocking_threads(mut self, threads: usize) -> Builder {
        self.max_blocking_threads = threads.max(1);
        self
    }

    /// How long an idle blocking thread waits for work before it exits.
    /// Default: 10 s.
    pub fn blocking_keep_alive(mut self, keep_alive: Duration) -> Builder {
        self.blocking_keep_alive = keep_alive;
        self
    }

    /// How many operations (socket reads and writes, channel sends and
    /// receives, expired sleeps) one poll of a task may complete before the
    /// task must yield; `None` turns the limit off. Default: `Some(128)`.
    /// See `src/task/budget.rs` for why: without it, a task whose socket or
    /// channel is always ready never gives the loop back.
    pub fn coop_budget(mut self, budget: Option<u32>) -> Builder {
        self.coop_budget = budget;
        self
    }

    /// Records every poll, wake, blocking job and wait, for
    /// [`Runtime::timeline`]. Off by default (on if `RUNLOOP_TIMELINE` is set,
    /// in which case the picture is also printed to stderr at drop).
    pub fn timeline(mut self, record: bool) -> Builder {
        self.observe.timeline = record;
        self
    }

    /// Records like [`Builder::timeline`] and writes a Chrome trace event
    /// file to `path` when the runtime is dropped (open it in Perfetto or
    /// chrome://tracing). Also set by `RUNLOOP_TRACE=path`.
    pub fn trace(mut self, path: impl Into<PathBuf>) -> Builder {
        self.observe.trace = Some(path.into());
        self
    }

    /// Installs hooks called at each step of each task; may be called more
    /// than once. See [`Hooks`].
    pub fn hooks(mut self, hooks: impl Hooks + 'static) -> Builder {
        self.observe.hooks.push(Box::new(hooks));
        self
    }

    /// Creates the runtime: an epoll instance and an eventfd doorbell. The
    /// blocking pool starts threads only when jobs arrive.
    pub fn build(self) -> io::Result<Runtime> {
        let poll = mio::Poll::new()?;
        let doorbell = mio::Waker::new(poll.registry(), DOORBELL)?;
        let reactor = Reactor::new(poll, self.event_capacity, self.timer_queue);
        let remote = Arc::new(Remote::new(doorbell));
        let observer = Observer::new(self.observe, Instant::now());
        let pool = Pool::new(self.max_blocking_threads, self.blocking_keep_alive, observer.job_log());
        let event_loop = EventLoop::new(
            self.scheduler,
            reactor,
            remote,
            pool,
            self.polls_per_turn,
            self.coop_budget,
            observer,
        );
        log::debug!(target: "runloop::runtime", "runtime built");
        Ok(Runtime {
            event_loop: Rc::new(event_loop),
            reported: false,
        })
    }
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("scheduler", &self.scheduler.name())
            .field("timer_queue", &self.timer_queue.name())
            .field("polls_per_turn", &self.polls_per_turn)
            .field("coop_budget", &self.coop_budget)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("blocking_keep_alive", &self.blocking_keep_alive)
            .field("timeline", &self.observe.timeline)
            .field("trace", &self.observe.trace)
            .field("hooks", &self.observe.hooks.len())
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
    context::with_current(|event_loop| blocking::spawn_blocking_on(event_loop.pool(), f)).unwrap_or_else(|| {
        panic!(
            "runloop::spawn_blocking() called outside a runtime: call it from a task or from \
             the future given to runloop::run() or Runtime::block_on(), or use Runtime::spawn_blocking()."
        )
    })
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

/// Spawns a task with options: a name (shown in logs, hooks and the
/// timeline), a priority and a deadline (for the scheduler: see
/// [`Priority`](crate::scheduler::Priority)).
///
/// ```
/// let out = runloop::run(async {
///     runloop::TaskBuilder::new().name("greeter").priority(7).spawn(async { "hi" }).await.unwrap()
/// });
/// assert_eq!(out, "hi");
/// ```
#[derive(Debug, Default, Clone)]
#[must_use = "a TaskBuilder does nothing until .spawn()"]
pub struct TaskBuilder {
    name: Option<String>,
    priority: u8,
    deadline: Option<Instant>,
}

impl TaskBuilder {
    /// A builder with no options set.
    pub fn new() -> TaskBuilder {
        TaskBuilder::default()
    }

    /// The task's name, for logs, hooks and the timeline.
    pub fn name(mut self, name: impl Into<String>) -> TaskBuilder {
        self.name = Some(name.into());
        self
    }

    /// The task's priority, 0 (the default) to 255. Only policies that rank
    /// tasks use it, such as [`Priority`](crate::scheduler::Priority): higher
    /// runs first.
    pub fn priority(mut self, priority: u8) -> TaskBuilder {
        self.priority = priority;
        self
    }

    /// When the task should be done by, for deadline-aware policies (an
    /// exercise: earliest deadline first).
    pub fn deadline(mut self, deadline: Instant) -> TaskBuilder {
        self.deadline = Some(deadline);
        self
    }

    fn info(&self) -> SpawnInfo<'_> {
        let mut info = SpawnInfo::with_priority(self.priority);
        info.deadline = self.deadline;
        info.name = self.name.as_deref();
        info
    }

    /// Spawns the task on the runtime running on this thread, like
    /// [`spawn`].
    ///
    /// # Panics
    /// When called outside a runtime; use [`TaskBuilder::spawn_on`] there.
    pub fn spawn<F>(self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        context::with_current(|event_loop| event_loop.spawn(future, self.info()))
            .unwrap_or_else(|| panic!("TaskBuilder::spawn() called outside a runtime; use spawn_on(&runtime, ...)."))
    }

    /// Spawns the task on `runtime`, from outside it.
    pub fn spawn_on<F>(self, runtime: &Runtime, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        runtime.event_loop.spawn(future, self.info())
    }
}
