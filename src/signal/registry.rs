//! # Who listens for which signal, process-wide
//!
//! A signal's disposition belongs to the whole process, not to a runtime:
//! two runtimes on two threads that both listen for SIGINT share one
//! handler. This table counts listeners per signal across every runtime.
//! The first listener installs our handler and keeps the disposition it
//! replaced; the last one to go puts that disposition back, so a program
//! that stops listening gets its old Ctrl-C behaviour (usually: die).
//!
//! The table is behind a `Mutex` because listeners come and go on any
//! thread. The handler never touches it (a handler must not lock, see
//! `src/sys.rs`); it only reads the atomics there.
//!
//! A delivery that arrives in the instant between "last listener gone" and
//! "old disposition back" is counted and dropped, like one that arrives
//! while nobody listens; after the restore, the old disposition handles
//! signals as it did before.

use crate::sys::{self, Disposition};
use std::io;
use std::sync::Mutex;

struct Entry {
    listeners: usize,
    saved: Option<Disposition>,
}

static TABLE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn with_table<R>(body: impl FnOnce(&mut Vec<Entry>) -> R) -> R {
    // A panic while holding this lock can only come from a bug here; the
    // counts are still meaningful, so keep going with them.
    let mut table = TABLE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if table.is_empty() {
        table.extend((0..sys::SIGNALS).map(|_| Entry {
            listeners: 0,
            saved: None,
        }));
    }
    body(&mut table)
}

/// One more listener for `signum`: installs the handler if it is the first.
pub(super) fn acquire(signum: i32) -> io::Result<()> {
    with_table(|table| {
        let entry = &mut table[signum as usize];
        if entry.listeners == 0 {
            entry.saved = Some(sys::install_handler(signum)?);
        }
        entry.listeners += 1;
        Ok(())
    })
}

/// One listener fewer: the last one restores the previous disposition.
pub(super) fn release(signum: i32) {
    with_table(|table| {
        let entry = &mut table[signum as usize];
        entry.listeners -= 1;
        if entry.listeners == 0
            && let Some(saved) = entry.saved.take()
            && let Err(error) = sys::restore_handler(signum, &saved)
        {
            log::error!(target: "runloop::signal", "could not restore signal {signum}'s handler: {error}");
        }
    })
}
