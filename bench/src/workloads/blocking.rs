//! # W5 — blocking offload
//!
//! 10,000 no-op jobs are sent to the runtime's thread pool and awaited, in
//! batches of 64: spawn 64, await the 64 handles in order, next batch. This
//! is asyncio's `run_in_executor` round trip with the work taken out, so
//! all that is left is the crossing: queue a job for a pool thread, wake a
//! thread, run the job, send the result back, wake the loop (an eventfd
//! write), and poll the awaiting task.
//!
//! runloop: `spawn_blocking`; tokio: `spawn_blocking`; smol: the `blocking`
//! crate's `unblock`. Each pool keeps its default size (runloop: up to
//! `min(32, cores + 4)` threads; tokio: up to 512; blocking: up to 500), and
//! each keeps its threads for a while when idle, so after the warm-up
//! round no run pays for starting threads. One operation is one job.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use std::time::Instant;

const JOBS: usize = 10_000;
const BATCH: usize = 64;

pub fn workload() -> Workload {
    Workload {
        id: "W5",
        title: "blocking offload: 10,000 no-op jobs, awaited in batches of 64",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 1.0,
            against: None,
        },
        cases,
    }
}

/// The job: nothing, but its result is checked, so it cannot be skipped.
fn job(n: usize) -> usize {
    std::hint::black_box(n)
}

/// The batch sizes: 64 until the last, which takes what is left.
fn batches() -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..JOBS).step_by(BATCH).map(|start| start..(start + BATCH).min(JOBS))
}

fn cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let started = Instant::now();
                for batch in batches() {
                    let handles: Vec<_> = batch.map(|n| (n, runloop::spawn_blocking(move || job(n)))).collect();
                    for (n, handle) in handles {
                        assert_eq!(handle.await.expect("job"), n);
                    }
                }
                per_op(started.elapsed(), JOBS as u64)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let started = Instant::now();
                for batch in batches() {
                    let handles: Vec<_> = batch
                        .map(|n| (n, tokio::task::spawn_blocking(move || job(n))))
                        .collect();
                    for (n, handle) in handles {
                        assert_eq!(handle.await.expect("job"), n);
                    }
                }
                per_op(started.elapsed(), JOBS as u64)
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let started = Instant::now();
                for batch in batches() {
                    let handles: Vec<_> = batch.map(|n| (n, smol::unblock(move || job(n)))).collect();
                    for (n, handle) in handles {
                        assert_eq!(handle.await, n);
                    }
                }
                per_op(started.elapsed(), JOBS as u64)
            })
        }),
    ]
}
