//! # The event loop: run what is ready, then wait for more
//!
//! Read this file first: everything else in runloop is something one turn
//! of this loop calls. [`EventLoop::run_once`] is asyncio's `_run_once`,
//! written out, and like it, it is the only place where futures are polled:
//!
//! ```text
//!  ┌─► run ready tasks    pop a ready task, poll it, queue whoever it woke;
//!  │                      at most `polls_per_turn` times, or until none is ready
//!  │   compute timeout    zero if tasks are still ready, else until the
//!  │                      nearest timer (or forever, if there is none)
//!  │   wait               sleep in epoll until I/O, that timer, or the doorbell
//!  └── queue wakes        whoever the events, expired timers and the inbox woke
//! ```
//!
//! Each section makes one call to the [`Observer`], which keeps the
//! counters and, when something watches, the rest (`src/observe/`): like
//! asyncio's debug mode, watching is a thing the loop *reports to*, never
//! a thing written into it. `turn_starting` and `wait_starting` lend the
//! observer the loop itself, read-only (`LoopView`, in `loop_view.rs`), so
//! the inspect mode can print the run queue, the timers and the sockets;
//! with it off, those calls return at once.
//!
//! The future given to `block_on` takes part as task `main`
//! ([`MainTask`]): it is queued, popped and polled through the same
//! one-task path as the others (every poll is bracketed by
//! [`EventLoop::poll_starting`] and [`EventLoop::poll_ended`]), so
//! `yield_now` in it lets the others run. When it completes, `block_on` returns; the other
//! tasks stay in the table for the next `block_on`, or are dropped with the
//! runtime.
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
use crate::observe::{Observer, Stats};
use crate::reactor::Reactor;
use crate::scheduler::{Cause, Ready, Schedule, SpawnInfo};
use crate::task::mailbox::{self, Inbox, SpawnRequest};
use crate::task::{self, Header, JoinHandle, PollOutcome, TaskId, budget};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const LOG: &str = "runloop::runtime";

/// How many times teardown drops a fresh batch of tasks spawned by the
/// destructors of the previous one before it refuses further spawns.
const MAX_TEARDOWN_ROUNDS: u32 = 16;

/// Everything one runtime owns, shared by the `Runtime` value and the
/// loop thread's state while `block_on` runs.
/// The runtime's files reach its parts directly (`pub(super)`): no
/// forwarding methods between a `Runtime` and what it owns.
pub(crate) struct EventLoop {
    pub(super) tasks: RefCell<TaskTable>,
    scheduler: RefCell<Box<dyn Schedule>>,
    pub(super) reactor: Rc<Reactor>,
    pub(super) inbox: Arc<Inbox>,
    pub(super) pool: Pool,
    polls_per_turn: usize,
    /// Operations a poll may complete before it must yield (`None`: no limit).
    coop_budget: Option<u32>,
    /// Scratch space for the ids collected from the inbox.
    remote_wakes: RefCell<Vec<TaskId>>,
    /// Scratch space for the spawn requests collected with them.
    spawn_requests: RefCell<Vec<SpawnRequest>>,
    /// How many `block_on` calls so far: names each main future apart, so a
    /// stale wake of an earlier one is not mistaken for the current one.
    pub(super) main_generation: Cell<u32>,
    /// Where the current `block_on` future's header lives, the address its
    /// wakers point at: lets the inspect mode name it as a waiter.
    pub(super) main_waker_address: Cell<usize>,
    /// 0 while running; during teardown, which round of dropping tasks.
    teardown_round: Cell<u32>,
    shut_down: Cell<bool>,
    /// Counters, hooks and the timeline recorder.
    pub(super) observer: Observer,
}

impl EventLoop {
    pub(crate) fn new(
        scheduler: Box<dyn Schedule>,
        reactor: Reactor,
        inbox: Arc<Inbox>,
        pool: Pool,
        polls_per_turn: usize,
        coop_budget: Option<u32>,
        observer: Observer,
    ) -> EventLoop {
        EventLoop {
            tasks: RefCell::default(),
            scheduler: RefCell::new(scheduler),
            reactor: Rc::new(reactor),
            inbox,
            pool,
            polls_per_turn: polls_per_turn.max(1),
            coop_budget,
            remote_wakes: RefCell::default(),
            spawn_requests: RefCell::default(),
            main_generation: Cell::new(0),
            main_waker_address: Cell::new(0),
            teardown_round: Cell::new(0),
            shut_down: Cell::new(false),
            observer,
        }
    }

