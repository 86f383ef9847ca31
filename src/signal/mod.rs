//! # Signals: an interrupt becomes a readiness event
//!
//! A Unix signal (SIGINT from Ctrl-C, SIGTERM from `kill`, SIGHUP…) can
//! arrive at *any* instant, on *any* thread, in the middle of anything. The
//! loop cannot be asked to "run this callback now": it may be halfway
//! through a poll, holding a `RefCell` borrow of its task table. So a
//! signal is turned into something the loop already knows how to wait for,
//! a readable fd. This is the **self-pipe trick**:
//!
//! ```text
//!   kernel ──SIGINT──► on_signal (any thread, src/sys.rs)
//!                        DELIVERIES[SIGINT] += 1
//!                        write(wake_fd, 1 byte) ──► socket pair ──┐
//!                                                                  │ readable
//!   loop: epoll_wait ◄──────────────────────────────────────────────┘
//!         └─► wake a listener ─► drain the pipe, wake the others
//!             each: DELIVERIES[SIGINT] != my count? ─► recv() is Ready
//! ```
//!
//! asyncio does exactly this: `loop.add_signal_handler(SIGINT, callback)`
//! calls `signal.set_wakeup_fd(self._csock)`, and its selector wakes on the
//! byte. Why the handler itself may do nothing more is explained in
//! `src/sys.rs`, the only place here with `unsafe`.
//!
//! Files, in reading order: `src/sys.rs` (the handler and `sigaction`),
//! `registry.rs` (install on the first listener, restore on the last),
//! `registered_fd.rs` (any fd in the reactor), `driver.rs` (one runtime's
//! read end), then this file: [`signal`], [`Signal::recv`], [`ctrl_c`].
//!
//! ## What a listener sees
//! Every [`Signal`] remembers the delivery count it has seen. `recv()` is
//! ready as soon as the count has moved, and takes the new count: so every
//! listener sees every delivery *at least once after it happened*, and
//! several deliveries between two `recv()`s are **coalesced** into one, as
//! the kernel itself coalesces a signal that is already pending. Deliveries
//! before a listener existed are not reported to it.
//!
//! ## Invariants
//! - Our handler is installed while at least one listener exists in the
//!   process (any runtime), and the previous disposition is restored when
//!   the last goes away (`registry.rs`).
//! - Two runtimes in one process each have their own pipe; the handler
//!   writes to all of them, so both see the signal.
//! - SIGKILL and SIGSTOP cannot be caught, and SIGSEGV, SIGBUS, SIGFPE and
//!   SIGILL mean the program itself is broken: asking for them is an error.
//!
//! ## Dropped futures
//! `recv()` holds nothing but the listener's `&mut`: dropping it at its
//! `.await` loses nothing; a delivery it would have reported is reported by
//! the next `recv()`. Dropping the [`Signal`] itself may restore the old
//! disposition (if it was the last listener).
//!
//! On macOS the same code works (kqueue watches the pipe); a kqueue-only
//! design could use `EVFILT_SIGNAL` instead of a pipe, which reports
//! deliveries as events but does not replace the handler's disposition.

mod driver;
pub(crate) mod registered_fd;
mod registry;

use driver::Driver;
use std::future::{Future, poll_fn};
use std::io;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Which signal to listen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(i32);

impl SignalKind {
    /// SIGINT: Ctrl-C in the terminal.
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }
    /// SIGTERM: the polite "please stop" (`kill PID`, systemd, Docker).
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }
    /// SIGHUP: the terminal went away; daemons take it as "reload".
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }
    /// SIGUSR1: free for the program's own use.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }
    /// SIGUSR2: free for the program's own use.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }
    /// Any signal by number; [`signal`] refuses the ones that cannot or
    /// must not be caught.
    pub const fn from_raw(number: i32) -> SignalKind {
        SignalKind(number)
    }
    /// The signal's number.
    pub const fn as_raw(self) -> i32 {
        self.0
    }

    fn check(self) -> io::Result<()> {
        let forbidden = [
            libc::SIGKILL,
            libc::SIGSTOP,
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGILL,
        ];
        if self.0 <= 0 || self.0 as usize >= crate::sys::SIGNALS || forbidden.contains(&self.0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {} cannot be listened for", self.0),
            ));
        }
        Ok(())
    }
}

/// A stream of deliveries of one signal; see the module notes.
#[doc(alias = "add_signal_handler")]
pub struct Signal {
    kind: SignalKind,
    seen: usize,
    id: usize,
    driver: Rc<Driver>,
}

/// Starts listening for `kind` on the current runtime. From now until the
/// returned [`Signal`] is dropped, the signal no longer has its previous
/// effect (for SIGINT: ending the program); it is reported by
/// [`Signal::recv`] instead.
///
/// # Errors
/// For a signal that cannot be caught (SIGKILL, SIGSTOP) or that means the
/// program is broken (SIGSEGV, SIGBUS, SIGFPE, SIGILL), or when the OS
/// refuses.
///
/// # Panics
/// Outside a runtime.
#[doc(alias = "add_signal_handler")]
#[doc(alias = "set_wakeup_fd")]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    kind.check()?;
    let driver = Driver::current()?;
    registry::acquire(kind.0)?;
    // Read after the handler is installed: every later delivery moves it.
    let seen = crate::sys::deliveries(kind.0);
    let id = driver.join();
    Ok(Signal { kind, seen, id, driver })
}

impl Signal {
    /// Which signal this listens for.
    pub fn kind(&self) -> SignalKind {
        self.kind
    }

    /// Waits for the next delivery (several since the last call count as
    /// one). Fails only if the runtime it was created in is not running.
    pub async fn recv(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll behind [`recv`](Signal::recv).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            // Check the counter *after* any drain: the handler bumps the
            // counter before it writes the byte, so a delivery we miss here
            // leaves a byte in the pipe and a fresh event behind it.
            let now = crate::sys::deliveries(self.kind.0);
            if now != self.seen {
                self.seen = now;
                return Poll::Ready(Ok(()));
            }
            match self.driver.poll_byte(self.id, cx) {
                Poll::Ready(Ok(())) => continue,
                other => return other,
            }
        }
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        self.driver.leave(self.id);
        registry::release(self.kind.0);
    }
}

impl std::fmt::Debug for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signal")
            .field("kind", &self.kind)
            .field("seen", &self.seen)
            .finish()
    }
}

/// Resolves at the next Ctrl-C (SIGINT). Listening starts when this is
/// *called*, not when it is first awaited, so a SIGINT in between is not
/// lost; until the future is dropped, Ctrl-C no longer ends the program.
///
/// # Panics
/// Outside a runtime.
#[doc(alias = "add_signal_handler")]
#[doc(alias = "KeyboardInterrupt")]
pub fn ctrl_c() -> impl Future<Output = io::Result<()>> {
    let listener = signal(SignalKind::interrupt());
    async move { listener?.recv().await }
}

/// Sends `kind` to this process, as `kill -SIG $$` would: the tests' and
/// the tour's way of delivering a signal on purpose.
#[doc(alias = "kill")]
pub fn raise(kind: SignalKind) -> io::Result<()> {
    crate::sys::kill(std::process::id(), kind.0)
}
