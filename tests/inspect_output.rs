//! The inspect mode's output has the structure its essay promises: one
//! block per turn, numbered from 1, with the run queue first, each poll
//! naming its task and outcome, each wake its cause, then the timers, the
//! sockets with their waiters, the epoll timeout and what came back; the
//! bounded form stops after its turns and skips quiet ones; the
//! environment variable turns it on for any program, on stderr.
mod common;
mod observe_support;

use common::with_deadline;
use observe_support::{Captured, run_child};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::{Builder, TaskBuilder};
use std::io::Write as _;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// One turn as printed: its number, its header and its lines.
#[derive(Debug)]
struct Turn {
    number: u64,
    header: String,
    lines: Vec<String>,
}

/// Splits inspect output into turns. A header repeated with ", continued"
/// (another runtime of the process wrote in between) continues its turn;
/// lines after a `──` line that is not a turn header are left out.
fn turns(text: &str, label: &str) -> Vec<Turn> {
    let prefix = format!("── {label}, turn ");
    let mut turns: Vec<Turn> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(&prefix) {
            let number: u64 = rest
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap();
            inside = true;
            if rest.contains(", continued") {
                assert_eq!(turns.last().map(|turn| turn.number), Some(number), "{text}");
                continue;
            }
            turns.push(Turn {
                number,
                header: line.to_string(),
                lines: Vec::new(),
            });
        } else if line.starts_with("──") {
            inside = false;
        } else if inside {
            turns.last_mut().unwrap().lines.push(line.to_string());
        }
    }
    turns
}

/// Which section a line belongs to, by its fixed-width key.
fn section(line: &str) -> &'static str {
    let sections = [
        ("  queue    ", "queue"),
        ("  poll     ", "poll"),
        ("    spawn  ", "spawn"),
        ("  spawn    ", "spawn"),
        ("    wake   ", "wake"),
        ("  timers   ", "timers"),
        ("  sockets  ", "sockets"),
        ("           ", "sockets"),
        ("  epoll    ", "epoll"),
        ("  returned after ", "returned"),
        ("  …        ", "poll"),
    ];
    sections
        .iter()
        .find(|(key, _)| line.starts_with(key))
        .map(|&(_, name)| name)
        .unwrap_or_else(|| panic!("a line of no known section: {line:?}"))
}

/// Checks a poll line: `  poll     <task> → <outcome> (<duration>)`.
fn check_poll_line(line: &str) {
    let rest = line.strip_prefix("  poll     ").unwrap();
    let (task, outcome) = rest.split_once(" → ").expect("a poll line has an arrow");
    assert!(
        task == "main" || task.starts_with('#'),
        "a poll line names its task: {line:?}"
    );
    let outcome = outcome.split(' ').next().unwrap();
    assert!(
        ["Pending", "Returned", "Panicked", "Cancelled"].contains(&outcome),
        "a poll line names the outcome: {line:?}"
    );
}

/// Checks a wake line names whom and why: `    wake   <tasks> (<cause>)`.
fn check_wake_line(line: &str) {
    let rest = line.strip_prefix("    wake   ").unwrap();
    let (tasks, cause) = rest.split_once(" (").expect("a wake line gives a cause");
    assert!(tasks.starts_with('#') || tasks.starts_with("main"), "{line:?}");
    assert!(
        ["by ", "from another thread", "spawned"]
            .iter()
            .any(|start| cause.starts_with(start)),
        "a wake line says why: {line:?}"
    );
}

/// A small program with a listener, a client, a timer and yields.
async fn sockets_timers_and_yields() -> Vec<u8> {
    let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = TaskBuilder::new().name("server").spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).await.unwrap();
        buf.to_vec()
    });
    let client = TaskBuilder::new().name("client").spawn(async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        runloop::time::sleep(Duration::from_millis(20)).await;
        stream.write_all(b"hello").await.unwrap();
        stream
    });
    let ticker = TaskBuilder::new().name("ticker").spawn(async {
        for _ in 0..2 {
            runloop::yield_now().await;
        }
    });
    ticker.await.unwrap();
    let _stream = client.await.unwrap();
    server.await.unwrap()
}

fn inspect_run<T>(
    label: &str,
    builder: impl FnOnce(Builder) -> Builder,
    program: impl AsyncFnOnce() -> T,
) -> (T, String) {
    let out = Captured::default();
    let rt = builder(Builder::new().label(label).inspect_to(out.clone()))
        .build()
        .unwrap();
    let value = rt.block_on(program());
    drop(rt);
    (value, out.text())
}

