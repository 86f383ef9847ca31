//! Property: the body's return value arrives, once, as `GenState::Complete`.
//! Python delivers it as `StopIteration.value`.

use runloop::coro::{Gen, GenState};

#[test]
fn a_body_that_never_yields_completes_on_start() {
    let mut answer: Gen<(), u32> = Gen::new(|_co| async move { 42 });
    assert_eq!(answer.start(), GenState::Complete(42));
}

#[test]
fn the_return_value_arrives_after_the_last_yield() {
    let mut countdown: Gen<u32, &str> = Gen::new(|co| async move {
        co.yield_(2).await;
        co.yield_(1).await;
        "liftoff"
    });
    assert_eq!(countdown.start(), GenState::Yielded(2));
    assert_eq!(countdown.resume(()), GenState::Yielded(1));
    assert_eq!(countdown.resume(()), GenState::Complete("liftoff"));
}

#[test]
fn the_return_value_can_be_built_from_resumed_values() {
    let mut joiner: Gen<(), String, Option<&str>> = Gen::new(|co| async move {
        let mut words = Vec::new();
        while let Some(word) = co.yield_(()).await {
            words.push(word);
        }
        words.join(" ")
    });
    let _ = joiner.start();
    let _ = joiner.resume(Some("generators"));
    let _ = joiner.resume(Some("return"));
    let _ = joiner.resume(Some("values"));
    assert_eq!(
        joiner.resume(None),
        GenState::Complete("generators return values".to_string())
    );
}

#[test]
fn a_generator_is_finished_exactly_when_it_has_returned() {
    let mut once: Gen<u8, u8> = Gen::new(|co| async move {
        co.yield_(1).await;
        2
    });
    assert!(!once.is_finished());
    let _ = once.start();
    assert!(!once.is_finished());
    assert_eq!(once.resume(()), GenState::Complete(2));
    assert!(once.is_finished());
}
