//! A dropped waiter never loses a permit, the lock or a notification.
//!
//! Each test drives a primitive by hand — no runtime, every future polled
//! with a waker that counts its wakes — through a random script of polls,
//! drops of waiting or chosen futures, and releases, and checks every step
//! against a small model: a counter of free permits and a FIFO line, as in
//! the wait queue's essay. A thousand seeds each. The model says which poll
//! returns `Ready`, who must be woken (exactly once) and who must not be
//! woken at all (a waiter dropped before its turn costs no wake).

mod common;

use common::XorShift;
use runloop::sync::{Mutex, Notify, Semaphore};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

const SEEDS: u64 = 1_000;
const STEPS: usize = 200;

/// A waker that counts how often it was woken.
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// One waiter's future, with its own counting waker.
struct Waiter<F> {
    id: usize,
    future: F,
    wakes: Arc<Counter>,
    waker: Waker,
}

impl<F: Future + Unpin> Waiter<F> {
    fn new(id: usize, future: F) -> Waiter<F> {
        let wakes = Arc::new(Counter(AtomicUsize::new(0)));
        Waiter {
            id,
            future,
            waker: Waker::from(wakes.clone()),
            wakes,
        }
    }

    fn poll(&mut self) -> Poll<F::Output> {
        Pin::new(&mut self.future).poll(&mut Context::from_waker(&self.waker))
    }

    fn wakes(&self) -> usize {
        self.wakes.0.load(Ordering::SeqCst)
    }
}

/// The model of a strict-FIFO semaphore (a mutex is one with one permit).
#[derive(Default)]
struct PermitModel {
    available: usize,
    /// Waiting ids with what they want, oldest first.
    line: VecDeque<(usize, usize)>,
    /// Chosen ids whose permits are assigned but not yet collected.
    chosen: Vec<(usize, usize)>,
}

impl PermitModel {
    fn poll(&mut self, id: usize, wants: usize, joined: bool) -> bool {
        if let Some(at) = self.chosen.iter().position(|&(c, _)| c == id) {
            self.chosen.remove(at);
            return true;
        }
        if !joined && self.line.is_empty() && self.available >= wants {
            self.available -= wants;
            return true;
        }
        if !joined {
            self.line.push_back((id, wants));
        }
        false
    }

    fn drop_waiter(&mut self, id: usize) {
        if let Some(at) = self.line.iter().position(|&(w, _)| w == id) {
            self.line.remove(at);
        } else if let Some(at) = self.chosen.iter().position(|&(c, _)| c == id) {
            self.available += self.chosen.remove(at).1;
        }
        self.serve();
    }

    fn release(&mut self, permits: usize) {
        self.available += permits;
        self.serve();
    }

    fn serve(&mut self) {
        while let Some(&(id, wants)) = self.line.front() {
            if wants > self.available {
                break;
            }
            self.available -= wants;
            self.line.pop_front();
            self.chosen.push((id, wants));
        }
    }

    fn is_chosen(&self, id: usize) -> bool {
        self.chosen.iter().any(|&(c, _)| c == id)
    }
}

/// Checks the wake counts the model implies: chosen waiters were woken
/// exactly once, everyone else not at all.
fn check_wakes<F: Future + Unpin>(seed: u64, waiters: &[(Waiter<F>, usize, bool)], model: &PermitModel) {
    for (waiter, _, _) in waiters {
        let expected = usize::from(model.is_chosen(waiter.id));
        assert_eq!(
            waiter.wakes(),
            expected,
            "seed {seed}: waiter {} woken {} times, model says {expected}",
            waiter.id,
            waiter.wakes()
        );
    }
}

#[test]
fn a_semaphore_never_loses_or_invents_a_permit_whatever_is_dropped_when() {
    for seed in 1..=SEEDS {
        let mut rng = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let total = 1 + (rng.next() % 4) as usize;
        let semaphore = Semaphore::new(total);
        let mut model = PermitModel {
            available: total,
            ..PermitModel::default()
        };
        // (waiter, permits wanted, joined the line yet)
        let mut waiters = Vec::new();
        let mut held = Vec::new();
        let mut next_id = 0;
        for _ in 0..STEPS {
            match rng.next() % 5 {
                0 => {
                    let wants = 1 + (rng.next() as usize % total.min(2));
                    waiters.push((Waiter::new(next_id, semaphore.acquire_many(wants)), wants, false));
                    next_id += 1;
                }
                1 | 2 if !waiters.is_empty() => {
                    let at = rng.next() as usize % waiters.len();
                    let (waiter, wants, joined) = &mut waiters[at];
                    let expected = model.poll(waiter.id, *wants, *joined);
                    match waiter.poll() {
                        Poll::Ready(permit) => {
                            assert!(expected, "seed {seed}: waiter {} served out of turn", waiter.id);
                            held.push(permit.unwrap());
                            waiters.remove(at);
                        }
                        Poll::Pending => {
                            assert!(!expected, "seed {seed}: waiter {} not served in its turn", waiter.id);
                            *joined = true;
                        }
                    }
                }
                3 if !waiters.is_empty() => {
                    let (waiter, _, _) = waiters.remove(rng.next() as usize % waiters.len());
                    model.drop_waiter(waiter.id);
                }
                _ if !held.is_empty() => {
                    let permit = held.remove(rng.next() as usize % held.len());
                    model.release(permit.permits());
                }
                _ => {}
            }
            check_wakes(seed, &waiters, &model);
            assert_eq!(semaphore.available_permits(), model.available, "seed {seed}");
            let accounted = model.available
                + held.iter().map(|p| p.permits()).sum::<usize>()
                + model.chosen.iter().map(|&(_, n)| n).sum::<usize>();
            assert_eq!(accounted, total, "seed {seed}: permits lost or invented");
        }
        drop(held);
        drop(waiters);
        assert_eq!(
            semaphore.available_permits(),
            total,
            "seed {seed}: permits lost at the end"
        );
    }
}

