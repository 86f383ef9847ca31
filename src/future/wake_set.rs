//! # `WakeSet`: knowing which children woke
//!
//! A combinator that drives many futures (`join_all`, `as_completed`, and
//! a [`JoinSet`](crate::task::JoinSet)'s handles) is polled when *any* of
//! them is woken, because they all share its task's waker. Re-polling all of them each time costs O(n) per wake, O(n²) to
//! gather n results. The fix, as in the `futures` crate's
//! `FuturesUnordered`, is to give every child its own waker that records its
//! index in a shared list and then wakes the parent task; the parent then
//! polls only the children on the list.
//!
//! The child wakers use std's `Wake` trait, the safe way to build a waker
//! from an `Arc` of something `Send + Sync` (here a `Mutex`-guarded list) —
//! compare the hand-built vtable in `src/waker.rs`, which is needed there
//! only because a task's future need not be `Send`.
//!
//! A set may grow: `insert` adds a child (a `JoinSet` spawning), which the
//! caller polls at once with its new waker. Indices are slots that a
//! `JoinSet` reuses once a child is gone; a wake listed for the old tenant
//! of a slot then costs the new one a spurious poll, which is harmless,
//! since a future must tolerate being polled without news.
//!
//! Invariants: every child made by `new` starts on the list (it must be
//! polled once; an inserted one is polled by the caller); a child is on the
//! list at most once; the parent's waker is stored *before*
//! the list is taken, so a child woken in between wakes the parent again
//! instead of being forgotten; and each parent poll takes the list once, so
//! a child that wakes itself (as `yield_now` does) runs again at the next
//! turn, never in a loop inside one poll.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Wake, Waker};

pub(crate) struct WakeSet {
    shared: Arc<Shared>,
    /// One waker per child, built once.
    child_wakers: Vec<Waker>,
}

struct Shared {
    state: Mutex<State>,
}

struct State {
    woken: Vec<usize>,
    listed: Vec<bool>,
    parent: Option<Waker>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct ChildWaker {
    index: usize,
    shared: Arc<Shared>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let parent = {
            let mut state = self.shared.lock();
            if state.listed[self.index] {
                return;
            }
            state.listed[self.index] = true;
            state.woken.push(self.index);
            state.parent.clone()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}

impl WakeSet {
    /// A set for `children` children, all of them listed as woken.
    pub(crate) fn new(children: usize) -> WakeSet {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                woken: (0..children).collect(),
                listed: vec![true; children],
                parent: None,
            }),
        });
        let child_wakers = (0..children).map(|index| child_waker(index, &shared)).collect();
        WakeSet { shared, child_wakers }
    }

    /// Adds child `index`, growing the set if it is that small, and returns
    /// its waker. The child is not listed: the caller polls it at once with
    /// this waker, so that from then on the child's own wakes list it.
    pub(crate) fn insert(&mut self, index: usize) -> &Waker {
        let mut state = self.shared.lock();
        while self.child_wakers.len() <= index {
            let next = self.child_wakers.len();
            self.child_wakers.push(child_waker(next, &self.shared));
            state.listed.push(false);
        }
        drop(state);
        &self.child_wakers[index]
    }

    /// Remembers the parent's waker and moves the woken children's indices
    /// into `out`, in the order they woke.
    pub(crate) fn take_woken(&self, parent: &Waker, out: &mut impl Extend<usize>) {
        let mut guard = self.shared.lock();
        let state = &mut *guard;
        match &state.parent {
            Some(stored) if stored.will_wake(parent) => {}
            _ => state.parent = Some(parent.clone()),
        }
        for &index in &state.woken {
            state.listed[index] = false;
        }
        out.extend(state.woken.drain(..));
    }

    /// The waker to poll child `index` with.
    pub(crate) fn waker(&self, index: usize) -> &Waker {
        &self.child_wakers[index]
    }
}

fn child_waker(index: usize, shared: &Arc<Shared>) -> Waker {
    Waker::from(Arc::new(ChildWaker {
        index,
        shared: shared.clone(),
    }))
}
