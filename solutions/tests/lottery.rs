//! Exercise 1's checks, as EXERCISES.md states them: conformance, and a
//! 3-ticket task winning between 70% and 80% of 10,000 draws against a
//! 1-ticket one, reproducibly.
use runloop::scheduler::conformance::check;
use runloop::scheduler::{Cause, Ready, Schedule, SpawnInfo, TaskId};
use runloop_solutions::Lottery;

#[test]
fn the_lottery_conforms() {
    check(|| Lottery::with_seed(7));
}

#[test]
fn the_lottery_conforms_whatever_the_seed() {
    for seed in [0, 1, u64::MAX] {
        check(move || Lottery::with_seed(seed));
    }
}

/// How many of 10,000 draws the 3-ticket task wins, with `seed`.
fn wins_of_three_tickets(seed: u64) -> u32 {
    let mut lottery = Lottery::with_seed(seed);
    let (one, three) = (TaskId::from_parts(0, 1), TaskId::from_parts(1, 2));
    lottery.spawned(one, &SpawnInfo::with_priority(0)); // 1 ticket
    lottery.spawned(three, &SpawnInfo::with_priority(2)); // 3 tickets
    lottery.push(Ready::new(one, Cause::Spawned));
    lottery.push(Ready::new(three, Cause::Spawned));
    let mut wins = 0;
    for _ in 0..10_000 {
        let winner = lottery.pop().expect("two tasks are waiting");
        wins += u32::from(winner == three);
        lottery.push(Ready::new(winner, Cause::WokenBy(winner)));
    }
    wins
}

#[test]
fn three_tickets_win_about_three_times_as_often() {
    let wins = wins_of_three_tickets(7);
    assert!((7_000..=8_000).contains(&wins), "3 tickets won {wins} of 10,000 draws");
    assert_eq!(wins, wins_of_three_tickets(7), "the same seed gives the same draws");
}
