//! # The trace file: the same recording, for Perfetto and chrome://tracing
//!
//! The Chrome *trace event format* is a JSON object whose `traceEvents` list
//! holds events on numbered threads ("lanes"): complete events (`"ph":"X"`,
//! a start `ts` and a `dur`, both in microseconds), instant events
//! (`"ph":"i"`) and metadata that names each lane (`"ph":"M"`). Perfetto
//! (ui.perfetto.dev) and chrome://tracing open it and let you zoom into
//! every poll.
//!
//! We write one lane per task (`poll` events, `wake` instants), one per
//! blocking-pool thread (`job` events), and one for the loop's waits
//! (`epoll_wait` events, `timers fired` instants). The lanes of one runtime
//! form one *lane group*: in the format's words a process, whose `pid` is
//! the runtime's number and whose name is its label. [`chrome_trace`]
//! writes a single recording as the group `runloop` (pid 1); the trace file
//! of a whole program puts every runtime's group side by side
//! (`trace_file.rs`).
//!
//! The JSON is written by hand — no serde here — so [`escape`] is the one
//! place where care is needed: lane names come from user code and may hold
//! quotes, backslashes or control characters.

use super::recorder::{LaneKind, Recording};
use std::fmt::Write;
use std::time::Duration;

/// Writes `recording` as a Chrome trace event JSON document, its lanes in
/// one group named `runloop`.
pub fn chrome_trace(recording: &Recording) -> String {
    document(&[lane_group(recording, 1, "runloop", Duration::ZERO)])
}

/// Wraps lane groups (each from [`lane_group`]) into one JSON document.
pub(crate) fn document(groups: &[String]) -> String {
    let mut json = String::from("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    json.push_str(&groups.join(",\n"));
    json.push_str("\n]}\n");
    json
}

/// The events of one recording, as the lane group `pid` named `name`, with
/// every time moved `offset` later (to put runtimes built at different
/// moments on one time axis). A comma-separated list of JSON objects.
pub(crate) fn lane_group(recording: &Recording, pid: u64, name: &str, offset: Duration) -> String {
    let mut events: Vec<String> = vec![
        metadata("process_name", pid, 0, &format!(r#""name":"{}""#, escape(name))),
        metadata("process_sort_index", pid, 0, &format!(r#""sort_index":{pid}"#)),
    ];
    for (index, lane) in recording.lanes.iter().enumerate() {
        // Thread ids unique across groups: some viewers tie a tid to the
        // first process they see it in.
        let tid = pid * LANES_PER_GROUP + index as u64 + 1;
        events.push(metadata(
            "thread_name",
            pid,
            tid,
            &format!(r#""name":"{}""#, escape(&lane.name)),
        ));
        events.push(metadata(
            "thread_sort_index",
            pid,
            tid,
            &format!(r#""sort_index":{}"#, index + 1),
        ));
        let (span_name, mark_name) = match lane.kind {
            LaneKind::Task => ("poll", "wake"),
            LaneKind::PoolThread => ("job", "mark"),
            LaneKind::Poller => ("epoll_wait", "timers fired"),
        };
        for &(start, end) in &lane.busy {
            events.push(format!(
                r#"{{"name":"{span_name}","ph":"X","pid":{pid},"tid":{tid},"ts":{},"dur":{}}}"#,
                micros(offset + start),
                micros(end.saturating_sub(start))
            ));
        }
        for &at in &lane.marks {
            events.push(format!(
                r#"{{"name":"{mark_name}","ph":"i","s":"t","pid":{pid},"tid":{tid},"ts":{}}}"#,
                micros(offset + at)
            ));
        }
    }
    events.join(",\n")
}

/// Room for lanes in one group's range of thread ids.
const LANES_PER_GROUP: u64 = 1_000_000;

fn metadata(name: &str, pid: u64, tid: u64, args: &str) -> String {
    format!(r#"{{"name":"{name}","ph":"M","pid":{pid},"tid":{tid},"args":{{{args}}}}}"#)
}

/// Microseconds with nanosecond precision, as the format expects.
fn micros(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    format!("{}.{:03}", nanos / 1_000, nanos % 1_000)
}

/// Escapes `text` for use inside a JSON string (RFC 8259 §7): quote,
/// backslash and every control character; the rest is valid UTF-8 already.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if ch < ' ' => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            ch => out.push(ch),
        }
    }
    out
}
