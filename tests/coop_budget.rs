//! The cooperative budget: a task whose operations are always ready still
//! yields, so a timer is not starved.
mod common;

use common::with_deadline;
use runloop::sync::channel;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

const ITEMS: u32 = 200_000;

/// A reader whose channel is never empty (it refills it itself), and a timer
/// due almost at once. Returns how many items had been read when the
/// timer's task first ran.
fn items_read_before_the_timer_ran(budget: Option<u32>) -> u32 {
    let rt = runloop::Runtime::builder().coop_budget(budget).build().unwrap();
    rt.block_on(async {
        let read = Rc::new(Cell::new(0u32));
        let timer_saw = Rc::new(Cell::new(None));
        let timer = runloop::spawn({
            let (read, timer_saw) = (read.clone(), timer_saw.clone());
            async move {
                runloop::time::sleep(Duration::from_micros(1)).await;
                timer_saw.set(Some(read.get()));
            }
        });
        runloop::yield_now().await; // the timer is registered
        let reader = runloop::spawn({
            let read = read.clone();
            async move {
                let (tx, mut rx) = channel(1);
                for n in 0..ITEMS {
                    tx.try_send(n).unwrap();
                    rx.recv().await.unwrap(); // always ready: never parks
                    read.set(read.get() + 1);
                }
            }
        });
        reader.await.unwrap();
        timer.await.unwrap();
        timer_saw.get().unwrap()
    })
}

#[test]
fn without_a_budget_an_always_ready_reader_starves_a_timer() {
    let seen = with_deadline(Duration::from_secs(60), || items_read_before_the_timer_ran(None));
    assert_eq!(
        seen, ITEMS,
        "the reader never yielded, so the timer ran only after it finished"
    );
}

#[test]
fn with_the_budget_the_reader_yields_and_the_timer_runs_early() {
    let seen = with_deadline(Duration::from_secs(60), || items_read_before_the_timer_ran(Some(128)));
    // 128 receives per poll, at most 128 polls per turn before the loop
    // checks its timers.
    assert!(seen <= 128 * 128, "the timer ran after {seen} items");
    assert!(seen > 0);
}

#[test]
fn the_default_budget_is_on() {
    let seen = with_deadline(Duration::from_secs(60), || {
        let rt = runloop::Runtime::new().unwrap();
        drop(rt);
        items_read_before_the_timer_ran(Some(128))
    });
    assert!(seen < ITEMS);
}

/// The peer writes 16 KiB (small enough to sit in loopback's buffers) and
/// closes; the reader then reads it in 8-byte bites, every read ready at
/// once. Returns how often a yielding ticker ran during the read.
fn ticks_during_an_always_ready_tcp_read(budget: Option<u32>) -> u32 {
    use runloop::net::TcpListener;
    use runloop::prelude::*;
    let rt = runloop::Runtime::builder().coop_budget(budget).build().unwrap();
    rt.block_on(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.write_all(&[7u8; 16 * 1024]).unwrap();
        });
        let (mut stream, _) = listener.accept().await.unwrap();
        writer.join().unwrap(); // everything is written and the peer has closed
        let ticks = Rc::new(Cell::new(0u32));
        let done = Rc::new(Cell::new(false));
        let ticker = runloop::spawn({
            let (ticks, done) = (ticks.clone(), done.clone());
            async move {
                while !done.get() {
                    ticks.set(ticks.get() + 1);
                    runloop::yield_now().await;
                }
            }
        });
        let mut bite = [0u8; 8];
        // The first read may wait for the socket's first readiness event
        // (the ticker runs meanwhile); count from the second one on.
        let mut total = stream.read(&mut bite).await.unwrap();
        let before = ticks.get();
        loop {
            match stream.read(&mut bite).await.unwrap() {
                0 => break,
                n => total += n,
            }
        }
        assert_eq!(total, 16 * 1024);
        let during = ticks.get() - before;
        done.set(true);
        ticker.await.unwrap();
        during
    })
}

#[test]
fn an_always_ready_tcp_reader_yields_only_with_the_budget() {
    let (without, with) = with_deadline(Duration::from_secs(60), || {
        (
            ticks_during_an_always_ready_tcp_read(None),
            ticks_during_an_always_ready_tcp_read(Some(128)),
        )
    });
    assert_eq!(without, 0, "2,048 ready reads in one poll: the ticker never ran");
    assert!(
        with >= 10,
        "with a budget of 128 the reader yielded; the ticker ran {with} times"
    );
}
