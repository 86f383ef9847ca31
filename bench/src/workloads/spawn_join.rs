//! # W1 — spawn and join
//!
//! 100,000 empty tasks are spawned, then every handle is awaited in spawn
//! order. This is the fixed cost of a task: allocating it, queueing it,
//! polling it once to completion, handing its `()` to the handle, and
//! freeing it. asyncio's version is `gather(*[create_task(noop()) ...])`.
//!
//! One operation is one task, spawned and joined. All handles are created
//! before the first is awaited, so the run queue really holds 100,000
//! tasks (no runtime gets to run each task right after spawning it).
//!
//! futures' `LocalPool` has no join handle of its own; the nearest thing is
//! `spawn_local_with_handle`, which wraps the task in a `RemoteHandle` (an
//! extra oneshot per task). That is the cost of joining a task there, so it
//! is what we measure.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use futures::task::LocalSpawnExt;
use std::time::Instant;

const TASKS: usize = 100_000;

pub fn workload() -> Workload {
    Workload {
        id: "W1",
        title: "spawn and join 100,000 empty tasks",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.5,
            against: None,
        },
        cases,
    }
}

fn cases() -> Vec<crate::harness::Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    let mut pool = futures::executor::LocalPool::new();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS).map(|_| runloop::spawn(async {})).collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                per_op(started.elapsed(), TASKS as u64)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS).map(|_| tokio::spawn(async {})).collect();
                for handle in handles {
                    handle.await.expect("task");
                }
                per_op(started.elapsed(), TASKS as u64)
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS).map(|_| smol.spawn(async {})).collect();
                for handle in handles {
                    handle.await;
                }
                per_op(started.elapsed(), TASKS as u64)
            })
        }),
        Case::new("futures", move || {
            let spawner = pool.spawner();
            pool.run_until(async {
                let started = Instant::now();
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| spawner.spawn_local_with_handle(async {}).expect("spawn"))
                    .collect();
                for handle in handles {
                    handle.await;
                }
                per_op(started.elapsed(), TASKS as u64)
            })
        }),
    ]
}
