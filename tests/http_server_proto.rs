//! Property: the server side reads requests by the same rules (RFC 9112
//! §3, §6.3 for requests), maps every failure to a status, and writes
//! responses that runloop's own response parser reads back exactly.

use runloop::http::{
    Connection, Framing, Headers, Limit, Limits, Method, ParseError, RequestHead, RequestParser, ResponseParser,
    Version, reason_phrase, status_for, write_chunk, write_error_response, write_last_chunk, write_response_head,
};

struct Parsed {
    head: Option<RequestHead>,
    body: Vec<u8>,
    consumed: usize,
    result: Result<(), ParseError>,
    complete: bool,
    keep_alive: bool,
}

/// Feed `pieces` to a fresh parser; stop at the first error.
fn feed_all<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> (RequestParser, Vec<u8>, Result<usize, ParseError>) {
    let mut parser = RequestParser::new(Limits::default());
    let mut body = Vec::new();
    let mut consumed = 0;
    for piece in pieces {
        match parser.feed(piece, &mut body) {
            Ok(used) => consumed += used,
            Err(error) => return (parser, body, Err(error)),
        }
    }
    (parser, body, Ok(consumed))
}

/// Parse a request fed whole, checking that byte-at-a-time agrees.
fn parse_request(wire: &[u8]) -> Parsed {
    let (parser, body, result) = feed_all(std::iter::once(wire));
    let (by_byte, by_byte_body, by_byte_result) = feed_all(wire.chunks(1));
    assert_eq!(
        (parser.head(), &body, result.as_ref().err()),
        (by_byte.head(), &by_byte_body, by_byte_result.as_ref().err()),
        "splitting changed the outcome"
    );
    Parsed {
        head: parser.head().cloned(),
        body,
        consumed: *result.as_ref().unwrap_or(&0),
        result: result.map(drop),
        complete: parser.is_complete(),
        keep_alive: parser.keep_alive(),
    }
}

fn status_of_failure(wire: &[u8]) -> u16 {
    match parse_request(wire).result {
        Err(error) => status_for(&error),
        Ok(()) => panic!("accepted {:?}", wire.escape_ascii().to_string()),
    }
}

