//! # The queue alone: wakers come back
//!
//! The first check drives the queue by hand, with no runtime, and watches
//! what becomes of the wakers it is given. [`Witness`], a waker that
//! records which timer it belongs to, is shared with the scripted check
//! (`scripted.rs`).

use super::super::{TimerPoll, TimerQueue};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

/// Records which timer's waker was woken, in order.
pub(super) struct Witness {
    pub(super) timer: usize,
    pub(super) fired: Arc<Mutex<Vec<usize>>>,
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
