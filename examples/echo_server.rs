//! A TCP echo server on runloop: one task per connection.
//!
//! `cargo run --release --example echo_server [ADDR]` (default 127.0.0.1:0,
//! which picks a free port and prints it). Try it with
//! `nc 127.0.0.1 PORT` and type a line.

use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;

async fn echo(mut stream: TcpStream) -> std::io::Result<u64> {
    let mut buf = [0u8; 8192];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

fn main() {
    env_logger::init();
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    runloop::run(async move {
        let mut listener = match TcpListener::bind(addr.as_str()).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("echo_server: cannot listen on {addr}: {error}");
                std::process::exit(1);
            }
        };
        println!("echo server listening on {}", listener.local_addr().unwrap());
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    println!("{peer}: connected");
                    runloop::spawn(async move {
                        match echo(stream).await {
                            Ok(bytes) => println!("{peer}: closed after echoing {bytes} bytes"),
                            Err(error) => println!("{peer}: {error}"),
                        }
                    });
                }
                Err(error) => eprintln!("accept failed: {error}"),
            }
        }
    });
}
