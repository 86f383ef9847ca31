//! Property: the response parser finds the end of every body exactly as
//! RFC 9112 §6.3 says, and reports reusability per §9.3.

mod http_common;

use http_common::{Then, get, get_then_close, is_malformed, status, whole};
use runloop::http::{Framing, Limit, Limits, Method, ParseError};

// ---- Content-Length ---------------------------------------------------------

#[test]
fn content_length_body_is_read_exactly() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(outcome.body, b"hello");
    assert_eq!(outcome.framing, Some(Framing::Length(5)));
    assert!(outcome.complete && outcome.reusable);
}

#[test]
fn bytes_after_the_body_are_not_consumed() {
    let head_and_body = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let wire = [&head_and_body[..], b"HTTP/1.1 404 Not Found\r\n"].concat();
    let outcome = get(&wire);
    assert_eq!(outcome.consumed, head_and_body.len());
    assert_eq!(outcome.body, b"ok");
}

#[test]
fn content_length_zero_completes_at_the_blank_line() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(outcome.complete && outcome.reusable);
    assert!(outcome.body.is_empty());
}

#[test]
fn identical_repeated_content_lengths_are_accepted() {
    let repeated = get(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc");
    let listed = get(b"HTTP/1.1 200 OK\r\nContent-Length: 3 , 3,3\r\n\r\nabc");
    for outcome in [repeated, listed] {
        assert_eq!(outcome.error, None);
        assert_eq!(outcome.body, b"abc");
        assert!(outcome.complete);
    }
}

#[test]
fn conflicting_content_lengths_are_malformed() {
    for wire in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"[..],
        b"HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd",
    ] {
        let outcome = get(wire);
        assert!(is_malformed(&outcome), "{outcome:?}");
        assert_eq!(status(&outcome), Some(200), "the head is kept for error reports");
        assert!(!outcome.complete && !outcome.reusable);
    }
}

#[test]
fn content_length_must_be_plain_digits() {
    for value in ["+3", "-3", "3a", "0x3", "3 3", "", "3,", " ,3", "٣"] {
        let wire = format!("HTTP/1.1 200 OK\r\nContent-Length: {value}\r\n\r\nabc");
        assert!(is_malformed(&get(wire.as_bytes())), "accepted {value:?}");
    }
}

#[test]
fn content_length_overflow_is_malformed_not_wrapped() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n");
    assert!(is_malformed(&outcome));
    let huge = get(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n");
    assert!(is_malformed(&huge));
}

#[test]
fn content_length_leading_zeros_are_digits() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nContent-Length: 0002\r\n\r\nok");
    assert_eq!(outcome.body, b"ok");
}

