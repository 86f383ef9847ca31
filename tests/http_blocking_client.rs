//! Property: the blocking client (our `urlopen`) reads the same responses
//! from the same servers as the async client, through the same parser,
//! and fails with the same errors. It needs no runtime.

mod http_common;

use std::time::Duration;

use http_common::scripted::{Scripted, Step, ok, send};
use http_common::site;
use runloop::http::{Error, Method, ParseError, Request, Url, blocking};

#[test]
fn it_fetches_from_the_runloop_server() {
    let site = site::start();
    assert_eq!(
        blocking::get(&site.url("/bytes/70000")).unwrap().body,
        vec![b'x'; 70000]
    );
    assert_eq!(
        blocking::get(&site.url("/chunked/2500")).unwrap().body,
        vec![b'y'; 2500]
    );
    assert_eq!(blocking::get(&site.url("/status/404")).unwrap().status, 404);
    let head = blocking::Client::new()
        .send(Request::head(Url::parse(&site.url("/bytes/9")).unwrap()))
        .unwrap();
    assert_eq!(
        (head.status, head.header("content-length"), head.body.len()),
        (200, Some("9"), 0)
    );
}

#[test]
fn it_asks_for_connection_close_and_uses_a_connection_per_request() {
    let site = site::start();
    let echo = blocking::get(&site.url("/echo")).unwrap();
    assert!(echo.text().contains("Connection: close"), "{}", echo.text());
    for _ in 0..3 {
        blocking::get(&site.url("/bytes/1")).unwrap();
    }
    assert_eq!(site.stats().connections_accepted(), 4);
}

#[test]
fn it_reads_split_dripped_and_until_close_responses() {
    let server = Scripted::same(vec![
        Step::Read,
        Step::Drip {
            bytes: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec(),
            piece: 2,
            every: Duration::from_millis(1),
        },
    ]);
    assert_eq!(blocking::get(&server.url("/")).unwrap().text(), "abc");

    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.0 200 OK\r\n\r\nuntil "),
        send("close"),
        Step::Close,
    ]);
    assert_eq!(blocking::get(&server.url("/")).unwrap().text(), "until close");
}

#[test]
fn it_reports_broken_framing_like_the_async_client() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
        Step::Close,
    ]);
    let error = blocking::get(&server.url("/cut")).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::IncompleteBody {
                    received: 3,
                    expected: Some(10),
                },
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains(&server.url("/cut")), "{error}");

    let server = Scripted::same(vec![Step::Read, Step::Close]);
    let error = blocking::get(&server.url("/")).unwrap_err();
    assert!(error.to_string().contains("without sending a response"), "{error}");
}

#[test]
fn connection_refused_names_the_address() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = blocking::get(&format!("http://{addr}/")).unwrap_err();
    assert!(
        matches!(&error, Error::Connect { address, .. } if *address == addr.to_string()),
        "{error:?}"
    );
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
}

#[test]
fn it_sends_the_method_and_headers_it_is_given() {
    let server = Scripted::same(vec![Step::Read, ok("")]);
    let mut request = Request::new(Method::Options, Url::parse(&server.url("/x")).unwrap());
    request.headers.append("X-Mode", "blocking").unwrap();
    blocking::Client::new().send(request).unwrap();
    let head = server.heads().pop().unwrap();
    assert!(
        head.starts_with("OPTIONS /x HTTP/1.1\r\n") && head.contains("\r\nX-Mode: blocking\r\n"),
        "{head}"
    );
}
