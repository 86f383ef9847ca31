//! Property: the shortcut that lets a keep-alive GET cost three system
//! calls (a read shorter than its buffer means the socket is drained, so
//! `READABLE` is forgotten without a read that would say `WouldBlock`)
//! never loses data or an end-of-stream.

mod http_common;

use std::io::Write;
use std::time::Duration;

use http_common::on_loop;
use runloop::net::TcpStream;
use runloop::prelude::*;

/// A peer that writes `pieces` with `pause` between them, then closes.
fn peer(pieces: &'static [&'static [u8]], pause: Duration) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        for piece in pieces {
            std::thread::sleep(pause);
            stream.write_all(piece).unwrap();
        }
    });
    addr
}

/// Everything the peer sends, read in `size`-byte reads, as the reads saw it.
fn read_all(addr: std::net::SocketAddr, size: usize) -> Vec<Vec<u8>> {
    on_loop(move || async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let mut reads = Vec::new();
        let mut buf = vec![0; size];
        loop {
            match stream.read(&mut buf).await.unwrap() {
                0 => return reads,
                n => reads.push(buf[..n].to_vec()),
            }
        }
    })
}

#[test]
fn data_arriving_after_a_short_read_still_wakes_the_reader() {
    let addr = peer(&[b"first", b"second", b"third"], Duration::from_millis(30));
    let reads = read_all(addr, 1024);
    assert_eq!(reads.concat(), b"firstsecondthird");
    assert_eq!(reads.len(), 3, "each piece was a separate, short read: {reads:?}");
}

#[test]
fn an_end_of_stream_queued_behind_the_data_is_still_seen() {
    // The data and the close arrive together, in one readiness event; the
    // short read that takes the data must not forget the close behind it.
    let addr = peer(&[b"all at once"], Duration::ZERO);
    std::thread::sleep(Duration::from_millis(50)); // let the data and the FIN land first
    assert_eq!(read_all(addr, 1024).concat(), b"all at once");
}

#[test]
fn full_reads_keep_reading_without_waiting() {
    let addr = peer(&[b"0123456789"], Duration::ZERO);
    let reads = read_all(addr, 4);
    assert_eq!(reads.concat(), b"0123456789");
}
