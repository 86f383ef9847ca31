//! Property: no input makes the HTTP core panic, exceed its limits, or put
//! a control byte where it does not belong; a response parses the same
//! however it is split, and a well-formed one parses back to exactly the
//! parts it was made from. Random inputs, 1,000 cases per property, a
//! new random seed each run (proptest's default), so every run explores
//! further; a failure is saved in `http_proptest.proptest-regressions`
//! and replayed first from then on.

mod http_common;

use http_common::{Outcome, Then, response_corpus, run, whole};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use runloop::http::{Connection, Headers, Limits, Method, Request, RequestParser, ResponseParser, Url};

/// ASCII-heavy text with the dangerous bytes mixed in, or any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[ -~\\r\\n\\t\\x00\\x7f]{0,24}",
        1 => any::<String>(),
    ]
}

/// Things that look like URLs often enough to get past the scheme.
fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        3 => (
            prop::sample::select(vec!["http://", "HTTP://", "https://", "http:/", ""]),
            "[a-z0-9.:\\[\\]@%-]{0,20}",
            text(),
        ).prop_map(|(scheme, authority, rest)| format!("{scheme}{authority}{rest}")),
    ]
}

/// A mostly-valid ASCII string, sometimes with one dangerous character
/// (CR, LF, NUL, DEL, ESC, space, tab, colon) slipped in somewhere.
fn sprinkled(base: &'static str) -> impl Strategy<Value = String> {
    let danger = prop::sample::select(vec!['\r', '\n', '\0', '\x7f', '\x1b', ' ', '\t', ':']);
    (
        base,
        prop::option::weighted(0.3, (any::<prop::sample::Index>(), danger)),
    )
        .prop_map(|(mut text, danger)| {
            if let Some((at, c)) = danger {
                text.insert(at.index(text.len() + 1), c); // ASCII: every index is a boundary
            }
            text
        })
}

/// The parts of a request: host, path, and user fields (some named like
/// the defaults or the forbidden body fields).
fn request_parts() -> impl Strategy<Value = (String, String, Vec<(String, String)>)> {
    let host = prop_oneof![6 => sprinkled("[a-z0-9]{1,8}(\\.[a-z]{1,4})?"), 1 => text()];
    let path = prop_oneof![6 => sprinkled("[a-zA-Z0-9/._~%?=&-]{0,20}"), 1 => text()];
    let name = prop_oneof![
        8 => sprinkled("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}"),
        1 => prop::sample::select(vec!["Host", "user-agent", "ACCEPT", "connection", "Content-Length"])
            .prop_map(String::from),
        1 => text(),
    ];
    let value = prop_oneof![6 => sprinkled("[ -~\t]{0,20}"), 1 => text()];
    (host, path, proptest::collection::vec((name, value), 0..5))
}

/// A method: the known ones, or an extension built directly (bypassing
/// `str::parse`, which would check it), sometimes with a dangerous byte.
fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        4 => prop::sample::select(vec![
            Method::Get, Method::Head, Method::Post, Method::Put, Method::Delete,
            Method::Options, Method::Patch, Method::Trace, Method::Connect,
        ]),
        1 => sprinkled("[A-Z!#$%&'*+.^_`|~-]{1,8}").prop_map(|name| Method::Other(name.into())),
    ]
}

/// Build and write a request from parts; `None` when any part is refused.
fn write_request(
    (host, path, fields): &(String, String, Vec<(String, String)>),
    connection: Connection,
) -> Option<(Request, Vec<u8>)> {
    write_request_with(Method::Get, &(host.clone(), path.clone(), fields.clone()), connection)
}

/// The same with any method.
fn write_request_with(
    method: Method,
    (host, path, fields): &(String, String, Vec<(String, String)>),
    connection: Connection,
) -> Option<(Request, Vec<u8>)> {
    let url = Url::parse(&format!("http://{host}/{path}")).ok()?;
    let mut request = Request::new(method, url);
    for (name, value) in fields {
        let _ = request.headers.append(name, value);
    }
    let mut out = Vec::new();
    match request.write_head(&mut out, connection) {
        Ok(_) => Some((request, out)),
        Err(_) => {
            assert!(out.is_empty(), "nothing written on failure");
            None
        }
    }
}

#[test]
fn the_request_generator_reaches_the_writer() {
    // Guards the writer property against a generator whose every request
    // is refused before anything is written.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = request_parts();
    let written: Vec<Request> = (0..1000)
        .filter_map(|_| {
            let parts = strategy.new_tree(&mut runner).unwrap().current();
            write_request(&parts, Connection::KeepAlive).map(|(request, _)| request)
        })
        .collect();
    let user_fields: usize = written.iter().map(|request| request.headers.len()).sum();
    assert!(written.len() >= 300, "only {} written", written.len());
    assert!(user_fields >= written.len(), "only {user_fields} user fields");
}

