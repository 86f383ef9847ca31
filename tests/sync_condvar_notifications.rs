//! A condition variable loses no notification: not between a waiter's
//! unlock and its parking, and not when a waiter chosen by `notify_one` is
//! cancelled before it runs — the notification passes to the next waiter.

mod common;

use common::with_deadline;
use runloop::sync::{Condvar, Mutex};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn a_notify_right_after_the_waiter_unlocks_is_not_lost() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let pair = Rc::new((Mutex::new(false), Condvar::new()));
            let waiter = runloop::spawn({
                let pair = pair.clone();
                async move {
                    let (mutex, condvar) = &*pair;
                    let guard = mutex.lock().await;
                    let guard = condvar.wait(guard).await;
                    *guard
                }
            });
            // The waiter runs once: locks, gets in line, unlocks. The lock
            // is free at the very first moment we can look, and the waiter
            // is already in line for the notification.
            runloop::yield_now().await;
            let (mutex, condvar) = &*pair;
            let mut guard = mutex.try_lock().expect("the waiter released the lock while waiting");
            *guard = true;
            drop(guard);
            condvar.notify_one();
            assert!(waiter.await.unwrap(), "the waiter saw the state set before the notify");
        })
    });
}

#[test]
fn a_cancelled_waiter_passes_its_notification_to_the_next() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let pair = Rc::new((Mutex::new(()), Condvar::new()));
            let woken = Rc::new(Cell::new(0));
            let spawn_waiter = || {
                let (pair, woken) = (pair.clone(), woken.clone());
                runloop::spawn(async move {
                    let (mutex, condvar) = &*pair;
                    let guard = mutex.lock().await;
                    let _guard = condvar.wait(guard).await;
                    woken.set(woken.get() + 1);
                })
            };
            let first = spawn_waiter();
            let second = spawn_waiter();
            common::next_turn().await;
            let (_, condvar) = &*pair;
            condvar.notify_one(); // chooses `first`...
            first.abort(); // ...which is cancelled before it runs
            assert!(first.await.unwrap_err().is_cancelled());
            second.await.unwrap();
            assert_eq!(woken.get(), 1, "the notification reached the second waiter");
        })
    });
}

#[test]
fn a_waiter_cancelled_while_relocking_hands_the_lock_on() {
    with_deadline(Duration::from_secs(20), || {
        runloop::run(async {
            let pair = Rc::new((Mutex::new(0), Condvar::new()));
            let waiter = runloop::spawn({
                let pair = pair.clone();
                async move {
                    let (mutex, condvar) = &*pair;
                    let guard = mutex.lock().await;
                    let mut guard = condvar.wait(guard).await;
                    *guard += 1;
                }
            });
            common::next_turn().await;
            let (mutex, condvar) = &*pair;
            let held = mutex.lock().await;
            condvar.notify_all(); // the waiter wakes and queues for the lock
            common::next_turn().await;
            waiter.abort(); // cancelled in line for the lock
            assert!(waiter.await.unwrap_err().is_cancelled());
            drop(held);
            assert_eq!(*mutex.try_lock().expect("the lock was lost"), 0);
        })
    });
}
