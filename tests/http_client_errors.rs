//! Property: when a fetch fails before any HTTP happens, the error says
//! what failed and where: the URL that could not be parsed and why, the
//! `host:port` that refused, the host that did not resolve. Names are
//! resolved off the loop and every address is tried.

mod http_common;

use http_common::{on_loop, site};
use runloop::http::{Client, Error, UrlError};

#[test]
fn a_refused_connection_names_the_host_and_port() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{addr}/x");
    let error = on_loop(move || async move { runloop::http::get(&url).await.unwrap_err() });
    match &error {
        Error::Connect { address, source } => {
            assert_eq!(address, &addr.to_string());
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
        }
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(
        error.to_string().starts_with(&format!("could not connect to {addr}")),
        "{error}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn an_unparsable_url_says_what_is_wrong() {
    for (url, why) in [
        ("example.com/page", "http://"),
        ("http://", "no host"),
        ("http://host:99999/", "port"),
        ("http://user:pw@host/", "user info"),
        ("http://exa mple.com/", "space"),
    ] {
        let error = on_loop(move || async move { Client::new().get(url).await.unwrap_err() });
        assert!(
            matches!(error, Error::Url(UrlError::Invalid { .. })),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains(why), "{url}: {error}");
    }
}

#[test]
fn host_names_are_resolved_and_every_address_is_tried() {
    let site = site::start();
    // "localhost" goes through the resolver on the blocking pool; it may
    // list ::1 first, where nothing listens, before 127.0.0.1.
    let url = format!("http://localhost:{}/bytes/3", site.local_addr().port());
    let response = on_loop(move || async move { Client::new().get(&url).await }).unwrap();
    assert_eq!(response.body, b"xxx");
    let url = format!("http://localhost:{}/bytes/3", site.local_addr().port());
    assert_eq!(runloop::http::blocking::get(&url).unwrap().body, b"xxx");
}
