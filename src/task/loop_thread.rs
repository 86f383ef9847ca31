//! # The loop thread: what this thread knows about the loop running on it
//!
//! `runloop::spawn`, `sleep` and `TcpStream::connect` take no runtime
//! argument, and a `Waker` carries none: they find the loop running on the
//! current thread, as asyncio's `create_task` does with
//! `get_running_loop()`, which reads one thread-local (`_running_loop`).
//! runloop keeps one too, [`LoopThread`], and it holds what belongs to
//! "the loop running here", each part read by one file:
//!
//! - **which loop**: the address of its [`Inbox`] (a waker compares it with
//!   its own task's, `mailbox.rs`) and the loop itself (`spawn` and the
//!   reactor's users find it through `src/runtime/context.rs`, which knows
//!   its type; this layer does not, so it is kept as `Rc<dyn Any>`);
//! - **the local wakes** made since the loop last looked (`mailbox.rs`).
//!
//! (The cooperative budget is per poll, not per loop, and has a thread-local
//! of its own in `budget.rs`, for speed: see there.)
//!
//! [`enter`] makes a loop the running one and returns [`RunningHere`], a
//! guard that puts back what was there before. Loops can stack for a
//! moment: a task of loop A may drop a whole runtime B, whose teardown
//! enters B. The guard sets A's undelivered wakes aside and gives them back
//! on exit, so B never sees (or discards) them.
//!
//! Every access uses `try_with`: a waker may fire, or a runtime be dropped,
//! from another thread-local's destructor after this one is gone. Then no
//! loop is running here, which is the truth, and every wake takes the
//! remote door (`mailbox.rs`), which still works.

use super::TaskId;
use super::mailbox::Inbox;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ptr;
use std::rc::Rc;
use std::sync::Arc;

/// What this thread knows about the loop running on it, if any.
pub(crate) struct LoopThread {
    /// Address of the running loop's inbox; null when no loop runs here.
    pub(crate) inbox: Cell<*const Inbox>,
    /// The running loop itself, for `src/runtime/context.rs`.
    pub(crate) event_loop: RefCell<Option<Rc<dyn Any>>>,
    /// Ids woken on this thread for the running loop, in wake order.
    pub(crate) local_wakes: RefCell<Vec<TaskId>>,
}

thread_local! {
    pub(crate) static LOOP_THREAD: LoopThread = const {
        LoopThread {
            inbox: Cell::new(ptr::null()),
            event_loop: RefCell::new(None),
            local_wakes: RefCell::new(Vec::new()),
        }
    };
}

/// Makes the loop with this `inbox` the one running on this thread until
/// the guard drops. Returns the guard and whether another loop was already
/// running (the caller decides whether that is allowed).
pub(crate) fn enter(inbox: &Arc<Inbox>, event_loop: Rc<dyn Any>) -> (RunningHere, bool) {
    let entered = LOOP_THREAD.try_with(|thread| RunningHere {
        inbox: thread.inbox.replace(Arc::as_ptr(inbox)),
        event_loop: thread.event_loop.replace(Some(event_loop)),
        local_wakes: thread.local_wakes.take(),
    });
    match entered {
        Ok(previous) => {
            let nested = previous.event_loop.is_some();
            (previous, nested)
        }
        // This thread's locals are being destroyed: nothing to enter.
        Err(_) => (RunningHere::nothing(), false),
    }
}

/// Runs `f` on the running loop, if any (type-erased; see the module
/// essay), without cloning it: a spawn pays for no reference count. `f`
/// runs while the slot is borrowed, so it must not enter or leave a loop;
/// runloop's callers only spawn, count, or clone one of the loop's fields.
#[inline]
pub(crate) fn with_running_loop<R>(f: impl FnOnce(&dyn Any) -> R) -> Option<R> {
    LOOP_THREAD
        .try_with(|thread| thread.event_loop.borrow().as_deref().map(f))
        .ok()
        .flatten()
}

/// Guards "this loop runs on this thread"; holds what was here before, and
/// puts it back when dropped.
pub(crate) struct RunningHere {
    inbox: *const Inbox,
    event_loop: Option<Rc<dyn Any>>,
    local_wakes: Vec<TaskId>,
}

impl RunningHere {
    fn nothing() -> RunningHere {
        RunningHere {
            inbox: ptr::null(),
            event_loop: None,
            local_wakes: Vec::new(),
        }
    }
}

impl Drop for RunningHere {
    fn drop(&mut self) {
        let event_loop = self.event_loop.take();
        let local_wakes = std::mem::take(&mut self.local_wakes);
        let _ = LOOP_THREAD.try_with(|thread| {
            thread.inbox.set(self.inbox);
            *thread.local_wakes.borrow_mut() = local_wakes;
            // The loop we leave is dropped after the borrow: dropping it may
            // be dropping the whole runtime, which enters this thread-local.
            let leaving = thread.event_loop.replace(event_loop);
            drop(leaving);
        });
    }
}
