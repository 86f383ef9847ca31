//! A TCP echo server on runloop: one task per connection, stopped
//! gracefully by Ctrl-C.
//!
//! `cargo run --release --example echo_server [ADDR]` (default 127.0.0.1:0,
//! which picks a free port and prints it). Try it with
//! `nc 127.0.0.1 PORT` and type a line. Ctrl-C stops accepting, gives the
//! connected clients five seconds to hang up, then cuts the rest and says
//! how many of each there were.

use runloop::future::{Either, select};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::sync::{Event, Notify};
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

const GRACE: Duration = Duration::from_secs(5);

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

/// What the connections share with the accept loop, for the shutdown.
#[derive(Default)]
struct Connections {
    open: Cell<usize>,
    closed: Notify,
    cut: Event,
    cut_count: Cell<usize>,
}

fn main() {
    env_logger::init();
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    runloop::run(async move {
        let mut listener = match TcpListener::bind(addr.as_str()).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("echo_server: cannot listen on {addr}: {error}");
                std::process::exit(1);
            }
        };
        let mut ctrl_c = std::pin::pin!(runloop::signal::ctrl_c());
        println!(
            "echo server listening on {} (Ctrl-C to stop)",
            listener.local_addr().unwrap()
        );
        let connections = Rc::new(Connections::default());
        loop {
            match select(listener.accept(), ctrl_c.as_mut()).await {
                Either::Left(Ok((stream, peer))) => {
                    println!("{peer}: connected");
                    let connections = connections.clone();
                    connections.open.set(connections.open.get() + 1);
                    runloop::spawn(async move {
                        match select(echo(stream), connections.cut.wait()).await {
                            Either::Left(Ok(bytes)) => println!("{peer}: closed after echoing {bytes} bytes"),
                            Either::Left(Err(error)) => println!("{peer}: {error}"),
                            Either::Right(()) => {
                                println!("{peer}: cut at the deadline");
                                connections.cut_count.set(connections.cut_count.get() + 1);
                            }
                        }
                        connections.open.set(connections.open.get() - 1);
                        connections.closed.notify_waiters();
                    });
                }
                Either::Left(Err(error)) => eprintln!("accept failed: {error}"),
                Either::Right(Ok(())) => break,
                Either::Right(Err(error)) => {
                    eprintln!("echo_server: cannot listen for Ctrl-C: {error}");
                    std::process::exit(1);
                }
            }
        }
        drop(listener);
        let at_stop = connections.open.get();
        println!("\nCtrl-C: no longer accepting; {at_stop} client(s) connected get {GRACE:?} to hang up");
        let all_closed = async {
            while connections.open.get() > 0 {
                connections.closed.notified().await;
            }
        };
        if runloop::time::timeout(GRACE, all_closed).await.is_err() {
            connections.cut.set();
            while connections.open.get() > 0 {
                connections.closed.notified().await;
            }
        }
        let cut = connections.cut_count.get();
        println!(
            "stopped: {} connection(s) finished on their own, {cut} cut",
            at_stop - cut
        );
    });
}
