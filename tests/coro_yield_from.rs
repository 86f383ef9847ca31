//! Property: delegation is transparent. Through `co.yield_from(sub)`, the
//! sub-generator's yields pass out unchanged and in order, the outer
//! generator's resume arguments pass in unchanged, and the sub's return
//! value becomes the value of `yield_from`, however deep the nesting.
//! Python: `result = yield from sub` (PEP 380).

use runloop::coro::{Gen, GenState};

type Asker = Gen<String, u32, u32>;

/// Yields `count` questions, each tagged with `name`, and returns the sum
/// of the answers.
fn asker(name: &'static str, count: u32) -> Asker {
    Gen::new(move |co| async move {
        let mut sum = 0;
        for question in 1..=count {
            sum += co.yield_(format!("{name} asks #{question}")).await;
        }
        sum
    })
}

/// Drives `generator` with `answers`, recording each yield and the result.
fn transcript(mut generator: Asker, answers: &[u32]) -> (Vec<String>, u32) {
    let mut yielded = Vec::new();
    let mut answers = answers.iter().copied();
    let mut state = generator.start();
    loop {
        match state {
            GenState::Yielded(question) => {
                yielded.push(question);
                let answer = answers.next().expect("the test supplies enough answers");
                state = generator.resume(answer);
            }
            GenState::Complete(result) => return (yielded, result),
        }
    }
}

#[test]
fn yields_pass_out_unchanged_and_in_order() {
    let outer: Asker = Gen::new(|co| async move {
        co.yield_("outer before".to_string()).await;
        co.yield_from(asker("sub", 2)).await;
        co.yield_("outer after".to_string()).await;
        0
    });
    let (yielded, _) = transcript(outer, &[0, 0, 0, 0]);
    assert_eq!(yielded, ["outer before", "sub asks #1", "sub asks #2", "outer after"]);
}

#[test]
fn resume_arguments_pass_in_and_the_return_value_comes_back() {
    let outer: Asker = Gen::new(|co| async move { co.yield_from(asker("sub", 3)).await * 100 });
    let (_, result) = transcript(outer, &[1, 2, 3]);
    assert_eq!(result, 600, "the sub summed 1 + 2 + 3 and returned it");
}

#[test]
fn delegation_nested_three_deep_behaves_like_the_innermost_generator() {
    fn middle() -> Asker {
        Gen::new(|co| async move { co.yield_from(asker("inner", 3)).await })
    }
    fn outer() -> Asker {
        Gen::new(|co| async move { co.yield_from(middle()).await })
    }
    let answers = [10, 20, 30];
    assert_eq!(transcript(outer(), &answers), transcript(asker("inner", 3), &answers));
    assert_eq!(
        transcript(outer(), &answers),
        (
            vec![
                "inner asks #1".to_string(),
                "inner asks #2".to_string(),
                "inner asks #3".to_string()
            ],
            60
        )
    );
}

#[test]
fn each_level_of_a_three_deep_chain_gets_its_own_return_value() {
    fn inner() -> Asker {
        asker("inner", 1)
    }
    fn middle() -> Asker {
        Gen::new(|co| async move {
            let from_inner = co.yield_from(inner()).await;
            let extra = co.yield_(format!("middle got {from_inner}")).await;
            from_inner + extra
        })
    }
    let outer: Asker = Gen::new(|co| async move {
        let from_middle = co.yield_from(middle()).await;
        co.yield_(format!("outer got {from_middle}")).await;
        from_middle * 2
    });
    let (yielded, result) = transcript(outer, &[5, 7, 0]);
    assert_eq!(yielded, ["inner asks #1", "middle got 5", "outer got 12"]);
    assert_eq!(result, 24);
}

#[test]
fn a_sub_that_returns_at_once_yields_nothing() {
    let outer: Asker = Gen::new(|co| async move { co.yield_from(asker("silent", 0)).await + 1 });
    assert_eq!(transcript(outer, &[]), (vec![], 1));
}

#[test]
fn an_iterator_can_delegate_to_another() {
    fn digits() -> Gen<u32> {
        Gen::new(|co| async move {
            for digit in 1..=3 {
                co.yield_(digit).await;
            }
        })
    }
    let framed: Gen<u32> = Gen::new(|co| async move {
        co.yield_(0).await;
        co.yield_from(digits()).await;
        co.yield_(4).await;
    });
    assert_eq!(framed.collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
}

#[test]
#[should_panic(expected = "already started")]
fn delegating_to_a_started_generator_panics() {
    let mut started = asker("sub", 2);
    let _ = started.start();
    let mut outer: Asker = Gen::new(|co| async move { co.yield_from(started).await });
    let _ = outer.start();
}
