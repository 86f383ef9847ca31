//! An event for a socket that has been closed never reaches the socket
//! that took its place in the reactor's table. Sockets are closed and
//! reopened over and over; the new one lands in the freed slot (the table
//! reuses the slot freed last), a task waits on it, and an event carrying
//! the old socket's token is put in the same batch as the new socket's
//! events. The generation packed into the token must make the reactor drop
//! it. Real events must still reach the new socket, and a false event for
//! the new socket itself must cost nothing but a retry.
//!
//! On Linux a closed socket's events never come back from epoll, and the
//! loop dispatches a whole batch before any task runs, so the stale event
//! is injected (`src/net/fault.rs`) into a real batch, through the same
//! dispatch code as the kernel's events.
mod common;

use common::{counting_waker, next_turn, poll_with, with_deadline};
use runloop::net::{Injected, TcpListener, TcpStream};
use runloop::prelude::*;
use std::time::Duration;

/// Open/close cycles in the listener test; a twentieth of that with
/// connections (each cycle opens two). Full size in release builds
/// (`.ci/run` runs this file with `--release`): about 4 s. Debug builds,
/// the plain `cargo test`, run a fifth, since the full size takes 11 s
/// there.
const CYCLES: usize = if cfg!(debug_assertions) { 20_000 } else { 100_000 };

#[test]
fn listeners_reopened_in_a_freed_slot_never_get_the_closed_ones_events() {
    let (cycles, accepted, spurious) = with_deadline(Duration::from_secs(300), || {
        runloop::run(async {
            let (mut accepted, mut spurious) = (0, 0);
            for cycle in 0..CYCLES {
                let old = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let stale = old.readiness_injector();
                drop(old);
                let mut fresh = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let own = fresh.readiness_injector();
                let addr = fresh.local_addr().unwrap();
                assert_eq!(own.slot(), stale.slot(), "cycle {cycle}: the slot was reused");

                // A task waits to accept on the new socket...
                let (counter, waker) = counting_waker();
                let mut accept = Box::pin(fresh.accept());
                assert!(poll_with(&mut accept, &waker).is_pending());
                // ...while the old socket's events arrive in a batch.
                stale.inject(Injected::Everything);
                stale.inject(Injected::Readable);
                next_turn().await;
                assert_eq!(
                    counter.wakes(),
                    0,
                    "cycle {cycle}: a closed socket's event woke its successor"
                );

                if cycle % 10 == 0 {
                    // A false event for the new socket itself: one retry.
                    own.inject(Injected::Readable);
                    next_turn().await;
                    assert_eq!(counter.wakes(), 1, "cycle {cycle}: its own event reached it");
                    assert!(
                        poll_with(&mut accept, &waker).is_pending(),
                        "cycle {cycle}: nothing to accept"
                    );
                    spurious += 1;
                }
                if cycle % 100 == 0 {
                    // A real connection still reaches the new socket.
                    let client = std::net::TcpStream::connect(addr).unwrap();
                    let (_, peer) = accept.await.unwrap();
                    assert_eq!(peer, client.local_addr().unwrap());
                    accepted += 1;
                }
            }
            (CYCLES, accepted, spurious)
        })
    });
    eprintln!("{cycles} cycles, {accepted} real accepts, {spurious} false events for the new tenant");
}

#[test]
fn connections_reopened_in_a_freed_slot_get_their_own_bytes_and_no_others_events() {
    let cycles = CYCLES / 20;
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    server.set_nonblocking(true).unwrap();
    let addr = server.local_addr().unwrap();
    with_deadline(Duration::from_secs(300), move || {
        runloop::run(async move {
            let accept = || loop {
                match server.accept() {
                    Ok((stream, _)) => return stream,
                    Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => std::thread::yield_now(),
                    Err(error) => panic!("accept: {error}"),
                }
            };
            for cycle in 0..cycles {
                // The old connection has bytes waiting, and an event for them.
                let old = TcpStream::connect(addr).await.unwrap();
                let mut old_peer = accept();
                std::io::Write::write_all(&mut old_peer, b"for the old one").unwrap();
                let stale = old.readiness_injector();
                drop(old);
                let mut fresh = TcpStream::connect(addr).await.unwrap();
                let mut fresh_peer = accept();
                assert_eq!(fresh.readiness_injector().slot(), stale.slot(), "cycle {cycle}");

                let (counter, waker) = counting_waker();
                let mut buf = [0u8; 32];
                let mut read = Box::pin(fresh.read(&mut buf));
                assert!(poll_with(&mut read, &waker).is_pending());
                stale.inject(Injected::Everything);
                next_turn().await;
                assert_eq!(
                    counter.wakes(),
                    0,
                    "cycle {cycle}: the old connection's event woke the new one"
                );

                let message = format!("for cycle {cycle}");
                std::io::Write::write_all(&mut fresh_peer, message.as_bytes()).unwrap();
                while counter.wakes() == 0 {
                    next_turn().await; // until loopback delivers it
                }
                assert_eq!(counter.wakes(), 1, "cycle {cycle}: woken once, by its own event");
                let std::task::Poll::Ready(result) = poll_with(&mut read, &waker) else {
                    panic!("cycle {cycle}: woken, but nothing to read");
                };
                let n = result.unwrap();
                drop(read);
                assert_eq!(&buf[..n], message.as_bytes(), "cycle {cycle}");
            }
        });
    });
}
