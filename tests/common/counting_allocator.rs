//! A global allocator that counts, for the tests that measure memory.
//!
//! A test binary installs it with
//! `#[global_allocator] static GLOBAL: CountingAllocator = CountingAllocator;`
//! and reads whichever tally its question needs:
//! - [`live_allocations`]: allocations made minus freed, by every thread —
//!   for "nothing leaked" across a whole runtime, pool threads included;
//! - [`allocations_on_this_thread`]: allocations made by this thread, so
//!   other test threads do not disturb a count like "one per spawn";
//! - [`peak_bytes_during`]: the most bytes this thread held at once while
//!   some work ran — for "memory stays under the cap".
//!
//! Every call is forwarded to the system allocator unchanged; the counters
//! are atomics and `const`-initialised thread-locals, which never allocate,
//! and `try_with` skips them while a thread's locals are being destroyed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};

/// The counting allocator (see the module docs).
pub struct CountingAllocator;

static LIVE_ALLOCATIONS: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static ALLOCATIONS_HERE: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated on this thread and not freed on it.
    static BYTES_HERE: Cell<isize> = const { Cell::new(0) };
    /// The most `BYTES_HERE` has been since the last `peak_bytes_during` began.
    static PEAK_BYTES_HERE: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only additions are counters, which do not allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        let _ = ALLOCATIONS_HERE.try_with(|count| count.set(count.get() + 1));
        let _ = BYTES_HERE.try_with(|bytes| {
            bytes.set(bytes.get() + layout.size() as isize);
            let _ = PEAK_BYTES_HERE.try_with(|peak| peak.set(peak.get().max(bytes.get())));
        });
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_ALLOCATIONS.fetch_sub(1, Ordering::Relaxed);
        let _ = BYTES_HERE.try_with(|bytes| bytes.set(bytes.get() - layout.size() as isize));
        // SAFETY: same contract as our caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations made minus allocations freed, by every thread.
pub fn live_allocations() -> isize {
    LIVE_ALLOCATIONS.load(Ordering::SeqCst)
}

/// Allocations made by this thread so far.
pub fn allocations_on_this_thread() -> usize {
    ALLOCATIONS_HERE.with(Cell::get)
}

/// Runs `work` and returns its result, with the most bytes this thread
/// held at once meanwhile beyond what it held at the start.
pub fn peak_bytes_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let start = BYTES_HERE.with(Cell::get);
    PEAK_BYTES_HERE.with(|peak| peak.set(start));
    let result = work();
    (result, (PEAK_BYTES_HERE.with(Cell::get) - start).max(0) as usize)
}
