//! Dropping a `JoinSet` aborts every task still in it: each future is
//! dropped exactly once, at the loop's next turn, none runs to its end, and
//! results that were ready but never taken are dropped too.
mod common;

use common::{DropCounter, next_turn, with_deadline};
use runloop::JoinSet;
use runloop::time::sleep;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn dropping_a_join_set_aborts_every_task_and_drops_each_future_once() {
    with_deadline(Duration::from_secs(10), || {
        let drops = Rc::new(Cell::new(0));
        let finished = Rc::new(Cell::new(0));
        runloop::run({
            let (drops, finished) = (drops.clone(), finished.clone());
            async move {
                let mut set = JoinSet::new();
                for _ in 0..10 {
                    let guard = DropCounter(drops.clone());
                    let finished = finished.clone();
                    set.spawn(async move {
                        let _guard = guard;
                        sleep(Duration::from_secs(3600)).await;
                        finished.set(finished.get() + 1);
                        None
                    });
                }
                // Three tasks that finish with an output nobody takes.
                for _ in 0..3 {
                    let drops = drops.clone();
                    set.spawn(async move { Some(DropCounter(drops)) });
                }
                next_turn().await; // every task has run: parked, or finished
                assert_eq!(drops.get(), 0);
                assert_eq!(set.len(), 13);

                drop(set);
                assert_eq!(drops.get(), 3, "untaken outputs are dropped with the set");
                next_turn().await; // the aborts take effect
                assert_eq!(drops.get(), 13, "every aborted future is dropped by the next turn");
                assert_eq!(runloop::stats().live_tasks, 0);
                assert_eq!(runloop::stats().tasks_cancelled, 10);
            }
        });
        assert_eq!(drops.get(), 13, "dropping the runtime found nothing left to drop twice");
        assert_eq!(finished.get(), 0);
    });
}

#[test]
fn tasks_aborted_before_their_first_poll_never_run() {
    with_deadline(Duration::from_secs(10), || {
        let polled = Rc::new(Cell::new(false));
        let drops = Rc::new(Cell::new(0));
        runloop::run({
            let (polled, drops) = (polled.clone(), drops.clone());
            async move {
                let mut set = JoinSet::new();
                for _ in 0..5 {
                    let (polled, guard) = (polled.clone(), DropCounter(drops.clone()));
                    set.spawn(async move {
                        let _guard = guard;
                        polled.set(true);
                    });
                }
                drop(set); // before the loop reached any of them
                next_turn().await;
            }
        });
        assert!(!polled.get());
        assert_eq!(drops.get(), 5);
    });
}