#[test]
fn every_turn_shows_its_sections_in_order() {
    let text = with_deadline(LIMIT, || {
        let (received, text) = inspect_run("sections", |b| b, sockets_timers_and_yields);
        assert_eq!(received, b"hello");
        text
    });
    let turns = turns(&text, "sections");
    assert!(turns.len() >= 3, "{text}");
    let order = ["queue", "poll", "timers", "sockets", "epoll", "returned"];
    for (index, turn) in turns.iter().enumerate() {
        assert_eq!(turn.number, index as u64 + 1, "turns are numbered from 1: {text}");
        let mut reached = 0;
        for line in &turn.lines {
            let name = section(line);
            match name {
                "poll" if line.starts_with("  poll") => check_poll_line(line),
                "wake" => check_wake_line(line),
                _ => {}
            }
            if let Some(at) = order.iter().position(|&section| section == name) {
                assert!(at >= reached, "{name} out of order in turn {}:\n{text}", turn.number);
                reached = at;
            }
        }
        let has = |name: &str| turn.lines.iter().any(|line| section(line) == name);
        assert!(has("queue"), "turn {} has a queue line:\n{text}", turn.number);
        let last = index + 1 == turns.len();
        if !last {
            // Every turn but the one in which main returned waits.
            for name in ["timers", "sockets", "epoll", "returned"] {
                assert!(has(name), "turn {} has a {name} section:\n{text}", turn.number);
            }
        }
    }
    let last = turns.last().unwrap();
    assert!(
        last.lines
            .iter()
            .any(|line| line.starts_with("  poll     main → Returned")),
        "the last turn is the one in which main returned:\n{text}"
    );
    assert!(text.contains("── sections: block_on returned in turn"), "{text}");
}

#[test]
fn waiters_on_sockets_and_timers_are_named() {
    let text = with_deadline(LIMIT, || inspect_run("waiters", |b| b, sockets_timers_and_yields).1);
    let lines: Vec<&str> = text.lines().collect();
    // The client sleeps on a timer; the server waits to accept, then to read.
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("  timers   1 pending: ") && line.ends_with("→ #2 client")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains(": reader #1 server, writer nobody")),
        "{text}"
    );
    // Sockets are shown by slot and generation, never as a packed token.
    assert!(
        lines.iter().any(|line| line.starts_with("  sockets  slot 0 gen ")),
        "{text}"
    );
    assert!(!text.contains("Token("), "{text}");
}

#[test]
fn wakes_name_their_cause() {
    let text = with_deadline(LIMIT, || {
        inspect_run(
            "causes",
            |b| b,
            async || {
                let (tx, rx) = runloop::sync::oneshot::channel::<u32>();
                let receiver = TaskBuilder::new()
                    .name("receiver")
                    .spawn(async move { rx.await.unwrap() });
                let sender = TaskBuilder::new().name("sender").spawn(async move {
                    runloop::yield_now().await; // wakes itself
                    tx.send(7).unwrap(); // wakes the receiver
                });
                sender.await.unwrap();
                assert_eq!(receiver.await.unwrap(), 7);
                runloop::time::sleep(Duration::from_millis(1)).await; // the reactor
                runloop::spawn_blocking(|| ()).await.unwrap(); // another thread
            },
        )
        .1
    });
    let wakes: Vec<&str> = text.lines().filter(|line| line.starts_with("    wake   ")).collect();
    for line in &wakes {
        check_wake_line(line);
    }
    let has = |wanted: &str| wakes.iter().any(|line| line == &wanted);
    assert!(has("    wake   #2 sender (by itself)"), "{text}");
    // One batch: the send woke the receiver, and the sender's end woke
    // main, which awaits it.
    assert!(has("    wake   #1 receiver, main (by #2 sender)"), "{text}");
    assert!(has("    wake   main (by the reactor: I/O or a timer)"), "{text}");
    assert!(has("    wake   main (from another thread)"), "{text}");
}

#[test]
fn the_bounded_form_shows_its_turns_then_the_live_tasks_and_stops() {
    let text = with_deadline(LIMIT, || {
        inspect_run(
            "bounded",
            |b| b.inspect_turns(2),
            async || {
                let _forever = TaskBuilder::new().name("forever").spawn(std::future::pending::<()>());
                for _ in 0..5 {
                    runloop::time::sleep(Duration::from_millis(1)).await;
                }
            },
        )
        .1
    });
    let shown = turns(&text, "bounded");
    assert_eq!(shown.len(), 2, "{text}");
    let tail = text
        .split_once("── bounded: 2 turns shown; inspect stops here. Live tasks now: ──\n")
        .expect("the window closes with a notice")
        .1;
    let dump: Vec<&str> = tail.lines().collect();
    assert_eq!(dump[0], "  bounded: 1 live task", "{text}");
    assert!(
        dump[2].contains("#1") && dump[2].contains("forever") && dump[2].contains("waiting"),
        "{text}"
    );
    assert_eq!(dump.len(), 3, "nothing is printed after the window closes:\n{text}");
}

