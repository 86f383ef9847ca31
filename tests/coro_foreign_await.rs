//! Property: a generator body may await only its `Co`'s own futures. If it
//! awaits anything else that is not ready, the driver sees `Pending` with an
//! empty airlock and panics with an explanation, instead of hanging or
//! returning garbage. (Generators are driven with a no-op waker; nothing
//! would ever wake that future.)

use std::future;

use runloop::coro::Gen;

const EXPLANATION: &str = "a generator body awaited something other than its Co's yield_ or yield_from";

#[test]
#[should_panic(expected = "a generator body awaited something other than its Co's yield_ or yield_from")]
fn awaiting_a_foreign_future_before_the_first_yield_panics_on_start() {
    let mut stuck: Gen<u8> = Gen::new(|co| async move {
        future::pending::<()>().await;
        co.yield_(1).await;
    });
    let _ = stuck.start();
}

#[test]
#[should_panic(expected = "use an async task instead")]
fn awaiting_a_foreign_future_after_a_yield_panics_on_resume() {
    let mut stuck: Gen<u8> = Gen::new(|co| async move {
        co.yield_(1).await;
        future::pending::<()>().await;
    });
    let _ = stuck.start();
    let _ = stuck.resume(());
}

#[test]
#[should_panic(expected = "a generator body awaited something other than its Co's yield_ or yield_from")]
fn awaiting_a_foreign_future_inside_a_sub_generator_panics_too() {
    fn stuck() -> Gen<u8> {
        Gen::new(|_co| async move { future::pending::<()>().await })
    }
    let mut outer: Gen<u8> = Gen::new(|co| async move { co.yield_from(stuck()).await });
    let _ = outer.next();
}

#[test]
fn the_explanation_names_the_cause_and_the_remedy() {
    let mut stuck: Gen<u8> = Gen::new(|_co| async move { future::pending::<()>().await });
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stuck.next()));
    let payload = outcome.expect_err("the foreign await must panic");
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .expect("the explanation is a static message");
    assert!(message.starts_with(EXPLANATION), "{message}");
    assert!(message.contains("would never be woken"), "{message}");
    assert!(
        message.contains("Await only co.yield_(..) and co.yield_from(..)"),
        "{message}"
    );
    assert!(stuck.is_finished(), "a generator that panicked is finished");
}
