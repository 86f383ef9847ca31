//! Property: the async client finds the end of every response exactly as
//! RFC 9112 §6.3 says, however the server splits or drips its bytes, and
//! reports broken framing as an error naming the URL. Driven by scripted
//! servers that write exact bytes.

mod http_common;

use std::time::Duration;

use http_common::on_loop;
use http_common::scripted::{Scripted, Step, ok, send};
use runloop::http::{Client, Error, Limit, Limits, Method, ParseError, Request, Url};

fn get(url: String) -> Result<runloop::http::Response, Error> {
    on_loop(move || async move { Client::new().get(&url).await })
}

/// Two GETs on one client; returns both bodies as text.
fn get_twice(url: String) -> (Result<String, Error>, Result<String, Error>) {
    on_loop(move || async move {
        let client = Client::new();
        let first = client.get(&url).await.map(|r| r.text().into_owned());
        let second = client.get(&url).await.map(|r| r.text().into_owned());
        (first, second)
    })
}

const HELLO: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Note: split\r\n\r\nhello world";

#[test]
fn a_response_split_across_writes_is_read_whole() {
    let (head, body) = HELLO.split_at(20);
    let server = Scripted::same(vec![
        Step::Read,
        Step::Send(head.to_vec()),
        Step::Pause(Duration::from_millis(30)),
        Step::Send(body[..12].to_vec()),
        Step::Pause(Duration::from_millis(30)),
        Step::Send(body[12..].to_vec()),
    ]);
    let response = get(server.url("/")).unwrap();
    assert_eq!(response.text(), "hello world");
    assert_eq!(response.header("x-note"), Some("split"));
}

#[test]
fn a_response_dripped_one_byte_at_a_time_is_read_whole() {
    let server = Scripted::same(vec![
        Step::Read,
        Step::Drip {
            bytes: HELLO.to_vec(),
            piece: 1,
            every: Duration::from_millis(1),
        },
    ]);
    assert_eq!(get(server.url("/")).unwrap().text(), "hello world");
}

#[test]
fn a_chunked_body_dripped_across_its_size_lines_is_decoded_with_its_trailers() {
    let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                 5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n";
    let server = Scripted::same(vec![
        Step::Read,
        Step::Drip {
            bytes: wire.to_vec(),
            piece: 3,
            every: Duration::from_millis(1),
        },
    ]);
    let response = get(server.url("/")).unwrap();
    assert_eq!(response.text(), "hello world");
    let trailers = response.trailers.expect("a chunked body has a trailer section");
    assert_eq!(trailers.get("x-checksum"), Some("42"));
}

#[test]
fn a_body_without_length_runs_until_the_server_closes() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\n\r\nall of "),
        Step::Pause(Duration::from_millis(20)),
        send("this is body"),
        Step::Close,
    ]);
    let (first, second) = get_twice(server.url("/"));
    assert_eq!(first.unwrap(), "all of this is body");
    assert_eq!(second.unwrap(), "all of this is body");
    assert_eq!(
        server.accepted(),
        2,
        "a body that ends at close leaves nothing to reuse"
    );
}

#[test]
fn a_head_response_has_no_body_whatever_its_content_length_says() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"),
        Step::Read,
        ok("after"),
    ]);
    let url = server.url("/");
    let (head, get) = on_loop(move || async move {
        let client = Client::new();
        let head = client.send(Request::head(Url::parse(&url)?)).await?;
        let get = client.get(&url).await?;
        Ok::<_, Error>((head, get))
    })
    .unwrap();
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(get.text(), "after", "the next response starts right after the head");
    assert_eq!(server.accepted(), 1);
}

#[test]
fn no_content_and_not_modified_have_no_body() {
    for status in ["204 No Content", "304 Not Modified"] {
        let server = Scripted::same(vec![
            Step::Read,
            send(&format!("HTTP/1.1 {status}\r\nContent-Length: 7\r\n\r\n")),
            Step::Read,
            ok("next"),
        ]);
        let (first, second) = get_twice(server.url("/"));
        assert_eq!(first.unwrap(), "");
        assert_eq!(second.unwrap(), "next", "{status}: the next response follows the head");
    }
}

#[test]
fn interim_responses_are_skipped() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 100 Continue\r\n\r\n"),
        Step::Pause(Duration::from_millis(10)),
        send("HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"),
        ok("final"),
    ]);
    let response = get(server.url("/")).unwrap();
    assert_eq!((response.status, response.text().as_ref()), (200, "final"));
}

#[test]
fn conflicting_content_lengths_are_malformed_and_name_the_url() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"),
    ]);
    let url = server.url("/conflict");
    let error = get(url.clone()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::Malformed { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains(&url), "{error}");
    assert!(error.to_string().contains("conflicting Content-Length"), "{error}");
}

#[test]
fn a_body_cut_short_reports_how_much_arrived() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
        Step::Close,
    ]);
    match get(server.url("/short")).unwrap_err() {
        Error::Protocol {
            url,
            source:
                ParseError::IncompleteBody {
                    received: 3,
                    expected: Some(10),
                },
        } => assert!(url.ends_with("/short")),
        other => panic!("expected IncompleteBody, got {other:?}"),
    }
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"),
        Step::Close,
    ]);
    let error = get(server.url("/")).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::IncompleteBody {
                    received: 3,
                    expected: None,
                },
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_bare_lf_or_an_obsolete_fold_is_malformed() {
    for wire in [
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n",
        "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    ] {
        let server = Scripted::same(vec![Step::Read, send(wire)]);
        let error = get(server.url("/")).unwrap_err();
        assert!(
            matches!(
                error,
                Error::Protocol {
                    source: ParseError::Malformed { .. },
                    ..
                }
            ),
            "{wire:?}: {error:?}"
        );
    }
}

#[test]
fn transfer_codings_other_than_chunked_are_unsupported() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
    ]);
    let error = get(server.url("/")).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::Unsupported { .. },
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn limits_apply_to_what_the_server_sends() {
    let big_head = format!("HTTP/1.1 200 OK\r\nX-Big: {}\r\n\r\n", "a".repeat(100_000));
    let server = Scripted::same(vec![Step::Read, send(&big_head)]);
    let error = get(server.url("/")).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::LimitExceeded {
                    limit: Limit::HeadBytes { .. }
                },
                ..
            }
        ),
        "{error:?}"
    );

    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\n\r\n"),
        send(&"z".repeat(5000)),
    ]);
    let url = server.url("/");
    let error = on_loop(move || async move {
        let limits = Limits {
            max_body_bytes: 1000,
            ..Limits::default()
        };
        Client::builder().limits(limits).build().get(&url).await.unwrap_err()
    });
    assert!(
        matches!(
            error,
            Error::Protocol {
                source: ParseError::LimitExceeded {
                    limit: Limit::BodyBytes { max: 1000 }
                },
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn what_the_client_writes_is_one_well_formed_head() {
    let server = Scripted::same(vec![Step::Read, ok("")]);
    let url = server.url("/path?q=1");
    on_loop(move || async move {
        let mut request = Request::new(Method::Delete, Url::parse(&url).unwrap());
        request.headers.append("X-Trace", "abc").unwrap();
        Client::new().send(request).await.unwrap();
    });
    let heads = server.heads();
    let head = heads.first().unwrap();
    let host = server.addr().to_string();
    assert!(
        head.starts_with(&format!("DELETE /path?q=1 HTTP/1.1\r\nHost: {host}\r\n")),
        "{head}"
    );
    assert!(head.contains("\r\nConnection: keep-alive\r\n") && head.contains("\r\nX-Trace: abc\r\n"));
}
