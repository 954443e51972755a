//! The deadline sweep and the outbox, run by every server: each change they make is claimed in the
//! database (conditional updates, leases), so two servers running them at once never act twice.

use std::sync::Arc;
use std::time::Duration;

use gradsign_engine::{Actor, Engine};
use tokio::sync::watch;

use crate::config::Clock;

/// Runs the sweep and the outbox every `every` until `stop` turns true.
pub(crate) async fn run(
    engine: Arc<Engine>,
    clock: Clock,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let system = Actor::system();
    loop {
        if engine.is_empty().await.unwrap_or(true) {
            // Nothing to sweep before `gradsign init`.
        } else {
            if let Err(e) = engine.sweep(&system, clock()).await {
                tracing::warn!(target: "worker", code = ?e.code, "sweep failed; retried next round");
            }
            if let Err(e) = engine.deliver_outbox(&system, clock()).await {
                tracing::warn!(target: "worker", code = ?e.code, "outbox delivery failed; retried next round");
            }
            if let Err(e) = engine.prune_request_keys(clock()).await {
                tracing::warn!(target: "worker", code = ?e.code, "pruning request keys failed; retried next round");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
