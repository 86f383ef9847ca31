//! # W9 — uncontended mutex, and W10 — a semaphore of 10 over 10,000 tasks
//!
//! The two costs of asyncio's toolbox that programs pay most often.
//!
//! **W9** locks and unlocks a mutex 1,000,000 times from one task, with
//! nobody else wanting it: the fast path, which every `async with lock:`
//! around a short critical section takes. One operation is one lock plus
//! one unlock. runloop's `Mutex` belongs to one loop (a `RefCell` and a
//! flag, no atomic); tokio's and async-lock's are thread-safe, so they pay
//! for atomics: that difference is the point of a single-threaded
//! toolbox, and it is said here so the ratio is read for what it is.
//!
//! **W10** spawns 10,000 tasks that each take one of 10 permits, step
//! aside once while holding it (so the other tasks pile up in the line),
//! and give it back: the crawler's "at most 10 at a time". One operation
//! is one task's acquire, yield and release, spawn included, so the figure
//! also contains one spawn, one join and two yields' worth of scheduling.
//! Each runtime uses its own yield. Peers: tokio's `Semaphore` on tokio's
//! current-thread runtime, and async-lock's `Semaphore` on smol's
//! executor.
//!
//! Both check their result (the counter's final value, the most tasks ever
//! inside the semaphore at once) so a broken lock cannot post a fast time.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Instant;

const LOCKS: u64 = 1_000_000;
const TASKS: usize = 10_000;
const PERMITS: usize = 10;

pub fn uncontended_mutex() -> Workload {
    Workload {
        id: "W9",
        title: "uncontended mutex: 1,000,000 lock + unlock in one task",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.7,
            against: None,
        },
        cases: mutex_cases,
    }
}

pub fn semaphore() -> Workload {
    Workload {
        id: "W10",
        title: "semaphore of 10 over 10,000 tasks (acquire, yield, release)",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.7,
            against: None,
        },
        cases: semaphore_cases,
    }
}

fn mutex_cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let mutex = runloop::sync::Mutex::new(0u64);
                let started = Instant::now();
                for _ in 0..LOCKS {
                    *mutex.lock().await += 1;
                }
                let elapsed = started.elapsed();
                assert_eq!(mutex.into_inner(), LOCKS);
                per_op(elapsed, LOCKS)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let mutex = tokio::sync::Mutex::new(0u64);
                let started = Instant::now();
                for _ in 0..LOCKS {
                    *mutex.lock().await += 1;
                }
                let elapsed = started.elapsed();
                assert_eq!(mutex.into_inner(), LOCKS);
                per_op(elapsed, LOCKS)
            })
        }),
        Case::new("async-lock", move || {
            smol_block_on(&smol, async {
                let mutex = async_lock::Mutex::new(0u64);
                let started = Instant::now();
                for _ in 0..LOCKS {
                    *mutex.lock().await += 1;
                }
                let elapsed = started.elapsed();
                assert_eq!(mutex.into_inner(), LOCKS);
                per_op(elapsed, LOCKS)
            })
        }),
    ]
}

/// How many tasks are inside the semaphore now, and the most ever.
#[derive(Default)]
struct Occupancy {
    inside: Cell<usize>,
    most: Cell<usize>,
}

impl Occupancy {
    fn enter(&self) {
        self.inside.set(self.inside.get() + 1);
        self.most.set(self.most.get().max(self.inside.get()));
    }

    fn leave(&self) {
        self.inside.set(self.inside.get() - 1);
    }

    fn check(&self) {
        assert_eq!(self.most.get(), PERMITS, "the semaphore let the wrong number through");
    }
}

fn semaphore_cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let semaphore = Rc::new(runloop::sync::Semaphore::new(PERMITS));
                let occupancy = Rc::new(Occupancy::default());
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let (semaphore, occupancy) = (semaphore.clone(), occupancy.clone());
                        runloop::spawn(async move {
                            let _permit = semaphore.acquire().await.expect("open");
                            occupancy.enter();
                            runloop::yield_now().await;
                            occupancy.leave();
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                let elapsed = started.elapsed();
                occupancy.check();
                per_op(elapsed, TASKS as u64)
            })
        }),
        Case::new("tokio", move || {
            let local = tokio::task::LocalSet::new();
            local.block_on(&tokio, async {
                let semaphore = Rc::new(tokio::sync::Semaphore::new(PERMITS));
                let occupancy = Rc::new(Occupancy::default());
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let (semaphore, occupancy) = (semaphore.clone(), occupancy.clone());
                        tokio::task::spawn_local(async move {
                            let _permit = semaphore.acquire().await.expect("open");
                            occupancy.enter();
                            tokio::task::yield_now().await;
                            occupancy.leave();
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                let elapsed = started.elapsed();
                occupancy.check();
                per_op(elapsed, TASKS as u64)
            })
        }),
        Case::new("async-lock", move || {
            smol_block_on(&smol, async {
                let semaphore = Rc::new(async_lock::Semaphore::new(PERMITS));
                let occupancy = Rc::new(Occupancy::default());
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let (semaphore, occupancy) = (semaphore.clone(), occupancy.clone());
                        smol.spawn(async move {
                            let _permit = semaphore.acquire().await;
                            occupancy.enter();
                            smol::future::yield_now().await;
                            occupancy.leave();
                        })
                    })
                    .collect();
                for handle in handles {
                    handle.await;
                }
                let elapsed = started.elapsed();
                occupancy.check();
                per_op(elapsed, TASKS as u64)
            })
        }),
    ]
}
