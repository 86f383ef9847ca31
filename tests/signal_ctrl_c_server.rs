//! `ctrl_c` in a child process: SIGINT (sent with `kill`) ends that
//! process's HTTP server gracefully, the request in flight is answered,
//! and the process exits with code 0.
//!
//! The child is this same test binary, run with `--exact` on
//! `child_serves_until_ctrl_c` and an environment variable that tells that
//! test to act (without it, it returns at once).
mod common;

use common::with_deadline;
use runloop::http::server::{Response, Server};
use runloop::net::{TcpListener, TcpStream};
use runloop::prelude::*;
use runloop::process::{Command, Stdio};
use runloop::signal::SignalKind;
use std::time::Duration;

const CHILD: &str = "RUNLOOP_CTRL_C_CHILD";

#[test]
fn child_serves_until_ctrl_c() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    runloop::run(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let stop = runloop::signal::ctrl_c();
        println!("\nport={}", listener.local_addr().expect("address").port());
        let report = Server::new(|_request| async {
            runloop::time::sleep(Duration::from_millis(300)).await;
            Response::text(200, "finished after Ctrl-C\n")
        })
        .serve_until(listener, stop)
        .await
        .expect("served");
        println!(
            "report finished={} idle={} cut={}",
            report.finished, report.closed_idle, report.cut
        );
    });
}

#[test]
fn sigint_ends_a_child_server_gracefully_with_exit_code_0() {
    with_deadline(Duration::from_secs(60), || {
        runloop::run(async {
            let mut child = Command::new(std::env::current_exe().expect("this test binary"))
                .args([
                    "--exact",
                    "child_serves_until_ctrl_c",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD, "1")
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("the child test process starts");
            let mut stdout = child.stdout.take().expect("piped");
            let mut seen = Vec::new();
            let port: u16 = loop {
                let mut chunk = [0u8; 256];
                let n = stdout.read(&mut chunk).await.expect("read the child's stdout");
                assert!(
                    n > 0,
                    "the child ended before saying its port: {}",
                    String::from_utf8_lossy(&seen)
                );
                seen.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&seen).into_owned();
                // libtest prints "test … ... " before our line; find ours.
                if let Some(rest) = text.split("\nport=").nth(1)
                    && let Some((number, _)) = rest.split_once('\n')
                {
                    break number.trim().parse().expect("a port number");
                }
            };
            let mut stream = TcpStream::connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
                .await
                .expect("connect");
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: child\r\n\r\n")
                .await
                .expect("send");
            runloop::time::sleep(Duration::from_millis(100)).await;
            child.send_signal(SignalKind::interrupt()).expect("kill -INT");
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.expect("the answer");
            let answer = String::from_utf8_lossy(&answer);
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            assert!(answer.ends_with("finished after Ctrl-C\n"), "{answer}");
            stdout.read_to_end(&mut seen).await.expect("the rest of stdout");
            let status = child.wait().await.expect("wait");
            let said = String::from_utf8_lossy(&seen);
            assert_eq!(
                status.code(),
                Some(0),
                "the child exited with {status:?}; it said: {said}"
            );
            assert!(said.contains("report finished=1 idle=0 cut=0"), "{said}");
        })
    });
}
