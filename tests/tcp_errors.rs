//! Network failures are errors, never hangs or panics.
mod common;

use common::with_deadline;
use runloop::net::{TcpListener, TcpStream};
use std::io::ErrorKind;
use std::time::Duration;

#[test]
fn connecting_to_a_closed_port_is_refused_instead_of_hanging() {
    let error = with_deadline(Duration::from_secs(10), || {
        // Bind and release a port so that nothing listens on it.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        runloop::run(async move { TcpStream::connect(addr).await.unwrap_err() })
    });
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused);
    assert!(
        error.to_string().contains("127.0.0.1"),
        "the error names the address: {error}"
    );
}

#[test]
fn binding_a_port_in_use_is_an_error_naming_the_address() {
    runloop::run(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap();
        let std_listener = std::net::TcpListener::bind(addr);
        assert!(std_listener.is_err(), "the port is taken");
        // mio sets SO_REUSEADDR, which on Linux still refuses a second
        // listener on the same port.
        let error = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::AddrInUse);
        assert!(error.to_string().contains(&addr.to_string()));
    });
}

#[test]
fn a_peer_that_resets_the_connection_gives_connection_reset() {
    use runloop::prelude::*;
    // Closing a socket with unread data in its receive buffer makes the
    // kernel answer with a reset (RST) instead of an orderly FIN.
    let error = with_deadline(Duration::from_secs(10), || {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let peer = std::thread::spawn(move || {
            let (stream, _) = server.accept().unwrap();
            let mut probe = [0u8; 1];
            stream.peek(&mut probe).unwrap(); // data has arrived, unread
            drop(stream);
        });
        runloop::run(async move {
            let mut stream = TcpStream::connect(addr).await.unwrap();
            stream.write_all(b"unread data").await.unwrap();
            peer.join().unwrap();
            let mut buf = [0u8; 16];
            stream.read(&mut buf).await.unwrap_err()
        })
    });
    assert_eq!(error.kind(), ErrorKind::ConnectionReset);
}
