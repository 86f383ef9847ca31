//! Nothing sent through a `Handle` to a runtime that is going or gone waits
//! forever: `spawn` fails with `SpawnError`, and a task asked for before the
//! runtime dropped resolves `Cancelled`, its future dropped exactly once.
mod common;

use common::loop_thread::{DropLog, LoopThread, block_on_plain_thread};
use common::with_deadline;
use runloop::JoinError;
use runloop::runtime::{RemoteJoinHandle, SpawnError};
use std::future::pending;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

#[test]
fn spawning_onto_a_dropped_runtime_is_an_error_and_drops_the_future_at_once() {
    let rt = runloop::Runtime::new().unwrap();
    let handle = rt.handle();
    drop(rt);
    let drops = Arc::new(DropLog::default());
    let guard = drops.guard();
    let error: SpawnError = handle
        .spawn(async move {
            let _guard = guard;
        })
        .unwrap_err();
    assert_eq!(drops.count(), 1, "the refused future is dropped before spawn returns");
    assert_eq!(
        error.to_string(),
        "cannot spawn: the runtime has been dropped or is shutting down"
    );
    // From another thread too, and with `spawn_with`, whose closure is never called.
    let called = Arc::new(AtomicBool::new(false));
    let outcome = thread::spawn({
        let called = called.clone();
        move || handle.spawn_with(move || async move { called.store(true, Ordering::SeqCst) })
    })
    .join()
    .unwrap();
    assert_eq!(outcome.unwrap_err(), error);
    assert!(!called.load(Ordering::SeqCst));
}

#[test]
fn requests_still_in_the_inbox_when_the_runtime_drops_resolve_cancelled_and_drop_once() {
    const TASKS: usize = 100;
    with_deadline(Duration::from_secs(30), || {
        let rt = runloop::Runtime::new().unwrap();
        let drops = Arc::new(DropLog::default());
        let polled = Arc::new(AtomicUsize::new(0));
        // Asked for while no loop runs: the requests wait in the inbox.
        let tasks: Vec<RemoteJoinHandle<()>> = thread::spawn({
            let handle = rt.handle();
            let (drops, polled) = (drops.clone(), polled.clone());
            move || {
                (0..TASKS)
                    .map(|_| {
                        let (guard, polled) = (drops.guard(), polled.clone());
                        handle
                            .spawn(async move {
                                let _guard = guard;
                                polled.fetch_add(1, Ordering::SeqCst);
                            })
                            .unwrap()
                    })
                    .collect()
            }
        })
        .join()
        .unwrap();
        assert_eq!(drops.count(), 0);
        drop(rt);
        assert_eq!(drops.count(), TASKS, "every future dropped by the runtime's drop");
        assert!(drops.threads().iter().all(|&id| id == thread::current().id()));
        thread::spawn(move || {
            for task in tasks {
                assert!(task.is_finished());
                assert!(block_on_plain_thread(task).unwrap_err().is_cancelled());
            }
        })
        .join()
        .unwrap();
        assert_eq!(polled.load(Ordering::SeqCst), 0, "none was ever polled");
        assert_eq!(drops.count(), TASKS, "and none dropped twice");
    });
}

#[test]
fn tasks_running_when_the_runtime_drops_resolve_cancelled_and_drop_once_on_its_thread() {
    const TASKS: usize = 100;
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let loop_id = looper.thread_id;
        let drops = Arc::new(DropLog::default());
        let (started_tx, started_rx) = mpsc::channel();
        let tasks: Vec<RemoteJoinHandle<()>> = (0..TASKS)
            .map(|_| {
                let (guard, started) = (drops.guard(), started_tx.clone());
                looper
                    .handle
                    .spawn(async move {
                        let _guard = guard;
                        started.send(()).unwrap();
                        pending::<()>().await;
                    })
                    .unwrap()
            })
            .collect();
        for _ in 0..TASKS {
            started_rx.recv().unwrap();
        }
        assert_eq!(drops.count(), 0);
        assert!(tasks.iter().all(|task| !task.is_finished()));
        looper.stop();
        assert_eq!(drops.count(), TASKS);
        assert_eq!(drops.threads(), vec![loop_id; TASKS], "dropped on the loop thread");
        for task in tasks {
            assert!(block_on_plain_thread(task).unwrap_err().is_cancelled());
        }
    });
}

