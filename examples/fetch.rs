//! Fetch URLs concurrently, aiohttp-style, and print each as it completes.
//!
//! ```text
//! cargo run --release --example fetch -- URL...        fetch these, all at once
//! cargo run --release --example fetch                  start a local server and fetch from it
//! cargo run --release --example fetch -- --repeat N URL
//!                                                      N keep-alive GETs one after another
//!                                                      (what scripts/syscalls.sh measures)
//! ```
//!
//! One `Client` (aiohttp's `ClientSession`) for all requests, so requests
//! to the same host share keep-alive connections; results come out in
//! completion order (`runloop::as_completed`), then a summary. Only
//! `http://` works: runloop has no TLS, and says so.

#[path = "support/local_server.rs"]
mod local_server;

use std::time::{Duration, Instant};

use runloop::http::{Client, Error, Response};

fn main() {
    env_logger::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, count, url] if flag == "--repeat" => match count.parse() {
            Ok(count) => repeat(url, count),
            Err(_) => usage(),
        },
        [flag, ..] if flag.starts_with('-') => usage(),
        [] => {
            let site = local_server::start();
            println!("No URLs given: fetching from a local server at {}\n", site.url("/"));
            let mut urls: Vec<String> = [
                "/delay/300",
                "/bytes/100000",
                "/chunked/250000",
                "/status/404",
                "/delay/100",
            ]
            .iter()
            .map(|path| site.url(path))
            .collect();
            urls.push("https://example.com/".to_string());
            fetch_all(&urls);
            println!(
                "\nThe local server accepted {} connection(s) for {} request(s).",
                site.stats().connections_accepted(),
                site.stats().requests()
            );
        }
        urls => fetch_all(urls),
    }
}

fn usage() {
    eprintln!("usage: fetch [URL...] | fetch --repeat N URL");
    std::process::exit(2);
}

/// Fetch every URL at once on one client; print each as it completes.
fn fetch_all(urls: &[String]) {
    let start = Instant::now();
    let client = Client::new();
    let results = runloop::run(async {
        let mut done = runloop::as_completed(urls.iter().map(|url| {
            let client = client.clone();
            async move {
                let begun = Instant::now();
                let result = client.get(url).await;
                (url, result, begun.elapsed())
            }
        }));
        let mut results = Vec::new();
        while let Some((url, result, took)) = done.next().await {
            print_one(url, &result, took);
            results.push(result);
        }
        results
    });
    let ok: Vec<&Response> = results.iter().filter_map(|result| result.as_ref().ok()).collect();
    let bytes: usize = ok.iter().map(|response| response.body.len()).sum();
    println!(
        "\n{} of {} fetched, {bytes} bytes, in {:.0?} in all (the slowest request, not the sum: they ran at once)",
        ok.len(),
        results.len(),
        start.elapsed()
    );
}

fn print_one(url: &str, result: &Result<Response, Error>, took: Duration) {
    match result {
        Ok(response) => println!(
            "{:>4}  {:>9} bytes  {:>7.1?}  {url}",
            response.status,
            response.body.len(),
            took
        ),
        Err(error) => println!(" err  {:>23.1?}  {error}", took),
    }
}

/// `count` GETs of `url`, one after another, on one keep-alive connection.
fn repeat(url: &str, count: u64) {
    let client = Client::new();
    let start = Instant::now();
    let outcome = runloop::run(async {
        let mut bytes = 0;
        for _ in 0..count {
            bytes += client.get(url).await?.body.len();
        }
        Ok::<usize, Error>(bytes)
    });
    match outcome {
        Ok(bytes) => {
            let took = start.elapsed();
            println!(
                "{count} GETs, {bytes} body bytes, in {took:.2?}: {:.1} µs each",
                took.as_secs_f64() * 1e6 / count.max(1) as f64
            );
        }
        Err(error) => {
            eprintln!("fetch: {error}");
            std::process::exit(1);
        }
    }
}
