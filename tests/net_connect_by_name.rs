//! Names, not only addresses: `TcpStream::connect`, `TcpListener::bind`,
//! `UdpSocket::bind` and `lookup_host` take `"host:port"`; the lookup runs
//! on the resolver's own threads, so a blocking pool full of user jobs
//! cannot starve it; each address is tried in turn, and the error names
//! the host and every address tried.
mod common;

use common::with_deadline;
use runloop::net::{TcpListener, TcpStream, UdpSocket, lookup_host};
use runloop::time::timeout;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A port nothing listens on (bound, then released).
fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A gate the blocking jobs wait at until the test opens it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self, at_most: Duration) {
        let open = self.open.lock().unwrap();
        let _unused = self.opened.wait_timeout_while(open, at_most, |open| !*open).unwrap();
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

#[test]
fn connecting_by_name_succeeds_while_64_sleeping_jobs_fill_the_blocking_pool() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let gate = Arc::new(Gate::default());
            let finished = Arc::new(AtomicUsize::new(0));
            let jobs: Vec<_> = (0..64)
                .map(|_| {
                    let (gate, finished) = (gate.clone(), finished.clone());
                    runloop::spawn_blocking(move || {
                        gate.wait(Duration::from_secs(50));
                        finished.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();

            // Both need a lookup of localhost: the bind and the connect.
            let by_name = async {
                let mut listener = TcpListener::bind("localhost:0").await?;
                let port = listener.local_addr()?.port();
                let accepting = runloop::spawn(async move { listener.accept().await.map(drop) });
                let stream = TcpStream::connect(format!("localhost:{port}")).await?;
                accepting.await.expect("the accepting task")?;
                Ok::<_, std::io::Error>(stream)
            };
            let connected = timeout(Duration::from_secs(20), by_name).await;
            // Behaviour, not speed: the connect finished while every job
            // was still asleep, so it never waited behind them.
            let still_sleeping = 64 - finished.load(Ordering::SeqCst);
            gate.open();
            let stream = connected
                .expect("the lookups of localhost waited behind the blocking jobs")
                .expect("bind and connect to localhost");
            assert!(stream.peer_addr().unwrap().ip().is_loopback());
            assert_eq!(still_sleeping, 64, "the jobs were still holding the pool");
            for job in jobs {
                job.await.unwrap();
            }
        });
    });
}

#[test]
fn a_name_that_does_not_resolve_fails_with_an_error_naming_it() {
    let (lookup, connect) = with_deadline(Duration::from_secs(90), || {
        runloop::run(async {
            // `.invalid` is reserved never to resolve (RFC 2606). A resolver
            // with no DNS server to ask may take its own timeout to say so.
            let bound = Duration::from_secs(40);
            let lookup = timeout(bound, lookup_host("no-such-host.invalid:80")).await;
            let connect = timeout(bound, TcpStream::connect(("no-such-host.invalid", 80))).await;
            (lookup, connect.map(|outcome| outcome.map(drop)))
        })
    });
    let lookup = lookup.expect("the lookup failed within the bound").unwrap_err();
    assert!(lookup.to_string().contains("no-such-host.invalid"), "{lookup}");
    let connect = connect.expect("the connect failed within the bound").unwrap_err();
    assert!(connect.to_string().contains("no-such-host.invalid"), "{connect}");
}

#[test]
fn each_address_is_tried_in_order_until_one_accepts() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let good = listener.local_addr().unwrap();
            let accepting = runloop::spawn(async move { listener.accept().await.map(|_| ()) });
            let stream = TcpStream::connect(&[closed_port(), closed_port(), good][..])
                .await
                .unwrap();
            assert_eq!(stream.peer_addr().unwrap(), good);
            accepting.await.unwrap().unwrap();
        });
    });
}

#[test]
fn when_every_address_refuses_the_error_names_each_one() {
    let (first, second) = (closed_port(), closed_port());
    let error = with_deadline(Duration::from_secs(30), move || {
        runloop::run(async move { TcpStream::connect(vec![first, second]).await.unwrap_err() })
    });
    assert_eq!(error.kind(), ErrorKind::ConnectionRefused);
    let message = error.to_string();
    assert!(message.contains("tried 2 addresses"), "{message}");
    assert!(message.contains(&first.to_string()), "{message}");
    assert!(message.contains(&second.to_string()), "{message}");
}

#[test]
fn localhost_reaches_a_listener_on_either_family_after_the_other_refuses() {
    let outcome = with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let both = lookup_host("localhost:1").await.unwrap();
            let (has_v4, has_v6) = (
                both.iter().any(SocketAddr::is_ipv4),
                both.iter().any(SocketAddr::is_ipv6),
            );
            if !(has_v4 && has_v6) {
                return Err(format!("localhost resolves to {both:?} only here"));
            }
            for loopback in ["[::1]:0", "127.0.0.1:0"] {
                // Listen on one family only: one of the two rounds finds the
                // resolver's first address refusing and must go on.
                let Ok(mut listener) = TcpListener::bind(loopback).await else {
                    return Err(format!("cannot listen on {loopback} (no IPv6 here?)"));
                };
                let addr = listener.local_addr().unwrap();
                let accepting = runloop::spawn(async move { listener.accept().await.map(|_| ()) });
                let stream = TcpStream::connect(format!("localhost:{}", addr.port())).await.unwrap();
                assert_eq!(stream.peer_addr().unwrap(), addr);
                accepting.await.unwrap().unwrap();
            }
            Ok(())
        })
    });
    if let Err(why) = outcome {
        eprintln!("SKIPPED: {why}; each_address_is_tried_in_order_until_one_accepts covers the rule");
    }
}

#[test]
fn binding_by_name_and_looking_up_many_names_at_once_work() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let listener = TcpListener::bind("localhost:0").await.unwrap();
            assert!(listener.local_addr().unwrap().ip().is_loopback());
            let socket = UdpSocket::bind(("localhost", 0)).await.unwrap();
            assert!(socket.local_addr().unwrap().ip().is_loopback());
            // More lookups than the resolver has threads: the rest queue.
            let lookups: Vec<_> = (0..4 * runloop::net::RESOLVER_THREADS)
                .map(|port| runloop::spawn(lookup_host(("localhost", port as u16))))
                .collect();
            for (port, lookup) in runloop::join_all(lookups).await.into_iter().enumerate() {
                let addrs = lookup.unwrap().unwrap();
                assert!(addrs.iter().all(|addr| addr.port() == port as u16), "{addrs:?}");
            }
        });
    });
}

#[test]
fn malformed_addresses_are_refused_before_any_lookup() {
    runloop::run(async {
        for bad in ["localhost", "localhost:http", "localhost:65536", ":80"] {
            let error = TcpStream::connect(bad).await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{bad}: {error}");
        }
        let long = format!("{}.example:80", "x".repeat(10_000));
        let error = lookup_host(long.as_str()).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput);
        assert!(error.to_string().len() < 300, "a bounded quote: {error}");
    });
}
