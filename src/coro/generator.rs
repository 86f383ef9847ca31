//! `Gen`: a paused computation you step by hand — Python's generator object.
//!
//! A `Gen` is two things: the body, an `async` block boxed and pinned once
//! so its state machine never moves, and its end of the airlock. One step
//! ([`Gen::start`] or [`Gen::resume`]) polls the body exactly once with a
//! no-op waker. The body runs until it reaches a `co.yield_(..).await`,
//! which leaves a value in the airlock and returns `Pending`, or until it
//! returns. So `Pending` here means "yielded" and `Ready(r)` means "returned
//! `r`", and `step` turns the pair into a [`GenState`].
//!
//! ## The first-resume rule
//!
//! Python requires the first `send` to be `None`: a fresh generator is not
//! paused at any `yield`, so no expression is waiting for a value. Other
//! libraries accept a value there and silently drop it. We make the
//! asymmetry part of the API instead:
//!
//! * [`Gen::start`] runs the body up to its first yield and takes **no**
//!   argument, because nothing could receive one. (Python: `next(g)`.)
//! * [`Gen::resume`]`(arg)` is only for a generator paused at a yield, and
//!   `arg` becomes the value of that yield. (Python: `g.send(arg)`.)
//! * `resume` on a generator that has not started panics and says to call
//!   `start` first, the way Python raises `TypeError: can't send non-None
//!   value to a just-started generator`. No value is ever dropped.
//!
//! Iterators (`A = ()`) have nothing to lose, so [`Iterator::next`] starts
//! or resumes as needed.
//!
//! ## Stages and their invariants
//!
//! The stages are Python's, from `inspect.getgeneratorstate`:
//! `Created` → `Suspended` (any number of times) → `Closed`. Python's fourth,
//! `GEN_RUNNING`, needs no stage here: `start` and `resume` take `&mut self`,
//! so nothing can re-enter a generator while its body runs.
//!
//! * Only `step` polls the body, and only from `Created` or `Suspended`.
//!   A closed body is never polled again: an `async` block that has
//!   returned or panicked panics if polled.
//! * The stage is set to `Closed` *before* the poll and moved to
//!   `Suspended` only after a clean yield. If the body panics, we never get
//!   back to fix it up, and the generator stays closed, exactly as a Python
//!   generator that raised.
//! * Dropping a `Gen` drops the body, which runs the destructors of the
//!   locals alive at the current yield, once. Code after that yield does not
//!   run: Python's `close()` would run `finally` blocks; here only `Drop`
//!   does.

use std::fmt;
use std::iter::FusedIterator;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::airlock::Airlock;
use super::co::Co;

/// A generator that yields `Y`, returns `R`, and is resumed with `A`.
///
/// Build one from a closure that receives a [`Co`] and returns an `async`
/// block; inside it, `co.yield_(value).await` yields. Then step it with
/// [`start`](Gen::start) and [`resume`](Gen::resume), or, when `R` and `A`
/// are `()`, use it as an [`Iterator`]. Like the rest of runloop it is
/// single-threaded: a `Gen` is neither `Send` nor `Sync`.
///
/// ```
/// use runloop::coro::Gen;
///
/// let countdown: Gen<u32> = Gen::new(|co| async move {
///     for n in (1..=3).rev() {
///         co.yield_(n).await;
///     }
/// });
/// assert_eq!(countdown.collect::<Vec<_>>(), [3, 2, 1]);
/// ```
#[doc(alias = "generator")]
#[doc(alias = "coroutine")]
#[must_use = "a generator does nothing until it is started or iterated"]
pub struct Gen<Y, R = (), A = ()> {
    body: Pin<Box<dyn Future<Output = R>>>,
    airlock: Airlock<Y, A>,
    stage: Stage,
}

/// Where the body is in its life. The names are Python's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Built, not yet run: no line of the body has executed.
    Created,
    /// Paused at a `yield_`, waiting for `resume`.
    Suspended,
    /// Returned, or panicked. Never polled again.
    Closed,
}

/// What one step of a generator produced: Rust's `CoroutineState`, Python's
/// "a value from `next`/`send`, or `StopIteration`".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GenState<Y, R> {
    /// The body reached `co.yield_(value).await` and is paused there.
    Yielded(Y),
    /// The body returned this value and is finished. Python delivers it as
    /// `StopIteration.value`.
    #[doc(alias = "StopIteration")]
    Complete(R),
}

impl<Y, R, A> Gen<Y, R, A> {
    /// Builds a generator from `make_body`, which receives the [`Co`] handle
    /// and returns the body as an `async` block.
    ///
    /// `make_body` itself runs now, but the body does not: not one line of
    /// the `async` block executes before [`start`](Gen::start). This is
    /// Python's "calling a generator function only creates the generator".
    ///
    /// The body must own what it uses (`'static`), like a spawned task: it
    /// lives in the generator, which may outlive the caller's locals.
    ///
    /// A note on type inference: the compiler works out the types of `co`
    /// from how the body uses it, before it looks at the `Gen<..>` type you
    /// wrote outside. If it asks for an annotation (typically when you call
    /// a method on a value received from `yield_`), name the type there,
    /// `let name: &str = co.yield_(..).await;`, or on the closure's
    /// argument, `|co: Co<Y, A>|`.
    pub fn new<F, Body>(make_body: F) -> Self
    where
        F: FnOnce(Co<Y, A>) -> Body,
        Body: Future<Output = R> + 'static,
    {
        let airlock = Airlock::new();
        let body = Box::pin(make_body(Co::new(airlock.clone())));
        Gen {
            body,
            airlock,
            stage: Stage::Created,
        }
    }

