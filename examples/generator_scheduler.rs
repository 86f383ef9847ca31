//! An event loop made of generators: how Python did concurrency before
//! `asyncio`.
//!
//! Each task is a generator that never waits by itself. It yields a request
//! (a "trap", in David Beazley's curio) and the scheduler carries it out:
//! let the others run, wake me in 20 ms, start this task too, wake me when
//! this socket has data. Between traps a task is a suspended generator
//! sitting in a queue, and the event loop is a loop over those queues.
//! Each turn of it has curio's phases, in order:
//!
//! 1. wait: if nothing is ready, sleep until the next timer is due;
//! 2. I/O: tasks whose socket has data become ready;
//! 3. timers: tasks whose sleep is over become ready;
//! 4. run: each task that was ready when this phase began runs once, up to
//!    its next trap, so a task that keeps yielding cannot starve the rest.
//!
//! Corners cut: std has no `poll(2)`, so waiting for a socket means peeking
//! at it every millisecond (the real runtime asks the OS, through mio).
//! Every trap switches tasks, even a spawn, and tasks cannot be joined. The
//! real executor has the same phases, with futures and wakers where this
//! file has generators and traps.
//!
//! Run it with `cargo run --example generator_scheduler`.

use std::collections::{BTreeMap, VecDeque};
use std::io::ErrorKind;
use std::net::UdpSocket;
use std::rc::Rc;
use std::sync::LazyLock;
use std::thread;
use std::time::{Duration, Instant};

use runloop::coro::{Co, Gen};

fn main() {
    env_logger::init();
    Scheduler::run(Task::new("main", |co| async move {
        say("main", "spawns ticker, sleeper and listener");
        co.yield_(Trap::Spawn(ticker())).await;
        co.yield_(Trap::Spawn(sleeper())).await;
        let inbox = UdpSocket::bind("127.0.0.1:0").expect("bind a local UDP socket");
        inbox.set_nonblocking(true).expect("non-blocking socket");
        let address = inbox.local_addr().expect("a bound socket has an address");
        co.yield_(Trap::Spawn(listener(Rc::new(inbox)))).await;

        say("main", "sleeps 20 ms, then sends the listener a message");
        co.yield_(Trap::Sleep(Duration::from_millis(20))).await;
        let outbox = UdpSocket::bind("127.0.0.1:0").expect("bind a local UDP socket");
        outbox.send_to(b"hello", address).expect("send on loopback");
        say("main", "sent \"hello\"");
    }));
}

// --- The tasks ---

fn ticker() -> Task {
    Task::new("ticker", |co| async move {
        for tick in 1..=3 {
            say("ticker", &format!("tick {tick}, then yields to the others"));
            co.yield_(Trap::Yield).await;
        }
    })
}

fn sleeper() -> Task {
    Task::new("sleeper", |co| async move {
        say("sleeper", "sleeps 30 ms");
        co.yield_(Trap::Sleep(Duration::from_millis(30))).await;
        say("sleeper", "woke up; sleeps 10 ms more");
        co.yield_(Trap::Sleep(Duration::from_millis(10))).await;
        say("sleeper", "woke up again");
    })
}

fn listener(socket: Rc<UdpSocket>) -> Task {
    Task::new("listener", |co| async move {
        say("listener", "waits until its socket has data");
        co.yield_(Trap::Readable(Rc::clone(&socket))).await;
        let mut buffer = [0; 64];
        let (length, _) = socket.recv_from(&mut buffer).expect("data is waiting");
        let message = String::from_utf8_lossy(&buffer[..length]);
        say("listener", &format!("received {message:?}"));
    })
}

// --- Traps: the only way a task talks to the scheduler ---

/// A task's request to the scheduler, and the only way it gives up control.
enum Trap {
    /// Let the others run, then continue. (asyncio: `await asyncio.sleep(0)`)
    Yield,
    /// Continue after this long. (asyncio: `await asyncio.sleep(seconds)`)
    Sleep(Duration),
    /// Start another task. (asyncio: `asyncio.create_task(coro)`)
    Spawn(Task),
    /// Continue when this socket has data. (asyncio: `loop.add_reader`)
    Readable(Rc<UdpSocket>),
}

