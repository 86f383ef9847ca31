//! Wakes from other threads reach the loop, even when it is asleep.
mod common;

use common::with_deadline;
use std::future::poll_fn;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// What a task and the threads that wake it share.
#[derive(Default)]
struct Mailbox {
    received: AtomicUsize,
    waker: Mutex<Option<Waker>>,
}

#[test]
fn eight_threads_times_ten_thousand_wakes_into_a_thousand_tasks_lose_none() {
    const TASKS: usize = 1_000;
    const THREADS: usize = 8;
    const WAKES_PER_THREAD: usize = 10_000;
    const PER_TASK: usize = THREADS * WAKES_PER_THREAD / TASKS;

    let finished = with_deadline(Duration::from_secs(60), || {
        let mailboxes: Arc<Vec<Mailbox>> = Arc::new((0..TASKS).map(|_| Mailbox::default()).collect());
        runloop::run(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|index| {
                    let mailboxes = mailboxes.clone();
                    runloop::spawn(poll_fn(move |cx| {
                        let mailbox = &mailboxes[index];
                        // Store the waker before checking, so a message that
                        // lands in between still finds a waker to wake.
                        *mailbox.waker.lock().unwrap() = Some(cx.waker().clone());
                        if mailbox.received.load(Ordering::Acquire) == PER_TASK {
                            Poll::Ready(())
                        } else {
                            Poll::Pending
                        }
                    }))
                })
                .collect();
            runloop::yield_now().await; // every task has stored a waker

            let threads: Vec<_> = (0..THREADS)
                .map(|thread| {
                    let mailboxes = mailboxes.clone();
                    std::thread::spawn(move || {
                        for n in 0..WAKES_PER_THREAD {
                            let mailbox = &mailboxes[(thread * WAKES_PER_THREAD + n) % TASKS];
                            mailbox.received.fetch_add(1, Ordering::Release);
                            if let Some(waker) = mailbox.waker.lock().unwrap().as_ref() {
                                waker.wake_by_ref();
                            }
                        }
                    })
                })
                .collect();
            let mut finished = 0;
            for handle in handles {
                handle.await.unwrap();
                finished += 1;
            }
            for thread in threads {
                thread.join().unwrap();
            }
            finished
        })
    });
    assert_eq!(finished, TASKS);
}

#[test]
fn a_loop_asleep_in_poll_wakes_at_once_for_a_remote_wake() {
    let waited = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let mailbox = Arc::new(Mailbox::default());
            let start = Instant::now();
            let remote = mailbox.clone();
            let thread = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                remote.received.store(1, Ordering::Release);
                if let Some(waker) = remote.waker.lock().unwrap().take() {
                    waker.wake();
                }
            });
            // No timers and no sockets: the loop sleeps in epoll with no
            // timeout, and only the doorbell can end it.
            poll_fn(|cx| {
                *mailbox.waker.lock().unwrap() = Some(cx.waker().clone());
                if mailbox.received.load(Ordering::Acquire) == 1 {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            })
            .await;
            thread.join().unwrap();
            start.elapsed()
        })
    });
    assert!(waited >= Duration::from_millis(50));
}

#[test]
fn wakers_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    runloop::run(poll_fn(|cx| {
        assert_send_sync(cx.waker());
        Poll::Ready(())
    }));
}
