//! The notes' multiprocessing experiment (`ProcessPoolExecutor`,
//! `multiprocessing.Pool.map`), in Rust, on one loop thread.
//!
//! `cargo run --release --example processes [WORKERS]` (default: one per
//! core). The example starts WORKERS copies of its own binary with
//! `--worker FROM TO`; each counts the primes in its range and prints the
//! count (and its own peak memory) on stdout. The parent reads all those
//! pipes *concurrently on one thread*, through the reactor, and waits for
//! each exit on a pidfd. Then it does the same work on the thread pool
//! (`spawn_blocking`), and prints both times side by side with what each
//! costs: a process start takes milliseconds and a whole address space, a
//! thread start microseconds and a stack.
//!
//! In Python, processes are how CPU work escapes the GIL. Rust has no GIL,
//! so threads already run in parallel; processes buy isolation (a crash or
//! a leak stays in the worker) at a price this example measures.

use runloop::prelude::*;
use runloop::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BASE: u64 = 5_000_000;
const WIDTH: u64 = 150_000;

/// Counts primes in `[from, to)` by trial division: honest CPU work (the
/// same as `examples/support/offload_experiment.rs`).
fn count_primes(from: u64, to: u64) -> usize {
    (from..to)
        .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count()
}

/// This process's peak resident memory, from /proc (Linux), in KiB.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn usage() -> ! {
    eprintln!("usage: processes [WORKERS]     (WORKERS: 1 to 64, default one per core)");
    eprintln!("       processes --worker FROM TO");
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, from, to] if flag == "--worker" => {
            let (Ok(from), Ok(to)) = (from.parse(), to.parse()) else {
                usage()
            };
            println!("{} {}", count_primes(from, to), peak_memory_kib().unwrap_or(0));
        }
        [] => parent(std::thread::available_parallelism().map_or(2, |n| n.get()).min(16)),
        [workers] => match workers.parse() {
            Ok(workers @ 1..=64) => parent(workers),
            _ => usage(),
        },
        _ => usage(),
    }
}

/// What one worker process reported.
struct Report {
    primes: usize,
    memory_kib: u64,
}

/// Start `--worker from to`, read its one line, wait for its exit.
async fn worker(from: u64, to: u64) -> std::io::Result<Report> {
    let program = std::env::current_exe()?;
    let mut child = Command::new(program)
        .args(["--worker", &from.to_string(), &to.to_string()])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut line = Vec::new();
    child.stdout.take().expect("piped").read_to_end(&mut line).await?;
    let status = child.wait().await?;
    let line = String::from_utf8_lossy(&line);
    let mut fields = line.split_whitespace().map(str::parse::<u64>);
    match (status.success(), fields.next(), fields.next()) {
        (true, Some(Ok(primes)), Some(Ok(memory_kib))) => Ok(Report {
            primes: primes as usize,
            memory_kib,
        }),
        _ => Err(std::io::Error::other(format!(
            "worker {from}..{to} failed ({status}): {line:?}"
        ))),
    }
}

fn parent(workers: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let spans: Vec<(u64, u64)> = (0..workers as u64)
        .map(|i| (BASE + i * WIDTH, BASE + (i + 1) * WIDTH))
        .collect();
    println!("Counting primes in {workers} ranges of {WIDTH} numbers, on a machine with {cores} cores.\n");
    let runtime = runloop::Runtime::new().expect("a runtime");

    // What a process costs before it does anything: start an empty one.
    let start = Instant::now();
    let empty = runtime.block_on(worker(0, 0));
    let process_start = start.elapsed();
    let empty = match empty {
        Ok(report) => report,
        Err(error) => {
            eprintln!("processes: cannot start a worker: {error}");
            std::process::exit(1);
        }
    };

    let start = Instant::now();
    let reports = runtime.block_on(async {
        let children = spans.iter().map(|&(from, to)| runloop::spawn(worker(from, to)));
        runloop::join_all(children).await
    });
    let process_time = start.elapsed();
    let mut by_process = 0;
    let mut memory = 0;
    for report in reports {
        match report.expect("the task ran") {
            Ok(report) => {
                by_process += report.primes;
                memory = memory.max(report.memory_kib);
            }
            Err(error) => {
                eprintln!("processes: {error}");
                std::process::exit(1);
            }
        }
    }

    let start = Instant::now();
    let by_thread: usize = runtime.block_on(async {
        let jobs = spans
            .iter()
            .map(|&(from, to)| runloop::spawn_blocking(move || count_primes(from, to)));
        runloop::join_all(jobs).await.into_iter().map(Result::unwrap).sum()
    });
    let thread_time = start.elapsed();

    let start = Instant::now();
    let inline: usize = spans.iter().map(|&(from, to)| count_primes(from, to)).sum();
    let inline_time = start.elapsed();
    if by_process != inline || by_thread != inline {
        eprintln!("processes: the counts disagree: {by_process} by process, {by_thread} by thread, {inline} inline");
        std::process::exit(1);
    }

    let speedup = |took: Duration| inline_time.as_secs_f64() / took.as_secs_f64();
    println!(
        "    one after another, inline:       {inline} primes in {:>5} ms",
        inline_time.as_millis()
    );
    println!(
        "    {workers} worker processes, one loop: {by_process} primes in {:>5} ms  (speedup {:.2}x)",
        process_time.as_millis(),
        speedup(process_time)
    );
    println!(
        "    spawn_blocking thread pool:      {by_thread} primes in {:>5} ms  (speedup {:.2}x)",
        thread_time.as_millis(),
        speedup(thread_time)
    );
    println!("\nWhat each costs:");
    println!(
        "    a process: {:.2} ms to start, run nothing and be reaped; {} KiB of its own memory at peak (worst worker {} KiB)",
        process_time_ms(process_start),
        empty.memory_kib,
        memory
    );
    let start = Instant::now();
    std::thread::spawn(|| ()).join().expect("an empty thread");
    println!(
        "    a thread:  {:.3} ms to start, run nothing and be joined; a stack in *our* address space",
        process_time_ms(start.elapsed())
    );
    println!("The parent read every worker's pipe and waited for every exit on one thread: the pipes and");
    println!("pidfds sat in epoll beside each other, like sockets. Speedups need free cores: with");
    println!("{cores} core(s) and other programs running, expect at most about {cores}x for either.");
}

fn process_time_ms(took: Duration) -> f64 {
    took.as_secs_f64() * 1000.0
}
