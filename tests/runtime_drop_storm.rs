//! A runtime dropped in the middle of a storm of wakes from other threads:
//! 10,000 parked tasks, 8 threads waking them over and over (by reference,
//! by value, dropping their clones), and the runtime dropped while they
//! do, 20 times over. Nothing may crash (the task's `Drop` aborts the
//! process if a task is ever freed with its future still alive), hang
//! (every round has a deadline), or leak (the process's live allocations
//! are counted, and must come back to the same number after every round).
//!
//! The count is process-wide, so this file holds a single test.

use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::Duration;

#[path = "common/mod.rs"]
mod common;

use common::DropCounter;
use common::counting_allocator::{CountingAllocator, live_allocations};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const THREADS: usize = 8;

/// 10,000 tasks, 20 rounds; 1,000 tasks and 3 rounds under valgrind.
fn tasks() -> usize {
    common::scaled(10_000, 1_000)
}

fn rounds() -> usize {
    common::scaled(20, 3)
}

/// One round: build, storm, drop while storming. Returns how many futures
/// were dropped and how many wakes the threads made.
fn round() -> (usize, usize) {
    let slots: Arc<Vec<Mutex<Option<Waker>>>> = Arc::new((0..tasks()).map(|_| Mutex::new(None)).collect());
    let drops = Rc::new(Cell::new(0));
    let rt = runloop::Runtime::new().unwrap();
    for index in 0..tasks() {
        let (slots, guard) = (slots.clone(), DropCounter(drops.clone()));
        drop(rt.spawn(poll_fn(move |cx| {
            let _guard = &guard;
            *slots[index].lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        })));
    }
    rt.block_on(runloop::yield_now()); // every task has parked its waker

    let stop = Arc::new(AtomicBool::new(false));
    let (passes, wakes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (slots, stop, passes, wakes) = (slots.clone(), stop.clone(), passes.clone(), wakes.clone());
            std::thread::spawn(move || {
                let mut n = thread;
                while !stop.load(Ordering::Relaxed) {
                    for slot in slots.iter().skip(thread % 4).step_by(4) {
                        let Some(waker) = slot.lock().unwrap().clone() else {
                            continue;
                        };
                        n += 1;
                        match n % 3 {
                            0 => waker.wake(),
                            1 => waker.wake_by_ref(),
                            _ => drop(waker),
                        }
                        wakes.fetch_add(1, Ordering::Relaxed);
                    }
                    passes.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    // Let the storm reach the loop while it runs: remote wakes, the doorbell,
    // tasks polled again and their wakers replaced under the threads' feet.
    while passes.load(Ordering::SeqCst) < THREADS {
        rt.block_on(runloop::yield_now());
    }
    for _ in 0..3 {
        rt.block_on(runloop::yield_now());
    }
    drop(rt); // while the threads keep waking
    let dropped = drops.get();
    let after_drop = passes.load(Ordering::SeqCst);
    while passes.load(Ordering::SeqCst) < after_drop + THREADS {
        std::thread::yield_now(); // and some more wakes after it is gone
    }
    stop.store(true, Ordering::Relaxed);
    for thread in threads {
        thread.join().unwrap();
    }
    (dropped, wakes.load(Ordering::Relaxed))
}

#[test]
fn ten_thousand_tasks_woken_from_eight_threads_while_the_runtime_drops_twenty_times() {
    let wakes = common::with_deadline(Duration::from_secs(120), || {
        let (dropped, mut wakes) = round(); // warm-up: lazily made statics
        assert_eq!(dropped, tasks());
        let live = live_allocations();
        for n in 1..rounds() {
            let (dropped, round_wakes) = round();
            assert_eq!(dropped, tasks(), "round {n}: every future dropped once");
            assert_eq!(live_allocations(), live, "round {n}: allocations leaked");
            wakes += round_wakes;
        }
        wakes
    });
    let (rounds, tasks) = (rounds(), tasks());
    eprintln!("{rounds} rounds, {tasks} tasks, {THREADS} threads: {wakes} wakes");
    assert!(wakes >= rounds * tasks, "the storm did happen: {wakes} wakes");
}
