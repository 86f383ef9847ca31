//! `yield_now` sends a task to the back of the queue, once.
mod common;

use common::with_deadline;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn a_thousand_tasks_each_yielding_a_thousand_times_all_finish() {
    let finished = with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let handles: Vec<_> = (0..1_000)
                .map(|_| {
                    runloop::spawn(async {
                        for _ in 0..1_000 {
                            runloop::yield_now().await;
                        }
                    })
                })
                .collect();
            let mut finished = 0;
            for handle in handles {
                handle.await.unwrap();
                finished += 1;
            }
            finished
        })
    });
    assert_eq!(finished, 1_000);
}

#[test]
fn yielding_tasks_take_turns_in_round_robin_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    runloop::run({
        let log = log.clone();
        async move {
            let handles: Vec<_> = ["a", "b", "c"]
                .into_iter()
                .map(|name| {
                    let log = log.clone();
                    runloop::spawn(async move {
                        for round in 0..3 {
                            log.borrow_mut().push(format!("{name}{round}"));
                            runloop::yield_now().await;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        }
    });
    assert_eq!(log.borrow().join(" "), "a0 b0 c0 a1 b1 c1 a2 b2 c2");
}

#[test]
fn a_yield_in_the_main_future_lets_spawned_tasks_run_first() {
    let log = Rc::new(RefCell::new(Vec::new()));
    runloop::run({
        let log = log.clone();
        async move {
            let task = runloop::spawn({
                let log = log.clone();
                async move { log.borrow_mut().push("task") }
            });
            runloop::yield_now().await;
            log.borrow_mut().push("main");
            task.await.unwrap();
        }
    });
    assert_eq!(*log.borrow(), ["task", "main"]);
}
