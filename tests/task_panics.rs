//! A panic in a task is caught, reported through its handle, and the loop
//! keeps running.
use runloop::JoinError;

#[test]
fn a_panicking_task_gives_panicked_and_the_others_finish() {
    let (failed, others) = runloop::run(async {
        let others: Vec<_> = (0..10)
            .map(|n| {
                runloop::spawn(async move {
                    runloop::yield_now().await;
                    n
                })
            })
            .collect();
        let failing = runloop::spawn(async {
            runloop::yield_now().await;
            if true {
                panic!("boom in a task");
            }
        });
        let failed = failing.await;
        let mut results = Vec::new();
        for handle in others {
            results.push(handle.await.unwrap());
        }
        (failed, results)
    });
    assert_eq!(others, (0..10).collect::<Vec<_>>());
    let error = failed.unwrap_err();
    assert!(error.is_panic());
    assert_eq!(error.panic_message(), Some("boom in a task"));
    assert_eq!(error.to_string(), "task panicked: boom in a task");
}

#[test]
fn the_panic_payload_can_be_taken_and_re_raised() {
    let error = runloop::run(async {
        runloop::spawn(async { std::panic::panic_any(42u32) })
            .await
            .unwrap_err()
    });
    let JoinError::Panicked(payload) = error else {
        panic!("expected a panic, got {error:?}");
    };
    assert_eq!(payload.downcast_ref::<u32>(), Some(&42));
    let re_raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| std::panic::resume_unwind(payload)));
    assert_eq!(re_raised.unwrap_err().downcast_ref::<u32>(), Some(&42));
}

#[test]
fn a_panic_in_the_main_future_propagates_out_of_block_on() {
    let rt = runloop::Runtime::new().unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { panic!("main failed") });
    }));
    assert!(caught.is_err());
    // The runtime is still usable afterwards.
    assert_eq!(rt.block_on(async { runloop::spawn(async { 5 }).await.unwrap() }), 5);
}
