//! Load on 127.0.0.1: an echo server (the one in `examples/echo_server.rs`,
//! one task per connection) holds 5,000 connections open at once and
//! echoes every byte of each; then 100,000 short-lived connections, one
//! after another, leave no file descriptor behind.
//!
//! The tests in this file count file descriptors and raise the process's
//! limit, so they take turns (`ONE_AT_A_TIME`).
mod common;

use common::with_deadline;
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use std::cell::Cell;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Mutex;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The echo server's connection handler, as in `examples/echo_server.rs`.
async fn echo(mut stream: TcpStream) -> std::io::Result<u64> {
    let mut buf = [0u8; 8192];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// Makes sure this process may open `needed` files, raising the soft limit
/// up to the hard one if it must. Returns the limit, or why it cannot.
fn allow_open_files(needed: u64) -> Result<u64, String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable `rlimit` for the call to fill.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if limit.rlim_cur >= needed {
        return Ok(limit.rlim_cur);
    }
    if limit.rlim_max < needed {
        return Err(format!(
            "the hard limit on open files is {}, and {needed} are needed",
            limit.rlim_max
        ));
    }
    let raised = libc::rlimit {
        rlim_cur: needed,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: `raised` is a valid `rlimit`; raising the soft limit up to
    // the hard one needs no privilege.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
    }
    Ok(needed)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn pattern(connection: usize, offset: usize) -> u8 {
    (offset.wrapping_mul(13) ^ connection.wrapping_mul(101)) as u8
}

/// Connections in the concurrent test, and bytes each sends.
const CONCURRENT: usize = 5_000;
const BYTES_EACH: usize = 4_096;

#[test]
fn the_echo_server_holds_five_thousand_connections_and_echoes_every_byte() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poison| poison.into_inner());
    // Both ends of every connection live in this process.
    if let Err(why) = allow_open_files(2 * CONCURRENT as u64 + 256) {
        eprintln!("SKIPPED: cannot hold {CONCURRENT} connections here: {why}");
        return;
    }
    let (peak, echoed, took) = with_deadline(Duration::from_secs(120), || {
        let start = Instant::now();
        let (addr_sender, addr) = std::sync::mpsc::channel();
        // The server: its own thread and runtime, one task per connection.
        let server = std::thread::spawn(move || {
            runloop::run(async move {
                let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_sender.send(listener.local_addr().unwrap()).unwrap();
                let open = Rc::new(Cell::new(0usize));
                let peak = Rc::new(Cell::new(0usize));
                let mut connections = Vec::with_capacity(CONCURRENT);
                for _ in 0..CONCURRENT {
                    let (stream, _) = listener.accept().await.unwrap();
                    let (open, peak) = (open.clone(), peak.clone());
                    open.set(open.get() + 1);
                    peak.set(peak.get().max(open.get()));
                    connections.push(runloop::spawn(async move {
                        let echoed = echo(stream).await;
                        open.set(open.get() - 1);
                        echoed
                    }));
                }
                let mut echoed = 0;
                for connection in connections {
                    echoed += connection.await.unwrap().unwrap();
                }
                (peak.get(), echoed)
            })
        });
        let addr = addr.recv().unwrap();

        // The clients: connect all, and only when every one is connected
        // (the server holds them all) send, read the echo back, and close.
        let all_connected = runloop::run(async move {
            let connected = Rc::new(Cell::new(0usize));
            let go: Rc<std::cell::RefCell<Vec<Waker>>> = Rc::default();
            let mut clients = Vec::with_capacity(CONCURRENT);
            for wave in 0..CONCURRENT / 500 {
                let mut connecting = Vec::new();
                for n in wave * 500..(wave + 1) * 500 {
                    connecting.push(runloop::spawn(
                        async move { (n, TcpStream::connect(addr).await.unwrap()) },
                    ));
                }
                for connecting in connecting {
                    let (n, mut stream) = connecting.await.unwrap();
                    let (connected, go) = (connected.clone(), go.clone());
                    connected.set(connected.get() + 1);
                    clients.push(runloop::spawn(async move {
                        poll_fn(|cx| match connected.get() == CONCURRENT {
                            true => Poll::Ready(()),
                            false => {
                                go.borrow_mut().push(cx.waker().clone());
                                Poll::Pending
                            }
                        })
                        .await;
                        let data: Vec<u8> = (0..BYTES_EACH).map(|i| pattern(n, i)).collect();
                        stream.write_all(&data).await.unwrap();
                        let mut back = vec![0u8; BYTES_EACH];
                        stream.read_exact(&mut back).await.unwrap();
                        assert!(back == data, "connection {n}: the echo differs");
                        stream.shutdown(std::net::Shutdown::Write).unwrap();
                        assert_eq!(stream.read(&mut [0u8; 1]).await.unwrap(), 0, "then end of stream");
                    }));
                }
            }
            assert_eq!(connected.get(), CONCURRENT);
            for waker in go.borrow_mut().drain(..) {
                waker.wake();
            }
            for client in clients {
                client.await.unwrap();
            }
            connected.get()
        });
        let (peak, echoed) = server.join().unwrap();
        assert_eq!(all_connected, CONCURRENT);
        (peak, echoed, start.elapsed())
    });
    eprintln!("{CONCURRENT} connections, {peak} open at once, {echoed} bytes echoed in {took:?}");
    assert_eq!(peak, CONCURRENT, "the server held every connection at once");
    assert_eq!(echoed, (CONCURRENT * BYTES_EACH) as u64);
}

