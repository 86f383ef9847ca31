//! # Watching the loop work
//!
//! The project exists to show how an event loop works inside, so the loop
//! reports on itself, at these depths:
//!
//! 1. **Counters** (`stats.rs`), always on: tasks, polls, wakes local and
//!    remote, reactor turns, I/O events, timers, blocking jobs, and time spent
//!    running versus waiting. [`Runtime::stats`](crate::Runtime::stats).
//! 2. **A task dump** (`task_dump.rs`), asyncio's `all_tasks()`: every live
//!    task with its state. [`Runtime::tasks`](crate::Runtime::tasks).
//! 3. **Hooks** (`hooks.rs`): a trait the loop calls at every step of every
//!    task — the seam for your own tools.
//! 4. **Debug mode**, asyncio's `loop.set_debug(True)`: warnings about slow
//!    polls (`slow_poll.rs`), and the inspect mode (`inspect.rs`), which
//!    prints every turn of the loop — run queue, polls, wakes and their
//!    causes, timers, sockets, the epoll timeout and what came back.
//! 5. **A recording** (`recorder.rs`), when asked for: every poll, wake,
//!    blocking job and wait, drawn as the study notes' ASCII lanes
//!    (`timeline.rs`) or written as a Chrome trace for Perfetto
//!    (`trace.rs`), one file for all the runtimes of the program
//!    (`trace_file.rs`).
//!
//! Each has a builder method and an environment variable (`config.rs`):
//! `RUNLOOP_TIMELINE=1`, `RUNLOOP_TRACE=path.json`, `RUNLOOP_INSPECT=1` (or
//! `=20` for the first 20 turns), `RUNLOOP_SLOW_POLL=100ms`. Every runtime
//! has a label (`label.rs`: `rt1`, `rt2`…, or `Builder::label`) that names
//! it in all of them and in its log lines.
//!
//! `Observer` is the loop's single point of contact with all of this: the
//! loop makes one call per step, and the observer bumps counters and, only
//! if something watches (a hook, a recording, the inspect mode or a
//! slow-poll threshold), does the rest in out-of-line slow paths. Off, the
//! cost is a `bool` test per poll. When the inspect mode or the task dump
//! must look at the loop (its timers, sockets, live tasks), the loop lends
//! itself as a read-only `LoopView` (`view.rs`).

mod config;
mod hooks;
mod inspect;
mod label;
mod recorder;
mod slow_poll;
mod stats;
mod task_dump;
mod timeline;
mod trace;
mod trace_file;
mod view;

pub use hooks::{Hooks, WaitReport};
pub use recorder::{Lane, LaneKind, MAX_EVENTS, Recording};
pub use stats::Stats;
pub use task_dump::{TaskDump, TaskInfo, TaskState};
pub use timeline::Timeline;
pub use trace::chrome_trace;

pub(crate) use config::{InspectTurns, ObserveConfig};
pub(crate) use label::Label;
pub(crate) use recorder::JobLog;
pub(crate) use stats::Counters;
pub(crate) use view::LoopView;

use crate::reactor::WaitOutcome;
use crate::scheduler::{Cause, TaskId};
use crate::task::PollOutcome;
use inspect::Inspector;
use recorder::{Recorder, RecorderHook};
use slow_poll::SlowPoll;
use stats::bump;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use task_dump::TaskRecords;

/// The loop's instrumentation point: counters always, the rest when
/// something watches.
pub(crate) struct Observer {
    pub(crate) counters: Counters,
    /// The runtime's name in logs, inspect output, timelines and traces.
    pub(crate) label: Label,
    /// Something watches: a hook (the recorder counts as one), the inspect
    /// mode, or a slow-poll threshold. The one test on the hot path.
    watching: bool,
    hooks: RefCell<Vec<Box<dyn Hooks>>>,
    recorder: Option<Rc<RefCell<Recorder>>>,
    jobs: Option<Arc<JobLog>>,
    inspector: Option<RefCell<Inspector>>,
    slow_poll: Option<SlowPoll>,
    /// Names of tasks, and while watching their spawn times and polls.
    records: RefCell<TaskRecords>,
    /// `records` ever had anything in it: until then, a task that ends
    /// need not be looked up.
    remembering: Cell<bool>,
    /// When the poll in progress began; read only for the inspect mode and
    /// the slow-poll check.
    poll_began: Cell<Option<Instant>>,
    print_at_drop: bool,
    trace: Option<PathBuf>,
    /// When the runtime was built: recordings count from here.
    origin: Instant,
    /// When the last wait in the poller ended: a turn's busy time runs from
    /// there to the next wait.
    last_wait_end: Cell<Instant>,
    /// When the wait in progress began.
    wait_start: Cell<Instant>,
}

