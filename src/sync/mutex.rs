//! # `Mutex`: one task at a time, across `.await`s — asyncio's `Lock`
//!
//! Tasks on one loop never run at the same instant, so why lock? Because
//! they *interleave* at every `.await`. A task that reads shared state,
//! awaits a socket, then writes the state back has let every other task run
//! in between; if one of them did the same, one update is lost. asyncio's
//! answer is `async with lock:`; ours is `let guard = mutex.lock().await`.
//!
//! ## Why not a `RefCell`?
//! A `RefCell` is the right tool *between* `.await`s. Held *across* one it
//! is a bug waiting for a second task: while the first is suspended with a
//! `borrow_mut` outstanding, the second task's `borrow_mut` panics
//! (`BorrowMutError`). The borrow cannot wait, because a `RefCell` does not
//! know about tasks. A `Mutex` does: the second task joins a line and
//! sleeps until the guard is dropped. Inside, the value still lives in a
//! `RefCell`, borrowed by the guard; the lock makes sure that borrow never
//! meets another one.
//!
//! ## Fair, by hand-off
//! Unlocking with tasks in line does not set the lock free: it hands the
//! lock straight to the first waiter (the [wait queue](super::wait_queue)
//! *chooses* it), and the lock stays taken until that task polls and takes
//! its guard. So a task that calls `lock()` later can never overtake one
//! that waits (no barging), and `try_lock` fails while anyone is in line.
//! asyncio's `Lock` is fair the same way since Python 3.10.
//!
//! ## Cancellation
//! `lock().await` has one suspension point. A `Lock` future dropped there
//! while waiting leaves the line; dropped *after* the lock was handed to it
//! (chosen, woken, but not polled yet), it unlocks on its way out, which
//! hands the lock to the next waiter. A guard dropped anywhere (by a task
//! that is cancelled while holding it, say) unlocks. No path loses the lock.
//!
//! Invariant: `locked == false` implies nobody waits, because an unlock
//! with waiters hands the lock on instead of freeing it.

use super::wait_queue::{Ticket, WaitQueue};
use crate::task::budget;
use std::cell::{RefCell, RefMut};
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A lock for a value shared by the tasks of one loop, held across
/// `.await`s. asyncio's `Lock` (with the data inside, as Rust prefers).
///
/// ```
/// use std::rc::Rc;
/// use runloop::sync::Mutex;
/// use runloop::time::sleep;
/// use std::time::Duration;
///
/// let total = runloop::run(async {
///     let balance = Rc::new(Mutex::new(0));
///     let deposits: Vec<_> = (0..10)
///         .map(|_| {
///             let balance = balance.clone();
///             runloop::spawn(async move {
///                 let mut guard = balance.lock().await;
///                 let before = *guard;
///                 sleep(Duration::from_millis(1)).await; // other tasks run here
///                 *guard = before + 10;                  // still exact
///             })
///         })
///         .collect();
///     for deposit in deposits {
///         deposit.await.unwrap();
///     }
///     *balance.lock().await
/// });
/// assert_eq!(total, 100);
/// ```
#[doc(alias = "Lock")]
pub struct Mutex<T> {
    state: RefCell<State>,
    value: RefCell<T>,
}

struct State {
    locked: bool,
    waiters: WaitQueue<()>,
}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub const fn new(value: T) -> Mutex<T> {
        Mutex {
            state: RefCell::new(State {
                locked: false,
                waiters: WaitQueue::new(),
            }),
            value: RefCell::new(value),
        }
    }

    /// Waits until the lock is free (and every earlier waiter has had its
    /// turn), then takes it. The guard unlocks when dropped.
    #[doc(alias = "acquire")]
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: self,
            ticket: None,
        }
    }

    /// Takes the lock if it is free and nobody waits for it, without
    /// waiting.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        let mut state = self.state.borrow_mut();
        if state.locked {
            return Err(TryLockError(()));
        }
        state.locked = true;
        Ok(self.guard())
    }

    /// Whether some task holds the lock (or it was handed to a waiter that
    /// has not taken it yet).
    #[doc(alias = "locked")]
    pub fn is_locked(&self) -> bool {
        self.state.borrow().locked
    }

    /// The value, without locking: having `&mut self` proves nobody else
    /// holds a guard.
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// The value, taking the mutex apart.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    fn guard(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            // Never fails: only a holder of the lock borrows the value.
            value: Some(self.value.borrow_mut()),
        }
    }

    /// Frees the lock, or hands it to the first waiter.
    #[inline]
    fn unlock(&self) {
        let mut state = self.state.borrow_mut();
        if state.waiters.is_empty() {
            state.locked = false;
            return;
        }
        match state.waiters.choose_first() {
            Some((next, ())) => {
                drop(state); // `locked` stays true: the lock is `next`'s now
                next.wake();
            }
            None => state.locked = false,
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Mutex")
            .field("locked", &state.locked)
            .field("waiters", &state.waiters.len())
            .finish_non_exhaustive()
    }
}

/// The future returned by [`Mutex::lock`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Lock<'a, T> {
    mutex: &'a Mutex<T>,
    /// Our place in line, once we had to wait.
    ticket: Option<Ticket>,
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<MutexGuard<'a, T>> {
        let mutex = self.mutex;
        let mut state = mutex.state.borrow_mut();
        match &self.ticket {
            None if !state.locked => {
                // The fast path: free, so nobody waits either (see the
                // invariant in the module essay).
                if budget::poll_spend(cx).is_pending() {
                    return Poll::Pending;
                }
                state.locked = true;
                Poll::Ready(mutex.guard())
            }
            None => {
                self.ticket = Some(state.waiters.push_back(cx.waker().clone(), ()));
                Poll::Pending
            }
            // Once `unlock` has handed the lock to us, `locked` is already true.
            Some(_) => state
                .waiters
                .poll_turn(&mut self.ticket, cx.waker())
                .map(|()| mutex.guard()),
        }
    }
}

impl<T> Drop for Lock<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            self.leave_line(ticket);
        }
    }
}

impl<T> Lock<'_, T> {
    /// Dropped in line: leave it, and pass the lock on if it was ours.
    #[cold]
    fn leave_line(&self, ticket: Ticket) {
        let left = self.mutex.state.borrow_mut().waiters.leave(ticket);
        if left.was_chosen {
            // The lock was handed to us and we will not use it: pass it on.
            self.mutex.unlock();
        }
    }
}

/// Proof that this task holds the lock; dereferences to the value. Dropping
/// it unlocks (and hands the lock to the next waiter, if any).
#[must_use = "dropping the guard unlocks at once"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// `Some` until dropped; taken first so the value's borrow ends before
    /// the lock moves on.
    value: Option<RefMut<'a, T>>,
}

impl<'a, T> MutexGuard<'a, T> {
    /// The mutex this guard locks; [`Condvar::wait`](super::Condvar::wait)
    /// uses it to lock again after a notification.
    pub fn mutex(guard: &Self) -> &'a Mutex<T> {
        guard.mutex
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value.as_ref().expect("a live guard holds the value")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value.as_mut().expect("a live guard holds the value")
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.value.take());
        self.mutex.unlock();
    }
}

impl<T: fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// [`Mutex::try_lock`] found the lock taken, or tasks waiting for it.
#[derive(Debug)]
pub struct TryLockError(());

impl fmt::Display for TryLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mutex is locked, or tasks are waiting for it")
    }
}

impl std::error::Error for TryLockError {}
