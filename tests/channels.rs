//! `oneshot` and the bounded `channel`.
mod common;

use common::{DropCounter, with_deadline};
use runloop::sync::{TryRecvError, TrySendError, channel, oneshot};
use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

#[test]
fn a_hundred_producers_send_a_thousand_messages_each_none_lost_or_duplicated() {
    let received = with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let (tx, mut rx) = channel::<(u32, u32)>(16);
            for producer in 0..100 {
                let tx = tx.clone();
                runloop::spawn(async move {
                    for message in 0..1_000 {
                        tx.send((producer, message)).await.unwrap();
                        if message.is_multiple_of(7) {
                            runloop::yield_now().await;
                        }
                    }
                });
            }
            drop(tx);
            let mut seen = HashSet::new();
            let mut last_per_producer = vec![None; 100];
            while let Some((producer, message)) = rx.recv().await {
                assert!(seen.insert((producer, message)), "duplicate {producer}/{message}");
                // Each producer's own messages arrive in order.
                let last = &mut last_per_producer[producer as usize];
                assert!(last.is_none_or(|last| last < message));
                *last = Some(message);
            }
            seen.len()
        })
    });
    assert_eq!(received, 100_000);
}

#[test]
fn send_waits_while_the_channel_is_full() {
    runloop::run(async {
        let (tx, mut rx) = channel(2);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        assert!(matches!(tx.try_send(3), Err(TrySendError::Full(3))));
        let blocked = runloop::spawn(async move {
            tx.send(3).await.unwrap();
            "sent"
        });
        runloop::yield_now().await;
        assert!(!blocked.is_finished(), "the send must wait for room");
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(blocked.await.unwrap(), "sent");
        assert_eq!(rx.recv().await, Some(2));
        assert_eq!(rx.recv().await, Some(3));
        assert_eq!(rx.recv().await, None, "every sender is gone");
    });
}

#[test]
fn a_closed_receiver_makes_send_fail_with_the_value_handed_back() {
    runloop::run(async {
        let (tx, mut rx) = channel::<String>(1);
        tx.send("kept".to_string()).await.unwrap();
        rx.close();
        let error = tx.send("refused".to_string()).await.unwrap_err();
        assert_eq!(error.0, "refused");
        assert!(tx.is_closed());
        assert_eq!(rx.recv().await.as_deref(), Some("kept"), "queued values survive close");
        drop(rx);
        assert!(matches!(tx.try_send("late".to_string()), Err(TrySendError::Closed(_))));
    });
}

#[test]
fn senders_waiting_on_a_full_channel_fail_when_the_receiver_goes() {
    runloop::run(async {
        let (tx, rx) = channel(1);
        tx.send(0).await.unwrap();
        let waiting = runloop::spawn(async move { tx.send(1).await.map_err(|error| error.0) });
        runloop::yield_now().await;
        drop(rx);
        assert_eq!(waiting.await.unwrap(), Err(1));
    });
}

#[test]
fn a_woken_sender_that_is_cancelled_passes_its_slot_on() {
    // Two senders wait on a full channel. The first is woken for the freed
    // slot but aborted before it runs; the second must still get through.
    let got = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let (tx, mut rx) = channel(1);
            tx.send(0).await.unwrap();
            let first = runloop::spawn({
                let tx = tx.clone();
                async move { tx.send(1).await.unwrap() }
            });
            runloop::yield_now().await;
            let second = runloop::spawn({
                let tx = tx.clone();
                async move { tx.send(2).await.unwrap() }
            });
            runloop::yield_now().await;
            assert_eq!(rx.try_recv(), Ok(0)); // frees a slot, wakes `first`
            first.abort();
            assert!(first.await.unwrap_err().is_cancelled());
            second.await.unwrap();
            drop(tx);
            let mut got = Vec::new();
            while let Some(value) = rx.recv().await {
                got.push(value);
            }
            got
        })
    });
    assert_eq!(got, [2]);
}

