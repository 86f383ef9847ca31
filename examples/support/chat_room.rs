//! The chat room of `examples/chat_server.rs` (asyncio's classic), shared
//! with the tour's chapter 12 and `tests/chat_*.rs`.
//!
//! A line-based chat on one thread. Each client gets two tasks, one per
//! owned half of its connection (`TcpStream::into_split`):
//!
//! ```text
//!   client ──► session task: BufReader::read_line ──► Room::broadcast ──┐
//!                                                                        │ one bounded
//!   client ◄── writer task: BufWriter ◄── outbox (channel of lines) ◄───┘ outbox each
//! ```
//!
//! - a line of text goes to every *other* client as `nick: text`;
//! - `/nick NAME` renames (1 to 24 letters, digits, `-`, `_`; unique);
//!   `/quit` says goodbye and closes;
//! - a line longer than [`MAX_LINE`] or not UTF-8 is refused with a
//!   notice, and the client goes on (`BufReader` skips the bad line);
//! - a client that disconnects mid-line is announced as such; its
//!   unfinished line, which `read_line` hands back without a `'\n'`, is
//!   dropped, never broadcast.
//!
//! Memory is bounded whatever clients do: a line is at most `MAX_LINE`
//! bytes, an outbox holds at most [`OUTBOX`] lines (a line is an `Rc<str>`
//! shared by every outbox it is in), and a client that does not take its
//! lines for [`SLOW`] is disconnected, so a broadcast waits for a full
//! outbox at most that long. Nothing is held across an `.await` in the
//! room's `RefCell`: senders are cloned out first.

#![allow(dead_code)] // each user takes a different part

