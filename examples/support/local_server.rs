//! The local test site the examples and the tour fetch from, so they need
//! no network and give repeatable numbers. Built on
//! `runloop::http::server`:
//!
//! | path | answer |
//! |---|---|
//! | `/delay/{ms}` | 200 after `ms` milliseconds (at most 60 000) |
//! | `/bytes/{n}` | `n` bytes with a `Content-Length` (at most 64 MiB) |
//! | `/chunked/{n}[?pause={ms}]` | `n` bytes, chunked, 16 KiB a chunk, optionally `ms` apart |
//! | `/status/{code}` | an empty response with that status (200..=599) |
//!
//! Anything else is a 404 that lists these.

#![allow(dead_code)] // each example uses a different part

use std::time::Duration;

use runloop::http::server::{Request, Response, Server, ServerThread};
use runloop::sync::channel;

/// Start the site on 127.0.0.1, on its own thread with its own runtime, so
/// that a client blocking its own loop on purpose cannot stall it.
pub fn start() -> ServerThread {
    Server::new(route)
        .spawn_thread("127.0.0.1:0")
        .expect("start the local server")
}

/// The handler: one `match` over the path.
pub async fn route(request: Request) -> Response {
    let mut parts = request.path().trim_start_matches('/').splitn(2, '/');
    let (endpoint, argument) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let number = argument.parse::<u64>().ok();
    match (endpoint, number) {
        ("delay", Some(ms)) if ms <= 60_000 => {
            runloop::time::sleep(Duration::from_millis(ms)).await;
            Response::text(200, format!("waited {ms} ms\n"))
        }
        ("bytes", Some(n)) if n <= 64 << 20 => Response::bytes(200, vec![b'x'; n as usize]),
        ("chunked", Some(n)) => Response::stream(200, drip(n, pause(request.query()))),
        ("status", Some(code)) if (200..=599).contains(&code) => Response::new(code as u16),
        _ => Response::text(
            404,
            "try /delay/{ms}, /bytes/{n}, /chunked/{n}?pause={ms} or /status/{code}\n",
        ),
    }
}

/// The `pause={ms}` in a query, if any.
fn pause(query: Option<&str>) -> Duration {
    let ms = query
        .into_iter()
        .flat_map(|query| query.split('&'))
        .find_map(|pair| pair.strip_prefix("pause="))
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(0);
    Duration::from_millis(ms.min(10_000))
}

/// A task that sends `total` bytes in 16 KiB pieces, `pause` apart; the
/// receiver is the response body.
fn drip(total: u64, pause: Duration) -> runloop::sync::Receiver<Vec<u8>> {
    const PIECE: u64 = 16 * 1024;
    let (sender, receiver) = channel(2);
    runloop::spawn(async move {
        let mut left = total;
        while left > 0 {
            let size = left.min(PIECE);
            if sender.send(vec![b'y'; size as usize]).await.is_err() {
                return; // the client went away
            }
            left -= size;
            if !pause.is_zero() && left > 0 {
                runloop::time::sleep(pause).await;
            }
        }
    });
    receiver
}
