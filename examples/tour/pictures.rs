//! Chapter: the study notes' lanes, drawn by the runtime from its records.

#[path = "../support/pictures.rs"]
mod drawings;

pub fn run() {
    println!("The notes draw threads and coroutines as lanes: '-' running, '.' waiting.");
    println!("With `Builder::timeline(true)` the runtime records every poll, job and wait,");
    println!("and `rt.timeline()` draws those lanes from what really happened.\n");
    drawings::threads(50);
    drawings::coroutines_computing(50);
    drawings::coroutines_waiting(50);
    println!("`RUNLOOP_TIMELINE=1` prints this picture for any program when its runtime is");
    println!("dropped; `RUNLOOP_TRACE=trace.json` writes the same record for ui.perfetto.dev.");
}
