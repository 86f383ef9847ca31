//! # `Notify`: a wake-up call with no data — tokio's `Notify`
//!
//! Sometimes a task needs only to be told "something changed, look again":
//! a queue got an item, a configuration was reloaded. [`Notify`] is that
//! signal, with two ways to send it:
//!
//! - [`notify_one`](Notify::notify_one) wakes the first task in line. If
//!   nobody waits, it leaves a *permit* behind (at most one; more calls do
//!   not add up), and the next `notified().await` returns at once. So a
//!   notification sent a moment before the receiver starts waiting is not
//!   lost — the classic lost-wakeup bug, ruled out by construction.
//! - [`notify_waiters`](Notify::notify_waiters) wakes everyone waiting now
//!   and leaves no permit: a broadcast to those present.
//!
//! asyncio has no class of this name: its `Condition` without the lock, or
//! an `Event` that is cleared right after each `set`, come closest.
//!
//! ## Cancellation
//! `notified().await` has one suspension point. A `Notified` dropped while
//! waiting leaves the line. Dropped after `notify_one` chose it, it passes
//! that notification on — to the next waiter, or as the stored permit — so a
//! cancelled receiver never swallows a notification meant for someone.
//! (One chosen by `notify_waiters` has nothing to pass on: everyone present
//! got the same call.)
//!
//! A `Notified` joins the line when first polled, not when created.

use super::wait_queue::{Ticket, WaitQueue};
use crate::task::budget;
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Wakes tasks of one loop without passing data. tokio's `Notify`.
///
/// ```
/// use std::rc::Rc;
/// use runloop::sync::Notify;
///
/// runloop::run(async {
///     let ready = Rc::new(Notify::new());
///     ready.notify_one(); // nobody waits yet: a permit is stored
///     ready.notified().await; // ...and taken here, without waiting
///     let waiter = runloop::spawn({
///         let ready = ready.clone();
///         async move { ready.notified().await }
///     });
///     runloop::yield_now().await;
///     ready.notify_one();
///     waiter.await.unwrap();
/// });
/// ```
pub struct Notify {
    state: RefCell<State>,
}

struct State {
    /// A `notify_one` that found nobody waiting.
    permit: bool,
    waiters: WaitQueue<Call>,
}

/// How a waiter was chosen, so a dropped one knows whether to pass it on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    NotYet,
    One,
    Everyone,
}

impl State {
    /// Chooses the first waiter, or stores the permit. Returns whom to wake.
    fn notify_one(&mut self) -> Option<std::task::Waker> {
        match self.waiters.choose_first() {
            Some((waker, call)) => {
                *call = Call::One;
                Some(waker)
            }
            None => {
                self.permit = true;
                None
            }
        }
    }
}

impl Notify {
    /// A `Notify` with no stored permit.
    pub const fn new() -> Notify {
        Notify {
            state: RefCell::new(State {
                permit: false,
                waiters: WaitQueue::new(),
            }),
        }
    }

    /// Wakes the first waiting task, or stores a permit for the next
    /// `notified()` if none waits.
    pub fn notify_one(&self) {
        let chosen = self.state.borrow_mut().notify_one();
        if let Some(waker) = chosen {
            waker.wake();
        }
    }

    /// Wakes every task waiting now; stores no permit.
    #[doc(alias = "notify_all")]
    pub fn notify_waiters(&self) {
        let everyone = self
            .state
            .borrow_mut()
            .waiters
            .choose_all(|call| *call = Call::Everyone);
        everyone.wake_all();
    }

    /// Waits for a notification (returns at once if a permit is stored, and
    /// takes it).
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            ticket: None,
        }
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Notify")
            .field("permit", &state.permit)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// The future returned by [`Notify::notified`].
#[must_use = "futures do nothing unless you .await them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    ticket: Option<Ticket>,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let notify = self.notify;
        let mut state = notify.state.borrow_mut();
        match &self.ticket {
            None => {
                if state.permit {
                    if budget::poll_spend(cx).is_pending() {
                        return Poll::Pending;
                    }
                    state.permit = false;
                    return Poll::Ready(());
                }
                self.ticket = Some(state.waiters.push_back(cx.waker().clone(), Call::NotYet));
                Poll::Pending
            }
            Some(_) => state.waiters.poll_turn(&mut self.ticket, cx.waker()).map(|_| ()),
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let mut state = self.notify.state.borrow_mut();
        let left = state.waiters.leave(ticket);
        if left.was_chosen && left.data == Call::One {
            // A notification meant for one task, which we will not use.
            let next = state.notify_one();
            drop(state);
            if let Some(waker) = next {
                waker.wake();
            }
        }
    }
}
