//! What each policy is for, observed: the LIFO slot's cap, priority order,
//! and aging.
mod common;

use common::with_deadline;
use runloop::scheduler::{LifoSlot, Priority};
use runloop::sync::channel;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// Two tasks pass a token `rounds` times; after five rounds one of them
/// spawns a bystander. Returns the round during which the bystander first
/// ran.
fn bystander_runs_at_round(policy: LifoSlot, rounds: u32) -> u32 {
    let rt = runloop::Runtime::builder().scheduler(policy).build().unwrap();
    rt.block_on(async move {
        let round = Rc::new(Cell::new(0u32));
        let seen_at = Rc::new(Cell::new(None));
        let (to_b, mut b_inbox) = channel::<u32>(1);
        let (to_a, mut a_inbox) = channel::<u32>(1);
        let ping = runloop::spawn({
            let (round, seen_at) = (round.clone(), seen_at.clone());
            async move {
                for n in 0..rounds {
                    round.set(n);
                    if n == 5 {
                        let (round, seen_at) = (round.clone(), seen_at.clone());
                        drop(runloop::spawn(async move { seen_at.set(Some(round.get())) }));
                    }
                    to_b.send(n).await.unwrap();
                    a_inbox.recv().await.unwrap();
                }
            }
        });
        let pong = runloop::spawn(async move {
            while let Some(n) = b_inbox.recv().await {
                to_a.send(n).await.unwrap();
            }
        });
        ping.await.unwrap();
        pong.await.unwrap();
        seen_at.get().unwrap_or(u32::MAX)
    })
}

#[test]
fn the_lifo_slot_cap_keeps_a_ping_pong_pair_from_starving_a_third_task() {
    let (capped, uncapped) = with_deadline(Duration::from_secs(30), || {
        (
            bystander_runs_at_round(LifoSlot::new(), 1_000),
            bystander_runs_at_round(LifoSlot::with_max_slot_runs(u32::MAX), 1_000),
        )
    });
    assert!(capped <= 8, "with the cap, the bystander ran at round {capped}");
    assert!(
        uncapped >= 999,
        "without a cap the pair hogs the loop: bystander at round {uncapped}"
    );
}

#[test]
fn the_lifo_slot_runs_the_woken_task_next() {
    // A wakes B through a channel; under LifoSlot B runs next, before C,
    // which was already queued; under FIFO C would run first.
    let order = Rc::new(RefCell::new(Vec::new()));
    let rt = runloop::Runtime::builder().scheduler(LifoSlot::new()).build().unwrap();
    rt.block_on({
        let order = order.clone();
        async move {
            let (tx, mut rx) = channel::<()>(1);
            let b = runloop::spawn({
                let order = order.clone();
                async move {
                    rx.recv().await;
                    order.borrow_mut().push("b");
                }
            });
            runloop::yield_now().await; // b parks on its channel
            // Queue: a, then c. a's send wakes b from inside a's poll.
            let a = runloop::spawn(async move { tx.send(()).await.unwrap() });
            let c = runloop::spawn({
                let order = order.clone();
                async move { order.borrow_mut().push("c") }
            });
            // Await b first: if main awaited a, a's ending would wake main
            // from inside a's poll too, and main would take the slot.
            for handle in [b, a, c] {
                handle.await.unwrap();
            }
        }
    });
    assert_eq!(*order.borrow(), ["b", "c"]);
}

#[test]
fn higher_priority_runs_first_and_equal_priorities_keep_their_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let rt = runloop::Runtime::builder().scheduler(Priority::new()).build().unwrap();
    rt.block_on({
        let order = order.clone();
        async move {
            let handles: Vec<_> = [("low", 1), ("high-1", 5), ("mid", 3), ("high-2", 5), ("lowest", 0)]
                .into_iter()
                .map(|(name, priority)| {
                    let order = order.clone();
                    runloop::TaskBuilder::new()
                        .priority(priority)
                        .spawn(async move { order.borrow_mut().push(name) })
                })
                .collect();
            runloop::join_all(handles).await;
        }
    });
    assert_eq!(*order.borrow(), ["high-1", "high-2", "mid", "low", "lowest"]);
}

/// Three busy high-priority tasks and one low one: how many high polls
/// happen before the low task first runs?
fn high_polls_before_low_runs(policy: Priority) -> u64 {
    let rt = runloop::Runtime::builder().scheduler(policy).build().unwrap();
    rt.block_on(async {
        let high_polls = Rc::new(Cell::new(0u64));
        let low_saw = Rc::new(Cell::new(None));
        let highs: Vec<_> = (0..3)
            .map(|_| {
                let high_polls = high_polls.clone();
                runloop::TaskBuilder::new().priority(9).spawn(async move {
                    for _ in 0..200 {
                        high_polls.set(high_polls.get() + 1);
                        runloop::yield_now().await;
                    }
                })
            })
            .collect();
        let low = runloop::TaskBuilder::new().priority(0).spawn({
            let (high_polls, low_saw) = (high_polls.clone(), low_saw.clone());
            async move { low_saw.set(Some(high_polls.get())) }
        });
        runloop::join_all(highs).await;
        low.await.unwrap();
        low_saw.get().unwrap()
    })
}

#[test]
fn aging_lets_a_low_priority_task_progress_under_a_stream_of_high_priority_work() {
    let (aged, strict) = with_deadline(Duration::from_secs(30), || {
        (
            high_polls_before_low_runs(Priority::with_aging(8)),
            high_polls_before_low_runs(Priority::with_aging(u64::MAX)),
        )
    });
    assert!(
        aged <= 16,
        "with aging after 8 turns, the low task waited {aged} high polls"
    );
    assert_eq!(strict, 600, "strict priority runs every high poll first");
}

/// The aging rule, counted exactly: the longest-waiting task is passed over
/// `aging` times, and the next pop is its (the test is `>=`, so "at most
/// `aging` times", not "more than `aging`").
#[test]
fn aging_passes_the_longest_waiting_task_over_exactly_aging_times() {
    use runloop::scheduler::{Cause, Ready, Schedule, SpawnInfo, TaskId};
    for aging in [1, 2, 5, 32] {
        let mut policy = Priority::with_aging(aging);
        let low = TaskId::from_parts(0, 1);
        policy.spawned(low, &SpawnInfo::with_priority(0));
        policy.push(Ready::new(low, Cause::Spawned));
        // A stream of high-priority tasks, one new one queued per pop, so
        // there is always one to prefer to `low`.
        let mut passed_over = 0;
        for n in 1u32.. {
            let high = TaskId::from_parts(n, n + 1);
            policy.spawned(high, &SpawnInfo::with_priority(9));
            policy.push(Ready::new(high, Cause::Spawned));
            if policy.pop() == Some(low) {
                break;
            }
            passed_over += 1;
            assert!(passed_over <= aging, "aging {aging}: passed over {passed_over} times");
        }
        assert_eq!(passed_over, aging, "aging {aging}");
    }
}
