//! The blocking pool: capacity, overlap, panics, shutdown.
mod common;

use common::with_deadline;
use runloop::Runtime;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Tracks how many jobs run at once, and the most ever seen.
#[derive(Default)]
struct Overlap {
    running: AtomicUsize,
    most: AtomicUsize,
}

impl Overlap {
    fn enter(&self) {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
    }
}

fn runtime_with_threads(threads: usize) -> Runtime {
    Runtime::builder().max_blocking_threads(threads).build().unwrap()
}

#[test]
fn a_pool_capped_at_one_thread_runs_ten_thousand_jobs() {
    let (sum, threads) = with_deadline(Duration::from_secs(60), || {
        let rt = runtime_with_threads(1);
        let sum = rt.block_on(async {
            let handles: Vec<_> = (0..10_000u64).map(|n| runloop::spawn_blocking(move || n)).collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await.unwrap();
            }
            sum
        });
        (sum, rt.blocking_threads())
    });
    assert_eq!(sum, (0..10_000u64).sum::<u64>());
    assert!(threads <= 1);
}

#[test]
fn jobs_on_a_pool_of_one_never_overlap() {
    let most = with_deadline(Duration::from_secs(30), || {
        let overlap = Arc::new(Overlap::default());
        runtime_with_threads(1).block_on({
            let overlap = overlap.clone();
            async move {
                let handles: Vec<_> = (0..50)
                    .map(|_| {
                        let overlap = overlap.clone();
                        runloop::spawn_blocking(move || {
                            overlap.enter();
                            std::thread::sleep(Duration::from_millis(1));
                            overlap.leave();
                        })
                    })
                    .collect();
                runloop::join_all(handles).await;
            }
        });
        overlap.most.load(Ordering::SeqCst)
    });
    assert_eq!(most, 1);
}

#[test]
fn jobs_on_a_pool_of_four_do_overlap() {
    // Four jobs meet at a barrier: they can only all pass it if four threads
    // run them at the same time. No timing involved.
    let most = with_deadline(Duration::from_secs(30), || {
        let overlap = Arc::new(Overlap::default());
        let barrier = Arc::new(Barrier::new(4));
        runtime_with_threads(4).block_on({
            let overlap = overlap.clone();
            async move {
                let handles: Vec<_> = (0..4)
                    .map(|_| {
                        let (overlap, barrier) = (overlap.clone(), barrier.clone());
                        runloop::spawn_blocking(move || {
                            overlap.enter();
                            barrier.wait();
                            overlap.leave();
                        })
                    })
                    .collect();
                for result in runloop::join_all(handles).await {
                    result.unwrap();
                }
            }
        });
        overlap.most.load(Ordering::SeqCst)
    });
    assert_eq!(most, 4);
}

#[test]
fn a_panicking_job_reports_panicked_and_does_not_shrink_the_pool() {
    with_deadline(Duration::from_secs(30), || {
        let rt = runtime_with_threads(2);
        rt.block_on(async {
            for _ in 0..10 {
                let error = runloop::spawn_blocking(|| panic!("job failed")).await.unwrap_err();
                assert_eq!(error.panic_message(), Some("job failed"));
            }
            // Both threads must still be able to run at once.
            let barrier = Arc::new(Barrier::new(2));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let barrier = barrier.clone();
                    runloop::spawn_blocking(move || {
                        barrier.wait();
                    })
                })
                .collect();
            for result in runloop::join_all(handles).await {
                result.unwrap();
            }
        });
    });
}