    /// Runs the loop until `future` completes.
    pub(crate) fn block_on<F: Future>(self: &Rc<Self>, future: F) -> F::Output {
        let _running_here = context::enter(self);
        let main_id = self.next_main_id();
        // Guards drop in reverse order: first the future (its destructor may
        // wake tasks), then this guard queues those wakes, and any that the
        // future's last poll made if it panicked, then `_running_here` gives
        // the thread back.
        let _queue_wakes = QueueWakesOnExit(self, main_id);
        let mut future = pin!(future);
        let mut main = MainTask::new(self, main_id, future.as_mut());
        // Wakes and spawn requests posted while no loop was running.
        self.empty_inbox();
        self.scheduler.borrow_mut().push(Ready::new(main_id, Cause::Spawned));
        self.observer.main_queued(main_id);
        loop {
            if let Some(output) = self.run_once(&mut main) {
                return output;
            }
        }
    }

    /// Names this `block_on`'s main future apart from earlier ones.
    fn next_main_id(&self) -> TaskId {
        let generation = self.main_generation.get().wrapping_add(1);
        self.main_generation.set(generation);
        TaskId::main(generation)
    }

    /// One turn of the loop; `Some` once the main future has completed.
    fn run_once<F: Future>(&self, main: &mut MainTask<'_, F>) -> Option<F::Output> {
        // ── run ready tasks ─────────────────────────────────────────────
        self.observer.turn_starting(self);
        for _ in 0..self.polls_per_turn {
            let Some(id) = self.pop() else {
                break;
            };
            if id == main.id {
                if let Poll::Ready(output) = self.poll_main(main) {
                    return Some(output);
                }
            } else if !id.is_main() {
                self.run_task(id);
            } // else: a stale wake of an earlier `block_on`'s main future
        }
        // ── compute the timeout ─────────────────────────────────────────
        let ready = !self.scheduler.borrow().is_empty() || mailbox::has_local();
        let timeout = if ready {
            Some(Duration::ZERO)
        } else {
            self.reactor.time_to_next_timer()
        };
        // ── wait for I/O, the nearest timer, or the doorbell ────────────
        self.observer.wait_starting(timeout, self);
        let woke = self.reactor.wait(timeout);
        self.observer.wait_ended(timeout, &woke);
        // ── queue whoever that woke ─────────────────────────────────────
        self.queue_local_wakes(Cause::Reactor);
        if woke.doorbell {
            self.empty_inbox();
        }
        None
    }

    /// Polls one task, if `id` still names one.
    fn run_task(&self, id: TaskId) {
        let Some(task) = self.tasks.borrow_mut().take(id) else {
            return; // stale: finished or cancelled since it was queued
        };
        self.poll_starting(id);
        let (outcome, task) = task.run();
        if outcome == PollOutcome::Pending {
            self.tasks.borrow_mut().put_back(id, task);
        } else {
            log::debug!(target: LOG, "{}: task {id} done: {outcome:?}", self.observer.label());
            self.tasks.borrow_mut().remove(id);
            self.scheduler.borrow_mut().finished(id);
            drop(task); // outside the borrow: this may free the task
        }
        self.poll_ended(id, outcome);
    }

    /// Polls the future given to `block_on`, the same way.
    fn poll_main<F: Future>(&self, main: &mut MainTask<'_, F>) -> Poll<F::Output> {
        self.poll_starting(main.id);
        let polled = main.poll();
        let outcome = match polled {
            Poll::Ready(_) => PollOutcome::Returned,
            Poll::Pending => PollOutcome::Pending,
        };
        self.poll_ended(main.id, outcome);
        polled
    }

    // ----- the one-task path: every poll, of a task or of the main
    // future, is bracketed by these two -------------------------------

    /// Before a poll: tell the observer, refill the budget.
    #[inline]
    fn poll_starting(&self, id: TaskId) {
        self.observer.poll_started(id);
        budget::reset(self.coop_budget);
    }

    /// After a poll: tell the observer, queue whoever the poll woke.
    #[inline]
    fn poll_ended(&self, id: TaskId, outcome: PollOutcome) {
        self.observer.poll_finished(id, outcome);
        log::trace!(target: LOG, "{}: poll {id} -> {outcome:?}", self.observer.label());
        self.queue_local_wakes(Cause::WokenBy(id));
    }

