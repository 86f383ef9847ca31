//! # The blocking pool: threads for work that would stall the loop
//!
//! A blocking call — `std::net` I/O, a file read, a long computation —
//! inside a task stops the whole loop: no other task runs until it returns.
//! asyncio's answer is `loop.run_in_executor(None, f)`, which runs `f` on a
//! `concurrent.futures.ThreadPoolExecutor`. This file is that executor,
//! built from `std::thread`, a `Mutex` and a `Condvar`:
//!
//! - jobs wait in a FIFO queue;
//! - a thread is started only when a job arrives and every thread is busy,
//!   up to `max_threads` (default `min(32, cores + 4)`, Python's default);
//! - an idle thread waits on the `Condvar` and exits after `keep_alive`
//!   (default 10 s) without work, so an idle program holds no threads;
//! - a job that panics is caught inside the job (see `mod.rs`), so its
//!   thread survives and the pool keeps its capacity.
//!
//! Shutting down drops the jobs that never started (their handles resolve
//! as cancelled) and waits — for ever, or up to a timeout — for running
//! jobs, which cannot be interrupted: Rust has no way to stop a thread from
//! outside, and Python's `executor.shutdown(wait=True)` waits the same way.
//!
//! Invariants: `threads` counts live worker threads and `idle` those
//! waiting for work; a job is pushed before the decision to wake or spawn,
//! under the same lock, so a queued job always has a thread coming for it.
//! Jobs run, and are dropped, outside the lock, and every step of a job that
//! runs user code (the work, handing over or dropping its result, dropping
//! what an unrun job captured) is guarded with `catch_unwind`: a worker
//! never dies while it is counted. An aborted job stays queued, holding what
//! it captured, until a worker reaches it and drops it.

use crate::observe::JobLog;
use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

const LOG: &str = "runloop::blocking";

/// A unit of blocking work, in two steps, so that the pool can note the
/// job's end (for the counters and the timeline) *before* anyone waiting
/// for the result can see it.
pub(crate) trait Job: Send + 'static {
    /// Does the work; `false` if the job was called off before it started.
    fn run(&mut self) -> bool;
    /// Hands the result over. A job dropped without running hands over
    /// nothing, which its receiver reads as "cancelled".
    fn deliver(self: Box<Self>);
}

/// Python's `ThreadPoolExecutor` default: `min(32, os.cpu_count() + 4)`.
pub(crate) fn default_max_threads() -> usize {
    let cores = thread::available_parallelism().map_or(1, |cores| cores.get());
    (cores + 4).min(32)
}

/// How long an idle thread waits for work before it exits.
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

pub(crate) struct Pool {
    shared: Arc<PoolShared>,
}

/// What the `Pool` handle and its threads share: the job queue and thread
/// counts behind one lock, and the settings.
struct PoolShared {
    state: Mutex<State>,
    /// Signalled when a job is queued, or at shutdown.
    work: Condvar,
    /// Signalled when a thread exits.
    exited: Condvar,
    max_threads: usize,
    keep_alive: Duration,
    /// Jobs run to the end, for `Runtime::stats`.
    jobs_run: AtomicU64,
    /// Where to note each job's start and end, when a timeline is recorded.
    log: Option<Arc<JobLog>>,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Box<dyn Job>>,
    threads: usize,
    idle: usize,
    started: usize,
    shutdown: bool,
    /// Every thread started, so shutdown can wait until they have truly
    /// exited (their thread-local destructors included).
    handles: Vec<thread::JoinHandle<()>>,
}

impl PoolShared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pool {
    pub(crate) fn new(max_threads: usize, keep_alive: Duration, log: Option<Arc<JobLog>>) -> Pool {
        Pool {
            shared: Arc::new(PoolShared {
                state: Mutex::default(),
                work: Condvar::new(),
                exited: Condvar::new(),
                max_threads: max_threads.max(1),
                keep_alive,
                jobs_run: AtomicU64::new(0),
                log,
            }),
        }
    }

