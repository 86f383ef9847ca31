//! # W2 — yield
//!
//! 1,000 tasks each step aside 1,000 times (`yield_now`, asyncio's
//! `await asyncio.sleep(0)`). Every yield is the whole scheduling round
//! trip: the task wakes itself, returns `Pending`, goes to the back of the
//! run queue, and is popped and polled again after the 999 others. This is
//! the hot path of any event loop — wake, queue, poll — with nothing else
//! in the way, so it is the workload that shows the loop's own overhead.
//!
//! One operation is one yield: 1,000,000 per run. Each runtime uses its own
//! `yield_now` (tokio's defers the wake until the poll returns; smol's is
//! futures-lite's). `futures` has none, so it gets the textbook one below,
//! which is exactly what runloop's does.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use futures::task::LocalSpawnExt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

const TASKS: usize = 1_000;
const YIELDS: usize = 1_000;
const OPS: u64 = (TASKS * YIELDS) as u64;

pub fn workload() -> Workload {
    Workload {
        id: "W2",
        title: "yield: 1,000 tasks x 1,000 yield_now",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.5,
            against: None,
        },
        cases,
    }
}

fn cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    let mut pool = futures::executor::LocalPool::new();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        runloop::spawn(async {
                            for _ in 0..YIELDS {
                                runloop::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                per_op(started.elapsed(), OPS)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                per_op(started.elapsed(), OPS)
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        smol.spawn(async {
                            for _ in 0..YIELDS {
                                smol::future::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await;
                }
                per_op(started.elapsed(), OPS)
            })
        }),
        Case::new("futures", move || {
            let spawner = pool.spawner();
            pool.run_until(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        spawner
                            .spawn_local_with_handle(async {
                                for _ in 0..YIELDS {
                                    yield_once().await;
                                }
                            })
                            .expect("spawn")
                    })
                    .collect();
                for handle in handles {
                    handle.await;
                }
                per_op(started.elapsed(), OPS)
            })
        }),
    ]
}

/// Wake yourself, return `Pending` once: the same future as
/// `runloop::yield_now`, for the executor that has none.
pub fn yield_once() -> YieldNow {
    YieldNow(false)
}

pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
