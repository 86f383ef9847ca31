//! # One runtime's end of the self-pipe
//!
//! Each runtime that listens for signals has one [`Driver`]: a socket
//! pair whose write end is published to the signal handler (a
//! [`WakeSlot`]) and whose read end sits in the reactor. The handler
//! writes a byte; the read end becomes readable; whichever listener the
//! reactor wakes drains the pipe and wakes every other listener of this
//! runtime, and each then compares its signal's delivery counter with the
//! count it saw last. The byte carries no information: it only says "look
//! at the counters".
//!
//! The reactor keeps one reader waker per fd, so only the listener that
//! polled last is stored there; the others wait in `waiters`. When that
//! listener goes away it wakes the others, so one of them takes its place
//! and no delivery finds nobody to wake.
//!
//! A driver lives as long as its listeners (they hold it by `Rc`); the
//! thread remembers it weakly, so the next listener on the same runtime
//! shares it and a new runtime gets a new one.

use super::registered_fd::RegisteredFd;
use crate::reactor::{Direction, Reactor};
use crate::sys::WakeSlot;
use slab::Slab;
use std::cell::RefCell;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

pub(super) struct Driver {
    reader: RegisteredFd,
    waiters: RefCell<Slab<Option<Waker>>>,
    // Declared last: dropped after the reader, which needs no writer.
    _slot: WakeSlot,
}

thread_local! {
    static DRIVER: RefCell<Weak<Driver>> = const { RefCell::new(Weak::new()) };
}

impl Driver {
    /// This runtime's driver, made on first use.
    ///
    /// # Panics
    /// Outside a runtime.
    pub(super) fn current() -> io::Result<Rc<Driver>> {
        let reactor = crate::runtime::current_reactor("runloop::signal::signal");
        if let Some(driver) = DRIVER.with_borrow(Weak::upgrade)
            && driver
                .reader
                .reactor()
                .is_ok_and(|own: Rc<Reactor>| Rc::ptr_eq(&own, &reactor))
        {
            return Ok(driver);
        }
        let (reader, writer) = UnixStream::pair()?;
        writer.set_nonblocking(true)?;
        let driver = Rc::new(Driver {
            reader: RegisteredFd::new(OwnedFd::from(reader), "runloop::signal::signal")?,
            waiters: RefCell::default(),
            _slot: WakeSlot::publish(OwnedFd::from(writer))?,
        });
        DRIVER.with_borrow_mut(|slot| *slot = Rc::downgrade(&driver));
        Ok(driver)
    }

    /// A place in the waiting list for one listener.
    pub(super) fn join(&self) -> usize {
        self.waiters.borrow_mut().insert(None)
    }

    /// The listener `id` goes away: if it was the one stored in the
    /// reactor, someone else must take over, so wake everyone left.
    pub(super) fn leave(&self, id: usize) {
        let _gone = self.waiters.borrow_mut().try_remove(id);
        self.wake_all();
    }

    /// Waits until the pipe has had a byte since the last drain.
    /// `Ready(Ok)`: counters may have moved; look at them again.
    pub(super) fn poll_byte(&self, id: usize, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let replaced = self
            .waiters
            .borrow_mut()
            .get_mut(id)
            .map(|slot| slot.replace(cx.waker().clone()));
        drop(replaced); // outside the borrow
        loop {
            match self.reader.poll_ready(Direction::Read, cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Ready(Ok(())) => {}
            }
            match self.reader.drain() {
                Ok(0) => continue, // spurious: readiness is cleared now
                Ok(_) => {
                    self.wake_all();
                    return Poll::Ready(Ok(()));
                }
                Err(error) => return Poll::Ready(Err(error)),
            }
        }
    }

    fn wake_all(&self) {
        let wakers: Vec<Waker> = self
            .waiters
            .borrow_mut()
            .iter_mut()
            .filter_map(|(_, w)| w.take())
            .collect();
        for waker in wakers {
            waker.wake();
        }
    }
}
