//! `select_all` returns the output of the first future to finish, its index
//! in the input, and the other futures, unfinished and still usable, in
//! input order.
mod common;

use common::{DropCounter, with_deadline};
use runloop::future::select_all;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

/// A boxed future that yields `steps` times, then returns `steps`.
fn after(steps: usize) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move {
        for _ in 0..steps {
            runloop::yield_now().await;
        }
        steps
    })
}

#[test]
fn select_all_returns_the_first_finished_its_index_and_the_rest() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let (output, index, rest) = select_all([after(6), after(1), after(3)]).await;
            assert_eq!((output, index, rest.len()), (1, 1, 2));
            // The rest are the unfinished futures, in input order, and
            // awaiting them again goes on where they were.
            let (output, index, rest) = select_all(rest).await;
            assert_eq!((output, index, rest.len()), (3, 1, 1));
            let (output, index, rest) = select_all(rest).await;
            assert_eq!((output, index), (6, 0));
            assert!(rest.is_empty());
        });
    });
}

#[test]
fn on_a_tie_the_lowest_index_wins() {
    let (output, index, rest) = runloop::run(select_all([after(0), after(0), after(0)]));
    assert_eq!((output, index, rest.len()), (0, 0, 2));
}

#[test]
fn the_rest_keeps_running_tasks_when_they_are_join_handles() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let handles: Vec<_> = [2, 0, 1].map(|steps| runloop::spawn(after(steps))).into();
            let (first, index, rest) = select_all(handles).await;
            assert_eq!((first.unwrap(), index), (0, 1));
            let mut rest_outputs = Vec::new();
            for handle in rest {
                rest_outputs.push(handle.await.unwrap());
            }
            assert_eq!(rest_outputs, [2, 1]);
        });
    });
}

#[test]
fn dropping_select_all_drops_every_future_once() {
    let drops = Rc::new(Cell::new(0));
    let futures: Vec<_> = (0..3)
        .map(|_| {
            let guard = DropCounter(drops.clone());
            Box::pin(async move {
                let _guard = guard;
                std::future::pending::<()>().await
            })
        })
        .collect();
    let selecting = select_all(futures);
    assert_eq!(drops.get(), 0);
    drop(selecting);
    assert_eq!(drops.get(), 3);
}

#[test]
#[should_panic(expected = "select_all() was given no futures")]
fn select_all_of_nothing_panics_at_once() {
    drop(select_all(Vec::<std::future::Ready<()>>::new()));
}
