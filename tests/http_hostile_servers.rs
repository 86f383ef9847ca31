//! Property: against a hostile server — endless headers, a 1 MiB status
//! line, an endless chunked body, a reset in the middle of a body (an
//! `IncompleteBody` when its length was announced, like a close), both
//! `Content-Length` and `Transfer-Encoding`, a chunk size of 17 hex digits
//! — both clients end within their timeout with the documented error,
//! never panic, and hold no more memory than the configured limits allow.
//!
//! Memory is measured with a counting allocator: the most bytes the
//! client's thread held at once during the request, above what it held
//! before. (The scripted servers run on threads of their own.)
//!
//! Covered elsewhere, exactly: a server that drips its response a byte at
//! a time until the total timeout fires is `http_timeouts.rs`
//! (`a_slow_drip_cannot_outlast_the_total_timeout`, 20 ms a byte against
//! 250 ms, both clients); a pooled connection closed between requests,
//! retried once and then an error if it happens again, is
//! `http_stale_retry.rs`.

mod http_common;

use std::time::{Duration, Instant};

use http_common::common::counting_allocator::{CountingAllocator, peak_bytes_during as peak_during};
use http_common::common::with_deadline;
use http_common::scripted::{Scripted, Step, send};
use runloop::http::{Client, Error, Limit, Limits, ParseError, blocking};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// The total timeout every client here gets: each case must end well
/// within it, with its own error.
const TIMEOUT: Duration = Duration::from_secs(10);

/// What one client made of one hostile server.
struct Outcome {
    error: Error,
    peak: usize,
    took: Duration,
}

/// Runs one request that a hostile server must make fail, measuring how
/// long it took and the most memory this thread held meanwhile.
fn failure_of<T: std::fmt::Debug>(request: impl FnOnce() -> Result<T, Error>) -> Outcome {
    let start = Instant::now();
    let (result, peak) = peak_during(request);
    let error = result.expect_err("the hostile server must make the request fail");
    Outcome {
        error,
        peak,
        took: start.elapsed(),
    }
}

/// GET `url` with the async client (its own thread and runtime), expecting
/// an error.
fn async_get(url: String, limits: Limits) -> Outcome {
    with_deadline(TIMEOUT * 2, move || {
        failure_of(|| {
            runloop::run(async move {
                let client = Client::builder().timeout(TIMEOUT).limits(limits).build();
                client.get(&url).await.map(|response| response.status)
            })
        })
    })
}

/// The same with the async client's streaming interface: chunks are read
/// and dropped, never gathered.
fn async_stream(url: String, limits: Limits) -> Outcome {
    with_deadline(TIMEOUT * 2, move || {
        failure_of(|| {
            runloop::run(async move {
                let client = Client::builder().timeout(TIMEOUT).limits(limits).build();
                let mut response = client.get_streaming(&url).await?;
                while response.chunk().await?.is_some() {}
                Ok::<_, Error>(response.received())
            })
        })
    })
}

/// The same with the blocking client.
fn blocking_get(url: String, limits: Limits) -> Outcome {
    with_deadline(TIMEOUT * 2, move || {
        let client = blocking::Client::builder()
            .timeout(TIMEOUT)
            .limits(limits)
            .build_blocking();
        failure_of(|| client.get(&url).map(|response| response.status))
    })
}

