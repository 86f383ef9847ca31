//! # I/O sources: readiness, waiters, and tokens that cannot go stale
//!
//! Every socket registered with the reactor gets a slot here, holding what
//! the last events said about it (its *readiness*) and the wakers of the
//! tasks waiting to read and to write it. asyncio keeps the same thing in
//! its selector's key table, with `add_reader`/`add_writer` callbacks where
//! we keep wakers.
//!
//! ## Tokens carry a generation
//! mio reports events by `Token`, a number we chose at registration. Slots
//! are reused, so a plain slot number is dangerous: close socket A in slot 3,
//! open socket B in slot 3, and an event for A still sitting in the same
//! `epoll_wait` batch would be delivered to B's task (the ABA problem). The
//! token therefore packs the slot with the slot's *generation*, bumped on
//! every registration; an event whose generation does not match is dropped.
//!
//! ## Edge-triggered readiness, done right
//! mio is edge-triggered: it reports a change once, not a state over and
//! over. So the rules are:
//! - an event *sets* readiness bits; only a `WouldBlock` from the kernel
//!   *clears* them (for that direction), because only the kernel knows the
//!   buffer is drained;
//! - an operation is retried until it returns `WouldBlock` before the task
//!   waits, since no new edge will come while data is still buffered;
//! - an event that turns out to be spurious costs one `WouldBlock` and is
//!   otherwise harmless.
//!
//! ## The lost-wakeup race, and where we avoid it
//! [`IoSlots::poll_ready`] stores the task's waker *before* it looks at the
//! readiness bits. Done the other way round ("not ready… now store the
//! waker"), an event landing between the look and the store would find no
//! waker to wake and be lost forever: the classic bug of reactors that run on
//! their own thread. On our single loop thread events are only recorded in
//! the reactor phase, never during a poll, so the window cannot open here;
//! we keep the safe order anyway, so that the code stays right if you move
//! the reactor to another thread in an exercise.
//!
//! ## Looking without touching
//! [`IoSlots::sockets`] lists every slot for the inspect mode
//! (`src/observe/inspect.rs`): its key, readiness, and the *address* each
//! stored waker points at (`Waker::data`), which the runtime matches
//! against its tasks to name who waits. It clones no waker and changes
//! nothing. Logs print a key decoded, `slot 3 gen 7`, never the packed
//! token.

use mio::Token;
use slab::Slab;
use std::fmt;
use std::task::{Context, Poll, Waker};

/// Readiness bits, as the last events reported them.
pub(crate) type Readiness = u8;
pub(crate) const READABLE: Readiness = 0b0_0001;
pub(crate) const WRITABLE: Readiness = 0b0_0010;
pub(crate) const READ_CLOSED: Readiness = 0b0_0100;
pub(crate) const WRITE_CLOSED: Readiness = 0b0_1000;
pub(crate) const ERROR: Readiness = 0b1_0000;

/// One direction of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// The bits that mean "an operation in this direction will not block":
    /// it will make progress, reach end-of-stream, or report an error.
    fn mask(self) -> Readiness {
        match self {
            Direction::Read => READABLE | READ_CLOSED | ERROR,
            Direction::Write => WRITABLE | WRITE_CLOSED | ERROR,
        }
    }
}

/// A registered source's place in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IoKey {
    slot: usize,
    generation: u32,
}

/// How a token packs slot and generation: half the bits each (32 + 32 on a
/// 64-bit machine, 16 + 16 on a 32-bit one). A slot must fit its half, and
/// the all-ones slot is never used, so no token equals the doorbell's
/// (`usize::MAX`); registering more sockets than that fails with an error.
const SLOT_BITS: u32 = usize::BITS / 2;
const SLOT_MASK: usize = (1 << SLOT_BITS) - 1;

impl IoKey {
    /// Where the source lives in the table; reused after it is removed.
    #[cfg(feature = "fault-injection")]
    pub(crate) fn slot(self) -> usize {
        self.slot
    }

    pub(crate) fn token(self) -> Token {
        Token(self.slot | ((self.generation as usize & SLOT_MASK) << SLOT_BITS))
    }

    fn from_token(token: Token) -> IoKey {
        IoKey {
            slot: token.0 & SLOT_MASK,
            generation: (token.0 >> SLOT_BITS) as u32,
        }
    }
}

/// Keys print decoded, `slot 3 gen 7`: a packed token such as
/// `Token(30064771075)` says nothing to a reader.
impl fmt::Display for IoKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "slot {} gen {}", self.slot, self.generation)
    }
}

/// One registered socket as [`IoSlots::sockets`] shows it: read-only facts,
/// for the inspect mode.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SocketState {
    pub(crate) key: IoKey,
    readiness: Readiness,
    /// The address the waiting reader's waker points at (`Waker::data`).
    pub(crate) reader: Option<usize>,
    /// The same for the waiting writer.
    pub(crate) writer: Option<usize>,
}

impl SocketState {
    /// The readiness bits the last events left, in words ("readable",
    /// "writable", "read closed", "write closed", "error").
    pub(crate) fn readiness(&self) -> Vec<&'static str> {
        [
            (READABLE, "readable"),
            (WRITABLE, "writable"),
            (READ_CLOSED, "read closed"),
            (WRITE_CLOSED, "write closed"),
            (ERROR, "error"),
        ]
        .into_iter()
        .filter(|&(bit, _)| self.readiness & bit != 0)
        .map(|(_, word)| word)
        .collect()
    }
}

