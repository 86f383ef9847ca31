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
//! Jobs run, and are dropped, outside the lock.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

const LOG: &str = "runloop::blocking";

/// A unit of blocking work. It carries its own result channel.
pub(crate) type Job = Box<dyn FnOnce() + Send + 'static>;

/// Python's `ThreadPoolExecutor` default: `min(32, os.cpu_count() + 4)`.
pub(crate) fn default_max_threads() -> usize {
    let cores = thread::available_parallelism().map_or(1, |cores| cores.get());
    (cores + 4).min(32)
}

/// How long an idle thread waits for work before it exits.
pub(crate) const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

pub(crate) struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a job is queued, or at shutdown.
    work: Condvar,
    /// Signalled when a thread exits.
    exited: Condvar,
    max_threads: usize,
    keep_alive: Duration,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    threads: usize,
    idle: usize,
    started: usize,
    shutdown: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pool {
    pub(crate) fn new(max_threads: usize, keep_alive: Duration) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                state: Mutex::default(),
                work: Condvar::new(),
                exited: Condvar::new(),
                max_threads: max_threads.max(1),
                keep_alive,
            }),
        }
    }

    /// Queues `job`, waking an idle thread or starting a new one. After
    /// shutdown the job is dropped, which resolves its handle as cancelled.
    pub(crate) fn submit(&self, job: Job) {
        let mut state = self.shared.lock();
        if state.shutdown {
            drop(state);
            drop(job);
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
            let name = format!("runloop-blocking-{}", state.started);
            let shared = self.shared.clone();
            if let Err(error) = thread::Builder::new().name(name).spawn(move || work(shared)) {
                state.threads -= 1;
                log::error!(target: LOG, "could not start a blocking thread: {error}");
                if state.threads == 0 {
                    // Nobody will ever run it: drop it so its handle resolves.
                    let job = state.queue.pop_back();
                    drop(state);
                    drop(job);
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
        drop(never_started);

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
        true
    }

    /// Live worker threads.
    pub(crate) fn threads(&self) -> usize {
        self.shared.lock().threads
    }
}

/// A worker thread: run queued jobs; wait for more; leave when idle for
/// `keep_alive` or when the pool shuts down.
fn work(shared: Arc<Shared>) {
    let mut state = shared.lock();
    loop {
        if let Some(job) = state.queue.pop_front() {
            drop(state);
            job();
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
