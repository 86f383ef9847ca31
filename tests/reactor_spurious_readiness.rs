//! Readiness that turns out to be false — an event says readable, writable,
//! closed or failed, and the kernel then says `WouldBlock` — costs one
//! retry and never an error or a hang: the task waits again and gets the
//! real event later. The false events are injected into the reactor's
//! batch with the test hook in `src/net/fault.rs`, so they travel the same
//! path as real ones (a spurious *wake* of the task would not: it would
//! find the readiness bits clear and never try the system call).
mod common;

use common::{XorShift, join2, next_turn, with_deadline};
use runloop::net::{Injected, TcpListener, TcpStream};
use runloop::prelude::*;
use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::rc::Rc;
use std::time::Duration;

const KINDS: [Injected; 6] = [
    Injected::Readable,
    Injected::Writable,
    Injected::ReadClosed,
    Injected::WriteClosed,
    Injected::Error,
    Injected::Everything,
];

/// How many times to inject each kind of event: 500, or 50 under valgrind.
fn rounds() -> usize {
    common::scaled(500, 50)
}

/// A connected pair on the running loop: (client, server).
async fn pair() -> (TcpStream, TcpStream) {
    let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Polls `future` while counting its polls; the count is shared.
fn counted<F: Future>(future: F, polls: Rc<Cell<usize>>) -> impl Future<Output = F::Output> {
    let mut future = Box::pin(future);
    poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        future.as_mut().poll(cx)
    })
}

#[test]
fn a_reader_given_false_readiness_waits_again_then_reads_the_real_bytes() {
    let (polls, got, eof) = with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let (mut client, mut server) = pair().await;
            let injector = client.readiness_injector();
            let polls = Rc::new(Cell::new(0));
            let reader = runloop::spawn(counted(
                async move {
                    let mut buf = [0u8; 64];
                    let n = client.read(&mut buf).await.unwrap();
                    let eof = client.read(&mut buf[n..]).await.unwrap();
                    (buf[..n].to_vec(), eof)
                },
                polls.clone(),
            ));
            for _ in 0..rounds() {
                for kind in KINDS {
                    injector.inject(kind);
                    next_turn().await;
                }
            }
            assert!(!reader.is_finished(), "false readiness must not end the read");
            server.write_all(b"the real bytes").await.unwrap();
            runloop::time::sleep(Duration::from_millis(20)).await;
            drop(server);
            let (got, eof) = reader.await.unwrap();
            (polls.get(), got, eof)
        })
    });
    assert_eq!(got, b"the real bytes");
    assert_eq!(eof, 0, "then the real end of stream");
    // Every injected event with a read bit woke the reader, which tried a
    // read, got WouldBlock and waited again.
    let read_kinds = KINDS
        .iter()
        .filter(|kind| !matches!(kind, Injected::Writable | Injected::WriteClosed));
    let expected = rounds() * read_kinds.count();
    assert!(
        polls > expected,
        "the reader was woken {polls} times, expected {expected} + 2"
    );
}

#[test]
fn a_writer_given_false_writability_waits_again_then_writes_every_byte() {
    const TOTAL: usize = 8 << 20; // far more than the socket buffers hold
    let received = with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let (mut client, mut server) = pair().await;
            let injector = client.readiness_injector();
            let polls = Rc::new(Cell::new(0));
            let writer = runloop::spawn(counted(
                async move {
                    let data: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
                    client.write_all(&data).await.unwrap();
                    client
                },
                polls.clone(),
            ));
            // The writer fills the buffers and waits; lie to it meanwhile.
            for _ in 0..rounds() {
                for kind in KINDS {
                    injector.inject(kind);
                    next_turn().await;
                }
            }
            assert!(!writer.is_finished(), "nobody read yet: the writer cannot be done");
            let mut received = Vec::with_capacity(TOTAL);
            let mut buf = vec![0u8; 64 * 1024];
            while received.len() < TOTAL {
                let n = server.read(&mut buf).await.unwrap();
                assert_ne!(n, 0, "the stream ended early");
                received.extend_from_slice(&buf[..n]);
            }
            drop(writer.await.unwrap());
            received
        })
    });
    assert_eq!(received.len(), TOTAL);
    assert!(received.iter().enumerate().all(|(i, byte)| *byte == (i % 251) as u8));
}

#[test]
fn an_accept_given_false_readiness_waits_again_then_accepts_the_real_connection() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let injector = listener.readiness_injector();
            let accepting = runloop::spawn(async move { listener.accept().await.map(|(_, peer)| peer) });
            for _ in 0..rounds() {
                for kind in KINDS {
                    injector.inject(kind);
                    next_turn().await;
                }
            }
            assert!(!accepting.is_finished());
            let client = TcpStream::connect(addr).await.unwrap();
            let peer = accepting.await.unwrap().unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
        });
    });
}

#[test]
fn an_echo_with_false_events_sprinkled_on_every_socket_moves_every_byte() {
    const TOTAL: usize = 1 << 20;
    let (echoed, injected) = with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let (mut client, mut server) = pair().await;
            let injectors = [client.readiness_injector(), server.readiness_injector()];
            let echo = runloop::spawn(async move {
                let mut buf = [0u8; 512];
                loop {
                    let n = server.read(&mut buf).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    server.write_all(&buf[..n]).await.unwrap();
                }
            });
            let done = Rc::new(Cell::new(false));
            let liar = runloop::spawn({
                let done = done.clone();
                async move {
                    let mut random = XorShift(0x5eed);
                    let mut injected = 0;
                    while !done.get() {
                        for _ in 0..4 {
                            let socket = &injectors[(random.next() % 2) as usize];
                            socket.inject(KINDS[(random.next() % KINDS.len() as u64) as usize]);
                            injected += 1;
                        }
                        runloop::yield_now().await; // many per turn, reported together
                    }
                    injected
                }
            });
            let (mut reader, mut writer) = client.split();
            let send = async {
                let data: Vec<u8> = (0..TOTAL).map(|i| (i * 7 % 256) as u8).collect();
                writer.write_all(&data).await.unwrap();
                writer.shutdown().unwrap();
            };
            let receive = async {
                let mut back = Vec::with_capacity(TOTAL);
                reader.read_to_end(&mut back).await.unwrap();
                back
            };
            let ((), back) = join2(send, receive).await;
            done.set(true);
            echo.await.unwrap();
            (back, liar.await.unwrap())
        })
    });
    assert_eq!(echoed.len(), TOTAL);
    assert!(echoed.iter().enumerate().all(|(i, byte)| *byte == (i * 7 % 256) as u8));
    assert!(injected > 500, "only {injected} false events");
}