/// A named generator of traps. Resumed with `()`, it is an `Iterator`:
/// `next()` runs it up to its next trap, and `None` means it returned.
struct Task {
    name: &'static str,
    traps: Gen<Trap>,
}

impl Task {
    fn new<Body>(name: &'static str, body: impl FnOnce(Co<Trap>) -> Body) -> Task
    where
        Body: Future<Output = ()> + 'static,
    {
        let traps = Gen::new(body);
        Task { name, traps }
    }
}

// --- The scheduler ---

/// How often an idle loop peeks at the sockets it waits on.
const POLL_TICK: Duration = Duration::from_millis(1);

#[derive(Default)]
struct Scheduler {
    ready: VecDeque<Task>,
    /// By wake-up time, then by arrival: equal times keep their order.
    sleeping: BTreeMap<(Instant, u64), Task>,
    sleepers_so_far: u64,
    reading: Vec<(Rc<UdpSocket>, Task)>,
}

impl Scheduler {
    fn run(main: Task) {
        let mut scheduler = Scheduler::default();
        scheduler.ready.push_back(main);
        while scheduler.has_tasks() {
            scheduler.turn();
        }
        say("scheduler", "no tasks left; the loop ends");
    }

    fn has_tasks(&self) -> bool {
        !(self.ready.is_empty() && self.sleeping.is_empty() && self.reading.is_empty())
    }

    fn turn(&mut self) {
        // 1. Wait. Nothing to run means every task is asleep or waiting for
        //    data: block until the next timer, but not past the next peek.
        if self.ready.is_empty() {
            let mut wait = match self.sleeping.keys().next() {
                Some((wake_at, _)) => wake_at.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if !self.reading.is_empty() {
                wait = wait.min(POLL_TICK);
            }
            thread::sleep(wait);
        }

        // 2. I/O: a task whose socket has data is ready to read it.
        for (socket, task) in std::mem::take(&mut self.reading) {
            if has_data(&socket) {
                self.ready.push_back(task);
            } else {
                self.reading.push((socket, task));
            }
        }

        // 3. Timers: wake every task whose sleep is over, earliest first.
        let now = Instant::now();
        while let Some(entry) = self.sleeping.first_entry()
            && entry.key().0 <= now
        {
            self.ready.push_back(entry.remove());
        }

        // 4. Run each task that is ready now, once, up to its next trap.
        if !self.ready.is_empty() {
            let names: Vec<_> = self.ready.iter().map(|task| task.name).collect();
            say("scheduler", &format!("runs {}", names.join(", ")));
        }
        for _ in 0..self.ready.len() {
            let mut task = self.ready.pop_front().expect("counted above");
            match task.traps.next() {
                None => say(task.name, "returned"),
                Some(Trap::Yield) => self.ready.push_back(task),
                Some(Trap::Sleep(duration)) => {
                    self.sleepers_so_far += 1;
                    let key = (Instant::now() + duration, self.sleepers_so_far);
                    self.sleeping.insert(key, task);
                }
                Some(Trap::Spawn(child)) => {
                    self.ready.push_back(child);
                    self.ready.push_back(task);
                }
                Some(Trap::Readable(socket)) => self.reading.push((socket, task)),
            }
        }
    }
}

/// Whether a read would find something, without reading it.
fn has_data(socket: &UdpSocket) -> bool {
    match socket.peek_from(&mut [0; 1]) {
        Err(error) if error.kind() == ErrorKind::WouldBlock => false,
        // Data, or an error that the task will meet when it reads.
        _ => true,
    }
}

/// Prints one line of the interleaving: time since start, who, what.
fn say(who: &str, what: &str) {
    static START: LazyLock<Instant> = LazyLock::new(Instant::now);
    let elapsed = START.elapsed().as_millis();
    println!("[{elapsed:>3} ms] {who:<9} {what}");
}
