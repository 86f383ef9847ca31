//! # Networking: TCP, UDP and Unix sockets on the reactor
//!
//! Sockets here are mio's non-blocking sockets, registered with the running
//! loop's reactor. Every operation is tried at once; only when the kernel
//! answers `WouldBlock` does the task store its waker and return `Pending`.
//! This is what asyncio's selector event loop does under `sock_recv`,
//! `sock_sendall` and `sock_connect`.
//!
//! Files, in reading order:
//! - `registration.rs` — a socket plus its reactor slot, the
//!   retry-until-`WouldBlock` loop, and the byte-stream read, write and
//!   connect built on it;
//! - `async_io.rs` — the [`AsyncRead`]/[`AsyncWrite`] traits and their
//!   `read_exact`, `write_all`, `flush`…;
//! - `to_socket_addrs.rs` — [`ToSocketAddrs`]: an address, or a host name
//!   and a port, parsed without a system call;
//! - `resolver.rs` — [`lookup_host`] (asyncio's `getaddrinfo`): names
//!   looked up on a small pool of the resolver's own, and each address
//!   tried in turn;
//! - `tcp_listener.rs`, `tcp_stream.rs` — TCP;
//! - `split.rs` — borrowed and owned halves of a stream, and why one waker
//!   per direction is enough;
//! - `udp_socket.rs` — [`UdpSocket`]: datagrams, no stream;
//! - `unix_listener.rs`, `unix_stream.rs` — Unix domain sockets, a stream
//!   like TCP's with a path for an address.
//!
//! (`fault.rs` is test support, built only with the `fault-injection` cargo
//! feature: it makes the reactor report readiness the kernel did not.)
//! Line-by-line reading (`readline`) is in [`crate::io`], on top of any
//! [`AsyncRead`].
//!
//! Failures are `io::Error`s carrying the kernel's error kind, never panics
//! (the one exception: creating a socket outside a runtime panics, since
//! there is no reactor to register it with).

mod async_io;
#[cfg(feature = "fault-injection")]
mod fault;
mod registration;
mod resolver;
mod split;
mod tcp_listener;
mod tcp_stream;
mod to_socket_addrs;
mod udp_socket;
mod unix_listener;
mod unix_stream;

pub use async_io::{AsyncRead, AsyncWrite};
#[cfg(feature = "fault-injection")]
pub use fault::{Injected, ReadinessInjector};
pub(crate) use registration::Registered;
pub use resolver::{RESOLVER_THREADS, lookup_host};
#[cfg(feature = "futures-io")]
pub(crate) use split::shared::SharedStream;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use tcp_listener::TcpListener;
pub use tcp_stream::TcpStream;
pub use to_socket_addrs::ToSocketAddrs;
pub use udp_socket::UdpSocket;
pub use unix_listener::UnixListener;
pub use unix_stream::UnixStream;
