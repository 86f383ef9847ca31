//! The run queue is a policy behind the `Schedule` trait.
mod common;

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

/// A policy that wakes an observer task whenever anything is pushed.
struct Observed {
    inner: runloop::scheduler::Fifo,
    observer: Rc<RefCell<Option<std::task::Waker>>>,
    pushes: Rc<RefCell<Vec<TaskId>>>,
}

impl Schedule for Observed {
    fn push(&mut self, ready: Ready) {
        self.pushes.borrow_mut().push(ready.id);
        self.inner.push(ready);
        if let Some(observer) = self.observer.borrow().as_ref() {
            observer.wake_by_ref();
        }
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.inner.pop()
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
}

#[test]
fn a_policy_may_wake_tasks_from_push() {
    // The watcher parks once; the next push anywhere wakes it from inside
    // the policy. That wake must arrive (no "already borrowed" panic, no
    // lost wakeup) and the watcher must run to its end.
    common::with_deadline(std::time::Duration::from_secs(10), || {
        let observer: Rc<RefCell<Option<std::task::Waker>>> = Rc::default();
        let observed_polls = Rc::new(std::cell::Cell::new(0));
        let runtime = runloop::Runtime::builder()
            .scheduler(Observed {
                inner: runloop::scheduler::Fifo::new(),
                observer: observer.clone(),
                pushes: Rc::default(),
            })
            .build()
            .unwrap();
        runtime.block_on({
            let polls = observed_polls.clone();
            async move {
                let watcher = runloop::spawn(std::future::poll_fn(move |cx| {
                    polls.set(polls.get() + 1);
                    *observer.borrow_mut() = Some(cx.waker().clone());
                    if polls.get() >= 2 {
                        std::task::Poll::Ready(())
                    } else {
                        std::task::Poll::Pending
                    }
                }));
                runloop::yield_now().await; // the watcher parks
                runloop::yield_now().await; // this push wakes it
                watcher.await.unwrap();
            }
        });
        assert_eq!(observed_polls.get(), 2);
    });
}

#[test]
fn the_main_future_is_scheduled_under_an_id_of_its_own() {
    let pushes: Rc<RefCell<Vec<TaskId>>> = Rc::default();
    let runtime = runloop::Runtime::builder()
        .scheduler(Observed {
            inner: runloop::scheduler::Fifo::new(),
            observer: Rc::default(),
            pushes: pushes.clone(),
        })
        .build()
        .unwrap();
    runtime.block_on(async {
        runloop::spawn(async {}).await.unwrap();
    });
    runtime.block_on(async {});
    let pushes = pushes.borrow();
    let mains: Vec<&TaskId> = pushes.iter().filter(|id| id.is_main()).collect();
    let tasks: Vec<&TaskId> = pushes.iter().filter(|id| !id.is_main()).collect();
    assert!(!tasks.is_empty());
    assert!(mains.iter().all(|id| id.to_string() == "main"));
    assert!(tasks.iter().all(|id| id.to_string() == "#1"));
    let first_block_on = mains.first().unwrap().generation();
    let second_block_on = mains.last().unwrap().generation();
    assert_ne!(first_block_on, second_block_on, "each block_on gets a fresh main id");
}

/// Records what the loop announces, and what it pushes.
#[derive(Default)]
struct Announced {
    inner: runloop::scheduler::Fifo,
    log: Rc<RefCell<Vec<(&'static str, TaskId)>>>,
}

impl Schedule for Announced {
    fn push(&mut self, ready: Ready) {
        self.log.borrow_mut().push(("push", ready.id));
        self.inner.push(ready);
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.inner.pop()
    }
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn spawned(&mut self, id: TaskId, _: &runloop::scheduler::SpawnInfo) {
        self.log.borrow_mut().push(("spawned", id));
    }
    fn finished(&mut self, id: TaskId) {
        self.log.borrow_mut().push(("finished", id));
    }
}

/// The promise in `Schedule`'s docs: the `block_on` future is pushed like
/// a task but never announced through `spawned` or `finished`, and its
/// index is `u32::MAX`; a spawned task is announced before its first push
/// and finished after its last poll.
#[test]
fn the_main_future_is_pushed_but_never_announced() {
    let log: Rc<RefCell<Vec<(&'static str, TaskId)>>> = Rc::default();
    let runtime = runloop::Runtime::builder()
        .scheduler(Announced {
            log: log.clone(),
            ..Announced::default()
        })
        .build()
        .unwrap();
    runtime.block_on(async {
        runloop::spawn(async {}).await.unwrap();
    });
    let log = log.borrow();
    let main = log.iter().find(|(_, id)| id.is_main()).expect("main was pushed").1;
    assert_eq!(main.index(), u32::MAX as usize);
    assert!(
        log.iter().all(|&(event, id)| id != main || event == "push"),
        "main was announced: {log:?}"
    );
    let task: Vec<&str> = log
        .iter()
        .filter(|(_, id)| !id.is_main())
        .map(|(event, _)| *event)
        .collect();
    assert_eq!(task, ["spawned", "push", "finished"]);
}
