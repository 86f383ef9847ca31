//! Sockets and sleeps belong to a runtime: used elsewhere, they say so or
//! move, instead of waiting on a reactor that nobody runs.
mod common;

use common::with_deadline;
use runloop::net::TcpStream;
use runloop::prelude::*;
use runloop::time::{sleep, timeout};
use std::time::{Duration, Instant};

#[test]
fn a_socket_used_after_its_runtime_is_dropped_fails_with_a_clear_error() {
    let error = with_deadline(Duration::from_secs(10), || {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let mut stream = runloop::run(TcpStream::connect(addr)).unwrap(); // that runtime is gone now
        runloop::run(async move { stream.read(&mut [0u8; 8]).await.unwrap_err() })
    });
    assert!(error.to_string().contains("has been dropped"), "got: {error}");
}

#[test]
fn a_socket_polled_by_another_running_runtime_fails_with_a_clear_error() {
    let error = with_deadline(Duration::from_secs(10), || {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let home = runloop::Runtime::new().unwrap();
        let mut stream = home.block_on(TcpStream::connect(addr)).unwrap();
        let other = runloop::Runtime::new().unwrap();
        let error = other.block_on(async move { stream.write_all(b"x").await.unwrap_err() });
        drop(home);
        error
    });
    assert!(
        error.to_string().contains("cannot move between runtimes"),
        "got: {error}"
    );
}

#[test]
fn a_sleep_first_polled_in_one_runtime_finishes_in_another() {
    let waited = with_deadline(Duration::from_secs(10), || {
        let start = Instant::now();
        let mut nap = Box::pin(sleep(Duration::from_millis(50)));
        // Registered with the first runtime's timer heap...
        let early = runloop::run(timeout(Duration::from_millis(1), nap.as_mut()));
        assert!(early.is_err());
        // ...which is gone; the second runtime must still wake it.
        runloop::run(nap);
        start.elapsed()
    });
    assert!(waited >= Duration::from_millis(50));
}

#[test]
fn a_sleep_moved_between_two_live_runtimes_fires_once_in_the_second() {
    let waited = with_deadline(Duration::from_secs(10), || {
        let first = runloop::Runtime::new().unwrap();
        let second = runloop::Runtime::new().unwrap();
        let start = Instant::now();
        let mut nap = Box::pin(sleep(Duration::from_millis(30)));
        assert!(first.block_on(timeout(Duration::from_millis(1), nap.as_mut())).is_err());
        second.block_on(nap);
        start.elapsed()
    });
    assert!(waited >= Duration::from_millis(30));
}
