//! Every policy in the crate passes the conformance suite; adding a policy
//! to this file is one line. The suite's own tests, policies broken on
//! purpose that it must catch, are in `scheduler_conformance_catches.rs`.
use runloop::scheduler::conformance::{CHECKS, Suite, check};
use runloop::scheduler::{Fifo, LifoSlot, Priority};

#[test]
fn fifo_conforms() {
    check(Fifo::new);
}

#[test]
fn lifo_slot_conforms() {
    check(LifoSlot::new);
}

#[test]
fn priority_conforms() {
    check(Priority::new);
}

#[test]
fn priority_with_eager_aging_conforms() {
    check(|| Priority::with_aging(1));
}

#[test]
fn one_check_runs_alone() {
    Suite::new().only("many wakes").run(Fifo::new);
}

#[test]
fn a_name_that_matches_no_check_lists_the_checks() {
    let report = std::panic::catch_unwind(|| Suite::new().only("no such check").run(Fifo::new))
        .expect_err("an unknown check name must fail");
    let report = report.downcast_ref::<String>().expect("a formatted report");
    assert!(CHECKS.iter().all(|name| report.contains(name)), "{report}");
}
