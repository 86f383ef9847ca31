//! # `Condvar`: wait for a condition on locked state — asyncio's `Condition`
//!
//! A [`Mutex`] protects state; a condition variable lets a task holding it
//! wait until *the state* says something ("the queue is not empty"):
//!
//! ```text
//! async with cond:                          let mut guard = mutex.lock().await;
//!     while not queue:                      while guard.is_empty() {
//!         await cond.wait()                     guard = condvar.wait(guard).await;
//!     item = queue.popleft()                }
//! ```
//!
//! `wait` gives the lock up while it sleeps (so the producer can take it to
//! change the state) and takes it back before returning. The producer
//! changes the state under the lock and calls
//! [`notify_one`](Condvar::notify_one) or [`notify_all`](Condvar::notify_all).
//! A notification with nobody waiting is lost, by design, as in asyncio:
//! the state itself is the memory, which is why waiters re-check it in a
//! `while` loop ([`wait_until`](Condvar::wait_until) writes that loop).
//!
//! ## The race between unlocking and parking
//! With threads, "unlock, then sleep" has a gap: another thread can take
//! the lock, change the state and notify *between* the two steps, and the
//! notification reaches nobody; the waiter sleeps on a condition that is
//! already true. Condition variables exist to close that gap. Here `wait`
//! joins the [wait queue](super::wait_queue) *first* and unlocks *second*,
//! both in the same poll; since nothing else runs on the loop during a poll,
//! any notify that comes after the unlock finds the waiter already in line.
//!
//! ## Cancellation
//! `wait` has two suspension points. Dropped while waiting to be notified,
//! it leaves the line. Dropped after `notify_one` chose it, it passes the
//! notification to the next waiter (as asyncio's `Condition` does since
//! Python 3.13), so a cancelled waiter never swallows it. Dropped while
//! re-taking the lock, it behaves like a dropped [`Mutex::lock`]: the lock
//! goes to whoever is next. In every case the guard it was given was
//! already released, so the lock is free for others.

use super::mutex::{Mutex, MutexGuard};
use super::wait_queue::{Ticket, WaitQueue};
use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// A condition variable for the tasks of one loop, used with a [`Mutex`].
/// asyncio's `Condition`.
///
/// ```
/// use std::collections::VecDeque;
/// use std::rc::Rc;
/// use runloop::sync::{Condvar, Mutex};
///
/// let got = runloop::run(async {
///     let shared = Rc::new((Mutex::new(VecDeque::new()), Condvar::new()));
///     let consumer = runloop::spawn({
///         let shared = shared.clone();
///         async move {
///             let (queue, not_empty) = &*shared;
///             let mut guard = not_empty.wait_until(queue.lock().await, |q| !q.is_empty()).await;
///             guard.pop_front().unwrap()
///         }
///     });
///     runloop::yield_now().await; // the consumer is now waiting
///     let (queue, not_empty) = &*shared;
///     queue.lock().await.push_back("work");
///     not_empty.notify_one();
///     consumer.await.unwrap()
/// });
/// assert_eq!(got, "work");
/// ```
#[doc(alias = "Condition")]
pub struct Condvar {
    waiters: RefCell<WaitQueue<Call>>,
}

/// How a waiter was chosen, so a dropped one knows whether to pass it on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    NotYet,
    One,
    All,
}

impl Condvar {
    /// A condition variable with nobody waiting.
    pub const fn new() -> Condvar {
        Condvar {
            waiters: RefCell::new(WaitQueue::new()),
        }
    }

    /// Releases `guard`'s lock, waits for a notification, then locks again
    /// and returns the new guard. Spurious returns do not happen, but the
    /// state may have changed again by the time the lock is back: check it
    /// in a loop, or use [`wait_until`](Condvar::wait_until).
    pub async fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        let mutex: &'a Mutex<T> = MutexGuard::mutex(&guard);
        // Get in line before letting go of the lock: see the module essay.
        let waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
        let notified = self.join(waker);
        drop(guard);
        notified.await;
        mutex.lock().await
    }

    /// Waits until `condition` holds for the locked value, and returns the
    /// guard with the lock held. asyncio's `Condition.wait_for(predicate)`.
    #[doc(alias = "wait_for")]
    pub async fn wait_until<'a, T>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) -> MutexGuard<'a, T> {
        while !condition(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes the task that has waited longest, if any; with nobody waiting
    /// the notification is lost.
    pub fn notify_one(&self) {
        let chosen = self.waiters.borrow_mut().choose_first().map(|(waker, call)| {
            *call = Call::One;
            waker
        });
        if let Some(waker) = chosen {
            waker.wake();
        }
    }

    /// Wakes every waiting task.
    pub fn notify_all(&self) {
        let everyone = self.waiters.borrow_mut().choose_all(|call| *call = Call::All);
        everyone.wake_all();
    }

    fn join(&self, waker: Waker) -> Notified<'_> {
        Notified {
            condvar: self,
            ticket: Some(self.waiters.borrow_mut().push_back(waker, Call::NotYet)),
        }
    }
}

impl Default for Condvar {
    fn default() -> Condvar {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar")
            .field("waiters", &self.waiters.borrow().len())
            .finish()
    }
}

/// A place in the condition's line, from before the lock was released.
struct Notified<'a> {
    condvar: &'a Condvar,
    ticket: Option<Ticket>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let condvar = self.condvar;
        let mut waiters = condvar.waiters.borrow_mut();
        waiters.poll_turn(&mut self.ticket, cx.waker()).map(|_| ())
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let left = self.condvar.waiters.borrow_mut().leave(ticket);
        if left.was_chosen && left.data == Call::One {
            // Meant for one waiter, and we will not act on it: pass it on.
            self.condvar.notify_one();
        }
    }
}
