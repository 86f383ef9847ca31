//! # One trace file for the whole program
//!
//! `RUNLOOP_TRACE=trace.json` asks for a trace of the *program*, and a
//! program may build many runtimes: one per chapter of the tour, a server
//! runtime and a client runtime in `examples/fetch.rs`, some on other
//! threads. Each runtime records on its own and knows its recording only
//! when it is dropped. If each simply wrote the file then, every drop would
//! overwrite the one before, and the file would hold the last runtime only.
//!
//! So the recordings meet here, in one collector per process: every
//! runtime that traces to a path adds its lane group (`trace.rs`) to that
//! path's list when it is dropped, and the file is rewritten with every
//! group so far. Rewriting everything, rather than appending, keeps the
//! file valid JSON after every drop — the format has one closing bracket —
//! at the price of writing early groups again (a few megabytes at most:
//! each recording is capped by `MAX_EVENTS`). The file is therefore
//! complete once the last runtime is dropped; a runtime still alive (or
//! leaked) is not in it yet.
//!
//! Times: each recording counts from its own runtime's birth. To put them
//! on one axis, each group is moved by how long after the process's first
//! recording runtime its runtime was built (the *epoch*, noted when that
//! first runtime is built).
//!
//! Invariants: one lock guards the lists and the write, so two runtimes
//! dropped at once on two threads cannot lose each other's group; a path
//! that cannot be written is said on stderr (once per path, then through
//! `log` only), because a trace you asked for and silently did not get is
//! worse than a line of noise.

use super::label::Label;
use super::recorder::Recording;
use super::trace::{document, lane_group};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Instant;

const LOG: &str = "runloop::observe";

/// When the first recording runtime of the process was built.
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Every trace path of the process, with the groups written to it so far.
static FILES: Mutex<Vec<TraceFile>> = Mutex::new(Vec::new());

struct TraceFile {
    path: PathBuf,
    groups: Vec<String>,
    /// A failure to write it was already said on stderr.
    failure_reported: bool,
}

/// A recording runtime was built at `origin`: the first one sets the
/// process's time axis.
pub(crate) fn note_start(origin: Instant) {
    EPOCH.get_or_init(|| origin);
}

/// Adds a dropped runtime's recording to the trace at `path` and rewrites
/// the file with every runtime's lanes so far.
pub(crate) fn add(path: &Path, label: &Label, origin: Instant, recording: &Recording) {
    let epoch = *EPOCH.get_or_init(|| origin);
    // A runtime built on another thread a moment before the epoch was
    // noted starts at 0.
    let offset = origin.saturating_duration_since(epoch);
    let group = lane_group(recording, label.number, &label.name, offset);
    let mut files = FILES.lock().unwrap_or_else(PoisonError::into_inner);
    let index = match files.iter().position(|file| file.path == path) {
        Some(index) => index,
        None => {
            files.push(TraceFile {
                path: path.to_path_buf(),
                groups: Vec::new(),
                failure_reported: false,
            });
            files.len() - 1
        }
    };
    let file = &mut files[index];
    file.groups.push(group);
    match std::fs::write(path, document(&file.groups)) {
        Ok(()) => log::info!(
            target: LOG,
            "{}: trace written to {} ({} runtime{} in it)",
            label.name,
            path.display(),
            file.groups.len(),
            if file.groups.len() == 1 { "" } else { "s" }
        ),
        Err(error) => {
            let message = format!(
                "{}: could not write the trace to {}: {error}",
                label.name,
                path.display()
            );
            if !file.failure_reported {
                file.failure_reported = true;
                eprintln!("runloop: {message}");
            }
            log::error!(target: LOG, "{message}");
        }
    }
}
