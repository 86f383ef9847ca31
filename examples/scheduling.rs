//! The same workload under each scheduling policy, and the cooperative
//! budget with and without.
//!
//! `cargo run --release --example scheduling`
//!
//! The workload keeps the run queue busy: two CPU-bound tasks compute in
//! 500 µs slices, yielding between them, until everyone else is done. Beside
//! them, a ping-pong pair passes a token through channels, and six I/O-bound
//! tasks do TCP round trips to an echo server on the same loop. For each policy we print, per kind of
//! task, the wait from wake to poll (p50 and p99), measured with a `Hooks`
//! implementation, and a few lanes of the timeline.
//!
//! The runtimes here check I/O after at most 8 polls (`polls_per_turn(8)`)
//! instead of the default 128: with polls this long, 128 of them would keep
//! the reactor waiting tens of milliseconds, whatever the policy. (asyncio
//! checks I/O after each pass over its ready queue; tokio after 61 polls.)

use runloop::net::{TcpListener, TcpStream};
use runloop::observe::Hooks;
use runloop::prelude::*;
use runloop::scheduler::{Cause, Fifo, LifoSlot, Priority, Schedule, TaskId};
use runloop::sync::channel;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Wake-to-poll waits, per task kind (the part of the name before the `-`).
#[derive(Default)]
struct Waits {
    kind_of: HashMap<TaskId, String>,
    woken_at: HashMap<TaskId, Instant>,
    waits: HashMap<String, Vec<Duration>>,
}

struct WaitHooks(Rc<RefCell<Waits>>);

impl Hooks for WaitHooks {
    fn spawned(&mut self, id: TaskId, name: Option<&str>) {
        let kind = name.and_then(|name| name.split('-').next()).unwrap_or("other");
        self.0.borrow_mut().kind_of.insert(id, kind.to_string());
    }

    fn woken(&mut self, id: TaskId, _cause: Cause) {
        self.0.borrow_mut().woken_at.insert(id, Instant::now());
    }

    fn poll_started(&mut self, id: TaskId) {
        let mut waits = self.0.borrow_mut();
        if let Some(woken) = waits.woken_at.remove(&id) {
            let kind = waits.kind_of.get(&id).cloned().unwrap_or_else(|| "main".into());
            waits.waits.entry(kind).or_default().push(woken.elapsed());
        }
    }
}

fn spin(duration: Duration) {
    let start = Instant::now();
    while start.elapsed() < duration {
        std::hint::spin_loop();
    }
}

