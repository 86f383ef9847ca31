//! # From a host name to a connected socket
//!
//! Two steps, each with its own way of not blocking the loop:
//!
//! 1. **Resolve.** Turning `example.com` into addresses means asking the
//!    system resolver (`getaddrinfo`), which *blocks*. We use the same
//!    resolver as every socket, [`net::lookup_host`](crate::net::lookup_host):
//!    it runs lookups on a small pool of its own, off the loop thread, so
//!    user jobs filling the blocking pool cannot starve them (see
//!    `src/net/resolver.rs`). An IP literal (`127.0.0.1`, `[::1]`) needs
//!    no resolver and skips the thread.
//! 2. **Connect.** Try each address in the order the resolver gave them,
//!    and keep the first that answers (asyncio's `create_connection`
//!    without Happy Eyeballs): [`TcpStream::connect`] given the list. Its
//!    error, if all fail, says what happened at each address.
//!
//! Both steps together must finish within the connect timeout, or the
//! request fails with [`Error::Timeout`] in the
//! [`Connect`](TimeoutPhase::Connect) phase. A resolver call that outlives
//! the timeout keeps its resolver thread until the system gives up: a thread
//! blocked in `getaddrinfo` cannot be interrupted.

use std::net::SocketAddr;
use std::time::Duration;

use super::error::{Error, TimeoutPhase};
use super::proto::Url;
use crate::net::TcpStream;

/// Open a TCP connection to `url`'s host and port within `connect_timeout`.
pub(crate) async fn connect(url: &Url, connect_timeout: Duration) -> Result<TcpStream, Error> {
    let attempt = async {
        let addresses = resolve(url.host(), url.port()).await?;
        connect_any(url, &addresses).await
    };
    match crate::time::timeout(connect_timeout, attempt).await {
        Ok(result) => result,
        Err(_elapsed) => Err(Error::Timeout {
            url: url.to_string(),
            phase: TimeoutPhase::Connect,
            after: connect_timeout,
        }),
    }
}

/// The addresses of `host`, without a thread when it is an IP literal.
async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
    crate::net::lookup_host((host, port))
        .await
        .map_err(|source| Error::Resolve {
            host: host.to_string(),
            source,
        })
}

/// Connect to the first address that accepts.
async fn connect_any(url: &Url, addresses: &[SocketAddr]) -> Result<TcpStream, Error> {
    // TcpStream::connect's error names every address it tried.
    TcpStream::connect(addresses).await.map_err(|source| Error::Connect {
        address: host_and_port(url),
        source,
    })
}

/// `host:port`, the port always written, IPv6 in brackets.
fn host_and_port(url: &Url) -> String {
    match url.host().contains(':') {
        true => format!("[{}]:{}", url.host(), url.port()),
        false => format!("{}:{}", url.host(), url.port()),
    }
}
