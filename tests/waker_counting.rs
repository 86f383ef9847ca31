//! Every waker clone the runtime makes is dropped again, and every wake it
//! owes is made exactly once, through spawn, wake, abort, panic, detach,
//! timers, sockets and runtime drop. async-task tests itself this way: a
//! counting waker, and its counters checked after each scripted step.
//!
//! The waker here is a *foreign* one ([`counting_waker`]), handed to the
//! runtime where user code hands it one: as a join waiter, as a timer's and
//! as a socket's waiter. Its live clones are `Arc::strong_count`. The
//! runtime's own task wakers are checked by `task_waker_balance.rs`.
mod common;

use common::{counting_waker, poll_with, with_deadline};
use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

fn quiet() {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| common::quiet_expected_panics("counting: "));
}

/// A task that parks, handing its waker out, until `finish` is set; then it
/// returns or, with `panics`, panics.
fn puppet(slot: Rc<RefCell<Option<Waker>>>, finish: Rc<Cell<bool>>, panics: bool) -> impl Future<Output = ()> {
    poll_fn(move |cx| {
        *slot.borrow_mut() = Some(cx.waker().clone());
        match (finish.get(), panics) {
            (false, _) => Poll::Pending,
            (true, false) => Poll::Ready(()),
            (true, true) => panic!("counting: the scripted panic"),
        }
    })
}

#[test]
fn a_foreign_waker_is_released_and_woken_exactly_as_owed() {
    quiet();
    use runloop::net::{TcpListener, TcpStream};
    use runloop::prelude::*;
    with_deadline(Duration::from_secs(20), || {
        let (counter, waker) = counting_waker();
        let rt = runloop::Runtime::new().unwrap();
        let (kept_sleep, kept_socket, _peer, kept_handle) = rt.block_on(async {
            let step = |name: &str, wakes: usize, clones: usize| {
                assert_eq!(
                    (counter.wakes(), counter.clones_alive()),
                    (wakes, clones + 1), // + the test's own
                    "after {name}: (wakes, clones alive)"
                );
            };
            let spawn_puppet = |panics| {
                let (slot, finish) = (Rc::new(RefCell::new(None)), Rc::new(Cell::new(false)));
                let handle = runloop::spawn(puppet(slot.clone(), finish.clone(), panics));
                (handle, slot, finish)
            };
            let finish = |slot: &Rc<RefCell<Option<Waker>>>, flag: &Cell<bool>| {
                flag.set(true);
                slot.borrow().as_ref().unwrap().wake_by_ref();
            };

            // spawn, then wait on the handle: one clone stored, however often polled
            let (mut a, a_waker, a_finish) = spawn_puppet(false);
            runloop::yield_now().await;
            assert!(poll_with(&mut a, &waker).is_pending());
            assert!(poll_with(&mut a, &waker).is_pending());
            step("waiting on a handle", 0, 1);
            // the task returns: the waiter is woken once and released
            finish(&a_waker, &a_finish);
            runloop::yield_now().await;
            step("the task returned", 1, 0);
            assert!(poll_with(&mut a, &waker).is_ready());

            // abort
            let (mut b, _b_waker, _) = spawn_puppet(false);
            runloop::yield_now().await;
            assert!(poll_with(&mut b, &waker).is_pending());
            b.abort();
            runloop::yield_now().await;
            step("abort", 2, 0);
            assert!(matches!(poll_with(&mut b, &waker), Poll::Ready(Err(e)) if e.is_cancelled()));

            // panic
            let (mut c, c_waker, c_finish) = spawn_puppet(true);
            runloop::yield_now().await;
            assert!(poll_with(&mut c, &waker).is_pending());
            finish(&c_waker, &c_finish);
            runloop::yield_now().await;
            step("panic", 3, 0);
            assert!(matches!(poll_with(&mut c, &waker), Poll::Ready(Err(e)) if e.is_panic()));

            // detach: released without a wake
            let (mut d, d_waker, d_finish) = spawn_puppet(false);
            runloop::yield_now().await;
            assert!(poll_with(&mut d, &waker).is_pending());
            drop(d);
            step("detach", 3, 0);
            finish(&d_waker, &d_finish);
            runloop::yield_now().await;
            step("a detached task returned", 3, 0);

            // a timer: cancelled, then one that fires
            let mut nap = runloop::time::sleep(Duration::from_secs(60));
            assert!(poll_with(&mut nap, &waker).is_pending());
            assert!(poll_with(&mut nap, &waker).is_pending());
            step("a registered timer", 3, 1);
            drop(nap);
            step("a cancelled timer", 3, 0);
            let mut short = runloop::time::sleep(Duration::from_millis(1));
            assert!(poll_with(&mut short, &waker).is_pending());
            runloop::time::sleep(Duration::from_millis(5)).await;
            step("a fired timer", 4, 0);
            assert!(poll_with(&mut short, &waker).is_ready());

            // a socket: woken by data, once
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 8];
            {
                let mut read = Box::pin(client.read(&mut buf));
                assert!(poll_with(&mut read, &waker).is_pending());
                step("a socket's reader", 4, 1);
                server.write_all(b"x").await.unwrap();
                while counter.wakes() < 5 {
                    runloop::yield_now().await; // until loopback delivers it
                }
                step("data arrived", 5, 0);
                assert!(matches!(poll_with(&mut read, &waker), Poll::Ready(Ok(1))));
            }

            // left behind for the runtime drop: a join waiter, a timer and a
            // socket reader, each outliving the runtime
            let (mut e, _e_waker, _) = spawn_puppet(false);
            runloop::yield_now().await;
            assert!(poll_with(&mut e, &waker).is_pending());
            let mut kept_sleep = runloop::time::sleep(Duration::from_secs(60));
            assert!(poll_with(&mut kept_sleep, &waker).is_pending());
            assert!(poll_with(&mut Box::pin(client.read(&mut buf)), &waker).is_pending());
            step("before the runtime drop", 5, 3);
            (kept_sleep, client, server, e)
        });
        drop(rt);
        // The runtime woke the join waiter (its task was cancelled) and
        // dropped the timer's and the socket's waiters without waking them.
        assert_eq!((counter.wakes(), counter.clones_alive()), (6, 1));
        assert!(runloop::run(kept_handle).unwrap_err().is_cancelled());
        drop((kept_sleep, kept_socket));
        drop(waker);
        assert_eq!(counter.clones_alive(), 0);
    });
}
