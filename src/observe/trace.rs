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
//! (`epoll_wait` events, `timers fired` instants), all in one process.
//!
//! The JSON is written by hand — no serde here — so [`escape`] is the one
//! place where care is needed: lane names come from user code and may hold
//! quotes, backslashes or control characters.

use super::recorder::{LaneKind, Recording};
use std::fmt::Write;
use std::time::Duration;

/// Writes `recording` as a Chrome trace event JSON document.
pub fn chrome_trace(recording: &Recording) -> String {
    let mut events: Vec<String> = vec![metadata("process_name", 0, r#""name":"runloop""#)];
    for (index, lane) in recording.lanes.iter().enumerate() {
        let tid = index + 1;
        events.push(metadata(
            "thread_name",
            tid,
            &format!(r#""name":"{}""#, escape(&lane.name)),
        ));
        events.push(metadata("thread_sort_index", tid, &format!(r#""sort_index":{tid}"#)));
        let (span_name, mark_name) = match lane.kind {
            LaneKind::Task => ("poll", "wake"),
            LaneKind::PoolThread => ("job", "mark"),
            LaneKind::Poller => ("epoll_wait", "timers fired"),
        };
        for &(start, end) in &lane.busy {
            events.push(format!(
                r#"{{"name":"{span_name}","ph":"X","pid":1,"tid":{tid},"ts":{},"dur":{}}}"#,
                micros(start),
                micros(end.saturating_sub(start))
            ));
        }
        for &at in &lane.marks {
            events.push(format!(
                r#"{{"name":"{mark_name}","ph":"i","s":"t","pid":1,"tid":{tid},"ts":{}}}"#,
                micros(at)
            ));
        }
    }
    let mut json = String::from("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    json.push_str(&events.join(",\n"));
    json.push_str("\n]}\n");
    json
}

fn metadata(name: &str, tid: usize, args: &str) -> String {
    format!(r#"{{"name":"{name}","ph":"M","pid":1,"tid":{tid},"args":{{{args}}}}}"#)
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
