//! # The recorder: a diary of every poll, job and wait
//!
//! To draw the notes' pictures the runtime must remember what ran when. The
//! [`Recorder`] is a [`Hooks`] implementation that writes a diary on the loop
//! thread — when each task was spawned, every poll's start and end, when it
//! was woken, when it ended, and every wait in the poller — while the
//! blocking pool's threads write theirs (each job's start and end) into a
//! shared [`JobLog`] behind a mutex. [`Recorder::recording`] turns both into
//! one [`Recording`]: a list of lanes, each a named row of busy intervals,
//! which `timeline.rs` draws as ASCII and `trace.rs` writes as JSON.
//!
//! Times are offsets from the moment the runtime was built. Recording costs
//! two clock reads per poll and memory per event, so it is off unless asked
//! for (`Builder::timeline`, `RUNLOOP_TIMELINE=1`, `RUNLOOP_TRACE=path`);
//! after [`MAX_EVENTS`] events it stops and says so, so a long run cannot
//! eat all memory.

use super::hooks::{Hooks, WaitReport};
use crate::scheduler::{Cause, TaskId};
use crate::task::PollOutcome;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The most events one recording keeps.
pub const MAX_EVENTS: usize = 1_000_000;

/// What kind of thing a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneKind {
    /// A task (or a `block_on` future): busy while being polled.
    Task,
    /// A blocking-pool thread: busy while running a job.
    PoolThread,
    /// The loop itself: busy while asleep in the poller.
    Poller,
}

/// One row of a recording: a name and the intervals it was busy.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// What to call the row.
    pub name: String,
    /// What the row shows.
    pub kind: LaneKind,
    /// When it came into being (spawned, first job).
    pub born: Duration,
    /// When it ended, if it did before the recording stopped.
    pub died: Option<Duration>,
    /// Busy intervals (start, end), in order, never overlapping.
    pub busy: Vec<(Duration, Duration)>,
    /// Instants worth marking: wakes for tasks, timer firings for the poller.
    pub marks: Vec<Duration>,
}

/// Everything recorded, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// The rows, in the order their subjects appeared (the poller last).
    pub lanes: Vec<Lane>,
    /// When the recording was taken, as an offset from its start.
    pub end: Duration,
    /// Whether events were dropped because [`MAX_EVENTS`] was reached.
    pub truncated: bool,
}

/// Blocking jobs as the pool threads report them.
#[derive(Debug)]
pub(crate) struct JobLog {
    origin: Instant,
    /// (thread number, start, end)
    jobs: Mutex<Vec<(usize, Duration, Duration)>>,
}

impl JobLog {
    pub(crate) fn new(origin: Instant) -> JobLog {
        JobLog {
            origin,
            jobs: Mutex::default(),
        }
    }

    /// Called on a pool thread around each job.
    pub(crate) fn record(&self, thread: usize, start: Instant, end: Instant) {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        if jobs.len() < MAX_EVENTS {
            jobs.push((thread, start - self.origin, end - self.origin));
        }
    }
}

/// The diary kept on the loop thread.
pub(crate) struct Recorder {
    origin: Instant,
    tasks: Vec<Lane>,
    lane_of: HashMap<TaskId, usize>,
    running: Option<(usize, Duration)>,
    poller: Lane,
    jobs: std::sync::Arc<JobLog>,
    events: usize,
}

impl Recorder {
    pub(crate) fn new(origin: Instant, jobs: std::sync::Arc<JobLog>) -> Recorder {
        Recorder {
            origin,
            tasks: Vec::new(),
            lane_of: HashMap::new(),
            running: None,
            poller: Lane {
                name: "(loop waits in epoll)".to_string(),
                kind: LaneKind::Poller,
                born: Duration::ZERO,
                died: None,
                busy: Vec::new(),
                marks: Vec::new(),
            },
            jobs,
            events: 0,
        }
    }

    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    /// Counts an event; false once the cap is reached.
    fn room(&mut self) -> bool {
        self.events += 1;
        self.events <= MAX_EVENTS
    }

    fn lane(&mut self, id: TaskId, name: Option<&str>) -> usize {
        if let Some(&index) = self.lane_of.get(&id) {
            return index;
        }
        let label = match name {
            Some(name) => format!("{id} {name}"),
            None => id.to_string(),
        };
        let born = self.now();
        self.tasks.push(Lane {
            name: label,
            kind: LaneKind::Task,
            born,
            died: None,
            busy: Vec::new(),
            marks: Vec::new(),
        });
        let index = self.tasks.len() - 1;
        self.lane_of.insert(id, index);
        index
    }

    /// Everything so far: task lanes in order of appearance, then one lane
    /// per pool thread, then the poller.
    pub(crate) fn recording(&self) -> Recording {
        let mut lanes: Vec<Lane> = self.tasks.clone();
        let jobs = self.jobs.jobs.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let mut threads: Vec<Lane> = Vec::new();
        for (thread, start, end) in jobs {
            let index = match threads.iter().position(|lane| lane.name == pool_thread_name(thread)) {
                Some(index) => index,
                None => {
                    threads.push(Lane {
                        name: pool_thread_name(thread),
                        kind: LaneKind::PoolThread,
                        born: start,
                        died: None,
                        busy: Vec::new(),
                        marks: Vec::new(),
                    });
                    threads.len() - 1
                }
            };
            let lane = &mut threads[index];
            lane.born = lane.born.min(start);
            lane.busy.push((start, end));
        }
        for lane in &mut threads {
            lane.busy.sort();
            lane.died = lane.busy.last().map(|&(_, end)| end);
        }
        threads.sort_by_key(|lane| lane.born);
        lanes.extend(threads);
        lanes.push(self.poller.clone());
        Recording {
            lanes,
            end: self.now(),
            truncated: self.events > MAX_EVENTS,
        }
    }
}

/// Lets the recorder sit in the hook list and still be read from outside.
pub(crate) struct RecorderHook(pub(crate) Rc<RefCell<Recorder>>);

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

fn pool_thread_name(thread: usize) -> String {
    format!("pool thread {thread}")
}

impl Hooks for Recorder {
    fn spawned(&mut self, id: TaskId, name: Option<&str>) {
        if self.room() {
            self.lane(id, name);
        }
    }

    fn woken(&mut self, id: TaskId, _cause: Cause) {
        if self.room() {
            let now = self.now();
            let index = self.lane(id, None);
            self.tasks[index].marks.push(now);
        }
    }

    fn poll_started(&mut self, id: TaskId) {
        if self.room() {
            let index = self.lane(id, None);
            self.running = Some((index, self.now()));
        }
    }

    fn poll_finished(&mut self, _id: TaskId, outcome: PollOutcome) {
        let Some((index, start)) = self.running.take() else {
            return;
        };
        let end = self.now();
        let lane = &mut self.tasks[index];
        lane.busy.push((start, end));
        if outcome.is_done() {
            lane.died = Some(end);
        }
    }

    fn waited(&mut self, report: &WaitReport) {
        if self.room() {
            let end = self.now();
            let start = end.saturating_sub(report.waited);
            self.poller.busy.push((start, end));
            if report.timers_fired > 0 {
                self.poller.marks.push(end);
            }
        }
    }
}
