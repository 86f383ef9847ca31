//! # The timeline: the notes' lanes, drawn from real runs
//!
//! The study notes explain threads and coroutines with drawings like
//!
//! ```text
//! main thread  ------....---...---......----->
//! thread 1          ----.........---........>
//! ```
//!
//! where `-` is running and `.` is waiting. [`Timeline`] draws the same
//! picture from a [`Recording`]: one row per task, per blocking-pool thread,
//! and one for the loop's waits in the poller; time runs left to right,
//! scaled to the width you ask for.
//!
//! Each column stands for a slice of time. A lane shows `-` in a column when
//! it was busy for at least half of that slice, `.` when it was alive but
//! mostly not running, and a blank before it was born and after it ended.
//! The half rule is what makes coroutines on one loop look like what they
//! are: when three of them take turns, at most one can hold a column. The
//! legend states a column's real width to three digits (`1.33ms`): a
//! rounded width would misstate every reading of the picture.

use super::recorder::{LaneKind, Recording};
use std::fmt::{self, Write};
use std::time::Duration;

/// How many lanes a picture shows before it summarises the rest.
const MAX_LANES: usize = 40;
/// How wide the name column may grow.
const MAX_NAME: usize = 28;

/// A picture of a [`Recording`]. `Display` draws it 64 columns wide;
/// [`Timeline::render`] takes a width.
#[derive(Clone, Debug)]
pub struct Timeline {
    recording: Recording,
}

impl Timeline {
    /// A picture of `recording`.
    pub fn new(recording: Recording) -> Timeline {
        Timeline { recording }
    }

    /// The recording behind the picture.
    pub fn recording(&self) -> &Recording {
        &self.recording
    }

    /// Draws the picture with `width` columns of time (at least 10).
    pub fn render(&self, width: usize) -> String {
        let width = width.max(10);
        let recording = &self.recording;
        let span = recording.end;
        if span.is_zero() || recording.lanes.is_empty() {
            return "(nothing recorded)\n".to_string();
        }
        let column = span / width as u32;
        let names: Vec<String> = recording.lanes.iter().map(|lane| shorten(&lane.name)).collect();
        let name_width = names
            .iter()
            .take(MAX_LANES)
            .map(|name| name.chars().count())
            .max()
            .unwrap_or(0);

        let mut out = String::new();
        out.push_str(&axis(name_width, width, column));
        for (lane, name) in recording.lanes.iter().zip(&names).take(MAX_LANES) {
            let _ = write!(out, "{name:<name_width$}  ");
            let mut busy = lane.busy.iter().peekable();
            for index in 0..width as u32 {
                let (from, to) = (column * index, column * (index + 1));
                let alive = lane.born < to && lane.died.is_none_or(|died| died > from);
                // Intervals ending before this column can no longer matter.
                while busy.peek().is_some_and(|&&(_, end)| end <= from) {
                    busy.next();
                }
                let ran: Duration = busy
                    .clone()
                    .take_while(|&&(start, _)| start < to)
                    .map(|&(start, end)| end.min(to).saturating_sub(start.max(from)))
                    .sum();
                out.push(if !alive {
                    ' '
                } else if ran * 2 >= column {
                    '-'
                } else {
                    '.'
                });
            }
            out.truncate(out.trim_end().len());
            out.push('\n');
        }
        if recording.lanes.len() > MAX_LANES {
            let _ = writeln!(out, "… and {} more lanes", recording.lanes.len() - MAX_LANES);
        }
        let _ = writeln!(
            out,
            "{:name_width$}  '-' running  '.' alive, waiting  ' ' not alive  (epoll lane: '-' = asleep in the poller)",
            ""
        );
        let _ = writeln!(
            out,
            "{:name_width$}  one column = {}; '-' means running for at least half of it",
            "",
            human(column)
        );
        if recording.truncated {
            let _ = writeln!(out, "(the recording stopped early: too many events)");
        }
        if recording.lanes.iter().any(|lane| lane.kind == LaneKind::PoolThread) {
            let _ = writeln!(
                out,
                "{:name_width$}  pool threads are shown from their first job to their last",
                ""
            );
        }
        out
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(64))
    }
}

/// The time axis: a label every ten columns, and a tick under each.
fn axis(name_width: usize, width: usize, column: Duration) -> String {
    let mut labels = String::new();
    let mut ticks = String::new();
    for index in 0..width {
        if index % 10 == 0 {
            let label = human(column * index as u32);
            // Keep a label only if it fits before the next one.
            if labels.chars().count() <= index {
                labels.push_str(&" ".repeat(index - labels.chars().count()));
                labels.push_str(&label);
            }
            ticks.push('|');
        } else {
            ticks.push(' ');
        }
    }
    format!(
        "{:name_width$}  {labels}\n{:name_width$}  {}\n",
        "",
        "",
        ticks.trim_end()
    )
}

/// A duration in the unit that reads best, to three significant digits:
/// `1.33ms`, `50ms`, `250µs`, `12.5s`. The legend states the real width of
/// a column with it (rounding 1.33 ms down to "1ms" would misstate every
/// reading of the picture by a quarter); the inspect mode and the task dump
/// print their times with it too.
pub(crate) fn human(duration: Duration) -> String {
    let nanos = duration.as_nanos() as f64;
    if nanos == 0.0 {
        return "0".to_string();
    }
    let units = [(1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")];
    // The largest unit that leaves at least 1 (seconds for anything longer).
    let index = units.iter().rposition(|&(scale, _)| nanos >= scale).unwrap_or(0);
    let (mut scale, mut unit) = units[index];
    let mut digits = three_digits(nanos / scale);
    // 999.7µs rounds to "1000": say "1ms" instead.
    if digits == "1000" && index + 1 < units.len() {
        (scale, unit) = units[index + 1];
        digits = three_digits(nanos / scale);
    }
    format!("{digits}{unit}")
}

/// `value` with three significant digits (more before the point if it is
/// that large), trailing zeros dropped: 4.90 → "4.9", 5.00 → "5".
fn three_digits(value: f64) -> String {
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= MAX_NAME {
        return name.to_string();
    }
    let mut short: String = name.chars().take(MAX_NAME - 1).collect();
    short.push('…');
    short
}
