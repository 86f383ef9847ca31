//! # The connection pool: keep-alive, per host
//!
//! Opening a TCP connection costs a round trip before the first byte of a
//! request can go out, plus a socket, an epoll registration and, at the
//! other end, an `accept`. HTTP/1.1 lets one connection carry request after
//! request (RFC 9112 §9.3, "Persistence"), so a client that talks to the
//! same server twice should keep the connection and use it again. That is
//! what `requests.Session` (through urllib3's `HTTPConnectionPool`) and
//! `aiohttp.ClientSession` (through its `TCPConnector`) do, and what
//! [`Pool`] does for [`Client`](super::Client).
//!
//! ## The shape
//!
//! One entry per origin, keyed by the URL's authority (`host[:port]`):
//!
//! ```text
//!   Pool ──► "127.0.0.1:8080" ─► Host { idle: [conn, conn],  open: 5, waiters: [] }
//!        └─► "example.com"    ─► Host { idle: [],            open: 2, waiters: [w] }
//! ```
//!
//! `open` counts *leases*: a [`Lease`] is the right to hold one connection
//! to that host, and every connection (idle, busy or still connecting)
//! holds exactly one. So `open` never exceeds `max_per_host`, and a request
//! that finds no idle connection and no free lease waits in line
//! (aiohttp's `limit_per_host`).
//!
//! ## Invariants
//!
//! * **A lease is freed exactly once, by being dropped.** Dropping a
//!   connection anywhere (an error, an unread body, a timeout that cancels
//!   the request) drops its lease, which hands the slot to the first waiter
//!   or decrements `open`. No code path has to remember to give it back.
//! * **Waiters are served in order, by hand-off.** A returned connection or
//!   a freed lease goes straight into the first waiter's slot, so a request
//!   arriving later cannot snatch it. A waiter cancelled after being served
//!   passes what it got on (see [`Wait`]'s `Drop`), so nothing is stranded
//!   while others wait. Waiters exist only while `idle` is empty.
//! * **Only reusable connections come back.** [`checkin`] is called by the
//!   exchange only after a complete response that the parser called
//!   reusable, on a connection where we asked for keep-alive, with nothing
//!   unread after it. Everything else is dropped, which closes it.
//! * **Idle connections expire.** One that has sat idle for `idle_timeout`
//!   is closed instead of reused, because the server has probably closed
//!   its end. Expiry is lazy: it happens when the pool next looks at that
//!   host (aiohttp runs a cleanup timer instead; a lazy check needs no task
//!   and no timer). A server may still close a connection before we expire
//!   it; the client retries such a request once (see `client.rs`).
//! * **No cycles.** The pool owns idle connections; a connection's lease
//!   holds only a `Weak` back to the pool. Dropping the last `Client` drops
//!   the pool and closes every idle connection; a connection still in use
//!   then simply closes when it is done.
//! * **No `RefCell` borrow is held while a connection is dropped**, since
//!   dropping one re-enters the pool through its lease.
//!
//! Idle connections are reused last-in, first-out: the most recently used
//! one is the least likely to have been closed by the server meanwhile.
//!
//! ## This file and `conn.rs` know each other
//!
//! The pool stores and hands out connections, so it names `conn.rs`'s
//! [`Conn`]; a `Conn` carries the [`Lease`] that ties it to its slot here,
//! and its exchange gives it back with [`checkin`], so `conn.rs` names this
//! file. The two-way dependency is on purpose. The alternatives are a pool
//! generic over a connection type that only `Conn` would ever fill, or a
//! connection that does not know where it came from, so that every caller
//! would have to remember to return it: the bookkeeping leases exist to
//! make impossible.
//!
//! hyper's client pool (`client/pool.rs` in hyper 0.14,
//! `client/legacy/pool.rs` in hyper-util) has the same shape: its
//! `Pooled<T>` wraps a connection together with a `Weak` reference to the
//! pool, and puts the connection back when dropped. hyper does make the
//! pool generic (`T: Poolable`), so that file never names a connection
//! type; it pools several kinds (HTTP/1 and HTTP/2, any body type), we pool
//! one, so we name it. Read this file first: all it needs to know of a
//! `Conn` is that it holds its lease ([`Conn::lease`]).

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::poll_fn;
use std::rc::{Rc, Weak};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use super::conn::Conn;

/// Keep-alive connections, per `host:port`, for one client and its clones.
///
/// It lives in an `Rc`: the client holds the strong reference, and every
/// [`Lease`] a `Weak` one back, so that a connection can come home.
pub(crate) struct Pool {
    hosts: RefCell<HashMap<Rc<str>, Host>>,
    max_per_host: usize,
    idle_timeout: Duration,
}

