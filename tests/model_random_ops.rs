//! Random sequences of spawn, wake, finish, abort, drop-handle, await,
//! yield and sleep, checked against a model of what the runtime promises.
//! Fixed seeds, thousands of cases: a failure names its seed and replays.
//!
//! Each task is a *puppet*: a future that does what the driver (the main
//! future) tells it, and reports every poll. The model is the set of
//! promises a task's life must keep, checked as the sequence runs:
//!
//! - a task is polled only when owed a poll: its first, after a wake, or
//!   when its timer fires. A spurious poll is a violation — waking is
//!   idempotent, so a hundred wakes owe one poll, not two;
//! - after `abort`, a task is never polled again, even if it was already
//!   woken and queued;
//! - once the loop settles, every owed poll has happened (no lost wake),
//!   every aborted or returned future is dropped exactly once, and the
//!   handle says `is_finished`;
//! - a handle awaited gives the output if the task returned before the
//!   abort, `Cancelled` otherwise; an output is dropped exactly once, by
//!   whoever ends up with it, also after the runtime is dropped.
mod common;

use common::{XorShift, with_deadline};
use runloop::JoinHandle;
use runloop::time::{Sleep, sleep};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// 2,000 cases; 200 under valgrind (`common::scaled`).
fn cases() -> u64 {
    common::scaled(2_000, 200) as u64
}
const OPS_PER_CASE: usize = 60;

/// What the driver and a puppet share.
#[derive(Default)]
struct Puppet {
    polls: Cell<u32>,
    waker: RefCell<Option<Waker>>,
    /// A poll is owed: spawned or woken since the last poll.
    owed: Cell<bool>,
    /// The next poll returns the output.
    finish: Cell<bool>,
    /// The next poll starts a sleep this long.
    sleep_for: Cell<Option<Duration>>,
    /// A sleep is registered and has not fired yet.
    sleeping: Cell<bool>,
    returned: Cell<bool>,
    aborted: Cell<bool>,
    future_drops: Cell<u32>,
    output_drops: Cell<u32>,
    /// The first broken promise seen from inside the future.
    violation: RefCell<Option<String>>,
}

impl Puppet {
    fn violate(&self, what: &str) {
        self.violation.borrow_mut().get_or_insert_with(|| what.to_string());
    }
}

struct PuppetFuture {
    puppet: Rc<Puppet>,
    nap: Option<Sleep>,
}

struct Output(Rc<Puppet>);

impl Drop for Output {
    fn drop(&mut self) {
        self.0.output_drops.set(self.0.output_drops.get() + 1);
    }
}

impl Future for PuppetFuture {
    type Output = Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
        let puppet = self.puppet.clone();
        puppet.polls.set(puppet.polls.get() + 1);
        if puppet.aborted.get() {
            puppet.violate("polled after abort");
        }
        let mut owed = puppet.owed.replace(false);
        if let Some(nap) = self.nap.as_mut()
            && Pin::new(nap).poll(cx).is_ready()
        {
            self.nap = None;
            puppet.sleeping.set(false);
            owed = true; // the timer fired: that is what woke us
        }
        if !owed {
            puppet.violate("polled without a wake (spurious poll)");
        }
        if puppet.finish.get() {
            puppet.returned.set(true);
            return Poll::Ready(Output(puppet.clone()));
        }
        if let Some(duration) = puppet.sleep_for.take() {
            let mut nap = sleep(duration);
            if Pin::new(&mut nap).poll(cx).is_pending() {
                self.nap = Some(nap);
                puppet.sleeping.set(true);
            }
        }
        *puppet.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for PuppetFuture {
    fn drop(&mut self) {
        self.puppet.future_drops.set(self.puppet.future_drops.get() + 1);
    }
}

/// A task as the driver sees it.
struct Entry {
    puppet: Rc<Puppet>,
    handle: Option<JoinHandle<Output>>,
}

impl Entry {
    /// Neither returned nor aborted.
    fn alive(&self) -> bool {
        !self.puppet.returned.get() && !self.puppet.aborted.get()
    }
}

/// A thread that wakes wakers sent to it, then says so.
struct Remote {
    wakers: mpsc::Sender<Waker>,
    done: mpsc::Receiver<()>,
}

impl Remote {
    fn start() -> Remote {
        let (wakers, inbox) = mpsc::channel::<Waker>();
        let (ack, done) = mpsc::channel();
        std::thread::spawn(move || {
            for waker in inbox {
                waker.wake();
                if ack.send(()).is_err() {
                    return;
                }
            }
        });
        Remote { wakers, done }
    }

