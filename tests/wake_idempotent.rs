//! Waking is idempotent, and a wake during a poll is not lost.
mod common;

use common::with_deadline;
use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

/// A future that counts its polls, hands out its waker, and never finishes
/// unless `finish` is set.
fn counted_pending(
    polls: Rc<Cell<usize>>,
    waker: Rc<RefCell<Option<Waker>>>,
    finish: Rc<Cell<bool>>,
) -> impl Future<Output = ()> {
    poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        *waker.borrow_mut() = Some(cx.waker().clone());
        if finish.get() { Poll::Ready(()) } else { Poll::Pending }
    })
}

#[test]
fn a_hundred_wakes_before_a_poll_give_one_poll() {
    let polls = with_deadline(Duration::from_secs(10), || {
        let (polls, waker, finish) = (
            Rc::new(Cell::new(0)),
            Rc::new(RefCell::new(None)),
            Rc::new(Cell::new(false)),
        );
        runloop::run({
            let (polls, waker, finish) = (polls.clone(), waker.clone(), finish.clone());
            async move {
                let task = runloop::spawn(counted_pending(polls.clone(), waker.clone(), finish.clone()));
                runloop::yield_now().await; // the task runs once and parks
                assert_eq!(polls.get(), 1);
                let stored: Waker = waker.borrow().clone().unwrap();
                // Both entry points of the vtable: by reference and by value.
                for _ in 0..50 {
                    stored.wake_by_ref();
                    let clone = stored.clone();
                    clone.wake();
                }
                // Let every queued entry run: a duplicate would poll again.
                for _ in 0..10 {
                    runloop::yield_now().await;
                }
                let polls_after_wakes = polls.get();
                finish.set(true);
                stored.wake();
                task.await.unwrap();
                polls_after_wakes
            }
        })
    });
    assert_eq!(
        polls, 2,
        "100 wakes before the task ran must give exactly one more poll"
    );
}

#[test]
fn a_task_woken_during_its_own_poll_runs_again() {
    let polls = with_deadline(Duration::from_secs(10), || {
        let polls = Rc::new(Cell::new(0));
        runloop::run({
            let polls = polls.clone();
            async move {
                runloop::spawn(poll_fn(move |cx| {
                    polls.set(polls.get() + 1);
                    if polls.get() == 3 {
                        return Poll::Ready(());
                    }
                    cx.waker().wake_by_ref(); // woken while running: must be polled again
                    Poll::Pending
                }))
                .await
                .unwrap();
            }
        });
        polls.get()
    });
    assert_eq!(polls, 3);
}

#[test]
fn a_finished_task_is_never_polled_again() {
    let polls = with_deadline(Duration::from_secs(10), || {
        let (polls, waker, finish) = (
            Rc::new(Cell::new(0)),
            Rc::new(RefCell::new(None)),
            Rc::new(Cell::new(true)),
        );
        runloop::run({
            let (polls, waker) = (polls.clone(), waker.clone());
            async move {
                runloop::spawn(counted_pending(polls.clone(), waker.clone(), finish))
                    .await
                    .unwrap();
                assert_eq!(polls.get(), 1);
                let stale: Waker = waker.borrow().clone().unwrap();
                stale.wake_by_ref();
                stale.wake();
                for _ in 0..10 {
                    runloop::yield_now().await;
                }
            }
        });
        polls.get()
    });
    assert_eq!(polls, 1, "waking a finished task must not poll it");
}
