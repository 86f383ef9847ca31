//! # The wait queue: how every primitive here parks a task
//!
//! A lock that is taken, a semaphore with no permits left, an event not yet
//! set: each must make a task wait and later let it go. asyncio does it the
//! same way in every class of `asyncio.locks`: a `deque` of futures, one per
//! waiter; releasing the lock resolves the first future in the deque, and a
//! waiter that is cancelled removes its own future. This file is that deque,
//! written once, and `Mutex`, `Semaphore`, `Event`, `Notify`, `Condvar` and
//! `Barrier` are all built on it.
//!
//! A waiter is a *node*: the `Waker` of the task that waits, and a little
//! data of the primitive's (how many permits it wants, say). Nodes live in a
//! `slab` and are linked into a FIFO list by index, so joining the line,
//! leaving it from the middle and serving its head are all O(1), and a busy
//! primitive reuses its slots instead of allocating.
//!
//! ```text
//!   head                                  tail
//!    │                                     │
//!    ▼                                     ▼
//!  [ waiting ] ⇄ [ waiting ] ⇄ … ⇄ [ waiting ]      [ chosen ]  (unlinked,
//!                                                               kept for its waiter)
//! ```
//!
//! A node is first *waiting*, then perhaps *chosen*: the primitive picked it
//! (handed it the lock, assigned it permits, delivered it a notification),
//! unlinked it from the list and took its waker to wake it. A chosen node
//! stays in the slab until its waiter comes to collect what it was given.
//! That is what makes cancellation safe: the waiter's future, whenever it is
//! dropped, calls [`WaitQueue::leave`], which says which of two cases it was:
//!
//! - **dropped while waiting**: the node leaves the line at once. Nobody
//!   will wake it, no memory stays behind, no wake is spent on it.
//! - **dropped after it was chosen**: it was given something it will never
//!   use. The primitive passes it on — unlocks for the next in line, gives
//!   the permits back, forwards the notification — so nothing is lost.
//!
//! Each primitive's essay says which of the two applies at each of its
//! `.await`s.
//!
//! Invariants this file keeps:
//! - the list holds exactly the waiting nodes, oldest first; chosen nodes
//!   are never in it, so nobody is chosen twice;
//! - a [`Ticket`] is the only way to name a node, it cannot be copied, and
//!   `leave` consumes it: a node is freed exactly once, by its own waiter,
//!   and a slot is reused only after that, so no waiter ever reads another's
//!   node;
//! - the queue never calls a waker. Choosing hands the waker back, so the
//!   primitive can wake it after releasing its `RefCell` borrow: a waker is
//!   foreign code, and must not find the primitive borrowed.
//!
//! Everything here is single-threaded, like the primitives: one loop, no
//! atomics, no locks. Replacing a waker when a task polls with a new one is
//! done in place (`Waker::clone_from`), as tokio's semaphore does.

use slab::Slab;
use std::fmt;
use std::task::{Poll, Waker};

/// A FIFO line of waiting tasks, each with some data `T` of the primitive's.
pub(crate) struct WaitQueue<T> {
    nodes: Slab<Node<T>>,
    /// The oldest waiting node; `None` when nobody waits.
    head: Option<usize>,
    /// The newest waiting node.
    tail: Option<usize>,
    /// Nodes in the list (waiting, not chosen).
    waiting: usize,
}

struct Node<T> {
    /// Taken when the node is chosen: the primitive wakes it.
    waker: Option<Waker>,
    chosen: bool,
    prev: Option<usize>,
    next: Option<usize>,
    data: T,
}

/// A waiter's claim on its node. Not `Clone`: [`WaitQueue::leave`] takes it,
/// so each node is freed once, by its own waiter.
#[must_use = "a ticket must be given back with WaitQueue::leave"]
pub(crate) struct Ticket(usize);

/// What [`WaitQueue::leave`] found.
pub(crate) struct Left<T> {
    /// The node had been chosen: the waiter was given something (the lock,
    /// permits, a notification) that it must now use or pass on.
    pub(crate) was_chosen: bool,
    pub(crate) data: T,
}

