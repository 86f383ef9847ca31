//! Dropping a runtime drops every task, each exactly once, and leaves
//! wakers harmless.
mod common;

use common::DropCounter;
use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Poll, Waker};

#[test]
fn dropping_a_runtime_with_ten_thousand_pending_tasks_drops_them_all() {
    let drops = Rc::new(Cell::new(0));
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on({
        let drops = drops.clone();
        async move {
            for _ in 0..10_000 {
                let guard = DropCounter(drops.clone());
                drop(runloop::spawn(async move {
                    let _guard = guard;
                    pending::<()>().await;
                }));
            }
            runloop::yield_now().await;
        }
    });
    assert_eq!(rt.live_tasks(), 10_000);
    assert_eq!(drops.get(), 0);
    drop(rt);
    assert_eq!(drops.get(), 10_000);
}

#[test]
fn handles_of_tasks_dropped_with_the_runtime_report_cancelled() {
    let rt = runloop::Runtime::new().unwrap();
    let handle = rt.spawn(pending::<()>());
    drop(rt);
    assert!(handle.is_finished());
    let outcome = runloop::run(handle);
    assert!(outcome.unwrap_err().is_cancelled());
}

#[test]
fn never_polled_tasks_are_dropped_too() {
    let drops = Rc::new(Cell::new(0));
    let rt = runloop::Runtime::new().unwrap();
    let guard = DropCounter(drops.clone());
    drop(rt.spawn(async move {
        let _guard = guard;
    }));
    drop(rt);
    assert_eq!(drops.get(), 1);
}

#[test]
fn wakers_outliving_the_runtime_are_harmless_on_any_thread() {
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on({
        let kept = kept.clone();
        async move {
            drop(runloop::spawn(poll_fn(move |cx| {
                *kept.borrow_mut() = Some(cx.waker().clone());
                Poll::<()>::Pending
            })));
            runloop::yield_now().await;
        }
    });
    drop(rt);
    let waker = kept.borrow_mut().take().unwrap();
    waker.wake_by_ref(); // on this thread
    let remote = waker.clone();
    std::thread::spawn(move || remote.wake()).join().unwrap(); // on another
    drop(waker);
}

#[test]
fn a_waker_does_not_keep_the_runtime_alive() {
    // The task holds a weak probe of a value owned by the runtime's task;
    // after the runtime drops, a surviving waker must not keep it alive.
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let probe: Rc<RefCell<Weak<()>>> = Rc::default();
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on({
        let (kept, probe) = (kept.clone(), probe.clone());
        async move {
            let owned = Arc::new(());
            *probe.borrow_mut() = Arc::downgrade(&owned);
            drop(runloop::spawn(poll_fn(move |cx| {
                let _owned = &owned;
                *kept.borrow_mut() = Some(cx.waker().clone());
                Poll::<()>::Pending
            })));
            runloop::yield_now().await;
        }
    });
    assert!(probe.borrow().upgrade().is_some());
    drop(rt);
    assert!(kept.borrow().is_some(), "the waker is still alive");
    assert!(probe.borrow().upgrade().is_none(), "but the task's future is gone");
}

#[test]
fn spawning_from_a_destructor_during_teardown_is_safe() {
    struct SpawnOnDrop(Rc<Cell<usize>>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let drops = self.0.clone();
            let guard = DropCounter(drops);
            drop(runloop::spawn(async move {
                let _guard = guard;
            }));
        }
    }
    let drops = Rc::new(Cell::new(0));
    let rt = runloop::Runtime::new().unwrap();
    let spawner = SpawnOnDrop(drops.clone());
    drop(rt.spawn(async move {
        let _spawner = spawner;
        pending::<()>().await;
    }));
    drop(rt);
    assert_eq!(drops.get(), 1, "the task spawned during teardown was dropped too");
}

#[test]
fn a_runtime_can_be_dropped_inside_another_runtimes_task() {
    let inner_drops = Rc::new(Cell::new(0));
    let outer = runloop::Runtime::new().unwrap();
    let inner = runloop::Runtime::new().unwrap();
    let guard = DropCounter(inner_drops.clone());
    drop(inner.spawn(async move {
        let _guard = guard;
        pending::<()>().await;
    }));
    let answer = outer.block_on(async move {
        let sibling = runloop::spawn(async {
            runloop::yield_now().await;
            "outer still works"
        });
        drop(inner);
        sibling.await.unwrap()
    });
    assert_eq!(answer, "outer still works");
    assert_eq!(inner_drops.get(), 1);
}

#[test]
fn a_runtime_kept_in_a_thread_local_is_dropped_cleanly_at_thread_exit() {
    thread_local! {
        static RUNTIME: runloop::Runtime = runloop::Runtime::new().unwrap();
    }
    // The runtime's destructor is registered before the loop's own
    // thread-locals exist, so it runs after they are gone.
    let thread = std::thread::spawn(|| {
        RUNTIME.with(|rt| {
            drop(rt.spawn(pending::<()>()));
            rt.block_on(runloop::yield_now());
        });
    });
    assert!(thread.join().is_ok());
}

