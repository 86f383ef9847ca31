//! A `read_line` dropped at its `.await` (a timeout ran out, a `select`
//! chose the other branch) loses nothing: the partial line stays in the
//! `BufReader`, and the next call returns the whole line.
mod io_common;

use io_common::common::with_deadline;
use runloop::future::{Either, select};
use runloop::io::BufReader;
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::time::{sleep, timeout};
use std::time::Duration;

#[test]
fn a_read_line_dropped_mid_line_loses_nothing() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut writer = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (stream, _) = listener.accept().await.unwrap();
            let mut reader = BufReader::with_capacity(4, stream);
            let mut line = String::new();

            writer.write_all(b"hel").await.unwrap();
            let gave_up = timeout(Duration::from_millis(50), reader.read_line(&mut line)).await;
            assert!(gave_up.is_err(), "no newline yet: the read waits, and is dropped");
            assert_eq!(line, "");

            writer.write_all(b"lo, wor").await.unwrap();
            // Dropped again, this time by a select, after more arrived.
            let raced = select(reader.read_line(&mut line), sleep(Duration::from_millis(50))).await;
            assert!(matches!(raced, Either::Right(())));

            writer.write_all(b"ld\nnext\n").await.unwrap();
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "hello, world\n");
            line.clear();
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "next\n");
        });
    });
}
