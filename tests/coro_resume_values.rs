//! Property: every value passed to `resume` arrives in the body as the value
//! of the `yield_` it wakes, in order, exactly once, and moved rather than
//! copied. Python: `received = yield value` evaluates to `g.send(received)`.

use runloop::coro::{Gen, GenState};

/// Yields back whatever it is resumed with, after an opening prompt.
fn echo() -> Gen<String, (), String> {
    Gen::new(|co| async move {
        let mut received = co.yield_("ready".to_string()).await;
        loop {
            received = co.yield_(format!("echo: {received}")).await;
        }
    })
}

#[test]
fn each_resume_value_is_the_value_of_the_yield_it_wakes() {
    let mut echo = echo();
    assert_eq!(echo.start(), GenState::Yielded("ready".to_string()));
    assert_eq!(
        echo.resume("one".to_string()),
        GenState::Yielded("echo: one".to_string())
    );
    assert_eq!(
        echo.resume("two".to_string()),
        GenState::Yielded("echo: two".to_string())
    );
}

#[test]
fn resume_values_arrive_in_order_and_exactly_once() {
    let mut collector: Gen<(), Vec<u32>, Option<u32>> = Gen::new(|co| async move {
        let mut received = Vec::new();
        while let Some(value) = co.yield_(()).await {
            received.push(value);
        }
        received
    });
    assert_eq!(collector.start(), GenState::Yielded(()));
    for value in [3, 1, 4, 1, 5] {
        assert_eq!(collector.resume(Some(value)), GenState::Yielded(()));
    }
    assert_eq!(collector.resume(None), GenState::Complete(vec![3, 1, 4, 1, 5]));
}

#[test]
fn a_resumed_value_can_travel_back_out_without_being_copied() {
    let mut bounce: Gen<Vec<u8>, (), Vec<u8>> = Gen::new(|co| async move {
        let mut held = co.yield_(Vec::new()).await;
        loop {
            held = co.yield_(held).await;
        }
    });
    let _ = bounce.start();
    let sent = vec![1, 2, 3];
    let address = sent.as_ptr();
    let GenState::Yielded(returned) = bounce.resume(sent) else {
        panic!("the bounce generator never completes");
    };
    assert_eq!(returned, [1, 2, 3]);
    assert_eq!(returned.as_ptr(), address, "the same buffer came back");
}
