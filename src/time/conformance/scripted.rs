//! # The queue alone, against a scripted clock
//!
//! Here the clock is a variable: the check decides what `now` is and calls
//! `fire_expired(now)` with it, in uneven steps, so every run is the same
//! and nothing depends on the machine's speed. The script:
//!
//! - 2,000 timers inserted at the start, due over 2 s; every third removed;
//! - at every step, new timers: one already due (up to 5 ms in the past, as
//!   when the loop's clock lags behind a deadline), one due within the
//!   millisecond, one within 300 ms, and now and then one ten minutes or
//!   more away — the timer a wheel must not fire when it wraps;
//! - now and then a live timer removed, and the key of a timer that is gone
//!   (fired or removed) used again: `poll` must say it fired, `remove` must
//!   hand nothing back, and neither may touch the timer that now lives in
//!   its place;
//! - at the end the clock jumps two hours ahead.
//!
//! After each step: every live timer due by `now` has fired, exactly once;
//! none fired early or after `remove`; each call fired its timers in
//! deadline order, ties in insertion order; `next_deadline` is at or before
//! the nearest live deadline; `len` counts the live timers. Timers are
//! named by insertion number, with times since the script's start:
//! "timer 1549 (due at 16.7ms) was not fired by fire_expired at 32.3ms".

use super::super::{TimerKey, TimerPoll, TimerQueue};
use super::alone::{Witness, next};
use crate::scheduler::conformance::watch::{Watch, short};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

/// The queue under test and what the script knows about each timer.
struct Script<Q> {
    queue: Q,
    start: Instant,
    deadlines: Vec<Instant>,
    keys: Vec<TimerKey>,
    removed: Vec<bool>,
    done: Vec<bool>,
    /// Timers in the order their wakers were woken.
    fired: Arc<Mutex<Vec<usize>>>,
    seed: u64,
}

impl<Q: TimerQueue> Script<Q> {
    fn at(&self, instant: Instant) -> String {
        short(instant.saturating_duration_since(self.start))
    }

    fn waker(&self, timer: usize) -> Waker {
        Waker::from(Arc::new(Witness {
            timer,
            fired: self.fired.clone(),
        }))
    }

    fn insert(&mut self, deadline: Instant) {
        let waker = self.waker(self.deadlines.len());
        self.keys.push(self.queue.insert(deadline, waker));
        self.deadlines.push(deadline);
        self.removed.push(false);
        self.done.push(false);
    }

    fn is_live(&self, timer: usize) -> bool {
        !self.removed[timer] && !self.done[timer]
    }

    fn remove(&mut self, timer: usize) {
        self.queue.remove(self.keys[timer]);
        self.removed[timer] = true;
    }

    fn random(&mut self, below: u64) -> u64 {
        next(&mut self.seed) % below
    }

    /// Uses the key of `timer`, which is gone, as a careless caller would.
    fn reuse_stale_key(&mut self, timer: usize) -> Result<(), String> {
        let key = self.keys[timer];
        if let TimerPoll::Waiting(_) = self.queue.poll(key, &mut Context::from_waker(&self.waker(timer))) {
            return Err(format!(
                "poll() with the key of timer {timer}, which is gone, says it is waiting"
            ));
        }
        match self.queue.remove(key) {
            Some(_) => Err(format!(
                "remove() with the key of timer {timer}, which is gone, handed back a waker: \
                 stale keys must be told apart from the timers now in their place"
            )),
            None => Ok(()),
        }
    }

    fn check_len(&self) -> Result<(), String> {
        let live = (0..self.deadlines.len()).filter(|&timer| self.is_live(timer)).count();
        match self.queue.len() {
            len if len == live => Ok(()),
            len => Err(format!("len() is {len} with {live} live timers")),
        }
    }

    fn check_next_deadline(&mut self) -> Result<(), String> {
        let live = (0..self.deadlines.len()).filter(|&timer| self.is_live(timer));
        let Some(earliest) = live.map(|timer| self.deadlines[timer]).min() else {
            return Ok(());
        };
        match self.queue.next_deadline() {
            None => Err(format!(
                "next_deadline() is None with a timer due at {}",
                self.at(earliest)
            )),
            Some(next) if next > earliest => Err(format!(
                "next_deadline() is {}, later than the nearest live deadline, {}",
                self.at(next),
                self.at(earliest)
            )),
            Some(_) => Ok(()),
        }
    }

