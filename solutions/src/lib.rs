//! # Reference solutions to the exercises — spoilers
//!
//! **Try the exercises in `EXERCISES.md` first.** These are one way to
//! solve three of them, written the way a learner outside runloop would: a
//! crate of its own that depends on `runloop` and implements its public
//! traits, so nothing here is part of runloop's API.
//!
//! | exercise | file | type | trait |
//! |---|---|---|---|
//! | 1. A lottery scheduler | `lottery.rs` | [`Lottery`] | [`Schedule`](runloop::scheduler::Schedule) |
//! | 2. Earliest deadline first | `edf.rs` | [`Edf`] | [`Schedule`](runloop::scheduler::Schedule) |
//! | 3. A hashed timing wheel | `timer_wheel.rs` | [`TimerWheel`] | [`TimerQueue`](runloop::time::TimerQueue) |
//!
//! Each file opens with the design choices and what was traded for what.
//! Each has a test file in `tests/` that runs the conformance suite and the
//! exercise's own check, as `EXERCISES.md` describes it:
//! `cargo test -p runloop-solutions`.
//!
//! Install one like any policy or queue:
//!
//! ```
//! use runloop_solutions::{Edf, TimerWheel};
//! use std::time::Duration;
//!
//! let rt = runloop::Runtime::builder()
//!     .scheduler(Edf::new())
//!     .timer_queue(TimerWheel::new(Duration::from_millis(1), 256))
//!     .build()
//!     .unwrap();
//! rt.block_on(runloop::time::sleep(Duration::from_millis(3)));
//! ```

mod edf;
mod lottery;
mod timer_wheel;

pub use edf::Edf;
pub use lottery::Lottery;
pub use timer_wheel::TimerWheel;
