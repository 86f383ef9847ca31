//! A line-based chat room on one thread: asyncio's classic
//! `start_server` + `readline` example, with owned halves and buffered
//! streams (`examples/support/chat_room.rs` has the room).
//!
//! ```text
//! cargo run --release --example chat_server [ADDR]
//!     serve on ADDR (default 127.0.0.1:0, a free port, printed) until
//!     killed; talk to it with `nc 127.0.0.1 PORT` from a few terminals.
//! cargo run --release --example chat_server -- --bot N [--messages M]
//!     start a room on 127.0.0.1, connect N scripted clients that each
//!     send M lines (default 5), print what each saw, and check that every
//!     line reached every other client in its sender's order.
//! ```
//!
//! No network needed: everything is on 127.0.0.1.

#[path = "support/chat_bots.rs"]
mod chat_bots;
#[path = "support/chat_room.rs"]
mod chat_room;

use chat_room::Room;
use runloop::future::select;
use runloop::net::TcpListener;
use runloop::sync::oneshot;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: chat_server [ADDR]\n       chat_server --bot N [--messages M]";

enum Mode {
    Serve(String),
    Bots { bots: usize, messages: usize },
}

fn parse(args: &[String]) -> Result<Mode, String> {
    let number = |flag: &str, value: Option<&String>| -> Result<usize, String> {
        let value = value.ok_or_else(|| format!("{flag} needs a number"))?;
        match value.parse::<usize>() {
            Ok(n) if (1..=10_000).contains(&n) => Ok(n),
            _ => Err(format!("{flag}: {value:?} is not a number from 1 to 10000")),
        }
    };
    match args {
        [] => Ok(Mode::Serve("127.0.0.1:0".into())),
        [addr] if !addr.starts_with('-') => Ok(Mode::Serve(addr.clone())),
        [flag, n] if flag == "--bot" => Ok(Mode::Bots {
            bots: number("--bot", Some(n))?,
            messages: 5,
        }),
        [flag, n, flag2, m] if flag == "--bot" && flag2 == "--messages" => Ok(Mode::Bots {
            bots: number("--bot", Some(n))?,
            messages: number("--messages", Some(m))?,
        }),
        _ => Err("unexpected arguments".into()),
    }
}

fn main() -> ExitCode {
    env_logger::init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Mode::Serve(addr)) => serve(&addr),
        Ok(Mode::Bots { bots, messages }) => with_bots(bots, messages),
        Err(why) => {
            eprintln!("chat_server: {why}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn serve(addr: &str) -> ExitCode {
    runloop::run(async {
        let listener = match TcpListener::bind(addr).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("chat_server: cannot listen on {addr}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let local = listener.local_addr().expect("a bound listener has an address");
        println!(
            "chat room on {local}: connect with `nc {} {}`",
            local.ip(),
            local.port()
        );
        println!("each client is a task reading lines (BufReader) and a task writing them (BufWriter).");
        chat_room::serve(listener, Rc::new(Room::default())).await;
        ExitCode::SUCCESS // not reached: the room serves until the process is killed
    })
}

fn with_bots(bots: usize, messages: usize) -> ExitCode {
    // The room on a thread of its own: one thread, one loop, every client.
    let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        runloop::run(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let room = Rc::new(Room::default());
            // Serve until the bots are done (the room itself never stops).
            let _stopped = select(chat_room::serve(listener, room.clone()), stopped).await;
            room.delivered.get()
        })
    });
    let addr = addr_rx.recv().expect("the room starts");
    println!("room on {addr}; {bots} bots, {messages} lines each\n");

    let started = Instant::now();
    let keep = bots <= 5;
    let outcome = runloop::run(runloop::time::timeout(
        Duration::from_secs(300),
        chat_bots::run_bots(addr, bots, messages, keep),
    ));
    let _ = stop.send(());
    let delivered = server.join().expect("the room's thread");
    let took = started.elapsed();

    let reports = match outcome {
        Ok(Ok(reports)) => reports,
        Ok(Err(error)) => {
            eprintln!("chat_server: a bot failed: {error}");
            return ExitCode::FAILURE;
        }
        Err(_) => {
            eprintln!("chat_server: the bots did not finish within 300 s");
            return ExitCode::FAILURE;
        }
    };
    let expected = (bots - 1) * messages;
    let mut ok = true;
    for report in &reports {
        if keep {
            println!("{} saw:", report.nick);
            for line in &report.transcript {
                println!("    {line}");
            }
        }
        if report.chat_lines != expected || report.out_of_order > 0 {
            ok = false;
            println!(
                "{}: {} of {expected} lines, {} out of order",
                report.nick, report.chat_lines, report.out_of_order
            );
        }
    }
    let total: usize = reports.iter().map(|report| report.chat_lines).sum();
    println!(
        "\n{total} chat lines delivered ({bots} bots × {expected} each), the room handed {delivered} lines \
         (chat and notices) to outboxes, in {took:.2?}"
    );
    if ok {
        println!("every line reached every other bot, in its sender's order.");
        ExitCode::SUCCESS
    } else {
        println!("some lines were missing or out of order.");
        ExitCode::FAILURE
    }
}
