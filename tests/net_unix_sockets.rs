//! Unix domain sockets: an echo of 1 MiB comes back byte-exact through
//! owned halves and a `BufReader`; binding a path that exists is an error
//! naming the path; the listener removes its socket file when dropped
//! (and only its own); connecting to a missing path names the path.
mod common;

use common::{scaled, with_deadline};
use runloop::io::BufReader;
use runloop::net::{UnixListener, UnixStream};
use runloop::prelude::*;
use std::io::ErrorKind;
use std::path::PathBuf;
use std::time::Duration;

/// A fresh directory for one test's socket files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("runloop-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_unix_socket_echoes_a_mebibyte_of_lines_byte_exact() {
    let dir = scratch("echo");
    let path = dir.join("echo.sock");
    let lines = scaled(21_000, 2_100);
    let (sent, received) = with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            let mut listener = UnixListener::bind(&path).unwrap();
            runloop::spawn(async move {
                let (stream, _) = listener.accept().await.unwrap();
                // Echo line by line: a BufReader on the read half, the
                // write half in the same task.
                let (read, mut write) = stream.into_split();
                let mut reader = BufReader::new(read);
                let mut line = Vec::new();
                while reader.read_until(b'\n', &mut line).await.unwrap() > 0 {
                    write.write_all(&line).await.unwrap();
                    line.clear();
                }
            });
            let (read, mut write) = UnixStream::connect(&path).await.unwrap().into_split();
            let sent: Vec<u8> = (0..lines)
                .flat_map(|i| format!("line {i} {}\n", "x".repeat(i % 80)).into_bytes())
                .collect();
            let to_send = sent.clone();
            let writer = runloop::spawn(async move {
                write.write_all(&to_send).await.unwrap();
                write.write_eof().await.unwrap();
            });
            let mut received = Vec::new();
            BufReader::new(read).read_to_end(&mut received).await.unwrap();
            writer.await.unwrap();
            (sent, received)
        })
    });
    assert!(sent.len() >= scaled(1 << 20, 100_000), "{} bytes", sent.len());
    assert!(
        received == sent,
        "byte-exact ({} of {} bytes)",
        received.len(),
        sent.len()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn binding_a_path_that_exists_is_an_error_naming_the_path() {
    let dir = scratch("exists");
    let path = dir.join("taken.sock");
    std::fs::write(&path, b"not a socket").unwrap();
    let error = runloop::run(async { UnixListener::bind(&path).unwrap_err() });
    assert_eq!(error.kind(), ErrorKind::AddrInUse);
    let message = error.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not a socket", "left alone");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_dropped_listener_removes_its_socket_file_but_not_a_newer_one() {
    let dir = scratch("cleanup");
    let path = dir.join("mine.sock");
    runloop::run(async {
        let listener = UnixListener::bind(&path).unwrap();
        assert!(path.exists());
        drop(listener);
        assert!(!path.exists(), "removed on drop");

        let listener = UnixListener::bind(&path).unwrap();
        // Someone replaces the file: it is not ours to remove any more.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"newer").unwrap();
        drop(listener);
        assert_eq!(std::fs::read(&path).unwrap(), b"newer");
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn connecting_to_a_missing_path_is_an_error_naming_it() {
    let dir = scratch("missing");
    let path = dir.join("nobody.sock");
    let error = runloop::run(async { UnixStream::connect(&path).await.unwrap_err() });
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert!(error.to_string().contains("nobody.sock"), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_unix_pair_splits_and_reunites_like_tcp() {
    runloop::run(async {
        let (a, mut b) = UnixStream::pair().unwrap();
        let (read, mut write) = a.into_split();
        write.write_all(b"hi").await.unwrap();
        let mut got = [0u8; 2];
        b.read_exact(&mut got).await.unwrap();
        let mut a = read.reunite(write).unwrap();
        b.write_all(b"yo").await.unwrap();
        a.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"yo");
    });
}
