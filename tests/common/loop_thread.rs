//! A runtime running on a thread of its own, for the tests that spawn onto
//! it through a `Handle` from other threads; and a way to await a future on
//! a plain thread, with no runtime at all.

use runloop::runtime::Handle;
use runloop::sync::oneshot;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, JoinHandle, Thread, ThreadId};

/// A thread that builds a runtime and runs `block_on` until told to stop,
/// then drops the runtime (and with it every task still alive).
pub struct LoopThread {
    /// The runtime's handle.
    pub handle: Handle,
    /// The loop's thread, where every task runs.
    pub thread_id: ThreadId,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl LoopThread {
    pub fn start() -> LoopThread {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = oneshot::channel::<()>();
        let thread = thread::spawn(move || {
            let rt = runloop::Runtime::new().unwrap();
            ready_tx.send(rt.handle()).unwrap();
            // Err only if the test dropped its `LoopThread` while panicking.
            let _ = rt.block_on(stop_rx);
        });
        let handle = ready_rx.recv().expect("the loop thread failed to start");
        let thread_id = thread.thread().id();
        LoopThread {
            handle,
            thread_id,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Ends `block_on`, drops the runtime, and waits for the thread.
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take()
            && let Err(panic) = thread.join()
            && !thread::panicking()
        {
            std::panic::resume_unwind(panic);
        }
    }
}

impl Drop for LoopThread {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` on this thread until it is ready, parking in between: an
/// executor of one future and no reactor, to show that a future needs no
/// runtime of its own to be awaited.
pub fn block_on_plain_thread<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park(); // a wake that came first makes this return at once
    }
}

/// Counts drops across threads, and remembers on which thread each happened.
#[derive(Default)]
pub struct DropLog {
    threads: std::sync::Mutex<Vec<ThreadId>>,
}

impl DropLog {
    pub fn guard(self: &Arc<Self>) -> DropGuard {
        DropGuard(self.clone())
    }

    pub fn count(&self) -> usize {
        self.threads.lock().unwrap().len()
    }

    /// The threads the guards were dropped on, in order.
    pub fn threads(&self) -> Vec<ThreadId> {
        self.threads.lock().unwrap().clone()
    }
}

/// Records its drop in a [`DropLog`]; `Send`, unlike `DropCounter`.
pub struct DropGuard(Arc<DropLog>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.threads.lock().unwrap().push(thread::current().id());
    }
}
