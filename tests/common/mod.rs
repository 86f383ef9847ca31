//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod counting_allocator;
pub mod loop_thread;

use std::sync::mpsc;
use std::time::Duration;

/// Runs `test` on its own thread and fails if it takes longer than `limit`,
/// so that a lost wakeup shows up as a failure instead of a hung CI job.
pub fn with_deadline<T: Send + 'static>(limit: Duration, test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, outcome) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(test());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => {
            worker.join().unwrap();
            value
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("test did not finish within {limit:?}: a wake was lost or the loop hung")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the test thread ended without a result"),
        },
    }
}

/// Counts how many times it was dropped.
pub struct DropCounter(pub std::rc::Rc<std::cell::Cell<usize>>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Runs two futures side by side in one task until both finish.
pub async fn join2<A: std::future::Future, B: std::future::Future>(a: A, b: B) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(value) = a.as_mut().poll(cx)
        {
            out_a = Some(value);
        }
        if out_b.is_none()
            && let Poll::Ready(value) = b.as_mut().poll(cx)
        {
            out_b = Some(value);
        }
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready((out_a.take().unwrap(), out_b.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// A small deterministic pseudo-random sequence (xorshift), for tests that
/// want varied but repeatable inputs.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// What a [`counting_waker`] has seen: how often it was woken, and (through
/// `Arc::strong_count`) how many clones of it are still alive somewhere.
#[derive(Default)]
pub struct WakeCounter {
    wakes: std::sync::atomic::AtomicUsize,
}

impl WakeCounter {
    /// Wakes so far, by value or by reference.
    pub fn wakes(&self) -> usize {
        self.wakes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Clones of the waker alive now, not counting the test's own `Arc`.
    pub fn clones_alive(self: &std::sync::Arc<Self>) -> usize {
        std::sync::Arc::strong_count(self) - 1
    }
}

impl std::task::Wake for WakeCounter {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.wakes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A waker that counts its wakes and its live clones, as async-task's tests
/// do: hand it to the runtime, then check that every clone the runtime made
/// was dropped again and that it was woken exactly as often as it should.
pub fn counting_waker() -> (std::sync::Arc<WakeCounter>, std::task::Waker) {
    let counter = std::sync::Arc::new(WakeCounter::default());
    let waker = std::task::Waker::from(counter.clone());
    (counter, waker)
}

/// Polls `future` once with `waker` instead of the task's own.
pub fn poll_with<F: std::future::Future + Unpin>(
    future: &mut F,
    waker: &std::task::Waker,
) -> std::task::Poll<F::Output> {
    std::pin::Pin::new(future).poll(&mut std::task::Context::from_waker(waker))
}

/// Keeps panics whose message starts with `prefix` out of the test output:
/// the tests that cause them on purpose check them through `JoinError`.
/// Any other panic still reaches the default hook. The hook is global, so
/// the prefix must be one no other test's panic uses.
pub fn quiet_expected_panics(prefix: &'static str) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        if !message.is_some_and(|message| message.starts_with(prefix)) {
            previous(info);
        }
    }));
}

/// Returns once the loop has been through its reactor once more, and the
/// tasks woken there have had their turn. A plain `yield_now` may not
/// reach the reactor at all: a task that keeps yielding is polled again in
/// the same run phase, up to `polls_per_turn` times, before the loop waits.
pub async fn next_turn() {
    let turns = runloop::stats().reactor_turns;
    while runloop::stats().reactor_turns == turns {
        runloop::yield_now().await;
    }
    runloop::yield_now().await; // behind the tasks that turn woke
}

/// `full`, or `small` when `RUNLOOP_TEST_SMALL` is set: for harnesses that
/// run the tests tens of times slower, such as valgrind
/// (`scripts/valgrind.sh` sets it), where the heavy tests would only
/// repeat at great length what their first rounds already showed.
pub fn scaled(full: usize, small: usize) -> usize {
    match std::env::var_os("RUNLOOP_TEST_SMALL") {
        Some(_) => small,
        None => full,
    }
}
