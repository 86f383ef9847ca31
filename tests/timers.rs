//! Timers never fire early, fire in deadline order and exactly once (never
//! once cancelled), cope with any duration, and may be dropped from inside
//! a timer's wake.
mod common;

use common::{DropCounter, XorShift, poll_with, with_deadline};
use runloop::time::{interval, sleep, sleep_until, timeout};
use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;
use std::task::{Poll, Wake, Waker};
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

/// A timer's own waker: counts its wakes, remembers the first, and wakes
/// the task that polls all the timers.
struct TimerWaker {
    wakes: std::sync::atomic::AtomicU32,
    first: std::sync::Mutex<Option<Instant>>,
    task: Waker,
}

impl Wake for TimerWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let now = Instant::now();
        self.first.lock().unwrap().get_or_insert(now);
        self.wakes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.task.wake_by_ref();
    }
}

#[test]
fn ten_thousand_timers_half_cancelled_fire_exactly_once_each_and_never_early() {
    // Each sleep is polled with a waker of its own, so a timer that fired
    // twice, fired early or fired after being cancelled is seen as such
    // (the task's own waker would merge them). Half are cancelled: a fifth
    // of those before their first poll, the rest at random moments while
    // the others fire, before their own deadline (a timer that has fired
    // by then counts as fired, and must have fired once).
    // The cooperative budget is off: when spent, a sleep's poll wakes the
    // waker it was given (to yield), which would look like a second firing.
    const TIMERS: usize = 10_000;
    let (fired, cancelled, late_wakes) = with_deadline(Duration::from_secs(60), || {
        let rt = runloop::Runtime::builder().coop_budget(None).build().unwrap();
        rt.block_on(async {
            let mut random = XorShift(0x7157_ca9c_e11e_d000);
            let base = Instant::now() + Duration::from_millis(50);
            struct Timer {
                deadline: Instant,
                sleep: Option<runloop::time::Sleep>,
                waker: Option<(Arc<TimerWaker>, Waker)>,
                /// Cancel once this many timers have fired.
                cancel_after: Option<usize>,
                done: bool,
            }
            let mut timers: Vec<Timer> = (0..TIMERS)
                .map(|n| {
                    let offset = random.next() % 300_000; // µs after `base`
                    let deadline = base + Duration::from_micros(offset);
                    // The other half fire about evenly over 300 ms, so the
                    // k-th of them fires near k × 60 µs: cancel while at
                    // least 20 ms remain before this timer's own deadline.
                    let cancel_after = match (n % 10, offset.saturating_sub(20_000)) {
                        (0, _) | (_, 0) if n % 2 == 0 => Some(0), // before its first poll
                        (_, room) if n % 2 == 0 => Some((random.next() % (room * 5_000 / 300_000 + 1)) as usize),
                        _ => None,
                    };
                    Timer {
                        deadline,
                        sleep: Some(sleep_until(deadline)),
                        waker: None,
                        cancel_after,
                        done: false,
                    }
                })
                .collect();
            let (mut fired, mut cancelled) = (0, 0);
            poll_fn(|cx| {
                for timer in timers.iter_mut().filter(|timer| !timer.done) {
                    let woken = timer.waker.as_ref().map_or(0, |(waker, _)| waker.wakes.load(SeqCst));
                    if timer.cancel_after.is_some_and(|after| after <= fired) && woken == 0 {
                        timer.sleep = None; // dropped: its timer is cancelled
                        timer.done = true;
                        cancelled += 1;
                        continue;
                    }
                    let (_, waker) = timer.waker.get_or_insert_with(|| {
                        let counter = Arc::new(TimerWaker {
                            wakes: 0.into(),
                            first: Default::default(),
                            task: cx.waker().clone(),
                        });
                        (counter.clone(), Waker::from(counter))
                    });
                    let waker = waker.clone();
                    if poll_with(timer.sleep.as_mut().unwrap(), &waker).is_ready() {
                        timer.done = true;
                        fired += 1;
                    }
                }
                match timers.iter().all(|timer| timer.done) {
                    true => Poll::Ready(()),
                    false => Poll::Pending,
                }
            })
            .await;
            // Anything still to come (a second firing, a cancelled timer
            // firing after all) would arrive in this time.
            sleep(Duration::from_millis(100)).await;
            let mut late_wakes = 0;
            for timer in &timers {
                let Some((counter, _)) = &timer.waker else { continue };
                let wakes = counter.wakes.load(SeqCst);
                match timer.sleep {
                    None => late_wakes += wakes, // cancelled: must never fire
                    Some(_) => {
                        assert_eq!(wakes, 1, "a timer fired {wakes} times");
                        let first = counter.first.lock().unwrap().unwrap();
                        assert!(first >= timer.deadline, "fired {:?} early", timer.deadline - first);
                    }
                }
            }
            (fired, cancelled, late_wakes)
        })
    });
    eprintln!("{fired} fired, {cancelled} cancelled");
    assert_eq!(fired + cancelled, TIMERS);
    assert!(cancelled > TIMERS * 45 / 100, "about half were cancelled: {cancelled}");
    assert_eq!(late_wakes, 0, "cancelled timers fired");
}

#[test]
fn dropping_sleeps_from_inside_a_timers_wake_is_safe() {
    // `first`'s waker, when its timer fires, drops two other sleeps: one
    // whose timer fired in the same batch (its waker is still waiting to
    // be woken) and one far off. The reactor wakes after letting go of its
    // timer heap, so both drops re-enter it safely.
    thread_local! {
        static DOOMED: RefCell<Vec<runloop::time::Sleep>> = const { RefCell::new(Vec::new()) };
    }
    struct DropThemOnWake;
    impl Wake for DropThemOnWake {
        fn wake(self: Arc<Self>) {
            let doomed = DOOMED.with(|doomed| std::mem::take(&mut *doomed.borrow_mut()));
            drop(doomed);
        }
    }
    let (counter, still_works) = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let deadline = Instant::now() + Duration::from_millis(10);
            let mut first = sleep_until(deadline);
            let mut same_batch = sleep_until(deadline);
            let mut far = sleep(Duration::from_secs(60));
            let (counter, counting) = common::counting_waker();
            assert!(poll_with(&mut same_batch, &counting).is_pending());
            assert!(poll_with(&mut far, &counting).is_pending());
            DOOMED.with(|doomed| doomed.borrow_mut().extend([same_batch, far]));
            let dropper = Waker::from(Arc::new(DropThemOnWake));
            assert!(poll_with(&mut first, &dropper).is_pending());
            sleep(Duration::from_millis(30)).await;
            assert!(DOOMED.with(|doomed| doomed.borrow().is_empty()), "the wake ran");
            assert!(poll_with(&mut first, &dropper).is_ready());
            let start = Instant::now();
            sleep(Duration::from_millis(5)).await;
            (counter, start.elapsed() >= Duration::from_millis(5))
        })
    });
    assert!(counter.wakes() <= 1, "the same-batch timer fired at most once");
    assert_eq!(counter.clones_alive(), 0, "both dropped sleeps let go of their wakers");
    assert!(still_works);
}
