//! # Passing values and taking turns between tasks
//!
//! asyncio's toolbox, built by hand. Two channels carry values:
//!
//! - [`oneshot`] — one value, once, from any thread: asyncio's `Future`
//!   (`set_result` / `await`). The blocking pool returns results through it.
//! - [`channel()`] — a bounded queue from many senders to one receiver, on
//!   one loop: asyncio's `Queue` (`put` / `get`), with backpressure.
//!
//! The rest make tasks wait for each other, and each is a lesson in one
//! idea, the *wait queue*: a line of parked tasks, served in order.
//!
//! | asyncio | runloop | waits for |
//! |---|---|---|
//! | `Lock` | [`Mutex`] | the lock, held across `.await`s |
//! | `Semaphore`, `BoundedSemaphore` | [`Semaphore`] | one of N permits |
//! | `Event` | [`Event`] | a flag to be set; wakes everyone |
//! | — (tokio's `Notify`) | [`Notify`] | a wake-up call; one stored permit |
//! | `Condition` | [`Condvar`] | a notification, with a `Mutex` |
//! | `Barrier` | [`Barrier`] | N tasks to arrive |
//!
//! Like asyncio's, they belong to one loop: their state sits in a
//! `RefCell`, with no atomic and no lock on any path, and share them
//! between tasks with an `Rc`. (To reach a loop from another thread, use
//! [`oneshot`], or [`Runtime::handle`](crate::Runtime).)
//!
//! Files, in reading order: `oneshot.rs`, `channel.rs`, then
//! `wait_queue.rs` (the line every primitive below parks in, and why a
//! cancelled waiter never loses a turn), `mutex.rs`, `semaphore.rs`,
//! `event.rs`, `notify.rs`, `condvar.rs`, `barrier.rs`.

mod barrier;
mod channel;
mod condvar;
mod event;
mod mutex;
mod notify;
pub mod oneshot;
mod semaphore;
mod wait_queue;

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use channel::{Receiver, SendError, Sender, TryRecvError, TrySendError, channel};
pub use condvar::Condvar;
pub use event::{Event, EventWait};
pub use mutex::{Lock, Mutex, MutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use semaphore::{Acquire, AcquireError, Permit, Semaphore, TryAcquireError};
