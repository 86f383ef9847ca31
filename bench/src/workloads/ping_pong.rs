//! # W3 — ping-pong
//!
//! Two tasks pass a token back and forth 1,000,000 times, each pass over
//! the runtime's own channel: a bounded queue with room for one value, one
//! queue each way. A pass is a send, a wake of the task parked in `recv`,
//! that task being queued and polled, and the receive. Both tasks add one
//! to the token before passing it on, and the last value is checked, so no
//! runtime can drop or merge a pass.
//!
//! This is the cost of tasks *talking*: where W2 measures a task waking
//! itself, W3 measures one task waking another through a data structure
//! that stores the waiter's waker, which is what every channel, lock and
//! socket does.
//!
//! The channels: runloop's `sync::channel(1)` (asyncio's `Queue(1)`),
//! tokio's `mpsc::channel(1)`, smol's `async_channel::bounded(1)`, and
//! futures' `mpsc::channel(0)` (which holds one value per sender, so one).
//! One operation is one pass.

use super::{runloop_runtime, smol_block_on, smol_executor, tokio_runtime};
use crate::harness::{Case, Target, Unit, Workload, per_op};
use futures::task::LocalSpawnExt;
use futures::{SinkExt, StreamExt};
use std::time::Instant;

const PASSES: u64 = 1_000_000;

pub fn workload() -> Workload {
    Workload {
        id: "W3",
        title: "ping-pong: a token passed 1,000,000 times over a channel",
        unit: Unit::Nanos,
        target: Target {
            max_ratio: 0.7,
            against: None,
        },
        cases,
    }
}

fn cases() -> Vec<Case> {
    let runloop = runloop_runtime();
    let tokio = tokio_runtime();
    let smol = smol_executor();
    let mut pool = futures::executor::LocalPool::new();
    vec![
        Case::new("runloop", move || {
            runloop.block_on(async {
                let started = Instant::now();
                let (ping_tx, mut ping_rx) = runloop::sync::channel(1);
                let (pong_tx, mut pong_rx) = runloop::sync::channel(1);
                let ping = runloop::spawn(async move {
                    let mut token = 0;
                    for _ in 0..PASSES / 2 {
                        ping_tx.send(token + 1).await.expect("pong is alive");
                        token = pong_rx.recv().await.expect("pong is alive");
                    }
                    token
                });
                let pong = runloop::spawn(async move {
                    while let Some(token) = ping_rx.recv().await {
                        pong_tx.send(token + 1).await.expect("ping is alive");
                    }
                });
                let token = ping.await.expect("ping");
                pong.await.expect("pong");
                assert_eq!(token, PASSES);
                per_op(started.elapsed(), PASSES)
            })
        }),
        Case::new("tokio", move || {
            tokio.block_on(async {
                let started = Instant::now();
                let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel(1);
                let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel(1);
                let ping = tokio::spawn(async move {
                    let mut token = 0;
                    for _ in 0..PASSES / 2 {
                        ping_tx.send(token + 1).await.expect("pong is alive");
                        token = pong_rx.recv().await.expect("pong is alive");
                    }
                    token
                });
                let pong = tokio::spawn(async move {
                    while let Some(token) = ping_rx.recv().await {
                        pong_tx.send(token + 1).await.expect("ping is alive");
                    }
                });
                let token = ping.await.expect("ping");
                pong.await.expect("pong");
                assert_eq!(token, PASSES);
                per_op(started.elapsed(), PASSES)
            })
        }),
        Case::new("smol", move || {
            smol_block_on(&smol, async {
                let started = Instant::now();
                let (ping_tx, ping_rx) = smol::channel::bounded(1);
                let (pong_tx, pong_rx) = smol::channel::bounded(1);
                let ping = smol.spawn(async move {
                    let mut token = 0;
                    for _ in 0..PASSES / 2 {
                        ping_tx.send(token + 1).await.expect("pong is alive");
                        token = pong_rx.recv().await.expect("pong is alive");
                    }
                    token
                });
                let pong = smol.spawn(async move {
                    while let Ok(token) = ping_rx.recv().await {
                        pong_tx.send(token + 1).await.expect("ping is alive");
                    }
                });
                let token = ping.await;
                pong.await;
                assert_eq!(token, PASSES);
                per_op(started.elapsed(), PASSES)
            })
        }),
        Case::new("futures", move || {
            let spawner = pool.spawner();
            pool.run_until(async {
                let started = Instant::now();
                let (mut ping_tx, mut ping_rx) = futures::channel::mpsc::channel(0);
                let (mut pong_tx, mut pong_rx) = futures::channel::mpsc::channel(0);
                let ping = spawner
                    .spawn_local_with_handle(async move {
                        let mut token = 0;
                        for _ in 0..PASSES / 2 {
                            ping_tx.send(token + 1).await.expect("pong is alive");
                            token = pong_rx.next().await.expect("pong is alive");
                        }
                        token
                    })
                    .expect("spawn");
                let pong = spawner
                    .spawn_local_with_handle(async move {
                        while let Some(token) = ping_rx.next().await {
                            pong_tx.send(token + 1).await.expect("ping is alive");
                        }
                    })
                    .expect("spawn");
                let token = ping.await;
                pong.await;
                assert_eq!(token, PASSES);
                per_op(started.elapsed(), PASSES)
            })
        }),
    ]
}
