//! Timer queues behind the `TimerQueue` seam: the default heap conforms,
//! and a queue that breaks the contract is caught.
use runloop::time::conformance::check;
use runloop::time::{TimerHeap, TimerKey, TimerPoll, TimerQueue};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

#[test]
fn the_binary_heap_conforms() {
    check(TimerHeap::new);
}

/// A heap that fires timers 5 ms early: the kind of bug a wheel that rounds
/// deadlines to its tick the wrong way would have.
struct Hasty(TimerHeap);

impl TimerQueue for Hasty {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
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
        self.0.fire_expired(now + Duration::from_millis(5), wake)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[test]
#[should_panic(expected = "fired early")]
fn a_queue_that_fires_early_fails_the_check() {
    check(|| Hasty(TimerHeap::new()));
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
