//! A small HTTP/1.1 server on runloop: one task per connection, keep-alive,
//! handlers as async functions.
//!
//! `cargo run --release --example http_server [ADDR]` (default
//! `127.0.0.1:0`: the OS picks a port, which is printed). Then, from another
//! terminal:
//!
//! ```text
//! curl -i http://127.0.0.1:PORT/delay/500     # 200 after half a second
//! curl -s http://127.0.0.1:PORT/bytes/1000000 | wc -c
//! curl -i http://127.0.0.1:PORT/chunked/40000?pause=100
//! curl -i http://127.0.0.1:PORT/status/418
//! cargo run --release --example fetch -- http://127.0.0.1:PORT/delay/300 http://127.0.0.1:PORT/bytes/10
//! ```
//!
//! Ctrl-C stops it gracefully: no new connections, idle ones closed,
//! requests in flight (try `/delay/5000`) finished within 10 seconds, then
//! it says what it finished and what it cut.

#[path = "support/local_server.rs"]
mod local_server;

use runloop::http::server::Server;
use runloop::net::TcpListener;
use std::time::Duration;

const GRACE: Duration = Duration::from_secs(10);

fn main() {
    env_logger::init();
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_string());
    runloop::run(async move {
        let listener = match TcpListener::bind(&address).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("http_server: cannot listen on {address}: {error}");
                std::process::exit(1);
            }
        };
        let local = listener.local_addr().expect("a bound listener has an address");
        println!(
            "listening on http://{local}/  (port {}, pid {})",
            local.port(),
            std::process::id()
        );
        println!("endpoints: /delay/{{ms}}  /bytes/{{n}}  /chunked/{{n}}?pause={{ms}}  /status/{{code}}");
        println!("Ctrl-C stops the server gracefully (requests in flight get {GRACE:?} to finish).");
        let ctrl_c = runloop::signal::ctrl_c();
        let stop = async move {
            match ctrl_c.await {
                Ok(()) => println!("\nCtrl-C: no longer accepting; finishing what is in flight..."),
                Err(error) => {
                    eprintln!("http_server: cannot listen for Ctrl-C ({error}); serving until killed");
                    std::future::pending::<()>().await;
                }
            }
        };
        match Server::new(local_server::route)
            .shutdown_grace(GRACE)
            .serve_until(listener, stop)
            .await
        {
            Ok(report) => println!(
                "stopped: {} request(s) in flight finished, {} idle connection(s) closed, {} cut at the {GRACE:?} deadline",
                report.finished, report.closed_idle, report.cut
            ),
            Err(error) => {
                eprintln!("http_server: {error}");
                std::process::exit(1);
            }
        }
    });
}
