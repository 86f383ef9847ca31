//! # Conformance: is this policy a correct scheduler?
//!
//! Writing a [`Schedule`] policy is easy; writing one that never loses a
//! task, never runs one twice, and never starves the reactor is the
//! exercise. [`check`] runs a policy through the promises listed in the
//! module essay of [`scheduler`](super), first as a plain data structure and
//! then inside real runtimes, and panics with every broken promise named.
//!
//! ```
//! runloop::scheduler::conformance::check(runloop::scheduler::Fifo::new);
//! ```
//!
//! Every check runs on its own thread with a deadline, so a policy that
//! loses a task makes the check fail instead of hanging.

use super::{Cause, Ready, Schedule, SpawnInfo, TaskId};
use crate::Runtime;
use std::cell::Cell;
use std::collections::HashSet;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

/// How long one check may take, by default, before the policy is declared
/// stuck.
pub const DEADLINE: Duration = Duration::from_secs(30);

type Check<P> = fn(&dyn Fn() -> P) -> Result<(), String>;

/// Runs every conformance check on policies made by `make`, and panics
/// with a report naming each check that failed.
///
/// # Panics
/// If the policy breaks a promise: loses or duplicates a task, invents an
/// id, miscounts its length, or starves tasks, timers or I/O.
pub fn check<P, F>(make: F)
where
    P: Schedule + 'static,
    F: Fn() -> P + Send + Sync + 'static,
{
    check_with_deadline(make, DEADLINE);
}

/// [`check`], with `deadline` per check instead of [`DEADLINE`] (a policy
/// that loses tasks fails each runtime check only when its deadline passes).
pub fn check_with_deadline<P, F>(make: F, deadline: Duration)
where
    P: Schedule + 'static,
    F: Fn() -> P + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let checks: [(&str, Check<P>); 6] = [
        ("every push is popped exactly once", pushes_and_pops_match),
        ("every woken task runs", every_woken_task_runs),
        ("a hundred wakes give one poll", wakes_never_run_a_task_twice),
        ("many wakes in one turn lose nothing", many_wakes_in_one_turn),
        ("wakes from other threads arrive", remote_wakes_arrive),
        ("timers and I/O progress under load", timers_and_io_progress),
    ];
    let mut failures = Vec::new();
    for (name, check) in checks {
        let make = make.clone();
        let (done, outcome) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            let _ = done.send(check(&*make));
        });
        match outcome.recv_timeout(deadline) {
            Ok(Ok(())) => {
                let _ = worker.join();
            }
            Ok(Err(why)) => failures.push(format!("{name}: {why}")),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => failures.push(format!(
                "{name}: did not finish within {deadline:?} (a task was lost or starved)"
            )),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                failures.push(format!("{name}: panicked (see the output above)"));
            }
        }
    }
    if !failures.is_empty() {
        panic!(
            "the scheduling policy broke {} promise(s):\n  - {}",
            failures.len(),
            failures.join("\n  - ")
        );
    }
}

fn runtime<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Runtime {
    Runtime::builder()
        .scheduler(make())
        .build()
        .expect("a runtime for the conformance check")
}

/// The policy alone: pushes with every cause, interleaved with pops.
fn pushes_and_pops_match<P: Schedule>(make: &dyn Fn() -> P) -> Result<(), String> {
    let mut policy = make();
    if policy.pop().is_some() || !policy.is_empty() {
        return Err("a new policy is not empty".into());
    }
    let ids: Vec<TaskId> = (0..1_000).map(|n| TaskId::from_parts(n, n + 1)).collect();
    let causes = [Cause::Spawned, Cause::Reactor, Cause::Remote];
    let (mut pushed, mut popped) = (HashSet::new(), HashSet::new());
    for (n, &id) in ids.iter().enumerate() {
        policy.spawned(id, &SpawnInfo::with_priority((n % 7) as u8));
        let cause = match n % 5 {
            3 => Cause::WokenBy(ids[n / 2]),
            4 => Cause::WokenBy(id),
            k => causes[k % 3],
        };
        policy.push(Ready::new(id, cause));
        pushed.insert(id);
        if n % 3 == 0 {
            take_one(&mut policy, &pushed, &mut popped)?;
        }
        if policy.len() != pushed.len() - popped.len() {
            return Err(format!(
                "len() is {} with {} tasks waiting",
                policy.len(),
                pushed.len() - popped.len()
            ));
        }
    }
    while !policy.is_empty() {
        take_one(&mut policy, &pushed, &mut popped)?;
    }
    match policy.pop() {
        Some(id) => Err(format!("pop() gave {id} after everything was popped")),
        None if popped.len() != pushed.len() => Err(format!("{} pushed, {} popped", pushed.len(), popped.len())),
        None => Ok(()),
    }
}

fn take_one<P: Schedule>(policy: &mut P, pushed: &HashSet<TaskId>, popped: &mut HashSet<TaskId>) -> Result<(), String> {
    let id = policy.pop().ok_or("pop() gave None while len() > 0")?;
    if !pushed.contains(&id) {
        return Err(format!("pop() gave {id}, which was never pushed"));
    }
    if !popped.insert(id) {
        return Err(format!("pop() gave {id} twice for one push"));
    }
    policy.finished(id);
    Ok(())
}

