//! # The harness: interleaved rounds, medians, one table
//!
//! A benchmark on a shared machine measures the machine as much as the
//! code. Other builds start and stop, the CPU changes speed, caches are
//! cold after a compile. Running all of runloop's rounds and then all of
//! tokio's would blame tokio for whatever the machine did in its half of
//! the minute. So the harness *interleaves*: one round runs every runtime
//! once (A B C), the next round runs them all again (A B C), and so on.
//! Whatever disturbs the machine tends to land on every runtime alike, and
//! the ratio between two runtimes is steadier than either time.
//!
//! Each runtime is one [`Case`]: a closure that does the workload once and
//! returns the cost of one operation (nanoseconds, or bytes for the memory
//! workload). A case owns its runtime for the whole workload, so the first
//! round warms it up (thread pools started, tables grown, code paged in)
//! and is not counted. The closures are built only when their workload
//! runs, so a filtered run starts no servers it does not need.
//!
//! From the counted rounds we keep the **median** (robust against the odd
//! round that met a compile) and the **min–max spread** (how noisy it was).
//! The ratio runloop / best peer compares medians: below 1 means runloop is
//! cheaper.
//!
//! What the harness refuses to do: it never lets a case decide how much work
//! counts as "one operation" at run time. Each workload file fixes the
//! counts once, in constants, and every runtime in it uses them.

use std::time::{Duration, Instant};

/// What a case's number means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Nanoseconds of wall time per operation.
    Nanos,
    /// Bytes per task (live heap, by the counting allocator).
    Bytes,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Nanos => "ns/op",
            Unit::Bytes => "B/task",
        }
    }
}

/// One runtime's way of doing a workload once.
pub struct Case {
    pub runtime: &'static str,
    /// Does the workload once; returns the cost per operation.
    pub run: Box<dyn FnMut() -> f64>,
}

impl Case {
    pub fn new(runtime: &'static str, run: impl FnMut() -> f64 + 'static) -> Case {
        Case {
            runtime,
            run: Box::new(run),
        }
    }
}

/// What runloop is measured against, and the ratio it should stay under.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// runloop's median divided by the peer's must be at most this.
    pub max_ratio: f64,
    /// The peer: `None` for the best (lowest median) one.
    pub against: Option<&'static str>,
}

/// A workload: an id to filter by, a title, and the cases to compare.
pub struct Workload {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: Unit,
    pub target: Target,
    pub cases: fn() -> Vec<Case>,
}

/// The numbers of one runtime in one workload.
#[derive(Debug, Clone)]
pub struct Row {
    pub runtime: &'static str,
    /// The counted rounds, in order.
    pub samples: Vec<f64>,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// The outcome of one workload.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: &'static str,
    pub title: &'static str,
    pub unit: Unit,
    pub target: Target,
    pub rows: Vec<Row>,
}

impl Outcome {
    /// The peer runloop is compared with: the named one, or the best.
    pub fn peer(&self) -> Option<&Row> {
        let peers = self.rows.iter().filter(|row| row.runtime != "runloop");
        match self.target.against {
            Some(name) => peers.into_iter().find(|row| row.runtime == name),
            None => peers.min_by(|a, b| a.median.total_cmp(&b.median)),
        }
    }

    /// runloop's median over the peer's.
    pub fn ratio(&self) -> Option<f64> {
        let runloop = self.rows.iter().find(|row| row.runtime == "runloop")?;
        Some(runloop.median / self.peer()?.median)
    }

    pub fn target_met(&self) -> Option<bool> {
        self.ratio().map(|ratio| ratio <= self.target.max_ratio)
    }
}

/// Runs `workload`: one warm-up round, then `rounds` counted ones, each
/// runtime once per round, in the same order every round. `only`, if not
/// empty, keeps just the runtimes it names (for a profiler).
pub fn run(workload: &Workload, rounds: usize, progress: bool, only: &[String]) -> Outcome {
    let mut cases = (workload.cases)();
    cases.retain(|case| only.is_empty() || only.iter().any(|name| name == case.runtime));
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for round in 0..=rounds {
        for (case, samples) in cases.iter_mut().zip(&mut samples) {
            let started = Instant::now();
            let value = (case.run)();
            if progress {
                let label = if round == 0 {
                    "warm-up".to_string()
                } else {
                    format!("round {round}")
                };
                eprintln!(
                    "  {} {label:>8} {:<16} {value:>12.1} {} ({:.2?})",
                    workload.id,
                    case.runtime,
                    workload.unit.label(),
                    started.elapsed()
                );
            }
            if round > 0 {
                samples.push(value);
            }
        }
    }
    let rows = cases
        .iter()
        .zip(samples)
        .map(|(case, samples)| Row {
            runtime: case.runtime,
            median: median(&samples),
            min: samples.iter().copied().fold(f64::INFINITY, f64::min),
            max: samples.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            samples,
        })
        .collect();
    Outcome {
        id: workload.id,
        title: workload.title,
        unit: workload.unit,
        target: workload.target,
        rows,
    }
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Nanoseconds per operation for `ops` operations that took `elapsed`.
pub fn per_op(elapsed: Duration, ops: u64) -> f64 {
    elapsed.as_nanos() as f64 / ops as f64
}

/// Splits `total` operations among `workers` as evenly as possible: the
/// first `total % workers` get one more. Used wherever a workload has a
/// concurrency level, so every runtime's workers do exactly the same work.
pub fn share(total: usize, workers: usize, worker: usize) -> usize {
    total / workers + usize::from(worker < total % workers)
}
