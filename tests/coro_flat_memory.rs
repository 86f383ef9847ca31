//! Property: yielding costs no memory. A yield moves one value through the
//! airlock and back; it never allocates. So driving a million yields
//! allocates exactly as much as driving ten: the body's box and the airlock,
//! once, when the generator is built. The same holds through `yield_from`,
//! whose sub-generators are boxed once, when they are built.
//!
//! We count allocations with a global allocator that wraps the system one.
//! Implementing `GlobalAlloc` is the one place this project writes
//! `unsafe`, and it is only a test: the `coro` module itself forbids it.
//! The counter is per thread, so tests running in parallel do not disturb
//! each other's counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use runloop::coro::{Gen, GenState};

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the allocator can be called while a thread is shutting
    // down, after its thread-locals are gone.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is bumping a counter, which does not allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: same contract as our caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    work();
    ALLOCATIONS.with(Cell::get) - before
}

/// Yields `0..count`, adds up what it is resumed with, and returns the sum.
fn summer(count: u64) -> Gen<u64, u64, u64> {
    Gen::new(move |co| async move {
        let mut sum = 0;
        for n in 0..count {
            sum += co.yield_(n).await;
        }
        sum
    })
}

/// Resumes each yield with the value it yielded; the sum proves every
/// yield and resume really happened.
fn drive(mut generator: Gen<u64, u64, u64>, count: u64) {
    let mut state = generator.start();
    while let GenState::Yielded(n) = state {
        state = generator.resume(n);
    }
    assert_eq!(state, GenState::Complete(count * (count - 1) / 2));
}

#[test]
fn a_million_yields_allocate_no_more_than_ten() {
    let ten = allocations_during(|| drive(summer(10), 10));
    let million = allocations_during(|| drive(summer(1_000_000), 1_000_000));
    assert!(ten > 0, "building a generator allocates, so the counter works");
    assert_eq!(million, ten);
}

#[test]
fn a_million_delegated_yields_allocate_no_more_than_ten() {
    fn three_deep(count: u64) -> Gen<u64, u64, u64> {
        Gen::new(move |co| async move {
            let middle = Gen::new(move |co| async move { co.yield_from(summer(count)).await });
            co.yield_from(middle).await
        })
    }
    let ten = allocations_during(|| drive(three_deep(10), 10));
    let million = allocations_during(|| drive(three_deep(1_000_000), 1_000_000));
    assert_eq!(million, ten);
}
