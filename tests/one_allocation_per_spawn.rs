//! A spawn costs one heap allocation: the task's header, future and output
//! share it, and the handle and the waker point into it.
//!
//! Counted with a global allocator that tallies allocations made on this
//! thread (other test threads do not disturb the count).

#[path = "common/mod.rs"]
mod common;

use common::counting_allocator::{CountingAllocator, allocations_on_this_thread as allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

#[test]
fn spawning_allocates_once_per_task() {
    const TASKS: usize = 1_000;
    let (warm, counted) = runloop::run(async {
        // Warm up: let the task table and run queue reach their capacity.
        let warmup: Vec<_> = (0..TASKS).map(|n| runloop::spawn(async move { n })).collect();
        for handle in warmup {
            handle.await.unwrap();
        }
        let mut handles = Vec::with_capacity(TASKS);
        let before = allocations();
        for n in 0..TASKS {
            handles.push(runloop::spawn(async move { n }));
        }
        let spawned = allocations() - before;
        for handle in handles {
            handle.await.unwrap();
        }
        (before, spawned)
    });
    assert!(warm > 0);
    assert_eq!(counted, TASKS, "each spawn should allocate exactly once");
}
