//! # What to watch: the builder's settings and the environment's
//!
//! Every watching tool can be turned on two ways: in code, on the
//! [`Builder`](crate::Builder), or for any program without touching its
//! code, through an environment variable read when a builder is made —
//! the way `PYTHONASYNCIODEBUG=1` turns on asyncio's debug mode:
//!
//! | variable | builder | what |
//! |---|---|---|
//! | `RUNLOOP_TIMELINE=1` | `timeline(true)` | record; the env form also prints the picture at drop |
//! | `RUNLOOP_TRACE=path` | `trace(path)` | record; write a Chrome trace of the whole program |
//! | `RUNLOOP_INSPECT=1` | `inspect(true)` | print every turn of the loop |
//! | `RUNLOOP_INSPECT=20` | `inspect_turns(20)` | print the first 20 turns in which something happened |
//! | `RUNLOOP_SLOW_POLL=100ms` | `slow_poll_threshold(d)` | warn about polls that block the loop longer |
//!
//! A builder setting wins over the environment. A value that cannot be
//! understood is reported on stderr once, and ignored.

use super::hooks::Hooks;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

/// How much of the loop the inspect mode prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InspectTurns {
    /// Every turn, as it happens.
    Every,
    /// The first `n` turns in which a task was spawned, woken or polled;
    /// turns in which nothing happened are skipped.
    First(usize),
}

/// What the builder asked for.
#[derive(Default)]
pub(crate) struct ObserveConfig {
    pub(crate) timeline: bool,
    /// Print the timeline at drop (set by `RUNLOOP_TIMELINE`).
    pub(crate) print_at_drop: bool,
    pub(crate) trace: Option<PathBuf>,
    pub(crate) hooks: Vec<Box<dyn Hooks>>,
    pub(crate) label: Option<String>,
    pub(crate) inspect: Option<InspectTurns>,
    /// Where inspect output goes (`None`: stderr).
    pub(crate) inspect_to: Option<Box<dyn Write>>,
    pub(crate) slow_poll: Option<Duration>,
}

impl ObserveConfig {
    /// The defaults, as the environment sets them.
    pub(crate) fn from_env() -> ObserveConfig {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        let print_at_drop = var("RUNLOOP_TIMELINE").is_some_and(|value| !is_off(&value));
        ObserveConfig {
            timeline: print_at_drop,
            print_at_drop,
            trace: std::env::var_os("RUNLOOP_TRACE")
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            inspect: var("RUNLOOP_INSPECT").and_then(|value| parse_inspect(&value)),
            slow_poll: var("RUNLOOP_SLOW_POLL").and_then(|value| {
                let threshold = parse_duration(&value);
                if threshold.is_none() {
                    static ONCE: Once = Once::new();
                    ONCE.call_once(|| {
                        eprintln!(
                            "runloop: RUNLOOP_SLOW_POLL={value:?} is not a duration (try 100ms or 0.25s); ignored"
                        )
                    });
                }
                threshold
            }),
            ..ObserveConfig::default()
        }
    }
}

fn is_off(value: &str) -> bool {
    matches!(value.trim(), "0" | "false" | "no" | "off")
}

/// `RUNLOOP_INSPECT`: off, every turn (`1`, `on`, `all`…), or a number of
/// turns (2 or more).
pub(crate) fn parse_inspect(value: &str) -> Option<InspectTurns> {
    if is_off(value) {
        return None;
    }
    match value.trim().parse::<usize>() {
        Ok(turns) if turns >= 2 => Some(InspectTurns::First(turns)),
        _ => Some(InspectTurns::Every),
    }
}

/// A duration as a person writes it: `100ms`, `0.25s`, `500us`, `500µs`;
/// a bare number is milliseconds.
pub(crate) fn parse_duration(value: &str) -> Option<Duration> {
    let value = value.trim();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "" | "ms" => number / 1e3,
        "s" => number,
        "us" | "µs" => number / 1e6,
        "ns" => number / 1e9,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("100ms"), Some(Duration::from_millis(100)));
        assert_eq!(parse_duration("20"), Some(Duration::from_millis(20)));
        assert_eq!(parse_duration("0.25s"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("500us"), Some(Duration::from_micros(500)));
        assert_eq!(parse_duration(" 500µs "), Some(Duration::from_micros(500)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5 parsecs"), None);
    }

    #[test]
    fn inspect_is_off_every_turn_or_the_first_n() {
        assert_eq!(parse_inspect("0"), None);
        assert_eq!(parse_inspect("off"), None);
        assert_eq!(parse_inspect("1"), Some(InspectTurns::Every));
        assert_eq!(parse_inspect("all"), Some(InspectTurns::Every));
        assert_eq!(parse_inspect("20"), Some(InspectTurns::First(20)));
    }
}
