//! # The queue alone: wakers, and a scripted clock
//!
//! Two checks that drive the queue by hand, with no runtime. Every waker
//! is a [`Witness`] that records which timer it belongs to, so a report
//! can name the timer: "timer 9 (due at 12.3ms) was still waiting at
//! 15.0ms".

use super::super::{TimerKey, TimerPoll, TimerQueue};
use crate::scheduler::conformance::watch::{Watch, short};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

/// Records which timer's waker was woken, in order.
struct Witness {
    timer: usize,
    fired: Arc<Mutex<Vec<usize>>>,
}

impl Wake for Witness {
    fn wake(self: Arc<Self>) {
        self.fired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self.timer);
    }
}

/// The queue must not drop a waker itself (its destructor could call back
/// into the reactor while the queue is borrowed): a replaced waker comes back
/// from `poll`, a removed timer's from `remove`.
pub(super) fn hands_back_wakers<Q: TimerQueue>(mut queue: Q) -> Result<(), String> {
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
pub(super) fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// 2,000 timers over 2 s of scripted time, every third removed, fired by a
/// clock that advances in uneven steps. After every step each live timer
/// due by then must have fired, once, and none early.
pub(super) fn scripted<Q: TimerQueue>(mut queue: Q, watch: &Watch) -> Result<(), String> {
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
    let at = |instant: Instant| short(instant - start);
    let mut now = start;
    let mut woken = Vec::new();
    let mut done = vec![false; deadlines.len()];
    while now < start + Duration::from_secs(3) {
        watch.step();
        let earliest_waiting = (0..deadlines.len())
            .filter(|&timer| !removed(timer) && !done[timer])
            .map(|timer| deadlines[timer])
            .min();
        if let Some(earliest) = earliest_waiting {
            match queue.next_deadline() {
                None => return Err(format!("next_deadline() is None with a timer due at {}", at(earliest))),
                Some(next) if next > earliest => {
                    return Err(format!(
                        "next_deadline() is {}, later than the nearest live deadline, {}",
                        at(next),
                        at(earliest)
                    ));
                }
                Some(_) => {}
            }
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
        for &timer in &fired.lock().unwrap_or_else(PoisonError::into_inner)[before..] {
            if removed(timer) {
                return Err(format!("timer {timer} fired after it was removed"));
            }
            if deadlines[timer] > now {
                return Err(format!(
                    "timer {timer} fired early: due at {}, fired at {}",
                    at(deadlines[timer]),
                    at(now)
                ));
            }
            if std::mem::replace(&mut done[timer], true) {
                return Err(format!("timer {timer} fired twice"));
            }
        }
        let missed: Vec<usize> = (0..deadlines.len())
            .filter(|&timer| !removed(timer) && !done[timer] && deadlines[timer] <= now)
            .collect();
        if let Some(&first) = missed.first() {
            return Err(format!(
                "timer {first} (due at {}) was not fired by fire_expired at {}: it is lost{}",
                at(deadlines[first]),
                at(now),
                match missed.len() {
                    1 => String::new(),
                    n => format!(" (and {} other due timer(s) with it)", n - 1),
                }
            ));
        }
        now += Duration::from_micros(next(&mut seed) % 40_000);
    }
    let order = fired.lock().unwrap_or_else(PoisonError::into_inner).clone();
    if let Some(pair) = order.windows(2).find(|pair| deadlines[pair[0]] > deadlines[pair[1]]) {
        return Err(format!(
            "timers fired out of deadline order: timer {} (due at {}) before timer {} (due at {})",
            pair[0],
            at(deadlines[pair[0]]),
            pair[1],
            at(deadlines[pair[1]])
        ));
    }
    match queue.len() {
        0 => Ok(()),
        left => Err(format!("len() is {left} after every timer fired")),
    }
}

fn fired_len(fired: &Arc<Mutex<Vec<usize>>>) -> usize {
    fired.lock().unwrap_or_else(PoisonError::into_inner).len()
}
