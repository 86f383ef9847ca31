//! # Networking: TCP on the reactor
//!
//! Sockets here are mio's non-blocking sockets, registered with the running
//! loop's reactor. Every operation is tried at once; only when the kernel
//! answers `WouldBlock` does the task store its waker and return `Pending`.
//! This is what asyncio's selector event loop does under `sock_recv`,
//! `sock_sendall` and `sock_connect`.
//!
//! Files, in reading order: `registration.rs` (a socket plus its reactor
//! slot, and the retry-until-`WouldBlock` loop), `async_io.rs` (the
//! [`AsyncRead`]/[`AsyncWrite`] traits and their `read_exact`, `write_all`…),
//! `tcp_listener.rs`, `tcp_stream.rs`. (`fault.rs` is test support, built
//! only with the `fault-injection` cargo feature: it makes the reactor
//! report readiness the kernel did not.)
//!
//! Failures are `io::Error`s carrying the kernel's error kind, never panics
//! (the one exception: creating a socket outside a runtime panics, since
//! there is no reactor to register it with).

mod async_io;
#[cfg(feature = "fault-injection")]
mod fault;
mod registration;
mod tcp_listener;
mod tcp_stream;

pub use async_io::{AsyncRead, AsyncWrite};
#[cfg(feature = "fault-injection")]
pub use fault::{Injected, ReadinessInjector};
pub use tcp_listener::TcpListener;
pub use tcp_stream::{ReadHalf, TcpStream, WriteHalf};
