//! # The policy alone: a scripted run, no runtime
//!
//! The first check drives the policy by hand, as the loop would, through
//! an [`Audit`] that checks every answer: a thousand tasks spawned with
//! every kind of option (priorities 0 to 255, deadlines passed, due and far
//! off, names or none), pushed with every [`Cause`], popped in between,
//! some pushed again as if they had yielded, the rest finished and their
//! index reused by later tasks (as the runtime's task table does), and,
//! now and then, a `block_on` future: pushed without ever being announced,
//! under index `u32::MAX`.

use super::super::{Cause, Ready, Schedule, SpawnInfo, TaskId};
use super::audit::Audit;
use super::watch::Watch;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many tasks the script spawns.
const TASKS: u32 = 1_000;

/// The options of the script's `n`-th task: every combination of four
/// priorities, five kinds of deadline and a name or none comes up.
fn options(n: u32, now: Instant, name: &str) -> SpawnInfo<'_> {
    let info = SpawnInfo::with_priority([0, 1, 7, 128, 255][n as usize % 5]);
    let info = match (n / 5) % 5 {
        0 => info,
        1 => info.deadline(now), // passed by the time it is popped
        2 => info.deadline(now + Duration::from_millis(1)),
        3 => info.deadline(now + Duration::from_millis(1 + u64::from(n % 3))), // ties
        _ => info.deadline(now + Duration::from_secs(3_600)),
    };
    match (n / 25) % 2 {
        0 => info.name(name),
        _ => info,
    }
}

/// Every push is popped exactly once, `len` stays right, and nothing is
/// left at the end.
pub(super) fn pushes_and_pops_match<P: Schedule>(
    make: &dyn Fn() -> P,
    watch: &Arc<Watch>,
    patience: u64,
) -> Result<(), String> {
    let fresh = make();
    if fresh.len() != 0 || !fresh.is_empty() {
        return Err(format!("a new policy has len() {}", fresh.len()));
    }
    let mut policy = Audit::new(make(), watch.clone(), patience);
    policy.pop(); // on an empty policy: must be None (the audit checks)
    let now = Instant::now();
    let (mut free_indices, mut next_index) = (Vec::new(), 0);
    let (mut main_generation, mut main_waiting) = (0, false);
    let mut popped = 0u32;
    for n in 0..TASKS {
        let index = free_indices.pop().unwrap_or_else(|| {
            next_index += 1;
            next_index - 1
        });
        let id = TaskId::from_parts(index, n + 1);
        let name = format!("task {n}");
        policy.spawned(id, &options(n, now, &name));
        policy.push(Ready::new(id, Cause::Spawned));
        if n.is_multiple_of(50) && !main_waiting {
            main_generation += 1;
            policy.push(Ready::new(
                TaskId::from_parts(u32::MAX, main_generation),
                Cause::Spawned,
            ));
            main_waiting = true;
        }
        if n.is_multiple_of(3) {
            let Some(id) = policy.pop() else { break };
            popped += 1;
            if id.is_main() {
                main_waiting = false;
            } else if popped.is_multiple_of(4) {
                // It yielded, or something woke it: back in the queue.
                let causes = [Cause::WokenBy(id), Cause::Reactor, Cause::Remote];
                policy.push(Ready::new(id, causes[popped as usize % 3]));
            } else {
                policy.finished(id);
                free_indices.push(id.index() as u32);
            }
        }
        watch.step();
        if watch.is_frozen() {
            break;
        }
    }
    while let Some(id) = policy.pop() {
        if !id.is_main() {
            policy.finished(id);
        }
    }
    // The last pop returned `None`: the audit has checked nothing was left.
    Ok(())
}