/// Every client, in turn, against `server`.
fn every_client(server: &Scripted, limits: Limits) -> [(&'static str, Outcome); 3] {
    let outcomes = [
        ("async", async_get(server.url("/"), limits)),
        ("streaming", async_stream(server.url("/"), limits)),
        ("blocking", blocking_get(server.url("/"), limits)),
    ];
    for (client, outcome) in &outcomes {
        eprintln!(
            "{client}: {} after {:?}, holding at most {} bytes",
            outcome.error, outcome.took, outcome.peak
        );
    }
    outcomes
}

/// What a client may hold besides what the limits count: its 16 KiB read
/// buffer, the connection, the runtime, the request.
const OVERHEAD: usize = 96 * 1024;

fn head_limit_exceeded(error: &Error) -> bool {
    matches!(
        error,
        Error::Protocol {
            source: ParseError::LimitExceeded {
                limit: Limit::HeadBytes {
                    max: Limits::DEFAULT_MAX_HEAD_BYTES
                }
            },
            ..
        }
    )
}

#[test]
fn endless_headers_end_in_the_head_limit_within_it() {
    let server = Scripted::same(vec![
        Step::Read,
        Step::Endless {
            head: b"HTTP/1.1 200 OK\r\n".to_vec(),
            piece: b"X-Again: and again and again\r\n".to_vec(),
        },
    ]);
    for (client, outcome) in every_client(&server, Limits::default()) {
        assert!(head_limit_exceeded(&outcome.error), "{client}: {:?}", outcome.error);
        assert!(outcome.took < TIMEOUT, "{client}: took {:?}", outcome.took);
        let cap = Limits::DEFAULT_MAX_HEAD_BYTES + OVERHEAD;
        assert!(outcome.peak <= cap, "{client}: held {} bytes, cap {cap}", outcome.peak);
    }
}

#[test]
fn a_status_line_of_one_mebibyte_ends_in_the_head_limit_within_it() {
    let line = format!("HTTP/1.1 200 {}\r\nContent-Length: 0\r\n\r\n", "x".repeat(1 << 20));
    let server = Scripted::same(vec![Step::Read, send(&line)]);
    for (client, outcome) in every_client(&server, Limits::default()) {
        assert!(head_limit_exceeded(&outcome.error), "{client}: {:?}", outcome.error);
        assert!(outcome.took < TIMEOUT, "{client}: took {:?}", outcome.took);
        let cap = Limits::DEFAULT_MAX_HEAD_BYTES + OVERHEAD;
        assert!(outcome.peak <= cap, "{client}: held {} bytes, cap {cap}", outcome.peak);
    }
}

#[test]
fn an_endless_chunked_body_ends_in_the_body_limit_within_it() {
    const MAX_BODY: u64 = 1 << 20;
    let chunk = [b"1000\r\n".as_slice(), &[b'z'; 0x1000], b"\r\n"].concat();
    let server = Scripted::same(vec![
        Step::Read,
        Step::Endless {
            head: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            piece: chunk,
        },
    ]);
    let limits = Limits {
        max_body_bytes: MAX_BODY,
        ..Limits::default()
    };
    for (client, outcome) in every_client(&server, limits) {
        assert!(
            matches!(
                outcome.error,
                Error::Protocol {
                    source: ParseError::LimitExceeded {
                        limit: Limit::BodyBytes { max: MAX_BODY }
                    },
                    ..
                }
            ),
            "{client}: {:?}",
            outcome.error
        );
        assert!(outcome.took < TIMEOUT, "{client}: took {:?}", outcome.took);
        // A gathered body is one `Vec` that grows by doubling, so it may
        // have room for twice the cap; a streamed one holds a piece at a time.
        let cap = match client {
            "streaming" => OVERHEAD,
            _ => 2 * MAX_BODY as usize + OVERHEAD,
        };
        assert!(outcome.peak <= cap, "{client}: held {} bytes, cap {cap}", outcome.peak);
    }
}

#[test]
fn a_reset_in_the_middle_of_a_body_is_an_incomplete_body() {
    let framed = [
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".to_string(),
            Some(100_000),
        ),
        // 0x1388 = 5000: one chunk, all of it sent, and no last chunk.
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n".to_string(),
            None,
        ),
    ];
    for (head, expected) in framed {
        let server = Scripted::same(vec![
            Step::Read,
            Step::Send([head.as_bytes(), &[b'b'; 5000]].concat()),
            Step::Pause(Duration::from_millis(100)),
            Step::Reset,
        ]);
        for (client, outcome) in every_client(&server, Limits::default()) {
            match outcome.error {
                Error::Protocol {
                    source: ParseError::IncompleteBody { received, expected: e },
                    ..
                } if e == expected => {
                    assert_eq!(
                        received, 5000,
                        "{client}, {expected:?}: everything before the reset counts"
                    );
                }
                other => panic!("{client}, {expected:?}: expected IncompleteBody, got {other:?}"),
            }
            assert!(outcome.took < TIMEOUT, "{client}: took {:?}", outcome.took);
        }
    }
    // A body that runs until close has no end to miss: a reset there
    // cannot be told from the end, so it stays the I/O error it is.
    let server = Scripted::same(vec![
        Step::Read,
        Step::Send([b"HTTP/1.1 200 OK\r\n\r\n".as_slice(), &[b'b'; 5000]].concat()),
        Step::Pause(Duration::from_millis(100)),
        Step::Reset,
    ]);
    for (client, outcome) in every_client(&server, Limits::default()) {
        match outcome.error {
            Error::Io { source, .. } => assert_eq!(source.kind(), std::io::ErrorKind::ConnectionReset, "{client}"),
            other => panic!("{client}: expected the reset as an I/O error, got {other:?}"),
        }
    }
}

#[test]
fn a_chunk_size_of_seventeen_hex_digits_is_malformed_unless_leading_zeros() {
    let wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nx\r\n0\r\n\r\n";
    let server = Scripted::same(vec![Step::Read, send(wire)]);
    for (client, outcome) in every_client(&server, Limits::default()) {
        assert!(
            matches!(
                outcome.error,
                Error::Protocol {
                    source: ParseError::Malformed { .. },
                    ..
                }
            ),
            "{client}: {:?}",
            outcome.error
        );
        assert!(outcome.took < TIMEOUT, "{client}: took {:?}", outcome.took);
    }
    // Seventeen digits whose value fits are fine (RFC 9112 §7.1 sets no
    // length on chunk-size).
    let wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000005\r\nhello\r\n0\r\n\r\n";
    let server = Scripted::same(vec![Step::Read, send(wire)]);
    let url = server.url("/");
    let body = http_common::on_loop(move || async move { Client::new().get(&url).await.map(|r| r.body) });
    assert_eq!(body.unwrap(), b"hello");
    assert_eq!(blocking::get(&server.url("/")).unwrap().body, b"hello");
}

#[test]
fn content_length_with_transfer_encoding_is_read_as_chunked_and_not_reused() {
    // RFC 9112 §6.3 rule 3: Transfer-Encoding wins, and the connection must
    // be closed afterwards, since a server that sends both may be
    // confused about where the response ends (request smuggling).
    let wire = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    let server = Scripted::same(vec![Step::Read, send(wire), Step::Read, send(wire)]);
    let url = server.url("/");
    let bodies = http_common::on_loop(move || async move {
        let client = Client::new();
        let first = client.get(&url).await.map(|r| r.body);
        let second = client.get(&url).await.map(|r| r.body);
        (first, second)
    });
    assert_eq!(bodies.0.unwrap(), b"hello");
    assert_eq!(bodies.1.unwrap(), b"hello");
    assert_eq!(server.accepted(), 2, "the ambiguous connection was not reused");
    assert_eq!(blocking::get(&server.url("/")).unwrap().body, b"hello");
}