    /// One `fire_expired(now)`, and everything that must hold after it.
    fn fire(&mut self, now: Instant) -> Result<(), String> {
        let before = self.fired.lock().unwrap_or_else(PoisonError::into_inner).len();
        let mut woken = Vec::new();
        let count = self.queue.fire_expired(now, &mut woken);
        woken.drain(..).for_each(Waker::wake);
        let batch = self.fired.lock().unwrap_or_else(PoisonError::into_inner)[before..].to_vec();
        if batch.len() != count {
            return Err(format!(
                "fire_expired said {count} fired but {} wakers came back",
                batch.len()
            ));
        }
        for &timer in &batch {
            if self.removed[timer] {
                return Err(format!("timer {timer} fired after it was removed"));
            }
            if self.deadlines[timer] > now {
                let (due, at) = (self.at(self.deadlines[timer]), self.at(now));
                return Err(format!("timer {timer} fired early: due at {due}, fired at {at}"));
            }
            if std::mem::replace(&mut self.done[timer], true) {
                return Err(format!("timer {timer} fired twice"));
            }
        }
        if let Some(pair) = batch.windows(2).find(|pair| {
            let [a, b] = [pair[0], pair[1]];
            (self.deadlines[a], a) > (self.deadlines[b], b)
        }) {
            return Err(format!(
                "one fire_expired fired timer {} (due at {}) before timer {} (due at {}): out of deadline order",
                pair[0],
                self.at(self.deadlines[pair[0]]),
                pair[1],
                self.at(self.deadlines[pair[1]])
            ));
        }
        let missed: Vec<usize> = (0..self.deadlines.len())
            .filter(|&timer| self.is_live(timer) && self.deadlines[timer] <= now)
            .collect();
        if let Some(&first) = missed.first() {
            return Err(format!(
                "timer {first} (due at {}) was not fired by fire_expired at {}: it is lost{}",
                self.at(self.deadlines[first]),
                self.at(now),
                match missed.len() {
                    1 => String::new(),
                    n => format!(" (and {} other due timer(s) with it)", n - 1),
                }
            ));
        }
        self.check_len()
    }
}

/// Runs the script (see the module docs).
pub(super) fn scripted<Q: TimerQueue>(queue: Q, watch: &Watch) -> Result<(), String> {
    let start = Instant::now();
    let mut script = Script {
        queue,
        start,
        deadlines: Vec::new(),
        keys: Vec::new(),
        removed: Vec::new(),
        done: Vec::new(),
        fired: Arc::default(),
        seed: 0x5eed,
    };
    for _ in 0..2_000 {
        let deadline = start + Duration::from_micros(script.random(2_000_000));
        script.insert(deadline);
    }
    for timer in (0..2_000).step_by(3) {
        script.remove(timer);
    }
    script.check_len()?;
    let mut now = start;
    for step in 0u64.. {
        watch.step();
        let lag = Duration::from_micros(script.random(5_000));
        script.insert(now.checked_sub(lag).unwrap_or(now));
        let soon = Duration::from_micros(script.random(1_000));
        script.insert(now + soon);
        let later = Duration::from_micros(script.random(300_000));
        script.insert(now + later);
        if step.is_multiple_of(10) {
            let far = Duration::from_secs(600 + script.random(600));
            script.insert(now + far);
        }
        if step.is_multiple_of(3) {
            let timer = script.random(script.deadlines.len() as u64) as usize;
            match script.is_live(timer) {
                true => script.remove(timer),
                false => script.reuse_stale_key(timer)?,
            }
        }
        script.check_next_deadline()?;
        script.fire(now)?;
        if now >= start + Duration::from_secs(3) {
            break;
        }
        now += Duration::from_micros(script.random(40_000));
    }
    script.fire(now + Duration::from_secs(7_200))?;
    match script.queue.len() {
        0 => Ok(()),
        left => Err(format!("len() is {left} after every timer fired")),
    }
}
