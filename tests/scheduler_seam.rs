//! The run queue is a policy behind the `Schedule` trait.
use runloop::scheduler::{Cause, Ready, Schedule, TaskId};
use std::cell::RefCell;
use std::rc::Rc;

/// Last in, first out, recording every push.
#[derive(Default)]
struct Lifo {
    stack: Vec<TaskId>,
    pushes: Rc<RefCell<Vec<(TaskId, Cause)>>>,
}

impl Schedule for Lifo {
    fn push(&mut self, ready: Ready) {
        self.pushes.borrow_mut().push((ready.id, ready.cause));
        self.stack.push(ready.id);
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.stack.pop()
    }
    fn len(&self) -> usize {
        self.stack.len()
    }
}

#[test]
fn a_custom_policy_decides_the_order() {
    let pushes = Rc::new(RefCell::new(Vec::new()));
    let runtime = runloop::Runtime::builder()
        .scheduler(Lifo {
            stack: Vec::new(),
            pushes: pushes.clone(),
        })
        .build()
        .unwrap();
    let order = Rc::new(RefCell::new(Vec::new()));
    runtime.block_on({
        let order = order.clone();
        async move {
            let handles: Vec<_> = (0..3)
                .map(|n| {
                    let order = order.clone();
                    runloop::spawn(async move { order.borrow_mut().push(n) })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
        }
    });
    assert_eq!(*order.borrow(), [2, 1, 0], "LIFO runs the newest task first");
    let causes: Vec<Cause> = pushes.borrow().iter().map(|(_, cause)| *cause).collect();
    assert!(causes.contains(&Cause::Spawned));
    assert!(
        causes.iter().any(|cause| matches!(cause, Cause::WokenBy(_))),
        "join wakes come from inside polls"
    );
}

#[test]
fn polls_per_turn_bounds_the_work_between_reactor_checks() {
    // With one poll per turn, a spinning task and a sleeping main future
    // still both make progress.
    let runtime = runloop::Runtime::builder().polls_per_turn(1).build().unwrap();
    runtime.block_on(async {
        let spinner = runloop::spawn(async {
            for _ in 0..100 {
                runloop::yield_now().await;
            }
        });
        runloop::time::sleep(std::time::Duration::from_millis(5)).await;
        spinner.await.unwrap();
    });
}
