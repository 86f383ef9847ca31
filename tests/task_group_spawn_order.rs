//! When every task of a `TaskGroup` succeeds, `join` returns their outputs
//! in spawn order, whatever order they finished in.
mod common;

use common::with_deadline;
use runloop::TaskGroup;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn outputs_come_in_spawn_order_whatever_order_the_tasks_finish_in() {
    let (outputs, finish_order) = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let finish_order = Rc::new(RefCell::new(Vec::new()));
            let group = TaskGroup::<_, ()>::new();
            for steps in [4, 0, 3, 1, 2] {
                let finish_order = finish_order.clone();
                group.spawn(async move {
                    for _ in 0..steps {
                        runloop::yield_now().await;
                    }
                    finish_order.borrow_mut().push(steps);
                    Ok(steps * 10)
                });
            }
            let outputs = group.join().await.unwrap();
            (outputs, finish_order.take())
        })
    });
    assert_eq!(finish_order, [0, 1, 2, 3, 4]);
    assert_eq!(outputs, [40, 0, 30, 10, 20]);
}

#[test]
fn an_empty_group_joins_to_no_outputs_at_once() {
    let outputs = runloop::run(TaskGroup::<u8, ()>::new().join()).unwrap();
    assert!(outputs.is_empty());
}

#[test]
fn join_waits_for_tasks_that_finish_long_after_it_is_called() {
    let outputs = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let group = TaskGroup::<_, ()>::new();
            group.spawn(async {
                runloop::time::sleep(Duration::from_millis(20)).await;
                Ok("late")
            });
            group.spawn(async { Ok("early") });
            group.join().await.unwrap()
        })
    });
    assert_eq!(outputs, ["late", "early"]);
}
