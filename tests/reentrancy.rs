//! Code that runs inside one of the runtime's own steps — a destructor run
//! by `abort` or by teardown, the wake of a join waiter, the drop of a waker
//! the reactor replaces — may call straight back into the runtime: spawn,
//! wake, abort, drop a task, a sleep or a socket. None of it may find a
//! `RefCell` still borrowed, and a task slot freed and reused meanwhile
//! never receives a wake meant for its previous tenant.
//!
//! (Spawning from inside a poll is `spawn_join.rs`, `tasks_can_spawn_tasks`;
//! spawning from a destructor during teardown is `runtime_drop.rs`.)
mod common;

use common::{DropCounter, poll_with, with_deadline};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::future::{Future, pending, poll_fn};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::time::Duration;

thread_local! {
    /// Things a waker will drop, wake or run when it is woken or dropped.
    /// Wakers must be `Send`; what they act on here is not, so it waits on
    /// the loop's thread, where the runtime wakes and drops them.
    static ERRANDS: RefCell<Vec<Box<dyn FnOnce()>>> = RefCell::default();
}

fn leave_errand(errand: impl FnOnce() + 'static) {
    ERRANDS.with(|errands| errands.borrow_mut().push(Box::new(errand)));
}

fn run_errands() {
    let errands = ERRANDS.with(|errands| std::mem::take(&mut *errands.borrow_mut()));
    for errand in errands {
        errand();
    }
}

/// A waker that runs the errands when it is woken.
struct ErrandsOnWake;

impl Wake for ErrandsOnWake {
    fn wake(self: Arc<Self>) {
        run_errands();
    }
}

/// A waker that runs the errands when its last clone is dropped.
struct ErrandsOnDrop;

impl Wake for ErrandsOnDrop {
    fn wake(self: Arc<Self>) {}
}

impl Drop for ErrandsOnDrop {
    fn drop(&mut self) {
        run_errands();
    }
}

/// A task that counts its polls and parks, keeping its waker where the
/// test can reach it.
fn parked(polls: Rc<Cell<usize>>, waker: Rc<RefCell<Option<Waker>>>) -> impl Future<Output = ()> {
    poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        *waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    })
}

/// Runs `action` when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// A destructor that spawns a task and wakes another: it runs in a task's
/// last step (`abort`, or the drop after `Ready`), both from inside the loop.
fn destructor_spawns_and_wakes(finish: impl FnOnce(&runloop::JoinHandle<()>) + Send + 'static) {
    let outcome = with_deadline(Duration::from_secs(10), move || {
        runloop::run(async move {
            let (polls, waker) = (Rc::new(Cell::new(0)), Rc::new(RefCell::new(None)));
            let sleeper = runloop::spawn(parked(polls.clone(), waker.clone()));
            let spawned: Rc<RefCell<Option<runloop::JoinHandle<u32>>>> = Rc::default();
            let guard = OnDrop({
                let (spawned, waker) = (spawned.clone(), waker.clone());
                move || {
                    *spawned.borrow_mut() = Some(runloop::spawn(async { 5 }));
                    waker.borrow().as_ref().unwrap().wake_by_ref();
                }
            });
            let victim = runloop::spawn(async move {
                let _guard = guard;
                runloop::yield_now().await;
            });
            runloop::yield_now().await; // both tasks have run once and parked
            finish(&victim);
            let victim = victim.await;
            let child = spawned.borrow_mut().take().expect("the destructor ran");
            let child = child.await.unwrap();
            runloop::yield_now().await;
            sleeper.abort();
            (victim.is_ok(), child, polls.get())
        })
    });
    let (_, child, sleeper_polls) = outcome;
    assert_eq!(child, 5, "the task spawned by the destructor ran");
    assert_eq!(sleeper_polls, 2, "the task woken by the destructor ran again");
}

#[test]
fn a_destructor_run_by_abort_may_spawn_and_wake() {
    destructor_spawns_and_wakes(|victim| victim.abort());
}

#[test]
fn a_destructor_run_when_a_task_returns_may_spawn_and_wake() {
    destructor_spawns_and_wakes(|_| {});
}

