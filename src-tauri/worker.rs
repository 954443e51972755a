//! While the app is open: the engine's deadline sweep (expiry, 24-hour reminders) and the outbox
//! delivery every minute, and a desktop notification when a new in-app message arrives for the
//! signed-in account (R-NOTE-01). Failures are logged without personal data and retried next time.

use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::{now, AppState};

/// How often the sweep and the outbox run.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How often new messages are looked for.
pub const MESSAGES_EVERY: Duration = Duration::from_secs(15);

/// Starts the background task (called once from the app's setup).
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut seen = Seen::default();
        let mut ticks: u64 = 0;
        loop {
            let every = SWEEP_EVERY.as_secs() / MESSAGES_EVERY.as_secs();
            if ticks.is_multiple_of(every) {
                sweep(&app).await;
            }
            notify_new_messages(&app, &mut seen).await;
            ticks += 1;
            tokio::time::sleep(MESSAGES_EVERY).await;
        }
    });
}

async fn sweep(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Ok(engine) = state.engine() else { return };
    if engine.is_empty().await.unwrap_or(true) {
        return;
    }
    // Machine work runs as the engine's own system actor (R-AUTH-07), never as the signed-in person.
    let system = gradsign_engine::Actor::system();
    if let Err(e) = engine.sweep(&system, now()).await {
        eprintln!("gradsign worker: sweep failed: {:?}", e.code);
    }
    if let Err(e) = engine.deliver_outbox(&system, now()).await {
        eprintln!("gradsign worker: outbox failed: {:?}", e.code);
    }
}

/// The newest message id already known, per signed-in account.
#[derive(Debug, Default)]
struct Seen {
    account: Option<i64>,
    newest: i64,
}

impl Seen {
    /// The messages to announce: on the first look at an account nothing (its backlog is in the
    /// app's list), afterwards the unread ones newer than the newest seen.
    fn fresh<'a>(
        &mut self,
        account: i64,
        messages: &'a [gradsign_engine::Message],
    ) -> Vec<&'a gradsign_engine::Message> {
        let newest = messages.iter().map(|m| m.id).max().unwrap_or(0);
        let out = if self.account == Some(account) {
            messages
                .iter()
                .filter(|m| m.id > self.newest && !m.read)
                .collect()
        } else {
            vec![]
        };
        self.account = Some(account);
        self.newest = self.newest.max(newest);
        out
    }
}

async fn notify_new_messages(app: &AppHandle, seen: &mut Seen) {
    let state = app.state::<AppState>();
    let (Ok(engine), Ok(token)) = (state.engine(), state.token()) else {
        return;
    };
    let Ok(actor) = engine.authenticate(&token, now()).await else {
        return;
    };
    let (Some(account), Ok(messages)) = (actor.account_id, engine.messages(&actor).await) else {
        return;
    };
    for m in seen.fresh(account, &messages) {
        let shown = app
            .notification()
            .builder()
            .title(&m.title)
            .body(&m.body)
            .show();
        if shown.is_err() {
            // No notification service (e.g. a bare X session): the in-app badge still shows it.
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, read: bool) -> gradsign_engine::Message {
        gradsign_engine::Message {
            id,
            kind: "invitation".into(),
            title: "新的签约邀请".into(),
            body: "".into(),
            item_id: None,
            created_at: 0,
            read,
        }
    }

    #[test]
    fn only_unread_messages_newer_than_the_first_look_are_announced() {
        let mut seen = Seen::default();
        assert!(seen
            .fresh(1, &[message(2, false), message(1, false)])
            .is_empty());
        let now = [message(4, true), message(3, false), message(2, false)];
        let fresh: Vec<i64> = seen.fresh(1, &now).iter().map(|m| m.id).collect();
        assert_eq!(fresh, vec![3]);
        assert!(seen.fresh(1, &now).is_empty());
        // Another account signs in: its backlog is not announced.
        assert!(seen.fresh(2, &[message(9, false)]).is_empty());
        assert_eq!(seen.newest, 9);
    }
}
