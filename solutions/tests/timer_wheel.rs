//! Exercise 3's checks, as EXERCISES.md states them: conformance, and a
//! timer due in ten minutes that does not fire when the wheel wraps around
//! under timers due in milliseconds.
use runloop::scheduler::conformance::with_deadline;
use runloop::time::TimerQueue;
use runloop::time::conformance::check;
use runloop_solutions::TimerWheel;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};
use std::time::{Duration, Instant};

#[test]
fn the_wheel_conforms() {
    check(|| TimerWheel::new(Duration::from_millis(1), 256));
}

#[test]
fn a_small_coarse_wheel_conforms_too() {
    // Eight slots of 7 ms: every timer of the checks shares its slot with
    // timers of other revolutions, and most deadlines fall inside a tick.
    check(|| TimerWheel::new(Duration::from_millis(7), 8));
}

/// Counts its wakes.
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_far_timer_does_not_fire_when_the_wheel_wraps() {
    let mut wheel = TimerWheel::new(Duration::from_millis(1), 256);
    let start = Instant::now();
    let (far, near) = (
        Arc::new(Count(AtomicUsize::new(0))),
        Arc::new(Count(AtomicUsize::new(0))),
    );
    wheel.insert(start + Duration::from_secs(600), Waker::from(far.clone()));
    for ms in 1..=1_000 {
        wheel.insert(start + Duration::from_millis(ms), Waker::from(near.clone()));
    }
    // Four revolutions, a millisecond at a time: every slot, the far
    // timer's included, is swept four times.
    let mut woken = Vec::new();
    for ms in 0..=1_024 {
        wheel.fire_expired(start + Duration::from_millis(ms), &mut woken);
        woken.drain(..).for_each(Waker::wake);
        assert!(
            wheel
                .next_deadline()
                .is_some_and(|next| next <= start + Duration::from_secs(600))
        );
    }
    assert_eq!(near.0.load(Ordering::SeqCst), 1_000, "every near timer fired");
    assert_eq!(
        far.0.load(Ordering::SeqCst),
        0,
        "the far timer fired {} minutes early",
        10
    );
    assert_eq!(wheel.len(), 1);
    // A jump of many revolutions at once: it fires then, and only then.
    wheel.fire_expired(start + Duration::from_secs(599), &mut woken);
    assert!(woken.is_empty());
    wheel.fire_expired(start + Duration::from_secs(600), &mut woken);
    woken.drain(..).for_each(Waker::wake);
    assert_eq!(far.0.load(Ordering::SeqCst), 1);
    assert!(wheel.is_empty() && wheel.next_deadline().is_none());
}

#[test]
fn sleeps_end_on_time_on_a_runtime_with_the_wheel() {
    with_deadline(Duration::from_secs(10), || {
        let rt = runloop::Runtime::builder()
            .timer_queue(TimerWheel::new(Duration::from_millis(1), 256))
            .build()
            .unwrap();
        rt.block_on(async {
            let start = Instant::now();
            let sleeps = [30, 10, 20].map(|ms| {
                runloop::spawn(async move {
                    runloop::time::sleep(Duration::from_millis(ms)).await;
                    (ms, start.elapsed())
                })
            });
            for sleep in sleeps {
                let (ms, took) = sleep.await.unwrap();
                assert!(
                    took >= Duration::from_millis(ms),
                    "a {ms} ms sleep ended after {took:?}"
                );
            }
        });
    });
}
