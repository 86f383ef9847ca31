//! # The default timer queue: a binary heap of deadlines
//!
//! asyncio keeps `loop._scheduled`, a heap of `TimerHandle`s ordered by
//! deadline; each turn it sleeps until the earliest one and then moves every
//! expired handle to the ready queue. We do the same, with wakers where
//! asyncio has callbacks.
//!
//! Why a heap and not a timing wheel? A heap is the simplest structure that
//! answers "what is the nearest deadline?" exactly, which is all the poller
//! needs to pick its timeout. Inserting costs O(1) on average (a new deadline
//! rarely climbs far) and O(log n) at worst; popping costs O(log n). A wheel
//! makes inserting and cancelling strictly O(1) but rounds deadlines to its
//! tick and needs care for far-off ones. Writing a wheel behind the
//! [`TimerQueue`] trait (`timer_queue.rs`) is one of the exercises.
//!
//! Cancelling is cheap: the timer's entry is removed from a slab in O(1) and
//! its heap item is left behind as a tombstone, recognised by a sequence
//! number and skipped when it surfaces. When tombstones outnumber live
//! timers the heap is rebuilt without them, so a program that keeps
//! creating and dropping far-off sleeps uses bounded memory (the cost is
//! amortised O(1) per cancel).
//!
//! Invariants: a timer never fires before its deadline (the caller passes a
//! `now` read *after* the wait); timers fire in deadline order, and in
//! insertion order for equal deadlines (the sequence number breaks ties).

use super::timer_queue::{TimerKey, TimerPoll, TimerQueue};
use slab::Slab;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::{Context, Waker};
use std::time::Instant;

struct Entry {
    seq: u64,
    fired: bool,
    waker: Option<Waker>,
}

/// Heap items sort by deadline, then by sequence number.
type HeapItem = Reverse<(Instant, u64, usize)>;

/// Timers in a binary heap, cancelled in O(1) with tombstones (see the
/// module docs). The default [`TimerQueue`].
#[derive(Default)]
pub struct TimerHeap {
    heap: BinaryHeap<HeapItem>,
    entries: Slab<Entry>,
    next_seq: u64,
    /// Heap items whose timer was cancelled or already fired.
    tombstones: usize,
}

impl TimerHeap {
    /// An empty heap.
    pub fn new() -> TimerHeap {
        TimerHeap::default()
    }

    fn entry_mut(&mut self, key: TimerKey) -> Option<&mut Entry> {
        self.entries
            .get_mut(key.slot)
            .filter(|entry| entry.seq == key.generation)
    }

    fn is_live(&self, seq: u64, slot: usize) -> bool {
        self.entries
            .get(slot)
            .is_some_and(|entry| entry.seq == seq && !entry.fired)
    }

    fn drop_surfaced_tombstones(&mut self) {
        while let Some(Reverse((_, seq, slot))) = self.heap.peek().copied() {
            if self.is_live(seq, slot) {
                break;
            }
            self.heap.pop();
            self.tombstones -= 1;
        }
    }

    /// Rebuilds the heap from its live items, in O(n).
    fn sweep(&mut self) {
        let items = std::mem::take(&mut self.heap).into_vec();
        let live: Vec<HeapItem> = items
            .into_iter()
            .filter(|Reverse((_, seq, slot))| self.is_live(*seq, *slot))
            .collect();
        self.heap = BinaryHeap::from(live);
        self.tombstones = 0;
    }
}

impl TimerQueue for TimerHeap {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let slot = self.entries.insert(Entry {
            seq,
            fired: false,
            waker: Some(waker),
        });
        self.heap.push(Reverse((deadline, seq, slot)));
        TimerKey { slot, generation: seq }
    }

    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
        match self.entry_mut(key) {
            None => TimerPoll::Fired,
            Some(entry) if entry.fired => TimerPoll::Fired,
            Some(entry) => match &entry.waker {
                Some(waker) if waker.will_wake(cx.waker()) => TimerPoll::Waiting(None),
                _ => TimerPoll::Waiting(entry.waker.replace(cx.waker().clone())),
            },
        }
    }

    /// O(1): the heap item becomes a tombstone, swept when they pile up.
    fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        self.entry_mut(key)?;
        let entry = self.entries.remove(key.slot);
        if !entry.fired {
            self.tombstones += 1;
            if self.tombstones > self.entries.len().max(64) {
                self.sweep();
            }
        }
        entry.waker
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        self.drop_surfaced_tombstones();
        self.heap.peek().map(|Reverse((deadline, _, _))| *deadline)
    }

    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        let mut fired = 0;
        while let Some(Reverse((deadline, seq, slot))) = self.heap.peek().copied() {
            if deadline > now {
                break;
            }
            self.heap.pop();
            match self.entries.get_mut(slot).filter(|entry| entry.seq == seq) {
                Some(entry) => {
                    log::trace!(target: "runloop::reactor::timers", "timer fired ({:?} late)", now - deadline);
                    entry.fired = true;
                    wake.extend(entry.waker.take());
                    fired += 1;
                }
                None => self.tombstones -= 1,
            }
        }
        fired
    }

    fn len(&self) -> usize {
        self.heap.len() - self.tombstones
    }

    fn name(&self) -> &'static str {
        "binary heap"
    }
}
