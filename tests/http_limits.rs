//! Property: whatever a peer sends, the parsers hold at most the
//! configured limits in memory, refuse with `LimitExceeded` naming the
//! limit, and stream bodies of any size through constant memory.

mod http_common;

use http_common::{Then, get, whole};
use runloop::http::{Limit, Limits, Method, ParseError, RequestParser, ResponseParser};

const HEAD_LIMIT: usize = Limits::DEFAULT_MAX_HEAD_BYTES;

fn head_bytes_exceeded(max: usize) -> Option<ParseError> {
    Some(ParseError::LimitExceeded {
        limit: Limit::HeadBytes { max },
    })
}

fn response_with_headers(count: usize) -> Vec<u8> {
    let mut wire = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..count {
        wire.extend_from_slice(format!("X-Header-{i}: v\r\n").as_bytes());
    }
    wire.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    wire
}

/// Feed `pieces` while asserting the parser never holds more than `limit`;
/// return the first error.
fn feed_watching_memory(
    parser: &mut ResponseParser,
    pieces: impl Iterator<Item = Vec<u8>>,
    limit: usize,
) -> Option<ParseError> {
    let mut body = Vec::new();
    for piece in pieces {
        let result = parser.feed(&piece, &mut body);
        assert!(parser.buffered_len() <= limit, "buffered {}", parser.buffered_len());
        body.clear();
        if let Err(error) = result {
            return Some(error);
        }
    }
    None
}

#[test]
fn one_hundred_headers_pass_and_one_hundred_and_one_do_not() {
    // Content-Length is one of the fields, so 99 + 1 = 100.
    assert!(get(&response_with_headers(99)).complete);
    let outcome = get(&response_with_headers(100));
    assert_eq!(
        outcome.error,
        Some(ParseError::LimitExceeded {
            limit: Limit::HeaderCount { max: 100 }
        })
    );
}

#[test]
fn the_header_count_limit_is_configurable() {
    let limits = Limits {
        max_headers: 3,
        ..Limits::default()
    };
    let three = whole(&Method::Get, limits, &response_with_headers(2), Then::StayOpen);
    assert!(three.complete);
    let four = whole(&Method::Get, limits, &response_with_headers(3), Then::StayOpen);
    assert_eq!(
        four.error,
        Some(ParseError::LimitExceeded {
            limit: Limit::HeaderCount { max: 3 }
        })
    );
}

/// A complete head of exactly `size` bytes, padded with one long field.
fn head_of_size(size: usize) -> Vec<u8> {
    let frame = "HTTP/1.1 204 No Content\r\nX-Pad: \r\n\r\n".len();
    let pad = "p".repeat(size - frame);
    format!("HTTP/1.1 204 No Content\r\nX-Pad: {pad}\r\n\r\n").into_bytes()
}

