//! # `TaskGroupError`: every failure of a group — asyncio's `ExceptionGroup`
//!
//! When tasks of a [`TaskGroup`](super::TaskGroup) fail, `join` reports all
//! of them, not just the first, as asyncio 3.11 raises an `ExceptionGroup`
//! holding every exception (which `except*` then picks apart). Here a
//! failure is a task returning `Err(E)` or panicking; each is listed with
//! the task's index (its place in spawn order, counting from 0) in the
//! order the failures happened.
//!
//! Siblings that were cancelled *because* of a failure are not failures:
//! they did nothing wrong. They are only counted ([`cancelled`]), as
//! asyncio leaves their `CancelledError`s out of the group.
//!
//! Nothing here runs or waits: these are plain values, built by the group
//! once every task has ended.
//!
//! [`cancelled`]: TaskGroupError::cancelled

use crate::task::panic_message;
use std::any::Any;
use std::fmt;

/// How one task of a [`TaskGroup`](super::TaskGroup) failed.
pub enum TaskFailure<E> {
    /// The task returned `Err(error)`.
    Error {
        /// The task's place in spawn order, from 0.
        index: usize,
        /// What it returned.
        error: E,
    },
    /// The task panicked.
    Panicked {
        /// The task's place in spawn order, from 0.
        index: usize,
        /// What `panic!` was given, as `std::panic::catch_unwind` returns
        /// it; `std::panic::resume_unwind` re-raises it.
        payload: Box<dyn Any + Send + 'static>,
    },
}

impl<E> TaskFailure<E> {
    /// The failed task's place in spawn order, from 0.
    pub fn index(&self) -> usize {
        match self {
            TaskFailure::Error { index, .. } | TaskFailure::Panicked { index, .. } => *index,
        }
    }

    /// The error the task returned, if it returned one (rather than
    /// panicking).
    pub fn error(&self) -> Option<&E> {
        match self {
            TaskFailure::Error { error, .. } => Some(error),
            TaskFailure::Panicked { .. } => None,
        }
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, TaskFailure::Panicked { .. })
    }

    /// The panic message, when the task panicked with a string.
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            TaskFailure::Panicked { payload, .. } => panic_message(payload.as_ref()),
            TaskFailure::Error { .. } => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskFailure::Error { index, error } => f
                .debug_struct("Error")
                .field("index", index)
                .field("error", error)
                .finish(),
            TaskFailure::Panicked { index, .. } => f
                .debug_struct("Panicked")
                .field("index", index)
                .field("message", &self.panic_message().unwrap_or("<non-string payload>"))
                .finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for TaskFailure<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskFailure::Error { index, error } => write!(f, "task {index} failed: {error}"),
            TaskFailure::Panicked { index, .. } => match self.panic_message() {
                Some(message) => write!(f, "task {index} panicked: {message}"),
                None => write!(f, "task {index} panicked"),
            },
        }
    }
}

/// Every failure of a [`TaskGroup`](super::TaskGroup), returned by its
/// `join`: asyncio's `ExceptionGroup`.
///
/// ```
/// use runloop::task::{TaskFailure, TaskGroup};
/// let error = runloop::run(async {
///     let group = TaskGroup::new();
///     group.spawn(async { Err::<(), _>("no such user") });
///     group.spawn(std::future::pending()); // cancelled by the failure
///     group.join().await.unwrap_err()
/// });
/// assert_eq!(error.failures().len(), 1);
/// assert!(matches!(error.failures()[0], TaskFailure::Error { index: 0, error: "no such user" }));
/// assert_eq!(error.cancelled(), 1);
/// assert_eq!(error.to_string(), "1 task of the group failed: task 0 failed: no such user; 1 cancelled");
/// ```
#[doc(alias = "ExceptionGroup")]
pub struct TaskGroupError<E> {
    failures: Vec<TaskFailure<E>>,
    cancelled: usize,
}

impl<E> TaskGroupError<E> {
    pub(crate) fn new(failures: Vec<TaskFailure<E>>, cancelled: usize) -> TaskGroupError<E> {
        TaskGroupError { failures, cancelled }
    }

    /// Every failure, in the order they happened. Empty only if no task
    /// failed but some were cancelled from outside the group, which takes
    /// dropping the runtime they ran on while the group itself lives on.
    #[doc(alias = "exceptions")]
    pub fn failures(&self) -> &[TaskFailure<E>] {
        &self.failures
    }

    /// The failures, owned.
    pub fn into_failures(self) -> Vec<TaskFailure<E>> {
        self.failures
    }

    /// The errors the failed tasks returned, skipping panics: asyncio's
    /// `except* SomeError`, for the one error type a group has.
    pub fn errors(&self) -> impl Iterator<Item = &E> {
        self.failures.iter().filter_map(TaskFailure::error)
    }

    /// How many tasks were cancelled because the group was cancelling:
    /// aborted while they ran, or spawned into the group after the first
    /// failure and dropped unrun. They are not failures.
    pub fn cancelled(&self) -> usize {
        self.cancelled
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroupError")
            .field("failures", &self.failures)
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl<E: fmt::Display> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.failures.len();
        match self.failures.first() {
            Some(first) => {
                let tasks = if count == 1 { "task" } else { "tasks" };
                write!(f, "{count} {tasks} of the group failed: {first}")?;
                if count > 1 {
                    write!(f, " (and {} more)", count - 1)?;
                }
            }
            None => f.write_str("the group's tasks were cancelled")?,
        }
        if self.cancelled > 0 {
            write!(f, "; {} cancelled", self.cancelled)?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TaskGroupError<E> {}
