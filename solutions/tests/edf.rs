//! Exercise 2's checks, as EXERCISES.md states them: conformance, and five
//! tasks with shuffled deadlines run in deadline order. Plus the promise
//! the essay makes: tasks without a deadline still run.
use runloop::scheduler::conformance::{check, with_deadline};
use runloop::scheduler::{Cause, Ready, Schedule, SpawnInfo, TaskId};
use runloop_solutions::Edf;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

#[test]
fn edf_conforms() {
    check(Edf::new);
}

#[test]
fn edf_with_eager_aging_conforms() {
    check(|| Edf::with_aging(1));
}

#[test]
fn five_tasks_run_in_deadline_order() {
    let order = with_deadline(Duration::from_secs(10), || {
        let rt = runloop::Runtime::builder().scheduler(Edf::new()).build().unwrap();
        rt.block_on(async {
            let order: Rc<RefCell<Vec<&str>>> = Rc::default();
            let now = Instant::now();
            // Spawned in this order; due in the order of the names.
            let handles: Vec<_> = [("c", 30), ("a", 10), ("e", 50), ("b", 20), ("d", 40)]
                .into_iter()
                .map(|(name, due_in_ms)| {
                    let order = order.clone();
                    runloop::TaskBuilder::new()
                        .name(name)
                        .deadline(now + Duration::from_millis(due_in_ms))
                        .spawn(async move { order.borrow_mut().push(name) })
                })
                .collect();
            runloop::join_all(handles).await;
            order.take()
        })
    });
    assert_eq!(order, ["a", "b", "c", "d", "e"]);
}

#[test]
fn without_a_deadline_a_task_runs_after_the_deadline_tasks_in_fifo_order() {
    let mut edf = Edf::new();
    let now = Instant::now();
    let ids: Vec<TaskId> = (0..4).map(|n| TaskId::from_parts(n, n + 1)).collect();
    edf.spawned(ids[0], &SpawnInfo::with_name("late"));
    edf.spawned(ids[1], &SpawnInfo::with_deadline(now + Duration::from_secs(2)));
    edf.spawned(ids[2], &SpawnInfo::with_name("later"));
    edf.spawned(
        ids[3],
        &SpawnInfo::with_deadline(now + Duration::from_secs(1)).name("soon"),
    );
    for &id in &ids {
        edf.push(Ready::new(id, Cause::Spawned));
    }
    let main = TaskId::from_parts(u32::MAX, 1); // never announced: no deadline
    edf.push(Ready::new(main, Cause::Spawned));
    let popped: Vec<TaskId> = std::iter::from_fn(|| edf.pop()).collect();
    assert_eq!(popped, [ids[3], ids[1], ids[0], ids[2], main]);
}

#[test]
fn a_task_without_a_deadline_is_passed_over_at_most_aging_times() {
    let aging = 8;
    let mut edf = Edf::with_aging(aging);
    let patient = TaskId::from_parts(0, 1);
    edf.spawned(patient, &SpawnInfo::default());
    edf.push(Ready::new(patient, Cause::Spawned));
    let now = Instant::now();
    let mut passed_over = 0;
    for n in 1u32.. {
        // A stream of urgent tasks, one more per pop.
        let urgent = TaskId::from_parts(n, n + 1);
        edf.spawned(urgent, &SpawnInfo::with_deadline(now));
        edf.push(Ready::new(urgent, Cause::Spawned));
        if edf.pop() == Some(patient) {
            break;
        }
        passed_over += 1;
        assert!(passed_over <= aging, "passed over {passed_over} times");
    }
    assert_eq!(passed_over, aging);
}
