//! # Watching the loop work
//!
//! The project exists to show how an event loop works inside, so the loop
//! reports on itself, at three depths:
//!
//! 1. **Counters** (`stats.rs`), always on: tasks, polls, wakes local and
//!    remote, reactor turns, I/O events, timers, blocking jobs, and time spent
//!    running versus waiting. [`Runtime::stats`](crate::Runtime::stats).
//! 2. **Hooks** (`hooks.rs`): a trait the loop calls at every step of every
//!    task — the seam for your own tools.
//! 3. **A recording** (`recorder.rs`), when asked for: every poll, wake,
//!    blocking job and wait, drawn as the study notes' ASCII lanes
//!    (`timeline.rs`) or written as a Chrome trace for Perfetto
//!    (`trace.rs`).
//!
//! Turn recording on with `Builder::timeline(true)` (then print
//! [`Runtime::timeline`](crate::Runtime::timeline) when you like),
//! `RUNLOOP_TIMELINE=1` (the picture is printed to stderr when the runtime is
//! dropped), or `Builder::trace(path)` / `RUNLOOP_TRACE=path.json` (the trace
//! file is written when the runtime is dropped).
//!
//! `Observer` is the loop's single point of contact with all of this: the
//! loop calls it at each step, and it bumps counters and, only if some hook
//! or recording is installed, calls the hooks. Off, the cost is a `bool`
//! test per poll.

mod hooks;
mod recorder;
mod stats;
mod timeline;
mod trace;

pub use hooks::{Hooks, WaitReport};
pub use recorder::{Lane, LaneKind, MAX_EVENTS, Recording};
pub use stats::Stats;
pub use timeline::Timeline;
pub use trace::chrome_trace;

pub(crate) use recorder::JobLog;
pub(crate) use stats::Counters;

use crate::reactor::WaitOutcome;
use crate::scheduler::{Cause, TaskId};
use crate::task::PollOutcome;
use recorder::Recorder;
use stats::bump;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

const LOG: &str = "runloop::observe";

/// What the builder asked for.
#[derive(Default)]
pub(crate) struct ObserveConfig {
    pub(crate) timeline: bool,
    /// Print the timeline at drop (set by `RUNLOOP_TIMELINE`).
    pub(crate) print_at_drop: bool,
    pub(crate) trace: Option<PathBuf>,
    pub(crate) hooks: Vec<Box<dyn Hooks>>,
}

impl ObserveConfig {
    /// The defaults, as the environment sets them.
    pub(crate) fn from_env() -> ObserveConfig {
        let on = |value: String| !matches!(value.as_str(), "" | "0" | "false" | "no" | "off");
        let print_at_drop = std::env::var("RUNLOOP_TIMELINE").is_ok_and(on);
        ObserveConfig {
            timeline: print_at_drop,
            print_at_drop,
            trace: std::env::var_os("RUNLOOP_TRACE")
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            hooks: Vec::new(),
        }
    }
}

/// Lets the recorder sit in the hook list and still be read from outside.
struct RecorderHook(Rc<RefCell<Recorder>>);

impl Hooks for RecorderHook {
    fn spawned(&mut self, id: TaskId, name: Option<&str>) {
        self.0.borrow_mut().spawned(id, name);
    }
    fn woken(&mut self, id: TaskId, cause: Cause) {
        self.0.borrow_mut().woken(id, cause);
    }
    fn poll_started(&mut self, id: TaskId) {
        self.0.borrow_mut().poll_started(id);
    }
    fn poll_finished(&mut self, id: TaskId, outcome: PollOutcome) {
        self.0.borrow_mut().poll_finished(id, outcome);
    }
    fn waited(&mut self, report: &WaitReport) {
        self.0.borrow_mut().waited(report);
    }
}

/// The loop's instrumentation point: counters always, hooks when installed.
pub(crate) struct Observer {
    pub(crate) counters: Counters,
    /// Any hook installed (the recorder counts as one).
    watching: bool,
    hooks: RefCell<Vec<Box<dyn Hooks>>>,
    recorder: Option<Rc<RefCell<Recorder>>>,
    jobs: Option<Arc<JobLog>>,
    print_at_drop: bool,
    trace: Option<PathBuf>,
    /// When the last wait in the poller ended: a turn's busy time runs from
    /// there to the next wait.
    last_wait_end: Cell<Instant>,
    /// When the wait in progress began.
    wait_start: Cell<Instant>,
}

impl Observer {
    pub(crate) fn new(config: ObserveConfig, origin: Instant) -> Observer {
        let mut hooks = config.hooks;
        let recording = config.timeline || config.trace.is_some();
        let jobs = recording.then(|| Arc::new(JobLog::new(origin)));
        let recorder = jobs.as_ref().map(|jobs| {
            let recorder = Rc::new(RefCell::new(Recorder::new(origin, jobs.clone())));
            hooks.push(Box::new(RecorderHook(recorder.clone())));
            recorder
        });
        Observer {
            counters: Counters::default(),
            watching: !hooks.is_empty(),
            hooks: RefCell::new(hooks),
            recorder,
            jobs,
            print_at_drop: config.print_at_drop,
            trace: config.trace,
            last_wait_end: Cell::new(origin),
            wait_start: Cell::new(origin),
        }
    }

    /// Where the blocking pool should log its jobs, if anyone is recording.
    pub(crate) fn job_log(&self) -> Option<Arc<JobLog>> {
        self.jobs.clone()
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

    #[inline]
    pub(crate) fn spawned(&self, id: TaskId, name: Option<&str>) {
        bump(&self.counters.tasks_spawned, 1);
        self.counters.queued(1);
        if self.watching {
            self.each_hook(|hook| hook.spawned(id, name));
        }
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
            self.each_hook(|hook| hook.poll_started(id));
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
            self.each_hook(|hook| hook.poll_finished(id, outcome));
        }
    }

    /// The loop is about to wait in the poller: the time since the last
    /// wait ended was spent running.
    pub(crate) fn wait_starting(&self) {
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
        }
    }

    /// A picture of everything recorded so far, if recording is on.
    pub(crate) fn timeline(&self) -> Option<Timeline> {
        self.recorder
            .as_ref()
            .map(|recorder| Timeline::new(recorder.borrow().recording()))
    }

    /// The runtime is about to drop its tasks: tell the hooks.
    pub(crate) fn shutting_down(&self) {
        if self.watching {
            self.each_hook(|hook| hook.shutting_down());
        }
    }

    /// The runtime is gone, pool threads included: print the timeline if
    /// the environment asked for it, write the trace file if one was asked.
    pub(crate) fn report(&self) {
        let Some(recorder) = &self.recorder else {
            return;
        };
        let recording = recorder.borrow().recording();
        if self.print_at_drop {
            eprintln!(
                "runloop timeline (RUNLOOP_TIMELINE):\n{}",
                Timeline::new(recording.clone())
            );
        }
        if let Some(path) = &self.trace {
            match std::fs::write(path, chrome_trace(&recording)) {
                Ok(()) => log::info!(target: LOG, "trace written to {}", path.display()),
                Err(error) => log::error!(target: LOG, "could not write the trace to {}: {error}", path.display()),
            }
        }
    }
}
