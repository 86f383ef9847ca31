//! Property: the connect timeout and the total timeout fire, with the
//! documented `Error::Timeout { phase, after }`, against servers that do
//! not answer: one that never completes the handshake, one that accepts
//! and stays silent, and one that drips its response a byte at a time.
//! Both clients.

mod http_common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use http_common::on_loop;
use http_common::scripted::{Scripted, Step};
use runloop::http::{Client, Error, TimeoutPhase, blocking};

const SHORT: Duration = Duration::from_millis(250);

/// An address where connecting hangs: a listener whose accept queue is
/// full, so the kernel drops further SYNs and the handshake never ends.
/// Keep the returned sockets alive while using the address.
fn unanswering_address() -> (SocketAddr, TcpListener, Vec<TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..5000 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(stream) => queued.push(stream),
            Err(error) if error.kind() == std::io::ErrorKind::TimedOut => return (addr, listener, queued),
            Err(error) => panic!("filling the accept queue failed: {error}"),
        }
    }
    panic!("the accept queue never filled; cannot make a connect hang here");
}

fn assert_timeout(error: &Error, phase: TimeoutPhase, after: Duration, url: &str) {
    match error {
        Error::Timeout {
            phase: actual,
            after: actual_after,
            url: actual_url,
        } => {
            assert_eq!((*actual, *actual_after), (phase, after), "{error}");
            assert_eq!(actual_url, url);
        }
        other => panic!("expected a {phase:?} timeout, got {other:?}"),
    }
    assert!(error.to_string().contains(url), "{error}");
}

/// How long `work` took, with its result.
fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = work();
    (result, start.elapsed())
}

#[test]
fn the_connect_timeout_fires_when_the_handshake_never_completes() {
    let (addr, _listener, _queued) = unanswering_address();
    let url = format!("http://{addr}/");
    let asked = url.clone();
    let (error, took) = timed(|| {
        on_loop(move || async move {
            let client = Client::builder().connect_timeout(SHORT).build();
            client.get(&asked).await.unwrap_err()
        })
    });
    assert_timeout(&error, TimeoutPhase::Connect, SHORT, &url);
    assert!(error.to_string().contains("connecting to"), "{error}");
    assert!(took >= SHORT && took < SHORT * 8, "{took:?}");

    let client = blocking::Client::builder().connect_timeout(SHORT).build_blocking();
    let (error, took) = timed(|| client.get(&url).unwrap_err());
    assert_timeout(&error, TimeoutPhase::Connect, SHORT, &url);
    assert!(took >= SHORT && took < SHORT * 8, "{took:?}");
}

#[test]
fn the_total_timeout_fires_when_a_server_accepts_and_never_answers() {
    let server = Scripted::same(vec![Step::Read]); // then silence
    let url = server.url("/silent");
    let asked = url.clone();
    let (error, took) = timed(|| {
        on_loop(move || async move { Client::builder().timeout(SHORT).build().get(&asked).await.unwrap_err() })
    });
    assert_timeout(&error, TimeoutPhase::Total, SHORT, &url);
    assert!(error.to_string().contains("fetching"), "{error}");
    assert!(took >= SHORT && took < SHORT * 8, "{took:?}");

    let client = blocking::Client::builder().timeout(SHORT).build_blocking();
    let (error, took) = timed(|| client.get(&url).unwrap_err());
    assert_timeout(&error, TimeoutPhase::Total, SHORT, &url);
    assert!(took >= SHORT && took < SHORT * 8, "{took:?}");
}

/// A valid response sent one byte every 20 ms: each read makes progress,
/// so only a total deadline can stop it.
fn drip_server() -> Scripted {
    let body = "x".repeat(200);
    let wire = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    Scripted::same(vec![
        Step::Read,
        Step::Drip {
            bytes: wire.into_bytes(),
            piece: 1,
            every: Duration::from_millis(20),
        },
    ])
}

#[test]
fn a_slow_drip_cannot_outlast_the_total_timeout() {
    let server = drip_server();
    let url = server.url("/drip");
    let asked = url.clone();
    let (error, took) = timed(|| {
        on_loop(move || async move { Client::builder().timeout(SHORT).build().get(&asked).await.unwrap_err() })
    });
    assert_timeout(&error, TimeoutPhase::Total, SHORT, &url);
    assert!(took < SHORT * 8, "{took:?}");

    let client = blocking::Client::builder().timeout(SHORT).build_blocking();
    let (error, took) = timed(|| client.get(&url).unwrap_err());
    assert_timeout(&error, TimeoutPhase::Total, SHORT, &url);
    assert!(took < SHORT * 8, "{took:?}");
}

#[test]
fn the_total_timeout_keeps_running_while_a_body_streams() {
    let server = Scripted::same(vec![
        Step::Read,
        Step::Send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec()),
        Step::Drip {
            bytes: vec![b'z'; 100],
            piece: 1,
            every: Duration::from_millis(20),
        },
    ]);
    let url = server.url("/");
    let asked = url.clone();
    let (received, error) = on_loop(move || async move {
        let client = Client::builder().timeout(SHORT).build();
        let mut response = client.get_streaming(&asked).await.unwrap();
        loop {
            match response.chunk().await {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the body cannot finish in time"),
                Err(error) => return (response.received(), error),
            }
        }
    });
    assert_timeout(&error, TimeoutPhase::Total, SHORT, &url);
    assert!(received > 0 && received < 100, "some of the body arrived: {received}");
}

#[test]
fn the_total_timeout_is_per_request() {
    let site = http_common::site::start();
    let url = site.url("/delay/100");
    let results = on_loop(move || async move {
        let client = Client::builder().timeout(Duration::from_millis(400)).build();
        let mut results = Vec::new();
        for _ in 0..5 {
            results.push(client.get(&url).await.map(|r| r.status).ok());
        }
        results
    });
    assert_eq!(results, [Some(200); 5], "500 ms in all, but each request took 100");
}
