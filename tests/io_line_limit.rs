//! A line longer than the reader's limit (asyncio's `limit`, 64 KiB by
//! default) is an `InvalidData` error carrying `LineError::TooLong`, as
//! soon as `limit + 1` bytes came without a newline; the rest of that line
//! is skipped and the stream stays usable: the next `read_line` returns
//! the line after it. The buffer never grows past `limit + 1` bytes.
mod io_common;

use io_common::Pieces;
use io_common::common::with_deadline;
use runloop::io::{BufReader, DEFAULT_LIMIT, LineError};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::sync::oneshot;
use std::io::ErrorKind;
use std::time::Duration;

#[test]
fn a_one_mib_line_hits_the_limit_and_the_line_after_it_reads_normally() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let sender = runloop::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(b"short\n").await.unwrap();
                stream.write_all(&vec![b'x'; 1 << 20]).await.unwrap();
                stream.write_all(b"\nafter\n").await.unwrap();
            });
            let (stream, _) = listener.accept().await.unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "short\n");

            line.clear();
            let error = reader.read_line(&mut line).await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidData);
            assert_eq!(
                LineError::of(&error),
                Some(&LineError::TooLong {
                    limit: DEFAULT_LIMIT,
                    delimiter: b'\n',
                    line_start: 6
                })
            );
            assert!(error.to_string().contains("more than 65536 bytes"), "{error}");
            assert!(error.to_string().len() < 300, "no input quoted: {error}");
            assert_eq!(line, "", "the caller's string is untouched");

            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "after\n", "the stream is usable after the long line");
            line.clear();
            assert_eq!(reader.read_line(&mut line).await.unwrap(), 0);
            sender.await.unwrap();
        });
    });
}

#[test]
fn the_error_comes_before_the_rest_of_the_long_line_arrives() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (go_on, told) = oneshot::channel::<()>();
            let sender = runloop::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(&[b'y'; 101]).await.unwrap();
                // The rest of the line, and the next, only once the reader
                // has reported the error: it must not wait for them.
                told.await.unwrap();
                stream.write_all(b"yyyy\nnext\n").await.unwrap();
            });
            let (stream, _) = listener.accept().await.unwrap();
            let mut reader = BufReader::new(stream);
            reader.set_limit(100);
            let mut line = String::new();
            let error = reader.read_line(&mut line).await.unwrap_err();
            assert!(matches!(
                LineError::of(&error),
                Some(LineError::TooLong { limit: 100, .. })
            ));
            go_on.send(()).unwrap();
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "next\n");
            sender.await.unwrap();
        });
    });
}

#[test]
fn a_line_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() {
    let limit = 16;
    let at_limit = format!("{}\n", "a".repeat(limit - 1));
    let over = format!("{}\n", "b".repeat(limit));
    let last_at_limit = "c".repeat(limit); // no newline: the stream ends
    let text = format!("{at_limit}{over}{at_limit}{last_at_limit}");
    with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            for cut in 0..=text.len() {
                for capacity in [1, 7, 64] {
                    let mut reader = BufReader::with_capacity(capacity, Pieces::cut(text.as_bytes(), &[cut]));
                    reader.set_limit(limit);
                    let mut outcomes = Vec::new();
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line).await {
                            Ok(0) => break,
                            Ok(_) => outcomes.push(line),
                            Err(error) => outcomes.push(format!("error: {:?}", LineError::of(&error).is_some())),
                        }
                    }
                    let expected = [at_limit.as_str(), "error: true", &at_limit, &last_at_limit];
                    assert_eq!(outcomes, expected, "cut at {cut}, capacity {capacity}");
                }
            }
        });
    });
}

#[test]
fn the_buffer_never_grows_past_the_limit_plus_one_byte() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let mut data = vec![b'z'; 1 << 20];
            data.extend_from_slice(b"\nok\n");
            let pieces: Vec<Vec<u8>> = data.chunks(4096).map(<[u8]>::to_vec).collect();
            let mut reader = BufReader::with_capacity(64, Pieces::new(pieces));
            reader.set_limit(1000);
            let mut line = String::new();
            assert!(reader.read_line(&mut line).await.is_err());
            reader.read_line(&mut line).await.unwrap();
            assert_eq!(line, "ok\n");
            let largest = reader.get_ref().largest_read;
            assert!(largest <= 1001, "asked the reader for {largest} bytes at once");
        });
    });
}