#[test]
fn a_simple_get_is_parsed() {
    let parsed = parse_request(b"GET /search?q=rust&x HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
    let head = parsed.head.unwrap();
    assert_eq!(head.method, Method::Get);
    assert_eq!(head.target, "/search?q=rust&x");
    assert_eq!((head.path(), head.query()), ("/search", Some("q=rust&x")));
    assert_eq!(head.version, Version::Http11);
    assert_eq!(head.headers.get("accept"), Some("*/*"));
    assert!(parsed.complete && parsed.keep_alive);
}

#[test]
fn any_method_token_is_parsed() {
    for (text, method) in [
        ("HEAD", Method::Head),
        ("POST", Method::Post),
        ("DELETE", Method::Delete),
        ("PURGE", Method::Other("PURGE".into())),
        ("get", Method::Other("get".into())),
    ] {
        let wire = format!("{text} / HTTP/1.1\r\nHost: h\r\n\r\n");
        assert_eq!(parse_request(wire.as_bytes()).head.unwrap().method, method);
    }
}

#[test]
fn keep_alive_follows_version_and_connection() {
    for (wire, keep_alive) in [
        (&b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"[..], true),
        (b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", false),
    ] {
        let parsed = parse_request(wire);
        assert_eq!(parsed.keep_alive, keep_alive, "{:?}", wire.escape_ascii().to_string());
        assert_eq!(parsed.head.unwrap().keep_alive(), keep_alive);
    }
}

#[test]
fn a_content_length_body_is_delivered_and_the_next_request_left() {
    let request = b"POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    let wire = [&request[..], b"GET / HTTP/1.1\r\n"].concat();
    let parsed = parse_request(&wire);
    assert_eq!(parsed.body, b"hello");
    assert_eq!(parsed.consumed, request.len());
    assert!(parsed.complete);
}

#[test]
fn a_request_cut_short_is_an_error_at_eof() {
    let mut parser = RequestParser::new(Limits::default());
    parser
        .feed(
            b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhe",
            &mut Vec::new(),
        )
        .unwrap();
    assert_eq!(
        parser.finish(),
        Err(ParseError::IncompleteBody {
            received: 2,
            expected: Some(5)
        })
    );
    let mut parser = RequestParser::new(Limits::default());
    parser.feed(b"GET / HT", &mut Vec::new()).unwrap();
    assert!(matches!(parser.finish(), Err(ParseError::Malformed { .. })));
    let mut idle = RequestParser::new(Limits::default());
    assert!(!idle.is_started(), "a client that sends nothing simply left");
    assert!(idle.finish().is_err());
}

#[test]
fn transfer_encoding_on_a_request_is_refused_with_the_right_status() {
    let chunked = b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(status_of_failure(chunked), 501, "well-formed but not implemented");
    for wire in [
        &b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"[..],
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
    ] {
        assert_eq!(status_of_failure(wire), 400, "{:?}", wire.escape_ascii().to_string());
    }
}

#[test]
fn bad_content_lengths_are_bad_requests() {
    for value in ["-1", "1, 2", "abc", "99999999999999999999"] {
        let wire = format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {value}\r\n\r\n");
        assert_eq!(status_of_failure(wire.as_bytes()), 400, "{value}");
    }
}

#[test]
fn host_rules_are_enforced() {
    assert_eq!(status_of_failure(b"GET / HTTP/1.1\r\n\r\n"), 400);
    assert_eq!(status_of_failure(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    assert_eq!(status_of_failure(b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
    assert_eq!(status_of_failure(b"GET / HTTP/1.1\r\nHost: u@h\r\n\r\n"), 400);
    assert!(
        parse_request(b"GET / HTTP/1.1\r\nHost:\r\n\r\n").complete,
        "empty Host is allowed"
    );
    assert!(parse_request(b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").complete);
    assert!(parse_request(b"GET / HTTP/1.0\r\n\r\n").complete, "1.0 needs no Host");
}

#[test]
fn malformed_request_lines_are_bad_requests() {
    for line in [
        "GET  / HTTP/1.1",
        "GET / HTTP/1.1 ",
        "GET /",
        "GET / HTTP/2.0",
        "GET http://h/ HTTP/1.1",
        "GET h/ HTTP/1.1",
        "GET * HTTP/1.1",
        "GET /a#frag HTTP/1.1",
        "GET /\x7f HTTP/1.1",
        "G(T / HTTP/1.1",
        " GET / HTTP/1.1",
    ] {
        let wire = format!("{line}\r\nHost: h\r\n\r\n");
        assert_eq!(status_of_failure(wire.as_bytes()), 400, "{line:?}");
    }
    assert_eq!(status_of_failure(b"GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    let options = parse_request(b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
    assert_eq!(options.head.unwrap().target, "*");
}

#[test]
fn header_smuggling_patterns_are_bad_requests() {
    for field in ["Content-Length : 5", " X: folded-start", "X-A: b\r\n c"] {
        let wire = format!("POST / HTTP/1.1\r\nHost: h\r\n{field}\r\n\r\n");
        assert_eq!(status_of_failure(wire.as_bytes()), 400, "{field:?}");
    }
    assert_eq!(status_of_failure(b"GET / HTTP/1.1\nHost: h\n\n"), 400);
}

#[test]
fn limits_map_to_431_and_413() {
    let many = format!("GET / HTTP/1.1\r\nHost: h\r\n{}\r\n", "X: y\r\n".repeat(100));
    assert_eq!(status_of_failure(many.as_bytes()), 431);
    let long = format!("GET /{} HTTP/1.1\r\nHost: h\r\n\r\n", "a".repeat(70_000));
    assert_eq!(status_of_failure(long.as_bytes()), 431);
    let big = b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 104857601\r\n\r\n";
    assert_eq!(status_of_failure(big), 413);
    let error = ParseError::LimitExceeded {
        limit: Limit::BodyBytes { max: 1 },
    };
    assert_eq!(status_for(&error), 413);
}

#[test]
fn empty_lines_before_a_request_are_skipped() {
    let parsed = parse_request(b"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert!(parsed.complete);
}

// ---- writing responses ----------------------------------------------------------

/// Read a written response back with the client's parser.
fn read_back(wire: &[u8]) -> (runloop::http::ResponseHead, Vec<u8>, bool) {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let mut body = Vec::new();
    let used = parser.feed(wire, &mut body).unwrap();
    assert_eq!(used, wire.len(), "the response ends exactly where written");
    assert!(parser.is_complete());
    (parser.head().unwrap().clone(), body, parser.is_reusable())
}

#[test]
fn a_content_length_response_round_trips() {
    let mut headers = Headers::new();
    headers.append("Content-Type", "text/plain").unwrap();
    let mut out = Vec::new();
    write_response_head(
        &mut out,
        200,
        reason_phrase(200),
        &headers,
        Framing::Length(5),
        Connection::KeepAlive,
    )
    .unwrap();
    assert_eq!(
        out,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n"
    );
    out.extend_from_slice(b"hello");
    let (head, body, reusable) = read_back(&out);
    assert_eq!(
        (head.status, head.reason.as_str(), body.as_slice(), reusable),
        (200, "OK", &b"hello"[..], true)
    );
}

#[test]
fn a_chunked_response_round_trips() {
    let mut out = Vec::new();
    write_response_head(
        &mut out,
        200,
        "OK",
        &Headers::new(),
        Framing::Chunked,
        Connection::Close,
    )
    .unwrap();
    write_chunk(&mut out, b"hello ");
    write_chunk(&mut out, b"");
    write_chunk(&mut out, &[b'x'; 300]);
    write_last_chunk(&mut out);
    assert!(out.windows(7).any(|w| w == b"\r\n12C\r\n"), "300 is 0x12C");
    let (_, body, reusable) = read_back(&out);
    assert_eq!(body.len(), 306);
    assert!(body.starts_with(b"hello x"));
    assert!(!reusable, "Connection: close was written");
}

#[test]
fn an_empty_chunk_is_not_written_because_it_would_end_the_body() {
    let mut out = Vec::new();
    write_chunk(&mut out, b"");
    assert!(out.is_empty());
}

#[test]
fn no_body_and_until_close_framings_are_written() {
    let mut out = Vec::new();
    write_response_head(
        &mut out,
        304,
        "Not Modified",
        &Headers::new(),
        Framing::NoBody,
        Connection::KeepAlive,
    )
    .unwrap();
    assert_eq!(out, b"HTTP/1.1 304 Not Modified\r\nConnection: keep-alive\r\n\r\n");
    let mut out = Vec::new();
    write_response_head(
        &mut out,
        200,
        "OK",
        &Headers::new(),
        Framing::UntilClose,
        Connection::KeepAlive,
    )
    .unwrap();
    assert_eq!(
        out, b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
        "until-close forces close"
    );
}

#[test]
fn invalid_response_heads_are_refused_before_writing() {
    let mut headers = Headers::new();
    headers.append("content-length", "3").unwrap();
    let cases: [(u16, &str, &Headers, Framing); 6] = [
        (99, "Low", &Headers::new(), Framing::NoBody),
        (600, "High", &Headers::new(), Framing::NoBody),
        (200, "OK\r\nX-Injected: 1", &Headers::new(), Framing::Length(0)),
        (200, "OK\0", &Headers::new(), Framing::Length(0)),
        (200, "OK", &headers, Framing::Length(3)),
        (204, "No Content", &Headers::new(), Framing::Length(0)),
    ];
    for (status, reason, headers, framing) in cases {
        let mut out = Vec::new();
        let result = write_response_head(&mut out, status, reason, headers, framing, Connection::KeepAlive);
        assert!(result.is_err(), "{status} {reason:?}");
        assert!(out.is_empty(), "nothing written");
    }
}

#[test]
fn error_responses_are_complete_closing_and_safe() {
    let mut parser = RequestParser::new(Limits::default());
    let error = parser
        .feed(b"GET / HTTP/1.1\r\nX-Evil: \x1b]0;pwned\x07\r\n\r\n", &mut Vec::new())
        .unwrap_err();
    let mut out = Vec::new();
    write_error_response(&mut out, &error);
    let (head, body, reusable) = read_back(&out);
    assert_eq!((head.status, head.reason.as_str()), (400, "Bad Request"));
    assert!(!reusable);
    assert!(!body.iter().any(|b| *b == 0x1b || *b == 0x07), "peer bytes are escaped");
    assert!(String::from_utf8(body).unwrap().contains("control"));
}

#[test]
fn the_reason_table_knows_common_codes() {
    assert_eq!(reason_phrase(404), "Not Found");
    assert_eq!(reason_phrase(413), "Content Too Large");
    assert_eq!(reason_phrase(431), "Request Header Fields Too Large");
    assert_eq!(reason_phrase(501), "Not Implemented");
    assert_eq!(reason_phrase(299), "");
}
