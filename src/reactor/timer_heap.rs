//! # The default timer queue: a binary heap of deadlines
//!
//! asyncio keeps `loop._scheduled`, a heap of `TimerHandle`s ordered by
//! deadline; each turn it sleeps until the earliest one and then moves every
//! expired handle to the ready queue. We do the same, with wakers where
//! asyncio has callbacks.
//!
//! Why a heap and not a timing wheel? A heap is the simplest structure that
//! answers "what is the nearest deadline?" exactly, which is all the poller
//! needs to pick its timeout. A wheel makes inserting and cancelling
//! strictly O(1) but rounds deadlines to its tick and needs care for far-off
//! ones. Writing a wheel behind the [`TimerQueue`] trait (`timer_queue.rs`)
//! is one of the exercises.
//!
//! Our heap is *indexed*: every timer's entry remembers where its item sits
//! in the heap, and every move of an item updates that position. So a
//! cancelled timer leaves the heap at once — its item is swapped with the
//! last one, which then sifts up or down — instead of staying behind as a
//! tombstone (asyncio's way: it marks the handle cancelled and skips it when
//! it surfaces, cleaning up when cancelled handles pile up). Both are cheap;
//! the indexed heap keeps memory exactly proportional to live timers and
//! makes the most common cancel, a timeout that did not fire, almost free:
//! timeouts are usually the latest deadline in the heap, so their item sits
//! near the bottom, sifts up little on insert and nothing on removal.
//! Inserting and cancelling cost O(log n) at worst; firing the earliest
//! costs O(log n).
//!
//! Invariants: an entry's `position` is where its item is in `heap`
//! (`None` once fired); a timer never fires before its deadline (the caller
//! passes a `now` read *after* the wait); timers fire in deadline order, and
//! in insertion order for equal deadlines (the sequence number breaks ties).

use super::timer_queue::{TimerKey, TimerPoll, TimerQueue};
use slab::Slab;
use std::task::{Context, Waker};
use std::time::Instant;

struct Entry {
    /// Tells this tenant of the slab slot from earlier ones (the key's
    /// generation), and orders equal deadlines.
    seq: u64,
    /// Index of this timer's item in the heap; `None` once it has fired.
    position: Option<usize>,
    waker: Option<Waker>,
}

/// One heap item. Items order by `(deadline, seq)`; `slot` leads back to
/// the entry, so the entry's `position` can follow the item.
#[derive(Clone, Copy)]
struct Item {
    deadline: Instant,
    seq: u64,
    slot: usize,
}

impl Item {
    fn before(&self, other: &Item) -> bool {
        (self.deadline, self.seq) < (other.deadline, other.seq)
    }
}

/// Timers in an indexed binary heap, cancelled in place (see the module
/// docs). The default [`TimerQueue`].
#[derive(Default)]
pub struct TimerHeap {
    /// A min-heap of live timers: `heap[i]` is never after its children
    /// `heap[2i + 1]` and `heap[2i + 2]`.
    heap: Vec<Item>,
    entries: Slab<Entry>,
    next_seq: u64,
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

    /// Puts `item` at `index` and tells its entry where it went.
    fn place(&mut self, index: usize, item: Item) {
        self.heap[index] = item;
        self.entries[item.slot].position = Some(index);
    }

    /// Moves the item at `index` up while it is before its parent.
    fn sift_up(&mut self, mut index: usize) {
        let item = self.heap[index];
        while index > 0 {
            let parent = (index - 1) / 2;
            if !item.before(&self.heap[parent]) {
                break;
            }
            self.place(index, self.heap[parent]);
            index = parent;
        }
        self.place(index, item);
    }

    /// Moves the item at `index` down while a child is before it.
    fn sift_down(&mut self, mut index: usize) {
        let item = self.heap[index];
        loop {
            let left = 2 * index + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap.len() && self.heap[right].before(&self.heap[left]) {
                right
            } else {
                left
            };
            if !self.heap[child].before(&item) {
                break;
            }
            self.place(index, self.heap[child]);
            index = child;
        }
        self.place(index, item);
    }

