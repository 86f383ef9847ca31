//! Scripted chat clients ("bots") for the chat room in `chat_room.rs`:
//! `examples/chat_server.rs --bot N`, the tour's chapter 12 and
//! `tests/chat_delivery.rs` use them to check that every line reaches
//! every other client, in each sender's order.
//!
//! A bot is a client written the asyncio way, with owned halves: its read
//! half, wrapped in a `BufReader`, goes to a reader task that collects
//! what the room says, while the bot writes its own lines on the write
//! half. Its script:
//!
//! 1. connect, read the welcome, `/nick botK`, wait for "you are now";
//! 2. wait until every bot is named (a `Barrier`), so nobody talks to a
//!    room that is still filling;
//! 3. send `m 0: …`, `m 1: …`, … while the reader task collects the others'
//!    lines, until it has them all;
//! 4. wait until every bot has heard everything, then `/quit` and read
//!    to the end of the stream.

#![allow(dead_code)] // each user takes a different part

use runloop::io::BufReader;
use runloop::net::TcpStream;
use runloop::prelude::*;
use runloop::sync::Barrier;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::rc::Rc;

/// What one bot saw.
#[derive(Debug, Default)]
pub struct BotReport {
    pub nick: String,
    /// Chat lines from other bots (`botJ: m I: words`).
    pub chat_lines: usize,
    /// Chat lines that came out of their sender's order, or twice.
    pub out_of_order: usize,
    /// Every line, in order, when asked to keep them.
    pub transcript: Vec<String>,
}

/// Runs `bots` bots against the room at `addr`, each sending `messages`
/// lines, and returns what each saw, in bot order.
pub async fn run_bots(addr: SocketAddr, bots: usize, messages: usize, keep: bool) -> io::Result<Vec<BotReport>> {
    let named = Rc::new(Barrier::new(bots));
    let heard_all = Rc::new(Barrier::new(bots));
    let running: Vec<_> = (0..bots)
        .map(|k| {
            let script = Script {
                addr,
                nick: format!("bot{k}"),
                bots,
                messages,
                keep,
            };
            runloop::spawn(bot(script, named.clone(), heard_all.clone()))
        })
        .collect();
    let mut reports = Vec::with_capacity(bots);
    for outcome in runloop::join_all(running).await {
        reports.push(outcome.map_err(|error| io::Error::other(error.to_string()))??);
    }
    Ok(reports)
}

struct Script {
    addr: SocketAddr,
    nick: String,
    bots: usize,
    messages: usize,
    keep: bool,
}

fn ended(nick: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, format!("{nick}: the server closed early"))
}

async fn bot(script: Script, named: Rc<Barrier>, heard_all: Rc<Barrier>) -> io::Result<BotReport> {
    let nick = script.nick.clone();
    let (read, mut write) = TcpStream::connect(script.addr).await?.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut report = BotReport {
        nick: nick.clone(),
        ..BotReport::default()
    };
    let note = |report: &mut BotReport, line: &str| {
        if script.keep {
            report.transcript.push(line.to_string());
        }
    };
    let welcome = lines.next_line().await?.ok_or_else(|| ended(&nick))?;
    note(&mut report, &welcome);
    write.write_all(format!("/nick {nick}\n").as_bytes()).await?;
    let renamed = format!("* you are now {nick}");
    loop {
        let line = lines.next_line().await?.ok_or_else(|| ended(&nick))?;
        note(&mut report, &line);
        if line == renamed {
            break;
        }
    }
    named.wait().await;

    // The reader task collects while this task writes: two owned halves.
    let expected = (script.bots - 1) * script.messages;
    let keep = script.keep;
    let listening = runloop::spawn(async move {
        let mut next_from: BTreeMap<String, usize> = BTreeMap::new();
        while report.chat_lines < expected {
            let Some(line) = lines.next_line().await? else {
                return Err(ended(&report.nick));
            };
            if keep {
                report.transcript.push(line.clone());
            }
            let Some((from, index)) = parse_chat(&line) else {
                continue; // a notice: someone joined, renamed, left
            };
            let next = next_from.entry(from.to_string()).or_default();
            if index != *next {
                report.out_of_order += 1;
            }
            *next = index + 1;
            report.chat_lines += 1;
        }
        Ok((lines, report))
    });
    for i in 0..script.messages {
        let words = SMALL_TALK[i % SMALL_TALK.len()];
        write.write_all(format!("m {i}: {words}\n").as_bytes()).await?;
    }
    let (mut lines, mut report) = listening.await.map_err(|error| io::Error::other(error.to_string()))??;
    heard_all.wait().await;

    write.write_all(b"/quit\n").await?;
    while let Some(line) = lines.next_line().await? {
        note(&mut report, &line);
    }
    Ok(report)
}

/// What bots say, after the number that lets the others check the order.
const SMALL_TALK: [&str; 4] = [
    "hello, room",
    "is everyone on one thread too?",
    "my lines come through a BufWriter",
    "and yours through a BufReader",
];

/// `"botJ: m I: words"` as `("botJ", I)`.
fn parse_chat(line: &str) -> Option<(&str, usize)> {
    let (from, text) = line.split_once(": ")?;
    let (index, _words) = text.strip_prefix("m ")?.split_once(": ")?;
    Some((from, index.parse().ok()?))
}
