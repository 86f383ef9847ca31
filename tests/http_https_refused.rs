//! Property: runloop has no TLS, and every way of reaching an `https://`
//! URL (asking for it, or being redirected to it) fails at once with an
//! error that says so, names the URL and tells the user what to do.

mod http_common;

use http_common::on_loop;
use http_common::scripted::{Scripted, Step, send};
use runloop::http::{Client, Error, UrlError, blocking};

fn assert_says_no_tls(error: &Error, url: &str) {
    assert!(
        matches!(error, Error::Url(UrlError::UnsupportedScheme { scheme, .. }) if scheme == "https"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(url), "{message}");
    assert!(message.contains("no TLS") && message.contains("http://"), "{message}");
}

#[test]
fn an_https_url_is_refused_by_every_client() {
    let url = "https://example.com/page";
    let async_get = on_loop(move || async move { runloop::http::get(url).await.unwrap_err() });
    assert_says_no_tls(&async_get, url);
    let streaming = on_loop(move || async move { Client::new().get_streaming(url).await.unwrap_err() });
    assert_says_no_tls(&streaming, url);
    assert_says_no_tls(&blocking::get(url).unwrap_err(), url);
    assert_says_no_tls(
        &blocking::get("HTTPS://EXAMPLE.COM/page").unwrap_err(),
        "HTTPS://EXAMPLE.COM/page",
    );
}

#[test]
fn a_redirect_to_https_is_refused_rather_than_downgraded() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 301 Moved Permanently\r\nLocation: https://secure.example/x\r\nContent-Length: 0\r\n\r\n"),
    ]);
    let url = server.url("/");
    let error = on_loop(move || async move { Client::new().get(&url).await.unwrap_err() });
    assert_says_no_tls(&error, "https://secure.example/x");
    assert_says_no_tls(
        &blocking::get(&server.url("/")).unwrap_err(),
        "https://secure.example/x",
    );
}

#[test]
fn other_schemes_get_their_own_message() {
    let error = blocking::get("ftp://example.com/file").unwrap_err();
    assert!(
        matches!(error, Error::Url(UrlError::UnsupportedScheme { .. })),
        "{error:?}"
    );
    assert!(error.to_string().contains("\"ftp\""), "{error}");
}
