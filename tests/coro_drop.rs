//! Property: dropping a generator runs the destructor of everything alive
//! inside it exactly once — whether it was never started, is suspended at a
//! yield, is suspended deep inside a `yield_from` chain, or has finished.
//! Code after the yield does not run. Python: `g.close()` (which would also
//! run `finally` blocks; here only `Drop` runs).

use std::cell::Cell;
use std::rc::Rc;

use runloop::coro::{Gen, GenState};

/// Counts how many times values created with `guard` have been dropped.
#[derive(Clone, Default)]
struct DropCount(Rc<Cell<u32>>);

struct Guard(DropCount);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.record_drop();
    }
}

impl DropCount {
    fn guard(&self) -> Guard {
        Guard(self.clone())
    }

    fn record_drop(&self) {
        self.0.set(self.0.get() + 1);
    }

    fn get(&self) -> u32 {
        self.0.get()
    }
}

#[test]
fn dropping_an_unstarted_generator_drops_what_it_captured_once() {
    let captured = DropCount::default();
    let guard = captured.guard();
    let unstarted: Gen<u8> = Gen::new(move |co| async move {
        let _guard = guard;
        co.yield_(1).await;
    });
    assert_eq!(captured.get(), 0);
    drop(unstarted);
    assert_eq!(captured.get(), 1);
}

#[test]
fn dropping_a_suspended_generator_drops_its_live_locals_once() {
    let drops = DropCount::default();
    let after_yield_ran = Rc::new(Cell::new(false));
    let mut suspended: Gen<u8> = Gen::new({
        let drops = drops.clone();
        let after_yield_ran = Rc::clone(&after_yield_ran);
        move |co| async move {
            let _first = drops.guard();
            let _second = drops.guard();
            co.yield_(1).await;
            after_yield_ran.set(true);
        }
    });
    assert_eq!(suspended.start(), GenState::Yielded(1));
    assert_eq!(drops.get(), 0, "the locals are alive while suspended");
    drop(suspended);
    assert_eq!(drops.get(), 2, "each local dropped once");
    assert!(!after_yield_ran.get(), "code after the yield never ran");
}

#[test]
fn dropping_a_generator_suspended_three_levels_deep_drops_every_level_once() {
    fn level(drops: DropCount, inner: Option<Gen<u8>>) -> Gen<u8> {
        Gen::new(move |co| async move {
            let _guard = drops.guard();
            match inner {
                Some(inner) => co.yield_from(inner).await,
                None => co.yield_(3).await,
            }
        })
    }
    let drops = DropCount::default();
    let inner = level(drops.clone(), None);
    let middle = level(drops.clone(), Some(inner));
    let mut outer = level(drops.clone(), Some(middle));
    assert_eq!(outer.next(), Some(3));
    assert_eq!(drops.get(), 0);
    drop(outer);
    assert_eq!(drops.get(), 3);
}

#[test]
fn a_finished_generator_has_already_dropped_its_locals_and_drops_nothing_twice() {
    let drops = DropCount::default();
    let mut finished: Gen<u8, u8> = Gen::new({
        let drops = drops.clone();
        move |co| async move {
            let _guard = drops.guard();
            co.yield_(1).await;
            2
        }
    });
    let _ = finished.start();
    assert_eq!(finished.resume(()), GenState::Complete(2));
    assert_eq!(drops.get(), 1, "dropped when the body returned");
    drop(finished);
    assert_eq!(drops.get(), 1);
}

#[test]
fn a_value_yielded_and_then_dropped_by_the_driver_is_dropped_once() {
    let drops = DropCount::default();
    let mut producer: Gen<Guard> = Gen::new({
        let drops = drops.clone();
        move |co| async move {
            co.yield_(drops.guard()).await;
            co.yield_(drops.guard()).await;
        }
    });
    let first = producer.next();
    assert_eq!(drops.get(), 0, "the driver owns the yielded value now");
    drop(first);
    assert_eq!(drops.get(), 1);
    drop(producer);
    assert_eq!(drops.get(), 1, "the second guard was never created");
}
