//! Every way a task can end, crossed with every way its handle can be used:
//! the future is dropped exactly once, its output (if it made one) is
//! dropped exactly once, it is polled no more than its story allows, and the
//! handle reports the outcome the docs promise.
//!
//! How the task ends (rows): it returns; it panics in `poll`; its
//! destructor panics; both; it is aborted before its first poll, while
//! parked, or after being woken but before it runs again; it is aborted
//! after it returned; it is aborted and its destructor panics; the runtime
//! is dropped while it is parked, with or without a panicking destructor.
//!
//! What happens to the handle (columns): awaited while the task still runs;
//! awaited after it ended; dropped before it ended (detached); dropped
//! after it ended, never awaited.
mod common;

use common::with_deadline;
use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Returns,
    PanicInPoll,
    PanicInDrop,
    PanicInPollAndDrop,
    AbortBeforeFirstPoll,
    AbortWhileParked,
    AbortWhileWoken,
    AbortAfterReturn,
    AbortWithPanicInDrop,
    RuntimeDropped,
    RuntimeDroppedWithPanicInDrop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handle {
    AwaitedWhileRunning,
    AwaitedAfterEnd,
    DroppedBeforeEnd,
    DroppedAfterEnd,
}

const ENDS: [End; 11] = [
    End::Returns,
    End::PanicInPoll,
    End::PanicInDrop,
    End::PanicInPollAndDrop,
    End::AbortBeforeFirstPoll,
    End::AbortWhileParked,
    End::AbortWhileWoken,
    End::AbortAfterReturn,
    End::AbortWithPanicInDrop,
    End::RuntimeDropped,
    End::RuntimeDroppedWithPanicInDrop,
];

const HANDLES: [Handle; 4] = [
    Handle::AwaitedWhileRunning,
    Handle::AwaitedAfterEnd,
    Handle::DroppedBeforeEnd,
    Handle::DroppedAfterEnd,
];

/// What the handle said, when it was awaited.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Returned,
    Panicked(String),
    Cancelled,
}

/// What the scripted future and its output report.
#[derive(Default)]
struct Probe {
    polls: Cell<u32>,
    future_drops: Cell<u32>,
    output_drops: Cell<u32>,
    waker: RefCell<Option<Waker>>,
    /// The next poll ends the future (returns or panics).
    finish: Cell<bool>,
}

/// Parks on its first poll; once told to finish, returns (or panics).
struct Scripted {
    probe: Rc<Probe>,
    panic_in_poll: bool,
    panic_in_drop: bool,
}

struct Output(Rc<Probe>);

impl Drop for Output {
    fn drop(&mut self) {
        self.0.output_drops.set(self.0.output_drops.get() + 1);
    }
}

impl Future for Scripted {
    type Output = Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Output> {
        let probe = &self.probe;
        probe.polls.set(probe.polls.get() + 1);
        if !probe.finish.get() {
            *probe.waker.borrow_mut() = Some(cx.waker().clone());
            return Poll::Pending;
        }
        if self.panic_in_poll {
            panic!("grid: poll");
        }
        Poll::Ready(Output(probe.clone()))
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.probe.future_drops.set(self.probe.future_drops.get() + 1);
        if self.panic_in_drop {
            panic!("grid: drop");
        }
    }
}

type Shared = Rc<RefCell<Option<runloop::JoinHandle<Output>>>>;

fn abort(handle: &Shared) {
    handle.borrow().as_ref().expect("the handle is still held").abort();
}

/// Gives the loop a few turns.
async fn settle() {
    for _ in 0..4 {
        runloop::yield_now().await;
    }
}

/// Plays `end` on the task; returns when the task has ended, or is parked
/// for the runtime to drop. `drop_early` detaches the handle before the
/// task ends.
async fn play(end: End, probe: &Probe, handle: &Shared, drop_early: bool) {
    let detach = || {
        if drop_early {
            drop(handle.borrow_mut().take());
        }
    };
    if end == End::AbortBeforeFirstPoll {
        detach(); // aborted already, before the loop ran
        return settle().await;
    }
    // Without an abort in its story, the handle can go at once; with one,
    // right after `abort` (which takes effect at the next turn).
    let aborted = matches!(
        end,
        End::AbortWhileParked | End::AbortWhileWoken | End::AbortWithPanicInDrop
    );
    if !aborted {
        detach();
    }
    settle().await; // the first poll parks it
    assert_eq!(probe.polls.get(), 1, "{end:?}: the task ran once and parked");
    match end {
        End::AbortWhileParked | End::AbortWithPanicInDrop => abort(handle),
        End::AbortWhileWoken => {
            probe.waker.borrow().as_ref().unwrap().wake_by_ref();
            abort(handle); // queued, not yet run: it must not be polled
        }
        End::RuntimeDropped | End::RuntimeDroppedWithPanicInDrop => return,
        _ => {
            probe.finish.set(true);
            probe.waker.borrow().as_ref().unwrap().wake_by_ref();
        }
    }
    if aborted {
        detach();
    }
    settle().await;
    if end == End::AbortAfterReturn && !drop_early {
        abort(handle); // too late: the output stays
        settle().await;
    }
}

