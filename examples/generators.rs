//! Three small generators, each printing what happens and why.
//!
//! 1. Fibonacci: a generator used as an iterator (Python: `for x in g`).
//! 2. A running average fed numbers through `resume` (Python: `g.send(x)`),
//!    the classic demonstration that a generator can *receive* values.
//! 3. `yield_from` delegation (Python: `yield from`): an outer generator
//!    hands the floor to sub-generators, and the driver cannot tell.
//!
//! Run it with `cargo run --example generators`.

use runloop::coro::{Gen, GenState};

fn main() {
    env_logger::init();
    fibonacci_as_an_iterator();
    running_average_fed_by_resume();
    delegation_with_yield_from();
}

// ---------------------------------------------------------------------------
// 1. Fibonacci
// ---------------------------------------------------------------------------

/// The Fibonacci numbers, forever. `a` and `b` look like ordinary locals,
/// but they live in the generator's state machine, so they survive each
/// pause. The `println!` inside the body shows when the body really runs.
fn fibonacci() -> Gen<u64> {
    Gen::new(|co| async move {
        let (mut a, mut b) = (0, 1);
        loop {
            println!("    body: yielding {a}, then pausing");
            co.yield_(a).await;
            (a, b) = (b, a + b);
        }
    })
}

fn fibonacci_as_an_iterator() {
    println!("1. Fibonacci: a generator is an iterator");
    println!("   Building the generator runs nothing yet. Each next() runs the");
    println!("   body until its next yield_, and it stops there, mid-loop.\n");

    let mut numbers = fibonacci();
    for _ in 0..4 {
        let n = numbers.next().expect("the sequence is endless");
        println!("    main: next() returned {n}");
    }
    println!("\n   The body never ends, so we stop asking after four numbers.");
    println!("   Dropping the generator frees the paused body; nothing else runs.\n");
}

// ---------------------------------------------------------------------------
// 2. A running average, fed through resume
// ---------------------------------------------------------------------------

/// Python's classic `send` demo:
///
/// ```python
/// def averager():
///     total, count, average = 0.0, 0, None
///     while True:
///         total += yield average
///         count += 1
///         average = total / count
/// ```
fn averager() -> Gen<Option<f64>, (), f64> {
    Gen::new(|co| async move {
        let (mut total, mut count) = (0.0, 0.0);
        let mut average = None;
        loop {
            total += co.yield_(average).await;
            count += 1.0;
            average = Some(total / count);
        }
    })
}

fn running_average_fed_by_resume() {
    println!("2. A running average, fed through resume (Python's send)");
    println!("   The body is paused inside `total += co.yield_(average).await`.");
    println!("   Each resume(x) makes that yield_ evaluate to x.\n");

    let mut average = averager();
    let first = average.start();
    println!("   start()      -> {first:?}");
    println!("      the body ran up to its first yield_; it has no numbers yet, so");
    println!("      it yields None. start() takes no argument: no yield_ was waiting");
    println!("      for one. (Python needs next(avg) here, or send(None).)");
    for x in [10.0, 30.0, 5.0] {
        let state = average.resume(x);
        println!("   resume({x:>4.1}) -> {state:?}");
    }
    println!("      each number became the value of the paused yield_; the body");
    println!("      added it, and ran round the loop to yield the new average.\n");
}

// ---------------------------------------------------------------------------
// 3. Delegation with yield_from
// ---------------------------------------------------------------------------

/// Asks "how many?" until it is told 0, and returns the total. It knows
/// nothing about who drives it.
fn tally(fruit: &'static str) -> Gen<String, u32, u32> {
    Gen::new(move |co| async move {
        let mut total = 0;
        loop {
            println!("      tally({fruit}): yields a question");
            let count = co.yield_(format!("how many {fruit}? (0 to stop)")).await;
            println!("      tally({fruit}): received {count}");
            if count == 0 {
                println!("      tally({fruit}): returns {total}");
                return total;
            }
            total += count;
        }
    })
}

/// Delegates to two tallies, then asks a question of its own.
fn basket() -> Gen<String, u32, u32> {
    Gen::new(|co| async move {
        println!("    basket: delegates to tally(apples)");
        let apples = co.yield_from(tally("apples")).await;
        println!("    basket: yield_from evaluated to {apples}");
        println!("    basket: delegates to tally(pears)");
        let pears = co.yield_from(tally("pears")).await;
        println!("    basket: yield_from evaluated to {pears}");
        println!("    basket: yields a question of its own");
        let fruit = apples + pears;
        let baskets = co.yield_(format!("{fruit} fruit per basket; how many baskets?")).await;
        println!("    basket: received {baskets}, returns {}", fruit * baskets);
        fruit * baskets
    })
}

fn delegation_with_yield_from() {
    println!("3. Delegation with yield_from (Python's yield from)");
    println!("   The driver talks only to `basket`. While basket is inside");
    println!("   yield_from, the questions come from the tally, and the answers");
    println!("   go to the tally, straight through basket. Indentation shows depth:");
    println!("   the driver, then basket, then the tally it delegates to.\n");

    let mut basket = basket();
    let mut answers = [2, 3, 0, 4, 0, 3].into_iter();
    let mut state = basket.start();
    loop {
        match state {
            GenState::Yielded(message) => {
                println!("  driver: got {message:?}");
                let answer = answers.next().expect("one answer per question");
                println!("  driver: resume({answer})");
                state = basket.resume(answer);
            }
            GenState::Complete(fruit) => {
                println!("  driver: basket returned {fruit}, its return value arriving");
                println!("          as Complete(..), where Python has StopIteration.value");
                break;
            }
        }
    }
}