    /// Runs a new generator's body up to its first yield, or to its end.
    ///
    /// Takes no argument: the body is not paused at a yield yet, so there is
    /// nothing that could receive one (see the first-resume rule in the
    /// [module docs](super)). This is Python's `next(g)`, or `g.send(None)`,
    /// on a just-created generator.
    ///
    /// ```
    /// use runloop::coro::{Gen, GenState};
    ///
    /// let mut greeter: Gen<&str, usize, &str> = Gen::new(|co| async move {
    ///     let name: &str = co.yield_("who are you?").await;
    ///     name.len()
    /// });
    /// assert_eq!(greeter.start(), GenState::Yielded("who are you?"));
    /// assert_eq!(greeter.resume("Ada"), GenState::Complete(3));
    /// ```
    ///
    /// # Panics
    ///
    /// If the generator has already started, or has finished.
    #[doc(alias = "next")]
    #[doc(alias = "prime")]
    pub fn start(&mut self) -> GenState<Y, R> {
        match self.stage {
            Stage::Created => self.step(),
            Stage::Suspended => panic!(
                "Gen::start called on a generator that has already started; \
                 pass values in with resume(arg)"
            ),
            Stage::Closed => panic_finished(),
        }
    }

    /// Resumes a paused generator: `arg` becomes the value of the
    /// `co.yield_(..).await` it is paused at, and the body runs to its next
    /// yield or to its end. This is Python's `g.send(arg)`.
    ///
    /// # Panics
    ///
    /// * If the generator has not started: the body is not paused at a
    ///   yield, so `arg` would have nowhere to go. Call [`start`](Gen::start)
    ///   first. (Python raises `TypeError` here.)
    /// * If the generator has finished, by returning or by panicking. Stop
    ///   at [`GenState::Complete`], or check [`is_finished`](Gen::is_finished).
    ///   (Python raises `StopIteration` again.)
    /// * If the body awaits anything other than its `Co`'s own methods and
    ///   that thing is not ready at once (see the [module docs](super)).
    #[doc(alias = "send")]
    pub fn resume(&mut self, arg: A) -> GenState<Y, R> {
        match self.stage {
            Stage::Suspended => {
                self.airlock.put_resumed(arg);
                self.step()
            }
            Stage::Created => panic!(
                "Gen::resume called before start: the body is not paused at a \
                 yield yet, so the argument would have nowhere to go. Call \
                 start() first (Python: next(g) before g.send(x))"
            ),
            Stage::Closed => panic_finished(),
        }
    }

    /// Whether the body has returned (or panicked). A finished generator
    /// must not be started or resumed again.
    #[doc(alias = "getgeneratorstate")]
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Closed
    }

    /// Polls the body once and reads the outcome: `Ready` means it returned,
    /// `Pending` with a value in the airlock means it yielded.
    fn step(&mut self) -> GenState<Y, R> {
        // Closed until proven otherwise. If the body panics, the lines below
        // never run, so the stage must already say that this body must not
        // be polled again.
        self.stage = Stage::Closed;
        let mut cx = Context::from_waker(Waker::noop());
        match self.body.as_mut().poll(&mut cx) {
            Poll::Ready(result) => GenState::Complete(result),
            Poll::Pending => match self.airlock.take_yielded() {
                Some(value) => {
                    self.stage = Stage::Suspended;
                    GenState::Yielded(value)
                }
                None => panic_foreign_await(),
            },
        }
    }
}

fn panic_finished() -> ! {
    panic!(
        "Gen resumed after it finished: the body has already returned (or \
         panicked), so there is nothing left to run. Stop at \
         GenState::Complete, or check is_finished()"
    )
}

/// The body returned `Pending` without yielding. With a real executor, the
/// future it awaits would register the waker and be polled again later; we
/// drive with a no-op waker, so nothing would ever resume it.
fn panic_foreign_await() -> ! {
    panic!(
        "a generator body awaited something other than its Co's yield_ or \
         yield_from, and that future is not ready. Gen is driven by start() \
         and resume(), not by an executor, and its waker does nothing, so that \
         future would never be woken. Await only co.yield_(..) and \
         co.yield_from(..) inside a generator; to wait for time or I/O, yield \
         a request to whoever drives the generator (see \
         examples/generator_scheduler.rs), or use an async task instead"
    )
}

/// A generator that yields `Y` and is resumed with nothing is an iterator:
/// `next` is Python's `next(g)`. It starts the body on the first call,
/// resumes it afterwards, and returns `None` forever once the body has
/// returned.
impl<Y> Iterator for Gen<Y> {
    type Item = Y;

    fn next(&mut self) -> Option<Y> {
        let state = match self.stage {
            Stage::Created => self.start(),
            Stage::Suspended => self.resume(()),
            Stage::Closed => return None,
        };
        match state {
            GenState::Yielded(value) => Some(value),
            GenState::Complete(()) => None,
        }
    }
}

impl<Y> FusedIterator for Gen<Y> {}

impl<Y, R, A> fmt::Debug for Gen<Y, R, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gen")
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}
