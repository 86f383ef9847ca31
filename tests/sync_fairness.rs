//! Every primitive serves its waiters first come, first served, inside a
//! real runtime: tasks queue up in spawn order, and the order in which they
//! get through is recorded and compared.

mod common;

use common::with_deadline;
use runloop::sync::{Barrier, Condvar, Event, Mutex, Notify, Semaphore};
use runloop::yield_now;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(20);

type Log = Rc<RefCell<Vec<usize>>>;

/// Spawns `n` tasks that each run `body(i)`, lets all of them reach their
/// first `.await`, and returns their handles.
async fn spawn_in_order<F, Fut>(n: usize, body: F) -> Vec<runloop::JoinHandle<()>>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let handles = (0..n).map(|i| runloop::spawn(body(i))).collect();
    common::next_turn().await; // every task has now joined its line
    handles
}

async fn join_all(handles: Vec<runloop::JoinHandle<()>>) {
    for handle in handles {
        handle.await.expect("task failed");
    }
}

#[test]
fn a_mutex_hands_the_lock_over_in_arrival_order_and_newcomers_do_not_barge() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let mutex = Rc::new(Mutex::new(()));
            let log: Log = Rc::default();
            let held = mutex.lock().await;
            let handles = spawn_in_order(8, |i| {
                let (mutex, log) = (mutex.clone(), log.clone());
                async move {
                    let _guard = mutex.lock().await;
                    log.borrow_mut().push(i);
                    yield_now().await; // hold it across an await
                }
            })
            .await;
            drop(held);
            assert!(mutex.try_lock().is_err(), "try_lock overtook waiting tasks");
            join_all(handles).await;
            assert!(!mutex.is_locked());
            log.take()
        })
    });
    assert_eq!(order, (0..8).collect::<Vec<_>>());
}

#[test]
fn a_semaphore_serves_in_order_and_small_requests_do_not_overtake_a_large_one() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let semaphore = Rc::new(Semaphore::new(3));
            let log: Log = Rc::default();
            let all = semaphore.acquire_many(3).await.unwrap();
            // Task 1 asks for 3, the others for 1 each.
            let handles = spawn_in_order(6, |i| {
                let (semaphore, log) = (semaphore.clone(), log.clone());
                async move {
                    let wants = if i == 1 { 3 } else { 1 };
                    let _permit = semaphore.acquire_many(wants).await.unwrap();
                    log.borrow_mut().push(i);
                    yield_now().await;
                }
            })
            .await;
            // One permit back: task 0 fits, task 1 does not yet, and the
            // small requests behind it must wait for it.
            drop(all);
            assert!(semaphore.try_acquire().is_err(), "try_acquire overtook the line");
            join_all(handles).await;
            assert_eq!(semaphore.available_permits(), 3);
            log.take()
        })
    });
    assert_eq!(order, [0, 1, 2, 3, 4, 5]);
}

#[test]
fn a_large_acquire_is_not_starved_by_a_stream_of_small_ones() {
    let large_served_after = with_deadline(LIMIT, || {
        runloop::run(async {
            let semaphore = Rc::new(Semaphore::new(4));
            let served: Log = Rc::default();
            let small = |i: usize| {
                let (semaphore, served) = (semaphore.clone(), served.clone());
                runloop::spawn(async move {
                    let _permit = semaphore.acquire().await.unwrap();
                    served.borrow_mut().push(i);
                    yield_now().await;
                })
            };
            let mut handles: Vec<_> = (0..4).map(small).collect();
            common::next_turn().await;
            let large = runloop::spawn({
                let (semaphore, served) = (semaphore.clone(), served.clone());
                async move {
                    let _all = semaphore.acquire_many(4).await.unwrap();
                    served.borrow_mut().push(usize::MAX);
                }
            });
            common::next_turn().await;
            // A stream of small requests after the large one.
            handles.extend((4..40).map(small));
            large.await.unwrap();
            join_all(handles).await;
            served.borrow().iter().position(|&i| i == usize::MAX).unwrap()
        })
    });
    // The large request was served right after the four that came before
    // it, ahead of all 36 that came after.
    assert_eq!(large_served_after, 4);
}

