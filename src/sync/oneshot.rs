//! # `oneshot`: one value, from anywhere, to one waiting task
//!
//! A oneshot channel carries exactly one value. It is asyncio's `Future`
//! object seen as a pair: the [`Sender`] is `fut.set_result`, the
//! [`Receiver`] is `await fut`. It is the one channel in runloop that may
//! cross threads, because it is how the blocking pool hands a result back
//! to the loop: the pool thread calls [`Sender::send`], which wakes the
//! receiving task through the cross-thread door of its waker (the inbox and
//! the doorbell, `src/task/mailbox.rs`).
//!
//! The state sits behind a `Mutex`, locked for a few instructions at a
//! time. Wakers are always woken *after* the lock is released, so a waker
//! that does real work cannot deadlock against this channel.
//!
//! Invariants: the value is delivered at most once; if the sender is
//! dropped without sending, the receiver gets [`RecvError`] instead of
//! waiting forever; if the receiver is gone, `send` hands the value back.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// Creates a oneshot channel: a [`Sender`] for one value and the
/// [`Receiver`] that awaits it. Both halves are `Send` when `T` is.
///
/// ```
/// use runloop::sync::oneshot;
/// let answer = runloop::run(async {
///     let (tx, rx) = oneshot::channel();
///     std::thread::spawn(move || tx.send(42).unwrap());
///     rx.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[doc(alias = "Future")]
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            value: None,
            waiter: None,
            sender_gone: false,
            receiver_gone: false,
        }),
    });
    (Sender { shared: shared.clone() }, Receiver { shared, done: false })
}

struct Shared<T> {
    state: Mutex<State<T>>,
}

struct State<T> {
    value: Option<T>,
    waiter: Option<Waker>,
    sender_gone: bool,
    receiver_gone: bool,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Nothing panics while holding this lock, but if user code ever
        // poisoned it the state would still be consistent: recover.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The sending half of a [`channel`]. Consumed by [`Sender::send`].
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Sender<T> {
    /// Delivers `value` and wakes the receiver. Fails, handing the value
    /// back, if the receiver was dropped or closed.
    #[doc(alias = "set_result")]
    pub fn send(self, value: T) -> Result<(), T> {
        let waiter = {
            let mut state = self.shared.lock();
            if state.receiver_gone {
                return Err(value);
            }
            state.value = Some(value);
            state.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
        Ok(())
        // `self` drops here: `sender_gone` is set after the value is in.
    }

    /// Whether the receiver is gone, so that sending would fail.
    pub fn is_closed(&self) -> bool {
        self.shared.lock().receiver_gone
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waiter = {
            let mut state = self.shared.lock();
            state.sender_gone = true;
            state.waiter.take()
        };
        if let Some(waiter) = waiter {
            waiter.wake();
        }
    }
}

/// The receiving half of a [`channel`]: a future that resolves to the
/// value, or to [`RecvError`] if the sender was dropped without sending.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// The future has returned `Ready`; polling again is a bug.
    done: bool,
}

impl<T> Receiver<T> {
    /// Takes the value if it has arrived, without waiting.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.shared.lock();
        match state.value.take() {
            Some(value) => Ok(value),
            None if state.sender_gone => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Refuses the value: a later [`Sender::send`] fails and hands it back.
    /// A value that already arrived can still be taken with `try_recv`.
    pub fn close(&mut self) {
        self.shared.lock().receiver_gone = true;
    }

    /// Whether awaiting would not wait: the value is here, or never will be.
    pub fn is_terminated(&self) -> bool {
        let state = self.shared.lock();
        state.value.is_some() || state.sender_gone
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        assert!(!self.done, "oneshot::Receiver polled after it returned");
        let mut state = self.shared.lock();
        let outcome = match state.value.take() {
            Some(value) => Ok(value),
            None if state.sender_gone => Err(RecvError),
            None => {
                // Stored under the same lock the sender takes, so a send cannot
                // slip in between this check and this store.
                let replaced = match &state.waiter {
                    Some(waiter) if waiter.will_wake(cx.waker()) => None,
                    _ => state.waiter.replace(cx.waker().clone()),
                };
                drop(state);
                drop(replaced); // a waker's drop is foreign code: not under the lock
                return Poll::Pending;
            }
        };
        drop(state);
        self.done = true;
        Poll::Ready(outcome)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (value, waiter) = {
            let mut state = self.shared.lock();
            state.receiver_gone = true;
            (state.value.take(), state.waiter.take())
        };
        // Outside the lock: their destructors may do anything.
        drop(value);
        drop(waiter);
    }
}

/// The sender was dropped without sending a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvError;

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the oneshot sender was dropped without sending a value")
    }
}

impl std::error::Error for RecvError {}

/// Why [`Receiver::try_recv`] returned no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryRecvError {
    /// No value yet; one may still come.
    Empty,
    /// No value, and none will come: the sender is gone.
    Closed,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("no value has been sent yet"),
            TryRecvError::Closed => RecvError.fmt(f),
        }
    }
}

impl std::error::Error for TryRecvError {}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("oneshot::Receiver").finish_non_exhaustive()
    }
}