impl<T> WaitQueue<T> {
    /// An empty queue. Allocates nothing until someone waits.
    pub(crate) const fn new() -> WaitQueue<T> {
        WaitQueue {
            nodes: Slab::new(),
            head: None,
            tail: None,
            waiting: 0,
        }
    }

    /// Whether nobody is waiting (chosen nodes not yet collected don't count).
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// How many waiters are in line.
    pub(crate) fn len(&self) -> usize {
        self.waiting
    }

    /// Joins the back of the line.
    #[inline]
    pub(crate) fn push_back(&mut self, waker: Waker, data: T) -> Ticket {
        let key = self.nodes.insert(Node {
            waker: Some(waker),
            chosen: false,
            prev: self.tail,
            next: None,
            data,
        });
        match self.tail {
            Some(tail) => self.nodes[tail].next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        self.waiting += 1;
        Ticket(key)
    }

    /// Whether the primitive has chosen this waiter.
    #[inline]
    pub(crate) fn is_chosen(&self, ticket: &Ticket) -> bool {
        self.nodes[ticket.0].chosen
    }

    /// The waiter polled again, maybe from another task or with another
    /// waker (a future may move between tasks): remember the newest one.
    pub(crate) fn update_waker(&mut self, ticket: &Ticket, waker: &Waker) {
        if let Some(stored) = &mut self.nodes[ticket.0].waker {
            stored.clone_from(waker);
        }
    }

    /// The poll of a waiter already in line (`ticket` is `Some`): once it
    /// has been chosen, it leaves the line, `ticket` becomes `None` and its
    /// data comes back `Ready`; until then the newest waker is kept and it
    /// stays `Pending`. Every primitive's future calls this after its
    /// first poll.
    #[inline]
    pub(crate) fn poll_turn(&mut self, ticket: &mut Option<Ticket>, waker: &Waker) -> Poll<T> {
        let waiting = ticket.as_ref().expect("poll_turn is for a waiter in line");
        if !self.is_chosen(waiting) {
            self.update_waker(waiting, waker);
            return Poll::Pending;
        }
        let chosen = ticket.take().expect("checked above");
        Poll::Ready(self.leave(chosen).data)
    }

    /// The data of the first waiter in line.
    #[inline]
    pub(crate) fn first(&self) -> Option<&T> {
        self.head.map(|head| &self.nodes[head].data)
    }

    /// Chooses the first waiter: takes it out of the line and returns its
    /// waker, for the caller to wake once it has released its borrow, and
    /// its data, which the caller may change (to say *why* it was chosen).
    #[inline]
    pub(crate) fn choose_first(&mut self) -> Option<(Waker, &mut T)> {
        let key = self.head?;
        self.unlink(key);
        let node = &mut self.nodes[key];
        node.chosen = true;
        let waker = node.waker.take().expect("a waiting node has its waker");
        Some((waker, &mut node.data))
    }

    /// Chooses every waiter, oldest first, marking each with `mark`, and
    /// returns their wakers in that order.
    pub(crate) fn choose_all(&mut self, mut mark: impl FnMut(&mut T)) -> WakeList {
        let mut wakers = WakeList::default();
        while let Some((waker, data)) = self.choose_first() {
            mark(data);
            wakers.push(waker);
        }
        wakers
    }

    /// Copies of every waiting waker, leaving everyone in line: for a
    /// primitive that must wake its waiters without giving them anything
    /// (a semaphore being closed: each will see that and leave).
    pub(crate) fn wakers_of_waiting(&self) -> WakeList {
        let mut wakers = WakeList::default();
        let mut cursor = self.head;
        while let Some(key) = cursor {
            let node = &self.nodes[key];
            if let Some(waker) = &node.waker {
                wakers.push(waker.clone());
            }
            cursor = node.next;
        }
        wakers
    }

    /// The waiter is done with its node: it was served, or it is being
    /// dropped. Frees the node and says whether it had been chosen.
    #[inline]
    pub(crate) fn leave(&mut self, ticket: Ticket) -> Left<T> {
        let key = ticket.0;
        if !self.nodes[key].chosen {
            self.unlink(key);
        }
        let node = self.nodes.remove(key);
        Left {
            was_chosen: node.chosen,
            data: node.data,
        }
    }

    /// Takes a waiting node out of the list (its slot stays).
    #[inline]
    fn unlink(&mut self, key: usize) {
        let (prev, next) = {
            let node = &self.nodes[key];
            (node.prev, node.next)
        };
        match prev {
            Some(prev) => self.nodes[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.nodes[next].prev = prev,
            None => self.tail = prev,
        }
        let node = &mut self.nodes[key];
        node.prev = None;
        node.next = None;
        self.waiting -= 1;
    }
}

impl<T> fmt::Debug for WaitQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitQueue")
            .field("waiting", &self.waiting)
            .field("chosen_not_collected", &(self.nodes.len() - self.waiting))
            .finish()
    }
}

