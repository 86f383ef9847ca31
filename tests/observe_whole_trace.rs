//! One trace for the whole program: every runtime that traces to a path
//! ends up in the file, each as its own lane group named by its label, the
//! file valid after every drop; a path that cannot be written is said on
//! stderr.
mod common;
mod observe_support;

use common::with_deadline;
use observe_support::run_child;
use runloop::{Builder, TaskBuilder};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("runloop-{name}-{}.json", std::process::id()))
}

/// One runtime's lanes in a trace file.
#[derive(Debug, Default)]
struct Group {
    name: String,
    lanes: Vec<String>,
    /// The earliest start and the latest end of its spans, in µs.
    first: f64,
    last: f64,
}

/// The lane groups of a trace file, by pid.
fn groups(path: &Path) -> BTreeMap<u64, Group> {
    let text = std::fs::read_to_string(path).expect("the trace file was written");
    let json: Value = serde_json::from_str(&text).expect("the trace is valid JSON");
    let mut groups: BTreeMap<u64, Group> = BTreeMap::new();
    for event in json["traceEvents"].as_array().unwrap() {
        let pid = event["pid"].as_u64().unwrap();
        let group = groups.entry(pid).or_insert_with(|| Group {
            first: f64::INFINITY,
            ..Group::default()
        });
        let name = event["args"]["name"].as_str().map(String::from);
        match (event["ph"].as_str(), event["name"].as_str(), name) {
            (Some("M"), Some("process_name"), Some(name)) => group.name = name,
            (Some("M"), Some("thread_name"), Some(name)) => group.lanes.push(name),
            (Some("X"), _, _) => {
                let start = event["ts"].as_f64().unwrap();
                group.first = group.first.min(start);
                group.last = group.last.max(start + event["dur"].as_f64().unwrap());
            }
            _ => {}
        }
    }
    groups
}

/// A traced runtime labelled `label` that runs one named task.
fn traced_run(path: &Path, label: &str) {
    let rt = Builder::new().label(label).trace(path).build().unwrap();
    rt.block_on(async {
        TaskBuilder::new()
            .name(format!("{label} task"))
            .spawn(runloop::time::sleep(Duration::from_millis(2)))
            .await
            .unwrap();
    });
}

#[test]
fn every_runtime_gets_its_own_lane_group_even_on_other_threads() {
    let path = temp_path("whole");
    let seen_after_first = with_deadline(LIMIT, {
        let path = path.clone();
        move || {
            traced_run(&path, "first");
            let after_first = groups(&path);
            let server = std::thread::spawn({
                let path = path.clone();
                move || traced_run(&path, "server")
            });
            traced_run(&path, "client");
            server.join().unwrap();
            after_first
        }
    });
    let all = groups(&path);
    std::fs::remove_file(&path).ok();
    assert_eq!(
        seen_after_first.len(),
        1,
        "the file is valid after each drop: {seen_after_first:?}"
    );
    assert_eq!(all.len(), 3, "{all:?}");
    let group = |label: &str| {
        all.values()
            .find(|group| group.name == label)
            .unwrap_or_else(|| panic!("no group {label}: {all:?}"))
    };
    for label in ["first", "server", "client"] {
        let lanes = &group(label).lanes;
        assert!(lanes.contains(&format!("#1 {label} task")), "{label}: {lanes:?}");
        assert!(
            lanes.contains(&"(loop waits in epoll)".to_string()),
            "{label}: {lanes:?}"
        );
    }
    // One time axis: `client` was built after `first` was dropped.
    assert!(group("client").first >= group("first").last, "{all:?}");
}

/// Run by `the_environment_variable_collects_every_runtime`.
#[test]
#[ignore = "runs in a child process"]
fn child_runs_two_runtimes() {
    for _ in 0..2 {
        runloop::run(runloop::time::sleep(Duration::from_millis(1)));
    }
}

#[test]
fn the_environment_variable_collects_every_runtime() {
    let path = temp_path("env");
    run_child("child_runs_two_runtimes", &[("RUNLOOP_TRACE", path.to_str().unwrap())]);
    let all = groups(&path);
    std::fs::remove_file(&path).ok();
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.values().all(|group| group.name.starts_with("rt")), "{all:?}");
}

#[test]
fn a_path_that_cannot_be_written_is_said_on_stderr() {
    let path = std::env::temp_dir()
        .join("runloop-no-such-directory")
        .join("trace.json");
    let output = run_child("child_runs_two_runtimes", &[("RUNLOOP_TRACE", path.to_str().unwrap())]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("could not write the trace to"))
        .collect();
    assert_eq!(said.len(), 1, "said once, not once per runtime:\n{stderr}");
    assert!(said[0].starts_with("runloop: rt"), "{stderr}");
    assert!(said[0].contains(&path.display().to_string()), "{stderr}");
}
