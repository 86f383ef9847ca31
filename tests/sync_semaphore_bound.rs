//! A semaphore never lets more tasks through than it has permits, lets
//! exactly that many through when there is demand, and, once closed, fails
//! every waiting and later `acquire` while permits already held stay good.

mod common;

use common::{scaled, with_deadline};
use runloop::sync::{Semaphore, TryAcquireError};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn at_most_permits_tasks_run_at_once_and_that_many_do() {
    for permits in [1, 3, 10] {
        let tasks = scaled(2_000, 200);
        let most = with_deadline(Duration::from_secs(60), move || {
            runloop::run(async move {
                let semaphore = Rc::new(Semaphore::new(permits));
                let (inside, most) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
                let handles: Vec<_> = (0..tasks)
                    .map(|i| {
                        let (semaphore, inside, most) = (semaphore.clone(), inside.clone(), most.clone());
                        runloop::spawn(async move {
                            let _permit = semaphore.acquire().await.unwrap();
                            inside.set(inside.get() + 1);
                            most.set(most.get().max(inside.get()));
                            for _ in 0..(i % 3) {
                                runloop::yield_now().await;
                            }
                            inside.set(inside.get() - 1);
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.unwrap();
                }
                assert_eq!(semaphore.available_permits(), permits, "a permit was lost or invented");
                most.get()
            })
        });
        assert_eq!(most, permits, "with {permits} permits");
    }
}

#[test]
fn closing_fails_waiters_and_later_acquires_but_not_permits_already_held() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let semaphore = Rc::new(Semaphore::new(1));
            let held = semaphore.acquire().await.unwrap();
            let waiters: Vec<_> = (0..3)
                .map(|_| {
                    let semaphore = semaphore.clone();
                    runloop::spawn(async move { semaphore.acquire().await.map(|_| ()) })
                })
                .collect();
            common::next_turn().await;
            semaphore.close();
            for waiter in waiters {
                let error = waiter.await.unwrap().unwrap_err();
                assert_eq!(error.to_string(), "the semaphore is closed");
            }
            assert!(semaphore.acquire().await.is_err());
            assert_eq!(semaphore.try_acquire().unwrap_err(), TryAcquireError::Closed);
            assert_eq!(held.permits(), 1);
            drop(held);
            assert_eq!(semaphore.available_permits(), 1, "the held permit came back");
        })
    });
}

#[test]
fn add_permits_serves_waiters_and_forget_shrinks_the_semaphore() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let semaphore = Rc::new(Semaphore::new(0));
            let waiter = runloop::spawn({
                let semaphore = semaphore.clone();
                async move { semaphore.acquire_many(2).await.unwrap().permits() }
            });
            common::next_turn().await;
            semaphore.add_permits(1);
            common::next_turn().await;
            assert!(!waiter.is_finished(), "served with 1 of 2 permits");
            semaphore.add_permits(2);
            assert_eq!(waiter.await.unwrap(), 2);
            assert_eq!(semaphore.available_permits(), 3);
            semaphore.try_acquire().unwrap().forget();
            assert_eq!(semaphore.available_permits(), 2);
        })
    });
}
