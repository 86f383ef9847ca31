//! Chapter: a TCP echo server and clients on one loop, then a UDP echo.

use runloop::net::{TcpListener, TcpStream, UdpSocket};
use runloop::prelude::*;
use std::time::Instant;

pub fn run() {
    println!("A server is a loop: accept a connection, spawn a task for it, repeat.");
    println!("Every socket is non-blocking; a task waits only for its own socket.\n");
    runloop::run(async {
        let mut listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a local port");
        let addr = listener.local_addr().unwrap();
        println!("  server: listening on {addr}");
        runloop::spawn(async move {
            loop {
                let Ok((mut stream, peer)) = listener.accept().await else {
                    break;
                };
                runloop::spawn(async move {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 || stream.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    println!("  server: {peer} said goodbye");
                });
            }
        });

        let start = Instant::now();
        let clients: Vec<_> = (1..=3)
            .map(|n| {
                runloop::spawn(async move {
                    let mut stream = TcpStream::connect(addr).await.expect("connect");
                    let message = format!("hello #{n} from {}", stream.local_addr().unwrap());
                    stream.write_all(message.as_bytes()).await.unwrap();
                    let mut echoed = vec![0u8; message.len()];
                    stream.read_exact(&mut echoed).await.unwrap();
                    println!(
                        "  client {n}: sent and got back \"{}\"",
                        String::from_utf8_lossy(&echoed)
                    );
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        // Let the server tasks notice the closed connections.
        for _ in 0..3 {
            runloop::yield_now().await;
        }
        println!("  3 clients and a server shared one thread for {:.1?}", start.elapsed());

        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        match TcpStream::connect(closed).await {
            Err(error) => println!("  connecting to a closed port fails at once: {error}"),
            Ok(_) => println!("  (unexpectedly, something listens on {closed})"),
        }
    });
    println!("\nReadiness comes from epoll (through mio): the reactor wakes exactly the");
    println!("task whose socket became readable or writable.");
    udp_echo();
}

/// The same on UDP (asyncio's `create_datagram_endpoint`): no connection,
/// no stream, one datagram per read.
fn udp_echo() {
    println!("\nUDP has no connections and no stream: each recv takes one datagram, whole.");
    runloop::run(async {
        let mut server = UdpSocket::bind("127.0.0.1:0").await.expect("bind a local port");
        let server_addr = server.local_addr().unwrap();
        runloop::spawn(async move {
            let mut buf = vec![0u8; 65_536]; // the largest datagram fits: none is cut
            while let Ok((n, from)) = server.recv_from(&mut buf).await {
                let _ = server.send_to(&buf[..n], from).await;
            }
        });
        let mut client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        client.connect(server_addr).await.unwrap();
        println!("  udp server on {server_addr}; client {}", client.local_addr().unwrap());
        let mut buf = [0u8; 64];
        for word in ["one", "two", "three"] {
            client.send(word.as_bytes()).await.unwrap();
            let n = client.recv(&mut buf).await.unwrap();
            println!(
                "  sent {word:?} as one datagram, got back {:?}",
                String::from_utf8_lossy(&buf[..n])
            );
        }
        client.send(&[b'x'; 2000]).await.unwrap();
        let mut small = [0u8; 16];
        let n = client.recv(&mut small).await.unwrap();
        println!("  a 2000-byte datagram read into a 16-byte buffer gives {n} bytes: the OS drops the");
        println!("  rest (truncation), and the next recv starts at the next datagram.");
    });
}