#[test]
fn eof_before_content_length_is_an_incomplete_body() {
    let outcome = get_then_close(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    assert_eq!(
        outcome.error,
        Some(ParseError::IncompleteBody {
            received: 3,
            expected: Some(10)
        })
    );
    assert_eq!(outcome.body, b"abc");
    assert!(!outcome.reusable);
}

// ---- chunked ----------------------------------------------------------------

const CHUNKED: &str = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

fn chunked(body: &str) -> Vec<u8> {
    format!("{CHUNKED}{body}").into_bytes()
}

#[test]
fn chunked_body_is_decoded() {
    let outcome = get(&chunked("5\r\nhello\r\n6\r\n world\r\na\r\n0123456789\r\n0\r\n\r\n"));
    assert_eq!(outcome.body, b"hello world0123456789");
    assert_eq!(outcome.framing, Some(Framing::Chunked));
    assert!(outcome.complete && outcome.reusable);
}

#[test]
fn chunk_sizes_are_case_insensitive_hex_with_leading_zeros() {
    let outcome = get(&chunked("0000A\r\n0123456789\r\nf\r\n0123456789abcde\r\n0\r\n\r\n"));
    assert_eq!(outcome.body.len(), 25);
    assert!(outcome.complete);
}

#[test]
fn chunk_extensions_are_ignored() {
    let outcome = get(&chunked(
        "5;name=value\r\nhello\r\n1 ; a = \"b;c\"\r\n!\r\n0;done\r\n\r\n",
    ));
    assert_eq!(outcome.body, b"hello!");
    assert!(outcome.complete);
}

#[test]
fn control_bytes_in_chunk_extensions_are_refused() {
    for body in [
        "5;a=\0\r\nhello\r\n0\r\n\r\n",
        "5;a\x7f\r\n",
        "5;a\nb\r\n",
        "0;\x1b\r\n\r\n",
    ] {
        assert!(is_malformed(&get(&chunked(body))), "accepted {body:?}");
    }
}

#[test]
fn trailers_are_read_and_exposed() {
    let outcome = get(&chunked("2\r\nok\r\n0\r\nX-Checksum: abc\r\nX-Other:  d e \r\n\r\n"));
    let trailers = outcome.trailers.expect("trailers after a complete chunked body");
    assert_eq!(trailers.get("x-checksum"), Some("abc"));
    assert_eq!(trailers.get("X-OTHER"), Some("d e"));
    assert!(outcome.complete && outcome.reusable);
}

#[test]
fn trailers_follow_the_field_grammar() {
    assert!(is_malformed(&get(&chunked("0\r\nBad Name: x\r\n\r\n"))));
    assert!(is_malformed(&get(&chunked("0\r\nX: a\r\n folded\r\n\r\n"))));
}

#[test]
fn missing_crlf_after_chunk_data_is_malformed() {
    for body in [
        "5\r\nhelloX\r\n0\r\n\r\n",
        "5\r\nhello0\r\n\r\n",
        "5\r\nhello\rX0\r\n\r\n",
        "5\r\nhelloX\n0\r\n\r\n",
        "5\r\nhello\n\n0\r\n\r\n",
    ] {
        let outcome = get(&chunked(body));
        assert!(is_malformed(&outcome), "{body:?}: {outcome:?}");
        assert_eq!(outcome.body, b"hello", "data before the error is delivered");
    }
}

#[test]
fn chunk_size_overflow_is_malformed() {
    // 17 hex digits: 2^64, one more than u64 can hold.
    let outcome = get(&chunked("10000000000000000\r\nx\r\n0\r\n\r\n"));
    assert!(is_malformed(&outcome), "{outcome:?}");
    let outcome = get(&chunked("FFFFFFFFFFFFFFFFF\r\n"));
    assert!(is_malformed(&outcome));
}

#[test]
fn a_chunk_size_that_fits_u64_still_meets_the_body_cap() {
    let outcome = get(&chunked("FFFFFFFFFFFFFFFF\r\n"));
    assert_eq!(
        outcome.error,
        Some(ParseError::LimitExceeded {
            limit: Limit::BodyBytes {
                max: Limits::DEFAULT_MAX_BODY_BYTES
            }
        })
    );
}

#[test]
fn chunk_sizes_are_hex_digits_only() {
    for body in [
        "0x5\r\nhello\r\n0\r\n\r\n",
        "\r\n",
        ";ext\r\n",
        "g\r\n",
        "-1\r\n",
        "5\n",
        "5\rXhello\r\n0\r\n\r\n",
    ] {
        assert!(is_malformed(&get(&chunked(body))), "accepted {body:?}");
    }
}

#[test]
fn eof_before_the_last_chunk_is_an_incomplete_body() {
    let outcome = get_then_close(&chunked("5\r\nhello\r\n3\r\nab"));
    assert_eq!(
        outcome.error,
        Some(ParseError::IncompleteBody {
            received: 7,
            expected: None
        })
    );
    // Cut inside the trailers is just as incomplete.
    let outcome = get_then_close(&chunked("0\r\nX-A: b\r\n"));
    assert!(matches!(outcome.error, Some(ParseError::IncompleteBody { .. })));
}

#[test]
fn transfer_encoding_must_end_with_chunked() {
    for coding in ["gzip", "chunked, gzip", "identity", "chunked;q=1"] {
        let wire = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: {coding}\r\n\r\nxyz");
        assert!(is_malformed(&get(wire.as_bytes())), "accepted {coding:?}");
    }
}

#[test]
fn chunked_twice_is_malformed() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert!(is_malformed(&outcome));
}

#[test]
fn codings_before_chunked_are_unsupported() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    assert!(matches!(outcome.error, Some(ParseError::Unsupported { .. })));
}

#[test]
fn chunked_is_matched_case_insensitively_across_field_lines() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\ntransfer-encoding: CHUNKED\r\n\r\n0\r\n\r\n");
    assert!(outcome.complete, "{outcome:?}");
}

// ---- both, neither ------------------------------------------------------------