/// One origin's connections.
#[derive(Default)]
struct Host {
    /// Connections ready for a request, oldest first.
    idle: Vec<Idle>,
    /// Live leases: idle, busy and connecting connections together.
    open: usize,
    /// Requests waiting for a connection, first come first served.
    waiters: VecDeque<Rc<Waiter>>,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

/// What [`Host::decide`] chose, before any lease object exists.
enum Decision {
    Reuse(Conn),
    Open,
    Wait(Rc<Waiter>),
}

impl Host {
    /// The newest idle connection; else a new slot if the bound allows;
    /// else a place at the back of the line.
    fn decide(&mut self, max: usize) -> Decision {
        if let Some(idle) = self.idle.pop() {
            return Decision::Reuse(idle.conn);
        }
        if self.open < max {
            self.open += 1;
            return Decision::Open;
        }
        let waiter = Rc::new(Waiter {
            slot: RefCell::new(Slot::Waiting(None)),
        });
        self.waiters.push_back(Rc::clone(&waiter));
        Decision::Wait(waiter)
    }
}

/// What a checkout gives: a connection to reuse, or the right to open one.
pub(crate) enum Checkout {
    /// An idle keep-alive connection; it may have been closed by the server.
    Reuse(Conn),
    /// A free slot: connect, then make a [`Conn`] with this lease.
    Open(Lease),
}

/// The right to hold one connection to one host. Dropping it frees the slot.
pub(crate) struct Lease {
    pool: Weak<Pool>,
    host: Rc<str>,
}

/// A request waiting in line, and what it was handed.
struct Waiter {
    slot: RefCell<Slot>,
}

enum Slot {
    Waiting(Option<Waker>),
    Served(Checkout),
    Taken,
}

impl Pool {
    pub(crate) fn new(max_per_host: usize, idle_timeout: Duration) -> Rc<Pool> {
        Rc::new(Pool {
            hosts: RefCell::new(HashMap::new()),
            max_per_host: max_per_host.max(1),
            idle_timeout,
        })
    }

    /// A connection to `host` (an authority, `host[:port]`): an idle one if
    /// there is one, else a lease to open one, else wait for either. Takes
    /// the `Rc` because a lease keeps a `Weak` to it.
    pub(crate) async fn checkout(self: &Rc<Self>, host: &str) -> Checkout {
        drop(self.take_expired(host)); // closed here, outside any borrow
        let max = self.max_per_host;
        let decision = {
            let mut hosts = self.hosts.borrow_mut();
            match hosts.get_mut(host) {
                Some(entry) => entry.decide(max),
                None => {
                    let mut entry = Host::default();
                    let decision = entry.decide(max);
                    hosts.insert(Rc::from(host), entry);
                    decision
                }
            }
        };
        match decision {
            Decision::Reuse(conn) => {
                log::debug!(target: "runloop::http::pool", "reusing an idle connection to {host}");
                Checkout::Reuse(conn)
            }
            Decision::Open => Checkout::Open(self.lease(host)),
            Decision::Wait(waiter) => {
                log::debug!(target: "runloop::http::pool", "all {max} connections to {host} are busy; waiting");
                let mut wait = Wait {
                    pool: self,
                    host,
                    waiter,
                };
                poll_fn(|cx| wait.poll_served(cx.waker())).await
            }
        }
    }

    /// How many idle connections the pool holds for `host` (after expiry).
    pub(crate) fn idle_count(&self, host: &str) -> usize {
        drop(self.take_expired(host));
        self.hosts.borrow().get(host).map_or(0, |entry| entry.idle.len())
    }

    /// Remove the idle connections to `host` that are too old to trust, and
    /// return them for the caller to drop once the borrow has ended.
    fn take_expired(&self, host: &str) -> Vec<Idle> {
        let mut hosts = self.hosts.borrow_mut();
        let Some(entry) = hosts.get_mut(host) else {
            return Vec::new();
        };
        let now = Instant::now();
        let fresh_from = entry
            .idle
            .iter()
            .position(|idle| now.duration_since(idle.since) < self.idle_timeout)
            .unwrap_or(entry.idle.len());
        if fresh_from > 0 {
            log::debug!(
                target: "runloop::http::pool",
                "closing {fresh_from} connection(s) to {host} idle for over {:?}",
                self.idle_timeout
            );
        }
        entry.idle.drain(..fresh_from).collect()
    }

