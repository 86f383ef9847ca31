//! # Conformance for timer queues
//!
//! A [`TimerQueue`] must fire every live timer, never early, in deadline
//! order, and never fire a removed one (the contract is in
//! `src/reactor/timer_queue.rs`). [`check`] tests a queue against that
//! contract twice: alone, as a data structure with a scripted clock, and
//! inside a runtime with thousands of real sleeps. It panics naming each
//! broken promise.
//!
//! ```
//! runloop::time::conformance::check(runloop::time::TimerHeap::new);
//! ```

use super::{TimerKey, TimerPoll, TimerQueue, sleep_until};
use crate::Runtime;
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

/// Runs the checks on queues made by `make`; panics with a report if any
/// promise is broken.
pub fn check<Q, F>(make: F)
where
    Q: TimerQueue + 'static,
    F: Fn() -> Q,
{
    let mut failures = Vec::new();
    if let Err(why) = hands_back_wakers(make()) {
        failures.push(format!("with wakers: {why}"));
    }
    if let Err(why) = alone(make()) {
        failures.push(format!("as a data structure: {why}"));
    }
    if let Err(why) = in_a_runtime(make()) {
        failures.push(format!("inside a runtime: {why}"));
    }
    if !failures.is_empty() {
        panic!("the timer queue broke its contract:\n  - {}", failures.join("\n  - "));
    }
}

/// Records which timer's waker was woken, in order.
struct Witness {
    timer: usize,
    fired: Arc<Mutex<Vec<usize>>>,
}

impl Wake for Witness {
    fn wake(self: Arc<Self>) {
        self.fired
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(self.timer);
    }
}

/// The queue must not drop a waker itself (its destructor could call back
/// into the reactor while the queue is borrowed): a replaced waker comes back
/// from `poll`, a removed timer's from `remove`.
fn hands_back_wakers<Q: TimerQueue>(mut queue: Q) -> Result<(), String> {
    let first = Arc::new(Witness {
        timer: 0,
        fired: Arc::default(),
    });
    let second = Waker::from(Arc::new(Witness {
        timer: 1,
        fired: Arc::default(),
    }));
    let key = queue.insert(Instant::now() + Duration::from_secs(60), Waker::from(first.clone()));
    let replaced = match queue.poll(key, &mut Context::from_waker(&second)) {
        TimerPoll::Fired => return Err("poll() says a timer 60 s away has fired".into()),
        TimerPoll::Waiting(replaced) => replaced,
    };
    if !replaced.is_some_and(|waker| waker.will_wake(&Waker::from(first.clone()))) {
        return Err("poll() with a new waker did not hand back the one it replaced".into());
    }
    if Arc::strong_count(&first) != 1 {
        return Err("the queue kept a clone of a waker it replaced".into());
    }
    if !queue.remove(key).is_some_and(|waker| waker.will_wake(&second)) {
        return Err("remove() did not hand back the timer's waker".into());
    }
    match queue.poll(key, &mut Context::from_waker(&second)) {
        TimerPoll::Fired => Ok(()),
        TimerPoll::Waiting(_) => Err("poll() of a removed timer is still waiting".into()),
    }
}

/// A small deterministic pseudo-random sequence.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// 2,000 timers over 2 s of scripted time, every third removed, fired by a
/// clock that advances in uneven steps.
fn alone<Q: TimerQueue>(mut queue: Q) -> Result<(), String> {
    let start = Instant::now();
    let fired: Arc<Mutex<Vec<usize>>> = Arc::default();
    let mut seed = 0x5eed_u64;
    let mut deadlines = Vec::new();
    let mut keys: Vec<TimerKey> = Vec::new();
    for timer in 0..2_000 {
        let deadline = start + Duration::from_micros(next(&mut seed) % 2_000_000);
        let waker = Waker::from(Arc::new(Witness {
            timer,
            fired: fired.clone(),
        }));
        deadlines.push(deadline);
        keys.push(queue.insert(deadline, waker));
    }
    let removed = |timer: usize| timer.is_multiple_of(3);
    for (timer, key) in keys.iter().enumerate() {
        if removed(timer) {
            queue.remove(*key);
        }
    }
    let live = deadlines.len() - deadlines.len().div_ceil(3);
    if queue.len() != live {
        return Err(format!("len() is {} with {live} live timers", queue.len()));
    }
    let mut now = start;
    let mut woken = Vec::new();
    let mut done = vec![false; deadlines.len()];
    while now < start + Duration::from_secs(3) {
        let earliest_waiting = (0..deadlines.len())
            .filter(|&timer| !removed(timer) && !done[timer])
            .map(|timer| deadlines[timer])
            .min();
        if let (Some(next_deadline), Some(earliest)) = (queue.next_deadline(), earliest_waiting)
            && next_deadline > earliest
        {
            return Err("next_deadline() is later than the nearest live deadline".into());
        }
        let before = fired_len(&fired);
        let count = queue.fire_expired(now, &mut woken);
        woken.drain(..).for_each(Waker::wake);
        if fired_len(&fired) - before != count {
            return Err(format!(
                "fire_expired said {count} fired but {} wakers came back",
                fired_len(&fired) - before
            ));
        }
        for &timer in &fired.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[before..] {
            if removed(timer) {
                return Err(format!("timer {timer} fired after it was removed"));
            }
            if deadlines[timer] > now {
                return Err(format!("timer {timer} fired early"));
            }
            if std::mem::replace(&mut done[timer], true) {
                return Err(format!("timer {timer} fired twice"));
            }
        }
        now += Duration::from_micros(next(&mut seed) % 40_000);
    }
    let order = fired.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    if order.len() != live {
        return Err(format!("{} of {live} live timers fired", order.len()));
    }
    if !order.windows(2).all(|pair| deadlines[pair[0]] <= deadlines[pair[1]]) {
        return Err("timers fired out of deadline order".into());
    }
    match queue.len() {
        0 => Ok(()),
        left => Err(format!("len() is {left} after every timer fired")),
    }
}

fn fired_len(fired: &Arc<Mutex<Vec<usize>>>) -> usize {
    fired.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
}

/// 2,000 real sleeps through a runtime using the queue: none early, all in
/// deadline order.
fn in_a_runtime<Q: TimerQueue + 'static>(queue: Q) -> Result<(), String> {
    let runtime = Runtime::builder()
        .timer_queue(queue)
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let base = Instant::now() + Duration::from_millis(50);
        let mut seed = 0xd1ce_u64;
        let log: std::rc::Rc<std::cell::RefCell<Vec<(Instant, Instant)>>> = Default::default();
        let sleepers: Vec<_> = (0..2_000)
            .map(|_| {
                let deadline = base + Duration::from_micros(next(&mut seed) % 100_000);
                let log = log.clone();
                crate::spawn(async move {
                    sleep_until(deadline).await;
                    log.borrow_mut().push((deadline, Instant::now()));
                })
            })
            .collect();
        let timeout = crate::time::timeout(Duration::from_secs(20), crate::join_all(sleepers)).await;
        if timeout.is_err() {
            return Err("sleeps were still pending after 20 s".into());
        }
        let log = log.borrow();
        if log.iter().any(|(deadline, woke)| woke < deadline) {
            return Err("a sleep ended before its deadline".into());
        }
        if !log.windows(2).all(|pair| pair[0].0 <= pair[1].0) {
            return Err("sleeps ended out of deadline order".into());
        }
        Ok(())
    })
}
