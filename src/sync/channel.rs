//! # `channel`: a bounded queue between tasks, asyncio's `Queue`
//!
//! Many [`Sender`]s, one [`Receiver`], at most `capacity` values in between.
//! `send` waits while the queue is full, `recv` waits while it is empty:
//! asyncio's `await queue.put(x)` and `await queue.get()`. The bound is the
//! point — it is *backpressure*: a producer faster than its consumer is
//! slowed down instead of filling memory.
//!
//! Like `asyncio.Queue`, it belongs to one loop: the state is an
//! `Rc<RefCell<…>>`, with no lock and no atomic, so passing a message costs a
//! `VecDeque` push, a pop, and a local wake. (To hand results from other
//! threads to the loop, use [`oneshot`](super::oneshot) or
//! [`spawn_blocking`](crate::spawn_blocking).)
//!
//! ## Who wakes whom
//! - `send` stores a value and wakes the receiver, if it waits.
//! - `recv` frees a slot and wakes the *first* waiting sender (FIFO).
//! - A sender that was woken for a free slot but is dropped before it uses
//!   it passes the wake on to the next waiting sender, as asyncio's
//!   `Queue.put` does on cancellation; otherwise the slot would stay free
//!   while others wait forever.
//! - When the last sender goes, the receiver is woken to see the end
//!   (`recv` gives `None` once the queue is drained).
//! - When the receiver goes (or calls [`Receiver::close`]), every waiting
//!   sender is woken and `send` fails, handing the value back; `recv` gives
//!   `None` once the values already queued are drained.
//!
//! Senders that arrive while a slot is free may take it before a woken
//! waiter polls (asyncio behaves the same); a waiter that loses the race
//! waits again with its original ticket, so it keeps its place in line. The
//! line is a `BTreeMap` from ticket to waker: the first in line is the
//! smallest ticket, and leaving the line is O(log n) however long it is. No
//! value is lost or duplicated either way.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::task::budget;

/// Creates a bounded channel holding at most `capacity` values.
///
/// ```
/// use runloop::sync::channel;
/// let received = runloop::run(async {
///     let (tx, mut rx) = channel(2);
///     runloop::spawn(async move {
///         for n in 0..5 {
///             tx.send(n).await.unwrap(); // waits while 2 are queued
///         }
///     }); // tx dropped when the task ends: the channel closes
///     let mut received = Vec::new();
///     while let Some(n) = rx.recv().await {
///         received.push(n);
///     }
///     received
/// });
/// assert_eq!(received, [0, 1, 2, 3, 4]);
/// ```
///
/// # Panics
/// If `capacity` is 0.
#[doc(alias = "Queue")]
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "runloop::sync::channel: the capacity must be at least 1");
    let shared = Rc::new(RefCell::new(Shared {
        queue: VecDeque::with_capacity(capacity.min(1024)),
        capacity,
        senders: 1,
        receiver_alive: true,
        receiver: None,
        waiting_senders: BTreeMap::new(),
        next_ticket: 0,
    }));
    (Sender { shared: shared.clone() }, Receiver { shared })
}

struct Shared<T> {
    queue: VecDeque<T>,
    capacity: usize,
    senders: usize,
    receiver_alive: bool,
    receiver: Option<Waker>,
    /// Senders waiting for a free slot, by ticket: first come first served,
    /// and a dropped send finds (or misses) its own entry in O(log n).
    waiting_senders: BTreeMap<u64, Waker>,
    next_ticket: u64,
}

impl<T> Shared<T> {
    fn wake_next_sender(&mut self) -> Option<Waker> {
        self.waiting_senders.pop_first().map(|(_, waker)| waker)
    }

    /// Nothing more can arrive: every sender is gone, or the receiver
    /// refused further values.
    fn is_closed_for_receiving(&self) -> bool {
        self.senders == 0 || !self.receiver_alive
    }
}

/// The sending half of a [`channel`]; clone it for more producers.
pub struct Sender<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

impl<T> Sender<T> {
    /// Sends `value`, waiting while the channel is full. Fails, handing the
    /// value back, once the receiver is gone or closed.
    #[doc(alias = "put")]
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        let mut send = Send {
            shared: &self.shared,
            value: Some(value),
            ticket: None,
        };
        poll_fn(|cx| Pin::new(&mut send).poll(cx)).await
    }

    /// Sends `value` if there is room now, without waiting.
    #[doc(alias = "put_nowait")]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let mut shared = self.shared.borrow_mut();
        if !shared.receiver_alive {
            return Err(TrySendError::Closed(value));
        }
        if shared.queue.len() >= shared.capacity {
            return Err(TrySendError::Full(value));
        }
        shared.queue.push_back(value);
        let receiver = shared.receiver.take();
        drop(shared);
        if let Some(receiver) = receiver {
            receiver.wake();
        }
        Ok(())
    }

    /// Whether the receiver is gone or closed.
    pub fn is_closed(&self) -> bool {
        !self.shared.borrow().receiver_alive
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Sender<T> {
        self.shared.borrow_mut().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut shared = self.shared.borrow_mut();
        shared.senders -= 1;
        let receiver = if shared.senders == 0 {
            shared.receiver.take()
        } else {
            None
        };
        drop(shared);
        if let Some(receiver) = receiver {
            receiver.wake();
        }
    }
}

