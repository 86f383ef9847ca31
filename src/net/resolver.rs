//! # The resolver: host names looked up off the loop thread
//!
//! Turning `localhost` or `example.com` into addresses means asking the
//! system resolver, `getaddrinfo`, which reads `/etc/hosts`, may talk to
//! DNS servers, and *blocks* until it has an answer: there is no
//! non-blocking `getaddrinfo`. On the loop thread that would stop every
//! task, so a lookup runs on another thread and its answer comes back
//! through a [`oneshot`](mod@crate::sync::oneshot), the same cross-thread
//! path as [`spawn_blocking`](crate::spawn_blocking) (see "From a pool
//! thread back into the loop" in `DESIGN.md`). asyncio does the same:
//! `loop.getaddrinfo` is `run_in_executor(None, socket.getaddrinfo, ...)`.
//!
//! ## Its own pool, so user jobs cannot starve it
//! asyncio, and runloop until now, send lookups to the *same* executor as
//! user jobs. Fill that pool with 64 slow jobs and a lookup of `localhost`
//! waits behind all of them: a connect "times out" though nothing is wrong
//! with the network. So lookups get a pool of their own — the blocking
//! pool's code (`src/blocking/pool.rs`), a second instance with its own
//! cap of [`RESOLVER_THREADS`] threads, started on the first lookup. Its
//! threads come and go as the blocking pool's do: started when a lookup
//! finds every one busy, gone after ten idle seconds. (Being the same code,
//! they carry the same name in a debugger: `runloop-blocking-N`.)
//!
//! It is one pool **per process**, not per runtime: `getaddrinfo`'s state
//! (`/etc/hosts`, `resolv.conf`) is the process's anyway, the pool never
//! touches a runtime (the oneshot's waker finds its own loop), and a
//! program that creates many runtimes — the test suite creates hundreds —
//! should not start resolver threads for each. The cap also bounds what a
//! flood of lookups can cost: at most [`RESOLVER_THREADS`] threads, the
//! rest queued.
//!
//! ## Dropped at the `.await`
//! A lookup whose future is dropped (a `timeout`, a `select` that chose
//! the other branch) is called off if no thread has started it yet. One
//! that has started cannot be interrupted — a thread inside
//! `getaddrinfo` cannot be stopped from outside — so it runs to the end
//! and its answer is dropped on the resolver thread.
//!
//! ## Trying each address
//! A name may resolve to several addresses (IPv6 and IPv4, several
//! servers). [`try_each`] tries them in the resolver's order and keeps the
//! first that works, as asyncio's `create_connection` does without Happy
//! Eyeballs; the error, if all fail, names the host and every address
//! tried, each with its own failure. Each attempt is as long as the kernel
//! makes it: wrap the call in [`timeout`](crate::time::timeout) to bound
//! the whole.

use super::to_socket_addrs::{Target, ToSocketAddrs, quoted};
use crate::blocking::{DEFAULT_KEEP_ALIVE, Pool, spawn_blocking_on};
use crate::task::JoinHandle;
use std::fmt::Write as _;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::OnceLock;

/// The most threads the resolver runs at once. Enough for a crawler's
/// worth of distinct hosts; more lookups wait in its queue.
pub const RESOLVER_THREADS: usize = 4;

/// How many failed addresses an error lists before it only counts them.
const LISTED_MAX: usize = 16;

/// The per-process resolver pool, started by the first lookup.
fn pool() -> &'static Pool {
    static RESOLVER: OnceLock<Pool> = OnceLock::new();
    RESOLVER.get_or_init(|| Pool::new(RESOLVER_THREADS, DEFAULT_KEEP_ALIVE, None))
}

