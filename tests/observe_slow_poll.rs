//! Slow-poll warnings (asyncio's `slow_callback_duration`): a poll that
//! blocks the loop past the threshold is named — runtime, task id and name,
//! seconds — through the `log` crate, or on stderr when no logger would
//! show it; nothing is said without a threshold.
mod common;
mod observe_support;

use common::with_deadline;
use observe_support::{Captured, keep_logs, logged, run_child};
use runloop::{Builder, TaskBuilder};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);
/// Blocks far longer than the threshold, so that a slow machine cannot
/// blur the difference.
const BLOCK: Duration = Duration::from_millis(200);
const THRESHOLD: Duration = Duration::from_millis(20);

/// The seconds a warning reports: `… took 0.201 seconds …`.
fn seconds(warning: &str) -> f64 {
    let after = warning.split_once(" took ").expect("a duration").1;
    after.split(' ').next().unwrap().parse().expect("seconds")
}

fn run_with_a_blocker(builder: Builder) {
    let rt = builder.build().unwrap();
    rt.block_on(async {
        let blocker = TaskBuilder::new().name("blocker").spawn(async {
            runloop::yield_now().await;
            std::thread::sleep(BLOCK); // the mistake being caught
        });
        let quick = TaskBuilder::new().name("quick").spawn(async {
            for _ in 0..3 {
                runloop::yield_now().await;
            }
        });
        blocker.await.unwrap();
        quick.await.unwrap();
    });
}

#[test]
fn a_poll_that_blocks_past_the_threshold_is_named_in_a_warning() {
    keep_logs();
    with_deadline(LIMIT, || {
        run_with_a_blocker(Builder::new().label("slow-a").slow_poll_threshold(THRESHOLD))
    });
    let warnings = logged("slow-a: executing task #1 'blocker' took ");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = &warnings[0];
    assert!(warning.starts_with("WARN runloop::observe: "), "{warning}");
    assert!(warning.contains("(slow-poll threshold 20ms)"), "{warning}");
    assert!(seconds(warning) >= BLOCK.as_secs_f64(), "{warning}");
}

#[test]
fn the_future_given_to_block_on_is_named_too() {
    keep_logs();
    with_deadline(LIMIT, || {
        let rt = Builder::new()
            .label("slow-main")
            .slow_poll_threshold(THRESHOLD)
            .build()
            .unwrap();
        rt.block_on(async { std::thread::sleep(BLOCK) });
    });
    let warnings = logged("slow-main: executing main (the future given to block_on) took ");
    assert_eq!(warnings.len(), 1, "{:?}", logged("slow-main"));
}

#[test]
fn without_a_threshold_nothing_is_said() {
    keep_logs();
    with_deadline(LIMIT, || run_with_a_blocker(Builder::new().label("slow-b")));
    assert!(logged("slow-b: executing").is_empty(), "{:?}", logged("slow-b"));
}

#[test]
fn the_inspect_mode_marks_the_slow_poll() {
    let text = with_deadline(LIMIT, || {
        let out = Captured::default();
        run_with_a_blocker(
            Builder::new()
                .label("slow-c")
                .slow_poll_threshold(THRESHOLD)
                .inspect_to(out.clone()),
        );
        out.text()
    });
    let marked: Vec<&str> = text
        .lines()
        .filter(|line| line.ends_with(" — slow: it blocked the loop"))
        .collect();
    assert!(
        marked
            .iter()
            .any(|line| line.starts_with("  poll     #1 blocker → Returned (")),
        "{text}"
    );
}

/// Run by `the_environment_variable_warns_on_stderr_without_a_logger`.
#[test]
#[ignore = "runs in a child process"]
fn child_blocks_the_loop() {
    run_with_a_blocker(Builder::new().label("slow-env"));
}

#[test]
fn the_environment_variable_warns_on_stderr_without_a_logger() {
    let output = run_child("child_blocks_the_loop", &[("RUNLOOP_SLOW_POLL", "20ms")]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warning = stderr
        .lines()
        .find(|line| line.starts_with("runloop warning: slow-env: executing task #1 'blocker' took "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(seconds(warning) >= BLOCK.as_secs_f64(), "{warning}");
}
