//! A stream that ends in the middle of a line: `read_line` returns the
//! partial line, without a `'\n'`, as asyncio's `readline` does; the next
//! call returns 0. Over a real socket, a peer that disconnects mid-line
//! gives the same.
mod io_common;

use io_common::Pieces;
use io_common::common::with_deadline;
use runloop::io::BufReader;
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use std::time::Duration;

#[test]
fn the_partial_last_line_comes_back_without_a_newline_then_zero() {
    runloop::run(async {
        let mut reader = BufReader::new(Pieces::cut(b"whole\nhalf a li", &[8]));
        let mut line = String::new();
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 6);
        line.clear();
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 9);
        assert_eq!(line, "half a li");
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 0);
        assert_eq!(reader.read_line(&mut line).await.unwrap(), 0, "and 0 again");
        let mut record = Vec::new();
        assert_eq!(reader.read_until(b';', &mut record).await.unwrap(), 0);
    });
}

#[test]
fn a_peer_that_disconnects_mid_line_gives_its_partial_line() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            runloop::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(b"hello\nI was about to sa").await.unwrap();
                // Dropped: the connection closes mid-line.
            });
            let (stream, _) = listener.accept().await.unwrap();
            let mut lines = Vec::new();
            let mut reader = BufReader::new(stream);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap() == 0 {
                    break;
                }
                lines.push(line);
            }
            assert_eq!(lines, ["hello\n", "I was about to sa"]);
        });
    });
}