/// Resolves `name` to socket addresses without blocking the loop: asyncio's
/// `loop.getaddrinfo(host, port)`. Takes anything [`ToSocketAddrs`] takes:
/// `"host:port"`, `(host, port)`, or addresses, which come back as they
/// are with no lookup at all. A host name is looked up by the system
/// resolver (`/etc/hosts`, then DNS, as `nsswitch.conf` says) on
/// runloop's resolver thread, never on the loop's; the addresses come back
/// in the resolver's order, each with the given port.
///
/// Fails with an error naming the host when the name does not resolve or
/// resolves to nothing, and with `InvalidInput` before any lookup when the
/// argument is malformed (no port, a bad port, a host longer than DNS
/// allows).
///
/// ```
/// runloop::run(async {
///     let addrs = runloop::net::lookup_host("localhost:8080").await.unwrap();
///     assert!(addrs.iter().all(|addr| addr.ip().is_loopback() && addr.port() == 8080));
///
///     // An address is its own answer: no thread, no system call.
///     let addrs = runloop::net::lookup_host("[::1]:443").await.unwrap();
///     assert_eq!(addrs, ["[::1]:443".parse().unwrap()]);
/// });
/// ```
#[doc(alias = "getaddrinfo")]
pub async fn lookup_host(name: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    let target = name.to_target()?;
    resolve(&target).await
}

/// The addresses `target` stands for: itself, or a lookup's answer.
pub(crate) async fn resolve(target: &Target) -> io::Result<Vec<SocketAddr>> {
    match target {
        Target::Addrs(addrs) => Ok(addrs.clone()),
        Target::Name { host, port } => lookup(host, *port).await,
    }
}

/// Calls the lookup off if the future awaiting it is dropped first.
struct CallOffOnDrop<T>(JoinHandle<T>);

impl<T> Drop for CallOffOnDrop<T> {
    fn drop(&mut self) {
        // A job that has started, or finished, is not affected.
        self.0.abort();
    }
}

async fn lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    let name = host.to_string();
    let job = spawn_blocking_on(pool(), move || {
        std::net::ToSocketAddrs::to_socket_addrs(&(name.as_str(), port)).map(Vec::from_iter)
    });
    let mut job = CallOffOnDrop(job);
    let failed = |why: String| io::Error::new(io::ErrorKind::NotFound, format!("lookup of {}: {why}", quoted(host)));
    match (&mut job.0).await {
        Ok(Ok(addrs)) if addrs.is_empty() => Err(failed("the resolver returned no addresses".into())),
        Ok(Ok(addrs)) => Ok(addrs),
        // std reports resolver failures with a kind of its own (on Linux an
        // uncategorized one); the message is the useful part.
        Ok(Err(error)) => Err(io::Error::new(
            error.kind(),
            format!("lookup of {}: {error}", quoted(host)),
        )),
        Err(join_error) => Err(failed(format!("the resolver thread did not answer: {join_error}"))),
    }
}

/// Runs `attempt` on each of `addrs` in order until one succeeds. If all
/// fail, the error has the last failure's kind and a message naming
/// `target` and every address with its failure: `"{doing} {target}:
/// {addr}: {error}; {addr}: {error}"` (for one address given as one, just
/// `"{doing} {addr}: {error}"`).
pub(crate) async fn try_each<T, F, Fut>(
    doing: &str,
    target: &Target,
    addrs: Vec<SocketAddr>,
    mut attempt: F,
) -> io::Result<T>
where
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let mut failures = Vec::new();
    for addr in addrs {
        match attempt(addr).await {
            Ok(value) => return Ok(value),
            Err(error) => failures.push((addr, error)),
        }
    }
    let Some((_, last)) = failures.last() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{doing} {target}: no address to try"),
        ));
    };
    let kind = last.kind();
    if let (Target::Addrs(_), [(addr, error)]) = (target, failures.as_slice()) {
        return Err(io::Error::new(kind, format!("{doing} {addr}: {error}")));
    }
    let mut message = format!("{doing} {target}: tried {} address", failures.len());
    message.push_str(if failures.len() == 1 { ": " } else { "es: " });
    for (i, (addr, error)) in failures.iter().take(LISTED_MAX).enumerate() {
        let separator = if i == 0 { "" } else { "; " };
        let _ = write!(message, "{separator}{addr}: {error}");
    }
    if failures.len() > LISTED_MAX {
        let _ = write!(message, "; and {} more", failures.len() - LISTED_MAX);
    }
    Err(io::Error::new(kind, message))
}
