//! Property: the pool keeps at most `max_connections_per_host` connections
//! to a host (requests beyond wait in line and are served in order),
//! closes connections idle longer than `idle_timeout`, and a request that
//! gives up while waiting never strands a connection.

mod http_common;

use std::time::Duration;

use http_common::scripted::{Scripted, Step, send};
use http_common::{on_loop, site};
use runloop::http::{Client, Error, Url};

#[test]
fn concurrent_requests_beyond_the_bound_wait_for_a_connection() {
    let site = site::start();
    let url = site.url("/delay/30");
    let statuses = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(2).build();
        let requests = (0..10).map(|_| {
            let client = client.clone();
            let url = url.clone();
            async move { client.get(&url).await.map(|response| response.status) }
        });
        runloop::join_all(requests).await
    });
    assert!(statuses.iter().all(|status| matches!(status, Ok(200))), "{statuses:?}");
    assert_eq!(site.stats().connections_accepted(), 2);
    assert_eq!(site.stats().requests(), 10);
}

#[test]
fn the_slot_of_a_closed_connection_passes_to_the_next_in_line() {
    // Every response closes its connection, so each waiter is served by a
    // lease being dropped, not by a connection coming back.
    let server = Scripted::same(vec![
        Step::Read,
        send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
    ]);
    let url = server.url("/");
    let statuses = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(1).build();
        let requests = (0..5).map(|_| client.get(&url));
        runloop::join_all(requests)
            .await
            .into_iter()
            .map(|r| r.map(|r| r.status).ok())
            .collect::<Vec<_>>()
    });
    assert_eq!(statuses, [Some(200); 5]);
    assert_eq!(server.accepted(), 5);
}

#[test]
fn the_bound_is_per_host() {
    // One connection per host. A slow request to one host must not hold
    // up a fast one to another: the fast one finishes first.
    let (one, two) = (site::start(), site::start());
    let (slow, fast) = (one.url("/delay/300"), two.url("/delay/1"));
    let order = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(1).build();
        let requests = [("slow", &slow), ("fast", &fast)].map(|(name, url)| {
            let client = client.clone();
            async move { client.get(url).await.map(|_| name) }
        });
        let mut done = runloop::as_completed(requests);
        let mut order = Vec::new();
        while let Some(finished) = done.next().await {
            order.push(finished.unwrap());
        }
        order
    });
    assert_eq!(order, ["fast", "slow"]);
}

#[test]
fn idle_connections_expire() {
    let site = site::start();
    let url = site.url("/bytes/1");
    on_loop(move || async move {
        let client = Client::builder().idle_timeout(Duration::from_millis(300)).build();
        let parsed = Url::parse(&url).unwrap();
        client.get(&url).await.unwrap();
        assert_eq!(client.idle_connections(&parsed), 1);
        runloop::time::sleep(Duration::from_millis(20)).await;
        client.get(&url).await.unwrap(); // still fresh: reused
        runloop::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(client.idle_connections(&parsed), 0, "expired and closed");
        client.get(&url).await.unwrap(); // a new connection
    });
    assert_eq!(site.stats().connections_accepted(), 2);
    assert_eq!(site.stats().requests(), 3);
}

#[test]
fn a_waiter_that_gives_up_passes_the_connection_on() {
    let site = site::start();
    let (slow, fast) = (site.url("/delay/100"), site.url("/delay/1"));
    let outcome = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(1).build();
        let impatient = Client::clone(&client);
        let patient = Client::clone(&client);
        let fast_too = fast.clone();
        let holder = runloop::spawn({
            let client = client.clone();
            async move { client.get(&slow).await.map(|r| r.status) }
        });
        runloop::yield_now().await; // the holder takes the only connection
        // This one waits in line, then gives up before its turn.
        let gave_up = runloop::time::timeout(Duration::from_millis(20), async move {
            impatient.get(&fast).await.map(|r| r.status)
        });
        // This one waits behind it and must still be served.
        let waiter = runloop::spawn(async move { patient.get(&fast_too).await.map(|r| r.status) });
        let gave_up = gave_up.await;
        (holder.await.unwrap().ok(), gave_up.is_err(), waiter.await.unwrap().ok())
    });
    assert_eq!(outcome, (Some(200), true, Some(200)));
    assert_eq!(site.stats().connections_accepted(), 1);
}

#[test]
fn a_failed_connect_frees_its_slot() {
    // Nothing listens here: every connect is refused. With one slot, a
    // leaked lease would make the second attempt wait forever.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{dead}/");
    let results = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(1).build();
        let mut results = Vec::new();
        for _ in 0..3 {
            results.push(client.get(&url).await.map(|r| r.status));
        }
        results
    });
    for result in &results {
        assert!(matches!(result, Err(Error::Connect { .. })), "{result:?}");
    }
}