#[test]
fn a_destructor_run_by_runtime_drop_may_wake_and_abort_others() {
    let drops = Rc::new(Cell::new(0));
    let rt = runloop::Runtime::new().unwrap();
    let (polls, waker) = (Rc::new(Cell::new(0)), Rc::new(RefCell::new(None)));
    let sleeper = rt.spawn(parked(polls.clone(), waker.clone()));
    let guard = DropCounter(drops.clone());
    let other = rt.spawn(async move {
        let _guard = guard;
        pending::<()>().await;
    });
    let trigger = OnDrop(move || {
        waker.borrow().as_ref().unwrap().wake_by_ref();
        other.abort();
    });
    drop(rt.spawn(async move {
        let _trigger = trigger;
        pending::<()>().await;
    }));
    rt.block_on(runloop::yield_now());
    assert_eq!(polls.get(), 1);
    drop(rt);
    assert_eq!(drops.get(), 1, "the aborted task's future was dropped once");
    assert!(sleeper.is_finished());
    assert_eq!(polls.get(), 1, "nothing is polled during teardown");
}

#[test]
fn a_join_waiter_may_drop_the_handle_it_waits_on() {
    // The task finishes; waking its join waiter drops the handle, which
    // detaches the task from inside `finish` and drops the output there.
    let output_drops = with_deadline(Duration::from_secs(10), || {
        let drops = Rc::new(Cell::new(0));
        runloop::run({
            let drops = drops.clone();
            async move {
                let finish = Rc::new(Cell::new(false));
                let task_waker: Rc<RefCell<Option<Waker>>> = Rc::default();
                let mut handle = runloop::spawn({
                    let (finish, task_waker) = (finish.clone(), task_waker.clone());
                    poll_fn(move |cx| {
                        *task_waker.borrow_mut() = Some(cx.waker().clone());
                        match finish.get() {
                            true => Poll::Ready(DropCounter(drops.clone())),
                            false => Poll::Pending,
                        }
                    })
                });
                runloop::yield_now().await;
                let waiter = Waker::from(Arc::new(ErrandsOnWake));
                assert!(poll_with(&mut handle, &waiter).is_pending());
                leave_errand(move || drop(handle));
                finish.set(true);
                task_waker.borrow().as_ref().unwrap().wake_by_ref();
                for _ in 0..3 {
                    runloop::yield_now().await;
                }
            }
        });
        drops.get()
    });
    assert_eq!(output_drops, 1, "the output was dropped once, by the detach");
}

#[test]
fn a_join_waiter_may_abort_one_task_and_spawn_another() {
    let (victim_drops, child_ran) = with_deadline(Duration::from_secs(10), || {
        let victim_drops = Rc::new(Cell::new(0));
        let child_ran = Rc::new(Cell::new(false));
        runloop::run({
            let (victim_drops, child_ran) = (victim_drops.clone(), child_ran.clone());
            async move {
                let guard = DropCounter(victim_drops);
                let victim = runloop::spawn(async move {
                    let _guard = guard;
                    pending::<()>().await;
                });
                let mut finishing = runloop::spawn(runloop::yield_now());
                let waiter = Waker::from(Arc::new(ErrandsOnWake));
                assert!(poll_with(&mut finishing, &waiter).is_pending());
                let spawned: Rc<RefCell<Option<runloop::JoinHandle<()>>>> = Rc::default();
                leave_errand({
                    let spawned = spawned.clone();
                    move || {
                        victim.abort();
                        drop(victim);
                        *spawned.borrow_mut() = Some(runloop::spawn(async move { child_ran.set(true) }));
                    }
                });
                while !finishing.is_finished() {
                    runloop::yield_now().await;
                }
                let child = spawned.borrow_mut().take().expect("the waiter was woken");
                child.await.unwrap();
                finishing.await.unwrap();
            }
        });
        (victim_drops.get(), child_ran.get())
    });
    assert_eq!(victim_drops, 1);
    assert!(child_ran);
}

