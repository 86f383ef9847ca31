//! The study notes' offload experiment, with real numbers.
//!
//! Six URLs on a local server answer after 100 to 600 ms. We fetch them
//! three ways — `runloop::http::blocking::get` (our `urlopen`) called
//! inside coroutines, the same call through `spawn_blocking` (asyncio's
//! `run_in_executor`), and the non-blocking `runloop::http::Client`
//! (aiohttp's `ClientSession`) — and print, for each way, the total
//! time, each request's time and the completion order. Then the same for
//! CPU-bound work, where Rust (unlike the notes' Python) gets a real
//! speedup from threads.
//!
//! `cargo run --release --example offload`

#[path = "support/local_server.rs"]
mod local_server;
#[path = "support/offload_experiment.rs"]
mod offload_experiment;

fn main() {
    env_logger::init();
    println!("== I/O-bound: six slow URLs, three ways ==\n");
    offload_experiment::run(&[300, 100, 600, 200, 500, 400]);
    println!("== CPU-bound: counting primes ==\n");
    offload_experiment::cpu(8, 150_000);
}
