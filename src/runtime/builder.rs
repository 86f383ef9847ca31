//! # Settings: for a runtime, and for one task
//!
//! [`Builder`] chooses what a [`Runtime`] is made of before it exists: the
//! scheduling policy, the timer queue, how many polls a turn runs before
//! the loop looks at I/O again, the blocking pool's size, the cooperative
//! budget, its label, and what is watched (`src/observe/`): recordings,
//! hooks, the inspect mode, the slow-poll threshold. asyncio takes these as
//! arguments here and there (`loop.set_debug`, `slow_callback_duration`,
//! `ThreadPoolExecutor(max_workers)`); a builder puts them in one place and
//! keeps `Runtime::new()` short. Each watching setting also has an
//! environment variable (`src/observe/config.rs`); a builder setting wins.
//!
//! [`TaskBuilder`] does the same for one task: a name for logs and the
//! timeline (asyncio's `create_task(coro, name=...)`), a priority and a
//! deadline for the policies that rank tasks.

use super::event_loop::EventLoop;
use super::{Runtime, context};
use crate::blocking::{self, DEFAULT_KEEP_ALIVE, Pool};
use crate::observe::{Hooks, InspectTurns, ObserveConfig, Observer};
use crate::reactor::{DOORBELL, Reactor, TimerHeap, TimerQueue};
use crate::scheduler::{Fifo, Schedule, SpawnInfo};
use crate::task::JoinHandle;
use crate::task::mailbox::Inbox;
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

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

    /// Records like [`Builder::timeline`] and adds the recording to a
    /// Chrome trace event file at `path` when the runtime is dropped (open
    /// it in Perfetto or chrome://tracing). Every runtime of the process
    /// that traces to the same path gets its own lane group, named by its
    /// label, in that one file; the file is complete once the last of them
    /// is dropped. Also set by `RUNLOOP_TRACE=path`.
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

    /// Names the runtime in its log lines, inspect output, slow-poll
    /// warnings, printed timelines and trace lanes: useful when a program
    /// runs several (a client and a server, say). Default: `rt1`, `rt2`, …
    /// in the order runtimes are built in the process.
    pub fn label(mut self, label: impl Into<String>) -> Builder {
        self.observe.label = Some(label.into());
        self
    }

    /// Prints every turn of the loop as it happens: the run queue, each
    /// poll and its outcome, whom it woke and why, the pending timers, the
    /// registered sockets and who waits on them, the timeout given to epoll
    /// and what came back. To stderr unless [`Builder::inspect_to`] says
    /// otherwise. Also set by `RUNLOOP_INSPECT=1`. See
    /// `src/observe/inspect.rs` for a sample.
    #[doc(alias = "set_debug")]
    pub fn inspect(mut self, on: bool) -> Builder {
        self.observe.inspect = on.then_some(InspectTurns::Every);
        self
    }

    /// The bounded inspect mode, for long runs: prints the first `turns`
    /// turns in which a task was spawned, woken or polled (skipping turns in
    /// which nothing happened), then the live tasks, then stops. Also set by
    /// `RUNLOOP_INSPECT=<turns>` (2 or more).
    pub fn inspect_turns(mut self, turns: usize) -> Builder {
        self.observe.inspect = Some(InspectTurns::First(turns.max(1)));
        self
    }

    /// Where inspect output goes (default: stderr); turns the inspect mode
    /// on, for every turn, if it was off. Each turn is written in at most
    /// two `write_all` calls.
    pub fn inspect_to(mut self, out: impl Write + 'static) -> Builder {
        self.observe.inspect_to = Some(Box::new(out));
        self.observe.inspect.get_or_insert(InspectTurns::Every);
        self
    }

    /// Warns about every poll that takes `threshold` or longer, naming the
    /// task and the time — the loop ran nothing else meanwhile. asyncio's
    /// `loop.slow_callback_duration` in debug mode. The warning goes to the
    /// `log` crate (target `runloop::observe`), or to stderr if no logger
    /// would show it. Also set by `RUNLOOP_SLOW_POLL=100ms`. Costs two clock
    /// reads per poll while set.
    #[doc(alias = "slow_callback_duration")]
    pub fn slow_poll_threshold(mut self, threshold: Duration) -> Builder {
        self.observe.slow_poll = Some(threshold);
        self
    }

    /// Creates the runtime: an epoll instance and an eventfd doorbell. The
    /// blocking pool starts threads only when jobs arrive.
    pub fn build(self) -> io::Result<Runtime> {
        let poll = mio::Poll::new()?;
        let doorbell = mio::Waker::new(poll.registry(), DOORBELL)?;
        let observer = Observer::new(self.observe, Instant::now());
        let reactor = Reactor::new(poll, self.event_capacity, self.timer_queue, observer.label.name.clone());
        let inbox = Arc::new(Inbox::new(doorbell));
        let pool = Pool::new(self.max_blocking_threads, self.blocking_keep_alive, observer.job_log());
        let event_loop = EventLoop::new(
            self.scheduler,
            reactor,
            inbox,
            pool,
            self.polls_per_turn,
            self.coop_budget,
            observer,
        );
        log::debug!(target: "runloop::runtime", "{}: runtime built", event_loop.observer.label());
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
            .field("label", &self.observe.label)
            .field("inspect", &self.observe.inspect)
            .field("slow_poll_threshold", &self.observe.slow_poll)
            .finish_non_exhaustive()
    }
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
    /// [`spawn`](super::spawn).
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
