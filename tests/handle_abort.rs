//! `RemoteJoinHandle::abort`, called from any thread, drops the task's
//! future on the loop thread at its next poll and resolves `Cancelled`;
//! dropping the handle instead lets the task run on.
mod common;

use common::loop_thread::{DropLog, LoopThread, block_on_plain_thread};
use common::with_deadline;
use std::future::pending;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

#[test]
fn abort_from_another_thread_drops_the_future_on_the_loop_thread_and_resolves_cancelled() {
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let drops = Arc::new(DropLog::default());
        let (started_tx, started_rx) = mpsc::channel();
        let guard = drops.guard();
        let task = looper
            .handle
            .spawn(async move {
                let _guard = guard;
                started_tx.send(()).unwrap();
                pending::<()>().await;
            })
            .unwrap();
        started_rx.recv().unwrap();
        assert!(!task.is_finished());
        let outcome = thread::spawn(move || {
            task.abort();
            task.abort(); // twice is the same as once
            block_on_plain_thread(task)
        })
        .join()
        .unwrap();
        assert!(outcome.unwrap_err().is_cancelled());
        assert_eq!(
            drops.threads(),
            vec![looper.thread_id],
            "dropped once, on the loop thread"
        );
        looper.stop();
        assert_eq!(drops.count(), 1);
    });
}

#[test]
fn a_task_aborted_before_the_loop_gets_it_is_never_polled() {
    with_deadline(Duration::from_secs(30), || {
        let rt = runloop::Runtime::new().unwrap();
        let drops = Arc::new(DropLog::default());
        let polled = Arc::new(AtomicBool::new(false));
        let task = thread::spawn({
            let (handle, guard, polled) = (rt.handle(), drops.guard(), polled.clone());
            move || {
                let task = handle
                    .spawn(async move {
                        let _guard = guard;
                        polled.store(true, Ordering::SeqCst);
                    })
                    .unwrap();
                task.abort();
                task
            }
        })
        .join()
        .unwrap();
        assert!(rt.block_on(task).unwrap_err().is_cancelled());
        assert!(!polled.load(Ordering::SeqCst));
        assert_eq!(drops.threads(), vec![thread::current().id()]);
    });
}

#[test]
fn abort_after_the_task_finished_changes_nothing() {
    with_deadline(Duration::from_secs(30), || {
        let rt = runloop::Runtime::new().unwrap();
        let mut task = rt.handle().spawn(async { "done" }).unwrap();
        rt.block_on(async {
            while !task.is_finished() {
                runloop::yield_now().await;
            }
        });
        task.abort();
        assert!(task.is_finished());
        assert_eq!(rt.block_on(&mut task).unwrap(), "done");
        assert!(task.is_finished());
    });
}

#[test]
fn dropping_the_handle_does_not_abort_the_task() {
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let (release_tx, release_rx) = runloop::sync::oneshot::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let task = looper
            .handle
            .spawn(async move {
                release_rx.await.unwrap();
                done_tx.send("ran to the end").unwrap();
            })
            .unwrap();
        drop(task);
        release_tx.send(()).unwrap();
        assert_eq!(done_rx.recv().unwrap(), "ran to the end");
        looper.stop();
    });
}