struct IoSlot {
    generation: u32,
    readiness: Readiness,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

/// The table of registered sources.
#[derive(Default)]
pub(crate) struct IoSlots {
    slots: Slab<IoSlot>,
    next_generation: u32,
}

impl IoSlots {
    pub(crate) fn insert(&mut self) -> std::io::Result<IoKey> {
        let entry = self.slots.vacant_entry();
        let slot = entry.key();
        if slot >= SLOT_MASK {
            return Err(std::io::Error::other(format!(
                "the reactor cannot tell more than {SLOT_MASK} sockets apart"
            )));
        }
        // Generations are cut to fit the token; wrapping is fine, a stale
        // event only has to differ from the slot's current tenant.
        self.next_generation = self.next_generation.wrapping_add(1) & (SLOT_MASK as u32);
        let generation = self.next_generation;
        entry.insert(IoSlot {
            generation,
            readiness: 0,
            reader: None,
            writer: None,
        });
        Ok(IoKey { slot, generation })
    }

    /// Forgets a source. Its pending waiters are not woken: only the owner of
    /// the source deregisters it, so nobody else is waiting on it. They are
    /// handed back instead of dropped here, because a waker's drop is foreign
    /// code that may drop another socket: the caller drops them once its
    /// borrow of this table has ended.
    #[must_use = "drop the waiters after releasing the borrow of the table"]
    pub(crate) fn remove(&mut self, key: IoKey) -> [Option<Waker>; 2] {
        if self.get_mut(key).is_none() {
            return [None, None];
        }
        let slot = self.slots.remove(key.slot);
        [slot.reader, slot.writer]
    }

    /// Every registered socket, in slot order, for the inspect mode.
    pub(crate) fn sockets(&self) -> Vec<SocketState> {
        self.slots
            .iter()
            .map(|(slot, entry)| SocketState {
                key: IoKey {
                    slot,
                    generation: entry.generation,
                },
                readiness: entry.readiness,
                reader: entry.reader.as_ref().map(|waker| waker.data() as usize),
                writer: entry.writer.as_ref().map(|waker| waker.data() as usize),
            })
            .collect()
    }

    fn get_mut(&mut self, key: IoKey) -> Option<&mut IoSlot> {
        self.slots
            .get_mut(key.slot)
            .filter(|slot| slot.generation == key.generation)
    }

    /// The readiness bits an event from the poller reports.
    pub(crate) fn readiness_of(event: &mio::event::Event) -> Readiness {
        let mut bits = 0;
        if event.is_readable() {
            bits |= READABLE;
        }
        if event.is_writable() {
            bits |= WRITABLE;
        }
        if event.is_read_closed() {
            bits |= READ_CLOSED;
        }
        if event.is_write_closed() {
            bits |= WRITE_CLOSED;
        }
        if event.is_error() {
            bits |= ERROR;
        }
        bits
    }

    /// Records an event (`bits` for `token`) and collects the wakers of the
    /// tasks it concerns. Events for a slot that has since been reused are
    /// ignored.
    pub(crate) fn dispatch(&mut self, token: Token, bits: Readiness, wake: &mut Vec<Waker>) {
        let Some(slot) = self.get_mut(IoKey::from_token(token)) else {
            log::trace!(target: "runloop::reactor::io", "stale event for {} ignored", IoKey::from_token(token));
            return;
        };
        slot.readiness |= bits;
        if bits & Direction::Read.mask() != 0 {
            wake.extend(slot.reader.take());
        }
        if bits & Direction::Write.mask() != 0 {
            wake.extend(slot.writer.take());
        }
    }

    /// `Ready` if the last events say an operation in `direction` will not
    /// block; otherwise the task's waker is kept and woken by the next event.
    /// A source that is no longer registered reports ready, so the operation
    /// runs and returns the real error instead of waiting forever.
    ///
    /// A waker this replaces is handed back, not dropped: its drop is foreign
    /// code (it may drop another socket of this reactor), so the caller drops
    /// it once its borrow of this table has ended.
    pub(crate) fn poll_ready(
        &mut self,
        key: IoKey,
        direction: Direction,
        cx: &mut Context<'_>,
    ) -> (Poll<()>, Option<Waker>) {
        let Some(slot) = self.get_mut(key) else {
            return (Poll::Ready(()), None);
        };
        // Store first, then look: see "The lost-wakeup race" above.
        let waiter = match direction {
            Direction::Read => &mut slot.reader,
            Direction::Write => &mut slot.writer,
        };
        let replaced = match waiter {
            Some(stored) if stored.will_wake(cx.waker()) => None,
            _ => waiter.replace(cx.waker().clone()),
        };
        let ready = match slot.readiness & direction.mask() != 0 {
            true => Poll::Ready(()),
            false => Poll::Pending,
        };
        (ready, replaced)
    }

    /// The kernel said `WouldBlock`: whatever the last event claimed, this
    /// direction is not ready now. A new edge will set it again.
    pub(crate) fn forget_after_would_block(&mut self, key: IoKey, direction: Direction) {
        if let Some(slot) = self.get_mut(key) {
            slot.readiness &= !direction.mask();
        }
    }

    /// A stream read returned less than it asked for, so the kernel's
    /// receive buffer is empty: forget `READABLE` now instead of paying a
    /// read that can only say `WouldBlock`. Data arriving after that read
    /// raises a new edge, since it is new. `READ_CLOSED` and `ERROR` stay:
    /// their edges have come and will not come again, and an end-of-stream
    /// queued behind the data is still to be read. (tokio does the same.)
    pub(crate) fn forget_readable_after_short_read(&mut self, key: IoKey) {
        if let Some(slot) = self.get_mut(key) {
            slot.readiness &= !READABLE;
        }
    }
}
