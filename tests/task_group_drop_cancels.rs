//! Structured concurrency: a `TaskGroup` dropped without being joined —
//! directly, or by dropping the `join` future — cancels every task in it.
//! Each future is dropped exactly once, none finishes its work, and no task
//! is left in the runtime.
mod common;

use common::{DropCounter, next_turn, with_deadline};
use runloop::TaskGroup;
use runloop::future::{Either, select};
use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

/// Spawns `n` tasks into `group` that would never end on their own; each
/// holds a guard counting into `drops`.
fn spawn_endless(group: &TaskGroup<DropCounter, ()>, n: usize, drops: &Rc<Cell<usize>>, finished: &Rc<Cell<usize>>) {
    for _ in 0..n {
        let (guard, finished) = (DropCounter(drops.clone()), finished.clone());
        group.spawn(async move {
            let _guard = guard;
            pending::<()>().await;
            finished.set(finished.get() + 1);
            Err(())
        });
    }
}

#[test]
fn dropping_a_group_unjoined_cancels_every_task() {
    with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let finished = Rc::new(Cell::new(0));
        runloop::run({
            let (drops, finished) = (drops.clone(), finished.clone());
            async move {
                let group = TaskGroup::new();
                spawn_endless(&group, 4, &drops, &finished);
                // One task that finished with an output nobody will take.
                let output = DropCounter(drops.clone());
                group.spawn(async move { Ok(output) });
                next_turn().await; // all have run
                assert_eq!(drops.get(), 0);

                drop(group);
                assert_eq!(drops.get(), 1, "the untaken output goes with the group");
                next_turn().await;
                assert_eq!(drops.get(), 5, "every running task was dropped by the next turn");
                assert_eq!(runloop::stats().live_tasks, 0, "no orphans");
            }
        });
        assert_eq!(drops.get(), 5, "exactly once: the runtime found nothing left");
        assert_eq!(finished.get(), 0);
    });
}

#[test]
fn dropping_the_join_future_cancels_the_group() {
    with_deadline(LIMIT, || {
        let drops = Rc::new(Cell::new(0));
        let finished = Rc::new(Cell::new(0));
        runloop::run({
            let (drops, finished) = (drops.clone(), finished.clone());
            async move {
                let group = TaskGroup::new();
                spawn_endless(&group, 3, &drops, &finished);
                // The owner gives up waiting (as a timeout would): `join`
                // owns the group, so the group goes with it.
                let outcome = select(group.join(), async {
                    for _ in 0..3 {
                        runloop::yield_now().await;
                    }
                })
                .await;
                assert!(matches!(outcome, Either::Right(())));
                next_turn().await;
                assert_eq!(drops.get(), 3);
                assert_eq!(runloop::stats().live_tasks, 0, "no orphans");
            }
        });
        assert_eq!(drops.get(), 3);
        assert_eq!(finished.get(), 0);
    });
}
