//! Property: a GET that fails because the server closed an idle pooled
//! connection is sent again, once, on a fresh connection; only when the
//! server had sent nothing back, only for idempotent methods, and with a
//! clear error if the fresh connection fails the same way.

mod http_common;

use std::time::Duration;

use http_common::on_loop;
use http_common::scripted::{Scripted, Step, ok, send};
use runloop::http::{Client, Error, Method, ParseError, Request, Url};

/// Two requests with `method` on one client, 50 ms apart.
fn two_requests(url: String, method: Method) -> (Result<String, Error>, Result<String, Error>) {
    on_loop(move || async move {
        let client = Client::new();
        let url = Url::parse(&url).unwrap();
        let first = client.send(Request::new(method.clone(), url.clone())).await;
        runloop::time::sleep(Duration::from_millis(50)).await; // the server closes meanwhile
        let second = client.send(Request::new(method, url)).await;
        let text = |response: runloop::http::Response| response.text().into_owned();
        (first.map(text), second.map(text))
    })
}

#[test]
fn a_pooled_connection_closed_by_the_server_is_retried_on_a_fresh_one() {
    // Each connection answers one request, then closes: what a server with
    // a short keep-alive timeout does to an idle connection.
    let server = Scripted::same(vec![Step::Read, ok("fresh"), Step::Close]);
    let (first, second) = two_requests(server.url("/"), Method::Get);
    assert_eq!(first.unwrap(), "fresh");
    assert_eq!(second.unwrap(), "fresh", "the retry succeeded");
    assert_eq!(server.accepted(), 2);
    assert_eq!(
        server.heads().len(),
        2,
        "the dead connection never delivered the request"
    );
}

#[test]
fn a_reset_pooled_connection_is_retried_too() {
    // Closing with the client's request unread makes the kernel send a
    // reset, so the client sees ECONNRESET instead of a clean EOF.
    let server = Scripted::start(|connection| match connection {
        0 => vec![
            Step::Read,
            ok("one"),
            Step::Pause(Duration::from_millis(100)),
            Step::Close,
        ],
        _ => vec![Step::Read, ok("two")],
    });
    let (first, second) = two_requests(server.url("/"), Method::Get);
    assert_eq!((first.unwrap(), second.unwrap()), ("one".into(), "two".into()));
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_408_written_to_an_idle_connection_is_a_stale_connection_too() {
    let server = Scripted::start(|connection| match connection {
        0 => vec![
            Step::Read,
            ok("one"),
            Step::Pause(Duration::from_millis(20)),
            send("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
            Step::Close,
        ],
        _ => vec![Step::Read, ok("two")],
    });
    let (first, second) = two_requests(server.url("/"), Method::Get);
    assert_eq!((first.unwrap(), second.unwrap()), ("one".into(), "two".into()));
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_408_on_a_fresh_connection_is_an_answer() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"),
    ]);
    let url = server.url("/");
    let status = on_loop(move || async move { Client::new().get(&url).await.map(|r| r.status) });
    assert_eq!(status.ok(), Some(408));
    assert_eq!(server.accepted(), 1);
}

#[test]
fn if_the_fresh_connection_fails_the_same_way_the_error_says_so() {
    let server = Scripted::start(|connection| match connection {
        0 => vec![Step::Read, ok("first"), Step::Close],
        _ => vec![Step::Read, Step::Close], // reads the request, answers nothing
    });
    let (first, second) = two_requests(server.url("/"), Method::Get);
    assert_eq!(first.unwrap(), "first");
    let error = second.unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&server.url("/")), "{message}");
    assert!(message.contains("without sending a response"), "{message}");
    assert!(message.contains("fresh connection"), "{message}");
    assert_eq!(server.accepted(), 2, "one retry, not more");
}

#[test]
fn a_server_that_started_answering_is_not_asked_again() {
    let server = Scripted::start(|connection| match connection {
        0 => vec![
            Step::Read,
            ok("first"),
            Step::Read,
            send("HTTP/1.1 200 OK\r\nContent-Le"),
            Step::Close,
        ],
        _ => vec![Step::Read, ok("unexpected")],
    });
    let url = server.url("/");
    let (first, second) = two_requests(url, Method::Get);
    assert_eq!(first.unwrap(), "first");
    assert!(
        matches!(
            second,
            Err(Error::Protocol {
                source: ParseError::Malformed { .. },
                ..
            })
        ),
        "{second:?}"
    );
    assert_eq!(server.accepted(), 1);
}

#[test]
fn a_non_idempotent_request_is_not_retried() {
    let server = Scripted::same(vec![Step::Read, ok("posted"), Step::Close]);
    let (first, second) = two_requests(server.url("/"), Method::Post);
    assert_eq!(first.unwrap(), "posted");
    let error = second.unwrap_err();
    assert!(error.to_string().contains("without sending a response"), "{error}");
    assert!(!error.to_string().contains("fresh"), "{error}");
    assert_eq!(
        server.accepted(),
        1,
        "a POST might have been acted on; it is not repeated"
    );
}

#[test]
fn a_fresh_connection_that_closes_at_once_is_not_retried() {
    let server = Scripted::same(vec![Step::Read, Step::Close]);
    let url = server.url("/");
    let error = on_loop(move || async move { Client::new().get(&url).await.unwrap_err() });
    assert!(error.to_string().contains("without sending a response"), "{error}");
    assert_eq!(server.accepted(), 1);
}