#[test]
fn a_reused_task_slot_never_receives_its_previous_tenants_wake() {
    // `first` wakes itself during its only poll, then returns: its id goes
    // into the run queue behind `spawner`, but the task is gone and its
    // slot free. `spawner` runs next and spawns `tenant`, which moves into
    // that slot. When the stale id comes up, the generation check must
    // skip it: `tenant` is polled once, by its own entry.
    let (first_id, tenant_id, tenant_polls) = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let first = runloop::spawn(poll_fn(|cx| {
                cx.waker().wake_by_ref();
                Poll::Ready(())
            }));
            let tenant_polls = Rc::new(Cell::new(0));
            let tenant: Rc<RefCell<Option<runloop::JoinHandle<()>>>> = Rc::default();
            let spawner = runloop::spawn({
                let (tenant_polls, tenant) = (tenant_polls.clone(), tenant.clone());
                async move {
                    let spawned = runloop::spawn(poll_fn(move |_| {
                        tenant_polls.set(tenant_polls.get() + 1);
                        Poll::<()>::Pending
                    }));
                    *tenant.borrow_mut() = Some(spawned);
                }
            });
            let first_id = first.id().unwrap();
            spawner.await.unwrap();
            let tenant = tenant.borrow_mut().take().unwrap();
            for _ in 0..3 {
                runloop::yield_now().await;
            }
            first.await.unwrap();
            let tenant_id = tenant.id().unwrap();
            tenant.abort();
            (first_id, tenant_id, tenant_polls.get())
        })
    });
    assert_eq!(
        tenant_id.index(),
        first_id.index(),
        "the scenario needs the slot to be reused"
    );
    assert_ne!(tenant_id, first_id);
    assert_eq!(tenant_polls, 1, "the stale wake must not poll the new tenant");
}

/// Registers a sleep with `first` as its waker, then polls it again with a
/// different waker, so the timer heap replaces (drops) `first`, whose
/// destructor drops another sleep registered in the same heap.
fn replace_a_sleeps_waker(first: Waker) -> bool {
    with_deadline(Duration::from_secs(10), move || {
        runloop::run(async move {
            let mut doomed = runloop::time::sleep(Duration::from_secs(60));
            assert!(poll_with(&mut doomed, Waker::noop()).is_pending());
            leave_errand(move || drop(doomed));
            let mut nap = runloop::time::sleep(Duration::from_secs(60));
            assert!(poll_with(&mut nap, &first).is_pending());
            drop(first); // the timer heap holds the last clone
            poll_fn(|cx| Poll::Ready(poll_with(&mut nap, cx.waker()).is_pending())).await
        })
    })
}

#[test]
fn a_waker_dropped_by_the_timer_heap_may_drop_a_sleep() {
    assert!(replace_a_sleeps_waker(Waker::from(Arc::new(ErrandsOnDrop))));
}

/// Two connected client sockets (and their server ends, to keep them open).
async fn two_connections() -> (runloop::net::TcpStream, runloop::net::TcpStream, impl Any) {
    use runloop::net::{TcpListener, TcpStream};
    let mut listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let first = TcpStream::connect(addr).await.unwrap();
    let second = TcpStream::connect(addr).await.unwrap();
    let server_ends = (listener.accept().await.unwrap(), listener.accept().await.unwrap());
    (first, second, server_ends)
}

#[test]
fn a_waker_replaced_by_the_reactor_may_drop_a_socket() {
    use runloop::prelude::*;
    let still_pending = with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let (mut client, doomed, _server_ends) = two_connections().await;
            leave_errand(move || drop(doomed));
            let mut buf = [0u8; 16];
            let mut read = Box::pin(client.read(&mut buf));
            let first = Waker::from(Arc::new(ErrandsOnDrop));
            assert!(
                read.as_mut()
                    .poll(&mut std::task::Context::from_waker(&first))
                    .is_pending()
            );
            drop(first); // the reactor holds the last clone
            // Polled with another waker, the reactor replaces (drops) the
            // first one, whose destructor drops a socket of the same reactor.
            poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx).is_pending())).await
        })
    });
    assert!(still_pending);
}

#[test]
fn a_socket_dropped_with_its_waiter_may_drop_another_socket() {
    use runloop::prelude::*;
    with_deadline(Duration::from_secs(10), || {
        runloop::run(async {
            let (mut first, second, _server_ends) = two_connections().await;
            leave_errand(move || drop(second));
            let waiter = Waker::from(Arc::new(ErrandsOnDrop));
            {
                let mut buf = [0u8; 16];
                let mut read = Box::pin(first.read(&mut buf));
                assert!(
                    read.as_mut()
                        .poll(&mut std::task::Context::from_waker(&waiter))
                        .is_pending()
                );
            }
            drop(waiter); // the reactor holds the last clone, in `first`'s slot
            drop(first); // deregistering drops it: its destructor drops `second`
        });
    });
}
