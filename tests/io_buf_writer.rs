//! `BufWriter` gathers small writes into few large ones, keeps the order
//! of bytes when a large write goes straight through, and resumes a
//! flush that stopped half-way — or whose future was dropped — without
//! sending a byte twice.
mod io_common;

use io_common::Trickle;
use io_common::common::with_deadline;
use runloop::future::{Either, select};
use runloop::io::{BufReader, BufWriter};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use std::time::Duration;

#[test]
fn small_writes_are_gathered_until_a_flush() {
    runloop::run(async {
        let mut writer = BufWriter::with_capacity(64, Trickle::new(1000));
        for i in 0..10 {
            writer.write_all(format!("line {i}\n").as_bytes()).await.unwrap();
        }
        assert!(writer.get_ref().calls.len() <= 1, "{:?}", writer.get_ref().calls);
        writer.flush().await.unwrap();
        let expected: String = (0..10).map(|i| format!("line {i}\n")).collect();
        assert_eq!(writer.get_ref().written, expected.as_bytes());
        assert_eq!(writer.get_ref().calls.len(), 2, "two writes for ten lines");
    });
}

#[test]
fn a_large_write_goes_through_after_what_is_buffered() {
    runloop::run(async {
        let mut writer = BufWriter::with_capacity(16, Trickle::new(1 << 20));
        writer.write_all(b"small ").await.unwrap();
        let large = vec![b'L'; 100];
        writer.write_all(&large).await.unwrap();
        writer.write_all(b" tail").await.unwrap();
        writer.flush().await.unwrap();
        let mut expected = b"small ".to_vec();
        expected.extend_from_slice(&large);
        expected.extend_from_slice(b" tail");
        assert_eq!(writer.get_ref().written, expected);
    });
}

#[test]
fn a_flush_dropped_half_way_resumes_without_repeating_a_byte() {
    runloop::run(async {
        let mut writer = BufWriter::with_capacity(1024, Trickle::new(3));
        let text: Vec<u8> = (0..200u8).collect();
        writer.write_all(&text).await.unwrap();
        // The writer takes 3 bytes every other poll: give the flush a few
        // turns, then drop it.
        let first = select(writer.flush(), runloop::yield_now()).await;
        assert!(matches!(first, Either::Right(())));
        let taken = writer.get_ref().written.len();
        assert!(taken < text.len());
        assert_eq!(writer.buffer(), &text[taken..], "the rest is still buffered");
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().written, text, "every byte once, in order");
    });
}

#[test]
fn write_eof_flushes_then_the_peer_reads_the_end() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let stream = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (peer, _) = listener.accept().await.unwrap();
            let mut writer = BufWriter::new(stream);
            writer.write_all(b"one\ntwo\n").await.unwrap();
            writer.write_eof().await.unwrap();
            let mut lines = BufReader::new(peer).lines();
            assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("one"));
            assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("two"));
            assert_eq!(lines.next_line().await.unwrap(), None);
        });
    });
}
