//! The runtime's own task wakers (the hand-built vtable in `src/task/raw.rs`)
//! balance their clones and drops: each clone holds the task's single
//! allocation, so if every clone is dropped, every task allocation is
//! freed. A counting allocator checks that the live allocations of the
//! whole process come back to where they were after a script that clones,
//! wakes (by value, by reference, locally and from another thread),
//! returns, panics, aborts, detaches and drops the runtime with clones
//! still held outside.
//!
//! The count is process-wide, so this file holds a single test: nothing
//! else in the process allocates while it counts.

use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn};
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

#[path = "common/mod.rs"]
mod common;

use common::counting_allocator::{CountingAllocator, live_allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// A thread that wakes wakers handed to it, one at a time. It is started
/// before counting begins (a thread's start and exit allocate and free
/// memory of their own) and the hand-over allocates nothing, so the count
/// sees only what the runtime allocates.
#[derive(Clone)]
struct OtherThread(Arc<(Mutex<Option<Waker>>, Condvar)>);

impl OtherThread {
    fn start() -> OtherThread {
        let shared = OtherThread(Arc::default());
        let theirs = shared.clone();
        std::thread::spawn(move || {
            let (slot, changed) = &*theirs.0;
            let mut slot = slot.lock().unwrap();
            loop {
                if let Some(waker) = slot.take() {
                    waker.wake_by_ref();
                    waker.wake();
                    changed.notify_all();
                }
                if Arc::strong_count(&theirs.0) == 1 {
                    return; // the test is done with us
                }
                slot = changed.wait_timeout(slot, Duration::from_millis(10)).unwrap().0;
            }
        });
        shared
    }

    /// Wakes `waker` by reference and then by value on the other thread.
    fn wake(&self, waker: Waker) {
        let (slot, changed) = &*self.0;
        let mut slot = slot.lock().unwrap();
        *slot = Some(waker);
        changed.notify_all();
        while slot.is_some() {
            slot = changed.wait(slot).unwrap();
        }
    }
}

/// Exercises the runtime's own wakers every way we know: clones kept by the
/// future, by the test, by another thread; wakes by value and by reference,
/// local and remote; tasks that return, panic, are aborted, are detached,
/// and are left for the runtime drop with clones still held outside.
fn exercise_task_wakers(other_thread: &OtherThread) {
    let outside: Rc<RefCell<Vec<Waker>>> = Rc::default();
    let rt = runloop::Runtime::new().unwrap();
    let left = rt.block_on({
        let outside = outside.clone();
        async move {
            let mut handles = Vec::new();
            for n in 0..40u32 {
                let outside = outside.clone();
                let (slot, finish) = (Rc::new(RefCell::new(None)), Rc::new(Cell::new(false)));
                let polls = Rc::new(Cell::new(0u32));
                let handle = runloop::spawn({
                    let (slot, finish) = (slot.clone(), finish.clone());
                    // clones kept by the future itself: a cycle through the
                    // task's allocation, broken when the future is dropped
                    let mut kept: Vec<Waker> = Vec::new();
                    poll_fn(move |cx| {
                        polls.set(polls.get() + 1);
                        kept.push(cx.waker().clone());
                        outside.borrow_mut().push(cx.waker().clone()); // and handed out
                        match polls.get() {
                            1 => cx.waker().wake_by_ref(),   // woken during its own poll
                            2 => kept.pop().unwrap().wake(), // by value: one kept clone
                            _ => {}
                        }
                        *slot.borrow_mut() = Some(cx.waker().clone());
                        match (finish.get(), n % 5) {
                            (false, _) => Poll::Pending,
                            (true, 1) => panic!("balance: the scripted panic"),
                            (true, _) => Poll::Ready(n),
                        }
                    })
                });
                handles.push((handle, slot, finish));
            }
            for _ in 0..3 {
                runloop::yield_now().await;
            }
            // a remote wake: a clone goes to another thread and is woken
            // there, by reference and by value
            let remote = outside.borrow()[0].clone();
            other_thread.wake(remote);
            let mut kept = Vec::new();
            for (n, (handle, slot, finish)) in handles.into_iter().enumerate() {
                match n % 5 {
                    0 | 1 => {
                        finish.set(true);
                        slot.borrow().as_ref().unwrap().wake_by_ref();
                        kept.push(handle);
                    }
                    2 => handle.abort(),
                    3 => drop(handle),      // detached, still parked
                    _ => kept.push(handle), // left for the runtime drop
                }
            }
            for _ in 0..5 {
                runloop::yield_now().await;
            }
            let mut left = Vec::new();
            for handle in kept {
                match handle.is_finished() {
                    true => drop(handle.await),
                    false => left.push(handle),
                }
            }
            left // outlive the runtime
        }
    });
    drop(rt);
    for handle in left {
        assert!(runloop::run(handle).unwrap_err().is_cancelled());
    }
    drop(outside);
}

#[test]
fn every_clone_of_a_task_waker_is_dropped_so_every_task_is_freed() {
    common::quiet_expected_panics("balance: ");
    common::with_deadline(Duration::from_secs(20), || {
        let other_thread = OtherThread::start();
        exercise_task_wakers(&other_thread); // warm up: thread-locals, lazily made statics
        let before = live_allocations();
        exercise_task_wakers(&other_thread);
        let after = live_allocations();
        assert_eq!(
            after, before,
            "allocations leaked by the script (a waker clone never dropped?)"
        );
        let before = live_allocations();
        // the same through pending tasks that hold their own wakers
        let rt = runloop::Runtime::new().unwrap();
        for _ in 0..100 {
            drop(rt.spawn(poll_fn(|cx| {
                let _held = cx.waker().clone();
                Poll::<()>::Pending
            })));
            drop(rt.spawn(pending::<()>()));
        }
        rt.block_on(runloop::yield_now());
        drop(rt);
        assert_eq!(live_allocations(), before);
    });
}
