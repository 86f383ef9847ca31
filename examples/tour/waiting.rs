//! Chapter: waiting for each other — asyncio's toolbox (`Lock`,
//! `Semaphore`, `Event`, `TaskGroup`), every one of them a line of parked
//! tasks (`src/sync/wait_queue.rs`).

use crate::local_server;
use runloop::TaskGroup;
use runloop::http::Client;
use runloop::sync::{Event, Mutex, Semaphore};
use runloop::time::sleep;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

pub fn run() {
    println!("Tasks on one loop never run at the same instant, but they interleave at every");
    println!(".await. These primitives make them wait for each other; each keeps a FIFO line");
    println!("of parked tasks, and a task cancelled in line never loses its turn for others.\n");
    runloop::run(async {
        lock_across_await().await;
        at_most_three().await;
        starting_gun().await;
        first_failure_cancels_the_rest().await;
    });
}

/// Two deposits that read, wait, then write: a `RefCell` cannot be held
/// across the wait, a `Mutex` can.
async fn lock_across_await() {
    println!("  Mutex (asyncio's Lock): two tasks each read a balance of 100, await a 5 ms");
    println!("  'database call', then write balance + 50.");
    let cell = Rc::new(RefCell::new(100));
    let borrowed = cell.borrow_mut(); // what the first task would hold across its .await
    match cell.try_borrow_mut() {
        Err(error) => println!("    with a RefCell held across the await, the second task's borrow fails: {error}"),
        Ok(_) => unreachable!("a RefCell allows one mutable borrow"),
    }
    drop(borrowed);

    let balance = Rc::new(Mutex::new(100));
    let deposits: Vec<_> = (1..=2)
        .map(|n| {
            let balance = balance.clone();
            runloop::spawn(async move {
                let mut guard = balance.lock().await; // the second task waits here
                let read = *guard;
                sleep(Duration::from_millis(5)).await;
                *guard = read + 50;
                println!("    deposit {n}: read {read}, wrote {}", *guard);
            })
        })
        .collect();
    for deposit in deposits {
        deposit.await.expect("the deposit runs");
    }
    println!(
        "    with a Mutex the second waits in line, and the balance is exact: {}\n",
        *balance.lock().await
    );
}

/// Twelve fetches from the local site through a semaphore of three, drawn
/// as lanes: `.` waiting for a permit, `#` fetching with one.
async fn at_most_three() {
    let site = local_server::start();
    let client = Rc::new(Client::new());
    let limit = Rc::new(Semaphore::new(3));
    let start = Instant::now();
    println!("  Semaphore(3): 12 GETs of /delay/{{20..75}} ms, at most 3 in flight at once.");
    let fetches: Vec<_> = (0..12u64)
        .map(|i| {
            let (client, limit) = (client.clone(), limit.clone());
            let url = site.url(&format!("/delay/{}", 20 + (i * 37) % 56));
            runloop::spawn(async move {
                let _permit = limit.acquire().await.expect("the semaphore stays open");
                let began = start.elapsed();
                let response = client.get(&url).await.expect("the local site answers");
                assert_eq!(response.status, 200);
                (began, start.elapsed())
            })
        })
        .collect();
    let mut spans = Vec::new();
    for fetch in fetches {
        spans.push(fetch.await.expect("the fetch runs"));
    }
    let total = start.elapsed();
    let most = draw_lanes(&spans, total);
    println!(
        "    {} ms in all; never more than {most} in flight (the permits: 3).\n",
        total.as_millis()
    );
}

/// Draws one lane per fetch and returns the most lanes in flight in any
/// column.
fn draw_lanes(spans: &[(Duration, Duration)], total: Duration) -> usize {
    const WIDTH: u32 = 60;
    let column = total / WIDTH;
    let mut in_flight = [0usize; WIDTH as usize];
    for (i, &(began, ended)) in spans.iter().enumerate() {
        let lane: String = (0..WIDTH)
            .map(|c| {
                let middle = column * c + column / 2;
                if middle >= began && middle < ended {
                    in_flight[c as usize] += 1;
                    '#'
                } else if middle < began {
                    '.'
                } else {
                    ' '
                }
            })
            .collect();
        println!("    fetch {i:>2} |{lane}|");
    }
    let counts: String = in_flight
        .iter()
        .map(|&n| char::from_digit(n as u32, 10).unwrap_or('+'))
        .collect();
    println!(
        "    in flight|{counts}|  (one column = {:.1} ms)",
        column.as_secs_f64() * 1000.0
    );
    in_flight.into_iter().max().unwrap_or(0)
}

/// Five runners wait for one `Event`; `set` releases all of them at once.
async fn starting_gun() {
    println!("  Event: five runners wait for the starting gun; set() wakes every one.");
    let gun = Rc::new(Event::new());
    let released = Rc::new(RefCell::new(Vec::new()));
    let start = Instant::now();
    let runners: Vec<_> = (1..=5)
        .map(|n| {
            let (gun, released) = (gun.clone(), released.clone());
            runloop::spawn(async move {
                gun.wait().await;
                released
                    .borrow_mut()
                    .push((n, start.elapsed(), runloop::stats().reactor_turns));
            })
        })
        .collect();
    sleep(Duration::from_millis(20)).await;
    println!("    after 20 ms: gun.set()");
    gun.set();
    for runner in runners {
        runner.await.expect("the runner runs");
    }
    let released = released.take();
    let order: Vec<String> = released.iter().map(|(n, _, _)| n.to_string()).collect();
    let turns: std::collections::BTreeSet<u64> = released.iter().map(|&(_, _, turn)| turn).collect();
    println!(
        "    released runners {} at {:.1} ms, in {} turn(s) of the loop,",
        order.join(", "),
        released[0].1.as_secs_f64() * 1000.0,
        turns.len()
    );
    println!("    in the order they began to wait: set() chose the whole line at once.\n");
}

/// Prints when a worker's future is dropped before it finished: how a
/// cancelled task in Rust runs its cleanup (asyncio's `finally:` after
/// `CancelledError`).
struct Cleanup {
    worker: u64,
    finished: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.finished {
            println!(
                "    worker {}: cancelled; its destructor runs (asyncio's finally:)",
                self.worker
            );
        }
    }
}

/// Three workers and one task that fails after 20 ms, in one group: the
/// failure cancels the workers, and `join` reports it.
async fn first_failure_cancels_the_rest() {
    println!("  TaskGroup (asyncio 3.11): workers of 40, 60 and 80 ms, and a task that fails at 20 ms.");
    let start = Instant::now();
    let group: TaskGroup<u64, String> = TaskGroup::new();
    for worker in 1..=3u64 {
        group.spawn(async move {
            let mut cleanup = Cleanup {
                worker,
                finished: false,
            };
            sleep(Duration::from_millis(20 + 20 * worker)).await;
            cleanup.finished = true;
            println!("    worker {worker}: finished");
            Ok(worker)
        });
    }
    group.spawn(async move {
        sleep(Duration::from_millis(20)).await;
        println!("    checker: failing at {} ms", start.elapsed().as_millis());
        Err("disk full".to_string())
    });
    match group.join().await {
        Ok(outputs) => println!("    unexpectedly, every task succeeded: {outputs:?}"),
        Err(report) => println!(
            "    join() after {} ms: {report}\n    no worker outlived the group: structured concurrency.",
            start.elapsed().as_millis()
        ),
    }
}