/// Cut `bytes` at the given fractions, giving pieces covering all of it.
fn pieces<'a>(bytes: &'a [u8], cuts: &[prop::sample::Index]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for point in points {
        pieces.push(&bytes[start..point]);
        start = point;
    }
    pieces.push(&bytes[start..]);
    pieces
}

fn small_limits() -> Limits {
    Limits {
        max_headers: 4,
        max_head_bytes: 64,
        max_body_bytes: 32,
    }
}

/// Feed a response parser, checking the caps after every piece.
fn feed_checking_caps(method: &Method, limits: Limits, pieces: &[&[u8]]) -> Result<(), TestCaseError> {
    let mut parser = ResponseParser::new(method, limits);
    let mut delivered = 0u64;
    for piece in pieces {
        let mut body = Vec::new();
        let result = parser.feed(piece, &mut body);
        delivered += body.len() as u64;
        prop_assert!(parser.buffered_len() <= limits.max_head_bytes);
        prop_assert!(delivered <= limits.max_body_bytes);
        match result {
            Ok(used) => prop_assert!(used <= piece.len()),
            Err(_) => return Ok(()),
        }
    }
    let _ = parser.finish();
    Ok(())
}

/// The corpus with a few random byte edits: deep enough to reach the body
/// decoders, broken enough to hit their error paths.
fn mutated_response() -> impl Strategy<Value = (Method, Vec<u8>)> {
    let corpus = response_corpus();
    let edits = proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 0..4);
    (0..corpus.len(), edits).prop_map(move |(entry, edits)| {
        let (_, method, mut wire) = corpus[entry].clone();
        for (at, byte, kind) in edits {
            let at = at.index(wire.len() + 1);
            match kind {
                0 => wire.insert(at, byte),
                1 if at < wire.len() => wire[at] = byte,
                _ if at < wire.len() => drop(wire.remove(at)),
                _ => {}
            }
        }
        (method, wire)
    })
}

/// How a generated response frames its body.
#[derive(Debug, Clone)]
enum Body {
    Length,
    /// The body cut into these chunk sizes (the rest, if any, is a last
    /// non-empty chunk), each with an optional extension, then trailers.
    Chunked(Vec<(usize, Option<String>)>, Vec<(String, String)>),
    UntilClose,
}

/// A well-formed response, as parts: version 1.1, status, reason, fields
/// (never framing ones), framing, body bytes.
#[derive(Debug, Clone)]
struct Made {
    status: u16,
    reason: String,
    fields: Vec<(String, String)>,
    framing: Body,
    body: Vec<u8>,
}

fn made_response() -> impl Strategy<Value = Made> {
    let field = ("X-[A-Za-z0-9-]{1,10}", "[!-~]([ -~\t]{0,20}[!-~])?");
    let trailer = ("T-[a-z]{1,6}", "[!-~]{1,10}");
    let framing = prop_oneof![
        Just(Body::Length),
        (
            proptest::collection::vec((1..200usize, prop::option::of("[a-z]{1,5}(=[a-z0-9]{1,5})?")), 0..6),
            proptest::collection::vec(trailer, 0..3),
        )
            .prop_map(|(chunks, trailers)| Body::Chunked(chunks, trailers)),
        Just(Body::UntilClose),
    ];
    (
        (200u16..600).prop_filter("no body by definition", |status| *status != 204 && *status != 304),
        "[ -~]{0,12}",
        proptest::collection::vec(field, 0..8),
        framing,
        proptest::collection::vec(any::<u8>(), 0..1500),
    )
        .prop_map(|(status, reason, fields, framing, body)| Made {
            status,
            reason: reason.trim_end().to_string(),
            fields,
            framing,
            body,
        })
}

impl Made {
    /// The wire image.
    fn wire(&self) -> Vec<u8> {
        let mut wire = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason).into_bytes();
        for (name, value) in &self.fields {
            wire.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        match &self.framing {
            Body::Length => {
                wire.extend_from_slice(format!("Content-Length: {}\r\n\r\n", self.body.len()).as_bytes());
                wire.extend_from_slice(&self.body);
            }
            Body::UntilClose => {
                wire.extend_from_slice(b"\r\n");
                wire.extend_from_slice(&self.body);
            }
            Body::Chunked(sizes, trailers) => {
                wire.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                let mut rest = &self.body[..];
                let mut sizes = sizes.iter();
                while !rest.is_empty() {
                    let (size, extension) = sizes
                        .next()
                        .map_or((rest.len(), None), |(size, ext)| (*size, ext.as_ref()));
                    let (chunk, after) = rest.split_at(size.min(rest.len()));
                    let extension = extension.map(|ext| format!(";{ext}")).unwrap_or_default();
                    wire.extend_from_slice(format!("{:x}{extension}\r\n", chunk.len()).as_bytes());
                    wire.extend_from_slice(chunk);
                    wire.extend_from_slice(b"\r\n");
                    rest = after;
                }
                wire.extend_from_slice(b"0\r\n");
                for (name, value) in trailers {
                    wire.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
                }
                wire.extend_from_slice(b"\r\n");
            }
        }
        wire
    }
}

