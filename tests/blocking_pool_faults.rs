//! The blocking pool survives user code that misbehaves around a job: a
//! panicking destructor of an unwanted result (dropped on the pool thread
//! or, if it had already arrived, on the loop's) or of an aborted job's
//! captures never costs the pool a thread nor escapes into the caller, and
//! shutdown waits for threads to be truly gone.
mod common;

use common::with_deadline;
use runloop::Runtime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Panics when dropped (outside an unwind).
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            panic!("PanicOnDrop dropped");
        }
    }
}

fn one_thread() -> Runtime {
    Runtime::builder().max_blocking_threads(1).build().unwrap()
}

#[test]
fn a_detached_result_that_panics_when_dropped_does_not_cost_a_thread() {
    with_deadline(Duration::from_secs(10), || {
        let rt = one_thread();
        let (done_tx, done) = std::sync::mpsc::channel();
        let (go_tx, go) = std::sync::mpsc::channel::<()>();
        let detached = rt.spawn_blocking(move || {
            go.recv().unwrap(); // wait until the handle is gone
            let _signal_after_return = DoneOnDrop(done_tx);
            PanicOnDrop // nobody takes it: dropped on the pool thread
        });
        drop(detached);
        go_tx.send(()).unwrap();
        done.recv().unwrap();
        // The only thread must still be there to run the next job.
        assert_eq!(rt.block_on(async { runloop::spawn_blocking(|| 7).await.unwrap() }), 7);
        drop(rt); // and shutdown must not wait for a thread that died
    });
}

#[test]
fn a_result_that_panics_when_dropped_with_its_handle_on_the_loop_thread_is_contained() {
    // The same result, but already delivered when the handle is dropped:
    // then it is dropped on the loop's thread, by `drop(handle)`. Its panic
    // must stay there, as a task's would (logged), not escape into the
    // code that dropped the handle. (Before, whether the test above
    // panicked depended on which came first: found under valgrind.)
    with_deadline(Duration::from_secs(10), || {
        let rt = one_thread();
        let finished = rt.spawn_blocking(|| PanicOnDrop);
        while !finished.is_finished() {
            std::thread::sleep(Duration::from_millis(1));
        }
        drop(finished);
        assert_eq!(rt.block_on(async { runloop::spawn_blocking(|| 7).await.unwrap() }), 7);
    });
}

#[test]
fn an_aborted_job_whose_captures_panic_when_dropped_does_not_cost_a_thread() {
    with_deadline(Duration::from_secs(10), || {
        let rt = one_thread();
        let (go_tx, go) = std::sync::mpsc::channel::<()>();
        let busy = rt.spawn_blocking(move || go.recv().unwrap());
        let captured = PanicOnDrop;
        let victim = rt.spawn_blocking(move || {
            let _captured = &captured;
        });
        victim.abort();
        go_tx.send(()).unwrap();
        rt.block_on(async {
            busy.await.unwrap();
            assert!(victim.await.unwrap_err().is_cancelled());
            assert_eq!(runloop::spawn_blocking(|| 7).await.unwrap(), 7);
        });
    });
}

#[test]
fn dropping_the_runtime_waits_until_pool_threads_have_truly_exited() {
    static THREAD_LOCAL_DROPPED: AtomicBool = AtomicBool::new(false);
    struct SlowToDrop;
    impl Drop for SlowToDrop {
        fn drop(&mut self) {
            std::thread::sleep(Duration::from_millis(100));
            THREAD_LOCAL_DROPPED.store(true, Ordering::SeqCst);
        }
    }
    thread_local!(static CACHE: std::cell::RefCell<Option<SlowToDrop>> = const { std::cell::RefCell::new(None) });
    with_deadline(Duration::from_secs(10), || {
        let rt = one_thread();
        rt.block_on(async {
            runloop::spawn_blocking(|| CACHE.with(|cache| *cache.borrow_mut() = Some(SlowToDrop)))
                .await
                .unwrap();
        });
        drop(rt);
    });
    assert!(
        THREAD_LOCAL_DROPPED.load(Ordering::SeqCst),
        "drop(rt) returned before the pool thread's thread-locals were dropped"
    );
}

/// Signals when dropped: as the job's closure returns, just before the pool
/// hands its result over (and, with no one to take it, drops it).
struct DoneOnDrop(std::sync::mpsc::Sender<()>);

impl Drop for DoneOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}
