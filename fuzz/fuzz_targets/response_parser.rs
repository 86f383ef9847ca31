//! Fuzz target: the sans-IO response parser (`runloop::http::ResponseParser`).
//!
//! The first bytes of the input choose the method (GET or HEAD), the limits
//! (small or default) and up to three cut points; the rest is the wire
//! image. The parser must never panic, never hold more than the head limit
//! or deliver more than the body limit, and give the same outcome fed in one
//! piece and fed in pieces.
//!
//! ```sh
//! cargo fuzz run -s none response_parser     # stable Rust: no sanitizer
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use runloop::http::{Framing, Headers, Limits, Method, ParseError, ResponseHead, ResponseParser};

/// Everything observable about one parse.
#[derive(Debug, PartialEq)]
struct Outcome {
    head: Option<ResponseHead>,
    framing: Option<Framing>,
    body: Vec<u8>,
    trailers: Option<Headers>,
    error: Option<ParseError>,
    complete: bool,
    reusable: bool,
}

fn parse<'a>(method: &Method, limits: Limits, pieces: impl IntoIterator<Item = &'a [u8]>) -> Outcome {
    let mut parser = ResponseParser::new(method, limits);
    let (mut body, mut error) = (Vec::new(), None);
    for piece in pieces {
        let before = body.len();
        let result = parser.feed(piece, &mut body);
        assert!(
            parser.buffered_len() <= limits.max_head_bytes,
            "held more than the head limit"
        );
        assert!(
            body.len() as u64 <= limits.max_body_bytes,
            "delivered more than the body limit"
        );
        assert!(body.len() >= before, "took body bytes back");
        match result {
            Ok(used) => assert!(used <= piece.len(), "consumed more than it was given"),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    if error.is_none() && !parser.is_complete() {
        error = parser.finish().err();
    }
    Outcome {
        head: parser.head().cloned(),
        framing: parser.framing(),
        body,
        trailers: parser.trailers().cloned(),
        error,
        complete: parser.is_complete(),
        reusable: parser.is_reusable(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let (cuts, wire) = rest.split_at(rest.len().min(3));
    let method = if control & 1 == 0 { Method::Get } else { Method::Head };
    let limits = match control & 2 {
        0 => Limits::default(),
        _ => Limits {
            max_headers: 4,
            max_head_bytes: 64,
            max_body_bytes: 32,
        },
    };
    let mut points: Vec<usize> = cuts.iter().map(|&cut| usize::from(cut) * wire.len() / 255).collect();
    points.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for point in points {
        pieces.push(&wire[start..point]);
        start = point;
    }
    pieces.push(&wire[start..]);
    let whole = parse(&method, limits, [wire]);
    let split = parse(&method, limits, pieces);
    assert_eq!(whole, split, "a split changed the outcome");
});
