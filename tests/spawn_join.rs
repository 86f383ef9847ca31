//! Spawning tasks and joining them through their handles.
mod common;

use common::with_deadline;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn ten_thousand_tasks_are_spawned_and_joined_with_their_results() {
    let results = with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let handles: Vec<_> = (0..10_000u64).map(|n| runloop::spawn(async move { n * n })).collect();
            let mut results = Vec::with_capacity(handles.len());
            for handle in handles {
                results.push(handle.await.unwrap());
            }
            results
        })
    });
    assert_eq!(results.len(), 10_000);
    assert!(results.iter().enumerate().all(|(n, square)| *square == (n * n) as u64));
}

#[test]
fn tasks_can_spawn_tasks() {
    let total = runloop::run(async {
        let outer = runloop::spawn(async {
            let inner: Vec<_> = (0..10).map(|n| runloop::spawn(async move { n })).collect();
            let mut sum = 0;
            for handle in inner {
                sum += handle.await.unwrap();
            }
            sum
        });
        outer.await.unwrap()
    });
    assert_eq!(total, 45);
}

#[test]
fn a_detached_task_still_runs_to_completion() {
    let ran = Rc::new(Cell::new(false));
    let flag = ran.clone();
    runloop::run(async move {
        drop(runloop::spawn(async move {
            runloop::yield_now().await;
            flag.set(true);
        }));
        for _ in 0..3 {
            runloop::yield_now().await;
        }
    });
    assert!(ran.get());
}

#[test]
fn is_finished_turns_true_once_the_task_is_done() {
    runloop::run(async {
        let handle = runloop::spawn(async { runloop::yield_now().await });
        assert!(!handle.is_finished());
        while !handle.is_finished() {
            runloop::yield_now().await;
        }
        assert!(handle.await.is_ok());
    });
}

#[test]
fn runtime_spawn_from_outside_runs_at_the_next_block_on() {
    let rt = runloop::Runtime::new().unwrap();
    let handle = rt.spawn(async { "spawned outside" });
    assert_eq!(rt.live_tasks(), 1);
    assert_eq!(rt.block_on(handle).unwrap(), "spawned outside");
    assert_eq!(rt.live_tasks(), 0);
}

#[test]
fn tasks_left_running_by_one_block_on_continue_in_the_next() {
    let rt = runloop::Runtime::new().unwrap();
    let steps = Rc::new(Cell::new(0));
    let counter = steps.clone();
    // The handle is returned, not awaited: the task outlives this block_on.
    #[allow(clippy::async_yields_async)]
    let handle = rt.block_on(async move {
        runloop::spawn(async move {
            for _ in 0..10 {
                counter.set(counter.get() + 1);
                runloop::yield_now().await;
            }
        })
    });
    assert!(steps.get() < 10, "the first block_on returned before the task finished");
    rt.block_on(handle).unwrap();
    assert_eq!(steps.get(), 10);
}

#[test]
fn join_handle_reports_its_task_id() {
    runloop::run(async {
        let first = runloop::spawn(async {});
        let second = runloop::spawn(async {});
        assert_ne!(first.id(), second.id());
        assert_eq!(first.id().unwrap().to_string(), "#1");
        assert_eq!(second.id().unwrap().to_string(), "#2");
    });
}

#[test]
#[should_panic(expected = "outside a runtime")]
fn spawn_outside_a_runtime_panics_with_advice() {
    drop(runloop::spawn(async {}));
}

#[test]
#[should_panic(expected = "a nested loop would freeze the outer one")]
fn nested_block_on_panics_with_advice() {
    runloop::run(async {
        let inner = runloop::Runtime::new().unwrap();
        inner.block_on(async {});
    });
}