    fn wake(&self, waker: Waker) {
        self.wakers.send(waker).unwrap();
        self.done.recv().unwrap();
    }
}

#[derive(Default, Debug)]
struct Tally {
    ops: usize,
    spawns: usize,
    wakes: usize,
    remote_wakes: usize,
    aborts: usize,
    sleeps: usize,
    awaits: usize,
    settles: usize,
    polls: u64,
}

fn wake(entry: &Entry, random: &mut XorShift, remote: &Remote, tally: &mut Tally) {
    let Some(waker) = entry.puppet.waker.borrow().clone() else {
        return;
    };
    entry.puppet.owed.set(true);
    tally.wakes += 1;
    match random.next() % 8 {
        0 => {
            tally.remote_wakes += 1;
            remote.wake(waker);
        }
        1..=3 => waker.wake(),
        _ => {
            waker.wake_by_ref();
            if random.next().is_multiple_of(4) {
                waker.wake_by_ref(); // twice: still one poll owed
            }
        }
    }
}

/// Gives the loop turns until every promise due has been kept.
async fn settle(entries: &[Entry], seed: u64) {
    for _ in 0..100_000 {
        let due = entries.iter().any(|entry| {
            let puppet = &entry.puppet;
            let ended = puppet.returned.get() || puppet.aborted.get();
            (ended && puppet.future_drops.get() == 0) || (!ended && (puppet.owed.get() || puppet.sleeping.get()))
        });
        if !due {
            return;
        }
        runloop::yield_now().await;
    }
    panic!("seed {seed}: the loop never settled: a wake was lost");
}

/// Checks the promises of every task, once the loop has settled.
fn check_settled(entries: &[Entry], seed: u64) {
    for (index, entry) in entries.iter().enumerate() {
        let puppet = &entry.puppet;
        let context = format!("seed {seed}, task {index}");
        if let Some(violation) = puppet.violation.borrow().as_ref() {
            panic!("{context}: {violation}");
        }
        let ended = puppet.returned.get() || puppet.aborted.get();
        assert_eq!(puppet.future_drops.get(), u32::from(ended), "{context}: future drops");
        assert!(!puppet.owed.get() || ended, "{context}: an owed poll never came");
        if let Some(handle) = &entry.handle {
            assert_eq!(handle.is_finished(), ended, "{context}: is_finished");
        }
        let output_gone = puppet.returned.get() && entry.handle.is_none();
        assert!(puppet.output_drops.get() <= 1, "{context}: output dropped twice");
        if puppet.returned.get() && entry.handle.is_some() {
            assert_eq!(
                puppet.output_drops.get(),
                0,
                "{context}: the output waits for its handle"
            );
        }
        if output_gone {
            assert_eq!(puppet.output_drops.get(), 1, "{context}: a detached output is dropped");
        }
    }
}

/// Awaits a finished task's handle and checks what it says.
fn expected_outcome(puppet: &Puppet, result: Result<Output, runloop::JoinError>, context: &str) {
    match result {
        Ok(output) => {
            assert!(
                puppet.returned.get(),
                "{context}: an output from a task that did not return"
            );
            drop(output);
        }
        Err(error) => {
            assert!(error.is_cancelled(), "{context}: {error}");
            assert!(!puppet.returned.get(), "{context}: cancelled, but it had returned");
        }
    }
}

fn case(seed: u64, remote: &Remote, tally: &mut Tally) {
    let mut random = XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let rt = runloop::Runtime::new().unwrap();
    let entries = rt.block_on(async {
        let mut entries: Vec<Entry> = Vec::new();
        for _ in 0..OPS_PER_CASE {
            tally.ops += 1;
            let pick = |random: &mut XorShift, len: usize| match len {
                0 => None,
                n => Some((random.next() % n as u64) as usize),
            };
            match random.next() % 16 {
                0..=2 => {
                    let puppet = Rc::new(Puppet::default());
                    puppet.owed.set(true); // the first poll
                    let handle = runloop::spawn(PuppetFuture {
                        puppet: puppet.clone(),
                        nap: None,
                    });
                    let handle = (!random.next().is_multiple_of(8)).then_some(handle);
                    entries.push(Entry { puppet, handle });
                    tally.spawns += 1;
                }
                3..=5 => {
                    if let Some(i) = pick(&mut random, entries.len())
                        && entries[i].alive()
                    {
                        wake(&entries[i], &mut random, remote, tally);
                    }
                }
                6 => {
                    if let Some(i) = pick(&mut random, entries.len())
                        && entries[i].alive()
                        && entries[i].puppet.waker.borrow().is_some()
                    {
                        entries[i].puppet.finish.set(true);
                        wake(&entries[i], &mut random, remote, tally);
                    }
                }
                7 => {
                    if let Some(i) = pick(&mut random, entries.len())
                        && let Some(handle) = &entries[i].handle
                    {
                        handle.abort();
                        if !entries[i].puppet.returned.get() {
                            entries[i].puppet.aborted.set(true);
                        }
                        tally.aborts += 1;
                    }
                }
                8 => {
                    if let Some(i) = pick(&mut random, entries.len()) {
                        drop(entries[i].handle.take());
                    }
                }
                9 => {
                    if let Some(i) = pick(&mut random, entries.len())
                        && entries[i].alive()
                        && entries[i].puppet.waker.borrow().is_some()
                        && !entries[i].puppet.sleeping.get()
                    {
                        let micros = random.next() % 2_000;
                        entries[i].puppet.sleep_for.set(Some(Duration::from_micros(micros)));
                        wake(&entries[i], &mut random, remote, tally);
                        tally.sleeps += 1;
                    }
                }
                10 => {
                    // Await a handle whose task has ended (or will: aborted).
                    let ended: Vec<usize> = (0..entries.len())
                        .filter(|&i| !entries[i].alive() && entries[i].handle.is_some())
                        .collect();
                    if let Some(&i) = pick(&mut random, ended.len()).map(|n| &ended[n])
                        && let Some(handle) = entries[i].handle.take()
                    {
                        let result = handle.await;
                        expected_outcome(&entries[i].puppet, result, &format!("seed {seed}, task {i}"));
                        tally.awaits += 1;
                    }
                }
                11..=13 => runloop::yield_now().await,
                _ => {
                    settle(&entries, seed).await;
                    check_settled(&entries, seed);
                    tally.settles += 1;
                }
            }
        }
        settle(&entries, seed).await;
        check_settled(&entries, seed);
        entries
    });
    drop(rt);
    // The runtime is gone: every future dropped once; every output dropped
    // once, whether awaited now, dropped with its handle, or never made.
    for (index, mut entry) in entries.into_iter().enumerate() {
        let context = format!("seed {seed}, task {index}, after the runtime drop");
        let puppet = entry.puppet.clone();
        assert_eq!(puppet.future_drops.get(), 1, "{context}: future drops");
        if let Some(violation) = puppet.violation.borrow().as_ref() {
            panic!("{context}: {violation}");
        }
        if let Some(handle) = entry.handle.take() {
            assert!(handle.is_finished(), "{context}");
            if random.next().is_multiple_of(2) {
                expected_outcome(&puppet, runloop::run(handle), &context);
            }
        }
        assert_eq!(
            puppet.output_drops.get(),
            u32::from(puppet.returned.get()),
            "{context}: output drops"
        );
        tally.polls += u64::from(puppet.polls.get());
    }
}

#[test]
fn random_operation_sequences_keep_every_promise_of_the_model() {
    let tally = with_deadline(Duration::from_secs(120), || {
        let remote = Remote::start();
        let mut tally = Tally::default();
        for seed in 0..cases() {
            case(seed, &remote, &mut tally);
        }
        tally
    });
    let cases = cases() as usize;
    eprintln!("{cases} cases: {tally:?}");
    assert!(tally.settles > cases, "the sequences reach their checks: {tally:?}");
    let enough = cases / 2;
    assert!(
        tally.awaits > enough && tally.sleeps > enough && tally.remote_wakes > enough,
        "{tally:?}"
    );
}
