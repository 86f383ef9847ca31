//! # The task dump: who is alive, and what each is doing
//!
//! asyncio answers "what is my program doing?" with `asyncio.all_tasks()`:
//! every task not yet done, each printed with its name and state.
//! [`Runtime::tasks`](crate::Runtime::tasks) (and
//! [`runloop::runtime::tasks()`](crate::runtime::tasks) from inside the
//! loop) is the same: one [`TaskInfo`] per live task, in spawn order, with
//!
//! - its id and name ([`TaskBuilder::name`](crate::TaskBuilder::name));
//! - its [`TaskState`]: *running* (being polled right now: the task that
//!   asked, if a task asked), *queued* (woken and not yet polled: its
//!   `NOTIFIED` bit is set, `src/task/state.rs`), or *waiting* (some waker
//!   will queue it);
//! - how many times it was polled, and how long ago it was spawned.
//!
//! The state comes from the task table and the task's own bits, so it is
//! always there. Names cost memory only for tasks that have one. Poll
//! counts and ages cost a count per poll and a clock read per spawn, so,
//! as asyncio keeps a task's creation traceback only in debug mode, they
//! are kept only while the runtime watches itself (inspect mode, a
//! slow-poll threshold, a timeline or trace, or any hook); otherwise they
//! read `None` and print as `-`. [`TaskRecords`] is that memory.
//!
//! The future given to `block_on` is not a task (it lives on `block_on`'s
//! stack, not in the table), so it is not listed.

use super::view::LoopView;
use crate::scheduler::TaskId;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// What a live task is doing, as a [`TaskDump`] shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Being polled right now.
    Running,
    /// Woken: in the run queue, or on its way there.
    Queued,
    /// Waiting for a wake: a socket, a timer, a channel, another task.
    Waiting,
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TaskState::Running => "running",
            TaskState::Queued => "queued",
            TaskState::Waiting => "waiting",
        })
    }
}

/// One live task in a [`TaskDump`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskInfo {
    /// The task's id.
    pub id: TaskId,
    /// The name given to [`TaskBuilder::name`](crate::TaskBuilder::name).
    pub name: Option<String>,
    /// What it is doing.
    pub state: TaskState,
    /// Polls so far; `None` unless the runtime watches itself (see the
    /// module notes).
    pub polls: Option<u64>,
    /// Time since it was spawned; `None` unless the runtime watches itself.
    pub age: Option<Duration>,
}

/// The live tasks of one runtime, in spawn order: asyncio's `all_tasks()`.
/// `Display` prints them as a table:
///
/// ```text
/// rt1: 2 live tasks
///   task  name   state    polls  age
///   #1    short  waiting      1  5.2ms
///   #2    long   queued       1  5.2ms
/// ```
#[derive(Clone, Debug)]
pub struct TaskDump {
    label: String,
    tasks: Vec<TaskInfo>,
}

impl TaskDump {
    pub(crate) fn new(label: &str, tasks: Vec<TaskInfo>) -> TaskDump {
        TaskDump {
            label: label.to_string(),
            tasks,
        }
    }

    /// The tasks, in spawn order.
    pub fn tasks(&self) -> &[TaskInfo] {
        &self.tasks
    }

    /// How many tasks are alive.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task is alive.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The label of the runtime the tasks belong to.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl fmt::Display for TaskDump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.tasks.len();
        write!(
            f,
            "{}: {count} live task{}",
            self.label,
            if count == 1 { "" } else { "s" }
        )?;
        if count == 0 {
            return Ok(());
        }
        let known = |value: Option<String>| value.unwrap_or_else(|| "-".to_string());
        let rows: Vec<[String; 5]> = self
            .tasks
            .iter()
            .map(|task| {
                [
                    task.id.to_string(),
                    task.name.clone().unwrap_or_else(|| "-".to_string()),
                    task.state.to_string(),
                    known(task.polls.map(|polls| polls.to_string())),
                    known(task.age.map(super::timeline::human)),
                ]
            })
            .collect();
        let header = ["task", "name", "state", "polls", "age"];
        let width = |column: usize| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([header[column].len()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..5).map(width).collect();
        for row in std::iter::once(header.map(String::from)).chain(rows) {
            write!(
                f,
                "\n  {:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
            )?;
        }
        Ok(())
    }
}

/// What the observer remembers of a task: its name, if it has one, and,
/// while the runtime watches itself, its spawn time and poll count.
struct Record {
    name: Option<Rc<str>>,
    born: Option<Instant>,
    polls: u64,
}

/// The observer's memory of tasks, keyed by id; see the module notes for
/// what is kept when. Only the loop thread touches it.
#[derive(Default)]
pub(crate) struct TaskRecords {
    records: HashMap<TaskId, Record>,
}

impl TaskRecords {
    /// A task was spawned. `watching`: keep its spawn time and poll count.
    pub(crate) fn spawned(&mut self, id: TaskId, name: Option<&str>, watching: bool) {
        self.records.insert(
            id,
            Record {
                name: name.map(Rc::from),
                born: watching.then(Instant::now),
                polls: 0,
            },
        );
    }

    /// A task is being polled (called only while watching).
    pub(crate) fn polled(&mut self, id: TaskId) {
        if let Some(record) = self.records.get_mut(&id) {
            record.polls += 1;
        }
    }

    /// A task ended: forget it.
    pub(crate) fn finished(&mut self, id: TaskId) {
        if !self.records.is_empty() {
            self.records.remove(&id);
        }
    }

    /// The task's name, if it was given one.
    pub(crate) fn name(&self, id: TaskId) -> Option<&str> {
        self.records.get(&id)?.name.as_deref()
    }

    /// `#3 name`, `#3`, or `main`: how lines name a task.
    pub(crate) fn describe(&self, id: TaskId) -> String {
        match self.name(id) {
            Some(name) => format!("{id} {name}"),
            None => id.to_string(),
        }
    }

    /// A dump row for a live task whose state the table gave.
    pub(crate) fn info(&self, id: TaskId, state: TaskState, watching: bool, now: Instant) -> TaskInfo {
        let record = self.records.get(&id);
        TaskInfo {
            id,
            name: record.and_then(|record| record.name.as_deref()).map(String::from),
            state,
            polls: watching.then(|| record.map_or(0, |record| record.polls)),
            age: record
                .and_then(|record| record.born)
                .map(|born| now.saturating_duration_since(born)),
        }
    }
}

/// The dump of the live tasks `view` shows, with what `records` remembers.
pub(crate) fn collect(label: &str, records: &TaskRecords, view: &dyn LoopView, watching: bool) -> TaskDump {
    let now = Instant::now();
    let tasks = view
        .task_states()
        .into_iter()
        .map(|(id, state)| records.info(id, state, watching, now))
        .collect();
    TaskDump::new(label, tasks)
}