    /// Queues `job`, waking an idle thread or starting a new one. After
    /// shutdown the job is dropped, which resolves its handle as cancelled.
    pub(crate) fn submit(&self, job: Box<dyn Job>) {
        let mut state = self.shared.lock();
        if state.shutdown {
            drop(state);
            drop_guarded(job);
            return;
        }
        state.queue.push_back(job);
        // Each idle thread will take one queued job; start a thread only
        // for the jobs they cannot cover.
        if state.idle >= state.queue.len() {
            self.shared.work.notify_one();
        } else if state.threads < self.shared.max_threads {
            state.threads += 1;
            state.started += 1;
            let number = state.started;
            let name = format!("runloop-blocking-{number}");
            let shared = self.shared.clone();
            match thread::Builder::new().name(name).spawn(move || work(shared, number)) {
                Ok(handle) => {
                    state.handles.retain(|handle| !handle.is_finished());
                    state.handles.push(handle);
                }
                Err(error) => {
                    state.threads -= 1;
                    log::error!(target: LOG, "could not start a blocking thread: {error}");
                    if state.threads == 0 {
                        // Nobody will ever run it: drop it so its handle resolves.
                        let job = state.queue.pop_back();
                        drop(state);
                        if let Some(job) = job {
                            drop_guarded(job);
                        }
                    }
                }
            }
        }
    }

    /// Stops the pool: queued jobs are dropped, running ones finish. Waits
    /// until every thread has exited, or until `timeout` passes; returns
    /// whether they all exited. A second call returns at once.
    pub(crate) fn shutdown(&self, timeout: Option<Duration>) -> bool {
        let mut state = self.shared.lock();
        if state.shutdown {
            return state.threads == 0;
        }
        state.shutdown = true;
        let never_started = std::mem::take(&mut state.queue);
        self.shared.work.notify_all();
        drop(state);
        if !never_started.is_empty() {
            log::debug!(target: LOG, "dropping {} blocking jobs that never started", never_started.len());
        }
        never_started.into_iter().for_each(drop_guarded);

        let deadline = timeout.and_then(|timeout| Instant::now().checked_add(timeout));
        let mut state = self.shared.lock();
        while state.threads > 0 {
            state = match deadline {
                None => self.shared.exited.wait(state).unwrap_or_else(PoisonError::into_inner),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        log::debug!(target: LOG, "shutdown timed out with {} jobs still running", state.threads);
                        return false;
                    }
                    self.shared
                        .exited
                        .wait_timeout(state, left)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
        // Every worker has left its loop; wait for the threads themselves to
        // end, thread-local destructors and all.
        let handles = std::mem::take(&mut state.handles);
        drop(state);
        for handle in handles {
            let _ = handle.join();
        }
        true
    }

    /// Live worker threads.
    pub(crate) fn threads(&self) -> usize {
        self.shared.lock().threads
    }

    /// Jobs run to the end so far.
    pub(crate) fn jobs_run(&self) -> u64 {
        self.shared.jobs_run.load(Ordering::Relaxed)
    }
}

/// A worker thread: run queued jobs; wait for more; leave when idle for
/// `keep_alive` or when the pool shuts down.
fn work(shared: Arc<PoolShared>, number: usize) {
    let mut state = shared.lock();
    loop {
        if let Some(mut job) = state.queue.pop_front() {
            drop(state);
            let start = shared.log.as_ref().map(|_| Instant::now());
            // `run` catches the work's own panic; this catches the rest (a
            // destructor of what the job captured), so the thread survives.
            let ran = panic::catch_unwind(AssertUnwindSafe(|| job.run())).unwrap_or(true);
            if ran {
                shared.jobs_run.fetch_add(1, Ordering::Relaxed);
                if let (Some(log), Some(start)) = (&shared.log, start) {
                    log.record(number, start, Instant::now());
                }
            }
            drop_guarded_delivery(job);
            state = shared.lock();
            continue;
        }
        if state.shutdown {
            break;
        }
        state.idle += 1;
        let (guard, waited) = shared
            .work
            .wait_timeout(state, shared.keep_alive)
            .unwrap_or_else(PoisonError::into_inner);
        state = guard;
        state.idle -= 1;
        if waited.timed_out() && state.queue.is_empty() {
            log::trace!(target: LOG, "idle for {:?}: thread exits", shared.keep_alive);
            break;
        }
    }
    state.threads -= 1;
    drop(state);
    shared.exited.notify_all();
}

/// Hands a job's result over; a panic from dropping an unwanted result (or
/// an unrun job's captures) is logged, not allowed to end the thread.
fn drop_guarded_delivery(job: Box<dyn Job>) {
    if panic::catch_unwind(AssertUnwindSafe(|| job.deliver())).is_err() {
        log::error!(target: LOG, "a blocking job's result (or captured value) panicked while being dropped");
    }
}

/// Drops a job that will never run, guarding against a panicking destructor.
fn drop_guarded(job: Box<dyn Job>) {
    if panic::catch_unwind(AssertUnwindSafe(|| drop(job))).is_err() {
        log::error!(target: LOG, "a blocking job's captured value panicked while being dropped");
    }
}