#[test]
fn chunked_wins_over_content_length_and_poisons_the_connection() {
    let outcome =
        get(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    assert_eq!(outcome.body, b"ok");
    assert!(outcome.complete);
    assert!(!outcome.reusable);
}

#[test]
fn no_length_means_read_until_close() {
    let wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this";
    let open = get(wire);
    assert_eq!(open.framing, Some(Framing::UntilClose));
    assert!(!open.complete, "the body may go on");
    let closed = get_then_close(wire);
    assert_eq!(closed.error, None);
    assert_eq!(closed.body, b"all of this");
    assert!(closed.complete);
    assert!(!closed.reusable);
}

// ---- responses without a body ----------------------------------------------------

#[test]
fn a_response_to_head_has_no_body() {
    let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    let outcome = whole(&Method::Head, Limits::default(), wire, Then::StayOpen);
    assert!(outcome.complete && outcome.reusable);
    assert!(outcome.body.is_empty());
    assert_eq!(outcome.consumed, wire.len() - 5);
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert!(whole(&Method::Head, Limits::default(), chunked, Then::StayOpen).complete);
}

#[test]
fn no_content_and_not_modified_have_no_body() {
    for status in [204, 304] {
        let wire = format!("HTTP/1.1 {status} X\r\nContent-Length: 7\r\n\r\nleftover");
        let outcome = get(wire.as_bytes());
        assert!(outcome.complete && outcome.reusable, "{status}");
        assert_eq!(outcome.framing, Some(Framing::NoBody));
        assert_eq!(outcome.consumed, wire.len() - "leftover".len());
    }
}

#[test]
fn interim_responses_are_skipped() {
    let outcome = get(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert_eq!(status(&outcome), Some(200));
    assert_eq!(outcome.head.unwrap().headers.get("link"), None);
    assert_eq!(outcome.body, b"ok");
    assert!(outcome.complete && outcome.reusable);
}

#[test]
fn switching_protocols_ends_the_message_and_the_connection() {
    let head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    let wire = [&head[..], b"\x81\x05hello"].concat();
    let outcome = get(&wire);
    assert_eq!(status(&outcome), Some(101));
    assert!(outcome.complete);
    assert!(!outcome.reusable);
    assert_eq!(outcome.consumed, head.len(), "the new protocol's bytes are left");
}

// ---- persistence --------------------------------------------------------------------

#[test]
fn http_1_0_closes_unless_keep_alive() {
    let plain = get(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    assert!(plain.complete && !plain.reusable);
    let keep = get(b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok");
    assert!(keep.complete && keep.reusable);
}

#[test]
fn http_1_0_keep_alive_is_trusted_only_with_a_length() {
    let until_close = get_then_close(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nok");
    assert!(until_close.complete && !until_close.reusable);
    let chunked =
        get(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    assert_eq!(chunked.body, b"ok");
    assert!(chunked.complete && !chunked.reusable);
}

#[test]
fn connection_close_is_honoured_in_any_list_position() {
    for value in ["close", "Close", "keep-alive, close", "foo ,CLOSE"] {
        let wire = format!("HTTP/1.1 200 OK\r\nConnection: {value}\r\nContent-Length: 0\r\n\r\n");
        let outcome = get(wire.as_bytes());
        assert!(outcome.complete && !outcome.reusable, "{value}");
    }
}

#[test]
fn an_unfinished_response_is_not_reusable() {
    let outcome = get(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel");
    assert!(!outcome.complete && !outcome.reusable);
}

// ---- the end of the connection ----------------------------------------------------------

#[test]
fn eof_in_the_head_is_malformed() {
    let outcome = get_then_close(b"HTTP/1.1 200 OK\r\nContent-");
    assert!(is_malformed(&outcome));
    let ParseError::Malformed { what } = outcome.error.unwrap() else {
        unreachable!()
    };
    assert!(what.contains("closed before the response head was complete"), "{what}");
}

#[test]
fn a_parser_that_failed_stays_failed() {
    let mut parser = runloop::http::ResponseParser::new(&Method::Get, Limits::default());
    let mut body = Vec::new();
    let first = parser.feed(b"HTTP/9.9 200 OK\r\n\r\n", &mut body).unwrap_err();
    assert_eq!(parser.feed(b"HTTP/1.1 200 OK\r\n\r\n", &mut body), Err(first.clone()));
    assert_eq!(parser.finish(), Err(first));
    assert!(!parser.is_complete() && !parser.is_reusable());
}

#[test]
fn is_started_tells_a_stale_pooled_connection_from_a_broken_response() {
    let mut parser = runloop::http::ResponseParser::new(&Method::Get, Limits::default());
    assert!(!parser.is_started());
    assert!(parser.finish().is_err());
    assert!(!parser.is_started(), "nothing arrived: safe to retry elsewhere");
    let mut parser = runloop::http::ResponseParser::new(&Method::Get, Limits::default());
    parser.feed(b"H", &mut Vec::new()).unwrap();
    assert!(parser.is_started());
}
