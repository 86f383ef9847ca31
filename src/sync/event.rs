//! # `Event`: a flag tasks can wait for — asyncio's `Event`
//!
//! An event is a boolean with a waiting room. `wait().await` returns at
//! once if the flag is set, and otherwise waits until someone calls
//! [`set`](Event::set), which wakes *every* waiter: the starting gun for a
//! crowd ("the server is ready", "shut down now"). [`clear`](Event::clear)
//! lowers the flag again for the waits that come after.
//!
//! Built on the [wait queue](super::wait_queue): `set` chooses every waiter
//! at once. A chosen waiter returns even if the flag was cleared again
//! before it got to run, as in asyncio, where `set` resolves each waiter's
//! future on the spot: the set happened, and each waiter saw it.
//!
//! ## Cancellation
//! `wait().await` has one suspension point, and dropping the future there
//! only leaves the line (or forgets a set it was woken for: a set is for
//! everyone, so there is nothing to pass on).

use super::wait_queue::{Ticket, WaitQueue};
use crate::task::budget;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A flag that tasks of one loop can wait for. asyncio's `Event`.
///
/// ```
/// use std::rc::Rc;
/// use runloop::sync::Event;
///
/// let released = runloop::run(async {
///     let start = Rc::new(Event::new());
///     let runners: Vec<_> = (0..5)
///         .map(|n| {
///             let start = start.clone();
///             runloop::spawn(async move {
///                 start.wait().await;
///                 n
///             })
///         })
///         .collect();
///     runloop::yield_now().await; // every runner is now waiting
///     start.set();
///     let mut released = 0;
///     for runner in runners {
///         released += runner.await.map(|_| 1).unwrap();
///     }
///     released
/// });
/// assert_eq!(released, 5);
/// ```
pub struct Event {
    state: RefCell<State>,
}

struct State {
    set: bool,
    waiters: WaitQueue<()>,
}

impl Event {
    /// An event that is not set.
    pub const fn new() -> Event {
        Event {
            state: RefCell::new(State {
                set: false,
                waiters: WaitQueue::new(),
            }),
        }
    }

    /// Sets the flag and wakes every task waiting for it.
    pub fn set(&self) {
        let mut state = self.state.borrow_mut();
        state.set = true;
        let everyone = state.waiters.choose_all(|_| {});
        drop(state);
        everyone.wake_all();
    }

    /// Lowers the flag: later `wait`s wait again.
    pub fn clear(&self) {
        self.state.borrow_mut().set = false;
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        self.state.borrow().set
    }

    /// Waits until the flag is set (returns at once if it is).
    pub fn wait(&self) -> EventWait<'_> {
        EventWait {
            event: self,
            ticket: None,
        }
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Event")
            .field("set", &state.set)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// The future returned by [`Event::wait`].
#[must_use = "futures do nothing unless you .await them"]
pub struct EventWait<'a> {
    event: &'a Event,
    ticket: Option<Ticket>,
}

impl Future for EventWait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let event = self.event;
        let mut state = event.state.borrow_mut();
        match &self.ticket {
            None => {
                if state.set {
                    return budget::poll_spend(cx);
                }
                self.ticket = Some(state.waiters.push_back(cx.waker().clone(), ()));
                Poll::Pending
            }
            Some(_) => state.waiters.poll_turn(&mut self.ticket, cx.waker()),
        }
    }
}

impl Drop for EventWait<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket.take() {
            let _ = self.event.state.borrow_mut().waiters.leave(ticket);
        }
    }
}
