//! The study notes' three pictures, drawn from real runs. Shared by
//! `examples/timeline.rs` and the tour.

use std::time::{Duration, Instant};

/// Keeps a core busy for `duration` (no sleeping: real CPU work).
fn spin(duration: Duration) {
    let start = Instant::now();
    let mut x = 0u64;
    while start.elapsed() < duration {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
}

fn recording_runtime() -> runloop::Runtime {
    runloop::Runtime::builder().timeline(true).build().expect("a runtime")
}

fn show(title: &str, runtime: &runloop::Runtime, lesson: &str, width: usize) {
    println!("{title}");
    if let Some(timeline) = runtime.timeline() {
        for line in timeline.render(width).lines() {
            println!("  {line}");
        }
    }
    println!("  -> {lesson}\n");
}

/// (a) three OS threads doing CPU work.
pub fn threads(width: usize) {
    let runtime = recording_runtime();
    runtime.block_on(async {
        let jobs: Vec<_> = (0..3)
            .map(|_| runloop::spawn_blocking(|| spin(Duration::from_millis(60))))
            .collect();
        runloop::join_all(jobs).await;
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    show(
        "(a) three OS threads (the blocking pool), 60 ms of CPU work each",
        &runtime,
        &format!(
            "threads run at the same time: Rust has no GIL, so all three lanes are busy together \
             ({cores} cores here; beyond that the OS takes turns for them)"
        ),
        width,
    );
}

/// (b) three coroutines doing CPU work on one loop.
pub fn coroutines_computing(width: usize) {
    let runtime = recording_runtime();
    runtime.block_on(async {
        let tasks: Vec<_> = (1..=3)
            .map(|n| {
                runloop::TaskBuilder::new().name(format!("compute-{n}")).spawn(async {
                    for _ in 0..4 {
                        spin(Duration::from_millis(15));
                        runloop::yield_now().await; // give the loop back
                    }
                })
            })
            .collect();
        runloop::join_all(tasks).await;
    });
    show(
        "(b) three coroutines on one loop, each computing 15 ms, then yielding, four times",
        &runtime,
        "they take turns: one thread, so never two '-' in the same column",
        width,
    );
}

/// (c) three coroutines waiting.
pub fn coroutines_waiting(width: usize) {
    let runtime = recording_runtime();
    runtime.block_on(async {
        let tasks: Vec<_> = [60u64, 40, 80]
            .into_iter()
            .map(|ms| {
                runloop::TaskBuilder::new()
                    .name(format!("sleep-{ms}ms"))
                    .spawn(async move {
                        runloop::time::sleep(Duration::from_millis(ms)).await;
                        runloop::time::sleep(Duration::from_millis(ms / 2)).await;
                    })
            })
            .collect();
        runloop::join_all(tasks).await;
    });
    show(
        "(c) three coroutines waiting on timers",
        &runtime,
        "waiting costs nothing: the waits overlap while the loop itself sleeps in epoll",
        width,
    );
}
