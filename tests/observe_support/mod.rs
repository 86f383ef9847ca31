//! Helpers for the tests of the watching tools (`observe_*.rs`,
//! `inspect_*.rs`): a writer that keeps what the inspect mode writes, a
//! logger that keeps what the runtime logs, and a way to run one test of
//! this binary in a child process with an environment variable set and its
//! stderr captured (the environment forms of the tools, and what they
//! print on stderr, can only be seen from outside the process).
#![allow(dead_code)]

use std::cell::RefCell;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::rc::Rc;
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::Duration;

/// How long a child test may take before it is killed and the test fails.
const CHILD_LIMIT: Duration = Duration::from_secs(120);

/// Keeps every byte written to it; clones share the buffer.
#[derive(Clone, Default)]
pub struct Captured(Rc<RefCell<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.borrow().clone()).expect("inspect output is UTF-8")
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every log record of the process, as `level target: message`. Installed
/// once per test binary; each test reads the records that carry its own
/// runtime's label, so tests running in parallel do not see each other's.
struct KeptLog(Mutex<Vec<String>>);

impl log::Log for KeptLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("runloop") {
            let line = format!("{} {}: {}", record.level(), record.target(), record.args());
            self.0.lock().unwrap().push(line);
        }
    }
    fn flush(&self) {}
}

static LOG: OnceLock<&'static KeptLog> = OnceLock::new();

/// Installs the keeping logger (at trace level) if it is not yet.
pub fn keep_logs() {
    LOG.get_or_init(|| {
        let logger: &'static KeptLog = Box::leak(Box::new(KeptLog(Mutex::new(Vec::new()))));
        log::set_logger(logger).expect("no other logger in this test binary");
        log::set_max_level(log::LevelFilter::Trace);
        logger
    });
}

/// The log lines kept so far that contain `needle`.
pub fn logged(needle: &str) -> Vec<String> {
    let Some(logger) = LOG.get() else {
        return Vec::new();
    };
    logger
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|line| line.contains(needle))
        .cloned()
        .collect()
}

/// Runs the test named `test` of this very binary in a child process, with
/// `env` set (and the watching variables of the parent cleared), and
/// returns what it printed. The child test must be `#[ignore]`d so that it
/// runs only this way. A child that outlives `CHILD_LIMIT` is killed.
pub fn run_child(test: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("the test binary's path"));
    command.args([test, "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
    for variable in [
        "RUNLOOP_INSPECT",
        "RUNLOOP_SLOW_POLL",
        "RUNLOOP_TRACE",
        "RUNLOOP_TIMELINE",
    ] {
        command.env_remove(variable);
    }
    command.envs(env.iter().copied());
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = command.spawn().expect("the child test started");
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match finished.recv_timeout(CHILD_LIMIT) {
        Ok(output) => output.expect("the child test ran"),
        Err(_) => {
            // SAFETY: `pid` is the child this function started, still
            // unreaped (its waiter has not returned).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("child test {test} did not finish within {CHILD_LIMIT:?}");
        }
    };
    assert!(
        output.status.success(),
        "child test {test} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
