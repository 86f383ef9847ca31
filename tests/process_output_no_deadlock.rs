//! `output()` reads stdout and stderr at the same time: a child that
//! fills stderr while we would be reading stdout does not deadlock.
mod common;

use common::{scaled, with_deadline};
use runloop::process::Command;
use std::time::Duration;

#[test]
fn ten_mib_on_each_pipe_completes() {
    let bytes = scaled(10 << 20, 1 << 20);
    with_deadline(Duration::from_secs(60), move || {
        runloop::run(async move {
            // All of stderr first, then all of stdout: reading stdout alone
            // would leave the child blocked on a full stderr pipe forever.
            let script = format!("head -c {bytes} /dev/zero >&2; head -c {bytes} /dev/zero");
            let output = Command::new("sh")
                .args(["-c", &script])
                .output()
                .await
                .expect("sh runs");
            assert!(output.status.success(), "{:?}", output.status);
            assert_eq!(output.stdout.len(), bytes);
            assert_eq!(output.stderr.len(), bytes);
        })
    });
}
