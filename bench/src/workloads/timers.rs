//! # W4 — timers
//!
//! Two questions about the timer queue, asked of every runtime that has one
//! (futures' `LocalPool` has none):
//!
//! - **W4a, many sleepers.** 100,000 tasks each sleep 1 ms; all are awaited.
//!   Every task registers a timer, the loop sleeps until the earliest
//!   deadline, then fires 100,000 timers and runs 100,000 tasks to the end.
//!   One operation is one task; the 1 ms of real waiting is in the total
//!   too, the same for all (10 ns of it per task).
//! - **W4b, a timeout that never fires.** With 100,000 other 10 s sleeps
//!   pending, one task creates a 10 s sleep, polls it once (so it is really
//!   registered, not just built) and drops it, 100,000 times. That is what
//!   every `timeout(d, fut)` whose `fut` wins costs: insert and cancel in a
//!   queue that is already big. One operation is one create-poll-drop.
//!
//! In W4b the 100,000 background sleepers are set up before the clock
//! starts (every one of them polled once, so their timers exist) and
//! cancelled after it stops.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

const SLEEPERS: usize = 100_000;
const SHORT: Duration = Duration::from_millis(1);
const LONG: Duration = Duration::from_secs(10);
const CANCELS: usize = 100_000;

pub fn sleepers() -> Workload {
    Workload {
        id: "W4a",
        title: "timers: 100,000 tasks each sleep 1 ms",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.7,
            against: None,
        },
        cases: sleeper_cases,
    }
}

pub fn cancel() -> Workload {
    Workload {
        id: "W4b",
        title: "timers: create, poll once, drop a 10 s sleep (100,000 others pending)",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.7,
            against: None,
        },
        cases: cancel_cases,
    }
}

fn sleeper_cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..SLEEPERS)
                    .map(|_| runloop::spawn(runloop::time::sleep(SHORT)))
                    .collect();
                for handle in handles {
                    handle.await.expect("sleeper");
                }
                per_op(started.elapsed(), SLEEPERS as u64)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..SLEEPERS).map(|_| tokio::spawn(tokio::time::sleep(SHORT))).collect();
                for handle in handles {
                    handle.await.expect("sleeper");
                }
                per_op(started.elapsed(), SLEEPERS as u64)
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let started = Instant::now();
                let handles: Vec<_> = (0..SLEEPERS)
                    .map(|_| smol.spawn(async { smol::Timer::after(SHORT).await }))
                    .collect();
                for handle in handles {
                    handle.await;
                }
                per_op(started.elapsed(), SLEEPERS as u64)
            })
        }),
    ]
}

/// Polls `future` exactly once, with the current task's context, and
/// checks that it is waiting.
async fn poll_once<F: Future>(mut future: Pin<&mut F>) {
    poll_fn(|cx| {
        assert!(future.as_mut().poll(cx).is_pending(), "a 10 s sleep ended at once");
        Poll::Ready(())
    })
    .await
}

/// Waits (yielding) until `count` reaches `target`: every background
/// sleeper has been polled and has registered its timer.
async fn until_all_registered(count: &AtomicUsize, target: usize, yield_now: impl AsyncFn()) {
    while count.load(Ordering::Relaxed) < target {
        yield_now().await;
    }
}

fn cancel_cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let registered = Arc::new(AtomicUsize::new(0));
                let background: Vec<_> = (0..SLEEPERS)
                    .map(|_| {
                        let registered = registered.clone();
                        runloop::spawn(async move {
                            registered.fetch_add(1, Ordering::Relaxed);
                            runloop::time::sleep(LONG).await;
                        })
                    })
                    .collect();
                until_all_registered(&registered, SLEEPERS, runloop::yield_now).await;
                let started = Instant::now();
                for _ in 0..CANCELS {
                    poll_once(pin!(runloop::time::sleep(LONG))).await;
                }
                let cost = per_op(started.elapsed(), CANCELS as u64);
                for handle in background {
                    handle.abort();
                    assert!(handle.await.is_err());
                }
                cost
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let registered = Arc::new(AtomicUsize::new(0));
                let background: Vec<_> = (0..SLEEPERS)
                    .map(|_| {
                        let registered = registered.clone();
                        tokio::spawn(async move {
                            registered.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(LONG).await;
                        })
                    })
                    .collect();
                until_all_registered(&registered, SLEEPERS, tokio::task::yield_now).await;
                let started = Instant::now();
                for _ in 0..CANCELS {
                    poll_once(pin!(tokio::time::sleep(LONG))).await;
                }
                let cost = per_op(started.elapsed(), CANCELS as u64);
                for handle in background {
                    handle.abort();
                    assert!(handle.await.is_err());
                }
                cost
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let registered = Arc::new(AtomicUsize::new(0));
                let background: Vec<_> = (0..SLEEPERS)
                    .map(|_| {
                        let registered = registered.clone();
                        smol.spawn(async move {
                            registered.fetch_add(1, Ordering::Relaxed);
                            smol::Timer::after(LONG).await;
                        })
                    })
                    .collect();
                until_all_registered(&registered, SLEEPERS, smol::future::yield_now).await;
                let started = Instant::now();
                for _ in 0..CANCELS {
                    poll_once(pin!(smol::Timer::after(LONG))).await;
                }
                let cost = per_op(started.elapsed(), CANCELS as u64);
                for task in background {
                    assert!(task.cancel().await.is_none());
                }
                cost
            })
        }),
    ]
}