/// One pending `send`: the value, and our place in the waiting line.
struct Send<'a, T> {
    shared: &'a RefCell<Shared<T>>,
    value: Option<T>,
    ticket: Option<u64>,
}

// The value is held, never pinned, so moving a `Send` is always fine.
impl<T> Unpin for Send<'_, T> {}

impl<T> Future for Send<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if budget::poll_proceed(cx).is_pending() {
            return Poll::Pending;
        }
        let this = &mut *self;
        let mut shared = this.shared.borrow_mut();
        let value = this.value.take().expect("Send polled after it completed");
        if !shared.receiver_alive {
            return Poll::Ready(Err(SendError(value)));
        }
        if shared.queue.len() < shared.capacity {
            budget::spend();
            shared.queue.push_back(value);
            if let Some(ticket) = this.ticket.take() {
                shared.waiting_senders.remove(&ticket);
            }
            let receiver = shared.receiver.take();
            drop(shared);
            if let Some(receiver) = receiver {
                receiver.wake();
            }
            return Poll::Ready(Ok(()));
        }
        // Full: join the line of waiting senders, or take our place again
        // (same ticket) if we were woken but lost the slot to a newcomer.
        this.value = Some(value);
        let ticket = *this.ticket.get_or_insert_with(|| {
            shared.next_ticket += 1;
            shared.next_ticket
        });
        let replaced = shared.waiting_senders.insert(ticket, cx.waker().clone());
        drop(shared);
        drop(replaced); // outside the borrow: a waker's drop is foreign code
        Poll::Pending
    }
}

impl<T> Drop for Send<'_, T> {
    fn drop(&mut self) {
        let (Some(ticket), Some(_)) = (self.ticket, &self.value) else {
            return; // never waited, or already sent
        };
        let mut shared = self.shared.borrow_mut();
        let was_woken = shared.waiting_senders.remove(&ticket).is_none();
        // We were handed a free slot and will not use it: pass it on.
        let next = if was_woken && shared.queue.len() < shared.capacity {
            shared.wake_next_sender()
        } else {
            None
        };
        drop(shared);
        if let Some(next) = next {
            next.wake();
        }
    }
}

/// The receiving half of a [`channel`].
pub struct Receiver<T> {
    shared: Rc<RefCell<Shared<T>>>,
}

impl<T> Receiver<T> {
    /// Receives the next value, waiting while the channel is empty. `None`
    /// once the channel is empty and nothing more can arrive: every sender
    /// is gone, or the receiver was closed.
    #[doc(alias = "get")]
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll behind [`Receiver::recv`].
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if budget::poll_proceed(cx).is_pending() {
            return Poll::Pending;
        }
        let mut shared = self.shared.borrow_mut();
        if let Some(value) = shared.queue.pop_front() {
            budget::spend();
            let next = shared.wake_next_sender();
            drop(shared);
            if let Some(next) = next {
                next.wake();
            }
            return Poll::Ready(Some(value));
        }
        if shared.is_closed_for_receiving() {
            return Poll::Ready(None);
        }
        match &shared.receiver {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => shared.receiver = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Takes a value if one is queued, without waiting.
    #[doc(alias = "get_nowait")]
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut shared = self.shared.borrow_mut();
        match shared.queue.pop_front() {
            Some(value) => {
                let next = shared.wake_next_sender();
                drop(shared);
                if let Some(next) = next {
                    next.wake();
                }
                Ok(value)
            }
            None if shared.is_closed_for_receiving() => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Stops accepting values: senders fail from now on, and waiting ones
    /// are woken to fail. Values already queued can still be received;
    /// after them, `recv` gives `None`.
    pub fn close(&mut self) {
        let waiting = {
            let mut shared = self.shared.borrow_mut();
            shared.receiver_alive = false;
            std::mem::take(&mut shared.waiting_senders)
        };
        for waker in waiting.into_values() {
            waker.wake();
        }
    }

    /// How many values are queued.
    #[doc(alias = "qsize")]
    pub fn len(&self) -> usize {
        self.shared.borrow().queue.len()
    }

    /// Whether no value is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.close();
        // Queued values are dropped here rather than whenever the last
        // sender goes.
        let queued = std::mem::take(&mut self.shared.borrow_mut().queue);
        drop(queued);
    }
}

/// The receiver is gone; the value comes back.
#[derive(PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why [`Sender::try_send`] did not send; the value comes back.
#[derive(PartialEq, Eq)]
pub enum TrySendError<T> {
    /// The channel is full now.
    Full(T),
    /// The receiver is gone.
    Closed(T),
}

/// Why [`Receiver::try_recv`] returned nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// Nothing queued now.
    Empty,
    /// Nothing queued, and every sender is gone.
    Closed,
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the channel's receiver is gone")
    }
}

impl<T> std::error::Error for SendError<T> {}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("the channel is full"),
            TrySendError::Closed(_) => f.write_str("the channel's receiver is gone"),
        }
    }
}

impl<T> std::error::Error for TrySendError<T> {}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("the channel is empty"),
            TryRecvError::Closed => f.write_str("the channel is empty and every sender is gone"),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").field("queued", &self.len()).finish()
    }
}
