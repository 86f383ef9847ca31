//! Child processes on the loop: arguments, environment, pipes, exit
//! statuses, killing, and a program that does not exist.
mod common;

use common::with_deadline;
use runloop::prelude::*;
use runloop::process::{Command, Stdio};
use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn a_missing_program_is_an_error_naming_it() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let error = Command::new("runloop-no-such-program")
                .spawn()
                .expect_err("no such program");
            assert_eq!(error.kind(), std::io::ErrorKind::NotFound);
            assert!(error.to_string().contains("runloop-no-such-program"), "{error}");
            let error = Command::new("true")
                .current_dir("/no/such/dir")
                .output()
                .await
                .expect_err("no dir");
            assert!(error.to_string().contains("\"true\""), "{error}");
        })
    });
}

#[test]
fn args_env_and_current_dir_reach_the_child() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let output = Command::new("sh")
                .args(["-c", "echo \"$1 $GREETING $(pwd)\"; echo oops >&2; exit 3", "sh"])
                .arg("first")
                .env("GREETING", "hello")
                .current_dir("/")
                .output()
                .await
                .expect("sh runs");
            assert_eq!(String::from_utf8_lossy(&output.stdout), "first hello /\n");
            assert_eq!(String::from_utf8_lossy(&output.stderr), "oops\n");
            assert_eq!(output.status.code(), Some(3));
        })
    });
}

#[test]
fn stdin_stdout_round_trip_through_cat() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let mut child = Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("cat runs");
            let mut stdin = child.stdin.take().expect("piped");
            let mut stdout = child.stdout.take().expect("piped");
            // Write and read at once: 1 MiB does not fit in the pipes.
            let data: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
            let expected = data.clone();
            let writer = runloop::spawn(async move {
                stdin.write_all(&data).await.expect("write");
                // dropping stdin sends end of file
            });
            let mut got = Vec::new();
            stdout.read_to_end(&mut got).await.expect("read");
            writer.await.expect("writer");
            assert!(got == expected, "cat gave back {} bytes, not the same", got.len());
            assert!(child.wait().await.expect("wait").success());
        })
    });
}

#[test]
fn wait_on_a_killed_child_reports_the_signal() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let mut child = Command::new("sleep").arg("60").spawn().expect("sleep runs");
            assert_eq!(child.try_wait().expect("try_wait"), None);
            child.kill().expect("kill");
            let status = child.wait().await.expect("wait");
            assert_eq!(status.signal(), Some(libc::SIGKILL), "{status:?}");
            assert!(!status.success());
            // Killing it again, after it was reaped, does nothing.
            child.kill().expect("kill after exit");
            child
                .send_signal(runloop::signal::SignalKind::terminate())
                .expect("signal after exit");
        })
    });
}

#[test]
fn waiting_does_not_block_the_loop() {
    with_deadline(LIMIT, || {
        runloop::run(async {
            let ticks = std::rc::Rc::new(std::cell::Cell::new(0));
            let ticker = {
                let ticks = ticks.clone();
                runloop::spawn(async move {
                    loop {
                        runloop::time::sleep(Duration::from_millis(10)).await;
                        ticks.set(ticks.get() + 1);
                    }
                })
            };
            let status = Command::new("sleep").arg("0.3").status().await.expect("sleep runs");
            assert!(status.success());
            assert!(
                ticks.get() >= 5,
                "the loop ran only {} ticks while we waited",
                ticks.get()
            );
            ticker.abort();
        })
    });
}
