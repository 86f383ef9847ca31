//! # The header: the part of a task that a `Waker` can reach
//!
//! A `Waker` may be cloned into another thread, stored in a timer, or kept
//! alive long after its task finished and its runtime was dropped. So the
//! part of a task it touches must be safe to share across threads, and small:
//! an id, the two atomic state bits, and a `Weak` to the runtime's inbox.
//! Everything else a task owns (its future, its output, its join waiter)
//! stays behind on the loop thread.
//!
//! [`Header::wake`] is the whole of waking, in asyncio's words
//! `call_soon(task.__step)`: flip `NOTIFIED`, and if we were first, deliver
//! the id through the mailbox. It is `Sync` by construction — the compiler
//! checks it below — which is half of the argument that our hand-built
//! wakers may be `Send + Sync` (the other half is in `src/task/raw.rs`).

use super::TaskId;
use super::mailbox::{self, Inbox};
use super::state::State;
use std::sync::Weak;

/// What every task, and the `block_on` future, shares with its wakers.
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) id: TaskId,
    inbox: Weak<Inbox>,
}

impl Header {
    /// A header whose task starts notified, as a new task is queued once.
    pub(crate) fn new(id: TaskId, inbox: Weak<Inbox>) -> Header {
        Header {
            state: State::new_notified(),
            id,
            inbox,
        }
    }

    /// Queues the task unless it is already queued or done.
    #[inline]
    pub(crate) fn wake(&self) {
        if self.state.notify() {
            mailbox::deliver(self.id, &self.inbox);
        }
    }
}

// The waker vtable in `src/task/raw.rs` relies on this: a header may be touched
// from any thread.
const _: () = {
    const fn shared_across_threads<T: Send + Sync>() {}
    shared_across_threads::<Header>();
};
