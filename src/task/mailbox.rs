//! # Where a wake goes: the local list and the remote inbox
//!
//! Waking a task means "put its id where the loop will find it". asyncio
//! spells this `loop.call_soon(step)` on the loop's own thread and
//! `loop.call_soon_threadsafe(step)` from anywhere else, and the second one
//! writes a byte to a self-pipe so a loop asleep in `select()` returns. We
//! keep the same two doors, and a `Waker` picks one by itself:
//!
//! - **Local** ([`deliver`] on the loop's own thread): push the id onto a
//!   thread-local `Vec`. No lock, no atomic beyond the one that made the
//!   wake idempotent. The loop moves these ids into its scheduler after
//!   every poll and every reactor phase.
//! - **Remote** (any other thread, or this thread while the loop is not
//!   running): lock the runtime's [`Remote`] inbox, push the id, and ring
//!   the doorbell — a `mio::Waker`, an eventfd on Linux — so that
//!   `Poll::poll` returns at once. The doorbell is rung only when the inbox
//!   goes from "nobody has rung" to "rung", so a burst of remote wakes costs
//!   one syscall, and the loop empties the inbox when it hears the bell.
//!
//! asyncio's inbox holds any callback; ours holds ids, plus one other kind
//! of letter: a *spawn request* ([`SpawnRequest`]), posted by
//! `Handle::spawn` from another thread (asyncio's
//! `run_coroutine_threadsafe`, which is `call_soon_threadsafe` of "create a
//! task"). A request is a boxed `Send` closure; the loop calls it on its own
//! thread when it empties the inbox, and it spawns the task there
//! (`src/runtime/remote_join.rs` builds it). It uses the same lock and the
//! same doorbell.
//!
//! How does a waker know which loop is running on this thread? The
//! thread-local [`Here`] remembers the address of the running loop's
//! `Remote`, and each task remembers the address of its own. The task holds
//! a `Weak` to it, which keeps that address from being reused while the
//! task exists, so equal addresses really mean "my loop".
//!
//! Invariants: an id pushed here is only an id, never a reference that keeps
//! a task alive, so a stale one is harmless (the task table checks its
//! generation). When the runtime starts to shut down it *closes* the inbox
//! ([`Remote::close`]) under the same lock that posting takes: a request
//! posted before is handed back to be dropped, one posted after is refused
//! and returned to its sender, so none is lost or left waiting, and a wake
//! after closing is ignored. After the runtime is dropped, `Weak::upgrade`
//! fails and a remote wake quietly does nothing; the task's `Weak` keeps
//! only the empty shell of the `Remote` allocation alive, not the runtime.
//! A request is never dropped while the lock is held: its destructor is
//! user code, which may well post again.

use super::TaskId;
use std::cell::{Cell, RefCell};
use std::ptr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

const LOG: &str = "runloop::task::mailbox";

/// A task asked for from another thread: a closure the loop calls on its
/// own thread, inside `block_on`, that spawns the task there with
/// `runloop::spawn`. Built by `Handle::spawn`; the task reports its own
/// outcome (see `src/runtime/remote_join.rs`), so the loop only calls the
/// closure and forgets it. Dropped uncalled if the runtime shuts down first.
pub(crate) type SpawnRequest = Box<dyn FnOnce() + Send>;

/// The cross-thread half of a runtime: an inbox of woken ids and spawn
/// requests, and a doorbell.
pub(crate) struct Remote {
    inbox: Mutex<Inbox>,
    doorbell: mio::Waker,
}

#[derive(Default)]
struct Inbox {
    woken: Vec<TaskId>,
    spawns: Vec<SpawnRequest>,
    /// The doorbell has been rung and the loop has not emptied the inbox
    /// since: more wakes can skip the syscall.
    rung: bool,
    /// The runtime is shutting down: nothing more is accepted.
    closed: bool,
}

impl Inbox {
    /// Whether this letter must ring the doorbell; marks it rung.
    fn first_since_emptied(&mut self) -> bool {
        !std::mem::replace(&mut self.rung, true)
    }
}

