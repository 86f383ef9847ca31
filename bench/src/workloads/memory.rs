//! # W8 — memory per parked task
//!
//! How many heap bytes does a task cost while it waits? 100,000 tasks are
//! spawned, each bumps a counter and then waits on a future that is never
//! ready (`std::future::pending`). Once the counter says every task has
//! been polled and parked, we read the counting allocator
//! (`counting.rs`): live bytes allocated since just before the first spawn,
//! divided by 100,000.
//!
//! That includes everything the runtime keeps per task: the task's own
//! allocation (header, future, output slot), its entry in the runtime's
//! task table, and run-queue capacity grown while all 100,000 were queued
//! at once. It excludes the handles: every runtime spawns with its plain
//! spawn and lets the handle go (detach; for smol, `Task::detach`), so no
//! benchmark-owned `Vec` of handles is counted. The futures are the same
//! size everywhere: they capture nothing (the counter is a `static`).
//!
//! Each round builds a fresh runtime, so growth is counted every time, and
//! drops it after reading, outside the counted window. The number is in
//! bytes, and the same every round give or take a few bytes.

use super::{smol_block_on, smol_executor, tokio_runtime};
use crate::counting::Window;
use crate::harness::{Case, Target, Unit, Workload};
use futures::task::LocalSpawnExt;
use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering};

const TASKS: usize = 100_000;

/// How many tasks have been polled (and parked) so far.
static PARKED: AtomicUsize = AtomicUsize::new(0);

/// The task every runtime spawns: count yourself, then wait forever.
async fn park() {
    PARKED.fetch_add(1, Ordering::Relaxed);
    pending::<()>().await;
}

fn all_parked() -> bool {
    PARKED.load(Ordering::Relaxed) == TASKS
}

/// Live bytes per task counted in `window`.
fn per_task(window: &Window) -> f64 {
    assert!(all_parked());
    window.live_bytes() as f64 / TASKS as f64
}

pub fn workload() -> Workload {
    Workload {
        id: "W8",
        title: "memory: heap bytes per parked task (100,000 tasks)",
        unit: Unit::Bytes,
        target: Target {
            max_ratio: 0.5,
            against: None,
        },
        cases,
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case::new("runloop", || {
            let runtime = super::runloop_runtime();
            PARKED.store(0, Ordering::Relaxed);
            runtime.block_on(async {
                let window = Window::open();
                for _ in 0..TASKS {
                    drop(runloop::spawn(park()));
                }
                while !all_parked() {
                    runloop::yield_now().await;
                }
                per_task(&window)
            })
        }),
        Case::new("tokio", || {
            let runtime = tokio_runtime();
            PARKED.store(0, Ordering::Relaxed);
            runtime.block_on(async {
                let window = Window::open();
                for _ in 0..TASKS {
                    drop(tokio::spawn(park()));
                }
                while !all_parked() {
                    tokio::task::yield_now().await;
                }
                per_task(&window)
            })
        }),
        Case::new("smol", || {
            let executor = smol_executor();
            PARKED.store(0, Ordering::Relaxed);
            smol_block_on(&executor, async {
                let window = Window::open();
                for _ in 0..TASKS {
                    executor.spawn(park()).detach();
                }
                while !all_parked() {
                    smol::future::yield_now().await;
                }
                per_task(&window)
            })
        }),
        Case::new("futures", || {
            let mut pool = futures::executor::LocalPool::new();
            let spawner = pool.spawner();
            PARKED.store(0, Ordering::Relaxed);
            pool.run_until(async {
                let window = Window::open();
                for _ in 0..TASKS {
                    spawner.spawn_local(park()).expect("spawn");
                }
                while !all_parked() {
                    super::yield_now::yield_once().await;
                }
                per_task(&window)
            })
        }),
    ]
}
