//! A generator needs no executor, but it can be driven from inside one.
use runloop::coro::{Gen, GenState};
use std::time::Duration;

#[test]
fn a_gen_can_be_driven_from_inside_a_runtime_task() {
    let transcript = runloop::run(async {
        runloop::spawn(async {
            let mut running_sum: Gen<u32, u32, u32> = Gen::new(|co| async move {
                let mut sum = 0;
                loop {
                    match co.yield_(sum).await {
                        0 => return sum,
                        n => sum += n,
                    }
                }
            });
            let mut transcript = vec![running_sum.start()];
            for n in [5, 7, 0] {
                // Real runtime waits between steps do not disturb the generator.
                runloop::time::sleep(Duration::from_millis(1)).await;
                runloop::yield_now().await;
                transcript.push(running_sum.resume(n));
            }
            transcript
        })
        .await
        .unwrap()
    });
    use GenState::{Complete, Yielded};
    assert_eq!(transcript, [Yielded(0), Yielded(5), Yielded(12), Complete(12)]);
}

#[test]
fn awaiting_a_runtime_future_inside_a_generator_still_panics_with_advice() {
    let error = runloop::run(async {
        runloop::spawn(async {
            let mut confused: Gen<()> = Gen::new(|_co| async move {
                runloop::time::sleep(Duration::from_millis(50)).await;
            });
            confused.start();
        })
        .await
        .unwrap_err()
    });
    let message = error.panic_message().unwrap_or_default();
    assert!(
        message.contains("awaited something other than its Co's yield_"),
        "got: {message}"
    );
}
