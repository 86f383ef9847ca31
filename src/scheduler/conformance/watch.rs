//! # The watch: a broken promise is reported the moment it is broken
//!
//! A conformance check drives a policy (or a timer queue) through a real
//! runtime. When the policy loses a task, the runtime does not crash: it
//! goes to sleep waiting for a wake that will never come. Waiting for a
//! wall-clock deadline to notice that is slow (the deadline must be long
//! enough for the slowest machine) and says little ("it took too long").
//!
//! So each check runs on a thread of its own, watched from the calling
//! thread through a [`Watch`] both share. The thing under test is wrapped in
//! an *audit* (`audit.rs` here, `time/conformance/audit.rs` for timer
//! queues) that keeps its own ledger of what should be inside it and
//! compares every answer with it. The audit reports:
//! - **a violation**, the moment an answer contradicts the ledger ("`pop()`
//!   returned `None` while #12 was waiting"). The watcher reports it at
//!   once, without waiting for the check to end;
//! - **progress**, a counter bumped by every call. If it stops moving for
//!   the stall limit (5 s by default), the check is stuck — typically inside
//!   a call that never returns. A stall limit measures silence, not total
//!   time, so a slow machine (valgrind, a loaded CI runner) only makes the
//!   checks take longer, never fail: each step still moves the counter.
//!
//! A check that keeps making progress for [`GIVE_UP`] without finishing is
//! reported too (a livelock the audits cannot see).
//!
//! After a violation or a stall the audit is *frozen*: it stops calling the
//! policy and reports itself empty, so the runtime on the check's thread
//! goes to sleep instead of spinning. That thread cannot be killed; it is
//! left parked until the test process exits.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a check that keeps making progress may run before it is
/// reported as a livelock. Correct policies and queues finish each check in
/// well under a second on a laptop; this bound is for machines hundreds of
/// times slower.
pub const GIVE_UP: Duration = Duration::from_secs(300);

/// How often the watcher looks at the shared state.
const TICK: Duration = Duration::from_millis(10);

/// Describes the audit's ledger for a stall report ("waiting: #3, #7").
type Describe = Box<dyn Fn() -> String + Send>;

