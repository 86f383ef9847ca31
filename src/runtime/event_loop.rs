//! # The event loop: run what is ready, then wait for more
//!
//! This is asyncio's `_run_once`, written out. One *turn* has two phases:
//!
//! ```text
//!  ┌─► 1. run   pop a ready task, poll it, queue whoever it woke;
//!  │           repeat, at most `polls_per_turn` times or until none is ready
//!  │    2. wait  sleep in epoll until I/O, the nearest timer, or the
//!  │           doorbell; zero time if tasks are still ready. Queue whoever
//!  └────────── the events, expired timers and remote wakes concern.
//! ```
//!
//! The future given to `block_on` takes part as task `main`: it is queued,
//! popped and polled like the others, so `yield_now` in it lets the others
//! run. When it completes, `block_on` returns; the other tasks stay in the
//! table for the next `block_on`, or are dropped with the runtime.
//!
//! Invariants:
//! - **The reactor is never starved.** However many tasks stay ready, the
//!   loop checks I/O and timers after `polls_per_turn` polls.
//! - **No borrow is held while user code runs.** A task is taken out of the
//!   table to be polled; the scheduler is borrowed only to push or pop. So a
//!   task may spawn, abort, wake and drop other tasks from inside its poll.
//! - **No wake is lost.** Local wakes are moved into the scheduler after
//!   every poll and every wait; remote ones when the doorbell rings. The
//!   loop sleeps only when the scheduler and the local list are both empty.
//! - **A task asked for from another thread is spawned or dropped, never
//!   forgotten.** Spawn requests (`Handle::spawn`) arrive in the same inbox
//!   as remote wakes; when it is emptied, each is called here and spawns an
//!   ordinary task (or, if building its future panicked, reports that to
//!   its handle). Shutdown first closes the inbox, then drops what was
//!   still in it, then drops the tasks: a request posted before the close
//!   is dropped here, on this thread, and one posted after is refused to
//!   its sender.

use super::context;
use super::tasks::TaskTable;
use crate::blocking::Pool;
use crate::observe::{Observer, Stats, Timeline, WaitReport};
use crate::reactor::Reactor;
use crate::scheduler::{Cause, Ready, Schedule, SpawnInfo};
use crate::task::mailbox::{self, Remote, SpawnRequest};
use crate::task::{Header, JoinHandle, PollOutcome, TaskId, budget};
use crate::waker;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

const LOG: &str = "runloop::runtime";

/// How many times teardown drops a fresh batch of tasks spawned by the
/// destructors of the previous one before it refuses further spawns.
const MAX_TEARDOWN_ROUNDS: u32 = 16;

/// Everything one runtime owns, shared by the `Runtime` value and the
/// thread-local context while `block_on` runs.
pub(crate) struct EventLoop {
    tasks: RefCell<TaskTable>,
    scheduler: RefCell<Box<dyn Schedule>>,
    reactor: Rc<Reactor>,
    remote: Arc<Remote>,
    pool: Pool,
    polls_per_turn: usize,
    /// Operations a poll may complete before it must yield (`None`: no limit).
    coop_budget: Option<u32>,
    /// Scratch space for the ids collected from the remote inbox.
    woken: RefCell<Vec<TaskId>>,
    /// Scratch space for the spawn requests collected with them.
    spawns: RefCell<Vec<SpawnRequest>>,
    /// How many `block_on` calls so far: names each main future apart, so a
    /// stale wake of an earlier one is not mistaken for the current one.
    main_generation: Cell<u32>,
    /// 0 while running; during teardown, which round of dropping tasks.
    teardown_round: Cell<u32>,
    shut_down: Cell<bool>,
    /// Counters, hooks and the timeline recorder.
    observer: Observer,
    /// When the last wait in the poller ended: the busy time of a turn runs
    /// from there to the next wait.
    last_wait_end: Cell<Instant>,
}

impl EventLoop {
    pub(crate) fn new(
        scheduler: Box<dyn Schedule>,
        reactor: Reactor,
        remote: Arc<Remote>,
        pool: Pool,
        polls_per_turn: usize,
        coop_budget: Option<u32>,
        observer: Observer,
    ) -> EventLoop {
        EventLoop {
            tasks: RefCell::default(),
            scheduler: RefCell::new(scheduler),
            reactor: Rc::new(reactor),
            remote,
            pool,
            polls_per_turn: polls_per_turn.max(1),
            coop_budget,
            woken: RefCell::default(),
            spawns: RefCell::default(),
            main_generation: Cell::new(0),
            teardown_round: Cell::new(0),
            shut_down: Cell::new(false),
            observer,
            last_wait_end: Cell::new(Instant::now()),
        }
    }

