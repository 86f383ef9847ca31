//! Property: one client on one thread carries 1,000 concurrent GETs to the
//! local server, all successfully, within the per-host bound.

mod http_common;

use http_common::{on_loop, site};
use runloop::http::Client;

#[test]
fn a_thousand_concurrent_gets_all_succeed() {
    let site = site::start();
    let urls: Vec<String> = (0..1000).map(|i| site.url(&format!("/bytes/{}", i % 50))).collect();
    let sizes = on_loop(move || async move {
        let client = Client::new();
        let requests = urls.iter().map(|url| {
            let client = client.clone();
            async move { client.get(url).await.map(|response| response.body.len()) }
        });
        runloop::join_all(requests).await
    });
    for (i, size) in sizes.iter().enumerate() {
        assert_eq!(size.as_ref().ok(), Some(&(i % 50)), "request {i}: {size:?}");
    }
    assert_eq!(site.stats().requests(), 1000);
    let connections = site.stats().connections_accepted();
    assert!(
        connections <= 100,
        "the default bound is 100 per host, got {connections}"
    );
}

#[test]
fn a_thousand_concurrent_gets_with_a_small_pool_all_succeed() {
    let site = site::start();
    let url = site.url("/chunked/3000");
    let ok = on_loop(move || async move {
        let client = Client::builder().max_connections_per_host(8).build();
        let requests = (0..1000).map(|_| {
            let client = client.clone();
            let url = url.clone();
            async move { client.get(&url).await.is_ok_and(|response| response.body.len() == 3000) }
        });
        runloop::join_all(requests).await.into_iter().filter(|ok| *ok).count()
    });
    assert_eq!(ok, 1000);
    assert!(site.stats().connections_accepted() <= 8);
}
