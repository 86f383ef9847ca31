//! # Stepping through the loop: the inspect mode
//!
//! `EventLoop::run_once` is short, but a real program turns it thousands of
//! times a second, and what a turn *did* is invisible. asyncio's debug mode
//! (`loop.set_debug(True)`, `PYTHONASYNCIODEBUG=1`) logs slow callbacks and
//! unawaited coroutines; it never shows the turn itself. The inspect mode
//! does: [`Builder::inspect`](crate::Builder::inspect) or
//! `RUNLOOP_INSPECT=1` prints, for each turn,
//!
//! ```text
//! ── tour, turn 2 ──
//!   queue    #1 short
//!   poll     #1 short → Returned (2.1µs)
//!     wake   main (by #1 short)
//!   poll     main → Pending (3.33µs)
//!   timers   1 pending: in 4.83ms → #2 long
//!   sockets  none
//!   epoll    wait at most 4.83ms
//!   returned after 5.12ms: 0 I/O events, 1 timer fired
//!     wake   #2 long (by the reactor: I/O or a timer)
//! ```
//!
//! — the run queue as the turn begins (ids and names, in the order they
//! were queued: the FIFO policy's order), each poll with its outcome and
//! duration, whom each poll woke (the [`Cause`]), the pending timers and
//! registered sockets with whoever waits on them (worded by `view.rs`), the
//! timeout handed to epoll, and what came back.
//!
//! For long runs, [`Builder::inspect_turns`](crate::Builder::inspect_turns)
//! or `RUNLOOP_INSPECT=20` prints the first 20 turns in which something
//! happened (a task spawned, woken or polled), skips the quiet ones
//! (nothing to poll, and a wait that woke nobody), then prints the task
//! dump and stops. Each turn is capped too: past 24 polls, or 8 ids in a
//! list, the rest is counted, not shown. In both forms, a runtime dropped
//! with tasks alive lists them: they go without another poll.
//!
//! How it keeps the loop honest:
//! - The run queue is not read from the scheduler (the `Schedule` trait
//!   has no way to list it); it is mirrored from what the observer sees:
//!   spawns and wakes push, polls pop. A task that finished in a poll and
//!   was woken in that same poll leaves a stale id in the real queue, which
//!   the loop will pop and skip; its wake line says so.
//! - Output is written in at most two pieces per turn — just before the
//!   wait, so a loop asleep forever shows what it waits for, and after the
//!   turn. If another runtime's inspector wrote in between (runtimes on
//!   other threads), the second piece repeats the turn's header. The
//!   bounded form holds back a turn in which nothing has happened yet,
//!   until its wait tells whether anything will.
//! - It costs nothing when off: the observer calls it only from its slow
//!   paths, behind the `watching` flag.

use super::config::InspectTurns;
use super::hooks::WaitReport;
use super::label::Label;
use super::task_dump::{self, TaskRecords};
use super::timeline::human;
use super::view::{self, LoopView};
use crate::scheduler::{Cause, TaskId};
use crate::task::PollOutcome;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Ids shown in one list (queue, wakes) before the rest are counted.
const IDS_SHOWN: usize = 8;
/// Polls shown in one turn before the rest are counted.
const POLLS_SHOWN: usize = 24;

/// The number of the runtime whose inspector wrote last, process-wide: a
/// turn written in two pieces repeats its header if someone came between.
static LAST_WRITER: AtomicU64 = AtomicU64::new(0);

/// The inspect mode's state; see the module notes.
pub(crate) struct Inspector {
    label: Label,
    out: Box<dyn Write>,
    turns: InspectTurns,
    /// Turns begun.
    turn: u64,
    in_turn: bool,
    /// Lines not yet written.
    text: String,
    /// Part of the current turn was already written.
    head_written: bool,
    /// A task was spawned, woken or polled in the current turn.
    eventful: bool,
    polls_this_turn: usize,
    /// Inside a poll (of `polled`): spawns nest under it.
    polling: bool,
    polled: TaskId,
    /// Where the poll in progress goes in `text`: its line is written when
    /// the outcome is known, above the spawns it made.
    poll_line_at: usize,
    /// Bounded form: turns printed, quiet turns skipped since the last one,
    /// and whether the window is over.
    printed: usize,
    quiet: usize,
    closed: bool,
    /// The run queue, mirrored; see the module notes.
    queue: Vec<TaskId>,
    /// Tasks that finished in this turn, with how to name them (the
    /// observer forgets a task's name once it ends): a wake for them is
    /// stale.
    finished: Vec<(TaskId, String)>,
}

impl Inspector {
    pub(crate) fn new(label: Label, turns: InspectTurns, out: Box<dyn Write>) -> Inspector {
        Inspector {
            label,
            out,
            turns,
            turn: 0,
            in_turn: false,
            text: String::new(),
            head_written: false,
            eventful: false,
            polls_this_turn: 0,
            polling: false,
            polled: TaskId::from_parts(0, 0),
            poll_line_at: 0,
            printed: 0,
            quiet: 0,
            closed: false,
            queue: Vec::new(),
            finished: Vec::new(),
        }
    }

