//! A tiny HTTP server for the examples: `GET /delay/{ms}` answers after
//! `ms` milliseconds. It runs on its own runloop runtime, on its own thread,
//! so that a client that blocks its own loop (on purpose) cannot stall it.

use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use std::net::SocketAddr;
use std::time::Duration;

/// Starts the server on 127.0.0.1 and returns its address.
pub fn start() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("delay-server".into())
        .spawn(move || {
            runloop::run(async move {
                let mut listener = TcpListener::bind("127.0.0.1:0").expect("bind the delay server");
                tx.send(listener.local_addr().unwrap()).unwrap();
                loop {
                    if let Ok((stream, _)) = listener.accept().await {
                        runloop::spawn(answer(stream));
                    }
                }
            })
        })
        .expect("start the delay server thread");
    rx.recv().expect("the delay server reports its address")
}

async fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = match path.strip_prefix("/delay/").and_then(|ms| ms.parse::<u64>().ok()) {
        Some(ms) => {
            runloop::time::sleep(Duration::from_millis(ms)).await;
            ("200 OK", format!("waited {ms} ms\n"))
        }
        None => ("404 Not Found", "try /delay/100\n".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
}
