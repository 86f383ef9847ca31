//! # A running child: its pipes, its exit, and no zombies
//!
//! When a child process exits, the kernel keeps a small record of it (a
//! *zombie*) until the parent collects the exit status with `waitpid`.
//! [`Child::wait`] must collect it without blocking the loop, and a
//! `Child` dropped without waiting must not leave a zombie behind.
//!
//! ## How the exit reaches the loop
//! On Linux 5.3 and later, `pidfd_open(pid)` gives a file descriptor that
//! becomes *readable* when the process exits. We register it with the
//! reactor like any socket, so waiting for a child is waiting for one more
//! readiness event; when it comes, a non-blocking `waitpid` (`std`'s
//! `try_wait`) collects the status:
//!
//! ```text
//!   child exits ─► kernel: pidfd readable ─► epoll_wait returns
//!     ─► wait() polled ─► try_wait() = waitpid(pid, WNOHANG) ─► ExitStatus
//! ```
//!
//! On an older kernel (`pidfd_open` says `ENOSYS`) we fall back to polling
//! `try_wait` on a timer, 1 ms at first and backing off to 50 ms: simple
//! and correct, at the price of a little latency. asyncio's alternative, a
//! SIGCHLD handler plus a watcher thread, is more machinery than this
//! lesson needs. On macOS, kqueue's `EVFILT_PROC` with `NOTE_EXIT` plays
//! the pidfd's part.
//!
//! ## Dropping a `Child`
//! If the child has exited, dropping reaps it at once. If it is still
//! running, it is killed first when the command asked for
//! [`kill_on_drop`](super::Command::kill_on_drop); either way a small
//! thread then waits for it (a blocking `waitpid`), so no zombie stays.
//! tokio keeps an "orphan queue" reaped on SIGCHLD instead; a thread per
//! forgotten child is easier to read and costs nothing unless you forget.
//!
//! Dropped futures: [`Child::wait`] dropped at its `.await` loses nothing;
//! the status stays with the child and the next `wait` finds it.

use super::pipes::{ChildStderr, ChildStdin, ChildStdout};
use crate::reactor::Direction;
use crate::signal::SignalKind;
use crate::signal::registered_fd::RegisteredFd;
use std::future::poll_fn;
use std::io;
use std::process::ExitStatus;
use std::time::Duration;

/// A child process started by [`Command::spawn`](super::Command::spawn).
#[doc(alias = "asyncio.subprocess.Process")]
pub struct Child {
    /// Our end of the child's stdin, if it was piped.
    pub stdin: Option<ChildStdin>,
    /// Our end of the child's stdout, if it was piped.
    pub stdout: Option<ChildStdout>,
    /// Our end of the child's stderr, if it was piped.
    pub stderr: Option<ChildStderr>,
    /// `Some` until the `Child` is dropped.
    inner: Option<std::process::Child>,
    /// The pidfd, or `None` where the kernel has none (then we poll).
    exit: Option<RegisteredFd>,
    kill_on_drop: bool,
}

impl Child {
    pub(super) fn new(mut inner: std::process::Child, kill_on_drop: bool) -> io::Result<Child> {
        let (stdin, stdout, stderr) = (inner.stdin.take(), inner.stdout.take(), inner.stderr.take());
        // If anything below fails, dropping `child` kills and reaps it.
        let mut child = Child {
            stdin: None,
            stdout: None,
            stderr: None,
            inner: Some(inner),
            exit: None,
            kill_on_drop: true,
        };
        // The pidfd first: the child cannot have been reaped yet (only we
        // reap it), so the pid still names it.
        child.exit = match crate::sys::pidfd_open(child.id()) {
            Ok(fd) => Some(RegisteredFd::new(fd, "process::Command::spawn")?),
            Err(error) if error.raw_os_error() == Some(libc::ENOSYS) => None,
            Err(error) => return Err(error),
        };
        child.stdin = stdin.map(ChildStdin::new).transpose()?;
        child.stdout = stdout.map(ChildStdout::new).transpose()?;
        child.stderr = stderr.map(ChildStderr::new).transpose()?;
        child.kill_on_drop = kill_on_drop;
        Ok(child)
    }

    fn inner(&mut self) -> &mut std::process::Child {
        self.inner.as_mut().expect("present until dropped")
    }

    /// The child's process id.
    #[doc(alias = "pid")]
    pub fn id(&self) -> u32 {
        self.inner.as_ref().expect("present until dropped").id()
    }

    /// The exit status if the child has exited (and reaps it), without
    /// waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.inner().try_wait()
    }

    /// Waits for the child to exit, without blocking the loop, and reaps
    /// it. Closes our end of its stdin first, so a child that reads until
    /// end of file can finish.
    #[doc(alias = "returncode")]
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let mut pause = Duration::from_millis(1);
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            match &self.exit {
                Some(pidfd) => {
                    poll_fn(|cx| pidfd.poll_ready(Direction::Read, cx)).await?;
                    // Readable means exited; if `try_wait` still says no,
                    // the event was spurious: wait for a real one.
                    if self.inner().try_wait()?.is_none()
                        && let Some(pidfd) = &self.exit
                    {
                        pidfd.forget_readiness(Direction::Read);
                    }
                }
                None => {
                    crate::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
            }
        }
    }

    /// Sends SIGKILL (asyncio's `Process.kill()`). Does not wait: call
    /// [`wait`](Child::wait) to collect the status, which then reports the
    /// signal. Killing a child that has already exited does nothing.
    pub fn kill(&mut self) -> io::Result<()> {
        self.inner().kill()
    }

    /// Sends `kind` to the child (asyncio's `Process.send_signal`), unless
    /// it has already exited and been reaped (then its pid may belong to
    /// someone else, so nothing is sent).
    pub fn send_signal(&mut self, kind: SignalKind) -> io::Result<()> {
        if self.try_wait()?.is_some() {
            return Ok(());
        }
        crate::sys::kill(self.id(), kind.as_raw())
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let Some(mut child) = self.inner.take() else { return };
        if let Ok(Some(_)) = child.try_wait() {
            return; // reaped now
        }
        if self.kill_on_drop {
            let _ = child.kill();
        }
        let pid = child.id();
        let reaper = std::thread::Builder::new()
            .name(format!("runloop reaper for {pid}"))
            .spawn(move || {
                let _ = child.wait();
            });
        if let Err(error) = reaper {
            log::warn!(target: "runloop::process", "child {pid} will stay a zombie: no reaper thread ({error})");
        }
    }
}

impl std::fmt::Debug for Child {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.inner.as_ref().map(|c| c.id()))
            .field("pidfd", &self.exit.is_some())
            .finish()
    }
}