    /// Lines for the current turn are kept unless the window is over, or
    /// the turn has already shown as many polls as it may.
    fn showing(&self) -> bool {
        !self.closed && (!self.polling || self.polls_this_turn <= POLLS_SHOWN)
    }

    pub(crate) fn turn_starting(&mut self, records: &TaskRecords, view: &dyn LoopView) {
        self.end_turn(records, view);
        if self.closed {
            return;
        }
        self.turn += 1;
        self.in_turn = true;
        self.eventful = false;
        self.head_written = false;
        self.polls_this_turn = 0;
        self.finished.clear();
        let mut head = format!("── {}, turn {} ──", self.label.name, self.turn);
        if self.quiet > 0 {
            let _ = write!(head, " ({} quiet turn{} skipped)", self.quiet, plural(self.quiet));
        }
        head.push('\n');
        // Lines from between turns (a spawn from outside the loop, a wake
        // from another thread) come after the header.
        self.text.insert_str(0, &head);
        let queue = match self.queue.is_empty() {
            true => "empty".to_string(),
            false => self.list(&self.queue, records),
        };
        let _ = writeln!(self.text, "  queue    {queue}");
    }

    pub(crate) fn spawned(&mut self, id: TaskId, records: &TaskRecords) {
        if self.closed {
            return;
        }
        self.queue.push(id);
        self.eventful = true;
        if self.showing() {
            let (indent, outside) = match (self.polling, self.in_turn) {
                (true, _) => ("    spawn  ", ""),
                (false, true) => ("  spawn    ", ""),
                (false, false) => ("  spawn    ", " (from outside the loop)"),
            };
            let _ = writeln!(self.text, "{indent}{}{outside}", records.describe(id));
        }
    }

    pub(crate) fn main_queued(&mut self, id: TaskId) {
        if self.closed {
            return;
        }
        // An earlier `block_on`'s future is gone; its stale ids with it.
        self.queue.retain(|queued| !queued.is_main());
        self.queue.push(id);
    }

    pub(crate) fn woken(&mut self, ids: &[TaskId], cause: Cause, records: &TaskRecords) {
        if self.closed {
            return;
        }
        self.eventful = true;
        let (stale, live): (Vec<TaskId>, Vec<TaskId>) = ids
            .iter()
            .partition(|&&id| self.finished.iter().any(|(done, _)| *done == id));
        self.queue.extend(&live);
        // Wakes made by a poll that was not shown are not shown either.
        let of_hidden_poll = matches!(cause, Cause::WokenBy(_)) && self.polls_this_turn > POLLS_SHOWN;
        if of_hidden_poll {
            return;
        }
        let why = match cause {
            Cause::WokenBy(by) if ids == [by] => "by itself".to_string(),
            Cause::WokenBy(by) => format!("by {}", self.describe(by, records)),
            Cause::Reactor => "by the reactor: I/O or a timer".to_string(),
            Cause::Remote => "from another thread".to_string(),
            Cause::Spawned => "spawned".to_string(),
        };
        if !live.is_empty() {
            let line = format!("    wake   {} ({why})\n", self.list(&live, records));
            self.text.push_str(&line);
        }
        if !stale.is_empty() {
            let line = format!(
                "    wake   {} ({why}; already finished: the loop will skip the id)\n",
                self.list(&stale, records)
            );
            self.text.push_str(&line);
        }
    }

    pub(crate) fn poll_started(&mut self, id: TaskId) {
        if self.closed {
            return;
        }
        if let Some(at) = self.queue.iter().position(|&queued| queued == id) {
            self.queue.remove(at);
        }
        self.polls_this_turn += 1;
        self.polling = true;
        self.polled = id;
        self.poll_line_at = self.text.len();
    }

    pub(crate) fn poll_finished(
        &mut self,
        id: TaskId,
        outcome: PollOutcome,
        took: Option<Duration>,
        slow: bool,
        records: &TaskRecords,
    ) {
        if self.closed {
            return;
        }
        self.eventful = true;
        if outcome.is_done() {
            self.finished.push((id, records.describe(id)));
            self.queue.retain(|&queued| queued != id);
        }
        if self.showing() {
            let took = took.map(|took| format!(" ({})", human(took))).unwrap_or_default();
            let slow = if slow { " — slow: it blocked the loop" } else { "" };
            let line = format!("  poll     {} → {outcome:?}{took}{slow}\n", self.describe(id, records));
            self.text.insert_str(self.poll_line_at.min(self.text.len()), &line);
        }
        self.polling = false;
    }

