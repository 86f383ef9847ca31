//! # `Lottery`: tickets, and a draw per pop
//!
//! Exercise 1. Each ready task holds tickets — its priority + 1, so 1 to
//! 256 — and `pop` draws one ticket at random and runs its holder
//! (Waldspurger and Weihl, 1994). A task with three times the tickets runs
//! about three times as often; a task with one ticket still wins a draw
//! now and then, so nobody starves, though nothing bounds the wait either:
//! fairness here is a probability, not a promise per pop.
//!
//! Design choices:
//!
//! - **Tickets by index.** `spawned` stores each task's tickets in a `Vec`
//!   indexed by [`TaskId::index`]; `finished` clears them (the index is
//!   reused). A task never announced — the `block_on` future, index
//!   `u32::MAX` — gets one ticket, as priority 0 would. Tickets are read at
//!   push time and carried with the waiting task.
//! - **A flat list and a running total.** The waiting tasks sit in a `Vec`
//!   with their tickets; `total` is their sum. A draw picks a number below
//!   `total` and walks the list until the running sum passes it: O(n) per
//!   pop. The winner leaves the list by `swap_remove` (order means nothing
//!   in a lottery) and its tickets leave the total: a popped task holds no
//!   tickets until it is pushed again. A Fenwick tree would make the draw
//!   O(log n); with the loop's usual handful of ready tasks the walk wins.
//! - **A seeded xorshift generator**, no dependency: the same seed gives
//!   the same draws, so tests are exactly reproducible. Taking
//!   `random % total` favours low tickets by at most `total / 2⁶⁴`: nothing
//!   a test could ever see.
//!
//! Invariant: `total` is the sum of the tickets in `waiting`.

use runloop::scheduler::{Ready, Schedule, SpawnInfo, TaskId};

/// A lottery among the ready tasks (see the module docs).
#[derive(Debug)]
pub struct Lottery {
    /// Per-task tickets, by `TaskId::index`; 0 for no task.
    tickets: Vec<u16>,
    /// The waiting tasks with the tickets they hold.
    waiting: Vec<(TaskId, u16)>,
    total: u64,
    /// xorshift64 state, never 0.
    state: u64,
}

impl Lottery {
    /// A lottery with a fixed seed.
    pub fn new() -> Lottery {
        Lottery::with_seed(0x9e37_79b9_7f4a_7c15)
    }

    /// A lottery whose draws follow from `seed`.
    pub fn with_seed(seed: u64) -> Lottery {
        Lottery {
            tickets: Vec::new(),
            waiting: Vec::new(),
            total: 0,
            state: seed.max(1), // xorshift never leaves 0
        }
    }

    fn random(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn tickets_of(&self, id: TaskId) -> u16 {
        match self.tickets.get(id.index()) {
            Some(&tickets) if tickets > 0 => tickets,
            _ => 1, // never announced: priority 0
        }
    }
}

impl Default for Lottery {
    fn default() -> Lottery {
        Lottery::new()
    }
}

impl Schedule for Lottery {
    fn push(&mut self, ready: Ready) {
        let tickets = self.tickets_of(ready.id);
        self.waiting.push((ready.id, tickets));
        self.total += u64::from(tickets);
    }

    fn pop(&mut self) -> Option<TaskId> {
        if self.waiting.is_empty() {
            return None;
        }
        let mut ticket = self.random() % self.total;
        let winner = self.waiting.iter().position(|&(_, tickets)| {
            let holds = ticket < u64::from(tickets);
            ticket = ticket.saturating_sub(u64::from(tickets));
            holds
        })?;
        let (id, tickets) = self.waiting.swap_remove(winner);
        self.total -= u64::from(tickets);
        Some(id)
    }

    fn len(&self) -> usize {
        self.waiting.len()
    }

    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        let index = id.index();
        if index >= self.tickets.len() {
            self.tickets.resize(index + 1, 0);
        }
        self.tickets[index] = u16::from(info.priority) + 1;
    }

    fn finished(&mut self, id: TaskId) {
        if let Some(tickets) = self.tickets.get_mut(id.index()) {
            *tickets = 0;
        }
    }

    fn name(&self) -> &'static str {
        "lottery"
    }
}
