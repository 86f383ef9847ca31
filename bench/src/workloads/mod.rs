//! # The workloads, and how each runtime is set up for them
//!
//! One file per workload, each opening with what it measures, why, and what
//! keeps the comparison fair. This file lists them in the order the table
//! prints them and builds the runtimes the same way for all of them:
//!
//! - **runloop**: `Runtime::new()`, the defaults (FIFO, budget 128).
//! - **tokio**: the `current_thread` runtime with I/O and time enabled, the
//!   closest thing tokio has to one event loop on one thread. Tasks are
//!   spawned with `tokio::spawn`.
//! - **smol**: an `async_executor::LocalExecutor` run inside
//!   `async_io::block_on` (smol's `block_on`), so async-io's reactor drives
//!   I/O and timers on the same thread.
//! - **futures**: `futures::executor::LocalPool`, only where the workload
//!   needs no I/O, no timers and no thread pool.
//!
//! Every case owns its runtime for all its rounds (see `harness.rs`), and
//! every figure is timed inside the runtime's `block_on`, so building and
//! dropping a runtime is never part of an operation's cost.

pub mod blocking;
pub mod echo;
pub mod http;
pub mod locks;
pub mod memory;
pub mod ping_pong;
pub mod spawn_join;
pub mod timers;
pub mod yield_now;

use crate::harness::Workload;
use std::future::Future;
use std::rc::Rc;

/// Every workload, in table order.
pub fn all() -> Vec<Workload> {
    vec![
        spawn_join::workload(),
        yield_now::workload(),
        ping_pong::workload(),
        timers::sleepers(),
        timers::cancel(),
        blocking::workload(),
        echo::workload(),
        http::workload(),
        memory::workload(),
        locks::uncontended_mutex(),
        locks::semaphore(),
    ]
}

pub fn runloop_runtime() -> runloop::Runtime {
    runloop::Runtime::new().expect("a runloop runtime")
}

pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// smol's executor for one thread. `'static` so a case can keep it; the
/// tasks it runs borrow nothing.
pub fn smol_executor() -> Rc<smol::LocalExecutor<'static>> {
    Rc::new(smol::LocalExecutor::new())
}

/// Runs `future` on `executor`, with async-io's reactor on this thread.
pub fn smol_block_on<T>(executor: &smol::LocalExecutor<'static>, future: impl Future<Output = T>) -> T {
    smol::block_on(executor.run(future))
}