    pub(crate) fn wait_starting(&mut self, timeout: Option<Duration>, records: &TaskRecords, view: &dyn LoopView) {
        if self.closed {
            return;
        }
        if self.polls_this_turn > POLLS_SHOWN {
            let hidden = self.polls_this_turn - POLLS_SHOWN;
            let _ = writeln!(self.text, "  …        {hidden} more poll{} not shown", plural(hidden));
        }
        self.text.push_str(&view::describe_waits(view, records));
        let epoll = match timeout {
            None => "wait until something happens (no timer pending)".to_string(),
            Some(timeout) if timeout.is_zero() => "look without waiting (tasks are ready)".to_string(),
            Some(timeout) => format!("wait at most {}", human(timeout)),
        };
        let _ = writeln!(self.text, "  epoll    {epoll}");
        if self.turns == InspectTurns::Every || self.eventful {
            self.flush(false);
            self.head_written = true;
        }
    }

    pub(crate) fn wait_ended(&mut self, report: &WaitReport) {
        if self.closed {
            return;
        }
        let _ = writeln!(
            self.text,
            "  returned after {}: {} I/O event{}, {} timer{} fired{}",
            human(report.waited),
            report.io_events,
            plural(report.io_events),
            report.timers_fired,
            plural(report.timers_fired),
            if report.doorbell { ", doorbell rang" } else { "" }
        );
    }

    /// `block_on` returned (or unwound): the turn in progress is over.
    pub(crate) fn loop_stopped(&mut self, records: &TaskRecords, view: &dyn LoopView) {
        let unwound = self.polling && !self.closed;
        if unwound {
            // The future given to `block_on` panicked: its poll never
            // finished, and the panic is on its way out of `block_on`.
            let line = format!("  poll     {} → panicked\n", records.describe(self.polled));
            self.text.insert_str(self.poll_line_at.min(self.text.len()), &line);
            self.polling = false;
        }
        self.end_turn(records, view);
        if !self.closed {
            let how = if unwound { "unwound" } else { "returned" };
            let line = format!("── {}: block_on {how} in turn {} ──\n", self.label.name, self.turn);
            self.text.push_str(&line);
            self.flush(false);
        }
    }

    /// The runtime is being dropped: say which tasks go without another poll.
    pub(crate) fn shutting_down(&mut self, records: &TaskRecords, view: &dyn LoopView) {
        self.end_turn(records, view);
        if self.closed {
            return;
        }
        let dump = task_dump::collect(&self.label.name, records, view, true);
        if !dump.is_empty() {
            let _ = writeln!(
                self.text,
                "── {}: dropped with live tasks; they are dropped without another poll ──\n{}",
                self.label.name,
                indent(&dump.to_string())
            );
        }
        self.flush(false);
    }

    /// Writes the turn in progress, or skips it if the bounded form says
    /// so; closes the window once it has shown its turns.
    fn end_turn(&mut self, records: &TaskRecords, view: &dyn LoopView) {
        if !self.in_turn {
            return;
        }
        self.in_turn = false;
        let InspectTurns::First(limit) = self.turns else {
            self.flush(self.head_written);
            return;
        };
        if !self.eventful {
            self.quiet += 1;
            self.text.clear();
            return;
        }
        self.flush(self.head_written);
        self.printed += 1;
        self.quiet = 0;
        if self.printed >= limit {
            let dump = task_dump::collect(&self.label.name, records, view, true);
            let _ = writeln!(
                self.text,
                "── {}: {limit} turns shown; inspect stops here. Live tasks now: ──\n{}",
                self.label.name,
                indent(&dump.to_string())
            );
            self.flush(false);
            // From here on every event returns at once; nothing is kept.
            self.closed = true;
            self.queue = Vec::new();
            self.finished = Vec::new();
        }
    }

    /// `#3 name`, `#3` or `main`, for a live task or one that just ended.
    fn describe(&self, id: TaskId, records: &TaskRecords) -> String {
        match self.finished.iter().find(|(done, _)| *done == id) {
            Some((_, described)) => described.clone(),
            None => records.describe(id),
        }
    }

    /// `#1 short, #2, main`: the first few of `ids`, the rest counted.
    fn list(&self, ids: &[TaskId], records: &TaskRecords) -> String {
        let mut text: Vec<String> = ids
            .iter()
            .take(IDS_SHOWN)
            .map(|&id| self.describe(id, records))
            .collect();
        if ids.len() > IDS_SHOWN {
            text.push(format!("… and {} more", ids.len() - IDS_SHOWN));
        }
        text.join(", ")
    }

    /// Writes what is pending in one piece. `continued`: the turn's head
    /// was written already, so repeat it if another runtime wrote since.
    fn flush(&mut self, continued: bool) {
        if self.text.is_empty() {
            return;
        }
        let number = self.label.number;
        if continued && LAST_WRITER.load(Ordering::Relaxed) != number {
            let head = format!("── {}, turn {}, continued ──\n", self.label.name, self.turn);
            self.text.insert_str(0, &head);
        }
        // Inspection must never break the program: a failed write is lost.
        let _ = self.out.write_all(self.text.as_bytes());
        let _ = self.out.flush();
        LAST_WRITER.store(number, Ordering::Relaxed);
        self.text.clear();
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
