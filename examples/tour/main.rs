//! The runloop tour: every capability of the runtime, shown running.
//!
//! `cargo run --release --example tour` — no setup, no network: whatever
//! servers a chapter needs are started on 127.0.0.1. Set `RUST_LOG=debug`
//! (or `RUST_LOG=runloop::reactor=trace`) to watch the loop's own log.

mod chat;
mod generators;
mod http;
mod inspect;
#[path = "../support/local_server.rs"]
mod local_server;
mod offload;
mod os;
mod pictures;
mod spawn_and_join;
mod tcp_echo;
mod timers;
mod waiting;
mod yield_ping_pong;

use std::time::Instant;

fn main() {
    env_logger::init();
    let start = Instant::now();
    println!("runloop tour: an event loop you can read, running.\n");
    println!("runloop grew from two study notes on Python concurrency (asyncio's run loop,");
    println!("run_in_executor with urlopen, as_completed, threads against the GIL, generators");
    println!("as coroutines, process pools). Where a chapter says \"the notes\", it reproduces");
    println!("one of their experiments in Rust, with numbers measured here and now.\n");
    chapter(1, "Tasks: spawn and join", spawn_and_join::run);
    chapter(2, "Taking turns: a yield ping-pong", yield_ping_pong::run);
    chapter(3, "Timers: waiting without blocking", timers::run);
    chapter(4, "Sockets: a TCP echo server and its clients", tcp_echo::run);
    chapter(5, "Generators: the machine under every future", generators::run);
    chapter(6, "Offloading blocking calls: the notes' experiment", offload::io_bound);
    chapter(
        7,
        "CPU-bound work on the pool: threads without a GIL",
        offload::cpu_bound,
    );
    chapter(
        8,
        "Seeing the loop: the notes' pictures, drawn from real runs",
        pictures::run,
    );
    chapter(
        9,
        "HTTP/1.1 by hand: a server, a pooled client, a streamed download",
        http::run,
    );
    chapter(
        10,
        "Waiting for each other: locks, semaphores, events, task groups",
        waiting::run,
    );
    chapter(11, "Stepping through the loop", inspect::run);
    chapter(12, "Streams: a chat room on one thread", chat::run);
    chapter(
        13,
        "The loop meets the operating system: signals and child processes",
        os::run,
    );
    println!("The tour took {:.2?}.", start.elapsed());
}

fn chapter(number: usize, title: &str, body: fn()) {
    println!("== {number}. {title} ==");
    body();
    println!();
}
