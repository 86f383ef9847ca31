//! # The running loop of this thread
//!
//! `runloop::spawn`, `sleep` and `TcpStream::connect` take no runtime
//! argument: they find the loop running on the current thread, as asyncio's
//! `create_task` finds it with `get_running_loop()`. The answer lives in the
//! loop thread's state (`src/task/loop_thread.rs`), which a lower layer
//! keeps without knowing the loop's type; this file is the typed door to it.
//!
//! Invariants: at most one loop runs on a thread at a time (`block_on`
//! refuses to nest, because an inner loop would freeze the outer one); what
//! was there before is restored when `block_on` returns or unwinds, and
//! while a runtime is being dropped its loop is entered for a moment (so
//! destructors that spawn or wake still find a loop), even inside another
//! loop's task.

use super::event_loop::EventLoop;
use crate::reactor::Reactor;
use crate::task::loop_thread::{self, RunningHere};
use std::rc::Rc;

/// Makes `event_loop` the loop running on this thread until the guard
/// drops. Panics if a loop is already running here.
pub(crate) fn enter(event_loop: &Rc<EventLoop>) -> RunningHere {
    let (running, nested) = loop_thread::enter(&event_loop.inbox, event_loop.clone());
    if nested {
        drop(running); // put the outer loop back before unwinding
        panic!(
            "Runtime::block_on() called while a runtime is already running on this thread: \
             a nested loop would freeze the outer one. Inside a task, .await the future \
             instead, or spawn it with runloop::spawn()."
        );
    }
    running
}

/// Makes `event_loop` current while it is being torn down, even inside
/// another loop's task; the other loop is restored afterwards.
pub(crate) fn enter_for_teardown(event_loop: &Rc<EventLoop>) -> RunningHere {
    loop_thread::enter(&event_loop.inbox, event_loop.clone()).0
}

/// Runs `f` with the current loop, or returns `None` outside any loop.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&EventLoop) -> R) -> Option<R> {
    loop_thread::with_running_loop(|running| running.downcast_ref::<EventLoop>().map(f)).flatten()
}

/// Whether `reactor` belongs to the loop running on this thread.
pub(crate) fn is_running(reactor: &Reactor) -> bool {
    with_current(|event_loop| std::ptr::eq(Rc::as_ptr(&event_loop.reactor), reactor)).unwrap_or(false)
}

/// The current loop's reactor. Panics outside a runtime, naming `what` needed it.
pub(crate) fn reactor(what: &str) -> Rc<Reactor> {
    with_current(|event_loop| event_loop.reactor.clone()).unwrap_or_else(|| {
        panic!(
            "{what} must be used inside a runloop runtime: call it from a task or from \
             the future given to runloop::run() or Runtime::block_on()."
        )
    })
}
