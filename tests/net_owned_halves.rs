//! Owned halves: `into_split` gives a read half and a write half that live
//! in two tasks; they echo 10 MiB byte-exact; `reunite` puts them back
//! together (and refuses halves of two streams); dropping the write half
//! sends FIN; dropping both closes the socket.
mod common;

use common::{scaled, with_deadline};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::sync::channel;
use std::time::Duration;

fn pattern(offset: usize) -> u8 {
    (offset.wrapping_mul(31) ^ (offset >> 11)) as u8
}

/// A connected pair: (client side, server side).
async fn pair() -> (TcpStream, TcpStream) {
    let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

#[test]
fn owned_halves_in_two_tasks_echo_ten_mib_byte_exact() {
    let total = scaled(10 << 20, 1 << 20);
    let received = with_deadline(Duration::from_secs(120), move || {
        runloop::run(async move {
            let (client, server) = pair().await;

            // The server: a reader task hands chunks to a writer task.
            let (mut server_read, mut server_write) = server.into_split();
            let (chunks, mut chunks_in) = channel::<Vec<u8>>(8);
            runloop::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    match server_read.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if chunks.send(buf[..n].to_vec()).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            });
            runloop::spawn(async move {
                while let Some(chunk) = chunks_in.recv().await {
                    if server_write.write_all(&chunk).await.is_err() {
                        break;
                    }
                }
                // Dropping the write half sends FIN: the client reads the end.
            });

            // The client: one task writes, another reads.
            let (mut client_read, mut client_write) = client.into_split();
            let writer = runloop::spawn(async move {
                let data: Vec<u8> = (0..total).map(pattern).collect();
                for piece in data.chunks(100_003) {
                    client_write.write_all(piece).await.unwrap();
                }
                client_write.write_eof().await.unwrap();
            });
            let mut received = Vec::with_capacity(total);
            client_read.read_to_end(&mut received).await.unwrap();
            writer.await.unwrap();
            received
        })
    });
    assert_eq!(received.len(), total, "every byte came back");
    let first_wrong = received.iter().enumerate().position(|(i, &byte)| byte != pattern(i));
    assert_eq!(first_wrong, None, "byte-exact");
}

#[test]
fn reunite_gives_the_stream_back_and_refuses_halves_of_two_streams() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let (a, mut a_peer) = pair().await;
            let (b, _b_peer) = pair().await;
            let (a_read, a_write) = a.into_split();
            let (b_read, b_write) = b.into_split();
            let error = a_read.reunite(b_write).unwrap_err();
            assert!(error.to_string().contains("different streams"), "{error}");
            let (a_read, b_write) = (error.0, error.1);
            let _b = b_read.reunite(b_write).unwrap();
            let mut a = a_write.reunite(a_read).unwrap();
            // Nothing was shut down on the way: the stream still works.
            a.write_all(b"still open").await.unwrap();
            let mut got = [0u8; 10];
            a_peer.read_exact(&mut got).await.unwrap();
            assert_eq!(&got, b"still open");
        });
    });
}

#[test]
fn dropping_the_write_half_sends_fin_while_the_read_half_still_reads() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let (client, mut server) = pair().await;
            let (mut read, write) = client.into_split();
            drop(write);
            let mut buf = [0u8; 8];
            assert_eq!(server.read(&mut buf).await.unwrap(), 0, "the peer reads the end");
            server.write_all(b"reply").await.unwrap();
            read.read_exact(&mut buf[..5]).await.unwrap();
            assert_eq!(&buf[..5], b"reply");
        });
    });
}

#[test]
fn dropping_both_halves_closes_the_socket() {
    with_deadline(Duration::from_secs(30), || {
        runloop::run(async {
            let (client, mut server) = pair().await;
            let (read, write) = client.into_split();
            drop(read);
            drop(write);
            let mut buf = [0u8; 8];
            assert_eq!(server.read(&mut buf).await.unwrap(), 0);
            // A closed socket answers data with a reset: writing soon fails.
            let mut failed = None;
            for _ in 0..100 {
                if let Err(error) = server.write_all(b"anyone there?").await {
                    failed = Some(error);
                    break;
                }
                runloop::time::sleep(Duration::from_millis(10)).await;
            }
            let error = failed.expect("writing to a closed socket fails");
            assert!(
                matches!(
                    error.kind(),
                    std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                ),
                "{error}"
            );
        });
    });
}
