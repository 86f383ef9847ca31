//! # The queue inside a runtime
//!
//! 2,000 real sleeps through a runtime whose reactor uses the queue,
//! wrapped in an [`Audit`]. The audit catches a lost, early or oversleeping
//! timer at the reactor's first call that shows it; this check confirms
//! what the tasks themselves saw: no sleep ended early, and they ended in
//! deadline order.

use super::super::{TimerQueue, sleep_until};
use super::alone::next;
use super::audit::Audit;
use crate::Runtime;
use crate::scheduler::conformance::watch::Watch;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) fn sleeps_end_on_time<Q: TimerQueue + 'static>(queue: Q, watch: &Arc<Watch>) -> Result<(), String> {
    let runtime = Runtime::builder()
        .timer_queue(Audit::new(queue, watch.clone()))
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let base = Instant::now() + Duration::from_millis(50);
        let mut seed = 0xd1ce_u64;
        let log: Rc<RefCell<Vec<(Instant, Instant)>>> = Rc::default();
        let sleepers: Vec<_> = (0..2_000)
            .map(|_| {
                let deadline = base + Duration::from_micros(next(&mut seed) % 100_000);
                let log = log.clone();
                crate::spawn(async move {
                    sleep_until(deadline).await;
                    log.borrow_mut().push((deadline, Instant::now()));
                })
            })
            .collect();
        // No timeout here: the audit reports a lost timer at once, and the
        // watch a queue that stops answering.
        crate::join_all(sleepers).await;
        let log = log.borrow();
        if let Some((deadline, woke)) = log.iter().find(|(deadline, woke)| woke < deadline) {
            return Err(format!("a sleep ended {:?} before its deadline", *deadline - *woke));
        }
        if !log.windows(2).all(|pair| pair[0].0 <= pair[1].0) {
            return Err("sleeps ended out of deadline order".into());
        }
        Ok(())
    })
}
