//! Generators on stable Rust, built from `async`/`await`: the machine under
//! every future, driven by hand.
//!
//! Python built its coroutines from generators first (`yield`, `send`,
//! `yield from`) and only later gave them `async`/`await` and an event loop.
//! This module walks the same road backwards: it takes Rust's `async` blocks
//! and shows that, driven differently, they *are* generators.
//!
//! # An `async` block is a state machine
//!
//! The compiler turns an `async` block into an anonymous type with one
//! state per `.await` point, each state holding the locals that are still
//! alive there. Roughly:
//!
//! ```text
//! async {                      enum Machine {
//!     let a = 1;                   Start,
//!     first.await;                 AtFirst  { a: i32, first: First },
//!     let b = 2;                   AtSecond { a: i32, b: i32, second: Second },
//!     second.await;                Done,
//!     a + b                    }
//! }
//! ```
//!
//! `poll` means "continue from the saved state until the next `.await` that
//! is not ready, save the locals, return `Pending`", or, at the end,
//! `Ready(a + b)`. The stack frame lives in the enum, not on the stack, so
//! the computation can stop and continue later. That is precisely what a
//! Python generator frame does at each `yield`.
//!
//! # A generator and a future are the same machine, driven differently
//!
//! What differs is *who calls `poll`, and when*:
//!
//! * An **executor** polls a future when its waker says the event it waits
//!   for has happened. `Pending` means "I am waiting for the world".
//! * A **generator's driver** polls when it wants the next value.
//!   `Pending` means "I have handed you a value; call me when you want the
//!   next". The value travels through a shared slot, the *airlock*, because
//!   `poll` has no room for it.
//!
//! (rustc does the same thing in the other direction: `async` blocks are
//! compiled to its internal `Coroutine`s, which have `resume`, `Yielded`
//! and `Complete`, as [`Gen`] does.)
//!
//! A generator needs no executor. [`Gen`] polls its body with
//! [`Waker::noop`](std::task::Waker::noop), because nobody is waiting for
//! an event. The consequence: inside a generator, await only `co.yield_`
//! and `co.yield_from`. If the body awaits anything else that is not ready
//! at once (a timer, a socket, a channel), it returns `Pending` without
//! leaving a value in the airlock, and [`Gen`] panics with a message that
//! says so. To wait for time or I/O, yield a *request* to the driver and let
//! it do the waiting: that is how pre-`asyncio` Python frameworks worked,
//! and `examples/generator_scheduler.rs` builds one.
//!
//! # Python ↔ runloop
//!
//! | Python                                | `runloop::coro`                                             |
//! |---------------------------------------|-------------------------------------------------------------|
//! | `def g(): ...` with `yield` inside    | `Gen::new(\|co\| async move { ... })`                       |
//! | `received = yield value`              | `let received = co.yield_(value).await;`                    |
//! | `next(g)` on a new generator          | [`g.start()`](Gen::start)                                   |
//! | `g.send(arg)`                         | [`g.resume(arg)`](Gen::resume)                              |
//! | `for x in g` / `next(g)`              | `for x in g` / `g.next()` when `R` and `A` are `()`         |
//! | the value from `next`/`send`          | [`GenState::Yielded(value)`](GenState::Yielded)             |
//! | `return r`, seen as `StopIteration.value` | [`GenState::Complete(r)`](GenState::Complete)           |
//! | `result = yield from sub`             | [`let result = co.yield_from(sub).await;`](Co::yield_from)  |
//! | `g.close()`                           | `drop(g)`: destructors run, code after the `yield` does not |
//! | `g.throw(exc)`                        | no equivalent: resume with a value that means "stop"        |
//! | `inspect.getgeneratorstate(g)`        | [`g.is_finished()`](Gen::is_finished), for the last stage   |
//!
//! # The first resume
//!
//! A new generator is not paused at a `yield`, so the first step cannot
//! deliver a value to anyone. Python insists that it be `send(None)`; some
//! Rust libraries accept a value and drop it without a word. Here the first
//! step is [`Gen::start`], which takes no argument, and only
//! [`Gen::resume`] takes one, delivered to the `yield_` the body is paused
//! at. Calling `resume` on a generator that has not started panics with an
//! explanation; no value is ever lost.
//!
//! ```
//! use runloop::coro::{Gen, GenState};
//!
//! // Python:  def averager():
//! //              total, count = 0.0, 0
//! //              average = None
//! //              while True:
//! //                  total += yield average
//! //                  count += 1
//! //                  average = total / count
//! let mut averager: Gen<Option<f64>, (), f64> = Gen::new(|co| async move {
//!     let (mut total, mut count) = (0.0, 0.0);
//!     let mut average = None;
//!     loop {
//!         total += co.yield_(average).await;
//!         count += 1.0;
//!         average = Some(total / count);
//!     }
//! });
//! assert_eq!(averager.start(), GenState::Yielded(None)); // next(averager)
//! assert_eq!(averager.resume(10.0), GenState::Yielded(Some(10.0)));
//! assert_eq!(averager.resume(30.0), GenState::Yielded(Some(20.0)));
//! ```
//!
//! # Reading order
//!
//! 1. `airlock.rs`: the shared slot, and the one-value-at-a-time rule.
//! 2. `co.rs`: the body's side; how `yield_` suspends with a plain `await`.
//! 3. `generator.rs`: the driver's side; stages, the first-resume rule,
//!    the no-op waker and the foreign-await check.
//! 4. `delegate.rs`: `yield_from`, which is only a loop over the other two.
//!
//! Then run `cargo run --example generators`, and `cargo run --example
//! generator_scheduler` to see an event loop made of nothing but generators.

#![forbid(unsafe_code)]

mod airlock;
mod co;
mod delegate;
mod generator;

pub use co::Co;
pub use generator::{Gen, GenState};
