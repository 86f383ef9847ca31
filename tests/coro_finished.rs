//! Property: a finished generator stays finished, safely. Starting or
//! resuming it panics with a message that says what happened; iterating it
//! keeps returning `None`. A body that panicked counts as finished and is
//! never polled again. Python: `send` on an exhausted generator raises
//! `StopIteration` again.

use std::panic::{self, AssertUnwindSafe};

use runloop::coro::{Gen, GenState};

fn one_then_done() -> Gen<u8, &'static str> {
    Gen::new(|co| async move {
        co.yield_(1).await;
        "done"
    })
}

#[test]
#[should_panic(expected = "Gen resumed after it finished")]
fn resuming_after_completion_panics() {
    let mut finished = one_then_done();
    let _ = finished.start();
    assert_eq!(finished.resume(()), GenState::Complete("done"));
    let _ = finished.resume(());
}

#[test]
#[should_panic(expected = "Gen resumed after it finished")]
fn starting_a_generator_that_completed_on_start_panics() {
    let mut immediate: Gen<u8, u8> = Gen::new(|_co| async move { 0 });
    assert_eq!(immediate.start(), GenState::Complete(0));
    let _ = immediate.start();
}

#[test]
fn an_exhausted_iterator_keeps_returning_none() {
    let mut pair: Gen<u8> = Gen::new(|co| async move {
        co.yield_(1).await;
        co.yield_(2).await;
    });
    assert_eq!(pair.by_ref().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(pair.next(), None);
    assert_eq!(pair.next(), None);
    assert!(pair.is_finished());
}

#[test]
fn a_body_that_panicked_is_finished_and_is_never_polled_again() {
    let mut fragile: Gen<u8, (), bool> = Gen::new(|co| async move {
        let should_fail: bool = co.yield_(1).await;
        assert!(!should_fail, "the body was told to fail");
    });
    let _ = fragile.start();
    let failure = panic::catch_unwind(AssertUnwindSafe(|| fragile.resume(true)));
    assert!(failure.is_err(), "the body's own panic reaches the driver");
    assert!(fragile.is_finished());

    let again = panic::catch_unwind(AssertUnwindSafe(|| fragile.resume(false)));
    let message = panic_message(again.expect_err("a panicked body must not run again"));
    assert!(message.contains("Gen resumed after it finished"), "{message}");
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|message| message.to_string())
            .unwrap_or_default(),
    }
}
