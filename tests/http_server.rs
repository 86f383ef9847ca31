//! Property: the server answers every request a client can send, valid or
//! hostile, with a well-formed response and never a panic or a hang:
//! keep-alive and pipelining in order, 400/413/431/501 for what the parser
//! refuses, 408 for a request too slow to arrive, 500 for a handler's
//! invalid answer. Driven by raw `std::net` clients that write exact bytes.

mod http_common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use http_common::common::XorShift;
use http_common::site;
use runloop::http::server::{Request, Response, Server, ServerThread};
use runloop::http::{Limits, Method};

/// Send `bytes`, then read until the server closes (at most 5 s).
fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(bytes).unwrap();
    read_to_close(&mut stream)
}

fn read_to_close(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(error) => panic!(
                "no close within 5 s ({error}); got {:?}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

fn statuses(text: &str) -> Vec<&str> {
    text.match_indices("HTTP/1.1 ")
        .map(|(at, _)| &text[at + 9..at + 12])
        .collect()
}

fn echo_server() -> ServerThread {
    Server::new(|request: Request| async move {
        let text = format!(
            "{} {} body={}",
            request.method(),
            request.target(),
            request.body().len()
        );
        Response::text(200, text)
    })
    .spawn_thread("127.0.0.1:0")
    .unwrap()
}

#[test]
fn keep_alive_and_pipelined_requests_are_answered_in_order() {
    let server = echo_server();
    let wire = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n\
                POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello\
                GET /three HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    let text = exchange(server.local_addr(), wire.as_bytes());
    let one = text.find("GET /one body=0").unwrap();
    let two = text.find("POST /two body=5").unwrap();
    let three = text.find("GET /three body=0").unwrap();
    assert!(one < two && two < three, "{text}");
    assert_eq!(statuses(&text), ["200", "200", "200"]);
    assert_eq!(server.stats().connections_accepted(), 1);
    assert_eq!(server.stats().requests(), 3);
}

#[test]
fn malformed_requests_get_400_and_the_connection_closes() {
    let server = echo_server();
    for wire in [
        "GET /x HTTP/1.1\r\n\r\n",                          // no Host
        "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",    // two Hosts
        "GET /x HTTP/1.1\nHost: a\n\n",                     // bare LF
        "GET  /x HTTP/1.1\r\nHost: a\r\n\r\n",              // two spaces
        "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",       // absolute form
        "GET /x HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", // obs-fold
        "GET /x HTTP/1.1\r\nHost : a\r\n\r\n",              // space before colon
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
        "\u{1}\u{2}\u{3}garbage\r\n\r\n",
    ] {
        let text = exchange(server.local_addr(), wire.as_bytes());
        assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{wire:?} -> {text:?}");
        assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
    }
    assert_eq!(server.stats().requests(), 0, "no handler saw any of them");
}

#[test]
fn a_client_still_sending_when_refused_can_finish_and_read_the_answer() {
    // The client is still sending its (too large) head when the server
    // answers 431. Closing at once would make the kernel reset the
    // connection under the client's next write, so a client that writes
    // its whole request before reading would never see the answer. The
    // lingering close keeps reading (and discarding) a while.
    let server = echo_server();
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: ").unwrap();
    for piece in 0..40 {
        let sent = stream.write_all(&[b'b'; 4096]);
        assert!(sent.is_ok(), "write {piece} failed: {sent:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
    let text = read_to_close(&mut stream);
    assert!(text.starts_with("HTTP/1.1 431 "), "{text:?}");
}

#[test]
fn a_chunked_request_body_gets_501() {
    let server = echo_server();
    let text = exchange(
        server.local_addr(),
        b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert!(text.starts_with("HTTP/1.1 501 Not Implemented\r\n"), "{text}");
}

#[test]
fn oversized_heads_and_bodies_get_431_and_413() {
    let limits = Limits {
        max_body_bytes: 1000,
        ..Limits::default()
    };
    let server = Server::new(|_request| async { Response::new(204) })
        .limits(limits)
        .spawn_thread("127.0.0.1:0")
        .unwrap();
    let big_head = format!("GET / HTTP/1.1\r\nHost: a\r\nX-Big: {}\r\n\r\n", "b".repeat(100_000));
    let text = exchange(server.local_addr(), big_head.as_bytes());
    assert!(
        text.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
        "{text:?}"
    );

    let many = format!("GET / HTTP/1.1\r\nHost: a\r\n{}\r\n", "X-A: 1\r\n".repeat(200));
    let text = exchange(server.local_addr(), many.as_bytes());
    assert!(text.starts_with("HTTP/1.1 431 "), "{text:?}");

    let big_body = format!(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n{}",
        "z".repeat(5000)
    );
    let text = exchange(server.local_addr(), big_body.as_bytes());
    assert!(text.starts_with("HTTP/1.1 413 Content Too Large\r\n"), "{text:?}");
}

#[test]
fn head_requests_get_the_head_only_and_the_connection_goes_on() {
    let site = site::start();
    let text = exchange(
        site.local_addr(),
        b"HEAD /bytes/10 HTTP/1.1\r\nHost: a\r\n\r\nGET /bytes/3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    let (head_answer, get_answer) = text.split_at(text.rfind("HTTP/1.1 ").unwrap());
    assert!(
        head_answer.contains("Content-Length: 10\r\n") && head_answer.ends_with("\r\n\r\n"),
        "{text}"
    );
    assert!(get_answer.ends_with("\r\n\r\nxxx"), "{text}");
}

#[test]
fn http_1_0_clients_get_close_and_streams_end_at_close() {
    let site = site::start();
    let text = exchange(site.local_addr(), b"GET /bytes/2 HTTP/1.0\r\n\r\n");
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n") && text.contains("Connection: close\r\n"),
        "{text}"
    );
    assert!(text.ends_with("xx"), "{text}");
    let text = exchange(site.local_addr(), b"GET /chunked/1500 HTTP/1.0\r\n\r\n");
    assert!(
        !text.contains("Transfer-Encoding"),
        "no chunked coding for HTTP/1.0: {text}"
    );
    assert!(text.ends_with(&"y".repeat(1500)), "{text}");
}

#[test]
fn streamed_bodies_are_chunked_for_http_1_1() {
    let site = site::start();
    let text = exchange(
        site.local_addr(),
        b"GET /chunked/2500 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    assert!(text.contains("Transfer-Encoding: chunked\r\n"), "{text}");
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let expected = format!(
        "3E8\r\n{0}\r\n3E8\r\n{0}\r\n1F4\r\n{1}\r\n0\r\n\r\n",
        "y".repeat(1000),
        "y".repeat(500)
    );
    assert_eq!(body, expected);
}

#[test]
fn a_request_too_slow_to_arrive_gets_408() {
    let server = Server::new(|_request| async { Response::new(200) })
        .request_timeout(Duration::from_millis(200))
        .spawn_thread("127.0.0.1:0")
        .unwrap();
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    for byte in b"GET / HTTP/1.1\r\nHost: a\r\n" {
        if stream.write_all(&[*byte]).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = read_to_close(&mut stream);
    assert!(text.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{text:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_its_timeout() {
    let server = Server::new(|_request| async { Response::new(200) })
        .keep_alive_timeout(Duration::from_millis(150))
        .spawn_thread("127.0.0.1:0")
        .unwrap();
    let start = Instant::now();
    let text = exchange(server.local_addr(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(statuses(&text), ["200"]);
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn an_invalid_response_from_the_handler_becomes_500() {
    let server = Server::new(|request: Request| async move {
        let mut response = Response::text(200, "x");
        match request.path() {
            "/length" => response.headers.append("Content-Length", "99").unwrap(),
            "/interim" => response.status = 101,
            _ => response.status = 700,
        }
        response
    })
    .spawn_thread("127.0.0.1:0")
    .unwrap();
    for path in ["/length", "/interim", "/huge"] {
        let text = exchange(
            server.local_addr(),
            format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes(),
        );
        assert!(
            text.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
            "{path}: {text}"
        );
    }
}

#[test]
fn the_handler_sees_the_request_as_sent() {
    let server = Server::new(|request: Request| async move {
        let seen = format!(
            "{:?} {} {:?} {:?} {} {}",
            request.method(),
            request.path(),
            request.query(),
            request.headers().get("x-a"),
            request.keep_alive(),
            request.peer_addr().ip()
        );
        Response::text(200, seen)
    })
    .spawn_thread("127.0.0.1:0")
    .unwrap();
    let text = exchange(
        server.local_addr(),
        b"PATCH /p/q?r=1 HTTP/1.1\r\nHost: a\r\nx-A: b\r\nConnection: close\r\n\r\n",
    );
    assert!(
        text.ends_with(&format!(
            "{:?} /p/q Some(\"r=1\") Some(\"b\") false 127.0.0.1",
            Method::Patch
        )),
        "{text}"
    );
}

#[test]
fn random_bytes_never_crash_the_server() {
    let site = site::start();
    let mut random = XorShift(0x5eed_1234_abcd_ef01);
    let alphabet = b"GET /HTP1.0\r\n:aHost Content-Length chunked 0123456789\t\x00\xff";
    for _ in 0..150 {
        let len = (random.next() % 300) as usize;
        let wire: Vec<u8> = (0..len)
            .map(|_| alphabet[(random.next() % alphabet.len() as u64) as usize])
            .collect();
        let mut stream = TcpStream::connect(site.local_addr()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = stream.write_all(&wire);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(error) => panic!("the server neither answered nor closed: {error}; input {wire:?}"),
        }
        assert!(
            answer.is_empty() || answer.starts_with(b"HTTP/1.1 "),
            "{:?}",
            String::from_utf8_lossy(&answer)
        );
    }
    let text = exchange(
        site.local_addr(),
        b"GET /bytes/4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    );
    assert!(text.ends_with("xxxx"), "still serving: {text}");
}