/// Data arriving on a socket nobody reads wakes the loop and nobody else.
/// After the first such event has been seen (it may still wake a waker
/// left behind by `connect`), a turn with nothing queued whose wait wakes
/// nobody is a quiet turn. The full form prints it; the bounded form skips
/// it and says so in the next turn's header.
#[test]
fn quiet_turns_are_printed_in_full_and_skipped_when_bounded() {
    fn program(label: &'static str, bounded: bool) -> String {
        // The peer is a plain thread: it accepts, then writes four times,
        // 200 ms apart, while the loop has nothing else to do.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (done, finished) = runloop::sync::oneshot::channel::<()>();
        let peer = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            for _ in 0..4 {
                std::thread::sleep(Duration::from_millis(200));
                stream.write_all(b"unread").unwrap();
            }
            std::thread::sleep(Duration::from_millis(200));
            done.send(()).unwrap();
        });
        let text = inspect_run(
            label,
            |b| if bounded { b.inspect_turns(50) } else { b },
            async || {
                let stream = TcpStream::connect(addr).await.unwrap();
                finished.await.unwrap();
                drop(stream);
            },
        )
        .1;
        peer.join().unwrap();
        text
    }
    let (full, bounded) = with_deadline(LIMIT, || (program("full", false), program("quiet", true)));
    let quiet_in_full = turns(&full, "full")
        .into_iter()
        .filter(|turn| {
            !turn
                .lines
                .iter()
                .any(|line| ["poll", "wake", "spawn"].contains(&section(line)))
        })
        .count();
    assert!(quiet_in_full >= 1, "the full form prints quiet turns:\n{full}");
    let shown = turns(&bounded, "quiet");
    for turn in &shown {
        assert!(
            turn.lines.iter().any(|line| ["poll", "wake"].contains(&section(line))),
            "the bounded form shows only turns in which something happened:\n{bounded}"
        );
    }
    assert!(
        shown.iter().any(|turn| turn.header.contains("quiet turn")),
        "a skipped quiet turn is counted in the next header:\n{bounded}"
    );
}

#[test]
fn spawns_from_outside_and_inside_a_poll_are_shown_where_they_happen() {
    let text = with_deadline(LIMIT, || {
        let out = Captured::default();
        let rt = Builder::new().label("spawns").inspect_to(out.clone()).build().unwrap();
        let outside = TaskBuilder::new().name("outside").spawn_on(&rt, async {});
        rt.block_on(async {
            TaskBuilder::new().name("inside").spawn(async {}).await.unwrap();
            outside.await.unwrap();
        });
        drop(rt);
        out.text()
    });
    let first = &turns(&text, "spawns")[0];
    assert_eq!(
        first.lines[0], "  spawn    #1 outside (from outside the loop)",
        "{text}"
    );
    let main_poll = first
        .lines
        .iter()
        .position(|line| line.starts_with("  poll     main"))
        .unwrap();
    assert_eq!(first.lines[main_poll + 1], "    spawn  #2 inside", "{text}");
}

#[test]
fn a_panic_of_the_block_on_future_still_ends_its_turn() {
    common::quiet_expected_panics("inspect: main panics on purpose");
    let text = with_deadline(LIMIT, || {
        let out = Captured::default();
        let rt = Builder::new().label("unwound").inspect_to(out.clone()).build().unwrap();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async {
                runloop::yield_now().await;
                panic!("inspect: main panics on purpose");
            })
        }));
        assert!(caught.is_err());
        drop(rt);
        out.text()
    });
    let last = turns(&text, "unwound").pop().unwrap();
    assert_eq!(last.lines.last().unwrap(), "  poll     main → panicked", "{text}");
    assert!(text.contains("── unwound: block_on unwound in turn "), "{text}");
}

/// Run by `the_environment_variable_prints_to_stderr` with
/// `RUNLOOP_INSPECT=3` set.
#[test]
#[ignore = "runs in a child process"]
fn child_a_program_that_never_asked_for_inspection() {
    let rt = runloop::Runtime::builder().label("env").build().unwrap();
    rt.block_on(async {
        for _ in 0..6 {
            runloop::time::sleep(Duration::from_millis(1)).await;
        }
    });
}

#[test]
fn the_environment_variable_prints_to_stderr() {
    let output = run_child(
        "child_a_program_that_never_asked_for_inspection",
        &[("RUNLOOP_INSPECT", "3")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(turns(&stderr, "env").len(), 3, "{stderr}");
    assert!(
        stderr.contains("── env: 3 turns shown; inspect stops here."),
        "{stderr}"
    );
}
