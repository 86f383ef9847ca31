//! # runloop-bench: runloop beside tokio, smol and futures, in one run
//!
//! ```text
//! cargo run --release -p runloop-bench                 # every workload, a markdown table
//! cargo run --release -p runloop-bench -- --json       # the same as JSON
//! cargo run --release -p runloop-bench -- w3           # one workload (w4: both W4a and W4b)
//! cargo run --release -p runloop-bench -- --rounds 9   # more counted rounds (default 7)
//! ```
//!
//! Reading order: `harness.rs` (rounds, medians, ratios), `counting.rs`
//! (the allocator behind W8), `workloads/mod.rs` (how each runtime is set
//! up), then one file per workload. This file only parses arguments and
//! prints.
//!
//! Progress goes to stderr as it happens, the table (or JSON) to stdout at
//! the end, so `> results.md` keeps only the result.

mod counting;
mod harness;
mod workloads;

use harness::{Outcome, Unit};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const USAGE: &str = "usage: runloop-bench [--json] [--rounds N] [--quiet] [--runtime NAME]... [--url URL] [WORKLOAD...]
       runloop-bench --serve ADDR
  WORKLOAD   an id or its prefix, any case: w1 w2 w3 w4 (= w4a w4b) w5 w6 w7 w8 w9 w10
  --json     print JSON instead of a markdown table
  --rounds   counted rounds after the warm-up round (default 7, at least 1)
  --quiet    no progress lines on stderr
  --runtime  run only this runtime (repeatable); for profiling one of them,
             e.g. valgrind --tool=callgrind runloop-bench --rounds 1 --runtime runloop w2
  --url URL  W7's clients use the server at URL instead of starting one
  --serve ADDR  only serve W7's page on ADDR (e.g. 127.0.0.1:0), until killed";

struct Options {
    json: bool,
    rounds: usize,
    quiet: bool,
    runtimes: Vec<String>,
    filters: Vec<String>,
    serve: Option<String>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        json: false,
        rounds: 7,
        quiet: false,
        runtimes: Vec::new(),
        filters: Vec::new(),
        serve: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => options.json = true,
            "--quiet" => options.quiet = true,
            "--rounds" => {
                let n = args.next().ok_or("--rounds needs a number")?;
                options.rounds = n.parse().map_err(|_| format!("--rounds: not a number: {n}"))?;
                if options.rounds == 0 {
                    return Err("--rounds must be at least 1".into());
                }
            }
            "--runtime" => options.runtimes.push(args.next().ok_or("--runtime needs a name")?),
            "--url" => workloads::http::use_server(args.next().ok_or("--url needs a URL")?),
            "--serve" => options.serve = Some(args.next().ok_or("--serve needs an address")?),
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            filter => options.filters.push(filter.to_ascii_lowercase()),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(address) = options.serve {
        if let Err(error) = workloads::http::serve(&address) {
            eprintln!("--serve {address}: {error}");
        }
        return ExitCode::FAILURE; // serving ends only by being killed, or failing
    }
    let selected: Vec<_> = workloads::all()
        .into_iter()
        .filter(|w| options.filters.is_empty() || options.filters.iter().any(|f| selects(f, w.id)))
        .collect();
    if selected.is_empty() {
        eprintln!("no workload matches {:?}\n{USAGE}", options.filters);
        return ExitCode::from(2);
    }
    let machine = Machine::now();
    let outcomes: Vec<Outcome> = selected
        .iter()
        .map(|workload| {
            if !options.quiet {
                eprintln!("{}: {}", workload.id, workload.title);
            }
            harness::run(workload, options.rounds, !options.quiet, &options.runtimes)
        })
        .collect();
    let machine = Machine {
        load_after: load_average(),
        ..machine
    };
    if options.json {
        println!("{}", json(&outcomes, &machine, options.rounds));
    } else {
        print!("{}", markdown(&outcomes, &machine, options.rounds));
    }
    ExitCode::SUCCESS
}

/// Whether `filter` names workload `id`: the id itself or a prefix of it
/// that does not stop inside a number, so `w4` picks W4a and W4b but `w1`
/// picks W1 and not W10.
fn selects(filter: &str, id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    id.strip_prefix(filter)
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// Where the numbers come from: how many cores, and how busy the machine was.
struct Machine {
    cores: usize,
    load_before: String,
    load_after: String,
}

impl Machine {
    fn now() -> Machine {
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            load_before: load_average(),
            load_after: String::new(),
        }
    }
}

/// The 1, 5 and 15 minute load averages, as `uptime` shows them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn number(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Bytes => format!("{value:.1}"),
        Unit::Nanos if value >= 1000.0 => format!("{value:.0}"),
        Unit::Nanos => format!("{value:.1}"),
    }
}

fn markdown(outcomes: &[Outcome], machine: &Machine, rounds: usize) -> String {
    let mut out = format!(
        "{} cores; load average {} at the start, {} at the end; median of {rounds} interleaved rounds after 1 warm-up round.\n\n",
        machine.cores, machine.load_before, machine.load_after
    );
    out += "| workload | unit | runtime | median | min – max | runloop / peer | target |\n";
    out += "|---|---|---|---:|---:|---:|---|\n";
    for outcome in outcomes {
        for (i, row) in outcome.rows.iter().enumerate() {
            let (workload, unit) = if i == 0 {
                (format!("{} {}", outcome.id, outcome.title), outcome.unit.label())
            } else {
                (String::new(), "")
            };
            let (ratio, target) = match (row.runtime == "runloop", outcome.ratio(), outcome.peer()) {
                (true, Some(ratio), Some(peer)) => (
                    format!("{ratio:.2} (vs {})", peer.runtime),
                    format!(
                        "≤ {:.1} {}",
                        outcome.target.max_ratio,
                        if ratio <= outcome.target.max_ratio {
                            "met"
                        } else {
                            "**missed**"
                        }
                    ),
                ),
                _ => (String::new(), String::new()),
            };
            out += &format!(
                "| {workload} | {unit} | {} | {} | {} – {} | {ratio} | {target} |\n",
                row.runtime,
                number(row.median, outcome.unit),
                number(row.min, outcome.unit),
                number(row.max, outcome.unit),
            );
        }
    }
    out
}

fn json(outcomes: &[Outcome], machine: &Machine, rounds: usize) -> String {
    let workloads: Vec<_> = outcomes
        .iter()
        .map(|outcome| {
            serde_json::json!({
                "id": outcome.id,
                "title": outcome.title,
                "unit": outcome.unit.label(),
                "target": {
                    "max_ratio": outcome.target.max_ratio,
                    "against": outcome.target.against.unwrap_or("best peer"),
                },
                "peer": outcome.peer().map(|row| row.runtime),
                "ratio": outcome.ratio(),
                "met": outcome.target_met(),
                "runtimes": outcome.rows.iter().map(|row| serde_json::json!({
                    "runtime": row.runtime,
                    "median": row.median,
                    "min": row.min,
                    "max": row.max,
                    "samples": row.samples,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = serde_json::json!({
        "machine": {
            "cores": machine.cores,
            "load_average_before": machine.load_before,
            "load_average_after": machine.load_after,
        },
        "rounds": rounds,
        "warm_up_rounds": 1,
        "workloads": workloads,
    });
    serde_json::to_string_pretty(&document).expect("JSON")
}