    /// asyncio's `create_task`: the task is queued and runs once the loop
    /// gets to it. `info` (name, priority, deadline) goes to the scheduler,
    /// the hooks and the logs.
    pub(crate) fn spawn<F>(&self, future: F, info: SpawnInfo) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let inbox = Arc::downgrade(&self.inbox);
        if self.teardown_round.get() > MAX_TEARDOWN_ROUNDS {
            log::error!(
                target: LOG,
                "{}: a destructor spawned a task while the runtime was being dropped, {MAX_TEARDOWN_ROUNDS} \
                 rounds in a row: refusing it (its future is leaked, not dropped, to end the cycle)",
                self.observer.label()
            );
            return task::refused_task(future, inbox);
        }
        let (id, handle) = self.tasks.borrow_mut().insert(|id| task::new_task(future, id, inbox));
        let name = info.name;
        log::debug!(target: LOG, "{}: spawned task {id} {}", self.observer.label(), name.unwrap_or(""));
        self.observer.spawned(id, name);
        let mut scheduler = self.scheduler.borrow_mut();
        scheduler.spawned(id, &info);
        scheduler.push(Ready::new(id, Cause::Spawned));
        handle
    }

    // ----- the run queue ---------------------------------------------

    #[inline]
    fn pop(&self) -> Option<TaskId> {
        let id = self.scheduler.borrow_mut().pop()?;
        self.observer.popped();
        Some(id)
    }

    /// Moves the ids woken on this thread into the scheduler. Runs after
    /// every poll, so it is on the hot path: no copying, no allocation.
    fn queue_local_wakes(&self, cause: Cause) {
        mailbox::drain_local(|local_wakes| self.queue(local_wakes, cause));
    }

    /// Empties the inbox: queues the tasks woken from other threads and
    /// spawns the tasks asked for from there. Each request spawns its task
    /// itself (`runloop::spawn` finds this loop, which is current here) and
    /// catches its own panics (`src/runtime/remote_join.rs`); whatever the
    /// request's own code wakes on this thread is queued as remote too.
    fn empty_inbox(&self) {
        let mut remote_wakes = self.remote_wakes.take();
        let mut spawn_requests = self.spawn_requests.take();
        self.inbox.collect(&mut remote_wakes, &mut spawn_requests);
        self.queue(&mut remote_wakes, Cause::Remote);
        *self.remote_wakes.borrow_mut() = remote_wakes;
        for request in spawn_requests.drain(..) {
            request();
        }
        *self.spawn_requests.borrow_mut() = spawn_requests;
        self.queue_local_wakes(Cause::Remote);
    }

    /// Hands `ids` to the scheduler, leaving the list empty.
    fn queue(&self, ids: &mut Vec<TaskId>, cause: Cause) {
        if ids.is_empty() {
            return;
        }
        let mut scheduler = self.scheduler.borrow_mut();
        for &id in ids.iter() {
            scheduler.push(Ready::new(id, cause));
        }
        drop(scheduler);
        self.observer.woken_all(ids, cause);
        ids.clear();
    }

    // ----- for the `Runtime` -----------------------------------------

    /// The counters, as of now.
    pub(crate) fn stats(&self) -> Stats {
        self.observer
            .counters
            .snapshot(self.tasks.borrow().len(), self.pool.jobs_run())
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
            self.observer.shutting_down(self.as_ref());
        }
        let _running_here = context::enter_for_teardown(self);
        let unspawned = self.inbox.close();
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
            "{}: runtime dropped with {dropped} live tasks and {never_spawned} spawn requests never spawned",
            self.observer.label()
        );
    }
}

/// The future given to `block_on`, dressed as a task: an id, a header for
/// its waker to point at (the wakes go through the same mailbox as any
/// task's), and the future itself, pinned on `block_on`'s stack. It is not
/// in the task table: it is not `'static`, and `block_on` owns it.
struct MainTask<'a, F: Future> {
    id: TaskId,
    header: Arc<Header>,
    waker: Waker,
    future: Pin<&'a mut F>,
}

impl<'a, F: Future> MainTask<'a, F> {
    fn new(event_loop: &EventLoop, id: TaskId, future: Pin<&'a mut F>) -> MainTask<'a, F> {
        let header = Arc::new(Header::new(id, Arc::downgrade(&event_loop.inbox)));
        event_loop.main_waker_address.set(Arc::as_ptr(&header) as usize);
        MainTask {
            id,
            waker: task::main_waker(header.clone()),
            header,
            future,
        }
    }

    /// Polls the future once; from here on a wake queues it again.
    fn poll(&mut self) -> Poll<F::Output> {
        self.header.state.clear_notified();
        self.future.as_mut().poll(&mut Context::from_waker(&self.waker))
    }
}

/// Queues, as `block_on` exits, the wakes made by the main future's
/// destructor, and by its last poll if that panicked (after a poll that
/// returns, `poll_ended` has queued them already); then tells the observer
/// the loop stopped.
struct QueueWakesOnExit<'a>(&'a EventLoop, TaskId);

impl Drop for QueueWakesOnExit<'_> {
    fn drop(&mut self) {
        self.0.queue_local_wakes(Cause::WokenBy(self.1));
        self.0.observer.loop_stopped(self.0);
    }
}
