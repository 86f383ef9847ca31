//! # The reactor: where the loop waits
//!
//! The reactor is the part of the event loop that talks to the operating
//! system. It owns one `mio::Poll` (epoll on Linux, kqueue on the BSDs and
//! macOS) and answers one question per turn: *what happened while we were
//! waiting?* It turns the answer into wakes:
//!
//! - socket readiness events wake the tasks waiting on those sockets
//!   (`io.rs`);
//! - expired deadlines wake the tasks sleeping on them (a [`TimerQueue`],
//!   `timer_queue.rs`; by default the heap in `timer_heap.rs`);
//! - the doorbell (a `mio::Waker`) says another thread posted wakes in the
//!   runtime's inbox.
//!
//! asyncio calls this `BaseSelectorEventLoop`: its `_run_once` computes a
//! timeout from the timer heap, calls `selector.select(timeout)`, and turns
//! events and expired timers into ready callbacks. The reactor never polls a
//! future; it only decides who is ready. The loop in `src/runtime/` does the
//! polling.
//!
//! Invariants: the reactor's tables are borrowed only inside its own methods
//! and never while a waker is woken (wakers are collected first and woken
//! after every borrow is released) or dropped (a waker replaced by a newer
//! one, or left behind by a socket that goes away, is handed out of the
//! table and dropped after the borrow), so code that runs inside a wake or a
//! waker's destructor can safely call back into the reactor. Timer queues hand
//! back every waker they let go of for the same reason (`timer_queue.rs`).
//!
//! For the inspect mode the reactor also answers two questions without
//! changing anything: which timers are pending ([`Reactor::pending_timers`])
//! and which sockets are registered, with who waits on them
//! ([`Reactor::sockets`]). Waiters are given as the address a waker points
//! at; the runtime knows which task lives there. Its log lines start with
//! the runtime's label and print socket keys decoded (`slot 3 gen 7`).

mod io;
mod timer_heap;
mod timer_queue;

pub(crate) use io::{Direction, IoKey, SocketState};
#[cfg(feature = "fault-injection")]
pub(crate) use io::{ERROR, READ_CLOSED, READABLE, Readiness, WRITABLE, WRITE_CLOSED};
pub use timer_heap::TimerHeap;
pub use timer_queue::{TimerKey, TimerPoll, TimerQueue};

use io::IoSlots;
use mio::event::Source;
use mio::{Events, Interest, Poll, Token};
use std::cell::{Cell, RefCell};
use std::io as stdio;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

const LOG: &str = "runloop::reactor";

/// The doorbell's token. Never a valid I/O token (see `io.rs`).
pub(crate) const DOORBELL: Token = Token(usize::MAX);

/// What one wait for events found.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitOutcome {
    /// When the wait ended (the clock the timers were checked against).
    pub(crate) at: Instant,
    /// I/O events received (not counting the doorbell).
    pub(crate) io_events: usize,
    /// Timers whose deadline passed.
    pub(crate) timers_fired: usize,
    /// Another thread rang: the runtime's inbox has wakes in it.
    pub(crate) doorbell: bool,
}

/// One per runtime: the poller, the registered sources and the timers.
pub(crate) struct Reactor {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    io: RefCell<IoSlots>,
    timers: RefCell<Box<dyn TimerQueue>>,
    /// The time read right after the last wait. Never later than the real
    /// time, so "deadline ≤ now" is a safe test for "has expired".
    now: Cell<Instant>,
    /// Wakers collected during a wait, woken once every borrow is released.
    to_wake: RefCell<Vec<Waker>>,
    /// Events made up by tests (`src/net/fault.rs`), dispatched with the
    /// next batch as if the poller had reported them.
    #[cfg(feature = "fault-injection")]
    injected: RefCell<Vec<(Token, Readiness)>>,
    /// The runtime's label, for log lines.
    label: std::rc::Rc<str>,
}

impl Reactor {
    pub(crate) fn new(
        poll: Poll,
        event_capacity: usize,
        timers: Box<dyn TimerQueue>,
        label: std::rc::Rc<str>,
    ) -> Reactor {
        Reactor {
            poll: RefCell::new(poll),
            events: RefCell::new(Events::with_capacity(event_capacity)),
            io: RefCell::default(),
            timers: RefCell::new(timers),
            now: Cell::new(Instant::now()),
            to_wake: RefCell::default(),
            #[cfg(feature = "fault-injection")]
            injected: RefCell::default(),
            label,
        }
    }

    /// Waits for events for at most `timeout` (`None`: until something
    /// happens), then wakes every task that the events and expired timers
    /// concern. The only place where the loop sleeps.
    pub(crate) fn wait(&self, timeout: Option<Duration>) -> WaitOutcome {
        let mut to_wake = self.to_wake.take();
        #[cfg(feature = "fault-injection")]
        let timeout = self.no_sleep_if_injected(timeout);
        let (io_events, doorbell) = self.poll_events(timeout, &mut to_wake);
        let at = Instant::now();
        self.now.set(at);
        let timers_fired = self.timers.borrow_mut().fire_expired(at, &mut to_wake);
        log::trace!(
            target: LOG,
            "{}: waited {timeout:?}: {io_events} I/O events, {timers_fired} timers fired{}",
            self.label,
            if doorbell { ", doorbell rang" } else { "" }
        );
        for waker in to_wake.drain(..) {
            waker.wake();
        }
        *self.to_wake.borrow_mut() = to_wake;
        WaitOutcome {
            at,
            io_events,
            timers_fired,
            doorbell,
        }
    }