#[test]
fn a_head_of_exactly_the_limit_passes_and_one_byte_more_does_not() {
    let exact = head_of_size(HEAD_LIMIT);
    assert_eq!(exact.len(), HEAD_LIMIT);
    assert!(get(&exact).complete);
    let outcome = get(&head_of_size(HEAD_LIMIT + 1));
    assert_eq!(outcome.error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn the_head_limit_is_configurable() {
    let limits = Limits {
        max_head_bytes: 100,
        ..Limits::default()
    };
    assert!(whole(&Method::Get, limits, &head_of_size(100), Then::StayOpen).complete);
    let outcome = whole(&Method::Get, limits, &head_of_size(101), Then::StayOpen);
    assert_eq!(outcome.error, head_bytes_exceeded(100));
}

#[test]
fn a_one_mebibyte_status_line_is_refused_within_the_limit() {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let line = [&b"HTTP/1.1 200 "[..], &vec![b'x'; 1 << 20]].concat();
    let pieces = line.chunks(1000).map(<[u8]>::to_vec);
    let error = feed_watching_memory(&mut parser, pieces, HEAD_LIMIT);
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
    // Fed whole, too.
    assert_eq!(get(&line).error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn endless_headers_are_refused_within_the_limit() {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let start = std::iter::once(b"HTTP/1.1 200 OK\r\n".to_vec());
    let endless = start.chain(std::iter::repeat(b"X-Again: and again\r\n".to_vec()));
    let error = feed_watching_memory(&mut parser, endless.take(1_000_000), HEAD_LIMIT);
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn endless_empty_lines_before_the_status_line_are_refused() {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let endless = std::iter::repeat_n(b"\r\n".to_vec(), 1_000_000);
    let error = feed_watching_memory(&mut parser, endless, HEAD_LIMIT);
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn an_endless_chunk_extension_is_refused_without_buffering() {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=".to_vec();
    let endless = std::iter::once(head).chain(std::iter::repeat_n(vec![b'e'; 4096], 10_000));
    let error = feed_watching_memory(&mut parser, endless, 0);
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn endless_trailers_are_refused_within_the_limit() {
    let mut parser = ResponseParser::new(&Method::Get, Limits::default());
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n".to_vec();
    let endless = std::iter::once(head).chain(std::iter::repeat_n(b"X-Trailer: more\r\n".to_vec(), 1_000_000));
    let error = feed_watching_memory(&mut parser, endless, HEAD_LIMIT);
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
}

#[test]
fn too_many_trailer_fields_are_refused() {
    let limits = Limits {
        max_headers: 2,
        ..Limits::default()
    };
    let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let outcome = whole(&Method::Get, limits, wire, Then::StayOpen);
    assert_eq!(
        outcome.error,
        Some(ParseError::LimitExceeded {
            limit: Limit::HeaderCount { max: 2 }
        })
    );
}

#[test]
fn a_content_length_over_the_body_cap_is_refused_before_reading() {
    let limits = Limits {
        max_body_bytes: 10,
        ..Limits::default()
    };
    let body_limit = Some(ParseError::LimitExceeded {
        limit: Limit::BodyBytes { max: 10 },
    });
    let at_cap = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    assert!(whole(&Method::Get, limits, at_cap, Then::StayOpen).complete);
    let over = b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n";
    assert_eq!(whole(&Method::Get, limits, over, Then::StayOpen).error, body_limit);
}

#[test]
fn chunked_and_until_close_bodies_meet_the_body_cap() {
    let limits = Limits {
        max_body_bytes: 10,
        ..Limits::default()
    };
    let body_limit = Some(ParseError::LimitExceeded {
        limit: Limit::BodyBytes { max: 10 },
    });
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n5\r\n";
    let outcome = whole(&Method::Get, limits, chunked, Then::StayOpen);
    assert_eq!(outcome.error, body_limit);
    assert_eq!(outcome.body, b"012345");
    let until_close = b"HTTP/1.1 200 OK\r\n\r\n0123456789X";
    let outcome = whole(&Method::Get, limits, until_close, Then::Close);
    assert_eq!(outcome.error, body_limit);
    assert_eq!(outcome.body, b"0123456789", "everything up to the cap is delivered");
    let exactly = whole(&Method::Get, limits, &until_close[..29], Then::Close);
    assert!(exactly.complete, "{exactly:?}");
}

#[test]
fn limit_errors_name_the_limit_and_its_value() {
    let message = ParseError::LimitExceeded {
        limit: Limit::HeadBytes { max: 65536 },
    }
    .to_string();
    assert!(
        message.contains("65536") && message.contains("max_head_bytes"),
        "{message}"
    );
    let message = Limit::BodyBytes { max: 7 }.to_string();
    assert!(message.contains('7') && message.contains("max_body_bytes"), "{message}");
    let message = Limit::HeaderCount { max: 100 }.to_string();
    assert!(message.contains("100") && message.contains("max_headers"), "{message}");
}

/// Stream `total` body bytes through the parser in 16 KiB pieces,
/// draining the body each time; return the largest memory seen.
fn stream(framed_head: &[u8], total: usize, chunked: bool) -> (usize, usize) {
    const PIECE: usize = 16 * 1024;
    let limits = Limits {
        max_body_bytes: total as u64,
        ..Limits::default()
    };
    let mut parser = ResponseParser::new(&Method::Get, limits);
    let mut body = Vec::with_capacity(PIECE);
    parser.feed(framed_head, &mut body).unwrap();
    let data = vec![b'z'; PIECE];
    let chunk_wire = [format!("{PIECE:X}\r\n").as_bytes(), &data, b"\r\n"].concat();
    let (mut delivered, mut peak) = (0, 0);
    for _ in 0..total / PIECE {
        let piece: &[u8] = if chunked { &chunk_wire } else { &data };
        assert_eq!(parser.feed(piece, &mut body).unwrap(), piece.len());
        delivered += body.len();
        peak = peak.max(body.capacity() + parser.buffered_len());
        body.clear();
    }
    if chunked {
        parser.feed(b"0\r\n\r\n", &mut body).unwrap();
    }
    assert!(parser.is_complete() && parser.is_reusable());
    (delivered, peak)
}

#[test]
fn a_one_gibibyte_body_streams_through_constant_memory() {
    let total = 1 << 30;
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {total}\r\n\r\n");
    let (delivered, peak) = stream(head.as_bytes(), total, false);
    assert_eq!(delivered, total);
    assert!(peak <= 16 * 1024, "peak {peak}");
}

#[test]
fn a_chunked_body_streams_through_constant_memory() {
    let total = 64 << 20;
    let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (delivered, peak) = stream(head, total, true);
    assert_eq!(delivered, total);
    assert!(peak <= 16 * 1024, "peak {peak}");
}

#[test]
fn the_request_parser_keeps_the_same_limits() {
    let mut parser = RequestParser::new(Limits::default());
    let mut body = Vec::new();
    parser.feed(b"GET /", &mut body).unwrap();
    let mut error = None;
    for _ in 0..1000 {
        if let Err(e) = parser.feed(&[b'a'; 1024], &mut body) {
            error = Some(e);
            break;
        }
        assert!(parser.buffered_len() <= HEAD_LIMIT);
    }
    assert_eq!(error, head_bytes_exceeded(HEAD_LIMIT));
}
