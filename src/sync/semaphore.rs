//! # `Semaphore`: at most N at a time — asyncio's `Semaphore`
//!
//! A semaphore is a counter of *permits*. `acquire` takes one (waiting while
//! there are none), and dropping the [`Permit`] gives it back. Its classic
//! use is the notes' crawler with manners: "fetch 200 URLs, but never more
//! than 10 at once" — each fetch holds a permit while it runs:
//!
//! ```text
//! async def fetch(url):            let _permit = semaphore.acquire().await?;
//!     async with semaphore:        fetch(url).await
//!         return await get(url)
//! ```
//!
//! ## First come, first served — even for large requests
//! [`acquire_many`](Semaphore::acquire_many) takes several permits at once.
//! If permits went to whoever fits, a task asking for 5 could wait forever
//! while tasks asking for 1 keep slipping past it. So the line is strict:
//! permits go to the waiter at the head of the [wait queue](super::wait_queue)
//! as soon as enough are free for *it*, and nobody behind it is served
//! first, however little they ask. A newcomer (or `try_acquire`) is served
//! at once only when nobody waits. Freed permits are *assigned* to the
//! chosen waiters on the spot (hand-off), so a newcomer cannot take them in
//! the instant between the wake and the waiter's poll.
//!
//! ## Cancellation
//! `acquire().await` has one suspension point. Dropped while waiting, the
//! future leaves the line; if it was at the head, the next waiter may now
//! fit, so the permits are offered again. Dropped after permits were
//! assigned to it, it gives them back, which serves the next in line. A
//! `Permit` dropped anywhere gives its permits back. No path loses one.
//!
//! ## Closing
//! [`close`](Semaphore::close) makes every waiting and future `acquire`
//! fail with [`AcquireError`], for a shutdown that must not start new work.
//! Permits already held stay valid and are given back as usual.
//!
//! asyncio's `BoundedSemaphore` refuses to be released more often than it
//! was acquired. Here a permit can only be given back by dropping it, so
//! that mistake cannot happen; only [`add_permits`](Semaphore::add_permits)
//! raises the count, and it says so in its name.

use super::wait_queue::{Ticket, WaitQueue, WakeList};
use crate::task::budget;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A counter of permits shared by the tasks of one loop. asyncio's
/// `Semaphore` (and `BoundedSemaphore`).
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// use std::time::Duration;
/// use runloop::sync::Semaphore;
///
/// let most_at_once = runloop::run(async {
///     let limit = Rc::new(Semaphore::new(3));
///     let (running, most) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
///     let tasks: Vec<_> = (0..12)
///         .map(|_| {
///             let (limit, running, most) = (limit.clone(), running.clone(), most.clone());
///             runloop::spawn(async move {
///                 let _permit = limit.acquire().await.unwrap();
///                 running.set(running.get() + 1);
///                 most.set(most.get().max(running.get()));
///                 runloop::time::sleep(Duration::from_millis(2)).await;
///                 running.set(running.get() - 1);
///             })
///         })
///         .collect();
///     for task in tasks {
///         task.await.unwrap();
///     }
///     most.get()
/// });
/// assert_eq!(most_at_once, 3);
/// ```
#[doc(alias = "BoundedSemaphore")]
pub struct Semaphore {
    state: RefCell<State>,
}

struct State {
    available: usize,
    closed: bool,
    /// Each waiter with the number of permits it asks for.
    waiters: WaitQueue<usize>,
}

impl State {
    /// Adds `permits`, then assigns them to waiters from the head of the
    /// line for as long as the head fits. Returns whom to wake.
    #[inline]
    fn release(&mut self, permits: usize) -> WakeList {
        self.available = self.available.saturating_add(permits);
        self.serve_waiters()
    }

