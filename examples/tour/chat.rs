//! Chapter: streams — a chat room on one thread, with three scripted
//! clients talking, and one that hangs up mid-line.

#[path = "../support/chat_bots.rs"]
mod chat_bots;
#[path = "../support/chat_room.rs"]
mod chat_room;

use chat_room::Room;
use runloop::io::BufReader;
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::time::timeout;
use std::rc::Rc;
use std::time::Duration;

pub fn run() {
    println!("asyncio's classic chat: start_server, then readline in a loop. Here each client");
    println!("is two tasks, one per owned half of its connection (into_split): a session task");
    println!("reading lines through a BufReader, and a writer task draining the client's outbox");
    println!("through a BufWriter. The room and all its clients below share one thread.\n");
    runloop::run(async {
        let listener = TcpListener::bind("localhost:0").await.expect("bind localhost");
        let addr = listener.local_addr().unwrap();
        println!("  bound \"localhost:0\" -> {addr} (the name looked up on the resolver's thread)");
        let room = Rc::new(Room::default());
        let server = runloop::spawn(chat_room::serve(listener, room.clone()));

        let reports = chat_bots::run_bots(addr, 3, 2, true).await.expect("the bots' script");
        for report in &reports {
            println!("\n  {} saw:", report.nick);
            for line in &report.transcript {
                println!("    {line}");
            }
        }
        println!("\n  Each bot heard the others' lines in the order they were sent; lines from two");
        println!("  senders interleave however the loop happened to run them.");

        println!("\n  Now a client that hangs up in the middle of a line, as a watcher sees it:");
        let (read, _write) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut watcher = BufReader::new(read).lines();
        let mut rude = TcpStream::connect(addr).await.unwrap();
        rude.write_all(b"hello all\ngoodbye, every").await.unwrap();
        drop(rude);
        loop {
            match timeout(Duration::from_secs(5), watcher.next_line()).await {
                Ok(Ok(Some(line))) => {
                    println!("    {line}");
                    if line.contains(" left") {
                        break;
                    }
                }
                other => {
                    println!("    (unexpected: {other:?})");
                    break;
                }
            }
        }
        println!("  read_line handed back \"goodbye, every\" without its '\\n' (asyncio's rule for");
        println!("  a stream that ends mid-line); the room took that as \"unfinished\" and dropped it.");
        println!("  The room passed {} lines to outboxes in all.", room.delivered.get());
        server.abort();
    });
}
