//! The notes' experiment at scale: fetch many URLs concurrently, at most
//! `limit` at a time, and give up on the rest at the first failure.
//!
//! ```text
//! cargo run --release --example crawler                     # 200 URLs, 10 at a time
//! cargo run --release --example crawler -- --urls 50 --limit 5
//! cargo run --release --example crawler -- --fail-at 120    # URL 120 answers 500
//! ```
//!
//! The asyncio program it ports:
//!
//! ```text
//! async def crawl(urls, limit):
//!     semaphore = asyncio.Semaphore(limit)
//!     async def fetch(session, url):
//!         async with semaphore:
//!             async with session.get(url) as response:
//!                 response.raise_for_status()
//!                 return await response.read()
//!     async with aiohttp.ClientSession() as session:
//!         async with asyncio.TaskGroup() as group:          # cancels the rest on failure
//!             tasks = [group.create_task(fetch(session, u)) for u in urls]
//!     return [t.result() for t in tasks]
//! ```
//!
//! No network: the URLs point at the local test site (`/delay/{ms}`), each
//! with a known delay, so the total can be checked against the theory:
//! with `limit` requests in flight at all times, the crawl takes about the
//! sum of the delays divided by `limit` (plus the longest single delay at
//! the end, when fewer than `limit` are left).

#[path = "support/local_server.rs"]
mod local_server;

use runloop::http::Client;
use runloop::sync::Semaphore;
use runloop::task::TaskGroup;
use std::cell::Cell;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: crawler [--urls N] [--limit K] [--fail-at I]
  --urls N     how many URLs to fetch (default 200, 1..=10000)
  --limit K    at most K requests in flight (default 10, at least 1)
  --fail-at I  make URL number I (0-based) answer 500, to watch the group cancel the rest";

struct Options {
    urls: usize,
    limit: usize,
    fail_at: Option<usize>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        urls: 200,
        limit: 10,
        fail_at: None,
    };
    while let Some(flag) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let value = args.next().ok_or(format!("{name} needs a number"))?;
            value.parse().map_err(|_| format!("{name}: not a number: {value:.40}"))
        };
        match flag.as_str() {
            "--urls" => options.urls = number("--urls")?,
            "--limit" => options.limit = number("--limit")?,
            "--fail-at" => options.fail_at = Some(number("--fail-at")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other:.40}")),
        }
    }
    if !(1..=10_000).contains(&options.urls) {
        return Err("--urls must be between 1 and 10000".into());
    }
    if options.limit == 0 {
        return Err("--limit must be at least 1".into());
    }
    if options.fail_at.is_some_and(|i| i >= options.urls) {
        return Err("--fail-at must name one of the URLs".into());
    }
    Ok(options)
}

/// The delay of URL `i`: 10 to 100 ms, spread so neighbours differ.
fn delay_ms(i: usize) -> u64 {
    10 + (i as u64 * 37) % 91
}

/// Counts finished fetches and prints a progress bar every tenth of the way.
struct Progress {
    total: usize,
    done: Cell<usize>,
    started: Instant,
}

impl Progress {
    fn one_more(&self) {
        let done = self.done.get() + 1;
        self.done.set(done);
        if done * 10 / self.total != (done - 1) * 10 / self.total || done == self.total {
            let bar = "#".repeat(done * 20 / self.total);
            println!(
                "  [{bar:<20}] {done:>5}/{} fetched after {:>5} ms",
                self.total,
                self.started.elapsed().as_millis()
            );
        }
    }
}

/// Counts the fetches dropped before they finished: their destructors run
/// when the group cancels them.
struct CancelledIfDropped<'a> {
    cancelled: &'a Cell<usize>,
    finished: bool,
}

impl Drop for CancelledIfDropped<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.cancelled.set(self.cancelled.get() + 1);
        }
    }
}

fn main() -> ExitCode {
    env_logger::init();
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("crawler: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let site = local_server::start();
    let urls: Vec<String> = (0..options.urls)
        .map(|i| match options.fail_at {
            Some(failing) if failing == i => site.url("/status/500"),
            _ => site.url(&format!("/delay/{}", delay_ms(i))),
        })
        .collect();
    let total_delay: u64 = (0..options.urls).map(delay_ms).sum();
    let theory = Duration::from_millis(total_delay / options.limit as u64);
    println!(
        "Crawling {} URLs on the local site, at most {} at a time (a Semaphore), in one TaskGroup.",
        options.urls, options.limit
    );
    println!(
        "The delays add up to {:.2?}; with {} in flight the theory says about {:.2?}.\n",
        Duration::from_millis(total_delay),
        options.limit,
        theory
    );

    let outcome = runloop::run(crawl(urls, options.limit));
    println!();
    match outcome {
        Ok(Crawl {
            bytes,
            elapsed,
            most_in_flight,
        }) => {
            println!(
                "All {} fetched ({bytes} bytes of bodies) in {elapsed:.2?}: {:.2}x the theory; never more than {most_in_flight} in flight.",
                options.urls,
                elapsed.as_secs_f64() / theory.as_secs_f64()
            );
            println!(
                "Sequentially it would have taken about {:.2?}: {:.1}x faster, on one thread.",
                Duration::from_millis(total_delay),
                total_delay as f64 / 1000.0 / elapsed.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(report) => {
            println!("The crawl failed: {report}");
            ExitCode::FAILURE
        }
    }
}

struct Crawl {
    bytes: usize,
    elapsed: Duration,
    most_in_flight: usize,
}

/// Fetches every URL through one client, `limit` at a time, in a task
/// group: the first failure cancels every fetch still waiting or running.
async fn crawl(urls: Vec<String>, limit: usize) -> Result<Crawl, String> {
    let client = Rc::new(Client::builder().max_connections_per_host(limit).build());
    let semaphore = Rc::new(Semaphore::new(limit));
    let progress = Rc::new(Progress {
        total: urls.len(),
        done: Cell::new(0),
        started: Instant::now(),
    });
    let (in_flight, most_in_flight) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let cancelled = Rc::new(Cell::new(0));
    let group = TaskGroup::new();
    for url in urls {
        let (client, semaphore, progress) = (client.clone(), semaphore.clone(), progress.clone());
        let (in_flight, most_in_flight, cancelled) = (in_flight.clone(), most_in_flight.clone(), cancelled.clone());
        group.spawn(async move {
            let mut guard = CancelledIfDropped {
                cancelled: &cancelled,
                finished: false,
            };
            let _permit = semaphore.acquire().await.map_err(|error| error.to_string())?;
            in_flight.set(in_flight.get() + 1);
            most_in_flight.set(most_in_flight.get().max(in_flight.get()));
            let response = client.get(&url).await;
            in_flight.set(in_flight.get() - 1);
            guard.finished = true;
            let response = response.map_err(|error| format!("{url}: {error}"))?;
            if response.status != 200 {
                return Err(format!("{url}: status {}", response.status));
            }
            progress.one_more();
            Ok(response.body.len())
        });
    }
    let results = group.join().await;
    let elapsed = progress.started.elapsed();
    match results {
        Ok(bodies) => Ok(Crawl {
            bytes: bodies.iter().sum(),
            elapsed,
            most_in_flight: most_in_flight.get(),
        }),
        Err(report) => Err(format!(
            "{report}\n  {} fetched before it, {} cancelled by the group (their destructors ran), after {elapsed:.2?}",
            progress.done.get(),
            cancelled.get()
        )),
    }
}
