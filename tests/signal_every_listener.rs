//! SIGUSR1 raised many times: every listener sees it at least once after
//! the last raise, in one runtime and in another on another thread.
//! (Its own test binary: signals are process-wide.)
mod common;

use common::{scaled, with_deadline};
use runloop::signal::{SignalKind, raise, signal};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::{Arc, Barrier};
use std::time::Duration;

#[test]
fn every_listener_sees_sigusr1_after_the_last_raise() {
    let raises = scaled(1000, 50);
    with_deadline(Duration::from_secs(30), move || {
        // A listener on a second runtime, on its own thread.
        let ready = Arc::new(Barrier::new(2));
        let raised = Arc::new(Barrier::new(2));
        let other = {
            let (ready, raised) = (ready.clone(), raised.clone());
            std::thread::spawn(move || {
                runloop::run(async move {
                    let mut listener = signal(SignalKind::user_defined1()).expect("listen");
                    ready.wait();
                    raised.wait();
                    listener.recv().await.expect("recv on the second runtime");
                })
            })
        };
        runloop::run(async move {
            let mut first = signal(SignalKind::user_defined1()).expect("listen");
            let mut second = signal(SignalKind::user_defined1()).expect("listen");
            // A third listener that receives while we raise, counting.
            let seen = Rc::new(Cell::new(0usize));
            let mut busy = signal(SignalKind::user_defined1()).expect("listen");
            let counter = {
                let seen = seen.clone();
                runloop::spawn(async move {
                    while busy.recv().await.is_ok() {
                        seen.set(seen.get() + 1);
                    }
                })
            };
            ready.wait();
            for i in 0..raises {
                raise(SignalKind::user_defined1()).expect("raise");
                if i % 10 == 0 {
                    runloop::yield_now().await;
                }
            }
            raised.wait();
            first.recv().await.expect("first listener");
            second.recv().await.expect("second listener");
            runloop::time::sleep(Duration::from_millis(20)).await;
            let busy_seen = seen.get();
            assert!(busy_seen >= 1, "the busy listener saw nothing");
            assert!(busy_seen <= raises, "more receptions ({busy_seen}) than raises");
            counter.abort();
        });
        other.join().expect("the second runtime's thread");
    });
}

#[test]
fn a_signal_that_cannot_be_caught_is_an_error() {
    runloop::run(async {
        for kind in [
            SignalKind::from_raw(libc::SIGKILL),
            SignalKind::from_raw(libc::SIGSEGV),
            SignalKind::from_raw(0),
            SignalKind::from_raw(999),
        ] {
            let error = signal(kind).expect_err("refused");
            assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
            assert!(error.to_string().contains("cannot be listened for"), "{error}");
        }
    });
}
