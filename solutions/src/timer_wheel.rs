//! # `TimerWheel`: a hashed timing wheel
//!
//! Exercise 3. Time is cut into ticks (1 ms, say), and the wheel has a
//! slot per tick, reused every revolution: a timer due in tick `t` goes into
//! slot `t % slots`. Inserting and cancelling touch one slot, O(1) however
//! many timers there are; firing sweeps the slots the clock has passed
//! since the last sweep. Linux's timers and Netty's `HashedWheelTimer` work
//! this way (Varghese and Lauck, 1987); asyncio, like runloop's default
//! `TimerHeap`, uses a binary heap.
//!
//! Design choices:
//!
//! - **Absolute ticks, not rounds.** The textbook wheel stores in each
//!   timer how many more revolutions it must wait, and decrements that on
//!   every pass. Here each timer remembers the tick it is due in, and a
//!   sweep fires the timers of the slot whose *deadline* has passed: a
//!   timer ten minutes out shares its slot with near ones and is skipped
//!   until its own revolution comes. Nothing is decremented, and "fires
//!   when `deadline <= now`" is the whole rule, so the wheel can never fire
//!   early, whatever the rounding.
//! - **The cursor.** `cursor` is the tick of the last sweep. Every live
//!   timer is due at or after it (a timer inserted with a deadline already
//!   past goes into the cursor's slot), so a sweep visits the ticks from
//!   the cursor to now — at most one revolution, since a slot holds every
//!   revolution's timers — and the cursor's own slot again next time,
//!   because its tick may be only partly over.
//! - **Deadline order** within a sweep: the fired timers are sorted by
//!   `(deadline, insertion number)` before their wakers are handed out, so
//!   ties keep insertion order.
//! - **`next_deadline` is exact when it can be cheap.** Scanning the
//!   slots from the cursor, the first slot holding a timer due in *this*
//!   revolution holds the nearest deadline. If no timer is due within a
//!   revolution, the wheel answers the start of the next revolution instead:
//!   earlier than any real deadline (the contract allows rounding down,
//!   never up), at the cost of one needless wake-up per revolution while
//!   only far timers remain. The scan costs O(slots) plus the timers in
//!   the slots it passes; a per-slot minimum would make it cheaper, at the
//!   price of keeping that minimum right on `remove`.
//! - **Entries in a slab of our own**, a `Vec` with a free list, so the
//!   crate needs no dependency. A [`TimerKey`] is the entry's index plus
//!   its insertion number; a fired or removed timer's entry is freed at
//!   once, so a stale key simply finds another number there (or nothing)
//!   and is told apart. Each entry knows its position in its slot, so
//!   `remove` is a `swap_remove` plus one position fix-up.
//! - **Wakers are handed back, never dropped inside**: fired ones through
//!   `fire_expired`, replaced ones from `poll`, removed ones from `remove`.
//!
//! Invariants: a slot holds exactly the live timers hashed to it, each
//! entry's `position` is its index in that slot; every live timer's `tick`
//! is at or after `cursor`; `live` counts the live entries.

use runloop::time::{TimerKey, TimerPoll, TimerQueue};
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

/// One live timer.
#[derive(Debug)]
struct Entry {
    deadline: Instant,
    /// The tick it is due in (never before the cursor at insertion).
    tick: u64,
    /// Insertion number: the key's generation, and the tie-breaker.
    seq: u64,
    waker: Waker,
    /// Its index in `slots[tick % slots.len()]`.
    position: usize,
}

/// A hashed timing wheel (see the module docs).
#[derive(Debug)]
pub struct TimerWheel {
    tick: Duration,
    /// Where tick 0 starts.
    origin: Instant,
    /// Per slot, the indices of its timers' entries.
    slots: Vec<Vec<usize>>,
    entries: Vec<Option<Entry>>,
    free: Vec<usize>,
    /// The tick of the last sweep.
    cursor: u64,
    live: usize,
    next_seq: u64,
}

impl TimerWheel {
    /// A wheel of `slots` slots, each `tick` long: one revolution is
    /// `tick * slots`.
    ///
    /// # Panics
    /// If `tick` is zero or there are no slots.
    pub fn new(tick: Duration, slots: usize) -> TimerWheel {
        assert!(!tick.is_zero() && slots > 0, "a wheel needs a tick and a slot");
        TimerWheel {
            tick,
            origin: Instant::now(),
            slots: vec![Vec::new(); slots],
            entries: Vec::new(),
            free: Vec::new(),
            cursor: 0,
            live: 0,
            next_seq: 0,
        }
    }

