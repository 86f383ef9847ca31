//! # Child processes: more fds for the reactor
//!
//! asyncio's `create_subprocess_exec` starts a program and hands back a
//! `Process` whose `stdout` is a `StreamReader` and whose `wait()` is a
//! coroutine. Nothing about that needs a thread: a child's pipes are file
//! descriptors, read without blocking like sockets (`pipes.rs`), and its
//! exit is one more readiness event, a *pidfd* becoming readable
//! (`child.rs`). So [`Command`] wraps `std::process::Command` for starting
//! the program (`fork`/`exec` done right, with its error reporting), and
//! everything after the start goes through the loop.
//!
//! Files, in reading order: `pipes.rs` (stdin/stdout/stderr in the
//! reactor), `child.rs` (waiting for the exit, killing, reaping), then this
//! one: [`Command`] and [`Command::output`], asyncio's `communicate()`.
//!
//! ## `output()` and the pipe deadlock
//! A pipe holds 64 KiB. A child that writes a lot to stderr while we read
//! only stdout blocks once the stderr pipe is full, and then never closes
//! stdout: a deadlock, the classic one `communicate()` exists to avoid.
//! [`Command::output`] reads both pipes *at the same time* (one future
//! polling two reads) and only then waits for the exit.
//!
//! Dropped futures: dropping `output()` at its `.await` drops the child,
//! which is then reaped (killed first only with `kill_on_drop`); see
//! `child.rs`.

mod child;
mod pipes;

pub use child::Child;
pub use pipes::{ChildStderr, ChildStdin, ChildStdout};
pub use std::process::{ExitStatus, Output, Stdio};

use crate::net::AsyncRead;
use std::ffi::{OsStr, OsString};
use std::future::poll_fn;
use std::io;
use std::path::Path;
use std::pin::pin;
use std::task::Poll;

/// A program to start, with its arguments, environment and stdio; asyncio's
/// `create_subprocess_exec(program, *args, stdout=PIPE, ...)`.
#[doc(alias = "create_subprocess_exec")]
#[doc(alias = "Popen")]
pub struct Command {
    inner: std::process::Command,
    program: OsString,
    stdin_set: bool,
    stdout_set: bool,
    stderr_set: bool,
    kill_on_drop: bool,
}

impl Command {
    /// A command to run `program` (looked up in `PATH` unless it contains
    /// a `/`), with no arguments, our environment and our stdio.
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            inner: std::process::Command::new(program.as_ref()),
            program: program.as_ref().to_owned(),
            stdin_set: false,
            stdout_set: false,
            stderr_set: false,
            kill_on_drop: false,
        }
    }

    /// Adds one argument.
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds several arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&mut self, args: I) -> &mut Command {
        self.inner.args(args);
        self
    }

    /// Sets one environment variable for the child.
    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Command {
        self.inner.env(key, value);
        self
    }

    /// Removes one environment variable from what the child inherits.
    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Command {
        self.inner.env_remove(key);
        self
    }

    /// The child inherits no environment variables except those set here.
    pub fn env_clear(&mut self) -> &mut Command {
        self.inner.env_clear();
        self
    }

    /// The directory the child starts in.
    #[doc(alias = "cwd")]
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// The child's stdin: [`Stdio::piped()`] (write it through
    /// [`Child::stdin`]), [`Stdio::inherit()`] (ours, the default for
    /// `spawn`) or [`Stdio::null()`].
    pub fn stdin(&mut self, how: impl Into<Stdio>) -> &mut Command {
        self.inner.stdin(how);
        self.stdin_set = true;
        self
    }

    /// The child's stdout; see [`stdin`](Command::stdin).
    pub fn stdout(&mut self, how: impl Into<Stdio>) -> &mut Command {
        self.inner.stdout(how);
        self.stdout_set = true;
        self
    }

    /// The child's stderr; see [`stdin`](Command::stdin).
    pub fn stderr(&mut self, how: impl Into<Stdio>) -> &mut Command {
        self.inner.stderr(how);
        self.stderr_set = true;
        self
    }

    /// Kill the child (SIGKILL) if its [`Child`] is dropped while it still
    /// runs. Default `false`: the child is left running and reaped by a
    /// small thread when it exits (see `child.rs`).
    pub fn kill_on_drop(&mut self, kill: bool) -> &mut Command {
        self.kill_on_drop = kill;
        self
    }

    /// Starts the program. A program that cannot be started (not found,
    /// not executable, a missing `current_dir`) is an error naming it.
    ///
    /// # Panics
    /// Outside a runtime (the child's pipes and pidfd need its reactor).
    pub fn spawn(&mut self) -> io::Result<Child> {
        let child = self
            .inner
            .spawn()
            .map_err(|error| io::Error::new(error.kind(), format!("cannot run {:?}: {error}", self.program)))?;
        Child::new(child, self.kill_on_drop)
    }

    /// Starts the program and waits for its exit status.
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        self.spawn()?.wait().await
    }

    /// Runs the program to its end and collects its stdout and stderr,
    /// read concurrently (see the module notes): asyncio's
    /// `communicate()`. Unless set otherwise on this command, stdout and
    /// stderr become piped and stdin null (and stay so for later calls).
    #[doc(alias = "communicate")]
    pub async fn output(&mut self) -> io::Result<Output> {
        if !self.stdin_set {
            self.stdin(Stdio::null());
        }
        if !self.stdout_set {
            self.stdout(Stdio::piped());
        }
        if !self.stderr_set {
            self.stderr(Stdio::piped());
        }
        let mut child = self.spawn()?;
        let mut out = pin!(read_all(child.stdout.take()));
        let mut err = pin!(read_all(child.stderr.take()));
        let (mut stdout, mut stderr) = (None, None);
        // Both reads make progress in the same poll: whichever pipe has
        // data is emptied, so the child never blocks on a full one.
        poll_fn(|cx| {
            if stdout.is_none()
                && let Poll::Ready(read) = out.as_mut().poll(cx)
            {
                stdout = Some(read);
            }
            if stderr.is_none()
                && let Poll::Ready(read) = err.as_mut().poll(cx)
            {
                stderr = Some(read);
            }
            match stdout.is_some() && stderr.is_some() {
                true => Poll::Ready(()),
                false => Poll::Pending,
            }
        })
        .await;
        let status = child.wait().await?;
        Ok(Output {
            status,
            stdout: stdout.expect("read finished")?,
            stderr: stderr.expect("read finished")?,
        })
    }
}

/// Everything `pipe` gives until end of stream (nothing if not piped).
async fn read_all(pipe: Option<impl AsyncRead>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_end(&mut bytes).await?;
    }
    Ok(bytes)
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}