fn comparable(outcome: Outcome) -> Outcome {
    Outcome {
        consumed: if outcome.error.is_some() { 0 } else { outcome.consumed },
        ..outcome
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn url_parse_never_panics_and_keeps_its_invariants(input in url_like()) {
        if let Ok(url) = Url::parse(&input) {
            prop_assert!(url.path_and_query().starts_with('/'));
            prop_assert!(url.path_and_query().bytes().all(|b| b.is_ascii_graphic()));
            prop_assert!(url.authority().bytes().all(|b| b.is_ascii_graphic()));
            prop_assert!(!url.host().is_empty() && url.port() != 0);
            let reparsed = Url::parse(&url.to_string());
            prop_assert_eq!(reparsed.ok(), Some(url), "Display round-trips");
        }
    }

    #[test]
    fn url_join_never_panics_and_keeps_its_invariants(base in url_like(), reference in url_like()) {
        let base = Url::parse(&base).unwrap_or_else(|_| Url::parse("http://h/a/b?c").unwrap());
        if let Ok(url) = base.join(&reference) {
            prop_assert!(url.path_and_query().starts_with('/'));
            prop_assert!(url.path_and_query().bytes().all(|b| b.is_ascii_graphic()));
        }
    }

    #[test]
    fn the_request_writer_never_emits_a_control_byte_inside_a_line(
        parts in request_parts(),
        keep_alive in any::<bool>(),
    ) {
        let connection = if keep_alive { Connection::KeepAlive } else { Connection::Close };
        let Some((request, out)) = write_request(&parts, connection) else { return Ok(()) };
        // Every line ends with CRLF and holds no CR, LF or NUL inside.
        let text = out.strip_suffix(b"\r\n\r\n").expect("ends with a blank line");
        let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
        for line in &lines[..lines.len() - 1] {
            let inside = line.strip_suffix(b"\r").expect("CRLF line ending");
            prop_assert!(!inside.iter().any(|&b| b == b'\r' || b == b'\0'));
        }
        prop_assert!(!lines[lines.len() - 1].iter().any(|&b| b == b'\r' || b == b'\0'));
        // No injected fields: the line count is the request line, the four
        // defaults (or their replacements) and the user's other fields.
        let defaults = ["host", "user-agent", "accept", "connection"];
        let replaced: usize = defaults.iter().filter(|d| request.headers.contains(d)).count();
        prop_assert_eq!(lines.len(), 1 + defaults.len() - replaced + request.headers.len());
        // And a reference parser reads the same number of fields.
        let mut slots = [httparse::EMPTY_HEADER; 16];
        let mut parsed = httparse::Request::new(&mut slots);
        prop_assert_eq!(parsed.parse(&out), Ok(httparse::Status::Complete(out.len())));
        prop_assert_eq!(parsed.headers.len(), lines.len() - 1);
    }

    #[test]
    fn no_control_byte_reaches_the_wire_but_line_ends_and_tabs_in_values(
        method in method(),
        parts in request_parts(),
        keep_alive in any::<bool>(),
    ) {
        let connection = if keep_alive { Connection::KeepAlive } else { Connection::Close };
        let Some((_, out)) = write_request_with(method, &parts, connection) else { return Ok(()) };
        let head = out.strip_suffix(b"\r\n\r\n").expect("ends with a blank line");
        let control = |b: &u8| *b < 0x20 || *b == 0x7f;
        for (index, line) in head.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if index == 0 {
                prop_assert!(!line.iter().any(control), "request line {:?}", String::from_utf8_lossy(line));
                continue;
            }
            let colon = line.iter().position(|&b| b == b':').expect("a field line has a colon");
            let (name, value) = line.split_at(colon);
            prop_assert!(!name.iter().any(control), "field name {:?}", String::from_utf8_lossy(name));
            prop_assert!(
                !value.iter().any(|b| control(b) && *b != b'\t'),
                "field value {:?}",
                String::from_utf8_lossy(value)
            );
        }
        // Every CR is the first half of a line end, every LF the second.
        for (at, byte) in out.iter().enumerate() {
            match byte {
                b'\r' => prop_assert_eq!(out.get(at + 1), Some(&b'\n')),
                b'\n' => prop_assert_eq!(at.checked_sub(1).map(|i| out[i]), Some(b'\r')),
                _ => {}
            }
        }
    }

    #[test]
    fn headers_accept_only_safe_fields(name in text(), value in text()) {
        let mut headers = Headers::new();
        if headers.append(&name, &value).is_ok() {
            let (stored_name, stored_value) = headers.iter().next().unwrap();
            prop_assert!(stored_name.bytes().all(|b| b.is_ascii_graphic() && b != b':'));
            prop_assert!(!stored_value.iter().any(|&b| b < 0x20 && b != b'\t' || b == 0x7f));
        }
    }

    #[test]
    fn the_response_parser_survives_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        head_request in any::<bool>(),
    ) {
        let method = if head_request { Method::Head } else { Method::Get };
        let input = [&b"HTTP/1.1 200 OK\r\n"[..], &bytes].concat();
        for wire in [&bytes[..], &input[..]] {
            feed_checking_caps(&method, small_limits(), &pieces(wire, &cuts))?;
            feed_checking_caps(&method, Limits::default(), &pieces(wire, &cuts))?;
            for limits in [small_limits(), Limits::default()] {
                let reference = comparable(whole(&method, limits, wire, Then::Close));
                let outcome = comparable(run(&method, limits, pieces(wire, &cuts), Then::Close));
                prop_assert_eq!(outcome, reference, "a split changed the outcome");
            }
        }
    }

    #[test]
    fn mutated_responses_respect_caps_and_split_the_same(
        (method, wire) in mutated_response(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let cut = pieces(&wire, &cuts);
        feed_checking_caps(&method, small_limits(), &cut)?;
        for limits in [small_limits(), Limits::default()] {
            let reference = comparable(whole(&method, limits, &wire, Then::Close));
            let outcome = comparable(run(&method, limits, cut.iter().copied(), Then::Close));
            prop_assert_eq!(outcome, reference);
        }
    }

    #[test]
    fn a_well_formed_response_parses_to_its_parts_at_any_split(
        made in made_response(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let wire = made.wire();
        let outcome = run(&Method::Get, Limits::default(), pieces(&wire, &cuts), Then::Close);
        prop_assert_eq!(&outcome.error, &None);
        prop_assert!(outcome.complete);
        let head = outcome.head.as_ref().expect("a head");
        prop_assert_eq!(head.status, made.status);
        prop_assert_eq!(&head.reason, &made.reason);
        for (name, value) in &made.fields {
            prop_assert!(head.headers.get_all(name).any(|got| got == value.as_bytes()), "{} lost", name);
        }
        prop_assert_eq!(&outcome.body, &made.body);
        match &made.framing {
            Body::Chunked(_, trailers) => {
                let got = outcome.trailers.as_ref().expect("a chunked body has a trailer section");
                // In order, names in any case: a name may come twice.
                let got: Vec<(String, Vec<u8>)> =
                    got.iter().map(|(name, value)| (name.to_ascii_lowercase(), value.to_vec())).collect();
                let made: Vec<(String, Vec<u8>)> = trailers
                    .iter()
                    .map(|(name, value)| (name.to_ascii_lowercase(), value.as_bytes().to_vec()))
                    .collect();
                prop_assert_eq!(got, made);
                prop_assert!(outcome.reusable);
            }
            Body::Length => prop_assert!(outcome.reusable),
            Body::UntilClose => prop_assert!(!outcome.reusable),
        }
        // Byte by byte, too, in one case of twelve (it is slow).
        if cuts.len() == 11 {
            let bytewise = comparable(http_common::bytewise(&Method::Get, Limits::default(), &wire, Then::Close));
            prop_assert_eq!(bytewise, comparable(outcome));
        }
    }

    #[test]
    fn the_request_parser_survives_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let input = [&b"POST / HTTP/1.1\r\nHost: h\r\n"[..], &bytes].concat();
        for wire in [&bytes[..], &input[..]] {
            for limits in [small_limits(), Limits::default()] {
                let mut parser = RequestParser::new(limits);
                let mut delivered = 0;
                for piece in pieces(wire, &cuts) {
                    let mut body = Vec::new();
                    let result = parser.feed(piece, &mut body);
                    delivered += body.len() as u64;
                    prop_assert!(parser.buffered_len() <= limits.max_head_bytes);
                    prop_assert!(delivered <= limits.max_body_bytes);
                    if result.is_err() {
                        break;
                    }
                }
                let _ = parser.finish();
            }
        }
    }
}
