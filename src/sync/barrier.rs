//! # `Barrier`: wait until N tasks have arrived — asyncio's `Barrier`
//!
//! A barrier for `n` tasks holds each arriving task until the `n`-th
//! arrives, then releases all of them together, and starts over for the
//! next round (a new *generation*). Exactly one task per generation — the
//! last to arrive — is told it is the *leader*, so that one of them can do
//! the round's bookkeeping (asyncio's `wait()` returns an index instead;
//! index 0 plays the same part).
//!
//! Built on the [wait queue](super::wait_queue): the first `n - 1` arrivals
//! join the line; the `n`-th chooses them all and returns at once.
//!
//! ## Cancellation
//! `wait().await` has one suspension point. A task dropped while waiting
//! *withdraws its arrival*, as in asyncio: the barrier still needs `n` live
//! tasks, so a cancelled one cannot make the others leave a member short.
//! Dropped after its generation was released, it has nothing to give back.

use super::wait_queue::{Ticket, WaitQueue};
use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Holds tasks of one loop until `n` of them wait, then releases them all.
/// asyncio's `Barrier`.
///
/// ```
/// use std::rc::Rc;
/// use runloop::sync::Barrier;
///
/// let leaders = runloop::run(async {
///     let barrier = Rc::new(Barrier::new(4));
///     let tasks: Vec<_> = (0..4)
///         .map(|_| {
///             let barrier = barrier.clone();
///             runloop::spawn(async move { barrier.wait().await.is_leader() })
///         })
///         .collect();
///     let mut leaders = 0;
///     for task in tasks {
///         leaders += task.await.unwrap() as usize;
///     }
///     leaders
/// });
/// assert_eq!(leaders, 1);
/// ```
pub struct Barrier {
    parties: usize,
    state: RefCell<State>,
}

struct State {
    /// Tasks waiting in this generation.
    arrived: usize,
    generation: u64,
    waiters: WaitQueue<()>,
}

impl Barrier {
    /// A barrier that releases tasks in groups of `parties` (a barrier of 0
    /// behaves like one of 1: every task passes at once, as the leader).
    pub const fn new(parties: usize) -> Barrier {
        Barrier {
            parties: if parties == 0 { 1 } else { parties },
            state: RefCell::new(State {
                arrived: 0,
                generation: 0,
                waiters: WaitQueue::new(),
            }),
        }
    }

    /// Arrives and waits until `parties` tasks have arrived.
    pub fn wait(&self) -> BarrierWait<'_> {
        BarrierWait {
            barrier: self,
            ticket: None,
        }
    }

    /// How many tasks the barrier releases at a time.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many tasks wait in the current generation.
    #[doc(alias = "n_waiting")]
    pub fn waiting(&self) -> usize {
        self.state.borrow().arrived
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.borrow();
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("arrived", &state.arrived)
            .field("generation", &state.generation)
            .finish()
    }
}

/// The future returned by [`Barrier::wait`].
#[must_use = "futures do nothing unless you .await them"]
pub struct BarrierWait<'a> {
    barrier: &'a Barrier,
    ticket: Option<Ticket>,
}

impl Future for BarrierWait<'_> {
    type Output = BarrierWaitResult;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<BarrierWaitResult> {
        let barrier = self.barrier;
        let mut state = barrier.state.borrow_mut();
        if self.ticket.is_none() {
            state.arrived += 1;
            if state.arrived < barrier.parties {
                self.ticket = Some(state.waiters.push_back(cx.waker().clone(), ()));
                return Poll::Pending;
            }
            // The last to arrive: release this generation and lead it.
            state.arrived = 0;
            state.generation += 1;
            let everyone = state.waiters.choose_all(|_| {});
            drop(state);
            everyone.wake_all();
            return Poll::Ready(BarrierWaitResult { leader: true });
        }
        state
            .waiters
            .poll_turn(&mut self.ticket, cx.waker())
            .map(|()| BarrierWaitResult { leader: false })
    }
}

impl Drop for BarrierWait<'_> {
    fn drop(&mut self) {
        let Some(ticket) = self.ticket.take() else {
            return;
        };
        let mut state = self.barrier.state.borrow_mut();
        if !state.waiters.leave(ticket).was_chosen {
            state.arrived -= 1; // withdraw: the generation still needs `parties`
        }
    }
}

/// What [`Barrier::wait`] tells each task of a generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    /// Whether this task is the generation's leader: exactly one is.
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}
