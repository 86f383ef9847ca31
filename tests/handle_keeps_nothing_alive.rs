//! A `Handle` does not keep its runtime alive: dropping the `Runtime` drops
//! its tasks and closes its epoll instance and eventfd, however many handles
//! other threads still hold; those handles then only report `SpawnError`.
//!
//! One test in this file, so that no other test opens or closes file
//! descriptors while this one counts them.
mod common;

use common::loop_thread::DropLog;
use common::with_deadline;
use std::future::pending;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The file descriptors this process has open (Linux: `/proc/self/fd`).
#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    // Reading the directory opens one more descriptor, the same every time.
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[cfg(not(target_os = "linux"))]
fn open_fds() -> usize {
    0 // no portable way to count them: the other checks still run
}

#[test]
fn dropping_the_runtime_frees_its_tasks_and_descriptors_while_handles_live_on() {
    with_deadline(Duration::from_secs(30), || {
        let before = open_fds();
        let rt = runloop::Runtime::new().unwrap();
        if cfg!(target_os = "linux") {
            assert!(open_fds() > before, "a runtime holds an epoll instance and an eventfd");
        }
        let drops = Arc::new(DropLog::default());
        let guard = drops.guard();
        drop(rt.spawn(async move {
            let _guard = guard;
            pending::<()>().await;
        }));
        // Another thread holds clones of the handle, and keeps them until
        // told to use them.
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let holder = thread::spawn({
            let handle = rt.handle();
            let handles = [handle.clone(), handle];
            move || {
                go_rx.recv().unwrap();
                handles
                    .iter()
                    .map(|handle| handle.spawn(async {}).is_err())
                    .collect::<Vec<_>>()
            }
        });

        drop(rt);
        assert_eq!(drops.count(), 1, "the runtime's task was dropped with it");
        assert_eq!(open_fds(), before, "and its epoll instance and eventfd were closed");
        go_tx.send(()).unwrap();
        assert_eq!(holder.join().unwrap(), vec![true, true], "the handles can only fail");
    });
}