#[test]
fn notify_one_wakes_waiters_in_arrival_order() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let notify = Rc::new(Notify::new());
            let log: Log = Rc::default();
            let handles = spawn_in_order(5, |i| {
                let (notify, log) = (notify.clone(), log.clone());
                async move {
                    notify.notified().await;
                    log.borrow_mut().push(i);
                }
            })
            .await;
            for expected_len in 1..=5 {
                notify.notify_one();
                common::next_turn().await;
                assert_eq!(
                    log.borrow().len(),
                    expected_len,
                    "notify_one woke more or fewer than one"
                );
            }
            join_all(handles).await;
            log.take()
        })
    });
    assert_eq!(order, [0, 1, 2, 3, 4]);
}

#[test]
fn notify_waiters_wakes_everyone_present_and_stores_no_permit() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let notify = Rc::new(Notify::new());
            let log: Log = Rc::default();
            let handles = spawn_in_order(4, |i| {
                let (notify, log) = (notify.clone(), log.clone());
                async move {
                    notify.notified().await;
                    log.borrow_mut().push(i);
                }
            })
            .await;
            notify.notify_waiters();
            join_all(handles).await;
            assert_eq!(*log.borrow(), [0, 1, 2, 3]);
            let late = runloop::spawn({
                let notify = notify.clone();
                async move { notify.notified().await }
            });
            common::next_turn().await;
            assert!(!late.is_finished(), "notify_waiters left a permit behind");
            notify.notify_one();
            late.await.unwrap();
        })
    });
}

#[test]
fn a_condvar_notifies_in_arrival_order_and_notify_all_releases_everyone() {
    let order = with_deadline(LIMIT, || {
        runloop::run(async {
            let pair = Rc::new((Mutex::new(0usize), Condvar::new()));
            let log: Log = Rc::default();
            let handles = spawn_in_order(6, |i| {
                let (pair, log) = (pair.clone(), log.clone());
                async move {
                    let (mutex, condvar) = &*pair;
                    let guard = mutex.lock().await;
                    let mut guard = condvar.wait(guard).await;
                    *guard += 1;
                    log.borrow_mut().push(i);
                }
            })
            .await;
            let (mutex, condvar) = &*pair;
            for _ in 0..3 {
                condvar.notify_one();
                common::next_turn().await;
            }
            assert_eq!(*mutex.lock().await, 3, "notify_one woke more or fewer than one each");
            condvar.notify_all();
            join_all(handles).await;
            assert_eq!(*mutex.lock().await, 6);
            log.take()
        })
    });
    assert_eq!(order, [0, 1, 2, 3, 4, 5]);
}

#[test]
fn an_event_releases_every_waiter_and_clear_makes_later_waits_wait() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let event = Rc::new(Event::new());
            let log: Log = Rc::default();
            let handles = spawn_in_order(10, |i| {
                let (event, log) = (event.clone(), log.clone());
                async move {
                    event.wait().await;
                    log.borrow_mut().push(i);
                }
            })
            .await;
            assert!(log.borrow().is_empty());
            event.set();
            event.clear(); // the set already happened: every waiter saw it
            join_all(handles).await;
            assert_eq!(*log.borrow(), (0..10).collect::<Vec<_>>());
            let later = runloop::spawn({
                let event = event.clone();
                async move { event.wait().await }
            });
            common::next_turn().await;
            assert!(!later.is_finished(), "a wait after clear() returned");
            event.set();
            later.await.unwrap();
            event.wait().await; // set: returns at once
        })
    });
}

#[test]
fn a_barrier_releases_its_generation_in_arrival_order_with_the_last_as_leader() {
    let (order, leaders) = with_deadline(LIMIT, || {
        runloop::run(async {
            let barrier = Rc::new(Barrier::new(4));
            let log: Log = Rc::default();
            let leaders: Log = Rc::default();
            let handles = spawn_in_order(4, |i| {
                let (barrier, log, leaders) = (barrier.clone(), log.clone(), leaders.clone());
                async move {
                    if i == 3 {
                        common::next_turn().await; // the fourth arrives last
                    }
                    if barrier.wait().await.is_leader() {
                        leaders.borrow_mut().push(i);
                    }
                    log.borrow_mut().push(i);
                }
            })
            .await;
            join_all(handles).await;
            (log.take(), leaders.take())
        })
    });
    assert_eq!(leaders, [3], "the last to arrive leads");
    assert_eq!(
        order,
        [3, 0, 1, 2],
        "the leader goes on at once, the others in arrival order"
    );
}
