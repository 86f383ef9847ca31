//! The chat server of `examples/chat_server.rs`, with 200 scripted clients
//! each sending 50 lines: every line reaches every other client, in its
//! sender's order, and once everyone has left and the room has stopped,
//! the process has exactly the file descriptors it had before.
//!
//! One test in this file: it counts the process's file descriptors, which
//! another test running beside it would disturb.
#[path = "../examples/support/chat_bots.rs"]
mod chat_bots;
#[path = "../examples/support/chat_room.rs"]
mod chat_room;
mod common;

use common::{scaled, with_deadline};
use runloop::future::select;
use runloop::net::TcpListener;
use runloop::sync::oneshot;
use std::rc::Rc;
use std::time::Duration;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn two_hundred_clients_each_hear_every_other_clients_fifty_lines_in_order() {
    let (bots, messages) = (scaled(200, 20), scaled(50, 10));
    let (before, after, reports) = with_deadline(Duration::from_secs(300), move || {
        let before = open_fds();
        // The room on a thread and a loop of its own, as in the example.
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let room = std::thread::spawn(move || {
            runloop::run(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let room = Rc::new(chat_room::Room::default());
                select(chat_room::serve(listener, room.clone()), stopped).await;
                assert_eq!(room.len(), 0, "everyone left");
            })
        });
        let addr = addr_rx.recv().unwrap();
        let reports = runloop::run(chat_bots::run_bots(addr, bots, messages, false)).unwrap();
        stop.send(()).unwrap();
        room.join().unwrap();
        (before, open_fds(), reports)
    });

    let expected = (bots - 1) * messages;
    let delivered: usize = reports.iter().map(|report| report.chat_lines).sum();
    println!(
        "{bots} clients × {messages} lines: {delivered} deliveries (expected {}); fds {before} before, {after} after",
        bots * expected
    );
    assert_eq!(reports.len(), bots);
    for report in &reports {
        assert_eq!(report.chat_lines, expected, "{} heard every other line", report.nick);
        assert_eq!(report.out_of_order, 0, "{} heard each sender in order", report.nick);
    }
    assert_eq!(after, before, "every socket, epoll and eventfd was closed");
}
