//! The airlock: the one place where values cross between a generator's
//! body and the code that drives it.
//!
//! A future can say only two things when it is polled: `Pending` or
//! `Ready(output)`. A generator must say a third: "here is a value; give me
//! one back when you want me to go on". Python's interpreter passes the value
//! of `yield` and the argument of `send` directly between the two frames. We
//! have no such channel through `poll`, so we build one beside it: a single
//! shared slot, reachable from the body (through [`Co`](super::Co)) and from
//! the driver (through [`Gen`](super::Gen)). genawaiter named it the airlock,
//! and the picture fits: one door opens at a time, and whatever is inside
//! belongs to whoever opens the next door.
//!
//! One step of a generator moves at most two values, in a fixed order:
//!
//! ```text
//!   driver (Gen::resume)              body (inside poll)
//!   ─────────────────────             ──────────────────
//!   put_resumed(arg) ──▶ [ Resumed(arg) ]
//!   poll(body) ─────────────────────────▶ take_resumed()  -> arg
//!                                          ... runs to the next yield_ ...
//!                      [ Yielded(y) ] ◀── put_yielded(y), returns Pending
//!   take_yielded() -> y ◀──
//! ```
//!
//! Invariant: **between two steps the slot is empty.** Each value is taken
//! by the other side within the same step that put it there, so the slot
//! never holds more than one value and no value is ever left behind to be
//! dropped unnoticed. Every put and take checks it and panics if it is
//! broken, which only code outside `Gen` and `Co` can do.
//!
//! The slot is an `Rc<Cell<…>>`: single-threaded, and `Cell::replace` moves
//! values in and out without borrow flags or `unsafe`.

use std::cell::Cell;
use std::rc::Rc;

/// The shared slot. Cloning an `Airlock` clones the handle, not the slot:
/// the generator and its `Co` hold the same one.
pub(super) struct Airlock<Y, A> {
    slot: Rc<Cell<Slot<Y, A>>>,
}

/// What is inside the airlock. It holds at most one value, travelling in
/// one direction.
#[derive(Default)]
enum Slot<Y, A> {
    /// The resting state between steps; `Cell::take` leaves this behind.
    #[default]
    Empty,
    /// On its way out: the body yielded it, the driver will return it.
    Yielded(Y),
    /// On its way in: the driver resumed with it, the body will receive it.
    Resumed(A),
}

// Written by hand because `#[derive(Clone)]` would demand `Y: Clone`.
impl<Y, A> Clone for Airlock<Y, A> {
    fn clone(&self) -> Self {
        Airlock {
            slot: Rc::clone(&self.slot),
        }
    }
}

impl<Y, A> Airlock<Y, A> {
    pub(super) fn new() -> Self {
        Airlock {
            slot: Rc::new(Cell::new(Slot::Empty)),
        }
    }

    /// Body side: hand a yielded value out to the driver.
    pub(super) fn put_yielded(&self, value: Y) {
        self.put(Slot::Yielded(value));
    }

    /// Driver side: hand a resume argument in to the body.
    pub(super) fn put_resumed(&self, arg: A) {
        self.put(Slot::Resumed(arg));
    }

    /// Driver side: collect what the body yielded during this step, if it
    /// yielded at all. `None` after a `Pending` poll means the body is
    /// waiting on something that is not ours; the caller says so loudly.
    pub(super) fn take_yielded(&self) -> Option<Y> {
        match self.slot.take() {
            Slot::Yielded(value) => Some(value),
            Slot::Empty => None,
            Slot::Resumed(_) => protocol_broken("a resume argument was never received"),
        }
    }

    /// Body side: collect the argument the driver resumed with. Only
    /// `Gen::resume` polls a body that is paused at a yield, and it always
    /// puts the argument in first, so the slot cannot be empty here.
    pub(super) fn take_resumed(&self) -> A {
        match self.slot.take() {
            Slot::Resumed(arg) => arg,
            Slot::Empty => protocol_broken("the body woke up without a resume argument"),
            Slot::Yielded(_) => protocol_broken("a yielded value was never collected"),
        }
    }

    fn put(&self, value: Slot<Y, A>) {
        if !matches!(self.slot.replace(value), Slot::Empty) {
            protocol_broken("two values crossed in one step");
        }
    }
}

/// `Gen` and `Co` never break the invariant on their own. Code that polls a
/// `yield_` future by hand, or smuggles a `Co` out of its generator, can;
/// then we stop rather than lose a value quietly.
fn protocol_broken(what: &str) -> ! {
    panic!(
        "generator airlock misused: {what}. Only Gen may drive a body, and a body \
         must await its Co's futures directly: do not poll them by hand and do \
         not let a Co escape its generator"
    )
}
