//! The task dump (asyncio's `all_tasks()`): every live task in spawn order,
//! with its name and a state that is right — running for the task that
//! asks, queued for a woken one, waiting otherwise — and, while the
//! runtime watches itself, exact poll counts and ages that grow.
mod common;
mod observe_support;

use common::with_deadline;
use runloop::observe::{TaskInfo, TaskState};
use runloop::{Builder, Runtime, TaskBuilder};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// A runtime that watches itself without printing anything.
fn watched() -> Runtime {
    Builder::new()
        .label("dump")
        .inspect_to(std::io::sink())
        .build()
        .unwrap()
}

fn row<'a>(tasks: &'a [TaskInfo], name: &str) -> &'a TaskInfo {
    tasks
        .iter()
        .find(|task| task.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no task named {name} in {tasks:?}"))
}

#[test]
fn states_are_running_queued_and_waiting() {
    with_deadline(LIMIT, || {
        let rt = watched();
        let parked = TaskBuilder::new()
            .name("parked")
            .spawn_on(&rt, std::future::pending::<()>());
        let dump = rt.block_on(async {
            runloop::yield_now().await; // let `parked` park
            // FIFO: `asker` runs first, while `fresh` is still queued.
            let asker = TaskBuilder::new()
                .name("asker")
                .spawn(async { runloop::runtime::tasks() });
            let fresh = TaskBuilder::new().name("fresh").spawn(async {});
            let dump = asker.await.unwrap();
            fresh.await.unwrap();
            dump
        });
        let tasks = dump.tasks();
        assert_eq!(row(tasks, "parked").state, TaskState::Waiting);
        assert_eq!(row(tasks, "asker").state, TaskState::Running);
        assert_eq!(row(tasks, "fresh").state, TaskState::Queued);
        let names: Vec<_> = tasks.iter().map(|task| task.name.as_deref().unwrap()).collect();
        assert_eq!(names, ["parked", "asker", "fresh"], "spawn order");
        assert_eq!(dump.label(), "dump");
        parked.abort();
        rt.block_on(async { assert!(parked.await.unwrap_err().is_cancelled()) });
        assert!(rt.tasks().is_empty(), "a cancelled task is gone: {}", rt.tasks());
    });
}

#[test]
fn polls_are_counted_exactly_and_ages_grow_while_watched() {
    with_deadline(LIMIT, || {
        let rt = watched();
        let (release, released) = runloop::sync::oneshot::channel::<()>();
        let worker = TaskBuilder::new().name("worker").spawn_on(&rt, async move {
            for _ in 0..3 {
                runloop::yield_now().await;
            }
            released.await.unwrap();
        });
        let before = rt.tasks();
        assert_eq!(row(before.tasks(), "worker").polls, Some(0));
        assert_eq!(row(before.tasks(), "worker").state, TaskState::Queued);
        // Three yields, then a wait for `release`: four polls, parked.
        rt.block_on(async {
            for _ in 0..5 {
                runloop::yield_now().await;
            }
        });
        let after = rt.tasks();
        let worker_row = row(after.tasks(), "worker");
        assert_eq!(worker_row.polls, Some(4));
        assert_eq!(worker_row.state, TaskState::Waiting);
        std::thread::sleep(Duration::from_millis(20));
        let later = rt.tasks();
        let (age, older) = (worker_row.age.unwrap(), row(later.tasks(), "worker").age.unwrap());
        assert!(older >= age + Duration::from_millis(20), "{age:?} then {older:?}");
        release.send(()).unwrap();
        rt.block_on(worker).unwrap();
        assert!(rt.tasks().is_empty());
    });
}

#[test]
fn unwatched_runtimes_give_names_and_states_but_no_counts() {
    with_deadline(LIMIT, || {
        let rt = Runtime::new().unwrap();
        let _named = TaskBuilder::new()
            .name("named")
            .spawn_on(&rt, std::future::pending::<()>());
        let _anonymous = rt.spawn(std::future::pending::<()>());
        rt.block_on(runloop::yield_now());
        let dump = rt.tasks();
        let tasks = dump.tasks();
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].name.as_deref(), Some("named"));
        assert_eq!(tasks[1].name, None);
        for task in tasks {
            assert_eq!(task.state, TaskState::Waiting);
            assert_eq!(task.polls, None);
            assert_eq!(task.age, None);
        }
        assert!(dump.label().starts_with("rt"), "{}", dump.label());
    });
}

#[test]
fn the_dump_prints_as_a_table() {
    let text = with_deadline(LIMIT, || {
        let rt = watched();
        let _sleeper = TaskBuilder::new()
            .name("sleeper")
            .spawn_on(&rt, std::future::pending::<()>());
        let _other = rt.spawn(std::future::pending::<()>());
        rt.block_on(runloop::yield_now());
        rt.tasks().to_string()
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "dump: 2 live tasks", "{text}");
    let columns = |line: &str| line.split_whitespace().map(String::from).collect::<Vec<_>>();
    assert_eq!(columns(lines[1]), ["task", "name", "state", "polls", "age"], "{text}");
    let first = columns(lines[2]);
    assert_eq!(&first[..4], ["#1", "sleeper", "waiting", "1"], "{text}");
    let second = columns(lines[3]);
    assert_eq!(&second[..4], ["#2", "-", "waiting", "1"], "{text}");
    assert_eq!(lines.len(), 4, "{text}");
    let empty = Runtime::builder().label("none").build().unwrap().tasks().to_string();
    assert_eq!(empty, "none: 0 live tasks");
}

#[test]
fn the_inspect_mode_lists_the_tasks_dropped_with_the_runtime() {
    let text = with_deadline(LIMIT, || {
        let out = observe_support::Captured::default();
        let rt = Builder::new()
            .label("leftover")
            .inspect_to(out.clone())
            .build()
            .unwrap();
        let _left = TaskBuilder::new()
            .name("left behind")
            .spawn_on(&rt, std::future::pending::<()>());
        rt.block_on(runloop::yield_now());
        drop(rt);
        out.text()
    });
    let notice = text
        .split_once("── leftover: dropped with live tasks; they are dropped without another poll ──\n")
        .unwrap_or_else(|| panic!("{text}"))
        .1;
    assert!(notice.starts_with("  leftover: 1 live task\n"), "{text}");
    assert!(notice.contains("left behind"), "{text}");
}
