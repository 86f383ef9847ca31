//! # The policy inside real runtimes
//!
//! Each check builds a runtime around the policy (wrapped in an [`Audit`])
//! and runs a small workload through it. Every task is spawned with
//! options from [`options`] — priorities from 0 to 255, deadlines passed,
//! near and far, names — so a policy that mishandles any of them is caught,
//! and the `block_on` future takes part unannounced, as it always does.
//! The audit reports a lost or starved task the moment it can tell; the
//! checks themselves only confirm that the workload's results are right.

use super::super::Schedule;
use super::audit::Audit;
use super::watch::Watch;
use crate::{Runtime, TaskBuilder};
use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// What a check needs: a way to make the policy, and where to report.
pub(super) struct Subject<'a, P> {
    pub(super) make: &'a dyn Fn() -> P,
    pub(super) watch: &'a Arc<Watch>,
    pub(super) patience: u64,
}

impl<P: Schedule + 'static> Subject<'_, P> {
    fn runtime(&self) -> Runtime {
        let audit = Audit::new((self.make)(), self.watch.clone(), self.patience);
        Runtime::builder()
            .scheduler(audit)
            .build()
            .expect("a runtime for the conformance check")
    }
}

/// Task `n`'s options: over 32 consecutive tasks, every combination of a
/// priority (0, 1, 7, 255), a deadline (none, passed, in 1 ms, in an hour)
/// and a name (or none) comes up.
fn options(n: usize) -> TaskBuilder {
    let builder = TaskBuilder::new().priority([0, 1, 7, 255][n % 4]);
    let now = Instant::now();
    let builder = match (n / 4) % 4 {
        0 => builder,
        1 => builder.deadline(now),
        2 => builder.deadline(now + Duration::from_millis(1)),
        _ => builder.deadline(now + Duration::from_secs(3_600)),
    };
    match (n / 16) % 2 {
        0 => builder.name(format!("task {n}")),
        _ => builder,
    }
}

fn text(error: impl ToString) -> String {
    error.to_string()
}

/// A hundred tasks with every kind of option yield fifty times each; all
/// finish.
pub(super) fn every_task_runs<P: Schedule + 'static>(subject: &Subject<P>) -> Result<(), String> {
    subject.runtime().block_on(async {
        let yielders: Vec<_> = (0..100)
            .map(|n| {
                options(n).spawn(async {
                    for _ in 0..50 {
                        crate::yield_now().await;
                    }
                })
            })
            .collect();
        for handle in yielders {
            handle.await.map_err(text)?;
        }
        Ok(())
    })
}

/// A task woken a hundred times before it runs is polled once more.
pub(super) fn wakes_never_run_a_task_twice<P: Schedule + 'static>(subject: &Subject<P>) -> Result<(), String> {
    subject.runtime().block_on(async {
        let polls = Rc::new(Cell::new(0u32));
        let (stored, finish): (Rc<Cell<Option<Waker>>>, Rc<Cell<bool>>) = Default::default();
        let task = options(31).spawn({
            let (polls, stored, finish) = (polls.clone(), stored.clone(), finish.clone());
            poll_fn(move |cx| {
                polls.set(polls.get() + 1);
                stored.set(Some(cx.waker().clone()));
                if finish.get() { Poll::Ready(()) } else { Poll::Pending }
            })
        });
        // A policy may run this future before the task, or after: wait
        // (the audit reports the task if it is lost or starved).
        while polls.get() == 0 {
            crate::yield_now().await;
        }
        let waker = stored.take().ok_or("the task kept no waker")?;
        for _ in 0..100 {
            waker.wake_by_ref();
        }
        while polls.get() == 1 {
            crate::yield_now().await;
        }
        for _ in 0..10 {
            crate::yield_now().await; // time for a second, wrong poll
        }
        if polls.get() != 2 {
            return Err(format!("100 wakes before a poll gave {} polls, not 1", polls.get() - 1));
        }
        finish.set(true);
        waker.wake();
        task.await.map_err(text)
    })
}