impl Observer {
    pub(crate) fn new(config: ObserveConfig, origin: Instant) -> Observer {
        let label = Label::next(config.label);
        let mut hooks = config.hooks;
        let recording = config.timeline || config.trace.is_some();
        if config.trace.is_some() {
            trace_file::note_start(origin);
        }
        let jobs = recording.then(|| Arc::new(JobLog::new(origin)));
        let recorder = jobs.as_ref().map(|jobs| {
            let recorder = Rc::new(RefCell::new(Recorder::new(origin, jobs.clone())));
            hooks.push(Box::new(RecorderHook(recorder.clone())));
            recorder
        });
        let inspector = config.inspect.map(|turns| {
            let out = config.inspect_to.unwrap_or_else(|| Box::new(std::io::stderr()));
            RefCell::new(Inspector::new(label.clone(), turns, out))
        });
        let slow_poll = config.slow_poll.map(|threshold| SlowPoll { threshold });
        Observer {
            counters: Counters::default(),
            watching: !hooks.is_empty() || inspector.is_some() || slow_poll.is_some(),
            label,
            hooks: RefCell::new(hooks),
            recorder,
            jobs,
            inspector,
            slow_poll,
            records: RefCell::default(),
            remembering: Cell::new(false),
            poll_began: Cell::new(None),
            print_at_drop: config.print_at_drop,
            trace: config.trace,
            origin,
            last_wait_end: Cell::new(origin),
            wait_start: Cell::new(origin),
        }
    }

    /// Where the blocking pool should log its jobs, if anyone is recording.
    pub(crate) fn job_log(&self) -> Option<Arc<JobLog>> {
        self.jobs.clone()
    }

    /// The runtime's label.
    pub(crate) fn label(&self) -> &str {
        &self.label.name
    }

    /// Out of line and marked cold: with no hooks installed, the loop's hot
    /// path never even reaches a call.
    #[cold]
    #[inline(never)]
    fn each_hook(&self, mut call: impl FnMut(&mut dyn Hooks)) {
        for hook in self.hooks.borrow_mut().iter_mut() {
            call(hook.as_mut());
        }
    }

    /// Calls the inspector, if the inspect mode is on, with what the
    /// observer remembers of tasks.
    #[cold]
    #[inline(never)]
    fn inspect(&self, call: impl FnOnce(&mut Inspector, &TaskRecords)) {
        if let Some(inspector) = &self.inspector {
            call(&mut inspector.borrow_mut(), &self.records.borrow());
        }
    }

    /// Spawning is not the hot path, but most tasks have no name and most
    /// runtimes nobody watching: those pay a test and nothing else.
    #[inline]
    pub(crate) fn spawned(&self, id: TaskId, name: Option<&str>) {
        bump(&self.counters.tasks_spawned, 1);
        self.counters.queued(1);
        if self.watching || name.is_some() {
            self.spawned_slow(id, name);
        }
    }

    #[cold]
    #[inline(never)]
    fn spawned_slow(&self, id: TaskId, name: Option<&str>) {
        self.remembering.set(true);
        self.records.borrow_mut().spawned(id, name, self.watching);
        if self.watching {
            self.each_hook(|hook| hook.spawned(id, name));
            self.inspect(|inspector, records| inspector.spawned(id, records));
        }
    }

    /// `block_on` queued its future.
    pub(crate) fn main_queued(&self, id: TaskId) {
        self.counters.queued(1);
        self.inspect(|inspector, _| inspector.main_queued(id));
    }

    /// A batch of tasks queued for the same cause: one counter update.
    #[inline]
    pub(crate) fn woken_all(&self, ids: &[TaskId], cause: Cause) {
        let count = ids.len() as u64;
        self.counters.queued(count);
        if cause == Cause::Remote {
            bump(&self.counters.remote_wakes, count);
        } else {
            bump(&self.counters.local_wakes, count);
        }
        if self.watching {
            for &id in ids {
                self.each_hook(|hook| hook.woken(id, cause));
            }
            self.inspect(|inspector, records| inspector.woken(ids, cause, records));
        }
    }

    /// The scheduler handed out an id (valid or stale).
    #[inline]
    pub(crate) fn popped(&self) {
        self.counters.dequeued();
    }

    #[inline]
    pub(crate) fn poll_started(&self, id: TaskId) {
        bump(&self.counters.polls, 1);
        if self.watching {
            self.poll_started_slow(id);
        }
    }

    #[cold]
    #[inline(never)]
    fn poll_started_slow(&self, id: TaskId) {
        self.records.borrow_mut().polled(id);
        self.each_hook(|hook| hook.poll_started(id));
        self.inspect(|inspector, _| inspector.poll_started(id));
        // Last, so the time measured is the poll's alone.
        if self.inspector.is_some() || self.slow_poll.is_some() {
            self.poll_began.set(Some(Instant::now()));
        }
    }

    /// The common case, a poll that left the task pending, costs one test
    /// when nobody watches.
    #[inline]
    pub(crate) fn poll_finished(&self, id: TaskId, outcome: PollOutcome) {
        if outcome != PollOutcome::Pending || self.watching {
            self.poll_finished_slow(id, outcome);
        }
    }

