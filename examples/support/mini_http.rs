//! Two minimal HTTP GET clients for the offload experiment: one blocking on
//! `std::net` (our `urllib.request.urlopen`), one non-blocking on
//! `runloop::net`. Both send a request with `Connection: close` and read the
//! reply until the server closes.

use runloop::net::TcpStream;
use runloop::prelude::*;
use std::io::{self, Read, Write};
use std::net::SocketAddr;

fn request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
}

fn body_of(response: &[u8]) -> io::Result<String> {
    let text = String::from_utf8_lossy(response);
    match text.split_once("\r\n\r\n") {
        Some((head, body)) if head.starts_with("HTTP/1.1 200") => Ok(body.to_string()),
        _ => Err(io::Error::other(format!("unexpected response: {text:?}"))),
    }
}

/// A blocking GET: the calling thread sleeps in `read` until the reply.
pub fn blocking_get(addr: SocketAddr, path: &str) -> io::Result<String> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.write_all(request(path).as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    body_of(&response)
}

/// A non-blocking GET: the task waits, the loop does not.
pub async fn async_get(addr: SocketAddr, path: &str) -> io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request(path).as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    body_of(&response)
}
