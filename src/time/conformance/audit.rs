//! # The audit: a timer queue wrapped in a ledger
//!
//! [`Audit`] is itself a [`TimerQueue`]: it passes every call on to the
//! queue under test and keeps its own ledger of the live timers and their
//! deadlines. The contract makes every answer predictable from the ledger,
//! so the audit checks each one and records the first broken promise in
//! the [`Watch`]:
//!
//! - `fire_expired(now)` must fire exactly the live timers due at `now`: fewer
//!   means a timer was **lost** (its sleep would never end), more means one
//!   fired **early**, twice, or after `remove`;
//! - `next_deadline()` must be at or before the nearest live deadline: `None`
//!   or later means the loop would **oversleep** (or sleep for ever);
//! - `poll()` must not say "fired" before the deadline, nor "waiting" after
//!   the timer fired;
//! - `len()` must count the live timers; `insert` must not hand out the key
//!   of a live timer;
//! - no call may **panic**.
//!
//! None of this needs a wall-clock bound: a queue that loses one timer in
//! ten is caught by the first `fire_expired` after the lost deadline,
//! milliseconds into the check. After a violation the audit is frozen:
//! it stops calling the queue, keeps the wakers it is given (a waker
//! dropped inside the reactor's borrow could call back into it), and the
//! runtime on the check's thread goes to sleep.

use super::super::{TimerKey, TimerPoll, TimerQueue};
use crate::scheduler::conformance::watch::{Watch, short};
use std::collections::{BTreeMap, HashMap};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::Instant;

/// A timer queue under audit (see the module docs).
pub(super) struct Audit<Q> {
    queue: Q,
    watch: Arc<Watch>,
    /// Live timers: deadline and insertion number.
    live: HashMap<TimerKey, (Instant, u64)>,
    /// The same timers by deadline.
    by_deadline: BTreeMap<(Instant, u64), TimerKey>,
    inserted: u64,
    /// Wakers given to a frozen audit, kept rather than dropped here.
    kept: Vec<Waker>,
}

impl<Q: TimerQueue> Audit<Q> {
    pub(super) fn new(queue: Q, watch: Arc<Watch>) -> Audit<Q> {
        Audit {
            queue,
            watch,
            live: HashMap::new(),
            by_deadline: BTreeMap::new(),
            inserted: 0,
            kept: Vec::new(),
        }
    }

    /// Calls the queue, unless frozen; a panic becomes a violation.
    fn call<T>(&mut self, call: &'static str, f: impl FnOnce(&mut Q) -> T) -> Option<T> {
        if self.watch.is_frozen() {
            return None;
        }
        self.watch.enter(call);
        let result = panic::catch_unwind(AssertUnwindSafe(|| f(&mut self.queue)));
        self.watch.leave();
        result
            .map_err(|payload| {
                let message = crate::task::panic_message(payload.as_ref()).unwrap_or("a non-string payload");
                self.watch.violated(format!("{call} panicked: {message}"));
            })
            .ok()
    }

    fn forget(&mut self, key: TimerKey) {
        if let Some((deadline, seq)) = self.live.remove(&key) {
            self.by_deadline.remove(&(deadline, seq));
        }
    }

    /// `len()` must count the live timers.
    fn check_len(&mut self, after: &str) {
        let Some(len) = self.call("len()", |queue| queue.len()) else {
            return;
        };
        if len != self.live.len() {
            let live = self.live.len();
            self.watch
                .violated(format!("len() is {len} after {after}, but {live} timer(s) are live"));
        }
    }
}

impl<Q: TimerQueue> TimerQueue for Audit<Q> {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        let frozen_key = TimerKey {
            slot: usize::MAX,
            generation: u64::MAX,
        };
        if self.watch.is_frozen() {
            self.kept.push(waker);
            return frozen_key;
        }
        let Some(key) = self.call("insert()", |queue| queue.insert(deadline, waker)) else {
            return frozen_key;
        };
        self.inserted += 1;
        if self.live.insert(key, (deadline, self.inserted)).is_some() {
            self.watch
                .violated(format!("insert() returned {key:?}, which already names a live timer"));
            return key;
        }
        self.by_deadline.insert((deadline, self.inserted), key);
        self.check_len("insert()");
        key
    }

    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
        let Some(polled) = self.call("poll()", |queue| queue.poll(key, cx)) else {
            return TimerPoll::Waiting(None);
        };
        match (&polled, self.live.get(&key)) {
            (TimerPoll::Fired, Some(&(deadline, _))) => {
                let now = Instant::now();
                if deadline > now {
                    let early = short(deadline - now);
                    self.watch
                        .violated(format!("poll() says a timer has fired {early} before its deadline"));
                }
                self.forget(key); // fired without fire_expired: allowed, if due
            }
            (TimerPoll::Waiting(_), None) => self.watch.violated(format!(
                "poll() says timer {key:?} is still waiting, but it has fired: its sleep would never end"
            )),
            _ => {}
        }
        polled
    }

    fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        let removed = self.call("remove()", |queue| queue.remove(key)).flatten();
        if self.live.contains_key(&key) {
            self.forget(key);
            self.check_len("remove()");
        }
        removed
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        let next = self.call("next_deadline()", Q::next_deadline)?;
        let Some((&(nearest, _), _)) = self.by_deadline.first_key_value() else {
            return next;
        };
        let now = Instant::now();
        let when = |instant: Instant| match instant > now {
            true => format!("due in {}", short(instant - now)),
            false => format!("due {} ago", short(now - instant)),
        };
        match next {
            None => self.watch.violated(format!(
                "next_deadline() is None with {} live timer(s), the nearest {}: the loop would sleep for ever \
                 (a lost timer?)",
                self.live.len(),
                when(nearest)
            )),
            Some(next) if next > nearest => self.watch.violated(format!(
                "next_deadline() is {} after the nearest live deadline ({}): the loop would oversleep",
                short(next - nearest),
                when(nearest)
            )),
            Some(_) => {}
        }
        next
    }

    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        let before = wake.len();
        let Some(count) = self.call("fire_expired()", |queue| queue.fire_expired(now, wake)) else {
            return 0;
        };
        let due: Vec<((Instant, u64), TimerKey)> = self
            .by_deadline
            .range(..=(now, u64::MAX))
            .map(|(&at, &key)| (at, key))
            .collect();
        let handed_back = wake.len() - before;
        let why = if count != handed_back {
            format!("fire_expired() said {count} timer(s) fired but handed back {handed_back} waker(s)")
        } else if count < due.len() {
            let ((earliest, _), _) = due[0];
            format!(
                "fire_expired() fired {count} timer(s), but {} were due: {} lost, the earliest due {} before \
                 (their sleeps would never end)",
                due.len(),
                due.len() - count,
                short(now - earliest)
            )
        } else if count > due.len() {
            format!(
                "fire_expired() fired {count} timer(s), but only {} were due: one fired early, twice, or after remove()",
                due.len()
            )
        } else {
            for (_, key) in due {
                self.forget(key);
            }
            self.check_len("fire_expired()");
            return count;
        };
        self.watch.violated(why);
        count
    }

    fn len(&self) -> usize {
        match self.watch.is_frozen() {
            true => 0,
            false => self.queue.len(),
        }
    }

    fn name(&self) -> &'static str {
        self.queue.name()
    }
}