#[test]
fn spawns_racing_the_runtimes_drop_each_finish_cancel_or_fail_and_none_hangs() {
    const SPAWNERS: usize = 4;
    // Each spawner keeps at most this many tasks not yet started, so that
    // together they cannot outrun the loop: a producer that always spawns
    // faster than the loop runs would grow its queue without end, and the
    // loop would never reach the `block_on` future that tells it to stop.
    const WINDOW: usize = 64;
    let outcome = with_deadline(Duration::from_secs(60), || {
        let looper = LoopThread::start();
        let drops = Arc::new(DropLog::default());
        let ran = Arc::new(AtomicUsize::new(0));
        let spawners: Vec<_> = (0..SPAWNERS)
            .map(|thread| {
                let (handle, drops, ran) = (looper.handle.clone(), drops.clone(), ran.clone());
                thread::spawn(move || {
                    let started = Arc::new(AtomicUsize::new(0)); // of this spawner's tasks
                    let mut tasks: Vec<RemoteJoinHandle<()>> = Vec::new();
                    let mut made = 0;
                    // Spawn until the runtime refuses: it will, once dropped.
                    loop {
                        // Wait for the loop to catch up, or for the drop (which
                        // finishes the last task, and the next spawn then fails).
                        while made - started.load(Ordering::SeqCst) > WINDOW
                            && !tasks.last().is_some_and(RemoteJoinHandle::is_finished)
                        {
                            thread::sleep(Duration::from_micros(100));
                        }
                        made += 1;
                        let (guard, ran, started) = (drops.guard(), ran.clone(), started.clone());
                        let forever = (made + thread).is_multiple_of(2);
                        let spawned = handle.spawn(async move {
                            let _guard = guard;
                            ran.fetch_add(1, Ordering::SeqCst);
                            started.fetch_add(1, Ordering::SeqCst);
                            if forever {
                                pending::<()>().await;
                            }
                        });
                        match spawned {
                            Ok(task) => tasks.push(task),
                            Err(SpawnError { .. }) => break,
                        }
                    }
                    // Every handle resolves: finished, or cancelled by the drop.
                    let (mut finished, mut cancelled) = (0, 0);
                    for task in tasks {
                        match block_on_plain_thread(task) {
                            Ok(()) => finished += 1,
                            Err(JoinError::Cancelled) => cancelled += 1,
                            Err(error) => panic!("unexpected {error}"),
                        }
                    }
                    (made, finished, cancelled)
                })
            })
            .collect();
        // Let the loop take a good number of them, then drop it mid-stream.
        while ran.load(Ordering::SeqCst) < 1_000 {
            thread::sleep(Duration::from_millis(1));
        }
        looper.stop();
        let totals = spawners
            .into_iter()
            .map(|spawner| spawner.join().unwrap())
            .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        (totals, drops.count())
    });
    let ((made, finished, cancelled), drops) = outcome;
    assert_eq!(
        made,
        finished + cancelled + SPAWNERS,
        "one refusal per spawner, the rest resolved"
    );
    assert_eq!(drops, made, "every future made was dropped exactly once");
    assert!(finished > 0 && cancelled > 0);
}

#[test]
fn a_task_dropped_with_the_runtime_that_spawns_through_a_handle_gets_an_error() {
    with_deadline(Duration::from_secs(30), || {
        struct SpawnOnDrop(runloop::runtime::Handle, mpsc::Sender<bool>);
        impl Drop for SpawnOnDrop {
            fn drop(&mut self) {
                let refused = self.0.spawn(async {}).is_err();
                self.1.send(refused).unwrap();
            }
        }
        let rt = runloop::Runtime::new().unwrap();
        let (refused_tx, refused_rx) = mpsc::channel();
        let on_drop = SpawnOnDrop(rt.handle(), refused_tx.clone());
        drop(rt.spawn(async move {
            let _on_drop = on_drop;
            pending::<()>().await;
        }));
        // And one still in the inbox, never spawned.
        let on_drop = SpawnOnDrop(rt.handle(), refused_tx);
        let unspawned = rt
            .handle()
            .spawn(async move {
                let _on_drop = on_drop;
            })
            .unwrap();
        drop(rt);
        assert_eq!(refused_rx.iter().collect::<Vec<_>>(), vec![true, true]);
        assert!(block_on_plain_thread(unspawned).unwrap_err().is_cancelled());
    });
}
