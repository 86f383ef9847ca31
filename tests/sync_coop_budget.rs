//! Taking a free lock, a free permit, a set event or a stored notification
//! counts against the cooperative budget, as a channel receive does: a task
//! that only ever meets free primitives still yields, so a timer runs.

mod common;

use common::with_deadline;
use runloop::sync::{Event, Mutex, Notify, Semaphore};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

const ROUNDS: u32 = 200_000;

/// Makes one round of work: an operation on a primitive that is always free.
type Round = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = ()>>>>;

/// How many rounds had been done when a timer due almost at once ran.
fn rounds_before_the_timer_ran(budget: Option<u32>, make_rounds: fn() -> Round) -> u32 {
    let rt = runloop::Runtime::builder().coop_budget(budget).build().unwrap();
    rt.block_on(async move {
        let done = Rc::new(Cell::new(0u32));
        let timer = runloop::spawn({
            let done = done.clone();
            async move {
                runloop::time::sleep(Duration::from_micros(1)).await;
                done.get()
            }
        });
        runloop::yield_now().await; // the timer is registered
        let busy = runloop::spawn({
            let done = done.clone();
            async move {
                let mut round = make_rounds();
                for _ in 0..ROUNDS {
                    round().await; // always ready: never parks
                    done.set(done.get() + 1);
                }
            }
        });
        busy.await.unwrap();
        timer.await.unwrap()
    })
}

fn check(name: &str, make_rounds: fn() -> Round) {
    let with = with_deadline(Duration::from_secs(60), move || {
        rounds_before_the_timer_ran(Some(128), make_rounds)
    });
    // 128 operations per poll, at most 128 polls per turn.
    assert!(with <= 128 * 128, "{name}: the timer ran only after {with} rounds");
    let without = with_deadline(Duration::from_secs(60), move || {
        rounds_before_the_timer_ran(None, make_rounds)
    });
    assert_eq!(without, ROUNDS, "{name}: without a budget the timer should have waited");
}

#[test]
fn taking_a_free_mutex_spends_the_budget() {
    check("Mutex::lock", || {
        let mutex = Rc::new(Mutex::new(0u32));
        Box::new(move || {
            let mutex = mutex.clone();
            Box::pin(async move { *mutex.lock().await += 1 })
        })
    });
}

#[test]
fn taking_a_free_permit_spends_the_budget() {
    check("Semaphore::acquire", || {
        let semaphore = Rc::new(Semaphore::new(1));
        Box::new(move || {
            let semaphore = semaphore.clone();
            Box::pin(async move { drop(semaphore.acquire().await.unwrap()) })
        })
    });
}

#[test]
fn waiting_on_a_set_event_spends_the_budget() {
    check("Event::wait", || {
        let event = Rc::new(Event::new());
        event.set();
        Box::new(move || {
            let event = event.clone();
            Box::pin(async move { event.wait().await })
        })
    });
}

#[test]
fn taking_a_stored_notification_spends_the_budget() {
    check("Notify::notified", || {
        let notify = Rc::new(Notify::new());
        Box::new(move || {
            let notify = notify.clone();
            Box::pin(async move {
                notify.notify_one();
                notify.notified().await
            })
        })
    });
}
