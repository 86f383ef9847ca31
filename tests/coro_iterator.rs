//! Property: a `Gen<Y>` (returns `()`, resumed with `()`) is a lazy, fused
//! `Iterator<Item = Y>`: each `next` runs the body to its next yield and no
//! further. Python: `for x in g`, `next(g)`.

use std::cell::Cell;
use std::rc::Rc;

use runloop::coro::Gen;

fn squares(limit: u32) -> Gen<u32> {
    Gen::new(move |co| async move {
        for n in 1..=limit {
            co.yield_(n * n).await;
        }
    })
}

#[test]
fn a_generator_collects_like_any_iterator() {
    assert_eq!(squares(4).collect::<Vec<_>>(), [1, 4, 9, 16]);
}

#[test]
fn a_for_loop_drives_a_generator() {
    let mut total = 0;
    for square in squares(3) {
        total += square;
    }
    assert_eq!(total, 1 + 4 + 9);
}

#[test]
fn each_next_runs_the_body_only_up_to_the_next_yield() {
    let steps = Rc::new(Cell::new(0));
    let mut counting: Gen<u32> = Gen::new({
        let steps = Rc::clone(&steps);
        move |co| async move {
            for n in 0.. {
                steps.set(steps.get() + 1);
                co.yield_(n).await;
            }
        }
    });
    assert_eq!(steps.get(), 0);
    assert_eq!(counting.next(), Some(0));
    assert_eq!(steps.get(), 1);
    assert_eq!(counting.next(), Some(1));
    assert_eq!(steps.get(), 2);
}

#[test]
fn an_endless_generator_is_fine_when_you_take_only_what_you_need() {
    let naturals: Gen<u64> = Gen::new(|co| async move {
        for n in 0.. {
            co.yield_(n).await;
        }
    });
    let evens: Vec<u64> = naturals.filter(|n| n % 2 == 0).take(3).collect();
    assert_eq!(evens, [0, 2, 4]);
}

#[test]
fn after_the_body_returns_next_is_none_for_good() {
    let mut single = squares(1);
    assert_eq!(single.next(), Some(1));
    assert_eq!(single.next(), None);
    assert_eq!(single.next(), None);
}
