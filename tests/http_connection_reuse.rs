//! Property: a `Client` reuses a keep-alive connection for request after
//! request, and never reuses one after an error, an unread body,
//! `Connection: close`, HTTP/1.0 without keep-alive, a body that ran until
//! close, ambiguous framing, or bytes after the response. Verified by
//! counting the connections the server accepted.

mod http_common;

use http_common::scripted::{Scripted, Step, ok, send};
use http_common::{on_loop, site};
use runloop::http::{Client, Connection, Error, Request, Url};

/// `count` sequential GETs of `url` on one client; their statuses.
fn get_many(url: String, count: usize) -> Vec<Result<u16, String>> {
    on_loop(move || async move {
        let client = Client::new();
        let mut statuses = Vec::new();
        for _ in 0..count {
            statuses.push(client.get(&url).await.map(|r| r.status).map_err(|e| e.to_string()));
        }
        statuses
    })
}

#[test]
fn sequential_requests_share_one_connection() {
    let site = site::start();
    let url = site.url("/bytes/100");
    let statuses = get_many(url, 20);
    assert!(statuses.iter().all(|status| *status == Ok(200)), "{statuses:?}");
    assert_eq!(site.stats().requests(), 20);
    assert_eq!(site.stats().connections_accepted(), 1);
}

#[test]
fn chunked_and_streamed_bodies_read_to_the_end_keep_the_connection() {
    let site = site::start();
    let url = site.url("/chunked/5000");
    on_loop(move || async move {
        let client = Client::new();
        for _ in 0..3 {
            assert_eq!(client.get(&url).await.unwrap().body.len(), 5000);
            let mut streaming = client.get_streaming(&url).await.unwrap();
            while streaming.chunk().await.unwrap().is_some() {}
        }
    });
    assert_eq!(site.stats().connections_accepted(), 1);
}

#[test]
fn a_body_left_unread_closes_its_connection() {
    let site = site::start();
    let url = site.url("/bytes/100000");
    on_loop(move || async move {
        let client = Client::new();
        let mut streaming = client.get_streaming(&url).await.unwrap();
        assert!(streaming.chunk().await.unwrap().is_some());
        drop(streaming); // most of the body is still on the wire
        assert_eq!(client.idle_connections(&Url::parse(&url).unwrap()), 0);
        client.get(&url).await.unwrap();
    });
    assert_eq!(site.stats().connections_accepted(), 2);
}

#[test]
fn connection_close_from_the_server_is_honoured() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
    ]);
    let statuses = get_many(server.url("/"), 3);
    assert!(statuses.iter().all(|status| *status == Ok(200)), "{statuses:?}");
    assert_eq!(server.accepted(), 3);
}

#[test]
fn connection_close_asked_by_the_client_is_honoured() {
    // The server answers keep-alive whatever it is asked; the client must
    // still not send a second request on a connection it asked to close.
    let server = Scripted::same(vec![Step::Read, ok("one"), Step::Read, ok("two")]);
    let url = server.url("/");
    on_loop(move || async move {
        let client = Client::new();
        for _ in 0..2 {
            let mut request = Request::get(Url::parse(&url).unwrap());
            request
                .headers
                .append("Connection", Connection::Close.as_str())
                .unwrap();
            assert_eq!(client.send(request).await.unwrap().text(), "one");
        }
    });
    assert_eq!(server.accepted(), 2);
}

#[test]
fn http_1_0_is_reused_only_with_keep_alive_and_a_length() {
    let plain = Scripted::same(vec![Step::Read, send("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")]);
    get_many(plain.url("/"), 2);
    assert_eq!(plain.accepted(), 2, "HTTP/1.0 closes by default");

    let kept = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"),
        Step::Read,
        send("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"),
    ]);
    get_many(kept.url("/"), 2);
    assert_eq!(kept.accepted(), 1, "HTTP/1.0 with keep-alive persists");
}

#[test]
fn ambiguous_framing_is_read_but_never_reused() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
    ]);
    let url = server.url("/");
    let bodies = on_loop(move || async move {
        let client = Client::new();
        let first = client.get(&url).await.unwrap().text().into_owned();
        let second = client.get(&url).await.unwrap().text().into_owned();
        (first, second)
    });
    assert_eq!(bodies, ("ok".to_string(), "ok".to_string()));
    assert_eq!(server.accepted(), 2);
}

#[test]
fn bytes_after_a_response_close_the_connection() {
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE"),
    ]);
    let statuses = get_many(server.url("/"), 2);
    assert_eq!(statuses, [Ok(200), Ok(200)]);
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_connection_that_failed_is_not_reused() {
    let server = Scripted::start(|connection| match connection {
        0 => vec![Step::Read, send("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")],
        _ => vec![Step::Read, ok("fine")],
    });
    let statuses = get_many(server.url("/"), 2);
    assert!(
        statuses[0].as_ref().is_err_and(|e| e.contains("Content-Length")),
        "{statuses:?}"
    );
    assert_eq!(statuses[1], Ok(200));
    assert_eq!(server.accepted(), 2);
}

#[test]
fn a_redirect_body_is_discarded_so_its_connection_is_reused() {
    let site = site::start();
    let url = site.url("/redirect/4");
    let text = on_loop(move || async move { Client::new().get(&url).await.map(|r| r.text().into_owned()) });
    assert_eq!(text.unwrap(), "done");
    assert_eq!(site.stats().requests(), 5);
    assert_eq!(site.stats().connections_accepted(), 1);

    // A body that arrives after the head must be read (and dropped) too.
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 5\r\n\r\n"),
        Step::Pause(std::time::Duration::from_millis(30)),
        send("moved"),
        Step::Read,
        ok("arrived"),
    ]);
    let url = server.url("/");
    let text = on_loop(move || async move { Client::new().get(&url).await.map(|r| r.text().into_owned()) });
    assert_eq!(text.unwrap(), "arrived");
    assert_eq!(server.accepted(), 1);
}

#[test]
fn clones_of_a_client_share_its_pool() {
    let site = site::start();
    let url = site.url("/delay/1");
    on_loop(move || async move {
        let client = Client::new();
        for _ in 0..3 {
            let clone = client.clone();
            clone.get(&url).await?;
        }
        Ok::<(), Error>(())
    })
    .unwrap();
    assert_eq!(site.stats().connections_accepted(), 1);
    assert_eq!(site.stats().requests(), 3);
}