    /// The tick `instant` falls in (tick 0 for anything before the origin).
    fn tick_of(&self, instant: Instant) -> u64 {
        let elapsed = instant.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(elapsed / self.tick.as_nanos()).unwrap_or(u64::MAX)
    }

    /// When tick `tick` starts.
    fn start_of(&self, tick: u64) -> Instant {
        let nanos = u128::from(tick) * self.tick.as_nanos();
        let offset = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        // Past what the clock can hold (centuries away): any earlier instant
        // is a correct answer for `next_deadline`, so the origin will do.
        self.origin.checked_add(offset).unwrap_or(self.origin)
    }

    fn slot_of(&self, tick: u64) -> usize {
        (tick % self.slots.len() as u64) as usize
    }

    /// The live entry `key` names, if any.
    fn entry_mut(&mut self, key: TimerKey) -> Option<&mut Entry> {
        self.entries
            .get_mut(key.slot)?
            .as_mut()
            .filter(|entry| entry.seq == key.generation)
    }

    /// Takes entry `index` out of its slot and frees it.
    fn take(&mut self, index: usize) -> Entry {
        let entry = self.entries[index].take().expect("a live entry");
        let slot = self.slot_of(entry.tick);
        self.slots[slot].swap_remove(entry.position);
        if let Some(&moved) = self.slots[slot].get(entry.position) {
            self.entries[moved].as_mut().expect("a live entry").position = entry.position;
        }
        self.free.push(index);
        self.live -= 1;
        entry
    }
}

impl TimerQueue for TimerWheel {
    fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        let tick = self.tick_of(deadline).max(self.cursor);
        let slot = self.slot_of(tick);
        let seq = self.next_seq;
        self.next_seq += 1;
        let index = self.free.pop().unwrap_or(self.entries.len());
        if index == self.entries.len() {
            self.entries.push(None);
        }
        self.entries[index] = Some(Entry {
            deadline,
            tick,
            seq,
            waker,
            position: self.slots[slot].len(),
        });
        self.slots[slot].push(index);
        self.live += 1;
        TimerKey {
            slot: index,
            generation: seq,
        }
    }

    fn poll(&mut self, key: TimerKey, cx: &mut Context<'_>) -> TimerPoll {
        match self.entry_mut(key) {
            None => TimerPoll::Fired, // fired, removed, or never ours
            Some(entry) if entry.waker.will_wake(cx.waker()) => TimerPoll::Waiting(None),
            Some(entry) => TimerPoll::Waiting(Some(std::mem::replace(&mut entry.waker, cx.waker().clone()))),
        }
    }

    fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        self.entry_mut(key)?;
        Some(self.take(key.slot).waker)
    }

    fn next_deadline(&mut self) -> Option<Instant> {
        if self.live == 0 {
            return None;
        }
        let revolution = self.slots.len() as u64;
        for tick in self.cursor..self.cursor + revolution {
            let due_now = self.slots[self.slot_of(tick)]
                .iter()
                .filter_map(|&index| self.entries[index].as_ref())
                .filter(|entry| entry.tick <= tick)
                .map(|entry| entry.deadline)
                .min();
            if due_now.is_some() {
                return due_now;
            }
        }
        // Only timers beyond this revolution: wake at its end, no later.
        Some(self.start_of(self.cursor + revolution))
    }

    fn fire_expired(&mut self, now: Instant, wake: &mut Vec<Waker>) -> usize {
        let until = self.tick_of(now).max(self.cursor);
        let sweeps = (until - self.cursor + 1).min(self.slots.len() as u64);
        let mut fired = Vec::new();
        for tick in self.cursor..self.cursor + sweeps {
            let slot = self.slot_of(tick);
            let mut position = 0;
            while let Some(&index) = self.slots[slot].get(position) {
                if self.entries[index].as_ref().is_some_and(|entry| entry.deadline <= now) {
                    // `take` moves the slot's last timer here: look again.
                    let entry = self.take(index);
                    fired.push((entry.deadline, entry.seq, entry.waker));
                } else {
                    position += 1;
                }
            }
        }
        self.cursor = until;
        fired.sort_unstable_by_key(|&(deadline, seq, _)| (deadline, seq));
        let count = fired.len();
        wake.extend(fired.into_iter().map(|(_, _, waker)| waker));
        count
    }

    fn len(&self) -> usize {
        self.live
    }

    fn name(&self) -> &'static str {
        "timer-wheel"
    }
}