use runloop::future::{Either, select};
use runloop::io::{BufReader, BufWriter, LineError};
use runloop::net::{OwnedWriteHalf, TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::sync::{Receiver, Sender, channel};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::net::Shutdown;
use std::rc::Rc;
use std::time::Duration;

/// The longest line a client may send, newline included.
pub const MAX_LINE: usize = 1024;
/// Lines waiting for one client before senders must wait.
pub const OUTBOX: usize = 256;
/// How long a client may leave its lines untaken before it is dropped.
pub const SLOW: Duration = Duration::from_secs(10);

struct Member {
    nick: String,
    outbox: Sender<Rc<str>>,
}

/// Who is here, by connection number.
pub struct Room {
    members: RefCell<BTreeMap<u64, Member>>,
    next_id: Cell<u64>,
    /// How long a client may leave its lines untaken.
    slow: Duration,
    /// Lines handed to outboxes so far (for the curious).
    pub delivered: Cell<u64>,
}

impl Default for Room {
    fn default() -> Room {
        Room::new(SLOW)
    }
}

impl Room {
    /// A room that drops clients leaving their lines untaken for `slow`.
    pub fn new(slow: Duration) -> Room {
        Room {
            members: RefCell::default(),
            next_id: Cell::new(0),
            slow,
            delivered: Cell::new(0),
        }
    }

    fn join(&self, outbox: Sender<Rc<str>>) -> (u64, String) {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        let nick = format!("guest{id}");
        let member = Member {
            nick: nick.clone(),
            outbox,
        };
        self.members.borrow_mut().insert(id, member);
        (id, nick)
    }

    fn leave(&self, id: u64) -> Option<String> {
        self.members.borrow_mut().remove(&id).map(|member| member.nick)
    }

    fn nick(&self, id: u64) -> String {
        self.members
            .borrow()
            .get(&id)
            .map_or_else(String::new, |member| member.nick.clone())
    }

    /// Clients here now.
    pub fn len(&self) -> usize {
        self.members.borrow().len()
    }

    /// Sends `line` to one client, waiting while its outbox is full.
    async fn tell(&self, id: u64, line: String) {
        let outbox = self.members.borrow().get(&id).map(|member| member.outbox.clone());
        if let Some(outbox) = outbox {
            let _gone = outbox.send(Rc::from(line)).await;
        }
    }

    /// Sends `line` to every client but `from`, in connection order. Each
    /// outbox is FIFO and one sender's lines are sent one after another,
    /// so everyone sees one sender's lines in the order they were sent.
    async fn broadcast(&self, from: u64, line: String) {
        let line: Rc<str> = Rc::from(line);
        let others: Vec<Sender<Rc<str>>> = self
            .members
            .borrow()
            .iter()
            .filter(|(id, _)| **id != from)
            .map(|(_, member)| member.outbox.clone())
            .collect();
        for outbox in others {
            // A client that left meanwhile has closed its outbox: skip it.
            if outbox.send(line.clone()).await.is_ok() {
                self.delivered.set(self.delivered.get() + 1);
            }
        }
    }

    /// `/nick NAME`: the reply to the client, after telling the others.
    async fn rename(&self, id: u64, wanted: &str) -> String {
        let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if wanted.is_empty() || wanted.len() > 24 || !wanted.chars().all(valid) {
            return "* a nick is 1 to 24 letters, digits, '-' or '_'\n".into();
        }
        let old = {
            let mut members = self.members.borrow_mut();
            if members.values().any(|member| member.nick == wanted) {
                return format!("* the nick {wanted} is taken\n");
            }
            let Some(member) = members.get_mut(&id) else {
                return String::new();
            };
            std::mem::replace(&mut member.nick, wanted.to_string())
        };
        self.broadcast(id, format!("* {old} is now {wanted}\n")).await;
        format!("* you are now {wanted}\n")
    }
}

/// Accepts clients for ever, one session task each. A failed accept (a
/// client that gave up during the handshake, no file descriptors left) is
/// reported and the loop goes on after a pause, rather than ending the
/// room for everyone.
pub async fn serve(mut listener: TcpListener, room: Rc<Room>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                runloop::spawn(session(room.clone(), stream));
            }
            Err(error) => {
                eprintln!("chat: accept failed: {error}; trying again in 100 ms");
                runloop::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One client: join, read lines until it leaves, then say so.
pub async fn session(room: Rc<Room>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let (outbox, inbox) = channel(OUTBOX);
    let (id, nick) = room.join(outbox);
    let mut writer = runloop::spawn(write_out(inbox, write, room.slow));
    let others = room.len() - 1;
    let welcome = format!("* welcome, {nick}! {others} others here. /nick NAME to rename, /quit to leave\n");
    room.tell(id, welcome).await;
    room.broadcast(id, format!("* {nick} joined\n")).await;

    let mut reader = BufReader::new(read);
    reader.set_limit(MAX_LINE);
    let mut line = String::new();
    let mut writer_ended = None;
    let why = loop {
        line.clear();
        // Read the next line, unless the writer gives up first (the client
        // stopped reading, or is gone). Dropping `read_line` here loses
        // nothing: a partial line stays in the BufReader.
        let read = match select(reader.read_line(&mut line), &mut writer).await {
            Either::Left(read) => read,
            Either::Right(ended) => break *writer_ended.insert(ended.unwrap_or(" (connection failed)")),
        };
        match read {
            Ok(0) => break "",
            Ok(_) if !line.ends_with('\n') => break " (disconnected mid-line; the unfinished line was dropped)",
            Ok(_) => {}
            Err(error) => match LineError::of(&error) {
                Some(LineError::TooLong { .. }) => {
                    room.tell(id, format!("* lines are at most {MAX_LINE} bytes: yours was dropped\n"))
                        .await;
                    continue;
                }
                Some(_) => {
                    room.tell(id, "* that line was not UTF-8: dropped\n".into()).await;
                    continue;
                }
                None => break " (connection failed)",
            },
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if let Some(wanted) = text.strip_prefix("/nick ") {
            let reply = room.rename(id, wanted.trim()).await;
            room.tell(id, reply).await;
        } else if text == "/quit" {
            room.tell(id, "* bye\n".into()).await;
            break "";
        } else if text.starts_with('/') {
            room.tell(id, "* commands: /nick NAME, /quit\n".into()).await;
        } else if !text.is_empty() {
            let from = room.nick(id);
            room.broadcast(id, format!("{from}: {text}\n")).await;
        }
    };
    // Leaving drops the room's sender: the writer sends what is queued,
    // then closes the connection.
    if let Some(nick) = room.leave(id) {
        room.broadcast(id, format!("* {nick} left{why}\n")).await;
    }
    if writer_ended.is_none() {
        let _ = writer.await;
    }
}

/// Hands queued lines to the client, a batch per flush, until the outbox
/// closes, the client goes away, or it leaves a batch untaken for `slow`;
/// returns why it stopped, as the end of a "left" notice.
async fn write_out(mut inbox: Receiver<Rc<str>>, write: OwnedWriteHalf<TcpStream>, slow: Duration) -> &'static str {
    let mut out = BufWriter::new(write);
    while let Some(first) = inbox.recv().await {
        // At most what is queued now (≤ OUTBOX lines): a bounded batch, so
        // the deadline measures the client, not the room's traffic.
        let batch = async {
            out.write_all(first.as_bytes()).await?;
            for _ in 0..inbox.len() {
                match inbox.try_recv() {
                    Ok(line) => out.write_all(line.as_bytes()).await?,
                    Err(_) => break,
                }
            }
            out.flush().await
        };
        let why = match runloop::time::timeout(slow, batch).await {
            Ok(Ok(())) => continue,
            Ok(Err(_gone)) => " (connection failed)",
            Err(_too_slow) => " (too slow: left lines untaken)",
        };
        // The client learns it is dropped: it reads the end of the stream.
        let _ = out.get_ref().get_ref().shutdown(Shutdown::Both);
        return why;
    }
    "" // the outbox closed: the session has left the room
}
