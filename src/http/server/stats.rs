//! # What a server has done so far
//!
//! [`ServerStats`] counts the connections a server accepted and the
//! requests it handed to its handler. The examples and the tests read it
//! to check what a client did: one connection for three requests
//! means the client reused it. The server usually runs on a thread of its
//! own ([`Server::spawn_thread`](super::Server::spawn_thread)) while the
//! reader sits on another, so the counters are atomics shared through an
//! `Arc`; `Relaxed` is enough, because each counter is read on its own and
//! orders no other memory.
//!
//! The accept loop (`mod.rs`) counts connections and each connection's
//! task (`connection.rs`) counts requests; a clone of `ServerStats` goes
//! with each, and all clones share the counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a server has done so far. Clones share the counters.
#[derive(Debug, Clone, Default)]
pub struct ServerStats {
    counters: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    connections: AtomicU64,
    requests: AtomicU64,
}

impl ServerStats {
    /// Connections accepted.
    pub fn connections_accepted(&self) -> u64 {
        self.counters.connections.load(Ordering::Relaxed)
    }

    /// Complete, valid requests received (and handed to the handler).
    pub fn requests(&self) -> u64 {
        self.counters.requests.load(Ordering::Relaxed)
    }

    pub(super) fn count_connection(&self) {
        self.counters.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_request(&self) {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
    }
}
