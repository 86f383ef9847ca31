//! Chapter: the notes' offload experiment, I/O-bound and CPU-bound.

use crate::local_server; // offload_experiment reaches it as `super::local_server`
#[path = "../support/offload_experiment.rs"]
mod offload_experiment;

pub fn io_bound() {
    println!("A blocking call inside a coroutine stalls the whole loop. asyncio's cure is");
    println!("`loop.run_in_executor(None, urlopen, url)`: run it on a thread pool and wake");
    println!("the loop when it is done. runloop's is `spawn_blocking`. Three ways to fetch:\n");
    offload_experiment::run(&[150, 50, 300, 100, 250, 200]);
    println!("(`cargo run --release --example offload` runs the notes' full-size version.)");
}

pub fn cpu_bound() {
    println!("Threads also help CPU-bound work in Rust, which has no GIL.\n");
    offload_experiment::cpu(8, 60_000);
}