/// Runs the workload on a runtime using `policy`; returns the waits.
fn run_workload(policy: impl Schedule + 'static, show_timeline: bool) -> (Duration, Waits) {
    let waits = Rc::new(RefCell::new(Waits::default()));
    let runtime = runloop::Runtime::builder()
        .scheduler(policy)
        .polls_per_turn(8)
        .hooks(WaitHooks(waits.clone()))
        .timeline(show_timeline)
        .build()
        .expect("a runtime");
    let start = Instant::now();
    runtime.block_on(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        runloop::TaskBuilder::new()
            .name("server")
            .priority(9)
            .spawn(async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    runloop::TaskBuilder::new().name("echo").priority(9).spawn(async move {
                        let mut buf = [0u8; 64];
                        while let Ok(n @ 1..) = stream.read(&mut buf).await {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    });
                }
            });

        // Two CPU-bound tasks: 500 µs slices, yielding between, until the
        // others are done, so the queue is never empty while we measure.
        let done = Rc::new(std::cell::Cell::new(false));
        let cpus: Vec<_> = (0..2)
            .map(|n| {
                let done = done.clone();
                runloop::TaskBuilder::new()
                    .name(format!("cpu-{n}"))
                    .priority(0)
                    .spawn(async move {
                        while !done.get() {
                            spin(Duration::from_micros(500));
                            runloop::yield_now().await;
                        }
                    })
            })
            .collect();
        let mut tasks = Vec::new();
        // A ping-pong pair: each hands the token to the other.
        let (to_pong, mut pong_inbox) = channel::<u32>(1);
        let (to_ping, mut ping_inbox) = channel::<u32>(1);
        tasks.push(
            runloop::TaskBuilder::new()
                .name("pingpong-ping")
                .priority(5)
                .spawn(async move {
                    for n in 0..100 {
                        to_pong.send(n).await.unwrap();
                        ping_inbox.recv().await.unwrap();
                    }
                }),
        );
        tasks.push(
            runloop::TaskBuilder::new()
                .name("pingpong-pong")
                .priority(5)
                .spawn(async move {
                    while let Some(n) = pong_inbox.recv().await {
                        let _ = to_ping.send(n).await;
                    }
                }),
        );
        // Six I/O-bound tasks: 20 round trips each.
        for n in 0..6 {
            tasks.push(
                runloop::TaskBuilder::new()
                    .name(format!("io-{n}"))
                    .priority(9)
                    .spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.expect("connect");
                        let mut buf = [0u8; 16];
                        for _ in 0..20 {
                            stream.write_all(b"0123456789abcdef").await.unwrap();
                            stream.read_exact(&mut buf).await.unwrap();
                        }
                    }),
            );
        }
        for task in runloop::join_all(tasks).await {
            task.expect("a workload task finished");
        }
        done.set(true);
        runloop::join_all(cpus).await;
    });
    let elapsed = start.elapsed();
    if let Some(timeline) = runtime.timeline() {
        // The interesting lanes; echo handlers and the server are left out.
        let keep = ["cpu-", "pingpong", " io-0", " io-1", "epoll", "'-'", "one column"];
        let picture = timeline.render(60);
        for (index, line) in picture.lines().enumerate() {
            let line_break = format!("{line}\n");
            if index < 2 || keep.iter().any(|key| line.contains(key) || line_break.contains(key)) {
                println!("    {line}");
            }
        }
    }
    drop(runtime);
    let waits = Rc::try_unwrap(waits).ok().expect("the hooks are gone").into_inner();
    (elapsed, waits)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, policy: impl Schedule + 'static) {
    println!("== {name} ==");
    let (elapsed, waits) = run_workload(policy, true);
    println!("    kind        polls   wake->poll p50   p99");
    let mut kinds: Vec<_> = waits
        .waits
        .into_iter()
        .filter(|(kind, _)| !matches!(kind.as_str(), "echo" | "server" | "main"))
        .collect();
    kinds.sort();
    for (kind, mut samples) in kinds {
        samples.sort();
        println!(
            "    {kind:<10} {:>6}   {:>12.1?}   {:>9.1?}",
            samples.len(),
            percentile(&samples, 0.5),
            percentile(&samples, 0.99)
        );
    }
    println!("    whole workload: {elapsed:.1?}\n");
}

/// A reader whose channel is always ready, and a timer due at once: how many
/// items had been read when the timer's task ran?
fn starvation(budget: Option<u32>) -> u32 {
    let runtime = runloop::Runtime::builder()
        .coop_budget(budget)
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let read = Rc::new(std::cell::Cell::new(0u32));
        let timer = runloop::spawn({
            let read = read.clone();
            async move {
                runloop::time::sleep(Duration::from_micros(1)).await;
                read.get()
            }
        });
        runloop::yield_now().await;
        let (tx, mut rx) = channel(1);
        for n in 0..200_000u32 {
            tx.try_send(n).unwrap();
            rx.recv().await.unwrap();
            read.set(read.get() + 1);
        }
        timer.await.unwrap()
    })
}

fn main() {
    env_logger::init();
    println!("One workload, three policies. Lanes: '-' running, '.' waiting.\n");
    report("Fifo (asyncio's order)", Fifo::new());
    report("LifoSlot (the task you just woke runs next)", LifoSlot::new());
    report(
        "Priority (io 9, ping-pong 5, cpu 0; aging after 32 turns)",
        Priority::new(),
    );
    println!("What to notice: under Fifo every wake waits behind the CPU slices already");
    println!("queued. LifoSlot lets each ping-pong partner run the moment the other wakes it;");
    println!("the I/O tasks (woken by the reactor, not by a task) still wait. Priority serves");
    println!("I/O first, then ping-pong; the CPU tasks wait longest but still progress (aging).\n");

    println!("== The cooperative budget ==");
    let without = starvation(None);
    let with = starvation(Some(128));
    println!("    a reader whose channel is always ready, and a timer due at once:");
    println!("    without a budget the timer ran after {without} reads (the reader never yielded);");
    println!("    with a budget of 128 it ran after {with} reads: ready futures took turns too.");
}