    /// Takes the item at `index` out of the heap: the last item fills the
    /// hole and sifts whichever way restores the order.
    fn remove_at(&mut self, index: usize) -> Item {
        let removed = self.heap.swap_remove(index);
        if index < self.heap.len() {
            let moved = self.heap[index];
            self.entries[moved.slot].position = Some(index);
            if index > 0 && moved.before(&self.heap[(index - 1) / 2]) {
                self.sift_up(index);
            } else {
                self.sift_down(index);
            }
        }
        removed
    }
}

impl TimerQueue for TimerHeap {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        self.next_seq += 1;
        let seq = self.next_seq;
        let slot = self.entries.insert(Entry {
            seq,
            position: None,
            waker: Some(waker),
        });
        self.heap.push(Item { deadline, seq, slot });
        self.sift_up(self.heap.len() - 1);
        TimerKey { slot, generation: seq }
    }

    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
        match self.entry_mut(key) {
            None => TimerPoll::Fired,
            Some(entry) if entry.position.is_none() => TimerPoll::Fired,
            Some(entry) => match &entry.waker {
                Some(waker) if waker.will_wake(cx.waker()) => TimerPoll::Waiting(None),
                _ => TimerPoll::Waiting(entry.waker.replace(cx.waker().clone())),
            },
        }
    }

    fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        self.entry_mut(key)?;
        let entry = self.entries.remove(key.slot);
        if let Some(index) = entry.position {
            self.remove_at(index);
        }
        entry.waker
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        self.heap.first().map(|item| item.deadline)
    }

    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        let mut fired = 0;
        while self.heap.first().is_some_and(|earliest| earliest.deadline <= now) {
            let item = self.remove_at(0);
            log::trace!(target: "runloop::reactor::timers", "timer fired ({:?} late)", now - item.deadline);
            let entry = &mut self.entries[item.slot];
            entry.position = None;
            wake.extend(entry.waker.take());
            fired += 1;
        }
        fired
    }

    fn upcoming(&self, limit: usize, visit: &mut dyn FnMut(Instant, Option<&Waker>)) {
        // Only the root is known to be the nearest; copy the items (each is
        // small) and sort just the first `limit` of them. Inspection only.
        let mut items = self.heap.clone();
        let limit = limit.min(items.len());
        if limit < items.len() {
            items.select_nth_unstable_by_key(limit, |item| (item.deadline, item.seq));
            items.truncate(limit);
        }
        items.sort_unstable_by_key(|item| (item.deadline, item.seq));
        for item in items {
            visit(item.deadline, self.entries[item.slot].waker.as_ref());
        }
    }

    fn len(&self) -> usize {
        self.heap.len()
    }

    fn name(&self) -> &'static str {
        "binary heap"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Every entry's position points at its own item, and the heap order holds.
    fn assert_consistent(timers: &TimerHeap) {
        for (index, item) in timers.heap.iter().enumerate() {
            assert_eq!(timers.entries[item.slot].position, Some(index));
            if index > 0 {
                assert!(
                    !item.before(&timers.heap[(index - 1) / 2]),
                    "heap order broken at {index}"
                );
            }
        }
    }

    #[test]
    fn positions_follow_items_through_inserts_removals_and_firing() {
        let mut timers = TimerHeap::new();
        let start = Instant::now();
        let mut seed = 0x1234_5678_u64;
        let mut keys = Vec::new();
        for round in 0..3_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let deadline = start + Duration::from_micros(seed % 10_000);
            keys.push(timers.insert(deadline, Waker::noop().clone()));
            if round % 3 == 0 {
                let victim = keys.swap_remove((seed >> 20) as usize % keys.len());
                timers.remove(victim);
            }
            if round % 500 == 0 {
                let mut woken = Vec::new();
                timers.fire_expired(start + Duration::from_micros(round), &mut woken);
            }
            assert_consistent(&timers);
        }
        let mut woken = Vec::new();
        let live = timers.len();
        assert_eq!(timers.fire_expired(start + Duration::from_secs(1), &mut woken), live);
        assert!(timers.heap.is_empty());
    }
}
