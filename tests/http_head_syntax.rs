//! Property: a response head is accepted only in the shape RFC 9112 §4
//! (status line) and §5 (field syntax) describe, and parsed faithfully.

mod http_common;

use http_common::{get, is_malformed, status};
use runloop::http::{ParseError, Version};

fn with_status_line(line: &str) -> Vec<u8> {
    format!("{line}\r\nContent-Length: 0\r\n\r\n").into_bytes()
}

fn with_field(field: &[u8]) -> Vec<u8> {
    [b"HTTP/1.1 200 OK\r\n", field, b"\r\nContent-Length: 0\r\n\r\n"].concat()
}

#[test]
fn status_line_parts_are_parsed() {
    let head = get(&with_status_line("HTTP/1.0 404 Not Found")).head.unwrap();
    assert_eq!(head.version, Version::Http10);
    assert_eq!(head.status, 404);
    assert_eq!(head.reason, "Not Found");
}

#[test]
fn the_reason_phrase_may_be_empty_or_absent() {
    for line in ["HTTP/1.1 200 ", "HTTP/1.1 200"] {
        let outcome = get(&with_status_line(line));
        assert_eq!(outcome.head.unwrap().reason, "", "{line:?}");
    }
}

#[test]
fn the_reason_phrase_keeps_spaces_tabs_and_obs_text() {
    let wire = b"HTTP/1.1 200 Very\tOK \xff\r\n\r\n";
    let head = get(wire).head.unwrap();
    assert_eq!(head.reason, "Very\tOK \u{fffd}");
}

#[test]
fn malformed_status_lines_are_refused() {
    for line in [
        "HTTP/1.1 20 OK",
        "HTTP/1.1 2000 OK",
        "HTTP/1.1 abc OK",
        "HTTP/1.1  200 OK",
        "HTTP/1.1 200\tOK",
        "HTTP/1.1",
        "HTTP/1.1 ",
        "http/1.1 200 OK",
        "HTTP/2 200 OK",
        "HTTP/1.2 200 OK",
        "HTTP/1.1 099 Too Low",
        "HTTP/1.1 600 Too High",
        "ICY 200 OK",
        " HTTP/1.1 200 OK",
        "",
    ] {
        let outcome = get(&with_status_line(line));
        assert!(is_malformed(&outcome), "accepted {line:?}: {outcome:?}");
    }
}

#[test]
fn control_bytes_in_the_reason_phrase_are_refused() {
    for reason in [&b"O\x00K"[..], b"O\rK", b"OK\x7f", b"\x1b[31m"] {
        let wire = [b"HTTP/1.1 200 ", reason, b"\r\nContent-Length: 0\r\n\r\n"].concat();
        assert!(is_malformed(&get(&wire)), "accepted {reason:?}");
    }
}

#[test]
fn field_names_and_values_are_parsed_and_trimmed() {
    let head = get(&with_field(b"X-Thing:   a value\twith tab \t")).head.unwrap();
    assert_eq!(head.headers.get("x-thing"), Some("a value\twith tab"));
    let empty = get(&with_field(b"X-Empty:")).head.unwrap();
    assert_eq!(empty.headers.get("X-Empty"), Some(""));
}

#[test]
fn headers_keep_order_case_and_repeats() {
    let wire = b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Mid: m\r\nset-cookie: b=2\r\n\r\n";
    let head = get(wire).head.unwrap();
    let all: Vec<&[u8]> = head.headers.get_all("SET-COOKIE").collect();
    assert_eq!(all, [&b"a=1"[..], b"b=2"]);
    let names: Vec<&str> = head.headers.iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["Set-Cookie", "X-Mid", "set-cookie"]);
}

#[test]
fn non_utf8_values_are_kept_as_bytes() {
    let head = get(&with_field(b"X-Latin1: caf\xe9")).head.unwrap();
    assert_eq!(head.headers.get("x-latin1"), None, "get() is for text");
    assert_eq!(head.headers.get_bytes("x-latin1"), Some(&b"caf\xe9"[..]));
    assert!(head.headers.contains("x-latin1"));
}

/// The `what` of a Malformed outcome; panics on anything else.
fn malformed_because(wire: &[u8]) -> String {
    match get(wire).error {
        Some(ParseError::Malformed { what }) => what,
        other => panic!("{:?} gave {other:?}", wire.escape_ascii().to_string()),
    }
}

#[test]
fn obsolete_line_folding_is_refused_and_named() {
    for folded in [&b"X-A: one\r\n two"[..], b"X-A: one\r\n\ttwo"] {
        assert!(
            malformed_because(&with_field(folded)).contains("line folding"),
            "{folded:?}"
        );
    }
    // Whitespace before the very first field is folding too.
    let what = malformed_because(b"HTTP/1.1 200 OK\r\n X-A: b\r\n\r\n");
    assert!(what.contains("line folding"), "{what}");
}

#[test]
fn whitespace_before_the_colon_is_refused_and_named() {
    for field in [&b"Content-Length : 0"[..], b"X-A\t: b", b"X-A  :b"] {
        let what = malformed_because(&with_field(field));
        assert!(what.contains("whitespace between"), "{field:?}: {what}");
    }
}

#[test]
fn field_names_must_be_tokens() {
    for field in [
        &b": no name"[..],
        b"No Colon",
        b"X(A): b",
        b"X\"A: b",
        b"X/A: b",
        b"\xc3\xa9: b",
        b"X\x00A: b",
    ] {
        assert!(is_malformed(&get(&with_field(field))), "accepted {field:?}");
    }
    let odd_but_legal = get(&with_field(b"!#$%&'*+-.^_`|~09azAZ: ok")).head.unwrap();
    assert_eq!(odd_but_legal.headers.get("!#$%&'*+-.^_`|~09azaz"), Some("ok"));
}

#[test]
fn control_bytes_in_field_values_are_refused() {
    for value in [&b"a\x00b"[..], b"a\rb", b"a\x0bb", b"a\x7fb", b"\x1b[2J"] {
        let field = [b"X-A: ", value].concat();
        assert!(is_malformed(&get(&with_field(&field))), "accepted {value:?}");
    }
}

#[test]
fn bare_lf_line_endings_are_refused() {
    for wire in [
        &b"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"[..],
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n",
        b"HTTP/1.1 200 OK\n\n",
    ] {
        assert!(is_malformed(&get(wire)), "accepted {wire:?}");
    }
}

#[test]
fn empty_lines_before_the_status_line_are_skipped() {
    let outcome = get(b"\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(status(&outcome), Some(200));
    assert!(outcome.complete);
}

#[test]
fn error_messages_quote_peer_bytes_escaped() {
    let outcome = get(&with_field(b"X-A: \x1b[31mred\x07"));
    let message = outcome.error.unwrap().to_string();
    assert!(!message.bytes().any(|b| b.is_ascii_control()), "{message:?}");
    assert!(message.contains("\\x1b"), "{message}");
    let long = get(&with_status_line(&format!("HTTP/1.1 {}", "9".repeat(5000))));
    assert!(long.error.unwrap().to_string().len() < 300, "messages stay short");
}