#[test]
fn a_mutex_is_never_lost_whatever_is_dropped_when() {
    for seed in 1..=SEEDS {
        let mut rng = XorShift(seed.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mutex = Mutex::new(0u32);
        let mut model = PermitModel {
            available: 1,
            ..PermitModel::default()
        };
        let mut waiters = Vec::new();
        let mut guard = None;
        let mut next_id = 0;
        for _ in 0..STEPS {
            match rng.next() % 5 {
                0 | 1 => {
                    waiters.push((Waiter::new(next_id, mutex.lock()), 1, false));
                    next_id += 1;
                }
                2 if !waiters.is_empty() => {
                    let at = rng.next() as usize % waiters.len();
                    let (waiter, _, joined) = &mut waiters[at];
                    let expected = model.poll(waiter.id, 1, *joined);
                    match waiter.poll() {
                        Poll::Ready(mut taken) => {
                            assert!(expected, "seed {seed}: waiter {} got the lock out of turn", waiter.id);
                            *taken += 1;
                            assert!(guard.replace(taken).is_none(), "seed {seed}: two guards at once");
                            waiters.remove(at);
                        }
                        Poll::Pending => {
                            assert!(!expected, "seed {seed}: waiter {} skipped", waiter.id);
                            *joined = true;
                        }
                    }
                }
                3 if !waiters.is_empty() => {
                    let (waiter, _, _) = waiters.remove(rng.next() as usize % waiters.len());
                    model.drop_waiter(waiter.id);
                }
                _ if guard.is_some() => {
                    guard = None;
                    model.release(1);
                }
                _ => {}
            }
            check_wakes(seed, &waiters, &model);
            let taken = guard.is_some() || !model.chosen.is_empty();
            assert_eq!(mutex.is_locked(), taken, "seed {seed}: the lock's state drifted");
        }
        drop(guard);
        drop(waiters);
        assert!(!mutex.is_locked(), "seed {seed}: the lock was lost");
        assert!(mutex.try_lock().is_ok(), "seed {seed}");
    }
}

#[test]
fn notify_never_loses_a_notification_whatever_is_dropped_when() {
    for seed in 1..=SEEDS {
        let mut rng = XorShift(seed.wrapping_mul(0xA24B_AED4_963E_E407));
        let notify = Notify::new();
        // The model: a stored permit, the line, and who was chosen by a
        // `notify_one` (must pass it on if dropped) or by `notify_waiters`.
        let mut permit = false;
        let mut line: VecDeque<usize> = VecDeque::new();
        let mut chosen: Vec<(usize, bool)> = Vec::new(); // (id, by notify_one)
        let mut waiters: Vec<(Waiter<runloop::sync::Notified<'_>>, bool)> = Vec::new();
        let mut next_id = 0;
        for _ in 0..STEPS {
            match rng.next() % 6 {
                0 => {
                    waiters.push((Waiter::new(next_id, notify.notified()), false));
                    next_id += 1;
                }
                1 | 2 if !waiters.is_empty() => {
                    let at = rng.next() as usize % waiters.len();
                    let (waiter, joined) = &mut waiters[at];
                    let expected = if let Some(c) = chosen.iter().position(|&(c, _)| c == waiter.id) {
                        chosen.remove(c);
                        true
                    } else if !*joined && permit {
                        permit = false;
                        true
                    } else {
                        if !*joined {
                            line.push_back(waiter.id);
                        }
                        false
                    };
                    let ready = waiter.poll().is_ready();
                    assert_eq!(ready, expected, "seed {seed}: waiter {}", waiter.id);
                    if ready {
                        waiters.remove(at);
                    } else {
                        *joined = true;
                    }
                }
                3 if !waiters.is_empty() => {
                    let (waiter, _) = waiters.remove(rng.next() as usize % waiters.len());
                    if let Some(at) = line.iter().position(|&w| w == waiter.id) {
                        line.remove(at);
                    } else if let Some(at) = chosen.iter().position(|&(c, _)| c == waiter.id)
                        && chosen.remove(at).1
                    {
                        // Chosen by `notify_one`: the call is passed on.
                        model_notify_one(&mut permit, &mut line, &mut chosen);
                    }
                }
                4 => {
                    notify.notify_one();
                    model_notify_one(&mut permit, &mut line, &mut chosen);
                }
                _ => {
                    notify.notify_waiters();
                    chosen.extend(line.drain(..).map(|id| (id, false)));
                }
            }
            for (waiter, _) in &waiters {
                let expected = usize::from(chosen.iter().any(|&(c, _)| c == waiter.id));
                assert_eq!(waiter.wakes(), expected, "seed {seed}: waiter {} wakes", waiter.id);
            }
        }
        // Whatever was stored must still be there for the next waiter.
        let mut last = Waiter::new(usize::MAX, notify.notified());
        let chosen_by_one = chosen.iter().filter(|&&(_, one)| one).count();
        drop(waiters); // dropping chosen-by-one waiters passes their calls on
        assert_eq!(
            last.poll().is_ready(),
            permit || chosen_by_one > 0,
            "seed {seed}: a notification was lost or invented"
        );
    }
}

/// The model's `notify_one`: the first in line is chosen, or a permit stored.
fn model_notify_one(permit: &mut bool, line: &mut VecDeque<usize>, chosen: &mut Vec<(usize, bool)>) {
    match line.pop_front() {
        Some(id) => chosen.push((id, true)),
        None => *permit = true,
    }
}
