//! # W7 — HTTP GET
//!
//! 10,000 GETs of a 13-byte body (`Hello, world!`), 32 at a time, against
//! runloop's own HTTP server. The server runs on its own thread with its
//! own runloop runtime (`Server::spawn_thread`), started once for the whole
//! workload, so every client talks to the same server in the same state.
//! What changes from row to row is only the client:
//!
//! - **runloop**: `runloop::http::Client` (aiohttp's `ClientSession`), 32
//!   tasks sharing one client and its keep-alive pool;
//! - **reqwest**: `reqwest::Client` on tokio's `current_thread` runtime, 32
//!   tasks sharing one client (HTTP/1.1, no TLS, no proxy lookup);
//! - **blocking+pool**: the notes' `run_in_executor` way: 32 tasks on a
//!   runloop runtime whose pool has 32 threads, each GET a
//!   `spawn_blocking(|| http::blocking::get(url))`. Like `urlopen`, the
//!   blocking client keeps no pool, so each of its GETs opens and closes a
//!   connection; that is the price of that way, and it is measured as is.
//!
//! The two async clients are kept across rounds, as an application keeps
//! its session: after the warm-up round their 32 connections are open and
//! every counted GET is a keep-alive GET. Every response's status and body
//! are checked. One operation is one GET; the target compares runloop's
//! client with reqwest (time per GET, so a ratio ≤ 1 means at least
//! reqwest's throughput).
//!
//! For `bench/syscalls.sh`, which must count the client's system calls
//! apart from the server's, the same server can run as its own process
//! (`runloop-bench --serve ADDR`) and the clients can be pointed at it
//! (`runloop-bench --url URL w7`).

use super::tokio_runtime;
use crate::harness::{Case, Target, Unit, Workload, per_op, share};
use runloop::http::server::{self, Server, ServerThread};
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

const REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 32;
const BODY: &str = "Hello, world!";

pub fn workload() -> Workload {
    Workload {
        id: "W7",
        title: "HTTP: 10,000 keep-alive GETs of 13 bytes, 32 at a time",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 1.0,
            against: Some("reqwest"),
        },
        cases,
    }
}

/// A server started elsewhere (`--url`), used instead of our own thread.
static EXTERNAL: OnceLock<String> = OnceLock::new();

/// Points the clients at `url` instead of starting a server thread.
pub fn use_server(url: String) {
    EXTERNAL.set(url).expect("use_server is called once");
}

/// The server every run uses: 13 bytes of text for any request.
fn hello() -> Server<impl Fn(server::Request) -> std::future::Ready<server::Response> + Send> {
    Server::new(|_request| std::future::ready(server::Response::text(200, BODY)))
}

/// Serves W7's page on `address` in the foreground, until killed.
pub fn serve(address: &str) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(address)?;
    // The pid is for scripts that start us under strace: killing strace
    // would leave us running, detached.
    println!(
        "listening on http://{}/ (pid {})",
        listener.local_addr()?,
        std::process::id()
    );
    runloop::run(async move { hello().serve(runloop::net::TcpListener::from_std(listener)?).await })
}

/// Keeps the server thread alive for as long as a case that uses it.
type Site = Option<Rc<ServerThread>>;

fn cases() -> Vec<Case> {
    // Shared by the cases; the thread stops when the last of them is dropped.
    let (site, url): (Site, Rc<str>) = match EXTERNAL.get() {
        Some(url) => (None, url.as_str().into()),
        None => {
            let site = hello().spawn_thread("127.0.0.1:0").expect("the HTTP server");
            let url = site.url("/").into();
            (Some(Rc::new(site)), url)
        }
    };
    vec![
        runloop_case(site.clone(), url.clone()),
        reqwest_case(url.clone()),
        blocking_case(site, url),
    ]
}

fn runloop_case(site: Site, url: Rc<str>) -> Case {
    let runtime = super::runloop_runtime();
    let client = runloop::http::Client::new();
    Case::new("runloop", move || {
        let _site = &site;
        runtime.block_on(async {
            let started = Instant::now();
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|worker| {
                    let (client, url) = (client.clone(), url.clone());
                    runloop::spawn(async move {
                        for _ in 0..share(REQUESTS, CONCURRENCY, worker) {
                            let response = client.get(&url).await.expect("GET");
                            assert_eq!((response.status, response.body.as_slice()), (200, BODY.as_bytes()));
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.await.expect("worker");
            }
            per_op(started.elapsed(), REQUESTS as u64)
        })
    })
}

fn reqwest_case(url: Rc<str>) -> Case {
    let runtime = tokio_runtime();
    let client = reqwest::Client::builder().no_proxy().build().expect("a reqwest client");
    let url = url.to_string();
    Case::new("reqwest", move || {
        runtime.block_on(async {
            let started = Instant::now();
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|worker| {
                    let (client, url) = (client.clone(), url.clone());
                    tokio::spawn(async move {
                        for _ in 0..share(REQUESTS, CONCURRENCY, worker) {
                            let response = client.get(&url).send().await.expect("GET");
                            assert_eq!(response.status(), 200);
                            assert_eq!(response.bytes().await.expect("body"), BODY.as_bytes());
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.await.expect("worker");
            }
            per_op(started.elapsed(), REQUESTS as u64)
        })
    })
}

fn blocking_case(site: Site, url: Rc<str>) -> Case {
    let runtime = runloop::Runtime::builder()
        .max_blocking_threads(CONCURRENCY)
        .build()
        .expect("a runloop runtime");
    let url: std::sync::Arc<str> = url.as_ref().into();
    Case::new("blocking+pool", move || {
        let _site = &site;
        runtime.block_on(async {
            let started = Instant::now();
            let workers: Vec<_> = (0..CONCURRENCY)
                .map(|worker| {
                    let url = url.clone();
                    runloop::spawn(async move {
                        for _ in 0..share(REQUESTS, CONCURRENCY, worker) {
                            let url = url.clone();
                            let response = runloop::spawn_blocking(move || runloop::http::blocking::get(&url))
                                .await
                                .expect("job")
                                .expect("GET");
                            assert_eq!((response.status, response.body.as_slice()), (200, BODY.as_bytes()));
                        }
                    })
                })
                .collect();
            for worker in workers {
                worker.await.expect("worker");
            }
            per_op(started.elapsed(), REQUESTS as u64)
        })
    })
}