    fn lease(self: &Rc<Self>, host: &str) -> Lease {
        Lease {
            pool: Rc::downgrade(self),
            host: Rc::from(host),
        }
    }
}

/// Give a reusable connection back: to the first waiter, or to the idle list.
pub(crate) fn checkin(conn: Conn) {
    let Some(pool) = conn.lease().pool.upgrade() else {
        return; // the client is gone; dropping `conn` closes it
    };
    let host = Rc::clone(&conn.lease().host);
    let waiter = pool
        .hosts
        .borrow_mut()
        .get_mut(&host)
        .and_then(|entry| entry.waiters.pop_front());
    match waiter {
        Some(waiter) => waiter.serve(Checkout::Reuse(conn)),
        None => {
            let mut hosts = pool.hosts.borrow_mut();
            if let Some(entry) = hosts.get_mut(&host) {
                entry.idle.push(Idle {
                    conn,
                    since: Instant::now(),
                });
            }
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(pool) = self.pool.upgrade() else {
            return;
        };
        let next = {
            let mut hosts = pool.hosts.borrow_mut();
            let Some(entry) = hosts.get_mut(&self.host) else {
                return;
            };
            match entry.waiters.pop_front() {
                Some(waiter) => Some(waiter), // the slot passes on; `open` stays
                None => {
                    entry.open -= 1;
                    if entry.open == 0 {
                        hosts.remove(&self.host); // forget hosts we no longer talk to
                    }
                    None
                }
            }
        };
        if let Some(waiter) = next {
            waiter.serve(Checkout::Open(Lease {
                pool: self.pool.clone(),
                host: Rc::clone(&self.host),
            }));
        }
    }
}

impl Waiter {
    /// Hand `checkout` to this waiter and wake it.
    fn serve(&self, checkout: Checkout) {
        let previous = std::mem::replace(&mut *self.slot.borrow_mut(), Slot::Served(checkout));
        if let Slot::Waiting(Some(waker)) = previous {
            waker.wake();
        }
    }
}

/// A checkout waiting in line. Dropping it (the request was cancelled)
/// leaves the line, or passes on what it was already handed.
struct Wait<'a> {
    pool: &'a Pool,
    host: &'a str,
    waiter: Rc<Waiter>,
}

impl Wait<'_> {
    fn poll_served(&mut self, waker: &Waker) -> Poll<Checkout> {
        let mut slot = self.waiter.slot.borrow_mut();
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Served(checkout) => Poll::Ready(checkout),
            Slot::Waiting(_) | Slot::Taken => {
                *slot = Slot::Waiting(Some(waker.clone()));
                Poll::Pending
            }
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        let slot = std::mem::replace(&mut *self.waiter.slot.borrow_mut(), Slot::Taken);
        match slot {
            Slot::Served(Checkout::Reuse(conn)) => checkin(conn),
            Slot::Served(Checkout::Open(lease)) => drop(lease), // hands the slot on
            Slot::Waiting(_) => {
                let mut hosts = self.pool.hosts.borrow_mut();
                if let Some(entry) = hosts.get_mut(self.host) {
                    entry.waiters.retain(|waiter| !Rc::ptr_eq(waiter, &self.waiter));
                }
            }
            Slot::Taken => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::pin;
    use std::task::Context;

    fn poll_once<F: std::future::Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn a_waiter_dropped_after_being_served_passes_its_lease_on() {
        let pool = Pool::new(1, Duration::from_secs(60));
        let Poll::Ready(Checkout::Open(first)) = poll_once(pin!(pool.checkout("h"))) else {
            panic!("the first checkout gets the only slot");
        };
        let mut second = Box::pin(pool.checkout("h"));
        let mut third = Box::pin(pool.checkout("h"));
        assert!(poll_once(second.as_mut()).is_pending());
        assert!(poll_once(third.as_mut()).is_pending());
        drop(first); // served to `second`...
        drop(second); // ...which leaves without taking it
        assert!(matches!(poll_once(third.as_mut()), Poll::Ready(Checkout::Open(_))));
    }

    #[test]
    fn leases_count_against_the_bound_until_dropped() {
        let pool = Pool::new(2, Duration::from_secs(60));
        let a = poll_once(pin!(pool.checkout("h")));
        let b = poll_once(pin!(pool.checkout("h")));
        assert!(a.is_ready() && b.is_ready());
        let mut c = Box::pin(pool.checkout("h"));
        assert!(poll_once(c.as_mut()).is_pending());
        assert!(
            poll_once(pin!(pool.checkout("other"))).is_ready(),
            "other hosts have their own slots"
        );
        drop(a);
        assert!(poll_once(c.as_mut()).is_ready());
        drop((b, c));
        assert!(
            pool.hosts.borrow().get("h").is_none(),
            "a host with no connections is forgotten"
        );
    }
}
