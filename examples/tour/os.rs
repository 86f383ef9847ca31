//! Chapter 13: the loop meets the operating system. A child process's
//! output read line by line while it runs, and a signal we send ourselves
//! received as an event.

use runloop::io::BufReader;
use runloop::process::{Command, Stdio};
use runloop::signal::{SignalKind, raise, signal};
use std::time::{Duration, Instant};

pub fn run() {
    runloop::run(async {
        if let Err(error) = child_lines().await {
            println!("    (the child process part could not run here: {error})");
        }
        if let Err(error) = signal_to_ourselves().await {
            println!("    (the signal part could not run here: {error})");
        }
    });
}

/// A shell loop that prints a line every 100 ms; we print each line as it
/// arrives, with the time, while a ticker task keeps running beside it.
async fn child_lines() -> std::io::Result<()> {
    println!("A child process (`sh`) prints three lines, 100 ms apart. Its stdout is a pipe in the");
    println!("reactor, so we read each line the moment it is written, without blocking the loop:");
    let mut child = Command::new("sh")
        .args(["-c", "for i in 1 2 3; do echo \"line $i from pid $$\"; sleep 0.1; done"])
        .stdout(Stdio::piped())
        .spawn()?;
    // The pipe is an `AsyncRead` like a socket, so `BufReader` (asyncio's
    // StreamReader) hands it to us a line at a time.
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let start = Instant::now();
    let ticks = std::rc::Rc::new(std::cell::Cell::new(0));
    let ticker = {
        let ticks = ticks.clone();
        runloop::spawn(async move {
            loop {
                runloop::time::sleep(Duration::from_millis(25)).await;
                ticks.set(ticks.get() + 1);
            }
        })
    };
    while let Some(line) = lines.next_line().await? {
        println!("    {:>4} ms  {line}", start.elapsed().as_millis());
    }
    let status = child.wait().await?;
    ticker.abort();
    println!("    the child exited ({status}); on Linux 5.3+ its exit reaches the loop as a pidfd turning readable.");
    println!(
        "    Meanwhile a ticker task ticked {} times, every 25 ms: nothing waited on a blocking read.\n",
        ticks.get()
    );
    Ok(())
}

/// Listen for SIGUSR1, send it to ourselves, and receive it as an event.
async fn signal_to_ourselves() -> std::io::Result<()> {
    println!("Signals: we listen for SIGUSR1, then send it to our own process (`kill -USR1 $$`).");
    let mut usr1 = signal(SignalKind::user_defined1())?;
    let start = Instant::now();
    runloop::spawn(async {
        runloop::time::sleep(Duration::from_millis(50)).await;
        println!("    a task sends SIGUSR1 to pid {}", std::process::id());
        raise(SignalKind::user_defined1()).expect("kill(getpid(), SIGUSR1)");
    });
    usr1.recv().await?;
    println!(
        "    received SIGUSR1 after {} ms: the handler wrote one byte to a pipe, the pipe turned",
        start.elapsed().as_millis()
    );
    println!("    readable, epoll woke the loop, and recv() saw the delivery counter move (the self-pipe trick).");
    for _ in 0..3 {
        raise(SignalKind::user_defined1())?;
    }
    usr1.recv().await?;
    println!("    three more sent before we looked: one recv() reports them, coalesced as the kernel does.");
    drop(usr1);
    println!("    the last listener is gone, so SIGUSR1's old disposition is back.\n");
    Ok(())
}
