//! # From a host name to a connected socket
//!
//! Two steps, each with its own way of not blocking the loop:
//!
//! 1. **Resolve.** Turning `example.com` into addresses means asking the
//!    system resolver (`getaddrinfo`), which reads `/etc/hosts`, talks to
//!    DNS servers and *blocks*. There is no non-blocking `getaddrinfo`, so
//!    asyncio runs it on its thread pool (`loop.getaddrinfo` is
//!    `run_in_executor(None, socket.getaddrinfo, ...)`); we do the same with
//!    [`spawn_blocking`](crate::spawn_blocking). An IP literal
//!    (`127.0.0.1`, `[::1]`) needs no resolver and skips the thread.
//! 2. **Connect.** Try each address in the order the resolver gave them,
//!    and keep the first that answers (asyncio's `create_connection`
//!    without Happy Eyeballs). Failures are remembered so that the error,
//!    if all fail, says what happened at each address.
//!
//! Both steps together must finish within the connect timeout, or the
//! request fails with [`Error::Timeout`] in the
//! [`Connect`](TimeoutPhase::Connect) phase. A resolver call that outlives
//! the timeout keeps its pool thread until the system gives up: a thread
//! blocked in `getaddrinfo` cannot be interrupted.

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
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
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let name = host.to_string();
    let lookup = crate::spawn_blocking(move || (name.as_str(), port).to_socket_addrs().map(Vec::from_iter));
    let resolve_error = |source| Error::Resolve {
        host: host.to_string(),
        source,
    };
    match lookup.await {
        Ok(Ok(addresses)) if !addresses.is_empty() => Ok(addresses),
        Ok(Ok(_)) => Err(resolve_error(io::Error::new(
            io::ErrorKind::NotFound,
            "the resolver returned no addresses",
        ))),
        Ok(Err(source)) => Err(resolve_error(source)),
        Err(join_error) => Err(resolve_error(io::Error::other(format!(
            "the resolver thread did not finish: {join_error}"
        )))),
    }
}

/// Connect to the first address that accepts.
async fn connect_any(url: &Url, addresses: &[SocketAddr]) -> Result<TcpStream, Error> {
    let mut failures = Vec::new();
    for &address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => return Ok(stream),
            Err(error) => failures.push(error),
        }
    }
    // TcpStream::connect's errors already name the address they were for.
    let kind = failures.last().map_or(io::ErrorKind::NotFound, io::Error::kind);
    let source = match failures.len() {
        1 => failures.pop().unwrap_or_else(|| io::Error::from(kind)),
        _ => io::Error::new(
            kind,
            failures.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        ),
    };
    Err(Error::Connect {
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
