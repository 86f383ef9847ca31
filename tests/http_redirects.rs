//! Property: 301, 302, 303, 307 and 308 are followed, relative or
//! absolute, up to `max_redirects`; one more is `TooManyRedirects` naming
//! where it pointed; `max_redirects(0)` hands redirects back untouched.
//! Both clients follow the same rules.

mod http_common;

use http_common::scripted::{Scripted, Step, ok, send};
use http_common::{on_loop, site};
use runloop::http::{Client, Error, Method, Request, Url, blocking};

fn redirect(status: &str, location: &str) -> Step {
    send(&format!(
        "HTTP/1.1 {status}\r\nLocation: {location}\r\nContent-Length: 5\r\n\r\nmoved"
    ))
}

#[test]
fn every_redirect_status_is_followed_and_the_final_url_is_reported() {
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "303 See Other",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let server = Scripted::same(vec![
            Step::Read,
            redirect(status, "/b/../target?x=1"),
            Step::Read,
            ok("arrived"),
        ]);
        let url = server.url("/a");
        let response = on_loop(move || async move { Client::new().get(&url).await }).unwrap();
        assert_eq!(response.text(), "arrived", "{status}");
        assert_eq!(response.url.to_string(), server.url("/target?x=1"));
        let heads = server.heads();
        assert!(
            heads[1].starts_with("GET /target?x=1 HTTP/1.1\r\n"),
            "{status}: {heads:?}"
        );
        assert_eq!(server.accepted(), 1, "the redirect's connection was reused");

        // The blocking client opens a connection per request.
        let location = "/b/../target?x=1";
        let server = Scripted::start(move |n| match n {
            0 => vec![Step::Read, redirect(status, location)],
            _ => vec![Step::Read, ok("arrived")],
        });
        let response = blocking::get(&server.url("/a")).unwrap();
        assert_eq!(response.text(), "arrived", "blocking, {status}");
        assert_eq!(response.url.to_string(), server.url("/target?x=1"));
    }
}

#[test]
fn redirects_to_another_host_are_followed_there() {
    let target = Scripted::same(vec![Step::Read, ok("over here")]);
    let location = target.url("/there");
    let origin = Scripted::same(vec![Step::Read, redirect("302 Found", &location)]);
    let url = origin.url("/");
    let response = on_loop(move || async move { Client::new().get(&url).await }).unwrap();
    assert_eq!(response.text(), "over here");
    assert_eq!(response.url.to_string(), location);
}

#[test]
fn see_other_turns_a_post_into_a_get_and_307_keeps_it() {
    for (status, method) in [("303 See Other", "GET"), ("307 Temporary Redirect", "POST")] {
        let server = Scripted::same(vec![Step::Read, redirect(status, "/next"), Step::Read, ok("")]);
        let url = server.url("/form");
        on_loop(move || async move {
            let request = Request::new(Method::Post, Url::parse(&url).unwrap());
            Client::new().send(request).await.unwrap();
        });
        let heads = server.heads();
        assert!(heads[0].starts_with("POST /form "), "{heads:?}");
        assert!(heads[1].starts_with(&format!("{method} /next ")), "{status}: {heads:?}");
    }
}

#[test]
fn too_many_redirects_are_reported_with_where_they_led() {
    let site = site::start();
    let url = site.url("/redirect/5");
    let error = on_loop(move || async move { Client::builder().max_redirects(3).build().get(&url).await.unwrap_err() });
    match &error {
        Error::TooManyRedirects { url, max: 3 } => assert_eq!(url, &site.url("/redirect/1")),
        other => panic!("expected TooManyRedirects, got {other:?}"),
    }
    assert!(error.to_string().contains("gave up after 3 redirects"), "{error}");

    let error = blocking::Client::builder()
        .max_redirects(3)
        .build_blocking()
        .get(&site.url("/redirect/5"));
    assert!(
        matches!(error, Err(Error::TooManyRedirects { max: 3, .. })),
        "{error:?}"
    );

    // Exactly the limit is fine.
    let url = site.url("/redirect/3");
    let done = on_loop(move || async move { Client::builder().max_redirects(3).build().get(&url).await });
    assert_eq!(done.unwrap().text(), "done");
}

#[test]
fn a_redirect_loop_ends_with_too_many_redirects() {
    let server = Scripted::same(
        (0..20)
            .flat_map(|_| [Step::Read, redirect("302 Found", "/loop")])
            .collect(),
    );
    let url = server.url("/loop");
    let error = on_loop(move || async move { Client::new().get(&url).await.unwrap_err() });
    assert!(matches!(error, Error::TooManyRedirects { max: 10, .. }), "{error:?}");
}

#[test]
fn with_following_off_a_redirect_is_an_ordinary_response() {
    let server = Scripted::same(vec![Step::Read, redirect("301 Moved Permanently", "/elsewhere")]);
    let url = server.url("/");
    let response = on_loop(move || async move { Client::builder().max_redirects(0).build().get(&url).await }).unwrap();
    assert_eq!(
        (response.status, response.header("location")),
        (301, Some("/elsewhere"))
    );
    assert_eq!(response.text(), "moved");
}

#[test]
fn a_redirect_without_location_is_the_final_answer() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n"),
    ]);
    let url = server.url("/");
    let response = on_loop(move || async move { Client::new().get(&url).await }).unwrap();
    assert_eq!(response.status, 302);
}
