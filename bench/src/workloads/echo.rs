//! # W6 — TCP echo on 127.0.0.1
//!
//! A server and 50 clients on the same loop. The server accepts, and runs a
//! task per connection that writes back whatever it reads. Each client
//! connects, then 2,000 times writes 64 bytes and reads the 64 bytes back,
//! checking them. One operation is one round trip: 100,000 per run.
//!
//! Both sides live on one thread, so a round trip is: client write (a
//! syscall), the server's socket becomes readable, `epoll_wait` reports it,
//! the server task is woken and polled, reads (a syscall), writes (a
//! syscall), the client's socket becomes readable, and the client reads.
//! What differs between runtimes is how many *extra* syscalls they make
//! (reads that find nothing, `epoll_wait`s that could have been merged) and
//! how cheaply readiness turns into a poll. `bench/syscalls.sh` counts the
//! syscalls.
//!
//! Same settings everywhere: `TCP_NODELAY` on both ends, a 4 KiB read
//! buffer on the server, the runtime's own listener, stream and
//! read/write helpers (`read_exact`, `write_all`). Connecting is inside the
//! timed region (50 connects against 100,000 round trips); binding is not.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Instant;

const CONNECTIONS: usize = 50;
const ROUND_TRIPS: usize = 2_000;
const MESSAGE: usize = 64;
const OPS: u64 = (CONNECTIONS * ROUND_TRIPS) as u64;

pub fn workload() -> Workload {
    Workload {
        id: "W6",
        title: "TCP echo: 50 connections x 2,000 round trips of 64 bytes",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 1.0,
            against: None,
        },
        cases,
    }
}

fn any_port() -> SocketAddr {
    "127.0.0.1:0".parse().expect("an address")
}

/// What client `n` sends: 64 bytes it can recognise.
fn message(n: usize) -> [u8; MESSAGE] {
    [n as u8; MESSAGE]
}

fn cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    vec![
        Case::new("runloop", move || runloop.block_on(runloop_echo())),
        Case::new("tokio", move || tokio.block_on(tokio_echo())),
        Case::new("smol", move || smol_block_on(&smol, smol_echo(&smol))),
    ]
}

async fn runloop_echo() -> f64 {
    use runloop::net::{AsyncRead, AsyncWrite, TcpListener, TcpStream};
    let mut listener = TcpListener::bind(any_port()).await.expect("bind");
    let address = listener.local_addr().expect("address");
    let started = Instant::now();
    let server = runloop::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).expect("nodelay");
            runloop::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    match stream.read(&mut buf).await.expect("server read") {
                        0 => break,
                        n => stream.write_all(&buf[..n]).await.expect("server write"),
                    }
                }
            });
        }
    });
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            runloop::spawn(async move {
                let mut stream = TcpStream::connect(address).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (sent, mut echoed) = (message(n), [0u8; MESSAGE]);
                for _ in 0..ROUND_TRIPS {
                    stream.write_all(&sent).await.expect("client write");
                    stream.read_exact(&mut echoed).await.expect("client read");
                    assert_eq!(echoed, sent);
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("client");
    }
    let cost = per_op(started.elapsed(), OPS);
    server.abort();
    cost
}

async fn tokio_echo() -> f64 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind(any_port()).await.expect("bind");
    let address = listener.local_addr().expect("address");
    let started = Instant::now();
    let server = tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).expect("nodelay");
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                loop {
                    match stream.read(&mut buf).await.expect("server read") {
                        0 => break,
                        n => stream.write_all(&buf[..n]).await.expect("server write"),
                    }
                }
            });
        }
    });
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(address).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (sent, mut echoed) = (message(n), [0u8; MESSAGE]);
                for _ in 0..ROUND_TRIPS {
                    stream.write_all(&sent).await.expect("client write");
                    stream.read_exact(&mut echoed).await.expect("client read");
                    assert_eq!(echoed, sent);
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("client");
    }
    let cost = per_op(started.elapsed(), OPS);
    server.abort();
    cost
}

async fn smol_echo(executor: &Rc<smol::LocalExecutor<'static>>) -> f64 {
    use smol::Async;
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    use std::net::{TcpListener, TcpStream};
    let listener = Async::<TcpListener>::bind(any_port()).expect("bind");
    let address = listener.get_ref().local_addr().expect("address");
    let started = Instant::now();
    let server = executor.spawn({
        let executor = executor.clone();
        async move {
            loop {
                let (mut stream, _) = listener.accept().await.expect("accept");
                stream.get_ref().set_nodelay(true).expect("nodelay");
                executor
                    .spawn(async move {
                        let mut buf = [0u8; 4096];
                        loop {
                            match stream.read(&mut buf).await.expect("server read") {
                                0 => break,
                                n => stream.write_all(&buf[..n]).await.expect("server write"),
                            }
                        }
                    })
                    .detach();
            }
        }
    });
    let clients: Vec<_> = (0..CONNECTIONS)
        .map(|n| {
            executor.spawn(async move {
                let mut stream = Async::<TcpStream>::connect(address).await.expect("connect");
                stream.get_ref().set_nodelay(true).expect("nodelay");
                let (sent, mut echoed) = (message(n), [0u8; MESSAGE]);
                for _ in 0..ROUND_TRIPS {
                    stream.write_all(&sent).await.expect("client write");
                    stream.read_exact(&mut echoed).await.expect("client read");
                    assert_eq!(echoed, sent);
                }
            })
        })
        .collect();
    for client in clients {
        client.await;
    }
    let cost = per_op(started.elapsed(), OPS);
    drop(server); // cancels the accept loop
    cost
}
