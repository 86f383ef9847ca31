//! Timer queues behind the `TimerQueue` seam: the default heap conforms,
//! and queues broken on purpose are caught, fast, with the broken promise
//! named. If someone weakens the suite, these fail.
//!
//! "Fast" is asserted against the stall limit, not a stopwatch: each
//! broken queue must be reported by the checks' own comparisons (never by
//! the stall watchdog), and all three checks within one stall period.
use runloop::time::conformance::{STALL, Suite, check};
use runloop::time::{TimerHeap, TimerKey, TimerPoll, TimerQueue};
use std::collections::HashSet;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

#[test]
fn the_binary_heap_conforms() {
    check(TimerHeap::new);
}

#[test]
fn one_check_runs_alone() {
    Suite::new().only("scripted").run(TimerHeap::new);
    Suite::new().only("in a runtime").run(TimerHeap::new);
}

/// Runs the suite on `make`'s queues and returns its report; fails the
/// test if the suite passed, or if the report came from the watchdog or
/// after a stall period.
fn report_of<Q: TimerQueue + 'static>(make: impl Fn() -> Q + Send + Sync + 'static) -> String {
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(make)));
    let elapsed = start.elapsed();
    let payload = outcome.expect_err("the suite passed a broken timer queue");
    let report = payload.downcast_ref::<String>().cloned().expect("a formatted report");
    eprintln!("reported after {elapsed:?}:\n{report}");
    assert!(
        !report.contains("no progress"),
        "the watchdog, not a check, caught it:\n{report}"
    );
    assert!(elapsed < STALL, "reported after {elapsed:?}:\n{report}");
    report
}

/// Everything but the method under test goes straight to a `TimerHeap`.
macro_rules! heap_but {
    ($name:ident { $($method:item)* }) => {
        impl TimerQueue for $name {
            $($method)*
            fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
                self.0.insert(deadline, waker)
            }
            fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
                self.0.poll(key, cx)
            }
            fn len(&self) -> usize {
                self.0.len()
            }
        }
    };
}

/// Fires timers 5 ms early: the kind of bug a wheel that rounds deadlines
/// to its tick the wrong way would have.
struct Hasty(TimerHeap);
heap_but!(Hasty {
    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        self.0.fire_expired(now + Duration::from_millis(5), wake)
    }
    fn remove(&mut self, key: TimerKey) -> Option<Waker> { self.0.remove(key) }
    fn next_deadline(&mut self) -> Option<Instant> { self.0.next_deadline() }
});

#[test]
fn a_queue_that_fires_early_fails() {
    let report = report_of(|| Hasty(TimerHeap::new()));
    assert!(report.contains("fired early"), "{report}");
    assert!(
        report.contains("but only"),
        "the runtime check counts the early ones:\n{report}"
    );
}

/// Rounds `next_deadline` up by 5 ms: the loop would oversleep.
struct Sleepy(TimerHeap);
heap_but!(Sleepy {
    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize { self.0.fire_expired(now, wake) }
    fn remove(&mut self, key: TimerKey) -> Option<Waker> { self.0.remove(key) }
    fn next_deadline(&mut self) -> Option<Instant> {
        self.0.next_deadline().map(|deadline| deadline + Duration::from_millis(5))
    }
});

#[test]
fn a_queue_that_rounds_its_next_deadline_up_fails() {
    let report = report_of(|| Sleepy(TimerHeap::new()));
    assert!(report.contains("later than the nearest live deadline"), "{report}");
    assert!(report.contains("the loop would oversleep"), "{report}");
}

/// Ignores `remove`: the timer stays, and nothing is handed back.
struct Deaf(TimerHeap);
heap_but!(Deaf {
    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize { self.0.fire_expired(now, wake) }
    fn remove(&mut self, _: TimerKey) -> Option<Waker> { None }
    fn next_deadline(&mut self) -> Option<Instant> { self.0.next_deadline() }
});

#[test]
fn a_queue_that_ignores_remove_fails() {
    let report = report_of(|| Deaf(TimerHeap::new()));
    assert!(
        report.contains("remove() did not hand back the timer's waker"),
        "{report}"
    );
    assert!(
        report.contains("fired after it was removed") || report.contains("len()"),
        "{report}"
    );
}

/// Silently loses every tenth timer: `insert` hands out a key, `len` counts
/// it, but it never fires.
struct Lossy {
    heap: TimerHeap,
    inserts: usize,
    lost: HashSet<TimerKey>,
}

impl TimerQueue for Lossy {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.inserts += 1;
        if !self.inserts.is_multiple_of(10) {
            return self.heap.insert(deadline, waker);
        }
        let key = TimerKey {
            slot: usize::MAX - self.inserts,
            generation: 0,
        };
        self.lost.insert(key);
        key
    }
    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
        match self.lost.contains(&key) {
            true => TimerPoll::Waiting(None),
            false => self.heap.poll(key, cx),
        }
    }
    fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        match self.lost.remove(&key) {
            true => None,
            false => self.heap.remove(key),
        }
    }
    fn next_deadline(&mut self) -> Option<Instant> {
        self.heap.next_deadline()
    }
    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        self.heap.fire_expired(now, wake)
    }
    fn len(&self) -> usize {
        self.heap.len() + self.lost.len()
    }
}

#[test]
fn a_queue_that_loses_one_timer_in_ten_fails_at_once() {
    let report = report_of(|| Lossy {
        heap: TimerHeap::new(),
        inserts: 0,
        lost: HashSet::new(),
    });
    assert!(report.contains("broke 2 promise(s)"), "{report}");
    assert!(report.contains("was not fired by fire_expired at"), "{report}");
    assert!(
        report.contains("it is lost"),
        "the scripted check names the timer:\n{report}"
    );
    assert!(report.contains("sleeps in a runtime end on time: "), "{report}");
}

#[test]
fn a_runtime_uses_the_queue_it_is_given() {
    struct Counting(TimerHeap, std::rc::Rc<std::cell::Cell<u32>>);
    impl TimerQueue for Counting {
        fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
            self.1.set(self.1.get() + 1);
            self.0.insert(deadline, waker)
        }
        fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
            self.0.poll(key, cx)
        }
        fn remove(&mut self, key: TimerKey) -> Option<Waker> {
            self.0.remove(key)
        }
        fn next_deadline(&mut self) -> Option<Instant> {
            self.0.next_deadline()
        }
        fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
            self.0.fire_expired(now, wake)
        }
        fn len(&self) -> usize {
            self.0.len()
        }
    }
    let inserted = std::rc::Rc::new(std::cell::Cell::new(0));
    let rt = runloop::Runtime::builder()
        .timer_queue(Counting(TimerHeap::new(), inserted.clone()))
        .build()
        .unwrap();
    rt.block_on(async {
        for _ in 0..3 {
            runloop::time::sleep(Duration::from_millis(1)).await;
        }
    });
    assert_eq!(inserted.get(), 3);
}