/// Yielding tasks and a task woken from outside any poll all finish.
fn every_woken_task_runs<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Result<(), String> {
    runtime(make).block_on(async {
        let yielders: Vec<_> = (0..100)
            .map(|n| {
                crate::TaskBuilder::new().priority((n % 3) as u8).spawn(async {
                    for _ in 0..50 {
                        crate::yield_now().await;
                    }
                })
            })
            .collect();
        for handle in yielders {
            handle.await.map_err(|error| error.to_string())?;
        }
        Ok(())
    })
}

/// A task woken a hundred times before it runs is polled once more.
fn wakes_never_run_a_task_twice<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Result<(), String> {
    runtime(make).block_on(async {
        let polls = Rc::new(Cell::new(0u32));
        let (stored, finish): (Rc<Cell<Option<Waker>>>, Rc<Cell<bool>>) = Default::default();
        let task = crate::spawn({
            let (polls, stored, finish) = (polls.clone(), stored.clone(), finish.clone());
            poll_fn(move |cx| {
                polls.set(polls.get() + 1);
                stored.set(Some(cx.waker().clone()));
                if finish.get() { Poll::Ready(()) } else { Poll::Pending }
            })
        });
        crate::yield_now().await;
        let waker = stored.take().ok_or("the task never ran")?;
        for _ in 0..100 {
            waker.wake_by_ref();
        }
        for _ in 0..10 {
            crate::yield_now().await;
        }
        if polls.get() != 2 {
            return Err(format!("100 wakes before a poll gave {} polls, not 1", polls.get() - 1));
        }
        finish.set(true);
        waker.wake();
        task.await.map_err(|error| error.to_string())
    })
}

/// A thousand parked tasks, all woken (twice) inside one poll: each runs
/// exactly once more.
fn many_wakes_in_one_turn<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Result<(), String> {
    const TASKS: usize = 1_000;
    runtime(make).block_on(async {
        let wakers: Rc<std::cell::RefCell<Vec<Waker>>> = Rc::default();
        let polls: Rc<Vec<Cell<u32>>> = Rc::new((0..TASKS).map(|_| Cell::new(0)).collect());
        let handles: Vec<_> = (0..TASKS)
            .map(|n| {
                let (wakers, polls) = (wakers.clone(), polls.clone());
                crate::spawn(poll_fn(move |cx| {
                    polls[n].set(polls[n].get() + 1);
                    if polls[n].get() == 2 {
                        return Poll::Ready(());
                    }
                    wakers.borrow_mut().push(cx.waker().clone());
                    Poll::Pending
                }))
            })
            .collect();
        crate::yield_now().await; // all park
        for waker in wakers.borrow().iter().chain(wakers.borrow().iter()) {
            waker.wake_by_ref();
        }
        for handle in handles {
            handle.await.map_err(|error| error.to_string())?;
        }
        match polls.iter().position(|polls| polls.get() != 2) {
            Some(n) => Err(format!("task {n} was polled {} times, not 2", polls[n].get())),
            None => Ok(()),
        }
    })
}

/// Wakes posted from other threads all reach their tasks: 64 tasks each
/// await a job on the blocking pool, whose result wakes them remotely.
fn remote_wakes_arrive<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Result<(), String> {
    runtime(make).block_on(async {
        let waiters: Vec<_> = (0..64u64)
            .map(|n| {
                crate::spawn(async move {
                    crate::spawn_blocking(move || {
                        std::thread::sleep(Duration::from_millis(1));
                        n
                    })
                    .await
                })
            })
            .collect();
        let mut sum = 0;
        for waiter in waiters {
            sum += waiter
                .await
                .map_err(|error| error.to_string())?
                .map_err(|error| error.to_string())?;
        }
        match sum == (0..64).sum::<u64>() {
            true => Ok(()),
            false => Err(format!("results from other threads added up to {sum}")),
        }
    })
}

/// Four always-ready tasks spin while a timer and a TCP round trip must
/// still complete.
fn timers_and_io_progress<P: Schedule + 'static>(make: &dyn Fn() -> P) -> Result<(), String> {
    use crate::net::{TcpListener, TcpStream};
    use crate::prelude::*;
    runtime(make).block_on(async {
        let stop = Rc::new(Cell::new(false));
        let spinners: Vec<_> = (0..4)
            .map(|_| {
                let stop = stop.clone();
                crate::spawn(async move {
                    while !stop.get() {
                        crate::yield_now().await;
                    }
                })
            })
            .collect();
        crate::time::sleep(Duration::from_millis(5)).await;
        let mut listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|error| error.to_string())?;
        let addr = listener.local_addr().map_err(|error| error.to_string())?;
        let client = crate::spawn(async move {
            let mut stream = TcpStream::connect(addr).await?;
            stream.write_all(b"ping").await?;
            Ok::<_, std::io::Error>(stream)
        });
        let (mut server, _) = listener.accept().await.map_err(|error| error.to_string())?;
        let mut ping = [0u8; 4];
        server.read_exact(&mut ping).await.map_err(|error| error.to_string())?;
        client
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| error.to_string())?;
        stop.set(true);
        for spinner in spinners {
            spinner.await.map_err(|error| error.to_string())?;
        }
        Ok(())
    })
}
