//! A `TaskGroup` reports every failure, as asyncio's `ExceptionGroup` does,
//! not just the first: tasks that fail in the same turn are all reported,
//! an `Err` and a panic alike. Siblings cancelled because of a failure are
//! counted, never reported as failures.
mod common;

use common::{DropCounter, quiet_expected_panics, with_deadline};
use runloop::TaskGroup;
use runloop::task::TaskFailure;
use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn two_tasks_failing_in_the_same_turn_are_both_reported() {
    // Both fail at their first poll, one right after the other in the same
    // turn: the first failure must not silence the second by cancelling it.
    let (error, drops) = with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let error = runloop::run({
            let drops = drops.clone();
            async move {
                let group = TaskGroup::<(), _>::new();
                group.spawn(async { Err("first") });
                group.spawn(async { Err("second") });
                let guard = DropCounter(drops);
                group.spawn(async move {
                    let _guard = guard;
                    pending().await
                });
                group.join().await.unwrap_err()
            }
        });
        (error.to_string(), drops.get())
    });
    assert_eq!(
        error,
        "2 tasks of the group failed: task 0 failed: first (and 1 more); 1 cancelled"
    );
    assert_eq!(drops, 1);
}

#[test]
fn an_error_and_a_panic_are_both_reported_with_their_indices() {
    quiet_expected_panics("task-group report test:");
    with_deadline(LIMIT, || {
        let error = runloop::run(async {
            let group = TaskGroup::new();
            group.spawn(async { Ok(0) });
            group.spawn(async {
                runloop::yield_now().await;
                Err("bad input")
            });
            group.spawn(async {
                runloop::yield_now().await;
                panic!("task-group report test: boom")
            });
            group.join().await.unwrap_err()
        });
        let failures = error.into_failures();
        assert_eq!(failures.len(), 2);
        assert!(matches!(
            failures[0],
            TaskFailure::Error {
                index: 1,
                error: "bad input"
            }
        ));
        assert!(matches!(failures[1], TaskFailure::Panicked { index: 2, .. }));
        assert_eq!(failures[1].panic_message(), Some("task-group report test: boom"));
    });
}

#[test]
fn cancelled_siblings_are_counted_but_not_reported() {
    with_deadline(LIMIT, || {
        let error = runloop::run(async {
            let group = TaskGroup::<(), String>::new();
            for _ in 0..5 {
                group.spawn(pending());
            }
            group.spawn(async {
                runloop::yield_now().await;
                Err("the only failure".to_owned())
            });
            group.join().await.unwrap_err()
        });
        assert_eq!(error.failures().len(), 1);
        assert_eq!(error.failures()[0].index(), 5);
        assert_eq!(error.cancelled(), 5);
    });
}
