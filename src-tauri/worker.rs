//! While the app is open: the engine's deadline sweep (expiry, 24-hour reminders) and the outbox
//! delivery every minute when the school is on this machine (on a server, the servers run them),
//! and a desktop notification when a new in-app message arrives for the signed-in session, here
//! or on the server (R-NOTE-01). Failures are logged without personal data and retried next time.

use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::state::{now, AppState, School};

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
    let school = state.school();
    let Ok(School::Here(engine)) = &*school else {
        return;
    };
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

/// The newest message id already known, per signed-in session.
#[derive(Debug, Default)]
struct Seen {
    session: Option<String>,
    newest: i64,
}

impl Seen {
    /// The messages to announce: on the first look at an account nothing (its backlog is in the
    /// app's list), afterwards the unread ones newer than the newest seen.
    fn fresh<'a>(
        &mut self,
        session: &str,
        messages: &'a [gradsign_engine::Message],
    ) -> Vec<&'a gradsign_engine::Message> {
        let newest = messages.iter().map(|m| m.id).max().unwrap_or(0);
        let out = if self.session.as_deref() == Some(session) {
            messages
                .iter()
                .filter(|m| m.id > self.newest && !m.read)
                .collect()
        } else {
            vec![]
        };
        if self.session.as_deref() != Some(session) {
            self.session = Some(session.to_string());
            self.newest = 0;
        }
        self.newest = self.newest.max(newest);
        out
    }
}

async fn notify_new_messages(app: &AppHandle, seen: &mut Seen) {
    let state = app.state::<AppState>();
    let Ok(token) = state.token() else {
        return;
    };
    // The catalog's list, here or from the server: the same call the messages screen makes.
    let Ok(answer) = state
        .call_as(Some(&token), "messages_list", serde_json::Value::Null)
        .await
        .and_then(|r| r.into_json())
    else {
        return;
    };
    let Ok(messages) = serde_json::from_value::<Vec<gradsign_engine::Message>>(answer) else {
        return;
    };
    // Sessions are told apart by a digest of their token (the token itself stays in the state).
    let session = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(token.0.as_bytes()))
    };
    for m in seen.fresh(&session, &messages) {
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
            .fresh("a", &[message(2, false), message(1, false)])
            .is_empty());
        let now = [message(4, true), message(3, false), message(2, false)];
        let fresh: Vec<i64> = seen.fresh("a", &now).iter().map(|m| m.id).collect();
        assert_eq!(fresh, vec![3]);
        assert!(seen.fresh("a", &now).is_empty());
        // Another session (another account, or another school's server): its backlog is not
        // announced, and its ids are its own.
        assert!(seen.fresh("b", &[message(2, false)]).is_empty());
        assert_eq!(seen.newest, 2);
        let fresh: Vec<i64> = seen
            .fresh("b", &[message(3, false), message(2, false)])
            .iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(fresh, vec![3]);
    }
}
