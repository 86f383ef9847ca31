//! Property: `Url::parse` accepts exactly the `http://` URLs it documents,
//! refuses the rest with an error naming the URL and the problem, and
//! `Url::join` resolves references as RFC 3986 §5.4 says.

use runloop::http::{Url, UrlError};

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The reason an invalid URL was refused; panics on success.
fn refusal(text: &str) -> String {
    match Url::parse(text) {
        Err(UrlError::Invalid { url, reason }) => {
            assert_eq!(url, text, "the error names the URL");
            reason
        }
        other => panic!("{text:?} gave {other:?}"),
    }
}

#[test]
fn names_ipv4_and_ipv6_hosts_are_parsed() {
    let cases = [
        ("http://example.com/", "example.com", 80, "example.com"),
        ("http://Example.COM:8080/", "example.com", 8080, "example.com:8080"),
        ("http://127.0.0.1:3000/x", "127.0.0.1", 3000, "127.0.0.1:3000"),
        ("http://[::1]/", "::1", 80, "[::1]"),
        ("http://[2001:DB8::1]:8080/", "2001:db8::1", 8080, "[2001:db8::1]:8080"),
        ("http://my_host.local~:80/", "my_host.local~", 80, "my_host.local~"),
    ];
    for (text, host, port, authority) in cases {
        let parsed = url(text);
        assert_eq!(
            (parsed.host(), parsed.port(), parsed.authority()),
            (host, port, authority)
        );
    }
}

#[test]
fn the_path_and_query_are_kept_and_an_empty_path_is_a_slash() {
    assert_eq!(url("http://h").path_and_query(), "/");
    assert_eq!(url("http://h?q=1").path_and_query(), "/?q=1");
    assert_eq!(url("http://h/a/b?c=d&e").path_and_query(), "/a/b?c=d&e");
    let parsed = url("http://h/a/b?c=d?e");
    assert_eq!((parsed.path(), parsed.query()), ("/a/b", Some("c=d?e")));
    assert_eq!(url("http://h/p").query(), None);
    assert_eq!(url("http://h/%7Euser/a%20b").path(), "/%7Euser/a%20b");
}

#[test]
fn fragments_are_dropped() {
    assert_eq!(url("http://h/p?q#frag").path_and_query(), "/p?q");
    assert_eq!(url("http://h#frag").path_and_query(), "/");
    assert_eq!(url("http://h:81#f").authority(), "h:81");
}

#[test]
fn non_ascii_paths_are_percent_encoded() {
    assert_eq!(url("http://h/café?q=ü").path_and_query(), "/caf%C3%A9?q=%C3%BC");
}

#[test]
fn display_writes_the_normalized_url() {
    assert_eq!(url("HTTP://Host:80/p#x").to_string(), "http://host/p");
    assert_eq!(url("http://[::1]:81").to_string(), "http://[::1]:81/");
}

#[test]
fn https_is_unsupported_and_says_there_is_no_tls() {
    let error = Url::parse("https://example.com/").unwrap_err();
    assert!(matches!(&error, UrlError::UnsupportedScheme { scheme, .. } if scheme == "https"));
    let message = error.to_string();
    assert!(
        message.contains("https://example.com/") && message.contains("TLS"),
        "{message}"
    );
    let ftp = Url::parse("FTP://example.com/").unwrap_err();
    assert!(matches!(&ftp, UrlError::UnsupportedScheme { scheme, .. } if scheme == "ftp"));
}

#[test]
fn a_missing_scheme_is_invalid() {
    for text in [
        "example.com/path",
        "localhost:8080/x",
        "//h/p",
        "http:/h/p",
        "http:h",
        "/p",
    ] {
        assert!(refusal(text).contains("http://"), "{text}");
    }
}

#[test]
fn userinfo_is_refused_and_said_so() {
    for text in ["http://user:pass@h/", "http://user@h/", "http://@h/"] {
        assert!(refusal(text).contains("user info"), "{text}");
    }
}

