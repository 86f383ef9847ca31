//! # Where a wake goes: the local list and the inbox
//!
//! Waking a task means "put its id where the loop will find it". asyncio
//! spells this `loop.call_soon(step)` on the loop's own thread and
//! `loop.call_soon_threadsafe(step)` from anywhere else, and the second one
//! writes a byte to a self-pipe so a loop asleep in `select()` returns. We
//! keep the same two doors, and a `Waker` picks one by itself:
//!
//! - **Local** ([`deliver`] on the loop's own thread): push the id onto the
//!   loop thread's list of local wakes (`loop_thread.rs`). No lock, no
//!   atomic beyond the one that made the wake idempotent. The loop moves
//!   these ids into its scheduler after every poll and every wait.
//! - **Remote** (any other thread, or this thread while the loop is not
//!   running): lock the runtime's [`Inbox`], push the id, and ring its
//!   doorbell — a `mio::Waker`, an eventfd on Linux — so that `Poll::poll`
//!   returns at once. The doorbell is rung only when the inbox goes from
//!   "nobody has rung" to "rung", so a burst of remote wakes costs one
//!   syscall, and the loop empties the inbox when it hears the bell.
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
//! How does a waker know which loop is running on this thread? The loop
//! thread (`loop_thread.rs`) remembers the address of the running loop's
//! `Inbox`, and each task remembers the address of its own. The task holds
//! a `Weak` to it, which keeps that address from being reused while the
//! task exists, so equal addresses really mean "my loop".
//!
//! Invariants: an id pushed here is only an id, never a reference that keeps
//! a task alive, so a stale one is harmless (the task table checks its
//! generation). When the runtime starts to shut down it *closes* the inbox
//! ([`Inbox::close`]) under the same lock that posting takes: a request
//! posted before is handed back to be dropped, one posted after is refused
//! and returned to its sender, so none is lost or left waiting, and a wake
//! after closing is ignored. After the runtime is dropped, `Weak::upgrade`
//! fails and a remote wake quietly does nothing; the task's `Weak` keeps
//! only the empty shell of the `Inbox` allocation alive, not the runtime.
//! A request is never dropped while the lock is held: its destructor is
//! user code, which may well post again.

use super::TaskId;
use super::loop_thread::LOOP_THREAD;
use std::sync::{Mutex, MutexGuard, PoisonError, Weak};

const LOG: &str = "runloop::task::mailbox";

/// A task asked for from another thread: a closure the loop calls on its
/// own thread, inside `block_on`, that spawns the task there with
/// `runloop::spawn`. Built by `Handle::spawn`; the task reports its own
/// outcome (see `src/runtime/remote_join.rs`), so the loop only calls the
/// closure and forgets it. Dropped uncalled if the runtime shuts down first.
pub(crate) type SpawnRequest = Box<dyn FnOnce() + Send>;

/// The cross-thread half of a runtime: letters (woken ids and spawn
/// requests) posted from anywhere, and a doorbell that wakes the loop.
pub(crate) struct Inbox {
    letters: Mutex<Letters>,
    doorbell: mio::Waker,
}

#[derive(Default)]
struct Letters {
    wakes: Vec<TaskId>,
    spawns: Vec<SpawnRequest>,
    /// The doorbell has been rung and the loop has not emptied the inbox
    /// since: more wakes can skip the syscall.
    rung: bool,
    /// The runtime is shutting down: nothing more is accepted.
    closed: bool,
}

impl Letters {
    /// Whether this letter must ring the doorbell; marks it rung.
    fn first_since_emptied(&mut self) -> bool {
        !std::mem::replace(&mut self.rung, true)
    }
}