    fn poll_finished_slow(&self, id: TaskId, outcome: PollOutcome) {
        match outcome {
            PollOutcome::Pending => {}
            PollOutcome::Returned => bump(&self.counters.tasks_completed, u64::from(!id.is_main())),
            PollOutcome::Panicked => {
                bump(&self.counters.tasks_completed, 1);
                bump(&self.counters.tasks_panicked, 1);
            }
            PollOutcome::Cancelled => {
                bump(&self.counters.tasks_completed, 1);
                bump(&self.counters.tasks_cancelled, 1);
            }
        }
        if self.watching {
            self.watch_poll_finished(id, outcome);
        }
        if outcome.is_done() && self.remembering.get() {
            self.forget(id);
        }
    }

    /// A task that ended is forgotten (only if some task was ever
    /// remembered: most runtimes never get here).
    #[cold]
    #[inline(never)]
    fn forget(&self, id: TaskId) {
        self.records.borrow_mut().finished(id);
    }

    #[cold]
    #[inline(never)]
    fn watch_poll_finished(&self, id: TaskId, outcome: PollOutcome) {
        // First: the counters bumped before are nothing next to a poll.
        let took = self.poll_began.take().map(|began| began.elapsed());
        let slow = match (&self.slow_poll, took) {
            (Some(slow_poll), Some(took)) => slow_poll.check(self.label(), id, self.records.borrow().name(id), took),
            _ => false,
        };
        self.each_hook(|hook| hook.poll_finished(id, outcome));
        self.inspect(|inspector, records| inspector.poll_finished(id, outcome, took, slow, records));
    }

    /// A turn of the loop begins (the inspect mode prints its run queue).
    #[inline]
    pub(crate) fn turn_starting(&self, view: &dyn LoopView) {
        if self.inspector.is_some() {
            self.inspect(|inspector, records| inspector.turn_starting(records, view));
        }
    }

    /// The loop is about to wait in the poller for at most `timeout`: the
    /// time since the last wait ended was spent running. (The inspect mode
    /// prints the timers and sockets it waits for.)
    pub(crate) fn wait_starting(&self, timeout: Option<Duration>, view: &dyn LoopView) {
        if self.inspector.is_some() {
            self.inspect(|inspector, records| inspector.wait_starting(timeout, records, view));
        }
        let now = Instant::now();
        Counters::add_time(
            &self.counters.busy,
            now.saturating_duration_since(self.last_wait_end.get()),
        );
        self.wait_start.set(now);
    }

    /// The wait is over; `woke` is what it found (`woke.at` is when it
    /// ended, read by the reactor).
    pub(crate) fn wait_ended(&self, timeout: Option<Duration>, woke: &WaitOutcome) {
        self.last_wait_end.set(woke.at);
        let report = WaitReport {
            waited: woke.at.saturating_duration_since(self.wait_start.get()),
            timeout,
            io_events: woke.io_events,
            timers_fired: woke.timers_fired,
            doorbell: woke.doorbell,
        };
        let counters = &self.counters;
        bump(&counters.reactor_turns, 1);
        bump(&counters.io_events, report.io_events as u64);
        bump(&counters.timers_fired, report.timers_fired as u64);
        Counters::add_time(&counters.waiting, report.waited);
        if self.watching {
            self.each_hook(|hook| hook.waited(&report));
            self.inspect(|inspector, _| inspector.wait_ended(&report));
        }
    }

    /// `block_on` is returning (or unwinding): the turn in progress is over.
    pub(crate) fn loop_stopped(&self, view: &dyn LoopView) {
        self.inspect(|inspector, records| inspector.loop_stopped(records, view));
    }

    /// The live tasks and what each is doing.
    pub(crate) fn task_dump(&self, view: &dyn LoopView) -> TaskDump {
        task_dump::collect(self.label(), &self.records.borrow(), view, self.watching)
    }

    /// A picture of everything recorded so far, if recording is on.
    pub(crate) fn timeline(&self) -> Option<Timeline> {
        self.recorder
            .as_ref()
            .map(|recorder| Timeline::new(recorder.borrow().recording()))
    }

    /// The runtime is about to drop its tasks: tell the hooks, and the
    /// inspect mode, which lists the tasks that go unpolled.
    pub(crate) fn shutting_down(&self, view: &dyn LoopView) {
        if self.watching {
            self.each_hook(|hook| hook.shutting_down());
            self.inspect(|inspector, records| inspector.shutting_down(records, view));
        }
    }

    /// The runtime is gone, pool threads included: print the timeline if
    /// the environment asked for it, and add this runtime to the trace file
    /// if one was asked for (`trace_file.rs`).
    pub(crate) fn report(&self) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        let recording = recorder.borrow().recording();
        if self.print_at_drop {
            eprintln!(
                "runloop timeline of {} (RUNLOOP_TIMELINE):\n{}",
                self.label.name,
                Timeline::new(recording.clone())
            );
        }
        if let Some(path) = &self.trace {
            trace_file::add(path, &self.label, self.origin, &recording);
        }
    }
}
