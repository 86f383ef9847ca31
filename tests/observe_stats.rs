//! The counters match what a scripted workload must have done, exactly.
use std::time::Duration;

#[test]
fn ten_tasks_yielding_five_times_give_exactly_the_expected_counts() {
    let rt = runloop::Runtime::new().unwrap();
    let inside = rt.block_on(async {
        let handles: Vec<_> = (0..10)
            .map(|_| {
                runloop::spawn(async {
                    for _ in 0..5 {
                        runloop::yield_now().await;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        runloop::stats()
    });
    // Each task: 5 pending polls and a final one. Main: one poll that spawns
    // and parks on the first handle, one more when task #1 finishes (the
    // other nine are done by then, in FIFO order) — the poll running
    // `stats()`, already counted since a poll is counted when it starts.
    // Wakes: 5 yields per task, plus task #1 waking main.
    assert_eq!(inside.tasks_spawned, 10);
    assert_eq!(inside.tasks_completed, 10);
    assert_eq!(inside.polls, 10 * 6 + 2);
    assert_eq!(inside.local_wakes, 10 * 5 + 1);
    assert_eq!(inside.remote_wakes, 0);
    assert_eq!(inside.longest_run_queue, 10);
    assert_eq!(inside.reactor_turns, 0, "62 polls fit in one 128-poll run phase");
    let after = rt.stats();
    assert_eq!(after.polls, 10 * 6 + 2);
    assert_eq!(after.live_tasks, 0);
}

#[test]
fn panics_cancellations_timers_and_blocking_jobs_are_counted() {
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on(async {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        assert!(runloop::spawn(async { panic!("counted") }).await.is_err());
        std::panic::set_hook(quiet);
        let stuck = runloop::spawn(std::future::pending::<()>());
        stuck.abort();
        assert!(stuck.await.unwrap_err().is_cancelled());
        for ms in [1, 2, 3] {
            runloop::time::sleep(Duration::from_millis(ms)).await;
        }
        for n in 0..4 {
            assert_eq!(runloop::spawn_blocking(move || n).await.unwrap(), n);
        }
    });
    let stats = rt.stats();
    assert_eq!(stats.tasks_spawned, 2);
    assert_eq!(stats.tasks_completed, 2);
    assert_eq!(stats.tasks_panicked, 1);
    assert_eq!(stats.tasks_cancelled, 1);
    assert_eq!(stats.timers_fired, 3);
    assert_eq!(stats.blocking_jobs, 4);
    assert!(stats.reactor_turns >= 3, "each sleep needs at least one wait");
    assert!(
        stats.waiting >= Duration::from_millis(6),
        "three sleeps of 1+2+3 ms were spent waiting"
    );
}

#[test]
fn io_events_and_remote_wakes_are_counted() {
    use runloop::net::{TcpListener, TcpStream};
    use runloop::prelude::*;
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = runloop::spawn(async move { TcpStream::connect(addr).await.unwrap() });
        let (mut server, _) = listener.accept().await.unwrap();
        let mut client = client.await.unwrap();
        client.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        let (tx, rx) = runloop::sync::oneshot::channel();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            tx.send(()).unwrap();
        });
        rx.await.unwrap();
    });
    let stats = rt.stats();
    assert!(
        stats.io_events >= 2,
        "accept and read needed readiness events: {stats:?}"
    );
    assert!(
        stats.remote_wakes >= 1,
        "the thread's send woke main remotely: {stats:?}"
    );
}

#[test]
fn stats_display_reads_as_a_report() {
    let rt = runloop::Runtime::new().unwrap();
    rt.block_on(async { runloop::spawn(async {}).await.unwrap() });
    let report = rt.stats().to_string();
    assert!(report.starts_with("tasks: 1 spawned, 1 completed"), "{report}");
    assert!(report.contains("waiting for events"), "{report}");
}
