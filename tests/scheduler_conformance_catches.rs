//! The scheduler conformance suite catches broken policies, fast, and says
//! which promise broke and which tasks were involved. If someone weakens
//! the suite, these fail.
//!
//! "Fast" is asserted against the stall limit, not a stopwatch: a lost task
//! must be reported by the audit (the report names the task), never by the
//! stall watchdog or a timeout, and well within one stall period per check.
use runloop::scheduler::conformance::{STALL, Suite, check};
use runloop::scheduler::{Fifo, Ready, Schedule, SpawnInfo, TaskId};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Runs `check` on policies made by `make` and returns the panic's report
/// and how long it took; fails the test if the suite passed.
fn report_of(suite: Suite, make: impl Fn() -> Box<dyn Schedule> + Send + Sync + 'static) -> (String, Duration) {
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || suite.run(move || Boxed(make()))));
    let elapsed = start.elapsed();
    let payload = outcome.expect_err("the suite passed a broken policy");
    let report = payload
        .downcast_ref::<String>()
        .cloned()
        .expect("the suite panics with a formatted report");
    eprintln!("reported after {elapsed:?}:\n{report}");
    (report, elapsed)
}

/// A boxed policy is a policy (the suite wants a concrete type).
struct Boxed(Box<dyn Schedule>);

impl Schedule for Boxed {
    fn push(&mut self, ready: Ready) {
        self.0.push(ready)
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        self.0.spawned(id, info)
    }
    fn finished(&mut self, id: TaskId) {
        self.0.finished(id)
    }
}

/// Every check of the suite reported by the audit, none by the watchdog,
/// and all of them well within the stall limit.
fn assert_caught_by_the_audit(report: &str, elapsed: Duration) {
    assert!(
        !report.contains("no progress"),
        "the watchdog, not the audit, caught it:\n{report}"
    );
    assert!(
        elapsed < STALL,
        "six checks took {elapsed:?}, more than one stall period ({STALL:?}):\n{report}"
    );
}

/// FIFO, except that it silently drops every task spawned with a deadline.
#[derive(Default)]
struct DropsDeadlines {
    queue: VecDeque<TaskId>,
    has_deadline: std::collections::HashSet<TaskId>,
}

impl Schedule for DropsDeadlines {
    fn push(&mut self, ready: Ready) {
        if !self.has_deadline.contains(&ready.id) {
            self.queue.push_back(ready.id);
        }
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }
    fn len(&self) -> usize {
        self.queue.len()
    }
    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        if info.deadline.is_some() {
            self.has_deadline.insert(id);
        }
    }
}

#[test]
fn a_policy_that_drops_tasks_with_a_deadline_fails_every_check() {
    let (report, elapsed) = report_of(Suite::new(), || Box::new(DropsDeadlines::default()));
    assert!(report.contains("broke 6 promise(s)"), "{report}");
    assert!(report.contains("lost"), "{report}");
    assert!(
        report.contains("deadline"),
        "the lost tasks' deadlines are named:\n{report}"
    );
    assert!(report.contains('#'), "task ids are named:\n{report}");
    assert_caught_by_the_audit(&report, elapsed);
}

/// FIFO, except that it forgets one task: the `nth` push.
struct LosesOne {
    queue: VecDeque<TaskId>,
    pushes: usize,
    nth: usize,
}

impl Schedule for LosesOne {
    fn push(&mut self, ready: Ready) {
        self.pushes += 1;
        if self.pushes != self.nth {
            self.queue.push_back(ready.id);
        }
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }
    fn len(&self) -> usize {
        self.queue.len() + usize::from(self.pushes >= self.nth) // hides the loss from `len`
    }
}

#[test]
fn a_policy_that_loses_one_task_fails_every_check_at_once() {
    let (report, elapsed) = report_of(Suite::new(), || {
        Box::new(LosesOne {
            queue: VecDeque::new(),
            pushes: 0,
            nth: 3,
        })
    });
    assert!(report.contains("broke 6 promise(s)"), "{report}");
    assert!(
        report.contains("every task runs, whatever it was spawned with: "),
        "{report}"
    );
    assert!(report.contains("lost"), "{report}");
    assert_caught_by_the_audit(&report, elapsed);
}

/// Forgets every tenth task it is given, while other tasks keep the loop
/// busy: caught by patience (the lost task is passed over), not by an idle
/// loop.
#[derive(Default)]
struct Forgetful {
    queue: VecDeque<TaskId>,
    pushes: usize,
}

