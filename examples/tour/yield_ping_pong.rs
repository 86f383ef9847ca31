//! Chapter: two tasks taking turns with yield_now.

pub fn run() {
    println!("A coroutine gives the CPU away only where it says so. `yield_now().await`");
    println!("(asyncio's `await asyncio.sleep(0)`) says: put me at the back of the queue.\n");
    runloop::run(async {
        let player = |name: &'static str| {
            runloop::spawn(async move {
                for hit in 1..=3 {
                    println!("  {name}: hit {hit}, then yield -> back of the run queue");
                    runloop::yield_now().await;
                }
                println!("  {name}: finished");
            })
        };
        let ping = player("ping");
        let pong = player("pong");
        ping.await.unwrap();
        pong.await.unwrap();
    });
    println!("\nThe queue is first-in first-out, so each yield lets the other side run:");
    println!("ping, pong, ping, pong... One thread, no locks, and the order is exact.");
}
