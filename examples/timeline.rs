//! The study notes' lanes — `-` running, `.` waiting — drawn by the
//! runtime from its own records.
//!
//! `cargo run --release --example timeline`
//!
//! Three pictures side by side: OS threads doing CPU work (parallel: Rust
//! has no GIL), coroutines doing CPU work on one loop (they take turns), and
//! coroutines waiting (their waits overlap). Set `RUNLOOP_TRACE=trace.json`
//! to also get a file for https://ui.perfetto.dev.

#[path = "support/pictures.rs"]
mod pictures;

fn main() {
    env_logger::init();
    println!("Each lane is a task or a thread; time runs left to right.\n");
    pictures::threads(60);
    pictures::coroutines_computing(60);
    pictures::coroutines_waiting(60);
}
