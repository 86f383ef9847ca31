//! Property: the first-resume rule. `start()` takes no argument and runs the
//! body up to its first yield; only `resume(arg)` takes an argument, and it
//! goes to the yield the body is paused at. Nothing runs before `start`, and
//! a value passed too early is refused loudly, never dropped quietly.
//! Python: `next(g)` first, then `g.send(x)`; `send(x)` first is a
//! `TypeError`.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;

use runloop::coro::{Gen, GenState};

/// A generator that writes down each thing it does, so tests can see how
/// far each step got.
fn recorder(log: Rc<RefCell<Vec<String>>>) -> Gen<&'static str, (), u32> {
    Gen::new(move |co| async move {
        log.borrow_mut().push("body started".to_string());
        let first = co.yield_("first yield").await;
        log.borrow_mut().push(format!("first yield got {first}"));
        let second = co.yield_("second yield").await;
        log.borrow_mut().push(format!("second yield got {second}"));
    })
}

#[test]
fn nothing_in_the_body_runs_before_start() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let _recorder = recorder(Rc::clone(&log));
    assert!(log.borrow().is_empty());
}

#[test]
fn start_runs_the_body_up_to_the_first_yield_and_no_further() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut recorder = recorder(Rc::clone(&log));
    assert_eq!(recorder.start(), GenState::Yielded("first yield"));
    assert_eq!(*log.borrow(), ["body started"]);
}

#[test]
fn the_first_resume_argument_is_the_value_of_the_first_yield() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut recorder = recorder(Rc::clone(&log));
    let _ = recorder.start();
    assert_eq!(recorder.resume(7), GenState::Yielded("second yield"));
    assert_eq!(recorder.resume(8), GenState::Complete(()));
    assert_eq!(
        *log.borrow(),
        ["body started", "first yield got 7", "second yield got 8"]
    );
}

#[test]
#[should_panic(expected = "Gen::resume called before start")]
fn resume_before_start_panics() {
    let mut recorder = recorder(Rc::default());
    let _ = recorder.resume(7);
}

#[test]
fn a_refused_early_resume_leaves_the_generator_unstarted_and_usable() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut recorder = recorder(Rc::clone(&log));
    let early = panic::catch_unwind(AssertUnwindSafe(|| recorder.resume(7)));
    assert!(early.is_err());
    assert!(log.borrow().is_empty(), "the body did not run");
    assert_eq!(recorder.start(), GenState::Yielded("first yield"));
}

#[test]
#[should_panic(expected = "Gen::start called on a generator that has already started")]
fn start_twice_panics() {
    let mut recorder = recorder(Rc::default());
    let _ = recorder.start();
    let _ = recorder.start();
}
