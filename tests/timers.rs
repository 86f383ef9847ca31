//! Timers never fire early, fire in deadline order, and cope with any
//! duration.
mod common;

use common::{DropCounter, XorShift, with_deadline};
use runloop::time::{interval, sleep, sleep_until, timeout};
use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::time::{Duration, Instant};

#[test]
fn ten_thousand_timers_never_fire_early_and_fire_in_deadline_order() {
    let fired = with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let base = Instant::now() + Duration::from_millis(200);
            let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
            let log: Rc<RefCell<Vec<(Instant, Instant)>>> = Rc::default();
            let handles: Vec<_> = (0..10_000)
                .map(|_| {
                    let deadline = base + Duration::from_micros(random.next() % 300_000);
                    let log = log.clone();
                    runloop::spawn(async move {
                        sleep_until(deadline).await;
                        log.borrow_mut().push((deadline, Instant::now()));
                    })
                })
                .collect();
            for handle in handles {
                handle.await.unwrap();
            }
            Rc::try_unwrap(log).unwrap().into_inner()
        })
    });
    assert_eq!(fired.len(), 10_000);
    for (deadline, woke) in &fired {
        assert!(woke >= deadline, "a timer fired {:?} early", *deadline - *woke);
    }
    let deadlines: Vec<Instant> = fired.iter().map(|(deadline, _)| *deadline).collect();
    assert!(deadlines.is_sorted(), "timers fired out of deadline order");
}

#[test]
fn sleep_waits_at_least_its_duration() {
    runloop::run(async {
        for millis in [0, 1, 5, 20] {
            let start = Instant::now();
            sleep(Duration::from_millis(millis)).await;
            assert!(start.elapsed() >= Duration::from_millis(millis));
        }
    });
}

#[test]
fn huge_durations_neither_overflow_nor_panic() {
    runloop::run(async {
        assert!(timeout(Duration::from_millis(10), sleep(Duration::MAX)).await.is_err());
        assert_eq!(timeout(Duration::MAX, async { 5 }).await, Ok(5));
        let mut ticks = interval(Duration::MAX);
        ticks.tick().await; // the first tick is immediate
        assert!(timeout(Duration::from_millis(5), ticks.tick()).await.is_err());
    });
}

#[test]
fn timeout_drops_the_unfinished_future_and_says_how_long_it_waited() {
    let drops = Rc::new(Cell::new(0));
    let error = runloop::run({
        let drops = drops.clone();
        async move {
            let guard = DropCounter(drops);
            timeout(Duration::from_millis(20), async move {
                let _guard = guard;
                sleep(Duration::from_secs(60)).await;
            })
            .await
            .unwrap_err()
        }
    });
    assert_eq!(drops.get(), 1);
    assert_eq!(error.duration(), Some(Duration::from_millis(20)));
    assert_eq!(error.to_string(), "timed out after 20ms");
    let io: std::io::Error = error.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
}

#[test]
fn a_dropped_sleep_never_fires() {
    // The task registers a 10 ms timer, drops it, then waits 60 ms on
    // another. A cancelled timer that still fired would poll it once more.
    let polls = Rc::new(Cell::new(0));
    runloop::run({
        let polls = polls.clone();
        async move {
            let mut early = Some(sleep(Duration::from_millis(10)));
            let mut late = sleep(Duration::from_millis(60));
            poll_fn(|cx| {
                polls.set(polls.get() + 1);
                if let Some(mut sleep) = early.take() {
                    assert!(Pin::new(&mut sleep).poll(cx).is_pending());
                } // dropped here, registered
                Pin::new(&mut late).poll(cx)
            })
            .await;
        }
    });
    assert_eq!(polls.get(), 2, "only the 60 ms timer may wake the task");
}

#[test]
fn interval_ticks_on_a_fixed_grid_without_drift() {
    runloop::run(async {
        let period = Duration::from_millis(10);
        let mut ticks = interval(period);
        let start = ticks.tick().await;
        for n in 1..=5u32 {
            sleep(Duration::from_millis(3)).await; // work that would add drift
            let due = ticks.tick().await;
            assert_eq!(due, start + period * n, "tick {n} is off the grid");
            assert!(Instant::now() >= due, "tick {n} fired early");
        }
        assert_eq!(ticks.missed_ticks(), 0);
    });
}

#[test]
fn interval_skips_ticks_missed_while_the_loop_was_busy() {
    runloop::run(async {
        let period = Duration::from_millis(20);
        let mut ticks = interval(period);
        let start = ticks.tick().await;
        std::thread::sleep(Duration::from_millis(70)); // block the loop
        let late = ticks.tick().await;
        assert_eq!(late, start + period, "the tick that was due fires at once");
        let next = ticks.tick().await;
        assert_eq!(next, start + period * 4, "ticks at 40 and 60 ms were skipped");
        assert_eq!(ticks.missed_ticks(), 2);
    });
}

#[test]
#[should_panic(expected = "must be used inside a runloop runtime")]
fn sleeping_outside_a_runtime_panics_with_advice() {
    let mut sleep = Box::pin(sleep(Duration::from_millis(1)));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let _ = sleep.as_mut().poll(&mut cx);
}

#[test]
fn a_busy_loop_does_not_starve_timers() {
    let woke = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let stop = Rc::new(Cell::new(false));
            let spinners: Vec<_> = (0..4)
                .map(|_| {
                    let stop = stop.clone();
                    runloop::spawn(async move {
                        while !stop.get() {
                            runloop::yield_now().await; // always ready
                        }
                    })
                })
                .collect();
            let start = Instant::now();
            sleep(Duration::from_millis(20)).await;
            stop.set(true);
            for spinner in spinners {
                spinner.await.unwrap();
            }
            start.elapsed()
        })
    });
    assert!(woke >= Duration::from_millis(20));
}

#[test]
fn sleep_is_lazy_until_polled() {
    // Creating a sleep outside a runtime is fine; only polling needs one.
    let sleep = sleep(Duration::from_millis(1));
    assert!(sleep.deadline() > Instant::now() - Duration::from_secs(1));
    drop(sleep);
}
