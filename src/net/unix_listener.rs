//! # `UnixListener`: accepting connections on a path
//!
//! asyncio's `start_unix_server(handler, path)`; here, as for TCP, the
//! listener is a value and a server is a loop of `accept().await` and
//! `spawn`. Accepting works exactly as in `tcp_listener.rs`.
//!
//! ## The socket file
//! Binding creates a file at the path, and the file outlives the socket
//! unless someone removes it. Two rules keep that tidy:
//! - **binding to a path that exists is an error naming the path.** The
//!   path may be another server's live socket, or a regular file; it is
//!   not ours to delete. (asyncio deletes an existing *socket* file before
//!   binding, which silently steals the path from a server still running.)
//! - **dropping the listener removes its socket file**, as asyncio does
//!   since Python 3.13 (`cleanup_socket=True`) — but only if the path
//!   still names the very file this listener created (same device and
//!   inode), so a file someone put there since is left alone.
//!
//! A program that crashed leaves its socket file behind; the next `bind`
//! then fails with "already exists", which says what to remove.
//!
//! Dropped at an `.await` in `accept`: no connection is taken; one that
//! arrived waits in the kernel's queue for the next `accept`.

use super::UnixStream;
use super::registration::Registered;
use super::to_socket_addrs::quoted;
use crate::reactor::Direction;
use std::future::poll_fn;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::task::{Context, Poll};

/// A Unix domain socket listening for connections: asyncio's
/// `start_unix_server`. See [`UnixStream`] for an example.
#[doc(alias = "start_unix_server")]
pub struct UnixListener {
    io: Registered<mio::net::UnixListener>,
    /// The socket file to remove on drop: its path, device and inode.
    socket_file: Option<(PathBuf, u64, u64)>,
}

impl UnixListener {
    /// Creates a socket file at `path` and listens on it. Fails with
    /// `AddrInUse`, naming the path, if anything exists there already; the
    /// directory must exist. The file is removed when the listener is
    /// dropped.
    ///
    /// # Panics
    /// Outside a runtime.
    #[doc(alias = "start_unix_server")]
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        let path = path.as_ref();
        let shown = || quoted(&path.to_string_lossy());
        let listener = mio::net::UnixListener::bind(path).map_err(|error| match error.kind() {
            io::ErrorKind::AddrInUse => io::Error::new(
                error.kind(),
                format!(
                    "bind {}: the path already exists (another server's socket, or one left \
                     behind by a program that crashed: remove it if nothing uses it)",
                    shown()
                ),
            ),
            _ => io::Error::new(error.kind(), format!("bind {}: {error}", shown())),
        })?;
        // Remember which file we made; if we cannot tell, never remove it.
        let socket_file = std::fs::symlink_metadata(path)
            .ok()
            .map(|made| (path.to_path_buf(), made.dev(), made.ino()));
        Ok(UnixListener {
            io: Registered::new(listener, "UnixListener::bind")?,
            socket_file,
        })
    }

    /// Adopts a listener made with `std` (switching it to non-blocking).
    /// Its socket file is not removed on drop: whoever bound it owns it.
    pub fn from_std(listener: std::os::unix::net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        Ok(UnixListener {
            io: Registered::new(mio::net::UnixListener::from_std(listener), "UnixListener")?,
            socket_file: None,
        })
    }

    /// Waits for the next connection: the stream and the peer's address
    /// (usually unnamed). One task at a time may wait (`&mut self`).
    pub async fn accept(&mut self) -> io::Result<(UnixStream, SocketAddr)> {
        poll_fn(|cx| self.poll_accept(cx)).await
    }

    /// The poll behind [`UnixListener::accept`].
    pub fn poll_accept(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        match self.io.poll_io(Direction::Read, cx, |listener| listener.accept()) {
            Poll::Ready(Ok((stream, peer))) => Poll::Ready(UnixStream::from_mio(stream).map(|stream| (stream, peer))),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The address this listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.source().local_addr()
    }
}

impl Drop for UnixListener {
    fn drop(&mut self) {
        let Some((path, dev, ino)) = self.socket_file.take() else {
            return;
        };
        let still_ours = std::fs::symlink_metadata(&path).is_ok_and(|now| now.dev() == dev && now.ino() == ino);
        if still_ours && let Err(error) = std::fs::remove_file(&path) {
            log::debug!(target: "runloop::net", "could not remove the socket file {}: {error}", path.display());
        }
    }
}

impl std::fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnixListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}
