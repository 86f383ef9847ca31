//! `abort()` cancels a task: its future is dropped exactly once and the
//! handle reports `Cancelled`.
mod common;

use common::DropCounter;
use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;

#[test]
fn abort_gives_cancelled_and_runs_the_destructor_exactly_once() {
    let drops = Rc::new(Cell::new(0));
    runloop::run({
        let drops = drops.clone();
        async move {
            let guard = DropCounter(drops.clone());
            let handle = runloop::spawn(async move {
                let _guard = guard;
                pending::<()>().await;
            });
            runloop::yield_now().await; // the task starts and parks
            assert_eq!(drops.get(), 0);
            handle.abort();
            handle.abort(); // twice is the same as once
            let error = handle.await.unwrap_err();
            assert!(error.is_cancelled());
            assert_eq!(error.to_string(), "task was cancelled");
        }
    });
    assert_eq!(drops.get(), 1);
}

#[test]
fn abort_before_the_first_poll_never_polls_the_future() {
    let polled = Rc::new(Cell::new(false));
    let drops = Rc::new(Cell::new(0));
    runloop::run({
        let (polled, drops) = (polled.clone(), drops.clone());
        async move {
            let guard = DropCounter(drops);
            let handle = runloop::spawn(async move {
                let _guard = guard;
                polled.set(true);
            });
            handle.abort();
            assert!(handle.await.unwrap_err().is_cancelled());
        }
    });
    assert!(!polled.get());
    assert_eq!(drops.get(), 1);
}

#[test]
fn abort_after_completion_keeps_the_output() {
    runloop::run(async {
        let handle = runloop::spawn(async { 7 });
        while !handle.is_finished() {
            runloop::yield_now().await;
        }
        handle.abort();
        assert_eq!(handle.await.unwrap(), 7);
    });
}

#[test]
fn a_task_can_abort_another_from_inside_its_poll() {
    runloop::run(async {
        let victim = Rc::new(runloop::spawn(pending::<()>()));
        let killer = runloop::spawn({
            let victim = victim.clone();
            async move { victim.abort() }
        });
        killer.await.unwrap();
        let victim = Rc::into_inner(victim).unwrap();
        assert!(victim.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn dropping_the_output_of_a_detached_task_happens_once() {
    let drops = Rc::new(Cell::new(0));
    runloop::run({
        let drops = drops.clone();
        async move {
            drop(runloop::spawn(async move { DropCounter(drops) }));
            for _ in 0..3 {
                runloop::yield_now().await;
            }
        }
    });
    assert_eq!(drops.get(), 1);
}
