//! Chapter: timers, and why sleeping tasks overlap.

use std::time::{Duration, Instant};

pub fn run() {
    println!("`sleep(d)` registers a deadline in the reactor's timer heap and parks the");
    println!("task. The loop sleeps in epoll until the nearest deadline, then wakes it.\n");
    runloop::run(async {
        let start = Instant::now();
        let handles: Vec<_> = [300u64, 100, 200]
            .into_iter()
            .map(|millis| {
                runloop::spawn(async move {
                    runloop::time::sleep(Duration::from_millis(millis)).await;
                    println!("  sleeper {millis:>3} ms woke at {:>4} ms", start.elapsed().as_millis());
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
        println!(
            "  three sleeps of 300 + 100 + 200 ms took {} ms in all",
            start.elapsed().as_millis()
        );

        let slow =
            runloop::time::timeout(Duration::from_millis(50), runloop::time::sleep(Duration::from_secs(10))).await;
        println!(
            "  timeout(50 ms, a 10 s sleep) gave: {:?}",
            slow.map_err(|e| e.to_string())
        );

        let mut ticks = runloop::time::interval(Duration::from_millis(20));
        let first = ticks.tick().await;
        for _ in 0..3 {
            let due = ticks.tick().await;
            println!(
                "  interval tick due at +{} ms (on the grid, no drift)",
                due.duration_since(first).as_millis()
            );
        }
    });
    println!("\nWaiting tasks cost nothing while they wait, so their waits overlap: the");
    println!("total is the longest sleep, not the sum. They wake in deadline order.");
}
