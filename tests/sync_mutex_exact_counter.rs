//! A `Mutex` keeps a read-modify-write exact across `.await`s: 1,000 tasks
//! each lock 1,000 times, read the counter, yield with the lock held (so
//! every other task gets to try), then write it back plus one.

mod common;

use common::{scaled, with_deadline};
use runloop::sync::Mutex;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn a_thousand_tasks_times_a_thousand_locked_increments_lose_no_update() {
    let tasks = scaled(1_000, 50);
    let rounds = scaled(1_000, 50);
    let (total, most_waiting) = with_deadline(Duration::from_secs(120), move || {
        runloop::run(async move {
            let counter = Rc::new(Mutex::new(0usize));
            let (waiting, most_waiting) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let (counter, waiting, most_waiting) = (counter.clone(), waiting.clone(), most_waiting.clone());
                    runloop::spawn(async move {
                        for _ in 0..rounds {
                            waiting.set(waiting.get() + 1);
                            most_waiting.set(most_waiting.get().max(waiting.get()));
                            let mut guard = counter.lock().await;
                            waiting.set(waiting.get() - 1);
                            let read = *guard;
                            runloop::yield_now().await; // everyone else runs here
                            *guard = read + 1;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            let total = *counter.lock().await;
            (total, most_waiting.get())
        })
    });
    assert_eq!(total, tasks * rounds);
    // Not a formality: the lock really was contended, by nearly everyone.
    assert!(most_waiting >= tasks, "only {most_waiting} tasks ever waited at once");
}