#[test]
fn try_recv_reports_empty_then_closed() {
    runloop::run(async {
        let (tx, mut rx) = channel::<u8>(1);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
}

#[test]
fn values_left_in_a_dropped_channel_are_dropped_once() {
    let drops = Rc::new(Cell::new(0));
    runloop::run({
        let drops = drops.clone();
        async move {
            let (tx, rx) = channel(4);
            for _ in 0..3 {
                tx.send(DropCounter(drops.clone())).await.unwrap();
            }
            drop(rx);
            assert_eq!(drops.get(), 3);
            drop(tx);
        }
    });
    assert_eq!(drops.get(), 3);
}

#[test]
fn a_dropped_oneshot_sender_gives_the_receiver_an_error() {
    let outcome = runloop::run(async {
        let (tx, rx) = oneshot::channel::<u32>();
        runloop::spawn(async move {
            runloop::yield_now().await;
            drop(tx);
        });
        rx.await
    });
    assert_eq!(outcome, Err(oneshot::RecvError));
}

#[test]
fn a_oneshot_crosses_threads_and_wakes_a_sleeping_loop() {
    let value = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let (tx, rx) = oneshot::channel();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                tx.send(String::from("from another thread")).unwrap();
            });
            rx.await.unwrap()
        })
    });
    assert_eq!(value, "from another thread");
}

#[test]
fn a_oneshot_send_to_a_dropped_receiver_hands_the_value_back() {
    let (tx, rx) = oneshot::channel::<u32>();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(7), Err(7));
}

#[test]
fn oneshot_try_recv() {
    let (tx, mut rx) = oneshot::channel::<u32>();
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Empty));
    tx.send(1).unwrap();
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Closed));
}

#[test]
fn recv_after_close_ends_once_drained_even_with_live_senders() {
    let out = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let (tx, mut rx) = channel::<u32>(2);
            tx.send(1).await.unwrap();
            rx.close();
            let first = rx.recv().await;
            let second = rx.recv().await; // nothing can arrive any more
            assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
            drop(tx);
            (first, second)
        })
    });
    assert_eq!(out, (Some(1), None));
}

#[test]
fn random_cancellations_never_strand_a_slot_or_lose_a_value() {
    use common::XorShift;
    use runloop::future::{Either, select};
    use std::cell::RefCell;

    async fn yields(n: u64) {
        for _ in 0..n {
            runloop::yield_now().await;
        }
    }

    // 39 seeded runs: 200 senders on a channel of capacity 1 to 3; some send
    // plainly, some race their send against a few yields and retry, some
    // give up; the receiver aborts senders at random. Every value reported
    // sent must arrive once, and the run must end.
    for seed in 1..40u64 {
        with_deadline(Duration::from_secs(20), move || {
            runloop::run(async move {
                let mut random = XorShift(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
                let capacity = (random.next() % 3 + 1) as usize;
                let (tx, mut rx) = channel::<u32>(capacity);
                let sent: Rc<RefCell<HashSet<u32>>> = Rc::default();
                let mut senders = Vec::new();
                for value in 0..200u32 {
                    let (tx, sent) = (tx.clone(), sent.clone());
                    let (mode, patience) = (random.next() % 3, random.next() % 4 + 1);
                    senders.push(runloop::spawn(async move {
                        loop {
                            if mode == 0 {
                                tx.send(value).await.unwrap();
                                break;
                            }
                            match select(tx.send(value), yields(patience)).await {
                                Either::Left(result) => {
                                    result.unwrap();
                                    break;
                                }
                                Either::Right(()) if mode == 2 => return, // give up
                                Either::Right(()) => {}                   // try again
                            }
                        }
                        sent.borrow_mut().insert(value);
                    }));
                }
                drop(tx);
                let mut received = HashSet::new();
                loop {
                    let roll = random.next();
                    if roll.is_multiple_of(5) {
                        yields(roll % 3).await;
                    }
                    if roll.is_multiple_of(11) && !senders.is_empty() {
                        let victim = (random.next() as usize) % senders.len();
                        senders.swap_remove(victim).abort();
                    }
                    match rx.recv().await {
                        Some(value) => assert!(received.insert(value), "seed {seed}: {value} arrived twice"),
                        None => break,
                    }
                }
                assert_eq!(received, *sent.borrow(), "seed {seed}");
            })
        });
    }
}
