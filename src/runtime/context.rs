//! # The running loop of this thread
//!
//! `runloop::spawn`, `sleep` and `TcpStream::connect` take no runtime
//! argument: they find the loop running on the current thread, as asyncio's
//! `create_task` finds it with `get_running_loop()`. This file is that
//! lookup: a thread-local slot set by `block_on` for as long as it runs.
//!
//! Invariants: at most one loop runs on a thread at a time (`block_on`
//! refuses to nest, because an inner loop would freeze the outer one); the
//! slot is restored when `block_on` returns or unwinds, and while a runtime
//! is being dropped (so destructors that spawn or wake still find a loop).

use super::event_loop::EventLoop;
use crate::reactor::Reactor;
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    static CURRENT: RefCell<Option<Rc<EventLoop>>> = const { RefCell::new(None) };
}

/// Makes `event_loop` the current loop until the guard drops. Panics if a
/// loop is already running on this thread.
pub(crate) fn enter(event_loop: &Rc<EventLoop>) -> Entered {
    let previous = CURRENT.with(|current| current.borrow_mut().replace(event_loop.clone()));
    if previous.is_some() {
        CURRENT.with(|current| *current.borrow_mut() = previous);
        panic!(
            "Runtime::block_on() called while a runtime is already running on this thread: \
             a nested loop would freeze the outer one. Inside a task, .await the future \
             instead, or spawn it with runloop::spawn()."
        );
    }
    Entered { previous: None }
}

/// Makes `event_loop` current while it is being torn down, even inside
/// another loop's task; the other loop is restored afterwards.
pub(crate) fn enter_for_teardown(event_loop: &Rc<EventLoop>) -> Entered {
    let previous = CURRENT
        .try_with(|current| current.borrow_mut().replace(event_loop.clone()))
        .ok()
        .flatten();
    Entered { previous }
}

pub(crate) struct Entered {
    previous: Option<Rc<EventLoop>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

/// Runs `f` with the current loop, or returns `None` outside any loop.
pub(crate) fn with_current<R>(f: impl FnOnce(&Rc<EventLoop>) -> R) -> Option<R> {
    let event_loop = CURRENT.try_with(|current| current.borrow().clone()).ok()??;
    Some(f(&event_loop))
}

/// Whether `reactor` belongs to the loop running on this thread.
pub(crate) fn is_running(reactor: &Reactor) -> bool {
    CURRENT
        .try_with(|current| {
            current
                .borrow()
                .as_ref()
                .is_some_and(|event_loop| std::ptr::eq(Rc::as_ptr(event_loop.reactor()), reactor))
        })
        .unwrap_or(false)
}

/// The current loop's reactor. Panics outside a runtime, naming `what` needed it.
pub(crate) fn reactor(what: &str) -> Rc<Reactor> {
    with_current(|event_loop| event_loop.reactor().clone()).unwrap_or_else(|| {
        panic!(
            "{what} must be used inside a runloop runtime: call it from a task or from \
             the future given to runloop::run() or Runtime::block_on()."
        )
    })
}