    /// The counters, as of now.
    pub(crate) fn stats(&self) -> Stats {
        self.observer.counters.snapshot(self.live_tasks(), self.pool.jobs_run())
    }

    /// The recorded timeline, if recording is on.
    pub(crate) fn timeline(&self) -> Option<Timeline> {
        self.observer.timeline()
    }

    /// Prints or writes what was recorded; called once the pool is shut
    /// down too, so every job is in the record.
    pub(crate) fn report(&self) {
        self.observer.report();
    }

    pub(crate) fn reactor(&self) -> &Rc<Reactor> {
        &self.reactor
    }

    /// The runtime's inbox, for a [`Handle`](super::Handle) to post to.
    pub(crate) fn remote(&self) -> &Arc<Remote> {
        &self.remote
    }

    pub(crate) fn live_tasks(&self) -> usize {
        self.tasks.borrow().len()
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.pool
    }

    /// asyncio's `create_task`: the task is queued and runs once the loop
    /// gets to it. `info` (name, priority, deadline) goes to the scheduler,
    /// the hooks and the logs.
    pub(crate) fn spawn<F>(&self, future: F, info: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let remote = Arc::downgrade(&self.remote);
        if self.teardown_round.get() > MAX_TEARDOWN_ROUNDS {
            log::error!(
                target: LOG,
                "a destructor spawned a task while the runtime was being dropped, {MAX_TEARDOWN_ROUNDS} \
                 rounds in a row: refusing it (its future is leaked, not dropped, to end the cycle)"
            );
            return waker::refused_task(future, remote);
        }
        let (id, handle) = self.tasks.borrow_mut().insert(|id| waker::new_task(future, id, remote));
        let name = info.name;
        log::debug!(target: LOG, "spawned task {id}{}", name.map(|name| format!(" ({name})")).unwrap_or_default());
        self.observer.spawned(id, name);
        let mut scheduler = self.scheduler.borrow_mut();
        scheduler.spawned(id, &info);
        scheduler.push(Ready::new(id, Cause::Spawned));
        handle
    }

