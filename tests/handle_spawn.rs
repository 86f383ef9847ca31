//! `Handle::spawn` from any thread runs each future exactly once, on the
//! loop's thread, and its `RemoteJoinHandle` can be awaited anywhere: on
//! another thread, in another runtime, or on a thread with no runtime.
mod common;

use common::loop_thread::{LoopThread, block_on_plain_thread};
use common::with_deadline;
use runloop::runtime::{Handle, RemoteJoinHandle};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

#[test]
fn eight_threads_spawning_a_thousand_futures_each_run_every_one_exactly_once() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 1_000;
    with_deadline(Duration::from_secs(120), || {
        let looper = LoopThread::start();
        let loop_id = looper.thread_id;
        let runs: Arc<Vec<AtomicUsize>> = Arc::new((0..THREADS * PER_THREAD).map(|_| AtomicUsize::new(0)).collect());

        let spawners: Vec<_> = (0..THREADS)
            .map(|thread| {
                let handle = looper.handle.clone();
                let runs = runs.clone();
                thread::spawn(move || {
                    let tasks: Vec<RemoteJoinHandle<usize>> = (0..PER_THREAD)
                        .map(|n| {
                            let index = thread * PER_THREAD + n;
                            let runs = runs.clone();
                            handle
                                .spawn(async move {
                                    assert_eq!(thread::current().id(), loop_id, "ran off the loop thread");
                                    runs[index].fetch_add(1, Ordering::SeqCst);
                                    if index.is_multiple_of(2) {
                                        runloop::yield_now().await; // not all finish in one poll
                                    }
                                    index
                                })
                                .expect("the runtime is alive")
                        })
                        .collect();
                    // Await the answers here: half the threads with a runtime
                    // of their own, half with no runtime at all.
                    let outputs: Vec<usize> = if thread.is_multiple_of(2) {
                        runloop::run(async {
                            let mut outputs = Vec::new();
                            for task in tasks {
                                outputs.push(task.await.unwrap());
                            }
                            outputs
                        })
                    } else {
                        tasks
                            .into_iter()
                            .map(|task| block_on_plain_thread(task).unwrap())
                            .collect()
                    };
                    let expected: Vec<usize> = (thread * PER_THREAD..(thread + 1) * PER_THREAD).collect();
                    assert_eq!(outputs, expected, "each handle gives its own task's output");
                })
            })
            .collect();
        for spawner in spawners {
            spawner.join().unwrap();
        }
        let counts = |runs: &[AtomicUsize]| runs.iter().map(|r| r.load(Ordering::SeqCst)).collect::<Vec<_>>();
        assert!(counts(&runs).iter().all(|&n| n == 1), "every future ran exactly once");
        looper.stop();
        assert!(counts(&runs).iter().all(|&n| n == 1), "and none ran again later");
    });
}

#[test]
fn a_task_of_one_runtime_spawns_on_another_and_awaits_the_answer() {
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let loop_id = looper.thread_id;
        let handle = looper.handle.clone();
        let sum = runloop::run(async move {
            // Tasks of this runtime, each awaiting a task of the other one,
            // which uses the other loop's own timers (so it is built there,
            // with `spawn_with`: a sleep is not `Send`).
            let askers: Vec<_> = (1..=10u64)
                .map(|n| {
                    let handle = handle.clone();
                    runloop::spawn(async move {
                        let answer = handle
                            .spawn_with(move || async move {
                                runloop::time::sleep(Duration::from_millis(1)).await;
                                (n * n, thread::current().id())
                            })
                            .unwrap();
                        answer.await.unwrap()
                    })
                })
                .collect();
            let mut sum = 0;
            for asker in askers {
                let (square, ran_on) = asker.await.unwrap();
                assert_eq!(ran_on, loop_id);
                sum += square;
            }
            sum
        });
        assert_eq!(sum, (1..=10u64).map(|n| n * n).sum::<u64>());
        looper.stop();
    });
}

#[test]
fn a_spawn_made_while_the_loop_is_idle_runs_at_its_next_block_on() {
    with_deadline(Duration::from_secs(30), || {
        let rt = runloop::Runtime::new().unwrap();
        let ran = Arc::new(AtomicBool::new(false));
        let task = {
            let handle = rt.handle();
            let ran = ran.clone();
            thread::spawn(move || handle.spawn(async move { ran.store(true, Ordering::SeqCst) }).unwrap())
                .join()
                .unwrap()
        };
        assert!(!ran.load(Ordering::SeqCst), "nothing runs while no loop runs");
        assert!(!task.is_finished());
        rt.block_on(task).unwrap();
        assert!(ran.load(Ordering::SeqCst));
    });
}

#[test]
fn handle_current_inside_a_task_names_the_runtime_it_runs_on() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let loop_id = thread::current().id();
            let handle = runloop::spawn(async { Handle::current() }).await.unwrap();
            let from_a_thread = thread::spawn(move || handle.spawn(async { thread::current().id() }).unwrap());
            let task = runloop::spawn_blocking(move || from_a_thread.join().unwrap())
                .await
                .unwrap();
            assert_eq!(task.await.unwrap(), loop_id);
        });
    });
}

#[test]
fn outside_a_runtime_try_current_is_none() {
    assert!(Handle::try_current().is_none());
}

#[test]
#[should_panic(expected = "Handle::current() called outside a runtime")]
fn outside_a_runtime_handle_current_panics_with_a_clear_message() {
    let _ = Handle::current();
}

#[test]
fn handle_is_send_sync_and_clone_and_every_copy_reaches_the_same_loop() {
    const fn send_sync_clone<T: Send + Sync + Clone>() {}
    const fn send<T: Send>() {}
    const _: () = send_sync_clone::<Handle>();
    const _: () = send::<RemoteJoinHandle<String>>();
    const _: () = send_sync_clone::<runloop::runtime::SpawnError>();

    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let shared = &looper.handle;
        let ran_on = thread::scope(|scope| {
            // Four threads share one `&Handle` (Sync); four more own a clone
            // each (Clone + Send).
            let borrowed = (0..4).map(|_| scope.spawn(move || shared.spawn(async { thread::current().id() })));
            let owned = (0..4).map(|_| {
                let handle = shared.clone();
                scope.spawn(move || handle.spawn(async { thread::current().id() }))
            });
            let tasks: Vec<_> = borrowed.chain(owned).collect();
            tasks
                .into_iter()
                .map(|task| block_on_plain_thread(task.join().unwrap().unwrap()).unwrap())
                .collect::<Vec<_>>()
        });
        assert_eq!(ran_on, vec![looper.thread_id; 8]);
        looper.stop();
    });
}
