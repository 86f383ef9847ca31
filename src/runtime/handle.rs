//! # `Handle`: a door into the loop from any thread
//!
//! A [`Runtime`](super::Runtime) is not `Send`: it, its tasks and its
//! scheduler belong to the thread that made it. Yet other threads need to
//! give it work: a GUI thread, a blocking library's callback, a worker that
//! wants an answer from a socket the loop owns. asyncio offers
//! `loop.call_soon_threadsafe(callback)` and, on top of it,
//! `asyncio.run_coroutine_threadsafe(coro, loop)`. Ours is a [`Handle`],
//! made by [`Runtime::handle`](super::Runtime::handle) or
//! [`Handle::current`], which any thread may keep, clone and call:
//!
//! ```text
//!  thread B                                       loop thread A
//!  ────────                                       ─────────────
//!  handle.spawn(fut)
//!    a request (a Send closure) + a handle        … asleep in epoll_wait …
//!    inbox.spawns.push(request); ring doorbell ─► the doorbell rang:
//!  ◄─ Ok(RemoteJoinHandle)                        empty the inbox; call each
//!  remote.await                                     request: it spawns fut as
//!    oneshot empty: keep B's waker                  an ordinary task
//!                                                 poll it … Ready(output)
//!                                                 drop fut; send the outcome
//!    woken, through B's own door  ◄────────────── (wakes B's waker)
//!  Ready(Ok(output))
//! ```
//!
//! The way in is the inbox the wakers already use (`src/task/mailbox.rs`);
//! the way back is a oneshot channel (`remote_join.rs`).
//!
//! Why a closure and not the future itself? Because the future may then be
//! *built* on the loop thread. [`Handle::spawn`] takes a `Send` future, and
//! a `Send` future cannot hold runloop's own timers or sockets across an
//! `.await`: they belong to one loop and are not `Send`. So
//! [`Handle::spawn_with`] takes a `Send` closure instead, calls it on the
//! loop thread, and spawns the future it returns, which need not be `Send`
//! (tokio-util's `spawn_pinned` makes the same trade). `spawn(fut)` is
//! `spawn_with(move || fut)`.
//!
//! Invariants:
//! - **A handle never keeps its runtime alive.** It holds a `Weak` to the
//!   inbox, so dropping the `Runtime` frees everything (the epoll instance,
//!   the eventfd, the tasks) however many handles remain. Only a `spawn`
//!   in progress holds the inbox, for the moment it takes to post.
//! - **Spawning onto a runtime that is gone, or going, is an error, not a
//!   hang.** `spawn` fails with [`SpawnError`] once the runtime is dropped
//!   or has started to shut down (its inbox is closed); a request that got
//!   in before that is dropped by the shutdown, and its handle resolves to
//!   [`JoinError::Cancelled`](crate::JoinError::Cancelled).
//! - **The task itself is ordinary.** Once on the loop it is scheduled,
//!   counted and observed like any other. Built on the loop thread by
//!   `spawn_with`, its future may hold what belongs to the loop, such as
//!   sockets and timers.

use super::context;
use super::remote_join::{self, RemoteJoinHandle};
use crate::task::mailbox::Inbox;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Weak};

/// A way to give work to a runtime from any thread: `Send + Sync + Clone`,
/// and it does not keep the runtime alive. Get one with
/// [`Runtime::handle`](super::Runtime::handle) or, inside a task,
/// [`Handle::current`].
///
/// ```
/// use std::sync::mpsc;
/// use std::thread;
///
/// let (handle_tx, handle_rx) = mpsc::channel();
/// let (stop_tx, stop_rx) = runloop::sync::oneshot::channel::<()>();
/// let loop_thread = thread::spawn(move || {
///     let rt = runloop::Runtime::new().unwrap();
///     handle_tx.send(rt.handle()).unwrap();
///     rt.block_on(stop_rx).unwrap(); // run the loop until told to stop
/// });
///
/// let handle = handle_rx.recv().unwrap();
/// let task = handle.spawn(async { 6 * 7 }).unwrap();
/// // Await the answer on this thread, with a runtime of its own.
/// assert_eq!(runloop::run(task).unwrap(), 42);
///
/// stop_tx.send(()).unwrap();
/// loop_thread.join().unwrap();
/// ```
#[derive(Clone)]
pub struct Handle {
    inbox: Weak<Inbox>,
}

impl Handle {
    pub(crate) fn new(inbox: &Arc<Inbox>) -> Handle {
        Handle {
            inbox: Arc::downgrade(inbox),
        }
    }

