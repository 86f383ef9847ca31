//! A barrier of 100 is released exactly once per generation, with exactly
//! one leader, for 100 generations; a waiter dropped before its generation
//! is released withdraws its arrival.

mod common;

use common::{scaled, with_deadline};
use runloop::sync::Barrier;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

#[test]
fn a_barrier_of_100_releases_each_of_100_generations_once_with_one_leader() {
    let parties = 100;
    let generations = scaled(100, 20);
    let (leaders, passes) = with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            let barrier = Rc::new(Barrier::new(parties));
            let leaders = Rc::new(RefCell::new(vec![0; generations]));
            // How many tasks arrived at and passed each generation: nobody
            // may pass a generation that is not full.
            let arrivals = Rc::new(RefCell::new(vec![0; generations]));
            let passes = Rc::new(RefCell::new(vec![0; generations]));
            let handles: Vec<_> = (0..parties)
                .map(|i| {
                    let (barrier, leaders) = (barrier.clone(), leaders.clone());
                    let (arrivals, passes) = (arrivals.clone(), passes.clone());
                    runloop::spawn(async move {
                        for generation in 0..generations {
                            for _ in 0..(i % 4) {
                                runloop::yield_now().await; // arrive in a jumbled order
                            }
                            arrivals.borrow_mut()[generation] += 1;
                            let result = barrier.wait().await;
                            assert_eq!(arrivals.borrow()[generation], parties, "released a generation not full");
                            passes.borrow_mut()[generation] += 1;
                            if result.is_leader() {
                                leaders.borrow_mut()[generation] += 1;
                            }
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            assert_eq!(barrier.waiting(), 0);
            (leaders.take(), passes.take())
        })
    });
    assert!(leaders.iter().all(|&n| n == 1), "leaders per generation: {leaders:?}");
    assert!(
        passes.iter().all(|&n| n == parties),
        "passes per generation: {passes:?}"
    );
}

#[test]
fn a_waiter_dropped_before_the_release_withdraws_its_arrival() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let barrier = Rc::new(Barrier::new(3));
            let passed = Rc::new(Cell::new(0));
            let spawn_waiter = || {
                let (barrier, passed) = (barrier.clone(), passed.clone());
                runloop::spawn(async move {
                    barrier.wait().await;
                    passed.set(passed.get() + 1);
                })
            };
            let first = spawn_waiter();
            let cancelled = spawn_waiter();
            common::next_turn().await;
            assert_eq!(barrier.waiting(), 2);
            cancelled.abort();
            common::next_turn().await;
            assert_eq!(barrier.waiting(), 1, "the cancelled arrival still counts");
            let second = spawn_waiter();
            common::next_turn().await;
            assert_eq!(passed.get(), 0, "released a member short");
            let third = spawn_waiter();
            for waiter in [first, second, third] {
                waiter.await.unwrap();
            }
            assert_eq!(passed.get(), 3);
        })
    });
}