    /// Sleeps in `epoll_wait`, then hands each event to the slot its token
    /// names. Returns how many I/O events came, and whether the doorbell rang.
    fn poll_events(&self, timeout: Option<Duration>, to_wake: &mut Vec<Waker>) -> (usize, bool) {
        let mut events = self.events.borrow_mut();
        if let Err(error) = self.poll.borrow_mut().poll(&mut events, timeout) {
            // EINTR: a signal arrived. Treat it as a wait that found nothing.
            if error.kind() != stdio::ErrorKind::Interrupted {
                panic!("the reactor could not wait for events: {error}");
            }
        }
        let mut io = self.io.borrow_mut();
        let (mut io_events, mut doorbell) = (0, false);
        for event in events.iter() {
            if event.token() == DOORBELL {
                doorbell = true;
            } else {
                io_events += 1;
                io.dispatch(event.token(), IoSlots::readiness_of(event), to_wake);
            }
        }
        #[cfg(feature = "fault-injection")]
        for (token, bits) in self.injected.take() {
            io_events += 1;
            io.dispatch(token, bits, to_wake);
        }
        (io_events, doorbell)
    }

    /// How long the loop may sleep: until the nearest deadline, or forever
    /// if there is none.
    pub(crate) fn time_to_next_timer(&self) -> Option<Duration> {
        let deadline = self.timers.borrow_mut().next_deadline()?;
        Some(deadline.saturating_duration_since(Instant::now()))
    }

    /// The time read after the last wait; see [`Reactor::now`]'s field.
    pub(crate) fn now(&self) -> Instant {
        self.now.get()
    }

    // ----- I/O sources -------------------------------------------------

    /// Registers a source for both directions, edge-triggered.
    pub(crate) fn register(&self, source: &mut impl Source) -> stdio::Result<IoKey> {
        let key = self.io.borrow_mut().insert()?;
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(error) = self.poll.borrow().registry().register(source, key.token(), interest) {
            let _no_waiters_yet = self.io.borrow_mut().remove(key);
            return Err(error);
        }
        log::trace!(target: LOG, "{}: registered socket {key}", self.label);
        Ok(key)
    }

    pub(crate) fn deregister(&self, source: &mut impl Source, key: IoKey) {
        let waiters = self.io.borrow_mut().remove(key);
        drop(waiters); // outside the borrow: a waker's drop is foreign code
        // The fd is about to be closed, which removes it from epoll anyway;
        // an error here changes nothing.
        let _ = self.poll.borrow().registry().deregister(source);
        log::trace!(target: LOG, "{}: deregistered socket {key}", self.label);
    }

    pub(crate) fn poll_ready(&self, key: IoKey, direction: Direction, cx: &mut Context<'_>) -> std::task::Poll<()> {
        let (ready, replaced) = self.io.borrow_mut().poll_ready(key, direction, cx);
        drop(replaced); // outside the borrow: a waker's drop is foreign code
        ready
    }

    /// The kernel said `WouldBlock`: see `IoSlots::forget_after_would_block`.
    pub(crate) fn forget_after_would_block(&self, key: IoKey, direction: Direction) {
        self.io.borrow_mut().forget_after_would_block(key, direction);
    }

    /// A short read drained the socket: see
    /// `IoSlots::forget_readable_after_short_read`.
    pub(crate) fn forget_readable_after_short_read(&self, key: IoKey) {
        self.io.borrow_mut().forget_readable_after_short_read(key);
    }

    /// Queues a made-up event for `token`, reported with the next batch
    /// (test support: `src/net/fault.rs`).
    #[cfg(feature = "fault-injection")]
    pub(crate) fn inject(&self, token: Token, bits: Readiness) {
        self.injected.borrow_mut().push((token, bits));
    }

    /// Injected events are already here: do not sleep before reporting them.
    #[cfg(feature = "fault-injection")]
    fn no_sleep_if_injected(&self, timeout: Option<Duration>) -> Option<Duration> {
        if self.injected.borrow().is_empty() {
            timeout
        } else {
            Some(Duration::ZERO)
        }
    }

    /// Every registered socket, its readiness and who waits on it (for the
    /// inspect mode; read-only).
    pub(crate) fn sockets(&self) -> Vec<SocketState> {
        self.io.borrow().sockets()
    }

    // ----- timers ------------------------------------------------------

    /// How many timers are pending, and up to `limit` of them nearest
    /// first, each with the address its waker points at (for the inspect
    /// mode; read-only). A queue that cannot list its timers shows its
    /// nearest deadline alone.
    pub(crate) fn pending_timers(&self, limit: usize) -> (usize, Vec<(Instant, Option<usize>)>) {
        let mut timers = self.timers.borrow_mut();
        let mut upcoming = Vec::new();
        timers.upcoming(limit, &mut |deadline, waker| {
            upcoming.push((deadline, waker.map(|waker| waker.data() as usize)));
        });
        if upcoming.is_empty() && limit > 0 {
            upcoming.extend(timers.next_deadline().map(|deadline| (deadline, None)));
        }
        (timers.len(), upcoming)
    }

    pub(crate) fn insert_timer(&self, deadline: Instant, waker: Waker) -> TimerKey {
        self.timers.borrow_mut().insert(deadline, waker)
    }

    pub(crate) fn poll_timer(&self, key: TimerKey, cx: &mut Context<'_>) -> std::task::Poll<()> {
        // The statement ends the borrow; a replaced waker is dropped after it.
        let polled = self.timers.borrow_mut().poll(key, cx);
        match polled {
            TimerPoll::Fired => std::task::Poll::Ready(()),
            TimerPoll::Waiting(_replaced) => std::task::Poll::Pending,
        }
    }

    pub(crate) fn remove_timer(&self, key: TimerKey) {
        // Dropped after the borrow ends, like a replaced waker above.
        let _removed = self.timers.borrow_mut().remove(key);
    }
}