    /// The handle of the runtime running on this thread.
    ///
    /// ```
    /// runloop::run(async {
    ///     let handle = runloop::runtime::Handle::current();
    ///     let from_a_thread = std::thread::spawn(move || handle.spawn(async { "hi" }).unwrap());
    ///     let task = runloop::spawn_blocking(move || from_a_thread.join().unwrap()).await.unwrap();
    ///     assert_eq!(task.await.unwrap(), "hi");
    /// });
    /// ```
    ///
    /// # Panics
    /// When called outside a runtime; use [`Handle::try_current`] to find
    /// out instead, or [`Runtime::handle`](super::Runtime::handle).
    #[doc(alias = "get_running_loop")]
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(|| {
            panic!(
                "Handle::current() called outside a runtime: call it from a task or from the \
                 future given to runloop::run() or Runtime::block_on(), or use Runtime::handle()."
            )
        })
    }

    /// The handle of the runtime running on this thread, or `None` outside
    /// a runtime.
    pub fn try_current() -> Option<Handle> {
        context::with_current(|event_loop| Handle::new(&event_loop.inbox))
    }

    /// Spawns `future` on the handle's runtime, from any thread, and
    /// returns a [`RemoteJoinHandle`] that resolves to its output and may
    /// be awaited on any thread. asyncio's
    /// `run_coroutine_threadsafe(coro, loop)`.
    ///
    /// The future is queued in the runtime's inbox and the loop is woken;
    /// it is spawned as an ordinary task when the loop next empties its
    /// inbox (at once if it is running, else at the next `block_on`). It
    /// must be `Send` because it crosses to the loop's thread, and so must
    /// its output, which crosses back. A future that needs runloop's timers
    /// or sockets is not `Send`: build it on the loop thread with
    /// [`spawn_with`](Self::spawn_with).
    ///
    /// # Errors
    /// [`SpawnError`] if the runtime has been dropped or is being dropped.
    /// The future is then dropped here, on this thread, before `spawn`
    /// returns.
    ///
    /// ```
    /// let rt = runloop::Runtime::new().unwrap();
    /// let handle = rt.handle();
    /// drop(rt);
    /// let error = handle.spawn(async {}).unwrap_err();
    /// assert_eq!(error.to_string(), "cannot spawn: the runtime has been dropped or is shutting down");
    /// ```
    #[doc(alias = "run_coroutine_threadsafe")]
    #[doc(alias = "call_soon_threadsafe")]
    pub fn spawn<F>(&self, future: F) -> Result<RemoteJoinHandle<F::Output>, SpawnError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with(move || future)
    }

    /// Calls `make` on the loop's thread and spawns the future it returns
    /// there; like [`spawn`](Self::spawn) otherwise. Only `make` and the
    /// output cross threads, so the future may use what belongs to the
    /// loop, such as [`sleep`](crate::time::sleep) or a
    /// [`TcpStream`](crate::net::TcpStream).
    ///
    /// A panic in `make` resolves the handle to
    /// [`JoinError::Panicked`](crate::JoinError::Panicked), like a panic in
    /// the future.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runloop::Runtime::new().unwrap();
    /// let handle = rt.handle();
    /// let task = std::thread::spawn(move || {
    ///     handle
    ///         .spawn_with(|| async {
    ///             runloop::time::sleep(Duration::from_millis(1)).await; // not Send
    ///             "slept on the loop"
    ///         })
    ///         .unwrap()
    /// })
    /// .join()
    /// .unwrap();
    /// assert_eq!(rt.block_on(task).unwrap(), "slept on the loop");
    /// ```
    ///
    /// # Errors
    /// [`SpawnError`] if the runtime has been dropped or is being dropped;
    /// `make` is then dropped here, uncalled.
    #[doc(alias = "call_soon_threadsafe")]
    #[doc(alias = "spawn_pinned")]
    pub fn spawn_with<M, F>(&self, make: M) -> Result<RemoteJoinHandle<F::Output>, SpawnError>
    where
        M: FnOnce() -> F + Send + 'static,
        F: Future + 'static,
        F::Output: Send + 'static,
    {
        let Some(inbox) = self.inbox.upgrade() else {
            return Err(SpawnError { _private: () });
        };
        let (request, handle) = remote_join::request(make);
        match inbox.post_spawn(request) {
            Ok(()) => Ok(handle),
            Err(refused) => {
                // Outside the inbox's lock: this drops the user's closure
                // (and the future it holds, for `spawn`).
                drop(refused);
                Err(SpawnError { _private: () })
            }
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

/// [`Handle::spawn`] found its runtime dropped or shutting down, as asyncio
/// raises `RuntimeError` for `run_coroutine_threadsafe` on a closed loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpawnError {
    _private: (),
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot spawn: the runtime has been dropped or is shutting down")
    }
}

impl std::error::Error for SpawnError {}
