//! The study notes' experiment, in Rust: fetch slow URLs three ways and
//! compare. Shared by `examples/offload.rs` and the tour.
//!
//! The three ways are the notes' three: `runloop::http::blocking::get`
//! (our `urlopen`) called inside coroutines, the same call through
//! `spawn_blocking` (`run_in_executor`), and the async `runloop::http`
//! client (aiohttp's `ClientSession`). The server is `runloop::http::server`
//! on its own thread and runtime, because mode (a) blocks the client's loop
//! on purpose and must not block the server with it.

use super::local_server;
use runloop::http::{Client, blocking};
use std::time::{Duration, Instant};

/// How one request went.
struct Fetch {
    delay: u64,
    took: Duration,
}

/// Runs the three modes against a fresh delay server, with one request per
/// entry of `delays` (in milliseconds), issued in that order.
pub fn run(delays: &[u64]) {
    let site = local_server::start();
    let sum: u64 = delays.iter().sum();
    let max = delays.iter().copied().max().unwrap_or(0);
    println!("A local server answers /delay/N after N ms. Requests, in this order: {delays:?} ms");
    println!("(sum of delays {sum} ms, longest {max} ms)\n");

    mode(
        "(a) blocking GET (http::blocking::get, our urlopen) called directly inside coroutines",
        delays,
        &site,
        Way::BlockingInline,
        "the loop is stuck inside each call, so the requests run one after another: total = sum",
    );
    mode(
        "(b) the same blocking GET through spawn_blocking (run_in_executor)",
        delays,
        &site,
        Way::ThreadPool,
        "each call runs on a pool thread; the loop only waits: total = longest, fastest first",
    );
    mode(
        "(c) non-blocking GET: runloop::http::Client, one session for all six",
        delays,
        &site,
        Way::NonBlocking,
        "one thread, no pool: the sockets wait in epoll side by side: total = longest",
    );
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    BlockingInline,
    ThreadPool,
    NonBlocking,
}

fn mode(title: &str, delays: &[u64], site: &runloop::http::server::ServerThread, way: Way, lesson: &str) {
    println!("{title}");
    let runtime = runloop::Runtime::builder().timeline(true).build().expect("a runtime");
    let client = Client::new();
    let start = Instant::now();
    let finished: Vec<Fetch> = runtime.block_on(async {
        // One task per request, named, so the timeline shows one lane each.
        let tasks = delays.iter().map(|&delay| {
            let path = format!("/delay/{delay}");
            let url = site.url(&path);
            let client = client.clone();
            runloop::TaskBuilder::new()
                .name(format!("GET {path}"))
                .spawn(async move {
                    let begun = Instant::now();
                    let response = match way {
                        Way::BlockingInline => blocking::get(&url),
                        Way::ThreadPool => runloop::spawn_blocking(move || blocking::get(&url))
                            .await
                            .expect("the pool job ran"),
                        Way::NonBlocking => client.get(&url).await,
                    };
                    response.expect("the local server answers");
                    Fetch {
                        delay,
                        took: begun.elapsed(),
                    }
                })
        });
        let mut done = runloop::as_completed(tasks);
        let mut finished = Vec::new();
        while let Some(fetch) = done.next().await {
            finished.push(fetch.expect("the request task finished"));
        }
        finished
    });
    let total = start.elapsed();
    println!("    finished  request        took");
    for (place, fetch) in finished.iter().enumerate() {
        println!(
            "    {:>6}.   /delay/{:<5}  {:>4} ms",
            place + 1,
            fetch.delay,
            fetch.took.as_millis()
        );
    }
    let order: Vec<u64> = finished.iter().map(|fetch| fetch.delay).collect();
    println!(
        "    total {} ms; completion order {order:?}; pool threads used: {}",
        total.as_millis(),
        runtime.blocking_threads()
    );
    println!("    -> {lesson}");
    if let Some(timeline) = runtime.timeline() {
        println!("    the loop's own record of it:");
        for line in timeline.render(56).lines() {
            println!("    {line}");
        }
    }
    println!();
}

/// Counts primes in `[from, to)` by trial division: honest CPU work.
fn count_primes(from: u64, to: u64) -> usize {
    (from..to)
        .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}

/// The CPU-bound half of the notes: the same work inline and on the pool.
pub fn cpu(ranges: usize, width: u64) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let base = 5_000_000u64;
    let spans: Vec<(u64, u64)> = (0..ranges as u64)
        .map(|i| (base + i * width, base + (i + 1) * width))
        .collect();
    println!("Counting primes in {ranges} ranges of {width} numbers, on a machine with {cores} cores.");

    let runtime = runloop::Runtime::new().expect("a runtime");
    let start = Instant::now();
    let inline: usize = runtime.block_on(async {
        let handles: Vec<_> = spans
            .iter()
            .map(|&(from, to)| runloop::spawn(async move { count_primes(from, to) }))
            .collect();
        runloop::join_all(handles).await.into_iter().map(Result::unwrap).sum()
    });
    let inline_time = start.elapsed();

    let start = Instant::now();
    let pooled: usize = runtime.block_on(async {
        let handles: Vec<_> = spans
            .iter()
            .map(|&(from, to)| runloop::spawn_blocking(move || count_primes(from, to)))
            .collect();
        runloop::join_all(handles).await.into_iter().map(Result::unwrap).sum()
    });
    let pooled_time = start.elapsed();
    assert_eq!(inline, pooled);

    println!(
        "    as tasks on the loop:   {inline} primes in {:>5} ms (one thread: each task runs to its end, one after another)",
        inline_time.as_millis()
    );
    println!(
        "    through spawn_blocking: {pooled} primes in {:>5} ms on {} pool threads",
        pooled_time.as_millis(),
        runtime.blocking_threads()
    );
    let speedup = inline_time.as_secs_f64() / pooled_time.as_secs_f64();
    println!("    measured speedup: {speedup:.2}x.");
    explain_speedup(speedup, cores, load_average());
}

/// Says what the measured speedup means, without claiming more than it
/// shows: threads can only compute in parallel on cores that are free.
fn explain_speedup(speedup: f64, cores: usize, load: Option<f64>) {
    let load = load
        .map(|load| format!(" (load average now {load:.2})"))
        .unwrap_or_default();
    if speedup >= 1.3 {
        println!("    Rust has no GIL: the pool threads computed in parallel, on up to {cores} cores.");
    } else if cores < 2 {
        println!("    This machine has one core, so threads can only take turns: no speedup is possible.");
    } else {
        println!("    Little or no speedup this time: other programs were using the cores{load}.");
        println!("    Rust has no GIL, so pool threads *can* compute in parallel, but only on free cores;");
        println!("    run it again on a quiet machine to see it.");
    }
    println!("    (In the notes' Python, threads gave no speedup at all: the GIL lets one run at a time.)");
}

/// The 1-minute load average, where the system reports one.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
