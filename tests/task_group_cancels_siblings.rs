//! The first task of a `TaskGroup` to fail — by returning `Err` or by
//! panicking — cancels its siblings at once: their futures are dropped
//! (destructors counted) before they finish their work, whether or not the
//! owner is awaiting `join`; and a group that is cancelling runs no new task.
mod common;

use common::{DropCounter, next_turn, quiet_expected_panics, with_deadline};
use runloop::TaskGroup;
use runloop::time::sleep;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

async fn yields(n: usize) {
    for _ in 0..n {
        runloop::yield_now().await;
    }
}

#[test]
fn the_first_error_cancels_the_siblings_before_they_finish_their_work() {
    with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let finished = Rc::new(Cell::new(0));
        let error = runloop::run({
            let (drops, finished) = (drops.clone(), finished.clone());
            async move {
                let group = TaskGroup::new();
                for _ in 0..3 {
                    let (guard, finished) = (DropCounter(drops.clone()), finished.clone());
                    group.spawn(async move {
                        let _guard = guard;
                        sleep(Duration::from_secs(3600)).await; // the work
                        finished.set(finished.get() + 1);
                        Ok(())
                    });
                }
                group.spawn(async {
                    yields(3).await;
                    Err("boom")
                });
                let error = group.join().await.unwrap_err();
                assert_eq!(drops.get(), 3, "join returns after every sibling was dropped");
                error
            }
        });
        assert_eq!(drops.get(), 3, "each sibling's future is dropped exactly once");
        assert_eq!(finished.get(), 0);
        assert_eq!(error.errors().collect::<Vec<_>>(), [&"boom"]);
        assert_eq!(error.failures()[0].index(), 3);
        assert_eq!(error.cancelled(), 3);
    });
}

#[test]
fn siblings_are_cancelled_while_the_owner_is_busy_elsewhere() {
    with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let steps = Rc::new(Cell::new(0));
        runloop::run({
            let (drops, steps) = (drops.clone(), steps.clone());
            async move {
                let group = TaskGroup::new();
                for _ in 0..3 {
                    let (guard, steps) = (DropCounter(drops.clone()), steps.clone());
                    group.spawn(async move {
                        let _guard = guard;
                        for _ in 0..1_000 {
                            steps.set(steps.get() + 1);
                            runloop::yield_now().await;
                        }
                        Ok(())
                    });
                }
                group.spawn(async {
                    yields(2).await;
                    Err("boom")
                });
                // The owner does not touch `join`: it only lets the loop turn
                // until the siblings are gone (a lost cancellation would run
                // into the test's deadline, or let them finish).
                while drops.get() < 3 {
                    next_turn().await;
                }
                assert!(group.is_cancelling());
                assert!(steps.get() < 3 * 1_000, "the siblings stopped before finishing");
                let error = group.join().await.unwrap_err();
                assert_eq!(error.failures().len(), 1);
                assert_eq!(error.cancelled(), 3);
            }
        });
        assert_eq!(drops.get(), 3);
    });
}

#[test]
fn a_panic_cancels_the_siblings_like_an_error() {
    quiet_expected_panics("task-group cancel test:");
    with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let error = runloop::run({
            let drops = drops.clone();
            async move {
                let group = TaskGroup::<(), ()>::new();
                for _ in 0..2 {
                    let guard = DropCounter(drops.clone());
                    group.spawn(async move {
                        let _guard = guard;
                        std::future::pending().await
                    });
                }
                group.spawn(async {
                    yields(1).await;
                    panic!("task-group cancel test: boom");
                });
                group.join().await.unwrap_err()
            }
        });
        assert_eq!(drops.get(), 2);
        assert_eq!(error.failures().len(), 1);
        assert!(error.failures()[0].is_panic());
        assert_eq!(
            error.failures()[0].panic_message(),
            Some("task-group cancel test: boom")
        );
        assert_eq!(error.cancelled(), 2);
    });
}

#[test]
fn spawning_into_a_cancelling_group_drops_the_future_unrun() {
    with_deadline(LIMIT, || {
        let polled = Rc::new(Cell::new(false));
        let drops = Rc::new(Cell::new(0));
        let error = runloop::run({
            let (polled, drops) = (polled.clone(), drops.clone());
            async move {
                let group = TaskGroup::new();
                assert!(group.spawn(async { Err("boom") }).is_some());
                while !group.is_cancelling() {
                    runloop::yield_now().await;
                }
                let guard = DropCounter(drops.clone());
                let late = group.spawn(async move {
                    let _guard = guard;
                    polled.set(true);
                    Ok(())
                });
                assert_eq!(late, None);
                assert_eq!(drops.get(), 1, "refused futures are dropped at once");
                group.join().await.unwrap_err()
            }
        });
        assert!(!polled.get());
        assert_eq!(error.failures().len(), 1);
        assert_eq!(error.cancelled(), 1, "the refused task counts as cancelled");
    });
}
