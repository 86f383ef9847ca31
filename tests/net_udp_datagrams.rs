//! What makes a datagram socket differ from a stream: a datagram larger
//! than the buffer is truncated (the rest is discarded, no error), an
//! empty datagram is a datagram and not an end, datagrams never merge,
//! and `recv_from` names each sender.
mod common;

use common::with_deadline;
use runloop::net::UdpSocket;
use std::time::Duration;

#[test]
fn a_datagram_larger_than_the_buffer_is_truncated_and_the_next_is_whole() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut receiver = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let mut sender = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let to = receiver.local_addr().unwrap();
            sender.send_to(&[7u8; 1000], to).await.unwrap();
            sender.send_to(b"", to).await.unwrap();
            sender.send_to(b"ab", to).await.unwrap();
            sender.send_to(b"cd", to).await.unwrap();

            let mut small = [0u8; 10];
            let (n, from) = receiver.recv_from(&mut small).await.unwrap();
            assert_eq!(n, 10, "truncated to the buffer");
            assert_eq!(from, sender.local_addr().unwrap());
            let (n, _) = receiver.recv_from(&mut small).await.unwrap();
            assert_eq!(n, 0, "an empty datagram, not an end");
            let (n, _) = receiver.recv_from(&mut small).await.unwrap();
            assert_eq!(&small[..n], b"ab", "the rest of the large one is gone; no merging");
            let (n, _) = receiver.recv_from(&mut small).await.unwrap();
            assert_eq!(&small[..n], b"cd");
        });
    });
}

#[test]
fn an_unconnected_socket_has_no_peer_and_send_needs_one() {
    runloop::run(async {
        let mut socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert_eq!(socket.peer_addr().unwrap_err().kind(), std::io::ErrorKind::NotConnected);
        assert!(socket.send(b"to whom?").await.is_err());
    });
}
