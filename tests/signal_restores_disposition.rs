//! A handler installed and removed many times leaves the process's
//! disposition for the signal as it was. (Its own test binary.)
mod common;

use common::{scaled, with_deadline};
use runloop::signal::{SignalKind, signal};
use std::time::Duration;

fn handler_of(signum: i32) -> libc::sighandler_t {
    // SAFETY: a zeroed sigaction is valid; a null new action only reads.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        assert_eq!(libc::sigaction(signum, std::ptr::null(), &mut old), 0);
        old.sa_sigaction
    }
}

#[test]
fn installing_and_removing_a_thousand_times_restores_the_disposition() {
    let rounds = scaled(1000, 50);
    with_deadline(Duration::from_secs(30), move || {
        let signum = libc::SIGUSR2;
        // Make the disposition something other than the default, so that
        // "restored" cannot pass by accident: ignore it.
        // SAFETY: SIG_IGN is a valid disposition for SIGUSR2.
        unsafe { libc::signal(signum, libc::SIG_IGN) };
        let before = handler_of(signum);
        assert_eq!(before, libc::SIG_IGN);
        runloop::run(async move {
            for _ in 0..rounds {
                let listener = signal(SignalKind::user_defined2()).expect("listen");
                assert_ne!(handler_of(signum), before, "our handler is installed while listening");
                let nested = signal(SignalKind::user_defined2()).expect("listen again");
                drop(listener);
                assert_ne!(handler_of(signum), before, "still installed: one listener left");
                drop(nested);
                assert_eq!(handler_of(signum), before, "restored when the last listener went");
            }
        });
        assert_eq!(handler_of(signum), before);
    });
}
