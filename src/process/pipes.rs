//! # A child's stdin, stdout and stderr: pipes in the reactor
//!
//! `Stdio::piped()` makes the kernel create a pipe for each stream; `std`
//! hands us our end as a blocking `ChildStdout` (and friends). We take its
//! file descriptor, switch it to non-blocking and register it with the
//! reactor, after which a pipe is read exactly like a socket: try, and on
//! `WouldBlock` wait for the next readiness event. asyncio's
//! `create_subprocess_exec` does the same with `connect_read_pipe`, giving
//! a `StreamReader`.
//!
//! End of stream (a read of 0) means the child closed its end, usually by
//! exiting. Dropping [`ChildStdin`] closes our end, which is how a child
//! reading its input until end of file learns there is no more.
//!
//! Dropped futures: a `read` or `write` dropped at its `.await` has moved
//! no bytes; nothing is lost.

use crate::net::{AsyncRead, AsyncWrite};
use crate::signal::registered_fd::RegisteredFd;
use std::io;
use std::os::fd::OwnedFd;
use std::task::{Context, Poll};

macro_rules! pipe_end {
    ($name:ident, $std:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $name {
            io: RegisteredFd,
        }

        impl $name {
            pub(super) fn new(end: $std) -> io::Result<$name> {
                Ok($name {
                    io: RegisteredFd::new(OwnedFd::from(end), concat!("process::", stringify!($name)))?,
                })
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

pipe_end!(
    ChildStdin,
    std::process::ChildStdin,
    "The child's standard input, written without blocking the loop; drop it to send end of file."
);
pipe_end!(
    ChildStdout,
    std::process::ChildStdout,
    "The child's standard output, read without blocking the loop."
);
pipe_end!(
    ChildStderr,
    std::process::ChildStderr,
    "The child's standard error, read without blocking the loop."
);

impl AsyncWrite for ChildStdin {
    fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }
}