/// Short-lived connections in the sequential test. Full size in release
/// builds (about 10 s; `.ci/run` runs this file with `--release`); debug
/// builds, the plain `cargo test`, run a tenth.
const SEQUENTIAL: usize = if cfg!(debug_assertions) { 10_000 } else { 100_000 };

#[test]
fn a_hundred_thousand_short_connections_one_after_another_leak_no_descriptor() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poison| poison.into_inner());
    let (before, during, after, took) = with_deadline(Duration::from_secs(120), || {
        let start = Instant::now();
        let before = open_fds();
        let mut during = Vec::new();
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // The server answers eight bytes with the same eight, then
            // closes first, so that TIME_WAIT stays on its side and the
            // client's ports are free again at once.
            let server = runloop::spawn(async move {
                for _ in 0..SEQUENTIAL {
                    let (mut stream, _) = listener.accept().await.unwrap();
                    runloop::spawn(async move {
                        let mut buf = [0u8; 8];
                        stream.read_exact(&mut buf).await.unwrap();
                        stream.write_all(&buf).await.unwrap();
                    });
                }
            });
            for n in 0..SEQUENTIAL {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                let sent = (n as u64).to_le_bytes();
                stream.write_all(&sent).await.unwrap();
                let mut back = [0u8; 8];
                stream.read_exact(&mut back).await.unwrap();
                assert_eq!(back, sent, "connection {n}");
                let eof = runloop::time::timeout(Duration::from_secs(5), stream.read(&mut [0u8; 1])).await;
                let eof = eof.unwrap_or_else(|_| panic!("connection {n}: the server's end never closed"));
                assert_eq!(eof.unwrap(), 0, "connection {n}: the server closed");
                drop(stream);
                if (n + 1) % (SEQUENTIAL / 10) == 0 {
                    runloop::yield_now().await; // let the server's task finish
                    during.push(open_fds());
                }
            }
            server.await.unwrap();
        });
        (before, during, open_fds(), start.elapsed())
    });
    eprintln!(
        "{SEQUENTIAL} connections in {took:?}; open descriptors: {before} before, {during:?} during, {after} after"
    );
    assert_eq!(after, before, "descriptors leaked");
    let most = during.iter().max().copied().unwrap_or(before);
    assert!(most <= before + 8, "descriptors grew while running: {during:?}");
}
