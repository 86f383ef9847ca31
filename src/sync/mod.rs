//! # Passing values between tasks
//!
//! Two channels, the two asyncio users reach for:
//!
//! - [`oneshot`] — one value, once, from any thread: asyncio's `Future`
//!   (`set_result` / `await`). The blocking pool returns results through it.
//! - [`channel`] — a bounded queue from many senders to one receiver, on
//!   one loop: asyncio's `Queue` (`put` / `get`), with backpressure.
//!
//! Files, in reading order: `oneshot.rs`, then `channel.rs`.

mod channel;
pub mod oneshot;

pub use channel::{Receiver, SendError, Sender, TryRecvError, TrySendError, channel};