#[test]
fn shutdown_timeout_returns_in_time_with_a_sleeping_job() {
    let took = with_deadline(Duration::from_secs(30), || {
        let started = Arc::new(Barrier::new(2));
        let rt = runtime_with_threads(2);
        let job_started = started.clone();
        let handle = rt.spawn_blocking(move || {
            job_started.wait();
            std::thread::sleep(Duration::from_secs(3600));
        });
        rt.block_on(async {
            runloop::spawn_blocking(move || started.wait()).await.unwrap();
        });
        drop(handle);
        let begin = Instant::now();
        rt.shutdown_timeout(Duration::from_millis(200));
        begin.elapsed()
    });
    assert!(
        took >= Duration::from_millis(200),
        "returned before the timeout: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "did not return in time: {took:?}");
}

/// Meets the blocker at the gate when dropped: only dropping the unrun job
/// (as shutdown must) lets the running job finish.
struct OpenGateOnDrop(Arc<Barrier>);

impl Drop for OpenGateOnDrop {
    fn drop(&mut self) {
        self.0.wait();
    }
}

#[test]
fn jobs_that_never_started_are_dropped_at_shutdown_and_resolve_cancelled() {
    let (ran, outcome) = with_deadline(Duration::from_secs(30), || {
        let ran = Arc::new(AtomicUsize::new(0));
        let gate = Arc::new(Barrier::new(2));
        let (started_tx, started) = std::sync::mpsc::channel();
        let rt = runtime_with_threads(1);
        let blocker = {
            let gate = gate.clone();
            rt.spawn_blocking(move || {
                started_tx.send(()).unwrap();
                gate.wait();
            })
        };
        let queued = {
            let (ran, opener) = (ran.clone(), OpenGateOnDrop(gate));
            rt.spawn_blocking(move || {
                let _opener = opener;
                ran.fetch_add(1, Ordering::SeqCst);
            })
        };
        started.recv().unwrap(); // the blocker runs; the other job is queued behind it
        // Shutdown drops the queued job (opening the gate) and then waits for
        // the blocker. Had it run the queued job instead, nothing would open
        // the gate and the deadline would fail the test.
        drop(rt);
        let outcome = runloop::run(async move { (blocker.await, queued.await) });
        (ran.load(Ordering::SeqCst), outcome)
    });
    assert_eq!(ran, 0, "a job queued at shutdown must not run");
    assert!(outcome.0.is_ok(), "the running job finished");
    assert!(outcome.1.unwrap_err().is_cancelled());
}

#[test]
fn aborting_a_job_that_has_not_started_means_it_never_runs() {
    let ran = Arc::new(AtomicUsize::new(0));
    with_deadline(Duration::from_secs(30), {
        let ran = ran.clone();
        move || {
            runtime_with_threads(1).block_on(async move {
                let gate = Arc::new(Barrier::new(2));
                let busy = {
                    let gate = gate.clone();
                    runloop::spawn_blocking(move || {
                        gate.wait();
                    })
                };
                let victim = runloop::spawn_blocking(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                });
                victim.abort();
                gate.wait(); // let the single thread go on to the victim
                busy.await.unwrap();
                assert!(victim.await.unwrap_err().is_cancelled());
            });
        }
    });
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn idle_threads_exit_after_the_keep_alive() {
    with_deadline(Duration::from_secs(30), || {
        let rt = Runtime::builder()
            .max_blocking_threads(4)
            .blocking_keep_alive(Duration::from_millis(50))
            .build()
            .unwrap();
        rt.block_on(async {
            runloop::spawn_blocking(|| ()).await.unwrap();
        });
        assert!(rt.blocking_threads() <= 1);
        let start = Instant::now();
        while rt.blocking_threads() > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the idle thread never exited"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    });
}

#[test]
fn the_default_cap_follows_python() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let expected = (cores + 4).min(32);
    let threads = with_deadline(Duration::from_secs(30), move || {
        let rt = Runtime::new().unwrap();
        // `expected` jobs and this thread meet at a barrier: it opens only
        // if every job runs at once, each on its own pool thread.
        let barrier = Arc::new(Barrier::new(expected + 1));
        let handles: Vec<_> = (0..expected)
            .map(|_| {
                let barrier = barrier.clone();
                rt.spawn_blocking(move || {
                    barrier.wait();
                })
            })
            .collect();
        barrier.wait();
        rt.block_on(runloop::join_all(handles));
        rt.blocking_threads()
    });
    assert_eq!(threads, expected);
}
