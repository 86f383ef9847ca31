//! A panic in a task spawned through a `Handle` (in its closure, its poll
//! or its destructor) reaches the `RemoteJoinHandle` as
//! `JoinError::Panicked` with its message, and the loop carries on.
mod common;

use common::loop_thread::{LoopThread, block_on_plain_thread};
use common::{quiet_expected_panics, with_deadline};
use std::future::pending;
use std::sync::mpsc;
use std::time::Duration;

const PREFIX: &str = "handle-panics:";

#[test]
fn a_panic_in_the_future_resolves_panicked_with_its_message_and_the_loop_goes_on() {
    quiet_expected_panics(PREFIX);
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let task = looper
            .handle
            .spawn(async {
                runloop::yield_now().await;
                panic!("handle-panics: boom {}", 7);
            })
            .unwrap();
        let error = block_on_plain_thread(task).unwrap_err();
        assert!(error.is_panic());
        assert_eq!(error.panic_message(), Some("handle-panics: boom 7"));
        // The loop survived it.
        let next = looper.handle.spawn(async { "still running" }).unwrap();
        assert_eq!(block_on_plain_thread(next).unwrap(), "still running");
        looper.stop();
    });
}

#[test]
fn a_panic_in_the_closure_given_to_spawn_with_resolves_panicked() {
    quiet_expected_panics(PREFIX);
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let task = looper
            .handle
            .spawn_with(|| -> std::future::Ready<()> { panic!("handle-panics: in the closure") })
            .unwrap();
        let error = block_on_plain_thread(task).unwrap_err();
        assert_eq!(error.panic_message(), Some("handle-panics: in the closure"));
        looper.stop();
    });
}

struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("handle-panics: in the destructor");
    }
}

#[test]
fn a_panic_in_the_destructor_of_an_aborted_task_resolves_panicked() {
    quiet_expected_panics(PREFIX);
    with_deadline(Duration::from_secs(30), || {
        let looper = LoopThread::start();
        let (started_tx, started_rx) = mpsc::channel();
        let task = looper
            .handle
            .spawn(async move {
                let _bomb = PanicOnDrop;
                started_tx.send(()).unwrap();
                pending::<()>().await;
            })
            .unwrap();
        started_rx.recv().unwrap();
        task.abort();
        let error = block_on_plain_thread(task).unwrap_err();
        assert_eq!(error.panic_message(), Some("handle-panics: in the destructor"));
        looper.stop();
    });
}

#[test]
fn a_destructor_that_panics_when_the_runtime_drops_a_request_does_not_escape_the_drop() {
    quiet_expected_panics(PREFIX);
    with_deadline(Duration::from_secs(30), || {
        let rt = runloop::Runtime::new().unwrap();
        let bomb = PanicOnDrop;
        let unspawned = rt
            .handle()
            .spawn(async move {
                let _bomb = bomb;
            })
            .unwrap();
        drop(rt); // must not panic
        assert!(block_on_plain_thread(unspawned).unwrap_err().is_cancelled());
    });
}
