//! Labels tell runtimes apart: `rt1`, `rt2`… by default, or the builder's,
//! in log lines, the task dump, the printed timeline's heading and (see
//! `observe_whole_trace.rs`) the trace. Log lines print socket keys decoded,
//! and the timeline legend states the real width of a column.
mod common;
mod observe_support;

use common::with_deadline;
use observe_support::{keep_logs, logged, run_child};
use runloop::observe::{Lane, LaneKind, Recording, Timeline};
use runloop::{Builder, Runtime};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn number(label: &str) -> u64 {
    label
        .strip_prefix("rt")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{label}"))
}

#[test]
fn default_labels_count_the_runtimes_of_the_process() {
    let first = Runtime::new().unwrap();
    let second = Runtime::new().unwrap();
    assert!(
        number(second.label()) > number(first.label()),
        "{} {}",
        first.label(),
        second.label()
    );
    let chosen = Builder::new().label("server").build().unwrap();
    assert_eq!(chosen.label(), "server");
    let third = Runtime::new().unwrap();
    assert!(
        number(third.label()) > number(second.label()) + 1,
        "a labelled runtime takes a number too"
    );
}

#[test]
fn log_lines_carry_the_label_and_decoded_socket_keys() {
    keep_logs();
    with_deadline(LIMIT, || {
        let rt = Builder::new().label("logged").build().unwrap();
        rt.block_on(async {
            let listener = runloop::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            runloop::spawn(async {}).await.unwrap();
            drop(listener);
        });
    });
    let lines = logged("logged: ");
    let has = |needle: &str| lines.iter().any(|line| line.contains(needle));
    assert!(has("runloop::runtime: logged: runtime built"), "{lines:#?}");
    assert!(has("runloop::runtime: logged: spawned task #1"), "{lines:#?}");
    assert!(has("runloop::runtime: logged: poll main -> Pending"), "{lines:#?}");
    assert!(
        has("runloop::reactor: logged: registered socket slot 0 gen "),
        "{lines:#?}"
    );
    assert!(
        has("runloop::reactor: logged: deregistered socket slot 0 gen "),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|line| line.contains("Token(")), "{lines:#?}");
}

#[test]
fn the_legend_states_the_real_width_of_a_column() {
    // 13 ms over 10 columns: 1.3 ms each, not "1ms".
    let recording = Recording {
        lanes: vec![Lane {
            name: "main".to_string(),
            kind: LaneKind::Task,
            born: Duration::ZERO,
            died: None,
            busy: vec![(Duration::ZERO, Duration::from_millis(13))],
            marks: Vec::new(),
        }],
        end: Duration::from_millis(13),
        truncated: false,
    };
    let picture = Timeline::new(recording).render(10);
    assert!(picture.contains("one column = 1.3ms;"), "{picture}");
}

/// Run by `the_printed_timeline_is_titled_with_the_label`.
#[test]
#[ignore = "runs in a child process"]
fn child_runs_a_labelled_runtime() {
    let rt = Builder::new().label("titled").build().unwrap();
    rt.block_on(runloop::time::sleep(Duration::from_millis(2)));
}

#[test]
fn the_printed_timeline_is_titled_with_the_label() {
    let output = run_child("child_runs_a_labelled_runtime", &[("RUNLOOP_TIMELINE", "1")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("runloop timeline of titled (RUNLOOP_TIMELINE):\n"),
        "{stderr}"
    );
}
