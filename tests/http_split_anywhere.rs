//! Property: the parser's answer does not depend on how the input was cut.
//! Fed whole, one byte at a time, or split in two (or three) at every
//! position, every response in the corpus gives the same head, body,
//! trailers, errors, completeness and reusability.

mod http_common;

use http_common::{Outcome, Then, bytewise, response_corpus, run, split, whole};
use proptest::prelude::*;
use runloop::http::{Limits, Method};

/// Byte counts agree only when no error cut a run short: a failing `feed`
/// reports no count, and where it fails depends on the split.
fn comparable(outcome: &Outcome) -> Outcome {
    let mut outcome = outcome.clone();
    if outcome.error.is_some() {
        outcome.consumed = 0;
    }
    outcome
}

fn assert_split_independent(name: &str, method: &Method, wire: &[u8], then: Then) {
    let limits = Limits::default();
    let reference = comparable(&whole(method, limits, wire, then));
    assert_eq!(
        comparable(&bytewise(method, limits, wire, then)),
        reference,
        "{name}: byte at a time"
    );
    for at in 0..=wire.len() {
        assert_eq!(
            comparable(&split(method, limits, wire, at, then)),
            reference,
            "{name}: split at {at}"
        );
    }
}

#[test]
fn every_corpus_response_parses_the_same_however_it_is_split() {
    for (name, method, wire) in response_corpus() {
        assert_split_independent(name, &method, &wire, Then::StayOpen);
        assert_split_independent(name, &method, &wire, Then::Close);
    }
}

#[test]
fn three_way_splits_agree_on_small_responses() {
    let limits = Limits::default();
    for (name, method, wire) in response_corpus().into_iter().filter(|(_, _, w)| w.len() <= 90) {
        let reference = comparable(&whole(&method, limits, &wire, Then::Close));
        for first in 0..=wire.len() {
            for second in first..=wire.len() {
                let pieces = [&wire[..first], &wire[first..second], &wire[second..]];
                let outcome = comparable(&run(&method, limits, pieces, Then::Close));
                assert_eq!(outcome, reference, "{name}: split at {first} and {second}");
            }
        }
    }
}

#[test]
fn the_corpus_covers_success_and_failure() {
    // Guards the test above against a corpus that proves nothing.
    let outcomes: Vec<Outcome> = response_corpus()
        .iter()
        .map(|(_, method, wire)| whole(method, Limits::default(), wire, Then::Close))
        .collect();
    assert!(outcomes.iter().filter(|o| o.error.is_none()).count() >= 15);
    assert!(outcomes.iter().filter(|o| o.error.is_some()).count() >= 10);
    assert!(outcomes.iter().any(|o| o.trailers.is_some()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Random cuts into many pieces, on every corpus entry.
    #[test]
    fn random_cuts_agree_with_feeding_whole(
        entry in 0..response_corpus().len(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        close in any::<bool>(),
    ) {
        let (name, method, wire) = response_corpus().swap_remove(entry);
        let then = if close { Then::Close } else { Then::StayOpen };
        let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(wire.len() + 1)).collect();
        points.sort_unstable();
        let mut pieces = Vec::new();
        let mut start = 0;
        for point in points {
            pieces.push(&wire[start..point]);
            start = point;
        }
        pieces.push(&wire[start..]);
        let limits = Limits::default();
        let reference = comparable(&whole(&method, limits, &wire, then));
        let outcome = comparable(&run(&method, limits, pieces, then));
        prop_assert_eq!(outcome, reference, "{}", name);
    }
}
