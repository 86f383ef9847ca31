//! TCP through the reactor: byte-exact echo under load.
mod common;

use common::{join2, with_deadline};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use std::time::Duration;

const CONNECTIONS: usize = 100;
const BYTES_PER_CONNECTION: usize = 1 << 20;

fn pattern(connection: usize, offset: usize) -> u8 {
    (offset.wrapping_mul(31) ^ connection.wrapping_mul(7)) as u8
}

async fn echo(mut stream: TcpStream) -> std::io::Result<usize> {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n;
    }
}

#[test]
fn a_hundred_connections_echo_one_mebibyte_each_byte_exact() {
    let echoed = with_deadline(Duration::from_secs(120), || {
        runloop::run(async {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = runloop::spawn(async move {
                let mut connections = Vec::new();
                for _ in 0..CONNECTIONS {
                    let (stream, _) = listener.accept().await.unwrap();
                    connections.push(runloop::spawn(echo(stream)));
                }
                let mut total = 0;
                for connection in connections {
                    total += connection.await.unwrap().unwrap();
                }
                total
            });
            let clients: Vec<_> = (0..CONNECTIONS)
                .map(|connection| {
                    runloop::spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.unwrap();
                        let (mut reader, mut writer) = stream.split();
                        let send = async {
                            let data: Vec<u8> = (0..BYTES_PER_CONNECTION).map(|i| pattern(connection, i)).collect();
                            writer.write_all(&data).await.unwrap();
                            writer.shutdown().unwrap();
                        };
                        let receive = async {
                            let mut chunk = [0u8; 512];
                            let mut received = 0;
                            loop {
                                let n = reader.read(&mut chunk).await.unwrap();
                                if n == 0 {
                                    break;
                                }
                                for (i, byte) in chunk[..n].iter().enumerate() {
                                    assert_eq!(
                                        *byte,
                                        pattern(connection, received + i),
                                        "byte {} of connection {connection}",
                                        received + i
                                    );
                                }
                                received += n;
                            }
                            received
                        };
                        join2(send, receive).await.1
                    })
                })
                .collect();
            for client in clients {
                assert_eq!(client.await.unwrap(), BYTES_PER_CONNECTION);
            }
            server.await.unwrap()
        })
    });
    assert_eq!(echoed, CONNECTIONS * BYTES_PER_CONNECTION);
}

#[test]
fn a_burst_of_connections_is_accepted_without_new_events() {
    // Edge-triggered: one readiness event may stand for many pending
    // connections; accept must drain them all.
    runloop::run(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let clients: Vec<_> = (0..50).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
        for _ in 0..50 {
            let (stream, peer) = listener.accept().await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), peer);
        }
        drop(clients);
    });
}

#[test]
fn read_exact_and_read_to_end_and_socket_options() {
    runloop::run(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = runloop::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            stream.write_all(b"hello, world").await.unwrap();
        });
        let mut client = TcpStream::connect(addr).await.unwrap();
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        assert_eq!(client.peer_addr().unwrap(), addr);
        let mut hello = [0u8; 5];
        client.read_exact(&mut hello).await.unwrap();
        assert_eq!(&hello, b"hello");
        server.await.unwrap(); // the server closes its end
        let mut rest = Vec::new();
        assert_eq!(client.read_to_end(&mut rest).await.unwrap(), 7);
        assert_eq!(rest, b", world");
        let mut more = [0u8; 1];
        let error = client.read_exact(&mut more).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
    });
}

#[test]
fn a_connection_can_move_to_a_loop_on_another_thread() {
    let echoed = with_deadline(Duration::from_secs(20), || {
        let (handoff, arrivals) = std::sync::mpsc::channel::<std::net::TcpStream>();
        // The worker loop adopts connections from the acceptor and echoes.
        let worker = std::thread::spawn(move || {
            runloop::run(async move {
                let stream = arrivals.recv().unwrap();
                let stream = TcpStream::from_std(stream).unwrap();
                echo(stream).await.unwrap()
            })
        });
        runloop::run(async move {
            let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let client = runloop::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.write_all(b"moved across threads").await.unwrap();
                stream.shutdown(std::net::Shutdown::Write).unwrap();
                let mut back = Vec::new();
                stream.read_to_end(&mut back).await.unwrap();
                back
            });
            let (accepted, _) = listener.accept().await.unwrap();
            handoff.send(accepted.into_std()).unwrap();
            let back = client.await.unwrap();
            assert_eq!(worker.join().unwrap(), back.len());
            back
        })
    });
    assert_eq!(echoed, b"moved across threads");
}