/// Runs one cell of the grid and checks it.
fn cell(end: End, handle_use: Handle) {
    let probe = Rc::new(Probe::default());
    let runtime = runloop::Runtime::new().unwrap();
    let shared: Shared = Rc::new(RefCell::new(Some(runtime.spawn(Scripted {
        probe: probe.clone(),
        panic_in_poll: matches!(end, End::PanicInPoll | End::PanicInPollAndDrop),
        panic_in_drop: matches!(
            end,
            End::PanicInDrop | End::PanicInPollAndDrop | End::AbortWithPanicInDrop | End::RuntimeDroppedWithPanicInDrop
        ),
    }))));
    if end == End::AbortBeforeFirstPoll {
        abort(&shared);
    }
    let runtime_drops = matches!(end, End::RuntimeDropped | End::RuntimeDroppedWithPanicInDrop);
    let outcome: Rc<RefCell<Option<Outcome>>> = Rc::default();
    let take = |result: Result<Output, runloop::JoinError>| match result {
        Ok(output) => {
            drop(output);
            Outcome::Returned
        }
        Err(error) if error.is_cancelled() => Outcome::Cancelled,
        Err(error) => Outcome::Panicked(error.panic_message().unwrap_or("?").to_string()),
    };

    runtime.block_on({
        let (probe, shared, outcome) = (probe.clone(), shared.clone(), outcome.clone());
        async move {
            let drop_early = handle_use == Handle::DroppedBeforeEnd;
            if handle_use == Handle::AwaitedWhileRunning {
                // A helper plays the story while this future waits on the handle.
                let mut helper = runloop::spawn({
                    let (probe, shared) = (probe.clone(), shared.clone());
                    async move { play(end, &probe, &shared, false).await }
                });
                let waited = poll_fn(|cx| {
                    if runtime_drops && Pin::new(&mut helper).poll(cx).is_ready() {
                        return Poll::Ready(None); // leave it parked for the drop
                    }
                    let mut held = shared.borrow_mut();
                    Pin::new(held.as_mut().unwrap()).poll(cx).map(Some)
                })
                .await;
                if let Some(result) = waited {
                    *outcome.borrow_mut() = Some(take(result));
                    drop(shared.borrow_mut().take()); // spent
                }
                return;
            }
            play(end, &probe, &shared, drop_early).await;
        }
    });
    if !runtime_drops {
        assert!(
            shared.borrow().as_ref().is_none_or(runloop::JoinHandle::is_finished),
            "{end:?}/{handle_use:?}: the task has ended"
        );
    }
    drop(runtime);
    if handle_use == Handle::DroppedAfterEnd {
        drop(shared.borrow_mut().take());
    }
    let held = shared.borrow_mut().take();
    if let Some(handle) = held {
        assert!(handle.is_finished(), "{end:?}/{handle_use:?}");
        let result = runloop::run(handle);
        *outcome.borrow_mut() = Some(take(result));
    }

    let made_output = matches!(end, End::Returns | End::PanicInDrop | End::AbortAfterReturn);
    let polls = match end {
        End::AbortBeforeFirstPoll => 0,
        End::AbortWhileParked
        | End::AbortWhileWoken
        | End::AbortWithPanicInDrop
        | End::RuntimeDropped
        | End::RuntimeDroppedWithPanicInDrop => 1,
        End::Returns | End::PanicInPoll | End::PanicInDrop | End::PanicInPollAndDrop | End::AbortAfterReturn => 2,
    };
    let expected = match end {
        End::Returns | End::AbortAfterReturn => Outcome::Returned,
        End::PanicInPoll | End::PanicInPollAndDrop => Outcome::Panicked("grid: poll".into()),
        End::PanicInDrop | End::AbortWithPanicInDrop | End::RuntimeDroppedWithPanicInDrop => {
            Outcome::Panicked("grid: drop".into())
        }
        End::AbortBeforeFirstPoll | End::AbortWhileParked | End::AbortWhileWoken | End::RuntimeDropped => {
            Outcome::Cancelled
        }
    };
    let context = format!("{end:?} / {handle_use:?}");
    assert_eq!(probe.future_drops.get(), 1, "{context}: future drops");
    assert_eq!(
        probe.output_drops.get(),
        u32::from(made_output),
        "{context}: output drops"
    );
    assert_eq!(probe.polls.get(), polls, "{context}: polls");
    let awaited = matches!(handle_use, Handle::AwaitedWhileRunning | Handle::AwaitedAfterEnd);
    assert_eq!(
        outcome.borrow_mut().take(),
        awaited.then_some(expected),
        "{context}: outcome"
    );
}

#[test]
fn every_end_with_every_handle_use_drops_once_and_reports_the_outcome() {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| common::quiet_expected_panics("grid: "));
    let cells = with_deadline(Duration::from_secs(30), || {
        let mut cells = 0;
        for end in ENDS {
            for handle in HANDLES {
                cell(end, handle);
                cells += 1;
            }
        }
        cells
    });
    assert_eq!(cells, ENDS.len() * HANDLES.len());
}
