//! Tour chapter: generators, the machine under every future.
//!
//! The chapter prints its own text and runs small live demonstrations with
//! `runloop::coro`, so every result on screen was computed just now. It
//! walks from a paused function, to `resume` as Python's `send`, to
//! `yield_from`, and ends with a loop over suspended generators printed as
//! lanes: the shape of every event loop.

use std::collections::VecDeque;

use runloop::coro::{Gen, GenState};

/// Prints the chapter.
pub fn run() {
    println!("An `async` block compiles to a state machine: one state per `.await`,");
    println!("each holding the locals still alive there. `poll` runs it to the next");
    println!("pause. An executor polls when a waker says the world is ready. Poll it");
    println!("yourself, passing a value out at each pause, and the same machine is a");
    println!("generator: Python's `yield`. `runloop::coro` builds exactly that.\n");

    a_paused_function();
    resume_is_send();
    yield_from_is_delegation();
    an_event_loop_of_generators();

    println!("Read on: src/coro/ (airlock.rs, co.rs, generator.rs, delegate.rs), then");
    println!("`cargo run --example generators` and `--example generator_scheduler`.");
}

fn a_paused_function() {
    println!("1. A paused function");
    println!("   `Gen::new` builds the body but runs none of it. `start()` runs it");
    println!("   to the first `co.yield_(..).await`; each `resume` to the next one.\n");

    let mut steps: Gen<&str, &str> = Gen::new(|co| async move {
        let mut lines_run = 1;
        println!("     body: line 1");
        co.yield_("paused after line 1").await;
        lines_run += 1;
        println!("     body: line 2 (local `lines_run` survived the pause: {lines_run})");
        co.yield_("paused after line 2").await;
        println!("     body: line 3, returning");
        "finished"
    });
    println!("   start()    -> {:?}", steps.start());
    println!("   resume(()) -> {:?}", steps.resume(()));
    println!("   resume(()) -> {:?}", steps.resume(()));
    println!("   Complete carries the return value: Python's StopIteration.value.\n");
}

fn resume_is_send() {
    println!("2. resume(x) is Python's send(x)");
    println!("   The paused `co.yield_(..).await` evaluates to x. The first step is");
    println!("   start(), with no argument: no yield is waiting yet, so no value");
    println!("   could be received, and none is silently dropped.\n");

    let mut total: Gen<u32, (), u32> = Gen::new(|co| async move {
        let mut sum = 0;
        loop {
            sum += co.yield_(sum).await;
        }
    });
    println!("   start()    -> {:?}", total.start());
    for x in [5, 10, 20] {
        println!("   resume({x:>2}) -> {:?}", total.resume(x));
    }
    println!();
}

fn yield_from_is_delegation() {
    println!("3. co.yield_from(sub) is Python's `yield from sub`");
    println!("   The sub's yields pass out, resumes pass in, and its return value");
    println!("   becomes the value of yield_from. The driver cannot tell.\n");

    fn letters(word: &'static str) -> Gen<char, usize> {
        Gen::new(move |co| async move {
            for letter in word.chars() {
                co.yield_(letter).await;
            }
            word.len()
        })
    }
    let mut outer: Gen<char, usize> = Gen::new(|co| async move {
        let first = co.yield_from(letters("ab")).await;
        let second = co.yield_from(letters("cde")).await;
        first + second
    });
    let mut state = outer.start();
    let mut seen = Vec::new();
    while let GenState::Yielded(letter) = state {
        seen.push(letter);
        state = outer.resume(());
    }
    println!("   the driver saw {seen:?}, then {state:?}\n");
}

fn an_event_loop_of_generators() {
    println!("4. An event loop is a loop over suspended generators");
    println!("   Take a queue of paused generators; resume the first, put it back");
    println!("   at the end unless it finished. Each task runs until it chooses to");
    println!("   yield: cooperative, on one thread. Lanes: `-` running, `.` waiting.\n");

    let names = ["alpha", "beta", "gamma"];
    let mut queue: VecDeque<(usize, Gen<()>)> = names.iter().enumerate().map(|(id, _)| (id, worker(id + 2))).collect();
    let mut lanes = vec![String::new(); names.len()];
    while let Some((id, mut task)) = queue.pop_front() {
        for (lane_id, lane) in lanes.iter_mut().enumerate() {
            let alive = lane_id == id || queue.iter().any(|(other, _)| *other == lane_id);
            lane.push(match (lane_id == id, alive) {
                (true, _) => '-',
                (false, true) => '.',
                (false, false) => ' ',
            });
        }
        if task.next().is_some() {
            queue.push_back((id, task));
        }
    }
    for (name, lane) in names.iter().zip(&lanes) {
        println!("   {name:<6} {}", lane.trim_end());
    }
    println!("\n   Replace `yield` with `await`, and \"put it back\" with \"put it back");
    println!("   when its waker fires\", and this is the runtime's executor.\n");
}

/// A task that works in `slices` slices, yielding between them.
fn worker(slices: usize) -> Gen<()> {
    Gen::new(move |co| async move {
        for _ in 1..slices {
            co.yield_(()).await;
        }
    })
}
