//! `JoinSet::abort_all` cancels the running tasks but keeps them in the
//! set: each comes out of `join_next` as `Cancelled`, its future dropped
//! once; a task that had already finished still gives its result.
mod common;

use common::{DropCounter, with_deadline};
use runloop::JoinSet;
use std::cell::Cell;
use std::future::pending;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn abort_all_cancels_running_tasks_and_keeps_finished_results() {
    with_deadline(Duration::from_secs(10), || {
        let drops = Rc::new(Cell::new(0));
        let (cancelled, returned) = runloop::run({
            let drops = drops.clone();
            async move {
                let mut set = JoinSet::new();
                for _ in 0..4 {
                    let guard = DropCounter(drops.clone());
                    set.spawn(async move {
                        let _guard = guard;
                        pending::<&str>().await
                    });
                }
                set.spawn(async { "done early" });
                runloop::yield_now().await; // all run once; the last one finishes
                set.abort_all();
                assert_eq!(set.len(), 5, "aborted tasks stay in the set until joined");
                let (mut cancelled, mut returned) = (0, Vec::new());
                while let Some(result) = set.join_next().await {
                    match result {
                        Ok(output) => returned.push(output),
                        Err(error) if error.is_cancelled() => cancelled += 1,
                        Err(error) => panic!("unexpected {error}"),
                    }
                }
                assert_eq!(drops.get(), 4, "by the last Cancelled, every future was dropped");
                (cancelled, returned)
            }
        });
        assert_eq!(cancelled, 4);
        assert_eq!(returned, ["done early"]);
        assert_eq!(drops.get(), 4);
    });
}

#[test]
fn the_set_can_be_used_again_after_abort_all() {
    with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let mut set = JoinSet::new();
            set.spawn(pending::<u32>());
            set.abort_all();
            assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
            set.spawn(async { 7 });
            assert_eq!(set.join_next().await.unwrap().unwrap(), 7);
            assert!(set.join_next().await.is_none());
        });
    });
}