impl Schedule for Forgetful {
    fn push(&mut self, ready: Ready) {
        self.pushes += 1;
        if !self.pushes.is_multiple_of(10) {
            self.queue.push_back(ready.id);
        }
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }
    fn len(&self) -> usize {
        self.queue.len()
    }
}

#[test]
fn a_policy_that_loses_every_tenth_task_fails_with_the_ids_named() {
    let (report, elapsed) = report_of(Suite::new(), || Box::new(Forgetful::default()));
    assert!(report.contains("every push is popped exactly once: "), "{report}");
    assert!(report.contains("len() is"), "the miscount is named:\n{report}");
    assert_caught_by_the_audit(&report, elapsed);
}

#[test]
fn a_lost_task_behind_busy_spinners_is_reported_by_patience() {
    // Only the check with spinners, and a policy that loses the `block_on`
    // future's second push while four spinners keep the loop busy.
    #[derive(Default)]
    struct LosesMainOnce(Fifo, usize);
    impl Schedule for LosesMainOnce {
        fn push(&mut self, ready: Ready) {
            self.1 += usize::from(ready.id.is_main());
            if !(ready.id.is_main() && self.1 == 2) {
                self.0.push(ready);
            }
        }
        fn pop(&mut self) -> Option<TaskId> {
            self.0.pop()
        }
        fn len(&self) -> usize {
            self.0.len() + usize::from(self.1 >= 2)
        }
    }
    let suite = Suite::new().only("timers and I/O");
    let (report, elapsed) = report_of(suite, || Box::new(LosesMainOnce::default()));
    assert!(
        report.contains("main (the block_on future") && report.contains("passed over by 100"),
        "{report}"
    );
    assert_caught_by_the_audit(&report, elapsed);
}

#[test]
fn a_policy_that_starves_a_task_fails() {
    // Strict priority: the spinners (priority 255) run for ever, the
    // `block_on` future (never announced, so priority 0) never does.
    let suite = Suite::new().only("timers and I/O");
    let (report, elapsed) = report_of(suite, || Box::new(runloop::scheduler::Priority::with_aging(u64::MAX)));
    assert!(report.contains("starves"), "{report}");
    assert!(report.contains("main"), "{report}");
    assert_caught_by_the_audit(&report, elapsed);
}

/// Keeps priorities in a `Vec` and indexes it without `get`: the
/// `block_on` future, never announced and with index `u32::MAX`, breaks it.
#[derive(Default)]
struct IndexesBlindly {
    priorities: Vec<u8>,
    queue: VecDeque<TaskId>,
}

impl Schedule for IndexesBlindly {
    fn push(&mut self, ready: Ready) {
        let _priority = self.priorities[ready.id.index()];
        self.queue.push_back(ready.id);
    }
    fn pop(&mut self) -> Option<TaskId> {
        self.queue.pop_front()
    }
    fn len(&self) -> usize {
        self.queue.len()
    }
    fn spawned(&mut self, id: TaskId, info: &SpawnInfo) {
        if id.index() >= self.priorities.len() {
            self.priorities.resize(id.index() + 1, 0);
        }
        self.priorities[id.index()] = info.priority;
    }
}

#[test]
fn a_policy_that_panics_on_the_main_future_is_told_why() {
    let (report, elapsed) = report_of(Suite::new(), || Box::new(IndexesBlindly::default()));
    assert!(report.contains("push() panicked for main (the block_on future: never announced, index u32::MAX)"));
    assert_caught_by_the_audit(&report, elapsed);
}

#[test]
fn a_policy_stuck_in_a_call_fails_after_the_stall_limit() {
    struct Stuck(Fifo);
    impl Schedule for Stuck {
        fn push(&mut self, ready: Ready) {
            if ready.id.is_main() {
                // Never returns (sleeps, so the thread left behind costs
                // nothing).
                loop {
                    std::thread::sleep(Duration::from_secs(3_600));
                }
            }
            self.0.push(ready);
        }
        fn pop(&mut self) -> Option<TaskId> {
            self.0.pop()
        }
        fn len(&self) -> usize {
            self.0.len()
        }
    }
    let stall = Duration::from_millis(300);
    let suite = Suite::new().only("a hundred wakes").stall(stall);
    let (report, elapsed) = report_of(suite, || Box::new(Stuck(Fifo::new())));
    assert!(
        report.contains("no progress for 300ms: the call push() has not returned"),
        "{report}"
    );
    assert!(elapsed >= stall, "reported after {elapsed:?}, before the stall limit");
}

#[test]
fn the_reference_policies_still_pass_after_all_this() {
    check(Fifo::new);
}
