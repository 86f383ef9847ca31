//! # `JoinHandle`: the thing you await, apart from the thing the loop runs
//!
//! `spawn` splits a task in two, as async-task does: the loop keeps the part
//! it polls (a `Runnable`, see `src/task/mod.rs`), and you get a
//! [`JoinHandle`], a future that resolves to the task's output. asyncio folds
//! both into one `Task` object; keeping them apart lets the handle be small,
//! lets dropping it mean "I don't care about the result" (detach) rather than
//! "stop", and lets the same handle type front a job on the blocking pool.
//!
//! Invariants kept here and by every [`JoinTarget`]:
//! - the output is handed out once; polling the handle again after it
//!   returned `Ready` panics, as polling any finished future may;
//! - dropping the handle never cancels the task; [`JoinHandle::abort`] does;
//! - once the handle is dropped, an output that arrives later is dropped
//!   right away, so nothing is left behind: on the loop thread for a task,
//!   on the pool thread for a blocking job (its output is `Send`).

use super::TaskId;
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Why a task did not produce its output.
pub enum JoinError {
    /// The task was stopped by [`JoinHandle::abort`] or by the runtime
    /// shutting down; its future was dropped before it finished.
    Cancelled,
    /// The task panicked. The payload is what `panic!` was given, as
    /// `std::panic::catch_unwind` returns it; `resume_unwind` re-raises it.
    Panicked(Box<dyn Any + Send + 'static>),
}

impl JoinError {
    /// Whether the task was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JoinError::Cancelled)
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, JoinError::Panicked(_))
    }

    /// The panic message, when the task panicked with a string.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            JoinError::Panicked(payload) => panic_message(payload.as_ref()),
            JoinError::Cancelled => None,
        }
    }
}

/// The text of a panic payload, if it has one (`panic!("...")` gives a
/// `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("Cancelled"),
            JoinError::Panicked(_) => f
                .debug_tuple("Panicked")
                .field(&self.panic_message().unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("task was cancelled"),
            JoinError::Panicked(_) => match self.panic_message() {
                Some(message) => write!(f, "task panicked: {message}"),
                None => f.write_str("task panicked"),
            },
        }
    }
}

impl std::error::Error for JoinError {}

/// What a [`JoinHandle`] talks to: a spawned task, or a job on the blocking
/// pool. All methods are called on the loop thread (a handle is not `Send`).
pub(crate) trait JoinTarget<T> {
    /// `Ready` with the output once, after the work is done; until then the
    /// waker is remembered and woken when it is.
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
    /// Asks for cancellation; takes effect at the loop's next turn.
    fn abort(&self);
    fn is_finished(&self) -> bool;
    /// The handle is gone: drop the output now or as soon as it exists.
    fn detach(&self);
    fn id(&self) -> Option<TaskId>;
}

/// An owned permission to await a task's output, and to cancel it.
///
/// Awaiting gives `Ok(output)`, or a [`JoinError`] if the task panicked or
/// was cancelled. Dropping the handle *detaches* the task: it keeps running
/// and its output is dropped when it arrives. This is asyncio's `Task` seen
/// from the outside; `abort` is `task.cancel()`.
///
/// Since dropping only detaches, a spawned task is asyncio's `shield(aw)`
/// already: stop awaiting its handle and the task runs on (see
/// [`future`](crate::future) for the idiom).
///
/// A handle is not `Send`: it belongs to the loop thread, like the task.
#[doc(alias = "shield")]
pub struct JoinHandle<T> {
    target: Arc<dyn JoinTarget<T>>,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(target: Arc<dyn JoinTarget<T>>) -> JoinHandle<T> {
        JoinHandle { target }
    }

    /// Cancels the task: at the loop's next turn its future is dropped
    /// (running its destructors once) and awaiting this handle gives
    /// [`JoinError::Cancelled`]. Does nothing if the task already finished;
    /// then the handle still gives its output.
    ///
    /// For a job on the blocking pool, a job that has not started never
    /// will; a running job cannot be interrupted and runs to the end, but
    /// the handle resolves as cancelled.
    #[doc(alias = "cancel")]
    pub fn abort(&self) {
        self.target.abort();
    }

    /// Whether the task has finished (completed, panicked or been
    /// cancelled), so that awaiting the handle would not wait.
    #[doc(alias = "done")]
    pub fn is_finished(&self) -> bool {
        self.target.is_finished()
    }

    /// The task's id, or `None` for a job on the blocking pool.
    pub fn id(&self) -> Option<TaskId> {
        self.target.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.target.poll_join(cx)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.target.detach();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}
