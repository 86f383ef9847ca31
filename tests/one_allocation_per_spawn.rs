//! A spawn costs one heap allocation: the task's header, future and output
//! share it, and the handle and the waker point into it.
//!
//! Counted with a global allocator that tallies allocations made on this
//! thread (other test threads do not disturb the count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is a thread-local counter, which does not allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

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