    #[inline]
    fn serve_waiters(&mut self) -> WakeList {
        let mut served = WakeList::default();
        while let Some(&wanted) = self.waiters.first() {
            if wanted > self.available {
                break; // the head waits for more; nobody may pass it
            }
            self.available -= wanted;
            let (waker, _) = self.waiters.choose_first().expect("the line has a head");
            served.push(waker);
        }
        served
    }
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    pub const fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: RefCell::new(State {
                available: permits,
                closed: false,
                waiters: WaitQueue::new(),
            }),
        }
    }

    /// Waits for one permit. Fails only if the semaphore is closed.
    pub fn acquire(&self) -> Acquire<'_> {
        self.acquire_many(1)
    }

    /// Waits for `permits` permits at once, in line with everyone else.
    /// A request larger than the permits that exist waits until
    /// [`add_permits`](Semaphore::add_permits) makes it fit, and everyone
    /// behind it waits too: that is the price of the strict line.
    pub fn acquire_many(&self, permits: usize) -> Acquire<'_> {
        Acquire {
            semaphore: self,
            permits,
            ticket: None,
        }
    }

    /// Takes one permit if one is free and nobody waits, without waiting.
    pub fn try_acquire(&self) -> Result<Permit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `permits` permits if they are free and nobody waits.
    pub fn try_acquire_many(&self, permits: usize) -> Result<Permit<'_>, TryAcquireError> {
        let mut state = self.state.borrow_mut();
        if state.closed {
            return Err(TryAcquireError::Closed);
        }
        if !state.waiters.is_empty() || state.available < permits {
            return Err(TryAcquireError::NoPermits);
        }
        state.available -= permits;
        Ok(Permit {
            semaphore: self,
            permits,
        })
    }

    /// Permits free right now (not counting those assigned to waiters that
    /// have not woken up yet).
    pub fn available_permits(&self) -> usize {
        self.state.borrow().available
    }

    /// Adds `permits` new permits (the count saturates at `usize::MAX`),
    /// serving waiters that now fit.
    #[doc(alias = "release")]
    pub fn add_permits(&self, permits: usize) {
        let served = self.state.borrow_mut().release(permits);
        served.wake_all();
    }

    /// Closes the semaphore: every waiting and future `acquire` fails with
    /// [`AcquireError`]. Permits already held are unaffected.
    pub fn close(&self) {
        let mut state = self.state.borrow_mut();
        state.closed = true;
        let waiting = state.waiters.wakers_of_waiting();
        drop(state);
        waiting.wake_all();
    }

    /// Whether [`close`](Semaphore::close) was called.
    pub fn is_closed(&self) -> bool {
        self.state.borrow().closed
    }

    /// A permit's way home: just a count when nobody waits.
    #[inline]
    fn give_back(&self, permits: usize) {
        let mut state = self.state.borrow_mut();
        if state.waiters.is_empty() {
            state.available = state.available.saturating_add(permits);
            return;
        }
        let served = state.release(permits);
        drop(state);
        served.wake_all();
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Semaphore")
            .field("available", &state.available)
            .field("waiters", &state.waiters.len())
            .field("closed", &state.closed)
            .finish()
    }
}

/// The future returned by [`Semaphore::acquire`] and
/// [`acquire_many`](Semaphore::acquire_many).
#[must_use = "futures do nothing unless you .await them"]
pub struct Acquire<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
    ticket: Option<Ticket>,
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<Permit<'a>, AcquireError>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.take_permits(cx).map(|taken| {
            taken.map(|()| Permit {
                semaphore: this.semaphore,
                permits: this.permits,
            })
        })
    }
}

impl Acquire<'_> {
    /// `Ready(Ok)` once our permits are ours to hold.
    #[inline]
    fn take_permits(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), AcquireError>> {
        let semaphore = self.semaphore;
        let mut state = semaphore.state.borrow_mut();
        match &self.ticket {
            None => {
                if state.closed {
                    return Poll::Ready(Err(AcquireError(())));
                }
                // Served at once only if nobody is in line before us.
                if state.waiters.is_empty() && state.available >= self.permits {
                    if budget::poll_spend(cx).is_pending() {
                        return Poll::Pending;
                    }
                    state.available -= self.permits;
                    return Poll::Ready(Ok(()));
                }
                self.ticket = Some(state.waiters.push_back(cx.waker().clone(), self.permits));
                Poll::Pending
            }
            // Chosen: the permits were assigned to us then.
            Some(ticket) if state.waiters.is_chosen(ticket) || !state.closed => {
                state.waiters.poll_turn(&mut self.ticket, cx.waker()).map(|_| Ok(()))
            }
            Some(_) => {
                drop(state);
                self.leave_line();
                Poll::Ready(Err(AcquireError(())))
            }
        }
    }

    /// Leaves the line, giving back permits that were assigned to us, and
    /// offering them again if our leaving lets the next waiter fit.
    #[cold]
    fn leave_line(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let mut state = self.semaphore.state.borrow_mut();
        let left = state.waiters.leave(ticket);
        let served = if left.was_chosen {
            state.release(left.data)
        } else {
            // We may have been the head that blocked smaller requests.
            state.serve_waiters()
        };
        drop(state);
        served.wake_all();
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.ticket.is_some() {
            self.leave_line();
        }
    }
}

/// Permits held by a task; dropping it gives them back.
#[must_use = "dropping the permit gives it back at once"]
pub struct Permit<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
}

impl Permit<'_> {
    /// How many permits this holds.
    pub fn permits(&self) -> usize {
        self.permits
    }

    /// Keeps the permits taken for good: they are not given back when this
    /// is dropped (the semaphore shrinks by that many).
    pub fn forget(mut self) {
        self.permits = 0;
    }
}

impl Drop for Permit<'_> {
    #[inline]
    fn drop(&mut self) {
        self.semaphore.give_back(self.permits);
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").field("permits", &self.permits).finish()
    }
}

/// The semaphore was closed, so `acquire` gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcquireError(());

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the semaphore is closed")
    }
}

impl std::error::Error for AcquireError {}

/// Why [`Semaphore::try_acquire`] did not give a permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// Not enough free permits, or other tasks are waiting first.
    NoPermits,
    /// The semaphore is closed.
    Closed,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::NoPermits => f.write_str("no permits free, or tasks are waiting for them"),
            TryAcquireError::Closed => f.write_str("the semaphore is closed"),
        }
    }
}

impl std::error::Error for TryAcquireError {}
