//! Chapter: spawning tasks and joining them.

use std::time::Duration;

pub fn run() {
    println!("`spawn` wraps a future in a task (asyncio's create_task) and queues it.");
    println!("The task does not run yet: nothing runs until the loop gets to it.\n");
    runloop::run(async {
        let handles: Vec<_> = ["small", "medium", "large"]
            .into_iter()
            .zip([1u64, 2, 3])
            .map(|(name, size)| {
                runloop::spawn(async move {
                    println!("  task {name:>6}: started; sleeping {size} ms");
                    runloop::time::sleep(Duration::from_millis(size)).await;
                    println!("  task {name:>6}: done");
                    size * 100
                })
            })
            .collect();
        println!("  main: spawned 3 tasks; now awaiting their handles in order");
        let mut total = 0;
        for handle in handles {
            total += handle.await.expect("the task finished");
        }
        println!("  main: all joined, results add up to {total}");

        // Silence the default panic printout for this demonstration; the
        // runtime still logs the panic at error level.
        println!("  main: now a task that panics on purpose. With RUST_LOG set, the runtime logs");
        println!("        an `ERROR ... task panicked` line for it: that line is expected.");
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let failing = runloop::spawn(async { panic!("a bug inside a task") });
        let outcome = failing.await;
        std::panic::set_hook(default_hook);
        match outcome {
            Err(error) => println!("  main: a panicking task is caught and reported: \"{error}\""),
            Ok(()) => unreachable!(),
        }
        println!("  main: ...and the loop keeps running.");
    });
    println!("\nAwaiting a JoinHandle suspends `main` until that task finishes; the");
    println!("tasks themselves ran while main was waiting.");
}
