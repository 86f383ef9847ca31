//! Chapter: stepping through the loop, turn by turn (the inspect mode and
//! the task dump).

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

/// Collects what the inspect mode writes, to print it here on stdout.
#[derive(Clone, Default)]
struct Captured(Rc<RefCell<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn run() {
    println!("One turn of the loop: run every ready task, compute how long epoll may sleep,");
    println!("sleep, and queue whoever the events woke. `Builder::inspect(true)` (or");
    println!("RUNLOOP_INSPECT=1 for any program) prints each turn as it happens. Here: two");
    println!("tasks sleep 5 and 10 ms while the main future awaits them, three turns in all.\n");

    let captured = Captured::default();
    let rt = runloop::Runtime::builder()
        .label("tour")
        .inspect_to(captured.clone())
        .build()
        .expect("a runtime");
    let sleeper = |name: &str, ms: u64| {
        runloop::TaskBuilder::new()
            .name(name)
            .spawn_on(&rt, runloop::time::sleep(Duration::from_millis(ms)))
    };
    let short = sleeper("short", 5);
    let long = sleeper("long", 10);
    let before = rt.tasks();
    let halfway = rt.block_on(async {
        short.await.unwrap();
        let halfway = runloop::runtime::tasks(); // asyncio.all_tasks()
        long.await.unwrap();
        halfway
    });
    drop(rt);

    for line in String::from_utf8_lossy(&captured.0.borrow()).lines() {
        println!("  {line}");
    }
    println!("\nThe task dump (`rt.tasks()`, asyncio's `all_tasks()`), before the loop ran:");
    println!("  {}", before.to_string().replace('\n', "\n  "));
    println!("and from inside main, once `short` was done:");
    println!("  {}", halfway.to_string().replace('\n', "\n  "));
    println!("\nA turn polls until nobody is ready; a sleeping task costs nothing until its");
    println!("timer fires. For long programs, RUNLOOP_INSPECT=20 shows the first 20 turns in");
    println!("which something happened; RUNLOOP_SLOW_POLL=100ms names any task that holds the");
    println!("loop longer than that (asyncio's slow-callback warning).");
}
