//! `join_all`, `as_completed`, `select`, `wait_for`.
mod common;

use common::DropCounter;
use runloop::future::{Either, select, wait_for};
use runloop::time::sleep;
use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn};
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

#[test]
fn as_completed_yields_in_completion_order_not_submission_order() {
    let order = runloop::run(async {
        let delays = [40u64, 10, 30, 0, 20];
        let mut done = runloop::as_completed(delays.map(|ms| async move {
            sleep(Duration::from_millis(ms)).await;
            ms
        }));
        assert_eq!(done.len(), 5);
        let mut order = Vec::new();
        while let Some(ms) = done.next().await {
            order.push(ms);
        }
        assert!(done.is_empty());
        order
    });
    assert_eq!(order, [0, 10, 20, 30, 40]);
}

#[test]
fn join_all_keeps_input_order() {
    let out = runloop::run(runloop::join_all([30u64, 0, 20, 10].map(|ms| async move {
        sleep(Duration::from_millis(ms)).await;
        ms
    })));
    assert_eq!(out, [30, 0, 20, 10]);
}

#[test]
fn join_all_of_nothing_is_ready_at_once() {
    let out: Vec<u8> = runloop::run(runloop::join_all(Vec::<std::future::Ready<u8>>::new()));
    assert!(out.is_empty());
}

#[test]
fn join_all_gathers_spawned_task_handles() {
    let out = runloop::run(async {
        let handles: Vec<_> = (0..100).map(|n| runloop::spawn(async move { n * 2 })).collect();
        runloop::join_all(handles)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
    });
    assert_eq!(out, (0..100).map(|n| n * 2).collect::<Vec<_>>());
}

#[test]
fn join_all_polls_only_the_children_that_woke() {
    // 1,000 children, each pending once and woken separately: a combinator
    // that re-polled everyone on every wake would make ~500,000 polls.
    const CHILDREN: usize = 1_000;
    let polls = Rc::new(Cell::new(0usize));
    let wakers: Rc<RefCell<Vec<Option<Waker>>>> = Rc::new(RefCell::new(vec![None; CHILDREN]));
    runloop::run({
        let (polls, wakers) = (polls.clone(), wakers.clone());
        async move {
            let children = (0..CHILDREN).map(|index| {
                let (polls, wakers) = (polls.clone(), wakers.clone());
                let mut first = true;
                poll_fn(move |cx| {
                    polls.set(polls.get() + 1);
                    if std::mem::take(&mut first) {
                        wakers.borrow_mut()[index] = Some(cx.waker().clone());
                        Poll::Pending
                    } else {
                        Poll::Ready(index)
                    }
                })
            });
            let gather = runloop::spawn(runloop::join_all(children));
            runloop::yield_now().await;
            for index in 0..CHILDREN {
                wakers.borrow_mut()[index].take().unwrap().wake();
                runloop::yield_now().await;
            }
            assert_eq!(gather.await.unwrap(), (0..CHILDREN).collect::<Vec<_>>());
        }
    });
    assert_eq!(polls.get(), 2 * CHILDREN);
}

#[test]
fn select_returns_the_winner_and_drops_the_loser() {
    let drops = Rc::new(Cell::new(0));
    let winner = runloop::run({
        let drops = drops.clone();
        async move {
            let guard = DropCounter(drops.clone());
            let loser = async move {
                let _guard = guard;
                pending::<&str>().await
            };
            let outcome = select(loser, async {
                sleep(Duration::from_millis(5)).await;
                "fast"
            })
            .await;
            assert_eq!(drops.get(), 1, "the loser is dropped by the time select returns");
            outcome
        }
    });
    assert_eq!(winner, Either::Right("fast"));
    assert_eq!(drops.get(), 1);
}

#[test]
fn select_prefers_the_first_future_on_a_tie() {
    let outcome = runloop::run(select(async { 1 }, async { 2 }));
    assert_eq!(outcome, Either::Left(1));
}

#[test]
fn wait_for_is_timeout_by_its_asyncio_name() {
    runloop::run(async {
        assert_eq!(wait_for(Duration::from_secs(1), async { 3 }).await, Ok(3));
        assert!(wait_for(Duration::from_millis(5), pending::<()>()).await.is_err());
    });
}

#[test]
#[should_panic(expected = "JoinAll polled after it returned")]
fn a_finished_join_all_panics_if_polled_again() {
    use std::future::Future;
    let mut gather = Box::pin(runloop::join_all([async { 1 }]));
    let mut cx = std::task::Context::from_waker(Waker::noop());
    assert!(gather.as_mut().poll(&mut cx).is_ready());
    let _ = gather.as_mut().poll(&mut cx);
}
