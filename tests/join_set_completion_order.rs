//! A `JoinSet` hands out results in the order its tasks finish, not the
//! order they were spawned, and loses none: not when tasks are spawned
//! while it is being drained, not when `join_next` is dropped half-way.
mod common;

use common::{quiet_expected_panics, with_deadline};
use runloop::JoinSet;
use runloop::future::{Either, select};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

/// Steps aside `n` times, then returns: under the default FIFO scheduler, a
/// task that yields fewer times finishes earlier, on any machine.
async fn yields(n: usize) {
    for _ in 0..n {
        runloop::yield_now().await;
    }
}

#[test]
fn join_next_yields_in_completion_order_not_spawn_order() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            for steps in [5, 1, 3, 0, 2] {
                set.spawn(async move {
                    yields(steps).await;
                    steps
                });
            }
            assert_eq!(set.len(), 5);
            let mut order = Vec::new();
            while let Some(result) = set.join_next().await {
                order.push(result.unwrap());
            }
            assert!(set.is_empty());
            order
        })
    });
    assert_eq!(order, [0, 1, 2, 3, 5]);
}

#[test]
fn tasks_that_finish_while_nobody_awaits_the_set_come_out_in_completion_order() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            for steps in [4, 2, 0, 3, 1] {
                set.spawn(async move {
                    yields(steps).await;
                    steps
                });
            }
            // The owner looks away until every task is done: the set must
            // still know who finished first.
            yields(10).await;
            let mut order = Vec::new();
            while let Some(result) = set.try_join_next() {
                order.push(result.unwrap());
            }
            assert!(set.is_empty());
            order
        })
    });
    assert_eq!(order, [0, 1, 2, 3, 4]);
}

#[test]
fn join_next_of_an_empty_set_is_none_at_once() {
    let next = runloop::run(async { JoinSet::<()>::new().join_next().await.map(|_| ()) });
    assert!(next.is_none());
}

#[test]
fn tasks_spawned_while_the_set_is_drained_are_joined_too() {
    let total = with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            set.spawn(async { 1 });
            let mut total = 0;
            let mut spawned = 1;
            while let Some(result) = set.join_next().await {
                total += result.unwrap();
                if spawned < 100 {
                    // Reuses the slot the finished task just left.
                    spawned += 1;
                    set.spawn(async move {
                        yields(spawned % 3).await;
                        1
                    });
                }
            }
            total
        })
    });
    assert_eq!(total, 100);
}

#[test]
fn try_join_next_gives_only_tasks_that_already_finished() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            set.spawn(async { "quick" });
            set.spawn(async {
                yields(10).await;
                "slow"
            });
            assert!(set.try_join_next().is_none(), "nothing has run yet");
            runloop::yield_now().await; // both run once; "quick" finishes
            assert_eq!(set.try_join_next().unwrap().unwrap(), "quick");
            assert!(set.try_join_next().is_none(), "the slow one is still running");
            assert_eq!(set.len(), 1);
            assert_eq!(set.join_next().await.unwrap().unwrap(), "slow");
        });
    });
}

#[test]
fn a_panicking_task_gives_panicked_and_the_others_still_come() {
    quiet_expected_panics("join-set test:");
    let (panics, outputs) = with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            for n in 0..4 {
                set.spawn(async move {
                    yields(n).await;
                    if n == 1 {
                        panic!("join-set test: task {n}");
                    }
                    n
                });
            }
            let (mut panics, mut outputs) = (Vec::new(), Vec::new());
            while let Some(result) = set.join_next().await {
                match result {
                    Ok(n) => outputs.push(n),
                    Err(error) => panics.push(error.panic_message().unwrap().to_owned()),
                }
            }
            (panics, outputs)
        })
    });
    assert_eq!(panics, ["join-set test: task 1"]);
    assert_eq!(outputs, [0, 2, 3]);
}

#[test]
fn dropping_join_next_half_way_loses_no_result() {
    // `join_next` raced against a future that is ready at once: whenever no
    // result is ready at that very poll, the `join_next` future is dropped.
    // Every result must still come out exactly once.
    let mut seen = with_deadline(LIMIT, || {
        runloop::run(async {
            let mut set = JoinSet::new();
            for n in 0..50 {
                set.spawn(async move {
                    yields(n % 7).await;
                    n
                });
            }
            let mut seen = Vec::new();
            let mut dropped = 0;
            while !set.is_empty() {
                match select(set.join_next(), std::future::ready(())).await {
                    Either::Left(result) => seen.push(result.unwrap().unwrap()),
                    Either::Right(()) => {
                        dropped += 1;
                        runloop::yield_now().await; // let the tasks run
                    }
                }
            }
            assert!(dropped > 0, "the race should drop some join_next futures");
            seen
        })
    });
    seen.sort_unstable();
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
}