impl Remote {
    pub(crate) fn new(doorbell: mio::Waker) -> Remote {
        Remote {
            inbox: Mutex::default(),
            doorbell,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inbox> {
        // Nothing panics while holding this lock; recover if it ever did.
        self.inbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Delivers a wake from outside the loop thread.
    fn post(&self, id: TaskId) {
        let ring = {
            let mut inbox = self.lock();
            if inbox.closed {
                drop(inbox);
                log::trace!(target: LOG, "wake {id} ignored: its runtime is shutting down");
                return;
            }
            inbox.woken.push(id);
            inbox.first_since_emptied()
        };
        log::trace!(target: LOG, "wake {id} (remote{})", if ring { ", ring doorbell" } else { "" });
        self.ring(ring);
    }

    /// Posts a spawn request from any thread. Hands the request back if the
    /// inbox is closed; the caller drops it, outside this lock.
    pub(crate) fn post_spawn(&self, request: SpawnRequest) -> Result<(), SpawnRequest> {
        let ring = {
            let mut inbox = self.lock();
            if inbox.closed {
                return Err(request);
            }
            inbox.spawns.push(request);
            inbox.first_since_emptied()
        };
        log::trace!(target: LOG, "spawn request (remote{})", if ring { ", ring doorbell" } else { "" });
        self.ring(ring);
        Ok(())
    }

    fn ring(&self, ring: bool) {
        if ring && let Err(error) = self.doorbell.wake() {
            log::error!(target: LOG, "could not ring the loop's doorbell: {error}");
            // Let the next letter try again rather than assume the loop heard.
            self.lock().rung = false;
        }
    }

    /// Moves every posted id into `woken` and every spawn request into
    /// `spawns`. Both this and the posting methods touch `rung` under the
    /// lock, so a letter either lands before this (and is collected now) or
    /// after (and rings the bell again): none is lost.
    pub(crate) fn collect(&self, woken: &mut Vec<TaskId>, spawns: &mut Vec<SpawnRequest>) {
        let mut inbox = self.lock();
        inbox.rung = false;
        woken.append(&mut inbox.woken);
        spawns.append(&mut inbox.spawns);
    }

    /// Closes the inbox for good: later wakes are ignored and later spawn
    /// requests refused. Discards the pending wakes and hands back the
    /// pending requests, for the caller to drop outside the lock.
    pub(crate) fn close(&self) -> Vec<SpawnRequest> {
        let mut inbox = self.lock();
        inbox.closed = true;
        inbox.woken = Vec::new();
        std::mem::take(&mut inbox.spawns)
    }
}

/// What this thread knows about the loop running on it, if any.
struct Here {
    /// Address of the running loop's `Remote`; null when no loop runs here.
    running: Cell<*const Remote>,
    woken: RefCell<Vec<TaskId>>,
}

thread_local! {
    static HERE: Here = const {
        Here { running: Cell::new(ptr::null()), woken: RefCell::new(Vec::new()) }
    };
}

/// Puts a woken task's id where its loop will find it.
///
/// Every `yield_now`, channel hand-off and socket event comes through here,
/// almost always on the loop's own thread. So the local door is kept small
/// and always inlined into the waker (one call less per wake), and both the
/// remote door and the trace line are separate, cold calls.
#[inline(always)]
pub(crate) fn deliver(id: TaskId, remote: &Weak<Remote>) {
    let mine = Weak::as_ptr(remote);
    // `try_with` because a waker may fire from another thread-local's
    // destructor, after `HERE` is gone; then we are certainly not inside the
    // loop, and the remote door still works.
    let delivered_here = HERE
        .try_with(|here| {
            if here.running.get() != mine {
                return false;
            }
            // Busy only while the loop itself is handing the list to its
            // scheduler and the scheduler wakes a task: then the remote
            // door takes it, slower but just as sure.
            match here.woken.try_borrow_mut() {
                Ok(mut woken) => {
                    woken.push(id);
                    true
                }
                Err(_) => false,
            }
        })
        .unwrap_or(false);
    if !delivered_here {
        deliver_remote(id, remote);
    } else if log::log_enabled!(target: LOG, log::Level::Trace) {
        trace_local_wake(id);
    }
}

/// The trace line for a local wake, out of line. Formatting needs a large
/// stack frame; with `log::trace!` written inline, the compiler set that
/// frame up on every wake, logging on or off, and `deliver` was too big to
/// inline. Together that was a tenth of a `yield_now` round trip.
#[cold]
#[inline(never)]
fn trace_local_wake(id: TaskId) {
    log::trace!(target: LOG, "wake {id} (local)");
}

/// The other door: another thread, no loop running here, or the local list
/// lent out.
#[cold]
#[inline(never)]
fn deliver_remote(id: TaskId, remote: &Weak<Remote>) {
    if let Some(remote) = remote.upgrade() {
        remote.post(id);
    } else {
        log::trace!(target: LOG, "wake {id} ignored: its runtime is gone");
    }
}

/// Marks `remote`'s loop as the one running on this thread until the guard
/// drops, so that wakes for its tasks take the local door.
///
/// Loops can stack: a task of loop A may drop a whole runtime B, whose
/// teardown enters B for a moment. The guard sets A's undelivered local wakes
/// aside and gives them back on exit, so B never sees (or discards) them.
///
/// If this thread's locals are already being destroyed (a runtime kept in a
/// `thread_local!` is dropped at thread exit), there is nothing to enter:
/// every wake then takes the remote door, which still works.
pub(crate) fn enter(remote: &Arc<Remote>) -> Entered {
    HERE.try_with(|here| Entered {
        previous: here.running.replace(Arc::as_ptr(remote)),
        set_aside: here.woken.take(),
    })
    .unwrap_or_else(|_| Entered {
        previous: ptr::null(),
        set_aside: Vec::new(),
    })
}

/// Restores the previous loop (usually none) when dropped.
pub(crate) struct Entered {
    previous: *const Remote,
    set_aside: Vec<TaskId>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let set_aside = std::mem::take(&mut self.set_aside);
        let _ = HERE.try_with(|here| {
            here.running.set(self.previous);
            *here.woken.borrow_mut() = set_aside;
        });
    }
}

/// Lends `f` the ids woken locally since the last call, in wake order; `f`
/// must leave the list empty. Runs after every poll, so it is kept cheap:
/// nothing happens unless something was woken, and nothing is copied. A wake
/// made on this thread while `f` runs (a scheduler's `push` waking a task)
/// finds the list lent out and goes through the remote inbox instead.
pub(crate) fn drain_local(f: impl FnOnce(&mut Vec<TaskId>)) {
    let _ = HERE.try_with(|here| {
        let mut woken = here.woken.borrow_mut();
        if !woken.is_empty() {
            f(&mut woken);
        }
    });
}

/// Whether anything was woken locally since the last [`drain_local`].
pub(crate) fn has_local() -> bool {
    HERE.try_with(|here| !here.woken.borrow().is_empty()).unwrap_or(false)
}