#[test]
fn invalid_ports_are_refused() {
    for text in [
        "http://h:0/",
        "http://h:65536/",
        "http://h:-1/",
        "http://h:+80/",
        "http://h:8o/",
        "http://h:/",
        "http://h:99999999999999999999/",
        "http://[::1]:/",
    ] {
        let reason = refusal(text);
        assert!(reason.contains("port"), "{text}: {reason}");
    }
    assert_eq!(url("http://h:00080/").port(), 80, "leading zeros are digits");
    assert_eq!(url("http://h:65535/").port(), 65535);
}

#[test]
fn empty_and_malformed_hosts_are_refused() {
    for text in ["http:///path", "http://:80/", "http://?q", "http://#f"] {
        assert!(refusal(text).contains("no host"), "{text}");
    }
    for text in [
        "http://a%20b/",
        "http://a!b/",
        "http://[::1/",
        "http://[not-ip]/",
        "http://[::1]x/",
        "http://::1/",
        "http://[fe80::1%25eth0]/",
    ] {
        refusal(text);
    }
    assert!(refusal("http://bücher.de/").contains("punycode"));
}

#[test]
fn spaces_and_control_bytes_are_refused_anywhere() {
    for text in [
        "http://h/a b",
        " http://h/",
        "http://h/\r\nX-Injected: 1",
        "http://h/\n",
        "http://h/\0",
        "http://h\t/",
        "http://h/\x7f",
        "http://h/?q=\x1b",
        "http://h/#frag\r\n",
        "http://h/\u{85}",
    ] {
        let reason = refusal(text);
        assert!(
            reason.contains("space") || reason.contains("control"),
            "{text:?}: {reason}"
        );
    }
    assert!(refusal("").contains("empty"));
}

#[test]
fn invalid_url_messages_name_the_url_and_escape_it() {
    let message = Url::parse("http://h/\r\nevil").unwrap_err().to_string();
    assert!(message.contains("http://h/\\r\\nevil"), "{message}");
    assert!(!message.contains('\r'));
}

// ---- join: RFC 3986 §5.4 --------------------------------------------------------

const BASE: &str = "http://a/b/c/d;p?q";

fn join(reference: &str) -> String {
    let base = url(BASE);
    base.join(reference)
        .unwrap_or_else(|e| panic!("{reference:?}: {e}"))
        .to_string()
}

#[test]
fn join_resolves_the_rfc_3986_normal_examples() {
    let cases = [
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g/"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q"),
        ("g#s", "http://a/b/c/g"),
        ("g?y#s", "http://a/b/c/g?y"),
        (";x", "http://a/b/c/;x"),
        ("g;x", "http://a/b/c/g;x"),
        ("g;x?y#s", "http://a/b/c/g;x?y"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../", "http://a/"),
        ("../../g", "http://a/g"),
    ];
    for (reference, expected) in cases {
        assert_eq!(join(reference), expected, "{reference:?}");
    }
}

#[test]
fn join_resolves_the_rfc_3986_abnormal_examples() {
    let cases = [
        ("../../../g", "http://a/g"),
        ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"),
        ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g"),
        ("g#s/../x", "http://a/b/c/g"),
    ];
    for (reference, expected) in cases {
        assert_eq!(join(reference), expected, "{reference:?}");
    }
}

#[test]
fn join_follows_absolute_redirects_and_keeps_the_port_otherwise() {
    let base = url("http://h:8080/dir/page");
    assert_eq!(base.join("http://other/x").unwrap().to_string(), "http://other/x");
    assert_eq!(base.join("/x").unwrap().to_string(), "http://h:8080/x");
    assert_eq!(base.join("x").unwrap().to_string(), "http://h:8080/dir/x");
    assert_eq!(base.join("//o:9/").unwrap().authority(), "o:9");
}

#[test]
fn join_refuses_what_parse_refuses() {
    let base = url("http://h/");
    assert!(matches!(
        base.join("https://h/"),
        Err(UrlError::UnsupportedScheme { .. })
    ));
    assert!(matches!(base.join("http:g"), Err(UrlError::Invalid { .. })));
    assert!(matches!(base.join("//user@h/"), Err(UrlError::Invalid { .. })));
    match base.join("/a\r\nSet-Cookie: x") {
        Err(UrlError::Invalid { url, .. }) => assert_eq!(url, "/a\r\nSet-Cookie: x"),
        other => panic!("{other:?}"),
    }
    assert!(base.join("/a b").is_err());
}
