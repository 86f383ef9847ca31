//! Chapter: HTTP/1.1 by hand: a server, a client that reuses connections,
//! a streamed download, and the https:// URL we cannot fetch.

use crate::local_server;
use runloop::http::{Client, blocking};
use std::time::Instant;

pub fn run() {
    println!("runloop::http is a sans-IO protocol core (a parser that never touches a socket)");
    println!("driven three ways: an async Client with a keep-alive pool (aiohttp's");
    println!("ClientSession), a blocking get (urlopen), and a small server with async handlers.\n");

    let site = local_server::start();
    println!(
        "  server: runloop::http::server on its own thread, at {}",
        site.url("/")
    );
    let client = Client::new();
    runloop::run(async {
        reuse(&client, &site).await;
        download(&client, &site).await;
        refuse_https(&client).await;
    });
    let response = blocking::get(&site.url("/status/204")).expect("the local server answers");
    println!(
        "  blocking::get (our urlopen) from plain std::net: status {}",
        response.status
    );
    println!(
        "\n  in all, the server accepted {} connections for {} requests.",
        site.stats().connections_accepted(),
        site.stats().requests()
    );
}

/// Requests in waves of five on one client: the first wave opens five
/// connections, the later waves find them idle in the pool.
async fn reuse(client: &Client, site: &runloop::http::server::ServerThread) {
    let start = Instant::now();
    for wave in 1..=4 {
        let urls: Vec<String> = (0..5).map(|i| site.url(&format!("/delay/{}", 5 + i))).collect();
        for response in runloop::join_all(urls.iter().map(|url| client.get(url))).await {
            assert_eq!(response.expect("the local server answers").status, 200);
        }
        println!(
            "  client: wave {wave}: 5 concurrent GETs done; the server has accepted {} connections so far",
            site.stats().connections_accepted()
        );
    }
    println!(
        "  20 requests over 5 keep-alive connections in {:.0?}: the pool reused them.\n",
        start.elapsed()
    );
}

/// A 2 MB body read piece by piece, with progress, never held whole.
async fn download(client: &Client, site: &runloop::http::server::ServerThread) {
    let mut response = client
        .get_streaming(&site.url("/bytes/2000000"))
        .await
        .expect("a response head");
    let total = response.content_length().unwrap_or(0);
    let (mut pieces, mut largest, mut next_mark) = (0, 0, 0);
    println!("  streaming {total} bytes (resp.content.iter_chunked in aiohttp):");
    while let Some(piece) = response.chunk().await.expect("the body arrives") {
        pieces += 1;
        largest = largest.max(piece.len());
        let percent = response.received() * 100 / total.max(1);
        if percent >= next_mark {
            let bar = "#".repeat(percent as usize / 5);
            println!("    [{bar:<20}] {percent:>3}%  {:>7} bytes", response.received());
            next_mark = percent / 25 * 25 + 25;
        }
    }
    println!("  {pieces} pieces, the largest {largest} bytes: the body was never in memory whole.\n");
}

/// No TLS in our dependencies: https:// is refused, clearly, before any I/O.
async fn refuse_https(client: &Client) {
    match client.get("https://example.com/").await {
        Ok(_) => unreachable!("runloop has no TLS"),
        Err(error) => println!("  client.get(\"https://example.com/\"):\n    error: {error}\n"),
    }
}