/// What a check's thread and its watcher share (see the module docs).
#[derive(Default)]
pub(crate) struct Watch {
    progress: AtomicU64,
    frozen: AtomicBool,
    /// The first broken promise; later ones are consequences.
    violation: Mutex<Option<String>>,
    /// The call into the thing under test that has not returned yet.
    inside: Mutex<Option<&'static str>>,
    describe: Mutex<Option<Describe>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Watch {
    /// One more step done.
    pub(crate) fn step(&self) {
        self.progress.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a broken promise (only the first is kept) and freezes the
    /// audit.
    pub(crate) fn violated(&self, why: String) {
        lock(&self.violation).get_or_insert(why);
        self.freeze();
    }

    /// The first broken promise, if any.
    pub(crate) fn violation(&self) -> Option<String> {
        lock(&self.violation).clone()
    }

    fn freeze(&self) {
        self.frozen.store(true, Ordering::SeqCst);
    }

    /// Whether the audit must stop calling the thing under test.
    pub(crate) fn is_frozen(&self) -> bool {
        self.frozen.load(Ordering::SeqCst)
    }

    /// The audit is about to call `call` (for example `"pop()"`).
    pub(crate) fn enter(&self, call: &'static str) {
        self.step();
        *lock(&self.inside) = Some(call);
    }

    /// The call entered last has returned.
    pub(crate) fn leave(&self) {
        *lock(&self.inside) = None;
    }

    /// How a stall report should describe the audit's ledger.
    pub(crate) fn describe_with(&self, describe: impl Fn() -> String + Send + 'static) {
        *lock(&self.describe) = Some(Box::new(describe));
    }

    fn stall_report(&self, stall: Duration) -> String {
        let mut report = format!("no progress for {stall:?}");
        if let Some(call) = *lock(&self.inside) {
            report += &format!(": the call {call} has not returned (an endless loop in it?)");
        }
        if let Some(describe) = lock(&self.describe).as_ref() {
            report += &format!("; {}", describe());
        }
        report
    }
}

/// `3.2ms`, `1.5s`: two or three digits are plenty in a report.
pub(crate) fn short(duration: Duration) -> String {
    match duration.as_secs_f64() {
        secs if secs >= 1.0 => format!("{secs:.1}s"),
        secs if secs >= 1e-3 => format!("{:.1}ms", secs * 1e3),
        secs => format!("{:.0}µs", secs * 1e6),
    }
}

/// One check, ready to run on its own thread.
pub(crate) type Job = Box<dyn FnOnce(&Arc<Watch>) -> Result<(), String> + Send>;

/// Runs `job` on a thread of its own and returns its verdict as soon as it
/// is known: a violation recorded in the watch, a stall of `stall`, or the
/// job's own result.
pub(crate) fn supervise(name: &str, stall: Duration, job: Job) -> Result<(), String> {
    let watch = Arc::new(Watch::default());
    let (done, outcome) = mpsc::channel();
    let spawned = std::thread::Builder::new().name(format!("conformance: {name}")).spawn({
        let watch = watch.clone();
        move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| job(&watch)));
            let _ = done.send(result.unwrap_or_else(|payload| {
                let message = crate::task::panic_message(payload.as_ref()).unwrap_or("a non-string payload");
                Err(format!("panicked: {message}"))
            }));
        }
    });
    let worker = spawned.map_err(|error| format!("could not start its thread: {error}"))?;
    let started = Instant::now();
    let (mut seen, mut quiet_since) = (0, Instant::now());
    loop {
        match outcome.recv_timeout(TICK) {
            Ok(result) => {
                let _ = worker.join();
                // A violation is the cause; the check's own error, if any,
                // is usually its consequence.
                return watch.violation().map_or(result, Err);
            }
            Err(RecvTimeoutError::Disconnected) => return Err("its thread ended without a verdict".into()),
            Err(RecvTimeoutError::Timeout) => {}
        }
        if let Some(why) = watch.violation() {
            return Err(why);
        }
        let progress = watch.progress.load(Ordering::Relaxed);
        if progress != seen {
            (seen, quiet_since) = (progress, Instant::now());
        } else if quiet_since.elapsed() >= stall {
            watch.freeze();
            return Err(watch.stall_report(stall));
        }
        if started.elapsed() >= GIVE_UP {
            watch.freeze();
            return Err(format!(
                "still running after {GIVE_UP:?}, though it kept making progress (a livelock?)"
            ));
        }
    }
}

/// Runs the `checks` whose name contains `only` (all of them if `None`),
/// each under [`supervise`], and panics with every failure named.
pub(crate) fn run_checks(subject: &str, checks: Vec<(&'static str, Job)>, only: Option<&str>, stall: Duration) {
    let names: Vec<&str> = checks.iter().map(|(name, _)| *name).collect();
    let chosen: Vec<_> = checks
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|only| name.contains(only)))
        .collect();
    if chosen.is_empty() {
        panic!(
            "no check's name contains {:?}; the checks are:\n  - {}",
            only.unwrap_or_default(),
            names.join("\n  - ")
        );
    }
    let failures: Vec<String> = chosen
        .into_iter()
        .filter_map(|(name, job)| supervise(name, stall, job).err().map(|why| format!("{name}: {why}")))
        .collect();
    if !failures.is_empty() {
        panic!(
            "{subject} broke {} promise(s):\n  - {}",
            failures.len(),
            failures.join("\n  - ")
        );
    }
}

/// Runs `test` on its own thread and panics if it has not finished within
/// `limit`, so that a lost wake fails a test instead of hanging it. A panic
/// in `test` is passed on. Use it to bound your own tests of a policy or a
/// timer queue (`tests/common`'s `with_deadline` is the same helper for the
/// tests inside this repository).
///
/// ```
/// use std::time::Duration;
/// let sum = runloop::scheduler::conformance::with_deadline(Duration::from_secs(10), || {
///     runloop::run(async { runloop::spawn(async { 40 + 2 }).await.unwrap() })
/// });
/// assert_eq!(sum, 42);
/// ```
///
/// # Panics
/// If `test` panics, or is still running after `limit` (its thread is then
/// left behind: a thread cannot be stopped from outside).
pub fn with_deadline<T: Send + 'static>(limit: Duration, test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, outcome) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(test());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            value
        }
        Err(RecvTimeoutError::Timeout) => {
            panic!("the test did not finish within {limit:?}: a wake was lost or the loop hung")
        }
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(payload) => panic::resume_unwind(payload),
            Ok(()) => unreachable!("the test's thread ended without a result"),
        },
    }
}
