//! `Server::serve_until`: once told to stop, the server stops accepting,
//! closes idle connections, finishes requests in flight (with
//! `Connection: close`), cuts what outlives the grace period, and returns.
mod common;

use common::with_deadline;
use runloop::http::server::{Response, Server, ShutdownReport};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::sync::Event;
use std::rc::Rc;
use std::time::{Duration, Instant};

async fn route(request: runloop::http::server::Request) -> Response {
    match request.path() {
        "/slow" => {
            runloop::time::sleep(Duration::from_millis(300)).await;
            Response::text(200, "slow and done\n")
        }
        "/forever" => {
            runloop::time::sleep(Duration::from_secs(3600)).await;
            Response::text(200, "never\n")
        }
        _ => Response::text(200, "quick\n"),
    }
}

async fn get(address: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n").as_bytes())
        .await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[test]
fn in_flight_requests_finish_and_idle_connections_close() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let address = listener.local_addr().expect("address");
            let stop = Rc::new(Event::new());
            let server = {
                let stop = stop.clone();
                runloop::spawn(async move {
                    Server::new(route)
                        .serve_until(listener, async move { stop.wait().await })
                        .await
                })
            };
            // An idle client: connected, says nothing.
            let mut idle = TcpStream::connect(address).await.expect("connect");
            // A client whose request is in flight when the stop comes.
            let slow = runloop::spawn(get(address, "/slow"));
            runloop::time::sleep(Duration::from_millis(100)).await;
            let stopped_at = Instant::now();
            stop.set();
            let answer = slow.await.expect("task").expect("the slow request");
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
            assert!(answer.ends_with("slow and done\n"), "{answer}");
            let mut byte = [0u8; 1];
            assert_eq!(
                idle.read(&mut byte).await.expect("read"),
                0,
                "the idle connection was closed"
            );
            let report = server.await.expect("task").expect("served");
            assert_eq!(
                report,
                ShutdownReport {
                    finished: 1,
                    closed_idle: 1,
                    cut: 0
                }
            );
            assert!(stopped_at.elapsed() < Duration::from_secs(5));
            // No longer accepting.
            assert!(
                TcpStream::connect(address).await.is_err(),
                "still accepting after the stop"
            );
        })
    });
}

#[test]
fn requests_that_outlive_the_grace_period_are_cut() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let address = listener.local_addr().expect("address");
            let client = runloop::spawn(get(address, "/forever"));
            let report = Server::new(route)
                .shutdown_grace(Duration::from_millis(100))
                .serve_until(listener, runloop::time::sleep(Duration::from_millis(100)))
                .await
                .expect("served");
            assert_eq!(
                report,
                ShutdownReport {
                    finished: 0,
                    closed_idle: 0,
                    cut: 1
                }
            );
            // The cut client sees the connection end without an answer.
            assert_eq!(client.await.expect("task").expect("read"), "");
        })
    });
}