#[test]
fn teardown_ends_even_if_destructors_keep_spawning_replacements() {
    /// A supervisor guard: when its task is dropped, it starts a new one.
    struct Restart(Rc<Cell<usize>>);
    impl Drop for Restart {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
            let guard = Restart(self.0.clone());
            drop(runloop::spawn(async move {
                let _guard = guard;
                pending::<()>().await;
            }));
        }
    }
    let restarts = common::with_deadline(std::time::Duration::from_secs(10), || {
        let restarts = Rc::new(Cell::new(0));
        let rt = runloop::Runtime::new().unwrap();
        let guard = Restart(restarts.clone());
        drop(rt.spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        }));
        drop(rt);
        restarts.get()
    });
    assert!(restarts > 1, "replacements were spawned and dropped a few times");
    assert!(restarts < 100, "then refused: {restarts} rounds");
}

/// Wakes (by reference, then by value) the waker it holds when its thread
/// exits, from a thread-local destructor.
struct WakeAtThreadExit(RefCell<Option<Waker>>);

impl Drop for WakeAtThreadExit {
    fn drop(&mut self) {
        if let Some(waker) = self.0.borrow_mut().take() {
            waker.wake_by_ref();
            waker.wake();
        }
    }
}

thread_local! {
    static WAKE_AT_EXIT: WakeAtThreadExit = const { WakeAtThreadExit(RefCell::new(None)) };
}

/// A task that parks with its waker in this thread's `WAKE_AT_EXIT`.
fn park_in_thread_local() -> impl std::future::Future<Output = ()> {
    poll_fn(|cx| {
        WAKE_AT_EXIT.with(|slot| *slot.0.borrow_mut() = Some(cx.waker().clone()));
        Poll::Pending
    })
}

#[test]
fn a_wake_from_a_thread_local_destructor_after_the_runtime_is_gone_is_harmless() {
    // The runtime is dropped first, which finishes the task; at thread exit
    // the destructor wakes its waker and releases the last reference to it.
    let thread = std::thread::spawn(|| {
        let rt = runloop::Runtime::new().unwrap();
        drop(rt.spawn(park_in_thread_local()));
        rt.block_on(runloop::yield_now());
        drop(rt);
    });
    assert!(thread.join().is_ok());
}

#[test]
fn a_wake_from_a_thread_local_destructor_after_runloops_own_are_gone_is_harmless() {
    // Thread-locals are destroyed in reverse order of first use. Here the
    // runtime comes first (destroyed last, so its task is still alive when
    // woken), then our waker's slot, then the loop's own thread-locals
    // (first used by `block_on`, destroyed first). The wake must not touch
    // a destroyed thread-local: it takes the remote door instead.
    thread_local! {
        static RUNTIME: runloop::Runtime = runloop::Runtime::new().unwrap();
    }
    let thread = std::thread::spawn(|| {
        RUNTIME.with(|rt| {
            WAKE_AT_EXIT.with(|_| {});
            drop(rt.spawn(park_in_thread_local()));
            rt.block_on(runloop::yield_now());
        });
    });
    assert!(thread.join().is_ok());
}

#[test]
fn a_wake_from_a_thread_local_destructor_reaches_a_runtime_on_another_thread() {
    // The waker of this loop's main future is handed to a thread that keeps
    // it in a thread-local and exits: the destructor's wake must take the
    // remote door and wake this loop.
    common::with_deadline(std::time::Duration::from_secs(10), || {
        runloop::run(async {
            let woke = Arc::new(AtomicBool::new(false));
            let mut helper = None;
            poll_fn(|cx| {
                if helper.is_none() {
                    let (waker, woke) = (cx.waker().clone(), woke.clone());
                    helper = Some(std::thread::spawn(move || {
                        FLAG_THEN_WAKE.with(|slot| *slot.0.borrow_mut() = Some((woke, waker)));
                    }));
                }
                match woke.load(Ordering::SeqCst) {
                    true => Poll::Ready(()),
                    false => Poll::Pending,
                }
            })
            .await;
            helper.unwrap().join().unwrap();
        });
    });
}

/// Sets the flag, then wakes, when its thread exits.
struct FlagThenWake(RefCell<Option<(Arc<AtomicBool>, Waker)>>);

impl Drop for FlagThenWake {
    fn drop(&mut self) {
        if let Some((flag, waker)) = self.0.borrow_mut().take() {
            flag.store(true, Ordering::SeqCst);
            waker.wake();
        }
    }
}

thread_local! {
    static FLAG_THEN_WAKE: FlagThenWake = const { FlagThenWake(RefCell::new(None)) };
}

#[test]
fn a_task_freed_by_the_last_waker_on_another_thread_after_the_runtime_is_gone_is_harmless() {
    let kept: Rc<RefCell<Option<Waker>>> = Rc::default();
    let rt = runloop::Runtime::new().unwrap();
    let guard_drops = Rc::new(Cell::new(0));
    rt.block_on({
        let (kept, guard) = (kept.clone(), DropCounter(guard_drops.clone()));
        async move {
            drop(runloop::spawn(poll_fn(move |cx| {
                let _guard = &guard;
                *kept.borrow_mut() = Some(cx.waker().clone());
                Poll::<()>::Pending
            })));
            runloop::yield_now().await;
        }
    });
    drop(rt);
    assert_eq!(guard_drops.get(), 1);
    let last = kept.borrow_mut().take().unwrap();
    std::thread::spawn(move || {
        last.wake_by_ref();
        drop(last); // the last reference: the task's memory is freed here
    })
    .join()
    .unwrap();
}
