//! Property: every error says what happened and to which URL or host, in
//! words a user can act on, and exposes what it wraps: the underlying I/O
//! error, or the sans-IO error it gave a URL to.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use runloop::http::{Error, Headers, Limit, ParseError, TimeoutPhase, Url, UrlError};

fn url() -> Url {
    Url::parse("http://example.com:8080/data?id=7").unwrap()
}

const URL_TEXT: &str = "http://example.com:8080/data?id=7";

#[test]
fn parse_errors_are_wrapped_with_the_url_and_keep_their_meaning() {
    let cases = [
        (
            ParseError::Malformed {
                what: "bad chunk".into(),
            },
            "malformed",
        ),
        (ParseError::Unsupported { what: "gzip".into() }, "does not support"),
        (
            ParseError::LimitExceeded {
                limit: Limit::BodyBytes { max: 10 },
            },
            "max_body_bytes",
        ),
        (
            ParseError::IncompleteBody {
                received: 3,
                expected: Some(10),
            },
            "3 of 10",
        ),
        (
            ParseError::IncompleteBody {
                received: 3,
                expected: None,
            },
            "before the last chunk",
        ),
    ];
    for (parse_error, words) in cases {
        let error = parse_error.clone().at(&url());
        let message = error.to_string();
        assert!(message.contains(URL_TEXT), "{message}");
        assert!(message.contains(words), "{message}");
        let source = error.source().expect("the parse error is the source");
        assert_eq!(source.to_string(), parse_error.to_string());
        match error {
            Error::Protocol { url, source } => assert_eq!((url.as_str(), source), (URL_TEXT, parse_error)),
            other => panic!("{parse_error:?} became {other:?}"),
        }
    }
}

#[test]
fn io_errors_name_the_host_and_expose_their_source() {
    let refused = || io::Error::new(io::ErrorKind::ConnectionRefused, "connection refused");
    let cases = [
        (
            Error::Resolve {
                host: "nowhere.invalid".into(),
                source: refused(),
            },
            "nowhere.invalid",
        ),
        (
            Error::Connect {
                address: "127.0.0.1:9".into(),
                source: refused(),
            },
            "127.0.0.1:9",
        ),
        (
            Error::Io {
                url: URL_TEXT.into(),
                source: refused(),
            },
            URL_TEXT,
        ),
    ];
    for (error, names) in cases {
        let message = error.to_string();
        assert!(
            message.contains(names) && message.contains("connection refused"),
            "{message}"
        );
        let source = error.source().expect("I/O errors have a source");
        assert_eq!(source.to_string(), "connection refused");
    }
}

#[test]
fn timeouts_say_which_deadline_and_how_long() {
    let connect = Error::Timeout {
        url: URL_TEXT.into(),
        phase: TimeoutPhase::Connect,
        after: Duration::from_secs(5),
    };
    let message = connect.to_string();
    assert!(
        message.contains("5s") && message.contains("connecting") && message.contains(URL_TEXT),
        "{message}"
    );
    let total = Error::Timeout {
        url: URL_TEXT.into(),
        phase: TimeoutPhase::Total,
        after: Duration::from_millis(1500),
    };
    assert!(total.to_string().contains("1.5s"), "{total}");
}

#[test]
fn redirect_and_request_errors_name_the_url() {
    let redirects = Error::TooManyRedirects {
        url: URL_TEXT.into(),
        max: 10,
    };
    assert!(redirects.to_string().contains("10 redirects") && redirects.to_string().contains(URL_TEXT));
    let invalid = Headers::new().append("X-A", "a\r\nb").unwrap_err().at(&url());
    let Error::InvalidRequest { url, source } = &invalid else {
        panic!("{invalid:?}")
    };
    assert_eq!(url, URL_TEXT);
    assert!(source.what().contains("control character"), "{source}");
    assert!(invalid.to_string().contains(URL_TEXT));
    assert!(invalid.to_string().contains("control character"), "{invalid}");
    assert_eq!(invalid.source().map(ToString::to_string), Some(source.to_string()));
}

#[test]
fn url_errors_are_shown_as_they_are() {
    let refused = Url::parse("https://example.com/").unwrap_err();
    let error = Error::from(refused.clone());
    assert_eq!(error.to_string(), refused.to_string());
    assert!(error.to_string().contains("no TLS"), "{error}");
    assert!(matches!(error, Error::Url(UrlError::UnsupportedScheme { .. })));
}

#[test]
fn errors_are_send_sync_and_static_for_use_across_tasks() {
    fn assert_bounds<T: std::error::Error + Send + Sync + 'static>() {}
    assert_bounds::<Error>();
    assert_bounds::<ParseError>();
    assert_bounds::<runloop::http::InvalidInput>();
    assert_bounds::<UrlError>();
}
