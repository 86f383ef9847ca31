//! # A counting global allocator
//!
//! The memory workload (W8) asks how many heap bytes one parked task costs.
//! The honest way to know is to watch every allocation: this allocator
//! wraps the system one and, while [`Window`] is open, adds each
//! allocation's size to one counter and each free's to another. Live bytes
//! over a stretch of code are allocated minus freed.
//!
//! Counting is switched on only inside a window. The timing workloads run
//! with it off, and then each allocation pays one relaxed load of a flag
//! and a branch that always goes the same way: nothing a wall clock sees.
//! Counters are atomics because runtimes allocate on other threads too
//! (blocking pools, tokio's driver); in W8 nothing else runs.
//!
//! What it counts is *requested* bytes, as `Layout::size` says, not what
//! malloc rounds them up to. So the comparison is about what each runtime
//! asks for, independent of the allocator underneath.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

pub struct Counting;

static ON: AtomicBool = AtomicBool::new(false);
static ALLOCATED: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the same arguments, and
// only adds bookkeeping that never touches the memory itself.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            ALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            ALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ON.load(Relaxed) {
            FREED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ON.load(Relaxed) {
            FREED.fetch_add(layout.size() as u64, Relaxed);
            ALLOCATED.fetch_add(new_size as u64, Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counting is on while a `Window` exists. Not reentrant: one at a time.
pub struct Window {
    allocated: u64,
    freed: u64,
}

impl Window {
    pub fn open() -> Window {
        let window = Window {
            allocated: ALLOCATED.load(Relaxed),
            freed: FREED.load(Relaxed),
        };
        ON.store(true, Relaxed);
        window
    }

    /// Bytes allocated and not freed since the window opened; it stays open.
    pub fn live_bytes(&self) -> i64 {
        let allocated = ALLOCATED.load(Relaxed) - self.allocated;
        let freed = FREED.load(Relaxed) - self.freed;
        allocated as i64 - freed as i64
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        ON.store(false, Relaxed);
    }
}
