//! Property: the request writer produces the documented head, lets user
//! headers replace defaults, and no input can make it inject a header or
//! a second request.

use runloop::http::{Connection, Headers, Method, Request, USER_AGENT, Url, UrlError};

fn write(request: &Request, connection: Connection) -> String {
    let mut out = Vec::new();
    request.write_head(&mut out, connection).unwrap();
    String::from_utf8(out).unwrap()
}

fn get(url: &str) -> Request {
    Request::get(Url::parse(url).unwrap())
}

#[test]
fn a_get_request_has_the_default_fields_in_order() {
    let text = write(&get("http://example.com:8080/a/b?c=d#frag"), Connection::KeepAlive);
    assert_eq!(
        text,
        format!(
            "GET /a/b?c=d HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: {USER_AGENT}\r\n\
             Accept: */*\r\nConnection: keep-alive\r\n\r\n"
        )
    );
    assert!(USER_AGENT.starts_with("runloop/0."));
}

#[test]
fn head_and_connection_close_are_written() {
    let request = Request::head(Url::parse("http://[::1]/").unwrap());
    let text = write(&request, Connection::Close);
    assert!(text.starts_with("HEAD / HTTP/1.1\r\nHost: [::1]\r\n"), "{text}");
    assert!(text.contains("\r\nConnection: close\r\n"));
}

#[test]
fn user_headers_replace_defaults_case_insensitively_in_place() {
    let mut request = get("http://h/");
    request.headers.append("user-agent", "custom/2").unwrap();
    request.headers.append("X-Extra", "1").unwrap();
    request.headers.append("ACCEPT", "text/html").unwrap();
    request.headers.append("accept", "text/plain").unwrap();
    let text = write(&request, Connection::KeepAlive);
    assert_eq!(
        text,
        "GET / HTTP/1.1\r\nHost: h\r\nuser-agent: custom/2\r\nACCEPT: text/html\r\n\
         accept: text/plain\r\nConnection: keep-alive\r\nX-Extra: 1\r\n\r\n"
    );
    assert!(!text.contains(USER_AGENT));
}

#[test]
fn a_user_host_header_replaces_the_default() {
    let mut request = get("http://127.0.0.1:8080/");
    request.headers.insert("Host", "virtual.example").unwrap();
    let text = write(&request, Connection::KeepAlive);
    assert!(text.contains("\r\nHost: virtual.example\r\n"));
    assert!(!text.contains("127.0.0.1"));
}

#[test]
fn a_user_connection_header_decides_and_is_reported() {
    let mut request = get("http://h/");
    request.headers.append("Connection", "close").unwrap();
    let mut out = Vec::new();
    let sent = request.write_head(&mut out, Connection::KeepAlive).unwrap();
    assert_eq!(sent, Connection::Close);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.matches("Connection:").count(), 1, "{text}");
    let mut request = get("http://h/");
    request.headers.append("Connection", "keep-alive").unwrap();
    assert_eq!(
        request.write_head(&mut Vec::new(), Connection::Close).unwrap(),
        Connection::KeepAlive
    );
    assert_eq!(
        get("http://h/").write_head(&mut Vec::new(), Connection::Close).unwrap(),
        Connection::Close
    );
}

#[test]
fn methods_that_expect_content_say_there_is_none() {
    for (method, expect_length) in [
        (Method::Post, true),
        (Method::Put, true),
        (Method::Patch, true),
        (Method::Get, false),
        (Method::Delete, false),
        ("PURGE".parse().unwrap(), false),
    ] {
        let request = Request::new(method.clone(), Url::parse("http://h/").unwrap());
        let text = write(&request, Connection::KeepAlive);
        assert!(text.starts_with(&format!("{method} / HTTP/1.1\r\n")));
        assert_eq!(text.contains("\r\nContent-Length: 0\r\n"), expect_length, "{method}");
    }
}

fn refused(request: &Request) -> String {
    let mut out = b"untouched".to_vec();
    match request.write_head(&mut out, Connection::KeepAlive) {
        Err(invalid) => {
            assert_eq!(out, b"untouched", "nothing is written on failure");
            invalid.what().to_string()
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn body_headers_connect_and_bad_methods_are_refused_before_writing() {
    for name in ["Content-Length", "transfer-encoding"] {
        let mut request = get("http://h/");
        request.headers.append(name, "5").unwrap();
        assert!(refused(&request).contains("no request body"));
    }
    let mut two_hosts = get("http://h/");
    two_hosts.headers.append("Host", "a").unwrap();
    two_hosts.headers.append("host", "b").unwrap();
    assert!(refused(&two_hosts).contains("Host"));
    let connect = Request::new(Method::Connect, Url::parse("http://h/").unwrap());
    assert!(refused(&connect).contains("CONNECT"));
    let smuggled = Request::new(
        Method::Other("GET / HTTP/1.1\r\n".into()),
        Url::parse("http://h/").unwrap(),
    );
    assert!(refused(&smuggled).contains("token"));
}

#[test]
fn header_injection_through_names_and_values_is_refused() {
    let mut headers = Headers::new();
    for (name, value) in [
        ("X-A", &b"ok\r\nSet-Cookie: evil=1"[..]),
        ("X-A", b"ok\nX-B: 1"),
        ("X-A", b"ok\rX-B: 1"),
        ("X-A", b"nul\0byte"),
        ("X-A", b"del\x7f"),
        ("X-A", b"escape\x1b[2J"),
        ("X-A\r\nX-B", b"1"),
        ("X-A:", b"1"),
        ("X A", b"1"),
        ("", b"1"),
        ("X-\0", b"1"),
        ("Ünicode", b"1"),
    ] {
        let error = headers.append(name, value).unwrap_err();
        assert!(!error.what().contains('\r') && !error.what().contains('\n'), "{error}");
        assert!(headers.insert(name, value).is_err());
    }
    assert!(headers.is_empty(), "refused fields are not added");
}

#[test]
fn injection_through_the_url_is_refused_at_parse_time() {
    for text in [
        "http://h/\r\nX-Injected: 1",
        "http://h/ HTTP/1.1\r\nHost: evil",
        "http://h\r\n/",
        "http://h/%0d%0a\0",
    ] {
        assert!(matches!(Url::parse(text), Err(UrlError::Invalid { .. })), "{text:?}");
    }
    // Percent-encoded CRLF is just text to HTTP and is sent as such.
    let text = write(&get("http://h/%0d%0aX:%201"), Connection::KeepAlive);
    assert!(text.starts_with("GET /%0d%0aX:"), "{text}");
}

#[test]
fn header_values_are_trimmed_and_may_hold_inner_tabs_and_obs_text() {
    let mut request = get("http://h/");
    request.headers.append("X-A", "  a\tb  ").unwrap();
    request.headers.append("X-B", b"\xe9t\xe9").unwrap();
    let mut out = Vec::new();
    request.write_head(&mut out, Connection::KeepAlive).unwrap();
    assert!(contains(&out, b"\r\nX-A: a\tb\r\n"));
    assert!(contains(&out, b"\r\nX-B: \xe9t\xe9\r\n"));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn the_writer_appends_to_the_callers_buffer() {
    let mut out = b"previous request".to_vec();
    get("http://h/").write_head(&mut out, Connection::KeepAlive).unwrap();
    assert!(out.starts_with(b"previous requestGET / HTTP/1.1\r\n"));
    assert!(out.ends_with(b"\r\n\r\n"));
}
