//! # The system calls safe Rust cannot make
//!
//! Signals and child processes need a handful of Linux calls that `std`
//! does not wrap: `sigaction` (install a signal handler), `write` from
//! inside that handler, `fcntl(O_NONBLOCK)` on a pipe, `pidfd_open` and
//! `kill`. Each is an `unsafe` foreign call, so they all live here, in the
//! one module besides `src/task/raw.rs` that may say `unsafe`. Everything
//! above this file (`src/signal/`, `src/process/`) is safe code.
//!
//! ## What a signal handler may do
//! A signal interrupts a thread *between any two instructions*: in the
//! middle of `malloc` holding the allocator's lock, halfway through pushing
//! onto a `Vec`, inside a `RefCell` borrow. A handler that allocates, locks
//! a mutex, logs or touches the runtime could deadlock on a lock its own
//! thread already holds, or see a data structure half-updated. POSIX lists
//! the few functions that are *async-signal-safe*; `write` is one of them,
//! and lock-free atomics are safe too. So [`on_signal`] does exactly three
//! things: bump the signal's delivery counter, write one byte to the wake
//! pipe of every runtime that listens, and put `errno` back as it found it.
//! The byte makes the pipe readable; the reactor sees that like any socket
//! and the loop does the real work later, in normal code. This is the
//! **self-pipe trick** (asyncio's `signal.set_wakeup_fd`).
//!
//! ## Wake slots: closing an fd a handler might be writing to
//! Each runtime that listens for signals owns one [`WakeSlot`]: the write
//! end of its wake pipe, published in a fixed table of atomics the handler
//! reads. Dropping a slot must not close the fd while a handler on another
//! thread may still be about to `write` to it (the number could be reused
//! by an unrelated file by then). So the handler counts itself in
//! `IN_HANDLER` around its work, and [`WakeSlot`]'s `drop` first unpublishes
//! the fd and then waits for that count to reach zero before closing: a
//! handler that starts afterwards cannot see the fd, one that started before
//! has finished. The wait is a spin of a few instructions.
//!
//! On macOS none of this would change except `pidfd_open`, which is
//! Linux-only (see `src/process/child.rs`); kqueue could also replace the
//! self-pipe with `EVFILT_SIGNAL`, which reports signals as events.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering::SeqCst};

/// Signal numbers we keep counters for (Linux's are 1..=64).
pub(crate) const SIGNALS: usize = 65;

/// How many runtimes may listen for signals at once.
const WAKE_SLOTS: usize = 64;

/// Per signal number: how many times the handler has run for it.
static DELIVERIES: [AtomicUsize; SIGNALS] = [const { AtomicUsize::new(0) }; SIGNALS];

/// Write ends of the wake pipes of listening runtimes; -1 is a free slot.
static WAKE_FDS: [AtomicI32; WAKE_SLOTS] = [const { AtomicI32::new(-1) }; WAKE_SLOTS];

/// How many handlers are running right now, on any thread.
static IN_HANDLER: AtomicUsize = AtomicUsize::new(0);

/// How many times signal `signum` has been delivered since the process
/// started (while one of our handlers was installed).
pub(crate) fn deliveries(signum: i32) -> usize {
    DELIVERIES.get(signum as usize).map_or(0, |count| count.load(SeqCst))
}

/// The handler. Async-signal-safe: atomics and `write` only, no allocation,
/// no lock, no panic path.
extern "C" fn on_signal(signum: libc::c_int) {
    // SAFETY: `__errno_location` returns this thread's errno, always valid.
    let errno = unsafe { *libc::__errno_location() };
    IN_HANDLER.fetch_add(1, SeqCst);
    if let Some(count) = DELIVERIES.get(signum as usize) {
        count.fetch_add(1, SeqCst);
    }
    for slot in &WAKE_FDS {
        let fd = slot.load(SeqCst);
        if fd >= 0 {
            let byte = 1u8;
            // SAFETY: `fd` is open: a slot's fd is closed only after it is
            // unpublished *and* IN_HANDLER (which counts us) reaches zero.
            // The buffer is one live byte. A full pipe gives EAGAIN
            // (non-blocking), which is fine: a byte is already waiting.
            let _ = unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
        }
    }
    IN_HANDLER.fetch_sub(1, SeqCst);
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}

/// The write end of one runtime's wake pipe, published to the handler
/// for as long as this value lives.
pub(crate) struct WakeSlot {
    index: usize,
    fd: OwnedFd,
}

impl WakeSlot {
    /// Publishes `fd` (a non-blocking writer). Fails if every slot is taken.
    pub(crate) fn publish(fd: OwnedFd) -> io::Result<WakeSlot> {
        for (index, slot) in WAKE_FDS.iter().enumerate() {
            if slot.compare_exchange(-1, fd.as_raw_fd(), SeqCst, SeqCst).is_ok() {
                return Ok(WakeSlot { index, fd });
            }
        }
        Err(io::Error::other(format!(
            "more than {WAKE_SLOTS} runtimes listen for signals at once"
        )))
    }
}

impl Drop for WakeSlot {
    fn drop(&mut self) {
        WAKE_FDS[self.index].store(-1, SeqCst);
        while IN_HANDLER.load(SeqCst) != 0 {
            std::hint::spin_loop();
        }
        // Now `self.fd` closes: no handler can be writing to it.
        let _ = &self.fd;
    }
}

/// What a signal did before we installed our handler, to put back later.
pub(crate) struct Disposition(libc::sigaction);

// SAFETY (for the trait): a `sigaction` is plain data (a handler address,
// flags and a mask); nothing in it is tied to the thread that read it.
unsafe impl Send for Disposition {}

/// Installs [`on_signal`] for `signum`; returns the disposition it replaced.
pub(crate) fn install_handler(signum: i32) -> io::Result<Disposition> {
    // SAFETY: an all-zero `sigaction` is a valid value (SIG_DFL, no flags,
    // empty mask); we fill in the handler, flags and mask, and the kernel
    // reads `new` and writes `old`, both live locals.
    unsafe {
        let mut new: libc::sigaction = std::mem::zeroed();
        new.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SA_RESTART: system calls that other threads are blocked in resume
        // instead of failing with EINTR.
        new.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut new.sa_mask);
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signum, &new, &mut old) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Disposition(old))
    }
}

/// Puts back what [`install_handler`] replaced.
pub(crate) fn restore_handler(signum: i32, old: &Disposition) -> io::Result<()> {
    // SAFETY: `old` is a `sigaction` the kernel filled in; null for the
    // old-value pointer is allowed.
    match unsafe { libc::sigaction(signum, &old.0, std::ptr::null_mut()) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Sends `signum` to process `pid` (ourselves included).
pub(crate) fn kill(pid: u32, signum: i32) -> io::Result<()> {
    let pid = libc::pid_t::try_from(pid).map_err(|_| io::Error::other(format!("{pid} is not a valid pid")))?;
    // SAFETY: `kill` takes two integers and touches no memory of ours.
    match unsafe { libc::kill(pid, signum) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Makes reads and writes on `fd` return `WouldBlock` instead of waiting.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let fd = fd.as_raw_fd();
    // SAFETY: `fd` is borrowed, so open for the duration; F_GETFL/F_SETFL
    // take and return plain integers.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A file descriptor that becomes readable when process `pid` exits
/// (Linux 5.3 and later; older kernels say `ENOSYS`). The caller must
/// not have reaped `pid` yet, or the number may belong to someone else.
pub(crate) fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    // SAFETY: `pidfd_open(pid, flags)` takes two integers and returns a new
    // fd or -1; nothing else owns the fd it returns.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a fresh fd from the kernel, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}
