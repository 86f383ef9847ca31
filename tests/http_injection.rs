//! Property: no input a caller can give the clients puts a line break,
//! a second request or a stray header on the wire. Refusals happen before
//! any connection is made, with errors that say what was wrong; the
//! scripted server proves it by counting zero connections.

mod http_common;

use http_common::on_loop;
use http_common::scripted::{Scripted, Step, ok};
use runloop::http::{Client, Error, Headers, Method, Request, Url, UrlError, blocking};

fn server() -> Scripted {
    Scripted::same(vec![Step::Read, ok("")])
}

#[test]
fn urls_carrying_line_breaks_or_spaces_are_refused() {
    let server = server();
    for evil in [
        server.url("/a\r\nX-Injected: 1"),
        server.url("/a HTTP/1.1\r\nHost: evil"),
        server.url("/a\nb"),
        server.url("/a b"),
        server.url("/a\0b"),
    ] {
        let url = evil.clone();
        let error = on_loop(move || async move { Client::new().get(&url).await.unwrap_err() });
        assert!(
            matches!(error, Error::Url(UrlError::Invalid { .. })),
            "{evil:?}: {error:?}"
        );
        let error = blocking::get(&evil).unwrap_err();
        assert!(
            matches!(error, Error::Url(UrlError::Invalid { .. })),
            "{evil:?}: {error:?}"
        );
    }
    assert_eq!(server.accepted(), 0);
}

#[test]
fn header_values_and_names_with_control_bytes_cannot_be_built() {
    let mut headers = Headers::new();
    for (name, value) in [
        ("X-A", "a\r\nSet-Cookie: evil=1"),
        ("X-A", "a\nb"),
        ("X-A", "a\rb"),
        ("X-A", "a\0b"),
        ("X-A\r\nEvil", "1"),
        ("X A", "1"),
        ("", "1"),
    ] {
        let refused = headers.append(name, value).unwrap_err();
        assert!(!refused.what().is_empty());
    }
    assert!(headers.is_empty(), "a refused field leaves nothing behind");
}

#[test]
fn methods_and_body_headers_that_would_split_the_request_are_refused() {
    let server = server();
    let url = Url::parse(&server.url("/")).unwrap();
    let requests = {
        let evil_method = Request::new(Method::Other("GET / HTTP/1.1\r\nX: y\r\n\r\nGET".into()), url.clone());
        let mut with_length = Request::get(url.clone());
        with_length.headers.append("Content-Length", "50").unwrap();
        let mut with_te = Request::get(url.clone());
        with_te.headers.append("Transfer-Encoding", "chunked").unwrap();
        let mut two_hosts = Request::get(url.clone());
        two_hosts.headers.append("Host", "a").unwrap();
        two_hosts.headers.append("Host", "b").unwrap();
        [
            evil_method,
            with_length,
            with_te,
            two_hosts,
            Request::new(Method::Connect, url),
        ]
    };
    for request in requests {
        let description = format!("{request:?}");
        let sent = request.clone();
        let error = on_loop(move || async move { Client::new().send(sent).await.unwrap_err() });
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{description}: {error:?}"
        );
        assert!(error.to_string().contains("refusing to send"), "{error}");
        let error = blocking::Client::new().send(request).unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{description}: {error:?}"
        );
    }
    assert_eq!(server.accepted(), 0, "nothing reached the server");
}

#[test]
fn a_header_set_by_the_caller_arrives_as_exactly_one_line() {
    let server = server();
    let url = server.url("/");
    on_loop(move || async move {
        let mut request = Request::get(Url::parse(&url).unwrap());
        request.headers.append("X-Tab", "a\tb").unwrap();
        Client::new().send(request).await.unwrap();
    });
    let head = server.heads().pop().unwrap();
    assert!(head.contains("\r\nX-Tab: a\tb\r\n"), "{head:?}");
    assert_eq!(
        head.matches("\r\n").count(),
        7,
        "request line, 5 fields, blank line: {head:?}"
    );
}
