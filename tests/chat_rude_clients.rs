//! The chat server stays up and fair whatever one client does: a client
//! that disconnects mid-line is announced and its unfinished line is never
//! broadcast; an over-long line and a line that is not UTF-8 are refused
//! with a notice and the client goes on; a client that stops reading is
//! dropped after the room's bound, while the others keep hearing
//! everything.
#[path = "../examples/support/chat_room.rs"]
mod chat_room;
mod common;

use chat_room::Room;
use common::{scaled, with_deadline};
use runloop::io::{BufReader, Lines};
use runloop::net::{OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::time::timeout;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

struct Client {
    lines: Lines<OwnedReadHalf<TcpStream>>,
    write: OwnedWriteHalf<TcpStream>,
}

impl Client {
    /// Connects and reads the welcome.
    async fn join(addr: SocketAddr) -> Client {
        let (read, write) = TcpStream::connect(addr).await.unwrap().into_split();
        let mut client = Client {
            lines: BufReader::new(read).lines(),
            write,
        };
        assert!(client.next().await.starts_with("* welcome"));
        client
    }

    async fn next(&mut self) -> String {
        let line = timeout(Duration::from_secs(10), self.lines.next_line()).await;
        line.expect("a line within 10 s").unwrap().expect("not the end")
    }

    /// Reads until `wanted`, returning every line before it.
    async fn until(&mut self, wanted: &str) -> Vec<String> {
        let mut before = Vec::new();
        loop {
            let line = self.next().await;
            if line == wanted {
                return before;
            }
            before.push(line);
        }
    }

    async fn say(&mut self, bytes: &[u8]) {
        self.write.write_all(bytes).await.unwrap();
    }
}

/// Runs `test` with a room (dropping clients slower than `slow`) on one loop.
fn with_room<F: std::future::Future<Output = ()> + 'static>(
    slow: Duration,
    test: impl FnOnce(SocketAddr) -> F + Send + 'static,
) {
    with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            runloop::spawn(chat_room::serve(listener, Rc::new(Room::new(slow))));
            test(addr).await;
        });
    });
}

#[test]
fn a_client_that_disconnects_mid_line_is_announced_and_its_half_line_is_dropped() {
    with_room(chat_room::SLOW, |addr| async move {
        let mut watcher = Client::join(addr).await;
        let mut rude = Client::join(addr).await;
        watcher.until("* guest2 joined").await;
        rude.say(b"hello\nhalf a li").await;
        drop(rude);
        assert_eq!(watcher.next().await, "guest2: hello");
        let left = watcher.next().await;
        assert_eq!(
            left,
            "* guest2 left (disconnected mid-line; the unfinished line was dropped)"
        );
    });
}

#[test]
fn an_overlong_line_and_a_non_utf8_line_are_refused_and_the_client_goes_on() {
    with_room(chat_room::SLOW, |addr| async move {
        let mut watcher = Client::join(addr).await;
        let mut talker = Client::join(addr).await;
        watcher.until("* guest2 joined").await;
        let mut long = vec![b'x'; 3 * chat_room::MAX_LINE];
        long.push(b'\n');
        talker.say(&long).await;
        assert!(talker.next().await.starts_with("* lines are at most 1024 bytes"));
        talker.say(b"caf\xE9\n").await;
        assert_eq!(talker.next().await, "* that line was not UTF-8: dropped");
        talker.say(b"/nick Talker\nstill here\n/quit\n").await;
        assert_eq!(talker.next().await, "* you are now Talker");
        assert_eq!(talker.next().await, "* bye");
        let heard = watcher.until("* Talker left").await;
        assert_eq!(heard, ["* guest2 is now Talker", "Talker: still here"]);
    });
}

#[test]
fn a_client_that_stops_reading_is_dropped_and_the_others_hear_everything() {
    // Lines untaken for 1 s are too slow for this room (5 s under
    // valgrind, where the loop itself may pause that long).
    let slow = Duration::from_millis(scaled(1_000, 5_000) as u64);
    with_room(slow, |addr| async move {
        let mut reader = Client::join(addr).await;
        let mut talker = Client::join(addr).await;
        let stuck = Client::join(addr).await; // never reads again
        reader.until("* guest3 joined").await;
        talker.until("* guest3 joined").await;

        // Enough to fill the stuck client's socket buffers (a few MiB on
        // loopback) and its outbox.
        let lines = scaled(20_000, 10_000);
        let line = format!("{}\n", "y".repeat(990));
        let heard = runloop::spawn(async move {
            let (mut got, mut left) = (0, None);
            while got < lines || left.is_none() {
                let line = reader.next().await;
                if line.starts_with("guest2: ") {
                    got += 1;
                } else if line.starts_with("* guest3 left") {
                    left = Some(line);
                }
            }
            (got, left.unwrap_or_default())
        });
        for _ in 0..lines {
            talker.say(line.as_bytes()).await;
        }
        let (got, left) = heard.await.unwrap();
        assert_eq!(got, lines, "the reader heard every line");
        assert_eq!(left, "* guest3 left (too slow: left lines untaken)");
        drop(stuck);
    });
}
