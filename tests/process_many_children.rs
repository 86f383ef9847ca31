//! 200 children at once, all reaped (no zombie in /proc), including ones
//! dropped without waiting; file descriptors back to where they were.
//! Its own test binary: counting fds needs no other test running.
mod common;

use common::{scaled, with_deadline};
use runloop::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

/// Our children that have exited but were not reaped.
fn zombies() -> Vec<u32> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 1 && fields[0] == "Z" && fields[1] == me {
            found.push(entry.file_name().to_string_lossy().parse().unwrap_or(0));
        }
    }
    found
}

#[test]
fn two_hundred_children_are_all_reaped_and_fds_return() {
    let count = scaled(200, 20);
    with_deadline(Duration::from_secs(60), move || {
        let baseline = open_fds();
        runloop::run(async move {
            let children: Vec<_> = (0..count)
                .map(|i| {
                    let mut child = Command::new("sh")
                        .args(["-c", &format!("echo {i}; exit {}", i % 7)])
                        .stdout(Stdio::piped())
                        .spawn()
                        .expect("sh runs");
                    runloop::spawn(async move {
                        let mut out = Vec::new();
                        let mut stdout = child.stdout.take().expect("piped");
                        runloop::prelude::AsyncRead::read_to_end(&mut stdout, &mut out)
                            .await
                            .expect("read");
                        (i, out, child.wait().await.expect("wait"))
                    })
                })
                .collect();
            for (i, out, status) in runloop::join_all(children).await.into_iter().map(Result::unwrap) {
                assert_eq!(String::from_utf8_lossy(&out), format!("{i}\n"));
                assert_eq!(status.code(), Some((i % 7) as i32));
            }
            // Children dropped without a wait: one exited, one still running
            // (left to a reaper thread), one killed on drop.
            let quick = Command::new("true").spawn().expect("true runs");
            runloop::time::sleep(Duration::from_millis(50)).await;
            drop(quick);
            drop(Command::new("sleep").arg("0.2").spawn().expect("sleep runs"));
            drop(
                Command::new("sleep")
                    .arg("60")
                    .kill_on_drop(true)
                    .spawn()
                    .expect("sleep runs"),
            );
        });
        // The reaper threads need a moment; zombies must all go.
        let start = Instant::now();
        while !zombies().is_empty() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(zombies(), Vec::<u32>::new(), "zombie children left behind");
        assert_eq!(open_fds(), baseline, "file descriptors did not return to the baseline");
    });
}