/// A thousand parked tasks, all woken (twice) inside one poll: each runs
/// exactly once more.
pub(super) fn many_wakes_in_one_turn<P: Schedule + 'static>(subject: &Subject<P>) -> Result<(), String> {
    const TASKS: usize = 1_000;
    subject.runtime().block_on(async {
        let wakers: Rc<RefCell<Vec<Waker>>> = Rc::default();
        let polls: Rc<Vec<Cell<u32>>> = Rc::new((0..TASKS).map(|_| Cell::new(0)).collect());
        let handles: Vec<_> = (0..TASKS)
            .map(|n| {
                let (wakers, polls) = (wakers.clone(), polls.clone());
                options(n).spawn(poll_fn(move |cx| {
                    polls[n].set(polls[n].get() + 1);
                    if polls[n].get() == 2 {
                        return Poll::Ready(());
                    }
                    wakers.borrow_mut().push(cx.waker().clone());
                    Poll::Pending
                }))
            })
            .collect();
        // Until all have parked: a policy may run this future before some
        // of them (they have higher priorities, or earlier deadlines).
        while wakers.borrow().len() < TASKS {
            crate::yield_now().await;
        }
        for waker in wakers.borrow().iter().chain(wakers.borrow().iter()) {
            waker.wake_by_ref();
        }
        for handle in handles {
            handle.await.map_err(text)?;
        }
        match polls.iter().position(|polls| polls.get() != 2) {
            Some(n) => Err(format!("task {n} was polled {} times, not 2", polls[n].get())),
            None => Ok(()),
        }
    })
}

/// Wakes posted from other threads all reach their tasks: 64 tasks each
/// await a job on the blocking pool, whose result wakes them remotely.
pub(super) fn remote_wakes_arrive<P: Schedule + 'static>(subject: &Subject<P>) -> Result<(), String> {
    subject.runtime().block_on(async {
        let waiters: Vec<_> = (0..64u64)
            .map(|n| {
                options(n as usize).spawn(async move {
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
            sum += waiter.await.map_err(text)?.map_err(text)?;
        }
        match sum == (0..64).sum::<u64>() {
            true => Ok(()),
            false => Err(format!("results from other threads added up to {sum}")),
        }
    })
}

/// Four always-ready tasks with the highest priority and a deadline already
/// passed spin, while the `block_on` future (no options at all) must still
/// get through a timer and a TCP round trip: nobody starves, whatever the
/// others were spawned with.
pub(super) fn timers_and_io_progress<P: Schedule + 'static>(subject: &Subject<P>) -> Result<(), String> {
    use crate::net::{TcpListener, TcpStream};
    use crate::prelude::*;
    subject.runtime().block_on(async {
        let stop = Rc::new(Cell::new(false));
        let spinners: Vec<_> = (0..4)
            .map(|n| {
                let stop = stop.clone();
                let urgent = TaskBuilder::new().priority(255).deadline(Instant::now());
                urgent.name(format!("spinner {n}")).spawn(async move {
                    while !stop.get() {
                        crate::yield_now().await;
                    }
                })
            })
            .collect();
        crate::time::sleep(Duration::from_millis(5)).await;
        let mut listener = TcpListener::bind("127.0.0.1:0").await.map_err(text)?;
        let addr = listener.local_addr().map_err(text)?;
        let client = crate::spawn(async move {
            let mut stream = TcpStream::connect(addr).await?;
            stream.write_all(b"ping").await?;
            Ok::<_, std::io::Error>(stream)
        });
        let (mut server, _) = listener.accept().await.map_err(text)?;
        let mut ping = [0u8; 4];
        server.read_exact(&mut ping).await.map_err(text)?;
        client.await.map_err(text)?.map_err(text)?;
        stop.set(true);
        for spinner in spinners {
            spinner.await.map_err(text)?;
        }
        Ok(())
    })
}