    /// Runs the loop until `future` completes.
    pub(crate) fn block_on<F: Future>(self: &Rc<Self>, future: F) -> F::Output {
        let _context = context::enter(self);
        let _mailbox = mailbox::enter(&self.remote);
        // Dropped before the mailbox guard: whatever happens, even a panic in
        // `future`, wakes made so far are queued before the mailbox closes.
        // (The future itself, declared below, is dropped before this.)
        let _flush = FlushOnExit(self);

        let generation = self.main_generation.get().wrapping_add(1);
        self.main_generation.set(generation);
        let main_id = TaskId::main(generation);
        let main = Arc::new(Header::new(main_id, Arc::downgrade(&self.remote)));
        let main_waker = waker::main_waker(main.clone());
        let mut cx = Context::from_waker(&main_waker);
        let mut future = pin!(future);

        // Wakes and spawn requests posted while no loop was running wait in
        // the inbox.
        self.queue_remote_wakes();
        self.scheduler.borrow_mut().push(Ready::new(main_id, Cause::Spawned));
        self.observer.counters.queued(1);
        loop {
            // Phase 1: run what is ready.
            for _ in 0..self.polls_per_turn {
                let Some(id) = self.scheduler.borrow_mut().pop() else {
                    break;
                };
                self.observer.popped();
                if id == main_id {
                    main.state.clear_notified();
                    log::trace!(target: LOG, "poll main");
                    self.observer.poll_started(main_id);
                    budget::reset(self.coop_budget);
                    if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                        log::debug!(target: LOG, "main future completed");
                        self.observer.poll_finished(main_id, PollOutcome::Returned);
                        return output;
                    }
                    self.observer.poll_finished(main_id, PollOutcome::Pending);
                    self.queue_local_wakes(Cause::WokenBy(main_id));
                } else if !id.is_main() {
                    self.run_task(id);
                }
            }
            // Phase 2: wait for the world.
            self.wait_for_events();
        }
    }

    /// Polls one task, if `id` still names one.
    fn run_task(&self, id: TaskId) {
        let Some(task) = self.tasks.borrow_mut().take(id) else {
            return; // stale: finished or cancelled since it was queued
        };
        self.observer.poll_started(id);
        budget::reset(self.coop_budget);
        let (outcome, task) = task.run();
        self.observer.poll_finished(id, outcome);
        log::trace!(target: LOG, "poll task {id} -> {outcome:?}");
        if outcome == PollOutcome::Pending {
            self.tasks.borrow_mut().put_back(id, task);
        } else {
            log::debug!(target: LOG, "task {id} done: {outcome:?}");
            self.tasks.borrow_mut().remove(id);
            self.scheduler.borrow_mut().finished(id);
            drop(task); // outside the borrow: this may free the task
        }
        self.queue_local_wakes(Cause::WokenBy(id));
    }

    /// Sleeps in the reactor (not at all if work is waiting), then queues
    /// every task the harvest woke.
    fn wait_for_events(&self) {
        let busy = !self.scheduler.borrow().is_empty() || mailbox::has_local();
        let timeout = if busy {
            Some(Duration::ZERO)
        } else {
            self.reactor.time_to_next_timer()
        };
        let before = Instant::now();
        let harvest = self.reactor.wait(timeout);
        let after = self.reactor.now();
        let counters = &self.observer.counters;
        crate::observe::Counters::add_time(
            &counters.busy,
            before.saturating_duration_since(self.last_wait_end.get()),
        );
        self.last_wait_end.set(after);
        self.observer.waited(&WaitReport {
            waited: after.saturating_duration_since(before),
            timeout,
            io_events: harvest.io_events,
            timers_fired: harvest.timers_fired,
            doorbell: harvest.doorbell,
        });
        self.queue_local_wakes(Cause::Woken);
        if harvest.doorbell {
            self.queue_remote_wakes();
        }
    }

    /// Moves the ids woken on this thread into the scheduler. Runs after
    /// every poll, so it is on the hot path: no copying, no allocation.
    fn queue_local_wakes(&self, cause: Cause) {
        mailbox::drain_local(|woken| self.queue(woken, cause));
    }

    /// Empties the remote inbox: queues the tasks woken from other threads
    /// and spawns the tasks asked for from there. Each request spawns its
    /// task itself (`runloop::spawn` finds this loop, which is current
    /// here) and catches its own panics (`src/runtime/remote_join.rs`).
    fn queue_remote_wakes(&self) {
        let mut woken = self.woken.take();
        let mut spawns = self.spawns.take();
        self.remote.collect(&mut woken, &mut spawns);
        self.queue(&mut woken, Cause::Remote);
        *self.woken.borrow_mut() = woken;
        for request in spawns.drain(..) {
            request();
        }
        *self.spawns.borrow_mut() = spawns;
    }

    /// Hands `woken` to the scheduler, leaving it empty.
    fn queue(&self, woken: &mut Vec<TaskId>, cause: Cause) {
        if woken.is_empty() {
            return;
        }
        let mut scheduler = self.scheduler.borrow_mut();
        for &id in woken.iter() {
            scheduler.push(Ready::new(id, cause));
        }
        drop(scheduler);
        self.observer.woken_all(woken, cause);
        woken.clear();
    }

    /// Drops every task, each future exactly once, on this thread. Futures
    /// dropped here may spawn or wake others; the loop repeats until the
    /// table stays empty. A destructor that always spawns a replacement
    /// would make that endless, so after `MAX_TEARDOWN_ROUNDS` rounds new
    /// spawns are refused (asyncio refuses `create_task` on a closed loop).
    ///
    /// Before that, the inbox is closed, so `Handle::spawn` fails from now
    /// on, and the spawn requests that had arrived but were never spawned
    /// are dropped: their handles resolve as cancelled.
    pub(crate) fn shutdown(self: &Rc<Self>) {
        // There may be two calls (`shutdown_timeout`, then drop); report once.
        if !self.shut_down.replace(true) {
            self.observer.shutting_down();
        }
        let _context = context::enter_for_teardown(self);
        let _mailbox = mailbox::enter(&self.remote);
        let unspawned = self.remote.close();
        let never_spawned = unspawned.len();
        for request in unspawned {
            // The user's future (or closure) is dropped here; a panic in its
            // destructor must not escape from the runtime's drop.
            if panic::catch_unwind(AssertUnwindSafe(|| drop(request))).is_err() {
                log::error!(target: LOG, "dropping a future spawned from another thread panicked");
            }
        }
        let mut dropped = 0;
        loop {
            let tasks = self.tasks.borrow_mut().drain();
            if tasks.is_empty() {
                break;
            }
            self.teardown_round.set(self.teardown_round.get() + 1);
            dropped += tasks.len();
            for task in tasks {
                task.shutdown();
            }
        }
        let mut scheduler = self.scheduler.borrow_mut();
        while scheduler.pop().is_some() {}
        drop(scheduler);
        mailbox::drain_local(Vec::clear);
        log::debug!(
            target: LOG,
            "runtime dropped with {dropped} live tasks and {never_spawned} spawn requests never spawned"
        );
    }
}

/// Queues the wakes made by the last poll when `block_on` exits.
struct FlushOnExit<'a>(&'a EventLoop);

impl Drop for FlushOnExit<'_> {
    fn drop(&mut self) {
        self.0.queue_local_wakes(Cause::Woken);
    }
}