impl Inbox {
    pub(crate) fn new(doorbell: mio::Waker) -> Inbox {
        Inbox {
            letters: Mutex::default(),
            doorbell,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Letters> {
        // Nothing panics while holding this lock; recover if it ever did.
        self.letters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Delivers a wake from outside the loop thread.
    fn post(&self, id: TaskId) {
        let ring = {
            let mut letters = self.lock();
            if letters.closed {
                drop(letters);
                log::trace!(target: LOG, "wake {id} ignored: its runtime is shutting down");
                return;
            }
            letters.wakes.push(id);
            letters.first_since_emptied()
        };
        log::trace!(target: LOG, "wake {id} (remote{})", if ring { ", ring doorbell" } else { "" });
        self.ring(ring);
    }

    /// Posts a spawn request from any thread. Hands the request back if the
    /// inbox is closed; the caller drops it, outside this lock.
    pub(crate) fn post_spawn(&self, request: SpawnRequest) -> Result<(), SpawnRequest> {
        let ring = {
            let mut letters = self.lock();
            if letters.closed {
                return Err(request);
            }
            letters.spawns.push(request);
            letters.first_since_emptied()
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

    /// Moves every posted id into `wakes` and every spawn request into
    /// `spawns`. Both this and the posting methods touch `rung` under the
    /// lock, so a letter either lands before this (and is collected now) or
    /// after (and rings the bell again): none is lost.
    pub(crate) fn collect(&self, wakes: &mut Vec<TaskId>, spawns: &mut Vec<SpawnRequest>) {
        let mut letters = self.lock();
        letters.rung = false;
        wakes.append(&mut letters.wakes);
        spawns.append(&mut letters.spawns);
    }

    /// Closes the inbox for good: later wakes are ignored and later spawn
    /// requests refused. Discards the pending wakes and hands back the
    /// pending requests, for the caller to drop outside the lock.
    pub(crate) fn close(&self) -> Vec<SpawnRequest> {
        let mut letters = self.lock();
        letters.closed = true;
        letters.wakes = Vec::new();
        std::mem::take(&mut letters.spawns)
    }
}

/// Puts a woken task's id where its loop will find it.
///
/// Every `yield_now`, channel hand-off and socket event comes through here,
/// almost always on the loop's own thread. So the local door is kept small
/// and always inlined into the waker (one call less per wake), and both the
/// remote door and the trace line are separate, cold calls.
#[inline(always)]
pub(crate) fn deliver(id: TaskId, inbox: &Weak<Inbox>) {
    let mine = Weak::as_ptr(inbox);
    // `try_with`: see `loop_thread.rs`; without the thread-local, we are not
    // inside the loop, and the remote door still works.
    let delivered_here = LOOP_THREAD
        .try_with(|thread| {
            if thread.inbox.get() != mine {
                return false;
            }
            // Busy only while the loop itself is handing the list to its
            // scheduler and the scheduler wakes a task: then the remote
            // door takes it, slower but just as sure.
            match thread.local_wakes.try_borrow_mut() {
                Ok(mut local_wakes) => {
                    local_wakes.push(id);
                    true
                }
                Err(_) => false,
            }
        })
        .unwrap_or(false);
    if !delivered_here {
        deliver_remote(id, inbox);
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
fn deliver_remote(id: TaskId, inbox: &Weak<Inbox>) {
    if let Some(inbox) = inbox.upgrade() {
        inbox.post(id);
    } else {
        log::trace!(target: LOG, "wake {id} ignored: its runtime is gone");
    }
}

/// Lends `f` the ids woken locally since the last call, in wake order; `f`
/// must leave the list empty. Runs after every poll, so it is kept cheap:
/// nothing happens unless something was woken, and nothing is copied. A wake
/// made on this thread while `f` runs (a scheduler's `push` waking a task)
/// finds the list lent out and goes through the remote inbox instead.
pub(crate) fn drain_local(f: impl FnOnce(&mut Vec<TaskId>)) {
    let _ = LOOP_THREAD.try_with(|thread| {
        let mut local_wakes = thread.local_wakes.borrow_mut();
        if !local_wakes.is_empty() {
            f(&mut local_wakes);
        }
    });
}

/// Whether anything was woken locally since the last [`drain_local`].
pub(crate) fn has_local() -> bool {
    LOOP_THREAD
        .try_with(|thread| !thread.local_wakes.borrow().is_empty())
        .unwrap_or(false)
}
