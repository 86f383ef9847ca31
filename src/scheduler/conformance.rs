//! # Conformance: is this policy a correct scheduler?
//!
//! Writing a [`Schedule`] policy is easy; writing one that never loses a
//! task, never runs one twice, and never starves one is the exercise.
//! [`check`] runs a policy through the promises listed in the module essay
//! of [`scheduler`](super): first alone, as a data structure driven by a
//! script (`alone.rs`), then inside real runtimes (`in_a_runtime.rs`). The
//! tasks carry every field of [`SpawnInfo`](super::SpawnInfo) — priorities from 0 to 255,
//! deadlines passed, near and far, names — and the `block_on` future takes
//! part unannounced, as it always does.
//!
//! ```
//! runloop::scheduler::conformance::check(runloop::scheduler::Fifo::new);
//! ```
//!
//! **Failing fast.** The policy runs wrapped in an audit (`audit.rs`) that
//! keeps a ledger of the tasks pushed and not yet popped and checks every
//! answer against it, so a broken promise is reported the moment it is
//! broken, with the task ids involved and what they were spawned with:
//!
//! ```text
//! the scheduling policy broke 6 promise(s):
//!   - every push is popped exactly once: pop() returned None, but the policy
//!     lost 1 task(s) (the loop would go to sleep): #2 "task 1" (priority 1,
//!     no deadline)
//!   - every task runs, whatever it was spawned with: len() is 4 after
//!     push(#5 "task 4" (priority 0, deadline 4µs ago)), but 5 task(s) are
//!     waiting: the policy lost or miscounted one
//!   - ...
//! ```
//!
//! A task passed over by more than [`PATIENCE`] pops is reported as lost or
//! starved, which catches a lost task even while other tasks keep the loop
//! busy. Both measures count the policy's answers, not seconds. Behind them,
//! each check runs on its own thread (`watch.rs`) and fails if the policy
//! makes no progress for [`STALL`] (a call that never returns), so nothing
//! hangs: a policy that loses a task fails in milliseconds, and a slow
//! machine makes the checks slower, not red.
//!
//! **One check at a time.** [`Suite::only`] runs the checks whose name
//! contains a word, [`CHECKS`] lists the names:
//!
//! ```
//! use runloop::scheduler::{conformance::Suite, Priority};
//! Suite::new().only("many wakes").run(Priority::new);
//! ```

mod alone;
mod audit;
mod in_a_runtime;
pub(crate) mod watch;

pub use watch::{GIVE_UP, with_deadline};

use super::Schedule;
use in_a_runtime::Subject;
use std::sync::Arc;
use std::time::Duration;
use watch::Job;

/// How long a check may go without any call into the policy before it is
/// declared stuck. Correct policies answer thousands of times a second;
/// this only has to outlast a slow machine's pauses.
pub const STALL: Duration = Duration::from_secs(5);

/// How many pops may pass over one waiting task before it is declared lost
/// or starved. The checks never have more than about a thousand tasks
/// ready at once, so FIFO passes a task over at most about a thousand times,
/// and a policy with aging or random draws far fewer than this.
pub const PATIENCE: u64 = 100_000;

/// The checks, in the order they run. [`Suite::only`] picks among them.
pub const CHECKS: [&str; 6] = [
    "every push is popped exactly once",
    "every task runs, whatever it was spawned with",
    "a hundred wakes give one poll",
    "many wakes in one turn lose nothing",
    "wakes from other threads arrive",
    "timers and I/O progress under load",
];

/// Runs every conformance check on policies made by `make`, and panics
/// with a report naming each broken promise and the tasks involved.
/// [`Suite`] runs some of them, or with other limits.
///
/// # Panics
/// If the policy breaks a promise: loses or duplicates a task, invents an
/// id, miscounts its length, starves a task, or panics.
pub fn check<P, F>(make: F)
where
    P: Schedule + 'static,
    F: Fn() -> P + Send + Sync + 'static,
{
    Suite::new().run(make);
}

/// The conformance checks, with a choice of which to run and how patient
/// to be. [`check`] is `Suite::new().run(make)`.
#[derive(Clone, Debug)]
pub struct Suite {
    only: Option<String>,
    stall: Duration,
    patience: u64,
}

impl Default for Suite {
    fn default() -> Suite {
        Suite::new()
    }
}

impl Suite {
    /// All checks, with [`STALL`] and [`PATIENCE`].
    pub fn new() -> Suite {
        Suite {
            only: None,
            stall: STALL,
            patience: PATIENCE,
        }
    }

    /// Only the checks whose name contains `words` (see [`CHECKS`]).
    /// [`run`](Suite::run) panics, listing the names, if none does.
    pub fn only(self, words: &str) -> Suite {
        Suite {
            only: Some(words.to_owned()),
            ..self
        }
    }

    /// How long a check may make no progress at all before it fails.
    pub fn stall(self, limit: Duration) -> Suite {
        Suite { stall: limit, ..self }
    }

    /// How many pops may pass over a waiting task before it counts as
    /// starved: raise it for a policy that is fair only on average.
    pub fn patience(self, pops: u64) -> Suite {
        Suite { patience: pops, ..self }
    }

    /// Runs the chosen checks on policies made by `make`.
    ///
    /// # Panics
    /// As [`check`]; also if no check matches [`only`](Suite::only).
    pub fn run<P, F>(&self, make: F)
    where
        P: Schedule + 'static,
        F: Fn() -> P + Send + Sync + 'static,
    {
        type InARuntime<P> = fn(&Subject<'_, P>) -> Result<(), String>;
        let runtime_checks: [InARuntime<P>; 5] = [
            in_a_runtime::every_task_runs,
            in_a_runtime::wakes_never_run_a_task_twice,
            in_a_runtime::many_wakes_in_one_turn,
            in_a_runtime::remote_wakes_arrive,
            in_a_runtime::timers_and_io_progress,
        ];
        let (make, patience) = (Arc::new(make), self.patience);
        let mut jobs: Vec<(&'static str, Job)> = vec![(
            CHECKS[0],
            Box::new({
                let make = make.clone();
                move |watch| alone::pushes_and_pops_match(&*make, watch, patience)
            }),
        )];
        for (name, check) in CHECKS[1..].iter().zip(runtime_checks) {
            let make = make.clone();
            let job: Job = Box::new(move |watch| {
                check(&Subject {
                    make: &*make,
                    watch,
                    patience,
                })
            });
            jobs.push((name, job));
        }
        watch::run_checks("the scheduling policy", jobs, self.only.as_deref(), self.stall);
    }
}
