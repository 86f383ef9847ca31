//! `yield_from`: one generator hands the floor to another — Python's
//! `yield from` (PEP 380).
//!
//! Delegation needs no new machinery. The outer body becomes the driver of
//! the sub-generator: it starts it, passes each value the sub yields out
//! through its own `yield_`, passes each argument it is resumed with in
//! through the sub's `resume`, and when the sub returns, that return value
//! is what `yield_from` evaluates to. PEP 380 specifies `yield from` as
//! almost exactly this loop (plus `throw` and `close`, which we do not
//! have).
//!
//! From outside, nobody can tell that a sub-generator is involved: the
//! outer generator yields what the sub yields, in order, and the sub
//! receives what the outer is resumed with. That is why `yield_from`
//! requires the sub to have the same `Y` and `A` as the outer generator.
//!
//! Costs, honestly: a value crossing `n` levels of delegation is moved `n`
//! times, once per airlock, and each level polls the next; PEP 380 describes
//! the same chain of hops. Nothing allocates per yield: each sub-generator
//! was boxed once, when it was built.
//!
//! Invariant: **the sub-generator is driven only from here**, so it
//! follows the same first-resume rule as any other: started once, with no
//! argument, then resumed with exactly the arguments the outer receives.

use super::co::Co;
use super::generator::{Gen, GenState};

impl<Y, A> Co<Y, A> {
    /// Runs `sub` to completion inside this generator and evaluates to its
    /// return value. Everything `sub` yields is yielded by this generator,
    /// and every argument this generator is resumed with goes to `sub`.
    ///
    /// This is Python's `result = yield from sub`.
    ///
    /// ```
    /// use runloop::coro::{Gen, GenState};
    ///
    /// // Asks for numbers until it gets a zero, and returns their sum.
    /// fn adder() -> Gen<&'static str, u32, u32> {
    ///     Gen::new(|co| async move {
    ///         let mut sum = 0;
    ///         loop {
    ///             match co.yield_("next number?").await {
    ///                 0 => return sum,
    ///                 n => sum += n,
    ///             }
    ///         }
    ///     })
    /// }
    ///
    /// let mut report: Gen<&'static str, String, u32> = Gen::new(|co| async move {
    ///     let sum = co.yield_from(adder()).await;
    ///     format!("sum is {sum}")
    /// });
    /// assert_eq!(report.start(), GenState::Yielded("next number?"));
    /// assert_eq!(report.resume(2), GenState::Yielded("next number?"));
    /// assert_eq!(report.resume(3), GenState::Yielded("next number?"));
    /// assert_eq!(report.resume(0), GenState::Complete("sum is 5".to_string()));
    /// ```
    ///
    /// # Panics
    ///
    /// If `sub` has already been started (or has finished): its first yield
    /// went to someone else, so this generator's caller could never see it.
    #[doc(alias = "yield from")]
    #[doc(alias = "delegate")]
    pub async fn yield_from<R>(&self, mut sub: Gen<Y, R, A>) -> R {
        let mut state = sub.start();
        loop {
            match state {
                GenState::Yielded(value) => {
                    let arg = self.yield_(value).await;
                    state = sub.resume(arg);
                }
                GenState::Complete(result) => return result,
            }
        }
    }
}