/// Wakers to wake once the primitive's borrow is released, in order.
///
/// Most releases wake one task (an unlock, a permit given back), so the
/// first waker is kept inline and only a crowd (an event being set) needs
/// the `Vec`: the common case allocates nothing.
#[derive(Default)]
#[must_use = "the wakers must be woken: call wake_all"]
pub(crate) struct WakeList {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl WakeList {
    #[inline]
    pub(crate) fn push(&mut self, waker: Waker) {
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }

    /// Wakes every waker, in the order they were pushed.
    #[inline]
    pub(crate) fn wake_all(self) {
        if let Some(first) = self.first {
            first.wake();
        }
        for waker in self.rest {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn queue_of(n: u32) -> (WaitQueue<u32>, Vec<Ticket>) {
        let mut queue = WaitQueue::new();
        let tickets = (0..n).map(|i| queue.push_back(Waker::noop().clone(), i)).collect();
        (queue, tickets)
    }

    #[test]
    fn waiters_are_chosen_first_come_first_served() {
        let (mut queue, _tickets) = queue_of(4);
        let order: Vec<u32> = std::iter::from_fn(|| queue.choose_first().map(|(_, data)| *data)).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }

    #[test]
    fn a_waiter_leaving_from_the_middle_keeps_the_order_of_the_rest() {
        let (mut queue, mut tickets) = queue_of(5);
        let middle = tickets.remove(2);
        let left = queue.leave(middle);
        assert!(!left.was_chosen);
        assert_eq!(queue.len(), 4);
        let order: Vec<u32> = std::iter::from_fn(|| queue.choose_first().map(|(_, data)| *data)).collect();
        assert_eq!(order, [0, 1, 3, 4]);
    }

    #[test]
    fn leaving_frees_the_node_at_once_and_chosen_nodes_wait_for_their_waiter() {
        let (mut queue, mut tickets) = queue_of(3);
        queue.choose_first();
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.nodes.len(), 3, "a chosen node stays until its waiter collects it");
        let first = tickets.remove(0);
        assert!(queue.is_chosen(&first));
        assert!(queue.leave(first).was_chosen);
        for ticket in tickets {
            assert!(!queue.leave(ticket).was_chosen);
        }
        assert_eq!(queue.nodes.len(), 0);
        assert!(queue.is_empty());
    }

    #[test]
    fn head_and_tail_stay_right_when_the_ends_leave() {
        let (mut queue, mut tickets) = queue_of(3);
        let last = tickets.pop().unwrap();
        let first = tickets.remove(0);
        let _ = queue.leave(last);
        let _ = queue.leave(first);
        assert_eq!(queue.first(), Some(&1));
        let _ninth = queue.push_back(Waker::noop().clone(), 9);
        let order: Vec<u32> = std::iter::from_fn(|| queue.choose_first().map(|(_, data)| *data)).collect();
        assert_eq!(order, [1, 9]);
    }
}
